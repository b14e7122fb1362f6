//! The real `jike` binary: `jike audit verify` passes on an untouched log and fails, naming the
//! entry, after a row is changed directly in the database; `jike audit list`.

use std::process::{Command, Output};

use jike_store::{AuditEntry, Store};
use serde_json::{json, Value};

fn jike(db: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_jike"))
        .args(args)
        .args(["--database", db])
        .env_remove("JIKE_DATABASE")
        .env_remove("JIKE_CONFIG")
        .env("JIKE_LOG", "warn")
        .output()
        .expect("run jike")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn code(out: &Output) -> i32 {
    out.status.code().expect("exit code")
}

fn json_of(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", text(&out.stdout)))
}

/// Statements run directly on the database, as someone with access to it would.
async fn tamper(db: &str, statements: &[&str]) {
    let store = Store::connect(db).await.unwrap();
    let mut tx = store.db().begin().await.unwrap();
    for s in statements {
        tx.conn().execute(s, &[]).await.unwrap();
    }
    tx.commit().await.unwrap();
    store.close().await;
}

#[tokio::test]
async fn verify_passes_untouched_and_names_the_changed_entry() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("jike.db").display());

    // An empty log is intact.
    let out = jike(&db, &["audit", "verify"]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).starts_with("audit log intact: 0 entries"),
        "{}",
        text(&out.stdout)
    );

    let store = Store::open(&db).await.unwrap();
    for i in 1..=5 {
        let (actor, action) = if i % 2 == 0 {
            ("bob", "read.unmasked")
        } else {
            ("alice", "customers.update")
        };
        let entry = AuditEntry::new(actor, "admin", "10.0.0.7", action, format!("customers/{i}"))
            .with_before(json!({"grade": "gold"}))
            .with_after(json!({"grade": "diamond", "name": "客户"}));
        store.audit(&entry).await.unwrap();
    }
    store.close().await;

    let out = jike(&db, &["audit", "verify"]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).starts_with("audit log intact: 5 entries"),
        "{}",
        text(&out.stdout)
    );
    let out = jike(&db, &["audit", "verify", "--json"]);
    assert_eq!(code(&out), 0);
    let report = json_of(&out);
    assert_eq!(report["ok"], true);
    assert_eq!(report["entries"], 5);
    assert_eq!(report["head_seq"], 5);
    assert_eq!(report["problem"], Value::Null);

    // Listing: newest first, in pages, filtered.
    let out = jike(&db, &["audit", "list", "--limit", "2"]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let listed = text(&out.stdout);
    let first_lines: Vec<&str> = listed
        .lines()
        .filter(|l| !l.trim_start().starts_with("before:") && !l.trim_start().starts_with("after:"))
        .collect();
    assert!(first_lines.len() == 3, "{listed}");
    assert!(first_lines[0].trim_start().starts_with("5  "), "{listed}");
    assert!(first_lines[0].contains("+08:00"), "{listed}");
    assert!(
        first_lines[0].contains("alice (admin) from 10.0.0.7"),
        "{listed}"
    );
    assert!(
        first_lines[0].contains("customers.update  customers/5"),
        "{listed}"
    );
    assert!(
        listed.contains("after: {\"grade\":\"diamond\",\"name\":\"客户\"}"),
        "{listed}"
    );
    assert_eq!(first_lines[2], "more: --cursor 4");
    let out = jike(&db, &["audit", "list", "--json", "--actor", "bob"]);
    assert_eq!(code(&out), 0);
    let page = json_of(&out);
    let seqs: Vec<i64> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["seq"].as_i64().unwrap())
        .collect();
    assert_eq!(seqs, [4, 2]);
    assert_eq!(page["items"][0]["action"], "read.unmasked");
    let out = jike(
        &db,
        &[
            "audit",
            "list",
            "--json",
            "--action",
            "customers.*",
            "--limit",
            "1",
        ],
    );
    let page = json_of(&out);
    assert_eq!(page["items"][0]["seq"], 5);
    assert_eq!(page["next_cursor"], "5");

    // Someone with access to the database changes entry 3 behind jike's back.
    tamper(
        &db,
        &[
            "DROP TRIGGER audit_log_no_update",
            r#"UPDATE audit_log SET after = '{"grade":"bronze"}' WHERE seq = 3"#,
        ],
    )
    .await;
    let out = jike(&db, &["audit", "verify"]);
    assert_eq!(code(&out), 1, "{}", text(&out.stdout));
    let message = text(&out.stderr);
    assert!(
        message.contains("entry 3 was changed after it was written"),
        "{message}"
    );
    assert!(
        message.contains("2 entries before it are intact"),
        "{message}"
    );
    let out = jike(&db, &["audit", "verify", "--json"]);
    assert_eq!(code(&out), 1);
    let report = json_of(&out);
    assert_eq!(report["ok"], false);
    assert_eq!(report["problem"]["seq"], 3);
    assert_eq!(report["problem"]["kind"], "edited");

    // Usage errors are 2.
    let out = jike(&db, &["audit", "verify", "--bogus"]);
    assert_eq!(code(&out), 2);
    let out = jike(&db, &["audit", "list", "--since", "yesterday"]);
    assert_eq!(code(&out), 2);
}

#[tokio::test]
async fn verify_names_entries_deleted_from_the_end() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("jike.db").display());
    let store = Store::open(&db).await.unwrap();
    for i in 1..=4 {
        store
            .audit(&AuditEntry::new(
                "cli",
                "admin",
                "cli",
                "user.add",
                format!("users/{i}"),
            ))
            .await
            .unwrap();
    }
    store.close().await;
    tamper(
        &db,
        &[
            "DROP TRIGGER audit_log_no_delete",
            "DELETE FROM audit_log WHERE seq >= 3",
        ],
    )
    .await;
    let out = jike(&db, &["audit", "verify"]);
    assert_eq!(code(&out), 1);
    let message = text(&out.stderr);
    assert!(
        message.contains("entries 3 to 4 are missing from the end"),
        "{message}"
    );
    assert!(message.contains("truncated"), "{message}");
}
