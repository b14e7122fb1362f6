//! Local accounts (issue 4, domain.md §10): users with argon2id password hashes, login sessions,
//! API tokens for machines, and the throttling of failed logins. A user's role and anchor (its
//! room, contractor, customer or name as account manager) give its [`Scope`].
//!
//! Secrets are never stored: a session cookie and an API token are 256 random bits, kept as
//! their SHA-256 (enough for random values; a slow hash is for passwords, which are not).

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use base64::Engine;
use chrono::{DateTime, Duration, Utc};
use jike_domain::{FieldError, Role, Room, Vocabulary};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::db::{Conn, Val};
use crate::error::StoreError;
use crate::inventory::entity::Resolver;
use crate::scope::{Caller, Scope};
use crate::{audit, Store};

/// A new account, from `jike user add` or `POST /api/v1/users`.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewUser {
    /// Login name: letters, digits, `.`, `_`, `-`; at most 64.
    pub name: String,
    /// The name shown; the login name when left out.
    #[serde(default)]
    pub display_name: Option<String>,
    pub role: Role,
    /// The initial password; an account without one can only use API tokens.
    #[serde(default)]
    pub password: Option<String>,
    /// `lead_room`: the room (transport, service_support, data, core, power).
    #[serde(default)]
    pub room: Option<Room>,
    /// `contractor`: the contractor's code.
    #[serde(default)]
    pub contractor_code: Option<String>,
    /// `customer`: the customer's code.
    #[serde(default)]
    pub customer_code: Option<String>,
    /// `account_manager`: the name its customers carry as account manager; the display name
    /// when left out.
    #[serde(default)]
    pub account_manager: Option<String>,
    /// `contractor`: the regions it works in, when narrower than its company's.
    #[serde(default)]
    pub region_codes: Vec<String>,
    /// `contractor`: the code (工号) of the staff member of its contractor whose account this is
    /// (a technician: its orders are "mine", issue 14).
    #[serde(default)]
    pub staff_code: Option<String>,
}

/// An account as the API shows it (never its password hash).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct User {
    pub id: i64,
    pub name: String,
    pub display_name: String,
    pub role: Role,
    pub room: Option<Room>,
    pub contractor_code: Option<String>,
    pub customer_code: Option<String>,
    pub account_manager: Option<String>,
    pub region_codes: Vec<String>,
    /// The staff member (代维人员) of its contractor this account belongs to, if any.
    pub staff_code: Option<String>,
    pub staff_name: Option<String>,
    /// Whether a password is set.
    pub has_password: bool,
    pub disabled: bool,
    /// Locked after repeated failed logins until then.
    pub locked_until: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

/// An authenticated user: who, and what it sees.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Principal {
    pub user: User,
    pub scope: Scope,
}

impl Principal {
    /// The store's view of this user, asking from `source`.
    pub fn caller(&self, source: &str) -> Caller {
        Caller {
            user: self.user.name.clone(),
            role: self.user.role.code().to_string(),
            source: source.to_string(),
            scope: self.scope.clone(),
        }
    }
}

/// How logins are throttled; `[auth]` in the configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoginPolicy {
    /// Failures in a row after which each further failure is answered more slowly.
    pub slow_after: u32,
    /// Failures in a row that lock the account.
    pub lock_after: u32,
    /// How long a lock lasts.
    pub lock_minutes: u32,
    /// How long a session lasts.
    pub session_hours: u32,
}

impl Default for LoginPolicy {
    fn default() -> Self {
        LoginPolicy {
            slow_after: 3,
            lock_after: 5,
            lock_minutes: 15,
            session_hours: 12,
        }
    }
}

/// What a login attempt came to.
#[derive(Debug, Clone, PartialEq)]
pub enum Login {
    /// A new session: `token` goes into the cookie, `csrf` into forms and the `X-CSRF-Token`
    /// header.
    Session {
        token: String,
        csrf: String,
        expires_at: DateTime<Utc>,
        principal: Box<Principal>,
    },
    /// Wrong name or password; answer after `delay_ms` (0 for the first failures).
    Refused { delay_ms: u64 },
    /// Too many failures: locked until then.
    Locked { until: DateTime<Utc> },
}

/// An API token as listed (never the secret).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiToken {
    pub id: i64,
    pub user: String,
    pub name: String,
    /// `read` (GET only) and/or `write`.
    pub scopes: Vec<String>,
    pub expires_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

/// The scopes a token may carry.
pub const TOKEN_SCOPES: [&str; 2] = ["read", "write"];

const MIN_PASSWORD: usize = 10;

/// The password rules: at least ten characters, with letters and digits, not the user name.
pub fn check_password(name: &str, password: &str) -> Result<(), String> {
    let n = password.chars().count();
    if n < MIN_PASSWORD {
        return Err(format!(
            "is too short: {n} characters, at least {MIN_PASSWORD} needed"
        ));
    }
    if n > 256 {
        return Err("is longer than 256 characters".into());
    }
    if !password.chars().any(|c| c.is_alphabetic()) || !password.chars().any(|c| c.is_ascii_digit())
    {
        return Err("needs both letters and digits".into());
    }
    if password.to_lowercase().contains(&name.to_lowercase()) {
        return Err("must not contain the user name".into());
    }
    Ok(())
}

fn check_name(name: &str) -> Result<(), String> {
    if name.is_empty() || name.len() > 64 {
        return Err("needs 1 to 64 characters".into());
    }
    if !name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
    {
        return Err("may hold only letters, digits, '.', '_' and '-'".into());
    }
    Ok(())
}

/// 256 random bits, URL-safe.
fn random_secret() -> Result<String, StoreError> {
    let mut bytes = [0u8; 32];
    getrandom::getrandom(&mut bytes)
        .map_err(|e| StoreError::Config(format!("no random numbers from the system: {e}")))?;
    Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes))
}

fn sha256_hex(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Hashes a password with argon2id (the crate's defaults: 19 MiB, 2 passes), off the async
/// threads: it takes tens of milliseconds by design.
async fn hash_password(password: String) -> Result<String, StoreError> {
    let mut salt = [0u8; 16];
    getrandom::getrandom(&mut salt)
        .map_err(|e| StoreError::Config(format!("no random numbers from the system: {e}")))?;
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::encode_b64(&salt).map_err(|e| e.to_string())?;
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| e.to_string())
    })
    .await
    .map_err(|e| StoreError::Corrupt(format!("password hashing stopped: {e}")))?
    .map_err(|e| StoreError::Corrupt(format!("cannot hash the password: {e}")))
}

/// Whether `password` matches the stored hash; a hash that does not parse never matches.
async fn verify_password(password: String, hash: Option<String>) -> bool {
    tokio::task::spawn_blocking(move || {
        // Without a hash, a dummy one is checked so that unknown names take as long as known
        // ones (no user enumeration by timing).
        const DUMMY: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$9sTbSlTio3Biev89thdrlKKiCaYsjjYVJxGAL3swxpQ";
        let stored = hash.as_deref().unwrap_or(DUMMY);
        let ok = PasswordHash::new(stored)
            .map(|parsed| {
                Argon2::default()
                    .verify_password(password.as_bytes(), &parsed)
                    .is_ok()
            })
            .unwrap_or(false);
        ok && hash.is_some()
    })
    .await
    .unwrap_or(false)
}

/// id, password hash, failures in a row, locked until, disabled.
type LoginRow = (i64, Option<String>, i64, Option<DateTime<Utc>>, i64);

type UserRow = (
    i64,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    i64,
    Option<DateTime<Utc>>,
    DateTime<Utc>,
    Option<i64>,
    Option<i64>,
    Option<String>,
    Option<String>,
);

const USER_SELECT: &str = "SELECT u.id, u.name, u.display_name, u.role, u.room, c.code, cu.code, \
     u.account_manager, u.password_hash, u.disabled, u.locked_until, u.created_at, \
     u.contractor_id, u.customer_id, st.code, st.name \
     FROM users u LEFT JOIN contractors c ON c.id = u.contractor_id \
     LEFT JOIN customers cu ON cu.id = u.customer_id LEFT JOIN staff st ON st.id = u.staff_id";

fn user_of(row: UserRow, region_codes: Vec<String>) -> Result<User, StoreError> {
    let (
        id,
        name,
        display_name,
        role,
        room,
        contractor,
        customer,
        manager,
        hash,
        disabled,
        locked,
        created,
        _,
        _,
        staff_code,
        staff_name,
    ) = row;
    Ok(User {
        id,
        name,
        display_name,
        role: Role::parse(&role).map_err(|e| StoreError::Corrupt(e.to_string()))?,
        room: room
            .map(|r| Room::parse(&r))
            .transpose()
            .map_err(|e| StoreError::Corrupt(e.to_string()))?,
        contractor_code: contractor,
        customer_code: customer,
        account_manager: manager,
        region_codes,
        staff_code,
        staff_name,
        has_password: hash.is_some(),
        disabled: disabled != 0,
        locked_until: locked,
        created_at: created,
    })
}

/// A contractor user's own regions (only contractors have any: one query saved on every
/// authenticated request of the other roles).
async fn region_codes_of(conn: &mut Conn<'_>, row: &UserRow) -> Result<Vec<String>, StoreError> {
    if row.3 != Role::Contractor.code() {
        return Ok(Vec::new());
    }
    let user_id = row.0;
    let rows: Vec<(String,)> = conn
        .fetch_all(
            "SELECT r.code FROM user_regions ur JOIN regions r ON r.id = ur.region_id \
             WHERE ur.user_id = $1 ORDER BY r.code",
            &[Val::int(user_id)],
        )
        .await?;
    Ok(rows.into_iter().map(|(c,)| c).collect())
}

/// The region ids a contractor user works in, sub-regions included: its own regions when it
/// has any, else its company's contract regions.
async fn scope_regions(
    conn: &mut Conn<'_>,
    user_id: i64,
    contractor_id: i64,
) -> Result<Vec<i64>, StoreError> {
    let rows: Vec<(i64,)> = conn
        .fetch_all(
            "WITH RECURSIVE sub(id) AS ( \
               SELECT region_id FROM user_regions WHERE user_id = $1 \
               UNION SELECT region_id FROM contractor_regions WHERE contractor_id = $2 \
                 AND NOT EXISTS (SELECT 1 FROM user_regions WHERE user_id = $1) \
               UNION SELECT r.id FROM regions r JOIN sub ON r.parent_id = sub.id) \
             SELECT id FROM sub ORDER BY id",
            &[Val::int(user_id), Val::int(contractor_id)],
        )
        .await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

/// The principal of user `id`, when the account is usable.
async fn principal_of(conn: &mut Conn<'_>, id: i64) -> Result<Option<Principal>, StoreError> {
    let sql = format!("{USER_SELECT} WHERE u.id = $1");
    let Some(row): Option<UserRow> = conn.fetch_optional(&sql, &[Val::int(id)]).await? else {
        return Ok(None);
    };
    let (contractor_id, customer_id) = (row.12, row.13);
    let regions = region_codes_of(conn, &row).await?;
    let user = user_of(row, regions)?;
    if user.disabled {
        return Ok(None);
    }
    let regions = match contractor_id {
        Some(c) if user.role == Role::Contractor => scope_regions(conn, id, c).await?,
        _ => Vec::new(),
    };
    let scope = Scope::of(
        user.role,
        user.room,
        contractor_id,
        regions,
        user.account_manager.as_deref(),
        customer_id,
    );
    Ok(scope.map(|scope| Principal { user, scope }))
}

impl Store {
    /// Adds an account (`jike user add`, `POST /api/v1/users`), audited. Each role needs its
    /// anchor: a lead room its room, a contractor its contractor, a customer its customer.
    pub async fn add_user(&self, caller: &Caller, input: &NewUser) -> Result<User, StoreError> {
        let mut problems = Vec::new();
        let name = input.name.trim().to_string();
        if let Err(e) = check_name(&name) {
            problems.push(FieldError::new("name", e));
        }
        if let Some(pw) = &input.password {
            if let Err(e) = check_password(&name, pw) {
                problems.push(FieldError::new("password", e));
            }
        }
        let display = input
            .display_name
            .as_deref()
            .map(str::trim)
            .filter(|d| !d.is_empty())
            .unwrap_or(&name)
            .to_string();
        let need = |field: &str, what: &str, problems: &mut Vec<FieldError>| {
            problems.push(FieldError::new(
                field,
                format!("is needed for the role {}: {what}", input.role.code()),
            ))
        };
        match input.role {
            Role::LeadRoom if input.room.is_none() => {
                need("room", "the room it leads", &mut problems)
            }
            Role::LeadRoom if input.room == Some(Room::Monitoring) => {
                problems.push(FieldError::new(
                    "room",
                    "the monitoring room is the role monitoring, not a lead room",
                ))
            }
            Role::Contractor if input.contractor_code.is_none() => need(
                "contractor_code",
                "the contractor it works for",
                &mut problems,
            ),
            Role::Customer if input.customer_code.is_none() => {
                need("customer_code", "the customer it is", &mut problems)
            }
            _ => {}
        }
        for (field, set, allowed) in [
            ("room", input.room.is_some(), input.role == Role::LeadRoom),
            (
                "contractor_code",
                input.contractor_code.is_some(),
                input.role == Role::Contractor,
            ),
            (
                "customer_code",
                input.customer_code.is_some(),
                input.role == Role::Customer,
            ),
            (
                "account_manager",
                input.account_manager.is_some(),
                input.role == Role::AccountManager,
            ),
            (
                "region_codes",
                !input.region_codes.is_empty(),
                input.role == Role::Contractor,
            ),
            (
                "staff_code",
                input.staff_code.is_some(),
                input.role == Role::Contractor,
            ),
        ] {
            if set && !allowed {
                problems.push(FieldError::new(
                    field,
                    format!("does not apply to the role {}", input.role.code()),
                ));
            }
        }
        let manager = (input.role == Role::AccountManager).then(|| {
            input
                .account_manager
                .as_deref()
                .map(str::trim)
                .unwrap_or(&display)
                .to_string()
        });
        let hash = match &input.password {
            Some(pw) if problems.is_empty() => Some(hash_password(pw.clone()).await?),
            _ => None,
        };

        let mut tx = self.db.begin().await?;
        let mut conn = tx.conn();
        let mut refs = Resolver::default();
        let contractor = refs
            .optional(
                &mut conn,
                "contractors",
                "contractor",
                "contractor_code",
                // A field that does not apply to the role was refused above; not looked up.
                input
                    .contractor_code
                    .as_deref()
                    .filter(|_| input.role == Role::Contractor),
                &mut problems,
            )
            .await?;
        let customer = refs
            .optional(
                &mut conn,
                "customers",
                "customer",
                "customer_code",
                input
                    .customer_code
                    .as_deref()
                    .filter(|_| input.role == Role::Customer),
                &mut problems,
            )
            .await?;
        let mut regions = Vec::new();
        let region_codes = if input.role == Role::Contractor {
            input.region_codes.as_slice()
        } else {
            &[]
        };
        for (i, code) in region_codes.iter().enumerate() {
            if let Some(id) = refs
                .region(&mut conn, format!("region_codes[{i}]"), code, &mut problems)
                .await?
            {
                regions.push(id);
            }
        }
        let staff = match (&input.staff_code, contractor) {
            (Some(code), Some(contractor)) if input.role == Role::Contractor => {
                staff_of_contractor(&mut conn, code, contractor, &mut problems).await?
            }
            _ => None,
        };
        if !problems.is_empty() {
            return Err(StoreError::Invalid(problems));
        }
        let now = Utc::now();
        let (id,): (i64,) = conn
            .fetch_one(
                "INSERT INTO users (name, display_name, role, room, contractor_id, customer_id, \
                 account_manager, password_hash, created_at, updated_at, staff_id) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $10) RETURNING id",
                &[
                    Val::text(&name),
                    Val::text(&display),
                    Val::text(input.role.code()),
                    Val::Text(input.room.map(|r| r.code().to_string())),
                    Val::Int(contractor),
                    Val::Int(customer),
                    Val::Text(manager),
                    Val::Text(hash),
                    Val::Time(Some(now)),
                    Val::Int(staff),
                ],
            )
            .await
            .map_err(|e| e.on_unique("user", &name))?;
        regions.sort_unstable();
        regions.dedup();
        for r in regions {
            conn.execute(
                "INSERT INTO user_regions (user_id, region_id) VALUES ($1, $2)",
                &[Val::int(id), Val::int(r)],
            )
            .await?;
        }
        let user = self.user_in(&mut conn, id).await?;
        let entry = caller
            .audit("users.create", format!("users/{}", user.name))
            .with_after(crate::audit::to_json(&user)?);
        audit::append(&mut conn, &entry, now).await?;
        tx.commit().await?;
        Ok(user)
    }

    async fn user_in(&self, conn: &mut Conn<'_>, id: i64) -> Result<User, StoreError> {
        let sql = format!("{USER_SELECT} WHERE u.id = $1");
        let row: UserRow = conn
            .fetch_optional(&sql, &[Val::int(id)])
            .await?
            .ok_or_else(|| StoreError::NotFound {
                noun: "user",
                key: format!("id {id}"),
            })?;
        let regions = region_codes_of(conn, &row).await?;
        user_of(row, regions)
    }

    /// Every account, by name.
    pub async fn users(&self) -> Result<Vec<User>, StoreError> {
        let mut c = self.db.read().await?;
        let mut conn = c.conn();
        let sql = format!("{USER_SELECT} ORDER BY u.name");
        let rows: Vec<UserRow> = conn.fetch_all(&sql, &[]).await?;
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let regions = region_codes_of(&mut conn, &row).await?;
            out.push(user_of(row, regions)?);
        }
        Ok(out)
    }

    /// The account with this name.
    pub async fn user(&self, name: &str) -> Result<User, StoreError> {
        let mut c = self.db.read().await?;
        let mut conn = c.conn();
        let id = user_id(&mut conn, name).await?;
        self.user_in(&mut conn, id).await
    }

    /// Whether any account exists (the first administrator is made on the command line).
    pub async fn has_users(&self) -> Result<bool, StoreError> {
        let mut c = self.db.read().await?;
        let row: Option<(i64,)> = c
            .conn()
            .fetch_optional("SELECT id FROM users LIMIT 1", &[])
            .await?;
        Ok(row.is_some())
    }

    /// Sets a new password (and lifts a lock), audited; existing sessions end.
    pub async fn set_password(
        &self,
        caller: &Caller,
        name: &str,
        password: &str,
    ) -> Result<(), StoreError> {
        check_password(name, password).map_err(|e| StoreError::invalid("password", e))?;
        let hash = hash_password(password.to_string()).await?;
        let mut tx = self.db.begin().await?;
        let mut conn = tx.conn();
        let id = user_id(&mut conn, name).await?;
        conn.execute(
            "UPDATE users SET password_hash = $1, failed_logins = 0, locked_until = NULL, \
             updated_at = $2 WHERE id = $3",
            &[Val::text(hash), Val::Time(Some(Utc::now())), Val::int(id)],
        )
        .await?;
        conn.execute("DELETE FROM sessions WHERE user_id = $1", &[Val::int(id)])
            .await?;
        let entry = caller.audit("users.password", format!("users/{name}"));
        audit::append(&mut conn, &entry, Utc::now()).await?;
        tx.commit().await
    }

    /// Links a contractor account to a staff member of its contractor (`Some(code)`), or removes
    /// the link (`None`), audited (issue 14). A link is refused, naming `staff_code`, for an
    /// account of another role, a code that names nobody, or staff of another contractor.
    pub async fn set_staff(
        &self,
        caller: &Caller,
        name: &str,
        staff_code: Option<&str>,
    ) -> Result<User, StoreError> {
        let mut tx = self.db.begin().await?;
        let mut conn = tx.conn();
        let id = user_id(&mut conn, name).await?;
        let before = self.user_in(&mut conn, id).await?;
        let staff = match staff_code {
            None => None,
            Some(code) => {
                let (contractor,): (Option<i64>,) = conn
                    .fetch_one(
                        "SELECT contractor_id FROM users WHERE id = $1",
                        &[Val::int(id)],
                    )
                    .await?;
                let contractor = contractor.filter(|_| before.role == Role::Contractor);
                let Some(contractor) = contractor else {
                    return Err(StoreError::invalid(
                        "staff_code",
                        format!(
                            "does not apply to the role {}: only a contractor's account is one of its staff",
                            before.role.code()
                        ),
                    ));
                };
                let mut problems = Vec::new();
                let staff = staff_of_contractor(&mut conn, code, contractor, &mut problems).await?;
                if !problems.is_empty() {
                    return Err(StoreError::Invalid(problems));
                }
                staff
            }
        };
        conn.execute(
            "UPDATE users SET staff_id = $1, updated_at = $2 WHERE id = $3",
            &[Val::Int(staff), Val::Time(Some(Utc::now())), Val::int(id)],
        )
        .await?;
        let after = self.user_in(&mut conn, id).await?;
        let entry = caller
            .audit("users.staff", format!("users/{name}"))
            .with_before(crate::audit::to_json(&before)?)
            .with_after(crate::audit::to_json(&after)?);
        audit::append(&mut conn, &entry, Utc::now()).await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Disables or enables an account, audited; disabling ends its sessions, and its tokens
    /// stop working while it is disabled.
    pub async fn set_disabled(
        &self,
        caller: &Caller,
        name: &str,
        disabled: bool,
    ) -> Result<User, StoreError> {
        let mut tx = self.db.begin().await?;
        let mut conn = tx.conn();
        let id = user_id(&mut conn, name).await?;
        let before = self.user_in(&mut conn, id).await?;
        conn.execute(
            "UPDATE users SET disabled = $1, failed_logins = 0, locked_until = NULL, updated_at = $2 \
             WHERE id = $3",
            &[
                Val::int(i64::from(disabled)),
                Val::Time(Some(Utc::now())),
                Val::int(id),
            ],
        )
        .await?;
        if disabled {
            conn.execute("DELETE FROM sessions WHERE user_id = $1", &[Val::int(id)])
                .await?;
        }
        let after = self.user_in(&mut conn, id).await?;
        let action = if disabled {
            "users.disable"
        } else {
            "users.enable"
        };
        let entry = caller
            .audit(action, format!("users/{name}"))
            .with_before(crate::audit::to_json(&before)?)
            .with_after(crate::audit::to_json(&after)?);
        audit::append(&mut conn, &entry, Utc::now()).await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Checks a name and password. Failures in a row are counted: after
    /// [`LoginPolicy::slow_after`] each answer is delayed longer, after
    /// [`LoginPolicy::lock_after`] the account locks for [`LoginPolicy::lock_minutes`]. Every
    /// failure and every lock is audited.
    pub async fn login(
        &self,
        name: &str,
        password: &str,
        source: &str,
        policy: &LoginPolicy,
        now: DateTime<Utc>,
    ) -> Result<Login, StoreError> {
        let found: Option<LoginRow> = {
            let mut c = self.db.read().await?;
            c.conn()
                .fetch_optional(
                    "SELECT id, password_hash, failed_logins, locked_until, disabled FROM users \
                     WHERE name = $1",
                    &[Val::text(name)],
                )
                .await?
        };
        let anonymous = Caller {
            user: name.to_string(),
            role: "anonymous".into(),
            source: source.to_string(),
            scope: Scope::All,
        };
        if let Some((_, _, _, Some(until), _)) = &found {
            if *until > now {
                return Ok(Login::Locked { until: *until });
            }
        }
        let Some((id, hash, _, _, disabled)) = found else {
            // Verify anyway, so that an unknown name takes as long as a wrong password.
            verify_password(password.to_string(), None).await;
            self.audit(&anonymous.audit("login.failed", format!("users/{name}")))
                .await?;
            return Ok(Login::Refused { delay_ms: 0 });
        };
        let lock_after = i64::from(policy.lock_after);
        let until = now + Duration::minutes(i64::from(policy.lock_minutes));
        // Each attempt takes its place in the count before the password is verified, in one
        // atomic UPDATE under the account's row: parallel attempts each see their own number,
        // so the slow-down and the lock hold however many arrive at once. An attempt past the
        // lock threshold locks the account without a verification.
        let attempt: i64 = {
            let mut tx = self.db.begin().await?;
            let mut conn = tx.conn();
            let row: Option<(i64, Option<DateTime<Utc>>)> = conn
                .fetch_optional(
                    "UPDATE users SET failed_logins = failed_logins + 1 WHERE id = $1 \
                     RETURNING failed_logins, locked_until",
                    &[Val::int(id)],
                )
                .await?;
            let Some((attempt, locked)) = row else {
                return Ok(Login::Refused { delay_ms: 0 });
            };
            if let Some(locked) = locked.filter(|l| *l > now) {
                // Locked by a parallel attempt since the read above.
                tx.commit().await?;
                return Ok(Login::Locked { until: locked });
            }
            if attempt > lock_after {
                conn.execute(
                    "UPDATE users SET failed_logins = 0, locked_until = $1 WHERE id = $2",
                    &[Val::Time(Some(until)), Val::int(id)],
                )
                .await?;
                let entry = anonymous
                    .audit("login.locked", format!("users/{name}"))
                    .with_after(serde_json::json!({ "failures": attempt }));
                audit::append(&mut conn, &entry, now).await?;
                tx.commit().await?;
                return Ok(Login::Locked { until });
            }
            tx.commit().await?;
            attempt
        };
        let ok = verify_password(password.to_string(), hash).await;
        if !ok || disabled != 0 {
            let lock = attempt >= lock_after;
            let mut tx = self.db.begin().await?;
            let mut conn = tx.conn();
            if lock {
                conn.execute(
                    "UPDATE users SET failed_logins = 0, locked_until = $1 WHERE id = $2",
                    &[Val::Time(Some(until)), Val::int(id)],
                )
                .await?;
            }
            let action = if lock { "login.locked" } else { "login.failed" };
            let entry = anonymous
                .audit(action, format!("users/{name}"))
                .with_after(serde_json::json!({ "failures": attempt }));
            audit::append(&mut conn, &entry, now).await?;
            tx.commit().await?;
            if lock {
                return Ok(Login::Locked { until });
            }
            let over = attempt - i64::from(policy.slow_after);
            let delay_ms = if over >= 0 { 1000u64 << over.min(5) } else { 0 };
            return Ok(Login::Refused { delay_ms });
        }
        let token = random_secret()?;
        let csrf = random_secret()?;
        let expires_at = now + Duration::hours(i64::from(policy.session_hours));
        let mut tx = self.db.begin().await?;
        let mut conn = tx.conn();
        conn.execute(
            "UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = $1",
            &[Val::int(id)],
        )
        .await?;
        conn.execute(
            "DELETE FROM sessions WHERE expires_at < $1",
            &[Val::Time(Some(now))],
        )
        .await?;
        conn.execute(
            "INSERT INTO sessions (token_hash, user_id, csrf, source, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
            &[
                Val::text(sha256_hex(&token)),
                Val::int(id),
                Val::text(&csrf),
                Val::text(source),
                Val::Time(Some(now)),
                Val::Time(Some(expires_at)),
            ],
        )
        .await?;
        let principal = principal_of(&mut conn, id)
            .await?
            .ok_or_else(|| StoreError::Conflict {
                message: format!("the account '{name}' lacks what its role needs"),
                field: None,
            })?;
        let entry = principal
            .caller(source)
            .audit("login", format!("users/{name}"));
        audit::append(&mut conn, &entry, now).await?;
        tx.commit().await?;
        Ok(Login::Session {
            token,
            csrf,
            expires_at,
            principal: Box::new(principal),
        })
    }

    /// The user of a live session and the session's CSRF token.
    pub async fn session(
        &self,
        token: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<(Principal, String)>, StoreError> {
        let mut c = self.db.read().await?;
        let mut conn = c.conn();
        let row: Option<(i64, String)> = conn
            .fetch_optional(
                "SELECT user_id, csrf FROM sessions WHERE token_hash = $1 AND expires_at > $2",
                &[Val::text(sha256_hex(token)), Val::Time(Some(now))],
            )
            .await?;
        let Some((user_id, csrf)) = row else {
            return Ok(None);
        };
        Ok(principal_of(&mut conn, user_id).await?.map(|p| (p, csrf)))
    }

    /// Ends a session.
    pub async fn logout(&self, token: &str) -> Result<(), StoreError> {
        let mut tx = self.db.begin().await?;
        tx.conn()
            .execute(
                "DELETE FROM sessions WHERE token_hash = $1",
                &[Val::text(sha256_hex(token))],
            )
            .await?;
        tx.commit().await
    }

    /// Creates an API token for `user`; returns it with its secret, shown this once.
    pub async fn create_token(
        &self,
        caller: &Caller,
        user: &str,
        name: &str,
        scopes: &[String],
        expires_at: Option<DateTime<Utc>>,
    ) -> Result<(ApiToken, String), StoreError> {
        let mut problems = Vec::new();
        if scopes.is_empty() {
            problems.push(FieldError::new(
                "scopes",
                "needs at least one of read, write",
            ));
        }
        for s in scopes {
            if !TOKEN_SCOPES.contains(&s.as_str()) {
                problems.push(FieldError::new(
                    "scopes",
                    format!("'{s}' is not a scope; scopes are read and write"),
                ));
            }
        }
        if name.trim().is_empty() || name.len() > 100 {
            problems.push(FieldError::new("name", "needs 1 to 100 characters"));
        }
        let now = Utc::now();
        if expires_at.is_some_and(|t| t <= now) {
            problems.push(FieldError::new("expires_at", "is in the past"));
        }
        if !problems.is_empty() {
            return Err(StoreError::Invalid(problems));
        }
        let mut scopes = scopes.to_vec();
        scopes.sort();
        scopes.dedup();
        let secret = format!("jk_{}", random_secret()?);
        let mut tx = self.db.begin().await?;
        let mut conn = tx.conn();
        let user_id = user_id(&mut conn, user).await?;
        let (id,): (i64,) = conn
            .fetch_one(
                "INSERT INTO api_tokens (user_id, name, token_hash, scopes, expires_at, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                &[
                    Val::int(user_id),
                    Val::text(name.trim()),
                    Val::text(sha256_hex(&secret)),
                    Val::text(scopes.join(",")),
                    Val::Time(expires_at),
                    Val::Time(Some(now)),
                ],
            )
            .await?;
        let token = token_in(&mut conn, id).await?;
        let entry = caller
            .audit("tokens.create", format!("tokens/{id}"))
            .with_after(crate::audit::to_json(&token)?);
        audit::append(&mut conn, &entry, now).await?;
        tx.commit().await?;
        Ok((token, secret))
    }

    /// Revokes a token at once, audited.
    pub async fn revoke_token(&self, caller: &Caller, id: i64) -> Result<ApiToken, StoreError> {
        let mut tx = self.db.begin().await?;
        let mut conn = tx.conn();
        let before = token_in(&mut conn, id).await?;
        if before.revoked_at.is_none() {
            conn.execute(
                "UPDATE api_tokens SET revoked_at = $1 WHERE id = $2",
                &[Val::Time(Some(Utc::now())), Val::int(id)],
            )
            .await?;
        }
        let after = token_in(&mut conn, id).await?;
        let entry = caller
            .audit("tokens.revoke", format!("tokens/{id}"))
            .with_before(crate::audit::to_json(&before)?)
            .with_after(crate::audit::to_json(&after)?);
        audit::append(&mut conn, &entry, Utc::now()).await?;
        tx.commit().await?;
        Ok(after)
    }

    /// The tokens of one user, or of everyone.
    pub async fn tokens(&self, user: Option<&str>) -> Result<Vec<ApiToken>, StoreError> {
        let mut c = self.db.read().await?;
        let mut conn = c.conn();
        let (cond, vals) = match user {
            Some(u) => ("WHERE u.name = $1", vec![Val::text(u)]),
            None => ("", vec![]),
        };
        let sql = format!("{TOKEN_SELECT} {cond} ORDER BY t.id");
        let rows: Vec<TokenRow> = conn.fetch_all(&sql, &vals).await?;
        Ok(rows.into_iter().map(token_of).collect())
    }

    /// The user a bearer token authenticates, with the token's scopes; `None` for a token
    /// that is unknown, revoked, expired or whose user is disabled.
    pub async fn token_principal(
        &self,
        secret: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<(Principal, Vec<String>)>, StoreError> {
        let mut c = self.db.read().await?;
        let mut conn = c.conn();
        let row: Option<(i64, i64, String, Option<DateTime<Utc>>)> = conn
            .fetch_optional(
                "SELECT id, user_id, scopes, last_used_at FROM api_tokens WHERE token_hash = $1 \
                 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > $2)",
                &[Val::text(sha256_hex(secret)), Val::Time(Some(now))],
            )
            .await?;
        let Some((id, user_id, scopes, last_used)) = row else {
            return Ok(None);
        };
        let Some(principal) = principal_of(&mut conn, user_id).await? else {
            return Ok(None);
        };
        drop(c);
        // Last use is kept to the minute: a write per request would serialize every reader
        // behind SQLite's one writer.
        if last_used.is_none_or(|t| now - t > Duration::minutes(1)) {
            let mut tx = self.db.begin().await?;
            tx.conn()
                .execute(
                    "UPDATE api_tokens SET last_used_at = $1 WHERE id = $2",
                    &[Val::Time(Some(now)), Val::int(id)],
                )
                .await?;
            tx.commit().await?;
        }
        let scopes = scopes.split(',').map(str::to_string).collect();
        Ok(Some((principal, scopes)))
    }
}

/// The id of the staff member `code` when it works for `contractor`; otherwise a problem naming
/// `staff_code` (issue 14: an account is one of its own company's staff).
async fn staff_of_contractor(
    conn: &mut Conn<'_>,
    code: &str,
    contractor: i64,
    problems: &mut Vec<FieldError>,
) -> Result<Option<i64>, StoreError> {
    let row: Option<(i64, i64, String)> = conn
        .fetch_optional(
            "SELECT s.id, s.contractor_id, c.code FROM staff s \
             JOIN contractors c ON c.id = s.contractor_id WHERE s.code = $1",
            &[Val::text(code.trim())],
        )
        .await?;
    match row {
        None => {
            problems.push(FieldError::new(
                "staff_code",
                format!("no staff member with code '{}'", code.trim()),
            ));
            Ok(None)
        }
        Some((_, of, _)) if of != contractor => {
            let (own,): (String,) = conn
                .fetch_one(
                    "SELECT code FROM contractors WHERE id = $1",
                    &[Val::int(contractor)],
                )
                .await?;
            problems.push(FieldError::new(
                "staff_code",
                format!(
                    "'{}' is not staff of the account's contractor {own}",
                    code.trim()
                ),
            ));
            Ok(None)
        }
        Some((id, _, _)) => Ok(Some(id)),
    }
}

async fn user_id(conn: &mut Conn<'_>, name: &str) -> Result<i64, StoreError> {
    let row: Option<(i64,)> = conn
        .fetch_optional("SELECT id FROM users WHERE name = $1", &[Val::text(name)])
        .await?;
    row.map(|(id,)| id).ok_or_else(|| StoreError::NotFound {
        noun: "user",
        key: format!("name '{name}'"),
    })
}

type TokenRow = (
    i64,
    String,
    String,
    String,
    Option<DateTime<Utc>>,
    Option<DateTime<Utc>>,
    Option<DateTime<Utc>>,
    DateTime<Utc>,
);

const TOKEN_SELECT: &str = "SELECT t.id, u.name, t.name, t.scopes, t.expires_at, t.revoked_at, \
     t.last_used_at, t.created_at FROM api_tokens t JOIN users u ON u.id = t.user_id";

fn token_of(row: TokenRow) -> ApiToken {
    let (id, user, name, scopes, expires_at, revoked_at, last_used_at, created_at) = row;
    ApiToken {
        id,
        user,
        name,
        scopes: scopes.split(',').map(str::to_string).collect(),
        expires_at,
        revoked_at,
        last_used_at,
        created_at,
    }
}

async fn token_in(conn: &mut Conn<'_>, id: i64) -> Result<ApiToken, StoreError> {
    let sql = format!("{TOKEN_SELECT} WHERE t.id = $1");
    let row: Option<TokenRow> = conn.fetch_optional(&sql, &[Val::int(id)]).await?;
    row.map(token_of).ok_or_else(|| StoreError::NotFound {
        noun: "API token",
        key: format!("id {id}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_need_length_letters_and_digits_and_not_the_name() {
        assert!(check_password("li", "short1").is_err());
        assert!(check_password("li", "onlyletterslong").is_err());
        assert!(check_password("wangwei", "wangwei12345").is_err());
        assert!(check_password("wangwei", "Jike-2026-secure").is_ok());
    }

    #[test]
    fn user_names_are_plain() {
        assert!(check_name("zhang.san").is_ok());
        assert!(check_name("张三").is_err());
        assert!(check_name("").is_err());
        assert!(check_name("a b").is_err());
    }

    #[test]
    fn secrets_are_random_and_hashes_stable() {
        let a = random_secret().unwrap();
        let b = random_secret().unwrap();
        assert_ne!(a, b);
        assert_eq!(a.len(), 43);
        assert_eq!(sha256_hex("abc").len(), 64);
        assert_eq!(
            sha256_hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
