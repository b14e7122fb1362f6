//! A page of a list and what a list request asks for: the shapes every list of the store shares
//! (inventory, orders, audit, configurations, notifications). Depends on nothing of the crate.

use serde::Serialize;

pub const DEFAULT_LIMIT: u32 = 50;
pub const MAX_LIMIT: u32 = 1000;

/// What a list request asks for: filters by name, `sort` (a column, `-` in front for
/// descending), `limit` and the `cursor` of the previous page.
#[derive(Debug, Clone, Default)]
pub struct ListParams {
    pub filters: Vec<(String, String)>,
    pub sort: Option<String>,
    pub limit: Option<u32>,
    pub cursor: Option<String>,
}

/// One page of a list; `next_cursor` is `None` on the last page.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}
