//! Real public configurations (`tests/corpus/<vendor>/<family>-<name>.cfg`, sources and licences
//! in `tests/corpus/SOURCES`): each is valid, so the default rules must find no `CF1-syntax`
//! problem in it (R-CF1), vendor detection must name the folder's vendor, and every other finding
//! is kept in a reviewed snapshot (`snapshots/corpus__corpus_findings.snap`).

use std::path::{Path, PathBuf};

use jike_lint::{lint_text, output, LintConfig, Report, Role, Vendor};

fn corpus() -> Vec<(Vendor, String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    let mut out = Vec::new();
    for vendor in [Vendor::Huawei, Vendor::H3c, Vendor::Cisco] {
        let dir = root.join(vendor.as_str());
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|e| e.expect("a corpus entry").path())
            .filter(|p| p.extension().is_some_and(|x| x == "cfg"))
            .collect();
        files.sort();
        for f in files {
            let bytes = std::fs::read(&f).expect("a corpus file");
            let text = String::from_utf8_lossy(&bytes).into_owned();
            let name = format!(
                "{}/{}",
                vendor.as_str(),
                f.file_name().expect("a file name").to_string_lossy()
            );
            out.push((vendor, name, text));
        }
    }
    out
}

#[test]
fn corpus_is_large_enough() {
    // The counts of tests/corpus/SOURCES; issue 14 aims at 60 files and 5 families per vendor.
    let c = corpus();
    assert!(c.len() >= 60, "{} files", c.len());
    for (v, min) in [(Vendor::Huawei, 2), (Vendor::H3c, 2), (Vendor::Cisco, 56)] {
        let n = c.iter().filter(|(x, _, _)| *x == v).count();
        assert!(
            n >= min,
            "{n} {} files, at least {min} expected",
            v.as_str()
        );
    }
}

#[test]
fn vendors_of_the_corpus_are_detected() {
    let wrong: Vec<String> = corpus()
        .iter()
        .filter(|(v, _, text)| jike_lint::detect(text) != *v)
        .map(|(v, name, text)| {
            format!(
                "{name}: detected {}, is {}",
                jike_lint::detect(text).as_str(),
                v.as_str()
            )
        })
        .collect();
    assert!(wrong.is_empty(), "{wrong:#?}");
}

#[test]
fn real_configurations_have_no_syntax_findings() {
    let cfg = LintConfig::default();
    let mut bad = Vec::new();
    for (_, name, text) in corpus() {
        for f in lint_text(&name, &text, None, Role::Access, &cfg) {
            if f.rule == "CF1-syntax" {
                bad.push(format!("{}:{}: {}", f.file, f.line, f.message));
            }
        }
    }
    assert!(
        bad.is_empty(),
        "{} CF1-syntax findings:\n{}",
        bad.len(),
        bad.join("\n")
    );
}

/// Every finding of the default rules, as an aggregation device (so that R-CF6 is checked too);
/// each line was reviewed against domain.md §9.
#[test]
fn corpus_findings() {
    let cfg = LintConfig::default();
    let c = corpus();
    let mut report = Report {
        findings: Vec::new(),
        files: c.len(),
    };
    for (_, name, text) in &c {
        report
            .findings
            .extend(lint_text(name, text, None, Role::Aggregation, &cfg));
    }
    report.sort();
    insta::assert_snapshot!("corpus_findings", output::text(&report));
}
