//! jike's domain: the types and rules of enterprise-customer private-line service assurance
//! (`../shared/domain.md`). Pure: no I/O, no async, no database. Rule ids (`R-…`) in comments and
//! tests point at the digest.

#[macro_use]
pub mod vocab;
pub mod access;
pub mod assignment;
pub mod calendar;
pub mod compliance;
pub mod derive;
pub mod inventory;
pub mod kinds;
pub mod kpi;
pub mod notices;
pub mod order;
pub mod participants;
pub mod path;
pub mod policy;
pub mod sla;
pub mod time;
pub mod timers;
pub mod urgency;
pub mod values;
pub mod workorder;

pub use access::Role;
pub use inventory::*;
pub use kinds::{Audience, Kind};
pub use path::{format_path, parse_path, Hop, HopInput};
pub use values::{Bandwidth, FieldError, Problems, RowError};
pub use vocab::*;

pub use calendar::{Calendar, Workdays};
pub use order::{derive_state, lead_room, Event, EventAt, Status, TransitionError};
pub use policy::{Policy, PolicyError, Rule};
pub use sla::{evaluate, evaluate_order, Evaluation};
pub use workorder::*;
