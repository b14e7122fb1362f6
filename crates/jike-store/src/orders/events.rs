//! Appending an event to an order: the state machine decides (`order.rs`), the clocks and
//! timers follow.

use super::*;

impl Store {
    /// Appends an event to an order on behalf of `caller`: refused (a conflict listing the
    /// allowed events) when the order's state does not accept it (`order.rs`), otherwise
    /// recorded with the order's new state, and its timers brought in line with its clocks; on
    /// an order the caller sees (not found
    /// otherwise), audited. Whether its role may record this kind of event is the caller's
    /// check (`Role::may_record`).
    pub(crate) async fn record_event_as(
        &self,
        caller: &Caller,
        order_id: i64,
        input: &EventCreate,
        now: DateTime<Utc>,
    ) -> Result<Order, StoreError> {
        input.validate().map_err(StoreError::Invalid)?;
        let at = input.at.map(|t| t.with_timezone(&Utc)).unwrap_or(now);
        if secs(at) > secs(now) + FUTURE_SKEW_SECS {
            return Err(StoreError::invalid("at", "is in the future"));
        }
        let days = self.workdays().await?;
        let mut tx = self.db.begin().await?;
        let mut conn = tx.conn();
        crate::inventory::ops::check_visible::<Orders>(&mut conn, &caller.scope, order_id).await?;
        if let Scope::Room { room } = &caller.scope {
            let room = *room;
            // A room that does not lead the order records its part only (R-F2, R-F4).
            let (lead,): (Option<String>,) = conn
                .fetch_one(
                    "SELECT lead_room FROM orders WHERE id = $1",
                    &[Val::int(order_id)],
                )
                .await?;
            let lead = lead.as_deref().map(stored::<Room>).transpose()?;
            if !jike_domain::participants::may_record(room, lead, input.kind) {
                let may: Vec<&str> = jike_domain::participants::recordable(room, lead)
                    .iter()
                    .map(|e| e.code())
                    .collect();
                return Err(StoreError::Forbidden(format!(
                    "the {} room does not lead this order; on it, it records {}",
                    room.code(),
                    may.join(", ")
                )));
            }
        }
        let locked = self.lock_for_clocks(&mut conn, order_id).await?;
        let (core, kind, grade) = (&locked.core, locked.kind, locked.grade);
        let rule = locked.rule();
        let mut events = locked.events.clone();
        let status = Status::new(kind)
            .with_observation(rule.observation_secs)
            .fold(&events)
            .map_err(|e| StoreError::Corrupt(format!("order {}: stored events: {e}", core.code)))?;
        let actor = actor_of(caller, input.actor.as_deref());
        let event = Event {
            kind: input.kind,
            at: secs(at),
            by: Some(actor),
            note: Some(input.note.clone()),
            reason: input.reason.clone(),
            approved_by: input.approved_by.clone(),
        };
        let next = status.apply(&event).map_err(|e| StoreError::Transition {
            message: e.to_string(),
            state: e.from.code().to_string(),
            allowed: e.allowed.iter().map(|a| a.code().to_string()).collect(),
        })?;
        let mut contractor = None;
        if let Some(code) = &input.contractor_code {
            let mut refs = Resolver::default();
            let mut problems = Vec::new();
            contractor = refs
                .require(
                    &mut conn,
                    "contractors",
                    "contractor",
                    "contractor_code",
                    code,
                    &mut problems,
                )
                .await?;
            if !problems.is_empty() {
                return Err(StoreError::Invalid(problems));
            }
        }
        let (basis,): (Option<String>,) = conn
            .fetch_one(
                "SELECT contractor_basis FROM orders WHERE id = $1",
                &[Val::int(order_id)],
            )
            .await?;
        let basis = basis.as_deref().and_then(ContractorBasis::parse);
        // Seed 6.4.1: an order routed to the engineering department takes no contractor.
        if input.contractor_code.is_some() {
            if let Some(why) = derive::contractor_refused(basis) {
                return Err(StoreError::invalid("contractor_code", why));
            }
        }
        // R-MD: an order dispatched to no contractor is seen by no technician: the dispatcher
        // must name one when the inventory could not say who maintains the line (unless it goes
        // to the engineering department, seed 6.4.1).
        if input.kind == EventType::Dispatched
            && contractor.is_none()
            && core.contractor_id.is_none()
            && basis != Some(ContractorBasis::Engineering)
        {
            return Err(StoreError::invalid(
                "contractor_code",
                "is required: the order has no contractor (none could be derived from its circuit's path, its region's contracts or its element), and an order dispatched to no contractor reaches no technician",
            ));
        }
        let assignee = assignment::plan(
            &mut conn,
            caller,
            core.assignee_id,
            core.contractor_id,
            contractor.or(core.contractor_id),
            basis,
            input,
        )
        .await?;
        let seq = core.event_count + 1;
        insert_event(
            &mut conn,
            order_id,
            seq,
            &event,
            now,
            input.data.as_ref(),
            assignee.event_assignee(),
        )
        .await?;
        events.push(event);
        let closed = (next.state == OrderState::Closed).then(|| Val::Time(Some(utc(secs(at)))));
        conn.execute(
            "UPDATE orders SET state = $1, event_count = $2, updated_at = $3, \
             closed_at = $4, contractor_id = COALESCE($5, contractor_id), lead_room = COALESCE($6, lead_room), \
             contractor_basis = CASE WHEN $5 IS NULL THEN contractor_basis ELSE 'given' END \
             WHERE id = $7",
            &[
                Val::text(next.state.code()),
                Val::int(seq),
                Val::Time(Some(now)),
                closed.unwrap_or(Val::Time(None)),
                Val::Int(contractor),
                Val::Text(input.lead_room.map(|r| r.code().to_string())),
                Val::int(order_id),
            ],
        )
        .await?;
        let stamps: Vec<EventAt> = events.iter().map(Event::stamp).collect();
        refresh_timers(
            &mut conn,
            order_id,
            rule,
            &days,
            &stamps,
            secs(now),
            next.state,
        )
        .await?;
        let told = assignment::Told {
            order_id,
            code: &core.code,
            grade,
            kind,
            event: input.kind,
        };
        self.apply_assignment(&mut conn, &assignee, told, now)
            .await?;
        let targets = self.targets("order.event");
        if !targets.is_empty() {
            let payload = serde_json::json!({
                "topic": "order.event",
                "subject": notices::order_event(&core.code, input.kind),
                "order": {"id": order_id, "code": core.code, "kind": kind, "grade": grade, "state": next.state},
                "event": {"seq": seq, "type": input.kind, "at": local(at), "note": input.note},
            });
            crate::notify::enqueue(
                &mut conn,
                "order.event",
                Some(order_id),
                None,
                &payload,
                &targets,
                now,
            )
            .await?;
        }
        let entry = caller
            .audit("orders.event", format!("orders/{}", core.code))
            .with_before(serde_json::json!({ "state": status.state, "events": seq - 1 }))
            .with_after(serde_json::json!({
                "state": next.state,
                "events": seq,
                "event": input,
            }));
        crate::audit::append(&mut conn, &entry, now).await?;
        tx.commit().await?;
        self.order_written_by(caller, order_id, now).await
    }
}

/// Who an event is recorded as: the authenticated user; a machine account may name the person
/// it acts for (`actor` in the body), kept beside it.
pub(super) fn actor_of(caller: &Caller, named: Option<&str>) -> String {
    match named.map(str::trim).filter(|a| !a.is_empty()) {
        Some(a) if caller.role == "system" => a.to_string(),
        Some(a) if a != caller.user => format!("{} ({a})", caller.user),
        _ if caller.role == "system" => "api".to_string(),
        _ => caller.user.clone(),
    }
}

pub(super) async fn insert_event(
    conn: &mut Conn<'_>,
    order_id: i64,
    seq: i64,
    event: &Event,
    now: DateTime<Utc>,
    data: Option<&serde_json::Value>,
    assignee: Option<i64>,
) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO order_events (order_id, seq, type, at, recorded_at, actor, note, reason, approved_by, data, assignee_id) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        &[
            Val::int(order_id),
            Val::int(seq),
            Val::text(event.kind.code()),
            Val::Time(Some(utc(event.at))),
            Val::Time(Some(now)),
            Val::text(event.by.as_deref().unwrap_or("api")),
            Val::text(event.note.as_deref().unwrap_or("").trim()),
            Val::Text(event.reason.clone()),
            Val::Text(event.approved_by.clone()),
            Val::Text(data.map(|d| d.to_string())),
            Val::Int(assignee),
        ],
    )
    .await?;
    Ok(())
}
