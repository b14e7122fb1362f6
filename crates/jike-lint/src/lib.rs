//! Configuration compliance of routers and switches: the access configuration rules of
//! `../shared/domain.md` §9 (集客业务接入配置规范, R-CF1..R-CF7) checked on the text that Huawei
//! VRP, H3C Comware and Cisco IOS / IOS-XE print with `display current-configuration` /
//! `show running-config`.
//!
//! *Invariant*: pure. No I/O, no async, no database: every function is a function of the text and
//! settings it is given (the CLI reads the files, the server the uploads).
//!
//! - [`parse`] turns a configuration into its hierarchy of statements with line numbers
//!   ([`parse::Parsed`]) and detects the vendor ([`parse::detect`]).
//! - [`check_device`] runs every per-device rule of the catalogue ([`rules::RULES`]) and collects
//!   the global parameters that [`cross_check`] compares across devices (R-CF2).
//! - [`config::LintConfig`] is the TOML file: rules switched off or re-graded, site conventions.
//! - [`output`] writes findings as text, as the JSON contract, or as SARIF 2.1.0.

pub mod check;
pub mod config;
pub mod cross;
pub mod output;
pub mod parse;
pub mod rules;
pub mod synth;

use serde::Serialize;

pub use check::{check_device, Device, Globals};
pub use config::{LintConfig, Site};
pub use cross::cross_check;
pub use parse::{detect, parse, Parsed, Vendor};
pub use rules::{Rule, RULES};

/// How grave a finding is; ordered `Note < Warning < Error` (`--fail-on`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Note,
    Warning,
    Error,
}

impl Severity {
    /// The severity's name in a language (`错误`, `警告`, `提示` in Chinese).
    pub fn name(self, lang: Lang) -> &'static str {
        match (lang, self) {
            (Lang::En, _) => self.as_str(),
            (Lang::Zh, Severity::Error) => "错误",
            (Lang::Zh, Severity::Warning) => "警告",
            (Lang::Zh, Severity::Note) => "提示",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Note => "note",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    pub fn parse(s: &str) -> Option<Severity> {
        match s {
            "note" => Some(Severity::Note),
            "warning" => Some(Severity::Warning),
            "error" => Some(Severity::Error),
            _ => None,
        }
    }
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The place of a device in the metropolitan network; R-CF6 applies from aggregation up.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    #[default]
    Access,
    Aggregation,
    Core,
}

impl Role {
    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "access" => Some(Role::Access),
            "aggregation" => Some(Role::Aggregation),
            "core" => Some(Role::Core),
            _ => None,
        }
    }
}

/// One finding: the JSON contract's element
/// (`{"file", "line", "rule", "severity", "message", "object"}`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// The file as the caller named it (empty until [`Device::into_findings`] names it).
    pub file: String,
    /// 1-based line of the statement at fault.
    pub line: u32,
    pub rule: &'static str,
    pub severity: Severity,
    pub message: String,
    /// The configuration object the statement belongs to (`interface GigabitEthernet0/0/1`,
    /// `acl number 3001`), when there is one.
    pub object: Option<String>,
    /// The message in Chinese. Not part of the JSON contract's fields: [`output::json_lang`]
    /// adds it as `message_zh` when asked for Chinese.
    #[serde(skip)]
    pub message_zh: String,
    /// The other files a comparison across devices names in the message (R-CF2's "also odd"),
    /// so that a service can show each reader only those it may see ([`Finding::message_alone`]).
    #[serde(skip)]
    pub related: Vec<String>,
}

impl Finding {
    /// The message in a language without the other files it names ([`Finding::related`]).
    pub fn message_alone(&self, lang: Lang) -> String {
        let full = self.message_in(lang);
        let suffix = cross::also_odd(&self.related, lang);
        full.strip_suffix(suffix.as_str())
            .unwrap_or(full)
            .to_string()
    }

    /// The message in a language (the English one when no Chinese was written).
    pub fn message_in(&self, lang: Lang) -> &str {
        match lang {
            Lang::Zh if !self.message_zh.is_empty() => &self.message_zh,
            _ => &self.message,
        }
    }
}

/// The language of messages and rationales (`jike lint-config --lang`): English, the default,
/// or Chinese.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Lang {
    #[default]
    En,
    Zh,
}

impl Lang {
    pub fn parse(s: &str) -> Option<Lang> {
        match s {
            "en" => Some(Lang::En),
            "zh" => Some(Lang::Zh),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Zh => "zh",
        }
    }
}

/// Errors of the configuration file (`--config`): each names the key at fault.
#[derive(Debug, thiserror::Error)]
pub enum LintError {
    #[error("lint configuration: {0}")]
    Toml(String),
    #[error("lint configuration: unknown rule `{0}` in [rules] (see `jike lint-config --rules`)")]
    UnknownRule(String),
    #[error(
        "lint configuration: [rules] `{rule}` = `{value}`: expected off, error, warning or note"
    )]
    BadSeverity { rule: String, value: String },
    #[error("lint configuration: `{key}`: {message}")]
    Invalid { key: String, message: String },
}

/// Everything a run found, with how many files it read: what the outputs write.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Report {
    pub findings: Vec<Finding>,
    pub files: usize,
}

impl Report {
    /// Sorts findings by file, line and rule: stable output whatever the order of the work.
    pub fn sort(&mut self) {
        self.findings.sort_by(|a, b| {
            (a.file.as_str(), a.line, a.rule, a.message.as_str()).cmp(&(
                b.file.as_str(),
                b.line,
                b.rule,
                b.message.as_str(),
            ))
        });
    }

    /// The most severe finding's severity, if any.
    pub fn worst(&self) -> Option<Severity> {
        self.findings.iter().map(|f| f.severity).max()
    }

    /// Counts of errors, warnings and notes.
    pub fn counts(&self) -> (usize, usize, usize) {
        let mut c = (0, 0, 0);
        for f in &self.findings {
            match f.severity {
                Severity::Error => c.0 += 1,
                Severity::Warning => c.1 += 1,
                Severity::Note => c.2 += 1,
            }
        }
        c
    }
}

/// Lints one configuration text on its own (no cross-device check), naming it `file`: the
/// convenience of tests and the server's upload.
pub fn lint_text(
    file: &str,
    text: &str,
    vendor: Option<Vendor>,
    role: Role,
    cfg: &LintConfig,
) -> Vec<Finding> {
    check_device(text, vendor, role, cfg).into_findings(file)
}
