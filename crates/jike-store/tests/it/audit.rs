//! The audit log on SQLite and PostgreSQL: the chain verifies; an entry changed, deleted, moved
//! or cut off the end directly in the database (with the triggers out of the way, as an
//! attacker with database access would do) is found and named; the triggers refuse changes;
//! concurrent appenders keep one unbroken chain.

use chrono::{Duration, Utc};
use jike_store::audit::{entry_hash, AuditProblemKind};
use jike_store::testing::on_both;
use jike_store::*;
use serde_json::json;

/// Runs statements in one transaction, as someone with direct access to the database would.
async fn sql(store: &Store, statements: &[&str]) -> Result<(), StoreError> {
    let mut tx = store.db().begin().await?;
    for s in statements {
        tx.conn().execute(s, &[]).await?;
    }
    tx.commit().await
}

/// Takes the append-only triggers away.
async fn untrigger(store: &Store) {
    let statements: &[&str] = match store.backend() {
        Backend::Sqlite => &[
            "DROP TRIGGER audit_log_no_update",
            "DROP TRIGGER audit_log_no_delete",
        ],
        Backend::Postgres => &["ALTER TABLE audit_log DISABLE TRIGGER USER"],
    };
    sql(store, statements).await.unwrap();
}

fn entry(i: usize) -> AuditEntry {
    let (actor, action) = match i % 3 {
        0 => ("alice", "customers.update"),
        1 => ("bob", "orders.create"),
        _ => ("alice", "read.unmasked"),
    };
    let e = AuditEntry::new(actor, "admin", "10.0.0.7", action, format!("customers/{i}"));
    match i % 3 {
        0 => e
            .with_before(json!({"name": format!("客户{i}"), "grade": "gold"}))
            .with_after(json!({"name": format!("客户{i}"), "grade": "diamond"})),
        1 => e.with_after(json!({"code": format!("GD-{i}"), "note": ""})),
        _ => e,
    }
}

async fn seed(store: &Store, n: usize) {
    for i in 1..=n {
        assert_eq!(store.audit(&entry(i)).await.unwrap(), i as i64);
    }
}

async fn problem(store: &Store) -> jike_store::audit::AuditProblem {
    let report = store.audit_verify().await.unwrap();
    assert!(!report.ok, "{report:?}");
    report.problem.expect("a problem")
}

#[tokio::test]
async fn an_untouched_log_verifies_and_lists() {
    on_both(|store| async move {
        let empty = store.audit_verify().await.unwrap();
        assert!(empty.ok, "{empty:?}");
        assert_eq!(empty.entries, 0);
        assert_eq!(empty.head_seq, 0);

        seed(&store, 12).await;
        let report = store.audit_verify().await.unwrap();
        assert!(report.ok, "{report:?}");
        assert_eq!(report.entries, 12);
        assert_eq!(report.head_seq, 12);
        assert!(report.problem.is_none());

        // Newest first, in pages.
        let q = |limit, cursor: Option<String>| AuditQuery {
            limit: Some(limit),
            cursor,
            ..Default::default()
        };
        let first = store.audit_list(&q(5, None)).await.unwrap();
        let seqs: Vec<i64> = first.items.iter().map(|r| r.seq).collect();
        assert_eq!(seqs, [12, 11, 10, 9, 8]);
        assert_eq!(first.items[0].hash, report.head_hash);
        let second = store.audit_list(&q(5, first.next_cursor)).await.unwrap();
        assert_eq!(second.items[0].seq, 7);
        let third = store.audit_list(&q(5, second.next_cursor)).await.unwrap();
        assert_eq!(third.items.len(), 2);
        assert!(third.next_cursor.is_none());
        assert_eq!(third.items[1].prev_hash, audit::GENESIS_HASH);

        // What was stored is what is shown, in +08:00.
        let twelve = &first.items[0];
        assert_eq!(twelve.actor, "alice");
        assert_eq!(twelve.role, "admin");
        assert_eq!(twelve.source, "10.0.0.7");
        assert_eq!(twelve.action, "customers.update");
        assert_eq!(twelve.object, "customers/12");
        assert_eq!(twelve.before.as_ref().unwrap()["grade"], "gold");
        assert_eq!(twelve.after.as_ref().unwrap()["grade"], "diamond");
        assert_eq!(twelve.at.offset().local_minus_utc(), 8 * 3600);
        assert!((Utc::now() - twelve.at.to_utc()).num_seconds().abs() < 60);
        let eleven = &first.items[1];
        assert_eq!((&eleven.before, &eleven.after), (&None, &None));
        let ten = &first.items[2];
        assert_eq!(ten.before, None);
        assert_eq!(ten.after.as_ref().unwrap()["note"], "");

        // Filters.
        let list = |q: AuditQuery| {
            let store = store.clone();
            async move {
                store
                    .audit_list(&q)
                    .await
                    .unwrap()
                    .items
                    .iter()
                    .map(|r| r.seq)
                    .collect::<Vec<_>>()
            }
        };
        assert_eq!(
            list(AuditQuery {
                actor: Some("bob".into()),
                ..Default::default()
            })
            .await,
            [10, 7, 4, 1]
        );
        assert_eq!(
            list(AuditQuery {
                action: Some("read.*".into()),
                ..Default::default()
            })
            .await,
            [11, 8, 5, 2]
        );
        assert_eq!(
            list(AuditQuery {
                actor: Some("alice".into()),
                action: Some("customers.update".into()),
                limit: Some(2),
                ..Default::default()
            })
            .await,
            [12, 9]
        );
        assert_eq!(
            list(AuditQuery {
                object: Some("customers/1*".into()),
                ..Default::default()
            })
            .await,
            [12, 11, 10, 1]
        );
        assert_eq!(
            list(AuditQuery {
                object: Some("customers/1".into()),
                ..Default::default()
            })
            .await,
            [1]
        );
        let now = Utc::now();
        assert_eq!(
            list(AuditQuery {
                since: Some(now - Duration::minutes(5)),
                until: Some(now + Duration::minutes(5)),
                limit: Some(3),
                ..Default::default()
            })
            .await,
            [12, 11, 10]
        );
        assert!(list(AuditQuery {
            since: Some(now + Duration::minutes(5)),
            ..Default::default()
        })
        .await
        .is_empty());
        assert!(list(AuditQuery {
            until: Some(now - Duration::minutes(5)),
            ..Default::default()
        })
        .await
        .is_empty());

        // Bad paging is refused, naming the field.
        for (q, field) in [
            (q(0, None), "limit"),
            (q(MAX_LIMIT + 1, None), "limit"),
            (q(5, Some("abc".into())), "cursor"),
        ] {
            match store.audit_list(&q).await {
                Err(StoreError::Invalid(e)) => assert_eq!(e[0].field, field),
                other => panic!("{other:?}"),
            }
        }

        // An entry needs an actor and an action.
        let mut nobody = entry(1);
        nobody.actor = " ".into();
        assert!(matches!(
            store.audit(&nobody).await,
            Err(StoreError::Invalid(_))
        ));
        assert!(store.audit_verify().await.unwrap().ok);
    })
    .await;
}

#[tokio::test]
async fn the_triggers_refuse_changes() {
    on_both(|store| async move {
        seed(&store, 3).await;
        let zeros = audit::GENESIS_HASH;
        let refused = [
            "UPDATE audit_log SET actor = 'mallory' WHERE seq = 2".to_string(),
            "DELETE FROM audit_log WHERE seq = 3".to_string(),
            "DELETE FROM audit_log".to_string(),
            "UPDATE audit_head SET seq = 2".to_string(),
            format!("UPDATE audit_head SET seq = 4, hash = '{zeros}'"),
            "DELETE FROM audit_head".to_string(),
            // An entry that does not follow the head.
            format!(
                "INSERT INTO audit_log (seq, at, actor, role, source, action, object, prev_hash, hash) \
                 VALUES (9, 't', 'a', 'r', 's', 'x', 'o', '{zeros}', '{zeros}')"
            ),
        ];
        for statement in &refused {
            assert!(
                sql(&store, &[statement]).await.is_err(),
                "not refused: {statement}"
            );
        }
        if store.backend() == Backend::Postgres {
            assert!(sql(&store, &["TRUNCATE audit_log CASCADE"]).await.is_err());
        }
        let report = store.audit_verify().await.unwrap();
        assert!(report.ok, "{report:?}");
        assert_eq!(report.entries, 3);
    })
    .await;
}

#[tokio::test]
async fn an_edited_entry_is_named() {
    on_both(|store| async move {
        seed(&store, 6).await;
        untrigger(&store).await;
        sql(
            &store,
            &[r#"UPDATE audit_log SET after = '{"grade":"bronze"}' WHERE seq = 3"#],
        )
        .await
        .unwrap();
        let p = problem(&store).await;
        assert_eq!((p.seq, p.kind), (3, AuditProblemKind::Edited), "{p:?}");
        assert!(p.message.contains("entry 3 was changed"), "{}", p.message);
        let report = store.audit_verify().await.unwrap();
        assert_eq!(report.entries, 2, "entries 1 and 2 are intact");
    })
    .await;
}

#[tokio::test]
async fn a_null_turned_empty_is_an_edit() {
    on_both(|store| async move {
        seed(&store, 3).await;
        untrigger(&store).await;
        // Entry 2 (read.unmasked) has no before: an empty text is not the same.
        sql(&store, &["UPDATE audit_log SET before = '' WHERE seq = 2"])
            .await
            .unwrap();
        let p = problem(&store).await;
        assert_eq!((p.seq, p.kind), (2, AuditProblemKind::Edited), "{p:?}");
    })
    .await;
}

#[tokio::test]
async fn a_rehashed_entry_is_named_by_the_next_one() {
    on_both(|store| async move {
        seed(&store, 5).await;
        untrigger(&store).await;
        // The attacker changes entry 3 and recomputes its hash, but not the entries after it.
        let row = &store
            .audit_list(&AuditQuery {
                limit: Some(1),
                cursor: Some("4".into()),
                ..Default::default()
            })
            .await
            .unwrap()
            .items[0];
        assert_eq!(row.seq, 3);
        let at = row
            .at
            .to_utc()
            .to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
        let hash = entry_hash(
            &row.prev_hash,
            3,
            &at,
            "mallory",
            &row.role,
            &row.source,
            &row.action,
            &row.object,
            None,
            None,
        );
        sql(
            &store,
            &[&format!(
                "UPDATE audit_log SET actor = 'mallory', before = NULL, after = NULL, \
                 hash = '{hash}' WHERE seq = 3"
            )],
        )
        .await
        .unwrap();
        let p = problem(&store).await;
        assert_eq!((p.seq, p.kind), (3, AuditProblemKind::Edited), "{p:?}");
        assert!(p.message.contains("entry 4 still names"), "{}", p.message);
    })
    .await;
}

#[tokio::test]
async fn a_deleted_entry_is_named() {
    on_both(|store| async move {
        seed(&store, 6).await;
        untrigger(&store).await;
        sql(&store, &["DELETE FROM audit_log WHERE seq IN (3, 4)"])
            .await
            .unwrap();
        let p = problem(&store).await;
        assert_eq!((p.seq, p.kind), (3, AuditProblemKind::Deleted), "{p:?}");
        assert!(p.message.contains("entries 3 to 4"), "{}", p.message);
    })
    .await;
}

#[tokio::test]
async fn swapped_entries_are_named() {
    on_both(|store| async move {
        seed(&store, 6).await;
        untrigger(&store).await;
        sql(
            &store,
            &[
                "UPDATE audit_log SET seq = -1 WHERE seq = 4",
                "UPDATE audit_log SET seq = 4 WHERE seq = 2",
                "UPDATE audit_log SET seq = 2 WHERE seq = -1",
            ],
        )
        .await
        .unwrap();
        let p = problem(&store).await;
        assert_eq!((p.seq, p.kind), (2, AuditProblemKind::Reordered), "{p:?}");
        assert!(
            p.message
                .contains("entry 2 holds what was written as entry 4"),
            "{}",
            p.message
        );
    })
    .await;
}

#[tokio::test]
async fn deleting_the_newest_entries_is_found() {
    on_both(|store| async move {
        seed(&store, 6).await;
        untrigger(&store).await;
        sql(&store, &["DELETE FROM audit_log WHERE seq = 6"])
            .await
            .unwrap();
        let p = problem(&store).await;
        assert_eq!((p.seq, p.kind), (6, AuditProblemKind::Truncated), "{p:?}");
        assert!(p.message.contains("entry 6 is missing"), "{}", p.message);
        let report = store.audit_verify().await.unwrap();
        assert_eq!(report.entries, 5);
        assert_eq!(report.head_seq, 6);

        // Deleting the head too, to hide it, is found as well.
        let drop_head: &[&str] = match store.backend() {
            Backend::Sqlite => &[
                "DROP TRIGGER audit_head_no_delete",
                "DELETE FROM audit_head",
            ],
            Backend::Postgres => &[
                "ALTER TABLE audit_head DISABLE TRIGGER USER",
                "DELETE FROM audit_head",
            ],
        };
        sql(&store, drop_head).await.unwrap();
        let p = problem(&store).await;
        assert_eq!((p.seq, p.kind), (6, AuditProblemKind::Truncated), "{p:?}");
        // And appending refuses to go on without a head.
        assert!(matches!(
            store.audit(&entry(7)).await,
            Err(StoreError::Corrupt(_))
        ));
    })
    .await;
}

#[tokio::test]
async fn concurrent_appenders_keep_one_chain() {
    on_both(|store| async move {
        let tasks = 8;
        let each = if store.backend() == Backend::Postgres {
            50
        } else {
            20
        };
        let mut handles = Vec::new();
        for t in 0..tasks {
            let store = store.clone();
            handles.push(tokio::spawn(async move {
                for i in 0..each {
                    store
                        .audit(&AuditEntry::new(
                            format!("user{t}"),
                            "dispatcher",
                            "10.0.0.1",
                            "orders.event",
                            format!("orders/{t}-{i}"),
                        ))
                        .await
                        .unwrap();
                }
            }));
        }
        for h in handles {
            h.await.unwrap();
        }
        let report = store.audit_verify().await.unwrap();
        assert!(report.ok, "{report:?}");
        assert_eq!(report.entries, (tasks * each) as u64);
        assert_eq!(report.head_seq, (tasks * each) as i64);
    })
    .await;
}
