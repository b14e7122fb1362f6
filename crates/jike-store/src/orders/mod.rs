//! 工单 work orders in the database: creating them (idempotently), appending events (the state
//! is derived from them, `order.rs`), their clocks (`sla.rs`) turned into durable timers, and
//! the scheduler's side: claiming due timers with leases and firing each exactly once, with its
//! notifications written to the outbox in the same transaction.
//!
//! The SLA policy of an order is the one in force when it occurred (`sla_policies`, with
//! history), so changing the policy never rewrites the clocks of older orders.
//!
//! One file per concern: `entity` (the order as a listed row), `policies` (SLA policy versions
//! and workday calendars), `create` (resolve, derive, write), `events` (append an event, bring
//! the timers in line), `read` (scoped lookups and the list), `scheduling` (the timers' rows and
//! the scheduler's claims), `joining` (joint handling's rooms), `dashboard`. What this module
//! holds itself is what several of them share: the order's locked core and its events.

mod assignment;
mod create;
pub mod dashboard;
mod entity;
mod events;
mod joining;
mod policies;
mod read;
mod scheduling;
mod view;

pub use entity::*;
use events::*;
pub use policies::*;

use scheduling::{insert_timers, refresh_timers};
pub use scheduling::{ClaimedTimer, Fired, TimerView};
pub use view::{Alarm, Order, OrderEvent};

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, RwLock};

use chrono::{DateTime, FixedOffset, Utc};
use jike_domain::calendar::parse_year;
use jike_domain::derive::{self, ContractorBasis, ContractorFacts, HopFacts};
use jike_domain::order::{Event, EventAt, Status};
use jike_domain::sla::{evaluate, ClockState, OrderHeader, OrderInput};
use jike_domain::*;
use jike_domain::{notices, timers};
use serde::Serialize;
use sqlx::FromRow;

use crate::db::{Backend, Conn, Val};
use crate::error::{stored, StoreError};
use crate::inventory::entity::*;
use crate::scope::{Caller, Scope};
use crate::Store;

pub use jike_domain::time::{local, secs, utc};

/// The policies and calendars the clocks need, cached: a policy row never changes once
/// written, and workday years change only through [`Store::load_workday_year`].
#[derive(Default)]
pub(crate) struct SlaCache {
    policies: Mutex<HashMap<i64, Arc<Policy>>>,
    workdays: RwLock<Option<Arc<Workdays>>>,
    fanout: RwLock<Option<Arc<dyn Fanout>>>,
}

impl std::fmt::Debug for SlaCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SlaCache")
    }
}

/// Who is told of what: the server's notification settings, asked for the targets of a topic
/// when a notification is written to the outbox.
pub trait Fanout: Send + Sync {
    fn targets(&self, topic: &str) -> Vec<crate::notify::Target>;
}

/// The idempotency key of a request from another system, with a digest of its body: a retry
/// with the same key and body gets the order the first request made.
#[derive(Debug, Clone)]
pub struct Idempotency {
    pub key: String,
    pub request_hash: String,
}

/// What a create did: the order, and whether it was made by an earlier request with the same
/// idempotency key.
#[derive(Debug)]
pub struct Created {
    pub order: Order,
    pub replayed: bool,
}

/// The row of an order the write paths need.
#[derive(FromRow)]
struct OrderCore {
    code: String,
    kind: String,
    grade: String,
    business_type: Option<String>,
    state: String,
    policy_id: i64,
    event_count: i64,
    contractor_id: Option<i64>,
    assignee_id: Option<i64>,
}
crate::lite_record!(OrderCore {
    code,
    kind,
    grade,
    business_type,
    state,
    policy_id,
    event_count,
    contractor_id,
    assignee_id
});

#[derive(FromRow)]
struct EventRow {
    seq: i64,
    #[sqlx(rename = "type")]
    kind: String,
    at: DateTime<Utc>,
    recorded_at: DateTime<Utc>,
    actor: String,
    note: String,
    reason: Option<String>,
    approved_by: Option<String>,
    data: Option<String>,
    assignee_code: Option<String>,
    assignee_name: Option<String>,
}
crate::lite_record!(EventRow { seq, kind = "type", at, recorded_at, actor, note, reason, approved_by, data, assignee_code, assignee_name });

impl EventRow {
    fn event(&self) -> Result<Event, StoreError> {
        Ok(Event {
            kind: stored(&self.kind)?,
            at: secs(self.at),
            by: Some(self.actor.clone()),
            note: Some(self.note.clone()),
            reason: self.reason.clone(),
            approved_by: self.approved_by.clone(),
        })
    }
}

/// What [`Store::plan_order`] found out.
struct Plan {
    customer: Option<i64>,
    circuits: Vec<i64>,
    elements: Vec<i64>,
    site: Option<i64>,
    region: Option<i64>,
    contractor: Option<i64>,
    /// R-MD: the rule that chose the contractor.
    contractor_basis: Option<ContractorBasis>,
    /// Seed 6.4.1: the builder (name, phone) of an order routed to engineering.
    builder: Option<(String, String)>,
    occurred: DateTime<Utc>,
    business_type: Option<BusinessType>,
    grade: Grade,
    lead_room: Option<Room>,
    policy_id: i64,
    policy: Arc<Policy>,
}

/// Refuses an order that is not there.
fn no_order(key: impl std::fmt::Display) -> StoreError {
    StoreError::NotFound {
        noun: "work order",
        key: key.to_string(),
    }
}

async fn lock_order(conn: &mut Conn<'_>, id: i64) -> Result<OrderCore, StoreError> {
    // SQLite's write transaction already excludes other writers; PostgreSQL locks the row.
    let lock = if conn.backend() == Backend::Postgres {
        " FOR UPDATE"
    } else {
        ""
    };
    let sql = format!(
        "SELECT code, kind, grade, business_type, state, policy_id, event_count, contractor_id, assignee_id FROM orders WHERE id = $1{lock}"
    );
    conn.fetch_optional(&sql, &[Val::int(id)])
        .await?
        .ok_or_else(|| no_order(format!("id {id}")))
}

/// An order locked for a write, with what its clocks need: its policy's rule and its events.
struct Locked {
    core: OrderCore,
    kind: OrderKind,
    grade: Grade,
    state: OrderState,
    policy: Arc<Policy>,
    rule_index: usize,
    events: Vec<Event>,
}

impl Locked {
    fn rule(&self) -> &Rule {
        // `rule_index` came from this policy's lookup.
        &self.policy.rules[self.rule_index]
    }

    fn stamps(&self) -> Vec<EventAt> {
        self.events.iter().map(Event::stamp).collect()
    }
}

impl Store {
    async fn lock_for_clocks(&self, conn: &mut Conn<'_>, id: i64) -> Result<Locked, StoreError> {
        let core = lock_order(conn, id).await?;
        let kind: OrderKind = stored(&core.kind)?;
        let grade: Grade = stored(&core.grade)?;
        let state: OrderState = stored(&core.state)?;
        let bt = core
            .business_type
            .as_deref()
            .map(stored::<BusinessType>)
            .transpose()?;
        let policy = self.policy(conn, core.policy_id).await?;
        let rule = policy.lookup(kind, grade, bt).map_err(policy_error)?;
        let rule_index = policy
            .rules
            .iter()
            .position(|r| std::ptr::eq(r, rule))
            .ok_or_else(|| StoreError::Corrupt(format!("order {}: no policy rule", core.code)))?;
        let events = events_of(conn, id)
            .await?
            .iter()
            .map(EventRow::event)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Locked {
            core,
            kind,
            grade,
            state,
            policy,
            rule_index,
            events,
        })
    }
}

async fn events_of(conn: &mut Conn<'_>, order_id: i64) -> Result<Vec<EventRow>, StoreError> {
    conn.fetch_all(
        "SELECT e.seq, e.type, e.at, e.recorded_at, e.actor, e.note, e.reason, e.approved_by, e.data, \
         st.code AS assignee_code, st.name AS assignee_name FROM order_events e \
         LEFT JOIN staff st ON st.id = e.assignee_id WHERE e.order_id = $1 ORDER BY e.seq",
        &[Val::int(order_id)],
    )
    .await
}

/// An order as `caller` may read it: a customer's own view, everyone else's in full.
pub fn seen_by(caller: &Caller, order: Order) -> Order {
    match caller.scope {
        Scope::Customer { .. } => order.as_customer_sees(),
        _ => order,
    }
}

/// The longest an event may lie in the future (clock skew between the caller and the service).
const FUTURE_SKEW_SECS: i64 = 300;
