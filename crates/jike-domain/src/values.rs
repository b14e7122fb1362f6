//! Validated values: each can only be built through a parse that says what is wrong.

use std::fmt;

use serde::{Deserialize, Serialize};

/// One problem with one field of an input, e.g. `bandwidth: '100X' is not a bandwidth`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldError {
    /// The field, as named in the API (`customer_code`, `path[2].contractor`).
    pub field: String,
    pub reason: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, reason: impl fmt::Display) -> Self {
        FieldError {
            field: field.into(),
            reason: reason.to_string(),
        }
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.reason)
    }
}

/// One problem with one row of a batch of inputs (an imported file's row): which row, which
/// column, what is wrong. The reader of a file finds some (a value that does not parse), the
/// store others (a code that refers to nothing); both are reported together, by row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RowError {
    /// The row number as a spreadsheet shows it: the header is row 1, the first data row 2. Row 0
    /// is the file as a whole (it could not be read at all).
    pub row: usize,
    /// The column's header text as written in the file, when the problem belongs to a column;
    /// `None` for whole-row and file-level problems.
    pub column: Option<String>,
    /// What is wrong, e.g. `'100X' is not a bandwidth (write e.g. 2M, 100M, 1G)`.
    pub reason: String,
}

impl RowError {
    /// A problem of the whole file (row 0, no column).
    pub fn file(reason: impl Into<String>) -> RowError {
        RowError {
            row: 0,
            column: None,
            reason: reason.into(),
        }
    }

    /// A problem with a field of the input on `row`, reported on the column that holds the
    /// field (`column_of` names it from the field's name without index, `path` of `path[2].kind`),
    /// or, when no column holds it, naming the field in the reason.
    pub fn of_field(
        row: usize,
        e: FieldError,
        column_of: impl FnOnce(&str) -> Option<String>,
    ) -> RowError {
        let base = e.field.split(['[', '.']).next().unwrap_or(&e.field);
        match column_of(base) {
            Some(column) => RowError {
                row,
                column: Some(column),
                reason: e.reason,
            },
            None => RowError {
                row,
                column: None,
                reason: e.to_string(),
            },
        }
    }
}

impl fmt::Display for RowError {
    /// `row 3, column 带宽: '100X' is not a bandwidth …`, `row 4: …` or `file: …` for row 0.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.row, &self.column) {
            (0, None) => write!(f, "file: {}", self.reason),
            (0, Some(c)) => write!(f, "column {c}: {}", self.reason),
            (row, None) => write!(f, "row {row}: {}", self.reason),
            (row, Some(c)) => write!(f, "row {row}, column {c}: {}", self.reason),
        }
    }
}

/// Collects field errors while an input is checked, so that every problem is reported at once.
#[derive(Debug, Default)]
pub struct Problems(pub Vec<FieldError>);

impl Problems {
    pub fn add(&mut self, field: impl Into<String>, reason: impl fmt::Display) {
        self.0.push(FieldError::new(field, reason));
    }
    /// Records the error of `result`, if any, under `field`, and gives back the value.
    pub fn check<T, E: fmt::Display>(&mut self, field: &str, result: Result<T, E>) -> Option<T> {
        match result {
            Ok(v) => Some(v),
            Err(e) => {
                self.add(field, e);
                None
            }
        }
    }
    /// [`Problems::check`] whose field name is only written out when there is a problem (a
    /// path's `path[3].element`, checked for every hop of an import).
    pub fn check_with<T, E: fmt::Display>(
        &mut self,
        field: impl FnOnce() -> String,
        result: Result<T, E>,
    ) -> Option<T> {
        match result {
            Ok(v) => Some(v),
            Err(e) => {
                self.add(field(), e);
                None
            }
        }
    }
    pub fn into_result(self) -> Result<(), Vec<FieldError>> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(self.0)
        }
    }
}

/// Characters a code may not hold: they separate hops in the path notation or break CSV cells.
const CODE_FORBIDDEN: &[char] = &['>', '[', ']', ';', ',', '|', '"', '\''];
pub const CODE_MAX_CHARS: usize = 64;

/// Checks a natural key (客户编码, 专线编号, 网元编码, …): 1–64 characters, no white space, no
/// control characters and none of `> [ ] ; , | " '`.
pub fn check_code(text: &str) -> Result<(), String> {
    if text.is_empty() {
        return Err("must not be empty".into());
    }
    if text.chars().count() > CODE_MAX_CHARS {
        return Err(format!("is longer than {CODE_MAX_CHARS} characters"));
    }
    if let Some(c) = text.chars().find(|c| c.is_whitespace() || c.is_control()) {
        return Err(format!(
            "must not contain white space or control characters ({c:?})"
        ));
    }
    if let Some(c) = text.chars().find(|c| CODE_FORBIDDEN.contains(c)) {
        return Err(format!("must not contain '{c}'"));
    }
    Ok(())
}

/// Checks a required free-text field: not blank, at most `max` characters, no control characters
/// other than line breaks.
pub fn check_text(text: &str, max: usize) -> Result<(), String> {
    if text.trim().is_empty() {
        return Err("must not be empty".into());
    }
    check_optional_text(text, max)
}

/// Like [`check_text`] but an empty value is allowed.
pub fn check_optional_text(text: &str, max: usize) -> Result<(), String> {
    if text.chars().count() > max {
        return Err(format!("is longer than {max} characters"));
    }
    if text
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
    {
        return Err("must not contain control characters".into());
    }
    Ok(())
}

/// 带宽 a line's bandwidth in bits per second, written as a number and K, M or G (`2M`, `100M`,
/// `1G`, `2.5G`); `bps`/`b` suffixes and a space before the unit are accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Bandwidth(u64);

/// The largest bandwidth accepted: 10 Tbit/s.
const BANDWIDTH_MAX: u64 = 10_000_000_000_000;

impl Bandwidth {
    pub fn from_bps(bps: u64) -> Result<Self, String> {
        if bps == 0 {
            return Err("bandwidth must be greater than zero".into());
        }
        if bps > BANDWIDTH_MAX {
            return Err("bandwidth is larger than 10T".into());
        }
        Ok(Bandwidth(bps))
    }

    pub fn bps(self) -> u64 {
        self.0
    }

    pub fn parse(text: &str) -> Result<Self, String> {
        let bad = || {
            format!(
                "'{}' is not a bandwidth (write e.g. 2M, 100M, 1G)",
                text.trim()
            )
        };
        let mut t = text.trim().to_ascii_lowercase();
        for suffix in ["bit/s", "bps", "b/s", "b"] {
            if let Some(stripped) = t.strip_suffix(suffix) {
                t = stripped.to_string();
                break;
            }
        }
        let t = t.trim_end();
        let (number, factor) = match t.chars().last() {
            Some('k') => (&t[..t.len() - 1], 1_000u64),
            Some('m') => (&t[..t.len() - 1], 1_000_000),
            Some('g') => (&t[..t.len() - 1], 1_000_000_000),
            Some('t') => (&t[..t.len() - 1], 1_000_000_000_000),
            Some(c) if c.is_ascii_digit() => (t, 1),
            _ => return Err(bad()),
        };
        let number = number.trim();
        if number.is_empty() || !number.chars().all(|c| c.is_ascii_digit() || c == '.') {
            return Err(bad());
        }
        // Decimal arithmetic in integers: "2.5" G = 25 * 10^8.
        let (int_part, frac_part) = number.split_once('.').unwrap_or((number, ""));
        if int_part.is_empty() || frac_part.contains('.') || frac_part.len() > 9 {
            return Err(bad());
        }
        let int: u64 = int_part.parse().map_err(|_| bad())?;
        let mut bps = int.checked_mul(factor).ok_or_else(bad)?;
        if !frac_part.is_empty() {
            let frac: u128 = frac_part.parse().map_err(|_| bad())?;
            let scale = 10u128.pow(frac_part.len() as u32);
            let scaled = frac * u128::from(factor);
            if !scaled.is_multiple_of(scale) {
                return Err(format!(
                    "'{}' is not a whole number of bits per second",
                    text.trim()
                ));
            }
            let extra = u64::try_from(scaled / scale).map_err(|_| bad())?;
            bps = bps.checked_add(extra).ok_or_else(bad)?;
        }
        Bandwidth::from_bps(bps).map_err(|e| format!("'{}': {e}", text.trim()))
    }
}

impl fmt::Display for Bandwidth {
    /// The largest unit that divides evenly: 100000000 is `100M`, 2500000000 is `2500M`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (factor, unit) in [
            (1_000_000_000_000, "T"),
            (1_000_000_000, "G"),
            (1_000_000, "M"),
            (1_000, "K"),
        ] {
            if self.0.is_multiple_of(factor) {
                return write!(f, "{}{unit}", self.0 / factor);
            }
        }
        write!(f, "{}", self.0)
    }
}

impl Serialize for Bandwidth {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Bandwidth {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Bandwidth::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for Bandwidth {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{ObjectBuilder, Type};
        ObjectBuilder::new()
            .schema_type(Type::String)
            .pattern(Some(r"^\s*[0-9]+(\.[0-9]+)?\s*[KkMmGgTt]?\s*(bps|b)?\s*$"))
            .examples([serde_json::json!("100M")])
            .description(Some(
                "带宽: bits per second as a number and K, M, G or T, e.g. 2M, 100M, 1G",
            ))
            .into()
    }
}
#[cfg(feature = "openapi")]
impl utoipa::ToSchema for Bandwidth {}

/// Checks a telephone number: digits with an optional leading `+` and `-` or spaces between
/// groups, 5 to 20 digits.
pub fn check_phone(text: &str) -> Result<(), String> {
    let t = text.trim();
    let body = t.strip_prefix('+').unwrap_or(t);
    if !body
        .chars()
        .all(|c| c.is_ascii_digit() || c == '-' || c == ' ')
    {
        return Err(format!("'{t}' is not a telephone number"));
    }
    let digits = body.chars().filter(char::is_ascii_digit).count();
    if !(5..=20).contains(&digits) {
        return Err(format!(
            "'{t}' has {digits} digits; a telephone number has 5 to 20"
        ));
    }
    Ok(())
}

/// Masks a telephone number for listings (domain.md §10): `13812345678` → `138****5678`.
/// Keeps the first three and last four digits of numbers of eleven or more, the last two
/// otherwise.
pub fn mask_phone(phone: &str) -> String {
    let chars: Vec<char> = phone.chars().collect();
    let n = chars.len();
    let (head, tail) = if n >= 11 {
        (3, 4)
    } else if n > 4 {
        (0, 2)
    } else {
        (0, 0)
    };
    chars
        .iter()
        .enumerate()
        .map(|(i, c)| if i < head || i >= n - tail { *c } else { '*' })
        .collect()
}

/// Masks a person's name for listings (domain.md §10): `张伟` → `张*`, `欧阳娜娜` → `欧***`,
/// `Li Wei` → `L*****`.
pub fn mask_name(name: &str) -> String {
    let mut chars = name.chars();
    match chars.next() {
        None => String::new(),
        Some(first) => std::iter::once(first).chain(chars.map(|_| '*')).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_row_problem_names_its_column_or_else_its_field() {
        let e = FieldError::new("path[2].kind", "unknown hop kind 'x'");
        let labelled = RowError::of_field(4, e.clone(), |f| (f == "path").then(|| "路由".into()));
        assert_eq!(
            labelled.to_string(),
            "row 4, column 路由: unknown hop kind 'x'"
        );
        let bare = RowError::of_field(4, e, |_| None);
        assert_eq!(bare.column, None);
        assert_eq!(
            bare.to_string(),
            "row 4: path[2].kind: unknown hop kind 'x'"
        );
        assert_eq!(RowError::file("not a CSV").to_string(), "file: not a CSV");
        let header = RowError {
            row: 0,
            column: Some("带宽".into()),
            reason: "given twice".into(),
        };
        assert_eq!(header.to_string(), "column 带宽: given twice");
    }

    #[test]
    fn bandwidth_reads_operator_notation() {
        assert_eq!(Bandwidth::parse("2M").unwrap().bps(), 2_000_000);
        assert_eq!(Bandwidth::parse("100M").unwrap().bps(), 100_000_000);
        assert_eq!(Bandwidth::parse("1G").unwrap().bps(), 1_000_000_000);
        assert_eq!(Bandwidth::parse(" 2.5 Gbps ").unwrap().bps(), 2_500_000_000);
        assert_eq!(Bandwidth::parse("512k").unwrap().bps(), 512_000);
        assert_eq!(Bandwidth::parse("64000").unwrap().bps(), 64_000);
        assert_eq!(Bandwidth::parse("100Mb").unwrap().to_string(), "100M");
        assert_eq!(Bandwidth::parse("2.5G").unwrap().to_string(), "2500M");
    }

    #[test]
    fn bandwidth_refuses_nonsense_with_the_value_in_the_message() {
        for bad in [
            "",
            "M",
            "100X",
            "-1M",
            "1.2.3G",
            "0M",
            "1e9",
            "99999999999T",
            "1.0000000001K",
        ] {
            let err = Bandwidth::parse(bad).unwrap_err();
            assert!(err.contains(bad.trim()), "{bad}: {err}");
        }
    }

    proptest! {
        #[test]
        fn bandwidth_display_parses_back(bps in 1u64..=BANDWIDTH_MAX) {
            let b = Bandwidth::from_bps(bps).unwrap();
            prop_assert_eq!(Bandwidth::parse(&b.to_string()).unwrap(), b);
        }

        #[test]
        fn bandwidth_parse_never_panics(s in "\\PC{0,20}") {
            let _ = Bandwidth::parse(&s);
        }

        #[test]
        fn masks_keep_length(phone in "[0-9]{0,20}") {
            prop_assert_eq!(mask_phone(&phone).chars().count(), phone.chars().count());
        }
    }

    #[test]
    fn codes_refuse_separators_and_blanks() {
        assert!(check_code("GZ-PTN-0001").is_ok());
        assert!(check_code("广州/ETN0001NP").is_ok());
        assert_eq!(check_code("").unwrap_err(), "must not be empty");
        assert!(check_code("A B").unwrap_err().contains("white space"));
        assert!(check_code("A>B").unwrap_err().contains("'>'"));
        assert!(check_code(&"x".repeat(65)).unwrap_err().contains("64"));
    }

    #[test]
    fn phones_and_names_are_masked() {
        assert_eq!(mask_phone("13812345678"), "138****5678");
        assert_eq!(mask_phone("020-8888777"), "020****8777");
        assert_eq!(mask_phone("8888777"), "*****77");
        assert_eq!(mask_name("张伟"), "张*");
        assert_eq!(mask_name("欧阳娜娜"), "欧***");
        assert!(check_phone("+86 138-1234-5678").is_ok());
        assert!(check_phone("1234").is_err());
        assert!(check_phone("138x").is_err());
    }
}
