//! 工单 a work order as the store reads it back and the API answers it (`GET /orders/{id}`, the
//! lists, the dashboard), with its alarms and events; and the customer's view of it, which
//! applies the domain's rules of what a customer sees (`jike_domain::workorder`). A read model:
//! the domain keeps what a request gives (`OrderCreate`, `EventCreate`) and the rules.

use chrono::{DateTime, FixedOffset};
use jike_domain::workorder::{customer_reads_note, customer_reads_reason, customer_sees};
use jike_domain::{BusinessType, EventType, Grade, OrderKind, OrderState, Room};
use serde::Serialize;

/// One alarm of an order, as read back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Alarm {
    pub alarm_id: String,
    pub transmission: bool,
    pub text: String,
    pub raised_at: Option<DateTime<FixedOffset>>,
}

/// One event of an order, as read back.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrderEvent {
    /// Its position in the order's history, from 1.
    pub seq: i64,
    #[serde(rename = "type")]
    pub kind: EventType,
    pub at: DateTime<FixedOffset>,
    /// When the service recorded it.
    pub recorded_at: DateTime<FixedOffset>,
    pub actor: String,
    pub note: String,
    pub reason: Option<String>,
    pub approved_by: Option<String>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub data: Option<serde_json::Value>,
    /// The person a dispatched, reassigned or assigned event named (工号 and name).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assignee_code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assignee_name: Option<String>,
}

/// 工单 a work order as read back. The detail (`GET /orders/{id}`) adds its links, events,
/// live clocks and the events its state allows.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Order {
    pub id: i64,
    pub code: String,
    pub kind: OrderKind,
    pub title: String,
    pub description: String,
    pub state: OrderState,
    pub grade: Grade,
    pub business_type: Option<BusinessType>,
    pub customer_code: Option<String>,
    pub customer_name: Option<String>,
    pub site_code: Option<String>,
    pub region_code: Option<String>,
    pub contractor_code: Option<String>,
    pub contractor_name: Option<String>,
    /// R-MD: by which rule the contractor was chosen (`given`, `failed_hop`,
    /// `failed_hop_contract`, `path_single_contractor`, `region_contract`, `element`).
    pub contractor_basis: Option<jike_domain::derive::ContractorBasis>,
    /// Seed 6.4.1: the builder (建设单位/项目经理) a fault on a line not finally accepted went
    /// to, with `contractor_basis` `engineering` and no contractor.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub builder_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub builder_phone: Option<String>,
    pub lead_room: Option<Room>,
    /// 指派 the person of the contractor working the order (its staff code, 工号), if named.
    pub assignee_code: Option<String>,
    pub assignee_name: Option<String>,
    pub occurred_at: DateTime<FixedOffset>,
    /// Any clock breached (as of the last event or timer).
    pub breached: bool,
    /// When the order escalated to joint handling (R-F4, R-F5), if it did.
    pub joint_handling_at: Option<DateTime<FixedOffset>>,
    /// The next instant the scheduler looks at it.
    pub next_due_at: Option<DateTime<FixedOffset>>,
    pub policy_version: i64,
    pub created_by: String,
    pub created_at: DateTime<FixedOffset>,
    pub updated_at: DateTime<FixedOffset>,
    pub closed_at: Option<DateTime<FixedOffset>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub circuit_codes: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub element_codes: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alarms: Option<Vec<Alarm>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub events: Option<Vec<OrderEvent>>,
    /// In lists: the most urgent clock with its state and deadline (`urgency::most_urgent`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sla_summary: Option<jike_domain::urgency::SlaSummary>,
    /// 参与处理的室 the rooms that work it (R-F2, R-F4, R-F5; `participants::rooms`): in the
    /// detail.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub participants: Option<Vec<Room>>,
    /// The live clocks, as `jike sla evaluate` prints them, evaluated now.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub sla: Option<jike_domain::sla::Report>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allowed_events: Option<Vec<EventType>>,
}

impl Order {
    /// The order as its customer (客户, the portal) sees it: its own timeline without the
    /// internal one. Kept: the kind, title, state, grade, lines, the clocks, and the events the
    /// domain says a customer sees (`workorder::customer_sees`) with their times, a
    /// suspension's reason and a published update's text (`customer_reads_reason`,
    /// `customer_reads_note`). Left out: other notes and reasons, who recorded what (the
    /// contractor's staff), when a backdated event was entered, approvers, event data, alarms,
    /// network elements, the site, the contractor and why it was chosen, the person assigned,
    /// and who opened the order.
    pub fn as_customer_sees(mut self) -> Order {
        self.contractor_code = None;
        self.contractor_name = None;
        self.contractor_basis = None;
        self.builder_name = None;
        self.builder_phone = None;
        self.assignee_code = None;
        self.assignee_name = None;
        self.site_code = None;
        self.element_codes = None;
        self.alarms = None;
        self.created_by = String::new();
        if let Some(events) = self.events.take() {
            self.events = Some(
                events
                    .into_iter()
                    .filter(|e| customer_sees(e.kind))
                    .map(|e| OrderEvent {
                        recorded_at: e.at,
                        actor: String::new(),
                        note: if customer_reads_note(e.kind) {
                            e.note
                        } else {
                            String::new()
                        },
                        reason: e.reason.filter(|_| customer_reads_reason(e.kind)),
                        approved_by: None,
                        data: None,
                        assignee_code: None,
                        assignee_name: None,
                        ..e
                    })
                    .collect(),
            );
        }
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_customer_sees_its_timeline_not_the_internal_one() {
        let at = |m: u32| {
            DateTime::parse_from_rfc3339(&format!("2026-01-05T08:{m:02}:00+08:00")).unwrap()
        };
        let event = |seq: i64, kind: EventType, m: u32| OrderEvent {
            seq,
            kind,
            at: at(m),
            recorded_at: at(m + 30),
            actor: "代维张工".into(),
            note: format!("内部备注 {seq}"),
            reason: Some("客户机房无法进入".into()),
            approved_by: Some("李经理".into()),
            data: Some(serde_json::json!({"room": "transport"})),
            assignee_code: Some("CT01-S001".into()),
            assignee_name: Some("张强".into()),
        };
        let order = Order {
            id: 1,
            code: "GD-1".into(),
            kind: OrderKind::Fault,
            title: "中断".into(),
            description: String::new(),
            state: OrderState::Suspended,
            grade: Grade::Gold,
            business_type: None,
            customer_code: Some("C1".into()),
            customer_name: Some("某医院".into()),
            site_code: Some("S1".into()),
            region_code: None,
            contractor_code: Some("CT01".into()),
            contractor_name: Some("代维一".into()),
            contractor_basis: Some(jike_domain::derive::ContractorBasis::Given),
            builder_name: None,
            builder_phone: None,
            lead_room: Some(Room::Transport),
            assignee_code: Some("CT01-S001".into()),
            assignee_name: Some("张强".into()),
            occurred_at: at(0),
            breached: false,
            joint_handling_at: None,
            next_due_at: None,
            policy_version: 1,
            created_by: "zhang.wei".into(),
            created_at: at(0),
            updated_at: at(0),
            closed_at: None,
            circuit_codes: Some(vec!["CIR-1".into()]),
            element_codes: Some(vec!["NE-1".into()]),
            alarms: Some(vec![]),
            events: Some(vec![
                event(1, EventType::Occurred, 0),
                event(2, EventType::Dispatched, 2),
                event(3, EventType::Accepted, 5),
                event(4, EventType::UpdatePublished, 6),
                event(5, EventType::Suspended, 9),
                event(6, EventType::Assigned, 10),
            ]),
            sla_summary: None,
            participants: None,
            sla: None,
            allowed_events: None,
        };
        let seen = order.as_customer_sees();
        assert_eq!(seen.circuit_codes, Some(vec!["CIR-1".to_string()]));
        assert_eq!(
            (
                seen.contractor_code,
                seen.site_code,
                seen.element_codes,
                seen.alarms.is_none()
            ),
            (None, None, None, true)
        );
        assert_eq!(seen.created_by, "");
        assert_eq!((seen.assignee_code, seen.assignee_name), (None, None));
        let events = seen.events.unwrap();
        let kinds: Vec<EventType> = events.iter().map(|e| e.kind).collect();
        assert_eq!(
            kinds,
            [
                EventType::Occurred,
                EventType::Accepted,
                EventType::UpdatePublished,
                EventType::Suspended
            ]
        );
        for e in &events {
            assert_eq!(e.recorded_at, e.at, "no entry time of a backdated event");
            assert_eq!(
                (e.actor.as_str(), e.approved_by.as_deref(), e.data.is_none()),
                ("", None, true)
            );
            assert_eq!(
                e.assignee_code, None,
                "the contractor's staff stays internal"
            );
        }
        assert_eq!(
            events[2].note, "内部备注 4",
            "a published update is for the customer"
        );
        assert_eq!(events[0].note, "");
        assert_eq!(events[3].reason.as_deref(), Some("客户机房无法进入"));
        assert_eq!(events[1].reason, None);
    }
}
