//! The real `jike` binary: `jike sla evaluate` and `jike calendar add-workdays`, their JSON and
//! their exit codes (0 success, 2 bad input).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn jike(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_jike"))
        .args(args)
        .env_remove("JIKE_DATABASE")
        .env_remove("JIKE_CONFIG")
        .env("JIKE_LOG", "warn")
        .output()
        .expect("run jike")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn write(dir: &Path, name: &str, content: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, content).unwrap();
    p
}

/// A gold fault (R-F4): dispatched, accepted, the customer reached late, a 30 min suspension
/// (R-C3), on site, restored at 14:30, confirmed an hour later (R-F10), closed.
const GOLD_FAULT: &str = r#"{
  "order": {"kind": "fault", "grade": "gold", "business_type": "data_line"},
  "events": [
    {"type": "occurred", "at": "2025-10-01T10:00:00+08:00"},
    {"type": "dispatched", "at": "2025-10-01T10:02:00+08:00", "by": "监控室"},
    {"type": "accepted", "at": "2025-10-01T10:08:00+08:00"},
    {"type": "customer_contacted", "at": "2025-10-01T10:20:00+08:00"},
    {"type": "suspended", "at": "2025-10-01T10:30:00+08:00", "reason": "客户拒绝进场", "approved_by": "张主任"},
    {"type": "resumed", "at": "2025-10-01T11:00:00+08:00"},
    {"type": "on_site", "at": "2025-10-01T11:40:00+08:00"},
    {"type": "restored", "at": "2025-10-01T14:30:00+08:00"},
    {"type": "confirmed", "at": "2025-10-01T15:30:00+08:00"},
    {"type": "closed", "at": "2025-10-01T16:00:00+08:00"}
  ]
}"#;

fn evaluate(events: &Path, at: &str, extra: &[&str]) -> Output {
    let mut args = vec![
        "sla",
        "evaluate",
        "--events",
        events.to_str().unwrap(),
        "--at",
        at,
    ];
    args.extend_from_slice(extra);
    jike(&args)
}

fn json(out: &Output) -> Value {
    assert!(
        out.status.success(),
        "exit {:?}: {}",
        out.status.code(),
        text(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn gold_fault_while_in_joint_handling() {
    let dir = tempfile::tempdir().unwrap();
    let events = write(dir.path(), "gold.json", GOLD_FAULT);
    let v = json(&evaluate(&events, "2025-10-01T13:00:00+08:00", &[]));
    let restore = &v["clocks"][3];
    assert_eq!(restore["name"], "restore");
    assert_eq!(restore["limit_seconds"], 14400);
    assert_eq!(restore["state"], "running");
    assert_eq!(restore["paused_seconds"], 1800);
    assert_eq!(restore["deadline"], "2025-10-01T14:30:00+08:00");
    assert_eq!(restore["remaining_seconds"], 5400);
    assert_eq!(restore["stopped_at"], Value::Null);
    // R-F4: 1 h of running time without restoration; R-F6: hourly updates after that.
    assert_eq!(v["escalations"][0]["kind"], "joint_handling");
    assert_eq!(v["escalations"][0]["at"], "2025-10-01T11:30:00+08:00");
    assert_eq!(
        v["updates_due"],
        serde_json::json!(["2025-10-01T12:30:00+08:00"])
    );
    assert_eq!(v["next_due"][0]["kind"], "update");
    assert_eq!(v["clocks"][1]["state"], "breached");
    assert_eq!(v["clocks"][1]["breached_by_seconds"], 180);
    insta::assert_json_snapshot!("gold_fault_at_13h", v);
}

#[test]
fn gold_fault_after_restoration() {
    let dir = tempfile::tempdir().unwrap();
    let events = write(dir.path(), "gold.json", GOLD_FAULT);
    let v = json(&evaluate(&events, "2025-10-02T00:00:00+08:00", &[]));
    assert_eq!(v["state"], "closed");
    let restore = &v["clocks"][3];
    assert_eq!(restore["state"], "met");
    assert_eq!(restore["stopped_at"], "2025-10-01T14:30:00+08:00");
    assert_eq!(restore["remaining_seconds"], 0);
    assert_eq!(
        v["updates_due"],
        serde_json::json!(["2025-10-01T12:30:00+08:00", "2025-10-01T13:30:00+08:00"])
    );
    assert_eq!(v["next_due"], serde_json::json!([]));
    assert_eq!(v["warnings"], serde_json::json!([]));
}

/// --policy defaults to the embedded text of examples/sla-policy.toml.
#[test]
fn default_policy_is_the_example_file() {
    let dir = tempfile::tempdir().unwrap();
    let events = write(dir.path(), "gold.json", GOLD_FAULT);
    let example = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/sla-policy.toml"
    );
    let at = "2025-10-01T13:00:00+08:00";
    let a = evaluate(&events, at, &[]);
    let b = evaluate(&events, at, &["--policy", example]);
    assert_eq!(json(&a), json(&b));
    let printed = jike(&["sla", "default-policy"]);
    assert!(printed.status.success());
    assert_eq!(
        text(&printed.stdout),
        std::fs::read_to_string(example).unwrap()
    );
}

/// A custom policy, Chinese names, pending clocks with null times.
#[test]
fn custom_policy_and_pending_clocks() {
    let dir = tempfile::tempdir().unwrap();
    let policy = write(
        dir.path(),
        "policy.toml",
        r#"
version = 3
valid_from = "2026-01-01T00:00:00+08:00"
[[rule]]
kind = "投诉"
clocks = [
  { name = "reply", limit = "2wd", start = "accepted", stop = "replied", calendar = "cn-workday" },
  { name = "first_contact", limit = "30m", start = "dispatched", stop = "customer_contacted", warning = 0.5 },
]
"#,
    );
    let events = write(
        dir.path(),
        "complaint.json",
        r#"{"order": {"kind": "complaint", "grade": "铜牌"},
            "events": [{"type": "occurred", "at": "2026-02-13T17:00:00+08:00"},
                       {"type": "派单", "at": "2026-02-13T17:10:00+08:00"}]}"#,
    );
    let v = json(&evaluate(
        &events,
        "2026-02-13T17:20:00+08:00",
        &["--policy", policy.to_str().unwrap()],
    ));
    assert_eq!(v["policy"]["version"], 3);
    let reply = &v["clocks"][0];
    assert_eq!(reply["state"], "pending");
    assert_eq!(reply["started_at"], Value::Null);
    assert_eq!(reply["deadline"], Value::Null);
    assert_eq!(reply["limit_seconds"], Value::Null);
    let contact = &v["clocks"][1];
    assert_eq!(contact["state"], "running");
    assert_eq!(contact["warning_at"], "2026-02-13T17:25:00+08:00");
    assert_eq!(contact["remaining_seconds"], 1200);
}

#[test]
fn add_workdays_prints_the_deadline() {
    // R-W1, R-C2: 1–8 October 2025 are holidays, 11 October is a make-up day.
    let out = jike(&[
        "calendar",
        "add-workdays",
        "--from",
        "2025-09-30T18:00:00+08:00",
        "--days",
        "3",
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "2025-10-12T00:00:00+08:00\n");
    // Input in another offset: the calendar day is Shanghai's (1 October, a holiday).
    let out = jike(&[
        "calendar",
        "add-workdays",
        "--from",
        "2025-09-30T20:00:00Z",
        "--days",
        "1",
    ]);
    assert_eq!(text(&out.stdout), "2025-10-10T00:00:00+08:00\n");
}

/// A year loaded from a file replaces the Monday-to-Friday fallback (R-C2).
#[test]
fn loaded_years_are_used() {
    let dir = tempfile::tempdir().unwrap();
    let args = |extra: &[&str]| {
        let mut a = vec![
            "calendar",
            "add-workdays",
            "--from",
            "2026-12-31T10:00:00+08:00",
            "--days",
            "1",
        ];
        a.extend_from_slice(extra);
        text(&jike(&a).stdout)
    };
    assert_eq!(args(&[]), "2027-01-02T00:00:00+08:00\n");
    let y2027 = write(
        dir.path(),
        "2027.toml",
        "year = 2027\nholidays = [\"2027-01-01\"]\nmake_up_workdays = []\n",
    );
    assert_eq!(
        args(&["--workdays", y2027.to_str().unwrap()]),
        "2027-01-05T00:00:00+08:00\n"
    );
    let bad = write(
        dir.path(),
        "bad.toml",
        "year = 2027\nholidays = [\"2027-02-30\"]\n",
    );
    let out = jike(&[
        "calendar",
        "add-workdays",
        "--from",
        "2026-12-31T10:00:00+08:00",
        "--days",
        "1",
        "--workdays",
        bad.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("holidays[0]"),
        "{}",
        text(&out.stderr)
    );
}

/// Bad input: a clear message on standard error and exit code 2.
#[test]
fn bad_input_exits_2_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let order = r#""order": {"kind": "fault", "grade": "gold"}"#;
    let cases: &[(&str, &str)] = &[
        (
            r#"[{"type": "occurred", "at": "2025-10-01T10:00:00+08:00"}, {"type": "exploded", "at": "2025-10-01T10:01:00+08:00"}]"#,
            "events[1].type: unknown event type 'exploded'",
        ),
        (
            r#"[{"type": "occurred", "at": "2025-10-01T10:00:00+08:00"}, {"type": "dispatched", "at": "2025-10-01T09:00:00+08:00"}]"#,
            "events[1]: 'dispatched' is out of time order",
        ),
        (
            r#"[{"type": "dispatched", "at": "2025-10-01T10:00:00+08:00"}, {"type": "accepted", "at": "2025-10-01T10:01:00+08:00"}, {"type": "resumed", "at": "2025-10-01T10:02:00+08:00"}]"#,
            "events[2]: 'resumed' is not allowed on an order in state 'accepted'; allowed: customer_contacted",
        ),
        (
            r#"[{"type": "dispatched", "at": "2025-10-01T10:00:00+08:00"}, {"type": "accepted", "at": "2025-10-01T10:01:00+08:00"}, {"type": "suspended", "at": "2025-10-01T10:02:00+08:00", "approved_by": "张主任"}]"#,
            "events[2]: 'suspended' needs a reason",
        ),
        (
            r#"[{"type": "dispatched", "at": "2025-10-01T10:00:00+08:00"}, {"type": "accepted", "at": "2025-10-01T10:01:00+08:00"}, {"type": "restored", "at": "2025-10-01T10:02:00+08:00"}, {"type": "confirmed", "at": "2025-10-01T10:30:00+08:00"}]"#,
            "(R-F10)",
        ),
        (
            r#"[{"type": "occurred", "at": "2025-10-01 10:00"}]"#,
            "events[0].at: '2025-10-01 10:00' is not an RFC 3339 time",
        ),
    ];
    for (events, expect) in cases {
        let f = write(
            dir.path(),
            "bad.json",
            &format!("{{{order}, \"events\": {events}}}"),
        );
        let out = evaluate(&f, "2025-10-01T13:00:00+08:00", &[]);
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{expect}: {err}");
        assert!(err.contains(expect), "{err}\ndoes not contain: {expect}");
        assert!(out.stdout.is_empty());
    }

    let good = write(dir.path(), "gold.json", GOLD_FAULT);
    let check = |out: Output, expect: &str| {
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{expect}: {err}");
        assert!(err.contains(expect), "{err}\ndoes not contain: {expect}");
    };
    check(evaluate(&good, "yesterday", &[]), "--at: 'yesterday'");
    check(
        evaluate(
            &dir.path().join("missing.json"),
            "2025-10-01T13:00:00+08:00",
            &[],
        ),
        "cannot read the events file",
    );
    let not_json = write(dir.path(), "x.json", "{\"order\": ");
    check(
        evaluate(&not_json, "2025-10-01T13:00:00+08:00", &[]),
        "not valid JSON",
    );
    let policy = write(
        dir.path(),
        "p.toml",
        "version = 1\nvalid_from = \"2025-01-01T00:00:00+08:00\"\n[[rule]]\nkind = \"fault\"\nclocks = [{ name = \"a\", limit = \"4x\", start = \"occurred\", stop = \"restored\" }]\n",
    );
    check(
        evaluate(
            &good,
            "2025-10-01T13:00:00+08:00",
            &["--policy", policy.to_str().unwrap()],
        ),
        "rule[0].clocks[0].limit: '4x' is not a duration",
    );
    let handover_only = write(
        dir.path(),
        "h.toml",
        "version = 1\nvalid_from = \"2025-01-01T00:00:00+08:00\"\n[[rule]]\nkind = \"handover\"\n",
    );
    check(
        evaluate(
            &good,
            "2025-10-01T13:00:00+08:00",
            &["--policy", handover_only.to_str().unwrap()],
        ),
        "no rule for fault orders of grade gold and business type data_line",
    );
    // Usage errors (clap) are 2 as well.
    check(jike(&["sla", "evaluate", "--events", "x.json"]), "--at");
    check(
        jike(&[
            "calendar",
            "add-workdays",
            "--from",
            "2025-09-30T18:00:00+08:00",
            "--days",
            "x",
        ]),
        "--days",
    );
}
