//! The database's round trip as a write path sees it (issue 22, used by `cargo xtask bench
//! write`): one trivial statement inside a write transaction, and a whole transaction of one
//! statement (begin, statement, commit). A payment is about twenty such statements, one after
//! the other, so on SQLite — one writer at a time — these figures set the payments' ceiling.
//!
//! `cargo run --release -p emhana-store --example round_trip -- <database url>` (the database
//! is migrated first; nothing is changed: every statement rewrites a value with itself).
//! Prints `statement_us=… transaction_us=…`, the best of three rounds.

use std::time::Instant;

use emhana_store::{Store, StoreConfig};

const STATEMENTS: u32 = 20_000;
const TRANSACTIONS: u32 = 2_000;
const NOTHING: &str = "UPDATE settings SET value = value WHERE key = 'stats_version'";

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let url = std::env::args()
        .nth(1)
        .ok_or("usage: round_trip <database url>")?;
    let store = Store::connect(&StoreConfig::new(url)).await?;
    store.migrate().await?;
    let (mut statement, mut transaction) = (f64::MAX, f64::MAX);
    for _ in 0..3 {
        let mut tx = store.begin_write().await?;
        let t = Instant::now();
        for _ in 0..STATEMENTS {
            sqlx::query(NOTHING).execute(&mut *tx).await?;
        }
        statement = statement.min(t.elapsed().as_secs_f64() * 1e6 / f64::from(STATEMENTS));
        tx.rollback().await?;

        let t = Instant::now();
        for _ in 0..TRANSACTIONS {
            let mut tx = store.begin_write().await?;
            sqlx::query(NOTHING).execute(&mut *tx).await?;
            tx.commit().await?;
        }
        transaction = transaction.min(t.elapsed().as_secs_f64() * 1e6 / f64::from(TRANSACTIONS));
    }
    println!("statement_us={statement:.1} transaction_us={transaction:.1}");
    store.close().await;
    Ok(())
}
