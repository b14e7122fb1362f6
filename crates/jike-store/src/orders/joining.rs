//! R-F4, R-F5: when an order goes to joint handling, the rooms that join it are told, each by a
//! notification of its own (`order.room_joined.<room>`, so that a room's receiver subscribes to
//! its own topic), written in the transaction that fires the escalation timer. Which rooms join
//! is the domain's decision (`participants::joining`); this reads the lead room and writes.

use chrono::{DateTime, Utc};
use jike_domain::{participants, Grade, OrderKind, Room, Vocabulary};

use crate::db::{Conn, Val};
use crate::error::{stored, StoreError};
use crate::Store;
use jike_domain::time::local;

/// The topic of the notification to a room that joins an order.
pub fn room_joined_topic(room: Room) -> String {
    format!("order.room_joined.{}", room.code())
}

impl Store {
    /// Writes one notification per room that joins the order (and per target of its topic);
    /// returns how many rows were written.
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn announce_joining(
        &self,
        conn: &mut Conn<'_>,
        order_id: i64,
        code: &str,
        kind: OrderKind,
        grade: Grade,
        due_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<usize, StoreError> {
        let (lead,): (Option<String>,) = conn
            .fetch_one(
                "SELECT lead_room FROM orders WHERE id = $1",
                &[Val::int(order_id)],
            )
            .await?;
        let lead = lead.as_deref().map(stored::<Room>).transpose()?;
        let mut written = 0;
        for room in participants::joining(kind, grade, lead) {
            let topic = room_joined_topic(room);
            let targets = self.targets(&topic);
            if targets.is_empty() {
                continue;
            }
            let payload = serde_json::json!({
                "topic": topic,
                "subject": jike_domain::notices::room_joined(code, grade, kind, room),
                "room": room,
                "lead_room": lead,
                "joint_handling_at": local(due_at),
                "order": {"id": order_id, "code": code, "kind": kind, "grade": grade},
            });
            written +=
                crate::notify::enqueue(conn, &topic, Some(order_id), None, &payload, &targets, now)
                    .await?;
        }
        Ok(written)
    }
}
