//! Work orders through the real `jike serve`, on SQLite and PostgreSQL: an order of every grade
//! walked through its whole lifecycle over HTTP, the refusals (409 with the allowed events, 422
//! naming the field), idempotent creation, the scheduler firing due timers, and the evaluator as
//! a service.

use crate::common;

use chrono::{DateTime, Duration, FixedOffset, Utc};
use common::Server;
use jike_store::testing::TestDb;
use serde_json::{json, Value};

fn at(t: DateTime<Utc>) -> String {
    t.with_timezone(&FixedOffset::east_opt(8 * 3600).unwrap())
        .to_rfc3339()
}

async fn get(http: &reqwest::Client, url: String) -> Value {
    let r = http.get(&url).send().await.unwrap();
    assert!(r.status().is_success(), "GET {url}: {}", r.status());
    r.json().await.unwrap()
}

async fn post(http: &reqwest::Client, url: String, body: Value) -> (u16, Value) {
    let r = http.post(&url).json(&body).send().await.unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

/// A circuit of a customer of `grade` in the demo dataset.
async fn circuit_of_grade(http: &reqwest::Client, server: &Server, grade: &str) -> String {
    let customers = get(
        http,
        server.url(&format!("/api/v1/customers?grade={grade}&limit=50")),
    )
    .await;
    for c in customers["items"].as_array().unwrap() {
        let code = c["code"].as_str().unwrap();
        let circuits = get(
            http,
            server.url(&format!("/api/v1/circuits?customer={code}&limit=1")),
        )
        .await;
        if let Some(first) = circuits["items"].as_array().unwrap().first() {
            return first["code"].as_str().unwrap().to_string();
        }
    }
    panic!("the demo has no circuit of a {grade} customer");
}

fn clock<'a>(order: &'a Value, name: &str) -> &'a Value {
    order["sla"]["clocks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .unwrap()
}

#[tokio::test]
async fn orders_walk_their_lifecycle_through_the_real_server_on_both_databases() {
    for db in TestDb::both().await {
        // The inventory only: the lists below count the orders this test makes.
        let server = Server::start(&db.url, &["--demo", "--no-demo-orders"]);
        let http = server.client();
        let orders = server.url("/api/v1/orders");
        // Whole seconds: SLA instants are kept to the second.
        let now = DateTime::from_timestamp(Utc::now().timestamp(), 0).unwrap();
        let t0 = now - Duration::hours(5);
        let m = |minutes: i64| at(t0 + Duration::minutes(minutes));

        for grade in ["diamond", "gold", "silver", "bronze", "standard"] {
            let circuit = circuit_of_grade(&http, &server, grade).await;
            let (status, order) = post(
                &http,
                orders.clone(),
                json!({
                    "kind": "故障",
                    "title": format!("{grade} 专线中断"),
                    "circuit_codes": [circuit],
                    "failed_hop": 1,
                    "alarms": [{"alarm_id": "ALM-9", "transmission": true, "text": "R_LOS"}],
                    "occurred_at": m(0),
                }),
            )
            .await;
            assert_eq!(status, 201, "{order}");
            assert_eq!(order["grade"], grade, "R-SL3: from the customer");
            assert_eq!(order["lead_room"], "transport", "R-F2");
            assert!(order["contractor_code"].is_string(), "R-MD: {order}");
            assert_eq!(order["occurred_at"], m(0), "times come back in +08:00");
            let events = server.url(&format!("/api/v1/orders/{}/events", order["id"]));
            let step = |kind: &str, minutes: i64| json!({"type": kind, "at": m(minutes), "actor": "张工", "note": "ok"});
            for (kind, minutes) in [
                ("dispatched", 2),
                ("accepted", 5),
                ("customer_contacted", 8),
                ("en_route", 10),
                ("on_site", 60),
            ] {
                let (status, body) = post(&http, events.clone(), step(kind, minutes)).await;
                assert_eq!(status, 201, "{kind}: {body}");
            }
            // R-C3: a suspension without approval is refused, naming what it lacks.
            let (status, body) = post(&http, events.clone(), step("suspended", 70)).await;
            assert_eq!(status, 409, "{body}");
            let (status, _) = post(
                &http,
                events.clone(),
                json!({"type": "挂起", "at": m(70), "reason": "客户机房无法进入", "approved_by": "李经理"}),
            )
            .await;
            assert_eq!(status, 201);
            let (_, suspended) = post(&http, events.clone(), step("resumed", 100)).await;
            assert_eq!(clock(&suspended, "restore")["paused_seconds"], 1800);
            let (_, restored) = post(&http, events.clone(), step("restored", 130)).await;
            assert_eq!(restored["state"], "restored");
            assert_eq!(clock(&restored, "restore")["state"], "met");
            // R-F10: not confirmed before an hour of observation; 409 lists what is allowed.
            let (status, refused) = post(&http, events.clone(), step("confirmed", 150)).await;
            assert_eq!(status, 409, "{refused}");
            assert_eq!(refused["state"], "restored");
            assert!(refused["allowed_events"]
                .as_array()
                .unwrap()
                .contains(&json!("observing")));
            for (kind, minutes) in [
                ("observing", 131),
                ("confirmed", 195),
                ("replied", 200),
                ("closed", 210),
            ] {
                let (status, body) = post(&http, events.clone(), step(kind, minutes)).await;
                assert_eq!(status, 201, "{kind}: {body}");
            }
            let done = get(
                &http,
                server.url(&format!(
                    "/api/v1/orders/{}",
                    order["code"].as_str().unwrap()
                )),
            )
            .await;
            assert_eq!(done["state"], "closed");
            assert_eq!(done["events"].as_array().unwrap().len(), 13);
            assert_eq!(done["allowed_events"], json!(["reopened"]));
        }
        let closed = get(&http, server.url("/api/v1/orders?state=closed&limit=10")).await;
        assert_eq!(closed["items"].as_array().unwrap().len(), 5);

        // Idempotent creation by another system.
        let circuit = circuit_of_grade(&http, &server, "gold").await;
        let body = json!({"kind": "fault", "title": "EOMS 工单", "circuit_codes": [circuit],
                          "occurred_at": at(now - Duration::hours(5))});
        let send = || {
            http.post(&orders)
                .header("Idempotency-Key", "EOMS-2025-0001")
                .json(&body)
                .send()
        };
        let first = send().await.unwrap();
        assert_eq!(first.status(), 201);
        let first: Value = first.json().await.unwrap();
        let again = send().await.unwrap();
        assert_eq!(again.status(), 200);
        assert_eq!(again.headers()["idempotent-replayed"], "true");
        let again: Value = again.json().await.unwrap();
        assert_eq!(first["id"], again["id"]);

        // The list carries each order's most urgent clock: a closed order whose clocks were
        // all met has none; a 5-hour-old order nobody touched shows a clock breached now.
        for item in closed["items"].as_array().unwrap() {
            assert!(item["sla_summary"].is_null(), "{item}");
        }
        let open = get(&http, server.url("/api/v1/orders?state=new&limit=50")).await;
        let listed = open["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|o| o["id"] == first["id"])
            .expect("the new order is listed");
        let summary = &listed["sla_summary"];
        assert_eq!(summary["state"], "breached", "{listed}");
        assert!(summary["breached_by_seconds"].as_i64().unwrap() > 0);
        assert!(summary["deadline"].as_str().unwrap().ends_with("+08:00"));

        // That order is 5 hours old and never dispatched: its breaches are due; the scheduler
        // fires them, once.
        let timers_url = server.url(&format!("/api/v1/orders/{}/timers", first["id"]));
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        loop {
            let timers = get(&http, timers_url.clone()).await;
            let fired: Vec<&Value> = timers
                .as_array()
                .unwrap()
                .iter()
                .filter(|t| t["fired_at"].is_string())
                .collect();
            // Wait for both: the scheduler may fire them in separate rounds under load.
            if fired
                .iter()
                .any(|t| t["kind"] == "breach" && t["clock"] == "restore")
                && fired.iter().any(|t| t["kind"] == "escalation")
            {
                assert!(fired.iter().all(|t| t["fired_by"].is_string()));
                break;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "the scheduler did not fire: {timers}"
            );
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        }
        let detail = get(
            &http,
            server.url(&format!("/api/v1/orders/{}", first["id"])),
        )
        .await;
        assert_eq!(detail["breached"], true);
        assert!(detail["joint_handling_at"].is_string(), "R-F4: {detail}");
        assert_eq!(detail["sla"]["escalations"][0]["kind"], "joint_handling");

        // Bad input names the field.
        let (status, problem) = post(
            &http,
            orders.clone(),
            json!({"kind": "fault", "title": "x", "colour": "red"}),
        )
        .await;
        assert_eq!(status, 422);
        assert_eq!(problem["errors"][0]["field"], "colour");
        let (status, problem) = post(
            &http,
            orders.clone(),
            json!({"kind": "fault", "title": "x", "customer_code": "NOBODY"}),
        )
        .await;
        assert_eq!(status, 422);
        assert_eq!(problem["errors"][0]["field"], "customer_code");
        let (status, _) = post(
            &http,
            server.url("/api/v1/orders/999999/events"),
            json!({"type": "accepted"}),
        )
        .await;
        assert_eq!(status, 404);
        let (status, problem) = post(
            &http,
            server.url(&format!("/api/v1/orders/{}/events", first["id"])),
            json!({"type": "teleported"}),
        )
        .await;
        assert_eq!(status, 422, "{problem}");

        // The OpenAPI document has the order endpoints.
        let doc = get(&http, server.url("/api/v1/openapi.json")).await;
        for path in [
            "/api/v1/orders",
            "/api/v1/orders/{id}/events",
            "/api/v1/sla/policies",
        ] {
            assert!(doc["paths"][path].is_object(), "{path} is not documented");
        }

        // The policy versions, and the evaluator as a service (the CLI's contract).
        let policies = get(&http, server.url("/api/v1/sla/policies")).await;
        assert_eq!(policies.as_array().unwrap().len(), 1);
        let (status, report) = post(
            &http,
            server.url("/api/v1/sla/evaluate?at=2025-10-01T13:00:00%2B08:00"),
            json!({"order": {"kind": "fault", "grade": "gold", "business_type": "data_line"},
                   "events": [{"type": "occurred", "at": "2025-10-01T10:00:00+08:00"},
                              {"type": "dispatched", "at": "2025-10-01T10:05:00+08:00"}]}),
        )
        .await;
        assert_eq!(status, 200, "{report}");
        assert_eq!(report["escalations"][0]["at"], "2025-10-01T11:00:00+08:00");
        assert_eq!(
            report["updates_due"],
            json!(["2025-10-01T12:00:00+08:00", "2025-10-01T13:00:00+08:00"])
        );
        // Bad input to the evaluator, the policy and the calendar endpoints names the problem.
        let (status, problem) = post(
            &http,
            server.url("/api/v1/sla/evaluate"),
            json!({"order": {"kind": "fault", "grade": "gold"},
                   "events": [{"type": "resumed", "at": "2025-10-01T10:00:00+08:00"}]}),
        )
        .await;
        assert_eq!(status, 422, "{problem}");
        assert!(
            problem["detail"].as_str().unwrap().contains("resumed"),
            "{problem}"
        );
        let r = http
            .post(server.url("/api/v1/sla/policies"))
            .body("version = 9\n[[rule]]\nkind = [\"repair\"]\n")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422);
        let r = http
            .get(server.url("/api/v1/sla/policies/999"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 404);
        let r = http
            .put(server.url("/api/v1/calendars/workdays"))
            .body("year = 2027\nholidays = [\"2026-01-01\"]\n")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422);
        let r = http
            .get(server.url("/api/v1/orders/GD-NOPE/timers"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 404);
        drop(server);
        db.cleanup().await;
    }
}

/// `jike calendar load` and `jike sla load-policy` write to the database; bad files are refused
/// (exit 1) naming the problem, and nothing is stored.
#[test]
fn the_calendar_and_the_policy_are_loaded_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("j.db").display());
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_jike"))
            .args(args)
            .args(["--database", &db])
            .env("JIKE_LOG", "warn")
            .output()
            .unwrap()
    };
    let bad = dir.path().join("bad.toml");
    std::fs::write(&bad, "year = 2027\nholidays = [\"2026-05-01\"]\n").unwrap();
    let out = run(&["calendar", "load", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("2026-05-01"),
        "{out:?}"
    );
    let good = dir.path().join("2027.toml");
    std::fs::write(
        &good,
        "year = 2027\nholidays = [\"2027-01-01\"]\nmake_up_workdays = []\n",
    )
    .unwrap();
    let out = run(&["calendar", "load", good.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let out = run(&["calendar", "years"]);
    let years: Value = serde_json::from_slice(&out.stdout).unwrap();
    let loaded: Vec<&Value> = years
        .as_array()
        .unwrap()
        .iter()
        .filter(|y| y["origin"] == "loaded")
        .collect();
    assert_eq!(loaded.len(), 1);
    assert_eq!(loaded[0]["year"], 2027);

    let policy = dir.path().join("policy.toml");
    std::fs::write(&policy, jike_domain::policy::DEFAULT_POLICY_TOML).unwrap();
    let out = run(&["sla", "load-policy", policy.to_str().unwrap()]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "version 1 is already stored: {out:?}"
    );
    std::fs::write(
        &policy,
        jike_domain::policy::DEFAULT_POLICY_TOML.replace("version = 1", "version = 2"),
    )
    .unwrap();
    let out = run(&["sla", "load-policy", policy.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let out = run(&["sla", "policies"]);
    let versions: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(versions.as_array().unwrap().len(), 2);
}

/// `jike serve --demo` brings a day of orders in every state, opened through the same rules as
/// the API, on both databases: a new user's first dashboard is not empty.
#[tokio::test]
async fn the_demo_brings_a_day_of_orders_in_every_state() {
    for db in TestDb::both().await {
        let server = Server::start(&db.url, &["--demo"]);
        let http = server.client();
        let page = get(&http, server.url("/api/v1/orders?limit=100")).await;
        let items = page["items"].as_array().unwrap();
        assert_eq!(items.len(), 16, "{page}");
        let states: std::collections::BTreeSet<&str> =
            items.iter().map(|o| o["state"].as_str().unwrap()).collect();
        for state in [
            "new",
            "dispatched",
            "accepted",
            "in_progress",
            "suspended",
            "restored",
            "observing",
            "confirmed",
            "replied",
            "closed",
        ] {
            assert!(
                states.contains(state),
                "no demo order is {state}: {states:?}"
            );
        }
        assert!(
            items.iter().any(|o| o["breached"] == true),
            "one is breached"
        );
        assert!(items.iter().any(|o| o["kind"] == "complaint"));
        assert!(
            items
                .iter()
                .filter(|o| o["kind"] == "fault")
                .all(|o| o["contractor_code"].is_string()),
            "R-MD: every demo fault has its contractor"
        );
        let dashboard = get(&http, server.url("/api/v1/dashboard")).await;
        assert_eq!(
            dashboard["open_total"], 15,
            "all but the closed one: {dashboard}"
        );
        assert_ne!(dashboard["orders"], json!([]), "{dashboard}");
        db.cleanup().await;
    }
}
