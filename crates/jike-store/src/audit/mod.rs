//! The audit log (issue 4): every write and every unmasked read is recorded – who, when, from
//! where, what, before and after – append-only and hash-chained, so that [`Store::audit_verify`]
//! finds an entry that was edited, deleted or reordered afterwards, and names it.
//!
//! # The chain
//!
//! Entries are numbered 1, 2, 3 … without gaps (`seq`). Each stores the hash of the one before
//! (`prev_hash`; 64 zeros for entry 1) and its own `hash`, the lowercase hex SHA-256 of
//!
//! ```text
//! "jike-audit-v1\n" ‖ f(prev_hash) ‖ f(seq in decimal) ‖ f(at) ‖ f(actor) ‖ f(role) ‖ f(source)
//!                   ‖ f(action) ‖ f(object) ‖ o(before) ‖ o(after)
//! f(s) = 0x01 ‖ byte length of s as 8 bytes big-endian ‖ the UTF-8 bytes of s
//! o(None) = 0x00,  o(Some(s)) = f(s)
//! ```
//!
//! where every value is the text stored in the row (`at` is RFC 3339 UTC with six fraction
//! digits and a `Z`; `before` and `after` are JSON text, SQL NULL when absent). The length
//! prefixes make the encoding unambiguous: no two different entries hash the same bytes, and a
//! null is not an empty text. Anyone can recompute the chain from the table alone.
//!
//! A one-row table `audit_head` holds the newest entry's seq and hash, so that deleting the
//! newest entries is found too. Triggers refuse UPDATE and DELETE of entries (and TRUNCATE on
//! PostgreSQL), refuse an entry that does not follow the head, and let the head only advance
//! to the entry just written.
//!
//! What the chain cannot show: someone with write access to the database who drops the
//! triggers and rewrites every entry from the one they change onwards, and the head with them,
//! leaves a consistent chain. Keep the head hash that `jike audit verify` prints somewhere else
//! (a ticket, a daily report): a rewrite changes it.
//!
//! # Appending
//!
//! [`append`] runs inside the caller's write transaction, so the entry is committed if and only
//! if the change it records is. Appenders take turns on the head: PostgreSQL locks its row
//! (`FOR UPDATE`) until the transaction ends; on SQLite the write transaction (`BEGIN
//! IMMEDIATE` and the process's writer queue) already serialises them. Call it last in the
//! transaction, just before commit: the head lock is then held for the shortest time, and it is
//! always the last lock taken, so it cannot deadlock with the rows of the change.

use chrono::{DateTime, FixedOffset, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use sqlx::FromRow;

use crate::db::{Backend, Conn, Val};
use crate::error::StoreError;
use crate::page::Page;
use crate::scope::Caller;
use crate::Store;

/// The `prev_hash` of entry 1.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The largest page of [`Store::audit_list`].
pub const MAX_AUDIT_LIMIT: u32 = crate::page::MAX_LIMIT;

/// Verification reads the log in pages of this many entries.
const VERIFY_PAGE: i64 = 5000;

/// How far from its place a moved entry is looked for, to tell "reordered" from "edited".
const MOVE_WINDOW: i64 = 64;

/// What to record: who did what to which object, from where, and the object before and after.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditEntry {
    /// The user's name, or `system` (the scheduler, the delivery worker) or `cli`.
    pub actor: String,
    /// The actor's role when they acted, e.g. `admin`, `dispatcher`.
    pub role: String,
    /// Where the request came from: the client's IP address, or `cli`.
    pub source: String,
    /// What was done, `noun.verb`: `customers.update`, `orders.create`, `orders.event`,
    /// `import.circuits`, `read.unmasked`, `user.add`, `login.failed` …
    pub action: String,
    /// What it was done to, `kind/id`: `customers/12`, `orders/GD-20251001-000042`.
    pub object: String,
    /// The object before the change (JSON); `None` for a creation or a read.
    pub before: Option<serde_json::Value>,
    /// The object after the change (JSON); `None` for a deletion.
    pub after: Option<serde_json::Value>,
}

impl Caller {
    /// An audit entry of this caller.
    pub fn audit(&self, action: impl Into<String>, object: impl Into<String>) -> AuditEntry {
        AuditEntry::new(
            self.user.clone(),
            self.role.clone(),
            self.source.clone(),
            action,
            object,
        )
    }
}

/// A row as JSON, for the audit log.
pub(crate) fn to_json<T: Serialize>(value: &T) -> Result<serde_json::Value, StoreError> {
    serde_json::to_value(value).map_err(|e| StoreError::Corrupt(format!("cannot write JSON: {e}")))
}

impl AuditEntry {
    /// An entry without before and after; add them with [`AuditEntry::with_before`] and
    /// [`AuditEntry::with_after`].
    pub fn new(
        actor: impl Into<String>,
        role: impl Into<String>,
        source: impl Into<String>,
        action: impl Into<String>,
        object: impl Into<String>,
    ) -> AuditEntry {
        AuditEntry {
            actor: actor.into(),
            role: role.into(),
            source: source.into(),
            action: action.into(),
            object: object.into(),
            before: None,
            after: None,
        }
    }

    pub fn with_before(mut self, before: serde_json::Value) -> AuditEntry {
        self.before = Some(before);
        self
    }

    pub fn with_after(mut self, after: serde_json::Value) -> AuditEntry {
        self.after = Some(after);
        self
    }
}

/// A stored entry as the API and the command line show it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditRecord {
    /// 1 for the first entry, then without gaps.
    pub seq: i64,
    /// When it was recorded, shown in +08:00.
    pub at: DateTime<FixedOffset>,
    pub actor: String,
    pub role: String,
    /// The client's IP address, or `cli`.
    pub source: String,
    /// `noun.verb`, e.g. `customers.update`, `read.unmasked`.
    pub action: String,
    /// `kind/id`, e.g. `customers/12`.
    pub object: String,
    /// The object before the change; null for a creation or a read.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub before: Option<serde_json::Value>,
    /// The object after the change; null for a deletion.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub after: Option<serde_json::Value>,
    /// The hash of the entry before (64 zeros for entry 1).
    pub prev_hash: String,
    /// SHA-256 (hex) of `prev_hash` and this entry's fields.
    pub hash: String,
}

/// A list request: newest first, optionally filtered.
#[derive(Debug, Clone, Default)]
pub struct AuditQuery {
    /// Only this actor's entries.
    pub actor: Option<String>,
    /// Only this action; a trailing `*` matches a prefix (`customers.*`).
    pub action: Option<String>,
    /// Only this object; a trailing `*` matches a prefix (`customers/*`).
    pub object: Option<String>,
    /// Only entries recorded at or after this instant.
    pub since: Option<DateTime<Utc>>,
    /// Only entries recorded before this instant.
    pub until: Option<DateTime<Utc>>,
    /// Entries per page, 1 to [`MAX_AUDIT_LIMIT`]; default [`crate::DEFAULT_LIMIT`].
    pub limit: Option<u32>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// What verification found wrong, the first problem in seq order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AuditProblemKind {
    /// An entry's contents were changed: its hash does not match them (or, for a rehashed
    /// entry, the next entry still names its original hash).
    Edited,
    /// Entries are missing from the middle: the numbers jump.
    Deleted,
    /// An entry is intact but not in its place: it was moved or renumbered.
    Reordered,
    /// The chain is broken in another way: an entry names a predecessor that is not there,
    /// or entries were added without going through the store.
    BrokenLink,
    /// Entries are missing from the end: the head records more than the log holds.
    Truncated,
}

impl AuditProblemKind {
    pub fn code(self) -> &'static str {
        match self {
            AuditProblemKind::Edited => "edited",
            AuditProblemKind::Deleted => "deleted",
            AuditProblemKind::Reordered => "reordered",
            AuditProblemKind::BrokenLink => "broken_link",
            AuditProblemKind::Truncated => "truncated",
        }
    }
}

impl std::fmt::Display for AuditProblemKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.code().replace('_', " "))
    }
}

/// The first problem verification found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditProblem {
    /// The entry concerned (for missing entries, the first one missing).
    pub seq: i64,
    pub kind: AuditProblemKind,
    /// What is wrong, in plain English, naming the entry.
    pub message: String,
}

/// The result of [`Store::audit_verify`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditReport {
    /// The whole log is intact.
    pub ok: bool,
    /// Entries checked and found intact: all of them when `ok`, else those before the problem.
    pub entries: u64,
    /// The newest entry as the head records it (0 when the log is empty).
    pub head_seq: i64,
    /// Its hash: note it elsewhere, a rewrite of the whole log changes it.
    pub head_hash: String,
    /// The first problem, when not `ok`.
    pub problem: Option<AuditProblem>,
}

/// A stored row.
#[derive(FromRow)]
struct AuditRow {
    seq: i64,
    at: String,
    actor: String,
    role: String,
    source: String,
    action: String,
    object: String,
    before: Option<String>,
    after: Option<String>,
    prev_hash: String,
    hash: String,
}
crate::lite_record!(AuditRow {
    seq,
    at,
    actor,
    role,
    source,
    action,
    object,
    before,
    after,
    prev_hash,
    hash
});

const COLUMNS: &str =
    "seq, at, actor, role, source, action, object, before, after, prev_hash, hash";

/// How `at` is stored: fixed width, so that text order is time order.
fn stored_time(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Micros, true)
}

fn field(h: &mut Sha256, s: &str) {
    h.update([1u8]);
    h.update((s.len() as u64).to_be_bytes());
    h.update(s.as_bytes());
}

fn optional(h: &mut Sha256, s: Option<&str>) {
    match s {
        Some(s) => field(h, s),
        None => h.update([0u8]),
    }
}

/// The hash of an entry (see the module's documentation).
#[allow(clippy::too_many_arguments)]
pub fn entry_hash(
    prev_hash: &str,
    seq: i64,
    at: &str,
    actor: &str,
    role: &str,
    source: &str,
    action: &str,
    object: &str,
    before: Option<&str>,
    after: Option<&str>,
) -> String {
    let mut h = Sha256::new();
    h.update(b"jike-audit-v1\n");
    field(&mut h, prev_hash);
    field(&mut h, &seq.to_string());
    for s in [at, actor, role, source, action, object] {
        field(&mut h, s);
    }
    optional(&mut h, before);
    optional(&mut h, after);
    let digest = h.finalize();
    let mut out = String::with_capacity(64);
    for b in digest {
        out.push(char::from(b"0123456789abcdef"[usize::from(b >> 4)]));
        out.push(char::from(b"0123456789abcdef"[usize::from(b & 15)]));
    }
    out
}

impl AuditRow {
    /// The hash of this row's contents as if it were entry `seq`.
    fn hash_as(&self, seq: i64) -> String {
        entry_hash(
            &self.prev_hash,
            seq,
            &self.at,
            &self.actor,
            &self.role,
            &self.source,
            &self.action,
            &self.object,
            self.before.as_deref(),
            self.after.as_deref(),
        )
    }

    fn record(self) -> Result<AuditRecord, StoreError> {
        let at = DateTime::parse_from_rfc3339(&self.at).map_err(|_| {
            StoreError::Corrupt(format!(
                "audit entry {}: time '{}' (run jike audit verify)",
                self.seq, self.at
            ))
        })?;
        // A hand-edited text that is not JSON is still shown, as a string.
        let json = |s: String| serde_json::from_str(&s).unwrap_or(serde_json::Value::String(s));
        Ok(AuditRecord {
            seq: self.seq,
            at: jike_domain::time::local(at.with_timezone(&Utc)),
            actor: self.actor,
            role: self.role,
            source: self.source,
            action: self.action,
            object: self.object,
            before: self.before.map(json),
            after: self.after.map(json),
            prev_hash: self.prev_hash,
            hash: self.hash,
        })
    }
}

fn json_text(field: &str, v: &Option<serde_json::Value>) -> Result<Option<String>, StoreError> {
    v.as_ref()
        .map(|v| {
            serde_json::to_string(v)
                .map_err(|e| StoreError::invalid(field, format!("cannot be written as JSON: {e}")))
        })
        .transpose()
}

/// Appends `entry` to the audit log in the caller's write transaction, recorded at `now`;
/// returns its seq. See the module's documentation for the turn-taking and where to call it.
pub(crate) async fn append(
    conn: &mut Conn<'_>,
    entry: &AuditEntry,
    now: DateTime<Utc>,
) -> Result<i64, StoreError> {
    for (name, value) in [("actor", &entry.actor), ("action", &entry.action)] {
        if value.trim().is_empty() {
            return Err(StoreError::invalid(name, "an audit entry needs one"));
        }
    }
    let lock = match conn.backend() {
        Backend::Postgres => " FOR UPDATE",
        Backend::Sqlite => "",
    };
    let head: Option<(i64, String)> = conn
        .fetch_optional(
            &format!("SELECT seq, hash FROM audit_head WHERE id = 1{lock}"),
            &[],
        )
        .await?;
    let (last, prev_hash) = head.ok_or_else(|| {
        StoreError::Corrupt("the audit log's head row is missing (run jike audit verify)".into())
    })?;
    let seq = last + 1;
    let at = stored_time(now);
    let before = json_text("before", &entry.before)?;
    let after = json_text("after", &entry.after)?;
    let hash = entry_hash(
        &prev_hash,
        seq,
        &at,
        &entry.actor,
        &entry.role,
        &entry.source,
        &entry.action,
        &entry.object,
        before.as_deref(),
        after.as_deref(),
    );
    conn.execute(
        &format!(
            "INSERT INTO audit_log ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
        ),
        &[
            Val::int(seq),
            Val::text(at),
            Val::text(entry.actor.as_str()),
            Val::text(entry.role.as_str()),
            Val::text(entry.source.as_str()),
            Val::text(entry.action.as_str()),
            Val::text(entry.object.as_str()),
            Val::Text(before),
            Val::Text(after),
            Val::text(prev_hash),
            Val::text(hash.as_str()),
        ],
    )
    .await?;
    conn.execute(
        "UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1",
        &[Val::int(seq), Val::text(hash)],
    )
    .await?;
    Ok(seq)
}

fn problem(seq: i64, kind: AuditProblemKind, message: String) -> AuditProblem {
    AuditProblem { seq, kind, message }
}

/// "entry 5" or "entries 5 to 7".
fn entries_range(first: i64, last: i64) -> String {
    if first == last {
        format!("entry {first} is")
    } else {
        format!("entries {first} to {last} are")
    }
}

/// The seq of the stored entry whose hash is `hash`.
async fn seq_of_hash(conn: &mut Conn<'_>, hash: &str) -> Result<Option<i64>, StoreError> {
    let row: Option<(i64,)> = conn
        .fetch_optional(
            "SELECT seq FROM audit_log WHERE hash = $1 ORDER BY seq LIMIT 1",
            &[Val::text(hash)],
        )
        .await?;
    Ok(row.map(|(s,)| s))
}

/// For a row whose hash does not match its contents at its place: the place it was written at,
/// when it is intact and was only moved (best effort: a place near its own, or the one after
/// the entry it names as predecessor).
async fn original_place(conn: &mut Conn<'_>, row: &AuditRow) -> Result<Option<i64>, StoreError> {
    let mut candidates = Vec::new();
    if row.prev_hash == GENESIS_HASH {
        candidates.push(1);
    } else if let Some(p) = seq_of_hash(conn, &row.prev_hash).await? {
        candidates.push(p + 1);
    }
    for d in 1..=MOVE_WINDOW {
        candidates.push(row.seq - d);
        candidates.push(row.seq + d);
    }
    Ok(candidates
        .into_iter()
        .filter(|s| *s >= 1 && *s != row.seq)
        .find(|s| row.hash_as(*s) == row.hash))
}

/// Checks one row, the next in seq order after an entry whose seq is `expected - 1` and whose
/// stored hash is `prev_hash`.
async fn check_row(
    conn: &mut Conn<'_>,
    row: &AuditRow,
    expected: i64,
    prev_hash: &str,
) -> Result<Option<AuditProblem>, StoreError> {
    use AuditProblemKind::*;
    let seq = row.seq;
    if seq > expected {
        return Ok(Some(problem(
            expected,
            Deleted,
            format!(
                "{} missing: deleted after being written (the log goes from entry {} to entry {seq})",
                entries_range(expected, seq - 1),
                expected - 1
            ),
        )));
    }
    if seq < expected {
        return Ok(Some(problem(
            seq,
            BrokenLink,
            format!("entry {seq} is out of place: entries are numbered from 1 without gaps"),
        )));
    }
    if row.hash_as(seq) != row.hash {
        return Ok(Some(match original_place(conn, row).await? {
            Some(written) => problem(
                seq,
                Reordered,
                format!(
                    "entry {seq} holds what was written as entry {written}: entries were moved or renumbered"
                ),
            ),
            None => problem(
                seq,
                Edited,
                format!(
                    "entry {seq} was changed after it was written: its hash does not match its contents"
                ),
            ),
        }));
    }
    if row.prev_hash != prev_hash {
        if seq == 1 {
            return Ok(Some(problem(
                1,
                BrokenLink,
                "entry 1 names a predecessor, but nothing comes before it: the start of the log was removed and the rest rewritten".into(),
            )));
        }
        return Ok(Some(match seq_of_hash(conn, &row.prev_hash).await? {
            Some(q) => problem(
                seq,
                Reordered,
                format!(
                    "entry {seq} was written after entry {q}, but now follows entry {}: entries were reordered",
                    seq - 1
                ),
            ),
            None => problem(
                seq - 1,
                Edited,
                format!(
                    "entry {} was replaced after it was written: its hash was recomputed, but entry {seq} still names the original",
                    seq - 1
                ),
            ),
        }));
    }
    Ok(None)
}

/// Walks the whole log in seq order, in pages; the first problem, and how many entries came
/// before it intact.
async fn verify(conn: &mut Conn<'_>) -> Result<AuditReport, StoreError> {
    use AuditProblemKind::*;
    let head: Option<(i64, String)> = conn
        .fetch_optional("SELECT seq, hash FROM audit_head WHERE id = 1", &[])
        .await?;
    let (head_seq, head_hash) = head.clone().unwrap_or((0, String::new()));
    let mut report = AuditReport {
        ok: false,
        entries: 0,
        head_seq,
        head_hash,
        problem: None,
    };
    let sql =
        format!("SELECT {COLUMNS} FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT {VERIFY_PAGE}");
    let mut last = 0i64;
    let mut prev_hash = GENESIS_HASH.to_string();
    loop {
        let rows: Vec<AuditRow> = conn.fetch_all(&sql, &[Val::int(last)]).await?;
        let Some(page_last) = rows.last().map(|r| r.seq) else {
            break;
        };
        for row in &rows {
            if let Some(p) = check_row(conn, row, last + 1, &prev_hash).await? {
                report.problem = Some(p);
                return Ok(report);
            }
            last = row.seq;
            prev_hash.clone_from(&row.hash);
            report.entries += 1;
        }
        debug_assert_eq!(last, page_last);
    }
    report.problem = match head {
        None => Some(problem(
            last + 1,
            Truncated,
            format!(
                "the head row, which records the newest entry, is missing: entries deleted after entry {last} would go unnoticed"
            ),
        )),
        Some((seq, _)) if seq > last => Some(problem(
            last + 1,
            Truncated,
            format!(
                "{} missing from the end: deleted after being written (the head records {seq} entries, the log ends at entry {last})",
                entries_range(last + 1, seq)
            ),
        )),
        Some((seq, _)) if seq < last => Some(problem(
            seq + 1,
            BrokenLink,
            format!(
                "{} not recorded in the head: added without going through jike (the head records {seq} entries)",
                entries_range(seq + 1, last)
            ),
        )),
        Some((_, hash)) if hash != prev_hash => Some(if last == 0 {
            problem(
                0,
                BrokenLink,
                "the log is empty but its head was changed".into(),
            )
        } else {
            problem(
                last,
                Edited,
                format!(
                    "entry {last}, the newest, was replaced after it was written: the head records another hash"
                ),
            )
        }),
        Some(_) => None,
    };
    report.ok = report.problem.is_none();
    Ok(report)
}

impl Store {
    /// Records one entry in its own write transaction, at the current time; returns its seq.
    /// Writes that change data record theirs in their own transaction instead (see [`append`]).
    pub async fn audit(&self, entry: &AuditEntry) -> Result<i64, StoreError> {
        let mut tx = self.db.begin().await?;
        let seq = append(&mut tx.conn(), entry, Utc::now()).await?;
        tx.commit().await?;
        Ok(seq)
    }

    /// Recomputes the whole chain, in seq order, from one snapshot of the database, and reports
    /// the first entry that was edited, deleted, reordered or cut off the end.
    /// It reads every entry: off the runtime's workers (`Store::off_runtime`).
    pub async fn audit_verify(&self) -> Result<AuditReport, StoreError> {
        self.off_runtime(|store| async move {
            let mut snapshot = store.db.snapshot().await?;
            let report = verify(&mut snapshot.conn()).await?;
            snapshot.end().await?;
            Ok(report)
        })
        .await
    }

    /// Entries, newest first, filtered by [`AuditQuery`].
    pub async fn audit_list(&self, q: &AuditQuery) -> Result<Page<AuditRecord>, StoreError> {
        let limit = q.limit.unwrap_or(crate::DEFAULT_LIMIT);
        if !(1..=MAX_AUDIT_LIMIT).contains(&limit) {
            return Err(StoreError::invalid(
                "limit",
                format!("must be from 1 to {MAX_AUDIT_LIMIT}"),
            ));
        }
        let mut conds = Vec::new();
        let mut vals = Vec::new();
        for (column, value) in [
            ("actor", &q.actor),
            ("action", &q.action),
            ("object", &q.object),
        ] {
            let Some(value) = value else { continue };
            match value.strip_suffix('*') {
                // A prefix: compared as text, so no character of it is a wildcard.
                Some(prefix) if column != "actor" => {
                    if prefix.is_empty() {
                        continue;
                    }
                    vals.push(Val::text(prefix));
                    conds.push(format!(
                        "substr({column}, 1, {}) = ${}",
                        prefix.chars().count(),
                        vals.len()
                    ));
                }
                _ => {
                    vals.push(Val::text(value.as_str()));
                    conds.push(format!("{column} = ${}", vals.len()));
                }
            }
        }
        if let Some(since) = q.since {
            vals.push(Val::text(stored_time(since)));
            conds.push(format!("at >= ${}", vals.len()));
        }
        if let Some(until) = q.until {
            vals.push(Val::text(stored_time(until)));
            conds.push(format!("at < ${}", vals.len()));
        }
        if let Some(cursor) = &q.cursor {
            // The cursor is the seq of the last entry shown: newest first is seq descending.
            let before: i64 = cursor.parse().ok().filter(|s| *s > 0).ok_or_else(|| {
                StoreError::invalid("cursor", "is not a cursor this service gave out")
            })?;
            vals.push(Val::int(before));
            conds.push(format!("seq < ${}", vals.len()));
        }
        let filter = if conds.is_empty() {
            String::new()
        } else {
            format!(" WHERE {}", conds.join(" AND "))
        };
        let sql = format!(
            "SELECT {COLUMNS} FROM audit_log{filter} ORDER BY seq DESC LIMIT {}",
            limit + 1
        );
        let mut c = self.db.read().await?;
        let mut rows: Vec<AuditRow> = c.conn().fetch_all(&sql, &vals).await?;
        let more = rows.len() > limit as usize;
        rows.truncate(limit as usize);
        let next_cursor = if more {
            rows.last().map(|r| r.seq.to_string())
        } else {
            None
        };
        let items = rows
            .into_iter()
            .map(AuditRow::record)
            .collect::<Result<_, _>>()?;
        Ok(Page { items, next_cursor })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hash(before: Option<&str>, after: Option<&str>) -> String {
        entry_hash(
            GENESIS_HASH,
            1,
            "2025-10-01T02:00:00.000000Z",
            "alice",
            "admin",
            "10.0.0.1",
            "customers.update",
            "customers/12",
            before,
            after,
        )
    }

    #[test]
    fn hashes_are_hex_sha256() {
        let h = hash(None, None);
        assert_eq!(h.len(), 64);
        assert!(h
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()));
        assert_eq!(h, hash(None, None), "deterministic");
    }

    #[test]
    fn null_is_not_empty_and_fields_do_not_run_together() {
        assert_ne!(hash(None, None), hash(Some(""), None));
        assert_ne!(hash(Some(""), None), hash(None, Some("")));
        let a = entry_hash(GENESIS_HASH, 1, "t", "ab", "c", "s", "x", "o", None, None);
        let b = entry_hash(GENESIS_HASH, 1, "t", "a", "bc", "s", "x", "o", None, None);
        assert_ne!(a, b);
        let c = entry_hash(GENESIS_HASH, 2, "t", "a", "bc", "s", "x", "o", None, None);
        assert_ne!(b, c, "the seq is hashed");
    }

    #[test]
    fn stored_times_are_fixed_width_utc() {
        let t = DateTime::parse_from_rfc3339("2025-10-01T10:00:00+08:00")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(stored_time(t), "2025-10-01T02:00:00.000000Z");
        let t = t + chrono::Duration::nanoseconds(1_234_567);
        assert_eq!(stored_time(t), "2025-10-01T02:00:00.001234Z");
    }

    #[test]
    fn ranges_read_well() {
        assert_eq!(entries_range(5, 5), "entry 5 is");
        assert_eq!(entries_range(5, 7), "entries 5 to 7 are");
    }
}
