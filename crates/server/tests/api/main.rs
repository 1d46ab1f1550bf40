//! Black-box HTTP tests: each test starts the real app on port 0 against a fresh database, once on
//! SQLite and once on PostgreSQL (see `helpers::both_backends!`).

#[macro_use]
mod helpers;

mod health;
mod platform;
