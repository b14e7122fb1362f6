//! `jike lint-config`: configuration compliance (R-CF1..R-CF7) of router and switch
//! configurations, offline (no database). Thin: arguments → `jike_lint` → print.
//!
//! Exit codes: 0 nothing at or above `--fail-on` was found, 1 something was, 2 a usage error, an
//! unreadable file or a bad `--config` file.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use clap::{Args, ValueEnum};
use jike_lint::{
    check_device, cross_check, output, Finding, Globals, Lang, LintConfig, Report, Role, Severity,
    Vendor,
};

const EXIT_FOUND: u8 = 1;
const EXIT_USAGE: u8 = 2;

#[derive(Args)]
pub struct LintArgs {
    /// Configuration files, or folders of them (walked recursively; hidden files skipped)
    #[arg(required_unless_present = "rules")]
    paths: Vec<PathBuf>,
    /// Dialect of the configurations
    #[arg(long, value_enum, default_value = "auto")]
    vendor: VendorArg,
    /// Role of the devices (R-CF6 applies to aggregation and core; R-CF2 compares one role)
    #[arg(long, value_enum, default_value = "access")]
    role: RoleArg,
    /// Output format
    #[arg(long, value_enum, default_value = "text")]
    format: FormatArg,
    /// Exit 1 when a finding at or above this severity is found
    #[arg(long, value_enum, default_value = "error")]
    fail_on: SeverityArg,
    /// List the rules (id, severity under --config, clause, rationale) and exit
    #[arg(long)]
    rules: bool,
    /// Language of messages and rationales (zh: Chinese; the JSON keeps its fields and adds
    /// message_zh)
    #[arg(long, value_enum, default_value = "en")]
    lang: LangArg,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum LangArg {
    En,
    Zh,
}

impl LangArg {
    fn lang(self) -> Lang {
        match self {
            LangArg::En => Lang::En,
            LangArg::Zh => Lang::Zh,
        }
    }
}

#[derive(Clone, Copy, ValueEnum)]
enum VendorArg {
    Auto,
    Huawei,
    H3c,
    Cisco,
}

#[derive(Clone, Copy, ValueEnum)]
enum RoleArg {
    Access,
    Aggregation,
    Core,
}

#[derive(Clone, Copy, ValueEnum)]
enum FormatArg {
    Text,
    Json,
    Sarif,
}

#[derive(Clone, Copy, ValueEnum)]
enum SeverityArg {
    Error,
    Warning,
    Note,
}

/// Whether `--config` was given on the command line (rather than by `JIKE_CONFIG`, which names
/// the server's configuration): only then is it the lint rules file.
fn config_on_command_line() -> bool {
    std::env::args_os().skip(1).any(|a| {
        let a = a.to_string_lossy();
        a == "--config" || a.starts_with("--config=")
    })
}

pub fn run(args: LintArgs, config: Option<&Path>) -> ExitCode {
    match lint(args, config.filter(|_| config_on_command_line())) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(EXIT_USAGE)
        }
    }
}

fn lint(args: LintArgs, config: Option<&Path>) -> Result<ExitCode, String> {
    let cfg = match config {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            LintConfig::from_toml(&text).map_err(|e| format!("{}: {e}", path.display()))?
        }
        None => LintConfig::default(),
    };
    let mut out = std::io::stdout().lock();
    let lang = args.lang.lang();
    if args.rules {
        let _ = out.write_all(output::rules_table_lang(|id| cfg.severity(id), lang).as_bytes());
        return Ok(ExitCode::SUCCESS);
    }
    let vendor = match args.vendor {
        VendorArg::Auto => None,
        VendorArg::Huawei => Some(Vendor::Huawei),
        VendorArg::H3c => Some(Vendor::H3c),
        VendorArg::Cisco => Some(Vendor::Cisco),
    };
    let role = match args.role {
        RoleArg::Access => Role::Access,
        RoleArg::Aggregation => Role::Aggregation,
        RoleArg::Core => Role::Core,
    };
    let mut files = Vec::new();
    for p in &args.paths {
        collect(p, &mut files)?;
    }
    let results = check_all(&files, vendor, role, &cfg)?;
    let names: Vec<String> = files.iter().map(|f| f.display().to_string()).collect();
    let mut report = Report {
        findings: Vec::new(),
        files: files.len(),
    };
    let mut globals: Vec<(&str, &Globals)> = Vec::with_capacity(files.len());
    for (name, (findings, g)) in names.iter().zip(&results) {
        report
            .findings
            .extend(findings.iter().cloned().map(|mut f| {
                f.file.clone_from(name);
                f
            }));
        globals.push((name.as_str(), g));
    }
    report.findings.extend(cross_check(&globals, role, &cfg));
    report.sort();
    let text = match args.format {
        FormatArg::Text => output::text_lang(&report, lang),
        FormatArg::Json => output::json_lang(&report, lang),
        FormatArg::Sarif => output::sarif_lang(&report, |id| cfg.severity(id), lang),
    };
    let _ = out.write_all(text.as_bytes());
    let _ = out.flush();
    let fail_on = match args.fail_on {
        SeverityArg::Error => Severity::Error,
        SeverityArg::Warning => Severity::Warning,
        SeverityArg::Note => Severity::Note,
    };
    Ok(if report.worst().is_some_and(|w| w >= fail_on) {
        ExitCode::from(EXIT_FOUND)
    } else {
        ExitCode::SUCCESS
    })
}

/// A file, or the files of a folder and its sub-folders in name order.
fn collect(path: &Path, files: &mut Vec<PathBuf>) -> Result<(), String> {
    let meta =
        std::fs::metadata(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    if !meta.is_dir() {
        files.push(path.to_owned());
        return Ok(());
    }
    let mut entries: Vec<PathBuf> = std::fs::read_dir(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?
        .filter_map(|e| e.ok())
        .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
        .map(|e| e.path())
        .collect();
    entries.sort();
    for e in entries {
        collect(&e, files)?;
    }
    Ok(())
}

type Checked = (Vec<Finding>, Globals);

/// Reads and checks the files on every core (one thread each, taking the next file as they go).
fn check_all(
    files: &[PathBuf],
    vendor: Option<Vendor>,
    role: Role,
    cfg: &LintConfig,
) -> Result<Vec<Checked>, String> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(files.len().max(1));
    let next = AtomicUsize::new(0);
    let slots: Mutex<Vec<Option<Result<Checked, String>>>> =
        Mutex::new((0..files.len()).map(|_| None).collect());
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                let mut mine = Vec::new();
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(path) = files.get(i) else { break };
                    let r = std::fs::read(path)
                        .map_err(|e| format!("cannot read {}: {e}", path.display()))
                        .map(|bytes| {
                            let text = String::from_utf8_lossy(&bytes);
                            let d = check_device(&text, vendor, role, cfg);
                            (d.findings, d.globals)
                        });
                    mine.push((i, r));
                }
                let mut slots = slots.lock().unwrap_or_else(|e| e.into_inner());
                for (i, r) in mine {
                    slots[i] = Some(r);
                }
            });
        }
    });
    let slots = slots.into_inner().unwrap_or_else(|e| e.into_inner());
    let mut out = Vec::with_capacity(files.len());
    let mut errors = Vec::new();
    for r in slots.into_iter().flatten() {
        match r {
            Ok(c) => out.push(c),
            Err(e) => errors.push(e),
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors.join("\nerror: "))
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        lint: LintArgs,
    }

    #[test]
    fn lang_defaults_to_english_and_takes_zh() {
        let cli = Cli::try_parse_from(["jike", "a.cfg"]).unwrap();
        assert_eq!(cli.lint.lang.lang(), Lang::En);
        let cli = Cli::try_parse_from(["jike", "--lang", "zh", "a.cfg"]).unwrap();
        assert_eq!(cli.lint.lang.lang(), Lang::Zh);
        assert!(Cli::try_parse_from(["jike", "--lang", "fr", "a.cfg"]).is_err());
    }
}
