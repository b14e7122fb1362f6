//! Long reads off the async runtime's worker threads.
//!
//! SQLite runs its statements inline on the thread that asks (`db/lite.rs`): right for the
//! microsecond statements of a request, wrong for a read that scans a table (an audit chain
//! check, an export, a month's KPIs over millions of events): while it runs, the worker thread
//! it holds serves nobody else, and on a two-core server half the service stops. Such a read
//! goes through [`Store::off_runtime`], which on SQLite runs it on tokio's blocking pool and on
//! PostgreSQL (whose statements await the network and so yield) runs it in place.

use std::future::Future;

use crate::db::Backend;
use crate::error::StoreError;
use crate::Store;

impl Store {
    /// Runs `work` (given a handle to this store) where a long read does not hold up the
    /// runtime: on the blocking pool for SQLite, in place for PostgreSQL. A panic in `work`
    /// reaches the caller as it would inline.
    pub async fn off_runtime<T, F, Fut>(&self, work: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(Store) -> Fut + Send + 'static,
        Fut: Future<Output = Result<T, StoreError>>,
    {
        let store = self.clone();
        match self.backend() {
            Backend::Postgres => work(store).await,
            Backend::Sqlite => {
                let runtime = tokio::runtime::Handle::current();
                // `block_on` drives the read on the blocking thread; its SQLite statements never
                // wait on the runtime, and what else it awaits (the writer's lock) still can.
                on_blocking_pool(move || runtime.block_on(work(store))).await?
            }
        }
    }
}

/// Runs `work` on tokio's blocking pool (CPU work, a long SQLite read). A panic in it reaches
/// the caller as it would inline; a pool shut down under it is an error saying so.
pub(crate) async fn on_blocking_pool<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, StoreError> {
    match tokio::task::spawn_blocking(work).await {
        Ok(done) => Ok(done),
        Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
        Err(_) => Err(StoreError::Config(
            "the work was cancelled: the service is shutting down".into(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;
    use std::time::{Duration, Instant};

    use crate::testing::TestDb;
    use crate::Store;

    /// On a runtime of one thread, a read that waits for another task to run can finish only
    /// if the read is not on that thread: inline it would wait forever (here: the deadline).
    #[tokio::test(flavor = "current_thread")]
    async fn a_long_sqlite_read_leaves_the_runtime_thread_free() {
        let db = TestDb::sqlite();
        let store = Store::open(&db.url).await.unwrap();
        let other_ran = Arc::new(AtomicBool::new(false));
        let flag = other_ran.clone();
        tokio::spawn(async move { flag.store(true, Ordering::SeqCst) });
        let seen = other_ran.clone();
        let (waited, counted) = store
            .off_runtime(move |s| async move {
                let deadline = Instant::now() + Duration::from_secs(10);
                // Blocks this thread as a long scan would, until the other task has run.
                while !seen.load(Ordering::SeqCst) && Instant::now() < deadline {
                    std::thread::sleep(Duration::from_millis(1));
                }
                let counts = s.counts().await?;
                Ok((
                    seen.load(Ordering::SeqCst),
                    counts[jike_domain::Kind::Circuits],
                ))
            })
            .await
            .unwrap();
        assert!(
            waited,
            "the other task never ran: the read held the runtime thread"
        );
        assert_eq!(counted, 0, "the read ran against the store");
        db.cleanup().await;
    }

    #[tokio::test(flavor = "current_thread")]
    async fn a_failed_long_read_returns_its_error() {
        let db = TestDb::sqlite();
        let store = Store::open(&db.url).await.unwrap();
        let err = store
            .off_runtime(|s| async move { s.system().order("GD-none", chrono::Utc::now()).await })
            .await
            .unwrap_err();
        assert!(matches!(err, crate::StoreError::NotFound { .. }), "{err:?}");
        db.cleanup().await;
    }
}
