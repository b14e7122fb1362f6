//! Issue 14 through the real `jike serve --demo` and the real `jike user`, on SQLite and
//! PostgreSQL: the demo's technician and its assigned orders, accounts linked to staff on the
//! command line and by `PATCH /api/v1/users/{name}`, `GET /api/v1/orders?mine=true` and
//! `?assignee=`, and who may assign (派单 / 转派 / 指派) to whom.

use crate::common;

use common::{client_with, get_json, jike, token_of, Server};
use jike_store::testing::TestDb;
use serde_json::{json, Value};

async fn send(
    http: &reqwest::Client,
    method: reqwest::Method,
    url: String,
    body: Option<Value>,
) -> (u16, Value) {
    let mut r = http.request(method, &url);
    if let Some(b) = body {
        r = r.json(&b);
    }
    let r = r.send().await.unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

fn fields(problem: &Value) -> Vec<String> {
    problem["errors"]
        .as_array()
        .map(|e| {
            e.iter()
                .map(|x| x["field"].as_str().unwrap_or_default().to_string())
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn technicians_see_their_own_orders_and_assign_as_their_role_allows() {
    for db in TestDb::both().await {
        let server = Server::start(&db.url, &["--demo"]);
        let admin = server.client();
        let orders = |q: &str| server.url(&format!("/api/v1/orders?{q}"));

        // The demo links its technician account to the person its dispatched orders went to.
        let tech = get_json(&admin, server.url("/api/v1/users/demo.tech")).await;
        let staff = tech["staff_code"]
            .as_str()
            .expect("demo.tech is linked")
            .to_string();
        let contractor = tech["contractor_code"].as_str().unwrap().to_string();
        assert_eq!(tech["role"], "contractor");
        assert_eq!(tech["has_password"], false, "the demo sets no password");
        let assigned = get_json(&admin, orders(&format!("assignee={staff}&limit=100"))).await;
        let items = assigned["items"].as_array().unwrap();
        assert!(items.len() >= 3, "{assigned}");
        for o in items {
            assert_eq!(o["assignee_code"], staff.as_str());
            assert_eq!(o["assignee_name"], tech["staff_name"]);
            assert_eq!(o["contractor_code"], contractor.as_str());
        }
        // An account linked to nobody has no orders of its own: 422 naming `mine`.
        let (status, problem) = send(&admin, reqwest::Method::GET, orders("mine=true"), None).await;
        assert_eq!(status, 422, "{problem}");
        assert_eq!(fields(&problem), ["mine"]);
        assert!(problem.to_string().contains("not linked"), "{problem}");
        let (status, _) = send(&admin, reqwest::Method::GET, orders("mine=false"), None).await;
        assert_eq!(status, 200);
        let (status, problem) = send(
            &admin,
            reqwest::Method::GET,
            orders("assignee=NOBODY"),
            None,
        )
        .await;
        assert_eq!(
            (status, fields(&problem)),
            (422, vec!["assignee".to_string()])
        );

        // Two more of the company's staff, and one of another company.
        let people = get_json(
            &admin,
            server.url(&format!(
                "/api/v1/staff?contractor={contractor}&sort=code&limit=5"
            )),
        )
        .await;
        let people: Vec<String> = people["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["code"].as_str().unwrap().to_string())
            .filter(|c| *c != staff)
            .collect();
        // Not the demo's second technician: one with no orders yet.
        let colleague = people.last().unwrap().clone();
        let stranger = get_json(&admin, server.url("/api/v1/staff?limit=200&sort=-code")).await
            ["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["contractor_code"] != contractor.as_str())
            .map(|s| s["code"].as_str().unwrap().to_string())
            .expect("another contractor's staff");

        // The command line links and refuses, naming the field.
        let (ok, _, err) = jike(
            &server.db,
            &[
                "user",
                "add",
                "--name",
                "tech2",
                "--role",
                "contractor",
                "--contractor",
                &contractor,
                "--staff",
                &stranger,
            ],
            None,
        );
        assert!(!ok && err.contains("staff_code"), "{err}");
        let (ok, out, err) = jike(
            &server.db,
            &[
                "user",
                "add",
                "--name",
                "tech2",
                "--role",
                "contractor",
                "--contractor",
                &contractor,
            ],
            None,
        );
        assert!(ok, "{out}{err}");
        let (ok, out, err) = jike(
            &server.db,
            &["user", "link", "tech2", "--staff", &colleague],
            None,
        );
        assert!(ok && out.contains(&colleague), "{out}{err}");
        let (ok, out, _) = jike(&server.db, &["user", "list"], None);
        assert!(ok && out.contains(&format!("staff {colleague}")), "{out}");
        let (ok, _, err) = jike(
            &server.db,
            &["user", "link", "tech2", "--staff", &stranger],
            None,
        );
        assert!(!ok && err.contains("staff_code"), "{err}");
        let tech2 = client_with(&token_of(
            &server.db,
            "tech2",
            "contractor",
            &["--contractor", &contractor],
        ));
        let dispatcher = client_with(&token_of(
            &server.db,
            "ct-dispatch",
            "contractor",
            &["--contractor", &contractor],
        ));

        // The technician's own orders; its colleague (tech2) has none yet.
        let demo_tech = client_with(&token_of(
            &server.db,
            "demo.tech",
            "contractor",
            &["--contractor", &contractor],
        ));
        let mine = get_json(&demo_tech, orders("mine=true&limit=100")).await;
        assert_eq!(mine["items"].as_array().unwrap().len(), items.len());
        let theirs = get_json(&tech2, orders("mine=true")).await;
        assert!(theirs["items"].as_array().unwrap().is_empty(), "{theirs}");
        let (status, problem) =
            send(&tech2, reqwest::Method::GET, orders("mine=perhaps"), None).await;
        assert_eq!((status, fields(&problem)), (422, vec!["mine".to_string()]));

        // tech2 may not take demo.tech's order (403) …
        let open = mine["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|o| {
                o["state"] != "closed"
                    && o["state"] != "replied"
                    && o["state"] != "confirmed"
                    && o["state"] != "suspended"
            })
            .expect("an open order of demo.tech")
            .clone();
        let events = server.url(&format!("/api/v1/orders/{}/events", open["id"]));
        let assign = |who: &str| json!({"type": "assigned", "assignee_code": who, "note": "换人"});
        let (status, problem) = send(
            &tech2,
            reqwest::Method::POST,
            events.clone(),
            Some(assign(&colleague)),
        )
        .await;
        assert_eq!(status, 403, "{problem}");
        // … its company's dispatcher may, and the person named must be the company's (422).
        let (status, problem) = send(
            &dispatcher,
            reqwest::Method::POST,
            events.clone(),
            Some(assign(&stranger)),
        )
        .await;
        assert_eq!(
            (status, fields(&problem)),
            (422, vec!["assignee_code".to_string()]),
            "{problem}"
        );
        let (status, order) = send(
            &dispatcher,
            reqwest::Method::POST,
            events.clone(),
            Some(assign(&colleague)),
        )
        .await;
        assert_eq!(status, 201, "{order}");
        assert_eq!(order["assignee_code"], colleague.as_str());
        let last = order["events"].as_array().unwrap().last().unwrap().clone();
        assert_eq!(
            (last["type"].clone(), last["assignee_code"].clone()),
            (json!("assigned"), json!(colleague))
        );
        // Now it is tech2's; tech2 hands it back (its own order).
        let theirs = get_json(&tech2, orders("mine=true")).await;
        assert_eq!(theirs["items"][0]["id"], open["id"]);
        let (status, order) = send(
            &tech2,
            reqwest::Method::POST,
            events.clone(),
            Some(assign(&staff)),
        )
        .await;
        assert_eq!(
            (status, order["assignee_code"].clone()),
            (201, json!(staff)),
            "{order}"
        );
        // An event that names nobody leaves the person as it was; assigned without one is a 422.
        let (status, problem) = send(
            &tech2,
            reqwest::Method::POST,
            events.clone(),
            Some(json!({"type": "assigned"})),
        )
        .await;
        assert_eq!(
            (status, fields(&problem)),
            (422, vec!["assignee_code".to_string()])
        );

        // PATCH links and unlinks, naming staff_code when refused.
        let user = server.url("/api/v1/users/tech2");
        let (status, problem) = send(
            &admin,
            reqwest::Method::PATCH,
            user.clone(),
            Some(json!({"staff_code": stranger})),
        )
        .await;
        assert_eq!(
            (status, fields(&problem)),
            (422, vec!["staff_code".to_string()]),
            "{problem}"
        );
        let (status, u) = send(
            &admin,
            reqwest::Method::PATCH,
            user.clone(),
            Some(json!({"staff_code": ""})),
        )
        .await;
        assert_eq!((status, u["staff_code"].clone()), (200, Value::Null), "{u}");
        let (status, problem) = send(&tech2, reqwest::Method::GET, orders("mine=true"), None).await;
        assert_eq!(status, 422, "{problem}");
        let (status, problem) = send(
            &admin,
            reqwest::Method::PATCH,
            server.url("/api/v1/users/admin"),
            Some(json!({"staff_code": staff})),
        )
        .await;
        assert_eq!(
            (status, fields(&problem)),
            (422, vec!["staff_code".to_string()]),
            "{problem}"
        );
        let me = get_json(&demo_tech, server.url("/api/v1/auth/me")).await;
        assert_eq!(me["user"]["staff_code"], staff.as_str());
        assert!(me["may_record"]
            .as_array()
            .unwrap()
            .contains(&json!("assigned")));
        db.cleanup().await;
    }
}
