//! `jike bench orders`: work orders through the HTTP API. A `jike serve --demo` child process on
//! a fresh SQLite database (or the server at `--url`); `--concurrency` clients with keep-alive
//! connections create fault orders for the demo's customers and circuits as fast as they can for
//! `--seconds`, then walk those orders through their events (dispatched, accepted,
//! customer_contacted, en_route, on_site, restored, observing) for as long again. Prints the
//! rate and the latency percentiles of each phase as JSON.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use clap::Args;
use serde::Deserialize;
use serde_json::json;

use super::{percentile, rss_kib, scratch_dir};

#[derive(Args)]
pub struct OrdersArgs {
    /// Seconds of each phase: creating orders, then recording events
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=3600))]
    seconds: u64,
    /// Concurrent HTTP clients
    #[arg(long, default_value_t = 16, value_parser = clap::value_parser!(u64).range(1..=1024))]
    concurrency: u64,
    /// A running server (holding the demo dataset) to measure instead of a child process
    #[arg(long)]
    url: Option<String>,
    /// A bearer token for the server at `--url` (an administrator's or a dispatcher's)
    #[arg(long, env = "JIKE_TOKEN", requires = "url")]
    token: Option<String>,
    /// Folder for the scratch database [default: a temporary folder, removed afterwards]
    #[arg(long, conflicts_with = "url")]
    dir: Option<PathBuf>,
}

/// The issue's target: "at least 2,000 orders/s sustained with p99 under 20 ms, and recording
/// events at the same rate".
const TARGET_PER_SECOND: f64 = 2000.0;
const TARGET_P99_MS: f64 = 20.0;

/// The events each order goes through, in order (a fault's life up to observation).
const LIFECYCLE: [&str; 7] = [
    "dispatched",
    "accepted",
    "customer_contacted",
    "en_route",
    "on_site",
    "restored",
    "observing",
];

/// A `jike serve` child process, killed when dropped.
struct ServerChild {
    child: Child,
}

impl Drop for ServerChild {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `jike serve --demo` on `database`, on a port of its choosing; returns it with its URL.
/// The server runs with the defaults: an empty configuration file and no `JIKE_*` variables,
/// so that no notification setting of the caller's sends anything from a benchmark.
async fn start_server(dir: &Path, database: &str) -> anyhow::Result<(ServerChild, String)> {
    let exe = std::env::current_exe().context("cannot find the jike executable")?;
    let config = dir.join("bench.toml");
    std::fs::write(&config, "# jike bench orders: the defaults\n")
        .with_context(|| format!("cannot write {}", config.display()))?;
    let mut command = Command::new(exe);
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("JIKE_") {
            command.env_remove(name);
        }
    }
    let mut child = command
        .arg("--config")
        .arg(&config)
        .args([
            "serve",
            "--demo",
            "--database",
            database,
            "--listen",
            "127.0.0.1:0",
            "--log",
            "warn",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .context("cannot start jike serve")?;
    let stdout = child
        .stdout
        .take()
        .context("no standard output from jike serve")?;
    let server = ServerChild { child };
    // The server prints its URL on its first line once it listens (after the demo is loaded).
    let (tx, rx) = tokio::sync::oneshot::channel();
    std::thread::spawn(move || {
        let mut lines = BufReader::new(stdout).lines();
        let first = lines.next().and_then(Result::ok);
        let _ = tx.send(first);
        // Keep draining, so that the server never blocks on a full pipe.
        for _ in lines {}
    });
    let line = match tokio::time::timeout(Duration::from_secs(300), rx).await {
        Ok(Ok(Some(line))) => line,
        Ok(_) => bail!("jike serve stopped before it listened (see its messages above)"),
        Err(_) => bail!("jike serve did not listen within 300 s"),
    };
    let url = line
        .find("http://")
        .and_then(|i| line[i..].split_whitespace().next())
        .map(|u| u.trim_end_matches('/').to_string())
        .with_context(|| format!("jike serve printed no URL: {line:?}"))?;
    Ok((server, url))
}

#[derive(Deserialize)]
struct Coded {
    code: String,
}

#[derive(Deserialize)]
struct CodedPage {
    items: Vec<Coded>,
}

#[derive(Deserialize)]
struct Created {
    id: i64,
}

async fn codes(client: &reqwest::Client, base: &str, what: &str) -> anyhow::Result<Vec<String>> {
    let response = client
        .get(format!("{base}/api/v1/{what}?limit=1000"))
        .send()
        .await
        .with_context(|| format!("cannot list {what} at {base}"))?;
    let status = response.status();
    if !status.is_success() {
        bail!(
            "GET /api/v1/{what} answered {status}: {}",
            response.text().await.unwrap_or_default()
        );
    }
    let page: CodedPage = response
        .json()
        .await
        .with_context(|| format!("GET /api/v1/{what}: unexpected answer"))?;
    if page.items.is_empty() {
        bail!("the server has no {what}: start it with --demo");
    }
    Ok(page.items.into_iter().map(|c| c.code).collect())
}

/// What one client saw in one phase.
#[derive(Default)]
struct Tally {
    latencies: Vec<Duration>,
    errors: u64,
    samples: Vec<String>,
    created: Vec<i64>,
}

impl Tally {
    fn error(&mut self, what: String) {
        self.errors += 1;
        if self.samples.len() < 3 {
            self.samples.push(what);
        }
    }

    fn merge(&mut self, other: Tally) {
        self.latencies.extend(other.latencies);
        self.errors += other.errors;
        for s in other.samples {
            if self.samples.len() < 5 {
                self.samples.push(s);
            }
        }
        self.created.extend(other.created);
    }
}

/// The body of the `n`-th order: a fault on a demo circuit (its second hop failed) three times
/// in four, else a fault reported by a demo customer.
fn order_body(n: u64, customers: &[String], circuits: &[String]) -> serde_json::Value {
    let alarm = json!([{ "alarm_id": format!("BENCH-{n}"), "transmission": n.is_multiple_of(2) }]);
    let i = n as usize;
    if n.is_multiple_of(4) {
        json!({
            "kind": "fault",
            "title": format!("bench fault {n}"),
            "customer_code": customers[i % customers.len()],
            "alarms": alarm,
        })
    } else {
        json!({
            "kind": "fault",
            "title": format!("bench fault {n}"),
            "circuit_codes": [circuits[i % circuits.len()]],
            "failed_hop": 2,
            "alarms": alarm,
        })
    }
}

async fn create_orders(
    client: reqwest::Client,
    base: String,
    client_no: u64,
    concurrency: u64,
    until: Instant,
    customers: std::sync::Arc<Vec<String>>,
    circuits: std::sync::Arc<Vec<String>>,
) -> Tally {
    let mut tally = Tally::default();
    let url = format!("{base}/api/v1/orders");
    let mut n = client_no;
    while Instant::now() < until {
        let body = order_body(n, &customers, &circuits);
        n += concurrency;
        let start = Instant::now();
        let sent = client.post(&url).json(&body).send().await;
        let outcome = match sent {
            Ok(response) => {
                let status = response.status();
                match response.bytes().await {
                    Ok(bytes) if status == reqwest::StatusCode::CREATED => {
                        serde_json::from_slice::<Created>(&bytes)
                            .map(|c| c.id)
                            .map_err(|e| format!("201 with an unreadable order: {e}"))
                    }
                    Ok(bytes) => Err(format!(
                        "{status}: {}",
                        String::from_utf8_lossy(&bytes[..bytes.len().min(300)])
                    )),
                    Err(e) => Err(format!("{status}, body not read: {e}")),
                }
            }
            Err(e) => Err(format!("POST /api/v1/orders: {e}")),
        };
        let took = start.elapsed();
        match outcome {
            Ok(id) => {
                tally.latencies.push(took);
                tally.created.push(id);
            }
            Err(e) => tally.error(e),
        }
    }
    tally
}

async fn record_events(
    client: reqwest::Client,
    base: String,
    orders: Vec<i64>,
    until: Instant,
) -> Tally {
    let mut tally = Tally::default();
    'orders: for id in orders {
        let url = format!("{base}/api/v1/orders/{id}/events");
        for kind in LIFECYCLE {
            if Instant::now() >= until {
                break 'orders;
            }
            let body = json!({ "type": kind, "note": "bench" });
            let start = Instant::now();
            let outcome = match client.post(&url).json(&body).send().await {
                Ok(response) => {
                    let status = response.status();
                    match response.bytes().await {
                        Ok(_) if status == reqwest::StatusCode::CREATED => Ok(()),
                        Ok(bytes) => Err(format!(
                            "{kind} on order {id}: {status}: {}",
                            String::from_utf8_lossy(&bytes[..bytes.len().min(300)])
                        )),
                        Err(e) => Err(format!(
                            "{kind} on order {id}: {status}, body not read: {e}"
                        )),
                    }
                }
                Err(e) => Err(format!("{kind} on order {id}: {e}")),
            };
            let took = start.elapsed();
            match outcome {
                Ok(()) => tally.latencies.push(took),
                Err(e) => {
                    tally.error(e);
                    // The rest of this order's life would be refused too.
                    continue 'orders;
                }
            }
        }
    }
    tally
}

fn figures(tally: &mut Tally, elapsed: Duration) -> serde_json::Value {
    tally.latencies.sort();
    let ok = tally.latencies.len();
    json!({
        "ok": ok,
        "errors": tally.errors,
        "seconds": elapsed.as_secs_f64(),
        "per_second": ok as f64 / elapsed.as_secs_f64().max(1e-9),
        "p50_ms": percentile(&tally.latencies, 0.50),
        "p95_ms": percentile(&tally.latencies, 0.95),
        "p99_ms": percentile(&tally.latencies, 0.99),
        "max_ms": percentile(&tally.latencies, 1.0),
    })
}

pub async fn run(args: OrdersArgs) -> anyhow::Result<()> {
    let concurrency = args.concurrency;
    let phase = Duration::from_secs(args.seconds);
    let mut scratch = None;
    let (server, base, database, token) = match &args.url {
        Some(url) => {
            let Some(token) = args.token.clone() else {
                bail!("--url needs --token (or JIKE_TOKEN): an API token of the server");
            };
            (None, url.trim_end_matches('/').to_string(), None, token)
        }
        None => {
            let dir = scratch_dir(args.dir.clone())?;
            if args.dir.is_none() {
                scratch = Some(dir.clone());
            }
            let path = dir.join("orders.db");
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
            }
            let database = format!("sqlite://{}", path.display());
            let token = {
                let store = jike_store::Store::open(&database).await?;
                let token = super::bench_token(&store).await?;
                store.close().await;
                token
            };
            eprintln!("starting jike serve --demo on {database} …");
            let (server, url) = start_server(&dir, &database).await?;
            (Some(server), url, Some(database), token)
        }
    };
    let result = measure(&base, &token, concurrency, phase, server.as_ref()).await;
    drop(server);
    if let Some(dir) = scratch {
        let _ = std::fs::remove_dir_all(dir);
    }
    let mut out = result?;
    if let (Some(db), Some(map)) = (database, out.as_object_mut()) {
        map.insert("database".into(), json!(db));
    }
    println!("{}", serde_json::to_string_pretty(&out)?);
    Ok(())
}

/// The SQLite group commit's requests per commit, from the server's metrics (`None` on
/// PostgreSQL or when the metrics do not say).
async fn requests_per_commit(client: &reqwest::Client, base: &str) -> Option<f64> {
    let text = client
        .get(format!("{base}/metrics"))
        .send()
        .await
        .ok()?
        .text()
        .await
        .ok()?;
    let value = |name: &str| -> Option<f64> {
        text.lines()
            .find_map(|l| l.strip_prefix(name)?.strip_prefix(' ')?.trim().parse().ok())
    };
    let commits = value("jike_sqlite_group_commits")?;
    let requests = value("jike_sqlite_group_commit_requests")?;
    (commits > 0.0).then(|| requests / commits)
}

async fn measure(
    base: &str,
    token: &str,
    concurrency: u64,
    phase: Duration,
    server: Option<&ServerChild>,
) -> anyhow::Result<serde_json::Value> {
    let client = super::authed(token)?
        .tcp_nodelay(true)
        .pool_max_idle_per_host(concurrency as usize)
        .timeout(Duration::from_secs(60))
        .build()
        .context("cannot build the HTTP client")?;
    let customers = std::sync::Arc::new(codes(&client, base, "customers").await?);
    let circuits = std::sync::Arc::new(codes(&client, base, "circuits").await?);

    eprintln!(
        "creating orders with {concurrency} clients for {} s …",
        phase.as_secs()
    );
    let start = Instant::now();
    let until = start + phase;
    let tasks: Vec<_> = (0..concurrency)
        .map(|k| {
            tokio::spawn(create_orders(
                client.clone(),
                base.to_string(),
                k,
                concurrency,
                until,
                customers.clone(),
                circuits.clone(),
            ))
        })
        .collect();
    let mut created = Tally::default();
    for t in tasks {
        created.merge(t.await.context("a client task failed")?);
    }
    let create_elapsed = start.elapsed();

    eprintln!(
        "recording events on {} orders with {concurrency} clients for {} s …",
        created.created.len(),
        phase.as_secs()
    );
    let mut shares: Vec<Vec<i64>> = vec![Vec::new(); concurrency as usize];
    for (i, id) in created.created.iter().enumerate() {
        shares[i % concurrency as usize].push(*id);
    }
    let start = Instant::now();
    let until = start + phase;
    let tasks: Vec<_> = shares
        .into_iter()
        .map(|orders| {
            tokio::spawn(record_events(
                client.clone(),
                base.to_string(),
                orders,
                until,
            ))
        })
        .collect();
    let mut events = Tally::default();
    for t in tasks {
        events.merge(t.await.context("a client task failed")?);
    }
    let events_elapsed = start.elapsed();

    let orders = figures(&mut created, create_elapsed);
    let evs = figures(&mut events, events_elapsed);
    let num = |v: &serde_json::Value, k: &str| v[k].as_f64().unwrap_or(0.0);
    let met = num(&orders, "per_second") >= TARGET_PER_SECOND
        && num(&orders, "p99_ms") < TARGET_P99_MS
        && num(&evs, "per_second") >= TARGET_PER_SECOND
        && num(&evs, "p99_ms") < TARGET_P99_MS;
    let mut samples = created.samples.clone();
    samples.extend(events.samples.iter().cloned());
    let (rss, peak) = server.map_or((None, None), |s| rss_kib(s.child.id()));
    let per_commit = requests_per_commit(&client, base).await;
    Ok(json!({
        "requests_per_commit": per_commit,
        "server": base,
        "concurrency": concurrency,
        "seconds_per_phase": phase.as_secs(),
        "orders_per_second": num(&orders, "per_second"),
        "orders_p50_ms": num(&orders, "p50_ms"),
        "orders_p95_ms": num(&orders, "p95_ms"),
        "orders_p99_ms": num(&orders, "p99_ms"),
        "events_per_second": num(&evs, "per_second"),
        "events_p50_ms": num(&evs, "p50_ms"),
        "events_p95_ms": num(&evs, "p95_ms"),
        "events_p99_ms": num(&evs, "p99_ms"),
        "errors": created.errors + events.errors,
        "create": orders,
        "events": evs,
        "error_samples": samples,
        "target": format!(
            "{TARGET_PER_SECOND} orders/s and events/s, p99 under {TARGET_P99_MS} ms"
        ),
        "target_met": met,
        "server_rss_mib": rss.map(|k| k as f64 / 1024.0),
        "server_peak_rss_mib": peak.map(|k| k as f64 / 1024.0),
    }))
}
