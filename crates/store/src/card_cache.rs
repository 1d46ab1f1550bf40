//! Visit cards kept in memory (issue 22: a visit by id at ≥ 10,000/s, where a database round
//! trip alone caps it at ~6,500/s on SQLite and ~4,000/s on PostgreSQL on the 2-core machine).
//!
//! The rule that keeps it exact is coarse on purpose: **any committed change forgets every
//! card.** Nothing has to know which cards a change touches (a doctor's rename shows on all of
//! their visits), so no write path can forget to say so. Two things tell the cache:
//! - this process's write transactions, after they commit ([`crate::WriteTx::commit`]): a
//!   client that wrote reads its own write at once;
//! - a watcher ([`crate::Store::watch_changes`]) that asks the database every tick whether
//!   anyone committed since the last tick (SQLite's `PRAGMA data_version`, PostgreSQL's
//!   transaction snapshot): other instances, command-line tools and direct SQL are seen within
//!   one tick.
//!
//! Cards are served only while the watcher reports in (see [`CardCache::serve_for`]): if it
//! stops, the cache stops answering instead of answering stale. A read that raced a change is
//! not kept (see [`CardCache::put`]). So a card is never older than one tick of the watcher,
//! and never older than the reader's own writes.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use sqlx::{ConnectOptions, Connection};

use crate::visits::Visit;
use crate::{Backend, Store, StoreError};

/// How many cards one generation holds; two generations are kept (see [`Cards`]). Measured on
/// the read bench's clinic: the server's RSS went 57 → 68 MB over the first 8,192 distinct cards
/// and 72 MB after 20,000 (cards come and go; the allocator keeps some pages).
pub const GENERATION_CARDS: usize = 4096;

/// The kept cards, forgotten together. Lookups try the young generation, then the old one
/// (moving a hit back to the young): a cheap approximation of least-recently-used.
#[derive(Debug, Default)]
struct Cards {
    young: HashMap<i64, Arc<Visit>>,
    old: HashMap<i64, Arc<Visit>>,
    /// Bumped by every forget: a read that started in an earlier epoch is not kept.
    epoch: u64,
    /// Until when cards may be served: the watcher's last report plus its allowance.
    serve_until: Option<Instant>,
}

/// Counters for `/metrics`: how the cache did since start.
#[derive(Debug, Default)]
pub struct CardCounts {
    /// Cards answered from memory.
    pub hits: AtomicU64,
    /// Cards read from the database.
    pub misses: AtomicU64,
    /// Times every card was forgotten.
    pub forgets: AtomicU64,
}

/// The cache itself; one per [`crate::Store`], shared by its clones.
#[derive(Debug, Default)]
pub struct CardCache {
    cards: Mutex<Cards>,
    counts: CardCounts,
}

/// What a reader notes before it reads the database, to hand back to [`CardCache::put`].
#[derive(Debug, Clone, Copy)]
pub struct ReadStamp(u64);

impl CardCache {
    fn lock(&self) -> std::sync::MutexGuard<'_, Cards> {
        self.cards.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The kept card, when there is one and the watcher vouches for the cache now.
    pub fn get(&self, id: i64) -> Option<Arc<Visit>> {
        let now = Instant::now();
        let mut dropped = HashMap::new();
        let mut cards = self.lock();
        let found = if cards.serve_until.is_some_and(|until| now < until) {
            match cards.young.get(&id) {
                Some(card) => Some(card.clone()),
                None => cards.old.remove(&id).inspect(|card| {
                    dropped = insert_young(&mut cards, id, card.clone());
                }),
            }
        } else {
            None
        };
        drop(cards);
        drop(dropped);
        let counter = if found.is_some() {
            &self.counts.hits
        } else {
            &self.counts.misses
        };
        counter.fetch_add(1, Ordering::Relaxed);
        found
    }

    /// Noted before a database read of a card.
    pub fn stamp(&self) -> ReadStamp {
        ReadStamp(self.lock().epoch)
    }

    /// Keeps a card read from the database, unless something was forgotten since `stamp`: the
    /// read may then predate a change that has been committed (and announced) since.
    pub fn put(&self, stamp: ReadStamp, card: Arc<Visit>) {
        let mut cards = self.lock();
        if cards.epoch == stamp.0 && cards.serve_until.is_some() {
            let id = card.appointment.id.0;
            let dropped = insert_young(&mut cards, id, card);
            drop(cards);
            drop(dropped); // thousands of cards freed after the lock, not under it
        }
    }

    /// Forgets every card: something was committed.
    pub fn forget_all(&self) {
        let mut cards = self.lock();
        cards.epoch += 1;
        let dropped = (
            std::mem::take(&mut cards.young),
            std::mem::take(&mut cards.old),
        );
        drop(cards);
        drop(dropped);
        self.counts.forgets.fetch_add(1, Ordering::Relaxed);
    }

    /// The watcher's report: it has seen every change committed before its probe, so cards may
    /// be served for `allowance` more (if it stops reporting, they stop being served).
    pub fn serve_for(&self, allowance: Duration) {
        self.lock().serve_until = Some(Instant::now() + allowance);
    }

    /// The watcher lost its view of the database: forget all and serve nothing until it is back.
    pub fn stop_serving(&self) {
        self.forget_all();
        self.lock().serve_until = None;
    }

    /// Hits, misses and forgets since start.
    pub fn counts(&self) -> &CardCounts {
        &self.counts
    }
}

/// How many ticks the cache may go on serving after the watcher's last report (if the watcher
/// is held up, by load or a lost connection, the cache stops answering rather than answer stale).
const ALLOWANCE_TICKS: u32 = 5;

impl Store {
    /// The visit-card cache, for `/metrics`.
    pub fn cards(&self) -> &CardCache {
        &self.cards
    }

    /// Watches the database for commits every `every` until the store is closed, forgetting the
    /// kept visit cards whenever anything was committed since the last look. Without it running
    /// the cards are never served (command-line tools and tests that don't start it read the
    /// database every time).
    pub async fn watch_changes(self, every: Duration) {
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut probe: Option<sqlx::AnyConnection> = None;
        let mut last: Option<String> = None;
        loop {
            tick.tick().await;
            if self.pool().is_closed() {
                self.cards.stop_serving();
                if let Some(conn) = probe.take() {
                    let _ = conn.close().await;
                }
                return;
            }
            match self.change_mark(&mut probe).await {
                Ok(mark) => {
                    if last.as_ref() != Some(&mark) {
                        self.cards.forget_all();
                        last = Some(mark);
                    }
                    self.cards.serve_for(every * ALLOWANCE_TICKS);
                }
                Err(e) => {
                    tracing::warn!(error = %e, "cannot watch the database for changes; visit cards are read from it until this passes");
                    self.cards.stop_serving();
                    probe = None;
                    last = None;
                }
            }
        }
    }

    /// A value that differs whenever anything was committed since it was last read: SQLite's
    /// `data_version` (on a connection of its own: it counts the other connections' commits,
    /// this process's and every other's), PostgreSQL's snapshot of running and next
    /// transactions (a write that committed has left its running list, or moved its next id).
    async fn change_mark(
        &self,
        probe: &mut Option<sqlx::AnyConnection>,
    ) -> Result<String, StoreError> {
        match self.backend() {
            Backend::Sqlite => {
                let conn = match probe {
                    Some(conn) => conn,
                    None => probe.insert(self.pool().connect_options().connect().await?),
                };
                let (version,): (i64,) = sqlx::query_as("PRAGMA data_version")
                    .fetch_one(&mut *conn)
                    .await?;
                Ok(version.to_string())
            }
            Backend::Postgres => {
                let (snapshot,): (String,) =
                    sqlx::query_as("SELECT CAST(txid_current_snapshot() AS TEXT)")
                        .fetch_one(self.pool())
                        .await?;
                Ok(snapshot)
            }
        }
    }
}

/// Adds a card to the young generation, starting a new one when it is full; returns the
/// generation that fell off (empty when none did), for the caller to free after unlocking.
fn insert_young(cards: &mut Cards, id: i64, card: Arc<Visit>) -> HashMap<i64, Arc<Visit>> {
    let mut dropped = HashMap::new();
    if cards.young.len() >= GENERATION_CARDS {
        dropped = std::mem::replace(&mut cards.old, std::mem::take(&mut cards.young));
    }
    cards.young.insert(id, card);
    dropped
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::visits::Appointment;
    use chrono::{NaiveDate, Utc};
    use emhana_domain::ids::{AppointmentId, DoctorId, PatientId};
    use emhana_domain::{Money, PaymentStatus, VisitStatus};

    fn visit_with_id(id: i64) -> Visit {
        let now = Utc::now();
        Visit {
            appointment: Appointment {
                id: AppointmentId(id),
                patient_id: PatientId(1),
                patient_name: "Айгуль".into(),
                patient_phone: "+77010000000".into(),
                doctor_id: DoctorId(1),
                doctor_name: "Врач".into(),
                starts_at: now,
                ends_at: now,
                local_date: NaiveDate::from_ymd_opt(2026, 11, 29).expect("a day"),
                status: VisitStatus::Scheduled,
                source_code: "walk_in".into(),
                source_label: "Сам пришёл".into(),
                notes: None,
                arrived_at: None,
                started_at: None,
                finished_at: None,
                total: Money::ZERO,
                paid: Money::ZERO,
                payment_status: PaymentStatus::Unpaid,
                overlap_reason: None,
                version: 1,
                created_by: None,
                created_at: now,
                updated_at: now,
            },
            lines: Vec::new(),
            payments: Vec::new(),
            allocations: Vec::new(),
            refunds: Vec::new(),
            refund_parts: Vec::new(),
            history: Vec::new(),
        }
    }

    fn serving() -> CardCache {
        let cache = CardCache::default();
        cache.serve_for(Duration::from_secs(60));
        cache
    }

    #[test]
    fn a_kept_card_is_served_until_anything_is_forgotten() {
        let cache = serving();
        cache.put(cache.stamp(), Arc::new(visit_with_id(7)));
        assert_eq!(cache.get(7).map(|c| c.appointment.id.0), Some(7));
        assert!(cache.get(8).is_none());
        cache.forget_all();
        assert!(cache.get(7).is_none());
        let counts = cache.counts();
        assert_eq!(counts.hits.load(Ordering::Relaxed), 1);
        assert_eq!(counts.misses.load(Ordering::Relaxed), 2);
        assert_eq!(counts.forgets.load(Ordering::Relaxed), 1);
    }

    #[test]
    fn a_read_that_raced_a_change_is_not_kept() {
        let cache = serving();
        let stamp = cache.stamp();
        cache.forget_all(); // a change committed while the card was being read
        cache.put(stamp, Arc::new(visit_with_id(7)));
        assert!(cache.get(7).is_none());
        cache.put(cache.stamp(), Arc::new(visit_with_id(7)));
        assert!(cache.get(7).is_some());
    }

    #[test]
    fn nothing_is_served_or_kept_without_the_watcher() {
        let cache = CardCache::default();
        cache.put(cache.stamp(), Arc::new(visit_with_id(7)));
        cache.serve_for(Duration::from_secs(60));
        assert!(cache.get(7).is_none(), "kept before the watcher reported");

        cache.put(cache.stamp(), Arc::new(visit_with_id(7)));
        assert!(cache.get(7).is_some());
        cache.serve_for(Duration::ZERO); // the watcher's allowance ran out
        assert!(cache.get(7).is_none());

        cache.serve_for(Duration::from_secs(60));
        cache.stop_serving();
        cache.put(cache.stamp(), Arc::new(visit_with_id(7)));
        assert!(cache.get(7).is_none());
    }

    #[test]
    fn two_generations_keep_the_recently_read() {
        let cache = serving();
        let first = GENERATION_CARDS as i64;
        for id in 0..first {
            cache.put(cache.stamp(), Arc::new(visit_with_id(id)));
        }
        assert!(cache.get(0).is_some(), "still in the young generation");
        // The young generation is full (0 was already there): the next card starts a new one.
        cache.put(cache.stamp(), Arc::new(visit_with_id(first)));
        assert!(cache.get(1).is_some(), "the old generation still answers");
        for id in first + 1..2 * first {
            cache.put(cache.stamp(), Arc::new(visit_with_id(id)));
        }
        // Card 1 moved back to the young generation when read; card 2 was never read again.
        assert!(cache.get(1).is_some());
        assert!(cache.get(2).is_none());
        assert!(cache.get(2 * first - 1).is_some());
    }
}
