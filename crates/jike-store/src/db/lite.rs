//! SQLite, driven in-process with rusqlite: every statement runs on the thread that asks for it.
//!
//! Why not sqlx here: sqlx runs each SQLite connection on a worker thread of its own and hands
//! every statement across, which costs two thread switches a statement. A SQLite statement takes
//! microseconds, so under concurrent requests the switching cost more than the work (three
//! quarters of the service's CPU was the kernel scheduling threads). Here the writer is one
//! connection behind an async mutex (this process's writers queue on it, in turn), and reads
//! take an idle connection of their own; both run their statements inline. sqlx still applies
//! the SQLite migrations (`Db::migrate`), so a database made by an earlier release is
//! recognised as it is.
//!
//! Values are stored exactly as sqlx stored them (times as RFC 3339 text with `+00:00`, dates as
//! `YYYY-MM-DD`), so both drivers read what the other wrote and text comparisons of times in
//! SQL keep their order.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, SecondsFormat, TimeZone, Utc};
use rusqlite::types::ValueRef;
use rusqlite::{Connection, OpenFlags};
use tokio::sync::oneshot;

use crate::db::Val;
use crate::error::StoreError;

/// How many idle read connections are kept for reuse.
const IDLE_READERS: usize = 8;
/// Prepared statements kept per connection.
const STATEMENT_CACHE: usize = 512;
/// The page cache of an ordinary connection, in KiB (SQLite's negative `cache_size`).
pub(crate) const CACHE_KIB: i64 = 16_000;

/// A SQLite database: its one writer connection and the idle read connections.
pub struct Lite {
    path: PathBuf,
    writer: Arc<tokio::sync::Mutex<Writer>>,
    /// Transactions waiting for their turn on the writer (see [`LiteTx::begin_grouped`]).
    waiting: AtomicUsize,
    /// Numbers the groups, so that a member that flushes an abandoned group flushes its own.
    groups: AtomicU64,
    /// Groups committed, and the requests they held: their ratio is the requests per commit.
    stats: Arc<GroupStats>,
    idle: Mutex<Vec<Connection>>,
}

impl std::fmt::Debug for Lite {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Lite").field("path", &self.path).finish()
    }
}

/// How group commit went since the database was opened.
#[derive(Debug, Default)]
pub struct GroupStats {
    /// Group commits that succeeded.
    pub commits: AtomicU64,
    /// Requests those commits held.
    pub requests: AtomicU64,
}

/// The writer connection and the group of transactions committed on it together.
pub struct Writer {
    conn: Connection,
    group: Option<Group>,
    stats: Arc<GroupStats>,
}

impl std::ops::Deref for Writer {
    type Target = Connection;
    fn deref(&self) -> &Connection {
        &self.conn
    }
}

impl std::ops::DerefMut for Writer {
    fn deref_mut(&mut self) -> &mut Connection {
        &mut self.conn
    }
}

/// Group commit (issue 3): an open SQLite transaction holding the work of requests whose own
/// savepoints were released, each waiting to be told that the `COMMIT` holding its work
/// succeeded (or failed) before it answers. Every commit writes each page it changed to the
/// WAL once, and the orders, events, timers, outbox and audit rows of consecutive requests
/// share most of their index pages: one `COMMIT` for a dozen requests writes a fraction of the
/// pages a dozen commits do.
struct Group {
    id: u64,
    started: Instant,
    /// Requests whose work it holds (the members, and the one that commits it).
    requests: u64,
    members: Vec<oneshot::Sender<Result<(), GroupError>>>,
}

/// Why a group's `COMMIT` did not happen, told to every member.
#[derive(Clone, Debug)]
struct GroupError {
    code: rusqlite::ffi::Error,
    message: String,
}

impl GroupError {
    fn of(e: &rusqlite::Error) -> GroupError {
        match e {
            rusqlite::Error::SqliteFailure(code, message) => GroupError {
                code: *code,
                message: message.clone().unwrap_or_else(|| e.to_string()),
            },
            other => GroupError {
                code: rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_ERROR),
                message: other.to_string(),
            },
        }
    }

    fn into_store(self) -> StoreError {
        StoreError::Sqlite(rusqlite::Error::SqliteFailure(
            self.code,
            Some(format!("the group commit failed: {}", self.message)),
        ))
    }
}

/// A group is committed once it holds this many requests …
const MAX_GROUP: usize = 24;
/// … or once it has been open this long, whatever waits: the first member's latency is the
/// whole group's work.
const MAX_GROUP_AGE: Duration = Duration::from_millis(4);
/// A member not told within this time commits its group itself (the request that would have
/// done it was cancelled while waiting for its turn).
const ORPHAN_AFTER: Duration = Duration::from_millis(50);

/// Counts a transaction waiting for its turn on the writer, for as long as it waits (also when
/// the waiting future is dropped).
struct Waiting<'a>(&'a AtomicUsize);

impl<'a> Waiting<'a> {
    fn new(counter: &'a AtomicUsize) -> Waiting<'a> {
        counter.fetch_add(1, Ordering::SeqCst);
        Waiting(counter)
    }
}

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

impl Writer {
    /// Commits the open group, if any, and tells its members how it went.
    fn flush(&mut self) -> Result<(), StoreError> {
        let Some(group) = self.group.take() else {
            return Ok(());
        };
        let result = if self.conn.is_autocommit() {
            // The transaction ended under the group (SQLite rolls back on some errors).
            Err(rusqlite::Error::SqliteFailure(
                rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_ABORT),
                Some("the transaction was rolled back".into()),
            ))
        } else {
            self.conn.execute_batch("COMMIT")
        };
        if !self.conn.is_autocommit() {
            let _ = self.conn.execute_batch("ROLLBACK");
        }
        let told = result.as_ref().map(|_| ()).map_err(GroupError::of);
        if result.is_ok() {
            self.stats.commits.fetch_add(1, Ordering::Relaxed);
            self.stats
                .requests
                .fetch_add(group.requests, Ordering::Relaxed);
        }
        for member in group.members {
            let _ = member.send(told.clone());
        }
        result.map_err(StoreError::from)
    }

    /// Undoes one request's work and leaves the group's: back to its savepoint, or, for the
    /// request that opened the group (which has no savepoint and no members yet), the whole
    /// transaction.
    fn undo_request(&mut self, savepoint: bool) {
        let undone = if savepoint {
            self.conn
                .execute_batch("ROLLBACK TO jike_request; RELEASE jike_request")
        } else {
            self.conn.execute_batch("ROLLBACK")
        };
        if !savepoint || undone.is_err() || self.conn.is_autocommit() {
            // The whole transaction is gone or unusable: so is the group's work.
            if !self.conn.is_autocommit() {
                let _ = self.conn.execute_batch("ROLLBACK");
            }
            if let Some(group) = self.group.take() {
                let e = GroupError {
                    code: rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_ABORT),
                    message: "a request of the group failed and took the transaction with it"
                        .into(),
                };
                for member in group.members {
                    let _ = member.send(Err(e.clone()));
                }
            }
        }
    }
}

impl Lite {
    /// Opens (creating it when missing) the database file, in WAL mode.
    pub fn open(path: &Path) -> Result<Lite, StoreError> {
        let writer = connect(path).map_err(|e| {
            StoreError::Config(format!("cannot open sqlite://{}: {e}", path.display()))
        })?;
        // WAL is a property of the file: set once, every later connection finds it.
        let mode: String = writer
            .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
            .map_err(|e| {
                StoreError::Config(format!("cannot open sqlite://{}: {e}", path.display()))
            })?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(StoreError::Config(format!(
                "sqlite://{}: the journal mode stays '{mode}', WAL is needed",
                path.display()
            )));
        }
        let stats = Arc::new(GroupStats::default());
        Ok(Lite {
            path: path.to_path_buf(),
            writer: Arc::new(tokio::sync::Mutex::new(Writer {
                conn: writer,
                group: None,
                stats: stats.clone(),
            })),
            stats,
            waiting: AtomicUsize::new(0),
            groups: AtomicU64::new(0),
            idle: Mutex::new(Vec::new()),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// How group commit went so far.
    pub fn group_stats(&self) -> &GroupStats {
        &self.stats
    }

    /// This process's turn to write, alone: the writer connection, once the writers before
    /// have finished and the open group, if any, is committed.
    pub async fn writer(&self) -> Result<tokio::sync::OwnedMutexGuard<Writer>, StoreError> {
        let mut guard = self.writer.clone().lock_owned().await;
        guard.flush()?;
        Ok(guard)
    }

    /// An idle read connection, or a new one.
    pub fn reader(self: &Arc<Self>) -> Result<Reader, StoreError> {
        let idle = self.idle.lock().ok().and_then(|mut v| v.pop());
        let conn = match idle {
            Some(c) => c,
            None => connect(&self.path)?,
        };
        Ok(Reader {
            conn: Some(conn),
            lite: self.clone(),
        })
    }

    /// Closes the idle connections (the writer closes when the last handle goes).
    pub fn close_idle(&self) {
        if let Ok(mut idle) = self.idle.lock() {
            idle.clear();
        }
    }
}

/// A connection with this store's settings: foreign keys on, `synchronous = NORMAL` (WAL keeps
/// the database consistent across a crash; a commit is durable once the WAL is synced at the
/// next checkpoint), a 10 s busy timeout for other processes on the same file, temporary
/// tables and sorts in memory.
fn connect(path: &Path) -> Result<Connection, StoreError> {
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
        | OpenFlags::SQLITE_OPEN_CREATE
        | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags)?;
    conn.busy_timeout(Duration::from_secs(10))?;
    conn.execute_batch(&format!(
        "PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL; \
         PRAGMA cache_size = -{CACHE_KIB}; PRAGMA temp_store = MEMORY;"
    ))?;
    conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
    Ok(conn)
}

/// A read connection, given back to the idle list when dropped.
pub struct Reader {
    conn: Option<Connection>,
    lite: Arc<Lite>,
}

impl Reader {
    pub fn conn(&mut self) -> &mut Connection {
        self.conn
            .as_mut()
            .expect("a reader holds its connection until dropped")
    }
}

impl Drop for Reader {
    fn drop(&mut self) {
        let Some(conn) = self.conn.take() else { return };
        // A snapshot left open (a dropped read transaction) must not pin the WAL.
        if !conn.is_autocommit() && conn.execute_batch("ROLLBACK").is_err() {
            return;
        }
        if let Ok(mut idle) = self.lite.idle.lock() {
            if idle.len() < IDLE_READERS {
                idle.push(conn);
            }
        }
    }
}

/// A transaction on the writer connection, rolled back when dropped unfinished. Either one
/// request's part of a group (a savepoint in the group's transaction, see [`Group`]), or a
/// transaction of its own (`BEGIN IMMEDIATE`; an import, whose `setup` and `restore` change
/// settings that cannot change inside a transaction).
pub struct LiteTx {
    /// The writer, held from begin to end; `None` once handed on.
    guard: Option<tokio::sync::OwnedMutexGuard<Writer>>,
    lite: Arc<Lite>,
    grouped: bool,
    /// Joined an open group: its work is a savepoint in the group's transaction.
    savepoint: bool,
    open: bool,
    restore: Option<String>,
}

impl LiteTx {
    /// A transaction of its own: the open group is committed first.
    pub async fn begin(
        lite: &Arc<Lite>,
        setup: &str,
        restore: Option<String>,
    ) -> Result<LiteTx, StoreError> {
        let guard = lite.writer().await?;
        if !setup.is_empty() {
            guard.conn.execute_batch(setup)?;
        }
        let mut tx = LiteTx {
            guard: Some(guard),
            lite: lite.clone(),
            grouped: false,
            savepoint: false,
            open: false,
            restore,
        };
        tx.writer().conn.execute_batch("BEGIN IMMEDIATE")?;
        tx.open = true;
        Ok(tx)
    }

    /// A request's transaction, in the open group or a new one.
    pub async fn begin_grouped(lite: &Arc<Lite>) -> Result<LiteTx, StoreError> {
        let mut guard = {
            let _waiting = Waiting::new(&lite.waiting);
            lite.writer.clone().lock_owned().await
        };
        if guard.group.is_some() && guard.conn.is_autocommit() {
            // Cannot happen (every end of the transaction ends the group), but if it did the
            // members must hear of it rather than wait.
            guard.flush().ok();
        }
        // The request that opens a group needs no savepoint: if it fails, nobody else's work
        // is in the transaction yet. Only the requests joining a group take one, and with it
        // SQLite's statement journal (every page they change is copied first), which a long
        // transaction such as the demo's batches would pay for on every page.
        let savepoint = guard.group.is_some();
        if savepoint {
            guard.conn.execute_batch("SAVEPOINT jike_request")?;
        } else {
            // BEGIN IMMEDIATE takes the write lock at once, so a writer of another process
            // waits on busy_timeout instead of failing when its read snapshot is upgraded.
            guard.conn.execute_batch("BEGIN IMMEDIATE")?;
            guard.group = Some(Group {
                id: lite.groups.fetch_add(1, Ordering::Relaxed),
                started: Instant::now(),
                requests: 0,
                members: Vec::new(),
            });
        }
        Ok(LiteTx {
            guard: Some(guard),
            lite: lite.clone(),
            grouped: true,
            savepoint,
            open: true,
            restore: None,
        })
    }

    fn writer(&mut self) -> &mut Writer {
        self.guard
            .as_mut()
            .expect("a transaction holds the writer until it ends")
    }

    pub fn conn(&mut self) -> &mut Connection {
        &mut self.writer().conn
    }

    /// Commits: a transaction of its own at once; a request's part when its group is
    /// committed, which this request does itself when no other transaction waits for the
    /// writer or the group is full or old, and otherwise leaves to the next one. Returns once
    /// the work is committed (or failed): only then may the request answer.
    pub async fn commit(mut self) -> Result<(), StoreError> {
        if !self.grouped {
            return self.end("COMMIT");
        }
        let mut guard = self
            .guard
            .take()
            .expect("a transaction holds the writer until it ends");
        self.open = false;
        let released = if self.savepoint {
            guard.conn.execute_batch("RELEASE jike_request")
        } else {
            Ok(())
        };
        if let Err(e) = released {
            guard.undo_request(true);
            if self.lite.waiting.load(Ordering::SeqCst) == 0 {
                let _ = guard.flush();
            }
            return Err(e.into());
        }
        let waiting = self.lite.waiting.load(Ordering::SeqCst);
        let group = guard
            .group
            .as_mut()
            .expect("a grouped transaction has its group");
        group.requests += 1;
        if waiting == 0
            || group.members.len() + 1 >= MAX_GROUP
            || group.started.elapsed() >= MAX_GROUP_AGE
        {
            return guard.flush();
        }
        let (tell, mut told) = oneshot::channel();
        group.members.push(tell);
        let id = group.id;
        drop(guard);
        if let Ok(result) = tokio::time::timeout(ORPHAN_AFTER, &mut told).await {
            return result_of(result);
        }
        // Nobody came to commit the group: commit it (if it is still the open one).
        {
            let mut guard = self.lite.writer.clone().lock_owned().await;
            if guard.group.as_ref().is_some_and(|g| g.id == id) {
                let _ = guard.flush();
            }
        }
        result_of(told.await)
    }

    pub fn rollback(mut self) -> Result<(), StoreError> {
        self.abandon();
        Ok(())
    }

    /// Undoes this transaction's work, leaving the group's.
    fn abandon(&mut self) {
        if !self.grouped {
            let _ = self.end("ROLLBACK");
            return;
        }
        let waiting = self.lite.waiting.load(Ordering::SeqCst);
        let open = std::mem::replace(&mut self.open, false);
        if let Some(mut guard) = self.guard.take() {
            if open {
                guard.undo_request(self.savepoint);
            }
            // The members before must not wait for a next request that may never come.
            if waiting == 0 {
                let _ = guard.flush();
            }
        }
    }

    fn end(&mut self, how: &str) -> Result<(), StoreError> {
        let open = self.open;
        self.open = false;
        let restore = self.restore.take();
        let writer = self.writer();
        let ended = if open {
            writer.conn.execute_batch(how)
        } else {
            Ok(())
        };
        // A failed COMMIT (SQLITE_BUSY, a deferred constraint) may leave the transaction
        // open: roll it back so the writer is clean for the next one.
        if !writer.conn.is_autocommit() {
            let _ = writer.conn.execute_batch("ROLLBACK");
        }
        if let Some(restore) = restore {
            writer.conn.execute_batch(&restore)?;
        }
        ended.map_err(StoreError::from)
    }
}

fn result_of(
    told: Result<Result<(), GroupError>, oneshot::error::RecvError>,
) -> Result<(), StoreError> {
    match told {
        Ok(Ok(())) => Ok(()),
        Ok(Err(e)) => Err(e.into_store()),
        Err(_) => Err(StoreError::Corrupt(
            "the group commit holding this request's work was abandoned".into(),
        )),
    }
}

impl Drop for LiteTx {
    fn drop(&mut self) {
        if self.guard.is_some() && (self.open || self.restore.is_some()) {
            self.abandon();
        }
    }
}

/// Binds `vals` to the statement's parameters 1..n, refusing a count that does not match (an
/// unbound parameter would silently be NULL).
fn bind<'v>(
    stmt: &mut rusqlite::Statement<'_>,
    vals: impl Iterator<Item = &'v Val>,
) -> Result<(), StoreError> {
    let wanted = stmt.parameter_count();
    let mut given = 0;
    for (i, v) in vals.enumerate() {
        let n = i + 1;
        given = n;
        if n > wanted {
            continue;
        }
        match v {
            Val::Int(Some(x)) => stmt.raw_bind_parameter(n, x)?,
            Val::Real(Some(x)) => stmt.raw_bind_parameter(n, x)?,
            Val::Text(Some(s)) => stmt.raw_bind_parameter(n, s.as_str())?,
            Val::Time(Some(t)) => stmt.raw_bind_parameter(n, time_text(t))?,
            Val::Date(Some(d)) => stmt.raw_bind_parameter(n, date_text(d))?,
            Val::Int(None)
            | Val::Real(None)
            | Val::Text(None)
            | Val::Time(None)
            | Val::Date(None) => stmt.raw_bind_parameter(n, rusqlite::types::Null)?,
        }
    }
    if given != wanted {
        return Err(StoreError::Corrupt(format!(
            "a statement with {wanted} parameters was given {given} values"
        )));
    }
    Ok(())
}

/// A time as sqlx writes it (`to_rfc3339_opts(AutoSi, false)`): RFC 3339 in UTC with `+00:00`,
/// and a fraction of 3, 6 or 9 digits only when there is one. Written by hand, since every row
/// of a bulk import carries two: chrono's formatter took a tenth of binding.
pub fn time_text(t: &DateTime<Utc>) -> String {
    use chrono::{Datelike, Timelike};
    let year = t.year();
    let nanos = t.nanosecond();
    if !(0..=9999).contains(&year) || nanos >= 1_000_000_000 {
        return t.to_rfc3339_opts(SecondsFormat::AutoSi, false);
    }
    fn two(out: &mut String, n: u32) {
        out.push(char::from(b'0' + (n / 10) as u8));
        out.push(char::from(b'0' + (n % 10) as u8));
    }
    let mut out = String::with_capacity(35);
    two(&mut out, year as u32 / 100);
    two(&mut out, year as u32 % 100);
    out.push('-');
    two(&mut out, t.month());
    out.push('-');
    two(&mut out, t.day());
    out.push('T');
    two(&mut out, t.hour());
    out.push(':');
    two(&mut out, t.minute());
    out.push(':');
    two(&mut out, t.second());
    let (digits, value) = if nanos == 0 {
        (0, 0)
    } else if nanos.is_multiple_of(1_000_000) {
        (3, nanos / 1_000_000)
    } else if nanos.is_multiple_of(1_000) {
        (6, nanos / 1_000)
    } else {
        (9, nanos)
    };
    if digits > 0 {
        out.push('.');
        let mut buf = [b'0'; 9];
        let mut v = value;
        for slot in buf[..digits].iter_mut().rev() {
            *slot = b'0' + (v % 10) as u8;
            v /= 10;
        }
        out.extend(buf[..digits].iter().map(|&b| char::from(b)));
    }
    out.push_str("+00:00");
    out
}

fn date_text(d: &NaiveDate) -> String {
    d.format("%F").to_string()
}

/// Runs one statement (or, without values, a script of several) and returns the rows it
/// changed. Rows a statement returns (a PRAGMA, `RETURNING`) are read and dropped.
pub fn execute(conn: &Connection, sql: &str, vals: &[Val]) -> Result<u64, StoreError> {
    if vals.is_empty() {
        conn.execute_batch(sql)?;
        return Ok(conn.changes());
    }
    let mut stmt = conn.prepare_cached(sql)?;
    bind(&mut stmt, vals.iter())?;
    let mut rows = stmt.raw_query();
    while rows.next()?.is_some() {}
    drop(rows);
    Ok(conn.changes())
}

/// Runs one statement for each row of values, prepared once.
pub fn execute_each(conn: &Connection, sql: &str, rows: &[Vec<Val>]) -> Result<(), StoreError> {
    let mut stmt = conn.prepare_cached(sql)?;
    for row in rows {
        bind(&mut stmt, row.iter())?;
        let mut rows = stmt.raw_query();
        while rows.next()?.is_some() {}
    }
    Ok(())
}

/// Runs an `INSERT` for each row of values, prepared once, and gives each row's rowid
/// (`last_insert_rowid`): right for rows that were inserted, meaningless for one an `ON CONFLICT`
/// clause turned into an update.
pub fn insert_each_rowid<'v>(
    conn: &Connection,
    sql: &str,
    rows: impl Iterator<Item = impl Iterator<Item = &'v Val>>,
) -> Result<Vec<i64>, StoreError> {
    let mut stmt = conn.prepare_cached(sql)?;
    let mut ids = Vec::new();
    for row in rows {
        bind(&mut stmt, row)?;
        let mut returned = stmt.raw_query();
        while returned.next()?.is_some() {}
        drop(returned);
        ids.push(conn.last_insert_rowid());
    }
    Ok(ids)
}

/// Runs a query and decodes each row with `decode`, stopping after `limit` rows.
pub fn query<T>(
    conn: &Connection,
    sql: &str,
    vals: &[Val],
    limit: usize,
    mut decode: impl FnMut(&rusqlite::Row<'_>) -> Result<T, StoreError>,
) -> Result<Vec<T>, StoreError> {
    let mut stmt = conn.prepare_cached(sql)?;
    bind(&mut stmt, vals.iter())?;
    let mut rows = stmt.raw_query();
    let mut out = Vec::new();
    while out.len() < limit {
        match rows.next()? {
            Some(row) => out.push(decode(row)?),
            None => break,
        }
    }
    Ok(out)
}

/// Decodes one row of values typed like `like`.
pub fn decode_vals(row: &rusqlite::Row<'_>, like: &[Val]) -> Result<Vec<Val>, StoreError> {
    like.iter()
        .enumerate()
        .map(|(i, kind)| {
            let v = row.get_ref(i)?;
            Ok(match kind {
                Val::Int(_) => Val::Int(Column::decode(v).map_err(|e| column_error(row, i, e))?),
                Val::Real(_) => Val::Real(Column::decode(v).map_err(|e| column_error(row, i, e))?),
                Val::Text(_) => Val::Text(Column::decode(v).map_err(|e| column_error(row, i, e))?),
                Val::Time(_) => Val::Time(Column::decode(v).map_err(|e| column_error(row, i, e))?),
                Val::Date(_) => Val::Date(Column::decode(v).map_err(|e| column_error(row, i, e))?),
            })
        })
        .collect()
}

fn column_error(row: &rusqlite::Row<'_>, i: usize, e: String) -> StoreError {
    let name = row.as_ref().column_name(i).unwrap_or("?").to_string();
    StoreError::Corrupt(format!("column {name}: {e}"))
}

/// A Rust value read from a SQLite column, leniently as sqlx read them (an integer from text,
/// a time from RFC 3339 or SQLite's own formats).
pub trait Column: Sized {
    fn decode(v: ValueRef<'_>) -> Result<Self, String>;
}

/// Reads the column `name` of a row (what a row struct's field is read from).
pub fn get<T: Column>(row: &rusqlite::Row<'_>, name: &str) -> Result<T, StoreError> {
    let i = row.as_ref().column_index(name)?;
    T::decode(row.get_ref(i)?).map_err(|e| StoreError::Corrupt(format!("column {name}: {e}")))
}

/// Reads the column at `i`.
pub fn get_at<T: Column>(row: &rusqlite::Row<'_>, i: usize) -> Result<T, StoreError> {
    T::decode(row.get_ref(i)?).map_err(|e| column_error(row, i, e))
}

fn text_of<'a>(v: &ValueRef<'a>) -> Result<&'a str, String> {
    match v {
        ValueRef::Text(t) | ValueRef::Blob(t) => {
            std::str::from_utf8(t).map_err(|e| format!("not UTF-8: {e}"))
        }
        other => Err(format!("expected text, found {:?}", other.data_type())),
    }
}

impl<T: Column> Column for Option<T> {
    fn decode(v: ValueRef<'_>) -> Result<Self, String> {
        match v {
            ValueRef::Null => Ok(None),
            v => T::decode(v).map(Some),
        }
    }
}

impl Column for i64 {
    fn decode(v: ValueRef<'_>) -> Result<Self, String> {
        match v {
            ValueRef::Integer(i) => Ok(i),
            ValueRef::Real(f) => Ok(f as i64),
            ValueRef::Text(_) => text_of(&v)?
                .trim()
                .parse()
                .map_err(|_| "expected an integer".to_string()),
            ValueRef::Null => Err("unexpected NULL".into()),
            ValueRef::Blob(_) => Err("expected an integer, found a blob".into()),
        }
    }
}

impl Column for i32 {
    fn decode(v: ValueRef<'_>) -> Result<Self, String> {
        i32::try_from(i64::decode(v)?).map_err(|e| e.to_string())
    }
}

impl Column for u32 {
    fn decode(v: ValueRef<'_>) -> Result<Self, String> {
        u32::try_from(i64::decode(v)?).map_err(|e| e.to_string())
    }
}

impl Column for bool {
    fn decode(v: ValueRef<'_>) -> Result<Self, String> {
        Ok(i64::decode(v)? != 0)
    }
}

impl Column for f64 {
    fn decode(v: ValueRef<'_>) -> Result<Self, String> {
        match v {
            ValueRef::Real(f) => Ok(f),
            ValueRef::Integer(i) => Ok(i as f64),
            ValueRef::Text(_) => text_of(&v)?
                .trim()
                .parse()
                .map_err(|_| "expected a number".to_string()),
            ValueRef::Null => Err("unexpected NULL".into()),
            ValueRef::Blob(_) => Err("expected a number, found a blob".into()),
        }
    }
}

impl Column for String {
    fn decode(v: ValueRef<'_>) -> Result<Self, String> {
        match v {
            ValueRef::Integer(i) => Ok(i.to_string()),
            ValueRef::Real(f) => Ok(f.to_string()),
            ValueRef::Null => Err("unexpected NULL".into()),
            v => text_of(&v).map(str::to_string),
        }
    }
}

impl Column for DateTime<FixedOffset> {
    fn decode(v: ValueRef<'_>) -> Result<Self, String> {
        match v {
            ValueRef::Integer(i) => Utc
                .timestamp_opt(i, 0)
                .single()
                .map(|t| t.fixed_offset())
                .ok_or_else(|| format!("time {i} out of range")),
            v => {
                let s = text_of(&v)?;
                parse_time(s).ok_or_else(|| format!("unreadable time '{s}'"))
            }
        }
    }
}

impl Column for DateTime<Utc> {
    fn decode(v: ValueRef<'_>) -> Result<Self, String> {
        DateTime::<FixedOffset>::decode(v).map(|t| t.with_timezone(&Utc))
    }
}

impl Column for NaiveDate {
    fn decode(v: ValueRef<'_>) -> Result<Self, String> {
        let s = text_of(&v)?;
        NaiveDate::parse_from_str(s, "%F").map_err(|_| format!("unreadable date '{s}'"))
    }
}

/// RFC 3339 first (what is written), then the formats SQLite's own functions produce.
fn parse_time(s: &str) -> Option<DateTime<FixedOffset>> {
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t);
    }
    for format in ["%F %T%.f%:z", "%F %T%.fZ", "%FT%T%.fZ", "%F %R%:z"] {
        if let Ok(t) = DateTime::parse_from_str(s, format) {
            return Some(t);
        }
    }
    for format in ["%F %T%.f", "%FT%T%.f", "%F %R", "%FT%R"] {
        if let Ok(t) = NaiveDateTime::parse_from_str(s, format) {
            return Some(Utc.from_utc_datetime(&t).fixed_offset());
        }
    }
    None
}

/// A row read by this backend: row structs read their fields by name (as sqlx's `FromRow`
/// does; see [`crate::lite_record!`]), tuples by position.
pub trait LiteRecord: Sized {
    fn from_lite(row: &rusqlite::Row<'_>) -> Result<Self, StoreError>;
}

macro_rules! tuple_record {
    ($($t:ident $i:tt),+) => {
        impl<$($t: Column),+> LiteRecord for ($($t,)+) {
            fn from_lite(row: &rusqlite::Row<'_>) -> Result<Self, StoreError> {
                Ok(($(get_at::<$t>(row, $i)?,)+))
            }
        }
    };
}
tuple_record!(A 0);
tuple_record!(A 0, B 1);
tuple_record!(A 0, B 1, C 2);
tuple_record!(A 0, B 1, C 2, D 3);
tuple_record!(A 0, B 1, C 2, D 3, E 4);
tuple_record!(A 0, B 1, C 2, D 3, E 4, F 5);
tuple_record!(A 0, B 1, C 2, D 3, E 4, F 5, G 6);
tuple_record!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7);
tuple_record!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8);
tuple_record!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9);
tuple_record!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10);
tuple_record!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10, L 11);
tuple_record!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10, L 11, M 12);
tuple_record!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10, L 11, M 12, N 13);
tuple_record!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10, L 11, M 12, N 13, O 14);
tuple_record!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10, L 11, M 12, N 13, O 14, P 15);

/// Implements [`LiteRecord`] for a row struct, reading each listed field from the column of
/// the same name (`field = "column"` where they differ). Every field must be listed: the
/// struct literal does not compile otherwise.
#[macro_export]
macro_rules! lite_record {
    ($ty:ident { $($field:ident $(= $col:literal)?),* $(,)? }) => {
        impl $crate::db::lite::LiteRecord for $ty {
            fn from_lite(row: &rusqlite::Row<'_>) -> Result<Self, $crate::StoreError> {
                Ok($ty {
                    $($field: $crate::db::lite::get(row, $crate::lite_record!(@col $field $($col)?))?,)*
                })
            }
        }
    };
    (@col $field:ident $col:literal) => { $col };
    (@col $field:ident) => { stringify!($field) };
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn times_are_written_as_sqlx_wrote_them_and_read_in_every_format() {
        let t = Utc.with_ymd_and_hms(2025, 10, 1, 2, 3, 4).unwrap();
        assert_eq!(time_text(&t), "2025-10-01T02:03:04+00:00");
        for s in [
            "2025-10-01T02:03:04+00:00",
            "2025-10-01T10:03:04+08:00",
            "2025-10-01 02:03:04",
            "2025-10-01T02:03:04Z",
            "2025-10-01 02:03:04+00:00",
        ] {
            let v = DateTime::<Utc>::decode(ValueRef::Text(s.as_bytes())).unwrap();
            assert_eq!(v, t, "{s}");
        }
        assert!(DateTime::<Utc>::decode(ValueRef::Text(b"yesterday")).is_err());
        assert_eq!(
            DateTime::<Utc>::decode(ValueRef::Integer(t.timestamp())).unwrap(),
            t
        );
    }

    proptest! {
        #[test]
        fn times_are_written_exactly_as_chrono_writes_them(
            secs in -62_135_596_800i64..253_402_300_799,
            nanos in prop_oneof![
                Just(0u32),
                (0u32..1000).prop_map(|m| m * 1_000_000),
                (0u32..1_000_000).prop_map(|u| u * 1_000),
                0u32..1_000_000_000,
            ],
        ) {
            let t = Utc.timestamp_opt(secs, nanos).unwrap();
            prop_assert_eq!(time_text(&t), t.to_rfc3339_opts(SecondsFormat::AutoSi, false));
        }
    }

    #[test]
    fn columns_decode_leniently_and_refuse_null_where_a_value_is_needed() {
        assert_eq!(i64::decode(ValueRef::Text(b" 42")).unwrap(), 42);
        assert_eq!(String::decode(ValueRef::Integer(7)).unwrap(), "7");
        assert_eq!(Option::<i64>::decode(ValueRef::Null).unwrap(), None);
        assert!(i64::decode(ValueRef::Null).is_err());
        assert!(bool::decode(ValueRef::Integer(1)).unwrap());
        assert!(u32::decode(ValueRef::Integer(-1)).is_err());
    }

    #[test]
    fn statements_bind_their_values_and_refuse_a_wrong_count() {
        let conn = Connection::open_in_memory().unwrap();
        execute(&conn, "CREATE TABLE t (a INTEGER, b TEXT, c TEXT)", &[]).unwrap();
        let t = Utc.with_ymd_and_hms(2025, 1, 2, 3, 4, 5).unwrap();
        let n = execute(
            &conn,
            "INSERT INTO t VALUES (?, ?, ?)",
            &[Val::int(1), Val::Text(None), Val::Time(Some(t))],
        )
        .unwrap();
        assert_eq!(n, 1);
        let err = execute(&conn, "INSERT INTO t VALUES (?, ?, ?)", &[Val::int(1)]).unwrap_err();
        assert!(err.to_string().contains("3 parameters"), "{err}");
        let rows = query(&conn, "SELECT a, b, c FROM t", &[], usize::MAX, |r| {
            <(i64, Option<String>, DateTime<Utc>)>::from_lite(r)
        })
        .unwrap();
        assert_eq!(rows, vec![(1, None, t)]);
    }
}
