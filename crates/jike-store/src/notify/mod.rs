//! The notification outbox: rows written in the transaction of what caused them (a timer that
//! fired, an order that changed), delivered afterwards by a worker, at least once.
//!
//! Why an outbox: a notification must be sent if and only if its cause was committed. Writing it
//! in the cause's transaction and delivering it later gives exactly that; sending from inside
//! the transaction would send for causes that roll back, and sending after commit would lose
//! notifications when the process dies between the two.
//!
//! Several `jike serve` processes may share one PostgreSQL database. A worker *claims* due rows
//! by writing a lease (its name and an expiry) on them; `FOR UPDATE SKIP LOCKED` makes two
//! concurrent claims take disjoint rows, and the lease keeps a row away from other workers while
//! it is delivered. A worker that dies leaves its lease to expire, and the row is claimed again.
//! On SQLite there is one writer (`BEGIN IMMEDIATE`), which serialises claims by itself.

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;
use sqlx::FromRow;

use crate::db::{placeholders, Backend, Conn, Val};
use crate::error::StoreError;
use crate::Store;

/// How a notification travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Channel {
    /// An HTTP POST of the payload to a URL.
    Webhook,
    /// An e-mail to an address.
    Email,
}

impl Channel {
    pub fn code(self) -> &'static str {
        match self {
            Channel::Webhook => "webhook",
            Channel::Email => "email",
        }
    }

    pub fn parse(code: &str) -> Option<Channel> {
        match code {
            "webhook" => Some(Channel::Webhook),
            "email" => Some(Channel::Email),
            _ => None,
        }
    }
}

/// Where one notification goes: a webhook URL or an e-mail address.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Target {
    pub channel: Channel,
    pub target: String,
}

/// Where an outbox row stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum DeliveryStatus {
    /// Not delivered yet; it will be tried (again) at `next_attempt_at`.
    Pending,
    Delivered,
    /// Every allowed attempt failed; it will not be tried again.
    Failed,
}

impl DeliveryStatus {
    pub fn code(self) -> &'static str {
        match self {
            DeliveryStatus::Pending => "pending",
            DeliveryStatus::Delivered => "delivered",
            DeliveryStatus::Failed => "failed",
        }
    }

    pub fn parse(code: &str) -> Option<DeliveryStatus> {
        match code {
            "pending" => Some(DeliveryStatus::Pending),
            "delivered" => Some(DeliveryStatus::Delivered),
            "failed" => Some(DeliveryStatus::Failed),
            _ => None,
        }
    }
}

/// Writes one pending notification per target, in the caller's transaction, due at once.
/// Returns how many rows were written (none when there is no target).
///
/// Call it in the transaction that commits the cause (the scheduler: the one that marks the
/// timer fired), then wake the delivery worker after the commit.
pub async fn enqueue(
    conn: &mut Conn<'_>,
    topic: &str,
    order_id: Option<i64>,
    timer_id: Option<i64>,
    payload: &serde_json::Value,
    targets: &[Target],
    now: DateTime<Utc>,
) -> Result<usize, StoreError> {
    if targets.is_empty() {
        return Ok(0);
    }
    // The topic travels in an HTTP header (X-Jike-Event): visible ASCII only.
    if topic.is_empty() || !topic.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(StoreError::invalid(
            "topic",
            format!("'{topic}' must be visible ASCII without spaces, e.g. order.breached"),
        ));
    }
    let payload = serde_json::to_string(payload)
        .map_err(|e| StoreError::invalid("payload", format!("cannot be written as JSON: {e}")))?;
    const COLUMNS: usize = 8;
    let mut rows = Vec::with_capacity(targets.len());
    let mut vals = Vec::with_capacity(targets.len() * COLUMNS);
    for (i, t) in targets.iter().enumerate() {
        rows.push(format!("({})", placeholders(i * COLUMNS + 1, COLUMNS)));
        vals.extend([
            Val::text(topic),
            Val::Int(order_id),
            Val::Int(timer_id),
            Val::text(t.channel.code()),
            Val::text(t.target.as_str()),
            Val::text(payload.as_str()),
            Val::Time(Some(now)),
            Val::Time(Some(now)),
        ]);
    }
    let sql = format!(
        "INSERT INTO outbox (topic, order_id, timer_id, channel, target, payload, created_at, \
         next_attempt_at) VALUES {}",
        rows.join(", ")
    );
    let written = conn.execute(&sql, &vals).await?;
    Ok(written as usize)
}

/// A row claimed for delivery by one worker.
#[derive(Debug, Clone, PartialEq)]
pub struct Claimed {
    pub id: i64,
    pub topic: String,
    pub order_id: Option<i64>,
    pub timer_id: Option<i64>,
    pub channel: Channel,
    pub target: String,
    /// The payload as stored: the exact bytes a webhook sends and signs.
    pub payload: String,
    /// Attempts made before this one.
    pub attempts: i64,
    pub created_at: DateTime<Utc>,
}

#[derive(FromRow)]
struct ClaimedRow {
    id: i64,
    topic: String,
    order_id: Option<i64>,
    timer_id: Option<i64>,
    channel: String,
    target: String,
    payload: String,
    attempts: i64,
    created_at: DateTime<Utc>,
}
crate::lite_record!(ClaimedRow {
    id,
    topic,
    order_id,
    timer_id,
    channel,
    target,
    payload,
    attempts,
    created_at
});

impl TryFrom<ClaimedRow> for Claimed {
    type Error = StoreError;

    fn try_from(r: ClaimedRow) -> Result<Claimed, StoreError> {
        Ok(Claimed {
            channel: Channel::parse(&r.channel).ok_or_else(|| {
                StoreError::Corrupt(format!("outbox {}: channel '{}'", r.id, r.channel))
            })?,
            id: r.id,
            topic: r.topic,
            order_id: r.order_id,
            timer_id: r.timer_id,
            target: r.target,
            payload: r.payload,
            attempts: r.attempts,
            created_at: r.created_at,
        })
    }
}

/// What one delivery attempt found.
#[derive(Debug, Clone, PartialEq)]
pub struct AttemptResult {
    /// When the attempt started.
    pub at: DateTime<Utc>,
    pub ok: bool,
    /// The HTTP status of a webhook's answer, or the SMTP reply code.
    pub status_code: Option<i64>,
    /// Why it failed; `None` when it succeeded.
    pub error: Option<String>,
    pub duration_ms: i64,
}

/// When to try again after a failure, and when to give up.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included; at least 1.
    pub max_attempts: u32,
    /// The wait after the first failure; it doubles after each further one.
    pub backoff: Duration,
}

/// The longest wait between two attempts.
pub const MAX_BACKOFF: Duration = Duration::hours(1);

impl RetryPolicy {
    /// The wait after the `failures`-th failure (1-based): `backoff × 2^(failures−1)`, at most
    /// [`MAX_BACKOFF`].
    pub fn delay(&self, failures: u32) -> Duration {
        let exp = failures.saturating_sub(1).min(30);
        let base_ms = self.backoff.num_milliseconds().max(0);
        let ms = base_ms.saturating_mul(1i64 << exp);
        Duration::milliseconds(ms).min(MAX_BACKOFF)
    }
}

/// What recording an attempt did to its row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recorded {
    Delivered,
    /// Failed; tried again at that instant.
    Retry {
        next_attempt_at: DateTime<Utc>,
    },
    /// Failed for the last allowed time.
    Failed,
    /// The lease had passed to another worker: nothing was written, the row is theirs.
    LeaseLost,
}

/// An attempt as the API shows it.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeliveryAttempt {
    /// 1 for the first attempt.
    pub attempt: i64,
    pub at: DateTime<Utc>,
    pub ok: bool,
    /// The HTTP status of a webhook's answer, or the SMTP reply code.
    pub status_code: Option<i64>,
    pub error: Option<String>,
    pub duration_ms: i64,
}

/// An outbox row as the API shows it, with its attempts.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Notification {
    pub id: i64,
    pub topic: String,
    pub order_id: Option<i64>,
    pub timer_id: Option<i64>,
    pub channel: Channel,
    /// The webhook URL or e-mail address.
    pub target: String,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub payload: serde_json::Value,
    pub created_at: DateTime<Utc>,
    pub status: DeliveryStatus,
    /// How many attempts were made.
    pub attempts: i64,
    /// When a pending row is tried next.
    pub next_attempt_at: DateTime<Utc>,
    pub delivered_at: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
    /// Every attempt, oldest first.
    pub delivery_attempts: Vec<DeliveryAttempt>,
}

#[derive(FromRow)]
struct NotificationRow {
    id: i64,
    topic: String,
    order_id: Option<i64>,
    timer_id: Option<i64>,
    channel: String,
    target: String,
    payload: String,
    created_at: DateTime<Utc>,
    status: String,
    attempts: i64,
    next_attempt_at: DateTime<Utc>,
    delivered_at: Option<DateTime<Utc>>,
    last_error: Option<String>,
}
crate::lite_record!(NotificationRow {
    id,
    topic,
    order_id,
    timer_id,
    channel,
    target,
    payload,
    created_at,
    status,
    attempts,
    next_attempt_at,
    delivered_at,
    last_error
});

#[derive(FromRow)]
struct AttemptRow {
    outbox_id: i64,
    attempt: i64,
    at: DateTime<Utc>,
    ok: i64,
    status_code: Option<i64>,
    error: Option<String>,
    duration_ms: i64,
}
crate::lite_record!(AttemptRow {
    outbox_id,
    attempt,
    at,
    ok,
    status_code,
    error,
    duration_ms
});

/// A list request: newest first, optionally one order's or one status's rows.
#[derive(Debug, Clone, Default)]
pub struct NotificationQuery {
    pub order_id: Option<i64>,
    pub status: Option<DeliveryStatus>,
    /// Rows per page, 1 to [`MAX_NOTIFICATION_LIMIT`]; default [`crate::DEFAULT_LIMIT`].
    pub limit: Option<u32>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

pub const MAX_NOTIFICATION_LIMIT: u32 = 500;

/// One page of notifications; `next_cursor` is `None` on the last page.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NotificationPage {
    pub items: Vec<Notification>,
    pub next_cursor: Option<String>,
}

/// Error texts are kept to this many characters: a receiver's error page is not worth storing.
const MAX_ERROR_CHARS: usize = 2000;

impl Store {
    /// Leases up to `limit` due rows to `owner` until `now + lease`, oldest due first. Rows
    /// leased to another worker whose lease has not run out are skipped.
    pub async fn claim_outbox(
        &self,
        owner: &str,
        now: DateTime<Utc>,
        lease: Duration,
        limit: u32,
    ) -> Result<Vec<Claimed>, StoreError> {
        // Most rounds find nothing due. Looking first, on a pooled read connection, keeps those
        // rounds from taking SQLite's one write lock every few hundred milliseconds (and from
        // queueing behind a long import for it).
        let due: Option<(i64,)> = {
            let mut c = self.db().read().await?;
            c.conn()
                .fetch_optional(
                    "SELECT id FROM outbox WHERE status = 'pending' AND next_attempt_at <= $1 \
                     AND (lease_until IS NULL OR lease_until < $1) LIMIT 1",
                    &[Val::Time(Some(now))],
                )
                .await?
        };
        if due.is_none() {
            return Ok(Vec::new());
        }
        // SKIP LOCKED: rows another worker is claiming right now are left to it rather than
        // waited for. SQLite has one writer and BEGIN IMMEDIATE, so no lock is needed there.
        let lock = match self.backend() {
            Backend::Postgres => " FOR UPDATE SKIP LOCKED",
            Backend::Sqlite => "",
        };
        let sql = format!(
            "UPDATE outbox SET lease_owner = $1, lease_until = $2 WHERE id IN (\
               SELECT id FROM outbox WHERE status = 'pending' AND next_attempt_at <= $3 \
               AND (lease_until IS NULL OR lease_until < $3) \
               ORDER BY next_attempt_at, id LIMIT $4{lock}) \
             RETURNING id, topic, order_id, timer_id, channel, target, payload, attempts, created_at"
        );
        let mut tx = self.db().begin().await?;
        let rows: Vec<ClaimedRow> = tx
            .conn()
            .fetch_all(
                &sql,
                &[
                    Val::text(owner),
                    Val::Time(Some(now + lease)),
                    Val::Time(Some(now)),
                    Val::int(i64::from(limit)),
                ],
            )
            .await?;
        tx.commit().await?;
        let mut claimed: Vec<Claimed> = rows
            .into_iter()
            .map(Claimed::try_from)
            .collect::<Result<_, _>>()?;
        // RETURNING gives no order; deliver the oldest first.
        claimed.sort_by_key(|c| c.id);
        Ok(claimed)
    }

    /// Records an attempt at a claimed row and moves the row on: delivered, due again after
    /// the backoff, or failed for good after `retry.max_attempts`. Writes nothing (and says
    /// [`Recorded::LeaseLost`]) when the row is no longer leased to `owner`, so that a worker
    /// that overran its lease cannot overwrite the work of the one that took the row over.
    pub async fn record_attempt(
        &self,
        row: &Claimed,
        owner: &str,
        result: &AttemptResult,
        retry: RetryPolicy,
        now: DateTime<Utc>,
    ) -> Result<Recorded, StoreError> {
        let attempt = row.attempts + 1;
        let error = result.error.as_deref().map(truncate);
        let mut tx = self.db().begin().await?;
        let (recorded, changed) = if result.ok {
            let n = tx
                .conn()
                .execute(
                    "UPDATE outbox SET status = 'delivered', attempts = $1, delivered_at = $2, \
                     last_error = NULL, lease_owner = NULL, lease_until = NULL \
                     WHERE id = $3 AND lease_owner = $4 AND status = 'pending'",
                    &[
                        Val::int(attempt),
                        Val::Time(Some(now)),
                        Val::int(row.id),
                        Val::text(owner),
                    ],
                )
                .await?;
            (Recorded::Delivered, n)
        } else {
            let failures = u32::try_from(attempt).unwrap_or(u32::MAX);
            let (status, next, recorded) = if failures >= retry.max_attempts.max(1) {
                (DeliveryStatus::Failed, now, Recorded::Failed)
            } else {
                let next = now + retry.delay(failures);
                (
                    DeliveryStatus::Pending,
                    next,
                    Recorded::Retry {
                        next_attempt_at: next,
                    },
                )
            };
            let n = tx
                .conn()
                .execute(
                    "UPDATE outbox SET status = $1, attempts = $2, next_attempt_at = $3, \
                     last_error = $4, lease_owner = NULL, lease_until = NULL \
                     WHERE id = $5 AND lease_owner = $6 AND status = 'pending'",
                    &[
                        Val::text(status.code()),
                        Val::int(attempt),
                        Val::Time(Some(next)),
                        Val::Text(error.clone()),
                        Val::int(row.id),
                        Val::text(owner),
                    ],
                )
                .await?;
            (recorded, n)
        };
        if changed == 0 {
            tx.rollback().await?;
            return Ok(Recorded::LeaseLost);
        }
        tx.conn()
            .execute(
                "INSERT INTO delivery_attempts (outbox_id, attempt, at, ok, status_code, error, \
             duration_ms) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                &[
                    Val::int(row.id),
                    Val::int(attempt),
                    Val::Time(Some(result.at)),
                    Val::int(i64::from(result.ok)),
                    Val::Int(result.status_code),
                    Val::Text(error),
                    Val::int(result.duration_ms.max(0)),
                ],
            )
            .await?;
        tx.commit().await?;
        Ok(recorded)
    }

    /// Outbox rows, newest first, each with its attempts.
    pub async fn list_notifications(
        &self,
        query: &NotificationQuery,
    ) -> Result<NotificationPage, StoreError> {
        let limit = query.limit.unwrap_or(crate::DEFAULT_LIMIT);
        if !(1..=MAX_NOTIFICATION_LIMIT).contains(&limit) {
            return Err(StoreError::invalid(
                "limit",
                format!("must be from 1 to {MAX_NOTIFICATION_LIMIT}"),
            ));
        }
        let mut conds = Vec::new();
        let mut vals = Vec::new();
        if let Some(order_id) = query.order_id {
            vals.push(Val::int(order_id));
            conds.push(format!("order_id = ${}", vals.len()));
        }
        if let Some(status) = query.status {
            vals.push(Val::text(status.code()));
            conds.push(format!("status = ${}", vals.len()));
        }
        if let Some(cursor) = &query.cursor {
            // The cursor is the id of the last row shown: ids only grow, so "newest first" is
            // "id descending" and the next page is the ids below it.
            let before: i64 = cursor.parse().ok().filter(|id| *id > 0).ok_or_else(|| {
                StoreError::invalid("cursor", "is not a cursor this service gave out")
            })?;
            vals.push(Val::int(before));
            conds.push(format!("id < ${}", vals.len()));
        }
        let filter = if conds.is_empty() {
            String::new()
        } else {
            format!(" WHERE {}", conds.join(" AND "))
        };
        let sql = format!(
            "SELECT id, topic, order_id, timer_id, channel, target, payload, created_at, status, \
             attempts, next_attempt_at, delivered_at, last_error FROM outbox{filter} \
             ORDER BY id DESC LIMIT {}",
            limit + 1
        );
        let mut c = self.db().read().await?;
        let mut conn = c.conn();
        let mut rows: Vec<NotificationRow> = conn.fetch_all(&sql, &vals).await?;
        let more = rows.len() > limit as usize;
        rows.truncate(limit as usize);
        let mut attempts = Vec::new();
        if !rows.is_empty() {
            let ids: Vec<Val> = rows.iter().map(|r| Val::int(r.id)).collect();
            let sql = format!(
                "SELECT outbox_id, attempt, at, ok, status_code, error, duration_ms \
                 FROM delivery_attempts WHERE outbox_id IN ({}) ORDER BY outbox_id, attempt",
                placeholders(1, ids.len())
            );
            attempts = conn.fetch_all::<AttemptRow>(&sql, &ids).await?;
        }
        let mut by_row: std::collections::HashMap<i64, Vec<DeliveryAttempt>> =
            std::collections::HashMap::new();
        for a in attempts {
            by_row
                .entry(a.outbox_id)
                .or_default()
                .push(DeliveryAttempt {
                    attempt: a.attempt,
                    at: a.at,
                    ok: a.ok != 0,
                    status_code: a.status_code,
                    error: a.error,
                    duration_ms: a.duration_ms,
                });
        }
        let next_cursor = match (more, rows.last()) {
            (true, Some(last)) => Some(last.id.to_string()),
            _ => None,
        };
        let items = rows
            .into_iter()
            .map(|r| {
                let corrupt = |what: &str| StoreError::Corrupt(format!("outbox {}: {what}", r.id));
                Ok(Notification {
                    channel: Channel::parse(&r.channel)
                        .ok_or_else(|| corrupt(&format!("channel '{}'", r.channel)))?,
                    status: DeliveryStatus::parse(&r.status)
                        .ok_or_else(|| corrupt(&format!("status '{}'", r.status)))?,
                    payload: serde_json::from_str(&r.payload)
                        .map_err(|e| corrupt(&format!("payload: {e}")))?,
                    delivery_attempts: by_row.remove(&r.id).unwrap_or_default(),
                    id: r.id,
                    topic: r.topic,
                    order_id: r.order_id,
                    timer_id: r.timer_id,
                    target: r.target,
                    created_at: r.created_at,
                    attempts: r.attempts,
                    next_attempt_at: r.next_attempt_at,
                    delivered_at: r.delivered_at,
                    last_error: r.last_error,
                })
            })
            .collect::<Result<_, StoreError>>()?;
        Ok(NotificationPage { items, next_cursor })
    }
}

fn truncate(s: &str) -> String {
    match s.char_indices().nth(MAX_ERROR_CHARS) {
        Some((end, _)) => format!("{}…", &s[..end]),
        None => s.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_is_capped_at_an_hour() {
        let p = RetryPolicy {
            max_attempts: 8,
            backoff: Duration::seconds(5),
        };
        assert_eq!(p.delay(1), Duration::seconds(5));
        assert_eq!(p.delay(2), Duration::seconds(10));
        assert_eq!(p.delay(4), Duration::seconds(40));
        assert_eq!(p.delay(11), Duration::hours(1));
        assert_eq!(p.delay(u32::MAX), Duration::hours(1));
        assert_eq!(p.delay(0), Duration::seconds(5));
    }

    #[test]
    fn codes_read_back() {
        for c in [Channel::Webhook, Channel::Email] {
            assert_eq!(Channel::parse(c.code()), Some(c));
        }
        for s in [
            DeliveryStatus::Pending,
            DeliveryStatus::Delivered,
            DeliveryStatus::Failed,
        ] {
            assert_eq!(DeliveryStatus::parse(s.code()), Some(s));
        }
        assert_eq!(Channel::parse("sms"), None);
    }

    #[test]
    fn long_errors_are_cut_on_a_character_boundary() {
        let long = "错".repeat(MAX_ERROR_CHARS + 10);
        let cut = truncate(&long);
        assert_eq!(cut.chars().count(), MAX_ERROR_CHARS + 1);
        assert_eq!(truncate("short"), "short");
    }
}
