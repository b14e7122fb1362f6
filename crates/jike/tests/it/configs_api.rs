//! Device configuration compliance through the real `jike serve` (issue 6): a configuration
//! uploaded for a network element is checked with the site's rules (`lint_config` in the
//! configuration file) and its findings, the same as `jike-lint` finds, are stored with the
//! element and listed per element and per rule; every bad upload is refused naming its field
//! and writes nothing; a contractor reaches only the elements it maintains.

use crate::common;

use common::{client_with, token_of, Server};
use jike_store::testing::TestDb;
use serde_json::Value;

const HUAWEI_AGG: &str = include_str!("../../../jike-lint/tests/data/huawei-agg.cfg");
const H3C_ACCESS: &str = include_str!("../../../jike-lint/tests/data/h3c-access.cfg");

/// The findings the library finds in `text`, as (line, rule, severity).
fn expected(
    text: &str,
    role: jike_lint::Role,
    cfg: &jike_lint::LintConfig,
) -> Vec<(i64, String, String)> {
    jike_lint::lint_text("x", text, None, role, cfg)
        .into_iter()
        .map(|f| {
            (
                i64::from(f.line),
                f.rule.to_string(),
                f.severity.as_str().to_string(),
            )
        })
        .collect()
}

fn found(check: &Value) -> Vec<(i64, String, String)> {
    check["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["line"].as_i64().unwrap(),
                f["rule"].as_str().unwrap().to_string(),
                f["severity"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

async fn json_of(response: reqwest::Response, status: u16) -> Value {
    let got = response.status().as_u16();
    let body = response.text().await.unwrap();
    assert_eq!(got, status, "{body}");
    serde_json::from_str(&body).unwrap()
}

/// `GET url` with `client`, expecting `status`; the JSON answer.
async fn get_json(client: &reqwest::Client, url: String, status: u16) -> Value {
    json_of(client.get(url).send().await.unwrap(), status).await
}

/// The field a 422 problem names first.
fn field(problem: &Value) -> &str {
    problem["errors"][0]["field"].as_str().unwrap_or("")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn uploaded_configurations_are_checked_stored_and_listed_per_element_and_rule() {
    let db = TestDb::sqlite();
    let dir = std::env::temp_dir().join(format!("jike-configs-api-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    // The site's rules: CF3-unused-object switched off, CF5 re-graded to error.
    let rules = "[rules]\nCF3-unused-object = \"off\"\nCF5-missing-description = \"error\"\n";
    let rules_path = dir.join("lint.toml");
    std::fs::write(&rules_path, rules).unwrap();
    let config_path = dir.join("jike.toml");
    std::fs::write(
        &config_path,
        format!(
            "max_upload_mb = 1\nlint_config = {:?}\n",
            rules_path.display().to_string()
        ),
    )
    .unwrap();
    let server = Server::start(
        &db.url,
        &["--demo", "--config", config_path.to_str().unwrap()],
    );
    let admin = server.client();
    let cfg = jike_lint::LintConfig::from_toml(rules).unwrap();

    // Two elements of two contractors: the demo's elements run by contractor, so from both
    // ends of the list.
    let mut items = Vec::new();
    for sort in ["id", "-id"] {
        let page = get_json(
            &admin,
            server.url(&format!("/api/v1/elements?limit=200&sort={sort}")),
            200,
        )
        .await;
        items.extend(page["items"].as_array().unwrap().iter().cloned());
    }
    let first = items
        .iter()
        .find(|e| e["contractor_code"].is_string())
        .expect("an element a contractor maintains");
    let code = first["code"].as_str().unwrap().to_string();
    let id = first["id"].as_i64().unwrap();
    let owner = first["contractor_code"].as_str().unwrap().to_string();
    let other = items
        .iter()
        .find(|e| e["contractor_code"].as_str().is_some_and(|c| c != owner))
        .expect("an element of another contractor");
    let other_code = other["code"].as_str().unwrap().to_string();

    // Nothing uploaded yet.
    let none = admin
        .get(server.url(&format!("/api/v1/elements/{code}/config")))
        .send()
        .await
        .unwrap();
    assert_eq!(none.status(), 404);

    // An aggregation switch's configuration, by the element's code.
    let url = server.url(&format!(
        "/api/v1/elements/{code}/config?role=aggregation&file_name=huawei-agg.cfg"
    ));
    let check = json_of(
        admin
            .post(&url)
            .header("content-type", "text/plain")
            .body(HUAWEI_AGG)
            .send()
            .await
            .unwrap(),
        201,
    )
    .await;
    let want = expected(HUAWEI_AGG, jike_lint::Role::Aggregation, &cfg);
    assert!(!want.is_empty());
    assert_eq!(
        found(&check),
        want,
        "the service finds what the library finds"
    );
    assert!(
        !want.iter().any(|f| f.1 == "CF3-unused-object"),
        "switched off"
    );
    assert!(want
        .iter()
        .any(|f| f.1 == "CF5-missing-description" && f.2 == "error"));
    assert_eq!(check["config"]["vendor"], "huawei");
    assert_eq!(check["config"]["role"], "aggregation");
    assert_eq!(check["config"]["file_name"], "huawei-agg.cfg");
    assert_eq!(check["config"]["lines"], HUAWEI_AGG.lines().count() as i64);
    assert_eq!(check["element"]["id"], id);
    let errors = want.iter().filter(|f| f.2 == "error").count() as i64;
    assert_eq!(check["config"]["errors"], errors);

    // Read back, by id and by code.
    for key in [id.to_string(), code.clone()] {
        let latest = get_json(
            &admin,
            server.url(&format!("/api/v1/elements/{key}/config")),
            200,
        )
        .await;
        assert_eq!(latest, check);
    }
    let text = admin
        .get(server.url(&format!("/api/v1/elements/{code}/config/text")))
        .send()
        .await
        .unwrap();
    assert_eq!(text.status(), 200);
    assert!(text.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/plain"));
    assert_eq!(text.text().await.unwrap(), HUAWEI_AGG);

    // The same element again, as an access device in GB18030 from a multipart form; then
    // another element. The first upload's findings are gone, its text is kept.
    let (gb, _, _) = encoding_rs::GB18030.encode(H3C_ACCESS);
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(gb.into_owned()).file_name("h3c-access.cfg"),
    );
    let second = json_of(
        admin
            .post(server.url(&format!("/api/v1/elements/{id}/config?vendor=华三")))
            .multipart(form)
            .send()
            .await
            .unwrap(),
        201,
    )
    .await;
    assert_eq!(second["config"]["vendor"], "h3c");
    assert_eq!(second["config"]["file_name"], "h3c-access.cfg");
    assert_eq!(
        found(&second),
        expected(H3C_ACCESS, jike_lint::Role::Access, &cfg)
    );
    let text = admin
        .get(server.url(&format!("/api/v1/elements/{id}/config/text")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(text, H3C_ACCESS, "stored as UTF-8");
    let history = get_json(
        &admin,
        server.url(&format!("/api/v1/elements/{id}/config/history")),
        200,
    )
    .await;
    assert_eq!(history.as_array().unwrap().len(), 2);
    let older = history[1]["id"].as_i64().unwrap();
    let old_text = admin
        .get(server.url(&format!("/api/v1/elements/{id}/config/text?upload={older}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(old_text, HUAWEI_AGG);
    json_of(
        admin
            .post(server.url(&format!("/api/v1/elements/{other_code}/config")))
            .body(HUAWEI_AGG)
            .send()
            .await
            .unwrap(),
        201,
    )
    .await;

    // Per rule: every finding of the rule, over both elements, and the counts agree.
    let on_first = expected(H3C_ACCESS, jike_lint::Role::Access, &cfg);
    let on_other = expected(HUAWEI_AGG, jike_lint::Role::Access, &cfg);
    let rule = "CF5-missing-description";
    let count = |v: &[(i64, String, String)]| v.iter().filter(|f| f.1 == rule).count();
    let page = get_json(
        &admin,
        server.url(&format!("/api/v1/config-findings?rule={rule}&limit=1000")),
        200,
    )
    .await;
    let listed = page["items"].as_array().unwrap();
    assert_eq!(listed.len(), count(&on_first) + count(&on_other));
    assert!(listed.iter().all(|f| f["rule"] == rule));
    assert!(listed.iter().any(|f| f["element_code"] == code.as_str()));
    assert!(listed
        .iter()
        .any(|f| f["element_code"] == other_code.as_str()));
    let overview = get_json(&admin, server.url("/api/v1/config-findings/rules"), 200).await;
    assert_eq!(overview["elements_checked"], 2);
    let rules = overview["rules"].as_array().unwrap();
    assert_eq!(rules.len(), jike_lint::RULES.len(), "the whole catalogue");
    let cf5 = rules.iter().find(|r| r["rule"] == rule).unwrap();
    assert_eq!(cf5["findings"], listed.len() as i64);
    assert_eq!(cf5["elements"], 2);
    assert_eq!(cf5["severity"], "error");
    let cf3 = rules
        .iter()
        .find(|r| r["rule"] == "CF3-unused-object")
        .unwrap();
    assert_eq!(cf3["severity"], "off");
    assert_eq!(cf3["findings"], 0);
    // Pages follow the cursor to the end.
    let mut seen = 0;
    let mut cursor = String::new();
    loop {
        let page = get_json(
            &admin,
            server.url(&format!(
                "/api/v1/config-findings?rule={rule}&limit=3&cursor={cursor}"
            )),
            200,
        )
        .await;
        seen += page["items"].as_array().unwrap().len();
        match page["next_cursor"].as_str() {
            Some(c) => cursor = c.to_string(),
            None => break,
        }
    }
    assert_eq!(seen, listed.len());

    // Bad uploads are refused naming their field, and write nothing.
    let post = |q: &str| admin.post(server.url(&format!("/api/v1/elements/{id}/config{q}")));
    let cases: Vec<(reqwest::RequestBuilder, u16, &str)> = vec![
        (post("").body("  \n"), 422, "file"),
        (post("?vendor=juniper").body(HUAWEI_AGG), 422, "vendor"),
        (post("?role=edge").body(HUAWEI_AGG), 422, "role"),
        (post("?colour=red").body(HUAWEI_AGG), 422, "colour"),
        (
            post("").body(vec![0x50, 0x4b, 0x03, 0x04, 0, 0, 0]),
            422,
            "file",
        ),
        (post("").body(vec![0xff, 0xfe, 0xff, 0xff]), 422, "file"),
        (
            post("")
                .header("content-type", "application/json")
                .body("{\"config\": \"sysname A\"}"),
            415,
            "",
        ),
        (post("").body("sysname A\n".repeat(150_000)), 413, ""),
    ];
    for (i, (request, status, name)) in cases.into_iter().enumerate() {
        let problem = json_of(request.send().await.unwrap(), status).await;
        assert_eq!(field(&problem), name, "case {i}: {problem}");
    }
    let missing = admin
        .post(server.url("/api/v1/elements/NO-SUCH-NE/config"))
        .body(HUAWEI_AGG)
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
    for (q, name) in [
        ("?rule=CF9-none", "rule"),
        ("?severity=fatal", "severity"),
        ("?limit=0", "limit"),
        ("?cursor=zzz", "cursor"),
    ] {
        let problem = get_json(
            &admin,
            server.url(&format!("/api/v1/config-findings{q}")),
            422,
        )
        .await;
        assert_eq!(field(&problem), name, "{q}");
    }
    let history = get_json(
        &admin,
        server.url(&format!("/api/v1/elements/{id}/config/history")),
        200,
    )
    .await;
    assert_eq!(history.as_array().unwrap().len(), 2, "nothing was written");

    // A contractor: its own element, not the other's; an account manager: not at all.
    let tech = client_with(&token_of(
        &server.db,
        "tech",
        "contractor",
        &["--contractor", &owner],
    ));
    let own = tech
        .get(server.url(&format!("/api/v1/elements/{code}/config")))
        .send()
        .await
        .unwrap();
    assert_eq!(own.status(), 200);
    for request in [
        tech.get(server.url(&format!("/api/v1/elements/{other_code}/config"))),
        tech.get(server.url(&format!("/api/v1/elements/{other_code}/config/text"))),
        tech.post(server.url(&format!("/api/v1/elements/{other_code}/config")))
            .body(HUAWEI_AGG),
    ] {
        assert_eq!(request.send().await.unwrap().status(), 404);
    }
    let mine = get_json(&tech, server.url("/api/v1/config-findings?limit=1000"), 200).await;
    assert!(mine["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|f| f["element_code"] == code.as_str()));
    let manager = client_with(&token_of(
        &server.db,
        "am",
        "account_manager",
        &["--manager", "王经理"],
    ));
    let denied = manager
        .get(server.url("/api/v1/config-findings"))
        .send()
        .await
        .unwrap();
    assert_eq!(denied.status(), 403);

    // Reading a configuration's text is audited: it holds secrets.
    let reads = get_json(&admin, server.url("/api/v1/audit?action=read.config"), 200).await;
    assert_eq!(reads["items"].as_array().unwrap().len(), 3);
    drop(server);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_bad_lint_configuration_stops_the_service_at_start() {
    let db = TestDb::sqlite();
    let dir = std::env::temp_dir().join(format!("jike-configs-bad-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("lint.toml");
    std::fs::write(&path, "[rules]\nCF9-nothing = \"off\"\n").unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_jike"))
        .args(["serve", "--listen", "127.0.0.1:0", "--database", &db.url])
        .args(["--lint-config", path.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("CF9-nothing"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// R-CF2 in the service: the newest configurations of the elements of one role are compared at
/// every upload, and the odd device's finding names the majority's value, until it is fixed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_elements_of_one_role_are_compared_with_each_other() {
    let db = TestDb::sqlite();
    let server = Server::start(&db.url, &["--demo"]);
    let admin = server.client();
    let page = get_json(&admin, server.url("/api/v1/elements?limit=3"), 200).await;
    let codes: Vec<String> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["code"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(codes.len(), 3);
    let odd_text = HUAWEI_AGG.replace(
        "ntp-service unicast-server 10.255.0.2",
        "ntp-service unicast-server 10.9.9.9",
    );
    let ntp_line = odd_text
        .lines()
        .position(|l| l.starts_with("ntp-service unicast-server"))
        .unwrap() as i64
        + 1;
    let upload = |code: &str, text: String| {
        admin
            .post(server.url(&format!("/api/v1/elements/{code}/config?role=aggregation")))
            .body(text)
            .send()
    };
    let cf2 = |check: &Value| -> Vec<Value> {
        check["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["rule"] == "CF2-inconsistent")
            .cloned()
            .collect()
    };
    let first = json_of(upload(&codes[0], HUAWEI_AGG.into()).await.unwrap(), 201).await;
    assert!(cf2(&first).is_empty());
    json_of(upload(&codes[1], HUAWEI_AGG.into()).await.unwrap(), 201).await;
    // The third is odd: found at its own upload, naming the majority's value.
    let third = json_of(upload(&codes[2], odd_text.clone()).await.unwrap(), 201).await;
    let found = cf2(&third);
    assert_eq!(found.len(), 1, "{third}");
    assert_eq!(found[0]["line"], ntp_line);
    assert_eq!(found[0]["object"], "ntp_servers");
    let message = found[0]["message"].as_str().unwrap();
    assert!(
        message.contains("10.9.9.9") && message.contains("10.255.0.1, 10.255.0.2"),
        "{message}"
    );
    // Listed per rule, and counted.
    let listed = get_json(
        &admin,
        server.url("/api/v1/config-findings?rule=CF2-inconsistent"),
        200,
    )
    .await;
    let listed = listed["items"].as_array().unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["element_code"], codes[2].as_str());
    // Fixed: the finding is gone, from the element and from the list.
    let fixed = json_of(upload(&codes[2], HUAWEI_AGG.into()).await.unwrap(), 201).await;
    assert!(cf2(&fixed).is_empty());
    let rules = get_json(&admin, server.url("/api/v1/config-findings/rules"), 200).await;
    let row = rules["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["rule"] == "CF2-inconsistent")
        .unwrap()
        .clone();
    assert_eq!(row["findings"], 0);
}
