//! 指派 who may work an order and who may say so (issue 14). A contractor (代维公司) sends its
//! technicians (代维人员, the `staff` inventory, domain.md §1) on site; an order dispatched to a
//! contractor may name one of them as its assignee (at dispatch 派单, at reassignment 转派, or
//! later by an `assigned` event 指派), and an account may be the account of one of them. An
//! `assigned` event naming nobody (`assignee_code: ""`) hands the order back (退回) to its
//! company's queue (`check_hand_back`); a person tied to its company (a linked account, open
//! orders) does not move to another (`check_staff_move`).
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

/// Whether `role` (an account linked to staff `own_staff`, if any) may assign (指派) an order
/// assigned to `current`: [`check_assigner`] allows it. The order's detail offers `assigned` only
/// to such a caller (issue 14), so that the console shows no 指派 it would refuse with a 403.
pub fn may_assign(role: Role, own_staff: Option<&str>, current: Option<&str>) -> bool {
    check_assigner(role, own_staff, current).is_ok()
}

/// Why an order may not be handed back to its company's queue.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HandBackRefused {
    /// Nobody is assigned (a 422 naming `assignee_code`).
    #[error(
        "the order is assigned to nobody, so there is nothing to hand back; name a staff member (工号) of its contractor to assign it"
    )]
    Nobody,
    /// The caller may not assign this order (a 403).
    #[error(transparent)]
    Assigner(#[from] AssignerRefused),
}

/// 退回 handing an order back to its company's queue (an `assigned` event naming nobody,
/// `assignee_code: ""`): there must be someone to hand back from, and the caller must be one
/// who may assign the order ([`check_assigner`]): the contractor's dispatcher, the monitoring
/// room, administrators and lead rooms, or the technician assigned handing back its own order;
/// a colleague's is not its to hand back.
pub fn check_hand_back(
    role: Role,
    own_staff: Option<&str>,
    current: Option<&str>,
) -> Result<(), HandBackRefused> {
    if current.is_none() {
        return Err(HandBackRefused::Nobody);
    }
    Ok(check_assigner(role, own_staff, current)?)
}

/// Whether the caller may hand the order back ([`check_hand_back`] allows it): whoever may
/// assign it, when someone is assigned.
pub fn may_hand_back(role: Role, own_staff: Option<&str>, current: Option<&str>) -> bool {
    check_hand_back(role, own_staff, current).is_ok()
}

/// Why a staff member may not move to another contractor (a 422 naming `contractor_code`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffMoveRefused {
    pub staff: String,
    pub from: String,
    pub to: String,
    /// The accounts linked to the person (technicians of `from`).
    pub accounts: Vec<String>,
    /// The codes of the open orders assigned to the person (orders of `from`).
    pub open_orders: Vec<String>,
}

/// How many order codes a refusal names before it says how many more there are.
const ORDERS_NAMED: usize = 5;

impl std::fmt::Display for StaffMoveRefused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "'{}' cannot move from contractor {} to {} while it works for {}:",
            self.staff, self.from, self.to, self.from
        )?;
        let mut ties = Vec::new();
        if !self.accounts.is_empty() {
            let names: Vec<String> = self.accounts.iter().map(|a| format!("'{a}'")).collect();
            ties.push(format!(
                "the account {} of {} is linked to it (unlink it first: staff_code empty)",
                names.join(", "),
                self.from
            ));
        }
        if !self.open_orders.is_empty() {
            let mut named = self.open_orders[..self.open_orders.len().min(ORDERS_NAMED)].join(", ");
            if self.open_orders.len() > ORDERS_NAMED {
                named.push_str(&format!(
                    " and {} more",
                    self.open_orders.len() - ORDERS_NAMED
                ));
            }
            ties.push(format!(
                "the open orders {named} of {} are assigned to it (hand them back or assign them to another of its staff first)",
                self.from
            ));
        }
        write!(f, " {}", ties.join("; "))
    }
}

impl std::error::Error for StaffMoveRefused {}

/// 代维人员 moving to another contractor (its `contractor_code` changed by an update or an
/// import): refused while the person is still tied to the one it works for, by an account
/// linked to it (a technician's account belongs to its company, and a link across companies
/// would let contractor A's account work as contractor B's person) or by open orders assigned
/// to it (orders of its old company worked by another company's person). Closed orders keep
/// the person they were assigned to as history and do not hold it back.
pub fn check_staff_move(
    staff: &str,
    from: &str,
    to: &str,
    accounts: &[String],
    open_orders: &[String],
) -> Result<(), StaffMoveRefused> {
    if from == to || (accounts.is_empty() && open_orders.is_empty()) {
        return Ok(());
    }
    Err(StaffMoveRefused {
        staff: staff.to_string(),
        from: from.to_string(),
        to: to.to_string(),
        accounts: accounts.to_vec(),
        open_orders: open_orders.to_vec(),
    })
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
    fn assign_is_offered_to_whom_check_assigner_allows() {
        let (tech, other) = (Some("CT01-S001"), Some("CT01-S002"));
        assert!(may_assign(Role::Contractor, tech, None));
        assert!(may_assign(Role::Contractor, tech, tech));
        assert!(!may_assign(Role::Contractor, tech, other));
        assert!(may_assign(Role::Contractor, None, other));
        assert!(may_assign(Role::LeadRoom, None, other));
        assert!(!may_assign(Role::Customer, None, None));
        assert!(!may_assign(Role::Auditor, None, other));
    }

    #[test]
    fn the_assigned_technician_or_its_dispatcher_hands_an_order_back() {
        let (tech, other) = (Some("CT01-S001"), Some("CT01-S002"));
        // Nobody to hand back from, whoever asks.
        for (role, own) in [(Role::Contractor, tech), (Role::Monitoring, None)] {
            assert_eq!(
                check_hand_back(role, own, None),
                Err(HandBackRefused::Nobody)
            );
            assert!(!may_hand_back(role, own, None));
        }
        assert!(HandBackRefused::Nobody
            .to_string()
            .contains("nothing to hand back"));
        // Its own: yes; a colleague's: refused as check_assigner refuses it, to the dispatcher.
        assert_eq!(check_hand_back(Role::Contractor, tech, tech), Ok(()));
        let refused = check_hand_back(Role::Contractor, tech, other).unwrap_err();
        assert!(matches!(
            refused,
            HandBackRefused::Assigner(AssignerRefused::OthersOrder { .. })
        ));
        assert!(refused.to_string().contains("dispatcher"), "{refused}");
        assert!(may_hand_back(Role::Contractor, tech, tech));
        assert!(!may_hand_back(Role::Contractor, tech, other));
        // The company's dispatcher and the operator's rooms: anyone's.
        for role in [
            Role::Contractor,
            Role::Monitoring,
            Role::Admin,
            Role::LeadRoom,
        ] {
            assert!(may_hand_back(role, None, other), "{role:?}");
        }
        assert!(matches!(
            check_hand_back(Role::Customer, None, other),
            Err(HandBackRefused::Assigner(AssignerRefused::Role(_)))
        ));
    }

    #[test]
    fn staff_tied_to_its_company_does_not_move_to_another() {
        let none: [String; 0] = [];
        assert_eq!(check_staff_move("S1", "CT01", "CT02", &none, &none), Ok(()));
        let linked = ["zhang".to_string()];
        assert_eq!(
            check_staff_move("S1", "CT01", "CT01", &linked, &none),
            Ok(())
        );
        let refused = check_staff_move("S1", "CT01", "CT02", &linked, &none).unwrap_err();
        let text = refused.to_string();
        assert!(text.contains("'zhang' of CT01 is linked"), "{text}");
        assert!(text.contains("from contractor CT01 to CT02"), "{text}");
        assert!(!text.contains("orders"), "{text}");
        let orders: Vec<String> = (1..=7).map(|i| format!("GD-{i}")).collect();
        let text = check_staff_move("S1", "CT01", "CT02", &none, &orders)
            .unwrap_err()
            .to_string();
        assert!(
            text.contains("GD-1, GD-2, GD-3, GD-4, GD-5 and 2 more"),
            "{text}"
        );
        assert!(!text.contains("GD-6"), "{text}");
        let both = check_staff_move("S1", "CT01", "CT02", &linked, &orders[..1]).unwrap_err();
        assert_eq!((both.accounts.len(), both.open_orders.len()), (1, 1));
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
