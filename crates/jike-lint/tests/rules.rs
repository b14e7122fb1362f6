//! Every rule's positive and negative cases on the three vendors' test configurations, each
//! finding at its exact line.

use jike_lint::{
    check_device, cross_check, lint_text, output, Finding, LintConfig, Report, Role, Severity,
    Vendor,
};

const HUAWEI: &str = include_str!("data/huawei-agg.cfg");
const H3C: &str = include_str!("data/h3c-access.cfg");
const CISCO: &str = include_str!("data/cisco-agg.cfg");
const BROKEN_HUAWEI: &str = include_str!("data/broken-huawei.cfg");
const BROKEN_CISCO: &str = include_str!("data/broken-cisco.cfg");

/// The 1-based line of the only line of `text` that starts with `needle`.
fn line_of(text: &str, needle: &str) -> u32 {
    let hits: Vec<u32> = text
        .lines()
        .enumerate()
        .filter(|(_, l)| l.starts_with(needle))
        .map(|(i, _)| i as u32 + 1)
        .collect();
    assert_eq!(
        hits.len(),
        1,
        "`{needle}` should be on exactly one line, is on {hits:?}"
    );
    hits[0]
}

fn lint(text: &str, role: Role) -> Vec<Finding> {
    lint_text("t.cfg", text, None, role, &LintConfig::default())
}

fn lines(f: &[Finding], rule: &str) -> Vec<u32> {
    f.iter()
        .filter(|x| x.rule == rule)
        .map(|x| x.line)
        .collect()
}

fn at(text: &str, needles: &[&str]) -> Vec<u32> {
    let mut v: Vec<u32> = needles.iter().map(|n| line_of(text, n)).collect();
    v.sort_unstable();
    v
}

#[test]
fn vendors_are_detected() {
    assert_eq!(jike_lint::detect(HUAWEI), Vendor::Huawei);
    assert_eq!(jike_lint::detect(H3C), Vendor::H3c);
    assert_eq!(jike_lint::detect(CISCO), Vendor::Cisco);
    assert_eq!(jike_lint::detect(BROKEN_CISCO), Vendor::Cisco);
    assert_eq!(jike_lint::detect(BROKEN_HUAWEI), Vendor::Huawei);
}

#[test]
fn the_hierarchy_has_line_numbers() {
    let p = jike_lint::parse(HUAWEI, None);
    assert!(p.terminated);
    assert!(p.issues.is_empty(), "{:?}", p.issues);
    let bgp = p.top().find(|&i| p.nodes[i].text == "bgp 65001").unwrap();
    assert_eq!(p.nodes[bgp].line, line_of(HUAWEI, "bgp 65001"));
    // ` #` inside bgp closes ` ipv4-family` only; its children stay under it.
    let kids: Vec<&str> = p.children(bgp).map(|i| p.nodes[i].text).collect();
    assert_eq!(kids.len(), 4, "{kids:?}");
    assert_eq!(kids[3], "ipv4-family unicast");
    // Comware's indented global commands stand at the top level.
    let p = jike_lint::parse(H3C, None);
    let sysname = p
        .top()
        .find(|&i| p.nodes[i].text.starts_with("sysname"))
        .unwrap();
    assert_eq!(p.nodes[sysname].parent, None);
    assert!(p.issues.is_empty(), "{:?}", p.issues);
    let p = jike_lint::parse(CISCO, None);
    assert!(p.terminated && p.issues.is_empty(), "{:?}", p.issues);
    // The banner's body is not configuration.
    assert!(!p.nodes.iter().any(|n| n.text.starts_with("Authorized")));
}

#[test]
fn cf1_syntax() {
    let f = lint(BROKEN_HUAWEI, Role::Access);
    assert_eq!(
        lines(&f, "CF1-syntax"),
        at(
            BROKEN_HUAWEI,
            &[
                " description stray",
                "   port link-type",
                " sysname WRONG",
                "header login"
            ]
        )
    );
    let f = lint(BROKEN_CISCO, Role::Access);
    assert_eq!(
        lines(&f, "CF1-syntax"),
        at(BROKEN_CISCO, &["  ip route", "banner login"])
    );
    // Unknown sub-commands of ACL and route-map sections.
    assert_eq!(
        lines(&lint(HUAWEI, Role::Access), "CF1-syntax"),
        at(HUAWEI, &[" permit ip any"])
    );
    assert_eq!(
        lines(&lint(CISCO, Role::Access), "CF1-syntax"),
        at(CISCO, &[" permit ip any any"])
    );
    assert!(lines(&lint(H3C, Role::Access), "CF1-syntax").is_empty());
    // A text cut short.
    let cut = &HUAWEI[..HUAWEI.find("return").unwrap()];
    let f = lint(cut, Role::Access);
    let last = cut
        .lines()
        .collect::<Vec<_>>()
        .iter()
        .rposition(|l| !l.trim().is_empty() && l.trim() != "#")
        .unwrap() as u32
        + 1;
    assert_eq!(
        lines(&f, "CF1-syntax"),
        vec![line_of(HUAWEI, " permit ip any"), last]
    );
    assert!(f.iter().any(|x| x.message.contains("without `return`")));
}

#[test]
fn cf3_unused_objects() {
    let f = lint(HUAWEI, Role::Access);
    assert_eq!(
        lines(&f, "CF3-unused-object"),
        at(
            HUAWEI,
            &[
                "vlan batch",
                "acl name tmp-acl",
                "traffic policy p-unused",
                "route-policy RP-OLD",
                "ip ip-prefix PL-OLD"
            ]
        )
    );
    assert!(f
        .iter()
        .any(|x| x.message == "VLAN 999 is created but no interface carries it"));
    let f = lint(H3C, Role::Access);
    assert_eq!(
        lines(&f, "CF3-unused-object"),
        at(H3C, &["vlan 30", "acl advanced 3100"])
    );
    let f = lint(CISCO, Role::Access);
    assert_eq!(
        lines(&f, "CF3-unused-object"),
        at(
            CISCO,
            &[
                "class-map match-all CM-OLD",
                "policy-map PM-OLD",
                "ip prefix-list PL-DEAD",
                "access-list 99",
                "route-map RM-UNUSED"
            ]
        )
    );
}

#[test]
fn cf3_test_leftovers() {
    let f = lint(HUAWEI, Role::Access);
    assert_eq!(
        lines(&f, "CF3-test-leftover"),
        at(
            HUAWEI,
            &[
                " local-user test01 password",
                "acl name tmp-acl",
                " description test-link",
                " loopback internal",
                " description test loop"
            ]
        )
    );
    let f = lint(H3C, Role::Access);
    assert_eq!(
        lines(&f, "CF3-test-leftover"),
        at(H3C, &[" name tmp-vlan", " description 测试端口"])
    );
    let f = lint(CISCO, Role::Access);
    assert_eq!(
        lines(&f, "CF3-test-leftover"),
        at(CISCO, &["logging console debugging", "username testuser"])
    );
    for (word, hit) in [
        ("to-test", true),
        ("TEST01", true),
        ("TestLine", true),
        ("tmp", true),
        ("latest", false),
        ("template", false),
        ("contest", false),
        ("临时", true),
    ] {
        assert_eq!(jike_lint::check::test_word(word).is_some(), hit, "{word}");
    }
}

#[test]
fn cf4_acl_numbering() {
    let f = lint(HUAWEI, Role::Access);
    assert_eq!(
        lines(&f, "CF4-acl-numbering"),
        at(HUAWEI, &[" rule 2 permit"])
    );
    assert_eq!(
        lines(&lint(H3C, Role::Access), "CF4-acl-numbering"),
        at(H3C, &[" rule 1 permit"])
    );
    assert_eq!(
        lines(&lint(CISCO, Role::Access), "CF4-acl-numbering"),
        at(CISCO, &[" 2 permit tcp"])
    );
    // An explicit step below the site's.
    let text = "#\nsysname A\n#\nacl number 3000\n step 1\n rule 1 permit ip\n#\nreturn\n";
    assert_eq!(
        lines(&lint(text, Role::Access), "CF4-acl-numbering"),
        vec![5]
    );
    // Steps of 1 are fine where the site asks for 1.
    let cfg = LintConfig::from_toml("[site]\nacl_step = 1").unwrap();
    assert!(lines(
        &lint_text("h", HUAWEI, None, Role::Access, &cfg),
        "CF4-acl-numbering"
    )
    .is_empty());
}

#[test]
fn cf5_missing_description() {
    let f = lint(HUAWEI, Role::Access);
    assert_eq!(
        lines(&f, "CF5-missing-description"),
        at(
            HUAWEI,
            &[
                "interface Vlanif20",
                "interface GigabitEthernet0/0/5",
                "interface GigabitEthernet0/0/21",
                "interface GigabitEthernet0/0/22"
            ]
        )
    );
    assert_eq!(
        f.iter()
            .find(|x| x.rule == "CF5-missing-description")
            .unwrap()
            .object
            .as_deref(),
        Some("interface Vlanif20")
    );
    assert_eq!(
        lines(&lint(H3C, Role::Access), "CF5-missing-description"),
        at(H3C, &["interface GigabitEthernet1/0/4"])
    );
    assert_eq!(
        lines(&lint(CISCO, Role::Access), "CF5-missing-description"),
        at(CISCO, &["interface GigabitEthernet0/0/2"])
    );
}

#[test]
fn cf6_aaa_not_central() {
    // Central on the Huawei and the Cisco; local on the H3C; not checked on access devices.
    assert!(lines(&lint(HUAWEI, Role::Aggregation), "CF6-aaa-not-central").is_empty());
    assert!(lines(&lint(CISCO, Role::Core), "CF6-aaa-not-central").is_empty());
    assert_eq!(
        lines(&lint(H3C, Role::Aggregation), "CF6-aaa-not-central"),
        at(
            H3C,
            &[
                " authentication-mode password",
                " authentication login local"
            ]
        )
    );
    assert!(lines(&lint(H3C, Role::Access), "CF6-aaa-not-central").is_empty());
    // Huawei: local first in the admin scheme.
    let local = HUAWEI.replace(
        "  authentication-mode hwtacacs local",
        "  authentication-mode local hwtacacs",
    );
    assert_eq!(
        lines(&lint(&local, Role::Aggregation), "CF6-aaa-not-central"),
        vec![line_of(HUAWEI, "  authentication-mode hwtacacs local")]
    );
    // Huawei: the admin domain binds no template.
    let unbound = HUAWEI.replace("  hwtacacs-server tac\n", "");
    assert_eq!(
        lines(&lint(&unbound, Role::Aggregation), "CF6-aaa-not-central"),
        vec![line_of(HUAWEI, " domain default_admin")]
    );
    // Cisco: a local default list; no aaa new-model.
    let local = CISCO.replace("login default group TAC-GRP local", "login default local");
    assert_eq!(
        lines(&lint(&local, Role::Aggregation), "CF6-aaa-not-central"),
        vec![line_of(CISCO, "aaa authentication login default group")]
    );
    let old = CISCO.replace("aaa new-model\n", "");
    assert_eq!(
        lines(&lint(&old, Role::Aggregation), "CF6-aaa-not-central"),
        at(CISCO, &["line vty 0 4", "line vty 5 15"])
            .iter()
            .map(|l| l - 1)
            .collect::<Vec<_>>()
    );
}

#[test]
fn cf7_pppoe() {
    let f = lint(HUAWEI, Role::Access);
    assert_eq!(
        lines(&f, "CF7-pppoe-username"),
        at(HUAWEI, &[" local-user Bad_User password"])
    );
    assert_eq!(
        lines(&f, "CF7-pppoe-password"),
        at(HUAWEI, &[" local-user Bad_User password"])
    );
    let msg = &f
        .iter()
        .find(|x| x.rule == "CF7-pppoe-password")
        .unwrap()
        .message;
    assert!(
        msg.contains("plain text") && msg.contains("shorter than 8"),
        "{msg}"
    );
    let f = lint(H3C, Role::Access);
    assert_eq!(
        lines(&f, "CF7-pppoe-username"),
        at(H3C, &["local-user zhangsan"])
    );
    assert_eq!(
        lines(&f, "CF7-pppoe-password"),
        at(H3C, &[" password simple 12345678"])
    );
    let f = lint(CISCO, Role::Access);
    assert_eq!(
        lines(&f, "CF7-pppoe-username"),
        at(CISCO, &["username sz-hotel-01", " ppp chap hostname"])
    );
    assert_eq!(
        lines(&f, "CF7-pppoe-password"),
        at(CISCO, &["username sz-hotel-01", " ppp chap password 0"])
    );
    // A site pattern without a domain accepts `zhangsan`.
    let cfg = LintConfig::from_toml("[site]\npppoe_username_pattern = '^[a-z0-9@.]+$'\n[site.password]\nmin_length = 6\nmin_classes = 1").unwrap();
    let f = lint_text("h", H3C, None, Role::Access, &cfg);
    assert!(lines(&f, "CF7-pppoe-username").is_empty());
    let msg = &f
        .iter()
        .find(|x| x.rule == "CF7-pppoe-password")
        .unwrap()
        .message;
    assert!(msg.ends_with("stored in plain text"), "{msg}");
}

#[test]
fn sec_plaintext_passwords() {
    let f = lint(HUAWEI, Role::Access);
    // The PPPoE user's plain password is CF7's, not repeated here; the console's is a cipher.
    assert_eq!(
        lines(&f, "SEC-plaintext-password"),
        at(HUAWEI, &[" local-user test01 password"])
    );
    let f = lint(H3C, Role::Access);
    assert_eq!(
        lines(&f, "SEC-plaintext-password"),
        at(
            H3C,
            &[
                " set authentication password simple",
                " password simple admin@H3C"
            ]
        )
    );
    let f = lint(CISCO, Role::Access);
    assert_eq!(
        lines(&f, "SEC-plaintext-password"),
        at(
            CISCO,
            &["enable password", "username netops", " key Tac@Key1"]
        )
    );
}

#[test]
fn sec_snmp_communities() {
    assert_eq!(
        lines(&lint(HUAWEI, Role::Access), "SEC-snmp-default-community"),
        at(HUAWEI, &["snmp-agent community write cipher"])
    );
    assert_eq!(
        lines(&lint(H3C, Role::Access), "SEC-snmp-default-community"),
        at(
            H3C,
            &[
                " snmp-agent community read public",
                " snmp-agent community write simple private"
            ]
        )
    );
    assert_eq!(
        lines(&lint(CISCO, Role::Access), "SEC-snmp-default-community"),
        at(
            CISCO,
            &[
                "snmp-server community public RO",
                "snmp-server community rwcomm RW"
            ]
        )
    );
}

fn cf2_devices() -> Vec<(String, String)> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/cf2");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read_to_string(&p).unwrap(),
            )
        })
        .collect()
}

#[test]
fn cf2_inconsistent_across_devices() {
    let cfg = LintConfig::default();
    let files = cf2_devices();
    let devices: Vec<_> = files
        .iter()
        .map(|(n, t)| (n.as_str(), check_device(t, None, Role::Aggregation, &cfg)))
        .collect();
    for (n, d) in &devices {
        assert!(d.findings.is_empty(), "{n}: {:?}", d.findings);
    }
    let globals: Vec<_> = devices.iter().map(|(n, d)| (*n, &d.globals)).collect();
    let f = cross_check(&globals, Role::Aggregation, &cfg);
    assert_eq!(f.len(), 2, "{f:?}");
    assert_eq!((f[0].file.as_str(), f[0].line), ("sz-ft-agg-03.cfg", 22));
    assert_eq!(
        f[0].message,
        "NTP servers: 10.255.0.1, 10.9.9.9, where 3 of the 4 aggregation devices have 10.255.0.1, 10.255.0.2"
    );
    assert_eq!(
        (f[1].file.as_str(), f[1].line, f[1].object.as_deref()),
        ("sz-ft-agg-04.cfg", 5, Some("timezone"))
    );
    // Two devices: no majority, nothing said. A site value: every device is judged.
    assert!(cross_check(&globals[..2], Role::Aggregation, &cfg).is_empty());
    let site = LintConfig::from_toml("[site]\nsyslog_hosts = ['10.255.1.11']").unwrap();
    let f = cross_check(&globals[..1], Role::Aggregation, &site);
    assert_eq!(f.len(), 1);
    assert!(
        f[0].message.contains("where the site expects 10.255.1.11"),
        "{}",
        f[0].message
    );
    // Globals read from each vendor's syntax.
    let g = |t: &str| check_device(t, None, Role::Access, &cfg).globals;
    for t in [HUAWEI, H3C, CISCO] {
        let g = g(t);
        assert_eq!(g.ntp_servers.values, ["10.255.0.1", "10.255.0.2"]);
        assert_eq!(g.syslog_hosts.values, ["10.255.1.10"]);
        assert_eq!(g.snmp_trap_hosts.values, ["10.255.1.20"]);
        assert_eq!(g.timezone.values, ["+08:00"]);
    }
    assert_eq!(
        g(HUAWEI).aaa_servers.values,
        ["10.255.2.1", "10.255.2.2", "10.255.3.1"]
    );
    assert_eq!(g(CISCO).aaa_servers.values, ["10.255.2.1", "10.255.2.2"]);
}

#[test]
fn configuration_switches_and_regrades_rules() {
    let cfg =
        LintConfig::from_toml("[rules]\nCF3-unused-object = 'off'\nCF4-acl-numbering = 'error'")
            .unwrap();
    let f = lint_text("h", HUAWEI, None, Role::Access, &cfg);
    assert!(lines(&f, "CF3-unused-object").is_empty());
    assert!(f
        .iter()
        .filter(|x| x.rule == "CF4-acl-numbering")
        .all(|x| x.severity == Severity::Error));
    for (toml, key) in [
        ("[rules]\nCF9 = 'off'", "CF9"),
        ("[rules]\nCF1-syntax = 'fatal'", "CF1-syntax"),
        ("[site]\nntp = []", "ntp"),
        ("[site]\nntp_servers = ['ntp.example']", "site.ntp_servers"),
        (
            "[site]\npppoe_username_pattern = '('",
            "site.pppoe_username_pattern",
        ),
        ("[site]\ntimezone = 'CST'", "site.timezone"),
        (
            "[site.password]\nmin_classes = 5",
            "site.password.min_classes",
        ),
        ("[site]\nacl_step = 0", "site.acl_step"),
    ] {
        let e = LintConfig::from_toml(toml).unwrap_err().to_string();
        assert!(e.contains(key), "{toml}: {e}");
    }
    let example = include_str!("../../../examples/lint-config.toml");
    LintConfig::from_toml(example).expect("the example configuration is valid");
}

fn report(file: &str, text: &str) -> Report {
    let mut r = Report {
        findings: lint_text(file, text, None, Role::Aggregation, &LintConfig::default()),
        files: 1,
    };
    r.sort();
    r
}

#[test]
fn text_and_json_outputs() {
    let r = report("h3c-access.cfg", H3C);
    insta::assert_snapshot!("h3c_text", output::text(&r));
    insta::assert_snapshot!("h3c_json", output::json(&r));
    let v: serde_json::Value = serde_json::from_str(&output::json(&r)).unwrap();
    assert_eq!(v["files"], 1);
    let first = &v["findings"][0];
    let keys: Vec<&str> = first
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys.len(), 6);
    for k in ["file", "line", "rule", "severity", "message", "object"] {
        assert!(first.get(k).is_some(), "{k}");
    }
}

#[test]
fn sarif_output_is_sarif_2_1_0() {
    let cfg = LintConfig::default();
    let r = report("configs/cisco-agg.cfg", CISCO);
    let v: serde_json::Value =
        serde_json::from_str(&output::sarif(&r, |id| cfg.severity(id))).unwrap();
    assert_eq!(v["version"], "2.1.0");
    assert!(v["$schema"].as_str().unwrap().contains("sarif-2.1.0"));
    let run = &v["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(rules.len(), jike_lint::RULES.len());
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), r.findings.len());
    for (res, f) in results.iter().zip(&r.findings) {
        assert_eq!(res["ruleId"], f.rule);
        let idx = res["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[idx]["id"], f.rule);
        assert!(["error", "warning", "note"].contains(&res["level"].as_str().unwrap()));
        assert!(!res["message"]["text"].as_str().unwrap().is_empty());
        let loc = &res["locations"][0]["physicalLocation"];
        assert_eq!(loc["artifactLocation"]["uri"], "configs/cisco-agg.cfg");
        assert_eq!(loc["region"]["startLine"], f.line);
    }
}

#[test]
fn synthetic_configurations_are_clean_and_sized() {
    let cfg = LintConfig::default();
    let mut globals = Vec::new();
    for v in [Vendor::Huawei, Vendor::H3c, Vendor::Cisco, Vendor::Huawei] {
        let text = jike_lint::synth::config(v, 3, 2_000);
        let n = text.lines().count();
        assert!((2_000..2_200).contains(&n), "{v:?}: {n} lines");
        let d = check_device(&text, None, Role::Aggregation, &cfg);
        assert_eq!(d.vendor, v);
        assert!(
            d.findings.is_empty(),
            "{v:?}: {:?}",
            &d.findings[..d.findings.len().min(5)]
        );
        globals.push(d.globals);
    }
    let named: Vec<_> = globals.iter().map(|g| ("f", g)).collect();
    assert_eq!(cross_check(&named, Role::Aggregation, &cfg), vec![]);
}

mod never_panics {
    use super::*;
    use proptest::prelude::*;

    fn fragments() -> impl Strategy<Value = String> {
        let pieces = prop::sample::select(vec![
            "#\n",
            "!\n",
            " #\n",
            "interface GigabitEthernet0/0/1\n",
            " description x\n",
            "  \t deep\n",
            "acl number 3001\n",
            " rule 1 permit ip\n",
            " rule 2 deny\n",
            "vlan batch 10 to 4094\n",
            "vlan 0,4095-1,3-\n",
            " port trunk allow-pass vlan 2 to\n",
            "banner motd ^C\n",
            "^C\n",
            "header login information \"\n",
            "\"\n",
            "return\n",
            "end\n",
            "aaa\n",
            " domain default_admin\n",
            "  authentication-scheme\n",
            "line vty 0 4\n",
            " login authentication\n",
            "aaa authentication login default\n",
            "local-user a password simple\n",
            "clock timezone X add 99:99\n",
            "clock timezone X -8\n",
            "snmp-agent community write\n",
            "ntp-service unicast-server ::1\n",
            "route-policy\n",
            "ip ip-prefix\n",
            "traffic policy\n",
            " classifier\n",
            "\r\n",
            "测试\n",
        ]);
        prop::collection::vec(pieces, 0..40).prop_map(|v| v.concat())
    }

    proptest! {
        #[test]
        fn on_arbitrary_text(text in ".{0,400}") {
            for vendor in [None, Some(Vendor::Huawei), Some(Vendor::H3c), Some(Vendor::Cisco)] {
                let d = check_device(&text, vendor, Role::Core, &LintConfig::default());
                for f in &d.findings {
                    prop_assert!(f.line >= 1);
                }
            }
        }

        #[test]
        fn on_configuration_fragments(text in fragments()) {
            for vendor in [None, Some(Vendor::Huawei), Some(Vendor::H3c), Some(Vendor::Cisco)] {
                let d = check_device(&text, vendor, Role::Core, &LintConfig::default());
                let lines = text.split('\n').count() as u32;
                for f in &d.findings {
                    prop_assert!(f.line >= 1 && f.line <= lines, "{f:?}");
                }
            }
        }
    }
}

/// R-CF2 names the other odd devices in the message, and keeps them apart (`related`) so that a
/// service can show a reader only those it may see (`message_alone`).
#[test]
fn cf2_keeps_the_other_odd_devices_apart_from_the_message() {
    let cfg = LintConfig::default();
    let text =
        |ntp: &str| format!("#\nsysname A\n#\nntp-service unicast-server {ntp}\n#\nreturn\n");
    let texts = [
        ("a.cfg", text("10.255.0.1")),
        ("b.cfg", text("10.255.0.1")),
        ("c.cfg", text("10.255.0.1")),
        ("d.cfg", text("10.9.9.9")),
        ("e.cfg", text("10.9.9.9")),
    ];
    let devices: Vec<_> = texts
        .iter()
        .map(|(n, t)| (*n, check_device(t, None, Role::Aggregation, &cfg)))
        .collect();
    let globals: Vec<_> = devices.iter().map(|(n, d)| (*n, &d.globals)).collect();
    let f = cross_check(&globals, Role::Aggregation, &cfg);
    let ntp: Vec<&Finding> = f
        .iter()
        .filter(|f| f.object.as_deref() == Some("ntp_servers"))
        .collect();
    assert_eq!(ntp.len(), 2, "{f:?}");
    assert_eq!(ntp[0].file, "d.cfg");
    assert_eq!(ntp[0].related, ["e.cfg"]);
    assert!(
        ntp[0].message.ends_with(" (also odd: e.cfg)"),
        "{}",
        ntp[0].message
    );
    let alone = ntp[0].message_alone(jike_lint::Lang::En);
    assert_eq!(
        alone,
        "NTP servers: 10.9.9.9, where 3 of the 5 aggregation devices have 10.255.0.1"
    );
    let alone_zh = ntp[0].message_alone(jike_lint::Lang::Zh);
    assert!(
        !alone_zh.contains("e.cfg") && alone_zh.contains("10.255.0.1"),
        "{alone_zh}"
    );
    assert!(ntp[0].message_zh.contains("e.cfg"));
}
