//! The consistency check behind `emhana reconcile` and every write benchmark: the money the
//! base tables hold agrees with itself at every level (payments, visits, lines, allocations),
//! and the analytics aggregates (base + pending deltas) equal a rebuild from the base tables.
//! Read-only: the rebuild it compares with runs in a transaction that is rolled back.

use serde::Serialize;
use sqlx::AnyConnection;

use crate::{stats, Store, StoreError};

/// What [`Store::reconcile`] found. Money in tiyn.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reconciliation {
    /// Live (not voided) payments less what was refunded of them.
    pub payments_net: i64,
    /// Σ of the visits' `paid`.
    pub visits_paid: i64,
    /// Σ of the lines' `paid`.
    pub lines_paid: i64,
    /// Live payments' allocations less refunds' allocations.
    pub allocations_net: i64,
    /// Visits whose `paid` is not the sum of their lines' `paid`, or exceeds their total.
    pub visits_out_of_balance: i64,
    /// Aggregate rows (table, keys and values) that differ from a rebuild; empty when exact.
    pub stats_differences: Vec<String>,
    /// Pending analytics deltas not yet folded (information: readers count them).
    pub stats_pending_rows: i64,
}

impl Reconciliation {
    /// True when every sum agrees and the aggregates equal a rebuild.
    pub fn is_exact(&self) -> bool {
        self.payments_net == self.visits_paid
            && self.visits_paid == self.lines_paid
            && self.lines_paid == self.allocations_net
            && self.visits_out_of_balance == 0
            && self.stats_differences.is_empty()
    }
}

/// One number.
async fn scalar(conn: &mut AnyConnection, sql: &str) -> Result<i64, StoreError> {
    let (n,): (i64,) = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .fetch_one(&mut *conn)
        .await?;
    Ok(n)
}

/// Every aggregate row as readers see it (base + pending, summed per key, zero rows left out;
/// then the month rows, with the pending deltas summed into their months), as
/// `table|keys…|values…` text in key order (also what tests compare with a rebuild).
pub async fn aggregate_rows(conn: &mut AnyConnection) -> Result<Vec<String>, StoreError> {
    let mut rows = Vec::new();
    let months = stats::MONTHLY.iter().map(|table| {
        let (keys, values) = stats::columns_of(table);
        (
            format!("{table}_months"),
            keys,
            values,
            stats::live_months(table),
        )
    });
    let days = stats::TABLES
        .iter()
        .map(|(table, keys, values)| ((*table).to_owned(), *keys, *values, stats::live(table)));
    for (table, keys, values, source) in days.chain(months) {
        let columns: Vec<String> = keys
            .iter()
            .map(|c| format!("CAST({c} AS TEXT)"))
            .chain(values.iter().map(|v| format!("CAST(SUM({v}) AS TEXT)")))
            .collect();
        let non_zero: Vec<String> = values.iter().map(|v| format!("SUM({v}) <> 0")).collect();
        let sql = format!(
            "SELECT '{table}' || '|' || {} FROM {} t GROUP BY {keys} HAVING {} ORDER BY {keys}",
            columns.join(" || '|' || "),
            source,
            non_zero.join(" OR "),
            keys = keys.join(", "),
        );
        let found: Vec<(String,)> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .fetch_all(&mut *conn)
            .await?;
        rows.extend(found.into_iter().map(|(r,)| r));
    }
    Ok(rows)
}

/// The rows only one side has (at most 20, for the report).
fn differences(kept: &[String], rebuilt: &[String]) -> Vec<String> {
    let kept_set: std::collections::BTreeSet<&String> = kept.iter().collect();
    let rebuilt_set: std::collections::BTreeSet<&String> = rebuilt.iter().collect();
    let only_kept = kept_set
        .difference(&rebuilt_set)
        .map(|r| format!("kept only: {r}"));
    let only_rebuilt = rebuilt_set
        .difference(&kept_set)
        .map(|r| format!("rebuild only: {r}"));
    only_kept.chain(only_rebuilt).take(20).collect()
}

impl Store {
    /// Checks the money and the aggregates (see the module doc). Takes the write lock for the
    /// duration of the comparison (a rebuild inside a rolled-back transaction), so run it on a
    /// quiet database or accept that writers wait for it. Its table locks can meet the background
    /// fold in a PostgreSQL deadlock; the loser is rolled back whole, so it simply runs again.
    pub async fn reconcile(&self) -> Result<Reconciliation, StoreError> {
        crate::retry::transient(async || self.reconcile_once().await).await
    }

    async fn reconcile_once(&self) -> Result<Reconciliation, StoreError> {
        let mut tx = self.begin_write().await?;
        let payments_net = scalar(
            &mut tx,
            "SELECT CAST(COALESCE(SUM(y.amount), 0) - COALESCE((SELECT SUM(r.amount) FROM refunds r \
               JOIN payments p ON p.id = r.payment_id WHERE p.voided_at IS NULL), 0) AS BIGINT) \
             FROM payments y WHERE y.voided_at IS NULL",
        )
        .await?;
        let visits_paid = scalar(
            &mut tx,
            "SELECT CAST(COALESCE(SUM(paid), 0) AS BIGINT) FROM appointments",
        )
        .await?;
        let lines_paid = scalar(
            &mut tx,
            "SELECT CAST(COALESCE(SUM(paid), 0) AS BIGINT) FROM appointment_services",
        )
        .await?;
        let allocations_net = scalar(
            &mut tx,
            "SELECT CAST(COALESCE(SUM(x.amount), 0) - COALESCE((SELECT SUM(ra.amount) FROM refund_allocations ra \
               JOIN refunds r ON r.id = ra.refund_id JOIN payments p ON p.id = r.payment_id \
               WHERE p.voided_at IS NULL), 0) AS BIGINT) \
             FROM payment_allocations x JOIN payments y ON y.id = x.payment_id WHERE y.voided_at IS NULL",
        )
        .await?;
        let visits_out_of_balance = scalar(
            &mut tx,
            "SELECT COUNT(*) FROM appointments a \
             WHERE a.paid > a.total OR a.paid <> COALESCE((SELECT SUM(l.paid) FROM appointment_services l \
                                                           WHERE l.appointment_id = a.id), 0)",
        )
        .await?;
        let mut stats_pending_rows = 0;
        for (table, _, _) in stats::TABLES {
            stats_pending_rows +=
                scalar(&mut tx, &format!("SELECT COUNT(*) FROM {table}_pending")).await?;
        }
        let kept = aggregate_rows(&mut tx).await?;
        stats::rebuild(&mut tx, self.backend()).await?;
        let rebuilt = aggregate_rows(&mut tx).await?;
        tx.rollback().await?;
        Ok(Reconciliation {
            payments_net,
            visits_paid,
            lines_paid,
            allocations_net,
            visits_out_of_balance,
            stats_differences: differences(&kept, &rebuilt),
            stats_pending_rows,
        })
    }
}
