//! The two backends behind one small surface: SQL text with `$1…$n` placeholders and a slice of
//! [`Val`]s in, rows out. Both SQLite and PostgreSQL accept `$n`, so almost all SQL is written
//! once; where the dialects differ, the difference is here, visibly (see [`Backend`]).

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions, PgRow};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode};
use sqlx::{FromRow, PgPool, Row};

use crate::error::StoreError;
pub mod lite;

use lite::{Lite, LiteRecord, LiteTx, Reader};

/// Which database a store runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }

    /// How many values one statement may bind: SQLite allows 32,766, PostgreSQL 65,535.
    pub fn max_binds(self) -> usize {
        match self {
            Backend::Sqlite => 32_000,
            Backend::Postgres => 60_000,
        }
    }
}

/// A value bound to a placeholder. Each carries its type even when null, since PostgreSQL
/// refuses a text-typed null for a bigint column.
#[derive(Debug, Clone, PartialEq)]
pub enum Val {
    Int(Option<i64>),
    Real(Option<f64>),
    Text(Option<String>),
    Time(Option<DateTime<Utc>>),
    Date(Option<NaiveDate>),
}

impl Val {
    pub fn text(s: impl Into<String>) -> Val {
        Val::Text(Some(s.into()))
    }
    pub fn int(i: i64) -> Val {
        Val::Int(Some(i))
    }
}

impl Conn<'_> {
    /// The ids of the rows of `table` whose codes are given, as one aggregated row instead of a
    /// row each: sqlx hands SQLite's rows across threads one by one, which costs more than the
    /// lookup itself when an import resolves tens of thousands of codes. Codes hold no white
    /// space (`check_code`), so tab and newline separate the pairs safely.
    pub async fn ids_by_code(
        &mut self,
        table: &str,
        codes: &[&str],
    ) -> Result<Vec<(i64, String)>, StoreError> {
        let mut out = Vec::with_capacity(codes.len());
        for chunk in codes.chunks(2000) {
            let agg = match self.backend() {
                Backend::Sqlite => "group_concat(id || char(9) || code, char(10))",
                Backend::Postgres => "string_agg(id::text || chr(9) || code, chr(10))",
            };
            let sql = format!(
                "SELECT {agg} FROM {table} WHERE code IN ({})",
                placeholders(1, chunk.len())
            );
            let vals: Vec<Val> = chunk.iter().map(|c| Val::text(*c)).collect();
            let (joined,): (Option<String>,) = self.fetch_one(&sql, &vals).await?;
            split_id_codes(table, joined.as_deref().unwrap_or_default(), &mut out)?;
        }
        Ok(out)
    }
}

impl Conn<'_> {
    /// Every `(id, code)` of `table`, read in slices of 50,000 aggregated into one row each.
    pub async fn all_ids(&mut self, table: &str) -> Result<Vec<(i64, String)>, StoreError> {
        let agg = match self.backend() {
            Backend::Sqlite => "group_concat(id || char(9) || code, char(10))",
            Backend::Postgres => "string_agg(id::text || chr(9) || code, chr(10))",
        };
        let sql = format!(
            "SELECT {agg}, MAX(id) FROM (SELECT id, code FROM {table} WHERE id > $1 ORDER BY id LIMIT 50000) s"
        );
        let mut out = Vec::new();
        let mut after = 0i64;
        loop {
            let (joined, last): (Option<String>, Option<i64>) =
                self.fetch_one(&sql, &[Val::int(after)]).await?;
            let Some(last) = last else { return Ok(out) };
            split_id_codes(table, joined.as_deref().unwrap_or_default(), &mut out)?;
            after = last;
        }
    }
}

/// Reads `id<TAB>code` lines.
fn split_id_codes(
    table: &str,
    joined: &str,
    out: &mut Vec<(i64, String)>,
) -> Result<(), StoreError> {
    for line in joined.split('\n').filter(|l| !l.is_empty()) {
        let (id, code) = line
            .split_once('\t')
            .ok_or_else(|| StoreError::Corrupt(format!("{table}: unreadable id list")))?;
        let id = id
            .parse()
            .map_err(|_| StoreError::Corrupt(format!("{table}: id '{id}'")))?;
        out.push((id, code.to_string()));
    }
    Ok(())
}

/// A row type that both backends can decode: sqlx's `FromRow` for PostgreSQL, and
/// [`LiteRecord`] (`lite_record!` for structs, tuples by position) for SQLite.
pub trait FromBoth: for<'r> FromRow<'r, PgRow> + LiteRecord + Send + Unpin {}
impl<T> FromBoth for T where T: for<'r> FromRow<'r, PgRow> + LiteRecord + Send + Unpin {}

/// The database of either backend.
#[derive(Clone, Debug)]
pub enum Db {
    /// SQLite has one writer: this process's write transactions queue on the writer
    /// connection's mutex in turn, instead of leaving them to SQLite's busy handler, which
    /// sleeps 1 to 100 ms between tries and leaves the lock idle meanwhile (the tail latency of
    /// concurrent writes). Other processes on the same file still meet `busy_timeout`.
    Sqlite(Arc<Lite>),
    Postgres(PgPool),
}

static SQLITE_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

impl Db {
    /// Opens `sqlite://PATH` (created with its folder when missing, WAL journal) or
    /// `postgres://…`.
    pub async fn connect(url: &str) -> Result<Db, StoreError> {
        if let Some(path) = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
        {
            let path = path.split('?').next().unwrap_or(path);
            if path.is_empty() {
                return Err(StoreError::Config(format!(
                    "'{url}' names no file; write sqlite://PATH"
                )));
            }
            if let Some(dir) = std::path::Path::new(path).parent() {
                if !dir.as_os_str().is_empty() {
                    std::fs::create_dir_all(dir).map_err(|e| {
                        StoreError::Config(format!(
                            "cannot create the folder {} for the database: {e}",
                            dir.display()
                        ))
                    })?;
                }
            }
            Ok(Db::Sqlite(Arc::new(Lite::open(std::path::Path::new(
                path,
            ))?)))
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let options = PgConnectOptions::from_str(url)
                .map_err(|e| StoreError::Config(format!("'{url}': {e}")))?;
            // One direct attempt first: the pool would retry until its acquire timeout, leaving
            // a user with a wrong URL waiting ten seconds for the same message.
            use sqlx::Connection;
            let probe = sqlx::PgConnection::connect_with(&options)
                .await
                .map_err(|e| {
                    StoreError::Config(format!("cannot connect to {}: {e}", redact(url)))
                })?;
            let _ = probe.close().await;
            let pool = PgPoolOptions::new()
                .max_connections(16)
                // Short: with the database down a request should hear 503 at once rather than
                // hang; the client retries (`Retry-After`).
                .acquire_timeout(Duration::from_secs(3))
                .connect_with(options)
                .await
                .map_err(|e| {
                    StoreError::Config(format!("cannot connect to {}: {e}", redact(url)))
                })?;
            Ok(Db::Postgres(pool))
        } else {
            Err(StoreError::Config(format!(
                "'{}' is not a database URL; use sqlite://PATH or postgres://USER@HOST/DB",
                redact(url)
            )))
        }
    }

    pub fn backend(&self) -> Backend {
        match self {
            Db::Sqlite(..) => Backend::Sqlite,
            Db::Postgres(_) => Backend::Postgres,
        }
    }

    /// On SQLite, the group commits so far and the requests they held (`lite.rs`).
    pub fn group_commits(&self) -> Option<(u64, u64)> {
        use std::sync::atomic::Ordering::Relaxed;
        match self {
            Db::Sqlite(lite) => {
                let s = lite.group_stats();
                Some((s.commits.load(Relaxed), s.requests.load(Relaxed)))
            }
            Db::Postgres(_) => None,
        }
    }

    /// Applies the embedded migrations that have not run yet; returns how many ran. On SQLite
    /// sqlx's migrator runs them on a connection of its own, so the bookkeeping
    /// (`_sqlx_migrations`) stays what earlier releases wrote.
    pub async fn migrate(&self) -> Result<usize, StoreError> {
        match self {
            Db::Sqlite(lite) => {
                use sqlx::Connection;
                let options = SqliteConnectOptions::new()
                    .filename(lite.path())
                    .journal_mode(SqliteJournalMode::Wal)
                    .foreign_keys(true)
                    .busy_timeout(Duration::from_secs(10));
                let mut conn = sqlx::SqliteConnection::connect_with(&options)
                    .await
                    .map_err(|e| {
                        StoreError::Config(format!(
                            "cannot open sqlite://{}: {e}",
                            lite.path().display()
                        ))
                    })?;
                let before: Vec<(i64,)> =
                    sqlx::query_as("SELECT version FROM _sqlx_migrations WHERE success = TRUE")
                        .fetch_all(&mut conn)
                        .await
                        .unwrap_or_default();
                let ran = SQLITE_MIGRATOR.run(&mut conn).await;
                let _ = conn.close().await;
                ran?;
                // Statements prepared before a migration may describe tables it changed.
                lite.close_idle();
                lite.writer().await?.flush_prepared_statement_cache();
                Ok(SQLITE_MIGRATOR.iter().count().saturating_sub(before.len()))
            }
            Db::Postgres(p) => {
                let before: Vec<(i64,)> =
                    sqlx::query_as("SELECT version FROM _sqlx_migrations WHERE success = TRUE")
                        .fetch_all(p)
                        .await
                        .unwrap_or_default();
                POSTGRES_MIGRATOR.run(p).await?;
                Ok(POSTGRES_MIGRATOR
                    .iter()
                    .count()
                    .saturating_sub(before.len()))
            }
        }
    }

    pub async fn begin(&self) -> Result<Tx, StoreError> {
        Ok(match self {
            // Requests' transactions are committed in groups (`lite.rs`).
            Db::Sqlite(lite) => Tx::Sqlite(LiteTx::begin_grouped(lite).await?),
            Db::Postgres(p) => Tx::Postgres(p.begin().await?),
        })
    }

    /// A transaction for a bulk import. On SQLite it runs without foreign-key checks and with
    /// a bigger page cache, both put back when it ends. Dropping the checks is sound because an
    /// import resolves every reference it writes, by code, inside this same transaction; they
    /// cost more than the rows themselves (three parent lookups per path hop). On PostgreSQL
    /// it is an ordinary transaction.
    pub async fn begin_import(&self) -> Result<ImportTx, StoreError> {
        Ok(match self {
            Db::Sqlite(lite) => ImportTx(Tx::Sqlite(
                LiteTx::begin(
                    lite,
                    "PRAGMA foreign_keys = OFF; PRAGMA cache_size = -131072; PRAGMA threads = 2; \
                     PRAGMA wal_autocheckpoint = 0;",
                    Some(format!(
                        "PRAGMA foreign_keys = ON; PRAGMA cache_size = -{}; PRAGMA threads = 0; \
                         PRAGMA wal_autocheckpoint = 1000;",
                        crate::db::lite::CACHE_KIB
                    )),
                )
                .await?,
            )),
            Db::Postgres(p) => ImportTx(Tx::Postgres(p.begin().await?)),
        })
    }

    /// On SQLite, copies the WAL back into the database file on a thread of its own: a
    /// `PASSIVE` checkpoint, which neither waits for nor stops readers and writers. Called after
    /// an import, which skips the automatic checkpoint that would otherwise run inside its
    /// commit (copying a hundred megabytes while holding the writer).
    pub fn checkpoint_in_background(&self) {
        if let Db::Sqlite(lite) = self {
            let lite = lite.clone();
            std::thread::spawn(move || {
                let done = lite.reader().and_then(|mut r| {
                    r.conn()
                        .execute_batch("PRAGMA wal_checkpoint(PASSIVE)")
                        .map_err(StoreError::from)
                });
                if let Err(e) = done {
                    tracing::warn!("checkpoint after an import: {e}");
                }
            });
        }
    }

    /// A connection outside any transaction, for reads.
    pub async fn read(&self) -> Result<Pooled, StoreError> {
        Ok(match self {
            Db::Sqlite(lite) => Pooled::Sqlite(lite.reader()?),
            Db::Postgres(p) => Pooled::Postgres(p.acquire().await?),
        })
    }

    /// A read-only transaction that sees the database as of one instant however long it
    /// takes and whatever is written meanwhile (a deferred transaction in WAL mode on SQLite,
    /// repeatable read on PostgreSQL). Dropped, it ends.
    pub async fn snapshot(&self) -> Result<Snapshot, StoreError> {
        Ok(match self {
            Db::Sqlite(lite) => {
                let mut reader = lite.reader()?;
                reader.conn().execute_batch("BEGIN DEFERRED")?;
                Snapshot::Sqlite(reader)
            }
            Db::Postgres(pool) => {
                let mut tx = pool.begin().await?;
                sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                    .execute(&mut *tx)
                    .await?;
                Snapshot::Postgres(tx)
            }
        })
    }

    pub async fn close(&self) {
        match self {
            Db::Sqlite(lite) => lite.close_idle(),
            Db::Postgres(p) => p.close().await,
        }
    }
}

/// Hides the password of a database URL in messages.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.find('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..s + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

/// A connection for reads.
pub enum Pooled {
    Sqlite(Reader),
    Postgres(sqlx::pool::PoolConnection<sqlx::Postgres>),
}

impl Pooled {
    pub fn conn(&mut self) -> Conn<'_> {
        match self {
            Pooled::Sqlite(c) => Conn::Sqlite(c.conn()),
            Pooled::Postgres(c) => Conn::Postgres(c),
        }
    }
}

/// See [`Db::snapshot`].
pub enum Snapshot {
    Sqlite(Reader),
    Postgres(sqlx::Transaction<'static, sqlx::Postgres>),
}

impl Snapshot {
    pub fn conn(&mut self) -> Conn<'_> {
        match self {
            Snapshot::Sqlite(r) => Conn::Sqlite(r.conn()),
            Snapshot::Postgres(t) => Conn::Postgres(t),
        }
    }

    pub async fn end(self) -> Result<(), StoreError> {
        match self {
            // The reader rolls its snapshot back when it goes back to the idle list.
            Snapshot::Sqlite(_) => {}
            Snapshot::Postgres(t) => t.rollback().await?,
        }
        Ok(())
    }
}

/// A transaction of either backend; dropped without [`Tx::commit`], it rolls back.
pub enum Tx {
    /// On the writer connection, holding this process's turn to write until it ends.
    Sqlite(LiteTx),
    Postgres(sqlx::Transaction<'static, sqlx::Postgres>),
}

impl Tx {
    pub fn conn(&mut self) -> Conn<'_> {
        match self {
            Tx::Sqlite(t) => Conn::Sqlite(t.conn()),
            Tx::Postgres(t) => Conn::Postgres(t),
        }
    }

    pub async fn commit(self) -> Result<(), StoreError> {
        match self {
            Tx::Sqlite(t) => t.commit().await?,
            Tx::Postgres(t) => t.commit().await?,
        }
        Ok(())
    }

    pub async fn rollback(self) -> Result<(), StoreError> {
        match self {
            Tx::Sqlite(t) => t.rollback()?,
            Tx::Postgres(t) => t.rollback().await?,
        }
        Ok(())
    }
}

/// See [`Db::begin_import`]; dropped without [`ImportTx::commit`], it rolls back.
pub struct ImportTx(Tx);

impl ImportTx {
    pub fn conn(&mut self) -> Conn<'_> {
        self.0.conn()
    }

    pub async fn commit(self) -> Result<(), StoreError> {
        self.0.commit().await
    }

    pub async fn rollback(self) -> Result<(), StoreError> {
        self.0.rollback().await
    }
}

/// A borrowed connection of either backend: the one surface the rest of the store uses.
pub enum Conn<'a> {
    /// Statements run inline, on the calling thread (see `lite.rs`).
    Sqlite(&'a mut rusqlite::Connection),
    Postgres(&'a mut sqlx::PgConnection),
}

macro_rules! bind_vals {
    ($query:expr, $vals:expr) => {{
        let mut q = $query;
        for v in $vals {
            q = match v {
                Val::Int(x) => q.bind(*x),
                Val::Real(x) => q.bind(*x),
                Val::Text(x) => q.bind(x.as_deref()),
                Val::Time(x) => q.bind(*x),
                Val::Date(x) => q.bind(*x),
            };
        }
        q
    }};
}

impl Conn<'_> {
    pub fn backend(&self) -> Backend {
        match self {
            Conn::Sqlite(_) => Backend::Sqlite,
            Conn::Postgres(_) => Backend::Postgres,
        }
    }

    pub async fn execute(&mut self, sql: &str, vals: &[Val]) -> Result<u64, StoreError> {
        Ok(match self {
            Conn::Sqlite(c) => lite::execute(c, &sqlite_sql(sql), vals)?,
            Conn::Postgres(c) => bind_vals!(sqlx::query(sql), vals)
                .execute(&mut **c)
                .await?
                .rows_affected(),
        })
    }

    /// Runs one statement once for each row of values (on SQLite prepared once).
    pub async fn execute_each(&mut self, sql: &str, rows: &[Vec<Val>]) -> Result<(), StoreError> {
        match self {
            Conn::Sqlite(c) => lite::execute_each(c, &sqlite_sql(sql), rows)?,
            Conn::Postgres(_) => {
                for row in rows {
                    self.execute(sql, row).await?;
                }
            }
        }
        Ok(())
    }

    /// The SQLite connection, for a bulk path that drives it directly (see `lite.rs`).
    pub(crate) fn sqlite(&mut self) -> Option<&mut rusqlite::Connection> {
        match self {
            Conn::Sqlite(c) => Some(c),
            Conn::Postgres(_) => None,
        }
    }

    pub async fn fetch_all<R: FromBoth>(
        &mut self,
        sql: &str,
        vals: &[Val],
    ) -> Result<Vec<R>, StoreError> {
        Ok(match self {
            Conn::Sqlite(c) => lite::query(c, &sqlite_sql(sql), vals, usize::MAX, R::from_lite)?,
            Conn::Postgres(c) => {
                bind_vals!(sqlx::query_as::<_, R>(sql), vals)
                    .fetch_all(&mut **c)
                    .await?
            }
        })
    }

    pub async fn fetch_optional<R: FromBoth>(
        &mut self,
        sql: &str,
        vals: &[Val],
    ) -> Result<Option<R>, StoreError> {
        Ok(match self {
            Conn::Sqlite(c) => lite::query(c, &sqlite_sql(sql), vals, 1, R::from_lite)?
                .into_iter()
                .next(),
            Conn::Postgres(c) => {
                bind_vals!(sqlx::query_as::<_, R>(sql), vals)
                    .fetch_optional(&mut **c)
                    .await?
            }
        })
    }

    pub async fn fetch_one<R: FromBoth>(
        &mut self,
        sql: &str,
        vals: &[Val],
    ) -> Result<R, StoreError> {
        match self {
            Conn::Sqlite(c) => lite::query(c, &sqlite_sql(sql), vals, 1, R::from_lite)?
                .into_iter()
                .next()
                .ok_or(StoreError::Sqlite(rusqlite::Error::QueryReturnedNoRows)),
            Conn::Postgres(c) => Ok(bind_vals!(sqlx::query_as::<_, R>(sql), vals)
                .fetch_one(&mut **c)
                .await?),
        }
    }

    /// Reads rows as values typed like `like`: column `i` of each row is decoded as the variant
    /// of `like[i]`. Used to compare stored rows with the rows an import would write.
    pub async fn fetch_vals(
        &mut self,
        sql: &str,
        vals: &[Val],
        like: &[Val],
    ) -> Result<Vec<Vec<Val>>, StoreError> {
        match self {
            Conn::Sqlite(c) => lite::query(c, &sqlite_sql(sql), vals, usize::MAX, |r| {
                lite::decode_vals(r, like)
            }),
            Conn::Postgres(c) => {
                let rows = bind_vals!(sqlx::query(sql), vals)
                    .fetch_all(&mut **c)
                    .await?;
                rows.iter().map(|r| decode_vals(r, like)).collect()
            }
        }
    }
}

fn decode_vals(row: &PgRow, like: &[Val]) -> Result<Vec<Val>, StoreError> {
    like.iter()
        .enumerate()
        .map(|(i, kind)| {
            Ok(match kind {
                Val::Int(_) => Val::Int(row.try_get(i)?),
                Val::Real(_) => Val::Real(row.try_get(i)?),
                Val::Text(_) => Val::Text(row.try_get(i)?),
                Val::Time(_) => Val::Time(row.try_get(i)?),
                Val::Date(_) => Val::Date(row.try_get(i)?),
            })
        })
        .collect()
}

/// The SQL of this crate is written with PostgreSQL's `$n`; SQLite gets `?`. Where the
/// placeholders run `$1, $2, …` in order, each becomes an anonymous `?`; otherwise (a value used
/// twice) `?n`. Why: for every named or numbered parameter sqlx asks SQLite for its name, which
/// SQLite finds by a linear scan, so a batched insert with thousands of them became quadratic
/// (87 % of an import's time). Anonymous `?` have no name to scan for. No SQL here holds a `$`
/// in a string literal.
pub(crate) fn sqlite_sql(sql: &str) -> std::borrow::Cow<'_, str> {
    if !sql.contains('$') {
        return std::borrow::Cow::Borrowed(sql);
    }
    let bytes = sql.as_bytes();
    let mut in_order = true;
    let mut expected = 1usize;
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'$' {
            let start = i + 1;
            let mut end = start;
            while end < bytes.len() && bytes[end].is_ascii_digit() {
                end += 1;
            }
            if end > start {
                if sql[start..end].parse::<usize>().ok() != Some(expected) {
                    in_order = false;
                    break;
                }
                expected += 1;
            }
            i = end.max(i + 1);
        } else {
            i += 1;
        }
    }
    let mut out = String::with_capacity(sql.len());
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '$' && chars.peek().is_some_and(char::is_ascii_digit) {
            out.push('?');
            if in_order {
                while chars.peek().is_some_and(char::is_ascii_digit) {
                    chars.next();
                }
            }
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// `$first, $first+1, …` for `n` placeholders.
pub fn placeholders(first: usize, n: usize) -> String {
    let mut s = String::with_capacity(n * 5);
    for i in 0..n {
        if i > 0 {
            s.push_str(", ");
        }
        s.push('$');
        s.push_str(&(first + i).to_string());
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_count_from_first() {
        assert_eq!(placeholders(3, 3), "$3, $4, $5");
        assert_eq!(placeholders(1, 0), "");
    }

    #[test]
    fn sqlite_placeholders_are_numbered() {
        assert_eq!(
            sqlite_sql("a = $1 AND b IN ($2, $3) AND c = '$'"),
            "a = ? AND b IN (?, ?) AND c = '$'"
        );
        assert_eq!(
            sqlite_sql("a = $1 OR b = $1 AND c > $2"),
            "a = ?1 OR b = ?1 AND c > ?2"
        );
        assert_eq!(sqlite_sql("a = $2 AND b = $1"), "a = ?2 AND b = ?1");
        assert!(matches!(
            sqlite_sql("SELECT 1"),
            std::borrow::Cow::Borrowed(_)
        ));
    }

    #[test]
    fn urls_hide_passwords() {
        assert_eq!(
            redact("postgres://jike:secret@db/jike"),
            "postgres://jike:***@db/jike"
        );
        assert_eq!(redact("postgres://jike@db/jike"), "postgres://jike@db/jike");
    }
}
