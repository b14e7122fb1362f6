//! Group commit on SQLite (`lite.rs`, issue 3): concurrent requests' transactions share one
//! COMMIT; a request that fails takes only its own work back; a request left waiting by a
//! cancelled one commits its group itself; every request returns only once its work is
//! committed.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use jike_store::testing::TestDb;
use jike_store::{Db, StoreError, Val};

async fn db() -> (TestDb, Arc<Db>) {
    let t = TestDb::sqlite();
    let db = Db::connect(&t.url).await.unwrap();
    db.migrate().await.unwrap();
    let mut tx = db.begin().await.unwrap();
    tx.conn()
        .execute(
            "CREATE TABLE probe (id INTEGER PRIMARY KEY, code TEXT NOT NULL UNIQUE)",
            &[],
        )
        .await
        .unwrap();
    tx.commit().await.unwrap();
    (t, Arc::new(db))
}

async fn count(db: &Db) -> i64 {
    let mut c = db.read().await.unwrap();
    let (n,): (i64,) = c
        .conn()
        .fetch_one("SELECT COUNT(*) FROM probe", &[])
        .await
        .unwrap();
    n
}

/// Inserts `code` and, when `fail`, a duplicate of it (a unique violation) after.
async fn insert(db: &Db, code: String, fail: bool) -> Result<(), StoreError> {
    let mut tx = db.begin().await?;
    tx.conn()
        .execute("INSERT INTO probe (code) VALUES ($1)", &[Val::text(&code)])
        .await?;
    // Let others queue behind this one.
    tokio::task::yield_now().await;
    if fail {
        tx.conn()
            .execute("INSERT INTO probe (code) VALUES ($1)", &[Val::text(&code)])
            .await?;
    }
    tx.commit().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_requests_share_commits_and_a_failure_takes_back_only_its_own_work() {
    let (_t, db) = db().await;
    let before = db.group_commits().unwrap();
    let tasks: Vec<_> = (0..400)
        .map(|i| {
            let db = db.clone();
            tokio::spawn(async move {
                let fail = i % 7 == 3;
                let result = insert(&db, format!("P{i}"), fail).await;
                // Answered: the work is committed and visible to a new reader.
                if result.is_ok() {
                    let mut c = db.read().await.unwrap();
                    let found: Option<(i64,)> = c
                        .conn()
                        .fetch_optional(
                            "SELECT id FROM probe WHERE code = $1",
                            &[Val::text(format!("P{i}"))],
                        )
                        .await
                        .unwrap();
                    assert!(found.is_some(), "P{i} answered before it was committed");
                }
                (fail, result)
            })
        })
        .collect();
    let mut ok = 0;
    for t in tasks {
        let (fail, result) = t.await.unwrap();
        match (fail, result) {
            (false, Ok(())) => ok += 1,
            (true, Err(StoreError::Sqlite(_))) => {}
            (fail, other) => panic!("fail={fail}: {other:?}"),
        }
    }
    assert_eq!(ok, (0..400).filter(|i| i % 7 != 3).count() as i64);
    assert_eq!(count(&db).await, ok);
    let after = db.group_commits().unwrap();
    let (commits, requests) = (after.0 - before.0, after.1 - before.1);
    assert_eq!(requests, ok as u64, "every committed request counted once");
    assert!(
        commits < requests,
        "some requests shared a commit: {commits} commits for {requests} requests"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_whose_successor_was_cancelled_commits_its_group_itself() {
    let (_t, db) = db().await;
    // A holds the writer; B queues behind it; A commits, sees B waiting and leaves the
    // commit to it; B is cancelled before its turn. A must still be committed and answer.
    let mut a = db.begin().await.unwrap();
    a.conn()
        .execute("INSERT INTO probe (code) VALUES ('A')", &[])
        .await
        .unwrap();
    // B's future is polled once, so it queues for the writer, and then never again.
    let mut queued = Box::pin(db.begin());
    std::future::poll_fn(|cx| {
        assert!(queued.as_mut().poll(cx).is_pending(), "B queues behind A");
        std::task::Poll::Ready(())
    })
    .await;
    let started = std::time::Instant::now();
    let committing = tokio::spawn(async move { a.commit().await });
    tokio::time::sleep(Duration::from_millis(10)).await;
    assert!(!committing.is_finished(), "A left the commit to B");
    drop(queued);
    let result = tokio::time::timeout(Duration::from_secs(5), committing)
        .await
        .expect("A answers")
        .unwrap();
    result.unwrap();
    assert!(
        started.elapsed() >= Duration::from_millis(40),
        "A waited for B first"
    );
    assert_eq!(count(&db).await, 1);
    // The writer is free and clean for the next request.
    insert(&db, "C".into(), false).await.unwrap();
    assert_eq!(count(&db).await, 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_import_commits_the_open_group_first() {
    let (_t, db) = db().await;
    let mut a = db.begin().await.unwrap();
    a.conn()
        .execute("INSERT INTO probe (code) VALUES ('A')", &[])
        .await
        .unwrap();
    let import = {
        let db = db.clone();
        tokio::spawn(async move {
            let mut tx = db.begin_import().await.unwrap();
            tx.conn()
                .execute("INSERT INTO probe (code) VALUES ('I')", &[])
                .await
                .unwrap();
            tx.commit().await
        })
    };
    let b = {
        let db = db.clone();
        tokio::spawn(async move { insert(&db, "B".into(), false).await })
    };
    tokio::time::sleep(Duration::from_millis(20)).await;
    a.commit().await.unwrap();
    import.await.unwrap().unwrap();
    b.await.unwrap().unwrap();
    assert_eq!(count(&db).await, 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_request_that_opened_its_group_takes_back_only_its_own_work() {
    let (_t, db) = db().await;
    // A opens a group (no savepoint: nobody else's work is in it yet); B and C queue behind.
    let mut a = db.begin().await.unwrap();
    a.conn()
        .execute("INSERT INTO probe (code) VALUES ('A')", &[])
        .await
        .unwrap();
    let queued: Vec<_> = ["B", "C"]
        .into_iter()
        .map(|code| {
            let db = db.clone();
            tokio::spawn(async move { insert(&db, code.into(), false).await })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(20)).await;
    let e = a
        .conn()
        .execute("INSERT INTO probe (code) VALUES ('A')", &[])
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Sqlite(_)), "{e:?}");
    drop(a);
    for q in queued {
        q.await.unwrap().unwrap();
    }
    let mut c = db.read().await.unwrap();
    let codes: Vec<(String,)> = c
        .conn()
        .fetch_all("SELECT code FROM probe ORDER BY code", &[])
        .await
        .unwrap();
    assert_eq!(codes, vec![("B".to_string(),), ("C".to_string(),)]);
}
