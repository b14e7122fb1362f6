//! `jike sla evaluate` and `jike calendar add-workdays`: the SLA clocks and the working-day
//! calendar of `jike-domain` on the command line. Pure: no configuration, database or runtime.
//!
//! Exit codes: 0 success, 2 bad input (unreadable file, bad JSON or TOML, an unknown event
//! type, events out of time order, a refused transition such as `resumed` without `suspended`,
//! no policy rule for the order), with the message on standard error.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Subcommand;
use jike_domain::calendar::{parse_zone, Workdays};
use jike_domain::policy::{Policy, MAX_WORKDAYS};
use jike_domain::sla::{evaluate_order, format_time, parse_order_json, parse_time};

/// Bad input: a file, a value or an event the command cannot use.
const EXIT_BAD_INPUT: u8 = 2;

#[derive(Subcommand)]
pub enum SlaCommand {
    /// Evaluate one order's SLA clocks at an instant and print them as JSON
    ///
    /// A clock whose start event has not happened yet is listed with state "pending" and null
    /// times. Events later than --at are not counted (the output warns).
    Evaluate {
        /// The order and its events (JSON): {"order": {"kind", "grade", "business_type"},
        /// "events": [{"type", "at", "reason"?, "approved_by"?, "by"?, "note"?}, …]}
        #[arg(long)]
        events: PathBuf,
        /// SLA policy (TOML) [default: the embedded examples/sla-policy.toml]
        #[arg(long)]
        policy: Option<PathBuf>,
        /// The evaluation instant, RFC 3339 with its offset, e.g. 2025-10-01T15:00:00+08:00
        #[arg(long)]
        at: String,
        /// A working-day year file to load besides the built-in years (format of
        /// crates/jike-domain/data/cn-workdays-2025.toml); repeatable
        #[arg(long = "workdays", value_name = "FILE")]
        workdays: Vec<PathBuf>,
    },
    /// Print the default SLA policy (TOML), a starting point for --policy
    DefaultPolicy,
    /// Store a new version of the SLA policy in the database (its `version` must be new; it
    /// applies to orders that occur from its `valid_from` on)
    LoadPolicy {
        /// The policy file (TOML)
        file: PathBuf,
    },
    /// List the policy versions stored in the database
    Policies,
}

impl SlaCommand {
    /// Whether the command runs without a database.
    pub fn is_pure(&self) -> bool {
        !matches!(self, SlaCommand::LoadPolicy { .. } | SlaCommand::Policies)
    }
}

#[derive(Subcommand)]
pub enum CalendarCommand {
    /// Print the deadline of "N working days after" an instant (R-C2): 24:00 of the N-th
    /// Chinese working day after its calendar day
    AddWorkdays {
        /// The instant, RFC 3339 with its offset
        #[arg(long)]
        from: String,
        /// N, the number of working days
        #[arg(long, value_parser = clap::value_parser!(u32).range(0..=i64::from(MAX_WORKDAYS)))]
        days: u32,
        /// Time zone of the calendar days and of the output
        #[arg(long, default_value = "Asia/Shanghai")]
        time_zone: String,
        /// A working-day year file to load besides the built-in years; repeatable
        #[arg(long = "workdays", value_name = "FILE")]
        workdays: Vec<PathBuf>,
    },
    /// Load (or replace) one year of the official working-day calendar into the database
    /// (R-C2), e.g. when the State Council announces the next year's schedule
    Load {
        /// The year file (TOML: year, holidays, make_up_workdays)
        file: PathBuf,
    },
    /// List the working-day years the service knows, built in and loaded
    Years,
}

impl CalendarCommand {
    /// Whether the command runs without a database.
    pub fn is_pure(&self) -> bool {
        matches!(self, CalendarCommand::AddWorkdays { .. })
    }
}

/// The commands of `jike sla` and `jike calendar` that work on the database.
pub async fn run_with_store(
    sla: Option<SlaCommand>,
    calendar: Option<CalendarCommand>,
    store: &jike_store::Store,
) -> anyhow::Result<ExitCode> {
    use anyhow::Context;
    let who = std::env::var("USER").unwrap_or_else(|_| "cli".into());
    match (sla, calendar) {
        (Some(SlaCommand::LoadPolicy { file }), _) => {
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("cannot read {}", file.display()))?;
            let v = store.load_policy(&text, &who).await?;
            println!("{}", serde_json::to_string_pretty(&v)?);
        }
        (Some(SlaCommand::Policies), _) => {
            println!(
                "{}",
                serde_json::to_string_pretty(&store.policy_versions().await?)?
            );
        }
        (_, Some(CalendarCommand::Load { file })) => {
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("cannot read {}", file.display()))?;
            let year = store.load_workday_year(&text, &who).await?;
            println!("loaded the working-day calendar of {year}");
        }
        (_, Some(CalendarCommand::Years)) => {
            println!(
                "{}",
                serde_json::to_string_pretty(&store.workday_years().await?)?
            );
        }
        _ => anyhow::bail!("this command does not use the database"),
    }
    Ok(ExitCode::SUCCESS)
}

fn fail(message: impl std::fmt::Display) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(EXIT_BAD_INPUT)
}

fn read(path: &Path, what: &str) -> Result<String, String> {
    std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read the {what} {}: {e}", path.display()))
}

fn workdays(files: &[PathBuf]) -> Result<Workdays, String> {
    let mut days = Workdays::builtin();
    for f in files {
        let text = read(f, "working-day file")?;
        days.load(&text)
            .map_err(|e| format!("{}: {e}", f.display()))?;
    }
    Ok(days)
}

/// Runs `jike sla …`.
pub fn run_sla(command: SlaCommand) -> ExitCode {
    match command {
        SlaCommand::Evaluate {
            events,
            policy,
            at,
            workdays: files,
        } => match evaluate(&events, policy.as_deref(), &at, &files) {
            Ok(json) => {
                println!("{json}");
                ExitCode::SUCCESS
            }
            Err(e) => fail(e),
        },
        SlaCommand::DefaultPolicy => {
            print!("{}", jike_domain::policy::DEFAULT_POLICY_TOML);
            ExitCode::SUCCESS
        }
        SlaCommand::LoadPolicy { .. } | SlaCommand::Policies => {
            fail("this command needs the database")
        }
    }
}

fn evaluate(
    events: &Path,
    policy: Option<&Path>,
    at: &str,
    files: &[PathBuf],
) -> Result<String, String> {
    let at = parse_time(at, "--at").map_err(|e| e.to_string())?;
    let policy = match policy {
        None => Policy::default_policy(),
        Some(p) => {
            Policy::parse(&read(p, "policy")?).map_err(|e| format!("{}: {e}", p.display()))?
        }
    };
    let days = workdays(files)?;
    let text = read(events, "events file")?;
    let input = parse_order_json(&text).map_err(|e| format!("{}: {e}", events.display()))?;
    let report = evaluate_order(&policy, &days, &input, at)
        .map_err(|e| format!("{}: {e}", events.display()))?;
    serde_json::to_string_pretty(&report).map_err(|e| e.to_string())
}

/// Runs `jike calendar …`.
pub fn run_calendar(command: CalendarCommand) -> ExitCode {
    match command {
        CalendarCommand::AddWorkdays {
            from,
            days,
            time_zone,
            workdays: files,
        } => {
            let result = (|| -> Result<String, String> {
                let offset = parse_zone(&time_zone).map_err(|m| format!("--time-zone: {m}"))?;
                let from = parse_time(&from, "--from").map_err(|e| e.to_string())?;
                let cal = workdays(&files)?;
                Ok(format_time(cal.add_workdays(from, days, offset), offset))
            })();
            match result {
                Ok(line) => {
                    println!("{line}");
                    ExitCode::SUCCESS
                }
                Err(e) => fail(e),
            }
        }
        CalendarCommand::Load { .. } | CalendarCommand::Years => {
            fail("this command needs the database")
        }
    }
}
