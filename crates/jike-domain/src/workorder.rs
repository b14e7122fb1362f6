//! 工单 work orders as a request gives them: what creates an order and what records an event,
//! validated; who on the customer's side may open one (`check_raised_by_customer_side`); and what
//! a customer sees of its order's timeline (`customer_sees`, `customer_reads_note`,
//! `customer_reads_reason`), which the store's read-back shape of an order (`jike_store::Order`)
//! applies. The rules of the lifecycle (state machine, clocks) are in `order.rs` and `sla.rs`.

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

use crate::inventory::Validate;
use crate::values::{check_code, check_optional_text, check_text, FieldError, Problems};
use crate::vocab::{BusinessType, EventType, Grade, OrderKind, Room, Vocabulary};

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

/// Whether a customer (客户, the portal) sees an event of this kind on its order: what happened
/// to its service and what was done with it on its side (故障发生、受理、联系客户、出发、到场、
/// 挂起、解挂、业务恢复、客户确认、归档、重开、进展通报), not the operator's internal routing
/// and paperwork (派单、转派、指派、驳回、观察、回单、验收通过、资料移交、完成).
pub fn customer_sees(kind: EventType) -> bool {
    matches!(
        kind,
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

/// Whether a customer reads the note of an event it sees ([`customer_sees`]): only a published
/// update's (进展通报), which is written for it; every other note is internal.
pub fn customer_reads_note(kind: EventType) -> bool {
    kind == EventType::UpdatePublished
}

/// Whether a customer reads the reason of an event it sees ([`customer_sees`]): only a
/// suspension's (挂起, R-C3: why its clocks stopped); who approved it stays internal.
pub fn customer_reads_reason(kind: EventType) -> bool {
    kind == EventType::Suspended
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

    /// A customer's timeline: what happened to its service, not the internal routing; of the
    /// texts, a published update's note and a suspension's reason.
    #[test]
    fn a_customer_sees_the_events_of_its_service_not_the_internal_routing() {
        let seen: Vec<&str> = EventType::ALL
            .iter()
            .filter(|k| customer_sees(**k))
            .map(|k| k.code())
            .collect();
        assert_eq!(
            seen,
            [
                "occurred",
                "accepted",
                "customer_contacted",
                "en_route",
                "on_site",
                "suspended",
                "resumed",
                "restored",
                "confirmed",
                "closed",
                "reopened",
                "update_published"
            ]
        );
        for internal in [
            EventType::Dispatched,
            EventType::Reassigned,
            EventType::Assigned,
            EventType::Rejected,
            EventType::Observing,
            EventType::Replied,
        ] {
            assert!(!customer_sees(internal), "{internal:?}");
        }
        let notes: Vec<EventType> = EventType::ALL
            .iter()
            .copied()
            .filter(|k| customer_reads_note(*k))
            .collect();
        assert_eq!(notes, [EventType::UpdatePublished]);
        let reasons: Vec<EventType> = EventType::ALL
            .iter()
            .copied()
            .filter(|k| customer_reads_reason(*k))
            .collect();
        assert_eq!(reasons, [EventType::Suspended]);
        // What a customer reads is of an event it sees.
        for k in EventType::ALL {
            if customer_reads_note(*k) || customer_reads_reason(*k) {
                assert!(customer_sees(*k), "{k:?}");
            }
        }
    }
}
