//! Bulk import and export of the inventory as `.xlsx` and CSV (domain.md §2: regions, customers,
//! circuits, sites, network elements, contractors, their staff, instruments and vehicles).
//!
//! This is the only crate that knows spreadsheet formats. It has no database: [`read`] turns the
//! bytes of a file into typed domain inputs ([`jike_domain::CustomerInput`],
//! [`jike_domain::CircuitInput`], …) with row-by-row errors, and [`write()`] writes inputs back as a
//! file that [`read`] reads again (round trip).
//!
//! # The import contract
//!
//! A file with any bad row imports nothing: [`read`] returns either every record or
//! [`SheetError::Invalid`] with **every** problem of the file (capped at [`MAX_ERRORS`]), each
//! with its row number as the user sees it in a spreadsheet (the header is row 1), the column
//! header as written in the file, and the reason. Problems found:
//!
//! - header: a required column missing, an unknown column, a column given twice (under either
//!   name). When the header is wrong only the header problems are reported.
//! - cells: a value outside its vocabulary (domain.md §11; codes and Chinese names are both
//!   accepted), a bandwidth, number, IP address or path that does not parse, a CSV row with too few
//!   cells, a value in a column without header, an Excel error cell (`#N/A`).
//! - the input's own rules ([`jike_domain::Validate`]): codes, lengths, phone numbers, hops.
//! - a code (natural key) given twice in the file.
//!
//! Blank rows are skipped; a file with a header and no data rows is valid and has no records.
//! Whether referenced codes (a circuit's customer, an element's site) exist is the store's
//! business, not this crate's.
//!
//! # Files
//!
//! Headers may be Chinese (`客户编码`) or English (`code`, case-insensitive) or a mix; surrounding
//! white space, a UTF-8 BOM and a trailing `*` (a "required" mark of templates) are ignored.
//! CSV is UTF-8 (with or without BOM) or, when it is not valid UTF-8, GB18030/GBK as Excel in
//! China saves it. `.xlsx` is read from the first worksheet; whole numbers (a phone number typed
//! into a cell) read as their digits.
//!
//! Export writes codes for vocabulary values (`gold`, not `金牌`) under Chinese or English
//! headers ([`HeaderLang`]); both read back.
//!
//! CSV export neutralizes formula injection (OWASP "CSV Injection"): a cell that begins with
//! `=`, `+`, `-`, `@`, a tab or a carriage return, and is not a plain number such as `-5`, is
//! written with a `'` in front so that a spreadsheet takes it as text; CSV import takes a `'`
//! followed by such a character off again, so an export reads back unchanged. `.xlsx` writes
//! text cells, which spreadsheets never run, and quotes nothing.
//!
//! An `.xlsx` is refused before it is read when its zip archive inflates beyond
//! [`ZipLimits::DEFAULT`] (a zip bomb): [`SheetError::ZipLimit`], naming the entry.

mod cells;
mod formula;
mod kinds;
mod reader;
mod writer;
mod zip_limits;

use std::fmt;
use std::path::Path;
use std::str::FromStr;

pub use cells::Cells;
/// What a file holds: one of the kinds of the inventory, and a name that names no kind, format
/// or header language. The domain's types (`jike_domain::kinds`), which every crate shares.
pub use jike_domain::kinds::{Kind, UnknownName};
/// A problem with one row of a file: the domain's type, which the store reports too.
pub use jike_domain::RowError;
pub use zip_limits::{ZipLimitError, ZipLimits};

/// The most problems [`read`] reports; after them one more [`RowError`] says how many were left
/// out.
pub const MAX_ERRORS: usize = 1000;

// ---------------------------------------------------------------------------------------------
// Kinds, formats, header languages

/// The file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// Comma-separated values (RFC 4180), UTF-8; GB18030/GBK is read too.
    Csv,
    /// An Office Open XML workbook.
    Xlsx,
}

impl Format {
    /// Guesses the format from the content: a zip archive (`PK\x03\x04`, what every `.xlsx` is)
    /// is [`Format::Xlsx`], anything else [`Format::Csv`].
    pub fn sniff(bytes: &[u8]) -> Format {
        if bytes.starts_with(reader::ZIP_MAGIC) {
            Format::Xlsx
        } else {
            Format::Csv
        }
    }

    /// The format a file name's extension says (`.csv`; `.xlsx` or `.xlsm`), case-insensitive.
    pub fn from_path(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "csv" => Some(Format::Csv),
            "xlsx" | "xlsm" => Some(Format::Xlsx),
            _ => None,
        }
    }

    /// The MIME type of the format, for an HTTP `Content-Type`.
    pub fn content_type(self) -> &'static str {
        match self {
            Format::Csv => "text/csv; charset=utf-8",
            Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
    }

    /// The file name extension, without the dot: `csv` or `xlsx`.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Xlsx => "xlsx",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.extension())
    }
}

impl FromStr for Format {
    type Err = UnknownName;

    /// Reads `csv` or `xlsx` (case-insensitive, a leading dot allowed).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        match t.trim_start_matches('.').to_ascii_lowercase().as_str() {
            "csv" => Ok(Format::Csv),
            "xlsx" => Ok(Format::Xlsx),
            _ => Err(UnknownName {
                what: "format",
                given: t.chars().take(80).collect(),
                expected: "csv, xlsx",
            }),
        }
    }
}

/// The language of the header row that [`write()`] writes. [`read`] accepts both, mixed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum HeaderLang {
    /// `客户编码, 客户名称, …`: what operators' staff expect.
    #[default]
    Chinese,
    /// `code, name, …`: the API's field names.
    English,
}

impl FromStr for HeaderLang {
    type Err = UnknownName;

    /// Reads `zh`/`cn`/`chinese`/`中文` or `en`/`english`/`英文`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        match t.to_ascii_lowercase().as_str() {
            "zh" | "cn" | "chinese" | "中文" => Ok(HeaderLang::Chinese),
            "en" | "english" | "英文" => Ok(HeaderLang::English),
            _ => Err(UnknownName {
                what: "header language",
                given: t.chars().take(80).collect(),
                expected: "zh, en",
            }),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Errors

/// Why a file could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum SheetError {
    /// The file is wrong: every problem found, sorted by row (a file that cannot be read at all
    /// is one problem on row 0). Nothing of the file may be imported.
    #[error("{}", describe_problems(.0))]
    Invalid(Vec<RowError>),
    /// The `.xlsx` workbook inflates beyond a [`ZipLimits`] limit (a zip bomb, or too big to
    /// import): refused before it is read, naming the zip entry.
    #[error("the workbook is refused: {0}")]
    ZipLimit(#[from] ZipLimitError),
    /// The records could not be written (e.g. more rows than one `.xlsx` worksheet holds).
    #[error("cannot write the file: {0}")]
    Write(String),
}

fn describe_problems(rows: &[RowError]) -> String {
    match rows {
        [] => "the file is invalid".to_string(),
        [one] => one.to_string(),
        many => {
            let mut out = format!("the file has {} problems:", many.len());
            for e in many {
                out.push_str("\n  ");
                out.push_str(&e.to_string());
            }
            out
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Sheets

/// The records read from a file, each with its row number (for the store to report problems it
/// finds, such as an unknown customer code, at the row the user knows).
#[derive(Debug, Clone, PartialEq)]
pub struct Parsed<T> {
    /// `(row number, record)`, in file order.
    pub rows: Vec<(usize, T)>,
}

impl<T> Parsed<T> {
    /// The records without their row numbers.
    pub fn into_records(self) -> Vec<T> {
        self.rows.into_iter().map(|(_, t)| t).collect()
    }
}

/// One column of a kind's sheet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    /// The input struct's field, as [`jike_domain::FieldError::field`] names it (`region_code`).
    pub field: &'static str,
    /// The Chinese header (`区域`).
    pub zh: &'static str,
    /// The English header (`region`); matched case-insensitively.
    pub en: &'static str,
    /// Other headers accepted on import (case-insensitive), e.g. `region_code`.
    pub aliases: &'static [&'static str],
    /// Whether the column must be in the file (the cell may still be optional).
    pub required: bool,
    /// Whether `.xlsx` export writes the column as number cells (longitude, years); every other
    /// column is written as text so that Excel keeps codes and phone numbers as typed.
    pub numeric: bool,
}

impl Column {
    /// The header of the column in `lang`.
    pub fn label(&self, lang: HeaderLang) -> &'static str {
        match lang {
            HeaderLang::Chinese => self.zh,
            HeaderLang::English => self.en,
        }
    }

    /// Whether a header (or a field name) names this column: the Chinese header, the English
    /// header, the field name or an alias. English is case-insensitive; the text is trimmed.
    pub fn matches(&self, header: &str) -> bool {
        let h = header.trim();
        h == self.zh
            || h.eq_ignore_ascii_case(self.en)
            || h.eq_ignore_ascii_case(self.field)
            || self.aliases.iter().any(|a| h.eq_ignore_ascii_case(a))
    }
}

/// A record type that is one row of a sheet: implemented for the inputs of the nine [`Kind`]s.
pub trait Sheet: Sized {
    /// The kind of file that holds these records.
    const KIND: Kind;

    /// The columns, in the order [`write()`] writes them and [`Sheet::to_cells`] gives the cells.
    fn columns() -> &'static [Column];

    /// Builds a record from one row and checks it on its own ([`jike_domain::Validate`]), or
    /// gives every problem of the row, each on the column the user knows.
    fn from_cells(cells: &Cells<'_>) -> Result<Self, Vec<RowError>>;

    /// The record's cells, in [`Sheet::columns`] order, as [`Sheet::from_cells`] reads them back.
    fn to_cells(&self) -> Vec<String>;

    /// The record's natural key (its `code`): unique within a file.
    fn natural_key(&self) -> &str;

    /// Whether the value of column `index` is not given at all (as opposed to empty): a circuit
    /// without `path` keeps its stored path. [`write()`] leaves out a column that every record
    /// leaves out, so that the file reads back the same.
    fn is_absent(&self, index: usize) -> bool {
        let _ = index;
        false
    }
}

/// Reads a file of `T` records. Either every record, or every problem of the file (see the crate
/// documentation). Never panics, whatever the bytes.
pub fn read<T: Sheet>(format: Format, bytes: &[u8]) -> Result<Parsed<T>, SheetError> {
    match format {
        Format::Csv => reader::read_csv(bytes, None),
        Format::Xlsx => reader::read_xlsx(bytes, None),
    }
}

/// Reads a file as [`read`] does, handing its good records on as they are read, in batches of
/// `batch` (the last may be smaller), so that a caller can write one batch while the next is
/// read. `expect` hears first about how many records to expect (an estimate). `take` is given
/// each batch with whether the file has been free of problems so far (`clean`); once the header
/// has been read, the good records of a bad file still go out, so that the caller can check
/// what this crate cannot (whether the codes they refer to exist) and report every problem of
/// the file at once. When the file has a problem the result is every problem, as with [`read`],
/// and the caller must not keep what it was given. `take` returns whether to go on reading
/// (false: the caller stopped, the rest of the file is not read and the result is `Ok`).
pub fn read_batches<T: Sheet>(
    format: Format,
    bytes: &[u8],
    batch: usize,
    expect: &mut dyn FnMut(usize),
    take: &mut dyn FnMut(Vec<(usize, T)>, bool) -> bool,
) -> Result<(), SheetError> {
    let sink = Some(reader::Sink {
        batch: batch.max(1),
        expect,
        take,
    });
    match format {
        Format::Csv => reader::read_csv(bytes, sink),
        Format::Xlsx => reader::read_xlsx(bytes, sink),
    }
    .map(|_| ())
}

/// Writes records as a file that [`read`] reads back to the same records.
pub fn write<T: Sheet>(
    format: Format,
    records: &[T],
    lang: HeaderLang,
) -> Result<Vec<u8>, SheetError> {
    match format {
        Format::Csv => writer::write_csv(records, lang),
        Format::Xlsx => writer::write_xlsx(records, lang),
    }
}

/// The header of the column that holds `field` in `lang`, e.g. `region_code` → `区域`; for
/// turning a store error on an input field back into the column the user knows. Accepts the
/// field name, either header or an alias; `None` when no column holds the field.
pub fn column_label<T: Sheet>(field: &str, lang: HeaderLang) -> Option<&'static str> {
    T::columns()
        .iter()
        .find(|c| c.matches(field))
        .map(|c| c.label(lang))
}
