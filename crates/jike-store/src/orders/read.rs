//! Reading orders: by id or code, scoped to the caller, and the scoped list with its SLA
//! summaries.

use super::*;

impl Store {
    /// The id of the order named by its id or its code, checking that `caller` sees it (not
    /// found otherwise): one indexed lookup, for endpoints that need no more than that.
    pub(crate) async fn order_id_as(&self, caller: &Caller, key: &str) -> Result<i64, StoreError> {
        let mut c = self.db.read().await?;
        let (sql, val) = match key.parse::<i64>() {
            Ok(id) if id > 0 => ("SELECT t.id FROM orders t WHERE t.id = $1", Val::int(id)),
            _ => (
                "SELECT t.id FROM orders t WHERE t.code = $1",
                Val::text(key),
            ),
        };
        let mut binds = vec![val];
        let mut sql = sql.to_string();
        match crate::inventory::ops::scope_condition("orders", &caller.scope, &mut binds) {
            None => return Err(no_order(key)),
            Some(Some(cond)) => {
                sql.push_str(" AND ");
                sql.push_str(&cond);
            }
            Some(None) => {}
        }
        let row: Option<(i64,)> = c.conn().fetch_optional(&sql, &binds).await?;
        row.map(|(id,)| id).ok_or_else(|| no_order(key))
    }

    /// An order with its links, events, live clocks at `now` and the events its state allows,
    /// unscoped: for the command line and the system's own work (`Caller::system`).
    pub(crate) async fn order(&self, id: i64, now: DateTime<Utc>) -> Result<Order, StoreError> {
        self.order_in_scope(&Caller::system("system"), &Scope::All, id, now)
            .await
    }

    /// An order `caller` sees (by id or code), with its detail as for [`Store::order`]; a
    /// customer gets its own view of it (`Order::as_customer_sees`). Not found when out of
    /// scope: the lookup and every read of the detail apply the caller's scope.
    pub(crate) async fn order_as(
        &self,
        caller: &Caller,
        key: &str,
        now: DateTime<Utc>,
    ) -> Result<Order, StoreError> {
        let id = self.order_id_as(caller, key).await?;
        let order = self.order_in_scope(caller, &caller.scope, id, now).await?;
        Ok(seen_by(caller, order))
    }

    /// The order `id` as `scope` sees it, with its detail, the events it allows offered as
    /// `caller` may record them (`assignment::offer_to`).
    async fn order_in_scope(
        &self,
        caller: &Caller,
        scope: &Scope,
        id: i64,
        now: DateTime<Utc>,
    ) -> Result<Order, StoreError> {
        let mut c = self.db.read().await?;
        let mut conn = c.conn();
        let mut order = crate::inventory::ops::get::<Orders>(&mut conn, scope, id).await?;
        self.fill_detail(&mut conn, &mut order, now).await?;
        assignment::offer_to(&mut conn, caller, &mut order).await?;
        Ok(order)
    }

    /// The order a write of `caller` just made or changed, as it now stands: read whatever the
    /// scope, since the write may have moved it out of the caller's sight (a transfer to
    /// another contractor) and the writer is owed its outcome; a customer still gets its own
    /// view.
    pub(super) async fn order_written_by(
        &self,
        caller: &Caller,
        id: i64,
        now: DateTime<Utc>,
    ) -> Result<Order, StoreError> {
        Ok(seen_by(
            caller,
            self.order_in_scope(caller, &Scope::All, id, now).await?,
        ))
    }

    /// The order list for `caller`, each order with its most urgent clock evaluated at `now`
    /// (`sla_summary`): the events of the page are read in one statement.
    pub(crate) async fn list_orders_as(
        &self,
        caller: &Caller,
        params: &crate::page::ListParams,
        now: DateTime<Utc>,
    ) -> Result<crate::Page<Order>, StoreError> {
        let mut c = self.db.read().await?;
        let mut conn = c.conn();
        let mut page =
            crate::inventory::ops::list::<Orders>(&mut conn, &caller.scope, params).await?;
        if page.items.is_empty() {
            return Ok(page);
        }
        let ids: Vec<Val> = page.items.iter().map(|o| Val::int(o.id)).collect();
        let marks: Vec<String> = (1..=ids.len()).map(|i| format!("${i}")).collect();
        let rows: Vec<(i64, String, DateTime<Utc>)> = conn
            .fetch_all(
                &format!(
                    "SELECT order_id, type, at FROM order_events WHERE order_id IN ({}) \
                     ORDER BY order_id, seq",
                    marks.join(", ")
                ),
                &ids,
            )
            .await?;
        let mut by_order: HashMap<i64, Vec<Event>> = HashMap::new();
        for (id, kind, at) in rows {
            by_order
                .entry(id)
                .or_default()
                .push(Event::new(stored(&kind)?, secs(at)));
        }
        let days = self.workdays().await?;
        for order in &mut page.items {
            let policy = self.policy(&mut conn, order.policy_version).await?;
            let input = OrderInput {
                order: OrderHeader {
                    kind: order.kind,
                    grade: order.grade,
                    business_type: order.business_type,
                },
                events: by_order.remove(&order.id).unwrap_or_default(),
            };
            let at = input
                .events
                .last()
                .map_or(secs(now), |e| e.at.max(secs(now)));
            // An order whose events the evaluator refuses shows no summary rather than failing
            // the whole list; its own page says what is wrong.
            if let Ok(report) = evaluate_order(&policy, &days, &input, at) {
                order.sla_summary = jike_domain::urgency::most_urgent(&report);
            }
        }
        page.items = page.items.into_iter().map(|o| seen_by(caller, o)).collect();
        Ok(page)
    }

    pub(crate) async fn fill_detail(
        &self,
        conn: &mut Conn<'_>,
        order: &mut Order,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let id = Val::int(order.id);
        let circuits: Vec<(String,)> = conn
            .fetch_all(
                "SELECT c.code FROM order_circuits oc JOIN circuits c ON c.id = oc.circuit_id \
                 WHERE oc.order_id = $1 ORDER BY c.code",
                std::slice::from_ref(&id),
            )
            .await?;
        let elements: Vec<(String,)> = conn
            .fetch_all(
                "SELECT e.code FROM order_elements oe JOIN elements e ON e.id = oe.element_id \
                 WHERE oe.order_id = $1 ORDER BY e.code",
                std::slice::from_ref(&id),
            )
            .await?;
        let alarms: Vec<(String, i64, String, Option<DateTime<Utc>>)> = conn
            .fetch_all(
                "SELECT alarm_id, transmission, text, raised_at FROM order_alarms WHERE order_id = $1 ORDER BY seq",
                std::slice::from_ref(&id),
            )
            .await?;
        order.participants = Some(jike_domain::participants::rooms(
            order.kind,
            order.grade,
            order.lead_room,
            order.joint_handling_at.is_some(),
        ));
        let rows = events_of(conn, order.id).await?;
        let policy = self.policy(conn, order.policy_version).await?;
        let days = self.workdays().await?;
        let events = rows
            .iter()
            .map(EventRow::event)
            .collect::<Result<Vec<_>, _>>()?;
        let input = OrderInput {
            order: OrderHeader {
                kind: order.kind,
                grade: order.grade,
                business_type: order.business_type,
            },
            events,
        };
        // Evaluated at the last event when that is later than now (a clock skew allowance).
        let at = input
            .events
            .last()
            .map_or(secs(now), |e| e.at.max(secs(now)));
        let report = evaluate_order(&policy, &days, &input, at)
            .map_err(|e| StoreError::Corrupt(format!("order {}: {e}", order.code)))?;
        let status = Status::new(order.kind).with_observation(
            policy
                .lookup(order.kind, order.grade, order.business_type)
                .map(|r| r.observation_secs)
                .unwrap_or(order::DEFAULT_OBSERVATION_SECS),
        );
        let assignable = jike_domain::assignment::assignable(
            order.contractor_code.as_deref(),
            order.contractor_basis,
        );
        let allowed = status
            .fold(&input.events)
            .map(|s| s.allowed().to_vec())
            .unwrap_or_default()
            .into_iter()
            // Issue 14: only an order with a contractor (not engineering's) has staff to assign.
            .filter(|e| assignable || *e != EventType::Assigned)
            .collect();
        order.circuit_codes = Some(circuits.into_iter().map(|(c,)| c).collect());
        order.element_codes = Some(elements.into_iter().map(|(c,)| c).collect());
        order.alarms = Some(
            alarms
                .into_iter()
                .map(|(alarm_id, tx, text, raised)| Alarm {
                    alarm_id,
                    transmission: tx != 0,
                    text,
                    raised_at: raised.map(local),
                })
                .collect(),
        );
        order.events = Some(
            rows.into_iter()
                .map(|r| {
                    Ok(OrderEvent {
                        seq: r.seq,
                        kind: stored(&r.kind)?,
                        at: local(r.at),
                        recorded_at: local(r.recorded_at),
                        actor: r.actor,
                        note: r.note,
                        reason: r.reason,
                        approved_by: r.approved_by,
                        data: r.data.as_deref().and_then(|d| serde_json::from_str(d).ok()),
                        assignee_code: r.assignee_code,
                        assignee_name: r.assignee_name,
                    })
                })
                .collect::<Result<Vec<_>, StoreError>>()?,
        );
        order.sla = Some(report);
        order.allowed_events = Some(allowed);
        Ok(())
    }
}
