//! One data row, seen through the columns of its kind, and the helpers that turn its cells into
//! typed values while collecting every problem.

use std::net::IpAddr;
use std::str::FromStr;

use jike_domain::path::MAX_HOPS;
use jike_domain::values::check_code;
use jike_domain::{
    parse_path, Bandwidth, FieldError, HopInput, MaintenanceDomain, Validate, Vocabulary,
};

use crate::{Column, RowError};

/// The cells of one row as the file has them, by file position.
#[derive(Debug, Clone, Copy)]
pub(crate) enum RowCells<'a> {
    /// Cells already split out (`.xlsx`).
    Slice(&'a [&'a str]),
    /// A CSV record, read in place.
    Record(&'a csv::StringRecord),
}

impl<'a> RowCells<'a> {
    pub(crate) fn len(self) -> usize {
        match self {
            RowCells::Slice(s) => s.len(),
            RowCells::Record(r) => r.len(),
        }
    }

    /// The trimmed cell at `position`; empty beyond the end of the row. A CSV cell that export
    /// quoted against formula injection (`'=…`) loses its quote (`formula.rs`).
    pub(crate) fn get(self, position: usize) -> &'a str {
        match self {
            RowCells::Slice(s) => s.get(position).copied().unwrap_or("").trim(),
            RowCells::Record(r) => crate::formula::unquote(r.get(position).unwrap_or("").trim()),
        }
    }

    pub(crate) fn iter(self) -> impl Iterator<Item = &'a str> {
        (0..self.len()).map(move |p| self.get(p))
    }
}

/// The cells of one data row, by column: what [`crate::Sheet::from_cells`] reads.
///
/// Cells are trimmed. A column that is not in the file reads as an empty cell; use
/// [`Cells::has_column`] to tell the two apart.
#[derive(Debug)]
pub struct Cells<'a> {
    pub(crate) row: usize,
    pub(crate) columns: &'static [Column],
    /// The row as the file has it.
    pub(crate) cells: RowCells<'a>,
    /// By column index: the file position of the column, when the file has it.
    pub(crate) positions: &'a [Option<usize>],
    /// By column index: the header as written in the file, when the file has the column.
    pub(crate) labels: &'a [Option<String>],
    /// Where the next field is probably looked up: records read their fields in column order.
    pub(crate) next: std::cell::Cell<usize>,
}

impl<'a> Cells<'a> {
    /// The row number as a spreadsheet shows it (header = 1).
    pub fn row(&self) -> usize {
        self.row
    }

    fn index(&self, field: &str) -> Option<usize> {
        let guess = self.next.get();
        let found = if self.columns.get(guess).is_some_and(|c| c.field == field) {
            Some(guess)
        } else {
            self.columns.iter().position(|c| c.field == field)
        };
        if let Some(i) = found {
            self.next.set(i + 1);
        }
        found
    }

    /// The trimmed text of the cell of `field`; empty when the column is not in the file.
    pub fn get(&self, field: &str) -> &'a str {
        self.index(field)
            .and_then(|i| self.positions.get(i).copied().flatten())
            .map_or("", |p| self.cells.get(p))
    }

    /// Whether the file has the column of `field`.
    pub fn has_column(&self, field: &str) -> bool {
        self.index(field)
            .is_some_and(|i| self.label_at(i).is_some())
    }

    /// The header of `field`'s column as written in the file.
    pub fn label(&self, field: &str) -> Option<&'a str> {
        self.index(field).and_then(|i| self.label_at(i))
    }

    fn label_at(&self, index: usize) -> Option<&'a str> {
        self.labels.get(index).and_then(|l| l.as_deref())
    }

    /// A problem with the cell of `field`, on its column as the file names it.
    pub fn error(&self, field: &str, reason: impl Into<String>) -> RowError {
        let reason = reason.into();
        match self.label(field) {
            Some(label) => RowError {
                row: self.row,
                column: Some(label.to_string()),
                reason,
            },
            None => RowError {
                row: self.row,
                column: None,
                reason: format!("{field}: {reason}"),
            },
        }
    }

    /// Turns a problem that [`Validate`] found on an input field into a problem of this row:
    /// `region_code` goes to the 区域 column, `path[2].contractor` to the 路由 column (as
    /// `hop 3 contractor: …`). A field without a column in the file keeps its name in the reason.
    pub fn field_error(&self, e: &FieldError) -> RowError {
        self.field_error_at(e).1
    }

    /// Like [`Cells::field_error`], with the index of the column the error belongs to.
    fn field_error_at(&self, e: &FieldError) -> (Option<usize>, RowError) {
        let base = e.field.split(['[', '.']).next().unwrap_or(&e.field);
        let index = self
            .index(base)
            .or_else(|| self.columns.iter().position(|c| c.matches(base)));
        let label = index.and_then(|i| self.label_at(i));
        let error = match label {
            Some(label) => RowError {
                row: self.row,
                column: Some(label.to_string()),
                reason: if e.field == base {
                    e.reason.clone()
                } else {
                    format!("{}: {}", describe_subfield(&e.field), e.reason)
                },
            },
            None => RowError {
                row: self.row,
                column: None,
                reason: format!("{}: {}", e.field, e.reason),
            },
        };
        (index, error)
    }
}

/// `path[2].contractor` → `hop 3 contractor`, the words of the path notation (hops count from 1
/// there, from 0 in field names).
fn describe_subfield(field: &str) -> String {
    if let Some(rest) = field.strip_prefix("path[") {
        if let Some((n, tail)) = rest.split_once(']') {
            if let Ok(i) = n.parse::<usize>() {
                let tail = tail.trim_start_matches('.');
                return if tail.is_empty() {
                    format!("hop {}", i + 1)
                } else {
                    format!("hop {} {tail}", i + 1)
                };
            }
        }
    }
    field.to_string()
}

/// Reads typed values out of a row's cells. A value that does not parse records a problem on its
/// column and gives a placeholder, so that the rest of the row is still checked; [`Fields::finish`]
/// then validates the record and reports every problem, leaving out what [`Validate`] says about
/// columns that already failed to parse.
pub(crate) struct Fields<'c, 'a> {
    cells: &'c Cells<'a>,
    errors: Vec<RowError>,
    /// Bit `i`: column `i` already has a problem.
    failed: u64,
}

impl<'c, 'a> Fields<'c, 'a> {
    pub(crate) fn new(cells: &'c Cells<'a>) -> Self {
        debug_assert!(cells.columns.len() <= 64);
        Fields {
            cells,
            errors: Vec::new(),
            failed: 0,
        }
    }

    fn fail(&mut self, field: &str, reason: impl Into<String>) {
        if let Some(i) = self.cells.index(field) {
            self.failed |= 1 << i;
        }
        self.errors.push(self.cells.error(field, reason));
    }

    /// What [`Validate`] says of `field` is left out when the cell of `on` did not parse: a
    /// rule tying the two would only repeat that problem (an unknown level's parent).
    pub(crate) fn depends(&mut self, field: &str, on: &str) {
        let (Some(f), Some(o)) = (self.cells.index(field), self.cells.index(on)) else {
            return;
        };
        if self.failed & (1 << o) != 0 {
            self.failed |= 1 << f;
        }
    }

    /// The cell as an owned string.
    pub(crate) fn text(&self, field: &str) -> String {
        self.cells.get(field).to_string()
    }

    /// The cell, or `None` when it is empty.
    pub(crate) fn optional(&self, field: &str) -> Option<String> {
        let v = self.cells.get(field);
        (!v.is_empty()).then(|| v.to_string())
    }

    /// A vocabulary value by code or Chinese name (domain.md §11); `default` when the cell is
    /// empty, a problem when it is empty and there is no default.
    pub(crate) fn vocab<V: Vocabulary>(&mut self, field: &str, default: Option<V>) -> V {
        let v = self.cells.get(field);
        if v.is_empty() {
            if let Some(d) = default {
                return d;
            }
            let codes: Vec<&str> = V::ALL.iter().map(|v| v.code()).collect();
            self.fail(
                field,
                format!(
                    "a {} is required; expected one of: {}",
                    V::WHAT,
                    codes.join(", ")
                ),
            );
            return V::ALL[0];
        }
        match V::parse(v) {
            Ok(value) => value,
            Err(e) => {
                self.fail(field, e.to_string());
                V::ALL[0]
            }
        }
    }

    /// A list of vocabulary values separated by `,` `;` `、` `|`.
    pub(crate) fn list<V: Vocabulary + Ord>(&mut self, field: &str) -> Vec<V> {
        match jike_domain::parse_list(self.cells.get(field)) {
            Ok(list) => list,
            Err(e) => {
                self.fail(field, e.to_string());
                Vec::new()
            }
        }
    }

    /// A list of texts (codes or names) separated by `,` `;` `，` `；` `、` `|`, in the file's
    /// order, without empty items or repeats.
    pub(crate) fn texts(&self, field: &str) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for item in self
            .cells
            .get(field)
            .split([',', ';', '，', '；', '、', '|'])
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            if !out.iter().any(|o| o == item) {
                out.push(item.to_string());
            }
        }
        out
    }

    /// A calendar date (required): `2026-01-31`, `2026/1/31`, `2026.1.31` or `2026年1月31日`
    /// (an `.xlsx` date cell reads as the first).
    pub(crate) fn date(&mut self, field: &str) -> chrono::NaiveDate {
        let v = self.cells.get(field);
        let placeholder = chrono::NaiveDate::from_ymd_opt(2000, 1, 1).expect("a date");
        if v.is_empty() {
            self.fail(field, "a date is required (write e.g. 2026-01-31)");
            return placeholder;
        }
        match parse_date(v) {
            Some(d) => d,
            None => {
                self.fail(
                    field,
                    format!("'{}' is not a date (write e.g. 2026-01-31)", clip(v)),
                );
                placeholder
            }
        }
    }

    /// A bandwidth such as `100M` (required).
    pub(crate) fn bandwidth(&mut self, field: &str) -> Bandwidth {
        let v = self.cells.get(field);
        let parsed = if v.is_empty() {
            Err("a bandwidth is required (write e.g. 2M, 100M, 1G)".to_string())
        } else {
            Bandwidth::parse(v)
        };
        parsed.unwrap_or_else(|e| {
            self.fail(field, e);
            Bandwidth::from_bps(1).expect("1 bit/s is a bandwidth")
        })
    }

    /// A whole number from 0 to 255; 0 when the cell is empty. `5.0` is read as 5.
    pub(crate) fn small_number(&mut self, field: &str) -> u8 {
        let v = self.cells.get(field);
        if v.is_empty() {
            return 0;
        }
        if let Ok(n) = v.parse::<u8>() {
            return n;
        }
        match v.parse::<f64>() {
            Ok(f) if f.fract() == 0.0 && (0.0..=255.0).contains(&f) => f as u8,
            _ => {
                self.fail(
                    field,
                    format!("'{}' is not a whole number from 0 to 255", clip(v)),
                );
                0
            }
        }
    }

    /// A decimal number (a coordinate); `None` when the cell is empty.
    pub(crate) fn decimal(&mut self, field: &str) -> Option<f64> {
        let v = self.cells.get(field);
        if v.is_empty() {
            return None;
        }
        match v.parse::<f64>() {
            Ok(f) if f.is_finite() => Some(f),
            _ => {
                self.fail(field, format!("'{}' is not a number", clip(v)));
                None
            }
        }
    }

    /// An IPv4 or IPv6 address; `None` when the cell is empty.
    pub(crate) fn ip(&mut self, field: &str) -> Option<IpAddr> {
        let v = self.cells.get(field);
        if v.is_empty() {
            return None;
        }
        match IpAddr::from_str(v) {
            Ok(ip) => Some(ip),
            Err(_) => {
                self.fail(field, format!("'{}' is not an IP address", clip(v)));
                None
            }
        }
    }

    /// A path in the one-line notation of [`jike_domain::path`]: `None` when the file has no such
    /// column (the stored path is kept), `Some(vec![])` for an empty cell (the path is cleared).
    pub(crate) fn path(&mut self, field: &str) -> Option<Vec<HopInput>> {
        if !self.cells.has_column(field) {
            return None;
        }
        match read_path(self.cells.get(field)) {
            Ok(hops) => Some(hops),
            Err(e) => {
                let (_, error) = self.cells.field_error_at(&e);
                if let Some(i) = self.cells.index(field) {
                    self.failed |= 1 << i;
                }
                self.errors.push(error);
                Some(Vec::new())
            }
        }
    }

    /// Validates the record built from the cells and gives it back, or every problem of the row.
    pub(crate) fn finish<T: Validate>(mut self, record: T) -> Result<T, Vec<RowError>> {
        if let Err(problems) = record.validate() {
            for e in &problems {
                let (index, error) = self.cells.field_error_at(e);
                if index.is_some_and(|i| self.failed & (1 << i) != 0) {
                    continue;
                }
                self.errors.push(error);
            }
        }
        if self.errors.is_empty() {
            Ok(record)
        } else {
            Err(self.errors)
        }
    }
}

/// Reads the path notation exactly as [`jike_domain::parse_path`] does. A good path is read here
/// without the allocations `parse_path` makes for every hop's field name (they dominate a large
/// circuit import); anything this reader does not accept goes to `parse_path`, so its problems
/// are the domain's own. The test `fast_paths_read_like_parse_path` holds the two together.
pub(crate) fn read_path(text: &str) -> Result<Vec<HopInput>, FieldError> {
    fast_path(text).map_or_else(|| parse_path(text), Ok)
}

/// The path of `text` when it is certainly good, else `None`.
fn fast_path(text: &str) -> Option<Vec<HopInput>> {
    let text = text.trim();
    if text.is_empty() {
        return Some(Vec::new());
    }
    let mut hops = Vec::with_capacity(4);
    for part in text.split('>') {
        let part = part.trim();
        if part.is_empty() || hops.len() == MAX_HOPS {
            return None;
        }
        if let Some(inner) = part.strip_prefix('[') {
            let inner = inner.strip_suffix(']')?;
            let mut fields = inner.split(';').map(str::trim);
            let (label, domain, contractor) = (fields.next()?, fields.next()?, fields.next()?);
            if fields.next().is_some() {
                return None;
            }
            let domain = MaintenanceDomain::parse(domain).ok()?;
            check_code(label).ok()?;
            check_code(contractor).ok()?;
            hops.push(HopInput::segment(label, domain, contractor));
        } else {
            if part.contains([']', ';']) {
                return None;
            }
            check_code(part).ok()?;
            hops.push(HopInput::element(part));
        }
    }
    Some(hops)
}

/// A date as people write it in a spreadsheet: year, month and day separated by `-`, `/` or
/// `.`, or `2026年1月31日`; a time of day after it (an `.xlsx` date-time cell) is ignored.
fn parse_date(text: &str) -> Option<chrono::NaiveDate> {
    let date = text.split([' ', 'T']).next().unwrap_or(text);
    let date = date.trim_end_matches('日');
    let parts: Vec<&str> = date.split(['-', '/', '.', '年', '月']).collect();
    let [y, m, d] = parts.as_slice() else {
        return None;
    };
    if y.len() != 4 || m.is_empty() || m.len() > 2 || d.is_empty() || d.len() > 2 {
        return None;
    }
    chrono::NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
}

/// A cell's text cut to 80 characters, for messages.
pub(crate) fn clip(text: &str) -> String {
    match text.char_indices().nth(80) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_subfields_read_as_hops_counted_from_one() {
        assert_eq!(describe_subfield("path[0].segment"), "hop 1 segment");
        assert_eq!(describe_subfield("path[2]"), "hop 3");
        assert_eq!(describe_subfield("region_code"), "region_code");
    }

    #[test]
    fn fast_paths_read_like_parse_path() {
        let mut texts: Vec<String> = [
            "",
            "  ",
            "OLT-1",
            "OLT-0001 > [FIB-0001;汇聚层;CT01] > ONU-0001",
            " [ F1 ; aggregation ; CT1 ] ",
            "A > > B",
            "A >",
            "> A",
            "A > [F;aggregation",
            "[F;aggregation] > A",
            "[F;sky;CT] > A",
            "[F;aggregation;CT;X]",
            "[;aggregation;CT]",
            "[F;aggregation;]",
            "[F;aggregation;C T]",
            "A;B",
            "A]B",
            "A B",
            "[A]",
            "[[A;aggregation;CT]]",
            "广州/ETN0001NP > [光缆1;线路;代维一]",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        texts.push(vec!["E"; MAX_HOPS].join(">"));
        texts.push(vec!["E"; MAX_HOPS + 1].join(">"));
        texts.push(format!("{} > B", "x".repeat(65)));
        // Every short string over an alphabet of the notation's characters.
        let alphabet = ['A', '>', '[', ']', ';', ' ', 'a'];
        let mut frontier = vec![String::new()];
        for _ in 0..5 {
            let mut next = Vec::new();
            for s in &frontier {
                for c in alphabet {
                    let mut t = s.clone();
                    t.push(c);
                    next.push(t);
                }
            }
            texts.extend(next.iter().cloned());
            frontier = next;
        }
        for t in ["aggregation", "线路", "[X;", ";CT]"] {
            let snapshot = texts.clone();
            texts.extend(snapshot.iter().map(|s| s.replace('a', t)));
        }
        let mut fast = 0;
        for text in &texts {
            let slow = parse_path(text);
            match fast_path(text) {
                Some(hops) => {
                    fast += 1;
                    assert_eq!(slow, Ok(hops), "{text:?}");
                }
                None => assert!(slow.is_err(), "{text:?} is good but was left to parse_path"),
            }
            assert_eq!(read_path(text), slow);
        }
        assert!(fast > 100, "{fast}");
    }

    #[test]
    fn dates_read_as_written_in_spreadsheets() {
        let d = chrono::NaiveDate::from_ymd_opt(2026, 1, 31);
        for text in [
            "2026-01-31",
            "2026/1/31",
            "2026.01.31",
            "2026年1月31日",
            "2026-01-31 00:00:00",
        ] {
            assert_eq!(parse_date(text), d, "{text}");
        }
        for text in [
            "31/01/2026",
            "2026-13-01",
            "2026-02-30",
            "tomorrow",
            "2026-1",
            "20260131",
        ] {
            assert_eq!(parse_date(text), None, "{text}");
        }
    }

    #[test]
    fn clip_cuts_long_text_on_a_char_boundary() {
        let long = "长".repeat(100);
        let clipped = clip(&long);
        assert_eq!(clipped.chars().count(), 81);
        assert!(clipped.ends_with('…'));
        assert_eq!(clip("ab"), "ab");
    }
}
