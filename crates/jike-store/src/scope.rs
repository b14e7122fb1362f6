//! Which rows a caller sees (domain.md §10, issue 4): the one place where a role's scope
//! becomes SQL. Every list, read, update, delete, export and report of the store goes through
//! [`visible`], so no path can return another scope's rows; a row out of scope is reported as
//! not found, never as forbidden, so that its existence does not leak.

use jike_domain::{Audience, Kind, Role, Room, Vocabulary};
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

/// The rule of each table, as a matrix: table × scope. The inventory's tables follow their
/// kind's audience (`jike_domain::kinds`, [`inventory`]); the others are named here. A table not
/// named here is visible to the unrestricted scope only (fail closed).
pub fn visible(table: &str, scope: &Scope) -> Visible {
    use Scope as S;
    let customers_of_manager =
        "t.customer_id IN (SELECT id FROM customers WHERE account_manager = ?)";
    if let S::All = scope {
        return Visible::All;
    }
    if let Some(kind) = Kind::of_table(table) {
        return inventory(kind, scope);
    }
    match (table, scope) {
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

/// The rows of an inventory kind a scope lets through: who reads the kind at all is its
/// audience's (the roles of `Audience::readers`, which the server's routes allow); what part of
/// it a contractor, an account manager or a customer sees is the kind's own.
fn inventory(kind: Kind, scope: &Scope) -> Visible {
    use Audience as A;
    use Scope as S;
    match (kind.audience(), scope) {
        (_, S::All) => Visible::All,

        // Regions are the shared map: every operator role; a portal customer needs none.
        (A::Map, S::Customer { .. }) => Visible::None,
        (A::Map, _) => Visible::All,

        (A::Network | A::Company, S::Room { .. }) => Visible::All,
        (A::Network, S::Manager { .. }) => Visible::All,
        (A::Network | A::Company, S::Customer { .. }) | (A::Company, S::Manager { .. }) => {
            Visible::None
        }
        (A::Network | A::Company, S::Contractor { .. }) => contractors_part(kind, scope),

        (A::Customers, S::Room { .. }) => Visible::All,
        (A::Customers, _) => customers_part(kind, scope),
    }
}

/// What a contractor sees of the network and of the companies: the sites of its regions,
/// itself, and of the rest what is its own (`t.contractor_id`).
fn contractors_part(kind: Kind, scope: &Scope) -> Visible {
    let Scope::Contractor {
        contractor_id,
        regions,
    } = scope
    else {
        return Visible::None;
    };
    match kind {
        Kind::Sites => among("region_id", regions),
        Kind::Contractors => cond("t.id = ?", vec![Val::int(*contractor_id)]),
        // Elements, staff, instruments, vehicles and every kind a contractor owns.
        _ => cond("t.contractor_id = ?", vec![Val::int(*contractor_id)]),
    }
}

/// What each scope sees of the customers and their lines: a contractor the customers of its
/// open orders and the circuits whose path it maintains, an account manager its customers and
/// their lines, a portal customer itself and its lines.
fn customers_part(kind: Kind, scope: &Scope) -> Visible {
    use Scope as S;
    match (kind, scope) {
        (Kind::Customers, S::Contractor { contractor_id, .. }) => cond(
            &format!(
                "t.id IN (SELECT customer_id FROM orders WHERE contractor_id = ? AND {OPEN_ORDER})"
            ),
            vec![Val::int(*contractor_id)],
        ),
        (Kind::Customers, S::Manager { name }) => {
            cond("t.account_manager = ?", vec![Val::text(name)])
        }
        (Kind::Customers, S::Customer { customer_id }) => {
            cond("t.id = ?", vec![Val::int(*customer_id)])
        }
        (Kind::Circuits, S::Contractor { contractor_id, .. }) => cond(
            "t.id IN (SELECT circuit_id FROM circuit_hops WHERE contractor_id = ?)",
            vec![Val::int(*contractor_id)],
        ),
        (Kind::Circuits, S::Manager { name }) => cond(
            "t.customer_id IN (SELECT id FROM customers WHERE account_manager = ?)",
            vec![Val::text(name)],
        ),
        // Every other line of a customer: its `customer_id`.
        (_, S::Customer { customer_id }) => cond("t.customer_id = ?", vec![Val::int(*customer_id)]),
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

    /// Who may read a kind (its audience's readers, which the server's routes allow) is who
    /// sees any of its rows: a role outside the readers sees none, every reader some.
    #[test]
    fn every_reader_of_a_kind_and_only_a_reader_sees_its_rows() {
        for kind in Kind::ALL {
            for role in Role::ALL.iter().copied() {
                let scope = Scope::of(
                    role,
                    Some(Room::Transport),
                    Some(3),
                    vec![4],
                    Some("王经理"),
                    Some(7),
                )
                .unwrap();
                let sees = visible(kind.table(), &scope) != Visible::None;
                assert_eq!(sees, kind.readers().contains(&role), "{kind} × {role}");
            }
        }
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
