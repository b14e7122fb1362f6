//! The monitoring room's overview (the console's dashboard, issue 5): open orders counted by
//! state and grade, the most urgent of them with their live clocks, the orders in joint handling
//! with their next progress update (R-F6), and the orders that breached a clock today. Every
//! part is scoped to what the caller sees, through the same condition as the order list. Issue
//! 14: the overview of one person's orders (a technician's own, 我的) keeps every part to the
//! orders assigned to that staff member.

use chrono::{DateTime, Datelike, FixedOffset, TimeZone, Utc};
use jike_domain::{Grade, OrderState};
use serde::Serialize;

use crate::db::Val;
use crate::error::StoreError;
use crate::inventory::ops::{self, ListParams};
use crate::orders::{Order, Orders};
use crate::{Caller, Store};
use jike_domain::time::local;

/// At most this many open orders are evaluated for the overview (the most urgent are shown
/// first; the counts cover every open order).
pub const DASHBOARD_ORDERS_MAX: usize = 300;

/// The overview, as `GET /api/v1/dashboard` answers it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Dashboard {
    /// The instant the clocks were evaluated at.
    pub at: DateTime<FixedOffset>,
    /// Issue 14: the staff member (工号) whose assigned orders the overview is kept to (a
    /// technician's own, `mine=true`, or `assignee=`); absent for the caller's whole scope.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assignee_code: Option<String>,
    /// Every open (not closed) order the caller sees.
    pub open_total: i64,
    pub by_state_grade: Vec<StateGradeCount>,
    /// Open orders with their live clocks (`sla`), most urgent first: breached, then by the
    /// nearest deadline; at most [`DASHBOARD_ORDERS_MAX`].
    pub orders: Vec<Order>,
    /// Whether `orders` was cut at [`DASHBOARD_ORDERS_MAX`].
    pub truncated: bool,
    /// 联合处理 orders escalated to joint handling and not yet restored (R-F4, R-F5).
    pub joint_handling: Vec<JointHandling>,
    pub breached_today: BreachedToday,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StateGradeCount {
    pub state: OrderState,
    pub grade: Grade,
    pub count: i64,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct JointHandling {
    pub id: i64,
    pub code: String,
    pub title: String,
    pub grade: Grade,
    pub state: OrderState,
    pub joint_handling_at: DateTime<FixedOffset>,
    /// The next hourly progress update due (R-F6), if one is still to come.
    pub next_update_due: Option<String>,
}

/// Orders with a clock that reached its deadline unmet today (Asia/Shanghai), whatever their
/// state now.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BreachedToday {
    pub count: i64,
    pub orders: Vec<BreachedOrder>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BreachedOrder {
    pub id: i64,
    pub code: String,
    pub title: String,
    pub grade: Grade,
    pub state: OrderState,
    /// The clocks that breached today and are still breached as the order's events stand now.
    pub clocks: Vec<String>,
}

/// The start of `now`'s calendar day in China (UTC+8, no daylight saving).
fn start_of_day_cn(now: DateTime<Utc>) -> DateTime<Utc> {
    let cn = FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset");
    let local = now.with_timezone(&cn);
    cn.with_ymd_and_hms(local.year(), local.month(), local.day(), 0, 0, 0)
        .single()
        .map_or(now, |t| t.with_timezone(&Utc))
}

impl Store {
    /// The overview for `caller` as of `now`. It scans the open orders and evaluates their
    /// clocks: off the runtime's workers (`Store::off_runtime`).
    /// `assignee`: only the orders assigned to this staff member (issue 14); an unknown code is
    /// a problem naming `assignee`.
    pub(crate) async fn dashboard_as(
        &self,
        caller: &Caller,
        assignee: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<Dashboard, StoreError> {
        let caller = caller.clone();
        let assignee = assignee.map(|a| a.trim().to_string());
        self.off_runtime(
            move |store| async move { store.dashboard_scan(&caller, assignee, now).await },
        )
        .await
    }

    async fn dashboard_scan(
        &self,
        caller: &Caller,
        assignee: Option<String>,
        now: DateTime<Utc>,
    ) -> Result<Dashboard, StoreError> {
        let mut c = self.db.read().await?;
        let mut conn = c.conn();

        if let Some(code) = &assignee {
            let known: Option<(i64,)> = conn
                .fetch_optional("SELECT id FROM staff WHERE code = $1", &[Val::text(code)])
                .await?;
            if known.is_none() {
                return Err(StoreError::invalid(
                    "assignee",
                    format!("no staff member with code '{code}'"),
                ));
            }
        }
        // The condition that keeps a part to the person's orders, its code bound after `binds`.
        let of_assignee = |binds: &mut Vec<Val>| match &assignee {
            Some(code) => {
                binds.push(Val::text(code));
                format!(
                    " AND t.assignee_id = (SELECT id FROM staff WHERE code = ${})",
                    binds.len()
                )
            }
            None => String::new(),
        };
        let mut binds: Vec<Val> = Vec::new();
        let scope = match ops::scope_condition("orders", &caller.scope, &mut binds) {
            None => None,
            Some(None) => Some(String::new()),
            Some(Some(cond)) => Some(format!(" AND {cond}")),
        };
        let Some(mut scope) = scope else {
            return Ok(Dashboard {
                at: local(now),
                assignee_code: assignee,
                open_total: 0,
                by_state_grade: Vec::new(),
                orders: Vec::new(),
                truncated: false,
                joint_handling: Vec::new(),
                breached_today: BreachedToday {
                    count: 0,
                    orders: Vec::new(),
                },
            });
        };

        scope.push_str(&of_assignee(&mut binds));
        let counts: Vec<(String, String, i64)> = conn
            .fetch_all(
                &format!(
                    "SELECT t.state, t.grade, COUNT(*) FROM orders t \
                     WHERE t.state <> 'closed'{scope} GROUP BY t.state, t.grade \
                     ORDER BY t.state, t.grade"
                ),
                &binds,
            )
            .await?;
        let mut by_state_grade = Vec::with_capacity(counts.len());
        let mut open_total = 0;
        for (state, grade, count) in counts {
            open_total += count;
            by_state_grade.push(StateGradeCount {
                state: crate::error::stored(&state)?,
                grade: crate::error::stored(&grade)?,
                count,
            });
        }

        // The open orders themselves, page by page, through the list's own scoping.
        let mut orders: Vec<Order> = Vec::new();
        let mut filters = vec![("open".to_string(), "true".to_string())];
        filters.extend(assignee.iter().map(|a| ("assignee".to_string(), a.clone())));
        let mut params = ListParams {
            filters,
            sort: Some("-id".into()),
            limit: Some(ops::MAX_LIMIT),
            cursor: None,
        };
        let mut truncated = false;
        loop {
            let page = ops::list::<Orders>(&mut conn, &caller.scope, &params).await?;
            orders.extend(page.items);
            if orders.len() >= DASHBOARD_ORDERS_MAX {
                truncated = page.next_cursor.is_some() || orders.len() > DASHBOARD_ORDERS_MAX;
                orders.truncate(DASHBOARD_ORDERS_MAX);
                break;
            }
            match page.next_cursor {
                Some(next) => params.cursor = Some(next),
                None => break,
            }
        }
        for order in &mut orders {
            self.fill_detail(&mut conn, order, now).await?;
            // The overview shows clocks, not histories.
            order.events = None;
            order.alarms = None;
        }
        orders.sort_by_key(|o| jike_domain::urgency::rank(o.sla.as_ref(), o.breached));

        let joint_handling = orders
            .iter()
            .filter_map(|o| {
                let at = o.joint_handling_at?;
                let report = o.sla.as_ref()?;
                let restored = report
                    .clocks
                    .iter()
                    .any(|c| c.name == "restore" && c.stopped_at.is_some());
                if restored {
                    return None;
                }
                Some(JointHandling {
                    id: o.id,
                    code: o.code.clone(),
                    title: o.title.clone(),
                    grade: o.grade,
                    state: o.state,
                    joint_handling_at: at,
                    next_update_due: report
                        .next_due
                        .iter()
                        .find(|d| d.kind == "update")
                        .map(|d| d.at.clone()),
                })
            })
            .collect();

        // A breach is a durable timer of kind `breach` (fired, or due and about to be): its
        // instant is the clock's deadline.
        let mut breach_binds = vec![Val::Time(Some(start_of_day_cn(now))), Val::Time(Some(now))];
        let mut scope_sql = match ops::scope_condition("orders", &caller.scope, &mut breach_binds) {
            Some(Some(cond)) => format!(" AND {cond}"),
            _ => String::new(),
        };
        scope_sql.push_str(&of_assignee(&mut breach_binds));
        let timers: Vec<(i64, String)> = conn
            .fetch_all(
                &format!(
                    "SELECT tm.order_id, tm.clock FROM timers tm JOIN orders t ON t.id = tm.order_id \
                     WHERE tm.kind = 'breach' AND tm.due_at >= $1 AND tm.due_at <= $2{scope_sql} \
                     ORDER BY tm.order_id DESC, tm.clock"
                ),
                &breach_binds,
            )
            .await?;
        // A breach timer stays once fired (what was announced was announced), but events
        // recorded afterwards with an earlier time may have stopped its clock in time: each
        // order is evaluated now, and only the clocks still breached are shown.
        let mut wanted: Vec<(i64, Vec<String>)> = Vec::new();
        for (id, clock) in timers {
            match wanted.last_mut() {
                Some((last, clocks)) if *last == id => clocks.push(clock),
                _ => wanted.push((id, vec![clock])),
            }
        }
        let mut still = Vec::new();
        for (id, clocks) in wanted {
            let order = match orders.iter().find(|o| o.id == id) {
                Some(o) => o.clone(),
                None => {
                    let mut o = ops::get::<Orders>(&mut conn, &caller.scope, id).await?;
                    self.fill_detail(&mut conn, &mut o, now).await?;
                    o
                }
            };
            let breached: Vec<String> = order
                .sla
                .as_ref()
                .map(|r| {
                    r.clocks
                        .iter()
                        .filter(|c| c.state == "breached" && clocks.contains(&c.name))
                        .map(|c| c.name.clone())
                        .collect()
                })
                .unwrap_or_default();
            if !breached.is_empty() {
                still.push(BreachedOrder {
                    id: order.id,
                    code: order.code,
                    title: order.title,
                    grade: order.grade,
                    state: order.state,
                    clocks: breached,
                });
            }
        }
        let breached_today = BreachedToday {
            count: still.len() as i64,
            orders: still,
        };

        Ok(Dashboard {
            at: local(now),
            assignee_code: assignee,
            open_total,
            by_state_grade,
            orders,
            truncated,
            joint_handling,
            breached_today,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_day_starts_at_midnight_in_china() {
        let at = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc);
        assert_eq!(
            start_of_day_cn(at("2025-10-01T23:59:00+08:00")),
            at("2025-10-01T00:00:00+08:00")
        );
        // 17:00 UTC on 30 September is already 1 October in Shanghai.
        assert_eq!(
            start_of_day_cn(at("2025-09-30T17:00:00Z")),
            at("2025-10-01T00:00:00+08:00")
        );
        assert_eq!(
            start_of_day_cn(at("2025-09-30T15:59:59Z")),
            at("2025-09-30T00:00:00+08:00")
        );
    }
}
