//! 参与处理的室 the rooms that work an order besides the monitoring room (which sees every order):
//! R-F2 "the lead room leads; the other rooms, the support room and contractors stand by";
//! R-F4 for an important customer "the specialist rooms check their NMS, the support room
//! contacts the customer" from the start; R-F5 for the others, the support room is notified at
//! once and the other rooms join when the emergency process (joint handling) starts. Each room
//! records the events of its part ([`may_record`]); the lead room records any.
//!
//! The store's scope condition for a room (`jike-store/src/scope.rs`) is the SQL form of
//! [`rooms`]; `crates/jike/tests/it/access.rs` (`every_room_that_works_a_fault_…`) checks them
//! against each other through the API.

use crate::vocab::{EventType, Grade, OrderKind, Room, Vocabulary};

/// The specialist rooms (专业室) that stand by for an important customer's fault and join
/// every fault's joint handling.
pub const SPECIALIST_ROOMS: [Room; 4] = [Room::Transport, Room::Data, Room::Core, Room::Power];

/// The rooms that work an order: its lead room; for a fault or a complaint also the service
/// support room, and the specialist rooms when the customer is important or the order went to
/// joint handling. In [`Room`]'s order, without the monitoring room.
pub fn rooms(kind: OrderKind, grade: Grade, lead: Option<Room>, joint_handling: bool) -> Vec<Room> {
    let mut rooms: Vec<Room> = lead.into_iter().collect();
    if matches!(kind, OrderKind::Fault | OrderKind::Complaint) {
        rooms.push(Room::ServiceSupport);
        if grade.is_important() || joint_handling {
            rooms.extend(SPECIALIST_ROOMS);
        }
    }
    Room::ALL
        .iter()
        .copied()
        .filter(|r| *r != Room::Monitoring && rooms.contains(r))
        .collect()
}

/// The rooms that join an order when it goes to joint handling (R-F4, R-F5: "the monitoring
/// room notifies the other rooms and the support room"): those [`rooms`] names with joint
/// handling and not without, in [`Room`]'s order. Empty when they worked it from the start (an
/// important customer's fault) or when the order's kind has no joint handling.
pub fn joining(kind: OrderKind, grade: Grade, lead: Option<Room>) -> Vec<Room> {
    let before = rooms(kind, grade, lead, false);
    rooms(kind, grade, lead, true)
        .into_iter()
        .filter(|r| !before.contains(r))
        .collect()
}

/// What a room that does not lead an order may record on it: the support room contacts the
/// customer and goes on site (R-F7: as site lead for diamond and gold), a specialist room goes on
/// site (R-F4: every room on site within 2 hours). The lead room records any event its role may.
pub fn may_record(room: Room, lead: Option<Room>, event: EventType) -> bool {
    if lead == Some(room) {
        return true;
    }
    match room {
        Room::ServiceSupport => matches!(
            event,
            EventType::CustomerContacted | EventType::EnRoute | EventType::OnSite
        ),
        Room::Monitoring => true,
        _ => matches!(event, EventType::EnRoute | EventType::OnSite),
    }
}

/// The events [`may_record`] allows a room on an order, for error messages.
pub fn recordable(room: Room, lead: Option<Room>) -> Vec<EventType> {
    EventType::ALL
        .iter()
        .copied()
        .filter(|e| may_record(room, lead, *e))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_support_room_works_every_fault_and_the_specialists_important_ones_and_joint_handling() {
        use Room::*;
        let fault = |grade, lead, joint| rooms(OrderKind::Fault, grade, lead, joint);
        assert_eq!(
            fault(Grade::Silver, Some(Transport), false),
            [Transport, ServiceSupport]
        );
        assert_eq!(
            fault(Grade::Silver, Some(ServiceSupport), false),
            [ServiceSupport]
        );
        assert_eq!(
            fault(Grade::Gold, Some(ServiceSupport), false),
            [Transport, ServiceSupport, Data, Core, Power]
        );
        assert_eq!(
            fault(Grade::Standard, Some(Transport), true),
            [Transport, ServiceSupport, Data, Core, Power]
        );
        assert_eq!(
            rooms(OrderKind::Complaint, Grade::Bronze, None, false),
            [ServiceSupport]
        );
        assert_eq!(
            rooms(OrderKind::Inspection, Grade::Diamond, Some(Data), true),
            [Data]
        );
    }

    /// R-F5: an ordinary customer's fault gains the specialist rooms but the lead; an important
    /// customer's had them from the start (R-F4), so nobody joins.
    #[test]
    fn joint_handling_adds_the_specialist_rooms_that_were_not_there() {
        use Room::*;
        assert_eq!(
            joining(OrderKind::Fault, Grade::Silver, Some(Transport)),
            [Data, Core, Power]
        );
        assert_eq!(
            joining(OrderKind::Complaint, Grade::Standard, Some(ServiceSupport)),
            [Transport, Data, Core, Power]
        );
        assert!(joining(OrderKind::Fault, Grade::Gold, Some(Transport)).is_empty());
        assert!(joining(OrderKind::Inspection, Grade::Bronze, Some(Data)).is_empty());
        // Whoever joins was not there before and is there after.
        for grade in Grade::ALL {
            for lead in Room::ALL.iter().copied().map(Some).chain([None]) {
                let before = rooms(OrderKind::Fault, *grade, lead, false);
                let after = rooms(OrderKind::Fault, *grade, lead, true);
                for r in joining(OrderKind::Fault, *grade, lead) {
                    assert!(!before.contains(&r) && after.contains(&r));
                }
                assert_eq!(
                    before.len() + joining(OrderKind::Fault, *grade, lead).len(),
                    after.len()
                );
            }
        }
    }

    #[test]
    fn a_room_that_does_not_lead_records_its_part() {
        use EventType::*;
        let lead = Some(Room::Transport);
        assert!(may_record(Room::Transport, lead, Accepted));
        assert!(may_record(Room::ServiceSupport, lead, CustomerContacted));
        assert!(may_record(Room::ServiceSupport, lead, OnSite));
        assert!(!may_record(Room::ServiceSupport, lead, Accepted));
        assert!(!may_record(Room::ServiceSupport, lead, Restored));
        assert!(may_record(Room::Data, lead, OnSite));
        assert!(!may_record(Room::Data, lead, CustomerContacted));
        assert_eq!(
            recordable(Room::ServiceSupport, lead),
            [CustomerContacted, EnRoute, OnSite]
        );
    }
}
