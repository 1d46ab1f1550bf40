//! Black-box HTTP tests: each test starts the real app on port 0 against a fresh database, once on
//! SQLite and once on PostgreSQL (see `helpers::both_backends!`).

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[macro_use]
mod helpers;

mod analytics;
mod audit;
mod auth;
mod backups;
mod cash_desk;
mod crash;
mod deposits;
mod directories;
mod documents;
mod exports;
mod hardening;
mod health;
mod imports;
mod integrations;
mod legacy;
mod patients;
mod permissions;
mod platform;
mod rate_limits;
mod reminders;
mod seed;
mod sync;
mod throughput;
mod users;
mod visit_cards;
mod visits;
