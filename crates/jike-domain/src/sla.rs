//! SLA clocks (时限) of one order: where they stand at an instant, and what a scheduler must
//! fire next.
//!
//! Two paths:
//!
//! - [`evaluate`], the lean one the scheduler's sweep calls for every open order: a resolved
//!   [`Rule`] (one [`Policy::lookup`]), the order's events as a slice of 16-byte [`EventAt`],
//!   an instant; it returns an [`Evaluation`], a `Copy` struct of fixed size, with no
//!   allocation, hashing or string work. `24x7` clocks are plain integer arithmetic; calendar
//!   clocks use the precomputed working-day tables of [`Workdays`]. [`Evaluation::next_due`]
//!   is the next instant the scheduler must wake up for the order.
//! - [`evaluate_order`], the checked one behind `jike sla evaluate` and the API: it validates
//!   the events against the order's state machine (`order.rs`), then builds a [`Report`], the
//!   JSON document of the contract.
//!
//! Semantics (all instants are Unix seconds; the report prints them RFC 3339 in the policy's
//! offset):
//!
//! - A clock starts at the first event of its start type and stops at the first event of its
//!   stop type after that. An order archived (`closed`) without the stop event freezes its
//!   running clocks at the closing instant (a cancelled order breaches nothing later). A
//!   `reopened` order (重开) runs its stopped clocks again from their original start: the
//!   service was not in fact restored, so the time in between counts.
//! - A clock whose start event has not happened is `pending`, with null times (and a null
//!   `limit_seconds` when its limit is in working days, since that depends on the start).
//! - An approved suspension (挂起, R-C3) pauses every running clock; `resumed` restarts them.
//!   `paused_seconds` is the suspended time, in the clock's calendar, while the clock ran.
//! - `deadline` is where the limit falls given the pauses so far; while paused, as if resumed
//!   at the evaluation instant. A limit in working days (`3wd`) has its base deadline by the
//!   24:00 rule (R-C2) and `limit_seconds` is the calendar's working time from the start to that
//!   base deadline; pauses extend it.
//! - `state`: `met` (stopped at or before the deadline), `breached` (stopped after it, or
//!   still running at or after it), `paused`, `running`, `pending`. `remaining_seconds` and
//!   `breached_by_seconds` are working seconds of the clock's calendar as of the evaluation
//!   instant for a running clock and as of `stopped_at` for a stopped one (so outside business
//!   hours a clock can be breached by 0 s).
//! - Escalation (joint handling 联合处理, R-F4, R-F5) happens at the instant the escalation clock's
//!   running time reaches `after` without it stopping; from then on a progress update falls
//!   due every `update_every` of wall time, suspensions included, strictly before the clock
//!   stops (R-F6).
//! - Warnings: at `warning` × limit of running time (80 % by default).
//! - Events later than the evaluation instant are not counted (the report warns).

use chrono::{DateTime, FixedOffset, Offset, SecondsFormat};
use serde::{Deserialize, Serialize};

use crate::calendar::{local_day, Bound, Workdays};
use crate::order::{Event, EventAt, EventError, Status};
use crate::policy::{Limit, Policy, PolicyError, Rule, MAX_CLOCKS};
use crate::vocab::{BusinessType, EventType, Grade, OrderKind, OrderState, Vocabulary};

/// Where a clock stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ClockState {
    /// Its start event has not happened.
    #[default]
    Pending,
    Running,
    /// Running, but the order is suspended (R-C3).
    Paused,
    /// Stopped at or before its deadline.
    Met,
    /// Stopped after its deadline, or still running at or after it.
    Breached,
}

impl ClockState {
    pub fn code(self) -> &'static str {
        match self {
            ClockState::Pending => "pending",
            ClockState::Running => "running",
            ClockState::Paused => "paused",
            ClockState::Met => "met",
            ClockState::Breached => "breached",
        }
    }
}

/// One clock at the evaluation instant; times are Unix seconds, durations working seconds of
/// the clock's calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ClockEval {
    pub state: ClockState,
    /// The limit in working seconds (0 while pending with a working-day limit).
    pub limit_secs: i64,
    pub started_at: Option<i64>,
    pub deadline: Option<i64>,
    pub warning_at: Option<i64>,
    pub stopped_at: Option<i64>,
    pub paused_secs: i64,
    pub remaining_secs: i64,
    pub breached_by_secs: i64,
}

/// What the scheduler must fire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DueKind {
    /// A clock reaches its warning threshold.
    Warning,
    /// A clock reaches its deadline.
    Breach,
    /// Escalation to joint handling (R-F4, R-F5).
    Escalation,
    /// A progress update falls due (R-F6).
    Update,
}

impl DueKind {
    pub fn code(self) -> &'static str {
        match self {
            DueKind::Warning => "warning",
            DueKind::Breach => "breach",
            DueKind::Escalation => "escalation",
            DueKind::Update => "update",
        }
    }
}

/// One upcoming timer instant: `clock` is an index in the rule's clocks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Due {
    pub kind: DueKind,
    pub clock: Option<u8>,
    pub at: i64,
}

/// The clocks of one order at one instant. `Copy`, fixed size, no allocation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Evaluation {
    /// The evaluation instant.
    pub at: i64,
    /// How many of `clocks` are used (the rule's clocks, in its order).
    pub len: u8,
    pub clocks: [ClockEval; MAX_CLOCKS],
    /// When the order escalated (joint handling), if it did.
    pub escalated_at: Option<i64>,
    /// When it will escalate if nothing changes (running escalation clock only).
    pub escalation_due: Option<i64>,
    /// Progress updates due so far: `updates_due` of them, the first at `first_update`, then
    /// every `update_every` seconds.
    pub updates_due: u32,
    pub first_update: Option<i64>,
    pub update_every: i64,
    /// The next progress update, while the escalation clock has not stopped.
    pub next_update: Option<i64>,
}

impl Evaluation {
    /// The evaluated clocks.
    pub fn clocks(&self) -> &[ClockEval] {
        &self.clocks[..usize::from(self.len).min(MAX_CLOCKS)]
    }

    /// The instants at which a progress update fell due (R-F6), oldest first.
    pub fn update_instants(&self) -> impl Iterator<Item = i64> + '_ {
        let first = self.first_update.unwrap_or(0);
        (0..i64::from(self.updates_due)).map(move |k| first + k * self.update_every)
    }

    /// Every upcoming timer instant (strictly after the evaluation instant), unsorted: the
    /// warning and the deadline of each running clock, the escalation, the next update.
    /// Paused clocks fire nothing: `resumed` is an event, and the order is evaluated again.
    pub fn dues(&self) -> impl Iterator<Item = Due> + '_ {
        let at = self.at;
        let clocks = self.clocks().iter().enumerate().flat_map(move |(i, c)| {
            let running = c.state == ClockState::Running;
            let warn = c.warning_at.filter(|w| running && *w > at).map(|w| Due {
                kind: DueKind::Warning,
                clock: Some(i as u8),
                at: w,
            });
            let breach = c.deadline.filter(|d| running && *d > at).map(|d| Due {
                kind: DueKind::Breach,
                clock: Some(i as u8),
                at: d,
            });
            warn.into_iter().chain(breach)
        });
        let esc = self.escalation_due.map(|e| Due {
            kind: DueKind::Escalation,
            clock: None,
            at: e,
        });
        let upd = self.next_update.map(|u| Due {
            kind: DueKind::Update,
            clock: None,
            at: u,
        });
        clocks.chain(esc).chain(upd)
    }

    /// The earliest upcoming timer instant: when the scheduler must look at the order again.
    pub fn next_due(&self) -> Option<Due> {
        self.dues().min_by_key(|d| d.at)
    }
}

struct Walk {
    running: i64,
    paused: i64,
    reach: [i64; 3],
    suspended: bool,
}

/// Walks the running segments of a clock started at `s`, up to `x` (its stop, or the
/// evaluation instant): the running and paused working time up to `x`, and the instants at
/// which the running time reaches each target (projected past `x` with no further pause; an
/// open suspension ends at `x`).
#[inline]
fn walk(cal: &Bound, events: &[EventAt], s: i64, x: i64, targets: &[i64]) -> Walk {
    let mut cursor = s;
    let mut acc = 0i64;
    let mut paused = 0i64;
    let mut reach = [i64::MAX; 3];
    let n = targets.len().min(3);
    let mut found = 0usize;
    let mut done = [false; 3];
    let mut pause = |p: i64, r: i64, cursor: &mut i64, acc: &mut i64| {
        let a = p.max(*cursor);
        let b = r.min(x);
        if a >= b {
            return;
        }
        let w = cal.work(*cursor, a);
        if found < n {
            for j in 0..n {
                if !done[j] && *acc + w >= targets[j] {
                    reach[j] = cal.add(*cursor, targets[j] - *acc);
                    done[j] = true;
                    found += 1;
                }
            }
        }
        *acc += w;
        paused += cal.work(a, b);
        *cursor = b;
    };
    let mut since: Option<i64> = None;
    for e in events {
        match e.kind {
            EventType::Suspended if since.is_none() => since = Some(e.at),
            EventType::Resumed => {
                if let Some(p) = since.take() {
                    pause(p, e.at, &mut cursor, &mut acc);
                }
            }
            _ => {}
        }
    }
    if let Some(p) = since {
        pause(p, x, &mut cursor, &mut acc);
    }
    for j in 0..n {
        if !done[j] {
            reach[j] = cal.add(cursor, targets[j] - acc);
        }
    }
    Walk {
        running: acc + cal.work(cursor, x),
        paused,
        reach,
        suspended: since.is_some(),
    }
}

/// Evaluates the clocks of an order at `at` (the scheduler's lean path; see the module doc).
/// `events` must be in time order (as [`Status::fold`] checks); events after `at` are not
/// counted. Never panics, whatever the input.
pub fn evaluate(rule: &Rule, days: &Workdays, events: &[EventAt], at: i64) -> Evaluation {
    let events = &events[..events.partition_point(|e| e.at <= at)];
    let mut out = Evaluation {
        at,
        len: rule.clocks.len().min(MAX_CLOCKS) as u8,
        clocks: [ClockEval::default(); MAX_CLOCKS],
        escalated_at: None,
        escalation_due: None,
        updates_due: 0,
        first_update: None,
        update_every: 0,
        next_update: None,
    };
    let esc = rule.escalation.as_ref();
    for (i, spec) in rule.clocks.iter().enumerate().take(MAX_CLOCKS) {
        let mut start = None;
        let mut stop = None;
        for e in events {
            if start.is_none() {
                if e.kind == spec.start {
                    start = Some(e.at);
                }
            } else if e.kind == EventType::Reopened {
                stop = None;
            } else if stop.is_none() && (e.kind == spec.stop || e.kind == EventType::Closed) {
                stop = Some(e.at);
            }
        }
        let Some(s) = start else {
            out.clocks[i] = ClockEval {
                limit_secs: match spec.limit {
                    Limit::Seconds(l) => l,
                    Limit::Workdays(_) => 0,
                },
                ..ClockEval::default()
            };
            continue;
        };
        let cal = spec.calendar.bind(days, rule.offset);
        let limit = match spec.limit {
            Limit::Seconds(l) => l,
            Limit::Workdays(n) => cal.work(s, days.add_workdays(s, n, rule.offset)),
        };
        let x = stop.unwrap_or(at).max(s);
        let warn = limit * i64::from(spec.warning_permille) / 1000;
        let escalates = esc.filter(|e| e.clock == i);
        let w = match escalates {
            Some(e) => walk(&cal, events, s, x, &[warn, limit, e.after_secs]),
            None => walk(&cal, events, s, x, &[warn, limit]),
        };
        let deadline = w.reach[1];
        let state = match stop {
            Some(t) if t <= deadline => ClockState::Met,
            Some(_) => ClockState::Breached,
            None if at >= deadline => ClockState::Breached,
            None if w.suspended => ClockState::Paused,
            None => ClockState::Running,
        };
        out.clocks[i] = ClockEval {
            state,
            limit_secs: limit,
            started_at: Some(s),
            deadline: Some(deadline),
            warning_at: Some(w.reach[0]),
            stopped_at: stop,
            paused_secs: w.paused,
            remaining_secs: (limit - w.running).max(0),
            breached_by_secs: (w.running - limit).max(0),
        };
        if let Some(e) = escalates {
            let when = w.reach[2];
            let escalated = match stop {
                Some(t) => when < t,
                None => when <= at,
            };
            if escalated {
                out.escalated_at = Some(when);
                if let Some(every) = e.update_every_secs.filter(|u| *u > 0) {
                    out.update_every = every;
                    let n = match stop {
                        Some(t) => (t - when - 1).max(0) / every,
                        None => (at - when) / every,
                    };
                    out.updates_due = u32::try_from(n).unwrap_or(u32::MAX);
                    if n > 0 {
                        out.first_update = Some(when + every);
                    }
                    if stop.is_none() {
                        out.next_update = Some(when + (n + 1) * every);
                    }
                }
            } else if stop.is_none() && !w.suspended {
                out.escalation_due = Some(when);
            }
        }
    }
    out
}

// ---- the checked path and its JSON ---------------------------------------------------------

/// Bad input to the checked path: the message names the field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InputError {
    #[error("the events file is not valid JSON: {0}")]
    Json(String),
    #[error("{field}: {message}")]
    Field { field: String, message: String },
}

/// Anything that stops an evaluation.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SlaError {
    #[error(transparent)]
    Input(#[from] InputError),
    #[error(transparent)]
    Policy(#[from] PolicyError),
    #[error(transparent)]
    Event(#[from] EventError),
}

/// The order an events file is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OrderHeader {
    pub kind: OrderKind,
    pub grade: Grade,
    pub business_type: Option<BusinessType>,
}

/// One order with its events, as read from the events file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderInput {
    pub order: OrderHeader,
    pub events: Vec<Event>,
}

#[derive(Deserialize)]
struct RawInput {
    order: Option<RawOrder>,
    events: Option<Vec<RawEvent>>,
}

#[derive(Deserialize)]
struct RawOrder {
    kind: Option<String>,
    grade: Option<String>,
    business_type: Option<String>,
}

#[derive(Deserialize)]
struct RawEvent {
    #[serde(rename = "type")]
    kind: Option<String>,
    at: Option<String>,
    #[serde(alias = "who")]
    by: Option<String>,
    note: Option<String>,
    reason: Option<String>,
    approved_by: Option<String>,
}

fn field(field: impl Into<String>, message: impl Into<String>) -> InputError {
    InputError::Field {
        field: field.into(),
        message: message.into(),
    }
}

/// Parses an RFC 3339 time with its offset into Unix seconds (a fraction of a second is
/// dropped); `what` names the field in the error.
pub fn parse_time(text: &str, what: &str) -> Result<i64, InputError> {
    DateTime::parse_from_rfc3339(text.trim())
        .map(|t| t.timestamp())
        .map_err(|_| {
            field(
                what,
                format!(
                    "'{}' is not an RFC 3339 time with its offset, e.g. 2025-10-01T10:00:00+08:00",
                    text.chars().take(60).collect::<String>()
                ),
            )
        })
}

/// Formats Unix seconds as RFC 3339 in the offset, e.g. `2025-10-01T10:00:00+08:00`.
pub fn format_time(t: i64, offset: i32) -> String {
    let tz = FixedOffset::east_opt(offset).unwrap_or(chrono::Utc.fix());
    match DateTime::from_timestamp(t, 0) {
        Some(d) => d
            .with_timezone(&tz)
            .to_rfc3339_opts(SecondsFormat::Secs, false),
        None => t.to_string(),
    }
}

/// Parses an events file:
/// `{"order": {"kind", "grade", "business_type"?}, "events": [{"type", "at", "by"?, "note"?,
/// "reason"?, "approved_by"?}, …]}`. Kinds, grades and business types accept codes or Chinese
/// names; event types too. Events are not checked against the state machine here.
pub fn parse_order_json(text: &str) -> Result<OrderInput, InputError> {
    let raw: RawInput = serde_json::from_str(text).map_err(|e| InputError::Json(e.to_string()))?;
    let order = raw.order.ok_or_else(|| field("order", "missing"))?;
    let kind = order
        .kind
        .as_deref()
        .ok_or_else(|| field("order.kind", "missing"))
        .and_then(|k| OrderKind::parse(k).map_err(|e| field("order.kind", e.to_string())))?;
    let grade = order
        .grade
        .as_deref()
        .ok_or_else(|| field("order.grade", "missing"))
        .and_then(|g| Grade::parse(g).map_err(|e| field("order.grade", e.to_string())))?;
    let business_type = match order.business_type.as_deref() {
        None => None,
        Some(b) if b.trim().is_empty() => None,
        Some(b) => {
            Some(BusinessType::parse(b).map_err(|e| field("order.business_type", e.to_string()))?)
        }
    };
    let raw_events = raw.events.ok_or_else(|| field("events", "missing"))?;
    let mut events = Vec::with_capacity(raw_events.len());
    for (i, e) in raw_events.into_iter().enumerate() {
        let kind = e
            .kind
            .as_deref()
            .ok_or_else(|| field(format!("events[{i}].type"), "missing"))
            .and_then(|k| {
                EventType::parse(k)
                    .map_err(|err| field(format!("events[{i}].type"), err.to_string()))
            })?;
        let at =
            e.at.as_deref()
                .ok_or_else(|| field(format!("events[{i}].at"), "missing"))
                .and_then(|t| parse_time(t, &format!("events[{i}].at")))?;
        events.push(Event {
            kind,
            at,
            by: e.by,
            note: e.note,
            reason: e.reason,
            approved_by: e.approved_by,
        });
    }
    Ok(OrderInput {
        order: OrderHeader {
            kind,
            grade,
            business_type,
        },
        events,
    })
}

/// The JSON answer of `jike sla evaluate` (and later of the API). The contract's fields are
/// `clocks`, `escalations` and `updates_due`; the rest is added information.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    pub clocks: Vec<ClockReport>,
    pub escalations: Vec<EscalationReport>,
    pub updates_due: Vec<String>,
    /// The order's state as of the evaluation instant.
    pub state: OrderState,
    /// Upcoming timer instants, soonest first.
    pub next_due: Vec<DueReport>,
    pub warnings: Vec<String>,
    pub at: String,
    pub order: OrderReport,
    pub policy: PolicyReport,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClockReport {
    pub name: String,
    /// Null while pending with a working-day limit.
    pub limit_seconds: Option<i64>,
    pub started_at: Option<String>,
    pub deadline: Option<String>,
    pub stopped_at: Option<String>,
    pub paused_seconds: i64,
    pub state: &'static str,
    pub remaining_seconds: Option<i64>,
    pub breached_by_seconds: i64,
    /// The limit as the policy writes it (`4h`, `3wd`).
    pub limit: String,
    pub calendar: String,
    pub warning_at: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EscalationReport {
    pub kind: String,
    pub at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DueReport {
    pub kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub clock: Option<String>,
    pub at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OrderReport {
    pub kind: OrderKind,
    pub grade: Grade,
    pub business_type: Option<BusinessType>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PolicyReport {
    pub version: u32,
    /// The index of the `[[rule]]` that applied, from 0.
    pub rule: usize,
}

/// The most progress-update instants a report lists.
pub const MAX_LISTED_UPDATES: u32 = 10_000;

/// The checked path: looks the rule up, checks the events against the order's state machine
/// (time order, transitions, R-C3 reason and approver, R-F10 observation) and evaluates at
/// `at`.
pub fn evaluate_order(
    policy: &Policy,
    days: &Workdays,
    input: &OrderInput,
    at: i64,
) -> Result<Report, SlaError> {
    let o = input.order;
    let rule = policy.lookup(o.kind, o.grade, o.business_type)?;
    let start = Status::new(o.kind).with_observation(rule.observation_secs);
    start.fold(&input.events)?;
    let counted = input.events.partition_point(|e| e.at <= at);
    let state = start
        .fold(&input.events[..counted])
        .map(|s| s.state)
        .unwrap_or(OrderState::New);
    let stamps: Vec<EventAt> = input.events.iter().map(Event::stamp).collect();
    let ev = evaluate(rule, days, &stamps, at);
    let off = policy.offset;
    let fmt = |t: i64| format_time(t, off);

    let mut warnings = Vec::new();
    if counted < input.events.len() {
        warnings.push(format!(
            "{} event(s) after --at were not counted (events[{}] onwards)",
            input.events.len() - counted,
            counted
        ));
    }
    let mut clocks = Vec::with_capacity(rule.clocks.len());
    for (spec, c) in rule.clocks.iter().zip(ev.clocks()) {
        let pending = c.state == ClockState::Pending;
        let wd = matches!(spec.limit, Limit::Workdays(_));
        if let (Some(s), Some(d)) = (c.started_at, c.deadline) {
            if spec.calendar.uses_cn_workdays() || wd {
                let end = d.max(c.stopped_at.unwrap_or(at));
                let missing = days.missing_years(local_day(s, off), local_day(end, off));
                for y in missing {
                    warnings.push(format!(
                        "clock '{}': no working-day calendar for {y}, counted Monday to Friday in it (R-C2); load that year's schedule",
                        spec.name
                    ));
                }
            }
        }
        clocks.push(ClockReport {
            name: spec.name.clone(),
            limit_seconds: (!(pending && wd)).then_some(c.limit_secs),
            started_at: c.started_at.map(fmt),
            deadline: c.deadline.map(fmt),
            stopped_at: c.stopped_at.map(fmt),
            paused_seconds: c.paused_secs,
            state: c.state.code(),
            remaining_seconds: if pending {
                (!wd).then_some(c.limit_secs)
            } else {
                Some(c.remaining_secs)
            },
            breached_by_seconds: c.breached_by_secs,
            limit: spec.limit_text.clone(),
            calendar: spec.calendar_name.clone(),
            warning_at: c.warning_at.map(fmt),
        });
    }
    let escalations = match (ev.escalated_at, &rule.escalation) {
        (Some(t), Some(e)) => vec![EscalationReport {
            kind: e.kind.clone(),
            at: fmt(t),
        }],
        _ => Vec::new(),
    };
    if ev.updates_due > MAX_LISTED_UPDATES {
        warnings.push(format!(
            "{} progress updates fell due; only the first {MAX_LISTED_UPDATES} are listed",
            ev.updates_due
        ));
    }
    let updates_due = ev
        .update_instants()
        .take(MAX_LISTED_UPDATES as usize)
        .map(fmt)
        .collect();
    let mut dues: Vec<Due> = ev.dues().collect();
    dues.sort_by_key(|d| (d.at, d.kind as u8, d.clock));
    let next_due = dues
        .into_iter()
        .map(|d| DueReport {
            kind: d.kind.code(),
            clock: d
                .clock
                .and_then(|i| rule.clocks.get(usize::from(i)))
                .map(|c| c.name.clone()),
            at: fmt(d.at),
        })
        .collect();
    Ok(Report {
        clocks,
        escalations,
        updates_due,
        state,
        next_due,
        warnings,
        at: fmt(at),
        order: OrderReport {
            kind: o.kind,
            grade: o.grade,
            business_type: o.business_type,
        },
        policy: PolicyReport {
            version: policy.version,
            rule: rule.index,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::CHINA_OFFSET;
    use crate::policy::DEFAULT_POLICY_TOML;
    use proptest::prelude::*;
    use EventType as E;

    const H: i64 = 3600;
    const M: i64 = 60;

    fn t(s: &str) -> i64 {
        parse_time(s, "t").unwrap()
    }
    fn show(x: i64) -> String {
        format_time(x, CHINA_OFFSET)
    }
    fn policy() -> Policy {
        Policy::parse(DEFAULT_POLICY_TOML).unwrap()
    }
    fn at(kind: EventType, x: i64) -> EventAt {
        EventAt { kind, at: x }
    }

    /// A gold fault with a suspension, an escalation to joint handling and its hourly updates
    /// (R-F4, R-F6, R-C3), checked by hand.
    #[test]
    fn gold_fault_with_suspension_and_joint_handling() {
        let p = policy();
        let days = Workdays::builtin();
        let rule = p
            .lookup(OrderKind::Fault, Grade::Gold, Some(BusinessType::DataLine))
            .unwrap();
        let t0 = t("2025-10-01T10:00:00+08:00");
        let events = [
            at(E::Occurred, t0),
            at(E::Dispatched, t0 + 2 * M),
            at(E::Accepted, t0 + 8 * M), // accept: 6 min of 10: met
            at(E::CustomerContacted, t0 + 20 * M), // contact: 18 min of 15: breached by 3
            at(E::Suspended, t0 + 30 * M), // the customer refuses access (R-C3)
            at(E::Resumed, t0 + 60 * M), // 30 min paused
            at(E::OnSite, t0 + 100 * M), // on site: 70 min of running time of 2 h: met
            at(E::Restored, t0 + 4 * H + 30 * M), // restore: 4h30 − 30 min paused = 4 h: met
        ];
        // As of 13:00: not restored, escalated.
        let e = evaluate(rule, &days, &events[..7], t0 + 3 * H);
        let c = e.clocks();
        assert_eq!(c[0].state, ClockState::Met);
        assert_eq!(c[0].remaining_secs, 4 * M);
        assert_eq!(c[1].state, ClockState::Breached);
        assert_eq!(c[1].breached_by_secs, 3 * M);
        assert_eq!(c[1].remaining_secs, 0);
        assert_eq!(c[2].state, ClockState::Met);
        assert_eq!(c[2].paused_secs, 30 * M);
        let restore = c[3];
        assert_eq!(restore.state, ClockState::Running);
        assert_eq!(restore.paused_secs, 30 * M);
        // R-C3: the 30 min suspension moves the deadline: 14:00 + 30 min.
        assert_eq!(show(restore.deadline.unwrap()), "2025-10-01T14:30:00+08:00");
        assert_eq!(restore.remaining_secs, 4 * H - (3 * H - 30 * M));
        // Warning at 80 % of 4 h = 3h12 of running time.
        assert_eq!(
            show(restore.warning_at.unwrap()),
            "2025-10-01T13:42:00+08:00"
        );
        // R-F4: 1 h of running time without restoration: 11:00 + 30 min paused = 11:30.
        assert_eq!(show(e.escalated_at.unwrap()), "2025-10-01T11:30:00+08:00");
        // R-F6: hourly after 11:30, so by 13:00 one update fell due, the next at 13:30.
        let updates: Vec<_> = e.update_instants().map(show).collect();
        assert_eq!(updates, ["2025-10-01T12:30:00+08:00"]);
        assert_eq!(show(e.next_update.unwrap()), "2025-10-01T13:30:00+08:00");
        let next = e.next_due().unwrap();
        assert_eq!(
            (next.kind, show(next.at).as_str()),
            (DueKind::Update, "2025-10-01T13:30:00+08:00")
        );

        // Restored at 14:30: met with 4 h of running time exactly; updates fell due at 12:30
        // and 13:30, not at 14:30 (strictly before restoration).
        let e = evaluate(rule, &days, &events, t0 + 6 * H);
        let restore = e.clocks()[3];
        assert_eq!(restore.state, ClockState::Met);
        assert_eq!(restore.remaining_secs, 0);
        assert_eq!(restore.stopped_at, Some(t0 + 4 * H + 30 * M));
        let updates: Vec<_> = e.update_instants().map(show).collect();
        assert_eq!(
            updates,
            ["2025-10-01T12:30:00+08:00", "2025-10-01T13:30:00+08:00"]
        );
        assert_eq!(e.next_update, None);
        assert_eq!(e.next_due(), None);
    }

    /// While suspended, the clock is paused and its deadline is as if it resumed now; updates
    /// keep falling due during the suspension (R-F6, suspensions included).
    #[test]
    fn paused_clock_and_updates_during_suspension() {
        let p = policy();
        let days = Workdays::builtin();
        let rule = p.lookup(OrderKind::Fault, Grade::Silver, None).unwrap();
        let t0 = t("2025-12-31T22:00:00+08:00");
        let events = [
            at(E::Occurred, t0),
            at(E::Dispatched, t0),
            at(E::Accepted, t0 + 10 * M),
            at(E::Suspended, t0 + 4 * H),
        ];
        let e = evaluate(rule, &days, &events, t0 + 6 * H);
        let restore = e.clocks()[3];
        assert_eq!(restore.state, ClockState::Paused);
        assert_eq!(restore.paused_secs, 2 * H);
        // 8 h limit, 4 h run: as if resumed at 04:00 → 08:00 on 1 January.
        assert_eq!(show(restore.deadline.unwrap()), "2026-01-01T08:00:00+08:00");
        // Silver escalates after 3 h (R-F5): 01:00; updates 02:00, 03:00, 04:00 (suspended
        // from 02:00 on, still due).
        assert_eq!(show(e.escalated_at.unwrap()), "2026-01-01T01:00:00+08:00");
        assert_eq!(e.updates_due, 3);
        assert_eq!(show(e.next_update.unwrap()), "2026-01-01T05:00:00+08:00");
        // A paused clock fires nothing; the update does.
        assert!(e.dues().all(|d| d.kind == DueKind::Update));
        // The contact clock never stopped: breached.
        assert_eq!(e.clocks()[1].state, ClockState::Breached);
    }

    /// R-W1, R-C2: the documents of a handover passed on 2025-09-30 at 18:00 are due at
    /// 2025-10-12T00:00:00+08:00.
    #[test]
    fn handover_documents_due_in_working_days() {
        let p = policy();
        let days = Workdays::builtin();
        let rule = p.lookup(OrderKind::Handover, Grade::Gold, None).unwrap();
        let passed = t("2025-09-30T18:00:00+08:00");
        let events = [
            at(E::Dispatched, t("2025-09-29T09:00:00+08:00")),
            at(E::Accepted, t("2025-09-29T10:00:00+08:00")),
            at(E::Passed, passed),
        ];
        let e = evaluate(rule, &days, &events, t("2025-10-09T12:00:00+08:00"));
        let docs = e.clocks()[1];
        assert_eq!(show(docs.deadline.unwrap()), "2025-10-12T00:00:00+08:00");
        // cn-workday counts whole working days: 6 h on 30 Sep + 9, 10 and 11 Oct.
        assert_eq!(docs.limit_secs, 6 * H + 3 * 24 * H);
        assert_eq!(docs.state, ClockState::Running);
        // By 9 Oct noon: 6 h + 12 h used (the holidays do not count).
        assert_eq!(docs.remaining_secs, docs.limit_secs - 18 * H);
        // Accept clock in business hours: 1 h of 4: met.
        assert_eq!(e.clocks()[0].state, ClockState::Met);
        // Delivered on Sunday 12 Oct: one second late is breached, by 0 working seconds (a
        // Sunday does not count).
        let mut late = events.to_vec();
        late.push(at(E::DocumentsDelivered, t("2025-10-12T10:00:00+08:00")));
        let e = evaluate(rule, &days, &late, t("2025-10-13T00:00:00+08:00"));
        assert_eq!(e.clocks()[1].state, ClockState::Breached);
        assert_eq!(e.clocks()[1].breached_by_secs, 0);
    }

    #[test]
    fn pending_clocks_and_events_after_at() {
        let p = policy();
        let days = Workdays::builtin();
        let rule = p.lookup(OrderKind::Handover, Grade::Gold, None).unwrap();
        let events = [
            at(E::Dispatched, 100),
            at(E::Accepted, 200),
            at(E::Passed, 300),
        ];
        let e = evaluate(rule, &days, &events, 250);
        assert_eq!(e.clocks()[1].state, ClockState::Pending);
        assert_eq!(e.clocks()[1].started_at, None);
        assert_eq!(e.clocks()[1].limit_secs, 0);
        assert_eq!(e.clocks()[0].state, ClockState::Met);
    }

    /// A reopened order's restore clock runs again from its start; a closed one freezes.
    #[test]
    fn reopened_and_closed() {
        let p = policy();
        let days = Workdays::builtin();
        let rule = p.lookup(OrderKind::Fault, Grade::Diamond, None).unwrap();
        let ev = [
            at(E::Occurred, 0),
            at(E::Dispatched, 0),
            at(E::Accepted, 60),
            at(E::Restored, H),
            at(E::Reopened, 3 * H),
        ];
        let e = evaluate(rule, &days, &ev, 5 * H);
        let r = e.clocks()[3];
        assert_eq!(r.state, ClockState::Breached);
        assert_eq!(r.stopped_at, None);
        assert_eq!(r.breached_by_secs, H);
        // Escalated at 1 h? Restored exactly at 1 h: not before, so no escalation then; after
        // the reopen the clock ran past 1 h long ago.
        assert_eq!(e.escalated_at, Some(H));
        let closed = [
            at(E::Occurred, 0),
            at(E::Dispatched, 0),
            at(E::Rejected, 60),
            at(E::Closed, 120),
        ];
        let e = evaluate(rule, &days, &closed, 10 * H);
        assert!(
            e.clocks().iter().all(|c| c.state == ClockState::Met),
            "{:?}",
            e.clocks()
        );
        assert_eq!(e.escalated_at, None);
        assert_eq!(e.next_due(), None);
    }

    #[test]
    fn next_due_lists_warning_breach_and_escalation() {
        let p = policy();
        let days = Workdays::builtin();
        let rule = p.lookup(OrderKind::Fault, Grade::Gold, None).unwrap();
        let ev = [at(E::Occurred, 0), at(E::Dispatched, 0)];
        let e = evaluate(rule, &days, &ev, 60);
        let mut d: Vec<_> = e.dues().map(|d| (d.kind, d.clock, d.at)).collect();
        d.sort_by_key(|x| x.2);
        assert_eq!(d[0], (DueKind::Warning, Some(0), 480)); // accept: 80 % of 10 min
        assert_eq!(d[1], (DueKind::Breach, Some(0), 600));
        assert!(d.contains(&(DueKind::Escalation, None, H)));
        assert_eq!(e.next_due().unwrap().at, 480);
    }

    fn input(kind: &str, events: &str) -> OrderInput {
        parse_order_json(&format!(
            r#"{{"order": {{"kind": "{kind}", "grade": "金牌", "business_type": "数据专线"}}, "events": [{events}]}}"#
        ))
        .unwrap()
    }

    #[test]
    fn checked_path_reports_and_refuses() {
        let p = policy();
        let days = Workdays::builtin();
        let ok = input(
            "故障",
            r#"{"type": "occurred", "at": "2025-10-01T10:00:00+08:00"},
               {"type": "派单", "at": "2025-10-01T10:02:00+08:00"}"#,
        );
        let r = evaluate_order(&p, &days, &ok, t("2025-10-01T10:05:00+08:00")).unwrap();
        assert_eq!(r.state, OrderState::Dispatched);
        assert_eq!(r.clocks[0].state, "running");
        assert_eq!(r.next_due[0].kind, "warning");
        assert_eq!(r.next_due[0].clock.as_deref(), Some("accept"));
        let json = serde_json::to_value(&r).unwrap();
        assert_eq!(json["clocks"][3]["limit_seconds"], 14400);
        assert_eq!(json["clocks"][3]["started_at"], "2025-10-01T10:00:00+08:00");

        // Resumed without suspended.
        let bad = input(
            "fault",
            r#"{"type": "occurred", "at": "2025-10-01T10:00:00+08:00"},
               {"type": "resumed", "at": "2025-10-01T10:02:00+08:00"}"#,
        );
        let err = evaluate_order(&p, &days, &bad, 0).unwrap_err().to_string();
        assert!(
            err.starts_with("events[1]: 'resumed' is not allowed"),
            "{err}"
        );
        // Suspended without approval (R-C3).
        let bad = input(
            "fault",
            r#"{"type": "dispatched", "at": "2025-10-01T10:00:00+08:00"},
               {"type": "accepted", "at": "2025-10-01T10:01:00+08:00"},
               {"type": "suspended", "at": "2025-10-01T10:02:00+08:00", "reason": "客户拒绝进场"}"#,
        );
        let err = evaluate_order(&p, &days, &bad, 0).unwrap_err().to_string();
        assert!(
            err.contains("events[2]") && err.contains("approved_by"),
            "{err}"
        );
        // Unknown event type, bad time, missing field.
        let e = |events: &str| {
            parse_order_json(&format!(
                r#"{{"order": {{"kind": "fault", "grade": "gold"}}, "events": [{events}]}}"#
            ))
            .unwrap_err()
            .to_string()
        };
        assert!(
            e(r#"{"type": "exploded", "at": "2025-10-01T10:00:00+08:00"}"#)
                .starts_with("events[0].type: unknown event type 'exploded'")
        );
        assert!(e(r#"{"type": "occurred", "at": "2025-10-01 10:00"}"#)
            .starts_with("events[0].at: '2025-10-01 10:00' is not an RFC 3339 time"));
        assert!(e(r#"{"at": "2025-10-01T10:00:00+08:00"}"#).starts_with("events[0].type: missing"));
        assert!(parse_order_json("{")
            .unwrap_err()
            .to_string()
            .contains("not valid JSON"));
        let err =
            parse_order_json(r#"{"order": {"kind": "fault", "grade": "platinum"}, "events": []}"#)
                .unwrap_err()
                .to_string();
        assert!(
            err.starts_with("order.grade: unknown service grade"),
            "{err}"
        );
    }

    #[test]
    fn missing_calendar_years_warn() {
        let p = policy();
        let days = Workdays::builtin();
        let i = input(
            "handover",
            r#"{"type": "dispatched", "at": "2026-12-28T09:00:00+08:00"},
               {"type": "accepted", "at": "2026-12-28T09:30:00+08:00"},
               {"type": "passed", "at": "2026-12-30T16:00:00+08:00"}"#,
        );
        let r = evaluate_order(&p, &days, &i, t("2026-12-31T09:00:00+08:00")).unwrap();
        assert!(
            r.warnings
                .iter()
                .any(|w| w.contains("2027") && w.contains("R-C2")),
            "{:?}",
            r.warnings
        );
        // Monday to Friday in 2027: 30 Dec (Wed) + 31 Dec, 1 Jan (Fri), 4 Jan (Mon).
        assert_eq!(
            r.clocks[1].deadline.as_deref(),
            Some("2027-01-05T00:00:00+08:00")
        );
    }

    proptest! {
        /// In 24x7, deadline − start = limit + paused, for any pauses before the deadline
        /// (R-C3), and paused time is the sum of the suspensions.
        #[test]
        fn pauses_extend_the_deadline(
            gaps in proptest::collection::vec((1i64..4 * H, 1i64..2 * H), 0..5),
            tail in 0i64..10 * H,
        ) {
            let p = policy();
            let days = Workdays::builtin();
            let rule = p.lookup(OrderKind::Fault, Grade::Standard, None).unwrap();
            let mut events = vec![at(E::Occurred, 0), at(E::Dispatched, 0), at(E::Accepted, 1)];
            let mut x = 1;
            let mut paused = 0;
            for (run, pause) in &gaps {
                x += run;
                events.push(at(E::Suspended, x));
                x += pause;
                paused += pause;
                events.push(at(E::Resumed, x));
            }
            let now = x + tail;
            let e = evaluate(rule, &days, &events, now);
            let restore = e.clocks()[3];
            let limit = 24 * H;
            if x - paused < limit {
                prop_assert_eq!(restore.deadline.unwrap(), limit + paused);
                prop_assert_eq!(restore.paused_secs, paused);
                prop_assert_eq!(restore.remaining_secs, (limit - (now - paused)).max(0));
            }
            // Escalation (3 h of running time) lands outside any suspension.
            if let Some(esc) = e.escalated_at {
                prop_assert!(esc <= now);
                let inside = events.windows(2).any(|w| w[0].kind == E::Suspended && w[0].at < esc && esc < w[1].at);
                prop_assert!(!inside);
            }
        }
    }
}
