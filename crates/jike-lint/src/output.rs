//! The three outputs: text for people, the JSON contract, SARIF 2.1.0 for code-review tools.

use std::fmt::Write as _;

use serde_json::{json, Value};

use crate::rules::RULES;
use crate::{Report, Severity};

/// `file:line: severity rule [object]: message`, then a summary line.
pub fn text(report: &Report) -> String {
    let mut s = String::new();
    for f in &report.findings {
        let _ = write!(s, "{}:{}: {} {}", f.file, f.line, f.severity, f.rule);
        if let Some(o) = &f.object {
            let _ = write!(s, " [{o}]");
        }
        let _ = writeln!(s, ": {}", f.message);
    }
    let (e, w, n) = report.counts();
    let files = if report.files == 1 { "file" } else { "files" };
    let _ = writeln!(
        s,
        "{} {files} checked: {e} error(s), {w} warning(s), {n} note(s)",
        report.files
    );
    s
}

/// `{"findings": [{"file", "line", "rule", "severity", "message", "object"}], "files": N}`.
pub fn json(report: &Report) -> String {
    #[derive(serde::Serialize)]
    struct Contract<'a> {
        findings: &'a [crate::Finding],
        files: usize,
    }
    let contract = Contract {
        findings: &report.findings,
        files: report.files,
    };
    let mut s = serde_json::to_string_pretty(&contract).expect("findings serialize");
    s.push('\n');
    s
}

fn level(s: Severity) -> &'static str {
    s.as_str()
}

/// A SARIF 2.1.0 log with one run: the rule catalogue as `tool.driver.rules` (with each rule's
/// effective severity as its default level), each finding a result located at file and line.
pub fn sarif(report: &Report, severity_of: impl Fn(&str) -> Option<Severity>) -> String {
    let rules: Vec<Value> = RULES
        .iter()
        .map(|r| {
            let sev = severity_of(r.id);
            json!({
                "id": r.id,
                "shortDescription": {"text": r.rationale},
                "properties": {"clause": r.clause},
                "defaultConfiguration": {
                    "enabled": sev.is_some(),
                    "level": level(sev.unwrap_or(r.severity)),
                },
            })
        })
        .collect();
    let results: Vec<Value> = report
        .findings
        .iter()
        .map(|f| {
            let mut location = json!({
                "physicalLocation": {
                    "artifactLocation": {"uri": f.file.replace('\\', "/")},
                    "region": {"startLine": f.line},
                }
            });
            if let Some(o) = &f.object {
                location["logicalLocations"] = json!([{"fullyQualifiedName": o}]);
            }
            json!({
                "ruleId": f.rule,
                "ruleIndex": RULES.iter().position(|r| r.id == f.rule).unwrap_or(0),
                "level": level(f.severity),
                "message": {"text": f.message},
                "locations": [location],
            })
        })
        .collect();
    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "jike lint-config",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    });
    let mut s = serde_json::to_string_pretty(&log).expect("SARIF serializes");
    s.push('\n');
    s
}

/// The catalogue as `jike lint-config --rules` prints it, with the effective severities.
pub fn rules_table(severity_of: impl Fn(&str) -> Option<Severity>) -> String {
    let mut s = String::new();
    for r in RULES {
        let sev = severity_of(r.id).map_or("off", Severity::as_str);
        let _ = writeln!(s, "{:<28} {:<8} {:<9} {}", r.id, sev, r.clause, r.rationale);
    }
    s
}
