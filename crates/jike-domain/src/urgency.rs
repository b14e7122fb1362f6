//! How urgent an order is, from its evaluated clocks: the one clock a list shows beside each
//! order ([`most_urgent`]) and the order the dashboard sorts by ([`rank`]). Pure: the store
//! evaluates the clocks and asks.

use serde::Serialize;

use crate::sla::{ClockReport, Report};

/// The most urgent clock of an order, as an order list shows it (工单列表的时限摘要).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SlaSummary {
    /// The clock's name in the policy (`accept`, `restore`, …).
    pub clock: String,
    /// `breached`, `running`, `paused`, `pending` or `met`.
    pub state: String,
    /// The clock's deadline (RFC 3339, +08:00), when it has one.
    pub deadline: Option<String>,
    pub remaining_seconds: Option<i64>,
    pub breached_by_seconds: i64,
}

fn summary(c: &ClockReport) -> SlaSummary {
    SlaSummary {
        clock: c.name.clone(),
        state: c.state.to_string(),
        deadline: c.deadline.clone(),
        remaining_seconds: c.remaining_seconds,
        breached_by_seconds: c.breached_by_seconds,
    }
}

/// The clock that matters most now: a breached clock still running (the most overdue first),
/// else the running clock nearest its deadline, else a paused one (nearest first), else a
/// clock that breached and stopped (the worst), else a pending one; `None` when every clock is
/// met or there is none.
pub fn most_urgent(report: &Report) -> Option<SlaSummary> {
    let open = |c: &&ClockReport| c.stopped_at.is_none();
    let remaining = |c: &&ClockReport| c.remaining_seconds.unwrap_or(i64::MAX);
    let clocks = &report.clocks;
    clocks
        .iter()
        .filter(|c| c.state == "breached")
        .filter(open)
        .max_by_key(|c| c.breached_by_seconds)
        .or_else(|| {
            clocks
                .iter()
                .filter(|c| c.state == "running")
                .min_by_key(remaining)
        })
        .or_else(|| {
            clocks
                .iter()
                .filter(|c| c.state == "paused")
                .min_by_key(remaining)
        })
        .or_else(|| {
            clocks
                .iter()
                .filter(|c| c.state == "breached")
                .max_by_key(|c| c.breached_by_seconds)
        })
        .or_else(|| clocks.iter().find(|c| c.state == "pending"))
        .map(summary)
}

/// The dashboard's sort key (smaller first): breached orders first, then by the soonest
/// deadline of a running clock; orders without clocks last. `breached` is the order's stored
/// flag (a breach recorded by a timer counts even when the report is not at hand).
pub fn rank(report: Option<&Report>, breached: bool) -> (u8, i64) {
    let Some(report) = report else {
        return (2, i64::MAX);
    };
    let mut soonest = i64::MAX;
    let mut any_breached = false;
    for clock in &report.clocks {
        match clock.state {
            "breached" => any_breached = true,
            "running" => soonest = soonest.min(clock.remaining_seconds.unwrap_or(i64::MAX)),
            _ => {}
        }
    }
    if any_breached || breached {
        (0, soonest)
    } else if soonest < i64::MAX {
        (1, soonest)
    } else {
        (2, i64::MAX)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sla::{OrderReport, PolicyReport};
    use crate::vocab::{Grade, OrderKind, OrderState};
    use proptest::prelude::*;

    fn clock(
        name: &str,
        state: &'static str,
        remaining: Option<i64>,
        by: i64,
        stopped: bool,
    ) -> ClockReport {
        ClockReport {
            name: name.into(),
            limit_seconds: Some(3600),
            started_at: None,
            deadline: Some(format!("{name}-deadline")),
            stopped_at: stopped.then(|| "stopped".to_string()),
            paused_seconds: 0,
            state,
            remaining_seconds: remaining,
            breached_by_seconds: by,
            limit: "1h".into(),
            calendar: "24x7".into(),
            warning_at: None,
        }
    }

    fn report(clocks: Vec<ClockReport>) -> Report {
        Report {
            clocks,
            escalations: vec![],
            updates_due: vec![],
            state: OrderState::InProgress,
            next_due: vec![],
            warnings: vec![],
            at: String::new(),
            order: OrderReport {
                kind: OrderKind::Fault,
                grade: Grade::Gold,
                business_type: None,
            },
            policy: PolicyReport {
                version: 1,
                rule: 0,
            },
        }
    }

    #[test]
    fn a_running_breach_comes_before_the_nearest_deadline() {
        let r = report(vec![
            clock("accept", "met", Some(0), 0, true),
            clock("on_site", "running", Some(600), 0, false),
            clock("restore", "running", Some(60), 0, false),
            clock("contact", "breached", None, 300, false),
        ]);
        let s = most_urgent(&r).unwrap();
        assert_eq!(
            (s.clock.as_str(), s.state.as_str()),
            ("contact", "breached")
        );
        assert_eq!(s.breached_by_seconds, 300);
        assert_eq!(rank(Some(&r), false).0, 0);
        // Without the breach: the nearest deadline.
        let r = report(r.clocks[..3].to_vec());
        let s = most_urgent(&r).unwrap();
        assert_eq!(s.clock, "restore");
        assert_eq!(s.deadline.as_deref(), Some("restore-deadline"));
        assert_eq!(rank(Some(&r), false), (1, 60));
        assert_eq!(rank(Some(&r), true).0, 0, "the stored flag counts");
    }

    #[test]
    fn stopped_breaches_and_met_clocks() {
        let r = report(vec![
            clock("accept", "breached", Some(0), 120, true),
            clock("restore", "met", Some(0), 0, true),
        ]);
        assert_eq!(most_urgent(&r).unwrap().clock, "accept");
        let r = report(vec![clock("restore", "met", Some(0), 0, true)]);
        assert_eq!(most_urgent(&r), None);
        assert_eq!(rank(Some(&r), false), (2, i64::MAX));
        assert_eq!(rank(None, false), (2, i64::MAX));
        let r = report(vec![
            clock("restore", "paused", Some(900), 0, false),
            clock("accept", "pending", None, 0, false),
        ]);
        assert_eq!(most_urgent(&r).unwrap().clock, "restore");
    }

    proptest! {
        /// The summary is always one of the order's clocks, and a running breach, when there is
        /// one, is what it shows.
        #[test]
        fn the_summary_is_one_of_the_clocks(
            clocks in proptest::collection::vec(
                (0usize..5, proptest::option::of(0i64..10_000), 0i64..10_000, any::<bool>()), 0..6)
        ) {
            const STATES: [&str; 5] = ["pending", "running", "paused", "met", "breached"];
            let r = report(clocks.iter().enumerate().map(|(i, (s, rem, by, stopped))| {
                clock(&format!("c{i}"), STATES[*s], *rem, *by, *stopped)
            }).collect());
            match most_urgent(&r) {
                None => prop_assert!(r.clocks.iter().all(|c| c.state == "met")),
                Some(s) => {
                    prop_assert!(r.clocks.iter().any(|c| c.name == s.clock && c.state == s.state));
                    if r.clocks.iter().any(|c| c.state == "breached" && c.stopped_at.is_none()) {
                        prop_assert_eq!(s.state.as_str(), "breached");
                    }
                }
            }
            let (tier, _) = rank(Some(&r), false);
            prop_assert_eq!(tier == 0, r.clocks.iter().any(|c| c.state == "breached"));
        }
    }
}
