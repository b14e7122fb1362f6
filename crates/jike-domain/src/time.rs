//! The instants of jike: stored and computed as Unix seconds in UTC (SLA arithmetic is in whole
//! seconds), shown in the display zone, Asia/Shanghai (+08:00, no daylight saving). Pure
//! conversions, used by the store and the edges alike.

use chrono::{DateTime, FixedOffset, Utc};

use crate::calendar::CHINA_OFFSET;

/// Unix seconds of an instant (SLA arithmetic is in whole seconds).
pub fn secs(t: DateTime<Utc>) -> i64 {
    t.timestamp()
}

/// The instant of Unix seconds; out-of-range values clamp to the epoch (they cannot come from a
/// parsed RFC 3339 time).
pub fn utc(s: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(s, 0).unwrap_or_default()
}

/// An instant as the API shows it: in the display zone, Asia/Shanghai (+08:00).
pub fn local(t: DateTime<Utc>) -> DateTime<FixedOffset> {
    t.with_timezone(&DISPLAY_ZONE)
}

const DISPLAY_ZONE: FixedOffset = match FixedOffset::east_opt(CHINA_OFFSET) {
    Some(zone) => zone,
    None => panic!("+08:00 is a valid offset"),
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seconds_round_trip() {
        let t = utc(1_700_000_000);
        assert_eq!(secs(t), 1_700_000_000);
        assert_eq!(t.to_rfc3339(), "2023-11-14T22:13:20+00:00");
    }

    #[test]
    fn out_of_range_seconds_clamp_to_the_epoch() {
        assert_eq!(utc(i64::MAX), DateTime::<Utc>::default());
        assert_eq!(secs(utc(i64::MIN)), 0);
    }

    #[test]
    fn local_is_the_same_instant_at_plus_eight() {
        let t = utc(1_700_000_000);
        let shown = local(t);
        assert_eq!(shown.to_rfc3339(), "2023-11-15T06:13:20+08:00");
        assert_eq!(shown, t);
    }
}
