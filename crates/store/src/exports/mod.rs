//! Export rows, read in chunks (issue 18): a million visits leave the database in bounded memory.
//!
//! An export runs in one read-only transaction (PostgreSQL: REPEATABLE READ, so the count and
//! every chunk see one snapshot; SQLite in WAL mode keeps a read transaction's snapshot by itself).
//! Rows come [`CHUNK`] at a time by keyset (`id > last`), each chunk one query plus at most one
//! query for its children (a visit's lines, a payment's split), looked up by literal ids.

mod cells;
mod segment;

use std::fmt::Write as _;

use emhana_domain::export::{Cell, ExportRequest};
use emhana_domain::{ClinicZone, Money};
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};

use crate::time::column;
use crate::{Backend, Store, StoreError};
use segment::Segment;

/// Rows per chunk: large enough that per-query costs vanish, small enough to stay a few MB.
pub const CHUNK: i64 = 2_000;
/// An export being read: one snapshot, a keyset position, the rows still to come.
pub struct ExportCursor {
    tx: Transaction<'static, Any>,
    request: ExportRequest,
    zone: ClinicZone,
    segment: Option<Segment>,
    after: i64,
}

impl std::fmt::Debug for ExportCursor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ExportCursor")
            .field("request", &self.request)
            .field("segment", &self.segment)
            .field("after", &self.after)
            .finish()
    }
}

impl Store {
    /// Opens an export: takes a snapshot and counts its rows (the response's `X-Row-Count`).
    pub async fn open_export(
        &self,
        request: ExportRequest,
        zone: ClinicZone,
    ) -> Result<(ExportCursor, i64), StoreError> {
        let mut tx = self.pool().begin().await?;
        if self.backend() == Backend::Postgres {
            sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                .execute(&mut *tx)
                .await?;
        }
        let first = Segment::first(request.kind).ok_or_else(|| {
            StoreError::Config(format!("{} is not a row export", request.kind.code()))
        })?;
        let mut rows = 0;
        let mut segment = Some(first);
        while let Some(s) = segment {
            let filters = s.filters(&request, zone);
            let sql = format!("SELECT COUNT(*) AS n {}{}", s.count_from(), filters.sql());
            let q = filters.bind(sqlx::query(sqlx::AssertSqlSafe(sql)).bind(0_i64));
            let n: i64 = q.fetch_one(&mut *tx).await?.try_get("n")?;
            rows += n;
            segment = s.next();
        }
        let cursor = ExportCursor {
            tx,
            segment: Some(first),
            request,
            zone,
            after: 0,
        };
        Ok((cursor, rows))
    }
}

impl ExportCursor {
    /// The next rows (at most [`CHUNK`]), or `None` when the export is complete.
    pub async fn next_chunk(&mut self) -> Result<Option<Vec<Vec<Cell>>>, StoreError> {
        while let Some(segment) = self.segment {
            let filters = segment.filters(&self.request, self.zone);
            let sql = format!(
                "SELECT {} {}{} ORDER BY {} LIMIT {CHUNK}",
                segment.select(),
                segment.from(),
                filters.sql(),
                segment.key()
            );
            let rows = filters
                .bind(sqlx::query(sqlx::AssertSqlSafe(sql)).bind(self.after))
                .fetch_all(&mut *self.tx)
                .await?;
            let Some(last) = rows.last() else {
                self.segment = segment.next();
                self.after = 0;
                continue;
            };
            self.after = last.try_get("id")?;
            let out = self.cells(segment, &rows).await?;
            return Ok(Some(out));
        }
        Ok(None)
    }

    /// `(name, amount)` children of the chunk's rows, by parent id, in the query's order.
    pub(super) async fn children(
        &mut self,
        sql: &str,
        rows: &[AnyRow],
        id_column: &str,
    ) -> Result<std::collections::HashMap<i64, Vec<(String, Money)>>, StoreError> {
        let mut ids = String::new();
        for row in rows {
            let id: i64 = row.try_get(id_column)?;
            if !ids.is_empty() {
                ids.push(',');
            }
            let _ = write!(ids, "{id}");
        }
        let mut by_parent: std::collections::HashMap<i64, Vec<(String, Money)>> =
            std::collections::HashMap::new();
        if ids.is_empty() {
            return Ok(by_parent);
        }
        // Literal integer ids (never text), so the plan is made for these rows: see
        // `visits::by_ids` for the generic-plan trap a bound array falls into.
        let sql = sql.replace("{ids}", &ids);
        let children = sqlx::query(sqlx::AssertSqlSafe(sql))
            .persistent(false)
            .fetch_all(&mut *self.tx)
            .await?;
        for c in children {
            by_parent
                .entry(c.try_get("parent")?)
                .or_default()
                .push((c.try_get("name")?, column::money(&c, "amount")?));
        }
        Ok(by_parent)
    }

    /// Ends the read transaction.
    pub async fn close(self) -> Result<(), StoreError> {
        self.tx.rollback().await?;
        Ok(())
    }
}

pub(super) const LINES_OF_VISITS: &str =
    "SELECT l.appointment_id AS parent, sv.name, l.base_price AS amount \
     FROM appointment_services l JOIN services sv ON sv.id = l.service_id \
     WHERE l.appointment_id IN ({ids}) ORDER BY l.appointment_id, l.position";

pub(super) const SPLIT_OF_PAYMENTS: &str = "SELECT pa.payment_id AS parent, sv.name, pa.amount \
     FROM payment_allocations pa \
     JOIN appointment_services l ON l.id = pa.line_id \
     JOIN services sv ON sv.id = l.service_id \
     WHERE pa.payment_id IN ({ids}) AND pa.amount > 0 ORDER BY pa.payment_id, l.position";

pub(super) const SPLIT_OF_REFUNDS: &str = "SELECT ra.refund_id AS parent, sv.name, ra.amount \
     FROM refund_allocations ra \
     JOIN appointment_services l ON l.id = ra.line_id \
     JOIN services sv ON sv.id = l.service_id \
     WHERE ra.refund_id IN ({ids}) ORDER BY ra.refund_id, l.position";

impl Store {
    /// Records that someone took an export (what, which filters, how many rows): exports carry
    /// patients' personal data out of the clinic, so each one is in the audit log.
    pub async fn record_export(
        &self,
        actor: &crate::audit::Actor,
        what: serde_json::Value,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        crate::audit::append(
            &mut tx,
            actor,
            crate::audit::AuditEntry {
                action: "export",
                entity: "export",
                entity_id: None,
                old: None,
                new: Some(what),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
