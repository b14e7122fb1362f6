//! `jike bench`: whole-system measurements for the README's figures. Each works on a scratch
//! database of its own unless `--database` names one, and prints its figures as JSON.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use clap::{Args, Subcommand};
use jike_demo::Demo;
use jike_sheets::{Format, HeaderLang, Kind};
use jike_store::Store;

mod orders;

#[derive(Args)]
pub struct BenchArgs {
    #[command(subcommand)]
    what: BenchWhat,
}

#[derive(Subcommand)]
enum BenchWhat {
    /// Import circuits from a CSV file into a fresh SQLite database (rows per second)
    Import {
        /// Circuits in the file
        #[arg(long, default_value_t = 100_000)]
        rows: usize,
        /// Folder for the scratch database [default: a temporary folder]
        #[arg(long)]
        dir: Option<PathBuf>,
        /// Leave the 路由/path column out of the file
        #[arg(long)]
        no_paths: bool,
    },
    /// List circuits with filters through the HTTP API of a `jike serve` child process: latency
    /// percentiles and the server's memory
    List {
        /// Demo scale to load first when the database is empty (334 ≈ 1,000,000 circuits)
        #[arg(long, default_value_t = 334)]
        scale: u32,
        /// Requests to send
        #[arg(long, default_value_t = 2000)]
        requests: usize,
        /// The database to use [default: a scratch SQLite file]; loaded when empty
        #[arg(long = "db")]
        db: Option<String>,
    },
    /// Create fault orders, then record their events, through the HTTP API of a `jike serve`
    /// child process on a fresh SQLite database (or of the server at --url): throughput and
    /// latency percentiles of each
    Orders(orders::OrdersArgs),
}

pub async fn run(args: BenchArgs) -> anyhow::Result<()> {
    match args.what {
        BenchWhat::Import {
            rows,
            dir,
            no_paths,
        } => import(rows, dir, no_paths).await,
        BenchWhat::List {
            scale,
            requests,
            db,
        } => list(scale, requests, db).await,
        BenchWhat::Orders(args) => orders::run(args).await,
    }
}

fn scratch_dir(dir: Option<PathBuf>) -> anyhow::Result<PathBuf> {
    let dir = dir
        .unwrap_or_else(|| std::env::temp_dir().join(format!("jike-bench-{}", std::process::id())));
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    Ok(dir)
}

async fn import(rows: usize, dir: Option<PathBuf>, no_paths: bool) -> anyhow::Result<()> {
    // A folder of our own is removed afterwards: a run leaves ~110 MB, and runs left behind
    // were being written back to disk while later ones measured.
    let remove_after = dir.is_none();
    let dir = scratch_dir(dir)?;
    let path = dir.join("import.db");
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    let url = format!("sqlite://{}", path.display());
    let store = Store::open(&url).await?;
    let scale = rows.div_ceil(3000).max(1) as u32;
    let demo = Demo::new(scale);
    if demo.circuit_count() < rows {
        bail!(
            "the demo at scale {scale} has only {} circuits",
            demo.circuit_count()
        );
    }
    eprintln!(
        "loading the inventory the circuits refer to (demo scale {scale}, without circuits) …"
    );
    store.load_demo_without_circuits(&demo, |_, _| {}).await?;
    let circuits: Vec<_> = (0..rows)
        .map(|i| {
            let mut c = demo.circuit(i);
            if no_paths {
                c.path = None;
            }
            c
        })
        .collect();
    let hops: usize = circuits
        .iter()
        .map(|c| c.path.as_ref().map_or(0, Vec::len))
        .sum();
    let csv = jike_sheets::write(Format::Csv, &circuits, HeaderLang::Chinese)?;
    drop(circuits);
    eprintln!(
        "importing {rows} circuits ({} MB of CSV) …",
        csv.len() / 1_000_000
    );
    let start = Instant::now();
    let report =
        jike_transfer::import_file(&store, Kind::Circuits, Format::Csv, csv.as_slice(), false)
            .await?;
    let first = start.elapsed();
    let start = Instant::now();
    let again =
        jike_transfer::import_file(&store, Kind::Circuits, Format::Csv, csv.as_slice(), false)
            .await?;
    let second = start.elapsed();
    store.close().await;
    let figures = serde_json::json!({
        "rows": rows,
        "path_hops": hops,
        "csv_bytes": csv.len(),
        "first_import_seconds": first.as_secs_f64(),
        "first_import_rows_per_second": rows as f64 / first.as_secs_f64(),
        "created": report.created,
        "second_import_seconds": second.as_secs_f64(),
        "second_import_unchanged": again.unchanged,
        "database": if remove_after { "(removed)".to_string() } else { url },
    });
    if remove_after {
        let _ = std::fs::remove_dir_all(&dir);
    }
    println!("{}", serde_json::to_string_pretty(&figures)?);
    Ok(())
}

/// Reads a process's resident set size and its peak, in KiB, from /proc.
fn rss_kib(pid: u32) -> (Option<u64>, Option<u64>) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse().ok())
    };
    (field("VmRSS:"), field("VmHWM:"))
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let idx = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[idx].as_secs_f64() * 1000.0
}

/// A bearer token of the administrator `bench` of the database (made when missing): the
/// benchmarks call the API as a real client does.
pub(crate) async fn bench_token(store: &Store) -> anyhow::Result<String> {
    let caller = jike_store::Caller::system("bench");
    if store.user("bench").await.is_err() {
        store
            .add_user(
                &caller,
                &jike_store::users::NewUser {
                    name: "bench".into(),
                    display_name: Some("benchmark".into()),
                    role: jike_domain::Role::Admin,
                    password: None,
                    room: None,
                    contractor_code: None,
                    customer_code: None,
                    account_manager: None,
                    region_codes: vec![],
                    staff_code: None,
                },
            )
            .await?;
    }
    let (_, secret) = store
        .create_token(
            &caller,
            "bench",
            "bench",
            &["read".into(), "write".into()],
            None,
        )
        .await?;
    Ok(secret)
}

/// An HTTP client sending `token` as its bearer token.
pub(crate) fn authed(token: &str) -> anyhow::Result<reqwest::ClientBuilder> {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(
        reqwest::header::AUTHORIZATION,
        format!("Bearer {token}")
            .parse()
            .context("the token is not a header value")?,
    );
    Ok(reqwest::Client::builder().default_headers(headers))
}

async fn list(scale: u32, requests: usize, db: Option<String>) -> anyhow::Result<()> {
    let url = match db {
        Some(url) => url,
        None => {
            let dir = scratch_dir(None)?;
            format!(
                "sqlite://{}",
                dir.join(format!("list-{scale}.db")).display()
            )
        }
    };
    let store = Store::open(&url).await?;
    if store.is_empty().await? {
        eprintln!("loading the demo dataset at scale {scale} into {url} …");
        let start = Instant::now();
        store
            .load_demo(&Demo::new(scale), |what, n| {
                tracing::debug!(what, n, "demo")
            })
            .await?;
        eprintln!("loaded in {:.0} s", start.elapsed().as_secs_f64());
    }
    let counts = store.counts().await?;
    let customers: Vec<String> = {
        let page = store
            .system()
            .list::<jike_store::Customers>(&jike_store::ListParams {
                limit: Some(200),
                ..Default::default()
            })
            .await?;
        page.items.into_iter().map(|c| c.code).collect()
    };
    let token = bench_token(&store).await?;
    store.close().await;

    // A real server process, so that its memory is measured alone.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0")?;
        l.local_addr()?.port()
    };
    let exe = std::env::current_exe()?;
    let mut child = std::process::Command::new(exe)
        .args([
            "serve",
            "--database",
            &url,
            "--listen",
            &format!("127.0.0.1:{port}"),
            "--log",
            "warn",
        ])
        .stdout(std::process::Stdio::null())
        .spawn()
        .context("cannot start jike serve")?;
    let base = format!("http://127.0.0.1:{port}");
    let client = authed(&token)?.build()?;
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if client
            .get(format!("{base}/healthz"))
            .send()
            .await
            .is_ok_and(|r| r.status().is_success())
        {
            break;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            bail!("jike serve did not answer within 60 s");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let filters = [
        "business_type=data_line".to_string(),
        "status=active&scope=local".to_string(),
        "assurance_level=AAA".to_string(),
        "business_type=internet_line&sort=-id".to_string(),
        "region=GZ-LJ".to_string(),
        "grade=gold".to_string(),
        "code_prefix=GZ-DL-00012".to_string(),
        "sort=code&limit=100".to_string(),
        "grade=diamond&business_type=video".to_string(),
        "sort=-bandwidth".to_string(),
        "scope=cross_province&status=active".to_string(),
    ];
    let mut latencies = Vec::with_capacity(requests);
    let mut slowest: Vec<(Duration, String)> = Vec::new();
    let mut cursor: Option<String> = None;
    for i in 0..requests {
        let query = if i % 10 == 9 {
            format!(
                "customer={}",
                customers
                    .get(i % customers.len().max(1))
                    .cloned()
                    .unwrap_or_default()
            )
        } else {
            filters[i % filters.len()].clone()
        };
        // Every fourth request follows the cursor of the one before, as a user paging would.
        let query = match (&cursor, i % 4) {
            (Some(c), 3) => format!("{}&cursor={c}", filters[(i - 1) % filters.len()]),
            _ => query,
        };
        let start = Instant::now();
        let response = client
            .get(format!("{base}/api/v1/circuits?{query}"))
            .send()
            .await?;
        let status = response.status();
        let body: serde_json::Value = response.json().await?;
        let took = start.elapsed();
        latencies.push(took);
        slowest.push((took, query.clone()));
        if !status.is_success() {
            let _ = child.kill();
            bail!("GET /api/v1/circuits?{query} answered {status}: {body}");
        }
        cursor = body["next_cursor"].as_str().map(str::to_string);
    }
    // Filters that cannot be served from one index, timed on their own (median of five) and kept
    // out of the percentiles above: see README, "Known limits".
    let mut heavy = serde_json::Map::new();
    for query in [
        "contractor=CT01",
        "contractor=CT02",
        "q=体育",
        "region=GZ-LJ-G0001",
    ] {
        let mut times = Vec::new();
        for _ in 0..5 {
            let start = Instant::now();
            client
                .get(format!("{base}/api/v1/circuits?{query}"))
                .send()
                .await?
                .bytes()
                .await?;
            times.push(start.elapsed());
        }
        times.sort();
        heavy.insert(
            query.to_string(),
            serde_json::json!(times[2].as_secs_f64() * 1000.0),
        );
    }
    let (rss, peak) = rss_kib(child.id());
    let _ = child.kill();
    let _ = child.wait();
    latencies.sort();
    slowest.sort_by_key(|(took, _)| std::cmp::Reverse(*took));
    slowest.truncate(5);
    let slowest: Vec<String> = slowest
        .iter()
        .map(|(d, q)| format!("{:.1} ms {q}", d.as_secs_f64() * 1000.0))
        .collect();
    let figures = serde_json::json!({
        "circuits": counts[Kind::Circuits],
        "requests": requests,
        "p50_ms": percentile(&latencies, 0.50),
        "p90_ms": percentile(&latencies, 0.90),
        "p99_ms": percentile(&latencies, 0.99),
        "max_ms": percentile(&latencies, 1.0),
        "slowest": slowest,
        "heavy_filters_median_ms": heavy,
        "server_rss_mib": rss.map(|k| k as f64 / 1024.0),
        "server_peak_rss_mib": peak.map(|k| k as f64 / 1024.0),
        "database": url,
    });
    println!("{}", serde_json::to_string_pretty(&figures)?);
    Ok(())
}
