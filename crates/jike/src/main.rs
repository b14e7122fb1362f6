//! `jike`: the command line, thin over the store and the server.

mod accounts;
mod audit;
mod bench;
mod config;
mod lint;
mod sla;

use std::io::Write;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{anyhow, Context};
use clap::{Parser, Subcommand, ValueEnum};
use jike_demo::Demo;
use jike_sheets::{Format, HeaderLang, Kind};
use jike_store::{Store, StoreError};
use jike_transfer::TransferError;

use crate::config::{FileConfig, Settings};

/// mimalloc rather than the system allocator: an import allocates and frees millions of small
/// values across two threads (ours and SQLite's worker), where glibc's malloc spent a quarter of
/// the time.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// jike 集客: service assurance of enterprise private lines.
#[derive(Parser)]
#[command(name = "jike", version, about, long_about = None)]
struct Cli {
    /// Database URL: sqlite://PATH or postgres://USER@HOST/DB [default: sqlite://jike-data/jike.db]
    #[arg(long, global = true, env = "JIKE_DATABASE")]
    database: Option<String>,
    /// Configuration file (TOML) [default: ./jike.toml when it exists]
    #[arg(long, global = true, env = "JIKE_CONFIG")]
    config: Option<PathBuf>,
    /// Log filter, e.g. info or jike_store=debug [default: info]
    #[arg(long, global = true, env = "JIKE_LOG")]
    log: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the HTTP API (migrating the database first)
    Serve {
        /// Address to listen on [default: 127.0.0.1:8080]
        #[arg(long, env = "JIKE_LISTEN")]
        listen: Option<String>,
        /// Fill an empty database with the demo dataset first
        #[arg(long)]
        demo: bool,
        /// Scale of the demo dataset with --demo
        #[arg(long, default_value_t = 1, requires = "demo")]
        scale: u32,
        /// With --demo: the inventory only, without the demo's day of work orders
        #[arg(long, requires = "demo")]
        no_demo_orders: bool,
        /// Serve the console from this folder instead of the binary (for working on it)
        #[arg(long, env = "JIKE_CONSOLE_DIR", hide = true)]
        console_dir: Option<PathBuf>,
        /// The rules and site conventions uploaded device configurations are checked with
        /// (the TOML file of `jike lint-config --config`) [default: the file's lint_config, else
        /// every rule at its default severity]
        #[arg(long, env = "JIKE_LINT_CONFIG")]
        lint_config: Option<PathBuf>,
    },
    /// Apply the embedded database migrations
    Migrate,
    /// Write the deterministic demo dataset (upserting: running it twice changes nothing)
    Demo {
        /// Multiply the dataset: 1 is ~3,000 circuits, 334 is ~1,000,000
        #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=1000))]
        scale: u32,
    },
    /// Import a .xlsx or CSV file: all rows or none
    Import {
        #[arg(value_parser = kind_arg())]
        kind: Kind,
        file: PathBuf,
        /// File format [default: from the file name, else from its content]
        #[arg(long)]
        format: Option<FormatArg>,
        /// Check and count without writing
        #[arg(long)]
        dry_run: bool,
        /// Print the report as JSON
        #[arg(long)]
        json: bool,
    },
    /// Export every row of a kind as a file that import reads back
    Export {
        #[arg(value_parser = kind_arg())]
        kind: Kind,
        #[arg(long, default_value = "csv")]
        format: FormatArg,
        /// Write to this file instead of standard output
        #[arg(long, short)]
        output: Option<PathBuf>,
        /// Header language
        #[arg(long, default_value = "zh")]
        headers: HeadersArg,
    },
    /// Measure whole-system performance on a scratch database (see README)
    Bench(bench::BenchArgs),
    /// SLA clocks of one order, offline (no database)
    #[command(subcommand)]
    Sla(sla::SlaCommand),
    /// The Chinese working-day calendar (R-C2)
    #[command(subcommand)]
    Calendar(sla::CalendarCommand),
    /// Check router and switch configurations against the access configuration rules (R-CF1..R-CF7), offline
    LintConfig(lint::LintArgs),
    /// The tamper-evident audit log: verify its hash chain, list its entries
    #[command(subcommand)]
    Audit(audit::AuditCommand),
    /// User accounts: add (the first administrator too), list, passwd, disable, enable
    #[command(subcommand)]
    User(accounts::UserCommand),
    /// API tokens for machines: create, list, revoke
    #[command(subcommand)]
    Token(accounts::TokenCommand),
}

/// `KIND` of import and export: a code of the domain's table of kinds
/// (`jike_domain::kinds`), listed as the possible values.
fn kind_arg() -> impl clap::builder::TypedValueParser<Value = Kind> {
    use clap::builder::TypedValueParser;
    clap::builder::PossibleValuesParser::new(Kind::ALL.map(Kind::code))
        .try_map(|code| code.parse::<Kind>())
}

#[derive(Clone, Copy, ValueEnum)]
enum FormatArg {
    Csv,
    Xlsx,
}

impl From<FormatArg> for Format {
    fn from(f: FormatArg) -> Format {
        match f {
            FormatArg::Csv => Format::Csv,
            FormatArg::Xlsx => Format::Xlsx,
        }
    }
}

#[derive(Clone, Copy, ValueEnum)]
enum HeadersArg {
    Zh,
    En,
}

/// Exit codes: 0 success, 1 the data was refused (bad rows, bad input), 2 usage (clap), 3 any
/// other failure (database unreachable, I/O).
const EXIT_REFUSED: u8 = 1;
const EXIT_FAILED: u8 = 3;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            let refused_by_store = |s: &StoreError| {
                matches!(
                    s,
                    StoreError::Invalid(_)
                        | StoreError::InvalidRows(_)
                        | StoreError::Conflict { .. }
                        | StoreError::Transition { .. }
                )
            };
            let transfer = e.downcast_ref::<TransferError>();
            let refused = e.downcast_ref::<StoreError>().is_some_and(refused_by_store)
                || transfer.is_some_and(|t| match t {
                    TransferError::InvalidRows(_) | TransferError::FileTooLarge(_) => true,
                    TransferError::Store(s) => refused_by_store(s),
                    TransferError::Interrupted(_) => false,
                });
            let rows = match e.downcast_ref::<StoreError>() {
                Some(StoreError::InvalidRows(rows)) => Some(rows.as_slice()),
                _ => transfer.and_then(TransferError::rows),
            };
            if let Some(rows) = rows {
                eprintln!(
                    "error: the file has {} problem(s); nothing was imported:",
                    rows.len()
                );
                for row in rows {
                    eprintln!("  {row}");
                }
            } else {
                eprintln!("error: {e:#}");
            }
            ExitCode::from(if refused { EXIT_REFUSED } else { EXIT_FAILED })
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    // The SLA and calendar commands are pure: no configuration, database or runtime.
    let cli = match cli.command {
        Command::Sla(c) if c.is_pure() => return Ok(sla::run_sla(c)),
        Command::Calendar(c) if c.is_pure() => return Ok(sla::run_calendar(c)),
        Command::LintConfig(a) => return Ok(lint::run(a, cli.config.as_deref())),
        command => Cli { command, ..cli },
    };
    let file = FileConfig::load(cli.config.as_deref())?;
    let listen = match &cli.command {
        Command::Serve { listen, .. } => listen.clone(),
        _ => None,
    };
    let settings = Settings::resolve(cli.database, cli.log, listen, file);
    init_logging(&settings.log);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the runtime")?;
    runtime.block_on(dispatch(cli.command, settings))
}

fn init_logging(filter: &str) {
    let filter = tracing_subscriber::EnvFilter::try_new(filter)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

async fn dispatch(command: Command, settings: Settings) -> anyhow::Result<ExitCode> {
    match command {
        Command::Serve {
            demo,
            scale,
            no_demo_orders,
            console_dir,
            lint_config,
            ..
        } => {
            let lint_config = lint_config.or_else(|| settings.lint_config.clone());
            serve(
                settings,
                demo,
                scale,
                !no_demo_orders,
                console_dir,
                lint_config,
            )
            .await
        }
        Command::Migrate => {
            let store = Store::connect(&settings.database).await?;
            let ran = store.migrate().await?;
            println!(
                "migrated {}: {ran} migration(s) applied",
                jike_store::db::redact(&settings.database)
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Demo { scale } => {
            let store = Store::open(&settings.database).await?;
            let counts = load_demo(&store, scale).await?;
            println!("{}", serde_json::to_string_pretty(&counts)?);
            Ok(ExitCode::SUCCESS)
        }
        Command::Import {
            kind,
            file,
            format,
            dry_run,
            json,
        } => {
            let bytes = tokio::fs::read(&file)
                .await
                .with_context(|| format!("cannot read {}", file.display()))?;
            let format = format
                .map(Format::from)
                .or_else(|| Format::from_path(&file))
                .unwrap_or_else(|| Format::sniff(&bytes));
            let store = Store::open(&settings.database).await?;
            let report = jike_transfer::import_file_as(
                &store,
                &accounts::cli_caller(),
                kind,
                format,
                bytes,
                dry_run,
            )
            .await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&report)?);
            } else {
                println!(
                    "{} {}: {} rows, {} created, {} updated, {} unchanged{}",
                    if dry_run { "checked" } else { "imported" },
                    file.display(),
                    report.rows,
                    report.created,
                    report.updated,
                    report.unchanged,
                    if dry_run {
                        " (dry run: nothing written)"
                    } else {
                        ""
                    }
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Export {
            kind,
            format,
            output,
            headers,
        } => {
            let store = Store::open(&settings.database).await?;
            let lang = match headers {
                HeadersArg::Zh => HeaderLang::Chinese,
                HeadersArg::En => HeaderLang::English,
            };
            // The command line is the operator's own: exports are whole (contacts unmasked, so
            // that import reads them back) and audited as such.
            let bytes = jike_transfer::export_file_as(
                &store,
                &accounts::cli_caller(),
                kind,
                format.into(),
                lang,
                true,
            )
            .await?;
            write_output(output.as_deref(), &bytes)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Bench(args) => bench::run(args).await.map(|()| ExitCode::SUCCESS),
        Command::Sla(c) => {
            let store = Store::open(&settings.database).await?;
            sla::run_with_store(Some(c), None, &store).await
        }
        Command::Calendar(c) => {
            let store = Store::open(&settings.database).await?;
            sla::run_with_store(None, Some(c), &store).await
        }
        Command::Audit(c) => {
            let store = Store::open(&settings.database).await?;
            audit::run(c, &store).await
        }
        Command::User(c) => {
            let store = Store::open(&settings.database).await?;
            accounts::run_user(c, &store).await
        }
        Command::Token(c) => {
            let store = Store::open(&settings.database).await?;
            accounts::run_token(c, &store).await
        }
        // Answered in `run`, before any configuration, database or runtime.
        Command::LintConfig(a) => Ok(lint::run(a, None)),
    }
}

fn write_output(path: Option<&Path>, bytes: &[u8]) -> anyhow::Result<()> {
    match path {
        Some(p) => {
            std::fs::write(p, bytes).with_context(|| format!("cannot write {}", p.display()))
        }
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(bytes)?;
            out.flush()?;
            Ok(())
        }
    }
}

async fn load_demo(store: &Store, scale: u32) -> anyhow::Result<jike_store::Counts> {
    let demo = Demo::new(scale);
    let counts = store
        .load_demo(&demo, |what, n| {
            tracing::info!(kind = what, written = n, "demo dataset")
        })
        .await?;
    Ok(counts)
}

async fn serve(
    settings: Settings,
    demo: bool,
    scale: u32,
    demo_orders: bool,
    console_dir: Option<PathBuf>,
    lint_config: Option<PathBuf>,
) -> anyhow::Result<ExitCode> {
    let listen: SocketAddr = settings.listen.parse().map_err(|_| {
        anyhow!(
            "--listen: '{}' is not an address like 127.0.0.1:8080",
            settings.listen
        )
    })?;
    // Checked before the database is touched: a bad webhook URL is a startup error.
    let notify = settings
        .notify
        .clone()
        .with_env(|name| std::env::var(name).ok())
        .context("invalid notification settings")?;
    let lint = match &lint_config {
        Some(path) => {
            let text = std::fs::read_to_string(path).with_context(|| {
                format!("cannot read the lint configuration {}", path.display())
            })?;
            jike_lint::LintConfig::from_toml(&text)
                .with_context(|| format!("{} is not a valid lint configuration", path.display()))?
        }
        None => jike_lint::LintConfig::default(),
    };
    // The port first: a port already taken is an error before the database is opened or the
    // demo loaded.
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .with_context(|| format!("cannot serve on {listen}"))?;
    let store = Store::open(&settings.database).await?;
    if demo {
        if store.is_empty().await? {
            eprintln!("filling the empty database with the demo dataset (scale {scale}) …");
            load_demo(&store, scale).await?;
            if demo_orders {
                let n = store
                    .load_demo_orders(&Demo::new(scale), chrono::Utc::now())
                    .await?;
                eprintln!("opened the demo's day of work orders: {n} orders in every state");
            }
        } else {
            eprintln!("the database already holds data: --demo leaves it as it is");
        }
    }
    // The demo's technician account has no password; the hint is about administrators.
    if !store
        .users()
        .await?
        .iter()
        .any(|u| u.role == jike_domain::Role::Admin)
    {
        eprintln!(
            "no user accounts yet: create the first administrator with\n  jike user add --name NAME --role admin --password-stdin"
        );
    }
    let config = jike_server::ServerConfig {
        max_upload_bytes: settings.max_upload_bytes,
        notify,
        auth: settings.auth,
        console_dir,
        lint: std::sync::Arc::new(lint),
        ..Default::default()
    };
    let database = jike_store::db::redact(&settings.database);
    jike_server::serve_on(store.clone(), config, listener, |addr| {
        println!("jike is serving http://{addr}/ (console http://{addr}/console/, API http://{addr}/api/v1/openapi.json, database {database})");
    })
    .await
    .with_context(|| format!("cannot serve on {listen}"))?;
    store.close().await;
    Ok(ExitCode::SUCCESS)
}
