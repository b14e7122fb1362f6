//! Access control through the real `jike serve` (issue 4):
//!
//! - the authorization matrix: every endpoint of the route table × every role (and no
//!   credentials), asserting allowed, denied (401/403); the table is read from the server
//!   itself and checked against the OpenAPI document, so an endpoint without a rule fails here;
//! - scoping: a contractor sees only its company's orders, a customer only its own lines, and
//!   a row out of scope answers 404, in lists, reads and exports alike;
//! - login: the session cookie, CSRF on writes, throttling and the lock;
//! - the audit log: API writes are recorded and `jike audit verify` catches an edited row.

use crate::common;

use common::{client_with, get_json, jike, token_of, Server};
use jike_store::testing::TestDb;
use serde_json::{json, Value};

const ROLES: [&str; 7] = [
    "admin",
    "monitoring",
    "lead_room",
    "contractor",
    "account_manager",
    "customer",
    "auditor",
];

async fn codes(client: &reqwest::Client, server: &Server, path: &str) -> Vec<(i64, String)> {
    let page = get_json(client, server.url(&format!("/api/v1/{path}?limit=500"))).await;
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["id"].as_i64().unwrap(),
                i["code"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// The demo's anchors for each role's account: (contractor A, contractor B, customer, its
/// account manager).
struct Anchors {
    contractor_a: String,
    contractor_b: String,
    customer: String,
    manager: String,
}

async fn anchors(admin: &reqwest::Client, server: &Server) -> Anchors {
    // Two contractors that both maintain elements.
    let mut owners: Vec<String> = Vec::new();
    for order in ["id", "-id"] {
        let url = server.url(&format!("/api/v1/elements?limit=100&sort={order}"));
        let elements = get_json(admin, url).await;
        owners.extend(
            elements["items"]
                .as_array()
                .unwrap()
                .iter()
                .filter_map(|e| e["contractor_code"].as_str().map(str::to_string)),
        );
    }
    owners.sort();
    owners.dedup();
    assert!(
        owners.len() >= 2,
        "the demo has elements of two contractors: {owners:?}"
    );
    let customers = get_json(admin, server.url("/api/v1/customers?limit=1")).await;
    let customer = &customers["items"][0];
    Anchors {
        contractor_a: owners[0].clone(),
        contractor_b: owners[1].clone(),
        customer: customer["code"].as_str().unwrap().to_string(),
        manager: customer["account_manager"].as_str().unwrap().to_string(),
    }
}

fn user_flags(role: &str, a: &Anchors) -> Vec<String> {
    match role {
        "lead_room" => vec!["--room".into(), "transport".into()],
        "contractor" => vec!["--contractor".into(), a.contractor_a.clone()],
        "account_manager" => vec!["--manager".into(), a.manager.clone()],
        "customer" => vec!["--customer".into(), a.customer.clone()],
        _ => vec![],
    }
}

fn token_of_role(server: &Server, role: &str, a: &Anchors) -> String {
    if role == "admin" {
        return server.token.clone();
    }
    let flags = user_flags(role, a);
    let flags: Vec<&str> = flags.iter().map(String::as_str).collect();
    token_of(&server.db, &format!("u-{role}"), role, &flags)
}

/// An order for a circuit whose path the contractor maintains, made by the administrator.
async fn order_for_contractor(admin: &reqwest::Client, server: &Server, contractor: &str) -> Value {
    let response = admin
        .post(server.url("/api/v1/orders"))
        .json(&json!({
            "kind": "fault",
            "title": format!("中断 {contractor}"),
            "grade": "gold",
            "contractor_code": contractor,
            "lead_room": "transport",
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    response.json().await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_endpoint_answers_every_role_as_its_rule_says() {
    let db = TestDb::sqlite();
    let server = Server::start(&db.url, &["--demo"]);
    let admin = server.client();
    let a = anchors(&admin, &server).await;
    let order = order_for_contractor(&admin, &server, &a.contractor_a).await;
    let order_id = order["id"].as_i64().unwrap();

    // The table, from the server: every rule is tried below with every role (that the table
    // and the API document have the same endpoints is `routes.rs`'s test: both are declared
    // together).
    let rules = get_json(&admin, server.url("/api/v1/access/rules")).await;
    let rules = rules.as_array().unwrap().clone();
    assert!(rules.len() > 80, "{} rules", rules.len());

    let mut tokens: Vec<(String, Option<String>)> = vec![("anonymous".into(), None)];
    for role in ROLES {
        tokens.push((role.to_string(), Some(token_of_role(&server, role, &a))));
    }
    // Ids to put in paths: real rows, so that an allowed call reaches its handler.
    let mut first_ids = std::collections::HashMap::new();
    for kind in [
        "regions",
        "sites",
        "elements",
        "customers",
        "circuits",
        "contractors",
        "staff",
        "instruments",
        "vehicles",
    ] {
        first_ids.insert(kind, codes(&admin, &server, kind).await[0].0);
    }

    let mut checked = 0;
    for rule in &rules {
        let method = rule["method"].as_str().unwrap();
        let template = rule["path"].as_str().unwrap();
        let allow = rule["allow"].as_str().unwrap();
        let roles: Vec<&str> = rule["roles"]
            .as_array()
            .map(|r| r.iter().map(|v| v.as_str().unwrap()).collect())
            .unwrap_or_default();
        let kind = template.split('/').nth(3).unwrap_or("");
        let id = if template.starts_with("/api/v1/orders/") {
            order_id.to_string()
        } else if template.starts_with("/api/v1/tokens/") {
            // A token nobody uses: revoking it harms no other request.
            "999999".to_string()
        } else if method == "DELETE" || method == "PUT" {
            // Writes to a row that does not exist: 404 when allowed, 403 when not.
            "999999999".to_string()
        } else {
            first_ids.get(kind).copied().unwrap_or(1).to_string()
        };
        let path = template
            .replace("{id}", &id)
            .replace("{kind}", "customers")
            .replace("{name}", "admin")
            .replace("{*path}", "app.js");
        for (who, token) in &tokens {
            let client = match token {
                Some(t) => client_with(t),
                None => reqwest::Client::new(),
            };
            let url = server.url(&path);
            let request = match method {
                "GET" => client.get(&url),
                "POST" => client.post(&url),
                "PUT" => client.put(&url),
                "PATCH" => client.patch(&url),
                "DELETE" => client.delete(&url),
                other => panic!("unexpected method {other}"),
            };
            // A body that is never valid: an allowed call ends in its handler's 4xx, never in a
            // write, so the matrix leaves the data as it found it.
            let request = if method == "GET" || method == "DELETE" {
                request
            } else {
                request
                    .header("content-type", "application/json")
                    .body("{\"matrix\": true}")
            };
            let status = request.send().await.unwrap().status().as_u16();
            let expected_ok = match (allow, token) {
                ("public", _) => true,
                (_, None) => false,
                ("authenticated", Some(_)) => true,
                ("roles", Some(_)) => roles.contains(&who.as_str()),
                (other, _) => panic!("unknown allow {other}"),
            };
            if expected_ok {
                assert!(
                    status != 401 && status != 403,
                    "{who} should be allowed {method} {path}, got {status}"
                );
            } else if token.is_none() {
                assert_eq!(status, 401, "anonymous {method} {path}");
            } else {
                assert_eq!(status, 403, "{who} should be denied {method} {path}");
            }
            checked += 1;
        }
    }
    eprintln!(
        "authorization matrix: {checked} calls over {} endpoints",
        rules.len()
    );
    assert!(checked >= rules.len() * 8);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn contractors_and_customers_see_only_their_own_rows() {
    let db = TestDb::sqlite();
    let server = Server::start(&db.url, &["--demo"]);
    let admin = server.client();
    let a = anchors(&admin, &server).await;
    let order_a = order_for_contractor(&admin, &server, &a.contractor_a).await;
    let order_b = order_for_contractor(&admin, &server, &a.contractor_b).await;
    let contractor = client_with(&token_of_role(&server, "contractor", &a));

    // Orders: the list, a read, the events and the timers of another contractor's order.
    let page = get_json(&contractor, server.url("/api/v1/orders?limit=500")).await;
    let listed: Vec<&str> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["code"].as_str().unwrap())
        .collect();
    assert!(listed.contains(&order_a["code"].as_str().unwrap()));
    assert!(
        !listed.contains(&order_b["code"].as_str().unwrap()),
        "{listed:?}"
    );
    for path in ["", "/events", "/timers"] {
        for key in [
            order_b["id"].to_string(),
            order_b["code"].as_str().unwrap().to_string(),
        ] {
            let url = server.url(&format!("/api/v1/orders/{key}{path}"));
            let status = contractor.get(&url).send().await.unwrap().status();
            assert_eq!(status, 404, "{url}");
        }
    }
    let url = server.url(&format!("/api/v1/orders/{}", order_a["id"]));
    assert_eq!(contractor.get(&url).send().await.unwrap().status(), 200);
    // Recording on another's order is not found; on its own, its role's events only.
    let event = json!({"type": "accepted", "note": "受理"});
    let url = server.url(&format!("/api/v1/orders/{}/events", order_b["id"]));
    assert_eq!(
        contractor
            .post(&url)
            .json(&event)
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
    let url = server.url(&format!("/api/v1/orders/{}/events", order_a["id"]));
    let denied = contractor
        .post(&url)
        .json(&json!({"type": "dispatched", "note": "x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(denied.status(), 403);
    let problem: Value = denied.json().await.unwrap();
    assert!(
        problem["detail"].as_str().unwrap().contains("on_site"),
        "{problem}"
    );

    // Elements and an export: only its company's.
    let elements = get_json(&contractor, server.url("/api/v1/elements?limit=500")).await;
    let items = elements["items"].as_array().unwrap();
    assert!(!items.is_empty());
    assert!(items
        .iter()
        .all(|e| e["contractor_code"].as_str() == Some(a.contractor_a.as_str())));
    let all = get_json(&admin, server.url("/api/v1/elements?limit=100&sort=-id")).await;
    let theirs_id = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["contractor_code"].as_str() == Some(a.contractor_b.as_str()))
        .expect("an element of the other contractor")["id"]
        .as_i64()
        .unwrap();
    let url = server.url(&format!("/api/v1/elements/{theirs_id}"));
    assert_eq!(contractor.get(&url).send().await.unwrap().status(), 404);
    let export = contractor
        .get(server.url("/api/v1/export/elements?format=csv&headers=en"))
        .send()
        .await
        .unwrap();
    assert_eq!(export.status(), 200);
    let csv = export.text().await.unwrap();
    let header: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
    let col = header.iter().position(|h| *h == "contractor").unwrap();
    assert!(csv.lines().count() > 1);
    for line in csv.lines().skip(1) {
        assert_eq!(
            line.split(',').nth(col),
            Some(a.contractor_a.as_str()),
            "{line}"
        );
    }

    // A customer sees its own lines only.
    let customer = client_with(&token_of_role(&server, "customer", &a));
    let circuits = get_json(&customer, server.url("/api/v1/circuits?limit=500")).await;
    let own = circuits["items"].as_array().unwrap();
    assert!(!own.is_empty());
    assert!(own
        .iter()
        .all(|c| c["customer_code"] == a.customer.as_str()));
    let other = get_json(&admin, server.url("/api/v1/circuits?limit=500")).await;
    let other = other["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["customer_code"] != a.customer.as_str())
        .unwrap()
        .clone();
    let url = server.url(&format!("/api/v1/circuits/{}", other["id"]));
    assert_eq!(customer.get(&url).send().await.unwrap().status(), 404);
    let export = customer
        .get(server.url("/api/v1/export/circuits?format=csv&headers=en"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!export.contains(other["code"].as_str().unwrap()));
    let customers = get_json(&customer, server.url("/api/v1/customers")).await;
    assert_eq!(customers["items"].as_array().unwrap().len(), 1);
    // Contacts come masked; unmasked on request, and that read is audited.
    let masked = &customers["items"][0];
    assert_eq!(masked["contact_masked"], true, "{masked}");
    let revealed = get_json(&customer, server.url("/api/v1/customers?reveal=true")).await;
    assert_eq!(revealed["items"][0]["contact_masked"], false);
    let auditor = client_with(&token_of_role(&server, "auditor", &a));
    let denied = auditor
        .get(server.url("/api/v1/customers?reveal=true"))
        .send()
        .await
        .unwrap();
    assert_eq!(denied.status(), 403);
    let log = get_json(&auditor, server.url("/api/v1/audit?action=read.unmasked")).await;
    assert!(
        log["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["actor"] == "u-customer"),
        "{log}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sessions_need_csrf_for_writes_and_failed_logins_lock_the_account() {
    let db = TestDb::sqlite();
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("jike.toml");
    std::fs::write(
        &config,
        "[auth]\nslow_after = 1\nlock_after = 3\nlock_minutes = 5\n",
    )
    .unwrap();
    let server = Server::start(&db.url, &["--config", config.to_str().unwrap()]);
    let (ok, _, err) = jike(
        &db.url,
        &[
            "user",
            "add",
            "--name",
            "zhang.wei",
            "--role",
            "monitoring",
            "--password-stdin",
        ],
        Some("Jiankong-2026\n"),
    );
    assert!(ok, "{err}");
    // No default password: a short one is refused, naming the field.
    let (ok, _, err) = jike(
        &db.url,
        &[
            "user",
            "add",
            "--name",
            "li",
            "--role",
            "admin",
            "--password-stdin",
        ],
        Some("short\n"),
    );
    assert!(!ok);
    assert!(err.contains("password"), "{err}");

    let browser = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    let login = browser
        .post(server.url("/api/v1/auth/login"))
        .json(&json!({"name": "zhang.wei", "password": "Jiankong-2026"}))
        .send()
        .await
        .unwrap();
    assert_eq!(login.status(), 200);
    let cookies: Vec<String> = login
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .collect();
    let session = cookies
        .iter()
        .find(|c| c.starts_with("jike_session="))
        .unwrap();
    assert!(
        session.contains("HttpOnly") && session.contains("SameSite=Strict"),
        "{session}"
    );
    let me: Value = login.json().await.unwrap();
    let csrf = me["csrf_token"].as_str().unwrap().to_string();
    assert_eq!(me["user"]["role"], "monitoring");

    let read = browser
        .get(server.url("/api/v1/orders"))
        .send()
        .await
        .unwrap();
    assert_eq!(read.status(), 200);
    let body = json!({"kind": "fault", "title": "CSRF", "grade": "gold"});
    let without = browser
        .post(server.url("/api/v1/orders"))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(without.status(), 403);
    let with = browser
        .post(server.url("/api/v1/orders"))
        .header("x-csrf-token", &csrf)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(with.status(), 201);
    // A form post may carry the token as a field instead (the console's forms): it then passes
    // the CSRF check and meets the endpoint, which takes JSON only (415, not 403).
    let form = |token: &str| {
        browser
            .post(server.url("/api/v1/orders"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(format!("title=x&csrf_token={token}"))
    };
    assert_eq!(form("forged").send().await.unwrap().status(), 403);
    assert_eq!(form(&csrf).send().await.unwrap().status(), 415);
    // The order records who made it.
    let order: Value = with.json().await.unwrap();
    assert_eq!(order["events"][0]["actor"], "zhang.wei", "{order}");
    // Logging out with the cookie is a cookie write like any other: without the CSRF token a
    // forged page could end the session (403), with it the session ends.
    let forged = browser
        .post(server.url("/api/v1/auth/logout"))
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 403);
    let out = browser
        .post(server.url("/api/v1/auth/logout"))
        .header("x-csrf-token", &csrf)
        .send()
        .await
        .unwrap();
    assert_eq!(out.status(), 204);
    let after = browser
        .get(server.url("/api/v1/orders"))
        .send()
        .await
        .unwrap();
    assert_eq!(after.status(), 401);

    // Wrong passwords: refused, slowed, then locked; the right one no longer helps.
    let attempt = |password: &'static str| {
        let url = server.url("/api/v1/auth/login");
        async move {
            let started = std::time::Instant::now();
            let status = reqwest::Client::new()
                .post(url)
                .json(&json!({"name": "zhang.wei", "password": password}))
                .send()
                .await
                .unwrap()
                .status()
                .as_u16();
            (status, started.elapsed())
        }
    };
    assert_eq!(attempt("wrong-1").await.0, 401);
    let (status, slow) = attempt("wrong-2").await;
    assert_eq!(status, 401);
    assert!(slow >= std::time::Duration::from_millis(900), "{slow:?}");
    assert_eq!(attempt("wrong-3").await.0, 429);
    assert_eq!(attempt("Jiankong-2026").await.0, 429);
    let (ok, _, _) = jike(&db.url, &["user", "enable", "zhang.wei"], None);
    assert!(ok);
    assert_eq!(attempt("Jiankong-2026").await.0, 200);

    // A revoked token stops at once; a read-only token cannot write.
    let (ok, out, _) = jike(
        &db.url,
        &[
            "token",
            "create",
            "--user",
            "zhang.wei",
            "--scope",
            "read",
            "--json",
        ],
        None,
    );
    assert!(ok);
    let made: Value = serde_json::from_str(&out).unwrap();
    let reader = client_with(made["secret"].as_str().unwrap());
    assert_eq!(
        reader
            .get(server.url("/api/v1/orders"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    let write = reader
        .post(server.url("/api/v1/orders"))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(write.status(), 403);
    let id = made["token"]["id"].to_string();
    let (ok, _, _) = jike(&db.url, &["token", "revoke", &id], None);
    assert!(ok);
    assert_eq!(
        reader
            .get(server.url("/api/v1/orders"))
            .send()
            .await
            .unwrap()
            .status(),
        401
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn api_writes_are_audited_and_an_edited_entry_is_found() {
    let db = TestDb::sqlite();
    let server = Server::start(&db.url, &["--demo"]);
    let admin = server.client();
    let customers = get_json(&admin, server.url("/api/v1/customers?limit=1&reveal=true")).await;
    let mut customer = customers["items"][0].clone();
    let id = customer["id"].as_i64().unwrap();
    let object = customer.as_object_mut().unwrap();
    let mut input = serde_json::Map::new();
    for key in [
        "code",
        "name",
        "industry",
        "grade",
        "account_manager",
        "contact_name",
        "contact_phone",
        "region_code",
    ] {
        input.insert(key.into(), object[key].clone());
    }
    input.insert("name".into(), json!("改过名字的客户"));
    let put = admin
        .put(server.url(&format!("/api/v1/customers/{id}")))
        .json(&input)
        .send()
        .await
        .unwrap();
    assert_eq!(put.status(), 200, "{}", put.text().await.unwrap());
    let log = get_json(&admin, server.url("/api/v1/audit?action=customers.update")).await;
    let entry = &log["items"][0];
    assert_eq!(entry["actor"], "admin");
    assert_eq!(entry["object"], format!("customers/{id}"));
    assert_eq!(entry["after"]["name"], "改过名字的客户");
    assert_ne!(entry["before"]["name"], "改过名字的客户");
    let seq = entry["seq"].as_i64().unwrap();

    let (ok, out, err) = jike(&db.url, &["audit", "verify"], None);
    assert!(ok, "{out}{err}");
    drop(server);
    // Someone with the database file edits the entry (dropping the append-only trigger first).
    let store = jike_store::Store::connect(&db.url).await.unwrap();
    let mut tx = store.db().begin().await.unwrap();
    tx.conn()
        .execute("DROP TRIGGER audit_log_no_update", &[])
        .await
        .unwrap();
    tx.conn()
        .execute(
            "UPDATE audit_log SET after = replace(after, '改过名字的客户', '别的名字') WHERE seq = $1",
            &[jike_store::Val::int(seq)],
        )
        .await
        .unwrap();
    tx.commit().await.unwrap();
    store.close().await;
    let (ok, out, err) = jike(&db.url, &["audit", "verify"], None);
    assert!(!ok);
    assert!(
        format!("{out}{err}").contains(&format!("entry {seq}")),
        "{out}{err}"
    );
}

/// A customer and its account manager open faults and complaints on their own lines (issue 14):
/// not on another customer's line, not another kind, and nothing the monitoring room decides.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn customers_and_their_account_managers_raise_faults_and_complaints_on_their_lines() {
    for db in TestDb::both().await {
        let server = Server::start(&db.url, &["--demo"]);
        let admin = server.client();
        let a = anchors(&admin, &server).await;
        let customer = client_with(&token_of_role(&server, "customer", &a));
        let manager = client_with(&token_of_role(&server, "account_manager", &a));
        let lead = client_with(&token_of_role(&server, "lead_room", &a));
        let own = get_json(&customer, server.url("/api/v1/circuits?limit=5")).await;
        let line = own["items"][0]["code"].as_str().unwrap().to_string();
        let all = get_json(&admin, server.url("/api/v1/circuits?limit=500")).await;
        let other = all["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["customer_code"] != a.customer.as_str())
            .expect("the demo has other customers' lines")["code"]
            .as_str()
            .unwrap()
            .to_string();
        let post = |client: &reqwest::Client, body: Value| {
            let request = client.post(server.url("/api/v1/orders")).json(&body);
            async move {
                let response = request.send().await.unwrap();
                let status = response.status().as_u16();
                (
                    status,
                    response.json::<Value>().await.unwrap_or(Value::Null),
                )
            }
        };
        let fields = |problem: &Value| -> Vec<String> {
            problem["errors"]
                .as_array()
                .map(|e| {
                    e.iter()
                        .map(|f| f["field"].as_str().unwrap().to_string())
                        .collect()
                })
                .unwrap_or_default()
        };

        let (status, complaint) = post(
            &customer,
            json!({"kind": "投诉", "title": "专线网速慢", "circuit_codes": [line]}),
        )
        .await;
        assert_eq!(status, 201, "{complaint}");
        assert_eq!(complaint["kind"], "complaint");
        assert_eq!(
            complaint["customer_code"],
            a.customer.as_str(),
            "{complaint}"
        );
        let mine = get_json(&customer, server.url("/api/v1/orders?limit=50")).await;
        assert!(mine["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|o| o["id"] == complaint["id"]));
        let (status, fault) = post(
            &manager,
            json!({"kind": "fault", "title": "客户报障：中断", "circuit_codes": [line]}),
        )
        .await;
        assert_eq!(status, 201, "{fault}");
        // The customer's own view: no contractor, no internal timeline (who recorded what).
        let url = server.url(&format!("/api/v1/orders/{}", fault["id"]));
        let internal = get_json(&admin, url.clone()).await;
        assert_ne!(internal["events"][0]["actor"], "", "{internal}");
        let seen = get_json(&customer, url).await;
        assert!(seen["contractor_code"].is_null(), "{seen}");
        for e in seen["events"].as_array().unwrap() {
            assert_eq!(e["actor"], "", "{seen}");
            assert_eq!(e["recorded_at"], e["at"], "{seen}");
        }

        for (body, field) in [
            (
                json!({"kind": "fault", "title": "中断", "circuit_codes": [other]}),
                "circuit_codes[0]",
            ),
            (
                json!({"kind": "inspection", "title": "巡检", "circuit_codes": [line]}),
                "kind",
            ),
            (
                json!({"kind": "fault", "title": "中断", "circuit_codes": [line], "contractor_code": a.contractor_a}),
                "contractor_code",
            ),
            (json!({"kind": "fault", "title": "中断"}), "circuit_codes"),
        ] {
            for client in [&customer, &manager] {
                let (status, problem) = post(client, body.clone()).await;
                assert_eq!(status, 422, "{body}: {problem}");
                assert_eq!(fields(&problem), [field], "{body}: {problem}");
            }
        }
        // Rooms work the orders the monitoring room opens; they do not open them.
        let (status, _) = post(
            &lead,
            json!({"kind": "fault", "title": "中断", "circuit_codes": [line]}),
        )
        .await;
        assert_eq!(status, 403);
        db.cleanup().await;
    }
}

/// R-F2, R-F4, R-F5: every room that works a fault sees it and records its part. The transport
/// room leads a fault with a transmission alarm; the support room, which must contact the
/// customer, sees it too and records the contact but not the acceptance; the specialist rooms
/// stand by on an important customer's fault, not on an ordinary one's.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_room_that_works_a_fault_sees_it_and_records_its_part() {
    for db in TestDb::both().await {
        let server = Server::start(&db.url, &["--demo", "--no-demo-orders"]);
        let admin = server.client();
        let room = |name: &str, code: &str| {
            client_with(&token_of(&server.db, name, "lead_room", &["--room", code]))
        };
        let transport = room("r-transport", "transport");
        let support = room("r-support", "service_support");
        let data = room("r-data", "data");
        let line_of = |grade: &'static str| {
            let admin = admin.clone();
            let url = server.url(&format!("/api/v1/customers?grade={grade}&limit=20"));
            let circuits = server.url("/api/v1/circuits");
            async move {
                let customers = get_json(&admin, url).await;
                for c in customers["items"].as_array().unwrap() {
                    let page = get_json(
                        &admin,
                        format!(
                            "{circuits}?customer={}&limit=1",
                            c["code"].as_str().unwrap()
                        ),
                    )
                    .await;
                    if let Some(code) = page["items"][0]["code"].as_str() {
                        return code.to_string();
                    }
                }
                panic!("no {grade} customer with a line");
            }
        };
        let open = |line: String| {
            let request = admin.post(server.url("/api/v1/orders")).json(&json!({
                "kind": "fault", "title": "专线中断", "circuit_codes": [line], "failed_hop": 1,
                "alarms": [{"alarm_id": "ALM-1", "transmission": true, "text": "R_LOS"}]
            }));
            async move {
                let response = request.send().await.unwrap();
                assert_eq!(response.status(), 201);
                response.json::<Value>().await.unwrap()
            }
        };
        let ordinary = open(line_of("silver").await).await;
        let important = open(line_of("gold").await).await;
        assert_eq!(ordinary["lead_room"], "transport");
        let status = |client: &reqwest::Client, order: &Value| {
            let request = client.get(server.url(&format!("/api/v1/orders/{}", order["id"])));
            async move { request.send().await.unwrap().status().as_u16() }
        };
        assert_eq!(status(&transport, &ordinary).await, 200);
        assert_eq!(
            status(&support, &ordinary).await,
            200,
            "R-F2: the support room stands by"
        );
        assert_eq!(
            status(&data, &ordinary).await,
            404,
            "an ordinary fault: not yet"
        );
        assert_eq!(
            status(&data, &important).await,
            200,
            "R-F4: specialists check their NMS"
        );
        let detail = get_json(
            &admin,
            server.url(&format!("/api/v1/orders/{}", ordinary["id"])),
        )
        .await;
        assert_eq!(
            detail["participants"],
            json!(["transport", "service_support"])
        );

        let record = |client: &reqwest::Client, order: &Value, kind: &str| {
            let request = client
                .post(server.url(&format!("/api/v1/orders/{}/events", order["id"])))
                .json(&json!({"type": kind}));
            async move {
                let response = request.send().await.unwrap();
                let status = response.status().as_u16();
                (
                    status,
                    response.json::<Value>().await.unwrap_or(Value::Null),
                )
            }
        };
        let (s, body) = record(&admin, &ordinary, "dispatched").await;
        assert_eq!(s, 201, "{body}");
        let (s, body) = record(&support, &ordinary, "customer_contacted").await;
        assert_eq!(s, 201, "the support room contacts the customer: {body}");
        let (s, body) = record(&support, &ordinary, "accepted").await;
        assert_eq!(s, 403, "{body}");
        assert!(
            body["detail"]
                .as_str()
                .unwrap()
                .contains("customer_contacted"),
            "says what it may record: {body}"
        );
        let (s, body) = record(&transport, &ordinary, "accepted").await;
        assert_eq!(s, 201, "the lead room accepts: {body}");
        db.cleanup().await;
    }
}

/// What the contract check (`.ci/schemathesis`) found the server doing wrong: a method a path
/// does not have answers 405 with `Allow` (not the 403 of a route without a rule), and deleting
/// a circuit an order refers to is a 409, never a 500.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn undeclared_methods_are_405_with_allow_and_referenced_deletes_409() {
    let db = TestDb::sqlite();
    let server = Server::start(&db.url, &["--demo"]);
    let admin = server.client();
    for (method, path, allow) in [
        ("TRACE", "/api/v1/audit", "GET, HEAD"),
        ("DELETE", "/healthz", "GET, HEAD"),
        ("PATCH", "/api/v1/orders", "GET, POST, HEAD"),
        ("POST", "/api/v1/tokens/1", "DELETE"),
    ] {
        // Anonymous and authenticated alike: the method is wrong whoever asks.
        for client in [reqwest::Client::new(), admin.clone()] {
            let response = client
                .request(method.parse().unwrap(), server.url(path))
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), 405, "{method} {path}");
            assert_eq!(response.headers()["allow"], allow, "{method} {path}");
            assert_eq!(
                response.headers()["content-type"],
                "application/problem+json"
            );
        }
    }

    let orders = get_json(&admin, server.url("/api/v1/orders?limit=100")).await;
    let mut circuit = None;
    for order in orders["items"].as_array().unwrap() {
        let full = get_json(
            &admin,
            server.url(&format!("/api/v1/orders/{}", order["id"])),
        )
        .await;
        if let Some(code) = full["circuit_codes"].as_array().and_then(|c| c.first()) {
            circuit = Some(code.as_str().unwrap().to_string());
            break;
        }
    }
    let circuit = circuit.expect("a demo order names a circuit");
    let row = get_json(&admin, server.url(&format!("/api/v1/circuits/{circuit}"))).await;
    let response = admin
        .delete(server.url(&format!("/api/v1/circuits/{}", row["id"])))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 409);
    let problem: Value = response.json().await.unwrap();
    assert_eq!(
        problem["type"], "https://jike.dev/problems/conflict",
        "{problem}"
    );
    let still = admin
        .get(server.url(&format!("/api/v1/circuits/{}", row["id"])))
        .send()
        .await
        .unwrap();
    assert_eq!(still.status(), 200, "the circuit is still there");
}
