//! The three outputs: text for people, the JSON contract, SARIF 2.1.0 for code-review tools.

use std::fmt::Write as _;

use serde_json::{json, Value};

use crate::rules::RULES;
use crate::{Lang, Report, Severity};

/// `file:line: severity rule [object]: message`, then a summary line (English).
pub fn text(report: &Report) -> String {
    text_lang(report, Lang::En)
}

/// [`text`] in a language: in Chinese the severities, messages and summary line are Chinese
/// (`错误`, `警告`, `提示`); file, line, rule id and object stay as they are.
pub fn text_lang(report: &Report, lang: Lang) -> String {
    let mut s = String::new();
    for f in &report.findings {
        let _ = write!(
            s,
            "{}:{}: {} {}",
            f.file,
            f.line,
            f.severity.name(lang),
            f.rule
        );
        if let Some(o) = &f.object {
            let _ = write!(s, " [{o}]");
        }
        let _ = writeln!(s, ": {}", f.message_in(lang));
    }
    let (e, w, n) = report.counts();
    match lang {
        Lang::En => {
            let files = if report.files == 1 { "file" } else { "files" };
            let _ = writeln!(
                s,
                "{} {files} checked: {e} error(s), {w} warning(s), {n} note(s)",
                report.files
            );
        }
        Lang::Zh => {
            let _ = writeln!(
                s,
                "已检查 {} 个文件：{e} 个错误，{w} 个警告，{n} 个提示",
                report.files
            );
        }
    }
    s
}

/// `{"findings": [{"file", "line", "rule", "severity", "message", "object"}], "files": N}`.
pub fn json(report: &Report) -> String {
    json_lang(report, Lang::En)
}

/// [`json`] in a language: the contract's fields stay exactly as they are (`message` is the
/// English one); in Chinese each finding gains `message_zh`.
pub fn json_lang(report: &Report, lang: Lang) -> String {
    if lang == Lang::Zh {
        let findings: Vec<Value> = report
            .findings
            .iter()
            .map(|f| {
                let mut v = serde_json::to_value(f).unwrap_or(Value::Null);
                if let Value::Object(m) = &mut v {
                    m.insert("message_zh".into(), json!(f.message_in(Lang::Zh)));
                }
                v
            })
            .collect();
        let mut s = serde_json::to_string_pretty(&json!({
            "findings": findings,
            "files": report.files,
        }))
        .unwrap_or_default();
        s.push('\n');
        return s;
    }
    #[derive(serde::Serialize)]
    struct Contract<'a> {
        findings: &'a [crate::Finding],
        files: usize,
    }
    let contract = Contract {
        findings: &report.findings,
        files: report.files,
    };
    let mut s = serde_json::to_string_pretty(&contract).unwrap_or_default();
    s.push('\n');
    s
}

fn level(s: Severity) -> &'static str {
    s.as_str()
}

/// A SARIF 2.1.0 log with one run: the rule catalogue as `tool.driver.rules` (with each rule's
/// effective severity as its default level), each finding a result located at file and line.
pub fn sarif(report: &Report, severity_of: impl Fn(&str) -> Option<Severity>) -> String {
    sarif_lang(report, severity_of, Lang::En)
}

/// [`sarif`] in a language: rule descriptions and result messages in Chinese for `Lang::Zh`.
pub fn sarif_lang(
    report: &Report,
    severity_of: impl Fn(&str) -> Option<Severity>,
    lang: Lang,
) -> String {
    let rules: Vec<Value> = RULES
        .iter()
        .map(|r| {
            let sev = severity_of(r.id);
            json!({
                "id": r.id,
                "shortDescription": {"text": r.rationale_in(lang)},
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
                "message": {"text": f.message_in(lang)},
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
    let mut s = serde_json::to_string_pretty(&log).unwrap_or_default();
    s.push('\n');
    s
}

/// The catalogue as `jike lint-config --rules` prints it, with the effective severities.
pub fn rules_table(severity_of: impl Fn(&str) -> Option<Severity>) -> String {
    rules_table_lang(severity_of, Lang::En)
}

/// [`rules_table`] with the rationales in a language.
pub fn rules_table_lang(severity_of: impl Fn(&str) -> Option<Severity>, lang: Lang) -> String {
    let mut s = String::new();
    for r in RULES {
        let sev = severity_of(r.id).map_or("off", Severity::as_str);
        let _ = writeln!(
            s,
            "{:<28} {:<8} {:<9} {}",
            r.id,
            sev,
            r.clause,
            r.rationale_in(lang)
        );
    }
    s
}
