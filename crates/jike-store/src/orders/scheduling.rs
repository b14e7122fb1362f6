//! The timers of orders in the database: their rows kept in line with what the domain plans
//! (`jike_domain::timers`), and the scheduler's side: claiming due timers with leases and firing
//! each exactly once, its notifications written to the outbox in the same transaction.

use super::*;

/// Inserts timer rows in one statement.
pub(super) async fn insert_timers(
    conn: &mut Conn<'_>,
    order_id: i64,
    timers: &[timers::Wanted],
) -> Result<(), StoreError> {
    let rows: Vec<Vec<Val>> = timers
        .iter()
        .map(|t| {
            vec![
                Val::int(order_id),
                Val::text(t.kind.code()),
                Val::text(&t.clock),
                Val::Time(Some(utc(t.at))),
            ]
        })
        .collect();
    crate::inventory::ops::insert_many(
        conn,
        "INSERT INTO timers (order_id, kind, clock, due_at) VALUES ",
        "",
        4,
        rows,
    )
    .await
}

/// Brings the timers of an order in line with its clocks at `now` (`jike_domain::timers::plan`) and keeps
/// the order's summary columns (next due, breached, joint handling) current.
pub(super) async fn refresh_timers(
    conn: &mut Conn<'_>,
    order_id: i64,
    rule: &Rule,
    days: &Workdays,
    stamps: &[EventAt],
    now: i64,
    state: OrderState,
) -> Result<(), StoreError> {
    let ev = evaluate(rule, days, stamps, now);
    let id = Val::int(order_id);
    let existing: Vec<TimerRow> = conn
        .fetch_all(
            "SELECT id, kind, clock, due_at, fired_at, fired_by FROM timers WHERE order_id = $1",
            std::slice::from_ref(&id),
        )
        .await?;
    let rows: Vec<timers::Existing<'_>> = existing
        .iter()
        .map(|t| timers::Existing {
            id: t.id,
            kind: &t.kind,
            clock: &t.clock,
            due_at: secs(t.due_at),
            fired: t.fired_at.is_some(),
        })
        .collect();
    let plan = timers::plan(rule, &ev, now, state, &rows);
    for timer in &plan.delete {
        conn.execute("DELETE FROM timers WHERE id = $1", &[Val::int(*timer)])
            .await?;
    }
    insert_timers(conn, order_id, &plan.insert).await?;
    let breached = ev.clocks().iter().any(|c| c.state == ClockState::Breached);
    conn.execute(
        "UPDATE orders SET next_due_at = $1, breached = $2, joint_handling_at = $3 WHERE id = $4",
        &[
            Val::Time(plan.next.map(utc)),
            Val::int(i64::from(breached)),
            Val::Time(ev.escalated_at.map(utc)),
            id,
        ],
    )
    .await?;
    Ok(())
}

/// A timer the scheduler holds a lease on.
#[derive(Debug, Clone, FromRow)]
pub struct ClaimedTimer {
    pub id: i64,
    pub order_id: i64,
}
crate::lite_record!(ClaimedTimer { id, order_id });

/// What firing a timer did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fired {
    /// Fired now, with this many notifications written to the outbox.
    Fired { topic: String, notifications: usize },
    /// Already fired, or replaced since it was claimed: nothing done.
    Stale,
}

impl Store {
    /// Leases up to `limit` due timers to `owner` until `lease_until`. With PostgreSQL, several
    /// processes claim side by side: `FOR UPDATE SKIP LOCKED` hands each row to one of them.
    pub async fn claim_timers(
        &self,
        owner: &str,
        limit: i64,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
    ) -> Result<Vec<ClaimedTimer>, StoreError> {
        let skip = if self.backend() == Backend::Postgres {
            " FOR UPDATE SKIP LOCKED"
        } else {
            ""
        };
        let sql = format!(
            "UPDATE timers SET lease_owner = $1, lease_until = $2 WHERE id IN \
             (SELECT id FROM timers WHERE fired_at IS NULL AND due_at <= $3 \
              AND (lease_until IS NULL OR lease_until < $3) ORDER BY due_at LIMIT $4{skip}) \
             RETURNING id, order_id"
        );
        let mut tx = self.db.begin().await?;
        let claimed: Vec<ClaimedTimer> = tx
            .conn()
            .fetch_all(
                &sql,
                &[
                    Val::text(owner),
                    Val::Time(Some(lease_until)),
                    Val::Time(Some(now)),
                    Val::int(limit),
                ],
            )
            .await?;
        tx.commit().await?;
        Ok(claimed)
    }

    /// Fires one claimed timer, exactly once: in one transaction, it is marked fired (only if
    /// it is still unfired and leased to `owner`), its notifications are written to the outbox,
    /// and the order's timers are brought forward (the next hourly update, R-F6).
    pub async fn fire_timer(
        &self,
        timer_id: i64,
        owner: &str,
        now: DateTime<Utc>,
    ) -> Result<Fired, StoreError> {
        let days = self.workdays().await?;
        let mut tx = self.db.begin().await?;
        let mut conn = tx.conn();
        let row: Option<(i64, String, String, DateTime<Utc>)> = conn
            .fetch_optional(
                "SELECT order_id, kind, clock, due_at FROM timers WHERE id = $1",
                &[Val::int(timer_id)],
            )
            .await?;
        let Some((order_id, kind, clock, due_at)) = row else {
            return Ok(Fired::Stale);
        };
        let locked = self.lock_for_clocks(&mut conn, order_id).await?;
        let marked = conn
            .execute(
                "UPDATE timers SET fired_at = $1, fired_by = $2 WHERE id = $3 AND fired_at IS NULL AND lease_owner = $2",
                &[Val::Time(Some(now)), Val::text(owner), Val::int(timer_id)],
            )
            .await?;
        if marked == 0 {
            return Ok(Fired::Stale);
        }
        let (core, order_kind, grade, state) =
            (&locked.core, locked.kind, locked.grade, locked.state);
        let rule = locked.rule();
        let stamps = locked.stamps();
        let ev = evaluate(rule, &days, &stamps, secs(now));
        let notices::Notice { topic, subject } =
            notices::timer_fired(&kind, &clock, &core.code, grade, order_kind, due_at);
        let clock_view = rule
            .clock(&clock)
            .and_then(|i| ev.clocks().get(i))
            .map(|c| {
                serde_json::json!({
                    "name": clock,
                    "state": c.state.code(),
                    "deadline": c.deadline.map(|d| local(utc(d))),
                    "remaining_seconds": c.remaining_secs,
                    "breached_by_seconds": c.breached_by_secs,
                })
            });
        let payload = serde_json::json!({
            "topic": topic,
            "subject": subject,
            "due_at": local(due_at),
            "fired_at": local(now),
            "order": {
                "id": order_id, "code": core.code, "kind": order_kind, "grade": grade, "state": state,
            },
            "clock": clock_view,
            "joint_handling_at": ev.escalated_at.map(|t| local(utc(t))),
            "next_update_due": ev.next_update.map(|t| local(utc(t))),
        });
        let targets = self.targets(topic);
        let n = crate::notify::enqueue(
            &mut conn,
            topic,
            Some(order_id),
            Some(timer_id),
            &payload,
            &targets,
            now,
        )
        .await?;
        let n = n + if kind == "escalation" {
            self.announce_joining(
                &mut conn, order_id, &core.code, order_kind, grade, due_at, now,
            )
            .await?
        } else {
            0
        };
        refresh_timers(&mut conn, order_id, rule, &days, &stamps, secs(now), state).await?;
        tx.commit().await?;
        Ok(Fired::Fired {
            topic: topic.to_string(),
            notifications: n,
        })
    }

    /// Re-evaluates every open order and rewrites its unfired timers: after a working-day year
    /// is loaded, and at start-up (a timer lost to a bug, or a build with other rules).
    pub async fn reconcile_timers(&self, now: DateTime<Utc>) -> Result<usize, StoreError> {
        let days = self.workdays().await?;
        let mut after = 0i64;
        let mut done = 0usize;
        loop {
            let mut tx = self.db.begin().await?;
            let mut conn = tx.conn();
            let ids: Vec<(i64,)> = conn
                .fetch_all(
                    "SELECT id FROM orders WHERE state <> 'closed' AND id > $1 ORDER BY id LIMIT 500",
                    &[Val::int(after)],
                )
                .await?;
            if ids.is_empty() {
                break;
            }
            for (id,) in &ids {
                let locked = self.lock_for_clocks(&mut conn, *id).await?;
                let stamps = locked.stamps();
                refresh_timers(
                    &mut conn,
                    *id,
                    locked.rule(),
                    &days,
                    &stamps,
                    secs(now),
                    locked.state,
                )
                .await?;
                done += 1;
            }
            after = ids.last().map_or(after, |(id,)| *id);
            tx.commit().await?;
        }
        Ok(done)
    }

    /// Timers of an order (fired and pending), for the API and the tests.
    pub async fn timers_of(&self, order_id: i64) -> Result<Vec<TimerView>, StoreError> {
        let mut c = self.db.read().await?;
        let rows: Vec<TimerRow> = c
            .conn()
            .fetch_all(
                "SELECT id, kind, clock, due_at, fired_at, fired_by FROM timers WHERE order_id = $1 ORDER BY due_at, id",
                &[Val::int(order_id)],
            )
            .await?;
        Ok(rows
            .into_iter()
            .map(|t| TimerView {
                id: t.id,
                kind: t.kind,
                clock: (!t.clock.is_empty()).then_some(t.clock),
                due_at: local(t.due_at),
                fired_at: t.fired_at.map(local),
                fired_by: t.fired_by,
            })
            .collect())
    }
}

#[derive(FromRow)]
struct TimerRow {
    id: i64,
    kind: String,
    clock: String,
    due_at: DateTime<Utc>,
    fired_at: Option<DateTime<Utc>>,
    fired_by: Option<String>,
}
crate::lite_record!(TimerRow {
    id,
    kind,
    clock,
    due_at,
    fired_at,
    fired_by
});

/// A durable timer as the API shows it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TimerView {
    pub id: i64,
    /// `warning`, `breach`, `escalation` or `update`.
    pub kind: String,
    pub clock: Option<String>,
    pub due_at: DateTime<FixedOffset>,
    pub fired_at: Option<DateTime<FixedOffset>>,
    pub fired_by: Option<String>,
}
