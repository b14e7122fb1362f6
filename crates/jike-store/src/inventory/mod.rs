//! 资源 the inventory (domain.md §2): regions, sites, elements, customers, circuits, contractors,
//! staff, instruments and vehicles. `entity.rs` describes a kind of row (table, select, filters,
//! sorts, dependents, how natural keys resolve to ids); `entities.rs` has the nine kinds; `views.rs`
//! their rows as read back (`Region`, …, `Vehicle`: the read models the API answers); `ops.rs`
//! the generic list, get, create, update, delete and the batched upsert behind import and the
//! demo. *Invariant*: depends only on the low layers (`db`, `error`, `page`, `scope`); it knows
//! nothing of orders, accounts or the audit log's chain.

pub mod entities;
pub mod entity;
pub mod ops;
pub mod views;
