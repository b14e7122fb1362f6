//! The store's integration tests, on SQLite and PostgreSQL, compiled into one binary (one link
//! instead of one per file keeps builds fast); each module is one area.

mod assignment;
mod audit;
mod bulk;
mod configs;
mod engineering;
mod group_commit;
mod orders;
mod regions;
mod story;
mod users;
