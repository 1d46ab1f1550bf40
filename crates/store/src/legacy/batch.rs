//! The import's batch writer: new rows get their ids up front and wait in [`Pending`] until
//! many can go in one multi-row INSERT (one statement per row was most of a large import's
//! time), written before anything reads them.

use sqlx::Any;

use super::{day, ImportedLine, ImportedPayment, ImportedVisit, LegacyTx};
use crate::{time, StoreError};

/// A line waiting to be written.
pub(super) struct LineRow {
    pub(super) id: i64,
    pub(super) visit_id: i64,
    pub(super) position: i64,
    pub(super) line: ImportedLine,
}

/// Rows waiting for a multi-row INSERT, written in this order (each refers only to rows
/// before it).
#[derive(Default)]
pub(super) struct Pending {
    /// `(id, visit)`.
    pub(super) visits: Vec<(i64, ImportedVisit)>,
    /// The visits' lines.
    pub(super) lines: Vec<LineRow>,
    /// `(id, visit id, payment)`.
    pub(super) payments: Vec<(i64, i64, ImportedPayment)>,
    /// `(entity, legacy id, new id)` for `legacy_ids`.
    pub(super) ids: Vec<(&'static str, i64, i64)>,
    /// `(visit, status code, at)`: each visit's one status-history row.
    pub(super) history: Vec<(i64, &'static str, String)>,
    /// `(payment, line, tiyn)`.
    pub(super) allocations: Vec<(i64, i64, i64)>,
}

impl Pending {
    /// Rows held in all.
    fn len(&self) -> usize {
        self.visits.len()
            + self.lines.len()
            + self.payments.len()
            + self.ids.len()
            + self.history.len()
            + self.allocations.len()
    }
}

/// Pending rows are written once this many wait.
const PENDING_ROWS: usize = 4_000;
/// Rows per multi-row INSERT (at most 16 parameters each: 4,000, well under either backend's
/// limit).
const ROWS_PER_INSERT: usize = 250;
// SQLite allows 32,766 parameters per statement, PostgreSQL 65,535; the widest row has 16.
const _: () = assert!(ROWS_PER_INSERT * 16 < 32_766);
/// Ids taken from a table's sequence at a time.
const ID_BLOCK: i64 = 1_000;

/// `($1, $2), ($3, $4), …` for `rows` rows of `width` parameters each, every row written as
/// `shape` with `{}` replaced by its parameters (e.g. `({}, NULL)`).
fn values(rows: usize, width: usize, shape: &str) -> String {
    (0..rows)
        .map(|r| {
            let params = (1..=width)
                .map(|c| format!("${}", r * width + c))
                .collect::<Vec<_>>()
                .join(", ");
            shape.replace("{}", &params)
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// A statement being bound.
type AnyQuery = sqlx::query::Query<'static, Any, sqlx::any::AnyArguments>;

/// Whether a remembered row of `entity` is looked up again in this run.
pub(super) fn kept_in_memory(entity: &str) -> bool {
    !matches!(
        entity,
        "appointment_services" | "appointment_service_payments"
    )
}

impl LegacyTx {
    pub(super) async fn flush_when_full(&mut self) -> Result<(), StoreError> {
        if self.pending.len() >= PENDING_ROWS {
            self.flush().await?;
        }
        Ok(())
    }

    /// Writes every pending row, in an order where each row's references are already written.
    pub(super) async fn flush(&mut self) -> Result<(), StoreError> {
        let pending = std::mem::take(&mut self.pending);
        let visits = "appointments (id, patient_id, doctor_id, starts_at, ends_at, local_date, status, \
                      source_id, notes, started_at, finished_at, total, paid, payment_status, created_at, updated_at)";
        self.insert_many(visits, (16, "({})"), &pending.visits, |q, (id, v)| {
            let created = time::encode(v.created_at);
            q.bind(*id)
                .bind(v.patient_id)
                .bind(v.doctor_id)
                .bind(time::encode(v.starts_at))
                .bind(time::encode(v.ends_at))
                .bind(day(v.local_date))
                .bind(v.status.code())
                .bind(v.source_id)
                .bind(v.notes.clone())
                .bind(v.started_at.map(time::encode))
                .bind(v.finished_at.map(time::encode))
                .bind(v.total)
                .bind(v.paid)
                .bind(v.payment_status.code())
                .bind(created.clone())
                .bind(created)
        })
        .await?;
        let lines = "appointment_services (id, appointment_id, service_id, base_price, price, paid, position)";
        self.insert_many(lines, (7, "({})"), &pending.lines, |q, row| {
            q.bind(row.id)
                .bind(row.visit_id)
                .bind(row.line.service_id)
                .bind(row.line.base_price)
                .bind(row.line.price)
                .bind(row.line.paid)
                .bind(row.position)
        })
        .await?;
        let payments =
            "payments (id, appointment_id, method, amount, paid_at, local_date, note, updated_at)";
        self.insert_many(
            payments,
            (8, "({})"),
            &pending.payments,
            |q, (id, visit, p)| {
                let at = time::encode(p.paid_at);
                q.bind(*id)
                    .bind(*visit)
                    .bind(p.method.code())
                    .bind(p.amount)
                    .bind(at.clone())
                    .bind(day(p.local_date))
                    .bind(p.note.clone())
                    .bind(at)
            },
        )
        .await?;
        let ids = "legacy_ids (entity, legacy_id, new_id)";
        self.insert_many(
            ids,
            (3, "({})"),
            &pending.ids,
            |q, (entity, legacy, new)| q.bind(*entity).bind(*legacy).bind(*new),
        )
        .await?;
        let history =
            "appointment_status_history (appointment_id, to_status, at, from_status, reason)";
        let imported = "({}, NULL, 'импорт из старой системы')";
        self.insert_many(
            history,
            (3, imported),
            &pending.history,
            |q, (visit, status, at)| q.bind(*visit).bind(*status).bind(at.clone()),
        )
        .await?;
        let allocations = "payment_allocations (payment_id, line_id, amount)";
        self.insert_many(
            allocations,
            (3, "({})"),
            &pending.allocations,
            |q, (payment, line, amount)| q.bind(*payment).bind(*line).bind(*amount),
        )
        .await
    }

    /// `rows` into `table (columns)`, [`ROWS_PER_INSERT`] to a statement: each row is `shape`
    /// (see [`values`]) around `width` parameters that `bind` binds.
    async fn insert_many<T>(
        &mut self,
        table: &str,
        (width, shape): (usize, &str),
        rows: &[T],
        bind: impl Fn(AnyQuery, &T) -> AnyQuery,
    ) -> Result<(), StoreError> {
        for chunk in rows.chunks(ROWS_PER_INSERT) {
            let sql = format!(
                "INSERT INTO {table} VALUES {}",
                values(chunk.len(), width, shape)
            );
            let q = chunk
                .iter()
                .fold(sqlx::query(sqlx::AssertSqlSafe(sql)), &bind);
            q.execute(&mut *self.tx).await?;
        }
        Ok(())
    }

    /// The id the next new row of `table` gets. SQLite: the import holds the only write
    /// transaction, so ids simply continue after the table's highest (and AUTOINCREMENT's
    /// memory of deleted ones); PostgreSQL: taken from the table's sequence a block at a time,
    /// so a server writing at the same time never gets the same id.
    pub(super) async fn next_id(&mut self, table: &'static str) -> Result<i64, StoreError> {
        if let Some(id) = self.ids.get_mut(table).and_then(|free| free.pop()) {
            return Ok(id);
        }
        let block: Vec<(i64,)> = match self.backend {
            crate::Backend::Sqlite => {
                let sql = format!(
                    "SELECT MAX(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = '{table}'), 0), \
                            COALESCE((SELECT MAX(id) FROM {table}), 0), $1) + 1"
                );
                // Ids handed out but not yet written are above the table's highest.
                let after = self.handed_out.get(table).copied().unwrap_or(0);
                let (first,): (i64,) = sqlx::query_as(sqlx::AssertSqlSafe(sql))
                    .bind(after)
                    .fetch_one(&mut *self.tx)
                    .await?;
                (first..first + ID_BLOCK).map(|id| (id,)).collect()
            }
            crate::Backend::Postgres => {
                let sql = format!(
                    "SELECT nextval(pg_get_serial_sequence('{table}', 'id')) FROM generate_series(1, $1)"
                );
                sqlx::query_as(sqlx::AssertSqlSafe(sql))
                    .bind(ID_BLOCK)
                    .fetch_all(&mut *self.tx)
                    .await?
            }
        };
        let mut free: Vec<i64> = block.into_iter().map(|r| r.0).collect();
        free.sort_unstable_by(|a, b| b.cmp(a));
        if let Some(last) = free.first() {
            self.handed_out.insert(table, *last);
        }
        let id = free
            .pop()
            .ok_or_else(|| StoreError::Legacy(format!("{table}: нет id")))?;
        self.ids.insert(table, free);
        Ok(id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_number_every_parameter_once_across_rows() {
        assert_eq!(values(1, 2, "({})"), "($1, $2)");
        assert_eq!(values(2, 3, "({})"), "($1, $2, $3), ($4, $5, $6)");
        assert_eq!(
            values(2, 1, "({}, NULL, 'x')"),
            "($1, NULL, 'x'), ($2, NULL, 'x')"
        );
        assert_eq!(values(0, 3, "({})"), "");
    }

    #[test]
    fn only_rows_looked_up_again_are_kept_in_memory() {
        assert!(kept_in_memory("clients"));
        assert!(kept_in_memory("appointments"));
        assert!(!kept_in_memory("appointment_services"));
        assert!(!kept_in_memory("appointment_service_payments"));
    }
}
