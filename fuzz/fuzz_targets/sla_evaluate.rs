//! Arbitrary bytes as the events file of `jike sla evaluate` and of `POST /api/v1/sla/evaluate`:
//! `parse_order_json`, then `evaluate_order` (rule lookup, the state machine, the clocks) with
//! the default policy and the built-in working-day years, then the report as JSON, at several
//! instants: around the events, and the first and last instants an RFC 3339 `at` can name.
//! Also the scheduler's lean `evaluate` on the same events in time order. No panic.
#![no_main]

use std::sync::OnceLock;

use jike_domain::order::EventAt;
use jike_domain::sla::parse_order_json;
use jike_domain::{evaluate, evaluate_order, Policy, Workdays};
use libfuzzer_sys::fuzz_target;

/// 0000-01-01T00:00:00Z and 9999-12-31T23:59:59Z: about the extremes `parse_time` returns.
const FIRST: i64 = -62_167_219_200;
const LAST: i64 = 253_402_300_799;
/// 2025-10-01T15:00:00+08:00.
const FIXED: i64 = 1_759_302_000;

fn setup() -> &'static (Policy, Workdays) {
    static SETUP: OnceLock<(Policy, Workdays)> = OnceLock::new();
    SETUP.get_or_init(|| (Policy::default_policy(), Workdays::builtin()))
}

fuzz_target!(|data: &[u8]| {
    // The CLI reads the file as UTF-8 text, the API refuses a body that is not.
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(input) = parse_order_json(text) else {
        return;
    };
    let (policy, days) = setup();
    let first = input.events.first().map(|e| e.at);
    let last = input.events.last().map(|e| e.at);
    let mut instants = vec![FIXED, FIRST, LAST];
    for t in [first, last].into_iter().flatten() {
        for d in [-1, 0, 1, 3600, 40 * 86_400, 3650 * 86_400] {
            instants.push(t.saturating_add(d).clamp(FIRST, LAST));
        }
    }
    for &at in &instants {
        if let Ok(report) = evaluate_order(policy, days, &input, at) {
            serde_json::to_string(&report).expect("a report serializes");
        }
    }
    // The lean path, as the scheduler runs it (events in time order).
    let o = input.order;
    if let Ok(rule) = policy.lookup(o.kind, o.grade, o.business_type) {
        let mut stamps: Vec<EventAt> = input.events.iter().map(|e| e.stamp()).collect();
        stamps.sort_by_key(|e| e.at);
        for &at in &instants {
            let ev = evaluate(rule, days, &stamps, at);
            let _ = ev.dues().count();
            let _ = ev.next_due();
            let _ = ev.update_instants().take(10_000).count();
        }
    }
});
