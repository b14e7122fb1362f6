//! The facts the KPIs are computed from: per order what its events and its SLA evaluation say
//! ([`OrderFacts`], built by [`order_facts`] from the events with `sla::evaluate`, so that the
//! clocks are the evaluator's, never derived again), and per circuit what the availability needs
//! ([`CircuitFacts`]: its grade history, business type, contractors, service life).
//!
//! R-SL3: figures are computed with the policy version and the grade in force at the time:
//! [`policy_in_force`] picks the policy valid at the order's first event, and the order's grade
//! is the one it was created with (the store derives it in force at the fault's time,
//! `derive::order_grade`); [`grade_in_force`] reads a history of [`GradeSpan`]s.

use super::interval::{merge, Span};
use crate::calendar::Workdays;
use crate::order::{Event, EventAt};
use crate::policy::{Policy, PolicyError};
use crate::sla::{evaluate, ClockState};
use crate::vocab::{BusinessType, EventType, Grade, OrderKind};

/// One period of a service grade (客户服务等级, R-SL1, R-SL3), `[from, to)`, Unix seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GradeSpan {
    pub grade: Grade,
    pub from: i64,
    /// `None` while in force.
    pub to: Option<i64>,
}

impl GradeSpan {
    /// The period as a span (open-ended to the end of time).
    pub fn span(&self) -> Span {
        Span::new(self.from, self.to.unwrap_or(i64::MAX))
    }
}

/// The grade in force at `t` (R-SL3); the latest-starting period wins if periods overlap.
pub fn grade_in_force(history: &[GradeSpan], t: i64) -> Option<Grade> {
    history
        .iter()
        .filter(|p| p.span().contains(t))
        .max_by_key(|p| p.from)
        .map(|p| p.grade)
}

/// The policy version in force at `t` (R-SL3): the latest `valid_from` at or before `t`.
pub fn policy_in_force(policies: &[Policy], t: i64) -> Option<&Policy> {
    policies
        .iter()
        .filter(|p| p.valid_from <= t)
        .max_by_key(|p| (p.valid_from, p.version))
}

/// An approved suspension (挂起, R-C3): `[from, to)`, open while `to` is `None`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pause {
    pub from: i64,
    pub to: Option<i64>,
    /// 挂起原因
    pub reason: Option<String>,
    /// 审批人
    pub approved_by: Option<String>,
}

impl Pause {
    /// The suspension as a span, an open one ending at `at`.
    pub fn span(&self, at: i64) -> Span {
        Span::new(self.from, self.to.unwrap_or(at))
    }
}

/// One clock of the order as the SLA evaluation (`sla::evaluate`) left it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClockFact {
    /// The policy's clock name (`restore`, `on_site`, `documents`, …).
    pub name: String,
    /// The event that stops it: the KPIs find their clock by it (`restored`, `on_site`,
    /// `documents_delivered`, `completed`), not by its name.
    pub stop: EventType,
    pub state: ClockState,
    pub limit_secs: i64,
    pub deadline: Option<i64>,
    pub breached_by_secs: i64,
    pub paused_secs: i64,
}

/// A follow-up visit's answer (回访, customer satisfaction 客户满意度).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FollowUp {
    pub at: i64,
    pub satisfied: bool,
}

/// What the store knows of an order besides its events.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderMeta {
    /// 工单编号, `GD-20260105-000042`.
    pub code: String,
    pub kind: OrderKind,
    /// The contractor's code; `None` for the engineering department's orders (not scored).
    pub contractor: Option<String>,
    pub region: Option<String>,
    pub customer: Option<String>,
    /// The circuits (专线编号) the order is about.
    pub circuits: Vec<String>,
    /// The order's grade: the customer's grade in force when it occurred (R-SL3).
    pub grade: Grade,
    pub business_type: Option<BusinessType>,
    /// R-W5: the appointment with the customer, when one was booked (准时到达率).
    pub appointment_at: Option<i64>,
    /// Inspections (R-W2): when it was planned (its cycle's start); default the dispatch.
    pub planned_at: Option<i64>,
    /// Inspections: the end of its cycle; default the end of the planned month.
    pub due_at: Option<i64>,
    pub follow_up: Option<FollowUp>,
}

impl OrderMeta {
    /// An order with nothing but its code, kind and grade known.
    pub fn new(code: impl Into<String>, kind: OrderKind, grade: Grade) -> OrderMeta {
        OrderMeta {
            code: code.into(),
            kind,
            contractor: None,
            region: None,
            customer: None,
            circuits: Vec::new(),
            grade,
            business_type: None,
            appointment_at: None,
            planned_at: None,
            due_at: None,
            follow_up: None,
        }
    }
}

/// An order reduced to what the KPIs read: its instants, suspensions and evaluated clocks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderFacts {
    pub meta: OrderMeta,
    /// The version of the SLA policy its clocks were evaluated with (R-SL3).
    pub policy_version: u32,
    /// 故障发生: the first `occurred`.
    pub occurred_at: Option<i64>,
    /// The first `dispatched`.
    pub dispatched_at: Option<i64>,
    /// 到达现场: the first `on_site`.
    pub on_site_at: Option<i64>,
    /// 业务恢复: the last `restored`, unless a `reopened` came after it.
    pub restored_at: Option<i64>,
    /// 完成: the last `completed` or `documents_delivered`, unless reopened after.
    pub completed_at: Option<i64>,
    /// 归档: the last `closed`, unless reopened after.
    pub closed_at: Option<i64>,
    pub pauses: Vec<Pause>,
    pub clocks: Vec<ClockFact>,
}

impl OrderFacts {
    pub fn code(&self) -> &str {
        &self.meta.code
    }

    pub fn kind(&self) -> OrderKind {
        self.meta.kind
    }

    /// The clock stopped by `stop` (the first, if several are).
    pub fn clock_stopped_by(&self, stop: EventType) -> Option<&ClockFact> {
        self.clocks.iter().find(|c| c.stop == stop)
    }

    /// Whether any of its clocks breached (工单超时).
    pub fn breached_any(&self) -> bool {
        self.clocks.iter().any(|c| c.state == ClockState::Breached)
    }

    /// Its suspensions as a merged list, open ones ending at `at`.
    pub fn paused_spans(&self, at: i64) -> Vec<Span> {
        merge(self.pauses.iter().map(|p| p.span(at)))
    }

    /// §7 平均故障历时: restored − occurred, the suspended time in between excluded (R-C3);
    /// `None` until restored.
    pub fn restore_secs(&self) -> Option<i64> {
        let (o, r) = (self.occurred_at?, self.restored_at?);
        let span = Span::new(o, r);
        let paused: i64 = self
            .paused_spans(r)
            .iter()
            .filter_map(|p| p.clip(span))
            .map(Span::len)
            .sum();
        Some((span.len() - paused).max(0))
    }

    /// The outage of a fault (for availability): from `occurred` to `restored`, or to its
    /// closing if it was closed unrestored, or to `at` while it is still out; `None` for other
    /// kinds and faults that never occurred.
    pub fn outage(&self, at: i64) -> Option<Span> {
        if self.meta.kind != OrderKind::Fault {
            return None;
        }
        let start = self.occurred_at?;
        let end = self.restored_at.or(self.closed_at).unwrap_or(at);
        let s = Span::new(start, end.min(at));
        (!s.is_empty()).then_some(s)
    }
}

/// Builds an order's facts from its events (in time order, as stored) and the policy in force
/// for it (R-SL3: see [`policy_in_force`]); the clocks are `sla::evaluate`'s at `at`, events
/// after `at` are not counted. Fails only when the policy has no rule for the order.
pub fn order_facts(
    meta: OrderMeta,
    events: &[Event],
    policy: &Policy,
    days: &Workdays,
    at: i64,
) -> Result<OrderFacts, PolicyError> {
    let rule = policy.lookup(meta.kind, meta.grade, meta.business_type)?;
    let mut events: Vec<&Event> = events.iter().filter(|e| e.at <= at).collect();
    events.sort_by_key(|e| e.at);
    let stamps: Vec<EventAt> = events.iter().map(|e| e.stamp()).collect();
    let ev = evaluate(rule, days, &stamps, at);
    let clocks = rule
        .clocks
        .iter()
        .zip(ev.clocks())
        .map(|(spec, c)| ClockFact {
            name: spec.name.clone(),
            stop: spec.stop,
            state: c.state,
            limit_secs: c.limit_secs,
            deadline: c.deadline,
            breached_by_secs: c.breached_by_secs,
            paused_secs: c.paused_secs,
        })
        .collect();

    let first = |k: EventType| events.iter().find(|e| e.kind == k).map(|e| e.at);
    // The last event of a kind, unless a `reopened` came after it. An event at the same instant
    // as the reopen is taken to precede it (events are stored in order).
    let last_standing = |kinds: &[EventType]| {
        let (i, e) = events
            .iter()
            .enumerate()
            .rev()
            .find(|(_, e)| kinds.contains(&e.kind))?;
        let later_reopen = events[i + 1..]
            .iter()
            .any(|x| x.kind == EventType::Reopened);
        (!later_reopen).then_some(e.at)
    };
    let mut pauses = Vec::new();
    let mut open: Option<Pause> = None;
    for e in &events {
        match e.kind {
            // As `sla::evaluate` reads them: a second `suspended` inside a suspension is no new one.
            EventType::Suspended if open.is_none() => {
                open = Some(Pause {
                    from: e.at,
                    to: None,
                    reason: e.reason.clone(),
                    approved_by: e.approved_by.clone(),
                })
            }
            EventType::Resumed => {
                if let Some(mut p) = open.take() {
                    p.to = Some(e.at);
                    pauses.push(p);
                }
            }
            _ => {}
        }
    }
    pauses.extend(open);
    Ok(OrderFacts {
        policy_version: policy.version,
        occurred_at: first(EventType::Occurred),
        dispatched_at: first(EventType::Dispatched),
        on_site_at: first(EventType::OnSite),
        restored_at: last_standing(&[EventType::Restored]),
        completed_at: last_standing(&[EventType::Completed, EventType::DocumentsDelivered]),
        closed_at: last_standing(&[EventType::Closed]),
        pauses,
        clocks,
        meta,
    })
}

/// 专线 a circuit as the availability reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CircuitFacts {
    /// 专线编号
    pub code: String,
    pub customer: Option<String>,
    /// The contractors maintaining a part of it (from its path, R-MD); its availability counts
    /// in each one's scorecard, with that contractor's outages.
    pub contractors: Vec<String>,
    pub region: Option<String>,
    pub business_type: BusinessType,
    /// The customer's grade history (R-SL3); with the business type it gives the assurance
    /// level (R-SL2) and so the availability target, period by period.
    pub grades: Vec<GradeSpan>,
    /// In service from (开通), if known; before it the line has no period.
    pub in_service_from: Option<i64>,
    /// Out of service from (拆除), if it was terminated.
    pub in_service_to: Option<i64>,
}

impl CircuitFacts {
    /// Its service life as a span.
    pub fn service(&self) -> Span {
        Span::new(
            self.in_service_from.unwrap_or(i64::MIN),
            self.in_service_to.unwrap_or(i64::MAX),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::DEFAULT_POLICY_TOML;
    use crate::sla::parse_time;
    use EventType as E;

    const H: i64 = 3600;
    const M: i64 = 60;

    fn t(s: &str) -> i64 {
        parse_time(s, "t").unwrap()
    }
    fn suspend(at: i64) -> Event {
        Event {
            reason: Some("客户拒绝进场".into()),
            approved_by: Some("张主任".into()),
            ..Event::new(E::Suspended, at)
        }
    }

    /// The facts read the SLA evaluation's clocks (R-F4 gold: 4 h restore) and exclude the
    /// suspension from the restore duration (R-C3, §7 平均故障历时).
    #[test]
    fn facts_of_a_suspended_gold_fault() {
        let p = Policy::parse(DEFAULT_POLICY_TOML).unwrap();
        let days = Workdays::builtin();
        let t0 = t("2026-01-05T10:00:00+08:00");
        let events = [
            Event::new(E::Occurred, t0),
            Event::new(E::Dispatched, t0 + M),
            Event::new(E::Accepted, t0 + 5 * M),
            suspend(t0 + H),
            Event::new(E::Resumed, t0 + 2 * H),
            Event::new(E::OnSite, t0 + 3 * H),
            Event::new(E::Restored, t0 + 5 * H),
            Event::new(E::Confirmed, t0 + 6 * H),
            Event::new(E::Closed, t0 + 7 * H),
        ];
        let f = order_facts(
            OrderMeta::new("GD-1", OrderKind::Fault, Grade::Gold),
            &events,
            &p,
            &days,
            t0 + 10 * H,
        )
        .unwrap();
        assert_eq!(f.restore_secs(), Some(4 * H));
        let restore = f.clock_stopped_by(E::Restored).unwrap();
        assert_eq!(restore.name, "restore");
        assert_eq!(restore.state, ClockState::Met);
        assert_eq!(restore.limit_secs, 4 * H);
        // On site at 3 h with 1 h paused: 2 h of running time of 2 h: met.
        assert_eq!(
            f.clock_stopped_by(E::OnSite).unwrap().state,
            ClockState::Met
        );
        assert_eq!(f.closed_at, Some(t0 + 7 * H));
        assert_eq!(f.pauses.len(), 1);
        assert_eq!(f.pauses[0].reason.as_deref(), Some("客户拒绝进场"));
        assert_eq!(f.outage(t0 + 10 * H), Some(Span::new(t0, t0 + 5 * H)));
        // The contact clock never stopped: frozen at closing, long past 15 min.
        assert!(f.breached_any());
        assert_eq!(f.policy_version, 1);
    }

    /// A reopened fault is out again: no restoration, no closing; its outage runs to `at`.
    #[test]
    fn reopened_orders_are_not_restored_nor_closed() {
        let p = Policy::parse(DEFAULT_POLICY_TOML).unwrap();
        let days = Workdays::builtin();
        let events = [
            Event::new(E::Occurred, 0),
            Event::new(E::Dispatched, 0),
            Event::new(E::Accepted, 60),
            Event::new(E::Restored, H),
            Event::new(E::Confirmed, 2 * H),
            Event::new(E::Closed, 3 * H),
            Event::new(E::Reopened, 4 * H),
            Event::new(E::UpdatePublished, 100 * H), // after `at`: not counted
        ];
        let f = order_facts(
            OrderMeta::new("GD-2", OrderKind::Fault, Grade::Silver),
            &events,
            &p,
            &days,
            5 * H,
        )
        .unwrap();
        assert_eq!(f.restored_at, None);
        assert_eq!(f.closed_at, None);
        assert_eq!(f.outage(5 * H), Some(Span::new(0, 5 * H)));
        assert_eq!(f.restore_secs(), None);
    }

    #[test]
    fn grade_and_policy_in_force() {
        let h = [
            GradeSpan {
                grade: Grade::Silver,
                from: 0,
                to: Some(100),
            },
            GradeSpan {
                grade: Grade::Gold,
                from: 100,
                to: None,
            },
        ];
        assert_eq!(grade_in_force(&h, -1), None);
        assert_eq!(grade_in_force(&h, 99), Some(Grade::Silver));
        assert_eq!(grade_in_force(&h, 100), Some(Grade::Gold));
        let v1 = Policy::parse(DEFAULT_POLICY_TOML).unwrap();
        let v2 = Policy::parse(&DEFAULT_POLICY_TOML.replace(
            "version = 1\nvalid_from = \"2025-01-01T00:00:00+08:00\"",
            "version = 2\nvalid_from = \"2026-01-15T00:00:00+08:00\"",
        ))
        .unwrap();
        assert_eq!(v2.version, 2);
        let both = [v2.clone(), v1.clone()];
        assert_eq!(policy_in_force(&both, t("2024-12-31T00:00:00+08:00")), None);
        assert_eq!(
            policy_in_force(&both, t("2026-01-14T23:59:59+08:00")).map(|p| p.version),
            Some(1)
        );
        assert_eq!(
            policy_in_force(&both, t("2026-01-15T00:00:00+08:00")).map(|p| p.version),
            Some(2)
        );
    }
}
