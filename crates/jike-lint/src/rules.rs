//! The rule catalogue: id, default severity, the clause of §9 it implements and a one-line
//! rationale (`jike lint-config --rules`, SARIF `tool.driver.rules`).

use crate::Severity;

/// One rule of the catalogue.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rule {
    /// Stable id: findings, `[rules]` keys of the TOML file, SARIF `ruleId`.
    pub id: &'static str,
    pub severity: Severity,
    /// The rule of `domain.md` §9 (R-CF1..R-CF7), or `security` for the two SEC rules.
    pub clause: &'static str,
    pub rationale: &'static str,
}

pub const CF1_SYNTAX: &str = "CF1-syntax";
pub const CF2_INCONSISTENT: &str = "CF2-inconsistent";
pub const CF3_UNUSED_OBJECT: &str = "CF3-unused-object";
pub const CF3_TEST_LEFTOVER: &str = "CF3-test-leftover";
pub const CF4_ACL_NUMBERING: &str = "CF4-acl-numbering";
pub const CF5_MISSING_DESCRIPTION: &str = "CF5-missing-description";
pub const CF6_AAA_NOT_CENTRAL: &str = "CF6-aaa-not-central";
pub const CF7_PPPOE_USERNAME: &str = "CF7-pppoe-username";
pub const CF7_PPPOE_PASSWORD: &str = "CF7-pppoe-password";
pub const SEC_PLAINTEXT_PASSWORD: &str = "SEC-plaintext-password";
pub const SEC_SNMP_DEFAULT_COMMUNITY: &str = "SEC-snmp-default-community";

/// Every rule, in the order `--rules` lists them.
pub const RULES: &[Rule] = &[
    Rule {
        id: CF1_SYNTAX,
        severity: Severity::Error,
        clause: "R-CF1",
        rationale: "Syntax and semantics must be correct: a statement out of place, a bad indentation or an unterminated block is not what the device runs.",
    },
    Rule {
        id: CF2_INCONSISTENT,
        severity: Severity::Warning,
        clause: "R-CF2",
        rationale: "Parameters that can be uniform must be: NTP servers, syslog hosts, SNMP trap hosts, time zone and AAA servers equal across devices of one role.",
    },
    Rule {
        id: CF3_UNUSED_OBJECT,
        severity: Severity::Warning,
        clause: "R-CF3",
        rationale: "Configuration must be concise: an ACL, route policy, prefix list, VLAN or QoS object that nothing references is dead weight.",
    },
    Rule {
        id: CF3_TEST_LEFTOVER,
        severity: Severity::Warning,
        clause: "R-CF3",
        rationale: "Configuration used for tests must be removed: test/测试/tmp/temp names, debugging, loopback test modes.",
    },
    Rule {
        id: CF4_ACL_NUMBERING,
        severity: Severity::Note,
        clause: "R-CF4",
        rationale: "Configuration must be extensible: ACL rules numbered in steps of 1 leave no room to insert a rule.",
    },
    Rule {
        id: CF5_MISSING_DESCRIPTION,
        severity: Severity::Warning,
        clause: "R-CF5",
        rationale: "Configuration must be readable: every interface in use carries a description.",
    },
    Rule {
        id: CF6_AAA_NOT_CENTRAL,
        severity: Severity::Error,
        clause: "R-CF6",
        rationale: "Aggregation devices and above must authenticate administrators through a central RADIUS or HWTACACS/TACACS+ server, not locally.",
    },
    Rule {
        id: CF7_PPPOE_USERNAME,
        severity: Severity::Warning,
        clause: "R-CF7",
        rationale: "PPPoE user names must follow the site's naming convention.",
    },
    Rule {
        id: CF7_PPPOE_PASSWORD,
        severity: Severity::Error,
        clause: "R-CF7",
        rationale: "Initial PPPoE passwords must follow the password rules and never be stored in plain text.",
    },
    Rule {
        id: SEC_PLAINTEXT_PASSWORD,
        severity: Severity::Error,
        clause: "security",
        rationale: "A password or key stored in plain text (password simple, password 0, enable password) is readable by anyone who sees the configuration.",
    },
    Rule {
        id: SEC_SNMP_DEFAULT_COMMUNITY,
        severity: Severity::Error,
        clause: "security",
        rationale: "SNMP community public or private, or SNMPv1/v2c write access, hands the device to anyone on the management network.",
    },
];

/// The rule of an id.
pub fn rule(id: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.id == id)
}
