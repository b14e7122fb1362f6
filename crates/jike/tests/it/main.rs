//! The integration tests of the `jike` binary and its service, compiled into one binary (one
//! link instead of one per file keeps builds fast); each module is one area.

mod common;

mod access;
mod architecture;
mod assignment_api;
mod audit_cli;
mod cli;
mod configs_api;
mod console;
mod durability;
mod lint_cli;
mod notify_cli;
mod orders_api;
mod probe;
mod sla_cli;
