//! The background fold of analytics deltas (issue 22): writes append signed rows to the
//! `stats_*_pending` tables instead of meeting on hot aggregate rows; this task folds them into
//! the aggregate tables every `EMHANA_STATS_FOLD_MS`. Readers sum both, so a late or failed fold
//! never changes a figure, only how many rows a report reads; several instances may fold at
//! once (see `emhana_store::stats::fold`).

use std::time::Duration;

use emhana_store::Store;

/// Folds every `every` until the store is closed; a failed fold is logged and tried again next time.
pub async fn run(store: Store, every: Duration) {
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        if store.pool().is_closed() {
            return;
        }
        match store.fold_stats().await {
            Ok(0) => {}
            Ok(folded) => tracing::trace!(folded, "analytics deltas folded"),
            // Two instances' folds can meet on aggregate rows and PostgreSQL aborts one: it rolled
            // back whole, and the next tick folds again.
            Err(e) if e.is_transient() => {
                tracing::debug!(error = %e, "fold met another instance's fold; next tick")
            }
            Err(e) => tracing::warn!(error = %e, "folding analytics deltas failed; retrying later"),
        }
    }
}
