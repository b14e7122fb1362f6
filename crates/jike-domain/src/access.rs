//! Who may do what (domain.md §10): the roles of jike's users and the rules that do not depend
//! on the database. Which rows a role sees is decided in the store (`jike-store`, `scope.rs`);
//! which endpoint a role may call, in the server's route table (`jike-server`, `access.rs`).

use crate::vocab::{EventType, Vocabulary};

vocabulary! {
    /// 角色 the role of a user account.
    pub enum Role ("role") {
        /// 管理员 administers users, policies, calendars and the inventory.
        Admin = "admin" ["管理员"],
        /// 监控室 the monitoring room: every order, dispatching, progress updates.
        Monitoring = "monitoring" ["监控室"],
        /// 主责室 a lead room (R-F2): the orders of its room.
        LeadRoom = "lead_room" ["主责室", "专业室"],
        /// 代维 a contractor's staff: the orders, sites and elements of its company and regions.
        Contractor = "contractor" ["代维", "代维人员"],
        /// 客户经理 an account manager: its customers, their lines, orders and reports.
        AccountManager = "account_manager" ["客户经理"],
        /// 客户 a customer in the portal: its own lines and orders; confirms restoration.
        Customer = "customer" ["客户"],
        /// 审计 read-only access to everything, the audit log included.
        Auditor = "auditor" ["审计"],
    }
}

impl Role {
    /// Whether the role may record events of this type on an order it can see. The monitoring
    /// room and administrators drive the whole lifecycle; a lead room and a contractor work
    /// the order (not dispatching or archiving it); a customer and its account manager only
    /// confirm that the service is back (R-F10); an auditor writes nothing.
    pub fn may_record(self, event: EventType) -> bool {
        use EventType as E;
        match self {
            Role::Admin | Role::Monitoring => true,
            Role::LeadRoom => !matches!(event, E::Dispatched | E::Closed | E::Occurred),
            Role::Contractor => matches!(
                event,
                E::Accepted
                    | E::CustomerContacted
                    | E::EnRoute
                    | E::OnSite
                    | E::Suspended
                    | E::Resumed
                    | E::Restored
                    | E::Observing
                    | E::Replied
                    | E::Rejected
                    | E::Passed
                    | E::DocumentsDelivered
                    | E::Completed
                    // 指派 within its company; a technician only as `assignment::check_assigner`
                    // allows.
                    | E::Assigned
            ),
            Role::AccountManager | Role::Customer => matches!(event, E::Confirmed),
            Role::Auditor => false,
        }
    }

    /// The event types the role may record, for messages.
    pub fn recordable(self) -> Vec<EventType> {
        EventType::ALL
            .iter()
            .copied()
            .filter(|e| self.may_record(*e))
            .collect()
    }

    /// Whether the role reads customer contacts unmasked when it asks to (`reveal=true`); every
    /// such read is audited. A contractor sees the contacts of the customers of its open orders
    /// (the rows its scope lets through), a customer its own.
    pub fn may_reveal(self) -> bool {
        !matches!(self, Role::Auditor | Role::LeadRoom)
    }

    /// Whether the role only reads.
    pub fn read_only(self) -> bool {
        matches!(self, Role::Auditor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_parse_by_code_and_chinese_name() {
        assert_eq!(Role::parse("contractor").unwrap(), Role::Contractor);
        assert_eq!(Role::parse("客户经理").unwrap(), Role::AccountManager);
        assert!(Role::parse("root").is_err());
    }

    #[test]
    fn only_the_dispatcher_dispatches_and_customers_only_confirm() {
        assert!(Role::Monitoring.may_record(EventType::Dispatched));
        assert!(!Role::Contractor.may_record(EventType::Dispatched));
        assert!(!Role::LeadRoom.may_record(EventType::Closed));
        assert!(Role::Contractor.may_record(EventType::OnSite));
        assert_eq!(Role::Customer.recordable(), vec![EventType::Confirmed]);
        assert_eq!(
            Role::AccountManager.recordable(),
            vec![EventType::Confirmed]
        );
        assert!(Role::Auditor.recordable().is_empty());
    }
}
