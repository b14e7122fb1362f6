//! The store's one error type. The HTTP edge maps it to problem details once; the command line
//! prints it.

use jike_domain::{FieldError, RowError};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// No row of that kind with that id or code.
    #[error("no {noun} with {key}")]
    NotFound { noun: &'static str, key: String },
    /// The input is wrong; every problem names its field.
    #[error("invalid input: {}", join(.0))]
    Invalid(Vec<FieldError>),
    /// An import's rows have problems (every problem of every row, by row); nothing was
    /// written.
    #[error("the file has {} problem(s); nothing was imported", .0.len())]
    InvalidRows(Vec<RowError>),
    /// The write contradicts what is stored: a code taken, a row still referred to.
    #[error("{message}")]
    Conflict {
        message: String,
        field: Option<String>,
    },
    /// The caller sees the row but may not make this change to it (a room that does not lead
    /// an order records only its part, `jike_domain::participants::may_record`).
    #[error("{0}")]
    Forbidden(String),
    /// An event the order's state does not accept, with the events it does.
    #[error("{message}")]
    Transition {
        message: String,
        state: String,
        allowed: Vec<String>,
    },
    /// A bad database URL or an unreachable database.
    #[error("{0}")]
    Config(String),
    /// A stored value the code cannot read: a bug or a hand-edited database.
    #[error("corrupt stored value: {0}")]
    Corrupt(String),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

/// A constraint a write broke.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Violation {
    Unique,
    ForeignKey,
    Other,
}

/// The kind of constraint a SQLite error broke, if any.
fn sqlite_violation(e: &rusqlite::Error) -> Option<Violation> {
    let rusqlite::Error::SqliteFailure(f, _) = e else {
        return None;
    };
    match f.extended_code {
        rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE | rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY => {
            Some(Violation::Unique)
        }
        rusqlite::ffi::SQLITE_CONSTRAINT_FOREIGNKEY => Some(Violation::ForeignKey),
        _ if f.code == rusqlite::ErrorCode::ConstraintViolation => Some(Violation::Other),
        _ => None,
    }
}

fn join(errors: &[FieldError]) -> String {
    errors
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

impl StoreError {
    pub fn invalid(field: impl Into<String>, reason: impl std::fmt::Display) -> StoreError {
        StoreError::Invalid(vec![FieldError::new(field, reason)])
    }

    /// The constraint the database refused the write for, if that is what happened.
    pub(crate) fn violation(&self) -> Option<Violation> {
        match self {
            StoreError::Database(sqlx::Error::Database(db)) => match db.kind() {
                sqlx::error::ErrorKind::UniqueViolation => Some(Violation::Unique),
                sqlx::error::ErrorKind::ForeignKeyViolation => Some(Violation::ForeignKey),
                sqlx::error::ErrorKind::NotNullViolation
                | sqlx::error::ErrorKind::CheckViolation => Some(Violation::Other),
                _ => None,
            },
            StoreError::Sqlite(e) => sqlite_violation(e),
            _ => None,
        }
    }

    /// Whether the database could not be reached or stopped answering (connection refused or
    /// lost, no pooled connection in time): the request may be retried later. Such an error on a
    /// write leaves its outcome unknown when it came at the commit.
    pub fn is_unavailable(&self) -> bool {
        match self {
            StoreError::Database(e) => {
                matches!(
                    e,
                    sqlx::Error::PoolTimedOut
                        | sqlx::Error::PoolClosed
                        | sqlx::Error::Io(_)
                        | sqlx::Error::Tls(_)
                        | sqlx::Error::WorkerCrashed
                        | sqlx::Error::Protocol(_)
                ) || matches!(e, sqlx::Error::Database(db) if db.code().is_some_and(|c| {
                    // 57P01..57P03: the server is shutting down or starting; 08xxx: connection.
                    c.starts_with("57P") || c.starts_with("08")
                }))
            }
            StoreError::Sqlite(rusqlite::Error::SqliteFailure(f, _)) => matches!(
                f.code,
                rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked
            ),
            _ => false,
        }
    }

    /// Whether the database refused the write because of a reference between rows (a row
    /// deleted that others still refer to, which no dependent check caught first).
    pub fn is_reference_violation(&self) -> bool {
        self.violation() == Some(Violation::ForeignKey)
    }

    /// Whether the database refused text it cannot hold (PostgreSQL: a NUL byte, 22021): the
    /// edge refuses such text first; this is the net below it.
    pub fn is_unrepresentable_text(&self) -> bool {
        matches!(self, StoreError::Database(sqlx::Error::Database(db))
            if db.code().is_some_and(|c| c == "22021" || c == "22P05"))
    }

    /// Turns a unique violation on `code` into a conflict naming the field.
    pub(crate) fn on_unique(self, noun: &str, code: &str) -> StoreError {
        match self.violation() {
            Some(Violation::Unique) => StoreError::Conflict {
                message: format!("a {noun} with code '{code}' already exists"),
                field: Some("code".into()),
            },
            _ => self,
        }
    }
}

/// Reads a stored vocabulary code.
pub(crate) fn stored<V: jike_domain::Vocabulary>(code: &str) -> Result<V, StoreError> {
    V::parse(code).map_err(|e| StoreError::Corrupt(e.to_string()))
}
