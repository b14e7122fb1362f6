//! The per-device rules (R-CF1, R-CF3..R-CF7, SEC) and the global parameters of R-CF2.

use std::net::IpAddr;

use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};

use crate::config::{LintConfig, PasswordPolicy};
use crate::parse::{clip, parse, Parsed, Vendor};
use crate::rules::*;
use crate::{Finding, Role};

/// One global parameter of R-CF2: its canonical value (sorted addresses, or one offset) and the
/// line of its first statement (`None` when the device does not set it).
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Param {
    pub values: Vec<String>,
    pub line: Option<u32>,
}

impl Param {
    fn add(&mut self, value: String, line: u32) {
        if self.line.is_none() {
            self.line = Some(line);
        }
        if !self.values.contains(&value) {
            self.values.push(value);
        }
    }

    /// `10.0.0.1, 10.0.0.2` or `none`.
    pub fn display(&self) -> String {
        if self.values.is_empty() {
            "none".to_owned()
        } else {
            self.values.join(", ")
        }
    }
}

/// The parameters R-CF2 wants uniform across devices of one role. Serialisable: the service
/// keeps each element's with its newest configuration, to compare the fleet at every upload.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct Globals {
    /// `ntp-service unicast-server` / `ntp server`.
    pub ntp_servers: Param,
    /// `info-center loghost` / `logging host`.
    pub syslog_hosts: Param,
    /// `snmp-agent target-host trap` / `snmp-server host`.
    pub snmp_trap_hosts: Param,
    /// `clock timezone`, as a UTC offset `+08:00`.
    pub timezone: Param,
    /// Addresses of the HWTACACS / TACACS+ / RADIUS authentication servers.
    pub aaa_servers: Param,
}

impl Globals {
    /// `(name, key in [site], value)` of each parameter.
    pub fn params(&self) -> [(&'static str, &'static str, &Param); 5] {
        [
            ("NTP servers", "ntp_servers", &self.ntp_servers),
            ("syslog hosts", "syslog_hosts", &self.syslog_hosts),
            ("SNMP trap hosts", "snmp_trap_hosts", &self.snmp_trap_hosts),
            ("time zone", "timezone", &self.timezone),
            ("AAA servers", "aaa_servers", &self.aaa_servers),
        ]
    }

    fn finish(&mut self) {
        for p in [
            &mut self.ntp_servers,
            &mut self.syslog_hosts,
            &mut self.snmp_trap_hosts,
            &mut self.timezone,
            &mut self.aaa_servers,
        ] {
            p.values.sort();
        }
    }
}

/// What the per-device rules found on one configuration, with what R-CF2 compares.
#[derive(Clone, Debug)]
pub struct Device {
    pub vendor: Vendor,
    /// Lines of the text.
    pub lines: u32,
    /// Findings with an empty `file`.
    pub findings: Vec<Finding>,
    pub globals: Globals,
}

impl Device {
    /// The findings, named after the file.
    pub fn into_findings(self, file: &str) -> Vec<Finding> {
        let mut f = self.findings;
        for x in &mut f {
            x.file = file.to_owned();
        }
        f
    }
}

/// Parses a configuration (`vendor` `None` detects it) and runs every enabled per-device rule.
pub fn check_device(text: &str, vendor: Option<Vendor>, role: Role, cfg: &LintConfig) -> Device {
    let p = parse(text, vendor);
    let mut cx = Cx {
        p: &p,
        cfg,
        out: Vec::new(),
        toks: Vec::with_capacity(32),
        skip_plain: HashSet::new(),
    };
    cx.syntax();
    cx.pppoe();
    let mut globals = Globals::default();
    cx.lines(&mut globals);
    cx.interfaces();
    cx.acl_numbering();
    if matches!(role, Role::Aggregation | Role::Core) {
        cx.aaa();
    }
    cx.unused();
    globals.finish();
    let mut findings = cx.out;
    findings.sort_by_key(|f| f.line);
    Device {
        vendor: p.vendor,
        lines: p.lines,
        findings,
        globals,
    }
}

struct Cx<'p, 'a> {
    p: &'p Parsed<'a>,
    cfg: &'p LintConfig,
    out: Vec<Finding>,
    toks: Vec<&'a str>,
    /// Lines whose plain-text password `CF7-pppoe-password` reports (not repeated by SEC).
    skip_plain: HashSet<u32>,
}

fn eq(a: &str, b: &str) -> bool {
    a.eq_ignore_ascii_case(b)
}

/// The words of a statement.
fn words(s: &str) -> impl Iterator<Item = &str> {
    s.split_ascii_whitespace()
}

fn word(s: &str, n: usize) -> &str {
    words(s).nth(n).unwrap_or("")
}

fn ip(s: &str) -> Option<String> {
    s.parse::<IpAddr>().ok().map(|a| a.to_string())
}

/// The first IP address among the words.
fn first_ip<'a>(mut w: impl Iterator<Item = &'a str>) -> Option<String> {
    w.find_map(ip)
}

/// Encrypted forms a value may be stored in (Huawei `%^%#…%^%#`, `%$%$…`, Comware `$c$…`,
/// `$h$…`).
fn looks_encrypted(v: &str) -> bool {
    v.starts_with("%^%#")
        || v.starts_with("%$%$")
        || v.starts_with("$c$")
        || v.starts_with("$h$")
        || v.starts_with("%@%@")
}

/// A word that says "this was for testing": one that starts with `test` or `tmp`, or is `temp`;
/// or 测试, 临时. ASCII words are cut at non-letters and at lower→upper case changes: `to-test`,
/// `TEST01`, `testuser`, `TestLine`, `tmpacl`, `temp2` are, `latest`, `contest`, `template` are
/// not.
pub fn test_word(s: &str) -> Option<&'static str> {
    if !s.is_ascii() {
        if s.contains("测试") {
            return Some("测试");
        }
        if s.contains("临时") {
            return Some("临时");
        }
    }
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if !b[i].is_ascii_alphabetic() {
            i += 1;
            continue;
        }
        let start = i;
        i += 1;
        while i < b.len()
            && b[i].is_ascii_alphabetic()
            && !(b[i].is_ascii_uppercase() && b[i - 1].is_ascii_lowercase())
        {
            i += 1;
        }
        let w = &s.as_bytes()[start..i];
        let starts =
            |p: &str| w.len() >= p.len() && w[..p.len()].eq_ignore_ascii_case(p.as_bytes());
        if starts("test") {
            return Some("test");
        }
        if starts("tmp") {
            return Some("tmp");
        }
        if w.eq_ignore_ascii_case(b"temp") {
            return Some("temp");
        }
    }
    None
}

/// Kinds of objects that R-CF3 wants referenced.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Kind {
    Acl,
    RoutePolicy,
    Prefix,
    TrafficPolicy,
    Classifier,
    Behavior,
    PolicyMap,
    ClassMap,
}

impl Kind {
    fn noun_zh(self) -> &'static str {
        match self {
            Kind::Acl => "ACL",
            Kind::RoutePolicy => "路由策略",
            Kind::Prefix => "前缀列表",
            Kind::TrafficPolicy => "QoS 策略",
            Kind::Classifier => "流分类",
            Kind::Behavior => "流行为",
            Kind::PolicyMap => "policy-map",
            Kind::ClassMap => "class-map",
        }
    }

    fn noun(self) -> &'static str {
        match self {
            Kind::Acl => "ACL",
            Kind::RoutePolicy => "route policy",
            Kind::Prefix => "prefix list",
            Kind::TrafficPolicy => "QoS policy",
            Kind::Classifier => "traffic classifier",
            Kind::Behavior => "traffic behavior",
            Kind::PolicyMap => "policy-map",
            Kind::ClassMap => "class-map",
        }
    }
}

struct Def<'a> {
    kind: Kind,
    name: &'a str,
    line: u32,
    object: &'a str,
}

/// Numbers of a VLAN list: `10 20 30 to 40` (VRP, Comware), `10,20,30-40` (IOS), `all`. Stops at
/// the first word that is not part of a list. Calls `f` for each range.
fn vlan_list<'a>(
    w: &mut std::iter::Peekable<impl Iterator<Item = &'a str>>,
    mut f: impl FnMut(u16, u16),
) {
    let num = |s: &str| s.parse::<u16>().ok().filter(|n| (1..=4094).contains(n));
    let mut last: Option<u16> = None;
    while let Some(&t) = w.peek() {
        if t == "all" {
            f(1, 4094);
            w.next();
            return;
        }
        if t == "to" {
            w.next();
            let Some(hi) = w.peek().and_then(|s| num(s)) else {
                return;
            };
            w.next();
            if let Some(lo) = last {
                if lo <= hi {
                    f(lo, hi);
                }
            }
            last = None;
            continue;
        }
        if t == "add" || t == "except" {
            w.next();
            continue;
        }
        if !t.as_bytes().first().is_some_and(u8::is_ascii_digit) {
            return;
        }
        let mut any = false;
        for part in t.split(',') {
            if let Some((a, b)) = part.split_once('-') {
                if let (Some(a), Some(b)) = (num(a), num(b)) {
                    if a <= b {
                        f(a, b);
                        any = true;
                    }
                }
            } else if let Some(n) = num(part) {
                f(n, n);
                last = Some(n);
                any = true;
            }
        }
        w.next();
        if !any {
            return;
        }
    }
}

/// `ranges` of VLAN numbers as text: `30, 40 to 45`.
fn vlan_ranges(ids: &[u16]) -> String {
    let mut out = String::new();
    let mut i = 0;
    while i < ids.len() {
        let mut j = i;
        while j + 1 < ids.len() && ids[j + 1] == ids[j] + 1 {
            j += 1;
        }
        if !out.is_empty() {
            out.push_str(", ");
        }
        if j > i {
            out.push_str(&format!("{} to {}", ids[i], ids[j]));
        } else {
            out.push_str(&ids[i].to_string());
        }
        i = j + 1;
    }
    out
}

/// Problems of an initial PPPoE password under the site's policy.
fn password_problems(user: &str, pw: &str, policy: PasswordPolicy) -> Vec<(String, String)> {
    let mut p = Vec::new();
    let n = pw.chars().count();
    if n < policy.min_length {
        p.push((
            format!("shorter than {} characters", policy.min_length),
            format!("短于 {} 个字符", policy.min_length),
        ));
    }
    let classes = [
        pw.chars().any(|c| c.is_ascii_lowercase()),
        pw.chars().any(|c| c.is_ascii_uppercase()),
        pw.chars().any(|c| c.is_ascii_digit()),
        pw.chars().any(|c| !c.is_ascii_alphanumeric()),
    ]
    .iter()
    .filter(|&&x| x)
    .count();
    if classes < policy.min_classes {
        p.push((
            format!(
                "{classes} of the {} character classes required",
                policy.min_classes
            ),
            format!("只含 {classes} 类字符，要求 {} 类", policy.min_classes),
        ));
    }
    let local = user.split('@').next().unwrap_or(user);
    if local.len() >= 3
        && pw
            .to_ascii_lowercase()
            .contains(&local.to_ascii_lowercase())
    {
        p.push(("contains the user name".to_owned(), "包含用户名".to_owned()));
    }
    p
}

impl<'p, 'a> Cx<'p, 'a> {
    /// Records a finding with its English and Chinese messages.
    fn emit(
        &mut self,
        rule: &'static str,
        line: u32,
        object: Option<String>,
        message: String,
        message_zh: String,
    ) {
        if let Some(severity) = self.cfg.severity(rule) {
            self.out.push(Finding {
                file: String::new(),
                line,
                rule,
                severity,
                message,
                object,
                message_zh,
                related: Vec::new(),
            });
        }
    }

    fn on(&self, rule: &str) -> bool {
        self.cfg.enabled(rule)
    }

    /// The statement that `i` belongs to, as the finding's object.
    fn object(&self, i: usize) -> Option<String> {
        let r = self.p.root_of(i);
        Some(clip(self.p.nodes[r].text).to_owned())
    }

    fn text(&self, i: usize) -> &'a str {
        self.p.nodes[i].text
    }

    fn cisco(&self) -> bool {
        self.p.vendor == Vendor::Cisco
    }

    // ---------------------------------------------------------------- R-CF1

    fn syntax(&mut self) {
        if !self.on(CF1_SYNTAX) {
            return;
        }
        let issues = self.p.issues.clone();
        for is in issues {
            self.emit(CF1_SYNTAX, is.line, None, is.message, is.message_zh);
        }
        const SECTION_ONLY: &[&str] = &[
            "description",
            "shutdown",
            "rule",
            "if-match",
            "permit",
            "deny",
            "remark",
            "switchport",
            "authentication-mode",
        ];
        const TOP_ONLY: &[&str] = &[
            "sysname",
            "hostname",
            "user-interface",
            "snmp-agent",
            "snmp-server",
            "info-center",
            "ntp-service",
            "return",
        ];
        for i in 0..self.p.nodes.len() {
            let n = self.p.nodes[i];
            let kw = n.keyword();
            match n.parent {
                None => {
                    let ip_addr = kw == "ip" && word(n.text, 1) == "address";
                    if SECTION_ONLY.contains(&kw) || ip_addr {
                        self.emit(
                            CF1_SYNTAX,
                            n.line,
                            None,
                            format!("`{}` belongs in a section (interface, ACL, policy) but stands at the top level", clip(n.text)),
                            format!("`{}` 应在配置段（接口、ACL、策略）中，却位于顶层", clip(n.text)),
                        );
                    }
                }
                Some(parent) => {
                    let parent = parent as usize;
                    // VRP and Comware configure NTP broadcast / multicast modes, and switch NTP
                    // off, in the interface view (`ntp-service broadcast-server`,
                    // `ntp-service in-interface disable`).
                    let interface_ntp = kw == "ntp-service"
                        && !self.cisco()
                        && self.p.nodes[parent].keyword() == "interface";
                    // R-CF1: `hostname` is also a routing-protocol command: VRP's OSPF view
                    // (`hostname` advertises the device name, printed under the DCN `ospf 65534`
                    // of every NE40E) and IOS's `router isis` (`hostname dynamic`).
                    let routing_hostname = kw == "hostname"
                        && matches!(self.p.nodes[parent].keyword(), "ospf" | "isis" | "router");
                    if TOP_ONLY.contains(&kw) && !interface_ntp && !routing_hostname {
                        self.emit(
                            CF1_SYNTAX,
                            n.line,
                            self.object(parent),
                            format!(
                                "`{kw}` is a global command but stands inside `{}`",
                                clip(self.text(parent))
                            ),
                            format!(
                                "`{kw}` 是全局命令，却位于 `{}` 之中",
                                clip(self.text(parent))
                            ),
                        );
                        continue;
                    }
                    if let Some((section, known)) = self.section_vocabulary(parent) {
                        let numbered = kw.as_bytes().first().is_some_and(u8::is_ascii_digit);
                        if !(known.contains(&kw) || (numbered && self.cisco() && section == "ACL"))
                        {
                            self.emit(
                                CF1_SYNTAX,
                                n.line,
                                self.object(parent),
                                format!("`{kw}` is not a command of {section} sections"),
                                format!("`{kw}` 不是 {section} 配置段的命令"),
                            );
                        }
                    }
                }
            }
        }
    }

    /// The sub-commands of the sections whose grammar is small and known: ACLs, route policies.
    fn section_vocabulary(&self, i: usize) -> Option<(&'static str, &'static [&'static str])> {
        let n = &self.p.nodes[i];
        if n.parent.is_some() {
            return None;
        }
        let kw = n.keyword();
        match (self.p.vendor, kw) {
            (Vendor::Huawei | Vendor::H3c, "acl") => {
                Some(("ACL", &["rule", "description", "step", "undo"]))
            }
            (Vendor::Huawei | Vendor::H3c, "route-policy") => Some((
                "route-policy",
                &[
                    "if-match",
                    "apply",
                    "description",
                    "goto",
                    "continue",
                    "undo",
                ],
            )),
            (Vendor::Cisco, "ip" | "ipv6") if word(n.text, 1) == "access-list" => Some((
                "ACL",
                &[
                    "permit",
                    "deny",
                    "remark",
                    "evaluate",
                    "dynamic",
                    "no",
                    "statistics",
                    "sequence",
                ],
            )),
            (Vendor::Cisco, "route-map") => Some((
                "route-map",
                &["match", "set", "description", "continue", "no"],
            )),
            _ => None,
        }
    }

    // ---------------------------------------------------------------- R-CF7

    /// PPPoE user names and initial passwords: VRP `local-user U service-type ppp` and
    /// `local-user U password …` in `aaa`; Comware `local-user U class network` with
    /// ` service-type ppp` and ` password …`; dialers on all three (`ppp chap user`,
    /// `ppp chap hostname`, `ppp chap password`, `ppp pap local-user … password`,
    /// `ppp pap sent-username … password`); IOS `username` without privilege on a PPPoE server
    /// (`bba-group pppoe`).
    fn pppoe(&mut self) {
        let (names, pw) = (self.on(CF7_PPPOE_USERNAME), self.on(CF7_PPPOE_PASSWORD));
        if !names && !pw {
            return;
        }
        // (line, user) of each name; (line, user, plaintext value or None) of each password.
        let mut users: Vec<(u32, &'a str, usize)> = Vec::new();
        let mut passwords: Vec<(u32, &'a str, Option<&'a str>, usize)> = Vec::new();
        let p = self.p;
        let vendor = p.vendor;
        let pppoe_server = self.cisco()
            && p.nodes
                .iter()
                .any(|n| n.text.starts_with("bba-group pppoe") || n.text == "protocol pppoe");
        for t in p.top() {
            let n = p.nodes[t];
            let kw = n.keyword();
            match (vendor, kw) {
                (Vendor::Huawei, "aaa") => {
                    let mut ppp: HashMap<&str, ()> = HashMap::new();
                    let mut first: HashMap<&str, usize> = HashMap::new();
                    for c in p.children(t) {
                        let w: Vec<&str> = words(p.nodes[c].text).collect();
                        if w.len() >= 2 && w[0] == "local-user" {
                            first.entry(w[1]).or_insert(c);
                        }
                        if w.len() >= 4
                            && w[0] == "local-user"
                            && w[2] == "service-type"
                            && w[3..].contains(&"ppp")
                        {
                            ppp.insert(w[1], ());
                            let at = first.get(w[1]).copied().unwrap_or(c);
                            users.push((p.nodes[at].line, w[1], at));
                        }
                    }
                    for c in p.children(t) {
                        let w: Vec<&str> = words(p.nodes[c].text).collect();
                        if w.len() >= 5
                            && w[0] == "local-user"
                            && w[2] == "password"
                            && ppp.contains_key(w[1])
                        {
                            let plain = (w[3] == "simple").then_some(w[4]);
                            passwords.push((p.nodes[c].line, w[1], plain, c));
                        }
                    }
                }
                (Vendor::H3c, "local-user") => {
                    let Some(user) = words(n.text).nth(1) else {
                        continue;
                    };
                    let is_ppp = p.children(t).any(|c| {
                        let w: Vec<&str> = words(p.nodes[c].text).collect();
                        w.first() == Some(&"service-type") && w.contains(&"ppp")
                    });
                    if !is_ppp {
                        continue;
                    }
                    users.push((n.line, user, t));
                    for c in p.children(t) {
                        let w: Vec<&str> = words(p.nodes[c].text).collect();
                        if w.len() >= 3 && w[0] == "password" {
                            let plain = (w[1] == "simple").then_some(w[2]);
                            passwords.push((p.nodes[c].line, user, plain, c));
                        }
                    }
                }
                (Vendor::Cisco, "username") if pppoe_server => {
                    let w: Vec<&str> = words(n.text).collect();
                    if w.contains(&"privilege") || w.len() < 2 {
                        continue;
                    }
                    users.push((n.line, w[1], t));
                    if let Some(k) = w.iter().position(|&x| x == "password" || x == "secret") {
                        let plain = if w[k] == "secret" {
                            None
                        } else {
                            match w.get(k + 1) {
                                Some(&"0") => w.get(k + 2).copied(),
                                Some(&"7") | None => None,
                                Some(v) => Some(*v),
                            }
                        };
                        passwords.push((n.line, w[1], plain, t));
                    }
                }
                (_, "interface") => {
                    let mut chap_user: Option<&str> = None;
                    for c in p.children(t) {
                        if p.nodes[c].keyword() != "ppp" {
                            continue;
                        }
                        let w: Vec<&str> = words(p.nodes[c].text).collect();
                        let line = p.nodes[c].line;
                        if w.len() < 3 {
                            continue;
                        }
                        match (w[1], w[2]) {
                            ("chap", "user") | ("chap", "hostname") if w.len() >= 4 => {
                                chap_user = Some(w[3]);
                                users.push((line, w[3], c));
                            }
                            ("chap", "password") if w.len() >= 4 => {
                                let plain = match (vendor, w[3]) {
                                    (Vendor::Cisco, "0") => w.get(4).copied(),
                                    (Vendor::Cisco, "7") => None,
                                    (Vendor::Cisco, v) if w.len() == 4 => Some(v),
                                    (_, "simple") => w.get(4).copied(),
                                    _ => None,
                                };
                                passwords.push((line, chap_user.unwrap_or(""), plain, c));
                            }
                            ("pap", "local-user") | ("pap", "sent-username") if w.len() >= 4 => {
                                users.push((line, w[3], c));
                                if w.get(4) == Some(&"password") {
                                    let plain = match (vendor, w.get(5).copied()) {
                                        (Vendor::Cisco, Some("0")) => w.get(6).copied(),
                                        (Vendor::Cisco, Some("7")) => None,
                                        (Vendor::Cisco, Some(v)) if w.len() == 6 => Some(v),
                                        (_, Some("simple")) => w.get(6).copied(),
                                        _ => None,
                                    };
                                    passwords.push((line, w[3], plain, c));
                                }
                            }
                            _ => {}
                        }
                    }
                }
                _ => {}
            }
        }
        if names {
            let mut seen = HashSet::new();
            for (line, user, i) in users {
                if !seen.insert((user, line)) {
                    continue;
                }
                if !self.cfg.site.pppoe_username.is_match(user) {
                    let pattern = self.cfg.site.pppoe_username.as_str();
                    let msg = format!(
                        "PPPoE user name `{user}` does not follow the naming convention `{pattern}`"
                    );
                    let zh = format!("PPPoE 用户名 `{user}` 不符合命名规范 `{pattern}`");
                    self.emit(CF7_PPPOE_USERNAME, line, self.object(i), msg, zh);
                }
            }
        }
        if pw {
            for (line, user, plain, i) in passwords {
                let Some(value) = plain else { continue };
                if looks_encrypted(value) {
                    continue;
                }
                let mut problems = vec![("stored in plain text".to_owned(), "明文存储".to_owned())];
                problems.extend(password_problems(user, value, self.cfg.site.password));
                self.skip_plain.insert(line);
                let (who, who_zh) = if user.is_empty() {
                    (String::new(), String::new())
                } else {
                    (format!(" of `{user}`"), format!(" `{user}` 的"))
                };
                let en: Vec<&str> = problems.iter().map(|p| p.0.as_str()).collect();
                let zh: Vec<&str> = problems.iter().map(|p| p.1.as_str()).collect();
                self.emit(
                    CF7_PPPOE_PASSWORD,
                    line,
                    self.object(i),
                    format!(
                        "PPPoE password{who} breaks the password rules: {}",
                        en.join("; ")
                    ),
                    format!("PPPoE{who_zh}密码违反密码规则：{}", zh.join("；")),
                );
            }
        }
    }

    // ---------------------------------------------------------------- line-by-line rules

    /// One pass over every statement: plain-text passwords, SNMP communities, test leftovers,
    /// misplaced global commands, and the global parameters of R-CF2.
    fn lines(&mut self, g: &mut Globals) {
        let plain = self.on(SEC_PLAINTEXT_PASSWORD);
        let snmp = self.on(SEC_SNMP_DEFAULT_COMMUNITY);
        let test = self.on(CF3_TEST_LEFTOVER);
        let p = self.p;
        let vendor = p.vendor;
        let mut toks = std::mem::take(&mut self.toks);
        let mut named: HashSet<(&str, &str)> = HashSet::new();
        for i in 0..p.nodes.len() {
            let n = p.nodes[i];
            toks.clear();
            toks.extend(words(n.text));
            let w = &toks[..];
            let w0 = w[0];
            let w1 = w.get(1).copied().unwrap_or("");
            // SEC-plaintext-password
            if plain && !self.skip_plain.contains(&n.line) {
                if let Some(what) =
                    plaintext(vendor, n.parent.map(|q| p.nodes[q as usize].keyword()), w)
                {
                    self.emit(
                        SEC_PLAINTEXT_PASSWORD,
                        n.line,
                        self.object(i),
                        format!("{what} stored in plain text"),
                        format!("{}以明文存储", plaintext_zh(what)),
                    );
                }
            }
            // SEC-snmp-default-community
            if snmp && (w0 == "snmp-agent" || w0 == "snmp-server") && w1 == "community" {
                let mut reasons: Vec<(String, String)> = Vec::new();
                let (name, write) = if w0 == "snmp-agent" {
                    let write = w.get(2) == Some(&"write");
                    let mut k = 3;
                    if matches!(w.get(3), Some(&"simple") | Some(&"cipher")) {
                        k = 4;
                    }
                    let name = if w.get(3) == Some(&"cipher") {
                        None
                    } else {
                        w.get(k).copied()
                    };
                    (name, write)
                } else {
                    (w.get(2).copied(), w.iter().any(|x| eq(x, "RW")))
                };
                if let Some(name) = name.filter(|n| eq(n, "public") || eq(n, "private")) {
                    reasons.push((
                        format!("the default community `{name}`"),
                        format!("默认团体名 `{name}`"),
                    ));
                }
                if write {
                    reasons.push((
                        "SNMPv1/v2c write access (use SNMPv3 for writes)".to_owned(),
                        "SNMPv1/v2c 写权限（写操作应使用 SNMPv3）".to_owned(),
                    ));
                }
                if !reasons.is_empty() {
                    self.emit(
                        SEC_SNMP_DEFAULT_COMMUNITY,
                        n.line,
                        None,
                        format!(
                            "SNMP community with {}",
                            reasons
                                .iter()
                                .map(|r| r.0.as_str())
                                .collect::<Vec<_>>()
                                .join(" and ")
                        ),
                        format!(
                            "SNMP 团体使用了{}",
                            reasons
                                .iter()
                                .map(|r| r.1.as_str())
                                .collect::<Vec<_>>()
                                .join("，以及")
                        ),
                    );
                }
            }
            // CF3-test-leftover
            if test {
                if let Some(k) = w.iter().position(|&x| x == "description" || x == "remark") {
                    // What follows the word, up to the end of the statement.
                    let rest =
                        &n.text[w[k].as_ptr() as usize - n.text.as_ptr() as usize + w[k].len()..];
                    if let Some(t) = test_word(rest) {
                        self.emit(
                            CF3_TEST_LEFTOVER,
                            n.line,
                            self.object(i),
                            format!("description mentions `{t}`: test configuration left behind?"),
                            format!("描述中含有 `{t}`：是否遗留了测试配置？"),
                        );
                    }
                } else if n.parent.is_some() && w0 == "name" && w.len() >= 2 {
                    if let Some(t) = test_word(w1) {
                        self.emit(
                            CF3_TEST_LEFTOVER,
                            n.line,
                            self.object(i),
                            format!("name `{w1}` mentions `{t}`"),
                            format!("名称 `{w1}` 中含有 `{t}`"),
                        );
                    }
                } else if let Some(name) = test_named(vendor, n.parent.is_none(), w) {
                    if let Some(t) = test_word(name).filter(|_| named.insert((w0, name))) {
                        // What is named: `ip vrf`, `ip vpn-instance`, `traffic policy`, not `ip`.
                        let kind = if matches!(w0, "ip" | "vrf" | "traffic" | "qos") {
                            &n.text[..w1.as_ptr() as usize - n.text.as_ptr() as usize + w1.len()]
                        } else {
                            w0
                        };
                        self.emit(
                            CF3_TEST_LEFTOVER,
                            n.line,
                            self.object(i),
                            format!(
                                "`{kind}` is named `{name}` (`{t}`): test configuration left behind?"
                            ),
                            format!("`{kind}` 名为 `{name}`（`{t}`）：是否遗留了测试配置？"),
                        );
                    }
                }
                let debugging = w0 == "debugging"
                    || w0 == "debug"
                    || (w0 == "terminal" && w1 == "debugging")
                    || (w0 == "logging"
                        && matches!(w1, "console" | "monitor")
                        && w.get(2) == Some(&"debugging"))
                    || (w0 == "info-center" && w.windows(3).any(|x| x == ["debug", "state", "on"]));
                if debugging {
                    self.emit(
                        CF3_TEST_LEFTOVER,
                        n.line,
                        None,
                        format!("`{}` enables debugging output", clip(n.text)),
                        format!("`{}` 开启了调试输出", clip(n.text)),
                    );
                }
                if w0 == "loopback" {
                    if let Some(q) = n.parent {
                        if p.nodes[q as usize].keyword() == "interface" {
                            self.emit(
                                CF3_TEST_LEFTOVER,
                                n.line,
                                self.object(i),
                                format!(
                                    "`{}` puts the interface in a loopback test mode",
                                    clip(n.text)
                                ),
                                format!("`{}` 使接口处于环回测试模式", clip(n.text)),
                            );
                        }
                    }
                }
            }
            // R-CF2 global parameters.
            let line = n.line;
            match (w0, w1) {
                ("ntp-service", "unicast-server") | ("ntp", "server") => {
                    if let Some(a) = first_ip(w[2..].iter().copied()) {
                        g.ntp_servers.add(a, line);
                    }
                }
                ("info-center", "loghost") | ("logging", "host") => {
                    if let Some(a) = first_ip(w[2..].iter().copied()) {
                        g.syslog_hosts.add(a, line);
                    }
                }
                ("logging", x) if vendor == Vendor::Cisco && n.parent.is_none() => {
                    if let Some(a) = ip(x) {
                        g.syslog_hosts.add(a, line);
                    }
                }
                ("snmp-agent", "target-host")
                    if w.contains(&"trap") || w.contains(&"trap-hostname") =>
                {
                    if let Some(a) = first_ip(w[2..].iter().copied()) {
                        g.snmp_trap_hosts.add(a, line);
                    }
                }
                ("snmp-server", "host") => {
                    if let Some(a) = first_ip(w[2..].iter().copied()) {
                        g.snmp_trap_hosts.add(a, line);
                    }
                }
                ("clock", "timezone") if n.parent.is_none() => {
                    if let Some(tz) = timezone(vendor, w) {
                        g.timezone.add(tz, line);
                    }
                }
                ("hwtacacs" | "radius", "server") if w.get(2) == Some(&"authentication") => {
                    if let Some(a) = first_ip(w[3..].iter().copied()) {
                        g.aaa_servers.add(a, line);
                    }
                }
                ("hwtacacs-server" | "radius-server", "authentication")
                | ("primary" | "secondary", "authentication") => {
                    if let Some(a) = first_ip(w[2..].iter().copied()) {
                        g.aaa_servers.add(a, line);
                    }
                }
                ("tacacs-server" | "radius-server", "host") => {
                    if let Some(a) = first_ip(w[2..].iter().copied()) {
                        g.aaa_servers.add(a, line);
                    }
                }
                ("address", "ipv4" | "ipv6") if n.parent.is_some() => {
                    let parent = p.nodes[n.parent.unwrap_or(0) as usize].text;
                    if parent.starts_with("tacacs server") || parent.starts_with("radius server") {
                        if let Some(a) = first_ip(w[2..].iter().copied()) {
                            g.aaa_servers.add(a, line);
                        }
                    }
                }
                _ => {}
            }
        }
        self.toks = toks;
    }

    // ---------------------------------------------------------------- R-CF5

    /// Interfaces in use that are not shut down and carry no description.
    fn interfaces(&mut self) {
        if !self.on(CF5_MISSING_DESCRIPTION) {
            return;
        }
        let p = self.p;
        for t in p.top() {
            let n = p.nodes[t];
            if n.keyword() != "interface" {
                continue;
            }
            let name = word(n.text, 1);
            let starts = |p: &str| {
                name.len() >= p.len()
                    && name.as_bytes()[..p.len()].eq_ignore_ascii_case(p.as_bytes())
            };
            if ["null", "inloopback", "console", "aux", "nve"]
                .iter()
                .any(|x| starts(x))
            {
                continue;
            }
            let logical = name.contains('.')
                || [
                    "vlanif",
                    "vlan",
                    "loopback",
                    "eth-trunk",
                    "port-channel",
                    "bridge-aggregation",
                    "route-aggregation",
                    "dialer",
                    "tunnel",
                    "virtual-template",
                    "bdif",
                    "vbdif",
                ]
                .iter()
                .any(|x| starts(x));
            let (mut shut, mut described, mut in_use) = (false, false, logical);
            for c in p.children(t) {
                let text = p.nodes[c].text;
                match p.nodes[c].keyword() {
                    "shutdown" => shut = true,
                    "description" => described = true,
                    "no" | "undo" | "negotiation" | "duplex" | "speed" | "media-type" | "mdix"
                    | "combo-port" | "port"
                        if !is_config(text) => {}
                    _ => in_use = true,
                }
            }
            if !shut && !described && in_use {
                self.emit(
                    CF5_MISSING_DESCRIPTION,
                    n.line,
                    Some(clip(n.text).to_owned()),
                    format!("interface {name} is up and in use but has no description"),
                    format!("接口 {name} 已启用且在使用中，但没有描述（description）"),
                );
            }
        }
    }

    // ---------------------------------------------------------------- R-CF4

    /// ACL rules numbered in steps of 1, or an explicit `step` below the site's.
    fn acl_numbering(&mut self) {
        if !self.on(CF4_ACL_NUMBERING) {
            return;
        }
        let p = self.p;
        let want = self.cfg.site.acl_step;
        for t in p.top() {
            let n = p.nodes[t];
            let is_acl = match p.vendor {
                Vendor::Cisco => {
                    (n.keyword() == "ip" || n.keyword() == "ipv6")
                        && word(n.text, 1) == "access-list"
                }
                _ => n.keyword() == "acl",
            };
            if !is_acl {
                continue;
            }
            let mut prev: Option<u64> = None;
            let mut first: Option<(u32, u64, u64)> = None;
            let mut tight = 0;
            for c in p.children(t) {
                let cn = p.nodes[c];
                let num = if p.vendor == Vendor::Cisco {
                    let w0 = cn.keyword();
                    w0.parse::<u64>().ok().or_else(|| {
                        let w: Vec<&str> = words(cn.text).collect();
                        w.iter()
                            .position(|&x| x == "sequence")
                            .and_then(|k| w.get(k + 1))
                            .and_then(|s| s.parse().ok())
                    })
                } else if cn.keyword() == "rule" {
                    word(cn.text, 1).parse::<u64>().ok()
                } else {
                    if cn.keyword() == "step" {
                        if let Ok(s) = word(cn.text, 1).parse::<u32>() {
                            if s < want {
                                let msg =
                                    format!("ACL step {s} is below the site's step of {want}");
                                let zh = format!("ACL 步长 {s} 小于本地规定的步长 {want}");
                                self.emit(
                                    CF4_ACL_NUMBERING,
                                    cn.line,
                                    Some(clip(n.text).to_owned()),
                                    msg,
                                    zh,
                                );
                            }
                        }
                    }
                    None
                };
                let Some(num) = num else { continue };
                if let Some(pr) = prev {
                    if num == pr + 1 {
                        tight += 1;
                        if first.is_none() {
                            first = Some((cn.line, pr, num));
                        }
                    }
                }
                prev = Some(num);
            }
            if want > 1 {
                if let Some((line, a, b)) = first {
                    let (more, more_zh) = if tight > 1 {
                        (
                            format!(" ({tight} such pairs)"),
                            format!("（共 {tight} 处）"),
                        )
                    } else {
                        (String::new(), String::new())
                    };
                    self.emit(
                        CF4_ACL_NUMBERING,
                        line,
                        Some(clip(n.text).to_owned()),
                        format!("ACL rules {a} and {b} leave no room to insert a rule{more}; number them in steps of {want}"),
                        format!("ACL 规则 {a} 与 {b} 之间无法再插入规则{more_zh}；应以 {want} 为步长编号"),
                    );
                }
            }
        }
    }

    // ---------------------------------------------------------------- R-CF6

    fn aaa(&mut self) {
        if !self.on(CF6_AAA_NOT_CENTRAL) {
            return;
        }
        match self.p.vendor {
            Vendor::Huawei => self.aaa_huawei(),
            Vendor::H3c => self.aaa_h3c(),
            Vendor::Cisco => self.aaa_cisco(),
        }
    }

    /// Vty lines that log in with a password or nothing (VRP `authentication-mode password`,
    /// Comware the same); returns whether any vty exists.
    fn vty_modes(&mut self, aaa_word: &str) -> bool {
        let p = self.p;
        let mut any = false;
        for t in p.top() {
            let n = p.nodes[t];
            if !((n.keyword() == "user-interface" || n.keyword() == "line")
                && word(n.text, 1) == "vty")
            {
                continue;
            }
            any = true;
            for c in p.children(t) {
                let cn = p.nodes[c];
                if cn.keyword() == "authentication-mode" {
                    let m = word(cn.text, 1);
                    if m != aaa_word {
                        self.emit(
                            CF6_AAA_NOT_CENTRAL,
                            cn.line,
                            Some(clip(n.text).to_owned()),
                            format!("remote logins use `authentication-mode {m}`: not AAA through a central server"),
                            format!("远程登录使用 `authentication-mode {m}`：未通过集中服务器进行 AAA 认证"),
                        );
                    }
                }
            }
        }
        any
    }

    fn aaa_huawei(&mut self) {
        self.vty_modes("aaa");
        let p = self.p;
        let mut templates: HashSet<(&str, &str)> = HashSet::new();
        let mut aaa_line = None;
        let mut admin = "default_admin";
        // scheme → (line of the scheme, line and modes of its authentication-mode)
        let mut schemes: HashMap<&str, Scheme> = HashMap::new();
        // domain → (line, scheme, hwtacacs template, radius template)
        let mut domains: HashMap<&str, Domain> = HashMap::new();
        for t in p.top() {
            let n = p.nodes[t];
            let w: Vec<&str> = words(n.text).collect();
            match (w[0], w.get(1).copied(), w.get(2).copied()) {
                ("hwtacacs-server", Some("template"), Some(name)) => {
                    templates.insert(("hwtacacs", name));
                }
                ("radius-server", Some("template"), Some(name)) => {
                    templates.insert(("radius", name));
                }
                // VRP8 (CloudEngine) spells them `hwtacacs server template ht`,
                // `radius server group rd`.
                ("hwtacacs", Some("server"), Some("template")) => {
                    if let Some(name) = w.get(3) {
                        templates.insert(("hwtacacs", name));
                    }
                }
                ("radius", Some("server"), Some("template" | "group")) => {
                    if let Some(name) = w.get(3) {
                        templates.insert(("radius", name));
                    }
                }
                ("domain", Some(d), Some("admin")) => admin = d,
                ("aaa", None, _) => {
                    aaa_line = Some(n.line);
                    for c in p.children(t) {
                        let cn = p.nodes[c];
                        let name = word(cn.text, 1);
                        match cn.keyword() {
                            // VRP8: `default-domain admin huawei` inside `aaa`.
                            "default-domain" if word(cn.text, 1) == "admin" => {
                                let d = word(cn.text, 2);
                                if !d.is_empty() {
                                    admin = d;
                                }
                            }
                            "authentication-scheme" => {
                                let mode = p
                                    .children(c)
                                    .find(|&g| p.nodes[g].keyword() == "authentication-mode")
                                    .map(|g| {
                                        (
                                            p.nodes[g].line,
                                            words(p.nodes[g].text).skip(1).collect::<Vec<_>>(),
                                        )
                                    });
                                schemes.insert(name, (cn.line, mode));
                            }
                            "domain" => {
                                let mut d = (cn.line, None, None, None);
                                for g in p.children(c) {
                                    let gw: Vec<&str> = words(p.nodes[g].text).collect();
                                    match gw.as_slice() {
                                        ["authentication-scheme", s, ..] => d.1 = Some(*s),
                                        ["hwtacacs-server", s, ..] => d.2 = Some(*s),
                                        ["radius-server", s, ..] => d.3 = Some(*s),
                                        ["hwtacacs", "server", s, ..] => d.2 = Some(*s),
                                        ["radius", "server", "group", s, ..]
                                        | ["radius", "server", s, ..] => d.3 = Some(*s),
                                        _ => {}
                                    }
                                }
                                domains.insert(name, d);
                            }
                            _ => {}
                        }
                    }
                }
                _ => {}
            }
        }
        let domain = domains.get(admin).copied();
        let scheme = domain.and_then(|d| d.1).unwrap_or("default");
        let (scheme_line, mode) = schemes.get(scheme).cloned().unwrap_or((0, None));
        let modes = mode.as_ref().map_or(vec!["local"], |m| m.1.clone());
        let line = mode
            .as_ref()
            .map(|m| m.0)
            .filter(|&l| l > 0)
            .or((scheme_line > 0).then_some(scheme_line))
            .or(domain.map(|d| d.0))
            .or(aaa_line)
            .unwrap_or(1);
        let object = Some(if aaa_line.is_some() {
            "aaa".to_owned()
        } else {
            clip(self.p.nodes.first().map_or("", |n| n.text)).to_owned()
        });
        let first = modes.first().copied().unwrap_or("local");
        if first != "hwtacacs" && first != "radius" {
            self.emit(
                CF6_AAA_NOT_CENTRAL,
                line,
                object,
                format!(
                    "administrators (domain {admin}, authentication-scheme {scheme}) authenticate with `authentication-mode {}`: local, not a central HWTACACS/RADIUS server",
                    modes.join(" ")
                ),
                format!(
                    "管理员（域 {admin}，认证方案 {scheme}）使用 `authentication-mode {}` 认证：本地认证，而非集中的 HWTACACS/RADIUS 服务器",
                    modes.join(" ")
                ),
            );
            return;
        }
        let bound = match first {
            "hwtacacs" => domain.and_then(|d| d.2),
            _ => domain.and_then(|d| d.3),
        };
        let problem = match bound {
            None => Some((
                format!("domain {admin} binds no {first} server template"),
                format!("域 {admin} 未绑定 {first} 服务器模板"),
            )),
            Some(tpl) if !templates.contains(&(first, tpl)) => Some((
                format!("domain {admin} binds {first} template {tpl}, which is not configured"),
                format!("域 {admin} 绑定的 {first} 模板 {tpl} 未配置"),
            )),
            Some(_) => None,
        };
        if let Some((problem, problem_zh)) = problem {
            let line = domain.map_or(line, |d| d.0);
            self.emit(
                CF6_AAA_NOT_CENTRAL,
                line,
                object,
                format!("authentication-scheme {scheme} asks {first} first but {problem}: logins fall back to local"),
                format!("认证方案 {scheme} 首选 {first}，但{problem_zh}：登录将退回本地认证"),
            );
        }
    }

    fn aaa_h3c(&mut self) {
        self.vty_modes("scheme");
        let p = self.p;
        let mut default_domain = "system";
        let mut schemes: HashSet<(&str, &str)> = HashSet::new();
        let mut domains: HashMap<&str, usize> = HashMap::new();
        for t in p.top() {
            let w: Vec<&str> = words(p.nodes[t].text).collect();
            match w.as_slice() {
                ["domain", "default", "enable", d, ..] => default_domain = d,
                ["domain", d] => {
                    domains.insert(d, t);
                }
                ["hwtacacs", "scheme", s, ..] => {
                    schemes.insert(("hwtacacs-scheme", s));
                }
                ["radius", "scheme", s, ..] => {
                    schemes.insert(("radius-scheme", s));
                }
                _ => {}
            }
        }
        let Some(&d) = domains.get(default_domain) else {
            self.emit(
                CF6_AAA_NOT_CENTRAL,
                p.nodes.first().map_or(1, |n| n.line),
                None,
                format!("no `domain {default_domain}` with `authentication login`: administrators authenticate locally"),
                format!("没有带 `authentication login` 的 `domain {default_domain}`：管理员在本地认证"),
            );
            return;
        };
        let dn = p.nodes[d];
        let mut methods: Option<(u32, Vec<&str>)> = None;
        for c in p.children(d) {
            let w: Vec<&str> = words(p.nodes[c].text).collect();
            match w.as_slice() {
                ["authentication", "login", rest @ ..] => {
                    methods = Some((p.nodes[c].line, rest.to_vec()))
                }
                ["authentication", "default", rest @ ..] if methods.is_none() => {
                    methods = Some((p.nodes[c].line, rest.to_vec()))
                }
                _ => {}
            }
        }
        let object = Some(clip(dn.text).to_owned());
        let Some((line, m)) = methods else {
            self.emit(
                CF6_AAA_NOT_CENTRAL,
                dn.line,
                object,
                format!("domain {default_domain} has no `authentication login`: administrators authenticate locally"),
                format!("域 {default_domain} 没有 `authentication login`：管理员在本地认证"),
            );
            return;
        };
        match m.as_slice() {
            [kind @ ("hwtacacs-scheme" | "radius-scheme"), s, ..] => {
                if !schemes.contains(&(*kind, *s)) {
                    self.emit(
                        CF6_AAA_NOT_CENTRAL,
                        line,
                        object,
                        format!("`authentication login {kind} {s}` names a scheme that is not configured: logins fall back to local"),
                        format!("`authentication login {kind} {s}` 引用的方案未配置：登录将退回本地认证"),
                    );
                }
            }
            _ => self.emit(
                CF6_AAA_NOT_CENTRAL,
                line,
                object,
                format!("domain {default_domain} authenticates logins with `{}`: local, not a central HWTACACS/RADIUS scheme", m.join(" ")),
                format!("域 {default_domain} 使用 `{}` 认证登录：本地认证，而非集中的 HWTACACS/RADIUS 方案", m.join(" ")),
            ),
        }
    }

    fn aaa_cisco(&mut self) {
        let p = self.p;
        let mut new_model = false;
        let mut lists: HashMap<&str, (u32, Vec<&str>)> = HashMap::new();
        let (mut tacacs, mut radius) = (false, false);
        let mut groups: HashSet<&str> = HashSet::new();
        let mut vtys = Vec::new();
        for t in p.top() {
            let n = p.nodes[t];
            let w: Vec<&str> = words(n.text).collect();
            match w.as_slice() {
                ["aaa", "new-model"] => new_model = true,
                ["aaa", "authentication", "login", name, rest @ ..] => {
                    lists.insert(name, (n.line, rest.to_vec()));
                }
                ["aaa", "group", "server", _, g, ..] => {
                    groups.insert(g);
                }
                ["tacacs", "server", ..] | ["tacacs-server", "host", ..] => tacacs = true,
                ["radius", "server", ..] | ["radius-server", "host", ..] => radius = true,
                ["line", "vty", ..] => vtys.push(t),
                _ => {}
            }
        }
        let mut reported = HashSet::new();
        if !new_model {
            let mut any = false;
            for &t in &vtys {
                let vty = p.nodes[t];
                let login = p.children(t).find(|&c| p.nodes[c].keyword() == "login");
                let (line, how, how_zh) = match login {
                    Some(c) if word(p.nodes[c].text, 1) == "local" => {
                        (p.nodes[c].line, "the local user database", "本地用户数据库")
                    }
                    Some(c) => (p.nodes[c].line, "the line password", "线路密码"),
                    None => (vty.line, "no authentication", "不认证"),
                };
                any = true;
                self.emit(
                    CF6_AAA_NOT_CENTRAL,
                    line,
                    Some(clip(vty.text).to_owned()),
                    format!("no `aaa new-model`: vty logins use {how}, not a central TACACS+/RADIUS server"),
                    format!("未配置 `aaa new-model`：vty 登录使用{how_zh}，而非集中的 TACACS+/RADIUS 服务器"),
                );
            }
            if !any {
                self.emit(
                    CF6_AAA_NOT_CENTRAL,
                    p.nodes.first().map_or(1, |n| n.line),
                    None,
                    "no `aaa new-model`: logins are not authenticated through a central TACACS+/RADIUS server".to_owned(),
                    "未配置 `aaa new-model`：登录未通过集中的 TACACS+/RADIUS 服务器认证".to_owned(),
                );
            }
            return;
        }
        let mut uses = vec![];
        for &t in &vtys {
            let list = p
                .children(t)
                .find_map(|c| {
                    let w: Vec<&str> = words(p.nodes[c].text).collect();
                    (w.len() >= 3 && w[0] == "login" && w[1] == "authentication").then(|| w[2])
                })
                .unwrap_or("default");
            uses.push((t, list));
        }
        if uses.is_empty() {
            uses.push((usize::MAX, "default"));
        }
        for (t, list) in uses {
            let object = (t != usize::MAX).then(|| clip(p.nodes[t].text).to_owned());
            let Some((line, methods)) = lists.get(list).cloned() else {
                let line = if t == usize::MAX {
                    p.nodes.first().map_or(1, |n| n.line)
                } else {
                    p.nodes[t].line
                };
                if reported.insert(line) {
                    self.emit(
                        CF6_AAA_NOT_CENTRAL,
                        line,
                        object,
                        format!("login list `{list}` is not defined (`aaa authentication login {list} …`): logins use the local user database"),
                        format!("登录列表 `{list}` 未定义（`aaa authentication login {list} …`）：登录使用本地用户数据库"),
                    );
                }
                continue;
            };
            let problem = match methods.as_slice() {
                ["group", "tacacs+", ..] if !tacacs => Some((
                    "`group tacacs+` but no TACACS+ server is configured".to_owned(),
                    "`group tacacs+`，但未配置 TACACS+ 服务器".to_owned(),
                )),
                ["group", "radius", ..] if !radius => Some((
                    "`group radius` but no RADIUS server is configured".to_owned(),
                    "`group radius`，但未配置 RADIUS 服务器".to_owned(),
                )),
                ["group", "tacacs+" | "radius", ..] => None,
                ["group", g, ..] if !groups.contains(g) => Some((
                    format!("`group {g}` names no `aaa group server`"),
                    format!("`group {g}`，但没有对应的 `aaa group server`"),
                )),
                ["group", ..] => None,
                m => Some((
                    format!(
                        "`{}` first: local, not a central TACACS+/RADIUS server",
                        m.join(" ")
                    ),
                    format!(
                        "首选 `{}`：本地认证，而非集中的 TACACS+/RADIUS 服务器",
                        m.join(" ")
                    ),
                )),
            };
            if let Some((problem, problem_zh)) = problem {
                if reported.insert(line) {
                    self.emit(
                        CF6_AAA_NOT_CENTRAL,
                        line,
                        Some(format!("aaa authentication login {list}")),
                        format!("login list `{list}` authenticates with {problem}"),
                        format!("登录列表 `{list}` 的认证方式为 {problem_zh}"),
                    );
                }
            }
        }
    }

    // ---------------------------------------------------------------- R-CF3 unused objects

    fn unused(&mut self) {
        if !self.on(CF3_UNUSED_OBJECT) {
            return;
        }
        let p = self.p;
        let vendor = p.vendor;
        let mut defs: Vec<Def<'a>> = Vec::new();
        let mut index: HashMap<(Kind, &'a str), usize> = HashMap::new();
        let mut acl_names: HashSet<&'a str> = HashSet::new();
        let mut is_def = vec![false; p.nodes.len()];
        // VLANs: (number, line, from a batch line)
        let mut vlans: Vec<(u16, u32, usize)> = Vec::new();
        let mut vlan_block: HashSet<u16> = HashSet::new();
        fn define<'a>(
            (defs, index): (&mut Vec<Def<'a>>, &mut HashMap<(Kind, &'a str), usize>),
            kind: Kind,
            name: &'a str,
            line: u32,
            object: &'a str,
        ) {
            if name.is_empty() {
                return;
            }
            index.entry((kind, name)).or_insert_with(|| {
                defs.push(Def {
                    kind,
                    name,
                    line,
                    object,
                });
                defs.len() - 1
            });
        }
        let mut toks = std::mem::take(&mut self.toks);
        for t in p.top() {
            let n = p.nodes[t];
            toks.clear();
            toks.extend(words(n.text));
            let w = &toks[..];
            let obj = n.text;
            let mut def = true;
            match (vendor, w) {
                (Vendor::Huawei | Vendor::H3c, ["acl", rest @ ..]) => {
                    let rest: Vec<&str> = rest
                        .iter()
                        .copied()
                        .filter(|x| {
                            !matches!(
                                *x,
                                "ipv6" | "number" | "advanced" | "basic" | "mac" | "advance"
                            )
                        })
                        .collect();
                    let mut k = 0;
                    let mut first = true;
                    while k < rest.len() {
                        let x = rest[k];
                        if x == "name" {
                            if let Some(nm) = rest.get(k + 1) {
                                define((&mut defs, &mut index), Kind::Acl, nm, n.line, obj);
                                acl_names.insert(nm);
                                let idx = index[&(Kind::Acl, *nm)];
                                // A number after the name is the same ACL.
                                if let Some(num) =
                                    rest.get(k + 2).filter(|s| s.parse::<u32>().is_ok())
                                {
                                    index.entry((Kind::Acl, num)).or_insert(idx);
                                    acl_names.insert(num);
                                }
                            }
                            break;
                        }
                        if first && x.parse::<u32>().is_ok() {
                            define((&mut defs, &mut index), Kind::Acl, x, n.line, obj);
                            acl_names.insert(x);
                            if rest.get(k + 1) == Some(&"name") {
                                if let Some(nm) = rest.get(k + 2) {
                                    let idx = index[&(Kind::Acl, x)];
                                    index.entry((Kind::Acl, nm)).or_insert(idx);
                                    acl_names.insert(nm);
                                }
                            }
                            break;
                        }
                        first = false;
                        k += 1;
                    }
                }
                (Vendor::Cisco, ["ip" | "ipv6" | "mac", "access-list", rest @ ..]) => {
                    let name = rest.iter().copied().find(|x| {
                        !matches!(
                            *x,
                            "extended" | "standard" | "role-based" | "resequence" | "log-update"
                        )
                    });
                    if let Some(name) = name {
                        define((&mut defs, &mut index), Kind::Acl, name, n.line, obj);
                        acl_names.insert(name);
                    }
                }
                (Vendor::Cisco, ["access-list", name, ..]) => {
                    define((&mut defs, &mut index), Kind::Acl, name, n.line, obj);
                    acl_names.insert(name);
                }
                (_, ["route-policy", name, ..]) => define(
                    (&mut defs, &mut index),
                    Kind::RoutePolicy,
                    name,
                    n.line,
                    obj,
                ),
                (Vendor::Cisco, ["route-map", name, ..]) => define(
                    (&mut defs, &mut index),
                    Kind::RoutePolicy,
                    name,
                    n.line,
                    obj,
                ),
                (_, ["ip" | "ipv6", "ip-prefix" | "ipv6-prefix" | "prefix-list", name, ..]) => {
                    define((&mut defs, &mut index), Kind::Prefix, name, n.line, obj)
                }
                (Vendor::Huawei | Vendor::H3c, ["traffic", "classifier", name, ..]) => {
                    define((&mut defs, &mut index), Kind::Classifier, name, n.line, obj)
                }
                (Vendor::Huawei | Vendor::H3c, ["traffic", "behavior", name, ..]) => {
                    define((&mut defs, &mut index), Kind::Behavior, name, n.line, obj)
                }
                (Vendor::Huawei, ["traffic", "policy", name, ..]) => define(
                    (&mut defs, &mut index),
                    Kind::TrafficPolicy,
                    name,
                    n.line,
                    obj,
                ),
                (Vendor::H3c, ["qos", "policy", name, ..]) => define(
                    (&mut defs, &mut index),
                    Kind::TrafficPolicy,
                    name,
                    n.line,
                    obj,
                ),
                (Vendor::Cisco, ["class-map", .., name]) => {
                    define((&mut defs, &mut index), Kind::ClassMap, name, n.line, obj)
                }
                (Vendor::Cisco, ["policy-map", .., name]) => {
                    define((&mut defs, &mut index), Kind::PolicyMap, name, n.line, obj)
                }
                (_, ["vlan", "batch", ..]) => {
                    let mut it = w[2..].iter().copied().peekable();
                    vlan_list(&mut it, |a, b| {
                        for v in a..=b {
                            vlans.push((v, n.line, t));
                        }
                    });
                }
                (_, ["vlan", first, ..]) if first.as_bytes()[0].is_ascii_digit() => {
                    let mut it = w[1..].iter().copied().peekable();
                    let single = w.len() == 2 && first.parse::<u16>().is_ok();
                    vlan_list(&mut it, |a, b| {
                        for v in a..=b {
                            vlans.push((v, n.line, t));
                            if single {
                                vlan_block.insert(v);
                            }
                        }
                    });
                }
                _ => def = false,
            }
            if def {
                is_def[t] = true;
            }
        }
        let mut used = vec![false; defs.len()];
        let mut vlan_used = vec![false; 4096];
        let mark = |used: &mut Vec<bool>, kind: Kind, name: &str| {
            if let Some(&i) = index.get(&(kind, name)) {
                used[i] = true;
            }
        };
        for i in 0..p.nodes.len() {
            let n = p.nodes[i];
            let root = p.root_of(i);
            let own = is_def[root];
            toks.clear();
            toks.extend(words(n.text));
            let w = &toks[..];
            if n.parent.is_none() && n.keyword() == "interface" {
                let name = word(n.text, 1);
                for pre in ["Vlanif", "Vlan-interface", "Vlan", "vlan", "vlanif"] {
                    if let Some(num) = name.strip_prefix(pre).and_then(|s| s.parse::<usize>().ok())
                    {
                        if num < 4096 {
                            vlan_used[num] = true;
                        }
                        break;
                    }
                }
            }
            if is_def[i] && n.parent.is_none() {
                continue;
            }
            let mut acl_ctx = false;
            let mut k = 0;
            while k < w.len() {
                let x = w[k];
                let next = w.get(k + 1).copied().unwrap_or("");
                let lower_trigger = matches!(
                    x,
                    "acl"
                        | "packet-filter"
                        | "traffic-filter"
                        | "access-group"
                        | "access-class"
                        // IOS CBAC: `ip inspect name N http java-list 11` (R-CF3).
                        | "java-list"
                        | "address"
                        | "list"
                        | "distribute-list"
                        | "outbound"
                        | "filter-policy"
                        | "access"
                        | "RO"
                        | "RW"
                        | "ro"
                        | "rw"
                        | "if-match"
                );
                if acl_ctx && acl_names.contains(x) {
                    mark(&mut used, Kind::Acl, x);
                }
                if lower_trigger {
                    acl_ctx = true;
                }
                match x {
                    "route-policy" | "route-map" if !own || n.parent.is_some() => {
                        mark(&mut used, Kind::RoutePolicy, next)
                    }
                    "ip-prefix" | "ipv6-prefix" | "prefix-list" | "prefix" => {
                        mark(&mut used, Kind::Prefix, next)
                    }
                    "traffic-policy" => mark(&mut used, Kind::TrafficPolicy, next),
                    "policy" if k > 0 && w[k - 1] == "apply" => {
                        mark(&mut used, Kind::TrafficPolicy, next)
                    }
                    "classifier" if n.parent.is_some() => mark(&mut used, Kind::Classifier, next),
                    "behavior" if n.parent.is_some() => mark(&mut used, Kind::Behavior, next),
                    "service-policy" => {
                        let mut j = k + 1;
                        while j < w.len() && matches!(w[j], "input" | "output" | "type") {
                            j += if w[j] == "type" { 2 } else { 1 };
                        }
                        if let Some(name) = w.get(j) {
                            mark(&mut used, Kind::PolicyMap, name);
                        }
                    }
                    "class" if k == 0 && n.parent.is_some() => {
                        mark(&mut used, Kind::ClassMap, next)
                    }
                    "class-map" if k > 0 => mark(&mut used, Kind::ClassMap, next),
                    "vlan" if !(own && n.parent.is_none()) => {
                        let mut it = w[k + 1..].iter().copied().peekable();
                        vlan_list(&mut it, |a, b| {
                            for v in a..=b {
                                vlan_used[v as usize] = true;
                            }
                        });
                    }
                    "vid" | "pe-vid" | "ce-vid" | "dot1q" | "dot1Q" => {
                        let mut it = w[k + 1..]
                            .iter()
                            .copied()
                            .filter(|s| *s != "vid")
                            .peekable();
                        vlan_list(&mut it, |a, b| {
                            for v in a..=b {
                                vlan_used[v as usize] = true;
                            }
                        });
                    }
                    _ => {}
                }
                k += 1;
            }
        }
        self.toks = toks;
        for (d, &u) in defs.iter().zip(&used) {
            if u || (d.kind == Kind::ClassMap && d.name == "class-default") {
                continue;
            }
            let msg = format!(
                "{} {} is defined but referenced nowhere",
                d.kind.noun(),
                d.name
            );
            let zh = format!("{} {} 已定义但未被任何地方引用", d.kind.noun_zh(), d.name);
            self.out_unused(d.line, clip(d.object).to_owned(), msg, zh);
        }
        // VLANs: one finding per `vlan N` block, one per batch line for the rest.
        let mut batch: Vec<(u32, usize, Vec<u16>)> = Vec::new();
        let mut seen = HashSet::new();
        for &(v, line, t) in &vlans {
            if v == 1 || vlan_used[v as usize] || !seen.insert((v, line)) {
                continue;
            }
            let is_batch = word(p.nodes[t].text, 1) == "batch";
            if is_batch && vlan_block.contains(&v) {
                continue;
            }
            if !is_batch && vlan_block.contains(&v) {
                self.out_unused(
                    line,
                    format!("vlan {v}"),
                    format!("VLAN {v} is defined but no interface carries it"),
                    format!("VLAN {v} 已定义，但没有接口承载它"),
                );
                continue;
            }
            match batch.last_mut() {
                Some(b) if b.0 == line => b.2.push(v),
                _ => batch.push((line, t, vec![v])),
            }
        }
        for (line, t, mut ids) in batch {
            ids.sort_unstable();
            ids.dedup();
            let list = vlan_ranges(&ids);
            let noun = if ids.len() == 1 { "VLAN" } else { "VLANs" };
            let (verb, them) = if ids.len() == 1 {
                ("is", "it")
            } else {
                ("are", "them")
            };
            self.out_unused(
                line,
                clip(p.nodes[t].text).to_owned(),
                format!("{noun} {list} {verb} created but no interface carries {them}"),
                format!("VLAN {list} 已创建，但没有接口承载"),
            );
        }
    }

    fn out_unused(&mut self, line: u32, object: String, message: String, message_zh: String) {
        self.emit(CF3_UNUSED_OBJECT, line, Some(object), message, message_zh);
    }
}

/// A VRP authentication scheme: its line, and the line and methods of its `authentication-mode`.
type Scheme<'a> = (u32, Option<(u32, Vec<&'a str>)>);
/// A VRP domain: its line, authentication scheme, HWTACACS and RADIUS templates.
type Domain<'a> = (u32, Option<&'a str>, Option<&'a str>, Option<&'a str>);

/// Whether an interface line configures something (rather than restating a default).
fn is_config(text: &str) -> bool {
    let lower = text;
    !(lower.starts_with("no ip address")
        || lower.starts_with("no shutdown")
        || lower.starts_with("undo shutdown")
        || lower.starts_with("negotiation auto")
        || lower.starts_with("duplex auto")
        || lower.starts_with("speed auto")
        || lower.starts_with("media-type")
        || lower.starts_with("mdix auto")
        || lower.starts_with("combo-port")
        || lower.starts_with("port link-mode")
        || lower.starts_with("no mop")
        || lower.starts_with("no cdp")
        || lower.starts_with("no keepalive"))
}

/// The name of an object or user a statement defines, to look for test words in.
fn test_named<'a>(vendor: Vendor, top: bool, w: &[&'a str]) -> Option<&'a str> {
    match w {
        ["local-user", name, ..] | ["username", name, ..] => Some(name),
        ["acl", .., "name", name] | ["acl", .., "name", name, _] if top => Some(name),
        ["route-policy", name, ..] | ["route-map", name, ..] if top => Some(name),
        ["ip", "ip-prefix" | "prefix-list", name, ..] if top => Some(name),
        ["ip", "access-list", _, name] if top && vendor == Vendor::Cisco => Some(name),
        ["traffic", "policy" | "classifier" | "behavior", name, ..] | ["qos", "policy", name]
            if top =>
        {
            Some(name)
        }
        ["policy-map", .., name] | ["class-map", .., name] if top => Some(name),
        ["ip", "vpn-instance", name] | ["ip", "vrf", name] | ["vrf", "definition", name] if top => {
            Some(name)
        }
        _ => None,
    }
}

/// What is stored in plain text on this statement, if anything: VRP / Comware `… password
/// simple X`, `… shared-key simple X`, `key authentication simple X`, `… plain X`; IOS `enable
/// password`, `enable secret 0 X`, `username … password 0 X` (or without a type) and `username …
/// secret 0 X`, line `password X`, server keys, the C9800's AP-profile users and WLAN PSKs.
fn plaintext(vendor: Vendor, parent: Option<&str>, w: &[&str]) -> Option<&'static str> {
    match vendor {
        Vendor::Huawei | Vendor::H3c => {
            // `simple X`, `plain X`; not the `simple` of `authentication-mode simple cipher X`.
            let k = (0..w.len()).find(|&k| {
                (w[k] == "plain"
                    || (w[k] == "simple"
                        && !matches!(w.get(k + 1), Some(&"cipher") | Some(&"plain"))))
                    && k + 1 < w.len()
            })?;
            let before = &w[..k];
            if before.iter().any(|x| x.contains("password")) {
                Some("password")
            } else if before
                .iter()
                .any(|x| x.contains("key") || *x == "authentication-mode")
            {
                Some("key")
            } else {
                None
            }
        }
        Vendor::Cisco => {
            let typed = |rest: &[&str]| -> bool {
                match rest {
                    ["0", _, ..] => true,
                    [t, _, ..] if t.len() == 1 && t.as_bytes()[0].is_ascii_digit() => false,
                    [_] => true,
                    _ => false,
                }
            };
            match w {
                ["enable", "password", ..] => Some("enable password (use enable secret)"),
                // IOS-XE takes (and a C9800 prints) `secret 0 X` as well as `password 0 X`:
                // type 0 is the clear text either way.
                ["enable", "secret", "0", _, ..] => Some("enable secret"),
                ["username", ..] => secret0(w).then_some("password"),
                // C9800 AP profile: `dot1x username U password 0 X`, `mgmtuser username U
                // password 0 X secret 0 Y`.
                ["dot1x" | "mgmtuser", "username", ..] => secret0(w).then_some("password"),
                // C9800 WLAN: `security wpa psk set-key ascii 0 X` (or `hex 0 X`).
                ["security", "wpa", "psk", "set-key", _, "0", _, ..] => Some("pre-shared key"),
                ["password", rest @ ..] if parent == Some("line") => {
                    typed(rest).then_some("line password")
                }
                ["tacacs-server" | "radius-server", ..] => {
                    let k = w.iter().position(|&x| x == "key")?;
                    typed(&w[k + 1..]).then_some("server key")
                }
                ["key", rest @ ..] if matches!(parent, Some("tacacs") | Some("radius")) => {
                    typed(rest).then_some("server key")
                }
                ["ppp", "chap", "password", rest @ ..] => typed(rest).then_some("PPP password"),
                ["ppp", "pap", "sent-username", _, "password", rest @ ..] => {
                    typed(rest).then_some("PPP password")
                }
                _ => None,
            }
        }
    }
}

/// Whether a `password` or `secret` of this statement is followed by type 0 (or by no type):
/// `username u password 0 X`, `username u secret 0 X`, `username u password X`.
fn secret0(w: &[&str]) -> bool {
    (0..w.len()).any(|k| {
        (w[k] == "password" || w[k] == "secret")
            && match &w[k + 1..] {
                ["0", _, ..] => true,
                [t, _, ..] if t.len() == 1 && t.as_bytes()[0].is_ascii_digit() => false,
                [_] => w[k] == "password",
                _ => false,
            }
    })
}

/// The Chinese of what [`plaintext`] names.
fn plaintext_zh(what: &str) -> &'static str {
    match what {
        "password" => "密码",
        "key" => "密钥",
        "enable password (use enable secret)" => "enable 密码（应使用 enable secret）",
        "line password" => "线路密码",
        "enable secret" => "enable 密码",
        "pre-shared key" => "预共享密钥",
        "server key" => "服务器密钥",
        "PPP password" => "PPP 密码",
        _ => "口令",
    }
}

/// `clock timezone` as a UTC offset: VRP / Comware `clock timezone BJ add 08:00:00`, IOS
/// `clock timezone CST 8 0`.
fn timezone(vendor: Vendor, w: &[&str]) -> Option<String> {
    let (sign, h, m) = match vendor {
        Vendor::Cisco => {
            let h: i32 = w.get(3)?.parse().ok()?;
            let m: i32 = w.get(4).and_then(|s| s.parse().ok()).unwrap_or(0);
            (
                if h < 0 { '-' } else { '+' },
                h.unsigned_abs(),
                m.unsigned_abs(),
            )
        }
        _ => {
            let sign = match *w.get(3)? {
                "add" => '+',
                "minus" => '-',
                _ => return None,
            };
            let mut parts = w.get(4)?.split(':');
            let h: u32 = parts.next()?.parse().ok()?;
            let m: u32 = parts.next().and_then(|s| s.parse().ok()).unwrap_or(0);
            (sign, h, m)
        }
    };
    (h <= 14 && m < 60).then(|| format!("{sign}{h:02}:{m:02}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(text: &str, role: Role) -> Vec<(&'static str, u32)> {
        check_device(text, None, role, &LintConfig::default())
            .findings
            .iter()
            .map(|f| (f.rule, f.line))
            .collect()
    }

    /// VRP8 (CloudEngine) names the administrators' domain inside `aaa`
    /// (`default-domain admin huawei`) and spells the server template `hwtacacs server template`:
    /// a domain bound to a configured HWTACACS template is central AAA (R-CF6).
    #[test]
    fn vrp8_admin_domain_and_templates_are_read() {
        let text = "!Software Version V200R005C10SPC800\n#\nsysname CE1\n#\nhwtacacs server template ht\n hwtacacs server authentication 172.20.1.206\n#\naaa\n default-domain admin huawei\n #\n authentication-scheme 1-h\n  authentication-mode hwtacacs local\n #\n domain huawei\n  authentication-scheme 1-h\n  hwtacacs server ht\n#\nuser-interface vty 0 4\n authentication-mode aaa\n#\nreturn\n";
        let d = check_device(text, None, Role::Aggregation, &LintConfig::default());
        assert!(
            !d.findings.iter().any(|f| f.rule == CF6_AAA_NOT_CENTRAL),
            "{:?}",
            d.findings
        );
        assert_eq!(d.globals.aaa_servers.values, ["172.20.1.206"]);
        // Bound to a template that is not configured: reported, as before.
        let unbound = text.replace(
            "hwtacacs server template ht",
            "hwtacacs server template other",
        );
        assert!(rules(&unbound, Role::Aggregation).contains(&(CF6_AAA_NOT_CENTRAL, 14)));
    }

    /// `hostname` in an OSPF (VRP) or IS-IS (IOS) section names the device to its neighbours; it
    /// is not a misplaced global command (corpus: vrp8-ne40e-faddr).
    #[test]
    fn hostname_in_a_routing_protocol_is_not_misplaced() {
        let vrp = "#\nsysname NE1\n#\nospf 65534 vpn-instance __dcn_vpn__\n description DCN ospf create by default\n opaque-capability enable\n hostname\n area 0.0.0.0\n  network 0.0.0.0 255.255.255.255\n#\nreturn\n";
        assert!(!rules(vrp, Role::Access).contains(&(CF1_SYNTAX, 7)));
        let ios = "hostname r1\n!\nrouter isis\n net 49.0001.0000.0000.0001.00\n hostname dynamic\n!\nend\n";
        assert!(!rules(ios, Role::Access).contains(&(CF1_SYNTAX, 5)));
        // Elsewhere it is still out of place.
        let misplaced = "hostname r1\n!\ninterface Gi1\n hostname r2\n!\nend\n";
        assert!(rules(misplaced, Role::Access).contains(&(CF1_SYNTAX, 4)));
    }

    /// A test VRF is reported as an `ip vrf` / `ip vpn-instance`, not as an `ip`.
    #[test]
    fn test_leftovers_name_two_word_kinds() {
        let text = "hostname r1\n!\nip vrf Test001\n rd 1.1.1.1:110\n!\nend\n";
        let d = check_device(text, None, Role::Access, &LintConfig::default());
        let f = d
            .findings
            .iter()
            .find(|f| f.rule == CF3_TEST_LEFTOVER)
            .expect("a test leftover");
        assert!(
            f.message.starts_with("`ip vrf` is named `Test001`"),
            "{}",
            f.message
        );
    }

    /// Type-0 secrets of IOS-XE and the C9800 are clear text (corpus: c9800-wlc).
    #[test]
    fn ios_xe_type_0_secrets_are_plain_text() {
        let text = "hostname wlc\n!\nenable secret 0 Enable0\nenable secret 9 $9$abc\nusername a privilege 15 secret 0 Secr3t\nusername b secret 9 $9$xyz\nusername c password 7 0822455D0A16\n!\nwlan test 1 test\n security wpa psk set-key ascii 0 WLANSECR3T\n security wpa psk set-key ascii 8 aeGZXVfUKLZ\nap profile default-ap-profile\n dot1x username d password 0 DOT1XPASSW0RD\n mgmtuser username e password 8 Xy secret 0 MGMTSECR3T\n mgmtuser username f password 8 Xy secret 8 Zw\n!\nend\n";
        let plain: Vec<u32> = rules(text, Role::Access)
            .into_iter()
            .filter(|&(r, _)| r == SEC_PLAINTEXT_PASSWORD)
            .map(|(_, l)| l)
            .collect();
        assert_eq!(plain, [3, 5, 10, 13, 14]);
    }

    /// The Java filter of IOS CBAC (`ip inspect name N http java-list 11`) uses ACL 11: it is not
    /// an unused object (R-CF3; corpus: ios124-ccp-sample01).
    #[test]
    fn cbac_java_list_uses_its_acl() {
        let text = "hostname r1\n!\nip inspect name EXT_OUT http java-list 11 alert on audit-trail off\n!\naccess-list 11 permit any\naccess-list 12 permit 172.16.1.5\n!\nend\n";
        let unused: Vec<u32> = rules(text, Role::Access)
            .into_iter()
            .filter(|&(r, _)| r == CF3_UNUSED_OBJECT)
            .map(|(_, l)| l)
            .collect();
        // ACL 12 is still referenced nowhere.
        assert_eq!(unused, [6]);
    }

    /// `ntp-service` in an interface view is a VRP / Comware command, not a misplaced global one.
    #[test]
    fn ntp_service_in_an_interface_is_not_misplaced() {
        let text = "#\n sysname H3C\n#\ninterface Vlan-interface1\n ip address 10.0.0.1 255.255.255.0\n ntp-service in-interface disable\n#\nreturn\n";
        assert!(!rules(text, Role::Access).contains(&(CF1_SYNTAX, 6)));
        let misplaced = "#\n sysname H3C\n#\nacl number 2000\n ntp-service unicast-server 10.0.0.9\n#\nreturn\n";
        assert!(rules(misplaced, Role::Access).contains(&(CF1_SYNTAX, 5)));
    }
}
