//! Calendar months (月) in Asia/Shanghai (+08:00, no daylight saving; `calendar.rs`): the period
//! of the scorecards and the customer reports. A month is `[00:00 of its 1st day, 00:00 of the
//! next month's)` local time; an outage across a month boundary is split between the months by
//! [`split_by_month`].

use serde::{Deserialize, Serialize};

use super::interval::Span;
use crate::calendar::{civil_from_days, day_start, days_from_civil, CHINA_OFFSET, DAY, YEARS};

/// A local calendar month, `2026-01`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month {
    year: i32,
    month: u32,
}

/// A month that is not `YYYY-MM` (or out of the calendar's years).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{0}' is not a month like 2026-01")]
pub struct MonthError(pub String);

impl Month {
    /// The month `year-month`, for years in the calendar's range (1971..=9998).
    pub fn new(year: i32, month: u32) -> Option<Month> {
        (YEARS.contains(&year) && (1..=12).contains(&month)).then_some(Month { year, month })
    }

    pub fn year(self) -> i32 {
        self.year
    }

    /// 1 to 12.
    pub fn month(self) -> u32 {
        self.month
    }

    /// Parses `YYYY-MM`.
    pub fn parse(text: &str) -> Result<Month, MonthError> {
        let t = text.trim();
        let bad = || MonthError(t.chars().take(40).collect());
        let (y, m) = t.split_once('-').ok_or_else(bad)?;
        if y.len() != 4 || m.len() != 2 || !(y.bytes().chain(m.bytes())).all(|b| b.is_ascii_digit())
        {
            return Err(bad());
        }
        let (y, m) = (y.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
        Month::new(y, m).ok_or_else(bad)
    }

    /// The local month an instant falls in (instants before 1971 or after 9998 clamp to the
    /// first or last month).
    pub fn of(t: i64) -> Month {
        let day = t.saturating_add(i64::from(CHINA_OFFSET)).div_euclid(DAY);
        let (y, m, _) = civil_from_days(day.clamp(
            days_from_civil(*YEARS.start(), 1, 1),
            days_from_civil(*YEARS.end(), 12, 31),
        ));
        Month { year: y, month: m }
    }

    /// 00:00 local of its first day, Unix seconds.
    pub fn start(self) -> i64 {
        day_start(days_from_civil(self.year, self.month, 1), CHINA_OFFSET)
    }

    /// 00:00 local of the next month's first day (exclusive end).
    pub fn end(self) -> i64 {
        let (y, m) = if self.month == 12 {
            (self.year + 1, 1)
        } else {
            (self.year, self.month + 1)
        };
        day_start(days_from_civil(y, m, 1), CHINA_OFFSET)
    }

    /// `[start, end)`.
    pub fn span(self) -> Span {
        Span::new(self.start(), self.end())
    }

    /// The next month (the last month stays).
    pub fn next(self) -> Month {
        let (y, m) = if self.month == 12 {
            (self.year + 1, 1)
        } else {
            (self.year, self.month + 1)
        };
        Month::new(y, m).unwrap_or(self)
    }

    /// The month before (the first month stays).
    pub fn prev(self) -> Month {
        let (y, m) = if self.month == 1 {
            (self.year - 1, 12)
        } else {
            (self.year, self.month - 1)
        };
        Month::new(y, m).unwrap_or(self)
    }

    /// The `n` months ending with this one, oldest first: the 12-month trend of a scorecard is
    /// `month.trend(12)`.
    pub fn trend(self, n: usize) -> Vec<Month> {
        let mut out = Vec::with_capacity(n);
        let mut m = self;
        for _ in 0..n {
            out.push(m);
            if m.prev() == m {
                break;
            }
            m = m.prev();
        }
        out.reverse();
        out
    }
}

impl std::fmt::Display for Month {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

impl std::str::FromStr for Month {
    type Err = MonthError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Month::parse(s)
    }
}

impl Serialize for Month {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Month {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Month::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for Month {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{ObjectBuilder, Type};
        ObjectBuilder::new()
            .schema_type(Type::String)
            .pattern(Some(r"^[0-9]{4}-[0-9]{2}$"))
            .examples([serde_json::json!("2026-01")])
            .description(Some(
                "月份: a local calendar month in Asia/Shanghai, YYYY-MM",
            ))
            .into()
    }
}
#[cfg(feature = "openapi")]
impl utoipa::ToSchema for Month {}

/// Splits a span by local months: each month that holds part of it gets that part. The parts
/// are in order and sum to the span's length.
pub fn split_by_month(span: Span) -> Vec<(Month, Span)> {
    let mut out = Vec::new();
    if span.is_empty() {
        return out;
    }
    let mut m = Month::of(span.start);
    loop {
        if let Some(part) = span.clip(m.span()) {
            out.push((m, part));
        }
        if m.end() >= span.end || m.next() == m {
            break;
        }
        m = m.next();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sla::parse_time;
    use proptest::prelude::*;

    fn t(s: &str) -> i64 {
        parse_time(s, "t").unwrap()
    }

    #[test]
    fn months_are_local_calendar_months() {
        let jan = Month::parse("2026-01").unwrap();
        assert_eq!(jan.to_string(), "2026-01");
        assert_eq!(jan.start(), t("2026-01-01T00:00:00+08:00"));
        assert_eq!(jan.end(), t("2026-02-01T00:00:00+08:00"));
        assert_eq!(Month::parse("2025-12").unwrap().next(), jan);
        assert_eq!(jan.prev().to_string(), "2025-12");
        // 31 Dec 2025 20:00 UTC is 1 Jan 2026 04:00 in Shanghai.
        assert_eq!(Month::of(t("2025-12-31T20:00:00Z")), jan);
        assert_eq!(Month::of(t("2025-12-31T15:59:59Z")).to_string(), "2025-12");
        assert_eq!(Month::parse("2024-02").unwrap().span().len(), 29 * DAY);
        for bad in [
            "2026-1",
            "2026-13",
            "26-01",
            "2026/01",
            "",
            "1900-01",
            "２０２６-01",
        ] {
            assert!(Month::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(
            serde_json::to_string(&jan).unwrap(),
            "\"2026-01\"",
            "serialized as text"
        );
        let back: Month = serde_json::from_str("\"2026-01\"").unwrap();
        assert_eq!(back, jan);
        let trend: Vec<String> = jan.trend(3).iter().map(Month::to_string).collect();
        assert_eq!(trend, ["2025-11", "2025-12", "2026-01"]);
        assert_eq!(Month::of(i64::MAX).to_string(), "9998-12");
        assert_eq!(Month::of(i64::MIN).to_string(), "1971-01");
    }

    /// An outage from 31 Jan 22:00 to 1 Feb 03:00 (local): 2 h in January, 3 h in February.
    #[test]
    fn an_outage_across_a_month_boundary_is_split() {
        let s = Span::new(
            t("2026-01-31T22:00:00+08:00"),
            t("2026-02-01T03:00:00+08:00"),
        );
        let parts = split_by_month(s);
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[0].0.to_string(), "2026-01");
        assert_eq!(parts[0].1.len(), 2 * 3600);
        assert_eq!(parts[1].0.to_string(), "2026-02");
        assert_eq!(parts[1].1.len(), 3 * 3600);
        assert!(split_by_month(Span::new(5, 5)).is_empty());
    }

    proptest! {
        /// Splitting by months sums to the whole, in order, each part inside its month.
        #[test]
        fn splitting_by_months_sums_to_the_whole(
            start in 1_600_000_000i64..1_900_000_000,
            len in 0i64..200 * DAY,
        ) {
            let s = Span::new(start, start + len);
            let parts = split_by_month(s);
            prop_assert_eq!(parts.iter().map(|(_, p)| p.len()).sum::<i64>(), len);
            for (m, p) in &parts {
                prop_assert_eq!(Month::of(p.start), *m);
                prop_assert!(p.end <= m.end());
            }
            for w in parts.windows(2) {
                prop_assert_eq!(w[0].1.end, w[1].1.start);
                prop_assert_eq!(w[0].0.next(), w[1].0);
            }
        }

        #[test]
        fn every_instant_is_in_its_month(x in 100_000_000i64..4_000_000_000) {
            let m = Month::of(x);
            prop_assert!(m.span().contains(x));
            prop_assert_eq!(Month::parse(&m.to_string()).unwrap(), m);
        }
    }
}
