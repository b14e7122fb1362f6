//! 定时器 The durable timers of an order, decided here and kept by the store: which instants an
//! evaluation of the clocks asks for ([`wanted`]), and how the rows an order already has must
//! change to match ([`plan`]). The store reads the order's rows, asks, and writes the plan.
//!
//! Three rules hold (issue 3, R-F4..R-F6):
//! - a warning, breach or escalation that fired once is never wanted again, whatever pauses do to
//!   the deadlines afterwards (a notice must not repeat); progress updates are keyed by their
//!   instant, so each due update fires once;
//! - an unfired row that is still wanted keeps its id (a claimed timer stays fireable);
//! - a closed order wants none.

use std::collections::HashSet;

use crate::policy::Rule;
use crate::sla::{ClockState, DueKind, Evaluation};
use crate::vocab::OrderState;

/// A timer an evaluation asks for: `clock` is the clock's name (empty for an escalation or an
/// update, which belong to the order).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wanted {
    pub kind: DueKind,
    pub clock: String,
    pub at: i64,
}

/// A timer row as the store has it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Existing<'a> {
    pub id: i64,
    /// The kind's code, as stored (`DueKind::code`).
    pub kind: &'a str,
    pub clock: &'a str,
    pub due_at: i64,
    pub fired: bool,
}

/// How an order's timer rows must change.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    /// Unfired rows no longer wanted.
    pub delete: Vec<i64>,
    /// New rows.
    pub insert: Vec<Wanted>,
    /// The earliest unfired due once the plan is applied.
    pub next: Option<i64>,
}

/// The timers an evaluation asks for: each upcoming instant of [`Evaluation::dues`], and what is
/// already overdue but owed (a breach or an escalation that lies in the past when the order is
/// created or an event is recorded late).
pub fn wanted(rule: &Rule, ev: &Evaluation, now: i64) -> Vec<Wanted> {
    let name = |i: Option<u8>| {
        i.and_then(|i| rule.clocks.get(usize::from(i)))
            .map(|c| c.name.clone())
            .unwrap_or_default()
    };
    let mut out: Vec<Wanted> = ev
        .dues()
        .map(|d| Wanted {
            kind: d.kind,
            clock: name(d.clock),
            at: d.at,
        })
        .collect();
    for (i, c) in ev.clocks().iter().enumerate() {
        let clock = name(u8::try_from(i).ok());
        // A warning whose instant the clock reached while running is owed even when it is
        // late (the service was down, the scheduler lagged, the breach came first): the
        // fired-once rule of `plan` keeps it from repeating.
        if let Some(w) = c.warning_at {
            let reached = c.stopped_at.is_none_or(|stop| stop > w);
            if w <= now && reached && c.state != ClockState::Pending {
                out.push(Wanted {
                    kind: DueKind::Warning,
                    clock: clock.clone(),
                    at: w,
                });
            }
        }
        if let (ClockState::Breached, Some(d)) = (c.state, c.deadline) {
            if d <= now {
                out.push(Wanted {
                    kind: DueKind::Breach,
                    clock,
                    at: d,
                });
            }
        }
    }
    if let Some(t) = ev.escalated_at {
        out.push(Wanted {
            kind: DueKind::Escalation,
            clock: String::new(),
            at: t,
        });
    }
    out
}

/// Plans an order's timer rows from what its clocks want at `now` and the rows it has.
pub fn plan(
    rule: &Rule,
    ev: &Evaluation,
    now: i64,
    state: OrderState,
    existing: &[Existing<'_>],
) -> Plan {
    plan_rows(wanted(rule, ev, now), state, existing)
}

/// [`plan`] once the wanted timers are known: the three rules of this module.
pub fn plan_rows(wanted: Vec<Wanted>, state: OrderState, existing: &[Existing<'_>]) -> Plan {
    let update = DueKind::Update.code();
    let fired_once: HashSet<(&str, &str)> = existing
        .iter()
        .filter(|t| t.fired && t.kind != update)
        .map(|t| (t.kind, t.clock))
        .collect();
    let fired_at: HashSet<(&str, &str, i64)> = existing
        .iter()
        .filter(|t| t.fired)
        .map(|t| (t.kind, t.clock, t.due_at))
        .collect();
    let mut want: Vec<Wanted> = Vec::new();
    if state != OrderState::Closed {
        for w in wanted {
            let key = (w.kind.code(), w.clock.as_str());
            if fired_once.contains(&key)
                || fired_at.contains(&(key.0, key.1, w.at))
                || want.contains(&w)
            {
                continue;
            }
            want.push(w);
        }
    }
    let mut plan = Plan::default();
    let mut earliest = |at: i64| plan_next(&mut plan.next, at);
    let mut delete = Vec::new();
    for row in existing.iter().filter(|t| !t.fired) {
        match want
            .iter()
            .position(|w| w.kind.code() == row.kind && w.clock == row.clock && w.at == row.due_at)
        {
            Some(i) => {
                want.swap_remove(i);
                earliest(row.due_at);
            }
            None => delete.push(row.id),
        }
    }
    for w in &want {
        earliest(w.at);
    }
    plan.delete = delete;
    plan.insert = want;
    plan
}

fn plan_next(next: &mut Option<i64>, at: i64) {
    *next = Some(next.map_or(at, |n| n.min(at)));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::Workdays;
    use crate::order::EventAt;
    use crate::policy::{Policy, DEFAULT_POLICY_TOML};
    use crate::sla::evaluate;
    use crate::vocab::{BusinessType, EventType, Grade, OrderKind};
    use proptest::prelude::*;

    const M: i64 = 60;
    const T0: i64 = 1_759_284_000; // 2025-10-01T10:00:00+08:00

    fn gold_fault(policy: &Policy) -> &Rule {
        policy
            .lookup(OrderKind::Fault, Grade::Gold, Some(BusinessType::DataLine))
            .unwrap()
    }

    fn at(kind: EventType, x: i64) -> EventAt {
        EventAt { kind, at: x }
    }

    fn existing(rows: &[(i64, DueKind, &'static str, i64, bool)]) -> Vec<Existing<'static>> {
        rows.iter()
            .map(|&(id, kind, clock, due_at, fired)| Existing {
                id,
                kind: kind.code(),
                clock,
                due_at,
                fired,
            })
            .collect()
    }

    #[test]
    fn a_new_order_wants_each_running_clocks_warning_and_deadline() {
        let p = Policy::parse(DEFAULT_POLICY_TOML).unwrap();
        let rule = gold_fault(&p);
        let events = [
            at(EventType::Occurred, T0),
            at(EventType::Dispatched, T0 + M),
        ];
        let ev = evaluate(rule, &Workdays::builtin(), &events, T0 + M);
        let w = wanted(rule, &ev, T0 + M);
        assert!(!w.is_empty());
        assert!(
            w.iter().all(|w| w.at > T0 + M),
            "nothing is overdue yet: {w:?}"
        );
        for c in ev
            .clocks()
            .iter()
            .filter(|c| c.state == ClockState::Running)
        {
            let deadline = c.deadline.unwrap();
            assert!(
                w.iter()
                    .any(|w| w.kind == DueKind::Breach && w.at == deadline),
                "the deadline {deadline} of a running clock is wanted: {w:?}"
            );
        }
    }

    #[test]
    fn an_order_recorded_late_is_owed_its_breaches_and_its_escalation() {
        let p = Policy::parse(DEFAULT_POLICY_TOML).unwrap();
        let rule = gold_fault(&p);
        let events = [
            at(EventType::Occurred, T0),
            at(EventType::Dispatched, T0 + M),
        ];
        // Entered a day late: every clock has breached and the order has escalated (R-F4).
        let now = T0 + 24 * 60 * M;
        let ev = evaluate(rule, &Workdays::builtin(), &events, now);
        let w = wanted(rule, &ev, now);
        let breached = ev
            .clocks()
            .iter()
            .filter(|c| c.state == ClockState::Breached)
            .count();
        assert!(breached > 0);
        assert_eq!(
            w.iter()
                .filter(|w| w.kind == DueKind::Breach && w.at <= now)
                .count(),
            breached
        );
        assert_eq!(
            w.iter().filter(|w| w.kind == DueKind::Escalation).count(),
            usize::from(ev.escalated_at.is_some())
        );
        assert!(
            ev.escalated_at.is_some(),
            "a gold fault a day old has escalated"
        );
    }

    #[test]
    fn a_closed_order_wants_none_and_its_unfired_rows_go() {
        let rows = existing(&[
            (1, DueKind::Breach, "restore", T0, false),
            (2, DueKind::Warning, "restore", T0, true),
        ]);
        let want = vec![Wanted {
            kind: DueKind::Breach,
            clock: "restore".into(),
            at: T0,
        }];
        let p = plan_rows(want, OrderState::Closed, &rows);
        assert_eq!(p.delete, vec![1]);
        assert!(p.insert.is_empty());
        assert_eq!(p.next, None);
    }

    #[test]
    fn a_notice_fired_once_is_not_wanted_again_when_a_pause_moves_its_deadline() {
        let rows = existing(&[(7, DueKind::Breach, "restore", T0, true)]);
        let moved = vec![Wanted {
            kind: DueKind::Breach,
            clock: "restore".into(),
            at: T0 + 30 * M,
        }];
        let p = plan_rows(moved, OrderState::InProgress, &rows);
        assert!(p.insert.is_empty(), "{p:?}");
        assert!(p.delete.is_empty());
    }

    #[test]
    fn updates_fire_once_per_instant_and_later_ones_are_still_wanted() {
        let rows = existing(&[(3, DueKind::Update, "", T0, true)]);
        let want = vec![
            Wanted {
                kind: DueKind::Update,
                clock: String::new(),
                at: T0,
            },
            Wanted {
                kind: DueKind::Update,
                clock: String::new(),
                at: T0 + 60 * M,
            },
        ];
        let p = plan_rows(want, OrderState::InProgress, &rows);
        assert_eq!(p.insert.len(), 1);
        assert_eq!(p.insert[0].at, T0 + 60 * M);
        assert_eq!(p.next, Some(T0 + 60 * M));
    }

    #[test]
    fn a_still_wanted_unfired_row_keeps_its_id() {
        let rows = existing(&[(9, DueKind::Warning, "accept", T0 + 5 * M, false)]);
        let want = vec![Wanted {
            kind: DueKind::Warning,
            clock: "accept".into(),
            at: T0 + 5 * M,
        }];
        let p = plan_rows(want, OrderState::Dispatched, &rows);
        assert_eq!(
            p,
            Plan {
                delete: vec![],
                insert: vec![],
                next: Some(T0 + 5 * M)
            }
        );
    }

    const KINDS: [DueKind; 4] = [
        DueKind::Warning,
        DueKind::Breach,
        DueKind::Escalation,
        DueKind::Update,
    ];
    const CLOCKS: [&str; 3] = ["", "accept", "restore"];

    fn arb_wanted() -> impl Strategy<Value = Wanted> {
        (0..4usize, 0..3usize, 0..20i64).prop_map(|(k, c, at)| Wanted {
            kind: KINDS[k],
            clock: CLOCKS[c].to_string(),
            at: T0 + at * M,
        })
    }

    fn arb_rows() -> impl Strategy<Value = Vec<(usize, usize, i64, bool)>> {
        proptest::collection::vec((0..4usize, 0..3usize, 0..20i64, any::<bool>()), 0..8)
    }

    fn rows_of(raw: &[(usize, usize, i64, bool)]) -> Vec<Existing<'static>> {
        raw.iter()
            .enumerate()
            .map(|(i, &(k, c, at, fired))| Existing {
                id: i as i64 + 1,
                kind: KINDS[k].code(),
                clock: CLOCKS[c],
                due_at: T0 + at * M,
                fired,
            })
            .collect()
    }

    /// Applies a plan to rows: what the store does with it.
    fn apply(rows: &[Existing<'static>], p: &Plan) -> Vec<Existing<'static>> {
        let mut out: Vec<Existing<'static>> = rows
            .iter()
            .filter(|r| !p.delete.contains(&r.id))
            .copied()
            .collect();
        for (id, w) in (1001..).zip(&p.insert) {
            let clock = CLOCKS.iter().find(|c| **c == w.clock).unwrap();
            out.push(Existing {
                id,
                kind: w.kind.code(),
                clock,
                due_at: w.at,
                fired: false,
            });
        }
        out
    }

    proptest! {
        /// Planning again after applying a plan changes nothing (the store may refresh an
        /// order's timers as often as it likes).
        #[test]
        fn planning_is_idempotent(want in proptest::collection::vec(arb_wanted(), 0..10), raw in arb_rows()) {
            let rows = rows_of(&raw);
            let first = plan_rows(want.clone(), OrderState::InProgress, &rows);
            let after = apply(&rows, &first);
            let second = plan_rows(want, OrderState::InProgress, &after);
            prop_assert!(second.delete.is_empty(), "{:?}", second);
            prop_assert!(second.insert.is_empty(), "{:?}", second);
            prop_assert_eq!(second.next, first.next);
        }

        /// Nothing that fired is planned again at its instant, a fired warning, breach or
        /// escalation not at all; fired rows are never deleted; no timer is planned twice.
        #[test]
        fn fired_rows_stay_and_never_repeat(want in proptest::collection::vec(arb_wanted(), 0..10), raw in arb_rows()) {
            let rows = rows_of(&raw);
            let p = plan_rows(want, OrderState::InProgress, &rows);
            for r in rows.iter().filter(|r| r.fired) {
                prop_assert!(!p.delete.contains(&r.id));
                for w in &p.insert {
                    let same = w.kind.code() == r.kind && w.clock == r.clock;
                    prop_assert!(!(same && (w.at == r.due_at || w.kind != DueKind::Update)), "{:?} repeats {:?}", w, r);
                }
            }
            for (i, a) in p.insert.iter().enumerate() {
                prop_assert!(!p.insert[i + 1..].contains(a));
            }
            let unfired_kept = rows.iter().filter(|r| !r.fired && !p.delete.contains(&r.id)).map(|r| r.due_at);
            let earliest = unfired_kept.chain(p.insert.iter().map(|w| w.at)).min();
            prop_assert_eq!(p.next, earliest);
        }

        /// A closed order keeps only what fired.
        #[test]
        fn a_closed_order_keeps_only_what_fired(want in proptest::collection::vec(arb_wanted(), 0..10), raw in arb_rows()) {
            let rows = rows_of(&raw);
            let p = plan_rows(want, OrderState::Closed, &rows);
            prop_assert!(p.insert.is_empty());
            prop_assert_eq!(p.next, None);
            let unfired: Vec<i64> = rows.iter().filter(|r| !r.fired).map(|r| r.id).collect();
            prop_assert_eq!(p.delete, unfired);
        }
    }
}
