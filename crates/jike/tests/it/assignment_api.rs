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

/// Issue 14's leftovers through the real server on both databases: a technician is offered
/// 指派 only where it may assign (not on a colleague's order, which answers 403), hands its own
/// back (退回, `assignee_code: ""`), sees its own dashboard (`/dashboard?mine=true`), and a
/// staff member linked to an account does not move to another contractor (PUT or import).
#[tokio::test]
async fn a_technician_is_offered_what_it_may_do_hands_back_and_sees_its_own_dashboard() {
    for db in TestDb::both().await {
        let server = Server::start(&db.url, &["--demo"]);
        let admin = server.client();
        let tech = get_json(&admin, server.url("/api/v1/users/demo.tech")).await;
        let staff = tech["staff_code"].as_str().unwrap().to_string();
        let contractor = tech["contractor_code"].as_str().unwrap().to_string();
        let people = get_json(
            &admin,
            server.url(&format!(
                "/api/v1/staff?contractor={contractor}&sort=-code&limit=5"
            )),
        )
        .await;
        let colleague = people["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["code"].as_str().unwrap().to_string())
            .find(|c| *c != staff)
            .expect("a colleague");
        let demo_tech = client_with(&token_of(
            &server.db,
            "demo.tech",
            "contractor",
            &["--contractor", &contractor],
        ));
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
                "--staff",
                &colleague,
            ],
            None,
        );
        assert!(ok, "{out}{err}");
        let tech2 = client_with(&token_of(
            &server.db,
            "tech2",
            "contractor",
            &["--contractor", &contractor],
        ));

        // An order of the company dispatched to the colleague.
        let (status, order) = send(
            &admin,
            reqwest::Method::POST,
            server.url("/api/v1/orders"),
            Some(
                json!({"kind": "fault", "title": "专线中断（退回测试）", "grade": "gold",
                "contractor_code": contractor}),
            ),
        )
        .await;
        assert_eq!(status, 201, "{order}");
        let detail = server.url(&format!("/api/v1/orders/{}", order["id"]));
        let events = server.url(&format!("/api/v1/orders/{}/events", order["id"]));
        let (status, o) = send(
            &admin,
            reqwest::Method::POST,
            events.clone(),
            Some(json!({"type": "dispatched", "assignee_code": colleague})),
        )
        .await;
        assert_eq!(status, 201, "{o}");
        let offered = |o: &Value| {
            o["allowed_events"]
                .as_array()
                .unwrap()
                .contains(&json!("assigned"))
        };
        // demo.tech: not offered 指派 on its colleague's order, and refused if it tries; the
        // rest of what the state allows is offered as before.
        let seen = get_json(&demo_tech, detail.clone()).await;
        assert!(!offered(&seen), "{}", seen["allowed_events"]);
        assert!(seen["allowed_events"]
            .as_array()
            .unwrap()
            .contains(&json!("accepted")));
        let (status, problem) = send(
            &demo_tech,
            reqwest::Method::POST,
            events.clone(),
            Some(json!({"type": "assigned", "assignee_code": staff})),
        )
        .await;
        assert_eq!(status, 403, "{problem}");
        let (status, problem) = send(
            &demo_tech,
            reqwest::Method::POST,
            events.clone(),
            Some(json!({"type": "assigned", "assignee_code": ""})),
        )
        .await;
        assert_eq!(
            status, 403,
            "a colleague's is not its to hand back: {problem}"
        );
        // The colleague and the monitoring room are offered it.
        assert!(offered(&get_json(&tech2, detail.clone()).await));
        assert!(offered(&get_json(&admin, detail.clone()).await));
        // The colleague hands it back: nobody is assigned, the timeline says so.
        let (status, back) = send(
            &tech2,
            reqwest::Method::POST,
            events.clone(),
            Some(json!({"type": "assigned", "assignee_code": "", "note": "不在我的片区"})),
        )
        .await;
        assert_eq!(status, 201, "{back}");
        assert_eq!(back["assignee_code"], Value::Null);
        let last = back["events"].as_array().unwrap().last().unwrap().clone();
        assert_eq!(last["type"], "assigned");
        assert!(last.get("assignee_code").is_none(), "{last}");
        // Unassigned now: demo.tech may take it; nothing is left to hand back (422).
        assert!(offered(&get_json(&demo_tech, detail.clone()).await));
        let (status, problem) = send(
            &demo_tech,
            reqwest::Method::POST,
            events.clone(),
            Some(json!({"type": "assigned", "assignee_code": ""})),
        )
        .await;
        assert_eq!(
            (status, fields(&problem)),
            (422, vec!["assignee_code".to_string()]),
            "{problem}"
        );
        // `assigned` without a person (null is leaving it out) is still a 422.
        let (status, problem) = send(
            &demo_tech,
            reqwest::Method::POST,
            events.clone(),
            Some(json!({"type": "assigned", "assignee_code": null})),
        )
        .await;
        assert_eq!(
            (status, fields(&problem)),
            (422, vec!["assignee_code".to_string()])
        );

        // The dashboard of its own orders: every order on it is its own, and as many as its
        // open orders in the list.
        let mine = get_json(&demo_tech, server.url("/api/v1/dashboard?mine=true")).await;
        assert_eq!(mine["assignee_code"], staff.as_str(), "{mine}");
        let open_mine = get_json(
            &demo_tech,
            server.url("/api/v1/orders?mine=true&open=true&limit=200"),
        )
        .await;
        let open_mine = open_mine["items"].as_array().unwrap().len();
        assert!(open_mine > 0);
        assert_eq!(mine["open_total"], open_mine, "{mine}");
        for o in mine["orders"].as_array().unwrap() {
            assert_eq!(o["assignee_code"], staff.as_str(), "{o}");
        }
        let company = get_json(&demo_tech, server.url("/api/v1/dashboard")).await;
        assert!(company.get("assignee_code").is_none());
        assert!(company["open_total"].as_i64() > mine["open_total"].as_i64());
        let by_person = get_json(
            &admin,
            server.url(&format!("/api/v1/dashboard?assignee={staff}")),
        )
        .await;
        assert_eq!(by_person["open_total"], mine["open_total"]);
        for (who, query, field) in [
            (&admin, "mine=true", "mine"),
            (&admin, "assignee=NOBODY", "assignee"),
            (&demo_tech, "mine=perhaps", "mine"),
        ] {
            let (status, problem) = send(
                who,
                reqwest::Method::GET,
                server.url(&format!("/api/v1/dashboard?{query}")),
                None,
            )
            .await;
            assert_eq!(
                (status, fields(&problem)),
                (422, vec![field.to_string()]),
                "{query}"
            );
        }

        // demo.tech's person does not move to another contractor while linked: PUT and import.
        let person = get_json(
            &admin,
            server.url(&format!("/api/v1/staff?code_prefix={staff}")),
        )
        .await["items"][0]
            .clone();
        let other = get_json(&admin, server.url("/api/v1/contractors?limit=20")).await["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["code"].as_str().unwrap().to_string())
            .find(|c| *c != contractor)
            .expect("another contractor");
        let mut input = json!({});
        for key in [
            "code",
            "name",
            "region_code",
            "education",
            "major",
            "years_experience",
            "years_core_network",
            "certificates",
            "training_level",
            "phone",
        ] {
            input[key] = person[key].clone();
        }
        input["contractor_code"] = json!(other);
        let (status, problem) = send(
            &admin,
            reqwest::Method::PUT,
            server.url(&format!("/api/v1/staff/{}", person["id"])),
            Some(input),
        )
        .await;
        assert_eq!(
            (status, fields(&problem)),
            (422, vec!["contractor_code".to_string()]),
            "{problem}"
        );
        assert!(problem.to_string().contains("'demo.tech'"), "{problem}");
        let csv = format!(
            "工号,姓名,代维公司,区域,学历,培训等级\n{},{},{other},{},{},{}\n",
            person["code"].as_str().unwrap(),
            person["name"].as_str().unwrap(),
            person["region_code"].as_str().unwrap(),
            person["education"].as_str().unwrap(),
            person["training_level"].as_str().unwrap(),
        );
        let response = admin
            .post(server.url("/api/v1/import/staff?format=csv"))
            .body(csv)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 422);
        let problem: Value = response.json().await.unwrap();
        assert_eq!(problem["rows"][0]["row"], 2, "{problem}");
        assert_eq!(problem["rows"][0]["column"], "代维公司", "{problem}");
        assert!(
            problem["rows"][0]["reason"]
                .as_str()
                .unwrap()
                .contains("'demo.tech'"),
            "{problem}"
        );
        let still = get_json(
            &admin,
            server.url(&format!("/api/v1/staff/{}", person["id"])),
        )
        .await;
        assert_eq!(still["contractor_code"], contractor.as_str());
        db.cleanup().await;
    }
}
