//! 工单 work orders in the database: creating them (idempotently), appending events (the state
//! is derived from them, `order.rs`), their clocks (`sla.rs`) turned into durable timers, and
//! the scheduler's side: claiming due timers with leases and firing each exactly once, with its
//! notifications written to the outbox in the same transaction.
//!
//! The SLA policy of an order is the one in force when it occurred (`sla_policies`, with
//! history), so changing the policy never rewrites the clocks of older orders.

mod assignment;
pub mod dashboard;
mod joining;
mod scheduling;

use scheduling::{insert_timers, refresh_timers};
pub use scheduling::{ClaimedTimer, Fired, TimerView};

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

// ---------------------------------------------------------------------------------------------
// Listing and reading

pub struct Orders;

#[derive(FromRow)]
pub struct OrderRow {
    id: i64,
    code: String,
    kind: String,
    title: String,
    description: String,
    state: String,
    grade: String,
    business_type: Option<String>,
    customer_code: Option<String>,
    customer_name: Option<String>,
    site_code: Option<String>,
    region_code: Option<String>,
    contractor_code: Option<String>,
    contractor_name: Option<String>,
    contractor_basis: Option<String>,
    builder_name: Option<String>,
    builder_phone: Option<String>,
    lead_room: Option<String>,
    assignee_code: Option<String>,
    assignee_name: Option<String>,
    occurred_at: DateTime<Utc>,
    breached: i64,
    joint_handling_at: Option<DateTime<Utc>>,
    next_due_at: Option<DateTime<Utc>>,
    policy_id: i64,
    created_by: String,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    closed_at: Option<DateTime<Utc>>,
}
crate::lite_record!(OrderRow {
    id,
    code,
    kind,
    title,
    description,
    state,
    grade,
    business_type,
    customer_code,
    customer_name,
    site_code,
    region_code,
    contractor_code,
    contractor_name,
    contractor_basis,
    builder_name,
    builder_phone,
    lead_room,
    assignee_code,
    assignee_name,
    occurred_at,
    breached,
    joint_handling_at,
    next_due_at,
    policy_id,
    created_by,
    created_at,
    updated_at,
    closed_at
});

fn vocab<V: Vocabulary>(text: &str) -> Result<&'static str, String> {
    V::parse(text).map(|v| v.code()).map_err(|e| e.to_string())
}

fn boolean(text: &str) -> Result<&'static str, String> {
    match text.trim() {
        "true" | "1" | "yes" => Ok("1"),
        "false" | "0" | "no" => Ok("0"),
        _ => Err(format!("'{text}' is not true or false")),
    }
}

impl Entity for Orders {
    type Input = OrderCreate;
    type Output = Order;
    type Row = OrderRow;
    const SPEC: Spec = Spec {
        table: "orders",
        noun: "work order",
        select: "SELECT t.id, t.code, t.kind, t.title, t.description, t.state, t.grade, t.business_type, \
                 cu.code AS customer_code, cu.name AS customer_name, s.code AS site_code, r.code AS region_code, \
                 c.code AS contractor_code, c.name AS contractor_name, t.contractor_basis, t.builder_name, t.builder_phone, t.lead_room, \
                 st.code AS assignee_code, st.name AS assignee_name, t.occurred_at, t.breached, \
                 t.joint_handling_at, t.next_due_at, t.policy_id, t.created_by, t.created_at, t.updated_at, \
                 t.closed_at FROM orders t LEFT JOIN customers cu ON cu.id = t.customer_id \
                 LEFT JOIN sites s ON s.id = t.site_id LEFT JOIN regions r ON r.id = t.region_id \
                 LEFT JOIN contractors c ON c.id = t.contractor_id LEFT JOIN staff st ON st.id = t.assignee_id",
        filters: &[
            Filter { param: "kind", sql: "t.kind = ?", kind: FilterKind::Vocab(vocab::<OrderKind>), doc: "order kind" },
            Filter { param: "state", sql: "t.state = ?", kind: FilterKind::Vocab(vocab::<OrderState>), doc: "order state" },
            Filter {
                param: "open",
                sql: "((t.state <> 'closed') = (? = '1'))",
                kind: FilterKind::Vocab(boolean),
                doc: "true: not closed; false: closed",
            },
            Filter { param: "grade", sql: "t.grade = ?", kind: FilterKind::Vocab(vocab::<Grade>), doc: "service grade" },
            Filter {
                param: "lead_room",
                sql: "t.lead_room = ?",
                kind: FilterKind::Vocab(vocab::<Room>),
                doc: "lead room (R-F2)",
            },
            Filter {
                param: "breached",
                sql: "t.breached = CAST(? AS INTEGER)",
                kind: FilterKind::Vocab(boolean),
                doc: "a clock breached",
            },
            Filter {
                param: "customer",
                sql: "t.customer_id = (SELECT id FROM customers WHERE code = ?)",
                kind: FilterKind::Text,
                doc: "customer code",
            },
            Filter {
                param: "contractor",
                sql: "t.contractor_id = (SELECT id FROM contractors WHERE code = ?)",
                kind: FilterKind::Code { table: "contractors", noun: "contractor" },
                doc: "contractor code",
            },
            Filter {
                param: "assignee",
                sql: "t.assignee_id = (SELECT id FROM staff WHERE code = ?)",
                kind: FilterKind::Code { table: "staff", noun: "staff member" },
                doc: "assigned to the staff member (代维人员) with this code (工号)",
            },
            Filter {
                param: "region",
                sql: concat!("t.region_id + 0 IN ", crate::region_subtree!()),
                kind: FilterKind::Code { table: "regions", noun: "region" },
                doc: "in the region with this code or any region below it",
            },
            Filter {
                param: "circuit",
                sql: "t.id IN (SELECT oc.order_id FROM order_circuits oc JOIN circuits ci ON ci.id = oc.circuit_id \
                      WHERE ci.code = ?)",
                kind: FilterKind::Text,
                doc: "concerns the circuit with this code",
            },
            Filter {
                param: "element",
                sql: "t.id IN (SELECT oe.order_id FROM order_elements oe JOIN elements e ON e.id = oe.element_id \
                      WHERE e.code = ?)",
                kind: FilterKind::Text,
                doc: "concerns the network element with this code",
            },
            code_prefix(),
            Filter {
                param: "q",
                sql: "(LOWER(t.code) LIKE ? OR LOWER(t.title) LIKE ?)",
                kind: FilterKind::Contains,
                doc: "code or title contains (case-insensitive; scans)",
            },
        ],
        sorts: &[
            ID_SORTS[0],
            ID_SORTS[1],
            Sort { name: "occurred_at", column: "t.occurred_at", ty: SortType::Time },
            ID_SORTS[2],
            ID_SORTS[3],
        ],
        dependents: &[],
    };

    fn output(r: OrderRow) -> Result<Order, StoreError> {
        Ok(Order {
            id: r.id,
            code: r.code,
            kind: stored(&r.kind)?,
            title: r.title,
            description: r.description,
            state: stored(&r.state)?,
            grade: stored(&r.grade)?,
            business_type: r.business_type.as_deref().map(stored).transpose()?,
            customer_code: r.customer_code,
            customer_name: r.customer_name,
            site_code: r.site_code,
            region_code: r.region_code,
            contractor_code: r.contractor_code,
            contractor_name: r.contractor_name,
            builder_name: r.builder_name,
            builder_phone: r.builder_phone,
            contractor_basis: r
                .contractor_basis
                .as_deref()
                .and_then(ContractorBasis::parse),
            lead_room: r.lead_room.as_deref().map(stored).transpose()?,
            assignee_code: r.assignee_code,
            assignee_name: r.assignee_name,
            occurred_at: local(r.occurred_at),
            breached: r.breached != 0,
            joint_handling_at: r.joint_handling_at.map(local),
            next_due_at: r.next_due_at.map(local),
            policy_version: r.policy_id,
            created_by: r.created_by,
            created_at: local(r.created_at),
            updated_at: local(r.updated_at),
            closed_at: r.closed_at.map(local),
            circuit_codes: None,
            element_codes: None,
            alarms: None,
            events: None,
            sla_summary: None,
            participants: None,
            sla: None,
            allowed_events: None,
        })
    }
    fn id(o: &Order) -> i64 {
        o.id
    }
    /// Orders have no natural key in their input (the service assigns the code); only the
    /// generic upsert asks, and orders never go through it.
    fn code(_: &OrderCreate) -> &str {
        ""
    }
    fn sort_value(o: &Order, sort: &str) -> Val {
        if sort == "occurred_at" {
            return Val::Time(Some(o.occurred_at.with_timezone(&Utc)));
        }
        crate::inventory::entities::code_sort(
            &o.code,
            o.created_at.with_timezone(&Utc),
            o.updated_at.with_timezone(&Utc),
            o.id,
            sort,
        )
    }

    async fn columns(
        _conn: &mut Conn<'_>,
        _refs: &mut Resolver,
        _input: &OrderCreate,
        _problems: &mut Vec<FieldError>,
    ) -> Result<Vec<(&'static str, Val)>, StoreError> {
        // Orders are never upserted: they are created by `Store::create_order` and changed only
        // by their events.
        Err(StoreError::Corrupt(
            "work orders are written through create_order and record_event".into(),
        ))
    }
}

// ---------------------------------------------------------------------------------------------
// Policies and calendars

/// One version of the SLA policy, as stored.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PolicyVersion {
    /// The row id; orders name it as their `policy_version`.
    pub id: i64,
    /// The `version` the file declares.
    pub version: String,
    pub valid_from: DateTime<FixedOffset>,
    pub loaded_at: DateTime<FixedOffset>,
    pub loaded_by: String,
}

#[derive(FromRow)]
struct PolicyRow {
    id: i64,
    version: String,
    valid_from: DateTime<Utc>,
    loaded_at: DateTime<Utc>,
    loaded_by: String,
}
crate::lite_record!(PolicyRow {
    id,
    version,
    valid_from,
    loaded_at,
    loaded_by
});

impl From<PolicyRow> for PolicyVersion {
    fn from(r: PolicyRow) -> Self {
        PolicyVersion {
            id: r.id,
            version: r.version,
            valid_from: local(r.valid_from),
            loaded_at: local(r.loaded_at),
            loaded_by: r.loaded_by,
        }
    }
}

/// A working-day year an administrator loaded (R-C2).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct WorkdayYearRecord {
    pub year: i32,
    /// Where the year comes from: `builtin` or `loaded`.
    pub origin: String,
    /// 法定节假日 public holidays.
    pub holidays: Vec<chrono::NaiveDate>,
    /// 调休 weekend days declared working days.
    pub make_up_workdays: Vec<chrono::NaiveDate>,
    pub loaded_at: Option<DateTime<FixedOffset>>,
    pub loaded_by: Option<String>,
}

fn policy_error(e: PolicyError) -> StoreError {
    match e {
        PolicyError::Invalid { field, message } => StoreError::invalid(field, message),
        other => StoreError::invalid("policy", other),
    }
}

impl Store {
    /// Stores the default policy when the database has none, so that a new installation has
    /// clocks from its first order.
    pub async fn ensure_default_policy(&self) -> Result<(), StoreError> {
        let mut tx = self.db.begin().await?;
        let (n,): (i64,) = tx
            .conn()
            .fetch_one("SELECT count(*) FROM sla_policies", &[])
            .await?;
        if n == 0 {
            insert_policy(
                &mut tx.conn(),
                policy::DEFAULT_POLICY_TOML,
                "jike (default)",
            )
            .await?;
        }
        tx.commit().await
    }

    /// Stores a new version of the SLA policy (TOML). Its `version` must be new; it applies to
    /// orders that occur from its `valid_from` on.
    pub async fn load_policy(&self, source: &str, by: &str) -> Result<PolicyVersion, StoreError> {
        let mut tx = self.db.begin().await?;
        let id = insert_policy(&mut tx.conn(), source, by).await?;
        tx.commit().await?;
        self.policy_version(id).await
    }

    pub async fn policy_versions(&self) -> Result<Vec<PolicyVersion>, StoreError> {
        let mut c = self.db.read().await?;
        let rows: Vec<PolicyRow> = c
            .conn()
            .fetch_all(
                "SELECT id, version, valid_from, loaded_at, loaded_by FROM sla_policies ORDER BY valid_from, id",
                &[],
            )
            .await?;
        Ok(rows.into_iter().map(Into::into).collect())
    }

    pub async fn policy_version(&self, id: i64) -> Result<PolicyVersion, StoreError> {
        let mut c = self.db.read().await?;
        let row: Option<PolicyRow> = c
            .conn()
            .fetch_optional(
                "SELECT id, version, valid_from, loaded_at, loaded_by FROM sla_policies WHERE id = $1",
                &[Val::int(id)],
            )
            .await?;
        row.map(Into::into).ok_or_else(|| StoreError::NotFound {
            noun: "SLA policy",
            key: format!("id {id}"),
        })
    }

    /// The policy file of a version, as it was loaded.
    pub async fn policy_source(&self, id: i64) -> Result<String, StoreError> {
        let mut c = self.db.read().await?;
        let row: Option<(String,)> = c
            .conn()
            .fetch_optional(
                "SELECT source FROM sla_policies WHERE id = $1",
                &[Val::int(id)],
            )
            .await?;
        row.map(|(s,)| s).ok_or_else(|| StoreError::NotFound {
            noun: "SLA policy",
            key: format!("id {id}"),
        })
    }

    /// Loads (or replaces) one year of the working-day calendar (R-C2) from a year file, and
    /// brings the timers of open orders in line with it. Returns the year.
    pub async fn load_workday_year(&self, source: &str, by: &str) -> Result<i32, StoreError> {
        let year = parse_year(source).map_err(|e| StoreError::invalid("calendar", e))?;
        let now = Val::Time(Some(Utc::now()));
        let mut tx = self.db.begin().await?;
        tx.conn()
            .execute(
                "DELETE FROM workday_years WHERE year = $1",
                &[Val::int(year.year.into())],
            )
            .await?;
        tx.conn()
            .execute(
                "INSERT INTO workday_years (year, source, loaded_at, loaded_by) VALUES ($1, $2, $3, $4)",
                &[Val::int(year.year.into()), Val::text(source), now, Val::text(by)],
            )
            .await?;
        tx.commit().await?;
        let loaded = year.year;
        self.reload_workdays().await?;
        self.reconcile_timers(Utc::now()).await?;
        Ok(loaded)
    }

    /// The working-day years the service knows: built in, and loaded (a loaded year wins).
    pub async fn workday_years(&self) -> Result<Vec<WorkdayYearRecord>, StoreError> {
        let days = self.workdays().await?;
        let mut c = self.db.read().await?;
        let loaded: Vec<(i64, DateTime<Utc>, String)> = c
            .conn()
            .fetch_all("SELECT year, loaded_at, loaded_by FROM workday_years", &[])
            .await?;
        let loaded: HashMap<i64, (DateTime<Utc>, String)> = loaded
            .into_iter()
            .map(|(y, at, by)| (y, (at, by)))
            .collect();
        Ok(days
            .years()
            .map(|y| {
                let l = loaded.get(&i64::from(y.year));
                WorkdayYearRecord {
                    year: y.year,
                    origin: if l.is_some() { "loaded" } else { "builtin" }.into(),
                    holidays: y.holidays.clone(),
                    make_up_workdays: y.make_up_workdays.clone(),
                    loaded_at: l.map(|(at, _)| local(*at)),
                    loaded_by: l.map(|(_, by)| by.clone()),
                }
            })
            .collect())
    }

    /// The working-day calendar: the built-in years with the loaded ones over them.
    pub async fn workdays(&self) -> Result<Arc<Workdays>, StoreError> {
        if let Ok(guard) = self.sla.workdays.read() {
            if let Some(days) = guard.as_ref() {
                return Ok(days.clone());
            }
        }
        self.reload_workdays().await
    }

    async fn reload_workdays(&self) -> Result<Arc<Workdays>, StoreError> {
        let mut c = self.db.read().await?;
        let rows: Vec<(i64, String)> = c
            .conn()
            .fetch_all("SELECT year, source FROM workday_years ORDER BY year", &[])
            .await?;
        let mut days = Workdays::builtin();
        for (year, source) in rows {
            days.load(&source)
                .map_err(|e| StoreError::Corrupt(format!("stored working-day year {year}: {e}")))?;
        }
        let days = Arc::new(days);
        if let Ok(mut guard) = self.sla.workdays.write() {
            *guard = Some(days.clone());
        }
        Ok(days)
    }

    /// Sets who is notified of what (the server's notification settings).
    pub fn set_fanout(&self, fanout: Arc<dyn Fanout>) {
        if let Ok(mut guard) = self.sla.fanout.write() {
            *guard = Some(fanout);
        }
    }

    pub(crate) fn targets(&self, topic: &str) -> Vec<crate::notify::Target> {
        self.sla
            .fanout
            .read()
            .ok()
            .and_then(|g| g.as_ref().map(|f| f.targets(topic)))
            .unwrap_or_default()
    }

    async fn policy(&self, conn: &mut Conn<'_>, id: i64) -> Result<Arc<Policy>, StoreError> {
        if let Some(p) = self
            .sla
            .policies
            .lock()
            .ok()
            .and_then(|m| m.get(&id).cloned())
        {
            return Ok(p);
        }
        let row: Option<(String,)> = conn
            .fetch_optional(
                "SELECT source FROM sla_policies WHERE id = $1",
                &[Val::int(id)],
            )
            .await?;
        let (source,) = row.ok_or_else(|| StoreError::Corrupt(format!("no SLA policy {id}")))?;
        let policy = Arc::new(
            Policy::parse(&source)
                .map_err(|e| StoreError::Corrupt(format!("stored SLA policy {id}: {e}")))?,
        );
        if let Ok(mut m) = self.sla.policies.lock() {
            m.insert(id, policy.clone());
        }
        Ok(policy)
    }

    /// The SLA policy in force at `t`.
    pub async fn policy_in_force(&self, t: DateTime<Utc>) -> Result<Arc<Policy>, StoreError> {
        let mut c = self.db.read().await?;
        Ok(self.policy_at(&mut c.conn(), t).await?.1)
    }

    /// The policy in force at `t`: the latest `valid_from` at or before it, else the earliest.
    async fn policy_at(
        &self,
        conn: &mut Conn<'_>,
        t: DateTime<Utc>,
    ) -> Result<(i64, Arc<Policy>), StoreError> {
        let row: Option<(i64,)> = conn
            .fetch_optional(
                "SELECT id FROM sla_policies WHERE valid_from <= $1 ORDER BY valid_from DESC, id DESC LIMIT 1",
                &[Val::Time(Some(t))],
            )
            .await?;
        let row = match row {
            Some(r) => Some(r),
            None => {
                conn.fetch_optional(
                    "SELECT id FROM sla_policies ORDER BY valid_from, id LIMIT 1",
                    &[],
                )
                .await?
            }
        };
        let (id,) = row.ok_or_else(|| {
            StoreError::Config("no SLA policy is stored; run `jike migrate` or load one".into())
        })?;
        Ok((id, self.policy(conn, id).await?))
    }
}

async fn insert_policy(conn: &mut Conn<'_>, source: &str, by: &str) -> Result<i64, StoreError> {
    let policy = Policy::parse(source).map_err(policy_error)?;
    let version = policy.version.to_string();
    let valid_from = utc(policy.valid_from);
    let taken: Option<(i64,)> = conn
        .fetch_optional(
            "SELECT id FROM sla_policies WHERE version = $1",
            &[Val::text(&version)],
        )
        .await?;
    if taken.is_some() {
        return Err(StoreError::Conflict {
            message: format!(
                "SLA policy version {version} is already stored; give the new file a new version"
            ),
            field: Some("version".into()),
        });
    }
    let (id,): (i64,) = conn
        .fetch_one(
            "INSERT INTO sla_policies (version, valid_from, source, loaded_at, loaded_by) \
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
            &[
                Val::text(version),
                Val::Time(Some(valid_from)),
                Val::text(source),
                Val::Time(Some(Utc::now())),
                Val::text(by),
            ],
        )
        .await?;
    Ok(id)
}

// ---------------------------------------------------------------------------------------------
// Creating orders and recording events

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
}
crate::lite_record!(OrderCore {
    code,
    kind,
    grade,
    business_type,
    state,
    policy_id,
    event_count,
    contractor_id
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
        "SELECT code, kind, grade, business_type, state, policy_id, event_count, contractor_id FROM orders WHERE id = $1{lock}"
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

impl Store {
    /// Creates a work order: checks and resolves what it refers to, derives what it leaves out
    /// (grade R-SL3, lead room R-F2, contractor R-MD), records `occurred` for a fault or a
    /// complaint, and writes its timers. With an idempotency key, a repeated request returns the
    /// order the first one made (and a reused key with another body is refused).
    pub async fn create_order(
        &self,
        input: &OrderCreate,
        idempotency: Option<&Idempotency>,
        now: DateTime<Utc>,
    ) -> Result<Created, StoreError> {
        self.create_order_as(&Caller::system("system"), input, idempotency, now)
            .await
    }

    /// [`Store::create_order`] on behalf of `caller`: recorded as the order's creator and in
    /// the audit log, in the order's transaction.
    pub async fn create_order_as(
        &self,
        caller: &Caller,
        input: &OrderCreate,
        idempotency: Option<&Idempotency>,
        now: DateTime<Utc>,
    ) -> Result<Created, StoreError> {
        // The customer side first: what it may not set is the first thing to tell it.
        if matches!(caller.scope, Scope::Customer { .. } | Scope::Manager { .. }) {
            jike_domain::check_raised_by_customer_side(input).map_err(StoreError::Invalid)?;
        }
        input.validate().map_err(StoreError::Invalid)?;
        if matches!(caller.scope, Scope::Customer { .. } | Scope::Manager { .. }) {
            self.check_own_lines(caller, input).await?;
        }
        if let Some(key) = idempotency {
            if let Some(order) = self.replay(key).await? {
                return Ok(Created {
                    order: seen_by(caller, order),
                    replayed: true,
                });
            }
        }
        let days = self.workdays().await?;
        // Reads first, outside the write lock (SQLite has one writer); a reference deleted in
        // between fails the insert's foreign key, reported as a conflict to retry.
        let plan = {
            let mut c = self.db.read().await?;
            self.plan_order(&mut c.conn(), input, now).await?
        };
        let mut tx = self.db.begin().await?;
        let result = self
            .write_order(
                &mut tx.conn(),
                caller,
                input,
                &plan,
                idempotency,
                now,
                &days,
            )
            .await
            .map_err(|e| match e {
                e if e.violation() == Some(crate::error::Violation::ForeignKey) => {
                    StoreError::Conflict {
                        message: "a row the order refers to was deleted meanwhile; try again"
                            .into(),
                        field: None,
                    }
                }
                other => other,
            });
        let id = match result {
            Ok(id) => id,
            Err(e) if is_unique_violation(&e) && idempotency.is_some() => {
                // Another request with the same key won the race.
                drop(tx);
                if let Some(key) = idempotency {
                    if let Some(order) = self.replay(key).await? {
                        return Ok(Created {
                            order: seen_by(caller, order),
                            replayed: true,
                        });
                    }
                }
                return Err(e);
            }
            Err(e) => return Err(e),
        };
        tx.commit().await?;
        Ok(Created {
            order: seen_by(caller, self.order(id, now).await?),
            replayed: false,
        })
    }

    /// A customer or an account manager opens orders on its own lines only (its scope's
    /// circuits and customers); what it may set was checked before (`check_raised_by_customer_side`).
    async fn check_own_lines(
        &self,
        caller: &Caller,
        input: &OrderCreate,
    ) -> Result<(), StoreError> {
        let mut c = self.db.read().await?;
        let mut conn = c.conn();
        let mut problems = Vec::new();
        for (i, code) in input.circuit_codes.iter().enumerate() {
            if crate::inventory::ops::get_by_code::<crate::Circuits>(&mut conn, &caller.scope, code)
                .await
                .is_err_and(|e| matches!(e, StoreError::NotFound { .. }))
            {
                problems.push(FieldError::new(
                    format!("circuit_codes[{i}]"),
                    format!("no circuit with code '{code}' among your lines"),
                ));
            }
        }
        if let Some(code) = &input.customer_code {
            if crate::inventory::ops::get_by_code::<crate::Customers>(
                &mut conn,
                &caller.scope,
                code,
            )
            .await
            .is_err_and(|e| matches!(e, StoreError::NotFound { .. }))
            {
                problems.push(FieldError::new(
                    "customer_code",
                    format!("no customer with code '{code}' among yours"),
                ));
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(StoreError::Invalid(problems))
        }
    }

    async fn replay(&self, key: &Idempotency) -> Result<Option<Order>, StoreError> {
        let mut c = self.db.read().await?;
        let row: Option<(i64, Option<String>)> = c
            .conn()
            .fetch_optional(
                "SELECT id, request_hash FROM orders WHERE idempotency_key = $1",
                &[Val::text(&key.key)],
            )
            .await?;
        drop(c);
        match row {
            None => Ok(None),
            Some((id, hash)) if hash.as_deref() == Some(key.request_hash.as_str()) => {
                Ok(Some(self.order(id, Utc::now()).await?))
            }
            Some(_) => Err(StoreError::Conflict {
                message: format!(
                    "the idempotency key '{}' was used for a different request",
                    key.key
                ),
                field: Some("Idempotency-Key".into()),
            }),
        }
    }

    /// Everything a new order needs that can be read before taking the write lock: its
    /// references resolved, what it leaves out derived, its policy rule.
    async fn plan_order(
        &self,
        conn: &mut Conn<'_>,
        input: &OrderCreate,
        now: DateTime<Utc>,
    ) -> Result<Plan, StoreError> {
        let mut problems: Vec<FieldError> = Vec::new();
        let mut refs = Resolver::default();
        let customer = match &input.customer_code {
            Some(c) => {
                refs.require(
                    conn,
                    "customers",
                    "customer",
                    "customer_code",
                    c,
                    &mut problems,
                )
                .await?
            }
            None => None,
        };
        let mut circuits = Vec::with_capacity(input.circuit_codes.len());
        for (i, code) in input.circuit_codes.iter().enumerate() {
            let field = format!("circuit_codes[{i}]");
            if let Some(id) = refs
                .require(conn, "circuits", "circuit", field, code, &mut problems)
                .await?
            {
                circuits.push(id);
            }
        }
        let mut elements = Vec::with_capacity(input.element_codes.len());
        for (i, code) in input.element_codes.iter().enumerate() {
            let field = format!("element_codes[{i}]");
            if let Some(id) = refs
                .require(
                    conn,
                    "elements",
                    "network element",
                    field,
                    code,
                    &mut problems,
                )
                .await?
            {
                elements.push(id);
            }
        }
        let site = match &input.site_code {
            Some(c) => {
                refs.require(conn, "sites", "site", "site_code", c, &mut problems)
                    .await?
            }
            None => None,
        };
        let region = match &input.region_code {
            Some(c) => {
                refs.require(conn, "regions", "region", "region_code", c, &mut problems)
                    .await?
            }
            None => None,
        };
        let contractor = match &input.contractor_code {
            Some(c) => {
                refs.require(
                    conn,
                    "contractors",
                    "contractor",
                    "contractor_code",
                    c,
                    &mut problems,
                )
                .await?
            }
            None => None,
        };
        let occurred = input
            .occurred_at
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or(now);
        let occurred = utc(secs(occurred));
        if secs(occurred) > secs(now) + FUTURE_SKEW_SECS {
            problems.push(FieldError::new("occurred_at", "is in the future"));
        }
        for (i, alarm) in input.alarms.iter().enumerate() {
            if let Some(raised) = alarm.raised_at {
                if raised.timestamp() > secs(now) + FUTURE_SKEW_SECS {
                    problems.push(FieldError::new(
                        format!("alarms[{i}].raised_at"),
                        "is in the future",
                    ));
                }
            }
        }
        if !problems.is_empty() {
            return Err(StoreError::Invalid(problems));
        }

        // What the first circuit says of the rest (R-BT, R-MD).
        #[allow(clippy::type_complexity)]
        let first_circuit: Option<(i64, String, Option<i64>, String, String, String)> = match circuits.first() {
            Some(id) => {
                conn.fetch_optional(
                    "SELECT customer_id, business_type, region_id, acceptance, builder_name, builder_phone \
                     FROM circuits WHERE id = $1",
                    &[Val::int(*id)],
                )
                .await?
            }
            None => None,
        };
        // The domain decides (R-BT, R-SL3); the store reads the facts it asks for.
        let line = derive::order_line(
            customer,
            input.business_type,
            region,
            first_circuit
                .as_ref()
                .map(|c| -> Result<_, StoreError> {
                    Ok(derive::FirstCircuit {
                        customer: c.0,
                        business_type: stored::<BusinessType>(&c.1)?,
                        region: c.2,
                    })
                })
                .transpose()?,
        );
        let (customer, business_type) = (line.customer, line.business_type);
        let region = match line.region {
            derive::RegionFrom::Known(r) => r,
            derive::RegionFrom::CustomersRegion(cu) => {
                let r: Option<(Option<i64>,)> = conn
                    .fetch_optional(
                        "SELECT region_id FROM customers WHERE id = $1",
                        &[Val::int(cu)],
                    )
                    .await?;
                r.and_then(|(r,)| r)
            }
        };
        let grade = match derive::order_grade(input.grade, customer)
            .map_err(|e| StoreError::Invalid(vec![e]))?
        {
            derive::GradeFrom::Given(g) => g,
            derive::GradeFrom::InForceAt(cu) => grade_at(conn, cu, occurred).await?,
        };
        // R-MD: the facts of the first circuit's path and the first element; the domain
        // decides (`derive::contractor`).
        let mut facts = ContractorFacts {
            given: contractor,
            failed_hop: input.failed_hop,
            hops: match circuits.first() {
                Some(c) => path_facts(conn, *c).await?,
                None => Vec::new(),
            },
            contracts: Vec::new(),
            element: match elements.first() {
                Some(e) => {
                    let c: Option<(Option<i64>,)> = conn
                        .fetch_optional(
                            "SELECT contractor_id FROM elements WHERE id = $1",
                            &[Val::int(*e)],
                        )
                        .await?;
                    c.and_then(|(c,)| c)
                }
                None => None,
            },
        };
        if let Some(region) = region {
            let mut domains: Vec<String> = Vec::new();
            for h in &facts.hops {
                if let Some(d) = &h.domain {
                    if !domains.contains(d) {
                        domains.push(d.clone());
                    }
                }
            }
            for d in domains {
                let c = contract_for(conn, region, &d).await?;
                facts.contracts.push((d, c));
            }
        }
        let derived = derive::contractor(&facts)
            .map_err(|e| StoreError::invalid("failed_hop", e.to_string()))?;
        let (mut contractor, mut contractor_basis) = match derived {
            Some((c, basis)) => (Some(c), Some(basis)),
            None => (None, None),
        };
        // Seed 6.4.1: a fault on a line not finally accepted goes to the engineering
        // department, through the project's builder, and to no contractor.
        let acceptance = first_circuit
            .as_ref()
            .map(|c| stored::<Acceptance>(&c.3))
            .transpose()?;
        let mut builder = None;
        if derive::to_engineering(input.kind, acceptance) {
            if input.contractor_code.is_some() {
                let why = derive::contractor_refused(Some(ContractorBasis::Engineering))
                    .unwrap_or_default();
                return Err(StoreError::invalid("contractor_code", why));
            }
            contractor = None;
            contractor_basis = Some(ContractorBasis::Engineering);
            builder = first_circuit.as_ref().map(|c| (c.4.clone(), c.5.clone()));
        }
        let lead_room = match input.lead_room {
            Some(r) => Some(r),
            None if input.kind.is_incident() => {
                Some(lead_room(input.alarms.iter().any(|a| a.transmission)))
            }
            None => None,
        };
        let (policy_id, policy) = self.policy_at(conn, occurred).await?;
        policy
            .lookup(input.kind, grade, business_type)
            .map_err(policy_error)?;
        Ok(Plan {
            customer,
            circuits,
            elements,
            site,
            region,
            contractor,
            contractor_basis,
            builder,
            occurred,
            business_type,
            grade,
            lead_room,
            policy_id,
            policy,
        })
    }

    /// Writes a planned order in the caller's (write) transaction, in as few statements as it
    /// can: the order with its derived state and clock summary, its links, its first event, its
    /// timers.
    #[allow(clippy::too_many_arguments)]
    async fn write_order(
        &self,
        conn: &mut Conn<'_>,
        caller: &Caller,
        input: &OrderCreate,
        plan: &Plan,
        idempotency: Option<&Idempotency>,
        now: DateTime<Utc>,
        days: &Workdays,
    ) -> Result<i64, StoreError> {
        let Plan {
            customer,
            ref circuits,
            ref elements,
            site,
            region,
            contractor,
            contractor_basis,
            ref builder,
            occurred,
            business_type,
            grade,
            lead_room,
            policy_id,
            ref policy,
        } = *plan;
        let rule = policy
            .lookup(input.kind, grade, business_type)
            .map_err(policy_error)?;
        let actor = actor_of(caller, input.actor.as_deref());
        let mut events = Vec::new();
        if input.kind.is_incident() {
            events.push(Event {
                kind: EventType::Occurred,
                at: secs(occurred),
                by: Some(actor.clone()),
                note: None,
                reason: None,
                approved_by: None,
            });
        }
        let status = Status::new(input.kind)
            .with_observation(rule.observation_secs)
            .fold(&events)
            .map_err(|e| StoreError::invalid("occurred_at", e))?;
        let stamps: Vec<EventAt> = events.iter().map(Event::stamp).collect();
        let ev = evaluate(rule, days, &stamps, secs(now));
        let timers = timers::plan(rule, &ev, secs(now), status.state, &[]).insert;
        let next_due = timers.iter().map(|t| t.at).min();
        let breached = ev.clocks().iter().any(|c| c.state == ClockState::Breached);

        let id = next_order_id(conn).await?;
        let code = format!("GD-{}-{id:06}", local(now).format("%Y%m%d"));
        let t_now = Val::Time(Some(utc(secs(now))));
        conn.execute(
            "INSERT INTO orders (id, code, kind, title, description, state, grade, business_type, customer_id, \
             site_id, region_id, contractor_id, lead_room, occurred_at, policy_id, idempotency_key, request_hash, \
             event_count, created_by, created_at, updated_at, next_due_at, breached, joint_handling_at, \
             contractor_basis, builder_name, builder_phone) \
             VALUES ($1, $2, $3, $4, $5, $19, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $20, $17, $18, $18, \
             $21, $22, $23, $24, $25, $26)",
            &[
                Val::int(id),
                Val::text(&code),
                Val::text(input.kind.code()),
                Val::text(input.title.trim()),
                Val::text(input.description.trim()),
                Val::text(grade.code()),
                Val::Text(business_type.map(|b| b.code().to_string())),
                Val::Int(customer),
                Val::Int(site),
                Val::Int(region),
                Val::Int(contractor),
                Val::Text(lead_room.map(|r| r.code().to_string())),
                Val::Time(Some(occurred)),
                Val::int(policy_id),
                Val::Text(idempotency.map(|k| k.key.clone())),
                Val::Text(idempotency.map(|k| k.request_hash.clone())),
                Val::text(&actor),
                t_now.clone(),
                Val::text(status.state.code()),
                Val::int(events.len() as i64),
                Val::Time(next_due.map(utc)),
                Val::int(i64::from(breached)),
                Val::Time(ev.escalated_at.map(utc)),
                Val::Text(contractor_basis.map(|b| b.code().to_string())),
                Val::Text(builder.as_ref().map(|b| b.0.clone())),
                Val::Text(builder.as_ref().map(|b| b.1.clone())),
            ],
        )
        .await?;
        for c in dedup(circuits) {
            conn.execute(
                "INSERT INTO order_circuits (order_id, circuit_id) VALUES ($1, $2)",
                &[Val::int(id), Val::int(c)],
            )
            .await?;
        }
        for e in dedup(elements) {
            conn.execute(
                "INSERT INTO order_elements (order_id, element_id) VALUES ($1, $2)",
                &[Val::int(id), Val::int(e)],
            )
            .await?;
        }
        for (n, a) in input.alarms.iter().enumerate() {
            conn.execute(
                "INSERT INTO order_alarms (order_id, seq, alarm_id, transmission, text, raised_at) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
                &[
                    Val::int(id),
                    Val::int(n as i64 + 1),
                    Val::text(a.alarm_id.trim()),
                    Val::int(i64::from(a.transmission)),
                    Val::text(a.text.trim()),
                    Val::Time(a.raised_at.map(|t| t.with_timezone(&Utc))),
                ],
            )
            .await?;
        }
        for (n, event) in events.iter().enumerate() {
            insert_event(conn, id, n as i64 + 1, event, now, None, None).await?;
        }
        insert_timers(conn, id, &timers).await?;
        let targets = self.targets("order.created");
        if !targets.is_empty() {
            let payload = serde_json::json!({
                "topic": "order.created",
                "subject": notices::order_created(&code, grade, input.kind, &input.title),
                "order": {"id": id, "code": code, "kind": input.kind, "grade": grade, "title": input.title.trim()},
            });
            crate::notify::enqueue(
                conn,
                "order.created",
                Some(id),
                None,
                &payload,
                &targets,
                now,
            )
            .await?;
        }
        let mut after = crate::audit::to_json(input)?;
        if let Some(map) = after.as_object_mut() {
            map.insert("id".into(), serde_json::json!(id));
            map.insert("state".into(), serde_json::json!(status.state));
            map.insert("grade".into(), serde_json::json!(grade));
        }
        let entry = caller
            .audit("orders.create", format!("orders/{code}"))
            .with_after(after);
        crate::audit::append(conn, &entry, now).await?;
        Ok(id)
    }

    /// Appends an event to an order: refused (a conflict listing the allowed events) when the
    /// order's state does not accept it (`order.rs`), otherwise recorded with the order's new
    /// state, and its timers brought in line with its clocks.
    pub async fn record_event(
        &self,
        order_id: i64,
        input: &EventCreate,
        now: DateTime<Utc>,
    ) -> Result<Order, StoreError> {
        self.record_event_as(&Caller::system("system"), order_id, input, now)
            .await
    }

    /// [`Store::record_event`] on behalf of `caller`, on an order it sees (not found
    /// otherwise), audited. Whether its role may record this kind of event is the caller's
    /// check (`Role::may_record`).
    pub async fn record_event_as(
        &self,
        caller: &Caller,
        order_id: i64,
        input: &EventCreate,
        now: DateTime<Utc>,
    ) -> Result<Order, StoreError> {
        input.validate().map_err(StoreError::Invalid)?;
        let at = input.at.map(|t| t.with_timezone(&Utc)).unwrap_or(now);
        if secs(at) > secs(now) + FUTURE_SKEW_SECS {
            return Err(StoreError::invalid("at", "is in the future"));
        }
        let days = self.workdays().await?;
        let mut tx = self.db.begin().await?;
        let mut conn = tx.conn();
        crate::inventory::ops::check_visible::<Orders>(&mut conn, &caller.scope, order_id).await?;
        if let Scope::Room { room } = &caller.scope {
            let room = *room;
            // A room that does not lead the order records its part only (R-F2, R-F4).
            let (lead,): (Option<String>,) = conn
                .fetch_one(
                    "SELECT lead_room FROM orders WHERE id = $1",
                    &[Val::int(order_id)],
                )
                .await?;
            let lead = lead.as_deref().map(stored::<Room>).transpose()?;
            if !jike_domain::participants::may_record(room, lead, input.kind) {
                let may: Vec<&str> = jike_domain::participants::recordable(room, lead)
                    .iter()
                    .map(|e| e.code())
                    .collect();
                return Err(StoreError::Forbidden(format!(
                    "the {} room does not lead this order; on it, it records {}",
                    room.code(),
                    may.join(", ")
                )));
            }
        }
        let locked = self.lock_for_clocks(&mut conn, order_id).await?;
        let (core, kind, grade) = (&locked.core, locked.kind, locked.grade);
        let rule = locked.rule();
        let mut events = locked.events.clone();
        let status = Status::new(kind)
            .with_observation(rule.observation_secs)
            .fold(&events)
            .map_err(|e| StoreError::Corrupt(format!("order {}: stored events: {e}", core.code)))?;
        let actor = actor_of(caller, input.actor.as_deref());
        let event = Event {
            kind: input.kind,
            at: secs(at),
            by: Some(actor),
            note: Some(input.note.clone()),
            reason: input.reason.clone(),
            approved_by: input.approved_by.clone(),
        };
        let next = status.apply(&event).map_err(|e| StoreError::Transition {
            message: e.to_string(),
            state: e.from.code().to_string(),
            allowed: e.allowed.iter().map(|a| a.code().to_string()).collect(),
        })?;
        let mut contractor = None;
        if let Some(code) = &input.contractor_code {
            let mut refs = Resolver::default();
            let mut problems = Vec::new();
            contractor = refs
                .require(
                    &mut conn,
                    "contractors",
                    "contractor",
                    "contractor_code",
                    code,
                    &mut problems,
                )
                .await?;
            if !problems.is_empty() {
                return Err(StoreError::Invalid(problems));
            }
        }
        let (basis,): (Option<String>,) = conn
            .fetch_one(
                "SELECT contractor_basis FROM orders WHERE id = $1",
                &[Val::int(order_id)],
            )
            .await?;
        let basis = basis.as_deref().and_then(ContractorBasis::parse);
        // Seed 6.4.1: an order routed to the engineering department takes no contractor.
        if input.contractor_code.is_some() {
            if let Some(why) = derive::contractor_refused(basis) {
                return Err(StoreError::invalid("contractor_code", why));
            }
        }
        // R-MD: an order dispatched to no contractor is seen by no technician: the dispatcher
        // must name one when the inventory could not say who maintains the line (unless it goes
        // to the engineering department, seed 6.4.1).
        if input.kind == EventType::Dispatched
            && contractor.is_none()
            && core.contractor_id.is_none()
            && basis != Some(ContractorBasis::Engineering)
        {
            return Err(StoreError::invalid(
                "contractor_code",
                "is required: the order has no contractor (none could be derived from its circuit's path, its region's contracts or its element), and an order dispatched to no contractor reaches no technician",
            ));
        }
        let assignee = assignment::plan(
            &mut conn,
            caller,
            order_id,
            core.contractor_id,
            contractor.or(core.contractor_id),
            basis,
            input,
        )
        .await?;
        let seq = core.event_count + 1;
        insert_event(
            &mut conn,
            order_id,
            seq,
            &event,
            now,
            input.data.as_ref(),
            assignee.event_assignee(),
        )
        .await?;
        events.push(event);
        let closed = (next.state == OrderState::Closed).then(|| Val::Time(Some(utc(secs(at)))));
        conn.execute(
            "UPDATE orders SET state = $1, event_count = $2, updated_at = $3, \
             closed_at = $4, contractor_id = COALESCE($5, contractor_id), lead_room = COALESCE($6, lead_room), \
             contractor_basis = CASE WHEN $5 IS NULL THEN contractor_basis ELSE 'given' END \
             WHERE id = $7",
            &[
                Val::text(next.state.code()),
                Val::int(seq),
                Val::Time(Some(now)),
                closed.unwrap_or(Val::Time(None)),
                Val::Int(contractor),
                Val::Text(input.lead_room.map(|r| r.code().to_string())),
                Val::int(order_id),
            ],
        )
        .await?;
        let stamps: Vec<EventAt> = events.iter().map(Event::stamp).collect();
        refresh_timers(
            &mut conn,
            order_id,
            rule,
            &days,
            &stamps,
            secs(now),
            next.state,
        )
        .await?;
        let told = assignment::Told {
            order_id,
            code: &core.code,
            grade,
            kind,
            event: input.kind,
        };
        self.apply_assignment(&mut conn, &assignee, told, now)
            .await?;
        let targets = self.targets("order.event");
        if !targets.is_empty() {
            let payload = serde_json::json!({
                "topic": "order.event",
                "subject": notices::order_event(&core.code, input.kind),
                "order": {"id": order_id, "code": core.code, "kind": kind, "grade": grade, "state": next.state},
                "event": {"seq": seq, "type": input.kind, "at": local(at), "note": input.note},
            });
            crate::notify::enqueue(
                &mut conn,
                "order.event",
                Some(order_id),
                None,
                &payload,
                &targets,
                now,
            )
            .await?;
        }
        let entry = caller
            .audit("orders.event", format!("orders/{}", core.code))
            .with_before(serde_json::json!({ "state": status.state, "events": seq - 1 }))
            .with_after(serde_json::json!({
                "state": next.state,
                "events": seq,
                "event": input,
            }));
        crate::audit::append(&mut conn, &entry, now).await?;
        tx.commit().await?;
        Ok(seen_by(caller, self.order(order_id, now).await?))
    }

    /// The id of the order named by its id or its code, checking that it exists: one indexed
    /// lookup, for endpoints that need no more than that.
    pub async fn order_id(&self, key: &str) -> Result<i64, StoreError> {
        self.order_id_as(&Caller::system("system"), key).await
    }

    /// [`Store::order_id`] of an order `caller` sees; not found otherwise.
    pub async fn order_id_as(&self, caller: &Caller, key: &str) -> Result<i64, StoreError> {
        let mut c = self.db.read().await?;
        let (sql, val) = match key.parse::<i64>() {
            Ok(id) if id > 0 => ("SELECT t.id FROM orders t WHERE t.id = $1", Val::int(id)),
            _ => (
                "SELECT t.id FROM orders t WHERE t.code = $1",
                Val::text(key),
            ),
        };
        let mut binds = vec![val];
        let mut sql = sql.to_string();
        match crate::inventory::ops::scope_condition("orders", &caller.scope, &mut binds) {
            None => return Err(no_order(key)),
            Some(Some(cond)) => {
                sql.push_str(" AND ");
                sql.push_str(&cond);
            }
            Some(None) => {}
        }
        let row: Option<(i64,)> = c.conn().fetch_optional(&sql, &binds).await?;
        row.map(|(id,)| id).ok_or_else(|| no_order(key))
    }

    /// An order with its links, events, live clocks at `now` and the events its state allows.
    pub async fn order(&self, id: i64, now: DateTime<Utc>) -> Result<Order, StoreError> {
        let mut c = self.db.read().await?;
        let mut conn = c.conn();
        let mut order = crate::inventory::ops::get::<Orders>(&mut conn, &Scope::All, id).await?;
        self.fill_detail(&mut conn, &mut order, now).await?;
        Ok(order)
    }

    /// An order `caller` sees (by id or code), with its detail as for [`Store::order`]; a
    /// customer gets its own view of it (`Order::as_customer_sees`). Not found when out of
    /// scope.
    pub async fn order_as(
        &self,
        caller: &Caller,
        key: &str,
        now: DateTime<Utc>,
    ) -> Result<Order, StoreError> {
        let id = self.order_id_as(caller, key).await?;
        let order = self.order(id, now).await?;
        Ok(seen_by(caller, order))
    }

    /// The same, by code.
    pub async fn order_by_code(&self, code: &str, now: DateTime<Utc>) -> Result<Order, StoreError> {
        let mut c = self.db.read().await?;
        let mut conn = c.conn();
        let mut order =
            crate::inventory::ops::get_by_code::<Orders>(&mut conn, &Scope::All, code).await?;
        self.fill_detail(&mut conn, &mut order, now).await?;
        Ok(order)
    }

    /// The order list for `caller`, each order with its most urgent clock evaluated at `now`
    /// (`sla_summary`): the events of the page are read in one statement.
    pub async fn list_orders_as(
        &self,
        caller: &Caller,
        params: &crate::page::ListParams,
        now: DateTime<Utc>,
    ) -> Result<crate::Page<Order>, StoreError> {
        let mut c = self.db.read().await?;
        let mut conn = c.conn();
        let mut page =
            crate::inventory::ops::list::<Orders>(&mut conn, &caller.scope, params).await?;
        if page.items.is_empty() {
            return Ok(page);
        }
        let ids: Vec<Val> = page.items.iter().map(|o| Val::int(o.id)).collect();
        let marks: Vec<String> = (1..=ids.len()).map(|i| format!("${i}")).collect();
        let rows: Vec<(i64, String, DateTime<Utc>)> = conn
            .fetch_all(
                &format!(
                    "SELECT order_id, type, at FROM order_events WHERE order_id IN ({}) \
                     ORDER BY order_id, seq",
                    marks.join(", ")
                ),
                &ids,
            )
            .await?;
        let mut by_order: HashMap<i64, Vec<Event>> = HashMap::new();
        for (id, kind, at) in rows {
            by_order
                .entry(id)
                .or_default()
                .push(Event::new(stored(&kind)?, secs(at)));
        }
        let days = self.workdays().await?;
        for order in &mut page.items {
            let policy = self.policy(&mut conn, order.policy_version).await?;
            let input = OrderInput {
                order: OrderHeader {
                    kind: order.kind,
                    grade: order.grade,
                    business_type: order.business_type,
                },
                events: by_order.remove(&order.id).unwrap_or_default(),
            };
            let at = input
                .events
                .last()
                .map_or(secs(now), |e| e.at.max(secs(now)));
            // An order whose events the evaluator refuses shows no summary rather than failing
            // the whole list; its own page says what is wrong.
            if let Ok(report) = evaluate_order(&policy, &days, &input, at) {
                order.sla_summary = jike_domain::urgency::most_urgent(&report);
            }
        }
        page.items = page.items.into_iter().map(|o| seen_by(caller, o)).collect();
        Ok(page)
    }

    pub(crate) async fn fill_detail(
        &self,
        conn: &mut Conn<'_>,
        order: &mut Order,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let id = Val::int(order.id);
        let circuits: Vec<(String,)> = conn
            .fetch_all(
                "SELECT c.code FROM order_circuits oc JOIN circuits c ON c.id = oc.circuit_id \
                 WHERE oc.order_id = $1 ORDER BY c.code",
                std::slice::from_ref(&id),
            )
            .await?;
        let elements: Vec<(String,)> = conn
            .fetch_all(
                "SELECT e.code FROM order_elements oe JOIN elements e ON e.id = oe.element_id \
                 WHERE oe.order_id = $1 ORDER BY e.code",
                std::slice::from_ref(&id),
            )
            .await?;
        let alarms: Vec<(String, i64, String, Option<DateTime<Utc>>)> = conn
            .fetch_all(
                "SELECT alarm_id, transmission, text, raised_at FROM order_alarms WHERE order_id = $1 ORDER BY seq",
                std::slice::from_ref(&id),
            )
            .await?;
        order.participants = Some(jike_domain::participants::rooms(
            order.kind,
            order.grade,
            order.lead_room,
            order.joint_handling_at.is_some(),
        ));
        let rows = events_of(conn, order.id).await?;
        let policy = self.policy(conn, order.policy_version).await?;
        let days = self.workdays().await?;
        let events = rows
            .iter()
            .map(EventRow::event)
            .collect::<Result<Vec<_>, _>>()?;
        let input = OrderInput {
            order: OrderHeader {
                kind: order.kind,
                grade: order.grade,
                business_type: order.business_type,
            },
            events,
        };
        // Evaluated at the last event when that is later than now (a clock skew allowance).
        let at = input
            .events
            .last()
            .map_or(secs(now), |e| e.at.max(secs(now)));
        let report = evaluate_order(&policy, &days, &input, at)
            .map_err(|e| StoreError::Corrupt(format!("order {}: {e}", order.code)))?;
        let status = Status::new(order.kind).with_observation(
            policy
                .lookup(order.kind, order.grade, order.business_type)
                .map(|r| r.observation_secs)
                .unwrap_or(order::DEFAULT_OBSERVATION_SECS),
        );
        let assignable = jike_domain::assignment::assignable(
            order.contractor_code.as_deref(),
            order.contractor_basis,
        );
        let allowed = status
            .fold(&input.events)
            .map(|s| s.allowed().to_vec())
            .unwrap_or_default()
            .into_iter()
            // Issue 14: only an order with a contractor (not engineering's) has staff to assign.
            .filter(|e| assignable || *e != EventType::Assigned)
            .collect();
        order.circuit_codes = Some(circuits.into_iter().map(|(c,)| c).collect());
        order.element_codes = Some(elements.into_iter().map(|(c,)| c).collect());
        order.alarms = Some(
            alarms
                .into_iter()
                .map(|(alarm_id, tx, text, raised)| Alarm {
                    alarm_id,
                    transmission: tx != 0,
                    text,
                    raised_at: raised.map(local),
                })
                .collect(),
        );
        order.events = Some(
            rows.into_iter()
                .map(|r| {
                    Ok(OrderEvent {
                        seq: r.seq,
                        kind: stored(&r.kind)?,
                        at: local(r.at),
                        recorded_at: local(r.recorded_at),
                        actor: r.actor,
                        note: r.note,
                        reason: r.reason,
                        approved_by: r.approved_by,
                        data: r.data.as_deref().and_then(|d| serde_json::from_str(d).ok()),
                        assignee_code: r.assignee_code,
                        assignee_name: r.assignee_name,
                    })
                })
                .collect::<Result<Vec<_>, StoreError>>()?,
        );
        order.sla = Some(report);
        order.allowed_events = Some(allowed);
        Ok(())
    }
}

/// Who an event is recorded as: the authenticated user; a machine account may name the person
/// it acts for (`actor` in the body), kept beside it.
fn actor_of(caller: &Caller, named: Option<&str>) -> String {
    match named.map(str::trim).filter(|a| !a.is_empty()) {
        Some(a) if caller.role == "system" => a.to_string(),
        Some(a) if a != caller.user => format!("{} ({a})", caller.user),
        _ if caller.role == "system" => "api".to_string(),
        _ => caller.user.clone(),
    }
}

fn dedup(ids: &[i64]) -> Vec<i64> {
    let mut seen = HashSet::new();
    ids.iter().copied().filter(|i| seen.insert(*i)).collect()
}

fn is_unique_violation(e: &StoreError) -> bool {
    e.violation() == Some(crate::error::Violation::Unique)
}

async fn next_order_id(conn: &mut Conn<'_>) -> Result<i64, StoreError> {
    let (id,): (i64,) = match conn.backend() {
        Backend::Postgres => {
            conn.fetch_one(
                "SELECT nextval(pg_get_serial_sequence('orders', 'id'))",
                &[],
            )
            .await?
        }
        // The write transaction holds SQLite's one write lock: nobody else takes this id.
        Backend::Sqlite => {
            conn.fetch_one("SELECT COALESCE(MAX(id), 0) + 1 FROM orders", &[])
                .await?
        }
    };
    Ok(id)
}

/// R-SL3: the customer's grade at `t`, from its history (the current grade when the history
/// does not reach back that far).
async fn grade_at(
    conn: &mut Conn<'_>,
    customer: i64,
    t: DateTime<Utc>,
) -> Result<Grade, StoreError> {
    let row: Option<(String,)> = conn
        .fetch_optional(
            "SELECT grade FROM customer_grades WHERE customer_id = $1 AND valid_from <= $2 \
             ORDER BY valid_from DESC LIMIT 1",
            &[Val::int(customer), Val::Time(Some(t))],
        )
        .await?;
    let row = match row {
        Some(r) => r,
        None => {
            conn.fetch_one(
                "SELECT grade FROM customers WHERE id = $1",
                &[Val::int(customer)],
            )
            .await?
        }
    };
    stored(&row.0)
}

/// R-MD: the facts of a circuit's path for `derive::contractor`: each hop's contractor (its own,
/// else its element's) and maintenance domain (likewise), in path order.
async fn path_facts(conn: &mut Conn<'_>, circuit: i64) -> Result<Vec<HopFacts<i64>>, StoreError> {
    let rows: Vec<(Option<i64>, Option<String>)> = conn
        .fetch_all(
            "SELECT COALESCE(h.contractor_id, e.contractor_id), COALESCE(h.domain, e.domain) \
             FROM circuit_hops h LEFT JOIN elements e ON e.id = h.element_id \
             WHERE h.circuit_id = $1 ORDER BY h.seq",
            &[Val::int(circuit)],
        )
        .await?;
    Ok(rows
        .into_iter()
        .map(|(contractor, domain)| HopFacts { contractor, domain })
        .collect())
}

/// R-MD: the contractor whose contract covers `domain` in `region` or a region above (the
/// lowest id when several do).
async fn contract_for(
    conn: &mut Conn<'_>,
    region: i64,
    domain: &str,
) -> Result<Option<i64>, StoreError> {
    let found: Option<(i64,)> = conn
        .fetch_optional(
            "WITH RECURSIVE up(id) AS (SELECT id FROM regions WHERE id = $1 \
             UNION ALL SELECT r.parent_id FROM regions r JOIN up ON r.id = up.id WHERE r.parent_id IS NOT NULL) \
             SELECT cd.contractor_id FROM contractor_domains cd \
             JOIN contractor_regions cr ON cr.contractor_id = cd.contractor_id \
             WHERE cd.domain = $2 AND cr.region_id IN (SELECT id FROM up) \
             ORDER BY cd.contractor_id LIMIT 1",
            &[Val::int(region), Val::text(domain)],
        )
        .await?;
    Ok(found.map(|(c,)| c))
}

async fn insert_event(
    conn: &mut Conn<'_>,
    order_id: i64,
    seq: i64,
    event: &Event,
    now: DateTime<Utc>,
    data: Option<&serde_json::Value>,
    assignee: Option<i64>,
) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO order_events (order_id, seq, type, at, recorded_at, actor, note, reason, approved_by, data, assignee_id) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        &[
            Val::int(order_id),
            Val::int(seq),
            Val::text(event.kind.code()),
            Val::Time(Some(utc(event.at))),
            Val::Time(Some(now)),
            Val::text(event.by.as_deref().unwrap_or("api")),
            Val::text(event.note.as_deref().unwrap_or("").trim()),
            Val::Text(event.reason.clone()),
            Val::Text(event.approved_by.clone()),
            Val::Text(data.map(|d| d.to_string())),
            Val::Int(assignee),
        ],
    )
    .await?;
    Ok(())
}
