//! Work orders (工单), EOMS style: every change is an append-only [`Event`] (who, when, what,
//! note) and the order's state is derived from its events ([`derive_state`]).
//!
//! Fault (故障) and complaint (投诉, R-F11) orders:
//!
//! ```text
//! new ─dispatched─▶ dispatched ─accepted─▶ accepted ─customer_contacted|en_route|on_site─▶ in_progress
//!   (occurred: the fault's time, in new)         │                                            │
//!                          ▲  rejected (驳回)     │ restored                           restored │
//!            reassigned ───┘  reassigned (转派)   ▼                                            ▼
//!   restored (业务恢复) ─observing─▶ observing ─confirmed (≥ observation after restored, R-F10)─▶ confirmed
//!   confirmed ─replied─▶ replied ─closed─▶ closed (归档)        confirmed ─closed─▶ closed
//!   restored | observing | confirmed | replied | closed ─reopened (重开)─▶ in_progress
//!   accepted | in_progress ─suspended (reason + approved_by, R-C3)─▶ suspended ─resumed─▶ (back)
//! ```
//!
//! Planned work (inspection 巡检, provisioning 开通, resource survey 资源勘查, asset count 资产清点)
//! replaces restoration by `completed` (→ `completed`); handover acceptance (交维验收, R-W1) by
//! `passed` (验收通过, → `passed`) then `documents_delivered` (资料移交, → `completed`). Both go
//! on with `replied` and `closed`, and may be reopened.
//!
//! The rooms work in parallel (R-F2, R-F4): once dispatched, `customer_contacted`, `en_route`
//! and `on_site` may come before `accepted` (the support room calls the customer while the lead
//! room has not yet accepted); the order stays `dispatched` until accepted, then goes straight
//! to `in_progress`. Each activity stops its own clock.
//!
//! `update_published` (进展通报, R-F6) is accepted in every open state of a fault or complaint
//! and changes nothing; so does `assigned` (指派, a person of the contractor named) from
//! dispatch until the work is done (not before dispatch, while suspended, once restored work is
//! confirmed, nor once planned work is completed or a handover passed). Events must come in non-decreasing time order. Observation (R-F10) is
//! counted from the `restored` event; the `observing` event only records that the site lead
//! is observing (the state `observing`), and is optional.

use crate::vocab::{EventType, OrderKind, OrderState, Room};

/// R-F10: the default minimum observation after restoration for faults and complaints.
pub const DEFAULT_OBSERVATION_SECS: i64 = 3600;

/// One change of an order (工单事件): append-only; `at` is Unix seconds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub kind: EventType,
    pub at: i64,
    /// Who recorded it.
    pub by: Option<String>,
    pub note: Option<String>,
    /// R-C3: the reason of a suspension (挂起原因).
    pub reason: Option<String>,
    /// R-C3: who approved a suspension (审批人).
    pub approved_by: Option<String>,
}

impl Event {
    /// An event with no author, note, reason or approver.
    pub fn new(kind: EventType, at: i64) -> Event {
        Event {
            kind,
            at,
            by: None,
            note: None,
            reason: None,
            approved_by: None,
        }
    }

    /// The lean form the SLA evaluator reads.
    pub fn stamp(&self) -> EventAt {
        EventAt {
            kind: self.kind,
            at: self.at,
        }
    }
}

/// An event reduced to what the clocks need: its type and its instant (Unix seconds). 16 bytes,
/// `Copy`: the scheduler's sweep keeps these in one flat array.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventAt {
    pub kind: EventType,
    pub at: i64,
}

/// R-F2: the lead room (主导室) of a fault: the transport room (传送网室) for a transmission
/// alarm, the service support room (服务支撑室) otherwise.
pub fn lead_room(alarm_is_transmission: bool) -> Room {
    if alarm_is_transmission {
        Room::Transport
    } else {
        Room::ServiceSupport
    }
}

/// The events an order of `kind` accepts in `state`, whatever their time and fields.
pub fn allowed_events(kind: OrderKind, state: OrderState) -> &'static [EventType] {
    use EventType as E;
    use OrderState as S;
    if kind.is_incident() {
        match state {
            S::New => &[E::Occurred, E::Dispatched],
            // R-F2, R-F4: the rooms work in parallel, not in series: the support room may
            // contact the customer and people may head for the site before the lead room
            // has accepted; each activity stops its own clock.
            S::Dispatched => &[
                E::Accepted,
                E::CustomerContacted,
                E::EnRoute,
                E::OnSite,
                E::Rejected,
                E::Reassigned,
                E::UpdatePublished,
                E::Assigned,
            ],
            S::Rejected => &[E::Dispatched, E::Reassigned, E::Closed],
            S::Accepted => &[
                E::CustomerContacted,
                E::EnRoute,
                E::OnSite,
                E::Restored,
                E::Suspended,
                E::Rejected,
                E::Reassigned,
                E::UpdatePublished,
                E::Assigned,
            ],
            S::InProgress => &[
                E::CustomerContacted,
                E::EnRoute,
                E::OnSite,
                E::Restored,
                E::Suspended,
                E::Reassigned,
                E::UpdatePublished,
                E::Assigned,
            ],
            S::Suspended => &[E::Resumed, E::UpdatePublished],
            S::Restored => &[
                E::Observing,
                E::Confirmed,
                E::Reopened,
                E::UpdatePublished,
                E::Assigned,
            ],
            S::Observing => &[E::Confirmed, E::Reopened, E::UpdatePublished, E::Assigned],
            S::Confirmed => &[E::Replied, E::Closed, E::Reopened],
            S::Replied => &[E::Closed, E::Reopened],
            S::Closed => &[E::Reopened],
            S::Passed | S::Completed => &[],
        }
    } else if kind == OrderKind::Handover {
        match state {
            S::New => &[E::Dispatched],
            S::Dispatched => &[E::Accepted, E::Rejected, E::Reassigned, E::Assigned],
            S::Rejected => &[E::Dispatched, E::Reassigned, E::Closed],
            S::Accepted => &[
                E::CustomerContacted,
                E::EnRoute,
                E::OnSite,
                E::Passed,
                E::Suspended,
                E::Rejected,
                E::Reassigned,
                E::Assigned,
            ],
            S::InProgress => &[
                E::CustomerContacted,
                E::EnRoute,
                E::OnSite,
                E::Passed,
                E::Suspended,
                E::Reassigned,
                E::Assigned,
            ],
            S::Passed => &[E::DocumentsDelivered, E::Suspended],
            S::Suspended => &[E::Resumed],
            S::Completed => &[E::Replied, E::Closed, E::Reopened],
            S::Replied => &[E::Closed, E::Reopened],
            S::Closed => &[E::Reopened],
            S::Restored | S::Observing | S::Confirmed => &[],
        }
    } else {
        match state {
            S::New => &[E::Dispatched],
            S::Dispatched => &[E::Accepted, E::Rejected, E::Reassigned, E::Assigned],
            S::Rejected => &[E::Dispatched, E::Reassigned, E::Closed],
            S::Accepted => &[
                E::CustomerContacted,
                E::EnRoute,
                E::OnSite,
                E::Completed,
                E::Suspended,
                E::Rejected,
                E::Reassigned,
                E::Assigned,
            ],
            S::InProgress => &[
                E::CustomerContacted,
                E::EnRoute,
                E::OnSite,
                E::Completed,
                E::Suspended,
                E::Reassigned,
                E::Assigned,
            ],
            S::Suspended => &[E::Resumed],
            S::Completed => &[E::Replied, E::Closed, E::Reopened],
            S::Replied => &[E::Closed, E::Reopened],
            S::Closed => &[E::Reopened],
            S::Restored | S::Observing | S::Confirmed | S::Passed => &[],
        }
    }
}

/// Why an event was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The event is not one the state accepts.
    NotAllowed,
    /// R-C3: a suspension without a reason.
    MissingReason,
    /// R-C3: a suspension without an approver.
    MissingApprover,
    /// R-F10: confirmed before the minimum observation after restoration.
    ObservationTooShort {
        observed_secs: i64,
        needed_secs: i64,
    },
    /// The event is earlier than the one before it.
    OutOfOrder { earlier_by_secs: i64 },
}

/// An event an order refuses in its state (HTTP 409 in the server), with the events it accepts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransitionError {
    pub from: OrderState,
    pub event: EventType,
    pub allowed: Vec<EventType>,
    pub refusal: Refusal,
}

impl std::fmt::Display for TransitionError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let allowed = if self.allowed.is_empty() {
            "none".to_string()
        } else {
            crate::vocab::join_codes(&self.allowed, ", ")
        };
        let (event, from) = (self.event, self.from);
        match self.refusal {
            Refusal::NotAllowed => write!(
                f,
                "'{event}' is not allowed on an order in state '{from}'; allowed: {allowed}"
            ),
            Refusal::MissingReason => write!(
                f,
                "'{event}' needs a reason: a suspension stops the clocks only with a recorded reason and approval (R-C3)"
            ),
            Refusal::MissingApprover => write!(
                f,
                "'{event}' needs approved_by: a suspension stops the clocks only with a recorded reason and approval (R-C3)"
            ),
            Refusal::ObservationTooShort {
                observed_secs,
                needed_secs,
            } => write!(
                f,
                "'{event}' is refused: the service has been observed for {observed_secs} s since restoration, at least {needed_secs} s are required (R-F10)"
            ),
            Refusal::OutOfOrder { earlier_by_secs } => write!(
                f,
                "'{event}' is out of time order: events are appended in non-decreasing time, and it is {} s earlier than the event before it",
                earlier_by_secs
            ),
        }
    }
}

impl std::error::Error for TransitionError {}

/// A refused event in a list of events, with its position (from 0).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("events[{index}]: {error}")]
pub struct EventError {
    pub index: usize,
    pub error: TransitionError,
}

/// The derived state of an order with what the rules need to judge the next event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Status {
    pub kind: OrderKind,
    pub state: OrderState,
    /// In `suspended`: the state `resumed` returns to.
    pub resume_to: Option<OrderState>,
    /// The last `restored` (since the last `reopened`).
    pub restored_at: Option<i64>,
    /// The instant of the last event.
    pub last_at: Option<i64>,
    /// Sub-steps of `in_progress` (处理中): customer contacted, en route, on site.
    pub customer_contacted: bool,
    pub en_route: bool,
    pub on_site: bool,
    /// R-F10: the minimum observation after restoration before `confirmed`.
    pub observation_secs: i64,
}

impl Status {
    /// A new order; faults and complaints need [`DEFAULT_OBSERVATION_SECS`] of observation
    /// (R-F10), use [`Status::with_observation`] to apply a policy's.
    pub fn new(kind: OrderKind) -> Status {
        Status {
            kind,
            state: OrderState::New,
            resume_to: None,
            restored_at: None,
            last_at: None,
            customer_contacted: false,
            en_route: false,
            on_site: false,
            observation_secs: if kind.is_incident() {
                DEFAULT_OBSERVATION_SECS
            } else {
                0
            },
        }
    }

    /// The same, with the minimum observation of a policy rule (R-F10).
    pub fn with_observation(mut self, secs: i64) -> Status {
        self.observation_secs = secs.max(0);
        self
    }

    /// Whether any sub-step of `in_progress` (contact, en route, on site) has been recorded.
    pub fn activity_started(&self) -> bool {
        self.customer_contacted || self.en_route || self.on_site
    }

    /// The events this order accepts now.
    pub fn allowed(&self) -> &'static [EventType] {
        allowed_events(self.kind, self.state)
    }

    /// Applies one event: the next status, or why the event is refused.
    pub fn apply(&self, event: &Event) -> Result<Status, TransitionError> {
        use EventType as E;
        use OrderState as S;
        let refuse = |refusal| TransitionError {
            from: self.state,
            event: event.kind,
            allowed: self.allowed().to_vec(),
            refusal,
        };
        if let Some(prev) = self.last_at {
            if event.at < prev {
                return Err(refuse(Refusal::OutOfOrder {
                    earlier_by_secs: prev - event.at,
                }));
            }
        }
        if !self.allowed().contains(&event.kind) {
            return Err(refuse(Refusal::NotAllowed));
        }
        let filled = |s: &Option<String>| s.as_deref().is_some_and(|s| !s.trim().is_empty());
        let mut next = *self;
        next.last_at = Some(event.at);
        next.state = match event.kind {
            // 指派 names who works the order; the order's state is unchanged.
            E::Occurred | E::UpdatePublished | E::Assigned => self.state,
            E::Dispatched | E::Reassigned => S::Dispatched,
            // Activities recorded before the lead room accepted (R-F4) put the order in
            // progress as soon as it is accepted.
            E::Accepted if self.activity_started() => S::InProgress,
            E::Accepted => S::Accepted,
            E::CustomerContacted | E::EnRoute | E::OnSite => {
                match event.kind {
                    E::CustomerContacted => next.customer_contacted = true,
                    E::EnRoute => next.en_route = true,
                    _ => next.on_site = true,
                }
                // Before acceptance (R-F4, parallel rooms) the order stays dispatched: the lead
                // room has still to accept it, and its clock still runs.
                if self.state == S::Dispatched {
                    S::Dispatched
                } else {
                    S::InProgress
                }
            }
            E::Suspended => {
                if !filled(&event.reason) {
                    return Err(refuse(Refusal::MissingReason));
                }
                if !filled(&event.approved_by) {
                    return Err(refuse(Refusal::MissingApprover));
                }
                next.resume_to = Some(self.state);
                S::Suspended
            }
            E::Resumed => {
                next.resume_to = None;
                self.resume_to.unwrap_or(S::InProgress)
            }
            E::Restored => {
                next.restored_at = Some(event.at);
                S::Restored
            }
            E::Observing => S::Observing,
            E::Confirmed => {
                let since = self.restored_at.unwrap_or(event.at);
                let observed = event.at - since;
                if observed < self.observation_secs {
                    return Err(refuse(Refusal::ObservationTooShort {
                        observed_secs: observed,
                        needed_secs: self.observation_secs,
                    }));
                }
                S::Confirmed
            }
            E::Replied => S::Replied,
            E::Closed => S::Closed,
            E::Rejected => S::Rejected,
            E::Reopened => {
                next.restored_at = None;
                S::InProgress
            }
            E::Passed => S::Passed,
            E::DocumentsDelivered | E::Completed => S::Completed,
        };
        Ok(next)
    }

    /// Folds a list of events onto this status; the first refused one is an error with its
    /// index.
    pub fn fold(self, events: &[Event]) -> Result<Status, EventError> {
        let mut s = self;
        for (index, e) in events.iter().enumerate() {
            s = s.apply(e).map_err(|error| EventError { index, error })?;
        }
        Ok(s)
    }
}

/// Applies one event to a status (see [`Status::apply`]).
pub fn apply(status: &Status, event: &Event) -> Result<Status, TransitionError> {
    status.apply(event)
}

/// The status of an order of `kind` after its events, with the default observation minimum
/// (R-F10); a policy's minimum: `Status::new(kind).with_observation(secs).fold(events)`.
pub fn derive_state(kind: OrderKind, events: &[Event]) -> Result<Status, EventError> {
    Status::new(kind).fold(events)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vocab::Vocabulary;
    use EventType as E;

    const H: i64 = 3600;

    fn ev(kind: EventType, at: i64) -> Event {
        Event::new(kind, at)
    }
    fn suspend(at: i64) -> Event {
        Event {
            reason: Some("客户联系不上".into()),
            approved_by: Some("张主任".into()),
            ..Event::new(E::Suspended, at)
        }
    }

    #[test]
    fn lead_room_follows_the_alarm() {
        // R-F2
        assert_eq!(lead_room(true), Room::Transport);
        assert_eq!(lead_room(false), Room::ServiceSupport);
        assert_eq!(Room::Transport.zh(), "传送网室");
    }

    #[test]
    fn a_fault_from_occurrence_to_archive() {
        let events = [
            ev(E::Occurred, 0),
            ev(E::Dispatched, 60),
            ev(E::Accepted, 300),
            ev(E::CustomerContacted, 600),
            ev(E::EnRoute, 700),
            ev(E::OnSite, 3000),
            suspend(3600),
            ev(E::UpdatePublished, 4000),
            ev(E::Resumed, 5400),
            ev(E::Restored, 7200),
            ev(E::Observing, 7300),
            ev(E::Confirmed, 7200 + H),
            ev(E::Replied, 12000),
            ev(E::Closed, 13000),
        ];
        let mut s = Status::new(OrderKind::Fault);
        let mut states = vec![];
        for e in &events {
            s = s.apply(e).unwrap();
            states.push(s.state.code());
        }
        assert_eq!(
            states,
            [
                "new",
                "dispatched",
                "accepted",
                "in_progress",
                "in_progress",
                "in_progress",
                "suspended",
                "suspended",
                "in_progress",
                "restored",
                "observing",
                "confirmed",
                "replied",
                "closed"
            ]
        );
        assert!(s.customer_contacted && s.en_route && s.on_site);
        assert_eq!(derive_state(OrderKind::Fault, &events).unwrap(), s);
        // Reopened (重开) after the archive: back in progress.
        let s = s.apply(&ev(E::Reopened, 20000)).unwrap();
        assert_eq!(s.state, OrderState::InProgress);
        assert_eq!(s.restored_at, None);
    }

    /// R-F2, R-F4: once dispatched, the support room contacts the customer and people head
    /// for the site while the lead room has not yet accepted; every order of the activities
    /// is accepted, and acceptance then puts the order in progress.
    #[test]
    fn fault_activities_run_in_parallel_once_dispatched() {
        let activities = [E::Accepted, E::CustomerContacted, E::EnRoute, E::OnSite];
        // Every permutation of the four activities (with an update between) is accepted.
        let mut perms = vec![vec![]];
        for _ in 0..activities.len() {
            let mut next = vec![];
            for p in &perms {
                for a in activities {
                    if !p.contains(&a) {
                        let mut q: Vec<EventType> = p.clone();
                        q.push(a);
                        next.push(q);
                    }
                }
            }
            perms = next;
        }
        assert_eq!(perms.len(), 24);
        for kind in [OrderKind::Fault, OrderKind::Complaint] {
            for p in &perms {
                let mut events = vec![ev(E::Occurred, 0), ev(E::Dispatched, 60)];
                for (i, &a) in p.iter().enumerate() {
                    events.push(ev(a, 100 + i as i64 * 10));
                    events.push(ev(E::UpdatePublished, 101 + i as i64 * 10));
                }
                let s = derive_state(kind, &events).unwrap_or_else(|e| panic!("{p:?}: {e}"));
                assert_eq!(s.state, OrderState::InProgress, "{kind} {p:?}");
                assert!(s.customer_contacted && s.en_route && s.on_site);
                // Before acceptance the order is still dispatched.
                let upto = 2 + 2 * p.iter().position(|&a| a == E::Accepted).unwrap();
                let before = derive_state(kind, &events[..upto]).unwrap();
                assert_eq!(before.state, OrderState::Dispatched, "{p:?}");
            }
        }
        // Contacted first, then accepted: in progress at once.
        let s = derive_state(
            OrderKind::Fault,
            &[
                ev(E::Dispatched, 0),
                ev(E::CustomerContacted, 5),
                ev(E::Accepted, 9),
            ],
        )
        .unwrap();
        assert_eq!(s.state, OrderState::InProgress);
        // What cannot happen is still refused: restored before acceptance is not a parallel
        // activity, nor are the activities on a new order or planned work before acceptance.
        let dispatched = derive_state(OrderKind::Fault, &[ev(E::Dispatched, 0)]).unwrap();
        assert_eq!(
            dispatched.apply(&ev(E::Restored, 1)).unwrap_err().refusal,
            Refusal::NotAllowed
        );
        assert!(Status::new(OrderKind::Fault)
            .apply(&ev(E::CustomerContacted, 0))
            .is_err());
        let planned = derive_state(OrderKind::Inspection, &[ev(E::Dispatched, 0)]).unwrap();
        assert!(planned.apply(&ev(E::OnSite, 1)).is_err());
        // Closed before confirmed stays refused.
        let restored = derive_state(
            OrderKind::Fault,
            &[
                ev(E::Dispatched, 0),
                ev(E::OnSite, 1),
                ev(E::Accepted, 2),
                ev(E::Restored, 3),
            ],
        )
        .unwrap();
        assert!(restored.apply(&ev(E::Closed, 4)).is_err());
    }

    #[test]
    fn refused_events_list_the_allowed_ones() {
        let s = Status::new(OrderKind::Fault);
        let err = s.apply(&ev(E::Resumed, 0)).unwrap_err();
        assert_eq!(err.refusal, Refusal::NotAllowed);
        assert_eq!(err.allowed, [E::Occurred, E::Dispatched]);
        assert_eq!(
            err.to_string(),
            "'resumed' is not allowed on an order in state 'new'; allowed: occurred, dispatched"
        );
        // Resumed without suspended, in a list: the index is named.
        let err = derive_state(
            OrderKind::Fault,
            &[ev(E::Dispatched, 0), ev(E::Accepted, 1), ev(E::Resumed, 2)],
        )
        .unwrap_err();
        assert_eq!(err.index, 2);
        assert!(err
            .to_string()
            .starts_with("events[2]: 'resumed' is not allowed"));
    }

    /// R-C3: a suspension needs a reason and an approver, and remembers where to resume.
    #[test]
    fn suspension_needs_reason_and_approver() {
        let s = derive_state(
            OrderKind::Fault,
            &[ev(E::Dispatched, 0), ev(E::Accepted, 1)],
        )
        .unwrap();
        let err = s.apply(&ev(E::Suspended, 2)).unwrap_err();
        assert_eq!(err.refusal, Refusal::MissingReason);
        assert!(err.to_string().contains("R-C3"));
        let mut e = suspend(2);
        e.approved_by = Some("  ".into());
        assert_eq!(s.apply(&e).unwrap_err().refusal, Refusal::MissingApprover);
        let suspended = s.apply(&suspend(2)).unwrap();
        assert_eq!(suspended.state, OrderState::Suspended);
        // Only resumed (and updates) while suspended.
        assert_eq!(
            suspended.apply(&ev(E::Restored, 3)).unwrap_err().allowed,
            [E::Resumed, E::UpdatePublished]
        );
        let back = suspended.apply(&ev(E::Resumed, 3)).unwrap();
        assert_eq!(back.state, OrderState::Accepted);
    }

    /// R-F10: no confirmation before an hour of observation after restoration.
    #[test]
    fn confirmation_waits_for_the_observation() {
        let s = derive_state(
            OrderKind::Complaint,
            &[
                ev(E::Occurred, 0),
                ev(E::Dispatched, 0),
                ev(E::Accepted, 10),
                ev(E::Restored, 100),
            ],
        )
        .unwrap();
        let err = s.apply(&ev(E::Confirmed, 100 + H - 1)).unwrap_err();
        assert_eq!(
            err.refusal,
            Refusal::ObservationTooShort {
                observed_secs: H - 1,
                needed_secs: H
            }
        );
        assert!(err.to_string().contains("R-F10"));
        assert!(s.apply(&ev(E::Confirmed, 100 + H)).is_ok());
        // A policy may ask for more.
        let strict = s.with_observation(2 * H);
        assert!(strict.apply(&ev(E::Confirmed, 100 + H)).is_err());
    }

    #[test]
    fn events_must_be_in_time_order() {
        let err = derive_state(
            OrderKind::Fault,
            &[ev(E::Occurred, 100), ev(E::Dispatched, 40)],
        )
        .unwrap_err();
        assert_eq!(err.index, 1);
        assert_eq!(
            err.error.refusal,
            Refusal::OutOfOrder {
                earlier_by_secs: 60
            }
        );
        // Equal times are fine.
        assert!(derive_state(
            OrderKind::Fault,
            &[ev(E::Occurred, 1), ev(E::Dispatched, 1)]
        )
        .is_ok());
    }

    #[test]
    fn handover_and_planned_work() {
        // R-W1
        let s = derive_state(
            OrderKind::Handover,
            &[
                ev(E::Dispatched, 0),
                ev(E::Accepted, 1),
                ev(E::OnSite, 2),
                ev(E::Passed, 3),
            ],
        )
        .unwrap();
        assert_eq!(s.state, OrderState::Passed);
        assert_eq!(s.allowed(), [E::DocumentsDelivered, E::Suspended]);
        let s = s.apply(&ev(E::DocumentsDelivered, 4)).unwrap();
        assert_eq!(s.state, OrderState::Completed);
        // A fault step is refused on planned work.
        let s = derive_state(
            OrderKind::Inspection,
            &[ev(E::Dispatched, 0), ev(E::Accepted, 1)],
        )
        .unwrap();
        assert!(s.apply(&ev(E::Restored, 2)).is_err());
        assert_eq!(
            s.apply(&ev(E::Completed, 2)).unwrap().state,
            OrderState::Completed
        );
        assert!(Status::new(OrderKind::AssetCount)
            .apply(&ev(E::Occurred, 0))
            .is_err());
    }

    /// Issue 14: 指派 names a person once the order is dispatched and changes no state.
    #[test]
    fn an_assignment_keeps_the_state() {
        for kind in [OrderKind::Fault, OrderKind::Handover, OrderKind::Inspection] {
            let new = Status::new(kind);
            assert!(
                new.apply(&ev(E::Assigned, 0)).is_err(),
                "{kind}: not before dispatch"
            );
            let s = new.apply(&ev(E::Dispatched, 0)).unwrap();
            assert_eq!(
                s.apply(&ev(E::Assigned, 1)).unwrap().state,
                OrderState::Dispatched
            );
            let s = s.apply(&ev(E::Accepted, 2)).unwrap();
            assert_eq!(
                s.apply(&ev(E::Assigned, 3)).unwrap().state,
                OrderState::Accepted
            );
        }
        let closed = derive_state(
            OrderKind::Fault,
            &[ev(E::Dispatched, 0), ev(E::Rejected, 1), ev(E::Closed, 2)],
        )
        .unwrap();
        assert!(closed.apply(&ev(E::Assigned, 3)).is_err());
    }

    #[test]
    fn rejection_and_reassignment() {
        let s = derive_state(
            OrderKind::Fault,
            &[ev(E::Dispatched, 0), ev(E::Rejected, 1)],
        )
        .unwrap();
        assert_eq!(s.state, OrderState::Rejected);
        let s = s.apply(&ev(E::Reassigned, 2)).unwrap();
        assert_eq!(s.state, OrderState::Dispatched);
        let s = s.apply(&ev(E::Accepted, 3)).unwrap();
        assert_eq!(
            s.apply(&ev(E::Reassigned, 4)).unwrap().state,
            OrderState::Dispatched
        );
    }

    /// Every state of every kind either accepts something or is unreachable for the kind, and
    /// every accepted event leads somewhere that is not a dead end (apart from nothing: closed
    /// accepts reopened).
    #[test]
    fn no_dead_ends() {
        for &kind in OrderKind::ALL {
            let mut seen = vec![OrderState::New];
            let mut todo = vec![Status::new(kind).with_observation(0)];
            while let Some(s) = todo.pop() {
                assert!(
                    !s.allowed().is_empty(),
                    "{kind} {} accepts nothing",
                    s.state
                );
                for &e in s.allowed() {
                    let mut event = suspend(0);
                    event.kind = e;
                    let n = s.apply(&event).unwrap();
                    if !seen.contains(&n.state) {
                        seen.push(n.state);
                        todo.push(n);
                    }
                }
            }
            assert!(seen.contains(&OrderState::Closed), "{kind}");
        }
    }
}
