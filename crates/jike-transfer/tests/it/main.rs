//! jike-transfer's integration tests, on SQLite and PostgreSQL, compiled into one binary (one
//! link instead of one per file keeps builds fast); each module is one area.

mod bulk;
mod refusals;
mod regions;
mod story;
