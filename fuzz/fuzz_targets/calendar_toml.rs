//! Arbitrary text as a working-day year file (`jike calendar load`, `--workdays`,
//! `PUT /api/v1/calendars/workdays`): `calendar::parse_year`, then the year loaded beside the
//! built-in ones and on its own, and the calendar used as the clocks use it: working-day tests
//! and counts across the year, "N working days after" (R-C2) from its first and last days, and
//! the working time of the cn-workday and business-hours calendars. No panic.
#![no_main]

use jike_domain::calendar::{days_from_civil, parse_year, DAY};
use jike_domain::policy::MAX_WORKDAYS;
use jike_domain::{Calendar, Workdays};
use libfuzzer_sys::fuzz_target;

const OFFSET: i32 = 8 * 3600;

fn exercise(days: &Workdays, year: i32) {
    let d0 = days_from_civil(year, 1, 1);
    let d1 = days_from_civil(year.saturating_add(1), 1, 1);
    for d in [d0 - 1, d0, d0 + 40, d1 - 1, d1] {
        let _ = days.is_workday(d);
    }
    let _ = days.count(d0 - 400, d1 + 400);
    let _ = days.count(d0, d1);
    let _ = days.missing_years(d0 - 800, d1 + 800);
    for n in [0, 1, 5, 250, MAX_WORKDAYS] {
        let _ = days.nth_workday_after(d0, n);
        let _ = days.add_workdays(d0 * DAY, n, OFFSET);
        let _ = days.add_workdays((d1 - 1) * DAY + DAY - 1, n, OFFSET);
    }
    for cal in [Calendar::CN_WORKDAY, Calendar::BUSINESS_HOURS] {
        let b = cal.bind(days, OFFSET);
        let (t0, t1) = (d0 * DAY, d1 * DAY);
        let _ = b.work(t0 - 3 * DAY, t1 + 3 * DAY);
        for w in [0, 1, 3600, 9 * 3600, 10 * DAY, 400 * DAY] {
            let _ = b.add(t0, w);
            let _ = b.sub(t1, w);
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(year) = parse_year(text) else {
        return;
    };
    let y = year.year;
    let mut alone = Workdays::empty();
    alone.insert(year.clone());
    exercise(&alone, y);
    let mut with_builtin = Workdays::builtin();
    let loaded = with_builtin.load(text).expect("a year that parses loads");
    assert_eq!(loaded, y);
    exercise(&with_builtin, y);
});
