//! The TOML file of `jike lint-config --config FILE`: rules switched off or re-graded, and the
//! site conventions the rules check against. Every key is optional; unknown keys are refused,
//! naming the key. See `examples/lint-config.toml`.
//!
//! ```toml
//! [rules]
//! CF4-acl-numbering = "off"          # off | error | warning | note
//! CF5-missing-description = "error"
//!
//! [site]
//! pppoe_username_pattern = '^[a-z0-9][a-z0-9._-]{2,31}@[a-z0-9][a-z0-9.-]{1,62}$'
//! acl_step = 5
//! ntp_servers = ["10.255.0.1", "10.255.0.2"]   # R-CF2 expected values: unset = majority
//! syslog_hosts = ["10.255.1.10"]
//! snmp_trap_hosts = ["10.255.1.20"]
//! aaa_servers = ["10.255.2.1", "10.255.2.2"]
//! timezone = "+08:00"
//!
//! [site.password]                    # R-CF7 initial PPPoE passwords
//! min_length = 8
//! min_classes = 3                    # of lower case, upper case, digits, others
//! ```

use std::collections::{BTreeMap, BTreeSet};
use std::net::IpAddr;

use regex::Regex;
use serde::Deserialize;

use crate::rules::{rule, RULES};
use crate::{LintError, Severity};

/// The default PPPoE user name pattern (R-CF7): lower-case letters, digits, `.`, `_`, `-`, 3 to
/// 32 characters, then `@` and the PPPoE domain.
pub const DEFAULT_PPPOE_PATTERN: &str = r"^[a-z0-9][a-z0-9._-]{2,31}@[a-z0-9][a-z0-9.-]{1,62}$";

/// Site conventions (`[site]`).
#[derive(Clone, Debug)]
pub struct Site {
    /// R-CF7: the pattern every PPPoE user name matches.
    pub pppoe_username: Regex,
    /// R-CF7: the rules of initial PPPoE passwords.
    pub password: PasswordPolicy,
    /// R-CF4: the step between ACL rule numbers the site asks for (default 5).
    pub acl_step: u32,
    /// R-CF2: expected values; `None` compares each device with the majority of the run.
    pub ntp_servers: Option<BTreeSet<String>>,
    pub syslog_hosts: Option<BTreeSet<String>>,
    pub snmp_trap_hosts: Option<BTreeSet<String>>,
    pub aaa_servers: Option<BTreeSet<String>>,
    /// R-CF2: the expected UTC offset, `+08:00`.
    pub timezone: Option<String>,
}

/// `[site.password]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PasswordPolicy {
    pub min_length: usize,
    /// Of the four classes: lower case, upper case, digits, other characters.
    pub min_classes: usize,
}

impl Default for PasswordPolicy {
    fn default() -> Self {
        PasswordPolicy {
            min_length: 8,
            min_classes: 3,
        }
    }
}

impl Default for Site {
    fn default() -> Self {
        Site {
            pppoe_username: Regex::new(DEFAULT_PPPOE_PATTERN)
                .expect("the default pattern compiles"),
            password: PasswordPolicy::default(),
            acl_step: 5,
            ntp_servers: None,
            syslog_hosts: None,
            snmp_trap_hosts: None,
            aaa_servers: None,
            timezone: None,
        }
    }
}

/// The whole configuration: what each rule's severity is (or that it is off), and the site.
#[derive(Clone, Debug)]
pub struct LintConfig {
    /// Indexed like [`RULES`]; `None` = off.
    severities: Vec<Option<Severity>>,
    pub site: Site,
}

impl Default for LintConfig {
    fn default() -> Self {
        LintConfig {
            severities: RULES.iter().map(|r| Some(r.severity)).collect(),
            site: Site::default(),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileRepr {
    #[serde(default)]
    rules: BTreeMap<String, String>,
    #[serde(default)]
    site: SiteRepr,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct SiteRepr {
    pppoe_username_pattern: Option<String>,
    acl_step: Option<u32>,
    ntp_servers: Option<Vec<String>>,
    syslog_hosts: Option<Vec<String>>,
    snmp_trap_hosts: Option<Vec<String>>,
    aaa_servers: Option<Vec<String>>,
    timezone: Option<String>,
    password: Option<PasswordRepr>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PasswordRepr {
    min_length: Option<usize>,
    min_classes: Option<usize>,
}

fn hosts(key: &str, list: Option<Vec<String>>) -> Result<Option<BTreeSet<String>>, LintError> {
    let Some(list) = list else { return Ok(None) };
    list.into_iter()
        .map(|h| {
            h.trim()
                .parse::<IpAddr>()
                .map(|ip| ip.to_string())
                .map_err(|_| LintError::Invalid {
                    key: format!("site.{key}"),
                    message: format!("`{h}` is not an IP address"),
                })
        })
        .collect::<Result<BTreeSet<_>, _>>()
        .map(Some)
}

impl LintConfig {
    /// Reads the TOML text of `--config`. Unknown keys, unknown rule ids, bad severities, bad
    /// patterns and addresses are errors naming the key.
    pub fn from_toml(text: &str) -> Result<LintConfig, LintError> {
        let repr: FileRepr = toml::from_str(text)
            .map_err(|e| LintError::Toml(e.to_string().trim_end().to_owned()))?;
        let mut cfg = LintConfig::default();
        for (id, value) in repr.rules {
            let idx = RULES
                .iter()
                .position(|r| r.id == id)
                .ok_or_else(|| LintError::UnknownRule(id.clone()))?;
            cfg.severities[idx] = match value.as_str() {
                "off" => None,
                v => Some(Severity::parse(v).ok_or(LintError::BadSeverity { rule: id, value })?),
            };
        }
        let s = repr.site;
        if let Some(p) = s.pppoe_username_pattern {
            cfg.site.pppoe_username = Regex::new(&p).map_err(|e| LintError::Invalid {
                key: "site.pppoe_username_pattern".into(),
                message: e.to_string(),
            })?;
        }
        if let Some(step) = s.acl_step {
            if step == 0 {
                return Err(LintError::Invalid {
                    key: "site.acl_step".into(),
                    message: "must be at least 1".into(),
                });
            }
            cfg.site.acl_step = step;
        }
        cfg.site.ntp_servers = hosts("ntp_servers", s.ntp_servers)?;
        cfg.site.syslog_hosts = hosts("syslog_hosts", s.syslog_hosts)?;
        cfg.site.snmp_trap_hosts = hosts("snmp_trap_hosts", s.snmp_trap_hosts)?;
        cfg.site.aaa_servers = hosts("aaa_servers", s.aaa_servers)?;
        if let Some(tz) = s.timezone {
            let b = tz.as_bytes();
            let ok = b.len() == 6
                && (b[0] == b'+' || b[0] == b'-')
                && b[1..3].iter().all(u8::is_ascii_digit)
                && b[3] == b':'
                && b[4..6].iter().all(u8::is_ascii_digit);
            if !ok {
                return Err(LintError::Invalid {
                    key: "site.timezone".into(),
                    message: format!("`{tz}`: expected a UTC offset like +08:00"),
                });
            }
            cfg.site.timezone = Some(tz);
        }
        if let Some(p) = s.password {
            if let Some(n) = p.min_length {
                cfg.site.password.min_length = n;
            }
            if let Some(n) = p.min_classes {
                if n > 4 {
                    return Err(LintError::Invalid {
                        key: "site.password.min_classes".into(),
                        message: "there are 4 classes (lower, upper, digits, others)".into(),
                    });
                }
                cfg.site.password.min_classes = n;
            }
        }
        Ok(cfg)
    }

    /// The severity of a rule under this configuration, `None` when it is off.
    pub fn severity(&self, id: &str) -> Option<Severity> {
        RULES
            .iter()
            .position(|r| r.id == id)
            .and_then(|i| self.severities[i])
    }

    pub fn enabled(&self, id: &str) -> bool {
        self.severity(id).is_some()
    }

    /// Switches a rule off (`None`) or re-grades it.
    pub fn set(&mut self, id: &str, severity: Option<Severity>) -> Result<(), LintError> {
        rule(id).ok_or_else(|| LintError::UnknownRule(id.to_owned()))?;
        let i = RULES.iter().position(|r| r.id == id).expect("known rule");
        self.severities[i] = severity;
        Ok(())
    }
}
