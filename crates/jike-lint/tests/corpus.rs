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

/// The device family of a corpus file: the part of its name before the first `-`
/// (`cisco/ios7200-as1core1.cfg` is family `ios7200`), as listed in `tests/corpus/SOURCES`.
fn family(name: &str) -> &str {
    let file = name.rsplit('/').next().unwrap_or(name);
    file.split('-').next().unwrap_or(file)
}

#[test]
fn corpus_is_large_enough() {
    // The counts of tests/corpus/SOURCES. Issue 14 aims at 60 files and 5 device families per
    // vendor; Cisco has them (13, so at least the 5), Huawei and H3C have what licensed public sources gave (SOURCES says
    // where we looked), and these minimums only ever go up.
    let c = corpus();
    assert!(c.len() >= 61, "{} files", c.len());
    for (v, min_files, min_families) in [
        (Vendor::Huawei, 2, 2),
        (Vendor::H3c, 3, 1),
        (Vendor::Cisco, 56, 13),
    ] {
        let files: Vec<&str> = c
            .iter()
            .filter(|(x, _, _)| *x == v)
            .map(|(_, name, _)| name.as_str())
            .collect();
        let mut families: Vec<&str> = files.iter().map(|n| family(n)).collect();
        families.sort_unstable();
        families.dedup();
        assert!(
            files.len() >= min_files,
            "{} {} files, at least {min_files} expected",
            files.len(),
            v.as_str()
        );
        assert!(
            families.len() >= min_families,
            "{} {} families ({families:?}), at least {min_families} expected",
            families.len(),
            v.as_str()
        );
    }
}

#[test]
fn family_is_the_file_name_prefix() {
    assert_eq!(family("cisco/ios7200-as1core1.cfg"), "ios7200");
    assert_eq!(family("h3c/cw7-autoconfig-device2.cfg"), "cw7");
    assert_eq!(family("huawei/vrp8-ne40e-faddr.cfg"), "vrp8");
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
