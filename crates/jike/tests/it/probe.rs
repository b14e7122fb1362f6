//! What a security and fault probe found (issue 14), each reproduced through the real
//! `jike serve` on SQLite and PostgreSQL:
//!
//! - a NUL character or invalid UTF-8 in any text (query filters, ids in paths, JSON fields) is
//!   a 4xx naming the field, never a 500 (PostgreSQL refuses NUL in text) nor stored as is;
//! - impossible instants (`0000-01-01`) are refused naming the field;
//! - parallel wrong passwords do not bypass the slow-down and the lock;
//! - logging out with the session cookie needs the CSRF token;
//! - with the database gone, the API answers 503 with `Retry-After` at once;
//! - `jike serve --demo` on a port already taken fails before it fills the database.
//!
//! And the parallel fault process (R-F2, R-F4): the support room contacts the customer before
//! the lead room accepts; 驳回 needs a reason.

use crate::common;

use std::time::{Duration, Instant};

use common::{jike, Server};
use jike_store::testing::TestDb;
use serde_json::{json, Value};

async fn send(request: reqwest::RequestBuilder) -> (u16, Value) {
    let r = request.send().await.unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

/// The fields a 422 names.
fn fields(problem: &Value) -> Vec<String> {
    problem["errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .map(|e| e["field"].as_str().unwrap_or_default().to_string())
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn nul_bytes_bad_utf8_and_impossible_instants_are_refused_naming_the_field() {
    for db in TestDb::both().await {
        let server = Server::start(&db.url, &[]);
        let http = server.client();
        // Query filters and ids in paths.
        for (path, field) in [
            ("/api/v1/circuits?q=a%00b", "q"),
            ("/api/v1/circuits?code_prefix=%00", "code_prefix"),
            ("/api/v1/orders?customer=C%00", "customer"),
            ("/api/v1/audit?actor=%00", "actor"),
            ("/api/v1/circuits/GD%00-1", "path"),
            ("/api/v1/orders/%00", "path"),
            ("/api/v1/circuits?q=%FF%FE", "q"),
            ("/api/v1/elements/1/config?file_name=a%00.cfg", "file_name"),
        ] {
            let (status, problem) = send(http.get(server.url(path))).await;
            assert_eq!(status, 422, "{path}: {problem}");
            assert_eq!(fields(&problem), [field], "{path}: {problem}");
        }
        // JSON fields: the login name (no credentials needed), a user's display name, a
        // token's name, an order's title.
        let anonymous = reqwest::Client::new();
        let (status, problem) = send(
            anonymous
                .post(server.url("/api/v1/auth/login"))
                .json(&json!({"name": "admin\u{0}", "password": "x"})),
        )
        .await;
        assert_eq!(status, 422, "{problem}");
        assert_eq!(fields(&problem), ["name"]);
        for (path, body, field) in [
            (
                "/api/v1/users",
                json!({"name": "li.si", "role": "auditor", "display_name": "李\u{0}四"}),
                "display_name",
            ),
            ("/api/v1/tokens", json!({"name": "ci\u{0}"}), "name"),
            (
                "/api/v1/orders",
                json!({"kind": "fault", "title": "中断", "grade": "gold", "alarms": [{"alarm_id": "A\u{0}"}]}),
                "alarms[0].alarm_id",
            ),
        ] {
            let (status, problem) = send(http.post(server.url(path)).json(&body)).await;
            assert_eq!(status, 422, "{path}: {problem}");
            assert_eq!(fields(&problem), [field], "{path}: {problem}");
        }
        // Impossible instants: refused before they make an order breached by centuries.
        let (status, problem) = send(http.post(server.url("/api/v1/orders")).json(&json!({
            "kind": "fault", "title": "中断", "grade": "gold", "occurred_at": "0000-01-01T00:00:00Z"
        })))
        .await;
        assert_eq!(status, 422, "{problem}");
        assert_eq!(fields(&problem), ["occurred_at"]);
        let (status, problem) = send(http.post(server.url("/api/v1/orders")).json(&json!({
            "kind": "fault", "title": "中断", "grade": "gold",
            "alarms": [{"alarm_id": "A1", "raised_at": "2099-01-01T00:00:00+08:00"}]
        })))
        .await;
        assert_eq!(status, 422, "{problem}");
        assert_eq!(fields(&problem), ["alarms[0].raised_at"]);
        // An unknown region or contractor in a filter is refused, not an empty page.
        for (path, field, says) in [
            (
                "/api/v1/orders?region=NOWHERE",
                "region",
                "no region with code 'NOWHERE'",
            ),
            (
                "/api/v1/orders?contractor=CT99",
                "contractor",
                "no contractor with code 'CT99'",
            ),
            (
                "/api/v1/circuits?region=NOWHERE",
                "region",
                "no region with code 'NOWHERE'",
            ),
            (
                "/api/v1/elements?region=NOWHERE",
                "region",
                "no region with code 'NOWHERE'",
            ),
            (
                "/api/v1/contractors?region=NOWHERE",
                "region",
                "no region with code 'NOWHERE'",
            ),
        ] {
            let (status, problem) = send(http.get(server.url(path))).await;
            assert_eq!(status, 422, "{path}: {problem}");
            assert_eq!(fields(&problem), [field], "{path}: {problem}");
            assert!(problem.to_string().contains(says), "{path}: {problem}");
        }
        // Nothing of the above was written.
        let (_, orders) = send(http.get(server.url("/api/v1/orders"))).await;
        assert_eq!(orders["items"], json!([]), "{orders}");
        db.cleanup().await;
    }
}

#[tokio::test]
async fn the_support_room_contacts_the_customer_before_the_lead_room_accepts() {
    for db in TestDb::both().await {
        let server = Server::start(&db.url, &[]);
        let http = server.client();
        let (status, order) = send(http.post(server.url("/api/v1/orders")).json(&json!({
            "kind": "fault", "title": "专线中断", "grade": "gold"
        })))
        .await;
        assert_eq!(status, 201, "{order}");
        let events = server.url(&format!("/api/v1/orders/{}/events", order["id"]));
        let post = |body: Value| send(http.post(&events).json(&body));
        // R-MD: nothing says who maintains it (no circuit, no element): dispatched to no
        // contractor would reach no technician, so it is refused naming the field.
        assert_eq!(order["contractor_code"], Value::Null, "{order}");
        let (status, problem) = post(json!({"type": "dispatched"})).await;
        assert_eq!(status, 422, "{problem}");
        assert_eq!(fields(&problem), ["contractor_code"]);
        let (status, c) = send(http.post(server.url("/api/v1/contractors")).json(&json!({
            "code": "CT01", "name": "广州代维", "contract_start": "2026-01-01", "contract_end": "2027-12-31"
        })))
        .await;
        assert_eq!(status, 201, "{c}");
        let (status, o) = post(json!({"type": "dispatched", "contractor_code": "CT01"})).await;
        assert_eq!(status, 201, "{o}");
        assert_eq!(o["contractor_code"], "CT01");
        assert_eq!(o["contractor_basis"], "given");
        // R-F4: in parallel, before acceptance; each stops its own clock.
        for kind in ["customer_contacted", "en_route", "update_published"] {
            let (status, o) = post(json!({"type": kind})).await;
            assert_eq!(status, 201, "{kind}: {o}");
            assert_eq!(o["state"], "dispatched", "{kind}: {o}");
        }
        // 驳回 without a reason is refused, naming the field.
        let (status, problem) = post(json!({"type": "rejected"})).await;
        assert_eq!(status, 422, "{problem}");
        assert_eq!(fields(&problem), ["reason"]);
        let (status, o) = post(json!({"type": "accepted"})).await;
        assert_eq!(status, 201, "{o}");
        assert_eq!(o["state"], "in_progress", "{o}");
        // What cannot happen is still refused: closed before confirmed.
        let (status, refused) = post(json!({"type": "closed"})).await;
        assert_eq!(status, 409, "{refused}");
        db.cleanup().await;
    }
}

#[tokio::test]
async fn parallel_wrong_passwords_are_slowed_and_lock_over_http() {
    for db in TestDb::both().await {
        let (ok, _, err) = jike(
            &db.url,
            &[
                "user",
                "add",
                "--name",
                "wang.wu",
                "--role",
                "auditor",
                "--password-stdin",
            ],
            Some("Shenji-2026-ok\n"),
        );
        assert!(ok, "{err}");
        let server = Server::start(&db.url, &[]);
        let login = server.url("/api/v1/auth/login");
        let mut attempts = vec![];
        for _ in 0..100 {
            let login = login.clone();
            attempts.push(tokio::spawn(async move {
                reqwest::Client::new()
                    .post(login)
                    .json(&json!({"name": "wang.wu", "password": "wrong-password-1"}))
                    .send()
                    .await
                    .unwrap()
                    .status()
                    .as_u16()
            }));
        }
        let mut statuses = vec![];
        for a in attempts {
            statuses.push(a.await.unwrap());
        }
        let unauthorized = statuses.iter().filter(|s| **s == 401).count();
        let locked = statuses.iter().filter(|s| **s == 429).count();
        // The default policy locks at the fifth failure in a row.
        assert_eq!((unauthorized, locked), (4, 96), "{statuses:?}");
        let (status, _) = send(
            reqwest::Client::new()
                .post(&login)
                .json(&json!({"name": "wang.wu", "password": "Shenji-2026-ok"})),
        )
        .await;
        assert_eq!(status, 429, "the lock holds against the right password");
        db.cleanup().await;
    }
}

#[tokio::test]
async fn serve_with_demo_on_a_taken_port_fails_before_filling_the_database() {
    let db = TestDb::sqlite();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let started = Instant::now();
    let (ok, _, err) = jike(
        &db.url,
        &["serve", "--demo", "--listen", &format!("127.0.0.1:{port}")],
        None,
    );
    assert!(!ok);
    assert!(
        err.contains(&format!("cannot serve on 127.0.0.1:{port}")),
        "{err}"
    );
    assert!(
        !err.contains("demo dataset"),
        "the demo was loaded first: {err}"
    );
    assert!(started.elapsed() < Duration::from_secs(20));
    let (ok, out, err) = jike(&db.url, &["export", "customers", "--format", "csv"], None);
    assert!(ok, "{err}");
    assert_eq!(out.lines().count(), 1, "only the header: {out}");
    db.cleanup().await;
}

/// A TCP relay to PostgreSQL that can be cut: the database "goes away" for the server while the
/// real PostgreSQL keeps serving the other tests.
struct Relay {
    port: u16,
    cut: tokio::sync::watch::Sender<bool>,
}

impl Relay {
    async fn start(target: &str) -> Relay {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let (cut, cut_rx) = tokio::sync::watch::channel(false);
        let target = target.to_string();
        tokio::spawn(async move {
            loop {
                let Ok((mut inbound, _)) = listener.accept().await else {
                    return;
                };
                if *cut_rx.borrow() {
                    drop(inbound);
                    continue;
                }
                let target = target.clone();
                let mut cut = cut_rx.clone();
                tokio::spawn(async move {
                    let Ok(mut outbound) = tokio::net::TcpStream::connect(&target).await else {
                        return;
                    };
                    tokio::select! {
                        _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound) => {}
                        _ = cut.wait_for(|c| *c) => {}
                    }
                });
            }
        });
        Relay { port, cut }
    }
}

// Multi-threaded: the relay must keep forwarding while the test blocks on the `jike` commands
// that start the server.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_the_database_gone_the_api_answers_503_with_retry_after_at_once() {
    let Some(db) = TestDb::postgres().await else {
        eprintln!("PostgreSQL does not answer: skipped");
        return;
    };
    let relay = Relay::start("127.0.0.1:5432").await;
    let url = db
        .url
        .replacen("127.0.0.1:5432", &format!("127.0.0.1:{}", relay.port), 1)
        .replacen("localhost:5432", &format!("127.0.0.1:{}", relay.port), 1);
    assert_ne!(url, db.url, "the test database is on 127.0.0.1:5432");
    let server = Server::start(&url, &[]);
    let http = server.client();
    let (status, _) = send(http.get(server.url("/api/v1/circuits"))).await;
    assert_eq!(status, 200);
    relay.cut.send(true).unwrap();
    for path in ["/healthz", "/api/v1/circuits", "/api/v1/orders"] {
        let started = Instant::now();
        let r = http.get(server.url(path)).send().await.unwrap();
        let took = started.elapsed();
        assert_eq!(r.status(), 503, "{path}");
        assert_eq!(
            r.headers().get("retry-after").and_then(|v| v.to_str().ok()),
            Some("5"),
            "{path}"
        );
        let problem: Value = r.json().await.unwrap();
        assert!(
            problem["detail"]
                .as_str()
                .unwrap()
                .contains("Idempotency-Key")
                || path == "/healthz",
            "{problem}"
        );
        assert!(took < Duration::from_secs(6), "{path} took {took:?}");
    }
    // A write whose outcome the server cannot know says so, and is safe to retry.
    let r = http
        .post(server.url("/api/v1/orders"))
        .header("idempotency-key", "probe-1")
        .json(&json!({"kind": "fault", "title": "中断", "grade": "gold"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 503);
    // The database is back: the same request with the same key is made once.
    relay.cut.send(false).unwrap();
    let mut created = None;
    for _ in 0..20 {
        let r = http
            .post(server.url("/api/v1/orders"))
            .header("idempotency-key", "probe-1")
            .json(&json!({"kind": "fault", "title": "中断", "grade": "gold"}))
            .send()
            .await
            .unwrap();
        if r.status().is_success() {
            created = Some(r.json::<Value>().await.unwrap());
            break;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    let created = created.expect("the database came back");
    let (_, orders) = send(http.get(server.url("/api/v1/orders"))).await;
    assert_eq!(orders["items"].as_array().unwrap().len(), 1, "{created}");
    drop(server);
    db.cleanup().await;
}
