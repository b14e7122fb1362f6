//! Durability of work orders and their timers, through the real `jike serve` process:
//!
//! - a SIGKILL while clients write loses nothing that was acknowledged (SQLite and PostgreSQL);
//! - timers that fall due while the service is down fire once after it restarts, and their
//!   notifications are written to the outbox once per target (SQLite and PostgreSQL);
//! - two `jike serve` processes on one PostgreSQL database share the timers, and none fires
//!   twice.
//!
//! Every wait polls against a deadline; nothing depends on how fast this machine is, only the
//! coverage (how many timers fall due while the service is down) does, and it is printed.

use crate::common;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use jike_store::db::Val;
use jike_store::testing::TestDb;
use jike_store::Store;
use serde_json::{json, Value};

/// A `jike serve` child on a port of its choosing; SIGKILLed when dropped.
struct Server {
    child: Child,
    base: String,
}

impl Server {
    fn start(db: &str, demo: bool, env: &[(&str, &str)]) -> Server {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_jike"));
        // With a webhook that refuses every delivery, each retry is a warning: errors only.
        let webhook = env.iter().any(|(k, _)| *k == "JIKE_WEBHOOK_URL");
        cmd.args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--database",
            db,
            "--log",
            if webhook { "error" } else { "warn" },
        ]);
        if demo {
            // The inventory only: the counts below are of the orders the tests make.
            cmd.args(["--demo", "--no-demo-orders"]);
        }
        // Only the settings given here: none of the caller's JIKE_* variables (a webhook or a
        // mail relay of theirs would change the outbox counts).
        for (name, _) in std::env::vars_os() {
            if name.to_string_lossy().starts_with("JIKE_") {
                cmd.env_remove(name);
            }
        }
        cmd.envs(env.iter().copied());
        // Nor a ./jike.toml: an empty configuration file.
        let config =
            std::env::temp_dir().join(format!("jike-durability-{}.toml", std::process::id()));
        std::fs::write(&config, "").expect("write an empty configuration file");
        cmd.arg("--config").arg(&config);
        let mut child = cmd
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start jike serve");
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        // The first line is printed once the server listens (after migrating and the demo).
        let line = lines
            .next()
            .and_then(Result::ok)
            .unwrap_or_else(|| panic!("jike serve on {db} stopped before it listened"));
        std::thread::spawn(move || for _ in lines {});
        let start = line
            .find("http://")
            .unwrap_or_else(|| panic!("no URL printed: {line:?}"));
        let base = line[start..]
            .split_whitespace()
            .next()
            .unwrap()
            .trim_end_matches('/')
            .to_string();
        Server { child, base }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    fn pid(&self) -> u32 {
        self.child.id()
    }

    /// SIGKILL (what `Child::kill` sends on Unix): no shutdown code runs.
    fn sigkill(&mut self) {
        self.child.kill().expect("SIGKILL jike serve");
        self.child.wait().expect("reap jike serve");
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A client of an administrator of the database `db` (created on first use).
fn http(db: &str) -> reqwest::Client {
    common::client_with(&common::token_of(db, "admin", "admin", &[]))
}

/// Sends a request; the status and the JSON body, or the transport error.
async fn send(request: reqwest::RequestBuilder) -> Result<(u16, Value), reqwest::Error> {
    let response = request.send().await?;
    let status = response.status().as_u16();
    let bytes = response.bytes().await?;
    Ok((
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    ))
}

async fn codes(client: &reqwest::Client, server: &Server, what: &str) -> Vec<String> {
    let (status, body) = send(client.get(server.url(&format!("/api/v1/{what}?limit=200"))))
        .await
        .unwrap();
    assert_eq!(status, 200, "{body}");
    let codes: Vec<String> = body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["code"].as_str().unwrap().to_string())
        .collect();
    assert!(!codes.is_empty(), "the demo has no {what}");
    codes
}

/// A fault order on a demo circuit (or reported by a demo customer, one time in three).
fn fault(n: usize, customers: &[String], circuits: &[String]) -> Value {
    if n.is_multiple_of(3) {
        json!({
            "kind": "fault",
            "title": format!("durability {n}"),
            "customer_code": customers[n % customers.len()],
            // Without a circuit nothing says who maintains it (R-MD): the creator names the
            // demo's first contractor, or the dispatch would be refused.
            "contractor_code": "CT01",
            "alarms": [{"alarm_id": format!("D{n}"), "transmission": n.is_multiple_of(2)}],
        })
    } else {
        json!({
            "kind": "fault",
            "title": format!("durability {n}"),
            "circuit_codes": [circuits[n % circuits.len()]],
            "failed_hop": 2,
            "alarms": [{"alarm_id": format!("D{n}"), "transmission": n.is_multiple_of(2)}],
        })
    }
}

/// The (seq, type) of each event of an order as the API shows it.
fn events_of(order: &Value) -> Vec<(i64, String)> {
    order["events"]
        .as_array()
        .unwrap_or_else(|| panic!("no events in {order}"))
        .iter()
        .map(|e| {
            (
                e["seq"].as_i64().unwrap(),
                e["type"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// Polls `check` every 100 ms until it answers `Some`, or panics with `what` at the deadline.
async fn wait_for<T, F, Fut>(what: &str, within: Duration, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = Instant::now() + within;
    loop {
        if let Some(v) = check().await {
            return v;
        }
        assert!(
            Instant::now() < deadline,
            "timed out after {within:?} waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

const LIFECYCLE: [&str; 7] = [
    "dispatched",
    "accepted",
    "customer_contacted",
    "en_route",
    "on_site",
    "restored",
    "observing",
];

// ---------------------------------------------------------------------------------------------
// SIGKILL while writing

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_sigkill_loses_no_acknowledged_order_or_event() {
    for db in TestDb::both().await {
        sigkill_while_writing(&db.url).await;
        db.cleanup().await;
    }
}

/// What the clients were told: for each order, the events acknowledged, by seq.
type Acked = Arc<Mutex<BTreeMap<i64, BTreeMap<i64, String>>>>;

async fn sigkill_while_writing(db: &str) {
    let mut server = Server::start(db, true, &[]);
    let client = http(db);
    let customers = Arc::new(codes(&client, &server, "customers").await);
    let circuits = Arc::new(codes(&client, &server, "circuits").await);
    let acked: Acked = Arc::default();
    let stop = Arc::new(AtomicBool::new(false));
    const CLIENTS: usize = 8;
    let workers: Vec<_> = (0..CLIENTS)
        .map(|k| {
            let (client, acked, stop) = (client.clone(), acked.clone(), stop.clone());
            let (customers, circuits) = (customers.clone(), circuits.clone());
            let orders = server.url("/api/v1/orders");
            tokio::spawn(async move {
                let mut n = k;
                // Until the server dies under us (a transport error) or we are told to stop.
                while !stop.load(Ordering::SeqCst) {
                    let body = fault(n, &customers, &circuits);
                    n += CLIENTS;
                    let Ok((status, order)) = send(client.post(&orders).json(&body)).await else {
                        return;
                    };
                    assert_eq!(status, 201, "{order}");
                    let id = order["id"].as_i64().unwrap();
                    acked
                        .lock()
                        .unwrap()
                        .insert(id, events_of(&order).into_iter().collect());
                    // Each order goes through part of its life: between one and all events.
                    for kind in &LIFECYCLE[..1 + n % LIFECYCLE.len()] {
                        let url = format!("{orders}/{id}/events");
                        let body = json!({"type": kind, "note": "durability"});
                        let Ok((status, order)) = send(client.post(&url).json(&body)).await else {
                            return;
                        };
                        assert_eq!(status, 201, "{kind} on {id}: {order}");
                        let (seq, got) = events_of(&order).pop().unwrap();
                        assert_eq!(&got, kind, "{order}");
                        acked
                            .lock()
                            .unwrap()
                            .entry(id)
                            .or_default()
                            .insert(seq, got);
                    }
                }
            })
        })
        .collect();

    // About two seconds of writes, and at least a few dozen acknowledged orders.
    let started = Instant::now();
    wait_for("acknowledged orders", Duration::from_secs(60), || {
        let enough =
            acked.lock().unwrap().len() >= 30 && started.elapsed() >= Duration::from_secs(2);
        async move { enough.then_some(()) }
    })
    .await;
    server.sigkill();
    stop.store(true, Ordering::SeqCst);
    for w in workers {
        tokio::time::timeout(Duration::from_secs(60), w)
            .await
            .expect("clients stop once the server is gone")
            .expect("a client failed");
    }
    let acked = acked.lock().unwrap().clone();
    let acked_events: usize = acked.values().map(BTreeMap::len).sum();

    let server = Server::start(db, false, &[]);
    for (id, events) in &acked {
        let (status, order) = send(client.get(server.url(&format!("/api/v1/orders/{id}"))))
            .await
            .unwrap();
        assert_eq!(status, 200, "acknowledged order {id} is gone: {order}");
        let stored = events_of(&order);
        // Acknowledged events are there, at their seq; at most one more (sent, committed, and
        // killed before its answer).
        for (seq, kind) in events {
            assert!(
                stored.iter().any(|(s, k)| s == seq && k == kind),
                "order {id}: acknowledged event {seq} {kind} is missing from {stored:?}"
            );
        }
        assert!(
            stored.len() <= events.len() + 1,
            "order {id}: {stored:?} has more than one unacknowledged event beyond {events:?}"
        );
        let seqs: Vec<i64> = stored.iter().map(|(s, _)| *s).collect();
        assert_eq!(
            seqs,
            (1..=stored.len() as i64).collect::<Vec<_>>(),
            "order {id}"
        );
        assert_eq!(
            order["state"].as_str(),
            Some(last_state(&stored)),
            "order {id}: the state follows the events {stored:?}"
        );
    }
    // Orders nobody was told of: at most one per client (created, then killed before answering).
    let store = Store::connect(db).await.unwrap();
    let total = count(&store, "SELECT count(*) FROM orders", &[]).await;
    assert!(
        total >= acked.len() as i64 && total <= (acked.len() + CLIENTS) as i64,
        "{total} orders stored, {} acknowledged",
        acked.len()
    );
    store.close().await;
    // And the restarted service takes writes.
    let body = fault(1, &customers, &circuits);
    let (status, order) = send(client.post(server.url("/api/v1/orders")).json(&body))
        .await
        .unwrap();
    assert_eq!(status, 201, "{order}");
    eprintln!(
        "{db}: SIGKILL after {:.1} s; {} acknowledged orders with {acked_events} acknowledged \
         events all survived ({total} orders stored)",
        started.elapsed().as_secs_f64(),
        acked.len()
    );
}

/// The state a fault order is in after these events (the lifecycle above only).
fn last_state(events: &[(i64, String)]) -> &'static str {
    match events.last().map(|(_, k)| k.as_str()) {
        Some("dispatched") => "dispatched",
        Some("accepted") => "accepted",
        Some("customer_contacted" | "en_route" | "on_site") => "in_progress",
        Some("restored") => "restored",
        Some("observing") => "observing",
        _ => "new",
    }
}

// ---------------------------------------------------------------------------------------------
// Timers: exactly once across a SIGKILL and a restart, and across two processes

async fn count(store: &Store, sql: &str, vals: &[Val]) -> i64 {
    let mut c = store.db().read().await.unwrap();
    let (n,): (i64,) = c.conn().fetch_one(sql, vals).await.unwrap();
    n
}

/// One row of `timers`.
#[derive(Debug, Clone)]
struct Timer {
    id: i64,
    order_id: i64,
    kind: String,
    clock: String,
    due_at: DateTime<Utc>,
    fired_at: Option<DateTime<Utc>>,
    fired_by: Option<String>,
}

async fn timers(store: &Store) -> Vec<Timer> {
    let mut c = store.db().read().await.unwrap();
    type Row = (
        i64,
        i64,
        String,
        String,
        DateTime<Utc>,
        Option<DateTime<Utc>>,
        Option<String>,
    );
    let rows: Vec<Row> = c
        .conn()
        .fetch_all(
            "SELECT id, order_id, kind, clock, due_at, fired_at, fired_by FROM timers ORDER BY id",
            &[],
        )
        .await
        .unwrap();
    rows.into_iter()
        .map(
            |(id, order_id, kind, clock, due_at, fired_at, fired_by)| Timer {
                id,
                order_id,
                kind,
                clock,
                due_at,
                fired_at,
                fired_by,
            },
        )
        .collect()
}

/// Outbox rows written for timers: timer id → rows.
async fn outbox_by_timer(store: &Store) -> HashMap<i64, i64> {
    let mut c = store.db().read().await.unwrap();
    let rows: Vec<(i64, i64)> = c
        .conn()
        .fetch_all(
            "SELECT timer_id, count(*) FROM outbox WHERE timer_id IS NOT NULL GROUP BY timer_id",
            &[],
        )
        .await
        .unwrap();
    rows.into_iter().collect()
}

/// A URL nothing listens on: deliveries fail and are retried, the outbox rows stay.
fn closed_port_url() -> String {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    format!("http://127.0.0.1:{port}/hook")
}

/// Outbox rows per notification: `JIKE_WEBHOOK_URL` is the one target.
const TARGETS: i64 = 1;

/// Loads a policy (version 2, in force for an hour already) whose fault clocks run from the
/// occurrence for `restore` and `on_site` seconds, warning at half.
async fn load_short_policy(client: &reqwest::Client, server: &Server, restore: u32, on_site: u32) {
    let valid_from = (Utc::now() - chrono::Duration::hours(1))
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let policy = format!(
        "version = 2\nvalid_from = \"{valid_from}\"\nwarning = 0.5\n\n[[rule]]\n\
         kind = [\"fault\", \"complaint\"]\nobservation = \"1h\"\nclocks = [\n\
         {{ name = \"restore\", limit = \"{restore}s\", start = \"occurred\", stop = \"restored\" }},\n\
         {{ name = \"on_site\", limit = \"{on_site}s\", start = \"occurred\", stop = \"on_site\" }},\n]\n"
    );
    let (status, body) = send(client.post(server.url("/api/v1/sla/policies")).body(policy))
        .await
        .unwrap();
    assert_eq!(status, 201, "{body}");
}

/// Creates `n` fault orders through the servers in turn, `clients` at a time; `occurred_at`
/// of the `i`-th is `ago(i)` seconds before now. Returns their ids.
async fn create_orders(
    client: &reqwest::Client,
    servers: &[&Server],
    n: usize,
    clients: usize,
    ago: fn(usize) -> i64,
) -> Vec<i64> {
    let customers = Arc::new(codes(client, servers[0], "customers").await);
    let circuits = Arc::new(codes(client, servers[0], "circuits").await);
    let urls: Arc<Vec<String>> =
        Arc::new(servers.iter().map(|s| s.url("/api/v1/orders")).collect());
    let tasks: Vec<_> = (0..clients)
        .map(|k| {
            let (client, urls) = (client.clone(), urls.clone());
            let (customers, circuits) = (customers.clone(), circuits.clone());
            tokio::spawn(async move {
                let mut ids = Vec::new();
                for i in (k..n).step_by(clients) {
                    let mut body = fault(i, &customers, &circuits);
                    let occurred = Utc::now() - chrono::Duration::seconds(ago(i));
                    body["occurred_at"] =
                        json!(occurred.to_rfc3339_opts(chrono::SecondsFormat::Secs, true));
                    let url = &urls[i % urls.len()];
                    let (status, order) = send(client.post(url).json(&body)).await.unwrap();
                    assert_eq!(status, 201, "{order}");
                    assert_eq!(order["policy_version"].as_i64(), Some(2), "{order}");
                    ids.push(order["id"].as_i64().unwrap());
                }
                ids
            })
        })
        .collect();
    let mut ids = Vec::new();
    for t in tasks {
        ids.extend(t.await.unwrap());
    }
    ids
}

/// Checks what every durable timer of these orders must satisfy once all are fired: one row
/// per (order, kind, clock, due) (the unique key) and per (order, kind, clock) for the one-off
/// kinds, fired, both breaches of every order fired, and exactly `targets` outbox rows for each
/// fired timer and none for any other. Returns the timers.
async fn check_fired_once(store: &Store, orders: &[i64], targets: i64) -> Vec<Timer> {
    let all = timers(store).await;
    let wanted: HashSet<i64> = orders.iter().copied().collect();
    let mut seen = HashSet::new();
    for t in &all {
        assert!(
            wanted.contains(&t.order_id),
            "a timer of an unknown order: {t:?}"
        );
        assert!(t.fired_at.is_some(), "not fired: {t:?}");
        assert!(t.fired_by.is_some(), "fired by nobody: {t:?}");
        assert!(
            seen.insert((t.order_id, t.kind.clone(), t.clock.clone())),
            "a second {} of clock {} for order {}: {all:?}",
            t.kind,
            t.clock,
            t.order_id
        );
    }
    for id in orders {
        for clock in ["restore", "on_site"] {
            assert!(
                seen.contains(&(*id, "breach".to_string(), clock.to_string())),
                "order {id}: the {clock} breach never fired"
            );
        }
    }
    let outbox = outbox_by_timer(store).await;
    for t in &all {
        assert_eq!(
            outbox.get(&t.id).copied().unwrap_or(0),
            targets,
            "outbox rows of {t:?}"
        );
    }
    let fired: HashSet<i64> = all.iter().map(|t| t.id).collect();
    for (timer, rows) in &outbox {
        assert!(
            fired.contains(timer),
            "{rows} outbox rows for timer {timer}, not a fired timer"
        );
    }
    all
}

/// Waits until every breach of these orders has fired and nothing due is left unfired.
async fn wait_all_fired(store: &Store, orders: usize, within: Duration) {
    wait_for("every due timer to fire", within, || async {
        let now = Val::Time(Some(Utc::now()));
        let breaches = count(
            store,
            "SELECT count(*) FROM timers WHERE kind = 'breach' AND fired_at IS NOT NULL",
            &[],
        )
        .await;
        let due = count(
            store,
            "SELECT count(*) FROM timers WHERE fired_at IS NULL AND due_at <= $1",
            &[now],
        )
        .await;
        (breaches == 2 * orders as i64 && due == 0).then_some(())
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn due_timers_fire_exactly_once_after_a_sigkill_and_a_restart() {
    for db in TestDb::both().await {
        timers_across_restart(&db.url).await;
        db.cleanup().await;
    }
}

async fn timers_across_restart(db: &str) {
    let hook = closed_port_url();
    let env = [("JIKE_WEBHOOK_URL", hook.as_str())];
    let client = http(db);
    let mut first = Server::start(db, true, &env);
    // restore: warning at 2 s, breach at 4 s; on_site: warning at 5 s, breach at 10 s.
    load_short_policy(&client, &first, 4, 10).await;
    const ORDERS: usize = 30;
    let created = Instant::now();
    let orders = create_orders(&client, &[&first], ORDERS, 4, |_| 0).await;
    let creation = created.elapsed();
    first.sigkill();
    let down_at = Utc::now();
    let store = Store::connect(db).await.unwrap();
    let before = timers(&store).await;
    let fired_before = before.iter().filter(|t| t.fired_at.is_some()).count();

    // Start again once the restore breaches are due: they fell due while nobody ran.
    let restore_due = before
        .iter()
        .filter(|t| t.kind == "breach" && t.clock == "restore")
        .map(|t| t.due_at)
        .max()
        .expect("restore breach timers");
    let wait = (restore_due - Utc::now()).to_std().unwrap_or_default() + Duration::from_millis(500);
    tokio::time::sleep(wait).await;
    let restarted_at = Utc::now();
    let second = Server::start(db, false, &env);
    wait_all_fired(&store, ORDERS, Duration::from_secs(60)).await;

    let all = check_fired_once(&store, &orders, TARGETS).await;
    // Who fired what: the first process before the SIGKILL, the second after the restart.
    let first_name = format!("-{}-", first.pid());
    let second_name = format!("-{}-", second.pid());
    let by_first = all
        .iter()
        .filter(|t| {
            t.fired_by
                .as_deref()
                .is_some_and(|b| b.contains(&first_name))
        })
        .count();
    let by_second = all
        .iter()
        .filter(|t| {
            t.fired_by
                .as_deref()
                .is_some_and(|b| b.contains(&second_name))
        })
        .count();
    assert_eq!(
        by_first, fired_before,
        "fired before the SIGKILL: {before:?}"
    );
    assert_eq!(by_first + by_second, all.len(), "{all:?}");
    // Those that fell due while nobody ran fired after the restart, once.
    let overdue = all
        .iter()
        .filter(|t| t.due_at > down_at && t.due_at <= restarted_at)
        .count();
    let unfired_breaches = before
        .iter()
        .filter(|t| t.kind == "breach" && t.clock == "restore" && t.fired_at.is_none())
        .count();
    assert!(
        overdue >= unfired_breaches,
        "{unfired_breaches} restore breaches were due while the service was down, {overdue} fired: {all:?}"
    );
    assert!(
        all.iter()
            .filter(|t| t.due_at > down_at && t.due_at <= restarted_at)
            .all(|t| t
                .fired_by
                .as_deref()
                .is_some_and(|b| b.contains(&second_name))),
        "{all:?}"
    );
    store.close().await;
    // Counted, not asserted: refresh_timers drops a warning that is still unfired once its
    // clock has breached, so the restore warnings due while the service was down never fire.
    let late_warnings = all
        .iter()
        .filter(|t| t.kind == "warning" && t.clock == "restore")
        .count();
    eprintln!(
        "{db}: {ORDERS} orders created in {:.1} s; {fired_before} timers fired before the SIGKILL, \
         {by_second} after the restart ({overdue} of them fell due while the service was down); \
         {} outbox rows per fired timer; {late_warnings} of {ORDERS} restore warnings fired",
        creation.as_secs_f64(),
        TARGETS
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_processes_on_one_postgres_database_fire_each_timer_once() {
    let Some(db) = TestDb::postgres().await else {
        return;
    };
    let hook = closed_port_url();
    let env = [("JIKE_WEBHOOK_URL", hook.as_str())];
    let client = http(&db.url);
    let a = Server::start(&db.url, true, &env);
    let b = Server::start(&db.url, false, &env);
    // restore: warning at 2 s, breach at 4 s; on_site: warning at 4 s, breach at 8 s.
    load_short_policy(&client, &a, 4, 8).await;
    const ORDERS: usize = 300;
    // Occurrences spread over four seconds, so that timers fall due at many instants and each
    // process's scheduler finds some due when it looks (see below).
    let orders = create_orders(&client, &[&a, &b], ORDERS, 8, |i| (i % 4) as i64).await;
    let store = Store::connect(&db.url).await.unwrap();
    wait_all_fired(&store, ORDERS, Duration::from_secs(90)).await;

    let all = check_fired_once(&store, &orders, TARGETS).await;
    let mut by: BTreeMap<String, usize> = BTreeMap::new();
    for t in &all {
        *by.entry(t.fired_by.clone().unwrap_or_default())
            .or_default() += 1;
    }
    let names = [format!("-{}-", a.pid()), format!("-{}-", b.pid())];
    for name in by.keys() {
        assert!(
            names.iter().any(|n| name.contains(n.as_str())),
            "fired by an unknown instance {name}: {by:?}"
        );
    }
    // Both fire: each scheduler looks every 500 ms and claims at most 100 due timers a round,
    // and ~1,100 timers fall due at a dozen different seconds, so for one process to fire them
    // all it would have to win every one of those races and never let a batch overflow.
    assert_eq!(by.len(), 2, "one process fired every timer: {by:?}");
    let warnings = all.iter().filter(|t| t.kind == "warning").count();
    eprintln!(
        "{} timers of {ORDERS} orders fired once each, by two processes: {by:?}; {warnings} of \
         {} warnings fired (a warning still unfired when its clock's breach fires is dropped)",
        all.len(),
        2 * ORDERS
    );
    store.close().await;
    drop((a, b));
    db.cleanup().await;
}
