//! `GET /api/v1/audit`: the audit log, newest first (issue 4).

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use jike_domain::FieldError;
use jike_store::audit::MAX_AUDIT_LIMIT;
use jike_store::AuditQuery;
use utoipa_axum::routes;

use crate::access::{Allow, AUDIT_READ};
use crate::error::ApiError;
use crate::openapi::{Instant, PageLimit, PageOfAuditRecords};
use crate::routes::Routes;
use crate::AppState;

const PARAMS: &str = "actor, action, object, since, until, limit or cursor";

pub(crate) fn routes() -> Routes {
    Routes::new().route(Allow::Roles(AUDIT_READ), routes!(list))
}

/// `GET /api/v1/audit?actor=&action=&object=&since=&until=&limit=&cursor=`: audit entries,
/// newest first, one page.
#[utoipa::path(get, path = "/api/v1/audit", tag = "audit 审计", operation_id = "list_audit",
    summary = "The audit log, newest first: every write and every unmasked read",
    description = "Each entry records who (actor, role), when, from where (source), what (action, object) and the \
        object before and after. Entries are hash-chained (`prev_hash`, `hash`); `jike audit verify` \
        recomputes the chain.",
    params(
        ("actor" = Option<String>, Query, description = "only this actor's entries"),
        ("action" = Option<String>, Query,
            description = "only this action, e.g. customers.update; a trailing * matches a prefix (customers.*)"),
        ("object" = Option<String>, Query,
            description = "only this object, e.g. customers/12; a trailing * matches a prefix"),
        ("since" = inline(Option<Instant>), Query,
            description = "only entries recorded at or after this instant (RFC 3339)"),
        ("until" = inline(Option<Instant>), Query,
            description = "only entries recorded before this instant (RFC 3339)"),
        ("limit" = inline(Option<PageLimit>), Query, description = format!(
            "entries per page, 1 to {MAX_AUDIT_LIMIT}, default {}",
            jike_store::DEFAULT_LIMIT
        )),
        ("cursor" = Option<String>, Query, description = "the next_cursor of the previous page"),
    ),
    responses(
        (status = 200, description = "one page", body = PageOfAuditRecords),
        (status = 422, description = "an unknown parameter, a bad instant, limit or cursor"),
    ))]
pub async fn list(
    State(state): State<AppState>,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(pairs) = query?;
    let q = parse_query(pairs)?;
    let page = state.store.audit_list(&q).await?;
    Ok(axum::Json(page).into_response())
}

fn parse_query(pairs: Vec<(String, String)>) -> Result<AuditQuery, ApiError> {
    let mut q = AuditQuery::default();
    for (k, v) in pairs {
        let v = v.trim();
        if v.is_empty() {
            continue;
        }
        let invalid = |reason: String| ApiError::Invalid(vec![FieldError::new(k.clone(), reason)]);
        let instant = |v: &str| -> Result<DateTime<Utc>, ApiError> {
            DateTime::parse_from_rfc3339(v)
                .map(|t| t.with_timezone(&Utc))
                .map_err(|_| {
                    invalid(format!(
                        "'{v}' is not an instant like 2025-10-01T08:00:00+08:00"
                    ))
                })
        };
        match k.as_str() {
            "actor" => q.actor = Some(v.to_string()),
            "action" => q.action = Some(v.to_string()),
            "object" => q.object = Some(v.to_string()),
            "since" => q.since = Some(instant(v)?),
            "until" => q.until = Some(instant(v)?),
            "limit" => {
                q.limit = Some(
                    v.parse()
                        .map_err(|_| invalid(format!("'{v}' is not a whole number")))?,
                )
            }
            "cursor" => q.cursor = Some(v.to_string()),
            _ => return Err(invalid(format!("unknown parameter; use {PARAMS}"))),
        }
    }
    Ok(q)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(p: &[(&str, &str)]) -> Vec<(String, String)> {
        p.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn queries_parse_and_refuse_what_they_do_not_know() {
        let q = parse_query(pairs(&[
            ("actor", "alice"),
            ("action", "customers.*"),
            ("since", "2025-10-01T08:00:00+08:00"),
            ("limit", "20"),
            ("cursor", "17"),
            ("object", " "),
        ]))
        .unwrap();
        assert_eq!(q.actor.as_deref(), Some("alice"));
        assert_eq!(q.action.as_deref(), Some("customers.*"));
        assert_eq!(q.since.unwrap().to_rfc3339(), "2025-10-01T00:00:00+00:00");
        assert_eq!(q.limit, Some(20));
        assert_eq!(q.cursor.as_deref(), Some("17"));
        assert_eq!(q.object, None);
        for bad in [("until", "yesterday"), ("limit", "many"), ("colour", "red")] {
            match parse_query(pairs(&[bad])) {
                Err(ApiError::Invalid(e)) => assert_eq!(e[0].field, bad.0),
                Err(other) => panic!("{other}"),
                Ok(_) => panic!("{bad:?} accepted"),
            }
        }
    }
}
