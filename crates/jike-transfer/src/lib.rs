//! Import and export of the inventory as files: `.xlsx` and CSV, read and written with
//! `jike-sheets`, stored with `jike-store`.
//!
//! The store knows no file format and the sheet reader no database; this crate joins them. An
//! import reads the file on a blocking thread of tokio into typed batches of rows, each with its
//! row number, and hands them to the store's batch import ([`Store::import_rows_as`]) while the
//! file is still being read, so that the store writes one batch while the next is read. The
//! import is all or nothing: a refused file ([`TransferError::InvalidRows`]) lists every problem
//! of every row at once, the file's own (a value that does not parse, found here) and the
//! store's (a code that refers to nothing), by row, each on the column the user knows. An
//! `.xlsx` that inflates beyond [`ZipLimits::DEFAULT`] is refused before it is read
//! ([`TransferError::FileTooLarge`]). An export takes the store's rows
//! ([`Store::export_rows_as`]) and writes them, on a blocking thread, as a file that the import
//! reads back unchanged (CSV cells that a spreadsheet would run as a formula are neutralized,
//! `jike-sheets`).
//!
//! *Invariant*: knows file formats; no HTTP, no SQL.

use jike_domain::RowError;
use jike_sheets::{Sheet, SheetError};
use jike_store::{Caller, ImportReport, Importable, RowSource, Store, StoreError};
use tokio::sync::mpsc;

pub use jike_sheets::{Format, HeaderLang, Kind, ZipLimitError, ZipLimits};

/// Why a file could not be imported or exported.
#[derive(Debug, thiserror::Error)]
pub enum TransferError {
    /// The file has bad rows (every problem of every row, by row; a file that cannot be read at
    /// all is one problem on row 0); nothing was imported.
    #[error("the file has {} problem(s); nothing was imported", .0.len())]
    InvalidRows(Vec<RowError>),
    /// An import workbook inflates beyond the limits of [`ZipLimits`] (a zip bomb, or a
    /// workbook too big to import); it was refused before it was read, nothing was imported.
    /// The message names the zip entry.
    #[error("{0}")]
    FileTooLarge(ZipLimitError),
    /// The store failed (the database, the caller's scope, …).
    #[error(transparent)]
    Store(StoreError),
    /// The thread that reads or writes the file stopped before it was done (the runtime shuts
    /// down).
    #[error("the file was not read or written to the end: {0}")]
    Interrupted(String),
}

impl From<StoreError> for TransferError {
    /// The store's refusal of rows is the file's: one variant for every row problem.
    fn from(e: StoreError) -> TransferError {
        match e {
            StoreError::InvalidRows(rows) => TransferError::InvalidRows(rows),
            other => TransferError::Store(other),
        }
    }
}

impl From<SheetError> for TransferError {
    fn from(e: SheetError) -> TransferError {
        match e {
            SheetError::Invalid(rows) => TransferError::InvalidRows(rows),
            SheetError::ZipLimit(limit) => TransferError::FileTooLarge(limit),
            SheetError::Write(reason) => TransferError::InvalidRows(vec![RowError::file(format!(
                "cannot write the file: {reason}"
            ))]),
        }
    }
}

impl TransferError {
    /// The problems of a refused file, if that is what this is.
    pub fn rows(&self) -> Option<&[RowError]> {
        match self {
            TransferError::InvalidRows(rows) => Some(rows),
            _ => None,
        }
    }
}

/// Reads a file of `kind` and imports it, all rows or none, as the system; see
/// [`import_file_as`].
pub async fn import_file(
    store: &Store,
    kind: Kind,
    format: Format,
    bytes: impl Into<Vec<u8>>,
    dry_run: bool,
) -> Result<ImportReport, TransferError> {
    import_file_as(
        store,
        &Caller::system("system"),
        kind,
        format,
        bytes,
        dry_run,
    )
    .await
}

/// Reads a file of `kind` and imports it on behalf of `caller` (audited), all rows or none:
/// every row is checked (its values here, its references by the store) before anything is
/// written, and every problem is reported at once. Rows are upserted by code, so importing the
/// same file twice changes nothing; `dry_run` reports what the import would do and writes
/// nothing.
pub async fn import_file_as(
    store: &Store,
    caller: &Caller,
    kind: Kind,
    format: Format,
    bytes: impl Into<Vec<u8>>,
    dry_run: bool,
) -> Result<ImportReport, TransferError> {
    let bytes = bytes.into();
    jike_store::with_kind!(kind, E => import_kind::<E>(store, caller, format, bytes, dry_run).await)
}

async fn import_kind<E: Importable<Input: Sheet>>(
    store: &Store,
    caller: &Caller,
    format: Format,
    bytes: Vec<u8>,
    dry_run: bool,
) -> Result<ImportReport, TransferError> {
    let rows = FileRows::<E::Input>::open(format, bytes, E::BATCH).await?;
    Ok(store
        .scoped(caller)
        .import_rows::<E, _>(rows, dry_run)
        .await?)
}

/// Writes every stored row of `kind` (contacts unmasked, audited) as a file that
/// [`import_file`] reads back; what the command line exports.
pub async fn export_file(
    store: &Store,
    kind: Kind,
    format: Format,
    lang: HeaderLang,
) -> Result<Vec<u8>, TransferError> {
    export_file_as(store, &Caller::system("cli"), kind, format, lang, true).await
}

/// [`export_file`] of the rows `caller` sees. Customer contacts are masked unless `unmasked`;
/// an unmasked export of customers is recorded in the audit log.
pub async fn export_file_as(
    store: &Store,
    caller: &Caller,
    kind: Kind,
    format: Format,
    lang: HeaderLang,
    unmasked: bool,
) -> Result<Vec<u8>, TransferError> {
    jike_store::with_kind!(kind, E => export_kind::<E>(store, caller, format, lang, unmasked).await)
}

async fn export_kind<E: Importable<Input: Sheet>>(
    store: &Store,
    caller: &Caller,
    format: Format,
    lang: HeaderLang,
    unmasked: bool,
) -> Result<Vec<u8>, TransferError> {
    let records = store.scoped(caller).export_rows::<E>(unmasked).await?;
    // Writing a million rows takes seconds: not on a worker of the runtime.
    let written =
        tokio::task::spawn_blocking(move || jike_sheets::write::<E::Input>(format, &records, lang))
            .await
            .map_err(interrupted)?;
    Ok(written?)
}

/// A blocking thread that did not finish: its panic goes on (as if it had run here), a
/// cancellation (the runtime shuts down) is an error.
fn interrupted(e: tokio::task::JoinError) -> TransferError {
    match e.try_into_panic() {
        Ok(panic) => std::panic::resume_unwind(panic),
        Err(e) => TransferError::Interrupted(e.to_string()),
    }
}

/// What the file's reader sends.
enum Msg<T> {
    Expect(usize),
    Rows(Vec<(usize, T)>),
    Done(Result<(), SheetError>),
}

/// The rows of a file, read on a blocking thread while the store writes the batches already
/// read (on SQLite the writing runs on the importing thread, so reading beside it uses the
/// second core).
struct FileRows<T> {
    rx: mpsc::Receiver<Msg<T>>,
    expected: usize,
    /// The reader's verdict, once it has been read to the end.
    result: Option<Result<(), SheetError>>,
}

impl<T: Sheet + Send + 'static> FileRows<T> {
    /// Starts reading `bytes`, `batch` rows at a time, and waits for the reader to say how many
    /// rows to expect. A file refused as a whole (a zip bomb, a wrong header, not a file of
    /// this format) is refused here, before the store opens a transaction.
    async fn open(format: Format, bytes: Vec<u8>, batch: usize) -> Result<Self, TransferError> {
        // Two batches in flight: the reader stays a batch ahead of the writer, no more.
        let (tx, mut rx) = mpsc::channel(2);
        tokio::task::spawn_blocking(move || {
            let mut expect = |n| {
                let _ = tx.blocking_send(Msg::Expect(n));
            };
            // The good rows of a bad file come too: the store checks their references, so
            // that every problem of the file is reported at once.
            let mut take = |rows, _clean| tx.blocking_send(Msg::Rows(rows)).is_ok();
            let result = jike_sheets::read_batches(format, &bytes, batch, &mut expect, &mut take);
            let _ = tx.blocking_send(Msg::Done(result));
        });
        let (expected, result) = match rx.recv().await {
            Some(Msg::Expect(n)) => (n, None),
            Some(Msg::Done(Err(e))) => return Err(e.into()),
            Some(Msg::Done(Ok(()))) => (0, Some(Ok(()))),
            Some(Msg::Rows(_)) | None => {
                return Err(TransferError::Interrupted(
                    "the file reader stopped before it began".into(),
                ))
            }
        };
        Ok(FileRows {
            rx,
            expected,
            result,
        })
    }
}

impl<T: Sheet + Send + 'static> RowSource<T> for FileRows<T> {
    fn expected(&self) -> usize {
        self.expected
    }

    /// The reader validates every record ([`Sheet::from_cells`]).
    fn validated(&self) -> bool {
        true
    }

    async fn next_batch(&mut self) -> Option<Vec<(usize, T)>> {
        loop {
            if self.result.is_some() {
                return None;
            }
            match self.rx.recv().await {
                Some(Msg::Rows(rows)) => return Some(rows),
                Some(Msg::Expect(_)) => continue,
                Some(Msg::Done(r)) => self.result = Some(r),
                None => {
                    self.result = Some(Err(SheetError::Invalid(vec![RowError::file(
                        "the file reader stopped before the end of the file",
                    )])))
                }
            }
        }
    }

    async fn finish(&mut self) -> Vec<RowError> {
        // Rows not yet taken are dropped: the verdict comes after them.
        while self.next_batch().await.is_some() {}
        match self.result.take() {
            None | Some(Ok(())) => Vec::new(),
            Some(Err(SheetError::Invalid(rows))) => rows,
            // A limit is checked before any row is read, so this does not come after rows.
            Some(Err(e)) => vec![RowError::file(e.to_string())],
        }
    }

    /// The Chinese header of the column (the report names store problems the way the console
    /// and the templates do).
    fn column(&self, field: &str) -> Option<String> {
        jike_sheets::column_label::<T>(field, HeaderLang::Chinese).map(str::to_string)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every kind of the domain's table has its entity (`with_kind!`, exhaustive: a kind
    /// without one does not compile) and its sheet (`Sheet` on its input, else `import_kind`
    /// does not compile), and both say they are that kind.
    #[test]
    fn every_kind_has_its_entity_and_its_sheet() {
        for kind in Kind::ALL {
            let (entity, sheet, table, columns) = jike_store::with_kind!(kind, E => (
                <E as Importable>::KIND,
                <<E as jike_store::Entity>::Input as Sheet>::KIND,
                <E as jike_store::Entity>::SPEC.table,
                <<E as jike_store::Entity>::Input as Sheet>::columns().len(),
            ));
            assert_eq!((entity, sheet), (kind, kind), "{kind}");
            assert_eq!(table, kind.table(), "{kind}");
            assert!(columns > 0, "{kind}");
        }
    }
}
