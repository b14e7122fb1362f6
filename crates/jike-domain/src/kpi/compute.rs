//! The computations behind [`kpi_report`] (see the module doc of `kpi` for each formula and the
//! decisions, §7, §7a).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::Serialize;

use super::facts::{grade_in_force, CircuitFacts, OrderFacts};
use super::interval::{covered, intersect, merge, subtract, total, Span};
use super::{KpiCode, KpiConfig, KpiInput, KpiReport, KpiValue, Month, Scorecard};
use crate::sla::ClockState;
use crate::vocab::{AssuranceLevel, EventType, Grade, OrderKind, Vocabulary};

/// Tolerance of the availability comparison (seconds of allowed outage, a float).
const EPSILON_SECS: f64 = 1e-6;

/// One line's availability in a month (§7 电路可用率).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CircuitAvailability {
    pub code: String,
    /// Seconds of the month (up to the evaluation instant) the line was in service.
    pub period_seconds: i64,
    /// Seconds out, overlapping outages merged.
    pub outage_seconds: i64,
    /// Seconds of approved suspensions (R-C3) inside the outages, whether counted as outage or
    /// not ([`KpiConfig::suspension_is_outage`]).
    pub suspended_seconds: i64,
    /// `1 − outage / period`; `None` without a period.
    pub availability: Option<f64>,
    /// `1 − allowed / period`; `None` without a period, or where no grade was in force.
    pub target: Option<f64>,
    /// The outage the line's levels and grades allow in the period (R-SL2, §7a, §3).
    pub allowed_outage_seconds: Option<f64>,
    pub met: Option<bool>,
    /// The assurance level at the period's end (R-SL2).
    pub assurance_level: Option<AssuranceLevel>,
    /// The grade in force at the period's end (R-SL3).
    pub grade: Option<Grade>,
    /// The merged outages within the period.
    pub outages: Vec<Span>,
    /// The fault orders whose outages count, sorted.
    pub orders: Vec<String>,
}

/// The period of a month as of `at`: `[start, min(end, at))`.
pub(super) fn month_window(month: Month, at: i64) -> Span {
    Span::new(month.start(), month.end().min(at))
}

/// One line's availability in `month` as of `at`, from the fault orders given (the others are
/// ignored: orders of other kinds, or not naming the line).
pub fn circuit_availability<'a>(
    circuit: &CircuitFacts,
    faults: impl IntoIterator<Item = &'a OrderFacts>,
    month: Month,
    at: i64,
    cfg: &KpiConfig,
) -> CircuitAvailability {
    let period = month_window(month, at)
        .clip(circuit.service())
        .unwrap_or(Span::new(0, 0));
    let mut outs = Vec::new();
    let mut paused = Vec::new();
    let mut orders = Vec::new();
    for f in faults {
        if f.kind() != OrderKind::Fault || !f.meta.circuits.contains(&circuit.code) {
            continue;
        }
        let Some(o) = f.outage(at).and_then(|o| o.clip(period)) else {
            continue;
        };
        let p = intersect(&f.paused_spans(at), &[o]);
        if cfg.suspension_is_outage {
            outs.push(o);
        } else {
            outs.extend(subtract(&[o], &p));
        }
        paused.extend(p);
        orders.push(f.code().to_string());
    }
    let outages = merge(outs);
    let outage = total(&outages);
    let suspended = covered(paused);
    orders.sort();
    orders.dedup();
    let allowed = allowed_outage(circuit, period, cfg);
    let len = period.len();
    let has_period = len > 0;
    let end_grade = if has_period {
        grade_in_force(&circuit.grades, period.end - 1)
    } else {
        None
    };
    CircuitAvailability {
        code: circuit.code.clone(),
        period_seconds: len,
        outage_seconds: outage,
        suspended_seconds: suspended,
        availability: has_period.then(|| 1.0 - outage as f64 / len as f64),
        target: allowed.filter(|_| has_period).map(|a| 1.0 - a / len as f64),
        allowed_outage_seconds: allowed,
        met: allowed
            .filter(|_| has_period)
            .map(|a| outage as f64 <= a + EPSILON_SECS),
        assurance_level: end_grade.map(|g| cfg.level(g, Some(circuit.business_type))),
        grade: end_grade,
        outages,
        orders,
    }
}

/// The outage the line may have in `period`: each part of the period at the allowance rate of
/// the grade then in force (R-SL3) and the level it gives (R-SL2); `None` if some part has no
/// grade or no rate.
fn allowed_outage(circuit: &CircuitFacts, period: Span, cfg: &KpiConfig) -> Option<f64> {
    if period.is_empty() {
        return Some(0.0);
    }
    let mut cuts: Vec<i64> = vec![period.start, period.end];
    for g in &circuit.grades {
        for x in [Some(g.from), g.to].into_iter().flatten() {
            if period.contains(x) {
                cuts.push(x);
            }
        }
    }
    cuts.sort_unstable();
    cuts.dedup();
    let mut allowed = 0.0;
    for w in cuts.windows(2) {
        let grade = grade_in_force(&circuit.grades, w[0])?;
        let rate = cfg.outage_allowance_rate(grade, Some(circuit.business_type))?;
        allowed += rate * (w[1] - w[0]) as f64;
    }
    Some(allowed)
}

/// The faults of every line, by occurrence: for the recurrence (§7 故障重复发生率).
pub(super) struct FaultTimes<'a> {
    by_circuit: HashMap<&'a str, Vec<i64>>,
}

impl<'a> FaultTimes<'a> {
    pub(super) fn new(orders: impl IntoIterator<Item = &'a OrderFacts>) -> FaultTimes<'a> {
        let mut by_circuit: HashMap<&str, Vec<i64>> = HashMap::new();
        for o in orders {
            if o.kind() != OrderKind::Fault {
                continue;
            }
            let Some(t) = o.occurred_at else { continue };
            let mut seen = BTreeSet::new();
            for c in &o.meta.circuits {
                if seen.insert(c.as_str()) {
                    by_circuit.entry(c.as_str()).or_default().push(t);
                }
            }
        }
        for v in by_circuit.values_mut() {
            v.sort_unstable();
        }
        FaultTimes { by_circuit }
    }

    /// Whether `circuit` had a fault occurring in `[t − window, t)`.
    pub(super) fn had_fault_before(&self, circuit: &str, t: i64, window: i64) -> bool {
        self.by_circuit.get(circuit).is_some_and(|v| {
            let from = v.partition_point(|x| *x < t.saturating_sub(window));
            let to = v.partition_point(|x| *x < t);
            from < to
        })
    }

    /// Whether the fault repeats one on any of its lines (or only on `only`).
    pub(super) fn is_repeat(&self, f: &OrderFacts, window: i64, only: Option<&str>) -> bool {
        let Some(t) = f.occurred_at else {
            return false;
        };
        f.meta
            .circuits
            .iter()
            .filter(|c| only.is_none_or(|o| o == c.as_str()))
            .any(|c| self.had_fault_before(c, t, window))
    }
}

/// Counts a ratio and the orders behind it.
struct Tally {
    code: KpiCode,
    num: i64,
    den: i64,
    orders: Vec<String>,
    num_orders: Vec<String>,
}

impl Tally {
    fn new(code: KpiCode) -> Tally {
        Tally {
            code,
            num: 0,
            den: 0,
            orders: Vec::new(),
            num_orders: Vec::new(),
        }
    }

    fn count(&mut self, o: &OrderFacts, counted: bool) {
        self.den += 1;
        self.orders.push(o.code().to_string());
        if counted {
            self.num += 1;
            self.num_orders.push(o.code().to_string());
        }
    }

    fn finish(mut self, target: Option<f64>) -> KpiValue {
        self.orders.sort();
        self.num_orders.sort();
        let mut k = KpiValue::new(self.code, self.num, self.den, target);
        k.orders = self.orders;
        k.numerator_orders = self.num_orders;
        k
    }
}

fn in_month(t: Option<i64>, month: Month, at: i64) -> bool {
    t.is_some_and(|t| t <= at && month.span().contains(t))
}

fn closed_in(o: &OrderFacts, month: Month, at: i64) -> bool {
    in_month(o.closed_at, month, at)
}

/// Inspections: when planned, and by when it is due (the end of its cycle; default the end of
/// the planned month, R-W2's monthly cycle).
fn inspection_plan(o: &OrderFacts) -> Option<(i64, i64)> {
    let planned = o.meta.planned_at.or(o.dispatched_at)?;
    let due = o.meta.due_at.unwrap_or_else(|| Month::of(planned).end());
    Some((planned, due))
}

/// Whether the order has anything in the month (it then gives its contractor a row).
fn touches(o: &OrderFacts, month: Month, at: i64) -> bool {
    let w = month_window(month, at);
    closed_in(o, month, at)
        || (o.kind() == OrderKind::Fault && in_month(o.occurred_at, month, at))
        || o.outage(at).is_some_and(|s| s.clip(w).is_some())
        || (o.kind() == OrderKind::Inspection
            && inspection_plan(o).is_some_and(|(p, _)| in_month(Some(p), month, at)))
        || in_month(o.meta.follow_up.map(|f| f.at), month, at)
}

/// Timeliness (§7 故障处理及时率, 投诉处理及时率): the restore clock's verdict over the orders
/// of `kind` closed in the month.
fn timeliness(code: KpiCode, kind: OrderKind, group: &[&OrderFacts], c: &Ctx) -> KpiValue {
    let mut t = Tally::new(code);
    for o in group
        .iter()
        .filter(|o| o.kind() == kind && closed_in(o, c.month, c.at))
    {
        match o.clock_stopped_by(EventType::Restored).map(|k| k.state) {
            Some(ClockState::Met) => t.count(o, true),
            Some(ClockState::Breached) => t.count(o, false),
            // A closed incident's restore clock is stopped or frozen; without one (no
            // `occurred`, or a policy without a restore clock) there is nothing to judge.
            _ => {}
        }
    }
    t.finish(c.cfg.target(code))
}

struct Ctx<'a> {
    month: Month,
    at: i64,
    cfg: &'a KpiConfig,
    faults: &'a FaultTimes<'a>,
}

fn timeout_rate(group: &[&OrderFacts], c: &Ctx) -> KpiValue {
    let mut t = Tally::new(KpiCode::TimeoutRate);
    for o in group.iter().filter(|o| closed_in(o, c.month, c.at)) {
        t.count(o, o.breached_any());
    }
    t.finish(c.cfg.target(KpiCode::TimeoutRate))
}

fn mttr(group: &[&OrderFacts], c: &Ctx) -> KpiValue {
    let mut sum = 0i64;
    let mut orders = Vec::new();
    for o in group
        .iter()
        .filter(|o| o.kind() == OrderKind::Fault && closed_in(o, c.month, c.at))
    {
        if let Some(s) = o.restore_secs() {
            sum = sum.saturating_add(s);
            orders.push(o.code().to_string());
        }
    }
    orders.sort();
    let mut k = KpiValue::new(
        KpiCode::MttrSeconds,
        sum,
        orders.len() as i64,
        c.cfg.target(KpiCode::MttrSeconds),
    );
    k.numerator_orders = orders.clone();
    k.orders = orders;
    k
}

fn inspection_completion(group: &[&OrderFacts], c: &Ctx) -> KpiValue {
    let mut t = Tally::new(KpiCode::InspectionCompletion);
    for o in group.iter().filter(|o| o.kind() == OrderKind::Inspection) {
        let Some((planned, due)) = inspection_plan(o) else {
            continue;
        };
        if in_month(Some(planned), c.month, c.at) {
            let done = o.completed_at.is_some_and(|d| d <= due && d <= c.at);
            t.count(o, done);
        }
    }
    t.finish(c.cfg.target(KpiCode::InspectionCompletion))
}

fn recurrence(group: &[&OrderFacts], c: &Ctx) -> KpiValue {
    let mut t = Tally::new(KpiCode::Recurrence);
    for o in group
        .iter()
        .filter(|o| o.kind() == OrderKind::Fault && in_month(o.occurred_at, c.month, c.at))
    {
        t.count(o, c.faults.is_repeat(o, c.cfg.recurrence_window_secs, None));
    }
    t.finish(c.cfg.target(KpiCode::Recurrence))
}

fn on_time_arrival(group: &[&OrderFacts], c: &Ctx) -> KpiValue {
    let mut t = Tally::new(KpiCode::OnTimeArrival);
    for o in group.iter().filter(|o| closed_in(o, c.month, c.at)) {
        let Some(arrived) = o.on_site_at else {
            continue;
        };
        let on_time = match o.meta.appointment_at {
            Some(appointment) => Some(arrived <= appointment),
            None => match o.clock_stopped_by(EventType::OnSite).map(|k| k.state) {
                Some(ClockState::Met) => Some(true),
                Some(ClockState::Breached) => Some(false),
                _ => None,
            },
        };
        if let Some(on_time) = on_time {
            t.count(o, on_time);
        }
    }
    t.finish(c.cfg.target(KpiCode::OnTimeArrival))
}

fn handover_docs(group: &[&OrderFacts], c: &Ctx) -> KpiValue {
    let mut t = Tally::new(KpiCode::HandoverDocsOnTime);
    for o in group
        .iter()
        .filter(|o| o.kind() == OrderKind::Handover && closed_in(o, c.month, c.at))
    {
        match o
            .clock_stopped_by(EventType::DocumentsDelivered)
            .map(|k| k.state)
        {
            Some(ClockState::Met) => t.count(o, true),
            Some(ClockState::Breached) => t.count(o, false),
            // Closed without passing acceptance: no documents were due.
            _ => {}
        }
    }
    t.finish(c.cfg.target(KpiCode::HandoverDocsOnTime))
}

fn satisfaction(group: &[&OrderFacts], c: &Ctx) -> KpiValue {
    let mut t = Tally::new(KpiCode::Satisfaction);
    for o in group {
        if let Some(f) = o.meta.follow_up {
            if in_month(Some(f.at), c.month, c.at) {
                t.count(o, f.satisfied);
            }
        }
    }
    t.finish(c.cfg.target(KpiCode::Satisfaction))
}

/// A contractor's availability: its lines, with its own faults' outages, pooled.
fn availability(
    contractor: &str,
    lines: &[&CircuitFacts],
    faults_on: &HashMap<&str, Vec<&OrderFacts>>,
    c: &Ctx,
) -> KpiValue {
    let (mut up, mut period, mut outage) = (0i64, 0i64, 0i64);
    let mut allowed = Some(0.0f64);
    let mut orders = Vec::new();
    let mut circuits = Vec::new();
    for line in lines {
        let own = faults_on
            .get(line.code.as_str())
            .into_iter()
            .flatten()
            .copied()
            .filter(|f| f.meta.contractor.as_deref() == Some(contractor));
        let a = circuit_availability(line, own, c.month, c.at, c.cfg);
        if a.period_seconds == 0 {
            continue;
        }
        period += a.period_seconds;
        outage += a.outage_seconds;
        up += a.period_seconds - a.outage_seconds;
        allowed = allowed.zip(a.allowed_outage_seconds).map(|(x, y)| x + y);
        orders.extend(a.orders);
        circuits.push(a.code);
    }
    orders.sort();
    orders.dedup();
    circuits.sort();
    circuits.dedup();
    let (target, met) = match c.cfg.target(KpiCode::Availability) {
        Some(t) => (Some(t), None),
        None if period > 0 => match allowed {
            Some(a) => (
                Some(1.0 - a / period as f64),
                Some(outage as f64 <= a + EPSILON_SECS),
            ),
            None => (None, None),
        },
        None => (None, None),
    };
    let mut k = KpiValue::new(KpiCode::Availability, up, period, target);
    if met.is_some() {
        k.met = met;
    }
    k.orders = orders;
    k.circuits = circuits;
    k
}

/// The weighted score over the KPIs with data (see the module doc of `kpi`).
pub fn score(kpis: &[KpiValue], cfg: &KpiConfig) -> Option<f64> {
    let (mut sum, mut weights) = (0.0, 0.0);
    for k in kpis {
        let Some(v) = k.value else { continue };
        let w = cfg.weight(k.code);
        if w <= 0.0 || !w.is_finite() {
            continue;
        }
        let goodness = match k.code {
            KpiCode::MttrSeconds => match k.target {
                Some(_) if v <= 0.0 => 1.0,
                Some(t) => (t / v).min(1.0),
                None => continue,
            },
            code if code.lower_is_better() => 1.0 - v,
            _ => v,
        };
        sum += w * goodness.clamp(0.0, 1.0);
        weights += w;
    }
    (weights > 0.0).then(|| sum / weights)
}

/// The scorecards of a month (§7): per contractor over all its regions, then per region.
pub fn kpi_report(input: &KpiInput<'_>, cfg: &KpiConfig) -> KpiReport {
    let (month, at) = (input.month, input.at);
    let faults = FaultTimes::new(input.orders);
    let ctx = Ctx {
        month,
        at,
        cfg,
        faults: &faults,
    };

    // Who gets a row, with which regions.
    let mut rows: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for c in input.contractors {
        rows.entry(c.code.as_str())
            .or_default()
            .extend(c.regions.iter().map(String::as_str));
    }
    let mut by_contractor: BTreeMap<&str, Vec<&OrderFacts>> = BTreeMap::new();
    let mut faults_on: HashMap<&str, Vec<&OrderFacts>> = HashMap::new();
    for o in input.orders {
        if o.kind() == OrderKind::Fault && o.outage(at).is_some() {
            for c in &o.meta.circuits {
                faults_on.entry(c.as_str()).or_default().push(o);
            }
        }
        let Some(contractor) = o.meta.contractor.as_deref() else {
            continue;
        };
        by_contractor.entry(contractor).or_default().push(o);
        if touches(o, month, at) {
            let regions = rows.entry(contractor).or_default();
            if let Some(r) = o.meta.region.as_deref() {
                regions.insert(r);
            }
        }
    }
    for v in faults_on.values_mut() {
        v.sort_by_key(|o| o.code());
        v.dedup_by_key(|o| o.code());
    }
    let mut lines_of: BTreeMap<&str, Vec<&CircuitFacts>> = BTreeMap::new();
    for line in input.circuits {
        let mut seen = BTreeSet::new();
        for c in &line.contractors {
            if !seen.insert(c.as_str()) {
                continue;
            }
            lines_of.entry(c.as_str()).or_default().push(line);
            let regions = rows.entry(c.as_str()).or_default();
            if let Some(r) = line.region.as_deref() {
                regions.insert(r);
            }
        }
    }

    let mut scorecards = Vec::new();
    let none: Vec<&OrderFacts> = Vec::new();
    let no_lines: Vec<&CircuitFacts> = Vec::new();
    for (contractor, regions) in &rows {
        let orders = by_contractor.get(contractor).unwrap_or(&none);
        let lines = lines_of.get(contractor).unwrap_or(&no_lines);
        let scopes = std::iter::once(None).chain(regions.iter().map(|r| Some(*r)));
        for region in scopes {
            let group: Vec<&OrderFacts> = match region {
                None => orders.clone(),
                Some(r) => orders
                    .iter()
                    .copied()
                    .filter(|o| o.meta.region.as_deref() == Some(r))
                    .collect(),
            };
            let group_lines: Vec<&CircuitFacts> = match region {
                None => lines.clone(),
                Some(r) => lines
                    .iter()
                    .copied()
                    .filter(|l| l.region.as_deref() == Some(r))
                    .collect(),
            };
            let kpis = vec![
                timeliness(KpiCode::FaultTimeliness, OrderKind::Fault, &group, &ctx),
                timeliness(
                    KpiCode::ComplaintTimeliness,
                    OrderKind::Complaint,
                    &group,
                    &ctx,
                ),
                timeout_rate(&group, &ctx),
                mttr(&group, &ctx),
                inspection_completion(&group, &ctx),
                availability(contractor, &group_lines, &faults_on, &ctx),
                recurrence(&group, &ctx),
                on_time_arrival(&group, &ctx),
                handover_docs(&group, &ctx),
                satisfaction(&group, &ctx),
            ];
            debug_assert!(kpis.iter().map(|k| k.code).eq(KpiCode::ALL.iter().copied()));
            let score = score(&kpis, cfg);
            scorecards.push(Scorecard {
                contractor: contractor.to_string(),
                region: region.map(str::to_string),
                kpis,
                score,
            });
        }
    }
    KpiReport { month, scorecards }
}
