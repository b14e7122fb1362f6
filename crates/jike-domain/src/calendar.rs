//! Calendars (日历) in which SLA clocks count (domain.md §8).
//!
//! Instants are Unix seconds (`i64`, UTC); calendar days are counted in a fixed UTC offset, the
//! policy's time zone (Asia/Shanghai, +08:00, by default; China has had no daylight-saving time
//! since 1991, so a fixed offset is exact and keeps every day 24 h long). A *day number* is the
//! number of days since 1970-01-01 in that offset.
//!
//! - [`Calendar::Always`]: `24x7`, every second counts (R-C1, R-W7). Plain integer arithmetic.
//! - [`Calendar::Hours`]: some hours (`open..close`, seconds of the local day) of some days
//!   ([`DaySet`]). Business hours (工作时间) are 09:00–18:00 on Chinese working days by default;
//!   `cn-workday` is the whole 24 h of every Chinese working day.
//!
//! Chinese working days (工作日, R-C2) are data: [`Workdays`] holds the State Council's schedule of
//! each loaded year (public holidays 法定节假日 off, make-up days 调休 on) as a bitset of days with
//! a prefix count, so "is this a working day" is one bit and "how many working days between" is
//! two array reads. 2025 and 2026 are built in (`data/cn-workdays-YYYY.toml`); an administrator
//! loads later years with [`parse_year`] and [`Workdays::insert`]. A year with no data counts
//! Monday to Friday; [`Workdays::missing_years`] says when that happened so that evaluations can
//! warn.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate, Weekday};
use serde::Deserialize;

/// Seconds in a calendar day.
pub const DAY: i64 = 86_400;

/// The UTC offset of Asia/Shanghai (China Standard Time, +08:00), the default time zone.
pub const CHINA_OFFSET: i32 = 8 * 3600;

/// The built-in years of the official working-day calendar (R-C2, domain.md §8).
pub const BUILTIN_YEARS: &[&str] = &[
    include_str!("../data/cn-workdays-2025.toml"),
    include_str!("../data/cn-workdays-2026.toml"),
];

/// The first and last years a calendar accepts.
pub const YEARS: std::ops::RangeInclusive<i32> = 1971..=9998;

/// A problem in a working-day year file or a calendar setting.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    #[error("the working-day file is not valid TOML: {0}")]
    Toml(String),
    #[error("{field}: {message}")]
    Field { field: String, message: String },
}

fn field_error(field: impl Into<String>, message: impl Into<String>) -> CalendarError {
    CalendarError::Field {
        field: field.into(),
        message: message.into(),
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
pub fn days_from_civil(year: i32, month: u32, day: u32) -> i64 {
    let y = i64::from(year) - i64::from(month <= 2);
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date `(year, month, day)` of a day number (inverse of [`days_from_civil`]).
pub fn civil_from_days(z: i64) -> (i32, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y as i32, m, d)
}

/// The day number of an instant in the offset `offset` (seconds east of UTC).
#[inline]
pub fn local_day(t: i64, offset: i32) -> i64 {
    (t + i64::from(offset)).div_euclid(DAY)
}

/// The instant 00:00 of day number `day` in the offset.
#[inline]
pub fn day_start(day: i64, offset: i32) -> i64 {
    day * DAY - i64::from(offset)
}

/// Monday = 0 … Sunday = 6 (1970-01-01 was a Thursday).
#[inline]
fn weekday(day: i64) -> i64 {
    (day + 3).rem_euclid(7)
}

/// Mondays to Fridays in `[MONDAY0, MONDAY0 + n)`, negative for `n < 0` (day 4 is a Monday).
#[inline]
fn weekdays_from_anchor(n: i64) -> i64 {
    5 * n.div_euclid(7) + n.rem_euclid(7).min(5)
}

/// Mondays to Fridays among the days `[d0, d1)`.
#[inline]
fn count_mon_fri(d0: i64, d1: i64) -> i64 {
    if d1 <= d0 {
        return 0;
    }
    weekdays_from_anchor(d1 - 4) - weekdays_from_anchor(d0 - 4)
}

/// Parses a time zone: a fixed offset `+08:00` / `-05:30` / `Z`, or one of the IANA names of
/// zones without daylight-saving time that jike knows (`Asia/Shanghai` and its aliases, the other
/// +08:00 zones of China, `UTC`). Returns seconds east of UTC.
pub fn parse_zone(text: &str) -> Result<i32, String> {
    let t = text.trim();
    let named = match t {
        "Asia/Shanghai" | "Asia/Chongqing" | "Asia/Chungking" | "Asia/Harbin" | "PRC"
        | "Asia/Hong_Kong" | "Hongkong" | "Asia/Macau" | "Asia/Macao" | "Asia/Taipei"
        | "Asia/Singapore" => Some(CHINA_OFFSET),
        "UTC" | "Etc/UTC" | "Z" | "GMT" => Some(0),
        _ => None,
    };
    if let Some(o) = named {
        return Ok(o);
    }
    let bad = || {
        format!(
            "'{t}' is not a time zone jike knows: use Asia/Shanghai, UTC or a fixed offset like +08:00"
        )
    };
    let (sign, rest) = match t.as_bytes().first() {
        Some(b'+') => (1, &t[1..]),
        Some(b'-') => (-1, &t[1..]),
        _ => return Err(bad()),
    };
    let (h, m) = rest.split_once(':').ok_or_else(bad)?;
    let h: i32 = h.parse().map_err(|_| bad())?;
    let m: i32 = m.parse().map_err(|_| bad())?;
    if !(0..=14).contains(&h) || !(0..60).contains(&m) || h.to_string().len() > 2 {
        return Err(bad());
    }
    Ok(sign * (h * 3600 + m * 60))
}

/// One year of the official schedule (R-C2), as loaded from a year file.
///
/// The file format (TOML), e.g. `data/cn-workdays-2025.toml`:
///
/// ```toml
/// year = 2025
/// holidays = ["2025-01-01", "2025-01-28"]      # 法定节假日 and the days off around them
/// make_up_workdays = ["2025-01-26"]             # 调休: a Saturday or Sunday that is worked
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkdayYear {
    pub year: i32,
    /// Days off that would otherwise be working days (or weekend days listed with the holiday).
    pub holidays: Vec<NaiveDate>,
    /// Saturdays or Sundays declared working days (调休).
    pub make_up_workdays: Vec<NaiveDate>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawYear {
    year: i64,
    #[serde(default)]
    holidays: Vec<String>,
    #[serde(default)]
    make_up_workdays: Vec<String>,
}

/// Parses and checks a working-day year file (see [`WorkdayYear`]): every date must be a
/// `YYYY-MM-DD` of that year, no day both a holiday and a make-up day, and a make-up day must
/// be a Saturday or a Sunday.
pub fn parse_year(text: &str) -> Result<WorkdayYear, CalendarError> {
    let raw: RawYear = toml::from_str(text).map_err(|e| CalendarError::Toml(e.to_string()))?;
    let year = i32::try_from(raw.year)
        .ok()
        .filter(|y| YEARS.contains(y))
        .ok_or_else(|| {
            field_error(
                "year",
                format!(
                    "{} is not a year between {} and {}",
                    raw.year,
                    YEARS.start(),
                    YEARS.end()
                ),
            )
        })?;
    let dates = |name: &str, list: &[String]| -> Result<Vec<NaiveDate>, CalendarError> {
        let mut out = Vec::with_capacity(list.len());
        for (i, s) in list.iter().enumerate() {
            let field = format!("{name}[{i}]");
            let d = NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").map_err(|_| {
                field_error(&field, format!("'{s}' is not a date written YYYY-MM-DD"))
            })?;
            if d.year() != year {
                return Err(field_error(&field, format!("{d} is not in {year}")));
            }
            out.push(d);
        }
        out.sort();
        out.dedup();
        Ok(out)
    };
    let holidays = dates("holidays", &raw.holidays)?;
    let make_up = dates("make_up_workdays", &raw.make_up_workdays)?;
    for (i, d) in make_up.iter().enumerate() {
        if holidays.contains(d) {
            return Err(field_error(
                format!("make_up_workdays[{i}]"),
                format!("{d} is listed both as a holiday and as a make-up working day"),
            ));
        }
        if !matches!(d.weekday(), Weekday::Sat | Weekday::Sun) {
            return Err(field_error(
                format!("make_up_workdays[{i}]"),
                format!(
                    "{d} is a {:?}: a make-up working day (调休) is a Saturday or a Sunday",
                    d.weekday()
                ),
            ));
        }
    }
    Ok(WorkdayYear {
        year,
        holidays,
        make_up_workdays: make_up,
    })
}

/// The Chinese working-day calendar (R-C2): the loaded years, merged, with Monday to Friday for
/// every year that has no data.
///
/// Internally one bitset of working days spans the loaded years (first loaded January 1st to
/// last loaded December 31st; a gap year inside the span is filled with Monday to Friday) with
/// a running count per day, so lookups and counts cost O(1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Workdays {
    years: BTreeMap<i32, WorkdayYear>,
    span_start: i64,
    bits: Vec<u64>,
    /// `prefix[i]`: working days among the first `i` days of the span.
    prefix: Vec<u32>,
}

impl Default for Workdays {
    fn default() -> Self {
        Workdays::builtin()
    }
}

impl Workdays {
    /// No loaded year: Monday to Friday everywhere.
    pub fn empty() -> Workdays {
        Workdays {
            years: BTreeMap::new(),
            span_start: 0,
            bits: Vec::new(),
            prefix: vec![0],
        }
    }

    /// The built-in years (2025, 2026).
    pub fn builtin() -> Workdays {
        let mut w = Workdays::empty();
        for text in BUILTIN_YEARS {
            match parse_year(text) {
                Ok(y) => w.insert(y),
                // The built-in files are checked by a test; a broken one cannot ship.
                Err(_) => continue,
            }
        }
        w
    }

    /// Adds a year, replacing the data of that year if it was loaded already.
    pub fn insert(&mut self, year: WorkdayYear) {
        self.years.insert(year.year, year);
        self.rebuild();
    }

    /// Parses a year file ([`parse_year`]) and adds it; returns the year.
    pub fn load(&mut self, text: &str) -> Result<i32, CalendarError> {
        let y = parse_year(text)?;
        let year = y.year;
        self.insert(y);
        Ok(year)
    }

    /// The loaded years, ascending.
    pub fn years(&self) -> impl Iterator<Item = &WorkdayYear> {
        self.years.values()
    }

    fn rebuild(&mut self) {
        let (Some(first), Some(last)) = (
            self.years.keys().next().copied(),
            self.years.keys().next_back().copied(),
        ) else {
            *self = Workdays {
                years: std::mem::take(&mut self.years),
                ..Workdays::empty()
            };
            return;
        };
        let start = days_from_civil(first, 1, 1);
        let end = days_from_civil(last + 1, 1, 1);
        let n = (end - start) as usize;
        let mut bits = vec![0u64; n.div_ceil(64)];
        let mut set = |day: i64, on: bool| {
            let i = (day - start) as usize;
            if on {
                bits[i / 64] |= 1 << (i % 64);
            } else {
                bits[i / 64] &= !(1 << (i % 64));
            }
        };
        for d in start..end {
            set(d, weekday(d) < 5);
        }
        for y in self.years.values() {
            for h in &y.holidays {
                set(days_from_civil(h.year(), h.month(), h.day()), false);
            }
            for m in &y.make_up_workdays {
                set(days_from_civil(m.year(), m.month(), m.day()), true);
            }
        }
        let mut prefix = Vec::with_capacity(n + 1);
        let mut acc = 0u32;
        prefix.push(0);
        for i in 0..n {
            acc += ((bits[i / 64] >> (i % 64)) & 1) as u32;
            prefix.push(acc);
        }
        self.span_start = start;
        self.bits = bits;
        self.prefix = prefix;
    }

    #[inline]
    fn span_end(&self) -> i64 {
        self.span_start + self.prefix.len() as i64 - 1
    }

    /// Whether day number `day` is a working day.
    #[inline]
    pub fn is_workday(&self, day: i64) -> bool {
        let i = day - self.span_start;
        if i >= 0 && day < self.span_end() {
            let i = i as usize;
            (self.bits[i / 64] >> (i % 64)) & 1 == 1
        } else {
            weekday(day) < 5
        }
    }

    /// Whether a date is a working day.
    pub fn is_workday_date(&self, date: NaiveDate) -> bool {
        self.is_workday(days_from_civil(date.year(), date.month(), date.day()))
    }

    /// Working days among the days `[d0, d1)` (0 when `d1 <= d0`).
    pub fn count(&self, d0: i64, d1: i64) -> i64 {
        if d1 <= d0 {
            return 0;
        }
        let (s, e) = (self.span_start, self.span_end());
        let mut n = 0;
        if d0 < s {
            n += count_mon_fri(d0, d1.min(s));
        }
        let a = d0.max(s);
        let b = d1.min(e);
        if a < b {
            n += i64::from(self.prefix[(b - s) as usize] - self.prefix[(a - s) as usize]);
        }
        if d1 > e {
            n += count_mon_fri(d0.max(e), d1);
        }
        n
    }

    /// The `n`-th working day after day `day` (`n = 0`: `day` itself).
    pub fn nth_workday_after(&self, day: i64, n: u32) -> i64 {
        let mut d = day;
        let mut left = n;
        while left > 0 {
            d += 1;
            if self.is_workday(d) {
                left -= 1;
            }
        }
        d
    }

    /// "N working days after" (R-C2, R-W1): 24:00 of the `n`-th working day after the calendar
    /// day of `t`, in the offset. A handover passed on 2025-09-30 at 18:00 has its documents due
    /// 3 working days later at 2025-10-12T00:00:00+08:00 (1–8 October are holidays, 11 October is
    /// a make-up day). `n = 0` gives 24:00 of the day of `t`.
    pub fn add_workdays(&self, t: i64, n: u32, offset: i32) -> i64 {
        let d = self.nth_workday_after(local_day(t, offset), n);
        day_start(d + 1, offset)
    }

    /// The years touched by the days `[d0, d1]` that have no loaded data (so were counted
    /// Monday to Friday), ascending.
    pub fn missing_years(&self, d0: i64, d1: i64) -> Vec<i32> {
        let (y0, _, _) = civil_from_days(d0.min(d1));
        let (y1, _, _) = civil_from_days(d0.max(d1));
        (y0..=y1.min(y0.saturating_add(100)))
            .filter(|y| !self.years.contains_key(y))
            .collect()
    }
}

/// Which days a calendar works on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DaySet {
    /// Every day.
    EveryDay,
    /// Monday to Friday, ignoring holidays.
    MonFri,
    /// Chinese working days (R-C2): holidays off, make-up days on.
    CnWorkday,
}

impl DaySet {
    /// Parses `every-day`, `mon-fri` or `cn-workday`.
    pub fn parse(text: &str) -> Option<DaySet> {
        match text.trim() {
            "every-day" | "every_day" => Some(DaySet::EveryDay),
            "mon-fri" | "mon_fri" => Some(DaySet::MonFri),
            "cn-workday" | "cn_workday" => Some(DaySet::CnWorkday),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            DaySet::EveryDay => "every-day",
            DaySet::MonFri => "mon-fri",
            DaySet::CnWorkday => "cn-workday",
        }
    }

    #[inline]
    fn is_on(self, days: &Workdays, day: i64) -> bool {
        match self {
            DaySet::EveryDay => true,
            DaySet::MonFri => weekday(day) < 5,
            DaySet::CnWorkday => days.is_workday(day),
        }
    }

    #[inline]
    fn count(self, days: &Workdays, d0: i64, d1: i64) -> i64 {
        match self {
            DaySet::EveryDay => (d1 - d0).max(0),
            DaySet::MonFri => count_mon_fri(d0, d1),
            DaySet::CnWorkday => days.count(d0, d1),
        }
    }
}

/// A calendar in which a clock counts (R-C1: fault clocks run 7 × 24 unless a policy says
/// otherwise). Small and `Copy`; [`Calendar::bind`] it to the working days and the offset to
/// compute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Calendar {
    /// `24x7`: every second counts.
    Always,
    /// The hours `open..close` (seconds of the local day, `open < close <= 86400`) of the days
    /// of `days`.
    Hours { open: u32, close: u32, days: DaySet },
}

impl Calendar {
    /// `cn-workday`: the whole 24 h of every Chinese working day (R-C2).
    pub const CN_WORKDAY: Calendar = Calendar::Hours {
        open: 0,
        close: DAY as u32,
        days: DaySet::CnWorkday,
    };
    /// `business-hours` by default: 09:00–18:00 on Chinese working days.
    pub const BUSINESS_HOURS: Calendar = Calendar::Hours {
        open: 9 * 3600,
        close: 18 * 3600,
        days: DaySet::CnWorkday,
    };

    /// Whether the calendar depends on the Chinese working days (so may need a warning when a
    /// year has no data).
    pub fn uses_cn_workdays(self) -> bool {
        matches!(
            self,
            Calendar::Hours {
                days: DaySet::CnWorkday,
                ..
            }
        )
    }

    /// The calendar with its working-day data and time zone, ready to compute.
    #[inline]
    pub fn bind(self, days: &Workdays, offset: i32) -> Bound<'_> {
        Bound {
            cal: self,
            days,
            offset: i64::from(offset),
        }
    }
}

/// A [`Calendar`] bound to its working days and UTC offset.
#[derive(Debug, Clone, Copy)]
pub struct Bound<'a> {
    pub cal: Calendar,
    pub days: &'a Workdays,
    pub offset: i64,
}

impl Bound<'_> {
    /// Working seconds in `[a, b)`; 0 when `b <= a`.
    #[inline]
    pub fn work(&self, a: i64, b: i64) -> i64 {
        if b <= a {
            return 0;
        }
        match self.cal {
            Calendar::Always => b - a,
            Calendar::Hours { open, close, days } => {
                let (open, close) = (i64::from(open), i64::from(close));
                let (la, lb) = (a + self.offset, b + self.offset);
                let (da, sa) = (la.div_euclid(DAY), la.rem_euclid(DAY));
                let (db, sb) = (lb.div_euclid(DAY), lb.rem_euclid(DAY));
                let in_day = |d: i64, from: i64, to: i64| -> i64 {
                    if days.is_on(self.days, d) {
                        (to.min(close) - from.max(open)).max(0)
                    } else {
                        0
                    }
                };
                if da == db {
                    return in_day(da, sa, sb);
                }
                in_day(da, sa, DAY)
                    + days.count(self.days, da + 1, db) * (close - open)
                    + in_day(db, 0, sb)
            }
        }
    }

    /// The earliest instant `u >= t` with `work(t, u) == w` (`t` itself for `w <= 0`).
    #[inline]
    pub fn add(&self, t: i64, w: i64) -> i64 {
        if w <= 0 {
            return t;
        }
        match self.cal {
            Calendar::Always => t + w,
            Calendar::Hours { open, close, days } => {
                let (open, close) = (i64::from(open), i64::from(close));
                let len = close - open;
                let lt = t + self.offset;
                let (mut d, s) = (lt.div_euclid(DAY), lt.rem_euclid(DAY));
                let mut w = w;
                if days.is_on(self.days, d) && s < close {
                    let from = s.max(open);
                    if w <= close - from {
                        return d * DAY + from + w - self.offset;
                    }
                    w -= close - from;
                }
                // Day by day: limits are bounded by the policy (at most ten years).
                loop {
                    d += 1;
                    if days.is_on(self.days, d) {
                        if w <= len {
                            return d * DAY + open + w - self.offset;
                        }
                        w -= len;
                    }
                }
            }
        }
    }

    /// The latest instant `u <= t` with `work(u, t) == w` (`t` itself for `w <= 0`).
    #[inline]
    pub fn sub(&self, t: i64, w: i64) -> i64 {
        if w <= 0 {
            return t;
        }
        match self.cal {
            Calendar::Always => t - w,
            Calendar::Hours { open, close, days } => {
                let (open, close) = (i64::from(open), i64::from(close));
                let len = close - open;
                let lt = t + self.offset;
                let (mut d, s) = (lt.div_euclid(DAY), lt.rem_euclid(DAY));
                let mut w = w;
                if days.is_on(self.days, d) && s > open {
                    let to = s.min(close);
                    if w <= to - open {
                        return d * DAY + to - w - self.offset;
                    }
                    w -= to - open;
                }
                loop {
                    d -= 1;
                    if days.is_on(self.days, d) {
                        if w <= len {
                            return d * DAY + close - w - self.offset;
                        }
                        w -= len;
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{DateTime, FixedOffset};
    use proptest::prelude::*;

    fn t(s: &str) -> i64 {
        DateTime::parse_from_rfc3339(s).unwrap().timestamp()
    }
    fn show(t: i64) -> String {
        DateTime::from_timestamp(t, 0)
            .unwrap()
            .with_timezone(&FixedOffset::east_opt(CHINA_OFFSET).unwrap())
            .to_rfc3339()
    }
    fn day(y: i32, m: u32, d: u32) -> i64 {
        days_from_civil(y, m, d)
    }

    #[test]
    fn civil_days_round_trip_and_weekdays() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(civil_from_days(day(2025, 10, 11)), (2025, 10, 11));
        assert_eq!(civil_from_days(day(2024, 2, 29)), (2024, 2, 29));
        assert_eq!(weekday(day(2025, 10, 11)), 5); // a Saturday
        assert_eq!(weekday(day(2025, 9, 29)), 0); // a Monday
        for z in -1000..100_000 {
            let (y, m, d) = civil_from_days(z);
            assert_eq!(days_from_civil(y, m, d), z);
        }
    }

    #[test]
    fn builtin_years_parse() {
        for text in BUILTIN_YEARS {
            parse_year(text).unwrap();
        }
        let w = Workdays::builtin();
        assert_eq!(w.years().map(|y| y.year).collect::<Vec<_>>(), [2025, 2026]);
    }

    /// R-C2: holidays are not working days, make-up days are.
    #[test]
    fn holidays_off_make_up_days_on() {
        let w = Workdays::builtin();
        let wd = |y, m, d| w.is_workday(day(y, m, d));
        assert!(!wd(2025, 10, 1)); // 国庆节, a Wednesday
        assert!(!wd(2025, 10, 8));
        assert!(wd(2025, 10, 9));
        assert!(wd(2025, 10, 11)); // 调休 Saturday
        assert!(wd(2025, 9, 28)); // 调休 Sunday
        assert!(!wd(2025, 10, 12)); // an ordinary Sunday
        assert!(!wd(2026, 2, 16)); // 春节 2026
        assert!(wd(2026, 2, 14)); // 调休 2026
        assert!(wd(2026, 1, 4));
        // Outside the loaded years: Monday to Friday.
        assert!(wd(2027, 1, 1)); // a Friday, no data for 2027
        assert!(!wd(2024, 12, 29)); // a Sunday
                                    // October 2025: 23 weekdays, 6 of them holidays (1–3, 6–8), plus the make-up 11th.
        assert_eq!(w.count(day(2025, 10, 1), day(2025, 11, 1)), 18);
        // 248 working days in each year (checked independently against the schedule).
        assert_eq!(w.count(day(2025, 1, 1), day(2026, 1, 1)), 248);
        assert_eq!(w.count(day(2026, 1, 1), day(2027, 1, 1)), 248);
    }

    /// The issue's example (R-W1, R-C2): passed 2025-09-30 18:00, 3 working days.
    #[test]
    fn add_workdays_24h_rule_over_national_day() {
        let w = Workdays::builtin();
        let due = w.add_workdays(t("2025-09-30T18:00:00+08:00"), 3, CHINA_OFFSET);
        assert_eq!(show(due), "2025-10-12T00:00:00+08:00");
        // Across a year boundary, over 元旦 2026 (1–3 Jan off, Sunday 4 Jan worked).
        let due = w.add_workdays(t("2025-12-31T09:00:00+08:00"), 1, CHINA_OFFSET);
        assert_eq!(show(due), "2026-01-05T00:00:00+08:00");
        // The event's day is the local day: 23:30 UTC on 30 Sep is 1 Oct in Shanghai.
        let due = w.add_workdays(t("2025-09-30T23:30:00Z"), 1, CHINA_OFFSET);
        assert_eq!(show(due), "2025-10-10T00:00:00+08:00");
        assert_eq!(
            show(w.add_workdays(t("2025-10-10T08:00:00+08:00"), 0, CHINA_OFFSET)),
            "2025-10-11T00:00:00+08:00"
        );
    }

    #[test]
    fn missing_years_are_reported() {
        let w = Workdays::builtin();
        assert!(w
            .missing_years(day(2025, 3, 1), day(2026, 12, 31))
            .is_empty());
        assert_eq!(w.missing_years(day(2026, 12, 30), day(2027, 1, 4)), [2027]);
        let mut w2 = w.clone();
        let text = BUILTIN_YEARS[0]
            .replace("2025-", "2027-")
            .replace("2027-01-26", "2027-01-31");
        // 2027-02-08 etc. are not weekends in 2027: a bad file is refused, naming the field.
        let err = parse_year(&text.replace("year = 2025", "year = 2027")).unwrap_err();
        assert!(err.to_string().starts_with("make_up_workdays["), "{err}");
        w2.load("year = 2027\nholidays = [\"2027-01-01\"]\nmake_up_workdays = []\n")
            .unwrap();
        assert!(w2
            .missing_years(day(2026, 12, 30), day(2027, 1, 4))
            .is_empty());
        assert!(!w2.is_workday(day(2027, 1, 1)));
    }

    #[test]
    fn year_files_are_checked() {
        let e = |s: &str| parse_year(s).unwrap_err().to_string();
        assert!(e("year = 2025\nholidays = [\"2025-02-30\"]").contains("holidays[0]"));
        assert!(e("year = 2025\nholidays = [\"2026-01-01\"]").contains("is not in 2025"));
        assert!(e("year = 12025").contains("year"));
        assert!(e("year = 2025\nholiday = []").contains("not valid TOML"));
        assert!(
            e("year = 2025\nholidays = [\"2025-10-11\"]\nmake_up_workdays = [\"2025-10-11\"]")
                .contains("both")
        );
    }

    #[test]
    fn zones() {
        assert_eq!(parse_zone("Asia/Shanghai"), Ok(CHINA_OFFSET));
        assert_eq!(parse_zone("+08:00"), Ok(CHINA_OFFSET));
        assert_eq!(parse_zone("-05:30"), Ok(-(5 * 3600 + 1800)));
        assert!(parse_zone("Europe/Paris").is_err());
        assert!(parse_zone("+25:00").is_err());
    }

    #[test]
    fn business_hours_arithmetic() {
        let w = Workdays::builtin();
        let b = Calendar::BUSINESS_HOURS.bind(&w, CHINA_OFFSET);
        // Tuesday 30 Sep 17:00 → 4 working hours later is Thursday 9 Oct 12:00 (holidays).
        let from = t("2025-09-30T17:00:00+08:00");
        let to = b.add(from, 4 * 3600);
        assert_eq!(show(to), "2025-10-09T12:00:00+08:00");
        assert_eq!(b.work(from, to), 4 * 3600);
        assert_eq!(b.sub(to, 4 * 3600), from);
        // Landing exactly at closing time stays on that day.
        assert_eq!(
            show(b.add(t("2025-09-30T09:00:00+08:00"), 9 * 3600)),
            "2025-09-30T18:00:00+08:00"
        );
        // Starting outside hours counts from the next opening.
        assert_eq!(
            show(b.add(t("2025-10-11T20:00:00+08:00"), 60)),
            "2025-10-13T09:01:00+08:00"
        );
        let c = Calendar::CN_WORKDAY.bind(&w, CHINA_OFFSET);
        assert_eq!(
            c.work(
                t("2025-09-30T18:00:00+08:00"),
                t("2025-10-12T00:00:00+08:00")
            ),
            6 * 3600 + 3 * DAY
        );
    }

    fn any_calendar() -> impl Strategy<Value = Calendar> {
        prop_oneof![
            Just(Calendar::Always),
            Just(Calendar::CN_WORKDAY),
            Just(Calendar::BUSINESS_HOURS),
            (0u32..43_200, 1u32..43_200, 0usize..3).prop_map(|(o, l, d)| Calendar::Hours {
                open: o,
                close: o + l,
                days: [DaySet::EveryDay, DaySet::MonFri, DaySet::CnWorkday][d],
            }),
        ]
    }

    /// Instants from 2024 to 2027: every boundary of the loaded years and both sides of them.
    fn any_instant() -> impl Strategy<Value = i64> {
        t("2024-06-01T00:00:00+08:00")..t("2027-06-01T00:00:00+08:00")
    }

    proptest! {
        /// Adding then measuring gives back the working time, also across month and year
        /// boundaries, holidays and make-up days.
        #[test]
        fn add_then_work_is_identity(cal in any_calendar(), t0 in any_instant(), w in 0i64..40 * DAY) {
            let days = Workdays::builtin();
            let b = cal.bind(&days, CHINA_OFFSET);
            let u = b.add(t0, w);
            prop_assert!(u >= t0);
            prop_assert_eq!(b.work(t0, u), w);
            // Earliest: one second before, not enough.
            if w > 0 { prop_assert_eq!(b.work(t0, u - 1), w - 1); }
        }

        #[test]
        fn sub_is_the_inverse_of_add(cal in any_calendar(), t0 in any_instant(), w in 0i64..40 * DAY) {
            let days = Workdays::builtin();
            let b = cal.bind(&days, CHINA_OFFSET);
            let u = b.sub(t0, w);
            prop_assert!(u <= t0);
            prop_assert_eq!(b.work(u, t0), w);
            let back = b.add(u, w);
            prop_assert!(back <= t0);
            prop_assert_eq!(b.work(back, t0), 0);
            prop_assert!(b.sub(b.add(t0, w), w) >= t0);
        }

        /// Working time is additive over a split point.
        #[test]
        fn work_is_additive(cal in any_calendar(), a in any_instant(), x in 0i64..60 * DAY, y in 0i64..60 * DAY) {
            let days = Workdays::builtin();
            let b = cal.bind(&days, CHINA_OFFSET);
            prop_assert_eq!(b.work(a, a + x + y), b.work(a, a + x) + b.work(a + x, a + x + y));
        }

        /// Counting working days agrees with testing them one by one (holidays skipped,
        /// make-up days counted, Monday to Friday outside the loaded years).
        #[test]
        fn count_matches_day_by_day(d0 in day(2024, 1, 1)..day(2028, 1, 1), n in 0i64..400) {
            let w = Workdays::builtin();
            let by_day = (d0..d0 + n).filter(|&d| w.is_workday(d)).count() as i64;
            prop_assert_eq!(w.count(d0, d0 + n), by_day);
        }

        /// "N working days after" is monotonic in the start and in N, ends at 24:00 of a
        /// working day, and has exactly N working days strictly after the start day.
        #[test]
        fn add_workdays_is_monotonic(t0 in any_instant(), dt in 0i64..20 * DAY, n in 0u32..30) {
            let w = Workdays::builtin();
            let a = w.add_workdays(t0, n, CHINA_OFFSET);
            prop_assert!(a <= w.add_workdays(t0 + dt, n, CHINA_OFFSET));
            prop_assert!(a <= w.add_workdays(t0, n + 1, CHINA_OFFSET));
            prop_assert!(a > t0);
            let last = local_day(a - 1, CHINA_OFFSET);
            prop_assert_eq!((a + i64::from(CHINA_OFFSET)).rem_euclid(DAY), 0);
            let start = local_day(t0, CHINA_OFFSET);
            prop_assert_eq!(w.count(start + 1, last + 1), i64::from(n));
            if n > 0 { prop_assert!(w.is_workday(last)); }
        }
    }
}
