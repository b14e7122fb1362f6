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
pub mod testing;

// The paths callers have always used (`jike_store::users::…`, `jike_store::outbox::…`,
// `jike_store::dashboard::…`, `jike_store::ops::…`) name the areas' modules.
pub use accounts as users;
pub use inventory::{entities, entity, ops};
pub use notify as outbox;
pub use orders::dashboard;

use std::collections::HashMap;

use jike_domain::{
    parse_path, Circuit, CircuitInput, Contractor, ContractorInput, Customer, CustomerInput,
    Element, ElementInput, GradePeriod, Instrument, InstrumentInput, Region, RegionInput, Vehicle,
    VehicleInput,
};
use jike_domain::{FieldError, Site, SiteInput, Staff, StaffInput};
use jike_sheets::{RowError, Sheet};
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
pub use ops::{ListParams, Page, WriteCounts, DEFAULT_LIMIT, MAX_LIMIT};
pub use orders::{
    Created, Fanout, Fired, Idempotency, Orders, PolicyVersion, TimerView, WorkdayYearRecord,
};
pub use scope::Caller;
use scope::Scope;

use audit::to_json;
use entity::Resolver;

/// The store: a pool of either backend.
#[derive(Clone, Debug)]
pub struct Store {
    db: Db,
    sla: std::sync::Arc<orders::SlaCache>,
}

/// What an import did, or would do with `dry_run`.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, utoipa::ToSchema)]
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

/// How many rows of each kind are stored.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq, utoipa::ToSchema)]
pub struct Counts {
    pub regions: i64,
    pub sites: i64,
    pub elements: i64,
    pub customers: i64,
    pub circuits: i64,
    pub contractors: i64,
    pub staff: i64,
    pub instruments: i64,
    pub vehicles: i64,
}

/// The kinds that import and export: an [`Entity`] whose input is a spreadsheet row.
pub trait Importable: Entity<Input: Sheet> {
    /// How many rows of a file are checked and written together. A kind whose rows refer to rows
    /// of the same file ([`Entity::wave`]) takes the whole file at once, so that the order of
    /// the file does not matter.
    const BATCH: usize = IMPORT_BATCH;

    /// Reads every stored row back as the input that would write it again.
    fn export_page(
        conn: &mut db::Conn<'_>,
        scope: &Scope,
        after_id: i64,
        limit: u32,
    ) -> impl std::future::Future<Output = Result<(Vec<Self::Input>, Option<i64>), StoreError>> + Send;
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

    pub async fn list<E: Entity>(
        &self,
        params: &ListParams,
    ) -> Result<Page<E::Output>, StoreError> {
        self.list_as::<E>(&Caller::system("system"), params).await
    }

    /// A page of the rows of a kind that `caller` sees (`scope.rs`).
    pub async fn list_as<E: Entity>(
        &self,
        caller: &Caller,
        params: &ListParams,
    ) -> Result<Page<E::Output>, StoreError> {
        let mut c = self.db.read().await?;
        ops::list::<E>(&mut c.conn(), &caller.scope, params).await
    }

    pub async fn get<E: Entity>(&self, id: i64) -> Result<E::Output, StoreError> {
        self.get_as::<E>(&Caller::system("system"), id).await
    }

    /// One row, not found when `caller` does not see it.
    pub async fn get_as<E: Entity>(
        &self,
        caller: &Caller,
        id: i64,
    ) -> Result<E::Output, StoreError> {
        let mut c = self.db.read().await?;
        ops::get::<E>(&mut c.conn(), &caller.scope, id).await
    }

    /// One row by its code, not found when `caller` does not see it.
    pub async fn get_by_code_as<E: Entity>(
        &self,
        caller: &Caller,
        code: &str,
    ) -> Result<E::Output, StoreError> {
        let mut c = self.db.read().await?;
        ops::get_by_code::<E>(&mut c.conn(), &caller.scope, code).await
    }

    pub async fn get_by_code<E: Entity>(&self, code: &str) -> Result<E::Output, StoreError> {
        let mut c = self.db.read().await?;
        ops::get_by_code::<E>(&mut c.conn(), &Scope::All, code).await
    }

    pub async fn create<E: Entity>(&self, input: &E::Input) -> Result<E::Output, StoreError> {
        self.create_as::<E>(&Caller::system("system"), input).await
    }

    /// Creates a row and records it in the audit log, in one transaction.
    pub async fn create_as<E: Entity>(
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

    pub async fn update<E: Entity>(
        &self,
        id: i64,
        input: &E::Input,
    ) -> Result<E::Output, StoreError> {
        self.update_as::<E>(&Caller::system("system"), id, input)
            .await
    }

    /// Updates a row `caller` sees and records it, before and after, in the audit log.
    pub async fn update_as<E: Entity>(
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

    pub async fn delete<E: Entity>(&self, id: i64) -> Result<(), StoreError> {
        self.delete_as::<E>(&Caller::system("system"), id).await
    }

    /// Deletes a row `caller` sees and records what it was in the audit log.
    pub async fn delete_as<E: Entity>(&self, caller: &Caller, id: i64) -> Result<(), StoreError> {
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
    pub async fn audit_unmasked_read(
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

    /// A customer's service grades over time, oldest first (R-SL3).
    pub async fn grade_history(&self, customer_id: i64) -> Result<Vec<GradePeriod>, StoreError> {
        self.grade_history_as(&Caller::system("system"), customer_id)
            .await
    }

    /// [`Store::grade_history`] of a customer `caller` sees.
    pub async fn grade_history_as(
        &self,
        caller: &Caller,
        customer_id: i64,
    ) -> Result<Vec<GradePeriod>, StoreError> {
        let mut c = self.db.read().await?;
        let mut conn = c.conn();
        ops::check_visible::<Customers>(&mut conn, &caller.scope, customer_id).await?;
        entities::grade_history(&mut conn, customer_id).await
    }

    /// Imports rows read from a file: every row is checked (references included) before
    /// anything is written, and all of it is written in one transaction, or none of it.
    /// Rows are upserted by code, so importing the same file twice changes nothing.
    pub async fn import<E: Importable>(
        &self,
        rows: &[(usize, E::Input)],
        dry_run: bool,
    ) -> Result<ImportReport, StoreError> {
        self.import_as::<E>(&Caller::system("system"), rows, dry_run)
            .await
    }

    /// [`Store::import`], recorded in the audit log (what was imported, how many rows were
    /// created, updated and left alone) in the import's own transaction.
    pub async fn import_as<E: Importable>(
        &self,
        caller: &Caller,
        rows: &[(usize, E::Input)],
        dry_run: bool,
    ) -> Result<ImportReport, StoreError> {
        self.import_from::<E>(caller, Source::Rows(rows.chunks(E::BATCH)), dry_run)
            .await
    }

    /// The import itself: batches from `source` checked and written in one transaction.
    async fn import_from<E: Importable>(
        &self,
        caller: &Caller,
        mut source: Source<'_, E::Input>,
        dry_run: bool,
    ) -> Result<ImportReport, StoreError> {
        let started = std::time::Instant::now();
        let incoming = source.expected().await?;
        let mut tx = self.db.begin_import().await?;
        let rebuild = if self.backend() == Backend::Sqlite && incoming >= BULK_IMPORT_ROWS {
            bulk_index_drop::<E>(&mut tx.conn(), incoming).await?
        } else {
            Vec::new()
        };
        let (counts, mut errors) = import_batches::<E>(&mut tx.conn(), &mut source).await?;
        // The file is read to the end even when the store stopped at its error limit. Its own
        // problems (values) and the store's (references) are reported together, by row: the
        // good rows of a bad file were checked too.
        if let Err(e) = source.finish().await {
            tx.rollback().await?;
            let StoreError::InvalidRows(mut problems) = sheet_error(e) else {
                unreachable!("a sheet error is a list of problems")
            };
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
                kind = %E::Input::KIND,
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
            kind: E::Input::KIND.to_string(),
            rows,
            created: counts.created,
            updated: counts.updated,
            unchanged: counts.unchanged,
            dry_run,
        })
    }

    /// Every stored row of a kind as import inputs, in id order, for export.
    pub async fn export<E: Importable>(&self) -> Result<Vec<E::Input>, StoreError> {
        self.export_as::<E>(&Caller::system("system")).await
    }

    /// [`Store::export`] of the rows `caller` sees.
    pub async fn export_as<E: Importable>(
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
        for (table, slot) in [
            ("regions", &mut counts.regions),
            ("sites", &mut counts.sites),
            ("elements", &mut counts.elements),
            ("customers", &mut counts.customers),
            ("circuits", &mut counts.circuits),
            ("contractors", &mut counts.contractors),
            ("staff", &mut counts.staff),
            ("instruments", &mut counts.instruments),
            ("vehicles", &mut counts.vehicles),
        ] {
            let (n,): (i64,) = conn
                .fetch_one(&format!("SELECT COUNT(*) FROM {table}"), &[])
                .await?;
            *slot = n;
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
async fn import_batches<E: Importable>(
    conn: &mut db::Conn<'_>,
    source: &mut Source<'_, E::Input>,
) -> Result<(WriteCounts, Vec<RowError>), StoreError> {
    let mut refs = Resolver::default();
    let mut counts = WriteCounts::default();
    let mut errors: Vec<RowError> = Vec::new();
    while let Some(batch) = source.next().await {
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
            match ops::upsert_many::<E>(conn, &mut refs, &inputs, source.checked(), true).await? {
                Ok(c) => {
                    counts.created += c.created;
                    counts.updated += c.updated;
                    counts.unchanged += c.unchanged;
                }
                Err(problems) => errors.extend(
                    problems
                        .into_iter()
                        .map(|(k, e)| row_error::<E::Input>(batch[wave[k]].0, e)),
                ),
            }
        }
        if errors.len() >= MAX_IMPORT_ERRORS {
            break;
        }
    }
    Ok((counts, errors))
}

/// Where an import's rows come from: rows in memory, or a file read on a thread of its own while
/// the batches already read are written (on SQLite the writing runs on the importing thread, so
/// reading beside it uses the second core).
enum Source<'a, T> {
    Rows(std::slice::Chunks<'a, (usize, T)>),
    File {
        rx: tokio::sync::mpsc::Receiver<FileMsg<T>>,
        result: Option<Result<(), jike_sheets::SheetError>>,
    },
}

/// What the file reader sends.
enum FileMsg<T> {
    Expect(usize),
    Rows(Vec<(usize, T)>),
    Done(Result<(), jike_sheets::SheetError>),
}

/// A batch of a [`Source`].
enum Batch<'a, T> {
    Borrowed(&'a [(usize, T)]),
    Owned(Vec<(usize, T)>),
}

impl<T> Batch<'_, T> {
    fn as_slice(&self) -> &[(usize, T)] {
        match self {
            Batch::Borrowed(b) => b,
            Batch::Owned(b) => b,
        }
    }
}

impl<'a, T: Sheet + Send + 'static> Source<'a, T> {
    /// Starts reading `bytes` on a thread of its own, `batch` rows at a time.
    fn file(format: jike_sheets::Format, bytes: &[u8], batch: usize) -> Source<'a, T> {
        let bytes: Vec<u8> = bytes.to_vec();
        // Two batches in flight: the reader stays a batch ahead of the writer, no more.
        let (tx, rx) = tokio::sync::mpsc::channel(2);
        std::thread::spawn(move || {
            let mut expect = |n| {
                let _ = tx.blocking_send(FileMsg::Expect(n));
            };
            // The good rows of a bad file come too: the store checks their references, so
            // that every problem of the file is reported at once.
            let mut take = |rows, _clean| tx.blocking_send(FileMsg::Rows(rows)).is_ok();
            let result = jike_sheets::read_batches(format, &bytes, batch, &mut expect, &mut take);
            let _ = tx.blocking_send(FileMsg::Done(result));
        });
        Source::File { rx, result: None }
    }

    /// Whether the rows were validated already (a file's reader validates every record).
    fn checked(&self) -> bool {
        matches!(self, Source::File { .. })
    }

    /// About how many rows will come.
    async fn expected(&mut self) -> Result<usize, StoreError> {
        match self {
            Source::Rows(chunks) => Ok(chunks.clone().map(<[_]>::len).sum()),
            Source::File { rx, result } => match rx.recv().await {
                Some(FileMsg::Expect(n)) => Ok(n),
                Some(FileMsg::Done(Err(e))) => Err(sheet_error(e)),
                Some(FileMsg::Done(Ok(()))) => {
                    *result = Some(Ok(()));
                    Ok(0)
                }
                Some(FileMsg::Rows(_)) | None => Err(StoreError::Corrupt(
                    "the file reader stopped before it began".into(),
                )),
            },
        }
    }

    async fn next(&mut self) -> Option<Batch<'a, T>> {
        match self {
            Source::Rows(chunks) => chunks.next().map(Batch::Borrowed),
            Source::File { rx, result } => loop {
                if result.is_some() {
                    return None;
                }
                match rx.recv().await {
                    Some(FileMsg::Rows(rows)) => return Some(Batch::Owned(rows)),
                    Some(FileMsg::Expect(_)) => continue,
                    Some(FileMsg::Done(r)) => *result = Some(r),
                    None => *result = Some(Ok(())),
                }
            },
        }
    }

    /// The file's verdict, once it has been read to the end (rows not yet taken are dropped).
    async fn finish(&mut self) -> Result<(), jike_sheets::SheetError> {
        while self.next().await.is_some() {}
        match self {
            Source::Rows(_) => Ok(()),
            Source::File { result, .. } => result.take().unwrap_or(Ok(())),
        }
    }
}

/// A store problem with one input row, as the import report shows it: the field is turned into
/// the file's column when there is one.
fn row_error<T: Sheet>(row: usize, e: FieldError) -> RowError {
    let base = e.field.split(['[', '.']).next().unwrap_or(&e.field);
    match jike_sheets::column_label::<T>(base, jike_sheets::HeaderLang::Chinese) {
        Some(label) => RowError {
            row,
            column: Some(label.to_string()),
            reason: e.reason,
        },
        None => RowError {
            row,
            column: None,
            reason: e.to_string(),
        },
    }
}

/// Reads a file of `kind` and imports it; see [`Store::import`].
impl Store {
    pub async fn import_file(
        &self,
        kind: jike_sheets::Kind,
        format: jike_sheets::Format,
        bytes: &[u8],
        dry_run: bool,
    ) -> Result<ImportReport, StoreError> {
        self.import_file_as(&Caller::system("system"), kind, format, bytes, dry_run)
            .await
    }

    /// [`Store::import_file`] on behalf of `caller`, audited.
    pub async fn import_file_as(
        &self,
        caller: &Caller,
        kind: jike_sheets::Kind,
        format: jike_sheets::Format,
        bytes: &[u8],
        dry_run: bool,
    ) -> Result<ImportReport, StoreError> {
        use jike_sheets::Kind;
        let c = caller;
        match kind {
            Kind::Regions => {
                self.import_bytes::<Regions>(c, format, bytes, dry_run)
                    .await
            }
            Kind::Contractors => {
                self.import_bytes::<Contractors>(c, format, bytes, dry_run)
                    .await
            }
            Kind::Instruments => {
                self.import_bytes::<Instruments>(c, format, bytes, dry_run)
                    .await
            }
            Kind::Vehicles => {
                self.import_bytes::<Vehicles>(c, format, bytes, dry_run)
                    .await
            }
            Kind::Customers => {
                self.import_bytes::<Customers>(c, format, bytes, dry_run)
                    .await
            }
            Kind::Circuits => {
                self.import_bytes::<Circuits>(c, format, bytes, dry_run)
                    .await
            }
            Kind::Sites => self.import_bytes::<Sites>(c, format, bytes, dry_run).await,
            Kind::Elements => {
                self.import_bytes::<Elements>(c, format, bytes, dry_run)
                    .await
            }
            Kind::Staff => {
                self.import_bytes::<StaffMembers>(c, format, bytes, dry_run)
                    .await
            }
        }
    }

    async fn import_bytes<E: Importable>(
        &self,
        caller: &Caller,
        format: jike_sheets::Format,
        bytes: &[u8],
        dry_run: bool,
    ) -> Result<ImportReport, StoreError> {
        self.import_from::<E>(caller, Source::file(format, bytes, E::BATCH), dry_run)
            .await
    }

    /// Writes every stored row of `kind` as a file that [`Store::import_file`] reads back.
    pub async fn export_file(
        &self,
        kind: jike_sheets::Kind,
        format: jike_sheets::Format,
        lang: jike_sheets::HeaderLang,
    ) -> Result<Vec<u8>, StoreError> {
        self.export_file_as(&Caller::system("cli"), kind, format, lang, true)
            .await
    }

    /// [`Store::export_file`] of the rows `caller` sees. Customer contacts are masked unless
    /// `unmasked`; an unmasked export of customers is recorded in the audit log.
    pub async fn export_file_as(
        &self,
        caller: &Caller,
        kind: jike_sheets::Kind,
        format: jike_sheets::Format,
        lang: jike_sheets::HeaderLang,
        unmasked: bool,
    ) -> Result<Vec<u8>, StoreError> {
        use jike_sheets::Kind;
        let c = caller;
        match kind {
            Kind::Customers => {
                let mut records = self.export_as::<Customers>(c).await?;
                if unmasked {
                    if !records.is_empty() {
                        let entry = c
                            .audit("read.unmasked", "export/customers")
                            .with_after(serde_json::json!({ "rows": records.len() }));
                        self.audit(&entry).await?;
                    }
                } else {
                    for r in &mut records {
                        r.contact_name = jike_domain::values::mask_name(&r.contact_name);
                        r.contact_phone = jike_domain::values::mask_phone(&r.contact_phone);
                    }
                }
                jike_sheets::write::<CustomerInput>(format, &records, lang).map_err(sheet_error)
            }
            Kind::Circuits => self.export_bytes::<Circuits>(c, format, lang).await,
            Kind::Sites => self.export_bytes::<Sites>(c, format, lang).await,
            Kind::Elements => self.export_bytes::<Elements>(c, format, lang).await,
            Kind::Staff => self.export_bytes::<StaffMembers>(c, format, lang).await,
            Kind::Regions => self.export_bytes::<Regions>(c, format, lang).await,
            Kind::Contractors => self.export_bytes::<Contractors>(c, format, lang).await,
            Kind::Instruments => self.export_bytes::<Instruments>(c, format, lang).await,
            Kind::Vehicles => self.export_bytes::<Vehicles>(c, format, lang).await,
        }
    }

    async fn export_bytes<E: Importable>(
        &self,
        caller: &Caller,
        format: jike_sheets::Format,
        lang: jike_sheets::HeaderLang,
    ) -> Result<Vec<u8>, StoreError> {
        let records = self.export_as::<E>(caller).await?;
        jike_sheets::write::<E::Input>(format, &records, lang).map_err(sheet_error)
    }
}

fn sheet_error(e: jike_sheets::SheetError) -> StoreError {
    match e {
        jike_sheets::SheetError::Invalid(rows) => StoreError::InvalidRows(rows),
        jike_sheets::SheetError::ZipLimit(limit) => StoreError::FileTooLarge(limit),
        jike_sheets::SheetError::Write(reason) => StoreError::InvalidRows(vec![RowError {
            row: 0,
            column: None,
            reason: format!("cannot write the file: {reason}"),
        }]),
    }
}
