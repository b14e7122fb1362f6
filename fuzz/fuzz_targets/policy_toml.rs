//! Arbitrary text as an SLA policy file (`jike sla evaluate --policy`, `jike sla load-policy`,
//! `POST /api/v1/sla/policies`): `Policy::parse`, then what a policy that parses is used for:
//! the rule lookup of every kind × grade × business type, and the clocks of every rule evaluated
//! over every event type (with a suspension left open) at instants from near to far. No panic,
//! however large the limits, escalations and calendars a policy that parses may hold.
#![no_main]

use std::sync::OnceLock;

use jike_domain::order::EventAt;
use jike_domain::{
    evaluate, BusinessType, EventType, Grade, OrderKind, Policy, Vocabulary, Workdays,
};
use libfuzzer_sys::fuzz_target;

/// 2025-10-01T10:00:00+08:00.
const START: i64 = 1_759_284_000;
const LAST: i64 = 253_402_300_799;
const FIRST: i64 = -62_167_219_200;

fn days() -> &'static Workdays {
    static DAYS: OnceLock<Workdays> = OnceLock::new();
    DAYS.get_or_init(Workdays::builtin)
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(policy) = Policy::parse(text) else {
        return;
    };
    for cal in policy.calendars.values() {
        let _ = policy.calendar_name(*cal);
    }
    for &kind in OrderKind::ALL {
        for &grade in Grade::ALL {
            let _ = policy.lookup(kind, grade, None);
            for &bt in BusinessType::ALL {
                let _ = policy.lookup(kind, grade, Some(bt));
            }
        }
    }
    // Every event type once, ten minutes apart, then a suspension that is never resumed.
    let mut events: Vec<EventAt> = EventType::ALL
        .iter()
        .enumerate()
        .map(|(i, &kind)| EventAt {
            kind,
            at: START + 600 * i as i64,
        })
        .collect();
    let end = START + 600 * events.len() as i64;
    events.push(EventAt {
        kind: EventType::Suspended,
        at: end,
    });
    let instants = [
        FIRST,
        START,
        START + 3600,
        end + 86_400,
        end + 400 * 86_400,
        LAST,
    ];
    for rule in &policy.rules {
        for &at in &instants {
            let ev = evaluate(rule, days(), &events, at);
            let _ = ev.dues().count();
            let _ = ev.next_due();
            let _ = ev.update_instants().take(10_000).count();
        }
    }
});
