//! `jike audit verify` and `jike audit list`: the audit log of the database (issue 4).
//!
//! Exit codes: 0 the log is intact (verify) or listed; 1 verification found a problem (the
//! message names the entry); 2 usage; 3 the database could not be read.

use std::process::ExitCode;

use anyhow::Context;
use chrono::{DateTime, Utc};
use clap::Subcommand;
use jike_store::{AuditQuery, AuditRecord, Store};

/// Verification found a problem.
const EXIT_PROBLEM: u8 = 1;

#[derive(Subcommand)]
pub enum AuditCommand {
    /// Recompute the hash chain of the whole audit log and report the first entry that was
    /// edited, deleted, reordered or cut off the end (exit 1), or that the log is intact
    Verify {
        /// Print the report as JSON
        #[arg(long)]
        json: bool,
    },
    /// List audit entries, newest first
    List {
        /// How many entries (1 to 1000)
        #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(u32).range(1..=1000))]
        limit: u32,
        /// Only this actor's entries
        #[arg(long)]
        actor: Option<String>,
        /// Only this action, e.g. customers.update; a trailing * matches a prefix (customers.*)
        #[arg(long)]
        action: Option<String>,
        /// Only this object, e.g. customers/12; a trailing * matches a prefix
        #[arg(long)]
        object: Option<String>,
        /// Only entries recorded at or after this instant (RFC 3339 with its offset)
        #[arg(long, value_parser = parse_instant)]
        since: Option<DateTime<Utc>>,
        /// Only entries recorded before this instant (RFC 3339 with its offset)
        #[arg(long, value_parser = parse_instant)]
        until: Option<DateTime<Utc>>,
        /// Continue after a previous page (the cursor it printed)
        #[arg(long)]
        cursor: Option<String>,
        /// Print the page as JSON (with before and after in full)
        #[arg(long)]
        json: bool,
    },
}

fn parse_instant(s: &str) -> Result<DateTime<Utc>, String> {
    DateTime::parse_from_rfc3339(s.trim())
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| format!("'{s}' is not an instant like 2025-10-01T08:00:00+08:00"))
}

pub async fn run(command: AuditCommand, store: &Store) -> anyhow::Result<ExitCode> {
    match command {
        AuditCommand::Verify { json } => {
            let report = store
                .audit_verify()
                .await
                .context("cannot verify the audit log")?;
            if json {
                println!("{}", serde_json::to_string_pretty(&report)?);
            }
            match &report.problem {
                None => {
                    if !json {
                        println!(
                            "audit log intact: {} entries (newest: entry {}, hash {})",
                            report.entries, report.head_seq, report.head_hash
                        );
                    }
                    Ok(ExitCode::SUCCESS)
                }
                Some(p) => {
                    eprintln!(
                        "audit log NOT intact: {} (entry {}, {}); {} entries before it are intact",
                        p.message, p.seq, p.kind, report.entries
                    );
                    Ok(ExitCode::from(EXIT_PROBLEM))
                }
            }
        }
        AuditCommand::List {
            limit,
            actor,
            action,
            object,
            since,
            until,
            cursor,
            json,
        } => {
            let q = AuditQuery {
                actor,
                action,
                object,
                since,
                until,
                limit: Some(limit),
                cursor,
            };
            let page = store.audit_list(&q).await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&page)?);
                return Ok(ExitCode::SUCCESS);
            }
            if page.items.is_empty() {
                println!("no audit entries");
            }
            for r in &page.items {
                print_record(r);
            }
            if let Some(next) = &page.next_cursor {
                println!("more: --cursor {next}");
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn print_record(r: &AuditRecord) {
    println!(
        "{:>6}  {}  {} ({}) from {}  {}  {}",
        r.seq,
        r.at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        r.actor,
        r.role,
        r.source,
        r.action,
        r.object
    );
    for (label, value) in [("before", &r.before), ("after", &r.after)] {
        if let Some(v) = value {
            println!("        {label}: {v}");
        }
    }
}
