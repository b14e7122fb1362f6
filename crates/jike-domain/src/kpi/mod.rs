//! KPI scorecards (代维工作质量指标, domain.md §7) and customer SLA reports (客户服务报告, §3),
//! computed from facts: pure functions of the orders' events as the SLA evaluation read them
//! ([`OrderFacts`], `sla::evaluate`), the circuits ([`CircuitFacts`]), a month and an instant.
//! No I/O; the store reads the facts, the server and the command line show the result.
//!
//! - [`kpi_report`]: per contractor × region × month (a contractor's row over all its regions
//!   has `region: null`), each KPI of §7 with its value, numerator, denominator, target (§7a,
//!   [`KpiConfig`]), whether it was met, and the orders behind it; and a weighted score.
//! - [`circuit_availability`]: one line's availability in a month, against its target.
//! - [`customer_report`]: per customer and month, each line's availability, faults, suspensions
//!   and repeat faults, its complaints and its grade history.
//! - [`KpiConfig::level`]: the assurance level of a line (R-SL2) from the rule table.
//!
//! # The KPIs (§7) and how their facts are read
//!
//! Months are local calendar months in Asia/Shanghai ([`Month`]). An order's figures are those
//! of the SLA policy version and the grade in force at the time (R-SL3): the caller builds its
//! facts with [`policy_in_force`] and the order's grade (the store derives it in force when the
//! fault occurred); nothing here reads today's grade. `value` is `None` when the denominator is
//! 0 ("no data": never 0 % or 100 %), and then `met` is `None` too; `met` is also `None` without
//! a target. Orders of no contractor (the engineering department's) are in no scorecard.
//!
//! | code | 指标 | numerator / denominator, counted in the month of |
//! | --- | --- | --- |
//! | `fault_timeliness` | 故障处理及时率 | fault orders whose restore clock (the clock stopped by `restored`) the SLA evaluation says `met` / fault orders closed; the closing |
//! | `complaint_timeliness` | 投诉处理及时率 | the same for complaint orders (R-F11) |
//! | `timeout_rate` | 工单超时率 | orders with any clock `breached` / orders closed (every kind); the closing; lower is better |
//! | `mttr_seconds` | 平均故障历时 | Σ(restored − occurred − suspended time in between, R-C3) / restored faults closed; the closing; lower is better |
//! | `inspection_completion` | 巡检完成率 | inspections completed by the end of their cycle / inspections planned (R-W2); the plan (default the dispatch; the cycle ends with the month unless given) |
//! | `availability` | 电路可用率 | Σ(period − merged outage) / Σ period over the contractor's lines (seconds); the outage, split by month |
//! | `recurrence` | 故障重复发生率 | faults on a line that had another fault in the previous window (30 days) / faults; the occurrence; lower is better |
//! | `on_time_arrival` | 准时到达率 | visits on site by the appointment (R-W5) or else within the on-site clock / visits (orders with `on_site`); the closing |
//! | `handover_docs_on_time` | 交维资料及时率 | handovers whose documents clock (3 working days, R-W1) is `met` / handovers passed; the closing |
//! | `satisfaction` | 客户满意度 | satisfied follow-up answers / follow-up answers; the answer |
//!
//! Decisions, with their sources:
//!
//! - **Timeliness is the SLA evaluation's verdict** (`sla.rs`): a fault closed without
//!   restoration before its limit (cancelled) is `met` there ("a cancelled order breaches nothing
//!   later"), so it is on time here; one closed unrestored after its limit is breached.
//! - **MTTR** (§7: "paused time excluded"): wall time from `occurred` to the last `restored`
//!   (a reopened fault was not restored in between, as `sla.rs` counts it), minus the approved
//!   suspensions inside it (R-C3). Faults closed without restoration have no duration and are
//!   not counted. Its default target is none: domain.md gives restore limits per grade (§3), not a
//!   mean.
//! - **Availability** (§7, §7a: "merges overlapping outages on one line before summing"): a
//!   fault's outage on each of its lines is `[occurred, restored)` (to its closing if closed
//!   unrestored, to the evaluation instant while out); a line's outages are merged, then summed;
//!   an outage across a month boundary is split, each month gets its part. The period is the
//!   month (up to the evaluation instant for the current month) within the line's service life.
//!   **A suspension inside an outage counts as outage** by default
//!   ([`KpiConfig::suspension_is_outage`]): domain.md excludes paused time from restore
//!   durations only (MTTR), R-C3 says a suspension stops the order's *clocks* and that "the time
//!   suspended is reported", and the seed (河南移动 SLA 1.1.2) names 电路可用率 among the
//!   assurance level's figures without a formula or an exclusion, while the line is out all the
//!   same; so the suspended time inside outages is reported beside the outage
//!   (`suspended_seconds`) and a setting excludes it. A contractor's availability is over the
//!   lines it maintains ([`CircuitFacts::contractors`]) with the outages of *its* fault orders
//!   (R-MD: a fault goes to whoever maintains the failed segment); a line's own availability
//!   ([`circuit_availability`], the customer report) counts every fault on it.
//! - **Availability targets** (R-SL2, §7a, §3): a line's assurance level comes from the grade in
//!   force and its business type's importance; the level's outage per line per year (3 h, 6 h,
//!   12 h for AAA, AA, A) over 365 days is the allowed share of time, and where the level sets
//!   none (ordinary, "—") the grade's availability (§3: 99.99 % … 99 %). A grade changed
//!   mid-month gives each part of the month its own allowance; a scorecard pools its lines'
//!   allowances: target = 1 − Σ allowed outage / Σ period, met when Σ outage ≤ Σ allowed; a
//!   part of a period with no grade in force has no allowance, and then no target is shown
//!   (never a guessed one).
//! - **Recurrence** (§7, §7a): a fault repeats when one of its lines had another fault order
//!   occurring in `[occurred − window, occurred)` (any contractor: it is the line's); faults at
//!   the same instant do not repeat each other. Pass the facts of the window before the month
//!   too. §7a's repeats per line per year (2 / 3 / — / 4) are counts, not a rate: the customer
//!   report checks each line's repeats in the 365 days ending with the month against them; the
//!   scorecard's `recurrence` has no default target.
//! - **Targets** (§7a): "complaint/fault response timeliness ≥ 97 %" is the default target of
//!   fault and complaint timeliness and of on-time arrival, and its complement (≤ 3 %) of the
//!   timeout rate; the KPIs for which domain.md gives no figure have none (configurable).
//! - **Score**: Σ weight × goodness / Σ weight over the KPIs *with data* (a KPI without data is
//!   left out, not counted as 0 or 1) and a positive weight; goodness is the value for a ratio
//!   where higher is better, `1 − value` where lower is better, and for `mttr_seconds`
//!   `min(1, target / value)`, so MTTR counts only when it has a target. In `[0, 1]`; `None`
//!   when no KPI counts. Default weights are equal.
//! - **Rows**: every contractor listed in the input, owning a line, or with an order that
//!   touches the month gets a row over all regions (`region: None`) and one per region of its
//!   contract, lines and orders; orders without a region count in the first only. A contractor
//!   with nothing in the month shows every KPI as no data.

use serde::Serialize;

mod compute;
mod config;
mod customer;
mod facts;
pub mod interval;
mod month;

pub use compute::{circuit_availability, kpi_report, score, CircuitAvailability};
pub use config::{
    AssuranceRules, Importance, KpiConfig, KpiConfigError, LevelTargets, DEFAULT_KPI_TOML,
    YEAR_SECS,
};
pub use customer::{
    customer_report, CircuitReport, CustomerReport, GradePeriodReport, IncidentReport,
    SuspensionReport,
};
pub use facts::{
    grade_in_force, order_facts, policy_in_force, CircuitFacts, ClockFact, FollowUp, GradeSpan,
    OrderFacts, OrderMeta, Pause,
};
pub use interval::Span;
pub use month::{split_by_month, Month, MonthError};

vocabulary! {
    /// 指标 the KPIs of §7, by code; the Chinese names are accepted on input.
    pub enum KpiCode ("KPI") {
        /// 故障处理及时率 fault handling timeliness.
        FaultTimeliness = "fault_timeliness" ["故障处理及时率"],
        /// 投诉处理及时率 complaint handling timeliness (R-F11).
        ComplaintTimeliness = "complaint_timeliness" ["投诉处理及时率"],
        /// 工单超时率 order timeout rate (lower is better).
        TimeoutRate = "timeout_rate" ["工单超时率"],
        /// 平均故障历时 mean time to restore, seconds (lower is better).
        MttrSeconds = "mttr_seconds" ["平均故障历时"],
        /// 巡检完成率 inspection completion (R-W2).
        InspectionCompletion = "inspection_completion" ["巡检完成率"],
        /// 电路可用率 circuit availability.
        Availability = "availability" ["电路可用率"],
        /// 故障重复发生率 fault recurrence (lower is better).
        Recurrence = "recurrence" ["故障重复发生率"],
        /// 准时到达率 on-time arrival (R-W5, R-F4).
        OnTimeArrival = "on_time_arrival" ["准时到达率"],
        /// 交维资料及时率 handover documents on time (R-W1).
        HandoverDocsOnTime = "handover_docs_on_time" ["交维资料及时率"],
        /// 客户满意度 customer satisfaction.
        Satisfaction = "satisfaction" ["客户满意度"],
    }
}

impl KpiCode {
    /// Whether a lower value is better: the timeout rate, the mean time to restore and the
    /// recurrence.
    pub fn lower_is_better(self) -> bool {
        matches!(
            self,
            KpiCode::TimeoutRate | KpiCode::MttrSeconds | KpiCode::Recurrence
        )
    }

    /// Whether the value is a share in `[0, 1]` (every KPI but `mttr_seconds`, in seconds).
    pub fn is_ratio(self) -> bool {
        self != KpiCode::MttrSeconds
    }
}

/// One KPI of one scorecard.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KpiValue {
    pub code: KpiCode,
    /// `numerator / denominator`; `None` when the denominator is 0 (no data).
    pub value: Option<f64>,
    /// Orders (or, for `mttr_seconds`, seconds; for `availability`, line-seconds in service).
    pub numerator: i64,
    pub denominator: i64,
    pub target: Option<f64>,
    /// Whether the value meets the target in the KPI's direction; `None` without data or target.
    pub met: Option<bool>,
    /// The orders behind the denominator (drill-down), sorted; for `availability` the fault
    /// orders whose outages count.
    pub orders: Vec<String>,
    /// The orders behind the numerator, sorted.
    pub numerator_orders: Vec<String>,
    /// `availability`: the lines behind it.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub circuits: Vec<String>,
    pub lower_is_better: bool,
}

impl KpiValue {
    /// A KPI from its numerator and denominator, `met` in the KPI's direction.
    pub fn new(code: KpiCode, numerator: i64, denominator: i64, target: Option<f64>) -> KpiValue {
        let value = (denominator > 0).then(|| numerator as f64 / denominator as f64);
        KpiValue {
            code,
            value,
            numerator,
            denominator,
            target,
            met: met(code, value, target),
            orders: Vec::new(),
            numerator_orders: Vec::new(),
            circuits: Vec::new(),
            lower_is_better: code.lower_is_better(),
        }
    }
}

fn met(code: KpiCode, value: Option<f64>, target: Option<f64>) -> Option<bool> {
    let (v, t) = (value?, target?);
    Some(if code.lower_is_better() {
        v <= t
    } else {
        v >= t
    })
}

/// The KPIs of one contractor (and region) in one month.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Scorecard {
    /// The contractor's code.
    pub contractor: String,
    /// `None`: all the contractor's regions.
    pub region: Option<String>,
    /// The ten KPIs of §7, in the order of `KpiCode::ALL` ([`crate::vocab::Vocabulary::ALL`]).
    pub kpis: Vec<KpiValue>,
    /// The weighted score in `[0, 1]` over the KPIs with data; `None` when none has.
    pub score: Option<f64>,
}

impl Scorecard {
    pub fn kpi(&self, code: KpiCode) -> Option<&KpiValue> {
        self.kpis.iter().find(|k| k.code == code)
    }
}

/// `GET /api/v1/reports/kpi?month=…`: the scorecards of a month.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KpiReport {
    pub month: Month,
    pub scorecards: Vec<Scorecard>,
}

impl KpiReport {
    /// The scorecard of a contractor and region (`None`: over all its regions).
    pub fn scorecard(&self, contractor: &str, region: Option<&str>) -> Option<&Scorecard> {
        self.scorecards
            .iter()
            .find(|s| s.contractor == contractor && s.region.as_deref() == region)
    }
}

/// A contractor to report on even without orders, with the regions of its contract.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContractorScope {
    pub code: String,
    pub regions: Vec<String>,
}

/// What a scorecard month is computed from. Pass the orders that touch the month and, for the
/// recurrence, the faults of the window before it; the lines the contractors maintain.
#[derive(Debug, Clone, Copy)]
pub struct KpiInput<'a> {
    pub month: Month,
    /// The evaluation instant: the facts are as of it, an outage still open ends at it, and the
    /// current month's period ends at it.
    pub at: i64,
    pub orders: &'a [OrderFacts],
    pub circuits: &'a [CircuitFacts],
    pub contractors: &'a [ContractorScope],
}

#[cfg(test)]
mod tests;
