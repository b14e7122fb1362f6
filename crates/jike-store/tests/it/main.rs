//! The store's integration tests, on SQLite and PostgreSQL, compiled into one binary (one link
//! instead of one per file keeps builds fast); each module is one area.

mod assignment;
mod audit;
mod batches;
mod configs;
mod demo;
mod engineering;
mod group_commit;
mod orders;
mod users;
