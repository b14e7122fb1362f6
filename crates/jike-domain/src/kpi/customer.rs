//! The customer's monthly SLA report (客户服务报告, §3, R-SL1..R-SL3, R-C3):
//! `GET /api/v1/reports/customers/{code}?month=…`.

use chrono::{DateTime, FixedOffset};
use serde::Serialize;

use super::compute::{circuit_availability, month_window, FaultTimes};
use super::facts::{CircuitFacts, GradeSpan, OrderFacts};
use super::{KpiConfig, Month, YEAR_SECS};
use crate::sla::ClockState;
use crate::time::{local, utc};
use crate::vocab::{AssuranceLevel, EventType, Grade, OrderKind};

fn shown(t: i64) -> DateTime<FixedOffset> {
    local(utc(t))
}

/// One period of the customer's grade that overlaps the month (R-SL3).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GradePeriodReport {
    pub grade: Grade,
    pub valid_from: DateTime<FixedOffset>,
    pub valid_to: Option<DateTime<FixedOffset>>,
}

/// A fault or complaint of the report, with its restore limit as evaluated under the grade and
/// policy in force for it (R-SL3).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IncidentReport {
    pub order: String,
    pub occurred_at: Option<DateTime<FixedOffset>>,
    pub restored_at: Option<DateTime<FixedOffset>>,
    /// The restore clock's limit (业务恢复时限).
    pub restore_limit_seconds: Option<i64>,
    /// Whether restored within it; `None` while it runs.
    pub met: Option<bool>,
    /// By how much it was missed (working seconds of the clock's calendar).
    pub breached_by_seconds: i64,
    /// Restored − occurred, suspensions excluded (R-C3).
    pub restore_seconds: Option<i64>,
    /// The grade the order was handled under.
    pub grade: Grade,
    pub policy_version: u32,
    /// A repeat fault on this line (§7 故障重复发生率).
    pub repeat: bool,
}

/// An approved suspension of one of the line's faults (R-C3: with its reason and approver).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SuspensionReport {
    pub order: String,
    pub from: DateTime<FixedOffset>,
    pub to: Option<DateTime<FixedOffset>>,
    /// Its seconds within the month.
    pub seconds: i64,
    pub reason: Option<String>,
    pub approved_by: Option<String>,
}

/// One line of the customer in the month.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CircuitReport {
    pub code: String,
    /// The grade in force at the period's end (the history is the report's `grades`).
    pub grade: Option<Grade>,
    /// R-SL2, at the period's end.
    pub assurance_level: Option<AssuranceLevel>,
    pub availability: Option<f64>,
    pub target: Option<f64>,
    pub met: Option<bool>,
    pub outage_seconds: i64,
    pub period_seconds: i64,
    /// Suspended time inside the outages (R-C3).
    pub suspended_seconds: i64,
    pub allowed_outage_seconds: Option<f64>,
    pub faults: Vec<IncidentReport>,
    pub suspensions: Vec<SuspensionReport>,
    /// Repeat faults occurring in the month.
    pub repeat_faults: u32,
    /// Repeat faults in the 365 days ending with the month (or the evaluation instant).
    pub repeat_faults_year: u32,
    /// §7a: the repeats per line per year the level allows.
    pub repeat_target: Option<u32>,
    pub repeat_met: Option<bool>,
}

/// `GET /api/v1/reports/customers/{code}?month=…`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CustomerReport {
    pub customer: String,
    pub month: Month,
    /// The grade history overlapping the month (R-SL3).
    pub grades: Vec<GradePeriodReport>,
    pub circuits: Vec<CircuitReport>,
    pub complaints: Vec<IncidentReport>,
}

fn incident(o: &OrderFacts, repeat: bool) -> IncidentReport {
    let restore = o.clock_stopped_by(EventType::Restored);
    IncidentReport {
        order: o.code().to_string(),
        occurred_at: o.occurred_at.map(shown),
        restored_at: o.restored_at.map(shown),
        restore_limit_seconds: restore.map(|c| c.limit_secs),
        met: match restore.map(|c| c.state) {
            Some(ClockState::Met) => Some(true),
            Some(ClockState::Breached) => Some(false),
            _ => None,
        },
        breached_by_seconds: restore.map_or(0, |c| c.breached_by_secs),
        restore_seconds: o.restore_secs(),
        grade: o.meta.grade,
        policy_version: o.policy_version,
        repeat,
    }
}

/// The report of `customer` for `month` as of `at`: its lines (`circuits`, those of another
/// customer are skipped), the faults and complaints among `orders` (pass the 365 days before
/// the month too, for the repeats), and its grade history.
pub fn customer_report(
    customer: &str,
    month: Month,
    at: i64,
    grades: &[GradeSpan],
    circuits: &[CircuitFacts],
    orders: &[OrderFacts],
    cfg: &KpiConfig,
) -> CustomerReport {
    let window = month_window(month, at);
    let times = FaultTimes::new(orders);
    let occurred_in = |o: &OrderFacts| o.occurred_at.is_some_and(|t| window.contains(t));
    let mut lines = Vec::new();
    for line in circuits {
        if line.customer.as_deref().is_some_and(|c| c != customer) {
            continue;
        }
        let on_line: Vec<&OrderFacts> = orders
            .iter()
            .filter(|o| o.kind() == OrderKind::Fault && o.meta.circuits.contains(&line.code))
            .collect();
        let a = circuit_availability(line, on_line.iter().copied(), month, at, cfg);
        let w = cfg.recurrence_window_secs;
        let mut faults: Vec<&OrderFacts> = on_line
            .iter()
            .copied()
            .filter(|o| occurred_in(o) || o.outage(at).is_some_and(|s| s.clip(window).is_some()))
            .collect();
        faults.sort_by_key(|o| (o.occurred_at, o.code().to_string()));
        let is_repeat = |o: &OrderFacts| times.is_repeat(o, w, Some(&line.code));
        let repeat_faults = faults
            .iter()
            .filter(|o| occurred_in(o) && is_repeat(o))
            .count() as u32;
        let year = super::Span::new(window.end.saturating_sub(YEAR_SECS), window.end);
        let repeat_faults_year = on_line
            .iter()
            .filter(|o| o.occurred_at.is_some_and(|t| year.contains(t)) && is_repeat(o))
            .count() as u32;
        let repeat_target = a
            .assurance_level
            .and_then(|l| cfg.levels.get(&l))
            .and_then(|l| l.repeats_per_year);
        let mut suspensions = Vec::new();
        for o in &faults {
            for p in &o.pauses {
                if let Some(part) = p.span(at).clip(window) {
                    suspensions.push(SuspensionReport {
                        order: o.code().to_string(),
                        from: shown(p.from),
                        to: p.to.map(shown),
                        seconds: part.len(),
                        reason: p.reason.clone(),
                        approved_by: p.approved_by.clone(),
                    });
                }
            }
        }
        lines.push(CircuitReport {
            code: line.code.clone(),
            grade: a.grade,
            assurance_level: a.assurance_level,
            availability: a.availability,
            target: a.target,
            met: a.met,
            outage_seconds: a.outage_seconds,
            period_seconds: a.period_seconds,
            suspended_seconds: a.suspended_seconds,
            allowed_outage_seconds: a.allowed_outage_seconds,
            faults: faults.iter().map(|o| incident(o, is_repeat(o))).collect(),
            suspensions,
            repeat_faults,
            repeat_faults_year,
            repeat_target,
            repeat_met: repeat_target.map(|t| repeat_faults_year <= t),
        });
    }
    lines.sort_by(|a, b| a.code.cmp(&b.code));
    let codes: Vec<&str> = lines.iter().map(|l| l.code.as_str()).collect();
    let mut complaints: Vec<&OrderFacts> = orders
        .iter()
        .filter(|o| o.kind() == OrderKind::Complaint)
        .filter(|o| {
            o.meta.customer.as_deref() == Some(customer)
                || o.meta.circuits.iter().any(|c| codes.contains(&c.as_str()))
        })
        .filter(|o| occurred_in(o) || o.closed_at.is_some_and(|t| window.contains(t)))
        .collect();
    complaints.sort_by_key(|o| (o.occurred_at, o.code().to_string()));
    let mut history: Vec<&GradeSpan> = grades
        .iter()
        .filter(|g| g.span().clip(month.span()).is_some())
        .collect();
    history.sort_by_key(|g| g.from);
    CustomerReport {
        customer: customer.to_string(),
        month,
        grades: history
            .into_iter()
            .map(|g| GradePeriodReport {
                grade: g.grade,
                valid_from: shown(g.from),
                valid_to: g.to.map(shown),
            })
            .collect(),
        circuits: lines,
        complaints: complaints.iter().map(|o| incident(o, false)).collect(),
    }
}
