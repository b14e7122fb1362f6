//! The three dialects into one hierarchy of statements with line numbers (R-CF1).
//!
//! - Huawei VRP and H3C Comware separate blocks with `#` lines and nest sub-commands one space
//!   deeper than their section; a block may open with indented global commands (` sysname X` on
//!   Comware, ` drop illegal-mac alarm` on VRP), which stand at the top level. An indented ` #`
//!   closes the sub-sections at its depth (VRP `bgp` → ` ipv4-family`). The text ends with
//!   `return`.
//! - Cisco IOS / IOS-XE nests by indentation only; `!` lines are comments; the text ends with
//!   `end`. `banner … ^C … ^C` bodies are skipped.
//!
//! Comments and separators are not statements. What cannot stand where it stands becomes an
//! [`Issue`] (the `CF1-syntax` rule): an indented line outside any section (IOS), a line nested
//! deeper than one level below its section, an unterminated banner or header, a text that stops
//! before `return` / `end`.

use serde::Serialize;

/// The dialect of a configuration.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Vendor {
    /// Huawei VRP (`display current-configuration`).
    Huawei,
    /// H3C Comware 5 and 7 (`display current-configuration`).
    H3c,
    /// Cisco IOS and IOS-XE (`show running-config`).
    Cisco,
}

impl Vendor {
    pub fn parse(s: &str) -> Option<Vendor> {
        match s {
            "huawei" => Some(Vendor::Huawei),
            "h3c" => Some(Vendor::H3c),
            "cisco" => Some(Vendor::Cisco),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Vendor::Huawei => "huawei",
            Vendor::H3c => "h3c",
            Vendor::Cisco => "cisco",
        }
    }

    /// The statement a configuration ends with.
    pub fn terminator(self) -> &'static str {
        match self {
            Vendor::Cisco => "end",
            _ => "return",
        }
    }
}

/// One statement.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Node<'a> {
    /// 1-based line number.
    pub line: u32,
    /// Leading blanks (spaces and tabs).
    pub indent: u32,
    /// The statement without its indentation and trailing blanks.
    pub text: &'a str,
    /// Index of the enclosing section, `None` at the top level.
    pub parent: Option<u32>,
    /// Index one past the last statement nested in this one: the children of `i` are
    /// `i + 1 .. end`, each skipping to its own `end`.
    pub end: u32,
}

impl<'a> Node<'a> {
    /// The first word.
    pub fn keyword(&self) -> &'a str {
        self.text.split_ascii_whitespace().next().unwrap_or("")
    }
}

/// A syntax problem found while parsing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Issue {
    pub line: u32,
    pub message: String,
    /// The message in Chinese.
    pub message_zh: String,
}

/// A parsed configuration.
#[derive(Clone, Debug)]
pub struct Parsed<'a> {
    pub vendor: Vendor,
    pub nodes: Vec<Node<'a>>,
    pub issues: Vec<Issue>,
    /// Lines in the text.
    pub lines: u32,
    /// Whether the text ends with `return` (VRP, Comware) or `end` (IOS).
    pub terminated: bool,
}

impl<'a> Parsed<'a> {
    /// Indexes of the top-level statements.
    pub fn top(&self) -> Children<'_, 'a> {
        Children {
            nodes: &self.nodes,
            next: 0,
            end: self.nodes.len() as u32,
        }
    }

    /// Indexes of the statements directly nested in `i`.
    pub fn children(&self, i: usize) -> Children<'_, 'a> {
        Children {
            nodes: &self.nodes,
            next: i as u32 + 1,
            end: self.nodes[i].end,
        }
    }

    /// The top-level statement that `i` belongs to.
    pub fn root_of(&self, mut i: usize) -> usize {
        while let Some(p) = self.nodes[i].parent {
            i = p as usize;
        }
        i
    }
}

/// Iterator over sibling statements.
pub struct Children<'p, 'a> {
    nodes: &'p [Node<'a>],
    next: u32,
    end: u32,
}

impl Iterator for Children<'_, '_> {
    type Item = usize;
    fn next(&mut self) -> Option<usize> {
        if self.next >= self.end {
            return None;
        }
        let i = self.next as usize;
        self.next = self.nodes[i].end.max(self.next + 1);
        Some(i)
    }
}

/// Guesses the vendor from the first few hundred lines; ties between the two `#` dialects go to
/// Huawei, a text with neither `sysname` nor `#` blocks is read as IOS.
pub fn detect(text: &str) -> Vendor {
    let (mut huawei, mut h3c, mut cisco) = (0i32, 0i32, 0i32);
    let mut hashes = 0;
    for raw in text.lines().take(400) {
        let t = raw.trim();
        if t == "#" {
            hashes += 1;
            continue;
        }
        if t == "!" {
            cisco += 1;
            continue;
        }
        let top = !raw.starts_with([' ', '\t']);
        let mut words = t.split_ascii_whitespace();
        let w0 = words.next().unwrap_or("");
        let w1 = words.next().unwrap_or("");
        match w0 {
            "hostname" if top => cisco += 5,
            "version" if top && w1.starts_with(|c: char| c.is_ascii_digit()) && w1.len() <= 6 => {
                cisco += 3
            }
            "version" if !top => h3c += 5,
            "aaa" if w1 == "new-model" || w1 == "authentication" => cisco += 5,
            "sysname" => {
                huawei += 3;
                h3c += 3;
            }
            "line" if w1 == "vty" || w1 == "con" || w1 == "console" => {
                if t.contains("vty 0 4") && top {
                    cisco += 1;
                } else {
                    h3c += 1;
                }
            }
            "user-interface" => {
                huawei += 2;
                h3c += 1;
            }
            "acl" if w1 == "advanced" || w1 == "basic" => h3c += 3,
            "local-user" if t.contains(" class ") => h3c += 3,
            "radius" | "hwtacacs" if w1 == "scheme" => h3c += 3,
            "hwtacacs-server" | "radius-server" if w1 == "template" => huawei += 3,
            "authentication-scheme" | "authentication-mode"
                if t.contains("hwtacacs") || w0 == "authentication-scheme" =>
            {
                huawei += 2
            }
            "vlan" if w1 == "batch" => huawei += 2,
            "irf" | "irf-port" => h3c += 3,
            "port" if w1 == "link-mode" => h3c += 3,
            "switchport" | "ip" if w1 == "access-list" || w0 == "switchport" => cisco += 2,
            "service" if w1.ends_with("timestamps") || w1 == "password-encryption" => cisco += 3,
            "interface" => {
                if w1.starts_with("Vlanif") || w1.starts_with("Eth-Trunk") {
                    huawei += 2;
                } else if w1.starts_with("Vlan-interface") || w1.starts_with("Bridge-Aggregation") {
                    h3c += 2;
                } else if w1.starts_with("Port-channel") {
                    cisco += 2;
                }
            }
            _ => {
                if t.starts_with("!Software Version V") {
                    huawei += 5;
                } else if t.contains("irreversible-cipher") {
                    huawei += 2;
                } else if t.contains("password hash") {
                    h3c += 2;
                }
            }
        }
    }
    if huawei == 0 && h3c == 0 && cisco == 0 {
        return if hashes > 0 {
            Vendor::Huawei
        } else {
            Vendor::Cisco
        };
    }
    if cisco > huawei && cisco > h3c {
        Vendor::Cisco
    } else if h3c > huawei {
        Vendor::H3c
    } else {
        Vendor::Huawei
    }
}

/// The delimiter of a multi-line text opened on this line (`banner motd ^C`, `header login
/// information "…`, Comware `header motd %`), when it is not closed on the same line.
fn opens_block(vendor: Vendor, text: &str) -> Option<&str> {
    let mut w = text.split_ascii_whitespace();
    let first = w.next()?;
    let rest = match (vendor, first) {
        // R-CF1: a Catalyst smartport macro's body (`macro name X` … `@`) is the commands it
        // will apply, printed at the top level; it is text, not configuration.
        (Vendor::Cisco, "macro") if w.next() == Some("name") => return Some("@"),
        (Vendor::Cisco, "banner") => {
            let kind = w.next()?;
            text.split_once(kind)?.1.trim_start()
        }
        (Vendor::Huawei | Vendor::H3c, "header") => {
            let kind = w.next()?;
            let after = text.split_once(kind)?.1.trim_start();
            // VRP: `header login information "text"`; Comware: `header motd %`.
            let after = after
                .strip_prefix("information")
                .map(str::trim_start)
                .unwrap_or(after);
            if after.starts_with("file ") {
                return None;
            }
            after
        }
        _ => return None,
    };
    let delim = if rest.starts_with("^C") {
        "^C"
    } else {
        let c = rest.chars().next()?;
        &rest[..c.len_utf8()]
    };
    if rest[delim.len()..].contains(delim) {
        None
    } else {
        Some(delim)
    }
}

/// Sections whose body is free text printed deeper than one level (R-CF1): certificates and the
/// hexadecimal of public keys (`public-key-code begin` of VRP's `rsa peer-public-key` and
/// Comware's `public-key peer`).
fn free_body(section: &str) -> bool {
    let mut w = section.split_ascii_whitespace();
    let first = w.next().unwrap_or("");
    first == "certificate" || (first == "public-key-code" && w.next() == Some("begin"))
}

/// Parses a configuration; `vendor` `None` detects it. Never panics, whatever the text.
pub fn parse(text: &str, vendor: Option<Vendor>) -> Parsed<'_> {
    let vendor = vendor.unwrap_or_else(|| detect(text));
    let mut nodes: Vec<Node<'_>> = Vec::with_capacity(text.len() / 24 + 1);
    let mut issues = Vec::new();
    let mut stack: Vec<u32> = Vec::with_capacity(8);
    let mut block: Option<(&str, u32)> = None;
    let mut terminated = false;
    let mut started = false;
    let mut line_no: u32 = 0;
    for raw in text.split('\n') {
        line_no = line_no.saturating_add(1);
        if terminated {
            continue;
        }
        let raw = raw.strip_suffix('\r').unwrap_or(raw);
        if let Some((delim, _)) = block {
            // A macro ends on a line of its own `@`; banners and headers at their delimiter.
            let closes = if delim == "@" {
                raw.trim() == "@"
            } else {
                raw.contains(delim)
            };
            if closes {
                block = None;
            }
            continue;
        }
        let body = raw.trim_start_matches([' ', '\t']);
        let indent = (raw.len() - body.len()) as u32;
        let body = body.trim_end();
        if body.is_empty() {
            continue;
        }
        let first = body.as_bytes()[0];
        if first == b'#' || first == b'!' {
            // Separator or comment: closes the sections at its depth or deeper.
            while let Some(&top) = stack.last() {
                if nodes[top as usize].indent >= indent {
                    nodes[top as usize].end = nodes.len() as u32;
                    stack.pop();
                } else {
                    break;
                }
            }
            continue;
        }
        if !started {
            // What a terminal capture puts before the configuration.
            if (first == b'<' && body.contains('>'))
                || body.starts_with("Building configuration")
                || body.starts_with("Current configuration")
                || body.contains("#show ")
                || body.contains("#sh ")
                || body.starts_with("display current")
            {
                continue;
            }
            started = true;
        }
        while let Some(&top) = stack.last() {
            if nodes[top as usize].indent >= indent {
                nodes[top as usize].end = nodes.len() as u32;
                stack.pop();
            } else {
                break;
            }
        }
        if indent == 0 && body == vendor.terminator() {
            terminated = true;
            continue;
        }
        let parent = stack.last().copied();
        match parent {
            Some(p) => {
                let pn = &nodes[p as usize];
                // R-CF1: VRP and Comware nest one blank per level; IOS nests by indentation
                // only (IOS-XE prints `  description` two blanks under a `class-map`, three
                // blanks under a `crypto isakmp profile`), so any deeper line is a child there.
                if vendor != Vendor::Cisco
                    && indent > pn.indent + 1
                    && !stack.iter().any(|&s| free_body(nodes[s as usize].text))
                {
                    issues.push(Issue {
                        line: line_no,
                        message: format!(
                            "bad indentation: {indent} blanks under a section indented {} (one level is one blank)",
                            pn.indent
                        ),
                        message_zh: format!(
                            "缩进错误：缩进为 {} 的配置段下出现了 {indent} 个空格的缩进（每级缩进一个空格）",
                            pn.indent
                        ),
                    });
                }
            }
            None if indent > 0 => {
                if vendor == Vendor::Cisco {
                    issues.push(Issue {
                        line: line_no,
                        message: format!(
                            "bad indentation: `{}` is indented but belongs to no section",
                            clip(body)
                        ),
                        message_zh: format!(
                            "缩进错误：`{}` 有缩进，却不属于任何配置段",
                            clip(body)
                        ),
                    });
                } else if indent > 1 {
                    issues.push(Issue {
                        line: line_no,
                        message: format!(
                            "bad indentation: {indent} blanks at the start of a block"
                        ),
                        message_zh: format!("缩进错误：配置块开头缩进了 {indent} 个空格"),
                    });
                }
            }
            None => {}
        }
        if let Some(delim) = opens_block(vendor, body) {
            block = Some((delim, line_no));
        }
        let idx = nodes.len() as u32;
        nodes.push(Node {
            line: line_no,
            indent,
            text: body,
            parent,
            end: idx + 1,
        });
        stack.push(idx);
    }
    let len = nodes.len() as u32;
    for &i in &stack {
        nodes[i as usize].end = len;
    }
    if let Some((delim, line)) = block {
        issues.push(Issue {
            line,
            message: format!(
                "unterminated block: the text opened here is never closed with `{delim}`"
            ),
            message_zh: format!("文本块未结束：此处开始的文本始终没有以 `{delim}` 结束"),
        });
    } else if !terminated && !nodes.is_empty() {
        let last = nodes.last().map_or(1, |n| n.line);
        issues.push(Issue {
            line: last,
            message: format!(
                "unterminated configuration: the text ends without `{}` (truncated?)",
                vendor.terminator()
            ),
            message_zh: format!(
                "配置不完整：文本未以 `{}` 结尾（被截断？）",
                vendor.terminator()
            ),
        });
    }
    let lines = if text.ends_with('\n') {
        line_no.saturating_sub(1)
    } else {
        line_no
    };
    Parsed {
        vendor,
        nodes,
        issues,
        lines,
        terminated,
    }
}

/// At most 60 characters of a statement for a message.
pub(crate) fn clip(s: &str) -> &str {
    match s.char_indices().nth(60) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn issues(text: &str) -> Vec<u32> {
        parse(text, None).issues.iter().map(|i| i.line).collect()
    }

    /// IOS-XE prints a class-map's description two blanks deep and a crypto profile's commands
    /// three blanks deep (corpus: c9200l, asr920, ios15-lhr-border-02).
    #[test]
    fn ios_sub_commands_may_be_indented_deeper_than_one_blank() {
        let text = "hostname r1\n!\nclass-map match-any RTP\n  description voice\n match dscp ef\n!\n\
                    crypto isakmp profile isakmp-vpn-0\n   keyring keyring-vpn-0\n   local-address 172.16.1.2\n!\n\
                    snmp mib expression owner nat name 1\n  expression x\n!\nend\n";
        let p = parse(text, None);
        assert_eq!(p.vendor, Vendor::Cisco);
        assert!(p.issues.is_empty(), "{:?}", p.issues);
        let cm = p
            .top()
            .find(|&i| p.nodes[i].text.starts_with("class-map"))
            .unwrap();
        let kids: Vec<&str> = p.children(cm).map(|i| p.nodes[i].text).collect();
        assert_eq!(kids, ["description voice", "match dscp ef"]);
        // An indented line outside any section is still wrong.
        assert_eq!(
            issues("hostname r1\n!\n  ip route 0.0.0.0 0.0.0.0 10.0.0.1\n!\nend\n"),
            [3]
        );
    }

    /// VRP prints the hexadecimal of an `rsa peer-public-key` several levels deep; Comware the
    /// same under `public-key peer`.
    #[test]
    fn public_key_code_bodies_are_free_text() {
        let vrp = "#\nsysname SW1\n#\nrsa peer-public-key 10.244.110.6\n public-key-code begin\n  30820109\n    02820100\n      E09A5CC1 F761B429 D35C7D9A\n    0203\n      010001\n public-key-code end\n peer-public-key end\n#\ninterface Vlanif1\n#\nreturn\n";
        let p = parse(vrp, Some(Vendor::Huawei));
        assert!(p.issues.is_empty(), "{:?}", p.issues);
        let cw = "#\n sysname H3C\n#\npublic-key peer PI_KEY\n public-key-code begin\n   30819F300D06092A864886F70D010101\n    0500038181\n public-key-code end\n peer-public-key end\n#\nreturn\n";
        assert!(parse(cw, Some(Vendor::H3c)).issues.is_empty());
        // Elsewhere, two blanks under a one-blank section are still wrong on VRP.
        let bad = "#\nsysname SW1\n#\ninterface GigabitEthernet0/0/1\n description x\n   port link-type access\n#\nreturn\n";
        assert_eq!(issues(bad), [6]);
    }

    /// A Catalyst smartport macro's body is not configuration (`switchport` at the top level).
    #[test]
    fn ios_macro_bodies_are_skipped() {
        let text = "hostname sw1\n!\nmacro name cisco-desktop\n#macro keywords $access_vlan\nswitchport mode access\nswitchport access vlan $access_vlan\n@\n!\ninterface Vlan1\n no ip address\n!\nend\n";
        let p = parse(text, None);
        assert!(p.issues.is_empty(), "{:?}", p.issues);
        assert!(!p.nodes.iter().any(|n| n.text.starts_with("switchport")));
        assert!(p.nodes.iter().any(|n| n.text == "interface Vlan1"));
        // Never closed: reported once, at the macro.
        assert_eq!(
            issues("hostname sw1\n!\nmacro name m\nswitchport mode access\n"),
            [3]
        );
    }
}
