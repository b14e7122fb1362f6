//! The real `jike` binary and the real HTTP server it starts, on SQLite and on PostgreSQL.

use std::path::Path;
use std::process::{Command, Output};

#[path = "../../../jike-sheets/tests/support/bomb.rs"]
mod bomb;
use crate::common;

use common::{get_json, Server};
use jike_store::testing::TestDb;
use serde_json::{json, Value};

fn jike(db: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_jike"))
        .args(args)
        .args(["--database", db])
        .env_remove("JIKE_DATABASE")
        .env("JIKE_LOG", "warn")
        .output()
        .expect("run jike")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn write_customers_xlsx(path: &Path, rows: &[[&str; 8]]) {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    let headers = [
        "客户编码",
        "客户名称",
        "行业",
        "服务等级",
        "客户经理",
        "联系人",
        "联系电话",
        "区域",
    ];
    for (c, h) in headers.iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            // Phone numbers typed into Excel are numbers; the import must read them as text.
            if c == 6 && !v.is_empty() && v.chars().all(|ch| ch.is_ascii_digit()) {
                sheet
                    .write_number(r as u32 + 1, c as u16, v.parse::<f64>().unwrap())
                    .unwrap();
            } else {
                sheet.write_string(r as u32 + 1, c as u16, *v).unwrap();
            }
        }
    }
    book.save(path).unwrap();
}

#[tokio::test]
async fn the_cli_imports_and_exports_real_xlsx_files_on_both_databases() {
    for db in TestDb::both().await {
        let dir = tempfile::tempdir().unwrap();
        let out = jike(&db.url, &["migrate"]);
        assert!(out.status.success(), "{}", text(&out.stderr));

        // Customers may refer to no region: this file stands alone.
        let good = dir.path().join("customers.xlsx");
        write_customers_xlsx(
            &good,
            &[
                [
                    "C001",
                    "市第一人民医院",
                    "医疗",
                    "金牌",
                    "王经理",
                    "张伟",
                    "13812345678",
                    "",
                ],
                [
                    "C002",
                    "地铁集团",
                    "交通",
                    "diamond",
                    "李经理",
                    "李娜",
                    "13900001111",
                    "",
                ],
            ],
        );
        let out = jike(&db.url, &["import", "customers", good.to_str().unwrap()]);
        assert!(out.status.success(), "{}", text(&out.stderr));
        assert!(
            text(&out.stdout).contains("2 rows, 2 created, 0 updated, 0 unchanged"),
            "{}",
            text(&out.stdout)
        );
        // The summary is a whole line: the shell prompt does not follow it on the same line.
        assert!(text(&out.stdout).ends_with(".xlsx: 2 rows, 2 created, 0 updated, 0 unchanged\n"));
        let out = jike(
            &db.url,
            &["import", "customers", good.to_str().unwrap(), "--json"],
        );
        let report: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(report["unchanged"], 2, "{report}");
        assert!(text(&out.stdout).ends_with("}\n"));

        // A bad file writes nothing, says every row and column, and exits 1.
        let bad = dir.path().join("bad.xlsx");
        write_customers_xlsx(
            &bad,
            &[
                ["C003", "好客户", "教育", "银牌", "", "", "", ""],
                ["C004", "坏客户", "教育", "白金", "", "", "", ""],
                ["C 5", "", "教育", "铜牌", "", "", "12", ""],
            ],
        );
        let out = jike(&db.url, &["import", "customers", bad.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(1));
        let err = text(&out.stderr);
        assert!(err.contains("row 3, column 服务等级"), "{err}");
        assert!(err.contains("row 4, column 客户编码"), "{err}");
        assert!(err.contains("row 4, column 客户名称"), "{err}");
        let out = jike(&db.url, &["export", "customers", "--format", "csv"]);
        assert!(
            !text(&out.stdout).contains("C003"),
            "a bad file must write nothing"
        );

        // Export writes what import reads.
        let exported = dir.path().join("out.xlsx");
        let out = jike(
            &db.url,
            &[
                "export",
                "customers",
                "--format",
                "xlsx",
                "-o",
                exported.to_str().unwrap(),
            ],
        );
        assert!(out.status.success(), "{}", text(&out.stderr));
        let out = jike(
            &db.url,
            &["import", "customers", exported.to_str().unwrap()],
        );
        assert!(
            text(&out.stdout).contains("0 created, 0 updated, 2 unchanged"),
            "{}",
            text(&out.stdout)
        );
        let csv = text(&jike(&db.url, &["export", "customers", "--headers", "en"]).stdout);
        assert!(
            csv.starts_with("\u{feff}code,name,industry,grade"),
            "a BOM, then the header: {csv}"
        );
        assert!(
            csv.contains("C001,市第一人民医院,医疗,gold,王经理,张伟,13812345678"),
            "{csv}"
        );
        db.cleanup().await;
    }
}

#[test]
fn usage_and_connection_errors_have_their_own_exit_codes() {
    let out = jike("sqlite://unused.db", &["import", "planets", "x.csv"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    let out = jike("mysql://x", &["migrate"]);
    assert_eq!(out.status.code(), Some(3));
    assert!(
        text(&out.stderr).contains("is not a database URL"),
        "{}",
        text(&out.stderr)
    );
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("x.db").display());
    let out = jike(&db, &["import", "customers", "/nonexistent/file.csv"]);
    assert_eq!(out.status.code(), Some(3));
    assert!(text(&out.stderr).contains("cannot read /nonexistent/file.csv"));
}

#[tokio::test]
async fn the_http_api_works_end_to_end_on_both_databases() {
    for db in TestDb::both().await {
        let server = Server::start(&db.url, &["--demo"]);
        let http = server.client();

        let health: Value = http
            .get(server.url("/healthz"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(health["status"], "ok");

        // The OpenAPI document describes every kind and the transfer endpoints.
        let doc: Value = http
            .get(server.url("/api/v1/openapi.json"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
        for path in [
            "/api/v1/regions",
            "/api/v1/sites/{id}",
            "/api/v1/elements",
            "/api/v1/customers",
            "/api/v1/circuits/{id}",
            "/api/v1/contractors",
            "/api/v1/staff",
            "/api/v1/instruments",
            "/api/v1/vehicles",
            "/api/v1/import/{kind}",
            "/api/v1/export/{kind}",
        ] {
            assert!(doc["paths"][path].is_object(), "{path} is not documented");
        }
        assert!(doc["components"]["schemas"]["CircuitInput"].is_object());

        // The demo dataset is there; listing pages with a cursor and masks contacts.
        let page: Value = http
            .get(server.url("/api/v1/circuits?business_type=数据专线&limit=5&sort=-bandwidth"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(page["items"].as_array().unwrap().len(), 5, "{page}");
        let cursor = page["next_cursor"].as_str().unwrap();
        let next = http
            .get(server.url(&format!(
                "/api/v1/circuits?business_type=data_line&limit=5&sort=-bandwidth&cursor={cursor}"
            )))
            .send()
            .await
            .unwrap();
        assert_eq!(next.status(), 200);
        let customers: Value = http
            .get(server.url("/api/v1/customers?limit=1"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let c = &customers["items"][0];
        assert_eq!(c["contact_masked"], true);
        assert!(c["contact_phone"].as_str().unwrap().contains("****"), "{c}");
        let id = c["id"].as_i64().unwrap();
        let revealed: Value = http
            .get(server.url(&format!("/api/v1/customers/{id}?reveal=true")))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(revealed["contact_masked"], false);
        assert!(!revealed["contact_phone"].as_str().unwrap().contains('*'));

        // Create, read, update, delete.
        let input = json!({"code": "T-001", "name": "测试医院", "industry": "医疗", "grade": "钻石",
                           "contact_phone": "13812345678"});
        let created = http
            .post(server.url("/api/v1/customers"))
            .json(&input)
            .send()
            .await
            .unwrap();
        assert_eq!(created.status(), 201);
        let location = created.headers()["location"].to_str().unwrap().to_string();
        let body: Value = created.json().await.unwrap();
        assert_eq!(body["grade"], "diamond");
        let updated = http
            .put(server.url(&location))
            .json(&json!({"code": "T-001", "name": "测试医院", "grade": "gold"}))
            .send()
            .await
            .unwrap();
        assert_eq!(updated.status(), 200);
        let history: Value = http
            .get(server.url(&format!("{location}/grade-history")))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(history.as_array().unwrap().len(), 2, "{history}");
        assert_eq!(
            http.delete(server.url(&location))
                .send()
                .await
                .unwrap()
                .status(),
            204
        );
        assert_eq!(
            http.get(server.url(&location))
                .send()
                .await
                .unwrap()
                .status(),
            404
        );

        // Bad input: problem details naming the field, nothing written.
        let cases: Vec<(reqwest::RequestBuilder, u16, &str)> = vec![
            (
                http.post(server.url("/api/v1/customers")).json(&json!({"code": "X", "name": "x", "grade": "gold", "colour": 1})),
                422,
                "colour",
            ),
            (http.post(server.url("/api/v1/customers")).json(&json!({"code": "X", "name": "x", "grade": "platinum"})), 422, "grade"),
            (http.post(server.url("/api/v1/customers")).json(&json!({"name": "x", "grade": "gold"})), 422, "code"),
            (
                http.post(server.url("/api/v1/circuits")).json(&json!({"code": "L", "customer_code": "NOPE",
                    "business_type": "data_line", "scope": "local", "bandwidth": "100X", "a_end": "a", "z_end": "z",
                    "assurance_level": "AAA"})),
                422,
                "bandwidth",
            ),
            (
                http.post(server.url("/api/v1/circuits")).json(&json!({"code": "L", "customer_code": "NOPE",
                    "business_type": "data_line", "scope": "local", "bandwidth": "100M", "a_end": "a", "z_end": "z",
                    "assurance_level": "AAA"})),
                422,
                "customer_code",
            ),
            (http.get(server.url("/api/v1/circuits?colour=red")), 422, "colour"),
            (http.get(server.url("/api/v1/circuits?sort=colour")), 422, "sort"),
            (http.get(server.url("/api/v1/circuits?limit=0")), 422, "limit"),
            (http.get(server.url("/api/v1/circuits?cursor=forged")), 422, "cursor"),
        ];
        for (request, status, field) in cases {
            let response = request.send().await.unwrap();
            assert_eq!(response.status().as_u16(), status, "{field}");
            assert_eq!(
                response.headers()["content-type"],
                "application/problem+json"
            );
            let problem: Value = response.json().await.unwrap();
            assert_eq!(problem["errors"][0]["field"], field, "{problem}");
        }
        let response = http
            .post(server.url("/api/v1/customers"))
            .header("content-type", "application/json")
            .body("{not json")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 400);
        let response = http
            .post(server.url("/api/v1/customers"))
            .body("code=x")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 415);
        assert_eq!(
            http.get(server.url("/api/v1/customers/abc"))
                .send()
                .await
                .unwrap()
                .status(),
            404
        );
        // A row is read by its code as well as by its id.
        let first: serde_json::Value = http
            .get(server.url("/api/v1/customers?limit=1"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let code = first["items"][0]["code"].as_str().unwrap();
        let by_code: serde_json::Value = http
            .get(server.url(&format!("/api/v1/customers/{code}")))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(by_code["id"], first["items"][0]["id"]);
        assert_eq!(
            http.get(server.url("/api/v1/nothing"))
                .send()
                .await
                .unwrap()
                .status(),
            404
        );
        let huge = "x".repeat(2 << 20);
        // Its own client: the server closes a connection whose body it refused.
        let response = server
            .client()
            .post(server.url("/api/v1/customers"))
            .header("content-type", "application/json")
            .body(huge)
            .send()
            .await
            .unwrap();
        assert!(
            response.status() == 413 || response.status() == 400,
            "{}",
            response.status()
        );

        // Import through the API: a bad row answers 422 with the row, a good file 200.
        let bad = "客户编码,客户名称,服务等级\nA1,甲,金牌\nA2,乙,白金\n";
        let response = http
            .post(server.url("/api/v1/import/customers?format=csv"))
            .body(bad)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 422);
        let problem: Value = response.json().await.unwrap();
        assert_eq!(problem["rows"][0]["row"], 3, "{problem}");
        assert_eq!(problem["rows"][0]["column"], "服务等级");
        let form = reqwest::multipart::Form::new().part(
            "file",
            reqwest::multipart::Part::bytes("code,name,grade\nA1,甲,gold\n".as_bytes().to_vec())
                .file_name("c.csv"),
        );
        let response = http
            .post(server.url("/api/v1/import/customers"))
            .multipart(form)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        let report: Value = response.json().await.unwrap();
        assert_eq!(report["created"], 1, "{report}");
        assert_eq!(
            http.post(server.url("/api/v1/import/planets"))
                .body("x")
                .send()
                .await
                .unwrap()
                .status(),
            404
        );

        let xlsx = http
            .get(server.url("/api/v1/export/circuits?format=xlsx"))
            .send()
            .await
            .unwrap();
        assert_eq!(xlsx.status(), 200);
        assert!(xlsx.bytes().await.unwrap().starts_with(b"PK"));

        // Metrics count what was asked, by route template.
        let metrics = http
            .get(server.url("/metrics"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(metrics.contains("jike_http_requests_total{method=\"GET\",route=\"/api/v1/circuits\",status=\"200\"}"), "{metrics}");
        assert!(metrics.contains("jike_inventory_rows{kind=\"circuits\"}"));
        // On SQLite the group commit reports its commits: the import above was one request.
        if db.url.starts_with("sqlite:") {
            let commits = metrics
                .lines()
                .find_map(|l| l.strip_prefix("jike_sqlite_group_commits "))
                .and_then(|v| v.trim().parse::<u64>().ok());
            assert!(commits.is_some_and(|n| n >= 1), "{metrics}");
        }
        drop(server);
        db.cleanup().await;
    }
}

#[test]
fn the_example_files_import_into_the_demo_dataset_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("demo.db").display());
    let out = jike(&db, &["demo"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    for (kind, file) in [
        ("customers", "customers.csv"),
        ("circuits", "circuits.csv"),
        ("circuits", "circuits-en.csv"),
        ("sites", "sites.csv"),
        ("elements", "elements.csv"),
        ("staff", "staff.csv"),
        ("regions", "regions.csv"),
        ("contractors", "contractors.csv"),
        ("instruments", "instruments.csv"),
        ("vehicles", "vehicles.csv"),
    ] {
        let out = jike(
            &db,
            &[
                "import",
                kind,
                examples.join(file).to_str().unwrap(),
                "--json",
            ],
        );
        assert!(out.status.success(), "{file}: {}", text(&out.stderr));
        let report: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(
            (report["created"].as_u64(), report["updated"].as_u64()),
            (Some(0), Some(0)),
            "{file}: {report}"
        );
    }
}

/// The body limit is the route's, declared with it (`Routes::route` and `Routes::upload`): a
/// body over `max_json_bytes` (1 MiB) is refused by a JSON route, read by an import.
#[tokio::test]
async fn each_route_reads_bodies_up_to_its_own_limit() {
    let db = TestDb::sqlite();
    let server = Server::start(&db.url, &[]);
    let big = (1 << 20) + (1 << 19);
    let mut csv = String::from("code,name,grade\n");
    while csv.len() < big {
        csv.push_str("C0000001,某某客户名称比较长的一家公司,gold\n");
    }
    let json = format!("{{\"code\": \"C1\", \"name\": \"{}\"}}", "x".repeat(big));
    let response = server
        .client()
        .post(server.url("/api/v1/customers"))
        .header("content-type", "application/json")
        .body(json)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 413);
    let response = server
        .client()
        .post(server.url("/api/v1/import/customers?format=csv&dry_run=true"))
        .body(csv)
        .send()
        .await
        .unwrap();
    assert_ne!(response.status(), 413, "{}", response.text().await.unwrap());
}

#[tokio::test]
async fn an_upload_over_the_configured_limit_is_refused_with_413() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("jike.toml");
    std::fs::write(&config, "max_upload_mb = 1\n").unwrap();
    let db = format!("sqlite://{}", dir.path().join("j.db").display());
    let server = Server::start(&db, &["--config", config.to_str().unwrap()]);
    let mut csv = String::from("code,name,grade\n");
    while csv.len() < (1 << 20) + 1000 {
        csv.push_str("C0000001,某某客户名称比较长的一家公司,gold\n");
    }
    let response = server
        .client()
        .post(server.url("/api/v1/import/customers?format=csv"))
        .body(csv)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 413);
    let problem: Value = response.json().await.unwrap();
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("max_upload_mb"),
        "{problem}"
    );
}

/// Issue 14: a new user brings their regions (parents anywhere in the file, by code or unique
/// name), files name regions by code or unique name, and a refused file lists every problem
/// at once: through the command line and the API, on both databases.
#[tokio::test]
async fn regions_import_and_a_refused_file_lists_every_problem_at_once_on_both_databases() {
    for db in TestDb::both().await {
        let dir = tempfile::tempdir().unwrap();
        let out = jike(&db.url, &["migrate"]);
        assert!(out.status.success(), "{}", text(&out.stderr));
        let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
        let regions = examples.join("regions.csv");
        let out = jike(&db.url, &["import", "regions", regions.to_str().unwrap()]);
        assert!(out.status.success(), "{}", text(&out.stderr));
        assert!(
            text(&out.stdout).contains("32 rows, 32 created"),
            "{}",
            text(&out.stdout)
        );
        // Two regions named alike, in two counties.
        let more = dir.path().join("more.csv");
        std::fs::write(
            &more,
            "code,name,level,parent\nGZ-LJ-X,江湾网格,grid,临江区\nGZ-DS-X,江湾网格,网格,GZ-DS\n",
        )
        .unwrap();
        let out = jike(&db.url, &["import", "regions", more.to_str().unwrap()]);
        assert!(out.status.success(), "{}", text(&out.stderr));
        let out = jike(&db.url, &["export", "regions", "--headers", "en"]);
        assert!(
            text(&out.stdout).contains("GZ-LJ-X,江湾网格,grid,GZ-LJ\n"),
            "{}",
            text(&out.stdout)
        );

        // Error paths: an unknown level, an unknown parent.
        let bad = dir.path().join("bad-regions.csv");
        std::fs::write(
            &bad,
            "区域编码,区域名称,级别,上级区域\nX1,某区,乡镇,港州市\nX2,某网格,网格,火星区\n",
        )
        .unwrap();
        let out = jike(&db.url, &["import", "regions", bad.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
        let err = text(&out.stderr);
        assert!(err.contains("row 2, column 级别: "), "{err}");
        assert!(
            err.contains("row 3, column 上级区域: no region with code or name '火星区'"),
            "{err}"
        );

        // A customers file: a unique name resolves, an ambiguous one names the candidates.
        let customers = dir.path().join("customers.csv");
        std::fs::write(
            &customers,
            "客户编码,客户名称,服务等级,区域\nC1,临江医院,金牌,临江区\nC2,江湾学校,银牌,江湾网格\n",
        )
        .unwrap();
        let out = jike(
            &db.url,
            &["import", "customers", customers.to_str().unwrap()],
        );
        assert_eq!(out.status.code(), Some(1));
        let err = text(&out.stderr);
        assert!(err.contains("1 problem(s)"), "{err}");
        assert!(
            err.contains(
                "row 3, column 区域: '江湾网格' is the name of 2 regions (GZ-DS-X, GZ-LJ-X)"
            ),
            "{err}"
        );
        std::fs::write(
            &customers,
            "客户编码,客户名称,服务等级,区域\nC1,临江医院,金牌,临江区\nC2,江湾学校,银牌,GZ-DS-X\n",
        )
        .unwrap();
        let out = jike(
            &db.url,
            &["import", "customers", customers.to_str().unwrap()],
        );
        assert!(out.status.success(), "{}", text(&out.stderr));
        let out = jike(&db.url, &["export", "customers"]);
        assert!(
            text(&out.stdout).contains(",GZ-LJ\n"),
            "{}",
            text(&out.stdout)
        );

        // The circuits file: an unknown customer on one row, a bad bandwidth on another;
        // both are reported by the first attempt, and nothing is written.
        let circuits = "专线编号,客户编码,业务类型,范围,带宽,A端,Z端,保障等级,区域\n\
                        L1,C1,数据专线,本地,100M,a,z,AAA,临江区\n\
                        L2,C404,数据专线,本地,100M,a,z,AAA,临江区\n\
                        L3,C1,数据专线,本地,100X,a,z,AAA,临江区\n";
        let file = dir.path().join("circuits.csv");
        std::fs::write(&file, circuits).unwrap();
        let out = jike(&db.url, &["import", "circuits", file.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(1));
        let err = text(&out.stderr);
        assert!(err.contains("the file has 2 problem(s)"), "{err}");
        assert!(
            err.contains("row 3, column 客户编码: no customer with code 'C404'"),
            "{err}"
        );
        assert!(
            err.contains("row 4, column 带宽: '100X' is not a bandwidth"),
            "{err}"
        );
        let out = jike(&db.url, &["export", "circuits"]);
        assert!(!text(&out.stdout).contains("L1"), "nothing is written");

        let server = Server::start(&db.url, &[]);
        let http = server.client();
        // The same file through the API, as CSV and as .xlsx: one 422 with both rows.
        let xlsx = dir.path().join("circuits.xlsx");
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        for (r, line) in circuits.lines().enumerate() {
            for (c, cell) in line.split(',').enumerate() {
                sheet.write_string(r as u32, c as u16, cell).unwrap();
            }
        }
        book.save(&xlsx).unwrap();
        for (format, body) in [
            ("csv", circuits.as_bytes().to_vec()),
            ("xlsx", std::fs::read(&xlsx).unwrap()),
        ] {
            let response = http
                .post(server.url(&format!("/api/v1/import/circuits?format={format}")))
                .body(body)
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), 422, "{format}");
            let problem: Value = response.json().await.unwrap();
            let rows: Vec<(u64, String)> = problem["rows"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| {
                    (
                        r["row"].as_u64().unwrap(),
                        r["column"].as_str().unwrap_or_default().to_string(),
                    )
                })
                .collect();
            assert_eq!(
                rows,
                [(3, "客户编码".to_string()), (4, "带宽".to_string())],
                "{format}: {problem}"
            );
        }
        // Regions import through the API too, and export.
        let response = http
            .post(server.url("/api/v1/import/regions?format=csv&dry_run=true"))
            .body("code,name,level,parent\nGZ-NEW,新区,区县,港州市\n")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        let report: Value = response.json().await.unwrap();
        assert_eq!(
            (report["created"].as_u64(), report["dry_run"].as_bool()),
            (Some(1), Some(true)),
            "{report}"
        );
        for kind in ["regions", "contractors", "instruments", "vehicles"] {
            let response = http
                .get(server.url(&format!("/api/v1/export/{kind}?format=csv")))
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), 200, "{kind}");
        }
        drop(server);
        db.cleanup().await;
    }
}

/// Issue 14: a small `.xlsx` whose parts inflate to hundreds of megabytes is refused with a 413
/// naming the entry, before it is inflated: the server's memory does not grow with it.
#[tokio::test]
async fn an_xlsx_zip_bomb_is_refused_with_413_naming_the_entry() {
    const MB: u64 = 1_000_000;
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("j.db").display());
    let server = Server::start(&db, &[]);
    let status = format!("/proc/{}/status", server.child.id());
    let peak = || {
        std::fs::read_to_string(&status)
            .ok()
            .and_then(|s| bomb::peak_rss_in(&s))
    };
    let before = peak();
    for (file, entry, says) in [
        (
            bomb::xlsx(1000, 300 * MB, false),
            bomb::SHEET,
            "xl/worksheets/sheet1.xml inflates beyond 200 MB",
        ),
        (
            bomb::xlsx(300 * MB, 300 * MB, true),
            bomb::SHARED_STRINGS,
            "xl/sharedStrings.xml inflates beyond the 1000 bytes its zip header declares",
        ),
    ] {
        let response = server
            .client()
            .post(server.url("/api/v1/import/customers?format=xlsx"))
            .body(file)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 413, "{entry}");
        assert_eq!(
            response.headers()["content-type"],
            "application/problem+json"
        );
        let problem: Value = response.json().await.unwrap();
        assert_eq!(problem["type"], "https://jike.dev/problems/too-large");
        let detail = problem["detail"].as_str().unwrap();
        assert!(detail.starts_with(says), "{problem}");
    }
    // Nothing was imported.
    let customers = get_json(&server.client(), server.url("/api/v1/customers?limit=1")).await;
    assert_eq!(
        customers["items"].as_array().unwrap().len(),
        0,
        "{customers}"
    );
    if let (Some(before), Some(after)) = (before, peak()) {
        assert!(
            after.saturating_sub(before) < 100 * MB,
            "the server's peak memory grew from {} MB to {} MB",
            before / MB,
            after / MB
        );
    }
}
