//! Scorecard and customer-report tests (§7, §7a, R-SL2, R-SL3, R-C3): hand-computed figures
//! over orders built from real events with the default SLA policy.

use proptest::prelude::*;

use super::*;
use crate::calendar::Workdays;
use crate::order::Event;
use crate::policy::{Policy, DEFAULT_POLICY_TOML};
use crate::sla::parse_time;
use crate::vocab::{AssuranceLevel, BusinessType, EventType as E, Grade, OrderKind, Vocabulary};

const H: i64 = 3600;
const M: i64 = 60;
const D: i64 = 86_400;

fn t(s: &str) -> i64 {
    parse_time(s, "t").unwrap()
}
fn jan() -> Month {
    Month::parse("2026-01").unwrap()
}
fn feb() -> Month {
    Month::parse("2026-02").unwrap()
}
/// The evaluation instant of most tests: mid-February, January is over.
fn at() -> i64 {
    t("2026-02-15T00:00:00+08:00")
}
fn policy() -> Policy {
    Policy::parse(DEFAULT_POLICY_TOML).unwrap()
}
fn events(list: &[(E, i64)]) -> Vec<Event> {
    list.iter()
        .map(|&(kind, at)| match kind {
            E::Suspended => Event {
                reason: Some("客户拒绝进场".into()),
                approved_by: Some("张主任".into()),
                ..Event::new(kind, at)
            },
            _ => Event::new(kind, at),
        })
        .collect()
}
fn facts_with(p: &Policy, meta: OrderMeta, list: &[(E, i64)], at: i64) -> OrderFacts {
    order_facts(meta, &events(list), p, &Workdays::builtin(), at).unwrap()
}
fn facts(meta: OrderMeta, list: &[(E, i64)]) -> OrderFacts {
    facts_with(&policy(), meta, list, at())
}
fn meta(
    code: &str,
    kind: OrderKind,
    grade: Grade,
    ct: &str,
    region: &str,
    lines: &[&str],
) -> OrderMeta {
    OrderMeta {
        contractor: Some(ct.into()),
        region: Some(region.into()),
        customer: Some("CU01".into()),
        circuits: lines.iter().map(|s| s.to_string()).collect(),
        business_type: Some(BusinessType::DataLine),
        ..OrderMeta::new(code, kind, grade)
    }
}
/// A fault (or complaint) restored `restore` after it occurred at `t0`, on site after 1 h,
/// closed 2 h after restoration.
fn incident_events(t0: i64, restore: i64) -> Vec<(E, i64)> {
    vec![
        (E::Occurred, t0),
        (E::Dispatched, t0 + M),
        (E::Accepted, t0 + 5 * M),
        (E::CustomerContacted, t0 + 10 * M),
        (E::OnSite, t0 + H),
        (E::Restored, t0 + restore),
        (E::Confirmed, t0 + restore + H),
        (E::Closed, t0 + restore + 2 * H),
    ]
}
fn fault(code: &str, ct: &str, region: &str, lines: &[&str], t0: i64, restore: i64) -> OrderFacts {
    facts(
        meta(code, OrderKind::Fault, Grade::Gold, ct, region, lines),
        &incident_events(t0, restore),
    )
}
fn gold_always() -> Vec<GradeSpan> {
    vec![GradeSpan {
        grade: Grade::Gold,
        from: 0,
        to: None,
    }]
}
fn line(code: &str, cts: &[&str], region: &str) -> CircuitFacts {
    CircuitFacts {
        code: code.into(),
        customer: Some("CU01".into()),
        contractors: cts.iter().map(|s| s.to_string()).collect(),
        region: Some(region.into()),
        business_type: BusinessType::DataLine,
        grades: gold_always(),
        in_service_from: None,
        in_service_to: None,
    }
}
fn report(
    month: Month,
    orders: &[OrderFacts],
    lines: &[CircuitFacts],
    cfg: &KpiConfig,
) -> KpiReport {
    kpi_report(
        &KpiInput {
            month,
            at: at(),
            orders,
            circuits: lines,
            contractors: &[],
        },
        cfg,
    )
}
fn kpi<'a>(r: &'a KpiReport, ct: &str, region: Option<&str>, code: KpiCode) -> &'a KpiValue {
    r.scorecard(ct, region)
        .unwrap_or_else(|| panic!("no scorecard {ct} {region:?}"))
        .kpi(code)
        .unwrap()
}
fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-12
}

/// The month's orders of CT01 (regions R1, R2) and one December fault of CT02, hand-computed:
/// every KPI of §7.
fn scenario() -> (Vec<OrderFacts>, Vec<CircuitFacts>) {
    let d = |s: &str| t(&format!("{s}+08:00"));
    let mut f2 = meta(
        "GD-F2",
        OrderKind::Fault,
        Grade::Gold,
        "CT01",
        "R1",
        &["L2"],
    );
    // Booked for 30 min after the fault; on site after 1 h: late by the appointment (R-W5)
    // though within the 2 h on-site clock.
    f2.appointment_at = Some(d("2026-01-06T10:30:00"));
    let mut orders = vec![
        // December, another contractor, on L1: the window of F1's recurrence.
        fault(
            "GD-F0",
            "CT02",
            "R1",
            &["L1"],
            d("2025-12-20T10:00:00"),
            2 * H,
        ),
        fault(
            "GD-F1",
            "CT01",
            "R1",
            &["L1"],
            d("2026-01-05T10:00:00"),
            2 * H,
        ),
        facts(f2, &incident_events(d("2026-01-06T10:00:00"), 3 * H)),
        fault(
            "GD-F3",
            "CT01",
            "R1",
            &["L1"],
            d("2026-01-07T10:00:00"),
            3 * H + 59 * M,
        ),
        // Gold restores within 4 h (§3): 5 h is breached.
        fault(
            "GD-F4",
            "CT01",
            "R2",
            &["L4"],
            d("2026-01-08T10:00:00"),
            5 * H,
        ),
        facts(
            meta(
                "GD-C1",
                OrderKind::Complaint,
                Grade::Gold,
                "CT01",
                "R1",
                &["L1"],
            ),
            &incident_events(d("2026-01-09T10:00:00"), 3 * H),
        ),
    ];
    // Handovers (R-W1): documents within 3 working days of passing (R-C2).
    let handover = |code: &str, passed: i64, docs: i64| {
        facts(
            meta(code, OrderKind::Handover, Grade::Gold, "CT01", "R1", &[]),
            &[
                (E::Dispatched, passed - 60 * M),
                (E::Accepted, passed - 30 * M),
                (E::Passed, passed),
                (E::DocumentsDelivered, docs),
                (E::Closed, docs + H),
            ],
        )
    };
    // Passed Monday 5 Jan: due 9 Jan 00:00; delivered the 7th.
    orders.push(handover(
        "GD-H1",
        d("2026-01-05T10:00:00"),
        d("2026-01-07T10:00:00"),
    ));
    // Passed Monday 12 Jan: due 16 Jan 00:00; delivered the 20th.
    orders.push(handover(
        "GD-H2",
        d("2026-01-12T10:00:00"),
        d("2026-01-20T10:00:00"),
    ));
    // Inspections (R-W2, monthly cycle by default).
    let inspection = |code: &str, dispatched: i64, done: i64, due: Option<i64>| {
        let mut m = meta(code, OrderKind::Inspection, Grade::Gold, "CT01", "R1", &[]);
        m.due_at = due;
        facts(
            m,
            &[
                (E::Dispatched, dispatched),
                (E::Accepted, dispatched + H),
                (E::Completed, done),
            ],
        )
    };
    orders.push(inspection(
        "GD-I1",
        d("2026-01-05T09:00:00"),
        d("2026-01-20T10:00:00"),
        None,
    ));
    // Done in February: outside its January cycle.
    orders.push(inspection(
        "GD-I2",
        d("2026-01-28T09:00:00"),
        d("2026-02-03T10:00:00"),
        None,
    ));
    // Its cycle ends 10 February: done in it.
    orders.push(inspection(
        "GD-I3",
        d("2026-01-28T09:00:00"),
        d("2026-02-03T10:00:00"),
        Some(d("2026-02-10T00:00:00")),
    ));
    // Follow-up answers (客户满意度): F1, F2 satisfied, F3 not, in January; F4's in February.
    for (code, at, satisfied) in [
        ("GD-F1", "2026-01-10T10:00:00", true),
        ("GD-F2", "2026-01-11T10:00:00", true),
        ("GD-F3", "2026-01-12T10:00:00", false),
        ("GD-F4", "2026-02-02T10:00:00", true),
    ] {
        let o = orders.iter_mut().find(|o| o.code() == code).unwrap();
        o.meta.follow_up = Some(FollowUp {
            at: d(at),
            satisfied,
        });
    }
    let lines = vec![
        line("L1", &["CT01"], "R1"),
        line("L2", &["CT01"], "R1"),
        line("L4", &["CT01"], "R2"),
        line("L5", &["CT01"], "R2"),
    ];
    (orders, lines)
}

#[test]
fn every_kpi_of_a_month_by_hand() {
    let (orders, lines) = scenario();
    let cfg = KpiConfig::default();
    let r = report(jan(), &orders, &lines, &cfg);
    let k = |code| kpi(&r, "CT01", None, code);

    // 故障处理及时率: F1 2 h, F2 3 h, F3 3h59, F4 5 h against 4 h: 3 of 4.
    let ft = k(KpiCode::FaultTimeliness);
    assert_eq!((ft.numerator, ft.denominator), (3, 4));
    assert_eq!(ft.value, Some(0.75));
    assert_eq!((ft.target, ft.met), (Some(0.97), Some(false)));
    assert_eq!(ft.orders, ["GD-F1", "GD-F2", "GD-F3", "GD-F4"]);
    assert_eq!(ft.numerator_orders, ["GD-F1", "GD-F2", "GD-F3"]);

    // 投诉处理及时率: C1 in 3 h of 4.
    let ct = k(KpiCode::ComplaintTimeliness);
    assert_eq!((ct.numerator, ct.denominator, ct.met), (1, 1, Some(true)));

    // 工单超时率: closed F1..F4, C1, H1, H2; F4 (restore) and H2 (documents) breached.
    let to = k(KpiCode::TimeoutRate);
    assert_eq!((to.numerator, to.denominator), (2, 7));
    assert_eq!(to.numerator_orders, ["GD-F4", "GD-H2"]);
    assert!(to.lower_is_better);
    assert_eq!((to.target, to.met), (Some(0.03), Some(false)));

    // 平均故障历时: (2 h + 3 h + 3h59 + 5 h) / 4.
    let mttr = k(KpiCode::MttrSeconds);
    assert_eq!(mttr.numerator, 2 * H + 3 * H + 3 * H + 59 * M + 5 * H);
    assert_eq!(mttr.denominator, 4);
    assert_eq!(mttr.value, Some(12_585.0));
    assert_eq!((mttr.target, mttr.met), (None, None));

    // 巡检完成率: I1 and I3 done in their cycle, I2 not.
    let ins = k(KpiCode::InspectionCompletion);
    assert_eq!((ins.numerator, ins.denominator), (2, 3));
    assert_eq!(ins.numerator_orders, ["GD-I1", "GD-I3"]);
    assert_eq!((ins.target, ins.met), (None, None));

    // 电路可用率: L1 F1 2 h + F3 3h59, L2 3 h, L4 5 h, L5 none, over 4 lines × 31 days;
    // gold data lines are AAA (R-SL2): 3 h per year each (§7a).
    let av = k(KpiCode::Availability);
    let period = 4 * 31 * D;
    let outage = 2 * H + (3 * H + 59 * M) + 3 * H + 5 * H;
    assert_eq!((av.numerator, av.denominator), (period - outage, period));
    assert!(close(
        av.value.unwrap(),
        1.0 - outage as f64 / period as f64
    ));
    let allowed = 4.0 * 3.0 * 3600.0 * 31.0 / 365.0;
    assert!(close(av.target.unwrap(), 1.0 - allowed / period as f64));
    assert_eq!(av.met, Some(false));
    assert_eq!(av.circuits, ["L1", "L2", "L4", "L5"]);
    assert_eq!(av.orders, ["GD-F1", "GD-F2", "GD-F3", "GD-F4"]);

    // 故障重复发生率: F1 repeats F0 (16 days before, another contractor's), F3 repeats F1.
    let rec = k(KpiCode::Recurrence);
    assert_eq!((rec.numerator, rec.denominator), (2, 4));
    assert_eq!(rec.numerator_orders, ["GD-F1", "GD-F3"]);

    // 准时到达率: five visits, F2 after its appointment.
    let ota = k(KpiCode::OnTimeArrival);
    assert_eq!((ota.numerator, ota.denominator), (4, 5));
    assert_eq!(ota.met, Some(false));

    // 交维资料及时率: H1 on time, H2 late.
    let hd = k(KpiCode::HandoverDocsOnTime);
    assert_eq!((hd.numerator, hd.denominator), (1, 2));
    assert_eq!(hd.numerator_orders, ["GD-H1"]);

    // 客户满意度: 2 of the 3 January answers.
    let sat = k(KpiCode::Satisfaction);
    assert_eq!((sat.numerator, sat.denominator), (2, 3));

    // The score: equal weights over the nine KPIs with a value that can be scored (MTTR has no
    // target); lower-is-better ones count as 1 − value.
    let expected = [
        0.75,
        1.0,
        1.0 - 2.0 / 7.0,
        2.0 / 3.0,
        1.0 - outage as f64 / period as f64,
        0.5,
        0.8,
        0.5,
        2.0 / 3.0,
    ];
    let card = r.scorecard("CT01", None).unwrap();
    let want = expected.iter().sum::<f64>() / expected.len() as f64;
    assert!(close(card.score.unwrap(), want), "{:?}", card.score);
    let codes: Vec<KpiCode> = card.kpis.iter().map(|k| k.code).collect();
    assert_eq!(codes, KpiCode::ALL);

    // By region: R1 has F1..F3, R2 F4 and L4, L5.
    assert_eq!(
        kpi(&r, "CT01", Some("R1"), KpiCode::FaultTimeliness).value,
        Some(1.0)
    );
    let r2 = kpi(&r, "CT01", Some("R2"), KpiCode::FaultTimeliness);
    assert_eq!((r2.value, r2.met), (Some(0.0), Some(false)));
    let r2a = kpi(&r, "CT01", Some("R2"), KpiCode::Availability);
    assert_eq!(r2a.denominator, 2 * 31 * D);
    assert_eq!(r2a.circuits, ["L4", "L5"]);
    // CT02's December fault gives it no January figure, but it had nothing in January: no row.
    assert!(r.scorecard("CT02", None).is_none());
}

/// The contract's JSON (issue 15).
#[test]
fn the_json_answer_keeps_the_contract_names() {
    let (orders, lines) = scenario();
    let r = report(jan(), &orders, &lines, &KpiConfig::default());
    let j = serde_json::to_value(&r).unwrap();
    assert_eq!(j["month"], "2026-01");
    let card = &j["scorecards"][0];
    assert_eq!(card["contractor"], "CT01");
    assert_eq!(card["region"], serde_json::Value::Null);
    let ft = &card["kpis"][0];
    assert_eq!(
        (
            &ft["code"],
            &ft["value"],
            &ft["numerator"],
            &ft["denominator"],
            &ft["target"],
            &ft["met"]
        ),
        (
            &serde_json::json!("fault_timeliness"),
            &serde_json::json!(0.75),
            &serde_json::json!(3),
            &serde_json::json!(4),
            &serde_json::json!(0.97),
            &serde_json::json!(false)
        )
    );
    assert_eq!(
        ft["orders"],
        serde_json::json!(["GD-F1", "GD-F2", "GD-F3", "GD-F4"])
    );
    assert!(card["score"].is_f64());
    assert_eq!(card["kpis"][3]["code"], "mttr_seconds");
    assert_eq!(card["kpis"][3]["met"], serde_json::Value::Null);
}

/// A contractor with no orders and no lines: every KPI is no data, never 0 % or 100 %, and the
/// score is null.
#[test]
fn a_contractor_with_no_orders_has_no_data() {
    let (orders, lines) = scenario();
    let r = kpi_report(
        &KpiInput {
            month: jan(),
            at: at(),
            orders: &orders,
            circuits: &lines,
            contractors: &[ContractorScope {
                code: "CT09".into(),
                regions: vec!["R9".into()],
            }],
        },
        &KpiConfig::default(),
    );
    for region in [None, Some("R9")] {
        let card = r.scorecard("CT09", region).unwrap();
        assert_eq!(card.kpis.len(), 10);
        for k in &card.kpis {
            assert_eq!(
                (k.value, k.met, k.denominator),
                (None, None, 0),
                "{:?}",
                k.code
            );
            assert!(k.orders.is_empty());
        }
        assert_eq!(card.score, None);
    }
    let j = serde_json::to_value(r.scorecard("CT09", None).unwrap()).unwrap();
    assert_eq!(j["kpis"][0]["value"], serde_json::Value::Null);
    assert_eq!(j["score"], serde_json::Value::Null);
}

/// An outage from 31 Jan 22:00 to 1 Feb 03:00: January gets 2 h, February 3 h (§7a, split by
/// month); the fault, closed in February, is February's for timeliness and MTTR.
#[test]
fn an_outage_across_a_month_boundary_is_split_between_the_months() {
    let t0 = t("2026-01-31T22:00:00+08:00");
    let orders = [fault("GD-X", "CT01", "R1", &["L1"], t0, 5 * H)];
    let lines = [line("L1", &["CT01"], "R1")];
    let cfg = KpiConfig::default();
    let j = report(jan(), &orders, &lines, &cfg);
    let f = report(feb(), &orders, &lines, &cfg);
    let ja = kpi(&j, "CT01", None, KpiCode::Availability);
    let fa = kpi(&f, "CT01", None, KpiCode::Availability);
    assert_eq!(ja.denominator - ja.numerator, 2 * H);
    assert_eq!(ja.denominator, 31 * D);
    // February as of the 15th: the period ends at the evaluation instant.
    assert_eq!(fa.denominator - fa.numerator, 3 * H);
    assert_eq!(fa.denominator, 14 * D);
    assert_eq!(ja.orders, ["GD-X"]);
    assert_eq!(fa.orders, ["GD-X"]);
    assert_eq!(kpi(&j, "CT01", None, KpiCode::MttrSeconds).value, None);
    assert_eq!(
        kpi(&f, "CT01", None, KpiCode::MttrSeconds).value,
        Some(5.0 * 3600.0)
    );
    assert_eq!(
        kpi(&j, "CT01", None, KpiCode::FaultTimeliness).denominator,
        0
    );
    // The customer's line, the same split.
    let c = customer_report("CU01", jan(), at(), &gold_always(), &lines, &orders, &cfg);
    assert_eq!(c.circuits[0].outage_seconds, 2 * H);
    assert_eq!(c.circuits[0].faults.len(), 1);
}

/// Two faults on one line, 10:00–14:00 and 12:00–16:00, are out 6 h, not 8 h (§7a: merged
/// before summing); a fault on two lines counts on each.
#[test]
fn overlapping_outages_on_one_line_are_merged() {
    let t0 = t("2026-01-10T10:00:00+08:00");
    let orders = [
        fault("GD-A", "CT01", "R1", &["L1"], t0, 4 * H),
        fault("GD-B", "CT01", "R1", &["L1", "L2"], t0 + 2 * H, 4 * H),
    ];
    let lines = [line("L1", &["CT01"], "R1"), line("L2", &["CT01"], "R1")];
    let cfg = KpiConfig::default();
    let l1 = circuit_availability(&lines[0], &orders, jan(), at(), &cfg);
    assert_eq!(l1.outage_seconds, 6 * H);
    assert_eq!(l1.outages, [Span::new(t0, t0 + 6 * H)]);
    assert_eq!(l1.orders, ["GD-A", "GD-B"]);
    let l2 = circuit_availability(&lines[1], &orders, jan(), at(), &cfg);
    assert_eq!(l2.outage_seconds, 4 * H);
    let r = report(jan(), &orders, &lines, &cfg);
    let av = kpi(&r, "CT01", None, KpiCode::Availability);
    assert_eq!(av.denominator - av.numerator, 10 * H);
    // B repeats A on L1 (2 h before), though not on L2.
    let rec = kpi(&r, "CT01", None, KpiCode::Recurrence);
    assert_eq!(rec.numerator_orders, ["GD-B"]);
}

/// A fault out 10:00–15:00, suspended 11:00–12:00 (R-C3): the line was out 5 h (counted by
/// default, the hour reported as suspended), 4 h with the setting off; MTTR excludes it (§7).
#[test]
fn a_suspension_inside_an_outage() {
    let t0 = t("2026-01-10T10:00:00+08:00");
    let ev = [
        (E::Occurred, t0),
        (E::Dispatched, t0 + M),
        (E::Accepted, t0 + 5 * M),
        (E::CustomerContacted, t0 + 10 * M),
        (E::Suspended, t0 + H),
        (E::Resumed, t0 + 2 * H),
        (E::OnSite, t0 + 150 * M),
        (E::Restored, t0 + 5 * H),
        (E::Confirmed, t0 + 6 * H),
        (E::Closed, t0 + 7 * H),
    ];
    let orders = [facts(
        meta("GD-S", OrderKind::Fault, Grade::Gold, "CT01", "R1", &["L1"]),
        &ev,
    )];
    let lines = [line("L1", &["CT01"], "R1")];
    let cfg = KpiConfig::default();
    assert!(cfg.suspension_is_outage);
    let a = circuit_availability(&lines[0], &orders, jan(), at(), &cfg);
    assert_eq!((a.outage_seconds, a.suspended_seconds), (5 * H, H));
    let off = KpiConfig::parse("suspension_is_outage = false").unwrap();
    let b = circuit_availability(&lines[0], &orders, jan(), at(), &off);
    assert_eq!((b.outage_seconds, b.suspended_seconds), (4 * H, H));
    assert_eq!(
        b.outages,
        [Span::new(t0, t0 + H), Span::new(t0 + 2 * H, t0 + 5 * H)]
    );
    // The restore clock ran 4 h (5 h − 1 h paused): met, as the SLA evaluation says.
    let r = report(jan(), &orders, &lines, &cfg);
    assert_eq!(
        kpi(&r, "CT01", None, KpiCode::MttrSeconds).value,
        Some(4.0 * 3600.0)
    );
    assert_eq!(
        kpi(&r, "CT01", None, KpiCode::FaultTimeliness).value,
        Some(1.0)
    );
    // The customer report lists it with its reason and approver (R-C3).
    let c = customer_report("CU01", jan(), at(), &gold_always(), &lines, &orders, &cfg);
    let s = &c.circuits[0].suspensions;
    assert_eq!(s.len(), 1);
    assert_eq!(s[0].seconds, H);
    assert_eq!(s[0].reason.as_deref(), Some("客户拒绝进场"));
    assert_eq!(s[0].approved_by.as_deref(), Some("张主任"));
    assert_eq!(c.circuits[0].suspended_seconds, H);
    assert_eq!(c.circuits[0].faults[0].restore_seconds, Some(4 * H));
}

/// The customer goes from silver to gold on 16 January (R-SL3): a fault on the 10th is handled
/// as silver (8 h to restore), one on the 20th as gold (4 h); the line's allowance is silver's
/// AA (6 h a year) for 15 days and gold's AAA (3 h a year) for 16 (R-SL2, §7a).
#[test]
fn a_grade_changed_mid_month() {
    let change = t("2026-01-16T00:00:00+08:00");
    let history = vec![
        GradeSpan {
            grade: Grade::Silver,
            from: 0,
            to: Some(change),
        },
        GradeSpan {
            grade: Grade::Gold,
            from: change,
            to: None,
        },
    ];
    let at_fault = |code: &str, t0: i64| {
        let grade = grade_in_force(&history, t0).unwrap();
        facts(
            meta(code, OrderKind::Fault, grade, "CT01", "R1", &["L1"]),
            &incident_events(t0, 6 * H),
        )
    };
    let orders = [
        at_fault("GD-10", t("2026-01-10T10:00:00+08:00")),
        at_fault("GD-20", t("2026-01-20T10:00:00+08:00")),
    ];
    assert_eq!(orders[0].meta.grade, Grade::Silver);
    assert_eq!(orders[1].meta.grade, Grade::Gold);
    let mut l1 = line("L1", &["CT01"], "R1");
    l1.grades = history.clone();
    let cfg = KpiConfig::default();
    let r = report(jan(), &orders, std::slice::from_ref(&l1), &cfg);
    let ft = kpi(&r, "CT01", None, KpiCode::FaultTimeliness);
    assert_eq!(ft.numerator_orders, ["GD-10"]);
    assert_eq!(ft.value, Some(0.5));
    let a = circuit_availability(&l1, &orders, jan(), at(), &cfg);
    let allowed = (6.0 * 3600.0 * 15.0 + 3.0 * 3600.0 * 16.0) / 365.0;
    assert!(close(a.allowed_outage_seconds.unwrap(), allowed));
    assert!(close(a.target.unwrap(), 1.0 - allowed / (31.0 * 86_400.0)));
    assert_eq!(a.grade, Some(Grade::Gold));
    assert_eq!(a.assurance_level, Some(AssuranceLevel::Aaa));
    let c = customer_report(
        "CU01",
        jan(),
        at(),
        &history,
        std::slice::from_ref(&l1),
        &orders,
        &cfg,
    );
    assert_eq!(c.grades.len(), 2);
    let f = &c.circuits[0].faults;
    assert_eq!(
        (f[0].restore_limit_seconds, f[0].met, f[0].grade),
        (Some(8 * H), Some(true), Grade::Silver)
    );
    assert_eq!(
        (f[1].restore_limit_seconds, f[1].met, f[1].grade),
        (Some(4 * H), Some(false), Grade::Gold)
    );
    assert_eq!(f[1].breached_by_seconds, 2 * H);
    // A gap in the history: no grade in force, no target (never a guessed one).
    let mut gap = l1.clone();
    gap.grades[1].from = change + D;
    assert_eq!(
        circuit_availability(&gap, &orders, jan(), at(), &cfg).target,
        None
    );
}

/// Policy version 2 from 15 January gives gold faults 2 h to restore: a 3 h fault on the 10th
/// is met under version 1, one on the 20th breached under version 2 (R-SL3).
#[test]
fn a_policy_version_changed_mid_month() {
    let v1 = policy();
    let v2_text = DEFAULT_POLICY_TOML
        .replace(
            "version = 1\nvalid_from = \"2025-01-01T00:00:00+08:00\"",
            "version = 2\nvalid_from = \"2026-01-15T00:00:00+08:00\"",
        )
        .replacen(
            r#"{ name = "restore", limit = "4h", start = "occurred", stop = "restored" }"#,
            r#"{ name = "restore", limit = "2h", start = "occurred", stop = "restored" }"#,
            1,
        );
    let v2 = Policy::parse(&v2_text).unwrap();
    let versions = [v1, v2];
    let orders: Vec<OrderFacts> = [
        ("GD-10", "2026-01-10T10:00:00+08:00"),
        ("GD-20", "2026-01-20T10:00:00+08:00"),
    ]
    .iter()
    .map(|(code, when)| {
        let t0 = t(when);
        let p = policy_in_force(&versions, t0).unwrap();
        facts_with(
            p,
            meta(code, OrderKind::Fault, Grade::Gold, "CT01", "R1", &["L1"]),
            &incident_events(t0, 3 * H),
            at(),
        )
    })
    .collect();
    assert_eq!(orders[0].policy_version, 1);
    assert_eq!(orders[1].policy_version, 2);
    let r = report(jan(), &orders, &[], &KpiConfig::default());
    let ft = kpi(&r, "CT01", None, KpiCode::FaultTimeliness);
    assert_eq!(ft.numerator_orders, ["GD-10"]);
    assert_eq!(ft.denominator, 2);
    // No lines given: availability is no data, not 100 %.
    assert_eq!(kpi(&r, "CT01", None, KpiCode::Availability).value, None);
}

/// A repeat is a fault on the same line within 30 days before (§7a); 60 days in some provinces.
#[test]
fn the_recurrence_window_is_configurable() {
    let orders = [
        fault(
            "GD-D",
            "CT01",
            "R1",
            &["L1"],
            t("2025-12-05T10:00:00+08:00"),
            2 * H,
        ),
        // 36 days after GD-D.
        fault(
            "GD-J1",
            "CT01",
            "R1",
            &["L1"],
            t("2026-01-10T10:00:00+08:00"),
            2 * H,
        ),
        // 30 days after GD-J1 exactly: inside [t − 30 d, t).
        fault(
            "GD-J2",
            "CT01",
            "R1",
            &["L1"],
            t("2026-02-09T10:00:00+08:00"),
            2 * H,
        ),
        fault(
            "GD-X",
            "CT01",
            "R1",
            &["L9"],
            t("2026-01-11T10:00:00+08:00"),
            2 * H,
        ),
    ];
    let r = report(jan(), &orders, &[], &KpiConfig::default());
    let rec = kpi(&r, "CT01", None, KpiCode::Recurrence);
    assert_eq!((rec.numerator, rec.denominator), (0, 2));
    assert_eq!((rec.value, rec.met), (Some(0.0), None));
    let feb_r = report(feb(), &orders, &[], &KpiConfig::default());
    assert_eq!(kpi(&feb_r, "CT01", None, KpiCode::Recurrence).numerator, 1);
    let sixty =
        KpiConfig::parse("recurrence_window = \"60d\"\n[targets]\nrecurrence = 0.1").unwrap();
    let r = report(jan(), &orders, &[], &sixty);
    let rec = kpi(&r, "CT01", None, KpiCode::Recurrence);
    assert_eq!(rec.numerator_orders, ["GD-J1"]);
    // 1 of 2 = 50 % against at most 10 %: lower is better, not met.
    assert_eq!(
        (rec.value, rec.target, rec.met),
        (Some(0.5), Some(0.1), Some(false))
    );
}

/// A contractor's availability counts its own faults on its lines (R-MD); the line's own
/// figure counts every fault on it.
#[test]
fn a_contractor_answers_for_its_own_outages() {
    let t0 = t("2026-01-10T10:00:00+08:00");
    let orders = [
        fault("GD-1", "CT01", "R1", &["L1"], t0, 2 * H),
        fault("GD-2", "CT02", "R1", &["L1"], t0 + D, 3 * H),
    ];
    let lines = [line("L1", &["CT01", "CT02"], "R1")];
    let cfg = KpiConfig::default();
    let r = report(jan(), &orders, &lines, &cfg);
    let a1 = kpi(&r, "CT01", None, KpiCode::Availability);
    let a2 = kpi(&r, "CT02", None, KpiCode::Availability);
    assert_eq!(a1.denominator - a1.numerator, 2 * H);
    assert_eq!(a2.denominator - a2.numerator, 3 * H);
    assert_eq!(a1.orders, ["GD-1"]);
    let line = circuit_availability(&lines[0], &orders, jan(), at(), &cfg);
    assert_eq!(line.outage_seconds, 5 * H);
    // A fixed scorecard target replaces the pooled allowances: 2 h of 31 days is 99.73 %.
    let fixed = KpiConfig::parse("[targets]\navailability = 0.997").unwrap();
    let r = report(jan(), &orders, &lines, &fixed);
    let a1 = kpi(&r, "CT01", None, KpiCode::Availability);
    assert_eq!((a1.target, a1.met), (Some(0.997), Some(true)));
    let strict = KpiConfig::parse("[targets]\navailability = 0.999").unwrap();
    let r = report(jan(), &orders, &lines, &strict);
    assert_eq!(
        kpi(&r, "CT01", None, KpiCode::Availability).met,
        Some(false)
    );
}

/// A fault still out at the evaluation instant: its outage runs to it, and so does the month.
#[test]
fn an_open_outage_runs_to_the_evaluation_instant() {
    let t0 = t("2026-01-20T10:00:00+08:00");
    let now = t0 + 6 * H;
    let open = facts_with(
        &policy(),
        meta("GD-O", OrderKind::Fault, Grade::Gold, "CT01", "R1", &["L1"]),
        &[(E::Occurred, t0), (E::Dispatched, t0 + M)],
        now,
    );
    let lines = [line("L1", &["CT01"], "R1")];
    let cfg = KpiConfig::default();
    let a = circuit_availability(&lines[0], [&open], jan(), now, &cfg);
    assert_eq!(a.outage_seconds, 6 * H);
    assert_eq!(a.period_seconds, now - jan().start());
    // Not closed: no timeliness yet, but it counts for the recurrence and the outage.
    let r = kpi_report(
        &KpiInput {
            month: jan(),
            at: now,
            orders: std::slice::from_ref(&open),
            circuits: &lines,
            contractors: &[],
        },
        &cfg,
    );
    assert_eq!(kpi(&r, "CT01", None, KpiCode::FaultTimeliness).value, None);
    assert_eq!(kpi(&r, "CT01", None, KpiCode::Recurrence).denominator, 1);
    // A line out of service before the month has no period: no data.
    let mut gone = lines[0].clone();
    gone.in_service_to = Some(t("2025-12-01T00:00:00+08:00"));
    let g = circuit_availability(&gone, [&open], jan(), now, &cfg);
    assert_eq!((g.availability, g.target, g.met), (None, None, None));
}

/// Directions: the timeout rate, MTTR and recurrence are met at or below their target.
#[test]
fn lower_is_better_where_it_should_be() {
    let v = |code, n, d, target| KpiValue::new(code, n, d, Some(target)).met;
    assert_eq!(v(KpiCode::TimeoutRate, 3, 100, 0.03), Some(true));
    assert_eq!(v(KpiCode::TimeoutRate, 4, 100, 0.03), Some(false));
    assert_eq!(v(KpiCode::MttrSeconds, 7 * H, 2, 4.0 * 3600.0), Some(true));
    assert_eq!(v(KpiCode::MttrSeconds, 9 * H, 2, 4.0 * 3600.0), Some(false));
    assert_eq!(v(KpiCode::Recurrence, 0, 5, 0.0), Some(true));
    assert_eq!(v(KpiCode::FaultTimeliness, 97, 100, 0.97), Some(true));
    assert_eq!(v(KpiCode::FaultTimeliness, 96, 100, 0.97), Some(false));
    assert_eq!(v(KpiCode::Satisfaction, 0, 0, 0.9), None);
    assert!(KpiCode::ALL.iter().all(|k| k.lower_is_better()
        == matches!(k.code(), "timeout_rate" | "mttr_seconds" | "recurrence")));
    assert_eq!(
        KpiCode::parse("故障处理及时率").unwrap(),
        KpiCode::FaultTimeliness
    );
}

/// The score: weights over the KPIs with data; MTTR by its target; no data is left out.
#[test]
fn the_score_weighs_the_kpis_with_data() {
    let cfg = KpiConfig::parse("[weights]\nfault_timeliness = 3\n[targets]\nmttr_seconds = \"4h\"")
        .unwrap();
    let ks = [
        KpiValue::new(KpiCode::FaultTimeliness, 1, 2, Some(0.97)), // 0.5 × 3
        KpiValue::new(KpiCode::TimeoutRate, 1, 4, Some(0.03)),     // 0.75 × 1
        KpiValue::new(KpiCode::MttrSeconds, 16 * H, 2, Some(4.0 * 3600.0)), // 8 h: 0.5 × 1
        KpiValue::new(KpiCode::Satisfaction, 0, 0, None),          // no data
    ];
    let s = score(&ks, &cfg).unwrap();
    assert!(close(s, (1.5 + 0.75 + 0.5) / 5.0), "{s}");
    // Without an MTTR target, MTTR cannot be scored.
    let mut untargeted = ks.clone();
    untargeted[2] = KpiValue::new(KpiCode::MttrSeconds, 16 * H, 2, None);
    let s = score(&untargeted, &cfg).unwrap();
    assert!(close(s, (1.5 + 0.75) / 4.0), "{s}");
    let s = score(&untargeted, &KpiConfig::default()).unwrap();
    assert!(close(s, (0.5 + 0.75) / 2.0), "{s}");
    assert_eq!(score(&ks[3..], &cfg), None);
    let zero =
        KpiConfig::parse("[weights]\nfault_timeliness = 0\ntimeout_rate = 0\nmttr_seconds = 0")
            .unwrap();
    assert_eq!(score(&ks, &zero), None);
}

/// The customer report: lines, faults with their limits, repeats against §7a's yearly counts,
/// complaints, the grade history.
#[test]
fn a_customer_report() {
    let (orders, mut lines) = scenario();
    lines.push(CircuitFacts {
        customer: Some("CU02".into()),
        ..line("LX", &["CT01"], "R1")
    });
    let cfg = KpiConfig::default();
    let c = customer_report("CU01", jan(), at(), &gold_always(), &lines, &orders, &cfg);
    let codes: Vec<&str> = c.circuits.iter().map(|l| l.code.as_str()).collect();
    assert_eq!(
        codes,
        ["L1", "L2", "L4", "L5"],
        "another customer's line is left out"
    );
    let l1 = &c.circuits[0];
    assert_eq!(l1.outage_seconds, 2 * H + 3 * H + 59 * M);
    let faults: Vec<&str> = l1.faults.iter().map(|f| f.order.as_str()).collect();
    assert_eq!(faults, ["GD-F1", "GD-F3"]);
    assert!(l1.faults.iter().all(|f| f.repeat));
    assert_eq!(l1.repeat_faults, 2);
    // F0, F1, F3 in the year: F1 and F3 repeat; AAA allows 2 a year.
    assert_eq!(
        (l1.repeat_faults_year, l1.repeat_target, l1.repeat_met),
        (2, Some(2), Some(true))
    );
    assert_eq!(l1.assurance_level, Some(AssuranceLevel::Aaa));
    assert_eq!(l1.met, Some(false));
    let j = serde_json::to_value(&c).unwrap();
    assert_eq!(j["customer"], "CU01");
    assert_eq!(j["month"], "2026-01");
    let f = &j["circuits"][0]["faults"][0];
    assert_eq!(f["order"], "GD-F1");
    assert_eq!(f["occurred_at"], "2026-01-05T10:00:00+08:00");
    assert_eq!(f["restored_at"], "2026-01-05T12:00:00+08:00");
    assert_eq!(f["restore_limit_seconds"], 4 * H);
    assert_eq!(f["met"], true);
    assert_eq!(j["circuits"][3]["availability"], 1.0);
    let complaints: Vec<&str> = c.complaints.iter().map(|x| x.order.as_str()).collect();
    assert_eq!(complaints, ["GD-C1"]);
    assert_eq!(c.grades.len(), 1);
}

proptest! {
    /// For any faults and suspensions on a line: availability is within [0, 1], the merged
    /// outage is at most the sum of the faults' outages and the period, and excluding
    /// suspensions never adds outage.
    #[test]
    fn availability_is_a_share(
        faults in proptest::collection::vec(
            (0i64..40 * D, 0i64..3 * D, proptest::option::of((0i64..D, 0i64..D))),
            0..8,
        ),
        at_offset in 0i64..45 * D,
    ) {
        let start = t("2025-12-25T00:00:00+08:00");
        let now = start + at_offset;
        let p = policy();
        let orders: Vec<OrderFacts> = faults
            .iter()
            .enumerate()
            .map(|(i, &(o, len, pause))| {
                let t0 = start + o;
                let mut ev = vec![(E::Occurred, t0), (E::Dispatched, t0), (E::Accepted, t0)];
                if let Some((a, b)) = pause {
                    let s = t0 + a.min(len);
                    ev.push((E::Suspended, s));
                    ev.push((E::Resumed, s + b.min(len - a.min(len))));
                }
                ev.push((E::Restored, t0 + len));
                facts_with(
                    &p,
                    meta(&format!("GD-{i}"), OrderKind::Fault, Grade::Gold, "CT01", "R1", &["L1"]),
                    &ev,
                    now,
                )
            })
            .collect();
        let l1 = line("L1", &["CT01"], "R1");
        let on = KpiConfig::default();
        let off = KpiConfig::parse("suspension_is_outage = false").unwrap();
        for month in [jan().prev(), jan(), feb()] {
            let a = circuit_availability(&l1, &orders, month, now, &on);
            let b = circuit_availability(&l1, &orders, month, now, &off);
            let window = Span::new(month.start(), month.end().min(now));
            let sum: i64 = orders
                .iter()
                .filter_map(|o| o.outage(now).and_then(|s| s.clip(window)))
                .map(Span::len)
                .sum();
            prop_assert!(a.outage_seconds <= sum);
            prop_assert!(a.outage_seconds <= a.period_seconds);
            prop_assert!(b.outage_seconds <= a.outage_seconds);
            prop_assert!(a.suspended_seconds <= a.outage_seconds);
            prop_assert_eq!(a.period_seconds, window.len().max(0));
            if let Some(v) = a.availability {
                prop_assert!((0.0..=1.0).contains(&v));
            } else {
                prop_assert_eq!(a.period_seconds, 0);
            }
            if let Some(v) = b.availability {
                prop_assert!((0.0..=1.0).contains(&v));
            }
            // The months' outages add up to the whole (split by month).
            let r = kpi_report(
                &KpiInput { month, at: now, orders: &orders, circuits: std::slice::from_ref(&l1), contractors: &[] },
                &on,
            );
            if let Some(card) = r.scorecard("CT01", None) {
                let av = card.kpi(KpiCode::Availability).unwrap();
                prop_assert_eq!(av.denominator - av.numerator, a.outage_seconds);
                if let Some(s) = card.score {
                    prop_assert!((0.0..=1.0).contains(&s));
                }
            }
        }
        let total_window = Span::new(jan().prev().start(), feb().end().min(now));
        let whole = interval::covered(
            orders.iter().filter_map(|o| o.outage(now).and_then(|s| s.clip(total_window))),
        );
        let parts: i64 = [jan().prev(), jan(), feb()]
            .iter()
            .map(|m| circuit_availability(&l1, &orders, *m, now, &on).outage_seconds)
            .sum();
        prop_assert_eq!(parts, whole);
    }
}
