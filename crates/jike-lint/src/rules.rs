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
    /// The rationale in Chinese.
    pub rationale_zh: &'static str,
}

impl Rule {
    /// The rationale in a language.
    pub fn rationale_in(&self, lang: crate::Lang) -> &'static str {
        match lang {
            crate::Lang::En => self.rationale,
            crate::Lang::Zh => self.rationale_zh,
        }
    }
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
        rationale_zh: "语法和语义必须正确：位置错误的语句、错误的缩进或未结束的文本块都不是设备实际运行的配置。",
    },
    Rule {
        id: CF2_INCONSISTENT,
        severity: Severity::Warning,
        clause: "R-CF2",
        rationale: "Parameters that can be uniform must be: NTP servers, syslog hosts, SNMP trap hosts, time zone and AAA servers equal across devices of one role.",
        rationale_zh: "能统一的参数必须统一：同一角色的设备之间，NTP 服务器、日志服务器、SNMP Trap 主机、时区和 AAA 服务器应当一致。",
    },
    Rule {
        id: CF3_UNUSED_OBJECT,
        severity: Severity::Warning,
        clause: "R-CF3",
        rationale: "Configuration must be concise: an ACL, route policy, prefix list, VLAN or QoS object that nothing references is dead weight.",
        rationale_zh: "配置必须简洁：没有被任何地方引用的 ACL、路由策略、前缀列表、VLAN 或 QoS 对象是无用配置。",
    },
    Rule {
        id: CF3_TEST_LEFTOVER,
        severity: Severity::Warning,
        clause: "R-CF3",
        rationale: "Configuration used for tests must be removed: test/测试/tmp/temp names, debugging, loopback test modes.",
        rationale_zh: "测试用的配置必须删除：含 test/测试/tmp/temp 的名称、调试开关、环回测试模式。",
    },
    Rule {
        id: CF4_ACL_NUMBERING,
        severity: Severity::Note,
        clause: "R-CF4",
        rationale: "Configuration must be extensible: ACL rules numbered in steps of 1 leave no room to insert a rule.",
        rationale_zh: "配置必须可扩展：以 1 为步长编号的 ACL 规则之间无法插入新规则。",
    },
    Rule {
        id: CF5_MISSING_DESCRIPTION,
        severity: Severity::Warning,
        clause: "R-CF5",
        rationale: "Configuration must be readable: every interface in use carries a description.",
        rationale_zh: "配置必须可读：每个在用的接口都要有描述（description）。",
    },
    Rule {
        id: CF6_AAA_NOT_CENTRAL,
        severity: Severity::Error,
        clause: "R-CF6",
        rationale: "Aggregation devices and above must authenticate administrators through a central RADIUS or HWTACACS/TACACS+ server, not locally.",
        rationale_zh: "汇聚层及以上设备必须通过集中的 RADIUS 或 HWTACACS/TACACS+ 服务器认证管理员，而不是本地认证。",
    },
    Rule {
        id: CF7_PPPOE_USERNAME,
        severity: Severity::Warning,
        clause: "R-CF7",
        rationale: "PPPoE user names must follow the site's naming convention.",
        rationale_zh: "PPPoE 用户名必须符合本地的命名规范。",
    },
    Rule {
        id: CF7_PPPOE_PASSWORD,
        severity: Severity::Error,
        clause: "R-CF7",
        rationale: "Initial PPPoE passwords must follow the password rules and never be stored in plain text.",
        rationale_zh: "PPPoE 初始密码必须符合密码规则，且不得以明文存储。",
    },
    Rule {
        id: SEC_PLAINTEXT_PASSWORD,
        severity: Severity::Error,
        clause: "security",
        rationale: "A password or key stored in plain text (password simple, password 0, enable password) is readable by anyone who sees the configuration.",
        rationale_zh: "以明文存储的密码或密钥（password simple、password 0、enable password）任何能看到配置的人都能读到。",
    },
    Rule {
        id: SEC_SNMP_DEFAULT_COMMUNITY,
        severity: Severity::Error,
        clause: "security",
        rationale: "SNMP community public or private, or SNMPv1/v2c write access, hands the device to anyone on the management network.",
        rationale_zh: "SNMP 团体名为 public 或 private，或 SNMPv1/v2c 写权限，等于把设备交给管理网络上的任何人。",
    },
];

/// The rule of an id.
pub fn rule(id: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.id == id)
}
