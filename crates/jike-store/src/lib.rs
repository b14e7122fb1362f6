//! jike's persistence on SQLite (the embedded default) and PostgreSQL (production).
//!
//! The one type callers use is [`Store`]. Its operations are generic over the kinds of row
//! ([`entities`]); SQL is written once with `$n` placeholders and runs on either backend
//! ([`db`]). Every write runs in one transaction: a failed request or import writes nothing.

pub mod accounts;
pub mod audit;
pub mod configs;
pub mod db;
mod demo;
pub mod error;
pub mod inventory;
mod long;
pub mod notify;
pub mod orders;
pub mod page;
pub mod scope;
pub mod scoped;
pub mod testing;

// The paths callers have always used (`jike_store::users::…`, `jike_store::outbox::…`,
// `jike_store::dashboard::…`, `jike_store::ops::…`) name the areas' modules.
pub use accounts as users;
pub use inventory::{entities, entity, ops};
pub use notify as outbox;
pub use orders::dashboard;

use std::collections::HashMap;

use jike_domain::{
    parse_path, CircuitInput, ContractorInput, CustomerInput, ElementInput, GradePeriod,
    InstrumentInput, RegionInput, VehicleInput,
};
use jike_domain::{RowError, SiteInput, StaffInput};
use serde::Serialize;

pub use audit::{AuditEntry, AuditQuery, AuditRecord, AuditReport};
pub use configs::{
    ConfigCheck, ConfigFinding, ConfigOverview, ConfigSummary, ConfigText, ConfigUpload,
    ElementFinding, ElementRef, FindingQuery, FleetCheck, FleetDevice, RuleCount,
};
pub use db::{Backend, Db, Val};
pub use entities::*;
pub use entity::Entity;
pub use error::StoreError;
pub use inventory::views::{
    Circuit, Contractor, Customer, Element, Instrument, Region, Site, Staff, Vehicle,
};
pub use jike_domain::Kind;
pub use ops::{ListParams, Page, WriteCounts, DEFAULT_LIMIT, MAX_LIMIT};
pub use orders::{
    Alarm, Created, Fanout, Fired, Idempotency, Order, OrderEvent, Orders, PolicyVersion,
    TimerView, WorkdayYearRecord,
};
pub use scope::Caller;
use scope::Scope;
pub use scoped::Scoped;

use audit::to_json;
use entity::Resolver;

/// The store: a pool of either backend.
#[derive(Clone, Debug)]
pub struct Store {
    db: Db,
    sla: std::sync::Arc<orders::SlaCache>,
}

/// What an import did, or would do with `dry_run`.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportReport {
    pub kind: String,
    /// Data rows read from the file.
    pub rows: usize,
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    /// Nothing was written: the report says what an import would do.
    pub dry_run: bool,
}

/// How many rows of each kind are stored: `counts[Kind::Circuits]`. Serialized as an object
/// with a member per kind, by its code, in the order of [`Kind::ALL`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counts([i64; Kind::ALL.len()]);

impl Counts {
    /// Every kind with its count, in the order of [`Kind::ALL`].
    pub fn iter(&self) -> impl Iterator<Item = (Kind, i64)> + '_ {
        Kind::ALL.into_iter().zip(self.0.iter().copied())
    }
}

impl std::ops::Index<Kind> for Counts {
    type Output = i64;

    fn index(&self, kind: Kind) -> &i64 {
        &self.0[kind as usize]
    }
}

impl std::ops::IndexMut<Kind> for Counts {
    fn index_mut(&mut self, kind: Kind) -> &mut i64 {
        &mut self.0[kind as usize]
    }
}

impl Serialize for Counts {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (kind, n) in self.iter() {
            map.serialize_entry(kind.code(), &n)?;
        }
        map.end()
    }
}

/// The kinds of the inventory ([`Kind`]), which import and export in bulk: an [`Entity`] whose
/// stored rows read back as the inputs that would write them again. The store knows no file
/// format: `jike-transfer` reads and writes the files. Which type a [`Kind`] known at run time
/// is, [`with_kind!`] says.
pub trait Importable: Entity<Input: Send + 'static> {
    /// The kind these rows are: its code, table, noun and readers ([`jike_domain::kinds`]).
    const KIND: Kind;

    /// How many rows of a file are checked and written together. A kind whose rows refer to rows
    /// of the same file ([`Entity::wave`]) takes the whole file at once, so that the order of
    /// the file does not matter.
    const BATCH: usize = IMPORT_BATCH;

    /// Whether the kind's rows hold a person's contacts, which an export masks unless asked
    /// not to (domain.md §10; customers).
    const CONTACTS: bool = false;

    /// Masks the contacts of a row ([`Importable::CONTACTS`]).
    fn mask(input: &mut Self::Input) {
        let _ = input;
    }

    /// Masks the contacts of a row as read ([`Importable::CONTACTS`]), for a reader who does
    /// not reveal them (domain.md §10).
    fn mask_output(output: &mut Self::Output) {
        let _ = output;
    }

    /// Reads every stored row back as the input that would write it again.
    fn export_page(
        conn: &mut db::Conn<'_>,
        scope: &Scope,
        after_id: i64,
        limit: u32,
    ) -> impl std::future::Future<Output = Result<(Vec<Self::Input>, Option<i64>), StoreError>> + Send;
}

/// The one place where a kind known at run time ([`Kind`]) meets its entity type:
/// `with_kind!(kind, E => expr)` is `expr` with `E` the [`Importable`] of `kind`, e.g.
/// `with_kind!(kind, E => import::<E>(…).await)`. The match is exhaustive: a kind added to the
/// domain's table without its entity here does not compile. Every dispatch on the kind (the
/// transfer of files, the server's routes) goes through it.
#[macro_export]
macro_rules! with_kind {
    ($kind:expr, $E:ident => $body:expr) => {
        match $kind {
            $crate::Kind::Regions => {
                type $E = $crate::Regions;
                $body
            }
            $crate::Kind::Contractors => {
                type $E = $crate::Contractors;
                $body
            }
            $crate::Kind::Customers => {
                type $E = $crate::Customers;
                $body
            }
            $crate::Kind::Sites => {
                type $E = $crate::Sites;
                $body
            }
            $crate::Kind::Elements => {
                type $E = $crate::Elements;
                $body
            }
            $crate::Kind::Circuits => {
                type $E = $crate::Circuits;
                $body
            }
            $crate::Kind::Staff => {
                type $E = $crate::StaffMembers;
                $body
            }
            $crate::Kind::Instruments => {
                type $E = $crate::Instruments;
                $body
            }
            $crate::Kind::Vehicles => {
                type $E = $crate::Vehicles;
                $body
            }
        }
    };
}

async fn page_after<E: Entity>(
    conn: &mut db::Conn<'_>,
    scope: &Scope,
    after_id: i64,
    limit: u32,
) -> Result<(Vec<E::Output>, Option<i64>), StoreError> {
    let mut binds = vec![Val::int(after_id)];
    let in_scope = match ops::scope_condition(E::SPEC.table, scope, &mut binds) {
        None => return Ok((Vec::new(), None)),
        Some(Some(c)) => format!(" AND {c}"),
        Some(None) => String::new(),
    };
    let sql = format!(
        "{} WHERE t.id > $1{in_scope} ORDER BY t.id LIMIT {limit}",
        E::SPEC.select
    );
    let rows: Vec<E::Row> = conn.fetch_all(&sql, &binds).await?;
    let full = rows.len() == limit as usize;
    let items: Vec<E::Output> = rows.into_iter().map(E::output).collect::<Result<_, _>>()?;
    let last = if full { items.last().map(E::id) } else { None };
    Ok((items, last))
}

impl Importable for Customers {
    const KIND: Kind = Kind::Customers;
    const CONTACTS: bool = true;

    fn mask(input: &mut CustomerInput) {
        input.contact_name = jike_domain::values::mask_name(&input.contact_name);
        input.contact_phone = jike_domain::values::mask_phone(&input.contact_phone);
    }

    fn mask_output(output: &mut Customer) {
        output.mask_contact();
    }

    async fn export_page(
        conn: &mut db::Conn<'_>,
        scope: &Scope,
        after_id: i64,
        limit: u32,
    ) -> Result<(Vec<CustomerInput>, Option<i64>), StoreError> {
        let (items, next) = page_after::<Customers>(conn, scope, after_id, limit).await?;
        let inputs = items
            .into_iter()
            .map(|c: Customer| CustomerInput {
                code: c.code,
                name: c.name,
                industry: c.industry,
                grade: c.grade,
                account_manager: c.account_manager,
                contact_name: c.contact_name,
                contact_phone: c.contact_phone,
                region_code: c.region_code,
            })
            .collect();
        Ok((inputs, next))
    }
}

impl Importable for Circuits {
    const KIND: Kind = Kind::Circuits;
    async fn export_page(
        conn: &mut db::Conn<'_>,
        scope: &Scope,
        after_id: i64,
        limit: u32,
    ) -> Result<(Vec<CircuitInput>, Option<i64>), StoreError> {
        let (items, next) = page_after::<Circuits>(conn, scope, after_id, limit).await?;
        let mut paths: HashMap<i64, String> = HashMap::new();
        if let (Some(first), Some(last)) = (items.first(), items.last()) {
            let rows: Vec<(i64, String)> = conn
                .fetch_all(
                    "SELECT id, path_text FROM circuits WHERE id >= $1 AND id <= $2",
                    &[Val::int(first.id), Val::int(last.id)],
                )
                .await?;
            paths.extend(rows);
        }
        let inputs = items
            .into_iter()
            .map(|c: Circuit| {
                let text = paths.get(&c.id).map(String::as_str).unwrap_or_default();
                let path = parse_path(text)
                    .map_err(|e| StoreError::Corrupt(format!("path of {}: {e}", c.code)))?;
                Ok(CircuitInput {
                    code: c.code,
                    customer_code: c.customer_code,
                    business_type: c.business_type,
                    scope: c.scope,
                    bandwidth: c.bandwidth,
                    a_end: c.a_end,
                    z_end: c.z_end,
                    assurance_level: c.assurance_level,
                    status: c.status,
                    region_code: c.region_code,
                    acceptance: c.acceptance,
                    builder_name: c.builder_name,
                    builder_phone: c.builder_phone,
                    path: Some(path),
                })
            })
            .collect::<Result<_, StoreError>>()?;
        Ok((inputs, next))
    }
}

impl Importable for Sites {
    const KIND: Kind = Kind::Sites;
    async fn export_page(
        conn: &mut db::Conn<'_>,
        scope: &Scope,
        after_id: i64,
        limit: u32,
    ) -> Result<(Vec<SiteInput>, Option<i64>), StoreError> {
        let (items, next) = page_after::<Sites>(conn, scope, after_id, limit).await?;
        let inputs = items
            .into_iter()
            .map(|s: Site| SiteInput {
                code: s.code,
                name: s.name,
                kind: s.kind,
                address: s.address,
                region_code: s.region_code,
                longitude: s.longitude,
                latitude: s.latitude,
            })
            .collect();
        Ok((inputs, next))
    }
}

impl Importable for Elements {
    const KIND: Kind = Kind::Elements;
    async fn export_page(
        conn: &mut db::Conn<'_>,
        scope: &Scope,
        after_id: i64,
        limit: u32,
    ) -> Result<(Vec<ElementInput>, Option<i64>), StoreError> {
        let (items, next) = page_after::<Elements>(conn, scope, after_id, limit).await?;
        let inputs = items
            .into_iter()
            .map(|e: Element| ElementInput {
                code: e.code,
                name: e.name,
                element_type: e.element_type,
                vendor: e.vendor,
                model: e.model,
                management_ip: e.management_ip,
                site_code: e.site_code,
                owner: e.owner,
                domain: e.domain,
                contractor_code: e.contractor_code,
            })
            .collect();
        Ok((inputs, next))
    }
}

impl Importable for StaffMembers {
    const KIND: Kind = Kind::Staff;
    async fn export_page(
        conn: &mut db::Conn<'_>,
        scope: &Scope,
        after_id: i64,
        limit: u32,
    ) -> Result<(Vec<StaffInput>, Option<i64>), StoreError> {
        let (items, next) = page_after::<StaffMembers>(conn, scope, after_id, limit).await?;
        let inputs = items
            .into_iter()
            .map(|s: Staff| StaffInput {
                code: s.code,
                name: s.name,
                contractor_code: s.contractor_code,
                region_code: s.region_code,
                education: s.education,
                major: s.major,
                years_experience: s.years_experience,
                years_core_network: s.years_core_network,
                certificates: s.certificates,
                training_level: s.training_level,
                phone: s.phone,
            })
            .collect();
        Ok((inputs, next))
    }
}

impl Importable for Regions {
    const KIND: Kind = Kind::Regions;
    // Regions are few; a child may come before its parent anywhere in the file.
    const BATCH: usize = 1_000_000;

    async fn export_page(
        conn: &mut db::Conn<'_>,
        scope: &Scope,
        after_id: i64,
        limit: u32,
    ) -> Result<(Vec<RegionInput>, Option<i64>), StoreError> {
        let (items, next) = page_after::<Regions>(conn, scope, after_id, limit).await?;
        let inputs = items
            .into_iter()
            .map(|r: Region| RegionInput {
                code: r.code,
                name: r.name,
                level: r.level,
                parent_code: r.parent_code,
            })
            .collect();
        Ok((inputs, next))
    }
}

impl Importable for Contractors {
    const KIND: Kind = Kind::Contractors;
    async fn export_page(
        conn: &mut db::Conn<'_>,
        scope: &Scope,
        after_id: i64,
        limit: u32,
    ) -> Result<(Vec<ContractorInput>, Option<i64>), StoreError> {
        let (mut items, next) = page_after::<Contractors>(conn, scope, after_id, limit).await?;
        Contractors::load_children(conn, &mut items, false).await?;
        let inputs = items
            .into_iter()
            .map(|c: Contractor| ContractorInput {
                code: c.code,
                name: c.name,
                contract_start: c.contract_start,
                contract_end: c.contract_end,
                region_codes: c.region_codes,
                domains: c.domains,
            })
            .collect();
        Ok((inputs, next))
    }
}

impl Importable for Instruments {
    const KIND: Kind = Kind::Instruments;
    async fn export_page(
        conn: &mut db::Conn<'_>,
        scope: &Scope,
        after_id: i64,
        limit: u32,
    ) -> Result<(Vec<InstrumentInput>, Option<i64>), StoreError> {
        let (items, next) = page_after::<Instruments>(conn, scope, after_id, limit).await?;
        let inputs = items
            .into_iter()
            .map(|i: Instrument| InstrumentInput {
                code: i.code,
                kind: i.kind,
                contractor_code: i.contractor_code,
                region_code: i.region_code,
                holder_code: i.holder_code,
                status: i.status,
            })
            .collect();
        Ok((inputs, next))
    }
}

impl Importable for Vehicles {
    const KIND: Kind = Kind::Vehicles;
    async fn export_page(
        conn: &mut db::Conn<'_>,
        scope: &Scope,
        after_id: i64,
        limit: u32,
    ) -> Result<(Vec<VehicleInput>, Option<i64>), StoreError> {
        let (items, next) = page_after::<Vehicles>(conn, scope, after_id, limit).await?;
        let inputs = items
            .into_iter()
            .map(|v: Vehicle| VehicleInput {
                code: v.code,
                kind: v.kind,
                contractor_code: v.contractor_code,
                region_code: v.region_code,
                status: v.status,
            })
            .collect();
        Ok((inputs, next))
    }
}

/// How many rows an import writes per statement batch before the next group of references
/// is looked up.
pub(crate) const IMPORT_BATCH: usize = 10_000;

/// An import stops checking after this many problems.
const MAX_IMPORT_ERRORS: usize = 1000;

impl Store {
    /// Opens the database at `url` (`sqlite://PATH` or `postgres://…`). Does not migrate.
    pub async fn connect(url: &str) -> Result<Store, StoreError> {
        Ok(Store {
            db: Db::connect(url).await?,
            sla: Default::default(),
        })
    }

    /// Opens the database and applies pending migrations.
    pub async fn open(url: &str) -> Result<Store, StoreError> {
        let store = Store::connect(url).await?;
        store.migrate().await?;
        Ok(store)
    }

    pub fn backend(&self) -> Backend {
        self.db.backend()
    }

    pub fn db(&self) -> &Db {
        &self.db
    }

    /// Applies the embedded migrations not yet applied; returns how many ran.
    pub async fn migrate(&self) -> Result<usize, StoreError> {
        let ran = self.db.migrate().await?;
        self.ensure_default_policy().await?;
        Ok(ran)
    }

    pub async fn close(&self) {
        self.db.close().await
    }

    /// Whether the database answers.
    pub async fn ping(&self) -> Result<(), StoreError> {
        let mut c = self.db.read().await?;
        let _: (i64,) = c.conn().fetch_one("SELECT CAST(1 AS BIGINT)", &[]).await?;
        Ok(())
    }

    /// A page of the rows of a kind that `caller` sees (`scope.rs`).
    pub(crate) async fn list_as<E: Entity>(
        &self,
        caller: &Caller,
        params: &ListParams,
    ) -> Result<Page<E::Output>, StoreError> {
        let mut c = self.db.read().await?;
        ops::list::<E>(&mut c.conn(), &caller.scope, params).await
    }

    /// One row, not found when `caller` does not see it.
    pub(crate) async fn get_as<E: Entity>(
        &self,
        caller: &Caller,
        id: i64,
    ) -> Result<E::Output, StoreError> {
        let mut c = self.db.read().await?;
        ops::get::<E>(&mut c.conn(), &caller.scope, id).await
    }

    /// One row by its code, not found when `caller` does not see it.
    pub(crate) async fn get_by_code_as<E: Entity>(
        &self,
        caller: &Caller,
        code: &str,
    ) -> Result<E::Output, StoreError> {
        let mut c = self.db.read().await?;
        ops::get_by_code::<E>(&mut c.conn(), &caller.scope, code).await
    }

    /// Creates a row and records it in the audit log, in one transaction.
    pub(crate) async fn create_as<E: Entity>(
        &self,
        caller: &Caller,
        input: &E::Input,
    ) -> Result<E::Output, StoreError> {
        let mut tx = self.db.begin().await?;
        let mut conn = tx.conn();
        let out = ops::create::<E>(&mut conn, input).await?;
        let entry = caller
            .audit(
                format!("{}.create", E::SPEC.table),
                format!("{}/{}", E::SPEC.table, E::id(&out)),
            )
            .with_after(to_json(&out)?);
        audit::append(&mut conn, &entry, chrono::Utc::now()).await?;
        tx.commit().await?;
        Ok(out)
    }

    /// Updates a row `caller` sees and records it, before and after, in the audit log.
    pub(crate) async fn update_as<E: Entity>(
        &self,
        caller: &Caller,
        id: i64,
        input: &E::Input,
    ) -> Result<E::Output, StoreError> {
        let mut tx = self.db.begin().await?;
        let mut conn = tx.conn();
        let before = ops::get::<E>(&mut conn, &caller.scope, id).await?;
        let out = ops::update::<E>(&mut conn, id, input).await?;
        let (before, after) = (to_json(&before)?, to_json(&out)?);
        if before != after {
            let entry = caller
                .audit(
                    format!("{}.update", E::SPEC.table),
                    format!("{}/{id}", E::SPEC.table),
                )
                .with_before(before)
                .with_after(after);
            audit::append(&mut conn, &entry, chrono::Utc::now()).await?;
        }
        tx.commit().await?;
        Ok(out)
    }

    /// Deletes a row `caller` sees and records what it was in the audit log.
    pub(crate) async fn delete_as<E: Entity>(
        &self,
        caller: &Caller,
        id: i64,
    ) -> Result<(), StoreError> {
        let mut tx = self.db.begin().await?;
        let mut conn = tx.conn();
        let before = ops::get::<E>(&mut conn, &caller.scope, id).await?;
        ops::delete::<E>(&mut conn, id).await?;
        let entry = caller
            .audit(
                format!("{}.delete", E::SPEC.table),
                format!("{}/{id}", E::SPEC.table),
            )
            .with_before(to_json(&before)?);
        audit::append(&mut conn, &entry, chrono::Utc::now()).await?;
        tx.commit().await
    }

    /// Records that `caller` read customer contacts unmasked (domain.md §10): `object` names
    /// what was read, `ids` which rows.
    pub(crate) async fn audit_unmasked_read(
        &self,
        caller: &Caller,
        object: &str,
        ids: &[i64],
    ) -> Result<(), StoreError> {
        if ids.is_empty() {
            return Ok(());
        }
        let entry = caller
            .audit("read.unmasked", object)
            .with_after(serde_json::json!({ "ids": ids }));
        self.audit(&entry).await.map(|_| ())
    }

    /// A customer's service grades over time, oldest first (R-SL3), of a customer `caller`
    /// sees.
    pub(crate) async fn grade_history_as(
        &self,
        caller: &Caller,
        customer_id: i64,
    ) -> Result<Vec<GradePeriod>, StoreError> {
        let mut c = self.db.read().await?;
        let mut conn = c.conn();
        ops::check_visible::<Customers>(&mut conn, &caller.scope, customer_id).await?;
        entities::grade_history(&mut conn, customer_id).await
    }

    /// Imports rows in memory, each with the number its user knows it by: every row is checked
    /// (references included) before anything is written, and all of it is written in one
    /// transaction, or none of it. Rows are upserted by code, so importing the same rows twice
    /// changes nothing. A problem names the input's field (no column is known). Recorded in the audit log (what was imported, how many rows were
    /// created, updated and left alone) in the import's own transaction.
    pub(crate) async fn import_as<E: Importable>(
        &self,
        caller: &Caller,
        rows: Vec<(usize, E::Input)>,
        dry_run: bool,
    ) -> Result<ImportReport, StoreError> {
        self.import_rows_as::<E, _>(caller, InMemory::new(rows, E::BATCH), dry_run)
            .await
    }

    /// Imports the batches of `source` (a file read beside the import, see [`RowSource`]) in one
    /// transaction, all of them or nothing: a refusal ([`StoreError::InvalidRows`]) lists every
    /// problem at once, the source's own (values) and the store's (references), by row.
    pub(crate) async fn import_rows_as<E: Importable, S: RowSource<E::Input>>(
        &self,
        caller: &Caller,
        mut source: S,
        dry_run: bool,
    ) -> Result<ImportReport, StoreError> {
        let started = std::time::Instant::now();
        let incoming = source.expected();
        let mut tx = self.db.begin_import().await?;
        let rebuild = if self.backend() == Backend::Sqlite && incoming >= BULK_IMPORT_ROWS {
            bulk_index_drop::<E>(&mut tx.conn(), incoming).await?
        } else {
            Vec::new()
        };
        let (counts, mut errors) = import_batches::<E, S>(&mut tx.conn(), &mut source).await?;
        // The source is read to the end even when the store stopped at its error limit. Its own
        // problems (values) and the store's (references) are reported together, by row: the
        // good rows of a bad file were checked too.
        let mut problems = source.finish().await;
        if !problems.is_empty() {
            tx.rollback().await?;
            problems.append(&mut errors);
            return Err(StoreError::InvalidRows(capped(problems)));
        }
        let rows = counts.created + counts.updated + counts.unchanged;
        let batches_done = started.elapsed();
        if !errors.is_empty() {
            tx.rollback().await?;
            return Err(StoreError::InvalidRows(capped(errors)));
        }
        if dry_run {
            tx.rollback().await?;
        } else {
            for create in &rebuild {
                tx.conn().execute(create, &[]).await?;
            }
            let entry = caller
                .audit(
                    format!("import.{}", E::SPEC.table),
                    E::SPEC.table.to_string(),
                )
                .with_after(serde_json::json!({
                    "rows": rows,
                    "created": counts.created,
                    "updated": counts.updated,
                    "unchanged": counts.unchanged,
                }));
            audit::append(&mut tx.conn(), &entry, chrono::Utc::now()).await?;
            let indexes_done = started.elapsed();
            tx.commit().await?;
            let committed = started.elapsed();
            self.db.checkpoint_in_background();
            self.refresh_statistics().await?;
            tracing::debug!(
                kind = E::SPEC.table,
                rows,
                write_ms = batches_done.as_millis() as u64,
                rebuilt_indexes = rebuild.len(),
                index_ms = (indexes_done - batches_done).as_millis() as u64,
                commit_ms = (committed - indexes_done).as_millis() as u64,
                analyze_ms = (started.elapsed() - committed).as_millis() as u64,
                "import written"
            );
        }
        Ok(ImportReport {
            kind: E::SPEC.table.to_string(),
            rows,
            created: counts.created,
            updated: counts.updated,
            unchanged: counts.unchanged,
            dry_run,
        })
    }

    /// Every row of a kind that `caller` sees, as the inputs that would write it again, in id
    /// order, for export: what an import of them changes is nothing. A person's contacts
    /// ([`Importable::CONTACTS`]) are masked unless `unmasked`; an unmasked export of them is
    /// recorded in the audit log (domain.md §10).
    pub(crate) async fn export_rows_as<E: Importable>(
        &self,
        caller: &Caller,
        unmasked: bool,
    ) -> Result<Vec<E::Input>, StoreError> {
        let mut records = self.export_as::<E>(caller).await?;
        if E::CONTACTS {
            if !unmasked {
                records.iter_mut().for_each(E::mask);
            } else if !records.is_empty() {
                let entry = caller
                    .audit("read.unmasked", format!("export/{}", E::SPEC.table))
                    .with_after(serde_json::json!({ "rows": records.len() }));
                self.audit(&entry).await?;
            }
        }
        Ok(records)
    }

    /// Every row of a kind that `caller` sees as import inputs, in id order, for export.
    pub(crate) async fn export_as<E: Importable>(
        &self,
        caller: &Caller,
    ) -> Result<Vec<E::Input>, StoreError> {
        let mut c = self.db.read().await?;
        let mut conn = c.conn();
        let mut out = Vec::new();
        let mut after = 0;
        loop {
            let (items, next) = E::export_page(&mut conn, &caller.scope, after, 5000).await?;
            out.extend(items);
            match next {
                Some(id) => after = id,
                None => return Ok(out),
            }
        }
    }

    pub async fn counts(&self) -> Result<Counts, StoreError> {
        let mut c = self.db.read().await?;
        let mut conn = c.conn();
        let mut counts = Counts::default();
        for kind in Kind::ALL {
            let (n,): (i64,) = conn
                .fetch_one(&format!("SELECT COUNT(*) FROM {}", kind.table()), &[])
                .await?;
            counts[kind] = n;
        }
        Ok(counts)
    }

    /// Refreshes the query planner's statistics after a bulk write, so that a filter is served
    /// from the index that fits it. SQLite samples (`analysis_limit`) to stay fast on a million
    /// rows; PostgreSQL's autovacuum keeps its own statistics.
    pub async fn refresh_statistics(&self) -> Result<(), StoreError> {
        if self.backend() == Backend::Sqlite {
            let mut c = self.db.read().await?;
            let mut conn = c.conn();
            conn.execute("PRAGMA analysis_limit = 1000", &[]).await?;
            conn.execute("ANALYZE", &[]).await?;
        }
        Ok(())
    }

    /// Whether nothing at all is stored yet (no region, no customer).
    pub async fn is_empty(&self) -> Result<bool, StoreError> {
        let mut c = self.db.read().await?;
        let mut conn = c.conn();
        let regions: Option<(i64,)> = conn
            .fetch_optional("SELECT id FROM regions LIMIT 1", &[])
            .await?;
        let customers: Option<(i64,)> = conn
            .fetch_optional("SELECT id FROM customers LIMIT 1", &[])
            .await?;
        Ok(regions.is_none() && customers.is_none())
    }
}

/// From this many rows on, a SQLite import may rebuild indexes instead of updating them.
const BULK_IMPORT_ROWS: usize = 10_000;

/// When an import brings at least twice as many rows as its table holds, SQLite builds an index from
/// sorted rows much faster than it updates it row by row: the secondary indexes of the kind's
/// tables are dropped here, inside the import's transaction, and the statements to create them
/// again returned (run them before commit; a rollback restores them by itself). Unique indexes
/// stay: the upsert by code and its conflict checks need them.
async fn bulk_index_drop<E: Importable>(
    conn: &mut db::Conn<'_>,
    incoming: usize,
) -> Result<Vec<String>, StoreError> {
    let sql = format!("SELECT max(id) FROM {}", E::SPEC.table);
    let rows = conn.fetch_vals(&sql, &[], &[Val::Int(None)]).await?;
    let stored = match rows.first().and_then(|r| r.first()) {
        Some(Val::Int(Some(n))) => *n as usize,
        _ => 0,
    };
    // Not when the import mostly rewrites what is there (a re-import changes nothing and
    // should cost nothing more).
    if incoming < 2 * stored {
        return Ok(Vec::new());
    }
    let mut tables = vec![E::SPEC.table];
    tables.extend(E::CHILD_TABLES);
    let sql = format!(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL \
         AND sql NOT LIKE 'CREATE UNIQUE%' AND tbl_name IN ({})",
        db::placeholders(1, tables.len())
    );
    let names: Vec<Val> = tables.iter().map(|t| Val::text(*t)).collect();
    let indexes = conn
        .fetch_vals(&sql, &names, &[Val::Text(None), Val::Text(None)])
        .await?;
    let mut creates = Vec::with_capacity(indexes.len());
    for index in indexes {
        if let [Val::Text(Some(name)), Val::Text(Some(create))] = index.as_slice() {
            conn.execute(&format!("DROP INDEX \"{name}\""), &[]).await?;
            creates.push(create.clone());
        }
    }
    Ok(creates)
}

/// Looks up at once every natural key the inputs refer to (see [`Resolver::prefetch`]; regions
/// by code or name, [`Resolver::prefetch_regions`]).
pub(crate) async fn prefetch_references<'a, E: Entity>(
    conn: &mut db::Conn<'_>,
    refs: &mut Resolver,
    inputs: impl Iterator<Item = &'a E::Input>,
) -> Result<(), StoreError> {
    let mut wanted: HashMap<&'static str, Vec<&str>> = HashMap::new();
    for input in inputs {
        for (table, code) in E::references(input) {
            wanted.entry(table).or_default().push(code);
        }
    }
    for (table, codes) in wanted {
        if table == "regions" {
            refs.prefetch_regions(conn, codes).await?;
        } else {
            refs.prefetch(conn, table, codes).await?;
        }
    }
    Ok(())
}

/// Every problem sorted by row (stable: within a row the file's own come first), at most
/// [`MAX_IMPORT_ERRORS`] of them and then one saying how many more there were.
fn capped(mut problems: Vec<RowError>) -> Vec<RowError> {
    problems.sort_by_key(|e| e.row);
    if problems.len() > MAX_IMPORT_ERRORS {
        let left_out = problems.len() - MAX_IMPORT_ERRORS;
        let from = problems[MAX_IMPORT_ERRORS].row;
        problems.truncate(MAX_IMPORT_ERRORS);
        problems.push(RowError {
            row: from,
            column: None,
            reason: format!(
                "{left_out} more problems from this row on are left out (only the first {MAX_IMPORT_ERRORS} are listed)"
            ),
        });
    }
    problems
}

/// The batches of an import, in the caller's transaction: what they wrote, or every row problem
/// (stopping after [`MAX_IMPORT_ERRORS`]).
async fn import_batches<E: Importable, S: RowSource<E::Input>>(
    conn: &mut db::Conn<'_>,
    source: &mut S,
) -> Result<(WriteCounts, Vec<RowError>), StoreError> {
    let mut refs = Resolver::default();
    let mut counts = WriteCounts::default();
    let mut errors: Vec<RowError> = Vec::new();
    let checked = source.validated();
    while let Some(batch) = source.next_batch().await {
        let batch = batch.as_slice();
        // The rows by wave (stable: file order within a wave), each wave written before the
        // next is checked.
        let mut order: Vec<usize> = (0..batch.len()).collect();
        order.sort_by_key(|&i| E::wave(&batch[i].1));
        for wave in order.chunk_by(|&a, &b| E::wave(&batch[a].1) == E::wave(&batch[b].1)) {
            let inputs: Vec<&E::Input> = wave.iter().map(|&i| &batch[i].1).collect();
            prefetch_references::<E>(conn, &mut refs, inputs.iter().copied()).await?;
            // Rows without problems are written even when others have some, so that the rows
            // after them are checked against them; a file with any problem is rolled back.
            match ops::upsert_many::<E>(conn, &mut refs, &inputs, checked, true).await? {
                Ok(c) => {
                    counts.created += c.created;
                    counts.updated += c.updated;
                    counts.unchanged += c.unchanged;
                }
                Err(problems) => errors.extend(problems.into_iter().map(|(k, e)| {
                    RowError::of_field(batch[wave[k]].0, e, |field| source.column(field))
                })),
            }
        }
        if errors.len() >= MAX_IMPORT_ERRORS {
            break;
        }
    }
    Ok((counts, errors))
}

/// Where the rows of an import come from, batch by batch, each row with the number its user knows
/// it by (a file's row): rows in memory, or a file read on a thread of its own while the store
/// writes the batches already read (on SQLite the writing runs on the importing thread, so reading
/// beside it uses the second core). The store knows no file format; the source names the fields
/// as its user knows them and reports the rows it could not give.
pub trait RowSource<T>: Send {
    /// About how many rows will come (an estimate: a big import into a small SQLite table
    /// rebuilds the indexes instead of updating them).
    fn expected(&self) -> usize;

    /// Whether every row was checked on its own already (`jike_domain::Validate`, as a file's
    /// reader does): the store does not check it again.
    fn validated(&self) -> bool {
        false
    }

    /// The next batch, or `None` once every row has been given.
    fn next_batch(&mut self) -> impl std::future::Future<Output = Option<Vec<(usize, T)>>> + Send;

    /// Once the store is done with the batches (the rest, if any, is drained): every problem of
    /// the rows the source found itself, each on its row and column; empty when it had none.
    fn finish(&mut self) -> impl std::future::Future<Output = Vec<RowError>> + Send;

    /// The column that holds the input's `field` (`customer_code` → `客户编码`), for the
    /// store's problems with a row; `None` names the field in the reason.
    fn column(&self, field: &str) -> Option<String> {
        let _ = field;
        None
    }
}

/// Rows in memory, handed over `batch` at a time.
struct InMemory<T> {
    rows: std::vec::IntoIter<(usize, T)>,
    batch: usize,
}

impl<T> InMemory<T> {
    fn new(rows: Vec<(usize, T)>, batch: usize) -> InMemory<T> {
        InMemory {
            rows: rows.into_iter(),
            batch: batch.max(1),
        }
    }
}

impl<T: Send> RowSource<T> for InMemory<T> {
    fn expected(&self) -> usize {
        self.rows.len()
    }

    async fn next_batch(&mut self) -> Option<Vec<(usize, T)>> {
        let batch: Vec<_> = self.rows.by_ref().take(self.batch).collect();
        (!batch.is_empty()).then_some(batch)
    }

    async fn finish(&mut self) -> Vec<RowError> {
        Vec::new()
    }
}
