//! Bounded retries of transactions the database aborted because they met another one.
//!
//! Lock order (documented once, followed by every write): the doctor's row(s) in ascending id,
//! then the visit, then its patient, then — payments, refunds, voids, top-ups, withdrawals — a
//! *shared* lock on the register's live shift row, then the patient's balance rows
//! (`patient_balances`: deposit, bonus). The analytics deltas are plain inserts into the
//! `stats_*_pending` tables and lock no row; the fold locks only aggregate rows no write path
//! touches, and a rebuild locks the `stats` tables before anything else. The aggregate tables
//! themselves are locked in one order by everything that touches them (`stats::TABLES`, each
//! as its pending twin, itself, its month rows): writes' appends, the fold and the rebuild's
//! `LOCK TABLE` (which waits for the others' table locks). Counting, closing and
//! cash movements lock only the shift row (exclusively), so they wait for the payments in
//! flight and never wait while holding anything a payment needs.
//! Following it makes deadlocks rare, not impossible (two folds from two instances can meet on
//! aggregate rows; a transaction that read before it wrote can lose its upgrade). PostgreSQL
//! then aborts one of them (`40P01`), and SQLite can answer "busy" to a read transaction that
//! wants to become a writer. Such a transaction left nothing behind (it rolled back), so it is
//! simply run again, a few times with a short random backoff; if it still loses, the caller
//! gets [`StoreError::Busy`] (HTTP 503, `Retry-After`), never a 500.

use std::time::Duration;

use crate::StoreError;

/// How many times a use case's transaction is run at most.
pub const ATTEMPTS: u32 = 5;

/// An error that may say "aborted by a concurrent transaction; safe to run again".
pub trait Transient: From<StoreError> {
    /// True for deadlocks, serialization failures and SQLite busy/locked.
    fn is_transient(&self) -> bool;
}

impl Transient for StoreError {
    fn is_transient(&self) -> bool {
        StoreError::is_transient(self)
    }
}

/// Runs `attempt` (one whole transaction) until it succeeds, fails for a real reason, or has
/// lost [`ATTEMPTS`] times to concurrent transactions.
pub async fn transient<T, E: Transient>(attempt: impl AsyncFn() -> Result<T, E>) -> Result<T, E> {
    for n in 1..=ATTEMPTS {
        match attempt().await {
            Err(e) if e.is_transient() => {
                tracing::debug!(
                    attempt = n,
                    "transaction met a concurrent one; running it again"
                );
                if n < ATTEMPTS {
                    tokio::time::sleep(backoff(n)).await;
                }
            }
            done => return done,
        }
    }
    tracing::warn!(
        attempts = ATTEMPTS,
        "transaction kept meeting concurrent ones; giving up"
    );
    Err(StoreError::Busy { attempts: ATTEMPTS }.into())
}

/// 2, 4, 8, 16 ms plus up to as much again of jitter (from the clock's nanoseconds), so two
/// writers that met once do not meet again in lockstep.
fn backoff(attempt: u32) -> Duration {
    let base = 1u64 << attempt.min(10);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| u64::from(d.subsec_nanos()))
        .unwrap_or(0);
    Duration::from_micros(base * 1000 + nanos % (base * 1000))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};

    #[derive(Debug)]
    struct Fake(bool);
    impl From<StoreError> for Fake {
        fn from(_: StoreError) -> Self {
            Fake(false)
        }
    }
    impl Transient for Fake {
        fn is_transient(&self) -> bool {
            self.0
        }
    }

    #[tokio::test]
    async fn transient_failures_are_retried_until_success() {
        let runs = AtomicU32::new(0);
        let out: Result<u32, Fake> = transient(async || {
            let n = runs.fetch_add(1, Ordering::SeqCst) + 1;
            if n < 3 {
                Err(Fake(true))
            } else {
                Ok(n)
            }
        })
        .await;
        assert_eq!(out.ok(), Some(3));
    }

    #[tokio::test]
    async fn real_failures_are_not_retried_and_endless_conflicts_give_up() {
        let runs = AtomicU32::new(0);
        let out: Result<(), Fake> = transient(async || {
            runs.fetch_add(1, Ordering::SeqCst);
            Err(Fake(false))
        })
        .await;
        assert!(out.is_err());
        assert_eq!(runs.load(Ordering::SeqCst), 1);

        let runs = AtomicU32::new(0);
        let out: Result<(), Fake> = transient(async || {
            runs.fetch_add(1, Ordering::SeqCst);
            Err(Fake(true))
        })
        .await;
        // Given up: the caller gets the `Busy` store error (here mapped to a non-transient Fake).
        assert!(matches!(out, Err(Fake(false))));
        assert_eq!(runs.load(Ordering::SeqCst), ATTEMPTS);
    }

    #[test]
    fn backoff_grows_and_stays_short() {
        assert!(backoff(1) >= Duration::from_millis(2));
        assert!(backoff(4) < Duration::from_millis(33));
    }
}
