//! Findings and rationales in both languages: every message has a Chinese version, the English
//! outputs are what they were, the Chinese ones keep the JSON contract's fields and add
//! `message_zh`.

use jike_lint::{
    check_device, cross_check, lint_text, output, Finding, Lang, LintConfig, Report, Role,
    Severity, RULES,
};

const FILES: &[(&str, &str)] = &[
    ("huawei-agg.cfg", include_str!("data/huawei-agg.cfg")),
    ("h3c-access.cfg", include_str!("data/h3c-access.cfg")),
    ("cisco-agg.cfg", include_str!("data/cisco-agg.cfg")),
    ("broken-huawei.cfg", include_str!("data/broken-huawei.cfg")),
    ("broken-cisco.cfg", include_str!("data/broken-cisco.cfg")),
];

const CF2: &[(&str, &str)] = &[
    (
        "sz-ft-agg-01.cfg",
        include_str!("data/cf2/sz-ft-agg-01.cfg"),
    ),
    (
        "sz-ft-agg-02.cfg",
        include_str!("data/cf2/sz-ft-agg-02.cfg"),
    ),
    (
        "sz-ft-agg-03.cfg",
        include_str!("data/cf2/sz-ft-agg-03.cfg"),
    ),
    (
        "sz-ft-agg-04.cfg",
        include_str!("data/cf2/sz-ft-agg-04.cfg"),
    ),
];

fn chinese(s: &str) -> bool {
    s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

/// Every finding the test configurations give, with a configuration that turns every rule on
/// and asks for the site's values (so that R-CF2 and R-CF7 speak too).
fn all_findings() -> Vec<Finding> {
    let cfg = LintConfig::from_toml(
        "[site]\nntp_servers = [\"10.255.0.9\"]\ntimezone = \"+09:00\"\nacl_step = 10\n",
    )
    .expect("a valid configuration");
    let mut out = Vec::new();
    for role in [Role::Access, Role::Aggregation] {
        for (name, text) in FILES {
            out.extend(lint_text(name, text, None, role, &cfg));
        }
    }
    let devices: Vec<(&str, jike_lint::Globals)> = CF2
        .iter()
        .map(|(n, t)| (*n, check_device(t, None, Role::Aggregation, &cfg).globals))
        .collect();
    let named: Vec<(&str, &jike_lint::Globals)> = devices.iter().map(|(n, g)| (*n, g)).collect();
    out.extend(cross_check(&named, Role::Aggregation, &cfg));
    out.extend(cross_check(
        &named,
        Role::Aggregation,
        &LintConfig::default(),
    ));
    out
}

#[test]
fn every_finding_has_a_chinese_message() {
    let f = all_findings();
    let rules: std::collections::BTreeSet<&str> = f.iter().map(|x| x.rule).collect();
    // The test configurations exercise every rule of the catalogue.
    assert_eq!(rules.len(), RULES.len(), "{rules:?}");
    for x in &f {
        assert!(
            chinese(&x.message_zh),
            "{}:{} {}: {:?}",
            x.file,
            x.line,
            x.rule,
            x
        );
        assert_eq!(x.message_in(Lang::En), x.message);
        assert_eq!(x.message_in(Lang::Zh), x.message_zh);
    }
}

#[test]
fn every_rule_has_a_chinese_rationale() {
    for r in RULES {
        assert!(chinese(r.rationale_zh), "{}", r.id);
        assert_eq!(r.rationale_in(Lang::En), r.rationale);
    }
    let zh = output::rules_table_lang(
        |id| jike_lint::rules::rule(id).map(|r| r.severity),
        Lang::Zh,
    );
    assert!(zh.contains("CF5-missing-description") && zh.contains("描述"));
    assert_eq!(
        output::rules_table_lang(|_| Some(Severity::Note), Lang::En),
        output::rules_table(|_| Some(Severity::Note))
    );
}

fn report() -> Report {
    let cfg = LintConfig::default();
    let (name, text) = FILES[1];
    let mut r = Report {
        findings: lint_text(name, text, None, Role::Access, &cfg),
        files: 1,
    };
    r.sort();
    r
}

#[test]
fn text_output_in_both_languages() {
    let r = report();
    assert_eq!(output::text_lang(&r, Lang::En), output::text(&r));
    let zh = output::text_lang(&r, Lang::Zh);
    assert!(zh.contains("已检查 1 个文件："), "{zh}");
    for f in &r.findings {
        let line = format!(
            "{}:{}: {} {}",
            f.file,
            f.line,
            f.severity.name(Lang::Zh),
            f.rule
        );
        assert!(zh.contains(&line), "{line} in {zh}");
        assert!(zh.contains(&f.message_zh));
    }
    insta::assert_snapshot!("h3c_text_zh", zh);
}

#[test]
fn json_output_keeps_the_contract_and_adds_message_zh() {
    let r = report();
    assert_eq!(output::json_lang(&r, Lang::En), output::json(&r));
    let en: serde_json::Value = serde_json::from_str(&output::json(&r)).unwrap();
    let zh: serde_json::Value = serde_json::from_str(&output::json_lang(&r, Lang::Zh)).unwrap();
    assert_eq!(zh["files"], en["files"]);
    let (en, zh) = (
        en["findings"].as_array().unwrap(),
        zh["findings"].as_array().unwrap(),
    );
    assert_eq!(en.len(), zh.len());
    assert!(!en.is_empty());
    for (e, z) in en.iter().zip(zh) {
        let mut z = z.as_object().unwrap().clone();
        let m = z.remove("message_zh").expect("message_zh");
        assert!(chinese(m.as_str().unwrap()), "{m}");
        assert_eq!(
            &serde_json::Value::Object(z),
            e,
            "the contract's fields are unchanged"
        );
    }
}

#[test]
fn sarif_output_in_chinese() {
    let r = report();
    let sev = |id: &str| jike_lint::rules::rule(id).map(|x| x.severity);
    assert_eq!(
        output::sarif_lang(&r, sev, Lang::En),
        output::sarif(&r, sev)
    );
    let v: serde_json::Value =
        serde_json::from_str(&output::sarif_lang(&r, sev, Lang::Zh)).unwrap();
    let run = &v["runs"][0];
    for res in run["results"].as_array().unwrap() {
        assert!(chinese(res["message"]["text"].as_str().unwrap()));
    }
    for rule in run["tool"]["driver"]["rules"].as_array().unwrap() {
        assert!(chinese(rule["shortDescription"]["text"].as_str().unwrap()));
    }
}

#[test]
fn languages_parse() {
    assert_eq!(Lang::parse("zh"), Some(Lang::Zh));
    assert_eq!(Lang::parse("en"), Some(Lang::En));
    assert_eq!(Lang::parse("fr"), None);
    assert_eq!(Lang::default(), Lang::En);
    assert_eq!(Lang::Zh.as_str(), "zh");
}
