//! The scheduler: fires the durable timers of work orders (clock warnings and breaches, the
//! escalation to joint handling, hourly progress updates; domain.md §3, §4) when they fall due.
//!
//! Timers live in the database (`timers`), written by every order change, so a restart loses
//! nothing: what fell due while the service was down fires on start. Each tick leases a batch of
//! due timers to this process (`FOR UPDATE SKIP LOCKED` on PostgreSQL, so that several `jike
//! serve` processes share the work) and fires each in its own transaction, which marks it fired
//! and writes its notifications to the outbox together: exactly once.

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use jike_store::{Fired, Store};
use tokio::sync::Notify;

/// Settings of the scheduler.
#[derive(Debug, Clone)]
pub struct SchedulerConfig {
    /// How often to look for due timers when there were none.
    pub tick: Duration,
    /// How long a claimed timer stays ours: another process takes it over after that.
    pub lease: Duration,
    /// Timers claimed per round.
    pub batch: i64,
}

impl Default for SchedulerConfig {
    fn default() -> Self {
        SchedulerConfig {
            tick: Duration::from_millis(500),
            lease: Duration::from_secs(30),
            batch: 100,
        }
    }
}

/// A name for this process among those sharing a database: host, process id and a random part.
pub fn instance_name() -> String {
    let host = std::fs::read_to_string("/etc/hostname")
        .ok()
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "host".into());
    let nonce = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    format!("{host}-{}-{nonce:08x}", std::process::id())
}

/// Runs until `shutdown` resolves. `fired` is notified after timers fired (the delivery worker
/// listens, so a notification goes out at once rather than at its next poll).
pub async fn run(
    store: Store,
    config: SchedulerConfig,
    owner: String,
    fired: Arc<Notify>,
    shutdown: impl std::future::Future<Output = ()>,
) {
    tokio::pin!(shutdown);
    if let Err(e) = store.reconcile_timers(Utc::now()).await {
        tracing::error!(error = %e, "scheduler: could not bring the timers of open orders up to date");
    }
    loop {
        let busy = match round(&store, &config, &owner).await {
            Ok((claimed, count)) => {
                if count > 0 {
                    fired.notify_waiters();
                }
                claimed as i64 >= config.batch
            }
            Err(e) => {
                tracing::error!(error = %e, "scheduler round failed; retrying");
                false
            }
        };
        if busy {
            // A full batch: there may be more due right now.
            tokio::select! {
                _ = &mut shutdown => return,
                _ = tokio::task::yield_now() => continue,
            }
        }
        tokio::select! {
            _ = &mut shutdown => return,
            _ = tokio::time::sleep(config.tick) => {}
        }
    }
}

/// One round: claim due timers and fire them. Returns how many were claimed and fired.
pub async fn round(
    store: &Store,
    config: &SchedulerConfig,
    owner: &str,
) -> Result<(usize, usize), jike_store::StoreError> {
    let now = Utc::now();
    let lease = chrono::Duration::from_std(config.lease).unwrap_or(chrono::Duration::seconds(30));
    let claimed = store
        .claim_timers(owner, config.batch, now, now + lease)
        .await?;
    let mut fired = 0;
    for timer in &claimed {
        match store.fire_timer(timer.id, owner, Utc::now()).await {
            Ok(Fired::Fired {
                topic,
                notifications,
            }) => {
                fired += 1;
                tracing::info!(
                    timer = timer.id,
                    order = timer.order_id,
                    topic,
                    notifications,
                    "timer fired"
                );
            }
            Ok(Fired::Stale) => {}
            Err(e) => {
                // The lease runs out and the timer is tried again (here or by another process).
                tracing::error!(timer = timer.id, order = timer.order_id, error = %e, "timer failed");
            }
        }
    }
    Ok((claimed.len(), fired))
}
