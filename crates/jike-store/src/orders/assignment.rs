//! 指派 the person of the contractor who works an order (issue 14): resolving the `assignee_code`
//! a dispatched, reassigned or assigned event names, asking the domain whether that person may
//! be assigned (`jike_domain::assignment::check_assignee`) and whether the caller may assign
//! (`check_assigner`), writing the order's assignee and telling the person
//! (`order.assigned.<staff code>`). An `assigned` event naming nobody hands the order back
//! (退回, `check_hand_back`), and the person is told when someone else did it. The order's detail
//! offers `assigned` only to a caller who may assign it (`may_assign`, [`Store::offer_to`]).
//! The decisions are the domain's; this reads the facts.

use chrono::{DateTime, Utc};
use jike_domain::assignment::{
    self, check_assignee, check_assigner, check_hand_back, HandBackRefused,
};
use jike_domain::derive::ContractorBasis;
use jike_domain::{notices, EventCreate, EventType, Grade, OrderKind, Role, Vocabulary};

use crate::db::{Conn, Val};
use crate::error::StoreError;
use crate::scope::Caller;
use crate::Store;

/// A staff member named by an event.
#[derive(Debug, Clone)]
pub(super) struct Person {
    pub id: i64,
    pub code: String,
    pub name: String,
}

/// What an event does to the order's assignee.
#[derive(Debug, Clone)]
pub(super) struct AssigneeChange {
    /// The order's assignee before the event, and after it.
    pub before: Option<i64>,
    pub after: Option<i64>,
    /// The person the event named, if it named one.
    pub named: Option<Person>,
    /// 退回: the person the order was handed back from, to be told; `None` when it handed the
    /// order back itself (it knows) or nothing was handed back.
    pub released: Option<Person>,
}

impl AssigneeChange {
    /// The staff id an event row keeps: whom the event named.
    pub fn event_assignee(&self) -> Option<i64> {
        self.named.as_ref().map(|p| p.id)
    }
}

async fn contractor_code(
    conn: &mut Conn<'_>,
    id: Option<i64>,
) -> Result<Option<String>, StoreError> {
    let Some(id) = id else { return Ok(None) };
    let row: Option<(String,)> = conn
        .fetch_optional(
            "SELECT code FROM contractors WHERE id = $1",
            &[Val::int(id)],
        )
        .await?;
    Ok(row.map(|(c,)| c))
}

async fn person(conn: &mut Conn<'_>, id: Option<i64>) -> Result<Option<Person>, StoreError> {
    let Some(id) = id else { return Ok(None) };
    let row: Option<(String, String)> = conn
        .fetch_optional(
            "SELECT code, name FROM staff WHERE id = $1",
            &[Val::int(id)],
        )
        .await?;
    Ok(row.map(|(code, name)| Person { id, code, name }))
}

/// The caller's role for the assignment rules, and the staff code its account is linked to
/// (a technician) when it is a contractor's.
async fn assigner(
    conn: &mut Conn<'_>,
    caller: &Caller,
) -> Result<(Role, Option<String>), StoreError> {
    // The service itself and the command line act as the monitoring room.
    let role = Role::parse(&caller.role).unwrap_or(Role::Monitoring);
    let own = if role == Role::Contractor {
        own_staff(conn, &caller.user).await?
    } else {
        None
    };
    Ok((role, own))
}

/// The staff code of the account `user`, when it is linked to one (a technician).
pub(crate) async fn own_staff(
    conn: &mut Conn<'_>,
    user: &str,
) -> Result<Option<String>, StoreError> {
    let row: Option<(Option<String>,)> = conn
        .fetch_optional(
            "SELECT st.code FROM users u LEFT JOIN staff st ON st.id = u.staff_id WHERE u.name = $1",
            &[Val::text(user)],
        )
        .await?;
    Ok(row.and_then(|(c,)| c))
}

/// Issue 14: the detail of an order offers `assigned` (指派, and 退回 when someone is assigned)
/// only to a caller who may assign it (`assignment::may_assign`): a technician does not see it
/// on a colleague's order, which would answer 403.
pub(super) async fn offer_to(
    conn: &mut Conn<'_>,
    caller: &Caller,
    order: &mut crate::Order,
) -> Result<(), StoreError> {
    let Some(allowed) = order.allowed_events.as_mut() else {
        return Ok(());
    };
    if !allowed.contains(&EventType::Assigned) {
        return Ok(());
    }
    let (role, own) = assigner(conn, caller).await?;
    if !assignment::may_assign(role, own.as_deref(), order.assignee_code.as_deref()) {
        allowed.retain(|e| *e != EventType::Assigned);
    }
    Ok(())
}

/// What `input` does to the assignee of an order (locked by the caller's transaction, its
/// assignee `before`), whose contractor is `contractor_before` and becomes `contractor_after`:
/// the person it names
/// checked (422 naming `assignee_code`), the caller's right to name one checked (403).
pub(super) async fn plan(
    conn: &mut Conn<'_>,
    caller: &Caller,
    before: Option<i64>,
    contractor_before: Option<i64>,
    contractor_after: Option<i64>,
    basis: Option<ContractorBasis>,
    input: &EventCreate,
) -> Result<AssigneeChange, StoreError> {
    if input.hands_back() {
        // 退回 (issue 14): whoever may assign it hands it back, when someone has it.
        let current = person(conn, before).await?;
        let (role, own) = assigner(conn, caller).await?;
        check_hand_back(
            role,
            own.as_deref(),
            current.as_ref().map(|p| p.code.as_str()),
        )
        .map_err(|e| match e {
            HandBackRefused::Nobody => StoreError::invalid("assignee_code", e.to_string()),
            HandBackRefused::Assigner(e) => StoreError::Forbidden(e.to_string()),
        })?;
        let released = current.filter(|p| own.as_deref() != Some(p.code.as_str()));
        return Ok(AssigneeChange {
            before,
            after: None,
            named: None,
            released,
        });
    }
    let mut named = None;
    if let Some(code) = input.assignee_code.as_deref().map(str::trim) {
        let row: Option<(i64, String, String, String)> = conn
            .fetch_optional(
                "SELECT s.id, s.code, s.name, c.code FROM staff s \
                 JOIN contractors c ON c.id = s.contractor_id WHERE s.code = $1",
                &[Val::text(code)],
            )
            .await?;
        let Some((id, code, name, of)) = row else {
            return Err(StoreError::invalid(
                "assignee_code",
                format!("no staff member with code '{code}'"),
            ));
        };
        let order_contractor = contractor_code(conn, contractor_after).await?;
        check_assignee(order_contractor.as_deref(), basis, &code, &of)
            .map_err(|e| StoreError::invalid("assignee_code", e.to_string()))?;
        let (role, own) = assigner(conn, caller).await?;
        let current = person(conn, before).await?.map(|p| p.code);
        check_assigner(role, own.as_deref(), current.as_deref())
            .map_err(|e| StoreError::Forbidden(e.to_string()))?;
        named = Some(Person { id, code, name });
    }
    let after = assignment::assignee_after(
        contractor_before,
        contractor_after,
        before,
        named.as_ref().map(|p| p.id),
    );
    Ok(AssigneeChange {
        before,
        after,
        named,
        released: None,
    })
}

/// The facts of an order a notice of its assignment names.
pub(super) struct Told<'a> {
    pub order_id: i64,
    pub code: &'a str,
    pub grade: Grade,
    pub kind: OrderKind,
    pub event: EventType,
}

impl Store {
    /// Writes the order's new assignee (when it changed) and tells the person named, on
    /// `order.assigned.<staff code>`, in the event's transaction.
    pub(super) async fn apply_assignment(
        &self,
        conn: &mut Conn<'_>,
        change: &AssigneeChange,
        told: Told<'_>,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        if change.after != change.before {
            conn.execute(
                "UPDATE orders SET assignee_id = $1 WHERE id = $2",
                &[Val::Int(change.after), Val::int(told.order_id)],
            )
            .await?;
        }
        let (person, handed_back) = match (&change.named, &change.released) {
            (Some(p), _) => (p, false),
            (None, Some(p)) => (p, true),
            (None, None) => return Ok(()),
        };
        let topic = notices::assigned_topic(&person.code);
        let targets = self.targets(&topic);
        if targets.is_empty() {
            return Ok(());
        }
        let (title,): (String,) = conn
            .fetch_one(
                "SELECT title FROM orders WHERE id = $1",
                &[Val::int(told.order_id)],
            )
            .await?;
        let order = serde_json::json!({"id": told.order_id, "code": told.code, "kind": told.kind, "grade": told.grade, "title": title});
        let payload = if handed_back {
            // 退回: the person hears that the order is no longer theirs.
            serde_json::json!({
                "topic": topic,
                "subject": notices::order_handed_back(
                    told.code, told.grade, told.kind, &title, &person.code, &person.name,
                ),
                "order": order,
                "assignee": null,
                "handed_back": {"code": person.code, "name": person.name},
                "event": told.event,
            })
        } else {
            serde_json::json!({
                "topic": topic,
                "subject": notices::order_assigned(
                    told.code, told.grade, told.kind, &title, &person.code, &person.name, told.event,
                ),
                "order": order,
                "assignee": {"code": person.code, "name": person.name},
                "event": told.event,
            })
        };
        crate::notify::enqueue(
            conn,
            &topic,
            Some(told.order_id),
            None,
            &payload,
            &targets,
            now,
        )
        .await?;
        Ok(())
    }
}
