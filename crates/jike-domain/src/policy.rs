//! SLA policy (服务等级策略) as data: which clocks run for an order, per order kind × service
//! grade (R-SL1) × business type (R-SL2), with fallbacks.
//!
//! A policy is a TOML document; the default one is `examples/sla-policy.toml` (embedded as
//! [`DEFAULT_POLICY_TOML`]), which carries domain.md §3's table for fault and complaint orders
//! and documented defaults for the other kinds. The format:
//!
//! ```toml
//! version = 1                                  # integer >= 1; the store keeps every version
//! valid_from = "2025-01-01T00:00:00+08:00"     # RFC 3339 (a TOML date-time works too)
//! time_zone = "Asia/Shanghai"                  # or a fixed offset "+08:00" (default Asia/Shanghai)
//! warning = 0.8                                # default warning threshold of every clock
//!
//! [calendars.business-hours]                   # a named calendar (built in: 24x7, cn-workday,
//! open = "09:00"                               # and business-hours = 09:00–18:00 cn-workday,
//! close = "18:00"                              # which this redefines)
//! days = "cn-workday"                          # cn-workday | mon-fri | every-day
//!
//! [[rule]]
//! kind = ["fault", "complaint"]                # required; codes or Chinese names (故障)
//! grade = ["diamond", "gold"]                  # optional: absent = every grade
//! business_type = ["data_line"]                # optional: absent = every business type
//! observation = "1h"                           # R-F10 minimum before `confirmed` (default 0)
//! escalation = { after = "1h", clock = "restore", update_every = "1h", kind = "joint_handling" }
//! clocks = [
//!   { name = "accept", limit = "10m", start = "dispatched", stop = "accepted" },
//!   { name = "documents", limit = "3wd", start = "passed", stop = "documents_delivered",
//!     calendar = "cn-workday", warning = 0.5 },
//! ]
//! ```
//!
//! Durations are `90s`, `10m`, `4h`, `2d` or combinations (`1h30m`); a clock limit may also be
//! `Nwd`, N Chinese working days by the 24:00 rule (R-C2, see [`crate::calendar::Workdays::add_workdays`]).
//! The rule that applies to an order is the most specific match: kind + grade + business type >
//! kind + grade > kind + business type > kind. Two rules that match one combination at the same
//! specificity are refused when the policy is parsed; a combination that no rule matches is a
//! [`PolicyError::NoRule`] at lookup. Lookups cost one array index ([`Policy::lookup`]).

use std::collections::BTreeMap;

use chrono::DateTime;
use serde::Deserialize;

use crate::calendar::{parse_zone, Calendar, DaySet, CHINA_OFFSET, DAY};
use crate::vocab::{BusinessType, EventType, Grade, OrderKind, Vocabulary};

/// The default policy (the text of `examples/sla-policy.toml`).
pub const DEFAULT_POLICY_TOML: &str = include_str!("../../../examples/sla-policy.toml");

/// At most this many clocks per rule (the evaluation is a fixed-size array).
pub const MAX_CLOCKS: usize = 8;

/// The largest limit, escalation or update interval accepted: ten years.
pub const MAX_SECONDS: i64 = 3650 * DAY;
/// The largest working-day limit accepted.
pub const MAX_WORKDAYS: u32 = 2000;

/// A problem with a policy, or no rule for an order.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
    #[error("the SLA policy is not valid TOML: {0}")]
    Toml(String),
    #[error("SLA policy {field}: {message}")]
    Invalid { field: String, message: String },
    #[error("the SLA policy has no rule for {kind} orders of grade {grade}{}",
        business_type.map(|b| format!(" and business type {b}")).unwrap_or_default())]
    NoRule {
        kind: OrderKind,
        grade: Grade,
        business_type: Option<BusinessType>,
    },
}

fn invalid(field: impl Into<String>, message: impl Into<String>) -> PolicyError {
    PolicyError::Invalid {
        field: field.into(),
        message: message.into(),
    }
}

/// A clock limit: a fixed working time, or N working days by the 24:00 rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    /// Working seconds in the clock's calendar.
    Seconds(i64),
    /// N Chinese working days (R-C2): the base deadline is 24:00 of the N-th working day after
    /// the start's calendar day; the limit in seconds is the clock calendar's working time from
    /// the start to that base deadline (so it depends on the start).
    Workdays(u32),
}

/// One clock of a rule (时限).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClockSpec {
    pub name: String,
    pub limit: Limit,
    /// The limit as written in the policy, e.g. `4h` or `3wd`.
    pub limit_text: String,
    /// The first event of this type starts the clock.
    pub start: EventType,
    /// The first event of this type after the start stops it (see `sla.rs` for `closed` and
    /// `reopened`).
    pub stop: EventType,
    pub calendar: Calendar,
    pub calendar_name: String,
    /// Warning threshold in thousandths of the limit (800 = 80 %).
    pub warning_permille: u16,
}

/// Escalation of an unsolved order (R-F4, R-F5) and the progress updates that follow (R-F6).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EscalationSpec {
    /// What the escalation is called in the output: `joint_handling` (联合处理) by default.
    pub kind: String,
    /// Index in [`Rule::clocks`] of the clock whose running time triggers it (`restore`).
    pub clock: usize,
    /// Running time of that clock (pauses excluded) at which it escalates.
    pub after_secs: i64,
    /// Wall time between progress updates after the escalation, suspensions included, until
    /// the clock stops; `None`: no updates.
    pub update_every_secs: Option<i64>,
}

/// One `[[rule]]` of a policy, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    /// Position in the policy file, from 0.
    pub index: usize,
    pub kinds: Vec<OrderKind>,
    /// Empty: every grade.
    pub grades: Vec<Grade>,
    /// Empty: every business type.
    pub business_types: Vec<BusinessType>,
    pub clocks: Vec<ClockSpec>,
    pub escalation: Option<EscalationSpec>,
    /// R-F10: the minimum observation after restoration before the customer may confirm.
    pub observation_secs: i64,
    /// The policy's UTC offset, copied here so that a rule is all an evaluation needs.
    pub offset: i32,
}

impl Rule {
    fn specificity(&self) -> u8 {
        2 * u8::from(!self.grades.is_empty()) + u8::from(!self.business_types.is_empty())
    }

    fn matches(&self, kind: OrderKind, grade: Grade, bt: Option<BusinessType>) -> bool {
        self.kinds.contains(&kind)
            && (self.grades.is_empty() || self.grades.contains(&grade))
            && (self.business_types.is_empty()
                || bt.is_some_and(|b| self.business_types.contains(&b)))
    }

    /// The index of a clock by name.
    pub fn clock(&self, name: &str) -> Option<usize> {
        self.clocks.iter().position(|c| c.name == name)
    }
}

/// A checked SLA policy with its lookup table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    pub version: u32,
    /// Unix seconds.
    pub valid_from: i64,
    pub time_zone: String,
    /// Seconds east of UTC.
    pub offset: i32,
    /// The named calendars, built-in ones included.
    pub calendars: BTreeMap<String, Calendar>,
    pub rules: Vec<Rule>,
    /// `[kind][grade][business type + 1 (0: none)]` → rule index.
    table: Vec<Option<u16>>,
}

const N_BT: usize = 11;

fn slot(kind: OrderKind, grade: Grade, bt: Option<BusinessType>) -> usize {
    let k = kind as usize;
    let g = grade as usize;
    let b = bt.map_or(0, |b| b as usize + 1);
    (k * Grade::ALL.len() + g) * N_BT + b
}

// ---- the TOML shape ----------------------------------------------------------------------

#[derive(Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

impl OneOrMany {
    fn items(&self) -> Vec<&str> {
        match self {
            OneOrMany::One(s) => vec![s.as_str()],
            OneOrMany::Many(v) => v.iter().map(String::as_str).collect(),
        }
    }
}

#[derive(Deserialize)]
#[serde(untagged)]
enum TimeText {
    Text(String),
    Toml(toml::value::Datetime),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPolicy {
    version: i64,
    valid_from: TimeText,
    time_zone: Option<String>,
    warning: Option<f64>,
    #[serde(default)]
    calendars: BTreeMap<String, RawCalendar>,
    #[serde(default)]
    rule: Vec<RawRule>,
    #[allow(dead_code)]
    name: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCalendar {
    open: String,
    close: String,
    days: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    kind: OneOrMany,
    grade: Option<OneOrMany>,
    business_type: Option<OneOrMany>,
    #[serde(default)]
    clocks: Vec<RawClock>,
    escalation: Option<RawEscalation>,
    observation: Option<String>,
    #[allow(dead_code)]
    note: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawClock {
    name: String,
    limit: String,
    start: String,
    stop: String,
    calendar: Option<String>,
    warning: Option<f64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEscalation {
    after: String,
    clock: String,
    update_every: Option<String>,
    kind: Option<String>,
}

/// Parses `90s`, `10m`, `4h`, `2d` and combinations like `1h30m` into seconds (> 0, at most
/// ten years).
pub fn parse_duration(text: &str) -> Result<i64, String> {
    let t = text.trim();
    let bad = || format!("'{text}' is not a duration like 10m, 4h, 1h30m or 2d");
    if t.is_empty() {
        return Err(bad());
    }
    let mut total: i64 = 0;
    let mut num: Option<i64> = None;
    for c in t.chars() {
        if let Some(d) = c.to_digit(10) {
            let n = num.unwrap_or(0);
            num = Some(
                n.checked_mul(10)
                    .and_then(|n| n.checked_add(i64::from(d)))
                    .filter(|n| *n <= MAX_SECONDS)
                    .ok_or_else(bad)?,
            );
        } else {
            let unit = match c {
                's' => 1,
                'm' => 60,
                'h' => 3600,
                'd' => DAY,
                _ => return Err(bad()),
            };
            total = total.saturating_add(num.take().ok_or_else(bad)?.saturating_mul(unit));
        }
    }
    if num.is_some() {
        return Err(bad());
    }
    if total > MAX_SECONDS {
        return Err(format!("'{text}' is longer than ten years"));
    }
    Ok(total)
}

/// Parses a clock limit: a duration ([`parse_duration`]) or `Nwd` working days.
pub fn parse_limit(text: &str) -> Result<Limit, String> {
    let t = text.trim();
    if let Some(n) = t.strip_suffix("wd") {
        let n: u32 = n
            .trim()
            .parse()
            .map_err(|_| format!("'{text}' is not a number of working days like 3wd"))?;
        if n == 0 || n > MAX_WORKDAYS {
            return Err(format!(
                "'{text}': the number of working days must be between 1 and {MAX_WORKDAYS}"
            ));
        }
        return Ok(Limit::Workdays(n));
    }
    match parse_duration(t)? {
        0 => Err(format!("'{text}': a limit must be longer than zero")),
        s => Ok(Limit::Seconds(s)),
    }
}

fn parse_clock_time(text: &str) -> Option<u32> {
    let (h, m) = text.trim().split_once(':')?;
    if h.len() != 2 || m.len() != 2 {
        return None;
    }
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    (m < 60 && (h < 24 || (h == 24 && m == 0))).then_some(h * 3600 + m * 60)
}

fn warning_permille(w: f64, field: &str) -> Result<u16, PolicyError> {
    if !(w > 0.0 && w <= 1.0) {
        return Err(invalid(
            field,
            format!("{w} is not a fraction of the limit in (0, 1], e.g. 0.8"),
        ));
    }
    Ok((w * 1000.0).round() as u16)
}

fn vocab_list<V: Vocabulary + Ord>(list: &OneOrMany, field: &str) -> Result<Vec<V>, PolicyError> {
    let mut out = Vec::new();
    for (i, s) in list.items().into_iter().enumerate() {
        out.push(V::parse(s).map_err(|e| invalid(format!("{field}[{i}]"), e.to_string()))?);
    }
    out.sort();
    out.dedup();
    Ok(out)
}

/// Events that cannot start a clock (they do not mark the beginning of anything measurable).
const NOT_A_START: &[EventType] = &[
    EventType::Suspended,
    EventType::Resumed,
    EventType::Reopened,
    EventType::Closed,
    EventType::UpdatePublished,
    EventType::Assigned,
];
/// Events that cannot stop a clock.
const NOT_A_STOP: &[EventType] = &[
    EventType::Suspended,
    EventType::Resumed,
    EventType::Reopened,
    EventType::Occurred,
];

impl Policy {
    /// The default policy ([`DEFAULT_POLICY_TOML`]).
    pub fn default_policy() -> Policy {
        // The embedded text is checked by a unit test; an empty policy is the unreachable
        // fallback so that this never panics.
        Policy::parse(DEFAULT_POLICY_TOML).unwrap_or_else(|_| Policy {
            version: 1,
            valid_from: 0,
            time_zone: "Asia/Shanghai".into(),
            offset: CHINA_OFFSET,
            calendars: BTreeMap::new(),
            rules: Vec::new(),
            table: vec![None; OrderKind::ALL.len() * Grade::ALL.len() * N_BT],
        })
    }

    /// Parses and checks a policy; errors name the rule index and the field
    /// (`rule[2].clocks[1].limit: …`).
    pub fn parse(text: &str) -> Result<Policy, PolicyError> {
        let raw: RawPolicy = toml::from_str(text).map_err(|e| PolicyError::Toml(e.to_string()))?;
        let version = u32::try_from(raw.version)
            .ok()
            .filter(|v| *v >= 1)
            .ok_or_else(|| invalid("version", format!("{} is not a version >= 1", raw.version)))?;
        let valid_from_text = match &raw.valid_from {
            TimeText::Text(s) => s.clone(),
            TimeText::Toml(d) => d.to_string(),
        };
        let valid_from = DateTime::parse_from_rfc3339(valid_from_text.trim())
            .map_err(|_| {
                invalid(
                    "valid_from",
                    format!("'{valid_from_text}' is not an RFC 3339 time with its offset"),
                )
            })?
            .timestamp();
        let time_zone = raw
            .time_zone
            .clone()
            .unwrap_or_else(|| "Asia/Shanghai".to_string());
        let offset = parse_zone(&time_zone).map_err(|m| invalid("time_zone", m))?;
        let default_warning = warning_permille(raw.warning.unwrap_or(0.8), "warning")?;

        let mut calendars = BTreeMap::new();
        calendars.insert("24x7".to_string(), Calendar::Always);
        calendars.insert("cn-workday".to_string(), Calendar::CN_WORKDAY);
        calendars.insert("business-hours".to_string(), Calendar::BUSINESS_HOURS);
        for (name, c) in &raw.calendars {
            let field = format!("calendars.{name}");
            if name == "24x7" || name == "cn-workday" {
                return Err(invalid(field, "a built-in calendar cannot be redefined"));
            }
            let open = parse_clock_time(&c.open).ok_or_else(|| {
                invalid(
                    format!("{field}.open"),
                    format!("'{}' is not a time like 09:00", c.open),
                )
            })?;
            let close = parse_clock_time(&c.close).ok_or_else(|| {
                invalid(
                    format!("{field}.close"),
                    format!("'{}' is not a time like 18:00 (or 24:00)", c.close),
                )
            })?;
            if open >= close {
                return Err(invalid(
                    format!("{field}.close"),
                    "closing time must be after opening time",
                ));
            }
            let days = match &c.days {
                None => DaySet::CnWorkday,
                Some(d) => DaySet::parse(d).ok_or_else(|| {
                    invalid(
                        format!("{field}.days"),
                        format!("'{d}' is not one of cn-workday, mon-fri, every-day"),
                    )
                })?,
            };
            calendars.insert(name.clone(), Calendar::Hours { open, close, days });
        }

        let mut rules = Vec::with_capacity(raw.rule.len());
        for (i, r) in raw.rule.iter().enumerate() {
            rules.push(check_rule(i, r, &calendars, default_warning, offset)?);
        }

        let mut table = vec![None; OrderKind::ALL.len() * Grade::ALL.len() * N_BT];
        for &kind in OrderKind::ALL {
            for &grade in Grade::ALL {
                let bts = std::iter::once(None).chain(BusinessType::ALL.iter().copied().map(Some));
                for bt in bts {
                    let mut best: Option<&Rule> = None;
                    for r in rules.iter().filter(|r| r.matches(kind, grade, bt)) {
                        match best {
                            Some(b) if b.specificity() == r.specificity() => {
                                return Err(invalid(
                                    format!("rule[{}]", r.index),
                                    format!(
                                        "overlaps rule[{}] for {kind} orders of grade {grade}{} at the same specificity; make one more specific",
                                        b.index,
                                        bt.map(|b| format!(" and business type {b}")).unwrap_or_default()
                                    ),
                                ));
                            }
                            Some(b) if b.specificity() > r.specificity() => {}
                            _ => best = Some(r),
                        }
                    }
                    table[slot(kind, grade, bt)] = best.map(|r| r.index as u16);
                }
            }
        }
        Ok(Policy {
            version,
            valid_from,
            time_zone,
            offset,
            calendars,
            rules,
            table,
        })
    }

    /// The rule for an order: one array index.
    #[inline]
    pub fn lookup(
        &self,
        kind: OrderKind,
        grade: Grade,
        business_type: Option<BusinessType>,
    ) -> Result<&Rule, PolicyError> {
        self.table
            .get(slot(kind, grade, business_type))
            .copied()
            .flatten()
            .and_then(|i| self.rules.get(usize::from(i)))
            .ok_or(PolicyError::NoRule {
                kind,
                grade,
                business_type,
            })
    }

    /// The name of a calendar of this policy.
    pub fn calendar_name(&self, cal: Calendar) -> Option<&str> {
        self.calendars
            .iter()
            .find(|(_, c)| **c == cal)
            .map(|(n, _)| n.as_str())
    }
}

fn check_rule(
    i: usize,
    r: &RawRule,
    calendars: &BTreeMap<String, Calendar>,
    default_warning: u16,
    offset: i32,
) -> Result<Rule, PolicyError> {
    let at = |f: &str| format!("rule[{i}].{f}");
    let kinds: Vec<OrderKind> = vocab_list(&r.kind, &at("kind"))?;
    if kinds.is_empty() {
        return Err(invalid(at("kind"), "name at least one order kind"));
    }
    let grades: Vec<Grade> = match &r.grade {
        Some(g) => vocab_list(g, &at("grade"))?,
        None => Vec::new(),
    };
    let business_types: Vec<BusinessType> = match &r.business_type {
        Some(b) => vocab_list(b, &at("business_type"))?,
        None => Vec::new(),
    };
    if r.clocks.len() > MAX_CLOCKS {
        return Err(invalid(
            at("clocks"),
            format!("at most {MAX_CLOCKS} clocks per rule"),
        ));
    }
    let mut clocks: Vec<ClockSpec> = Vec::with_capacity(r.clocks.len());
    for (j, c) in r.clocks.iter().enumerate() {
        let f = |name: &str| at(&format!("clocks[{j}].{name}"));
        let name = c.name.trim().to_string();
        if name.is_empty() || name.len() > 64 {
            return Err(invalid(
                f("name"),
                "a clock needs a name of 1 to 64 characters",
            ));
        }
        if clocks.iter().any(|o| o.name == name) {
            return Err(invalid(f("name"), format!("clock '{name}' appears twice")));
        }
        let limit = parse_limit(&c.limit).map_err(|m| invalid(f("limit"), m))?;
        let start = EventType::parse(&c.start).map_err(|e| invalid(f("start"), e.to_string()))?;
        let stop = EventType::parse(&c.stop).map_err(|e| invalid(f("stop"), e.to_string()))?;
        if NOT_A_START.contains(&start) {
            return Err(invalid(
                f("start"),
                format!("'{start}' cannot start a clock"),
            ));
        }
        if NOT_A_STOP.contains(&stop) {
            return Err(invalid(f("stop"), format!("'{stop}' cannot stop a clock")));
        }
        if start == stop {
            return Err(invalid(f("stop"), "a clock cannot stop on its start event"));
        }
        let calendar_name = c.calendar.clone().unwrap_or_else(|| "24x7".to_string());
        let calendar = *calendars.get(calendar_name.trim()).ok_or_else(|| {
            invalid(
                f("calendar"),
                format!(
                    "unknown calendar '{calendar_name}'; expected one of: {}",
                    calendars.keys().cloned().collect::<Vec<_>>().join(", ")
                ),
            )
        })?;
        let warning_permille = match c.warning {
            Some(w) => warning_permille(w, &f("warning"))?,
            None => default_warning,
        };
        clocks.push(ClockSpec {
            name,
            limit,
            limit_text: c.limit.trim().to_string(),
            start,
            stop,
            calendar,
            calendar_name: calendar_name.trim().to_string(),
            warning_permille,
        });
    }
    let escalation = match &r.escalation {
        None => None,
        Some(e) => {
            let clock = clocks
                .iter()
                .position(|c| c.name == e.clock.trim())
                .ok_or_else(|| {
                    invalid(
                        at("escalation.clock"),
                        format!("'{}' is not a clock of this rule", e.clock),
                    )
                })?;
            let after_secs =
                parse_duration(&e.after).map_err(|m| invalid(at("escalation.after"), m))?;
            if after_secs == 0 {
                return Err(invalid(at("escalation.after"), "must be longer than zero"));
            }
            let update_every_secs = match &e.update_every {
                None => None,
                Some(u) => match parse_duration(u) {
                    Ok(0) => {
                        return Err(invalid(
                            at("escalation.update_every"),
                            "must be longer than zero",
                        ))
                    }
                    Ok(s) => Some(s),
                    Err(m) => return Err(invalid(at("escalation.update_every"), m)),
                },
            };
            Some(EscalationSpec {
                kind: e
                    .kind
                    .clone()
                    .unwrap_or_else(|| "joint_handling".to_string()),
                clock,
                after_secs,
                update_every_secs,
            })
        }
    };
    let observation_secs = match &r.observation {
        None => 0,
        Some(o) if o.trim() == "0" => 0,
        Some(o) => parse_duration(o).map_err(|m| invalid(at("observation"), m))?,
    };
    Ok(Rule {
        index: i,
        kinds,
        grades,
        business_types,
        clocks,
        escalation,
        observation_secs,
        offset,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> Policy {
        Policy::parse(DEFAULT_POLICY_TOML).unwrap()
    }

    #[test]
    fn default_policy_matches_domain_table() {
        let p = policy();
        assert_eq!(p.offset, CHINA_OFFSET);
        // domain.md §3: accept, contact, on site, restore; escalation 1 h / 3 h (R-F4, R-F5).
        let expect = [
            (Grade::Diamond, [600, 900, 7200, 14400], 3600),
            (Grade::Gold, [600, 900, 7200, 14400], 3600),
            (Grade::Silver, [1800, 1800, 14400, 28800], 10800),
            (Grade::Bronze, [1800, 3600, 14400, 43200], 10800),
            (Grade::Standard, [3600, 7200, 28800, 86400], 10800),
        ];
        for kind in [OrderKind::Fault, OrderKind::Complaint] {
            for (grade, limits, esc) in expect {
                let r = p.lookup(kind, grade, Some(BusinessType::DataLine)).unwrap();
                let names: Vec<_> = r.clocks.iter().map(|c| c.name.as_str()).collect();
                assert_eq!(names, ["accept", "contact", "on_site", "restore"]);
                let got: Vec<_> = r.clocks.iter().map(|c| c.limit).collect();
                assert_eq!(got, limits.map(Limit::Seconds), "{kind} {grade}");
                let e = r.escalation.as_ref().unwrap();
                assert_eq!((e.after_secs, e.update_every_secs), (esc, Some(3600)));
                assert_eq!(r.clocks[e.clock].name, "restore");
                assert_eq!(r.observation_secs, 3600); // R-F10
                assert!(r.clocks.iter().all(|c| c.calendar == Calendar::Always));
                // R-C1
            }
        }
        // R-W1: handover documents within 3 working days of passing.
        let h = p.lookup(OrderKind::Handover, Grade::Silver, None).unwrap();
        let docs = &h.clocks[h.clock("documents").unwrap()];
        assert_eq!(docs.limit, Limit::Workdays(3));
        assert_eq!(docs.calendar, Calendar::CN_WORKDAY);
        assert_eq!(
            (docs.start, docs.stop),
            (EventType::Passed, EventType::DocumentsDelivered)
        );
        // Every kind and grade has a rule, with or without a business type.
        for &k in OrderKind::ALL {
            for &g in Grade::ALL {
                p.lookup(k, g, None).unwrap();
                for &b in BusinessType::ALL {
                    p.lookup(k, g, Some(b)).unwrap();
                }
            }
        }
    }

    const BASE: &str = "version = 1\nvalid_from = \"2025-01-01T00:00:00+08:00\"\n";

    #[test]
    fn most_specific_rule_wins() {
        let text = format!(
            "{BASE}
[[rule]]
kind = \"fault\"
clocks = [{{ name = \"restore\", limit = \"24h\", start = \"occurred\", stop = \"restored\" }}]
[[rule]]
kind = \"故障\"
grade = [\"金牌\"]
clocks = [{{ name = \"restore\", limit = \"4h\", start = \"occurred\", stop = \"restored\" }}]
[[rule]]
kind = \"fault\"
grade = \"gold\"
business_type = \"互联网专线\"
clocks = [{{ name = \"restore\", limit = \"2h\", start = \"occurred\", stop = \"restored\" }}]
[[rule]]
kind = \"fault\"
business_type = \"internet_line\"
clocks = [{{ name = \"restore\", limit = \"6h\", start = \"occurred\", stop = \"restored\" }}]
"
        );
        let p = Policy::parse(&text).unwrap();
        let idx = |g, b| p.lookup(OrderKind::Fault, g, b).unwrap().index;
        assert_eq!(idx(Grade::Gold, Some(BusinessType::InternetLine)), 2);
        assert_eq!(idx(Grade::Gold, Some(BusinessType::DataLine)), 1);
        assert_eq!(idx(Grade::Gold, None), 1);
        assert_eq!(idx(Grade::Silver, Some(BusinessType::InternetLine)), 3);
        assert_eq!(idx(Grade::Silver, None), 0);
        let err = p
            .lookup(OrderKind::Handover, Grade::Gold, None)
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "the SLA policy has no rule for handover orders of grade gold"
        );
    }

    #[test]
    fn errors_name_rule_and_field() {
        let check = |rule: &str, expect: &str| {
            let err = Policy::parse(&format!("{BASE}{rule}"))
                .unwrap_err()
                .to_string();
            assert!(err.contains(expect), "{err}\n does not contain {expect}");
        };
        let clock = |c: &str| format!("[[rule]]\nkind = \"fault\"\nclocks = [{c}]\n");
        check(
            &clock(
                "{ name = \"a\", limit = \"10x\", start = \"dispatched\", stop = \"accepted\" }",
            ),
            "rule[0].clocks[0].limit: '10x' is not a duration",
        );
        check(
            &clock("{ name = \"a\", limit = \"1h\", start = \"dispatch\", stop = \"accepted\" }"),
            "rule[0].clocks[0].start: unknown event type 'dispatch'",
        );
        check(
            &clock("{ name = \"a\", limit = \"1h\", start = \"dispatched\", stop = \"accepted\", calendar = \"lunar\" }"),
            "rule[0].clocks[0].calendar: unknown calendar 'lunar'",
        );
        check(
            &clock("{ name = \"a\", limit = \"1h\", start = \"dispatched\", stop = \"accepted\", warning = 1.5 }"),
            "rule[0].clocks[0].warning",
        );
        check(
            &clock("{ name = \"a\", limit = \"0m\", start = \"dispatched\", stop = \"accepted\" }"),
            "longer than zero",
        );
        check(
            &clock("{ name = \"a\", limit = \"1h\", start = \"suspended\", stop = \"accepted\" }"),
            "cannot start a clock",
        );
        check(
            "[[rule]]\nkind = \"fault\"\ngrade = \"platinum\"\n",
            "rule[0].grade[0]: unknown service grade 'platinum'",
        );
        check(
            "[[rule]]\nkind = \"fault\"\n[[rule]]\nkind = \"fault\"\n",
            "rule[1]: overlaps rule[0] for fault orders",
        );
        check(
            "[[rule]]\nkind = \"fault\"\nescalation = { after = \"1h\", clock = \"restore\" }\n",
            "rule[0].escalation.clock: 'restore' is not a clock",
        );
        check(
            "[[rule]]\nkind = \"fault\"\nlimit = \"1h\"\n",
            "not valid TOML",
        );
        check(
            "[calendars.x]\nopen = \"18:00\"\nclose = \"09:00\"\n",
            "calendars.x.close",
        );
        check(
            "[calendars.24x7]\nopen = \"00:00\"\nclose = \"24:00\"\n",
            "built-in",
        );
        let err = Policy::parse("version = 0\nvalid_from = \"2025-01-01T00:00:00+08:00\"")
            .unwrap_err()
            .to_string();
        assert!(err.contains("version"), "{err}");
        let err = Policy::parse("version = 1\nvalid_from = \"yesterday\"")
            .unwrap_err()
            .to_string();
        assert!(err.contains("valid_from"), "{err}");
    }

    #[test]
    fn durations_and_limits() {
        assert_eq!(parse_duration("10m"), Ok(600));
        assert_eq!(parse_duration("1h30m"), Ok(5400));
        assert_eq!(parse_duration("2d"), Ok(2 * DAY));
        assert!(parse_duration("h").is_err());
        assert!(parse_duration("10").is_err());
        assert!(parse_duration("99999999999999999999h").is_err());
        assert!(parse_duration("4000d").is_err());
        assert_eq!(parse_limit("3wd"), Ok(Limit::Workdays(3)));
        assert!(parse_limit("0wd").is_err());
        assert_eq!(parse_limit("4h"), Ok(Limit::Seconds(14400)));
    }

    #[test]
    fn toml_datetime_and_calendars() {
        let p = Policy::parse(
            "version = 2\nvalid_from = 2026-01-01T00:00:00+08:00\ntime_zone = \"+08:00\"\n\
             [calendars.night]\nopen = \"20:00\"\nclose = \"24:00\"\ndays = \"every-day\"\n",
        )
        .unwrap();
        assert_eq!(p.version, 2);
        assert_eq!(
            p.calendars["night"],
            Calendar::Hours {
                open: 72000,
                close: 86400,
                days: DaySet::EveryDay
            }
        );
        assert_eq!(p.calendar_name(Calendar::Always), Some("24x7"));
    }
}
