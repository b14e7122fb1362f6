//! 工单 work orders as the API and the store exchange them: what creates an order, what records
//! an event, and how an order reads back. The rules (state machine, clocks) are in `order.rs`
//! and `sla.rs`; this module is the shape of the data and its validation.

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

use crate::inventory::Validate;
use crate::values::{check_code, check_optional_text, check_text, FieldError, Problems};
use crate::vocab::{BusinessType, EventType, Grade, OrderKind, OrderState, Room, Vocabulary};

const TITLE_MAX: usize = 200;
const TEXT_MAX: usize = 4000;
const LIST_MAX: usize = 200;
/// The largest `data` object of an event (an on-site record, R-F9), as JSON.
pub const EVENT_DATA_MAX_BYTES: usize = 16 * 1024;

/// An alarm an order concerns (告警). R-F2: a transmission alarm makes the transport room lead.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AlarmInput {
    /// The alarm's id in the network management system.
    pub alarm_id: String,
    /// 传输告警: raised by the transmission network (SDH, PTN, OTN …).
    #[serde(default)]
    pub transmission: bool,
    #[serde(default)]
    pub text: String,
    pub raised_at: Option<DateTime<FixedOffset>>,
}

/// 新建工单 what creates a work order. Only `kind` and `title` are required; the rest is
/// derived where it can be: the grade from the customer's grade at `occurred_at` (R-SL3), the
/// business type and region from the first circuit, the lead room from the alarms (R-F2), the
/// contractor from the failed hop of the first circuit's path (R-MD).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct OrderCreate {
    pub kind: OrderKind,
    pub title: String,
    #[serde(default)]
    pub description: String,
    pub customer_code: Option<String>,
    #[serde(default)]
    pub circuit_codes: Vec<String>,
    #[serde(default)]
    pub element_codes: Vec<String>,
    pub site_code: Option<String>,
    pub region_code: Option<String>,
    #[serde(default)]
    pub alarms: Vec<AlarmInput>,
    /// When the fault occurred (the start of the restoration clock); default: now.
    pub occurred_at: Option<DateTime<FixedOffset>>,
    pub grade: Option<Grade>,
    pub business_type: Option<BusinessType>,
    pub lead_room: Option<Room>,
    pub contractor_code: Option<String>,
    /// The hop of the first circuit's path that failed (from 1): its contractor, or the
    /// contractor of its element, maintains the order (R-MD).
    pub failed_hop: Option<u32>,
    /// Who creates it (until accounts exist, the caller says so; default `api`).
    pub actor: Option<String>,
}

/// The earliest instant an order or event may carry: 2000-01-01T00:00:00Z. Nothing jike keeps
/// happened before; an earlier time is a typing slip (`0000-01-01`) that would make an order
/// breached by centuries and fire every escalation at once.
pub const EARLIEST_INSTANT_SECS: i64 = 946_684_800;

/// Refuses an instant before [`EARLIEST_INSTANT_SECS`]. (The future is judged by the store,
/// which knows the time now.)
pub fn check_instant(at: DateTime<FixedOffset>) -> Result<(), String> {
    if at.timestamp() < EARLIEST_INSTANT_SECS {
        return Err(format!(
            "'{}' is before 2000-01-01T00:00:00Z, the earliest time an order may carry",
            at.to_rfc3339()
        ));
    }
    Ok(())
}

fn check_codes(p: &mut Problems, field: &str, codes: &[String]) {
    if codes.len() > LIST_MAX {
        p.add(field, format!("lists more than {LIST_MAX} codes"));
    }
    for (i, c) in codes.iter().enumerate() {
        p.check(&format!("{field}[{i}]"), check_code(c));
    }
}

/// What a customer (客户, in the portal) or its account manager (客户经理) may open: a fault or
/// a complaint (报障、投诉) on lines of its own, naming at least one of them; what the monitoring
/// room decides (grade, business type, lead room, contractor, failed hop, region, site, network
/// elements, alarms) is not theirs to set. That the lines are theirs is the store's to check
/// (their scope).
pub fn check_raised_by_customer_side(input: &OrderCreate) -> Result<(), Vec<FieldError>> {
    let mut problems = Vec::new();
    if !matches!(input.kind, OrderKind::Fault | OrderKind::Complaint) {
        problems.push(FieldError::new(
            "kind",
            format!(
                "a customer or an account manager may open a fault (故障) or a complaint (投诉), not a {}",
                input.kind.code()
            ),
        ));
    }
    if input.circuit_codes.is_empty() {
        problems.push(FieldError::new(
            "circuit_codes",
            "name the line (circuit) the fault or complaint is about",
        ));
    }
    let operators: [(&str, bool); 9] = [
        ("grade", input.grade.is_some()),
        ("business_type", input.business_type.is_some()),
        ("lead_room", input.lead_room.is_some()),
        ("contractor_code", input.contractor_code.is_some()),
        ("failed_hop", input.failed_hop.is_some()),
        ("region_code", input.region_code.is_some()),
        ("site_code", input.site_code.is_some()),
        ("element_codes", !input.element_codes.is_empty()),
        ("alarms", !input.alarms.is_empty()),
    ];
    for (field, set) in operators {
        if set {
            problems.push(FieldError::new(
                field,
                "is decided by the monitoring room; leave it out",
            ));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

impl Validate for OrderCreate {
    fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut p = Problems::default();
        p.check("title", check_text(&self.title, TITLE_MAX));
        p.check(
            "description",
            check_optional_text(&self.description, TEXT_MAX),
        );
        for (field, code) in [
            ("customer_code", &self.customer_code),
            ("site_code", &self.site_code),
            ("region_code", &self.region_code),
            ("contractor_code", &self.contractor_code),
        ] {
            if let Some(c) = code {
                p.check(field, check_code(c));
            }
        }
        check_codes(&mut p, "circuit_codes", &self.circuit_codes);
        check_codes(&mut p, "element_codes", &self.element_codes);
        if self.alarms.len() > LIST_MAX {
            p.add("alarms", format!("lists more than {LIST_MAX} alarms"));
        }
        for (i, a) in self.alarms.iter().enumerate() {
            p.check(
                &format!("alarms[{i}].alarm_id"),
                check_text(&a.alarm_id, 100),
            );
            p.check(
                &format!("alarms[{i}].text"),
                check_optional_text(&a.text, TEXT_MAX),
            );
        }
        if let Some(actor) = &self.actor {
            p.check("actor", check_text(actor, 100));
        }
        if let Some(at) = self.occurred_at {
            p.check("occurred_at", check_instant(at));
        }
        for (i, a) in self.alarms.iter().enumerate() {
            if let Some(at) = a.raised_at {
                p.check(&format!("alarms[{i}].raised_at"), check_instant(at));
            }
        }
        match self.failed_hop {
            Some(0) => p.add("failed_hop", "counts from 1"),
            Some(_) if self.circuit_codes.is_empty() => p.add(
                "failed_hop",
                "needs circuit_codes: it is a hop of the first circuit",
            ),
            _ => {}
        }
        if self.customer_code.is_none() && self.circuit_codes.is_empty() && self.grade.is_none() {
            p.add(
                "grade",
                "is needed when the order names neither a customer nor a circuit",
            );
        }
        p.into_result()
    }
}

/// 工单事件 what records one event on an order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct EventCreate {
    #[serde(rename = "type")]
    pub kind: EventType,
    /// When it happened; default: now. Not before the order's last event, not in the future.
    pub at: Option<DateTime<FixedOffset>>,
    #[serde(default)]
    pub note: String,
    /// R-C3: the reason of a suspension.
    pub reason: Option<String>,
    /// R-C3: who approved a suspension.
    pub approved_by: Option<String>,
    pub actor: Option<String>,
    /// 转派 a reassignment to another contractor.
    pub contractor_code: Option<String>,
    /// 转派 a reassignment to another lead room.
    pub lead_room: Option<Room>,
    /// 派单, 转派 or 指派 to a person: the code (工号) of a staff member of the order's
    /// contractor (issue 14); required by `assigned`, where empty (`""`) hands the order back
    /// (退回) to its company's queue: nobody is assigned.
    #[serde(default)]
    pub assignee_code: Option<String>,
    /// Details, such as the on-site record (故障现场处理记录, R-F9): a JSON object.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub data: Option<serde_json::Value>,
}

impl EventCreate {
    /// 退回: an `assigned` event naming nobody (`assignee_code` empty) hands the order back to
    /// its company's queue (issue 14).
    pub fn hands_back(&self) -> bool {
        self.kind == EventType::Assigned
            && self
                .assignee_code
                .as_deref()
                .is_some_and(|c| c.trim().is_empty())
    }
}

impl Validate for EventCreate {
    fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut p = Problems::default();
        p.check("note", check_optional_text(&self.note, TEXT_MAX));
        if let Some(r) = &self.reason {
            p.check("reason", check_text(r, 500));
        }
        // 驳回 sends the order back: the dispatcher must know why.
        if self.kind == EventType::Rejected && self.reason.is_none() {
            p.add("reason", "is required to reject (驳回) an order: say why");
        }
        if let Some(at) = self.at {
            p.check("at", check_instant(at));
        }
        if let Some(a) = &self.approved_by {
            p.check("approved_by", check_text(a, 100));
        }
        if let Some(a) = &self.actor {
            p.check("actor", check_text(a, 100));
        }
        if let Some(c) = &self.contractor_code {
            p.check("contractor_code", check_code(c));
        }
        if (self.contractor_code.is_some() || self.lead_room.is_some())
            && self.kind != EventType::Reassigned
            && self.kind != EventType::Dispatched
        {
            p.add(
                "contractor_code",
                "is only taken by a dispatched or reassigned event",
            );
        }
        match &self.assignee_code {
            // 退回: an assignment to nobody hands the order back (issue 14).
            Some(_) if self.hands_back() => {}
            Some(c) if crate::assignment::names_assignee(self.kind) => {
                p.check("assignee_code", check_code(c));
            }
            Some(_) => p.add(
                "assignee_code",
                "is only taken by a dispatched, reassigned or assigned event",
            ),
            None if self.kind == EventType::Assigned => p.add(
                "assignee_code",
                "is required to assign (指派) an order: the code (工号) of a staff member of its contractor",
            ),
            None => {}
        }
        match &self.data {
            None => {}
            Some(serde_json::Value::Object(_)) => {
                let size = serde_json::to_string(&self.data).map_or(0, |s| s.len());
                if size > EVENT_DATA_MAX_BYTES {
                    p.add(
                        "data",
                        format!("is {size} bytes of JSON, more than {EVENT_DATA_MAX_BYTES}"),
                    );
                }
            }
            Some(_) => p.add("data", "must be a JSON object"),
        }
        p.into_result()
    }
}

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
    pub contractor_basis: Option<crate::derive::ContractorBasis>,
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
    pub sla_summary: Option<crate::urgency::SlaSummary>,
    /// 参与处理的室 the rooms that work it (R-F2, R-F4, R-F5; `participants::rooms`): in the
    /// detail.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub participants: Option<Vec<Room>>,
    /// The live clocks, as `jike sla evaluate` prints them, evaluated now.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub sla: Option<crate::sla::Report>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allowed_events: Option<Vec<EventType>>,
}

impl OrderEvent {
    /// Whether a customer sees this kind of event on its order: what happened to its service
    /// and what was done with it on its side (受理、联系、出发、到场、挂起、恢复、确认、归档、
    /// 进展通报), not the operator's internal routing (派单、转派、驳回、回单、观察).
    fn customer_sees(&self) -> bool {
        matches!(
            self.kind,
            EventType::Occurred
                | EventType::Accepted
                | EventType::CustomerContacted
                | EventType::EnRoute
                | EventType::OnSite
                | EventType::Suspended
                | EventType::Resumed
                | EventType::Restored
                | EventType::Confirmed
                | EventType::Closed
                | EventType::Reopened
                | EventType::UpdatePublished
        )
    }
}

impl Order {
    /// The order as its customer (客户, the portal) sees it: its own timeline without the
    /// internal one. Kept: the kind, title, state, grade, lines, the clocks, and the events of
    /// [`OrderEvent::customer_sees`] with their times, a suspension's reason and a published
    /// update's text. Left out: notes, who recorded what (the contractor's staff), when a
    /// backdated event was entered, approvers, event data, alarms, network elements, the site,
    /// the contractor and why it was chosen, the person assigned, and who opened the order.
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
                    .filter(OrderEvent::customer_sees)
                    .map(|e| OrderEvent {
                        recorded_at: e.at,
                        actor: String::new(),
                        note: if e.kind == EventType::UpdatePublished {
                            e.note
                        } else {
                            String::new()
                        },
                        reason: e.reason.filter(|_| e.kind == EventType::Suspended),
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

    fn create(json: &str) -> Result<OrderCreate, serde_json::Error> {
        serde_json::from_str(json)
    }

    #[test]
    fn an_order_takes_codes_or_chinese_names_and_refuses_unknown_fields() {
        let o = create(r#"{"kind": "故障", "title": "中断", "customer_code": "C1"}"#).unwrap();
        assert_eq!(o.kind, OrderKind::Fault);
        assert!(o.validate().is_ok());
        let e = create(r#"{"kind": "fault", "title": "x", "colour": "red"}"#).unwrap_err();
        assert!(e.to_string().contains("colour"), "{e}");
        assert!(create(r#"{"kind": "repair", "title": "x"}"#).is_err());
    }

    #[test]
    fn an_order_needs_a_title_and_a_grade_it_can_derive() {
        let o = create(r#"{"kind": "fault", "title": " "}"#).unwrap();
        let errors = o.validate().unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["title", "grade"]);
        let o =
            create(r#"{"kind": "fault", "title": "x", "grade": "gold", "failed_hop": 2}"#).unwrap();
        let errors = o.validate().unwrap_err();
        assert_eq!(errors[0].field, "failed_hop");
    }

    /// An impossible instant (`0000-01-01`) is refused naming its field, before it can make an
    /// order breached by centuries; 2000-01-01 itself is accepted.
    #[test]
    fn instants_before_2000_are_refused_naming_the_field() {
        let o = create(
            r#"{"kind": "fault", "title": "x", "grade": "gold", "occurred_at": "0000-01-01T00:00:00Z",
                "alarms": [{"alarm_id": "A1", "raised_at": "1999-12-31T23:59:59Z"}]}"#,
        )
        .unwrap();
        let errors = o.validate().unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["occurred_at", "alarms[0].raised_at"]);
        assert!(errors[0].reason.contains("2000-01-01"), "{errors:?}");
        let o = create(
            r#"{"kind": "fault", "title": "x", "grade": "gold", "occurred_at": "2000-01-01T08:00:00+08:00"}"#,
        )
        .unwrap();
        assert!(o.validate().is_ok());
        let e: EventCreate =
            serde_json::from_str(r#"{"type": "accepted", "at": "1970-01-01T00:00:00Z"}"#).unwrap();
        assert_eq!(e.validate().unwrap_err()[0].field, "at");
    }

    /// 驳回 needs a reason; a blank one is no reason.
    #[test]
    fn a_rejection_needs_a_reason() {
        for json in [
            r#"{"type": "rejected"}"#,
            r#"{"type": "rejected", "reason": "  ", "note": "x"}"#,
        ] {
            let e: EventCreate = serde_json::from_str(json).unwrap();
            let errors = e.validate().unwrap_err();
            assert_eq!(errors.len(), 1, "{errors:?}");
            assert_eq!(errors[0].field, "reason");
        }
        let e: EventCreate =
            serde_json::from_str(r#"{"type": "rejected", "reason": "不属于本单位维护范围"}"#)
                .unwrap();
        assert!(e.validate().is_ok());
    }

    #[test]
    fn an_event_names_its_bad_fields() {
        let e: EventCreate =
            serde_json::from_str(r#"{"type": "suspended", "data": [1], "contractor_code": "CT1"}"#)
                .unwrap();
        let errors = e.validate().unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["contractor_code", "data"]);
        let e: EventCreate =
            serde_json::from_str(r#"{"type": "reassigned", "contractor_code": "CT2"}"#).unwrap();
        assert!(e.validate().is_ok());
        assert!(serde_json::from_str::<EventCreate>(r#"{"type": "teleported"}"#).is_err());
    }

    /// Issue 14: dispatch, transfer and assignment name a person; `assigned` must.
    #[test]
    fn only_dispatch_transfer_and_assignment_name_a_person() {
        let errors = |json: &str| -> Vec<String> {
            serde_json::from_str::<EventCreate>(json)
                .unwrap()
                .validate()
                .err()
                .unwrap_or_default()
                .into_iter()
                .map(|e| e.field)
                .collect()
        };
        for json in [
            r#"{"type": "assigned", "assignee_code": "CT01-S001"}"#,
            r#"{"type": "dispatched", "assignee_code": "CT01-S001", "contractor_code": "CT01"}"#,
            r#"{"type": "reassigned", "assignee_code": "CT02-S001"}"#,
            r#"{"type": "dispatched"}"#,
        ] {
            assert!(errors(json).is_empty(), "{json}");
        }
        assert_eq!(errors(r#"{"type": "assigned"}"#), ["assignee_code"]);
        assert_eq!(
            errors(r#"{"type": "accepted", "assignee_code": "CT01-S001"}"#),
            ["assignee_code"]
        );
        assert_eq!(
            errors(r#"{"type": "assigned", "assignee_code": "a b"}"#),
            ["assignee_code"]
        );
        let e: EventCreate =
            serde_json::from_str(r#"{"type": "指派", "assignee_code": "S1"}"#).unwrap();
        assert_eq!(e.kind, EventType::Assigned);
        assert!(!e.hands_back());
    }

    /// 退回: `assigned` to nobody (`""`) hands the order back; only `assigned` takes it.
    #[test]
    fn an_assignment_to_nobody_hands_the_order_back() {
        let event = |json: &str| serde_json::from_str::<EventCreate>(json).unwrap();
        for json in [
            r#"{"type": "assigned", "assignee_code": ""}"#,
            r#"{"type": "assigned", "assignee_code": "  ", "note": "不是我的区域"}"#,
        ] {
            let e = event(json);
            assert!(e.hands_back(), "{json}");
            assert!(e.validate().is_ok(), "{json}");
        }
        for json in [
            r#"{"type": "dispatched", "assignee_code": ""}"#,
            r#"{"type": "reassigned", "assignee_code": ""}"#,
        ] {
            let e = event(json);
            assert!(!e.hands_back(), "{json}");
            let fields: Vec<String> = e
                .validate()
                .unwrap_err()
                .into_iter()
                .map(|p| p.field)
                .collect();
            assert_eq!(fields, ["assignee_code"], "{json}");
        }
        // Null is leaving it out: still required.
        let e = event(r#"{"type": "assigned", "assignee_code": null}"#);
        assert!(!e.hands_back());
        assert!(e.validate().is_err());
    }

    #[test]
    fn a_customer_opens_faults_and_complaints_on_lines_without_the_operators_fields() {
        let raised = |json: &str| {
            check_raised_by_customer_side(&serde_json::from_str::<OrderCreate>(json).unwrap())
        };
        assert_eq!(
            raised(r#"{"kind": "complaint", "title": "网速慢", "circuit_codes": ["C1"]}"#),
            Ok(())
        );
        assert_eq!(
            raised(
                r#"{"kind": "故障", "title": "中断", "circuit_codes": ["C1"], "occurred_at": "2026-01-05T08:00:00+08:00"}"#
            ),
            Ok(())
        );
        let fields = |json: &str| -> Vec<String> {
            raised(json)
                .unwrap_err()
                .into_iter()
                .map(|e| e.field)
                .collect()
        };
        assert_eq!(
            fields(r#"{"kind": "inspection", "title": "巡检"}"#),
            ["kind", "circuit_codes"]
        );
        assert_eq!(
            fields(
                r#"{"kind": "fault", "title": "中断", "circuit_codes": ["C1"], "grade": "diamond",
                    "contractor_code": "CT01", "failed_hop": 1, "alarms": [{"alarm_id": "A"}]}"#
            ),
            ["grade", "contractor_code", "failed_hop", "alarms"]
        );
    }

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
            contractor_basis: Some(crate::derive::ContractorBasis::Given),
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
