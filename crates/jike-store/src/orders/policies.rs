//! SLA policy versions (with history: the one in force when an order occurred, R-SL3) and
//! the workday calendars the clocks run on.

use super::*;

/// One version of the SLA policy, as stored.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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

pub(super) fn policy_error(e: PolicyError) -> StoreError {
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

    pub(super) async fn policy(
        &self,
        conn: &mut Conn<'_>,
        id: i64,
    ) -> Result<Arc<Policy>, StoreError> {
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
    pub(super) async fn policy_at(
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
