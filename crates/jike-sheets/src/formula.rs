//! CSV formula injection (OWASP "CSV Injection"): a spreadsheet opening a CSV runs a cell that
//! begins with `=`, `+`, `-` or `@` as a formula (`=HYPERLINK("http://evil")`, DDE
//! `=cmd|' /C calc'!A0`), and a leading tab or carriage return can hide such a lead. Export
//! writes such a cell with a single quote in front, which makes spreadsheets take it as text;
//! import takes the quote off again, so a file exported and imported again reads the same.
//!
//! A cell that is a plain decimal number (`-5`, `+86`, `-113.25`, `1e3`) is written as it is:
//! a spreadsheet reads it as a number, not a formula, and quoting it would turn negative
//! longitudes and `+86` phone numbers into text. Anything else that begins with one of those
//! characters is quoted, `-1+1` and `-inf` included.

use std::borrow::Cow;

/// The first characters that make a spreadsheet take a cell as a formula.
const FORMULA_LEADS: &[u8] = b"=+-@\t\r";

/// Whether `text` is a plain decimal number: an optional sign, digits with at most one decimal
/// point, and an optional exponent.
fn is_plain_number(text: &str) -> bool {
    let b = text.as_bytes();
    let mut i = usize::from(matches!(b.first(), Some(b'+' | b'-')));
    let digits = |i: &mut usize| {
        let start = *i;
        while b.get(*i).is_some_and(u8::is_ascii_digit) {
            *i += 1;
        }
        *i - start
    };
    let mut mantissa = digits(&mut i);
    if b.get(i) == Some(&b'.') {
        i += 1;
        mantissa += digits(&mut i);
    }
    if mantissa == 0 {
        return false;
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

/// Whether `text` (without any quotes in front) begins like a formula.
fn leads_a_formula(text: &str) -> bool {
    text.as_bytes()
        .first()
        .is_some_and(|b| FORMULA_LEADS.contains(b))
}

/// The cell as CSV export writes it: with a `'` in front when it begins with a formula lead
/// (and is no plain number), or with quotes already in front of one (`'=x`), so that
/// [`unquote`] gives back exactly `text`.
pub(crate) fn neutralize(text: &str) -> Cow<'_, str> {
    // White space alone reads back as an empty cell (cells are trimmed): nothing to run.
    if leads_a_formula(text.trim_start_matches('\''))
        && !text.trim().is_empty()
        && !is_plain_number(text)
    {
        Cow::Owned(format!("'{text}"))
    } else {
        Cow::Borrowed(text)
    }
}

/// The cell as CSV import reads it: one `'` taken off a cell that [`neutralize`] quoted (quotes
/// followed by a formula lead); any other cell as it is.
pub(crate) fn unquote(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if leads_a_formula(rest.trim_start_matches('\'')) => rest,
        _ => cell,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_leads_are_quoted() {
        for cell in [
            "=HYPERLINK(\"http://x\")",
            "@SUM(1)",
            "+cmd|' /C calc'!A0",
            "-1+1",
            "-inf",
            "\tfoo",
            "\r=1",
            "'=1",
            "''@x",
            "-",
            "+",
        ] {
            assert_eq!(neutralize(cell), format!("'{cell}"), "{cell:?}");
            assert_eq!(unquote(&neutralize(cell)), cell, "{cell:?}");
        }
    }

    #[test]
    fn plain_numbers_and_other_text_are_left_alone() {
        for cell in [
            "-5",
            "+8613812345678",
            "-113.25",
            "-.5",
            "1e3",
            "-2.5E-3",
            "113.25",
            "客户",
            "a=b",
            "'quoted",
            "'",
            "",
            " =x",
            "\t",
            "\t\r ",
        ] {
            assert_eq!(neutralize(cell), cell, "{cell:?}");
            assert_eq!(unquote(cell), cell, "{cell:?}");
        }
        for not_a_number in ["-", "-.", "-1e", "-1e+", "--1", "-1.2.3", "-0x10"] {
            assert!(!is_plain_number(not_a_number), "{not_a_number}");
        }
    }
}
