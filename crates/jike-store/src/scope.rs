//! Which rows a caller sees (domain.md §10, issue 4): the one place where a role's scope
//! becomes SQL. Every list, read, update, delete, export and report of the store goes through
//! [`visible`], so no path can return another scope's rows; a row out of scope is reported as
//! not found, never as forbidden, so that its existence does not leak.

use jike_domain::{Role, Room, Vocabulary};
use serde::Serialize;

use crate::db::Val;

/// What a caller may see, derived from its account when it authenticates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Scope {
    /// Administrators, the monitoring room and auditors: every row.
    All,
    /// 主责室 a lead room: the orders it leads; the inventory, to work them.
    Room { room: Room },
    /// 代维 a contractor's staff: its company's orders, elements, staff, instruments and
    /// vehicles, the sites of its regions, the circuits whose path it maintains, and the
    /// customers of its open orders.
    Contractor {
        contractor_id: i64,
        /// The region ids it works in, sub-regions included.
        regions: Vec<i64>,
    },
    /// 客户经理 an account manager: the customers whose account manager it is, their lines and
    /// orders; the inventory's sites and elements.
    Manager { name: String },
    /// 客户 a portal user: its own customer record, lines and orders, nothing else.
    Customer { customer_id: i64 },
}

impl Scope {
    /// The scope a role has; `None` when the account lacks what the role needs.
    pub fn of(
        role: Role,
        room: Option<Room>,
        contractor_id: Option<i64>,
        regions: Vec<i64>,
        manager: Option<&str>,
        customer_id: Option<i64>,
    ) -> Option<Scope> {
        Some(match role {
            Role::Admin | Role::Monitoring | Role::Auditor => Scope::All,
            Role::LeadRoom => Scope::Room { room: room? },
            Role::Contractor => Scope::Contractor {
                contractor_id: contractor_id?,
                regions,
            },
            Role::AccountManager => Scope::Manager {
                name: manager?.to_string(),
            },
            Role::Customer => Scope::Customer {
                customer_id: customer_id?,
            },
        })
    }
}

/// Who asks the store: the rows it may see, and what the audit log records of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    /// The user's name; `cli` or `system` for the command line and the service itself.
    pub user: String,
    /// The role's code, or `system`.
    pub role: String,
    /// The client's address, or `local`.
    pub source: String,
    pub scope: Scope,
}

impl Caller {
    /// The command line or the service itself: every row, audited under `user`.
    pub fn system(user: &str) -> Caller {
        Caller {
            user: user.to_string(),
            role: "system".into(),
            source: "local".into(),
            scope: Scope::All,
        }
    }
}

/// The rows of a table a scope lets through.
#[derive(Debug, Clone, PartialEq)]
pub enum Visible {
    All,
    None,
    /// A condition on the table aliased `t`; each `?` takes the next value.
    Where(String, Vec<Val>),
}

fn cond(sql: &str, vals: Vec<Val>) -> Visible {
    Visible::Where(sql.to_string(), vals)
}

/// `t.column IN (?, ?, …)` over ids; nothing when there are none.
fn among(column: &str, ids: &[i64]) -> Visible {
    if ids.is_empty() {
        return Visible::None;
    }
    let marks = vec!["?"; ids.len()].join(", ");
    Visible::Where(
        format!("t.{column} IN ({marks})"),
        ids.iter().map(|i| Val::int(*i)).collect(),
    )
}

/// States in which an order is still open for a contractor's purposes (its customers'
/// contacts are shown to it only then).
const OPEN_ORDER: &str = "state NOT IN ('closed', 'replied')";

/// The rule of each table, as a matrix: table × scope. A table not named here is visible to
/// the unrestricted scope only (fail closed).
pub fn visible(table: &str, scope: &Scope) -> Visible {
    use Scope as S;
    let customers_of_manager =
        "t.customer_id IN (SELECT id FROM customers WHERE account_manager = ?)";
    match (table, scope) {
        (_, S::All) => Visible::All,

        // Regions are the shared map: every operator role; a portal customer needs none.
        ("regions", S::Customer { .. }) => Visible::None,
        ("regions", _) => Visible::All,

        ("sites", S::Room { .. } | S::Manager { .. }) => Visible::All,
        ("sites", S::Contractor { regions, .. }) => among("region_id", regions),
        ("sites", S::Customer { .. }) => Visible::None,

        ("elements", S::Room { .. } | S::Manager { .. }) => Visible::All,
        ("elements", S::Contractor { contractor_id, .. }) => {
            cond("t.contractor_id = ?", vec![Val::int(*contractor_id)])
        }
        ("elements", S::Customer { .. }) => Visible::None,

        ("customers", S::Room { .. }) => Visible::All,
        ("customers", S::Contractor { contractor_id, .. }) => cond(
            &format!(
                "t.id IN (SELECT customer_id FROM orders WHERE contractor_id = ? AND {OPEN_ORDER})"
            ),
            vec![Val::int(*contractor_id)],
        ),
        ("customers", S::Manager { name }) => cond("t.account_manager = ?", vec![Val::text(name)]),
        ("customers", S::Customer { customer_id }) => {
            cond("t.id = ?", vec![Val::int(*customer_id)])
        }

        ("circuits", S::Room { .. }) => Visible::All,
        ("circuits", S::Contractor { contractor_id, .. }) => cond(
            "t.id IN (SELECT circuit_id FROM circuit_hops WHERE contractor_id = ?)",
            vec![Val::int(*contractor_id)],
        ),
        ("circuits", S::Manager { name }) => cond(customers_of_manager, vec![Val::text(name)]),
        ("circuits", S::Customer { customer_id }) => {
            cond("t.customer_id = ?", vec![Val::int(*customer_id)])
        }

        ("contractors", S::Room { .. } | S::Manager { .. }) => Visible::All,
        ("contractors", S::Contractor { contractor_id, .. }) => {
            cond("t.id = ?", vec![Val::int(*contractor_id)])
        }
        ("contractors", S::Customer { .. }) => Visible::None,

        ("staff" | "instruments" | "vehicles", S::Room { .. }) => Visible::All,
        ("staff" | "instruments" | "vehicles", S::Contractor { contractor_id, .. }) => {
            cond("t.contractor_id = ?", vec![Val::int(*contractor_id)])
        }
        ("staff" | "instruments" | "vehicles", S::Manager { .. } | S::Customer { .. }) => {
            Visible::None
        }

        // R-F2, R-F4, R-F5: the rooms that work an order (`jike_domain::participants::rooms`,
        // in SQL): its lead room; for a fault or a complaint the support room, and the
        // specialist rooms when the customer is important or the order went to joint handling.
        ("orders", S::Room { room }) => {
            let important: Vec<&str> = jike_domain::Grade::ALL
                .iter()
                .filter(|g| g.is_important())
                .map(|g| g.code())
                .collect();
            let marks = vec!["?"; important.len()].join(", ");
            let specialist = jike_domain::participants::SPECIALIST_ROOMS.contains(room);
            let sql = if *room == Room::ServiceSupport {
                "(t.lead_room = ? OR t.kind IN ('fault', 'complaint'))".to_string()
            } else if specialist {
                format!(
                    "(t.lead_room = ? OR (t.kind IN ('fault', 'complaint') AND \
                     (t.joint_handling_at IS NOT NULL OR t.grade IN ({marks}))))"
                )
            } else {
                "t.lead_room = ?".to_string()
            };
            let mut vals = vec![Val::text(room.code())];
            if specialist && *room != Room::ServiceSupport {
                vals.extend(important.iter().map(|g| Val::text(*g)));
            }
            Visible::Where(sql, vals)
        }
        ("orders", S::Contractor { contractor_id, .. }) => {
            cond("t.contractor_id = ?", vec![Val::int(*contractor_id)])
        }
        ("orders", S::Manager { name }) => cond(customers_of_manager, vec![Val::text(name)]),
        ("orders", S::Customer { customer_id }) => {
            cond("t.customer_id = ?", vec![Val::int(*customer_id)])
        }

        _ => Visible::None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_tables_are_closed_to_every_restricted_scope() {
        let scope = Scope::Room {
            room: Room::Transport,
        };
        assert_eq!(visible("users", &scope), Visible::None);
        assert_eq!(visible("users", &Scope::All), Visible::All);
    }

    #[test]
    fn a_contractor_without_regions_sees_no_sites() {
        let scope = Scope::Contractor {
            contractor_id: 3,
            regions: vec![],
        };
        assert_eq!(visible("sites", &scope), Visible::None);
        let scope = Scope::Contractor {
            contractor_id: 3,
            regions: vec![4, 5],
        };
        assert_eq!(
            visible("sites", &scope),
            Visible::Where(
                "t.region_id IN (?, ?)".into(),
                vec![Val::int(4), Val::int(5)]
            )
        );
    }

    #[test]
    fn a_role_without_its_anchor_has_no_scope() {
        assert_eq!(
            Scope::of(Role::Contractor, None, None, vec![], None, None),
            None
        );
        assert_eq!(
            Scope::of(Role::Customer, None, None, vec![], None, Some(7)),
            Some(Scope::Customer { customer_id: 7 })
        );
    }
}
