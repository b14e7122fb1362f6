//! Reading: CSV and `.xlsx` both become rows of trimmed text cells, which one engine checks
//! against the kind's columns.

use std::borrow::Cow;
use std::io::Cursor;
use std::panic::{catch_unwind, AssertUnwindSafe};

use calamine::{DataRef, Reader, SheetType, Xlsx};

use crate::cells::{clip, Cells, RowCells};
use crate::zip_limits::{self, Refusal};
use crate::ZipLimits;
use crate::{Parsed, RowError, Sheet, SheetError, MAX_ERRORS};

/// The first bytes of a zip archive, which every `.xlsx` is.
pub(crate) const ZIP_MAGIC: &[u8] = b"PK\x03\x04";
/// The first bytes of an OLE compound file: an old `.xls`, or a password-protected `.xlsx`.
const OLE_MAGIC: &[u8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";
/// The widest worksheet Excel has (column XFD).
const MAX_COLUMNS: u32 = 16_384;

fn invalid(reason: impl Into<String>) -> SheetError {
    SheetError::Invalid(vec![RowError::file(reason)])
}

/// Runs a reader so that even a panic deep in a parser becomes a file-level problem: import must
/// never take the process down, whatever bytes it is given.
fn guarded<T>(
    what: &str,
    read: impl FnOnce() -> Result<Parsed<T>, SheetError>,
) -> Result<Parsed<T>, SheetError> {
    catch_unwind(AssertUnwindSafe(read)).unwrap_or_else(|_| {
        Err(invalid(format!(
            "the {what} file is damaged and cannot be read"
        )))
    })
}

// ---------------------------------------------------------------------------------------------
// CSV

/// Reads CSV: UTF-8 with or without BOM, else GB18030 (which includes GBK, what Excel in China
/// saves); RFC 4180 quoting; cells trimmed.
pub(crate) fn read_csv<T: Sheet>(
    bytes: &[u8],
    sink: Option<Sink<'_, T>>,
) -> Result<Parsed<T>, SheetError> {
    guarded("CSV", || {
        let text = decode(bytes)?;
        let mut engine = Engine::<T>::new(sink);
        // Room for the records: one a line, and no more than a short row (16 bytes) each.
        let lines = text.bytes().filter(|&b| b == b'\n').count();
        engine.expect(lines.min(text.len() / 16));
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(text.as_bytes());
        let mut record = csv::StringRecord::new();
        // The csv reader skips empty lines; a spreadsheet shows them as rows, so the row number
        // counts them: they are the line breaks that lead the text a record consumed.
        let mut row = 0usize;
        let mut consumed = 0usize;
        let mut after_cr = false;
        loop {
            match reader.read_record(&mut record) {
                Ok(true) => {}
                Ok(false) => break,
                Err(e) => {
                    engine.errors.push(RowError {
                        row: row + 1,
                        column: None,
                        reason: format!("the CSV cannot be read from here on: {e}"),
                    });
                    break;
                }
            }
            let end = usize::try_from(reader.position().byte())
                .unwrap_or(usize::MAX)
                .clamp(consumed, text.len());
            let taken = &text.as_bytes()[consumed..end];
            row += 1 + leading_line_breaks(taken, after_cr);
            after_cr = taken.last() == Some(&b'\r');
            consumed = end;
            if !engine.feed(row, RowCells::Record(&record), true, &[]) {
                break;
            }
        }
        engine.finish()
    })
}

/// How many line breaks (`\n`, `\r\n` or `\r`) lead `taken`: the empty lines the csv reader
/// skipped before a record. `after_cr`: the previous record ended on `\r`, so a leading `\n` is
/// the rest of its line break.
fn leading_line_breaks(taken: &[u8], after_cr: bool) -> usize {
    let mut i = usize::from(after_cr && taken.first() == Some(&b'\n'));
    let mut breaks = 0;
    while let Some(&b) = taken.get(i) {
        match b {
            b'\r' => {
                i += 1;
                if taken.get(i) == Some(&b'\n') {
                    i += 1;
                }
            }
            b'\n' => i += 1,
            _ => break,
        }
        breaks += 1;
    }
    breaks
}

/// The text of a CSV file, without BOM; a file that is no text at all is refused.
fn decode(bytes: &[u8]) -> Result<Cow<'_, str>, SheetError> {
    if bytes.starts_with(ZIP_MAGIC) {
        return Err(invalid(
            "the file is an .xlsx workbook (a zip archive), not CSV; import it as xlsx",
        ));
    }
    if bytes.starts_with(OLE_MAGIC) {
        return Err(invalid(
            "the file is an old Excel .xls (or password-protected) workbook, not CSV; save it as .xlsx or CSV",
        ));
    }
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        return Err(invalid(
            "the file is UTF-16 text (Excel's \"Unicode text\"); save it as \"CSV UTF-8\"",
        ));
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => Cow::Borrowed(text),
        Err(_) => {
            let (text, had_errors) = encoding_rs::GB18030.decode_without_bom_handling(bytes);
            if had_errors {
                return Err(invalid(
                    "the file is neither UTF-8 nor GB18030/GBK text; save it as \"CSV UTF-8\"",
                ));
            }
            text
        }
    };
    if text.contains('\0') {
        return Err(invalid("the file holds binary data, not CSV text"));
    }
    Ok(match text {
        Cow::Borrowed(t) => Cow::Borrowed(t.strip_prefix('\u{feff}').unwrap_or(t)),
        Cow::Owned(t) => match t.strip_prefix('\u{feff}') {
            Some(rest) => Cow::Owned(rest.to_string()),
            None => Cow::Owned(t),
        },
    })
}

// ---------------------------------------------------------------------------------------------
// XLSX

/// Reads the first worksheet of an `.xlsx` workbook. Cells are streamed (no dense grid is built,
/// so a stray cell at XFD1048576 costs nothing); whole numbers read as their digits, booleans as
/// `true`/`false`, dates as `YYYY-MM-DD[ HH:MM:SS]`; an error cell (`#N/A`) is a problem of its
/// row.
pub(crate) fn read_xlsx<T: Sheet>(
    bytes: &[u8],
    sink: Option<Sink<'_, T>>,
) -> Result<Parsed<T>, SheetError> {
    if !bytes.starts_with(ZIP_MAGIC) {
        return Err(invalid(if bytes.starts_with(OLE_MAGIC) {
            "the file is an old Excel .xls (or password-protected) workbook; save it as .xlsx without a password"
        } else if bytes.is_empty() {
            "the file is empty"
        } else {
            "the file is not an .xlsx workbook (it is not a zip archive)"
        }));
    }
    guarded(".xlsx", || {
        // Before calamine inflates anything (it reads the shared strings whole on opening).
        zip_limits::check(bytes, &ZipLimits::DEFAULT).map_err(|refusal| match refusal {
            Refusal::Limit(e) => SheetError::ZipLimit(e),
            Refusal::Damaged(row) => SheetError::Invalid(vec![row]),
        })?;
        read_xlsx_cells::<T>(bytes, sink)
    })
}

/// A cell's text, or the reason it has none (an error cell).
type CellText = Result<String, String>;

fn read_xlsx_cells<T: Sheet>(
    bytes: &[u8],
    sink: Option<Sink<'_, T>>,
) -> Result<Parsed<T>, SheetError> {
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes))
        .map_err(|e| invalid(format!("the .xlsx workbook cannot be opened: {e}")))?;
    let name = book
        .sheets_metadata()
        .iter()
        .find(|s| s.typ == SheetType::WorkSheet)
        .map(|s| s.name.clone())
        .ok_or_else(|| invalid("the workbook has no worksheet"))?;
    let mut cells: Vec<(u32, u32, CellText)> = Vec::new();
    {
        let mut reader = book
            .worksheet_cells_reader(&name)
            .map_err(|e| invalid(format!("the worksheet '{name}' cannot be read: {e}")))?;
        loop {
            let cell = match reader.next_cell() {
                Ok(Some(cell)) => cell,
                Ok(None) => break,
                Err(e) => return Err(invalid(format!("the worksheet '{name}' is damaged: {e}"))),
            };
            let (r, c) = cell.get_position();
            if c >= MAX_COLUMNS {
                continue;
            }
            let text = cell_text(cell.get_value());
            if text.as_ref().is_ok_and(|t| t.is_empty()) {
                continue;
            }
            cells.push((r, c, text));
        }
    }
    if !cells.is_sorted_by_key(|&(r, c, _)| (r, c)) {
        cells.sort_by_key(|&(r, c, _)| (r, c));
    }

    let mut engine = Engine::<T>::new(sink);
    engine.expect(cells.last().map_or(0, |c| c.0 as usize + 1));
    let mut texts: Vec<&str> = Vec::new();
    let mut cell_errors: Vec<(usize, String)> = Vec::new();
    for group in cells.chunk_by(|a, b| a.0 == b.0) {
        let r = group[0].0;
        let width = group.last().map_or(0, |&(_, c, _)| c as usize + 1);
        texts.clear();
        texts.resize(width, "");
        cell_errors.clear();
        for (_, c, text) in group {
            match text {
                Ok(t) => texts[*c as usize] = t.as_str(),
                Err(reason) => cell_errors.push((*c as usize, reason.clone())),
            }
        }
        if !engine.feed(r as usize + 1, RowCells::Slice(&texts), false, &cell_errors) {
            break;
        }
    }
    engine.finish()
}

/// The text of an `.xlsx` cell.
fn cell_text(value: &DataRef<'_>) -> CellText {
    Ok(match value {
        DataRef::Empty => String::new(),
        DataRef::String(s) => s.trim().to_string(),
        DataRef::SharedString(s) => s.trim().to_string(),
        DataRef::Int(i) => i.to_string(),
        DataRef::Float(f) => number_text(*f),
        DataRef::Bool(b) => b.to_string(),
        DataRef::DateTime(d) => {
            if d.is_duration() {
                number_text(d.as_f64())
            } else {
                let (y, mo, day, h, mi, s, ms) = d.to_ymd_hms_milli();
                if (h, mi, s, ms) == (0, 0, 0, 0) {
                    format!("{y:04}-{mo:02}-{day:02}")
                } else {
                    format!("{y:04}-{mo:02}-{day:02} {h:02}:{mi:02}:{s:02}")
                }
            }
        }
        DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.trim().to_string(),
        DataRef::Error(e) => return Err(format!("the cell holds the Excel error {e}")),
    })
}

/// A number as text: whole numbers without a fraction or exponent (a phone number typed into a
/// cell is stored as 13812345678.0 and reads `13812345678`), others as the shortest decimal that
/// reads back the same.
pub(crate) fn number_text(f: f64) -> String {
    if f.is_finite() && f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        format!("{f}")
    }
}

// ---------------------------------------------------------------------------------------------
// The engine

/// The problems of a file, at most [`MAX_ERRORS`] kept.
#[derive(Default)]
pub(crate) struct Errors {
    kept: Vec<RowError>,
    left_out: usize,
    first_left_out: usize,
}

impl Errors {
    pub(crate) fn push(&mut self, e: RowError) {
        if self.kept.len() < MAX_ERRORS {
            self.kept.push(e);
        } else {
            if self.left_out == 0 {
                self.first_left_out = e.row;
            }
            self.left_out += 1;
        }
    }

    fn is_empty(&self) -> bool {
        self.kept.is_empty()
    }

    /// Every kept problem sorted by row (stable: a row's problems stay in column order), and a
    /// last one saying how many were left out.
    fn into_vec(mut self) -> Vec<RowError> {
        self.kept.sort_by_key(|e| e.row);
        if self.left_out > 0 {
            self.kept.push(RowError {
                row: self.first_left_out,
                column: None,
                reason: format!(
                    "{} more problems from this row on are left out (only the first {MAX_ERRORS} are listed)",
                    self.left_out
                ),
            });
        }
        self.kept
    }
}

/// The header row, resolved against the kind's columns.
struct Header {
    /// By file position: the column index, `None` for a position with a blank header.
    slots: Vec<Option<usize>>,
    /// By column index: the header as written in the file, when the file has the column.
    labels: Vec<Option<String>>,
    /// By column index: the file position of the column, when the file has it.
    positions: Vec<Option<usize>>,
    /// Whether some header cell is blank.
    unnamed: bool,
    /// The positions up to the last named header cell: a CSV row needs at least these cells.
    named_width: usize,
}

impl Header {
    /// Where a problem's column is in the file, to list a row's problems left to right: whole-row
    /// problems first, then by position (a column without header is named by its letter).
    fn sort_key(&self, column: &Option<String>) -> usize {
        let Some(name) = column else { return 0 };
        self.labels
            .iter()
            .position(|l| l.as_deref() == Some(name.as_str()))
            .and_then(|i| self.positions[i])
            .or_else(|| letter_index(name))
            .map_or(usize::MAX, |p| p + 1)
    }
}

/// Where a streaming read hands its records: told first about how many to expect, then given
/// batches of the good ones, each with whether the file has been free of problems so far (see
/// [`crate::read_batches`]).
pub(crate) struct Sink<'s, T> {
    pub(crate) batch: usize,
    pub(crate) expect: &'s mut dyn FnMut(usize),
    /// Returns whether to go on reading.
    pub(crate) take: &'s mut dyn FnMut(Vec<(usize, T)>, bool) -> bool,
}

/// Checks rows one by one: the first non-blank row is the header, each later one a record.
pub(crate) struct Engine<'s, T: Sheet> {
    header: Option<Header>,
    pub(crate) errors: Errors,
    rows: Vec<(usize, T)>,
    /// Natural key → the row that has it.
    seen: foldhash::HashMap<String, usize>,
    sink: Option<Sink<'s, T>>,
    /// The sink wants no more.
    stopped: bool,
}

impl<'s, T: Sheet> Engine<'s, T> {
    pub(crate) fn new(sink: Option<Sink<'s, T>>) -> Self {
        Engine {
            header: None,
            errors: Errors::default(),
            rows: Vec::new(),
            seen: Default::default(),
            sink,
            stopped: false,
        }
    }

    /// Makes room for about `rows` records.
    pub(crate) fn expect(&mut self, rows: usize) {
        let rows = rows.min(1 << 20);
        match &mut self.sink {
            Some(sink) => {
                (sink.expect)(rows);
                self.rows.reserve(rows.min(sink.batch));
            }
            None => self.rows.reserve(rows),
        }
        self.seen.reserve(rows);
    }

    /// Hands the good records read so far to the sink, once there are a batch of them (or, at
    /// the end, whatever is left), saying whether the file has been free of problems so far: the
    /// sink may still check the records of a bad file (their references), never keep them.
    fn hand_on(&mut self, at_end: bool) {
        let Some(sink) = &mut self.sink else { return };
        if self.stopped {
            return;
        }
        if self.rows.len() >= sink.batch || (at_end && !self.rows.is_empty()) {
            let capacity = if at_end { 0 } else { sink.batch };
            let rows = std::mem::replace(&mut self.rows, Vec::with_capacity(capacity));
            if !(sink.take)(rows, self.errors.is_empty()) {
                self.stopped = true;
            }
        }
    }

    /// Takes one row (cells by file position, read trimmed). `strict`: the row must have a cell
    /// for every header cell (CSV); otherwise missing cells are empty (`.xlsx`). `cell_errors`:
    /// positions whose cell holds no value but an error. Returns whether to go on reading.
    pub(crate) fn feed(
        &mut self,
        row: usize,
        cells: RowCells<'_>,
        strict: bool,
        cell_errors: &[(usize, String)],
    ) -> bool {
        if cell_errors.is_empty() && cells.iter().all(str::is_empty) {
            return true;
        }
        match &self.header {
            None => match header::<T>(row, cells, cell_errors) {
                Ok(h) => {
                    self.header = Some(h);
                    true
                }
                Err(problems) => {
                    for p in problems {
                        self.errors.push(p);
                    }
                    // Rows cannot be read against a wrong header: report the header alone.
                    false
                }
            },
            Some(_) => {
                self.data(row, cells, strict, cell_errors);
                self.hand_on(false);
                !self.stopped
            }
        }
    }

    fn data(
        &mut self,
        row: usize,
        cells: RowCells<'_>,
        strict: bool,
        cell_errors: &[(usize, String)],
    ) {
        let Some(header) = &self.header else {
            return;
        };
        let width = header.slots.len();
        let named = header.named_width;
        if strict && (cells.len() < named || (width..cells.len()).any(|p| !cells.get(p).is_empty()))
        {
            self.errors.push(RowError {
                row,
                column: None,
                reason: format!(
                    "the row has {} cells but the header has {}; is a comma missing or too many, or a quote not closed?",
                    cells.len(),
                    if cells.len() < named { named } else { width }
                ),
            });
            return;
        }
        let mut problems: Vec<RowError> = Vec::new();
        let unnamed = |p: usize| header.slots.get(p).is_none_or(Option::is_none);
        let checked = if header.unnamed { 0 } else { width };
        for p in checked..cells.len() {
            if unnamed(p) && !cells.get(p).is_empty() {
                problems.push(RowError {
                    row,
                    column: Some(column_letter(p)),
                    reason: format!("column {} has a value but no header", column_letter(p)),
                });
            }
        }
        let mut failed: Vec<Option<String>> = Vec::new();
        for (p, reason) in cell_errors {
            let column = match header.slots.get(*p).copied().flatten() {
                Some(i) => header.labels[i].clone(),
                None => Some(column_letter(*p)),
            };
            failed.push(column.clone());
            problems.push(RowError {
                row,
                column,
                reason: reason.clone(),
            });
        }

        let view = Cells {
            row,
            columns: T::columns(),
            cells,
            positions: &header.positions,
            labels: &header.labels,
            next: std::cell::Cell::new(0),
        };

        // A natural key appears once per file (the first column of every kind is its code).
        let code = header.positions[0].map_or("", |p| cells.get(p));
        if !code.is_empty() {
            match self.seen.get(code) {
                Some(&first) => problems.push(RowError {
                    row,
                    column: header.labels[0].clone(),
                    reason: format!("the code '{}' is already on row {first}", clip(code)),
                }),
                None => {
                    self.seen.insert(code.to_string(), row);
                }
            }
        }

        // Reading in batches, the good records of a bad file still go out (to be checked, not
        // kept); read whole, a bad file's records are of no use.
        let keep = self.sink.is_some() || self.errors.is_empty();
        match T::from_cells(&view) {
            Ok(record) => {
                if problems.is_empty() && keep {
                    self.rows.push((row, record));
                }
            }
            Err(errors) => problems.extend(
                errors
                    .into_iter()
                    .filter(|e| e.column.is_none() || !failed.contains(&e.column)),
            ),
        }
        if !problems.is_empty() {
            problems.sort_by_key(|e| header.sort_key(&e.column));
            // Nothing of a bad file is imported: read whole, stop keeping records.
            if self.sink.is_none() {
                self.rows = Vec::new();
            }
            for p in problems {
                self.errors.push(p);
            }
        }
    }

    pub(crate) fn finish(mut self) -> Result<Parsed<T>, SheetError> {
        if self.header.is_some() {
            self.hand_on(true);
        }
        if !self.errors.is_empty() {
            return Err(SheetError::Invalid(self.errors.into_vec()));
        }
        if self.header.is_none() {
            return Err(SheetError::Invalid(vec![RowError {
                row: 1,
                column: None,
                reason: format!(
                    "the file is empty: there is no header row; the columns are {}",
                    accepted::<T>()
                ),
            }]));
        }
        Ok(Parsed { rows: self.rows })
    }
}

/// The header text as written, without BOM and surrounding white space.
fn written(cell: &str) -> &str {
    cell.trim_start_matches('\u{feff}').trim()
}

/// What the header is matched on: the written text without a trailing "required" mark.
fn header_key(written: &str) -> &str {
    written.trim_end_matches(['*', '＊']).trim_end()
}

/// The accepted columns, for messages: `客户编码 (code)*, 客户名称 (name)*, …`.
fn accepted<T: Sheet>() -> String {
    let names: Vec<String> = T::columns()
        .iter()
        .map(|c| format!("{} ({}){}", c.zh, c.en, if c.required { "*" } else { "" }))
        .collect();
    format!("{} (* = required)", names.join(", "))
}

/// Resolves the header row, or gives every problem with it: unknown columns, columns given twice
/// (under either of their names) and required columns missing.
fn header<T: Sheet>(
    row: usize,
    cells: RowCells<'_>,
    cell_errors: &[(usize, String)],
) -> Result<Header, Vec<RowError>> {
    let columns = T::columns();
    let mut slots = vec![None; cells.len()];
    let mut labels: Vec<Option<String>> = vec![None; columns.len()];
    let mut positions: Vec<Option<usize>> = vec![None; columns.len()];
    let mut problems = Vec::new();
    for (p, reason) in cell_errors {
        problems.push(RowError {
            row,
            column: Some(column_letter(*p)),
            reason: format!("{reason}; a header must be text"),
        });
    }
    for (p, cell) in cells.iter().enumerate() {
        let text = written(cell);
        let key = header_key(text);
        if key.is_empty() {
            continue;
        }
        match columns.iter().position(|c| c.matches(key)) {
            None => problems.push(RowError {
                row,
                column: Some(text.to_string()),
                reason: format!(
                    "unknown column '{}'; the accepted columns are {}",
                    clip(text),
                    accepted::<T>()
                ),
            }),
            Some(i) => match &labels[i] {
                Some(first) => problems.push(RowError {
                    row,
                    column: Some(text.to_string()),
                    reason: format!(
                        "column {} '{}' repeats column {} '{}': both are {} ({})",
                        column_letter(p),
                        clip(text),
                        column_letter(positions[i].unwrap_or(0)),
                        first,
                        columns[i].zh,
                        columns[i].en
                    ),
                }),
                None => {
                    labels[i] = Some(text.to_string());
                    positions[i] = Some(p);
                    slots[p] = Some(i);
                }
            },
        }
    }
    for (column, label) in columns.iter().zip(&labels) {
        if column.required && label.is_none() {
            problems.push(RowError {
                row,
                column: None,
                reason: format!(
                    "the required column {} ({}) is missing",
                    column.zh, column.en
                ),
            });
        }
    }
    if problems.is_empty() {
        Ok(Header {
            unnamed: slots.iter().any(Option::is_none),
            named_width: slots.iter().rposition(Option::is_some).map_or(0, |p| p + 1),
            slots,
            labels,
            positions,
        })
    } else {
        Err(problems)
    }
}

/// The spreadsheet letter of a 0-based column: 0 → `A`, 26 → `AA`.
pub(crate) fn column_letter(index: usize) -> String {
    let mut n = index + 1;
    let mut letters = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        letters.push(b'A' + rem as u8);
        n = (n - 1) / 26;
    }
    letters.reverse();
    String::from_utf8(letters).unwrap_or_default()
}

/// The 0-based index of a spreadsheet column letter: `A` → 0, `AA` → 26; `None` for other text.
fn letter_index(name: &str) -> Option<usize> {
    if name.is_empty() || name.len() > 3 || !name.bytes().all(|b| b.is_ascii_uppercase()) {
        return None;
    }
    let n = name
        .bytes()
        .fold(0usize, |n, b| n * 26 + usize::from(b - b'A') + 1);
    Some(n - 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_letters_are_excel_letters() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(column_letter(16_383), "XFD");
        for i in [0, 25, 26, 700, 16_383] {
            assert_eq!(letter_index(&column_letter(i)), Some(i));
        }
        assert_eq!(letter_index("A端"), None);
    }

    #[test]
    fn whole_numbers_read_without_fraction() {
        assert_eq!(number_text(13_812_345_678.0), "13812345678");
        assert_eq!(number_text(5.0), "5");
        assert_eq!(number_text(-0.0), "0");
        assert_eq!(number_text(113.25), "113.25");
        assert_eq!(number_text(1e20), "100000000000000000000");
    }

    #[test]
    fn headers_lose_bom_spaces_and_required_marks() {
        assert_eq!(written("\u{feff} 客户编码 "), "客户编码");
        assert_eq!(header_key("客户编码*"), "客户编码");
        assert_eq!(header_key("code ＊"), "code");
    }
}
