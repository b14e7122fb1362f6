//! `jike lint-config` as a user runs it: the real binary, exit codes 0/1/2, the JSON contract,
//! `--rules`, a folder with R-CF2. No database is touched (none is configured).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn data(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../jike-lint/tests/data")
        .join(name)
}

fn jike(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_jike"))
        .args(args)
        .env_remove("JIKE_CONFIG")
        .env_remove("JIKE_DATABASE")
        .env("JIKE_DATABASE", "postgres://nobody@127.0.0.1:1/none")
        .output()
        .expect("jike runs")
}

fn code(o: &Output) -> i32 {
    o.status.code().expect("exit code")
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn exit_codes() {
    // Clean: the folder of four consistent-enough aggregation configurations has only warnings.
    let o = jike(&["lint-config", "--role", "aggregation", s(&data("cf2"))]);
    assert_eq!(code(&o), 0, "{}", String::from_utf8_lossy(&o.stderr));
    // Errors found.
    let o = jike(&["lint-config", s(&data("cisco-agg.cfg"))]);
    assert_eq!(code(&o), 1);
    // --fail-on warning turns the folder's warnings into a failure.
    let o = jike(&[
        "lint-config",
        "--role",
        "aggregation",
        "--fail-on",
        "warning",
        s(&data("cf2")),
    ]);
    assert_eq!(code(&o), 1);
    // Unreadable file: 2, naming it.
    let o = jike(&["lint-config", "/nonexistent/sw.cfg"]);
    assert_eq!(code(&o), 2);
    assert!(String::from_utf8_lossy(&o.stderr).contains("/nonexistent/sw.cfg"));
    // Usage: 2.
    assert_eq!(
        code(&jike(&[
            "lint-config",
            "--vendor",
            "juniper",
            s(&data("cf2"))
        ])),
        2
    );
    assert_eq!(code(&jike(&["lint-config"])), 2);
    // Bad configuration file: 2, naming the key.
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.toml");
    std::fs::write(&bad, "[site]\nntp_server = ['10.0.0.1']\n").unwrap();
    let o = jike(&["lint-config", "--config", s(&bad), s(&data("cf2"))]);
    assert_eq!(code(&o), 2);
    assert!(String::from_utf8_lossy(&o.stderr).contains("ntp_server"));
    // A configuration file that switches rules off.
    let off = dir.path().join("off.toml");
    let all_off: String = [
        "CF1-syntax",
        "CF3-unused-object",
        "CF3-test-leftover",
        "CF5-missing-description",
        "CF7-pppoe-username",
        "CF7-pppoe-password",
        "SEC-plaintext-password",
        "SEC-snmp-default-community",
        "CF4-acl-numbering",
    ]
    .iter()
    .map(|r| format!("{r} = 'off'\n"))
    .collect();
    std::fs::write(&off, format!("[rules]\n{all_off}")).unwrap();
    let o = jike(&[
        "lint-config",
        "--config",
        s(&off),
        s(&data("cisco-agg.cfg")),
    ]);
    assert_eq!(code(&o), 0, "{}", String::from_utf8_lossy(&o.stdout));
}

#[test]
fn json_contract() {
    let o = jike(&[
        "lint-config",
        "--format",
        "json",
        "--vendor",
        "h3c",
        s(&data("h3c-access.cfg")),
    ]);
    assert_eq!(code(&o), 1);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["files"], 1);
    let findings = v["findings"].as_array().unwrap();
    assert!(!findings.is_empty());
    let f = findings
        .iter()
        .find(|f| f["rule"] == "CF5-missing-description")
        .unwrap();
    assert_eq!(f["line"], 55);
    assert_eq!(f["severity"], "warning");
    assert_eq!(f["object"], "interface GigabitEthernet1/0/4");
    assert!(f["file"].as_str().unwrap().ends_with("h3c-access.cfg"));
    assert!(f["message"].as_str().unwrap().contains("description"));
    // SARIF too.
    let o = jike(&[
        "lint-config",
        "--format",
        "sarif",
        s(&data("h3c-access.cfg")),
    ]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["version"], "2.1.0");
    assert_eq!(
        v["runs"][0]["results"].as_array().unwrap().len(),
        findings.len()
    );
}

#[test]
fn rules_are_listed() {
    let o = jike(&["lint-config", "--rules"]);
    assert_eq!(code(&o), 0);
    let out = String::from_utf8(o.stdout).unwrap();
    for id in [
        "CF1-syntax",
        "CF2-inconsistent",
        "CF3-unused-object",
        "CF3-test-leftover",
        "CF4-acl-numbering",
        "CF5-missing-description",
        "CF6-aaa-not-central",
        "CF7-pppoe-username",
        "CF7-pppoe-password",
        "SEC-plaintext-password",
        "SEC-snmp-default-community",
    ] {
        assert!(out.contains(id), "{id}");
    }
}

#[test]
fn a_folder_with_cf2() {
    let o = jike(&[
        "lint-config",
        "--role",
        "aggregation",
        "--format",
        "json",
        s(&data("cf2")),
    ]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["files"], 4);
    let f = v["findings"].as_array().unwrap();
    assert_eq!(f.len(), 2, "{f:?}");
    assert!(f[0]["file"].as_str().unwrap().ends_with("sz-ft-agg-03.cfg"));
    assert_eq!(f[0]["rule"], "CF2-inconsistent");
    assert_eq!(f[0]["line"], 22);
    assert!(f[0]["message"]
        .as_str()
        .unwrap()
        .contains("3 of the 4 aggregation devices have 10.255.0.1, 10.255.0.2"));
    assert!(f[1]["file"].as_str().unwrap().ends_with("sz-ft-agg-04.cfg"));
    // Text output in file order with a summary.
    let o = jike(&["lint-config", "--role", "aggregation", s(&data("cf2"))]);
    let text = String::from_utf8(o.stdout).unwrap();
    assert!(
        text.ends_with("4 files checked: 0 error(s), 2 warning(s), 0 note(s)\n"),
        "{text}"
    );
}
