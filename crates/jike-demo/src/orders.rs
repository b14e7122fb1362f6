//! 演示工单: a realistic day of work orders for the demo dataset, so that a new user's first
//! dashboard shows what jike is for: faults and complaints in every state of their lifecycle
//! (new, dispatched, accepted, in progress, on site, suspended, restored, observing, confirmed,
//! replied, closed, reopened), one breached, one where the support room reached the customer
//! before the lead room accepted (R-F2, R-F4 in parallel).
//!
//! Each order is given as what to open and what happened to it, in minutes after the fault
//! occurred, relative to the moment the demo is loaded (`occurred_minutes_ago`): the store opens
//! them through the same path as the API, so every rule (R-MD, R-C3, R-F10, …) applies.

use jike_domain::{AlarmInput, EventCreate, EventType, OrderCreate, OrderKind};

/// One order of the demo's day.
#[derive(Debug, Clone)]
pub struct DemoOrder {
    pub create: OrderCreate,
    /// How long before the demo is loaded the fault occurred (or the complaint came in).
    pub occurred_minutes_ago: i64,
    /// What happened since, each event minutes after `occurred`.
    pub events: Vec<(i64, EventCreate)>,
    /// Issue 14: which of its contractor's staff (in code order) the dispatch names (派单 to a
    /// person), when the order is dispatched.
    pub technician: Option<usize>,
}

/// The demo's technician account (代维人员): a contractor account without a password, linked to
/// the staff member the first dispatched order is assigned to, so that "my orders" (我的工单)
/// has something to show; an administrator gives it a password (`jike user passwd`).
pub const DEMO_TECHNICIAN: &str = "demo.tech";

fn event(kind: EventType, actor: &str, note: &str) -> EventCreate {
    EventCreate {
        kind,
        at: None,
        note: note.to_string(),
        reason: None,
        approved_by: None,
        actor: Some(actor.to_string()),
        contractor_code: None,
        lead_room: None,
        assignee_code: None,
        data: None,
    }
}

/// The steps of a fault handled well, up to and including `upto` (in this order).
fn steps(upto: EventType) -> Vec<(i64, EventCreate)> {
    use EventType::*;
    let all = [
        (3, event(Dispatched, "监控室 王敏", "按故障链路派单")),
        (8, event(Accepted, "传输室 陈工", "")),
        (
            12,
            event(
                CustomerContacted,
                "支撑室 刘娜",
                "已联系客户技术负责人，确认业务中断",
            ),
        ),
        (20, event(EnRoute, "代维 张强", "")),
        (65, event(OnSite, "代维 张强", "到达客户机房，光功率异常")),
        (105, event(Restored, "代维 张强", "更换尾纤后业务恢复")),
        (106, event(Observing, "传输室 陈工", "")),
        (170, event(Confirmed, "支撑室 刘娜", "客户确认业务正常")),
        (180, event(Replied, "传输室 陈工", "原因：尾纤弯折损耗过大")),
        (190, event(Closed, "监控室 王敏", "")),
    ];
    let end = all
        .iter()
        .position(|(_, e)| e.kind == upto)
        .map_or(0, |i| i + 1);
    all[..end].to_vec()
}

fn suspension(reason: &str) -> EventCreate {
    EventCreate {
        reason: Some(reason.to_string()),
        approved_by: Some("客户经理 李华".to_string()),
        ..event(EventType::Suspended, "传输室 陈工", "")
    }
}

/// The demo's day of orders on the given circuits (codes, at least 16; fewer give fewer
/// orders), in a fixed order: the same circuits give the same day.
pub fn day_of_orders(circuits: &[String]) -> Vec<DemoOrder> {
    use EventType::*;
    let titles = [
        "专线业务中断",
        "专线频繁闪断",
        "专线丢包严重",
        "专线中断，客户机房断电",
        "专线误码率高",
    ];
    /// The kind, how many minutes ago it occurred, and what happened since.
    type Plan = (OrderKind, i64, Vec<(i64, EventCreate)>);
    let mut plans: Vec<Plan> = vec![
        (OrderKind::Fault, 9, vec![]),
        (OrderKind::Fault, 25, steps(Dispatched)),
        (OrderKind::Fault, 40, steps(Accepted)),
        (OrderKind::Fault, 55, steps(EnRoute)),
        (OrderKind::Fault, 95, steps(OnSite)),
        (OrderKind::Fault, 150, {
            let mut s = steps(CustomerContacted);
            s.push((30, suspension("客户机房门禁未开放，等待客户到场")));
            s
        }),
        (OrderKind::Fault, 130, steps(Restored)),
        (OrderKind::Fault, 140, steps(Observing)),
        (OrderKind::Fault, 200, steps(Confirmed)),
        (OrderKind::Fault, 230, steps(Replied)),
        (OrderKind::Fault, 300, steps(Closed)),
        (OrderKind::Fault, 420, {
            let mut s = steps(Closed);
            s.push((400, event(Reopened, "支撑室 刘娜", "客户反映业务再次中断")));
            s
        }),
        // Breached: dispatched and accepted, then nothing for seven hours.
        (OrderKind::Fault, 430, steps(Accepted)),
        // R-F2, R-F4 in parallel: the support room reached the customer before the lead room
        // accepted.
        (
            OrderKind::Fault,
            35,
            vec![
                (2, event(Dispatched, "监控室 王敏", "")),
                (
                    6,
                    event(CustomerContacted, "支撑室 刘娜", "客户已知悉，正在排查"),
                ),
                (14, event(Accepted, "传输室 陈工", "")),
            ],
        ),
        (OrderKind::Complaint, 20, vec![]),
        (
            OrderKind::Complaint,
            180,
            vec![
                (5, event(Dispatched, "监控室 王敏", "")),
                (15, event(Accepted, "支撑室 刘娜", "")),
                (
                    30,
                    event(
                        CustomerContacted,
                        "支撑室 刘娜",
                        "已向客户解释晚高峰拥塞原因",
                    ),
                ),
            ],
        ),
    ];
    plans.truncate(circuits.len());
    plans
        .into_iter()
        .zip(circuits)
        .enumerate()
        .map(|(i, ((kind, ago, events), circuit))| {
            let title = match kind {
                OrderKind::Complaint => "客户投诉：专线网速慢".to_string(),
                _ => titles[i % titles.len()].to_string(),
            };
            let alarms = if kind == OrderKind::Fault {
                vec![AlarmInput {
                    alarm_id: format!("DEMO-ALM-{:04}", i + 1),
                    transmission: i % 2 == 0,
                    text: if i % 2 == 0 { "R_LOS" } else { "ETH_LOS" }.to_string(),
                    raised_at: None,
                }]
            } else {
                vec![]
            };
            // Most dispatched orders go to the contractor's first technician, every third to its
            // second, so that one person has several orders and the list shows two.
            let dispatched = events.iter().any(|(_, e)| e.kind == Dispatched);
            let technician = dispatched.then_some(usize::from(i % 3 == 2));
            DemoOrder {
                technician,
                create: OrderCreate {
                    kind,
                    title,
                    description: String::new(),
                    customer_code: None,
                    circuit_codes: vec![circuit.clone()],
                    element_codes: vec![],
                    site_code: None,
                    region_code: None,
                    alarms,
                    occurred_at: None,
                    grade: None,
                    business_type: None,
                    lead_room: None,
                    contractor_code: None,
                    failed_hop: (kind == OrderKind::Fault).then_some(1),
                    actor: Some("监控室 王敏".to_string()),
                },
                occurred_minutes_ago: ago,
                events,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use jike_domain::{Validate, Vocabulary};

    #[test]
    fn the_day_covers_every_state_and_each_order_is_valid_and_in_the_past() {
        let circuits: Vec<String> = (0..20).map(|i| format!("CIR-{i}")).collect();
        let day = day_of_orders(&circuits);
        assert_eq!(day.len(), 16);
        let mut last_kinds = std::collections::BTreeSet::new();
        for o in &day {
            o.create.validate().unwrap();
            let mut previous = 0;
            for (after, e) in &o.events {
                e.validate().unwrap();
                assert!(*after >= previous, "{o:?}: events in time order");
                assert!(*after < o.occurred_minutes_ago, "{o:?}: not in the future");
                previous = *after;
            }
            last_kinds.insert(o.events.last().map(|(_, e)| e.kind.code()));
        }
        for kind in [
            None,
            Some("dispatched"),
            Some("accepted"),
            Some("en_route"),
            Some("on_site"),
            Some("suspended"),
            Some("restored"),
            Some("observing"),
            Some("confirmed"),
            Some("replied"),
            Some("closed"),
            Some("reopened"),
        ] {
            assert!(last_kinds.contains(&kind), "no order ends with {kind:?}");
        }
        // Issue 14: the dispatched orders name a person, mostly the first technician.
        let assigned: Vec<Option<usize>> = day.iter().map(|o| o.technician).collect();
        assert!(assigned.iter().filter(|t| **t == Some(0)).count() >= 5);
        assert!(assigned.contains(&Some(1)));
        for o in &day {
            let dispatched = o
                .events
                .iter()
                .any(|(_, e)| e.kind == EventType::Dispatched);
            assert_eq!(o.technician.is_some(), dispatched, "{o:?}");
        }
        // Fewer circuits, fewer orders; the same circuits, the same day.
        assert_eq!(day_of_orders(&circuits[..3]).len(), 3);
        assert_eq!(
            format!("{:?}", day_of_orders(&circuits)),
            format!("{day:?}")
        );
    }
}
