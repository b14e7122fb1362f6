//! R-CF2 across devices: global parameters that should be uniform across the devices of one role
//! (NTP servers, syslog hosts, SNMP trap hosts, time zone, AAA servers).
//!
//! Each parameter of each device is compared with a reference: the site's expected value when the
//! configuration file sets one (`[site] ntp_servers = […]`), else the majority value of the run.
//! A majority needs at least three devices and more than half of them agreeing; without one, the
//! parameter is not judged (nothing says which device is the odd one).

use foldhash::{HashMap, HashMapExt};

use crate::check::{Globals, Param};
use crate::config::LintConfig;
use crate::rules::CF2_INCONSISTENT;
use crate::Finding;

/// Findings of `CF2-inconsistent` for the devices `(file, globals)` of one role.
pub fn cross_check(
    devices: &[(&str, &Globals)],
    role: crate::Role,
    cfg: &LintConfig,
) -> Vec<Finding> {
    let Some(severity) = cfg.severity(CF2_INCONSISTENT) else {
        return Vec::new();
    };
    let role_zh = match role {
        crate::Role::Access => "接入层",
        crate::Role::Aggregation => "汇聚层",
        crate::Role::Core => "核心层",
    };
    let role = match role {
        crate::Role::Access => "access",
        crate::Role::Aggregation => "aggregation",
        crate::Role::Core => "core",
    };
    let site = &cfg.site;
    let expected: [Option<Vec<String>>; 5] = [
        site.ntp_servers
            .as_ref()
            .map(|s| s.iter().cloned().collect()),
        site.syslog_hosts
            .as_ref()
            .map(|s| s.iter().cloned().collect()),
        site.snmp_trap_hosts
            .as_ref()
            .map(|s| s.iter().cloned().collect()),
        site.timezone.as_ref().map(|t| vec![t.clone()]),
        site.aaa_servers
            .as_ref()
            .map(|s| s.iter().cloned().collect()),
    ];
    let mut out = Vec::new();
    for (k, expect) in expected.iter().enumerate() {
        let param = |g: &'_ Globals| -> (&'static str, &'static str, Param) {
            let (name, key, p) = g.params()[k];
            (name, key, p.clone())
        };
        let (reference, why, why_zh): (Vec<String>, String, String) = match expect {
            Some(v) => (
                v.clone(),
                "the site expects".to_owned(),
                "本地规定为".to_owned(),
            ),
            None => {
                if devices.len() < 3 {
                    continue;
                }
                let mut counts: HashMap<&[String], usize> = HashMap::new();
                for (_, g) in devices {
                    *counts.entry(g.params()[k].2.values.as_slice()).or_default() += 1;
                }
                let mut best: Vec<(&[String], usize)> = counts.into_iter().collect();
                best.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
                let (value, n) = best[0];
                if n * 2 <= devices.len() || best.len() == 1 {
                    continue;
                }
                (
                    value.to_vec(),
                    format!("{n} of the {} {role} devices have", devices.len()),
                    format!("{} 台{}设备中有 {n} 台为", devices.len(), role_zh),
                )
            }
        };
        let odd: Vec<&str> = devices
            .iter()
            .filter(|(_, g)| g.params()[k].2.values != reference)
            .map(|(f, _)| *f)
            .collect();
        if odd.is_empty() {
            continue;
        }
        let shown = if reference.is_empty() {
            "none".to_owned()
        } else {
            reference.join(", ")
        };
        for (file, g) in devices {
            let (name, key, p) = param(g);
            if p.values == reference {
                continue;
            }
            let related: Vec<String> = odd
                .iter()
                .filter(|f| *f != file)
                .map(|f| (*f).to_owned())
                .collect();
            let others = also_odd(&related, crate::Lang::En);
            let others_zh = also_odd(&related, crate::Lang::Zh);
            let shown_zh = if reference.is_empty() {
                "无".to_owned()
            } else {
                shown.clone()
            };
            let value_zh = if p.values.is_empty() {
                "无".to_owned()
            } else {
                p.display()
            };
            out.push(Finding {
                file: (*file).to_owned(),
                line: p.line.unwrap_or(1),
                rule: CF2_INCONSISTENT,
                severity,
                message: format!("{name}: {}, where {why} {shown}{others}", p.display()),
                object: Some(key.to_owned()),
                message_zh: format!(
                    "{}：{value_zh}，而{why_zh} {shown_zh}{others_zh}",
                    param_zh(key)
                ),
                related,
            });
        }
    }
    out
}

/// The end of an R-CF2 message naming the other devices that differ too (at most five, then
/// `…`); empty when there is none.
pub fn also_odd(others: &[String], lang: crate::Lang) -> String {
    if others.is_empty() {
        return String::new();
    }
    let mut names: Vec<&str> = others.iter().map(String::as_str).take(5).collect();
    if others.len() > names.len() {
        names.push("…");
    }
    match lang {
        crate::Lang::En => format!(" (also odd: {})", names.join(", ")),
        crate::Lang::Zh => format!("（同样不一致：{}）", names.join(", ")),
    }
}

/// The Chinese name of a parameter of R-CF2, by its key in `[site]`.
fn param_zh(key: &str) -> &'static str {
    match key {
        "ntp_servers" => "NTP 服务器",
        "syslog_hosts" => "日志服务器",
        "snmp_trap_hosts" => "SNMP Trap 主机",
        "timezone" => "时区",
        "aaa_servers" => "AAA 服务器",
        _ => "参数",
    }
}
