//! Scoping as a type: the store as one caller sees it.
//!
//! [`Store::scoped`] gives a [`Scoped`] handle (the store and a [`Caller`]); every read and
//! write through it applies the caller's scope (`scope.rs`: a contractor its own rows, a
//! customer its own lines, …) and records the caller in the audit log. The HTTP edge serves
//! each request through the handle of its caller, so a handler cannot forget the scope.
//! What acts for the system itself (the command line, the scheduler, the demo) takes
//! [`Store::system`], spelled out so that unscoped access can be found with `grep system()`.
//!
//! The handle's methods are the store's scoped operations; the `*_as` methods they call take
//! the caller as an argument and are the implementation behind them.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use jike_domain::{EventCreate, GradePeriod, OrderCreate};
use jike_lint::LintConfig;

use crate::configs::{
    ConfigCheck, ConfigOverview, ConfigSummary, ConfigText, ConfigUpload, ElementFinding,
    FindingQuery, FleetCheck,
};
use crate::dashboard::Dashboard;
use crate::error::StoreError;
use crate::orders::{Created, Idempotency, Order};
use crate::page::{ListParams, Page};
use crate::{Caller, Entity, ImportReport, Importable, RowSource, Store};

/// The store as one caller sees it (see the module's documentation).
#[derive(Debug, Clone)]
pub struct Scoped<'s> {
    store: &'s Store,
    caller: Caller,
}

impl Store {
    /// The store as `caller` sees it: every operation through the handle is scoped to it.
    pub fn scoped(&self, caller: &Caller) -> Scoped<'_> {
        Scoped {
            store: self,
            caller: caller.clone(),
        }
    }

    /// The store unscoped, acting as the system (the command line, the scheduler, the demo):
    /// the one explicit way past the scope.
    pub fn system(&self) -> Scoped<'_> {
        self.scoped(&Caller::system("system"))
    }
}

impl Scoped<'_> {
    /// Who the handle acts for.
    pub fn caller(&self) -> &Caller {
        &self.caller
    }

    // The inventory (`inventory/`).

    /// A page of the rows of a kind that the caller sees.
    pub async fn list<E: Entity>(
        &self,
        params: &ListParams,
    ) -> Result<Page<E::Output>, StoreError> {
        self.store.list_as::<E>(&self.caller, params).await
    }

    /// One row by id; not found when the caller does not see it.
    pub async fn get<E: Entity>(&self, id: i64) -> Result<E::Output, StoreError> {
        self.store.get_as::<E>(&self.caller, id).await
    }

    /// One row by code; not found when the caller does not see it.
    pub async fn get_by_code<E: Entity>(&self, code: &str) -> Result<E::Output, StoreError> {
        self.store.get_by_code_as::<E>(&self.caller, code).await
    }

    pub async fn create<E: Entity>(&self, input: &E::Input) -> Result<E::Output, StoreError> {
        self.store.create_as::<E>(&self.caller, input).await
    }

    pub async fn update<E: Entity>(
        &self,
        id: i64,
        input: &E::Input,
    ) -> Result<E::Output, StoreError> {
        self.store.update_as::<E>(&self.caller, id, input).await
    }

    pub async fn delete<E: Entity>(&self, id: i64) -> Result<(), StoreError> {
        self.store.delete_as::<E>(&self.caller, id).await
    }

    /// A customer's grade history (R-SL3), when the caller sees the customer.
    pub async fn grade_history(&self, customer_id: i64) -> Result<Vec<GradePeriod>, StoreError> {
        self.store.grade_history_as(&self.caller, customer_id).await
    }

    /// Records that the caller read these rows unmasked (audited reveal).
    pub async fn audit_unmasked_read(&self, object: &str, ids: &[i64]) -> Result<(), StoreError> {
        self.store
            .audit_unmasked_read(&self.caller, object, ids)
            .await
    }

    /// Imports rows, all or none (the rows of a file are read by `jike-transfer`).
    pub async fn import<E: Importable>(
        &self,
        rows: Vec<(usize, E::Input)>,
        dry_run: bool,
    ) -> Result<ImportReport, StoreError> {
        self.store.import_as::<E>(&self.caller, rows, dry_run).await
    }

    /// Imports the batches of a source, all or none, every row's problems in one pass.
    pub async fn import_rows<E: Importable, S: RowSource<E::Input>>(
        &self,
        source: S,
        dry_run: bool,
    ) -> Result<ImportReport, StoreError> {
        self.store
            .import_rows_as::<E, S>(&self.caller, source, dry_run)
            .await
    }

    /// The rows of a kind for an export, masked unless `unmasked` (then audited).
    pub async fn export_rows<E: Importable>(
        &self,
        unmasked: bool,
    ) -> Result<Vec<E::Input>, StoreError> {
        self.store.export_rows_as::<E>(&self.caller, unmasked).await
    }

    // Work orders (`orders/`).

    /// The id of an order the caller sees, by id or code.
    pub async fn order_id(&self, key: &str) -> Result<i64, StoreError> {
        self.store.order_id_as(&self.caller, key).await
    }

    /// An order the caller sees, with its detail at `now` (a customer's own view for a
    /// customer).
    pub async fn order(&self, key: &str, now: DateTime<Utc>) -> Result<Order, StoreError> {
        self.store.order_as(&self.caller, key, now).await
    }

    /// The orders the caller sees, each with its most urgent clock at `now`.
    pub async fn orders(
        &self,
        params: &ListParams,
        now: DateTime<Utc>,
    ) -> Result<Page<Order>, StoreError> {
        self.store.list_orders_as(&self.caller, params, now).await
    }

    pub async fn create_order(
        &self,
        input: &OrderCreate,
        idempotency: Option<&Idempotency>,
        now: DateTime<Utc>,
    ) -> Result<Created, StoreError> {
        self.store
            .create_order_as(&self.caller, input, idempotency, now)
            .await
    }

    pub async fn record_event(
        &self,
        order_id: i64,
        input: &EventCreate,
        now: DateTime<Utc>,
    ) -> Result<Order, StoreError> {
        self.store
            .record_event_as(&self.caller, order_id, input, now)
            .await
    }

    /// The monitoring room's overview of what the caller sees.
    pub async fn dashboard(&self, now: DateTime<Utc>) -> Result<Dashboard, StoreError> {
        self.store.dashboard_as(&self.caller, None, now).await
    }

    /// The overview kept to the orders the caller sees that are assigned to the staff member
    /// `staff_code` (issue 14: a technician's own, 我的); an unknown code names `assignee`.
    pub async fn dashboard_assigned_to(
        &self,
        staff_code: &str,
        now: DateTime<Utc>,
    ) -> Result<Dashboard, StoreError> {
        self.store
            .dashboard_as(&self.caller, Some(staff_code), now)
            .await
    }

    // Device configurations (`configs/`).

    /// Checks a configuration with `jike-lint` and stores it for an element the caller sees.
    pub async fn config_check(
        &self,
        element_id: i64,
        upload: ConfigText,
        cfg: Arc<LintConfig>,
    ) -> Result<ConfigCheck, StoreError> {
        self.store
            .config_check_as(&self.caller, element_id, upload, cfg)
            .await
    }

    /// Stores a checked configuration, the fleet compared by `fleet`.
    pub async fn config_upload(
        &self,
        element_id: i64,
        upload: &ConfigUpload,
        fleet: &FleetCheck<'_>,
    ) -> Result<ConfigCheck, StoreError> {
        self.store
            .config_upload_as(&self.caller, element_id, upload, fleet)
            .await
    }

    pub async fn config_latest(&self, element_id: i64) -> Result<ConfigCheck, StoreError> {
        self.store.config_latest_as(&self.caller, element_id).await
    }

    pub async fn config_history(&self, element_id: i64) -> Result<Vec<ConfigSummary>, StoreError> {
        self.store.config_history_as(&self.caller, element_id).await
    }

    pub async fn config_text(
        &self,
        element_id: i64,
        config_id: Option<i64>,
    ) -> Result<(ConfigSummary, String), StoreError> {
        self.store
            .config_text_as(&self.caller, element_id, config_id)
            .await
    }

    pub async fn config_findings(
        &self,
        q: &FindingQuery,
    ) -> Result<Page<ElementFinding>, StoreError> {
        self.store.config_findings_as(&self.caller, q).await
    }

    pub async fn config_overview(&self) -> Result<ConfigOverview, StoreError> {
        self.store.config_overview_as(&self.caller).await
    }
}
