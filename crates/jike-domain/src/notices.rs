//! 通知 What a notification says: the topic and the Chinese subject line of each thing jike
//! announces (a new order, an event, a timer that fired, a room called into joint handling).
//! Decided here, pure; the store writes them to the outbox in the transaction of their cause.

use chrono::{DateTime, Utc};

use crate::sla::DueKind;
use crate::time::local;
use crate::vocab::{EventType, Grade, OrderKind, Room, Vocabulary};

/// A notification's topic (what subscribers choose) and its subject line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub topic: &'static str,
    pub subject: String,
}

/// `【新工单】GD-… 金牌 故障 <title>`.
pub fn order_created(code: &str, grade: Grade, kind: OrderKind, title: &str) -> String {
    format!(
        "【新工单】{code} {} {} {}",
        grade.zh(),
        kind.zh(),
        title.trim()
    )
}

/// `【工单进展】GD-… 已受理`.
pub fn order_event(code: &str, event: EventType) -> String {
    format!("【工单进展】{code} {}", event.zh())
}

/// A fired timer (R-F4..R-F6): its topic by kind and its subject, the instant shown in the
/// display zone. An unknown kind is announced as a progress update, the one kind without a clock.
pub fn timer_fired(
    kind: &str,
    clock: &str,
    code: &str,
    grade: Grade,
    order_kind: OrderKind,
    due: DateTime<Utc>,
) -> Notice {
    let when = local(due).format("%m-%d %H:%M");
    let who = format!("{code} {}{}", grade.zh(), order_kind.zh());
    let (topic, subject) = match kind {
        k if k == DueKind::Warning.code() => (
            "sla.warning",
            format!("【时限预警】{who} {clock} 时限将至（{when}）"),
        ),
        k if k == DueKind::Breach.code() => (
            "sla.breach",
            format!("【超时】{who} {clock} 已超时（时限 {when}）"),
        ),
        k if k == DueKind::Escalation.code() => (
            "order.joint_handling",
            format!("【联合处理】{who} 升级为联合处理（{when}，R-F4/R-F5）"),
        ),
        _ => (
            "order.update_due",
            format!("【进展通报】{who} 应通报处理进展（{when}，R-F6）"),
        ),
    };
    Notice { topic, subject }
}

/// The topic a person hears of orders assigned to it (issue 14): `order.assigned.<staff code>`,
/// so that a technician's webhook or e-mail subscribes to its own (`order.assigned.*` for all).
/// A topic travels in an HTTP header, so a code's bytes other than visible ASCII (a Chinese
/// 工号) and `%` are percent-encoded: `张-001` is `order.assigned.%E5%BC%A0-001`.
pub fn assigned_topic(staff_code: &str) -> String {
    let mut topic = String::from("order.assigned.");
    for b in staff_code.bytes() {
        if b.is_ascii_graphic() && b != b'%' {
            topic.push(char::from(b));
        } else {
            topic.push_str(&format!("%{b:02X}"));
        }
    }
    topic
}

/// `【指派】GD-… 金牌故障 <title> 指派给 张强（CT01-S001）`; `转派给` when the order was
/// transferred (转派) to the person.
pub fn order_assigned(
    code: &str,
    grade: Grade,
    kind: OrderKind,
    title: &str,
    staff_code: &str,
    staff_name: &str,
    event: EventType,
) -> String {
    let (tag, verb) = match event {
        EventType::Reassigned => ("转派", "转派给"),
        EventType::Dispatched => ("派单", "派单给"),
        _ => ("指派", "指派给"),
    };
    format!(
        "【{tag}】{code} {}{} {} {verb} {staff_name}（{staff_code}）",
        grade.zh(),
        kind.zh(),
        title.trim()
    )
}

/// `【退回】GD-… 金牌故障 <title> 已退回代维公司待派，不再指派给 张强（CT01-S001）`: the order was
/// handed back (退回, issue 14) to its company's queue by someone other than the person, who is
/// told on its own topic ([`assigned_topic`]) that it is no longer theirs.
pub fn order_handed_back(
    code: &str,
    grade: Grade,
    kind: OrderKind,
    title: &str,
    staff_code: &str,
    staff_name: &str,
) -> String {
    format!(
        "【退回】{code} {}{} {} 已退回代维公司待派，不再指派给 {staff_name}（{staff_code}）",
        grade.zh(),
        kind.zh(),
        title.trim()
    )
}

/// A room called into joint handling (R-F4, R-F5); its topic is `order.room_joined.<room>`.
pub fn room_joined(code: &str, grade: Grade, kind: OrderKind, room: Room) -> String {
    format!(
        "【联合处理】{code} {}{} 请{}参与联合处理（R-F4/R-F5）",
        grade.zh(),
        kind.zh(),
        room.zh()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::utc;

    const T: i64 = 1_764_050_400; // 2025-11-25T14:00:00+08:00

    #[test]
    fn each_timer_kind_has_its_topic_and_shows_its_instant_in_beijing_time() {
        let n = |kind: DueKind| {
            timer_fired(
                kind.code(),
                "restore",
                "GD-1",
                Grade::Gold,
                OrderKind::Fault,
                utc(T),
            )
        };
        let breach = n(DueKind::Breach);
        assert_eq!(breach.topic, "sla.breach");
        assert_eq!(
            breach.subject,
            "【超时】GD-1 金牌故障 restore 已超时（时限 11-25 14:00）"
        );
        assert_eq!(n(DueKind::Warning).topic, "sla.warning");
        assert!(n(DueKind::Warning)
            .subject
            .starts_with("【时限预警】GD-1 金牌故障 restore"));
        assert_eq!(n(DueKind::Escalation).topic, "order.joint_handling");
        assert!(n(DueKind::Escalation)
            .subject
            .contains("升级为联合处理（11-25 14:00"));
        assert_eq!(n(DueKind::Update).topic, "order.update_due");
        assert!(n(DueKind::Update).subject.contains("R-F6"));
    }

    #[test]
    fn an_assignment_is_told_to_the_person_on_its_own_topic() {
        assert_eq!(assigned_topic("CT01-S001"), "order.assigned.CT01-S001");
        assert_eq!(assigned_topic("张-1%"), "order.assigned.%E5%BC%A0-1%25");
        assert_eq!(
            order_assigned(
                "GD-1",
                Grade::Gold,
                OrderKind::Fault,
                " 光缆中断 ",
                "CT01-S001",
                "张强",
                EventType::Assigned
            ),
            "【指派】GD-1 金牌故障 光缆中断 指派给 张强（CT01-S001）"
        );
        assert!(order_assigned(
            "GD-1",
            Grade::Gold,
            OrderKind::Fault,
            "x",
            "S",
            "李",
            EventType::Reassigned
        )
        .starts_with("【转派】"));
        assert_eq!(
            order_handed_back(
                "GD-1",
                Grade::Gold,
                OrderKind::Fault,
                " 光缆中断 ",
                "CT01-S001",
                "张强"
            ),
            "【退回】GD-1 金牌故障 光缆中断 已退回代维公司待派，不再指派给 张强（CT01-S001）"
        );
    }

    #[test]
    fn order_subjects_name_the_order_in_chinese() {
        assert_eq!(
            order_created("GD-1", Grade::Gold, OrderKind::Fault, "  光缆中断 "),
            "【新工单】GD-1 金牌 故障 光缆中断"
        );
        assert_eq!(
            order_event("GD-1", EventType::Accepted),
            "【工单进展】GD-1 受理"
        );
        let joined = room_joined("GD-1", Grade::Silver, OrderKind::Fault, Room::Data);
        assert!(
            joined.starts_with("【联合处理】GD-1 银牌故障 请"),
            "{joined}"
        );
        assert!(joined.contains(Room::Data.zh()));
    }
}
