//! Writing: records back to the files that [`crate::read`] reads.

use rust_xlsxwriter::{Format as CellFormat, Workbook};

use crate::{formula, HeaderLang, Sheet, SheetError};

/// The most rows of one `.xlsx` worksheet, header included.
const XLSX_MAX_ROWS: usize = 1_048_576;
/// How many records are looked at to size the columns.
const WIDTH_SAMPLE: usize = 1000;

/// The columns to write: all of them, except one that every record leaves out
/// ([`Sheet::is_absent`]), so that reading the file back gives the same records.
fn written_columns<T: Sheet>(records: &[T]) -> Vec<usize> {
    (0..T::columns().len())
        .filter(|&i| records.is_empty() || !records.iter().all(|r| r.is_absent(i)))
        .collect()
}

/// CSV, UTF-8 with a byte-order mark (so that Excel in China opens it as UTF-8, not GBK), `\n`
/// line ends, quoted where RFC 4180 needs it. The reader skips the mark. A cell that begins like
/// a formula (`=`, `+`, `-`, `@`, tab, CR) and is no plain number is written with a `'` in
/// front, which the reader takes off again (OWASP CSV injection; see `formula.rs`).
pub(crate) fn write_csv<T: Sheet>(records: &[T], lang: HeaderLang) -> Result<Vec<u8>, SheetError> {
    let columns = T::columns();
    let kept = written_columns(records);
    let mut buffer = Vec::with_capacity(64 + records.len() * 96);
    buffer.extend_from_slice("\u{feff}".as_bytes());
    let mut out = csv::Writer::from_writer(buffer);
    let fail = |e: csv::Error| SheetError::Write(e.to_string());
    out.write_record(kept.iter().map(|&i| columns[i].label(lang)))
        .map_err(fail)?;
    for record in records {
        let cells = record.to_cells();
        // Cells a spreadsheet would run as formulas get a `'` in front (`formula.rs`).
        for &i in &kept {
            out.write_field(formula::neutralize(&cells[i]).as_bytes())
                .map_err(fail)?;
        }
        out.write_record(None::<&[u8]>).map_err(fail)?;
    }
    out.into_inner()
        .map_err(|e| SheetError::Write(e.error().to_string()))
}

/// The width of a text in Excel character units: CJK characters take two.
fn display_width(text: &str) -> usize {
    text.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum()
}

/// One worksheet named after the kind, a bold frozen header row, text cells (so that Excel keeps
/// codes such as `00123` and phone numbers as written) except for numeric columns, and column
/// widths that fit the values.
pub(crate) fn write_xlsx<T: Sheet>(records: &[T], lang: HeaderLang) -> Result<Vec<u8>, SheetError> {
    if records.len() >= XLSX_MAX_ROWS {
        return Err(SheetError::Write(format!(
            "{} rows do not fit in one .xlsx worksheet (at most {}); export as CSV",
            records.len(),
            XLSX_MAX_ROWS - 1
        )));
    }
    let fail = |e: rust_xlsxwriter::XlsxError| SheetError::Write(e.to_string());
    let columns = T::columns();
    let kept = written_columns(records);

    let mut widths: Vec<usize> = kept
        .iter()
        .map(|&i| display_width(columns[i].label(lang)))
        .collect();
    for record in records.iter().take(WIDTH_SAMPLE) {
        let cells = record.to_cells();
        for (w, &i) in widths.iter_mut().zip(&kept) {
            *w = (*w).max(display_width(&cells[i]));
        }
    }

    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet
        .set_name(match lang {
            HeaderLang::Chinese => T::KIND.zh(),
            HeaderLang::English => T::KIND.code(),
        })
        .map_err(fail)?;
    let bold = CellFormat::new().set_bold();
    let text = CellFormat::new().set_num_format("@");
    for (j, &i) in kept.iter().enumerate() {
        let col = j as u16;
        let width = (widths[j] + 2).clamp(8, 60);
        sheet.set_column_width(col, width as f64).map_err(fail)?;
        if !columns[i].numeric {
            sheet.set_column_format(col, &text).map_err(fail)?;
        }
        sheet
            .write_string_with_format(0, col, columns[i].label(lang), &bold)
            .map_err(fail)?;
    }
    for (n, record) in records.iter().enumerate() {
        let row = n as u32 + 1;
        let cells = record.to_cells();
        for (j, &i) in kept.iter().enumerate() {
            let value = &cells[i];
            if value.is_empty() {
                continue;
            }
            let col = j as u16;
            if columns[i].numeric {
                if let Ok(number) = value.parse::<f64>() {
                    if number.is_finite() {
                        sheet.write_number(row, col, number).map_err(fail)?;
                        continue;
                    }
                }
            }
            sheet
                .write_string_with_format(row, col, value, &text)
                .map_err(fail)?;
        }
    }
    sheet.set_freeze_panes(1, 0).map_err(fail)?;
    book.save_to_buffer().map_err(fail)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_takes_two_units() {
        assert_eq!(display_width("code"), 4);
        assert_eq!(display_width("客户编码"), 8);
    }
}
