//! 指派 who may work an order and who may say so (issue 14). A contractor (代维公司) sends its
//! technicians (代维人员, the `staff` inventory, domain.md §1) on site; an order dispatched to a
//! contractor may name one of them as its assignee (at dispatch 派单, at reassignment 转派, or
//! later by an `assigned` event 指派), and an account may be the account of one of them.
//!
//! Pure: the store reads the facts (contractor codes, the account's role and staff link, the
//! order's current assignee) and writes what these functions allow.

use crate::derive::ContractorBasis;
use crate::vocab::{EventType, Vocabulary};
use crate::Role;

/// Why a person may not be assigned an order (a 422 naming the field).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AssigneeRefused {
    /// Seed 6.4.1: a fault on a line not finally accepted goes to the engineering department
    /// (its builder), which no contractor's staff works for.
    #[error(
        "cannot be given: the order's circuit is not finally accepted (未终验), so it goes to the engineering department through the project's builder, not to a contractor's staff (seed 6.4.1)"
    )]
    Engineering,
    /// The order has no contractor yet, so it has nobody's staff to name.
    #[error(
        "cannot be given: the order has no contractor yet; dispatch it to a contractor (contractor_code) and name one of that contractor's staff"
    )]
    NoContractor,
    /// The person works for another contractor.
    #[error("'{staff}' is not staff of the order's contractor {contractor}")]
    OtherContractor { staff: String, contractor: String },
}

/// Who may be assigned: a staff member (`staff`, of contractor `staff_contractor`) of the order's
/// contractor (`order_contractor`, after the event that names the person); never for an order
/// routed to the engineering department.
pub fn check_assignee(
    order_contractor: Option<&str>,
    basis: Option<ContractorBasis>,
    staff: &str,
    staff_contractor: &str,
) -> Result<(), AssigneeRefused> {
    if basis == Some(ContractorBasis::Engineering) {
        return Err(AssigneeRefused::Engineering);
    }
    match order_contractor {
        None => Err(AssigneeRefused::NoContractor),
        Some(c) if c != staff_contractor => Err(AssigneeRefused::OtherContractor {
            staff: staff.to_string(),
            contractor: c.to_string(),
        }),
        Some(_) => Ok(()),
    }
}

/// Whether an order can have an assignee at all: it has a contractor and is not the
/// engineering department's (used to offer `assigned` only where it can succeed).
pub fn assignable(order_contractor: Option<&str>, basis: Option<ContractorBasis>) -> bool {
    order_contractor.is_some() && basis != Some(ContractorBasis::Engineering)
}

/// Why an account may not (re)assign an order (a 403).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AssignerRefused {
    /// The role assigns nobody (customers, account managers, auditors).
    #[error("the role {0} does not assign orders")]
    Role(&'static str),
    /// A technician takes an unassigned order or hands on its own, nothing else.
    #[error(
        "the order is assigned to {current}; a technician (an account linked to staff {own}) takes unassigned orders or hands on its own, and its company's dispatcher reassigns the others"
    )]
    OthersOrder { current: String, own: String },
}

/// Who may name an assignee: the monitoring room, administrators and lead rooms on the orders
/// they see; a contractor's dispatcher (a contractor account without a staff link) on its
/// company's orders (the store's scope); a technician (a contractor account linked to staff
/// `own_staff`) only on an order that is unassigned or assigned to itself (`current`).
pub fn check_assigner(
    role: Role,
    own_staff: Option<&str>,
    current: Option<&str>,
) -> Result<(), AssignerRefused> {
    match role {
        Role::Admin | Role::Monitoring | Role::LeadRoom => Ok(()),
        Role::Contractor => match (own_staff, current) {
            (Some(own), Some(current)) if own != current => Err(AssignerRefused::OthersOrder {
                current: current.to_string(),
                own: own.to_string(),
            }),
            _ => Ok(()),
        },
        Role::AccountManager | Role::Customer | Role::Auditor => {
            Err(AssignerRefused::Role(role.code()))
        }
    }
}

/// The events that may name an assignee (`assignee_code`): 派单, 转派, 指派.
pub fn names_assignee(event: EventType) -> bool {
    matches!(
        event,
        EventType::Dispatched | EventType::Reassigned | EventType::Assigned
    )
}

/// The order's assignee after an event: the one it names; else, when the event moved the order
/// to another contractor, nobody (the person worked for the one before); else unchanged.
pub fn assignee_after<T: PartialEq + Copy>(
    contractor_before: Option<T>,
    contractor_after: Option<T>,
    current: Option<T>,
    named: Option<T>,
) -> Option<T> {
    match named {
        Some(n) => Some(n),
        None if contractor_before != contractor_after => None,
        None => current,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ContractorBasis as B;

    #[test]
    fn only_staff_of_the_orders_contractor_is_assigned() {
        assert_eq!(
            check_assignee(Some("CT01"), Some(B::FailedHop), "CT01-S001", "CT01"),
            Ok(())
        );
        assert_eq!(
            check_assignee(Some("CT01"), Some(B::Given), "CT02-S001", "CT02"),
            Err(AssigneeRefused::OtherContractor {
                staff: "CT02-S001".into(),
                contractor: "CT01".into()
            })
        );
        assert_eq!(
            check_assignee(None, None, "CT01-S001", "CT01"),
            Err(AssigneeRefused::NoContractor)
        );
        let refused = check_assignee(None, Some(B::Engineering), "CT01-S001", "CT01");
        assert_eq!(refused, Err(AssigneeRefused::Engineering));
        assert!(refused.unwrap_err().to_string().contains("seed 6.4.1"));
        // Even a contractor on an engineering order (which the store never writes) is no help.
        assert_eq!(
            check_assignee(Some("CT01"), Some(B::Engineering), "CT01-S001", "CT01"),
            Err(AssigneeRefused::Engineering)
        );
    }

    #[test]
    fn assignable_orders_have_a_contractor_and_are_not_engineerings() {
        assert!(assignable(Some("CT01"), Some(B::RegionContract)));
        assert!(assignable(Some("CT01"), None));
        assert!(!assignable(None, None));
        assert!(!assignable(None, Some(B::Engineering)));
    }

    #[test]
    fn a_technician_takes_unassigned_orders_and_hands_on_its_own_only() {
        for role in [Role::Admin, Role::Monitoring, Role::LeadRoom] {
            assert_eq!(check_assigner(role, None, Some("CT01-S002")), Ok(()));
        }
        // The company's dispatcher: a contractor account without a staff link.
        assert_eq!(
            check_assigner(Role::Contractor, None, Some("CT01-S002")),
            Ok(())
        );
        let tech = Some("CT01-S001");
        assert_eq!(check_assigner(Role::Contractor, tech, None), Ok(()));
        assert_eq!(check_assigner(Role::Contractor, tech, tech), Ok(()));
        let refused = check_assigner(Role::Contractor, tech, Some("CT01-S002")).unwrap_err();
        assert_eq!(
            refused,
            AssignerRefused::OthersOrder {
                current: "CT01-S002".into(),
                own: "CT01-S001".into()
            }
        );
        assert!(refused.to_string().contains("dispatcher"));
        for role in [Role::Customer, Role::AccountManager, Role::Auditor] {
            assert!(matches!(
                check_assigner(role, None, None),
                Err(AssignerRefused::Role(_))
            ));
        }
    }

    #[test]
    fn moving_to_another_contractor_drops_its_person_unless_one_is_named() {
        let s1 = Some("CT01-S001");
        assert_eq!(assignee_after(Some("CT01"), Some("CT01"), s1, None), s1);
        assert_eq!(assignee_after(Some("CT01"), Some("CT02"), s1, None), None);
        assert_eq!(
            assignee_after(Some("CT01"), Some("CT02"), s1, Some("CT02-S009")),
            Some("CT02-S009")
        );
        assert_eq!(assignee_after(None, Some("CT01"), None, s1), s1);
    }

    #[test]
    fn dispatch_transfer_and_assignment_name_a_person() {
        let naming: Vec<EventType> = EventType::ALL
            .iter()
            .copied()
            .filter(|e| names_assignee(*e))
            .collect();
        assert_eq!(
            naming,
            [
                EventType::Dispatched,
                EventType::Reassigned,
                EventType::Assigned
            ]
        );
        assert_eq!(EventType::Assigned.zh(), "指派");
    }
}
