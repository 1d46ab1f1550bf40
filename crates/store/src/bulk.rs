//! Bulk loading of generated data (benchmarks, large demos): multi-row INSERTs of rows whose
//! every number the caller already decided with the domain's rules (allocation, payment status).
//! Not a user action, so no audit rows; only numbers, dates and codes from code are inlined into
//! the SQL text, and text values are quoted.

use chrono::{DateTime, NaiveDate, Utc};
use emhana_domain::patient::PatientCard;
use emhana_domain::{PaymentMethod, PaymentStatus, VisitStatus};
use sqlx::AnyConnection;

use crate::{time, Backend, Store, StoreError};

/// A service line of a generated visit.
#[derive(Debug, Clone)]
pub struct BulkLine {
    /// Price-list service.
    pub service_id: i64,
    /// Base price, tiyn.
    pub base_price: i64,
    /// This visit's price, tiyn.
    pub price: i64,
    /// Allocated from its payments, tiyn.
    pub paid: i64,
}

/// A payment of a generated visit with its split over the visit's lines (by line index).
#[derive(Debug, Clone)]
pub struct BulkPayment {
    /// Method.
    pub method: PaymentMethod,
    /// Tiyn.
    pub amount: i64,
    /// When taken.
    pub paid_at: DateTime<Utc>,
    /// Clinic-local day of `paid_at`.
    pub local_date: NaiveDate,
    /// `(line index, tiyn)`; sums to `amount`.
    pub allocations: Vec<(usize, i64)>,
}

/// A generated visit, consistent: total = Σ prices, paid = Σ payments, status derived.
#[derive(Debug, Clone)]
pub struct BulkVisit {
    /// Patient.
    pub patient_id: i64,
    /// Doctor.
    pub doctor_id: i64,
    /// Start.
    pub starts_at: DateTime<Utc>,
    /// End.
    pub ends_at: DateTime<Utc>,
    /// Clinic-local day of the start.
    pub local_date: NaiveDate,
    /// Status.
    pub status: VisitStatus,
    /// Lead source id.
    pub source_id: i64,
    /// Lines.
    pub lines: Vec<BulkLine>,
    /// Live payments.
    pub payments: Vec<BulkPayment>,
    /// Σ prices, tiyn.
    pub total: i64,
    /// Σ payments, tiyn.
    pub paid: i64,
    /// Derived from (total, paid).
    pub payment_status: PaymentStatus,
}

fn quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

fn opt(s: Option<&str>) -> String {
    s.map_or_else(|| "NULL".to_owned(), quote)
}

async fn next_id(conn: &mut AnyConnection, table: &str) -> Result<i64, StoreError> {
    let sql = format!("SELECT CAST(COALESCE(MAX(id), 0) AS BIGINT) FROM {table}");
    let (max,): (i64,) = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .fetch_one(&mut *conn)
        .await?;
    Ok(max + 1)
}

/// Runs one multi-row INSERT (`head` + comma-joined `rows`), if there are rows.
async fn insert(conn: &mut AnyConnection, head: &str, rows: &[String]) -> Result<(), StoreError> {
    if rows.is_empty() {
        return Ok(());
    }
    let sql = format!("{head} VALUES {}", rows.join(","));
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Rows per multi-row INSERT statement.
const BATCH: usize = 500;

impl Store {
    /// Inserts patient cards; returns their ids in order.
    pub async fn bulk_patients(&self, cards: &[PatientCard]) -> Result<Vec<i64>, StoreError> {
        let now = quote(&time::encode(Utc::now()));
        let mut tx = self.begin_write().await?;
        let first = next_id(&mut tx, "patients").await?;
        for (chunk_no, chunk) in cards.chunks(BATCH).enumerate() {
            let rows: Vec<String> = chunk
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    let id = first + (chunk_no * BATCH + i) as i64;
                    format!(
                        "({id}, {}, {}, {}, {}, {}, {}, {now}, {now})",
                        quote(c.first_name.as_str()),
                        opt(c.last_name.as_ref().map(|n| n.as_str())),
                        opt(c
                            .birth_date
                            .map(|d| d.format("%Y-%m-%d").to_string())
                            .as_deref()),
                        quote(c.phone.as_str()),
                        opt(c.email.as_ref().map(|e| e.as_str())),
                        quote(&c.search_key()),
                    )
                })
                .collect();
            insert(
                &mut tx,
                "INSERT INTO patients (id, first_name, last_name, birth_date, phone, email, search_key, created_at, updated_at)",
                &rows,
            )
            .await?;
        }
        tx.commit().await?;
        self.sync_sequences(&["patients"]).await?;
        Ok((0..cards.len()).map(|i| first + i as i64).collect())
    }

    /// Inserts generated visits with their lines, payments, allocations and a booking history
    /// row, in one transaction per call (callers pass a few thousand at a time).
    pub async fn bulk_visits(
        &self,
        visits: &[BulkVisit],
        created_by: Option<i64>,
    ) -> Result<(), StoreError> {
        let now = quote(&time::encode(Utc::now()));
        let by = created_by.map_or_else(|| "NULL".to_owned(), |u| u.to_string());
        let mut tx = self.begin_write().await?;
        let mut visit_id = next_id(&mut tx, "appointments").await?;
        let mut line_id = next_id(&mut tx, "appointment_services").await?;
        let mut payment_id = next_id(&mut tx, "payments").await?;
        let (mut appointments, mut lines, mut payments, mut allocations, mut history) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for v in visits {
            let starts = quote(&time::encode(v.starts_at));
            appointments.push(format!(
                "({visit_id}, {}, {}, {starts}, {}, '{}', '{}', {}, {}, {}, '{}', {by}, {now}, {now})",
                v.patient_id,
                v.doctor_id,
                quote(&time::encode(v.ends_at)),
                v.local_date.format("%Y-%m-%d"),
                v.status.code(),
                v.source_id,
                v.total,
                v.paid,
                v.payment_status.code(),
            ));
            history.push(format!(
                "({visit_id}, NULL, 'scheduled', {starts}, {by}, NULL)"
            ));
            let first_line = line_id;
            for (position, l) in v.lines.iter().enumerate() {
                lines.push(format!(
                    "({line_id}, {visit_id}, {}, {}, {}, {}, {position})",
                    l.service_id, l.base_price, l.price, l.paid
                ));
                line_id += 1;
            }
            for p in &v.payments {
                let paid_at = quote(&time::encode(p.paid_at));
                payments.push(format!(
                    "({payment_id}, {visit_id}, '{}', {}, {paid_at}, '{}', {by}, {paid_at})",
                    p.method.code(),
                    p.amount,
                    p.local_date.format("%Y-%m-%d"),
                ));
                for (line, amount) in &p.allocations {
                    allocations.push(format!(
                        "({payment_id}, {}, {amount})",
                        first_line + *line as i64
                    ));
                }
                payment_id += 1;
            }
            visit_id += 1;
        }
        for chunk in appointments.chunks(BATCH) {
            insert(&mut tx, "INSERT INTO appointments (id, patient_id, doctor_id, starts_at, ends_at, local_date, status, source_id, total, paid, payment_status, created_by, created_at, updated_at)", chunk).await?;
        }
        for chunk in history.chunks(BATCH) {
            insert(&mut tx, "INSERT INTO appointment_status_history (appointment_id, from_status, to_status, at, user_id, reason)", chunk).await?;
        }
        for chunk in lines.chunks(BATCH) {
            insert(&mut tx, "INSERT INTO appointment_services (id, appointment_id, service_id, base_price, price, paid, position)", chunk).await?;
        }
        for chunk in payments.chunks(BATCH) {
            insert(&mut tx, "INSERT INTO payments (id, appointment_id, method, amount, paid_at, local_date, received_by, updated_at)", chunk).await?;
        }
        for chunk in allocations.chunks(BATCH) {
            insert(
                &mut tx,
                "INSERT INTO payment_allocations (payment_id, line_id, amount)",
                chunk,
            )
            .await?;
        }
        tx.commit().await?;
        self.sync_sequences(&["appointments", "appointment_services", "payments"])
            .await
    }

    /// After explicit ids, PostgreSQL's sequences must move past them (SQLite's AUTOINCREMENT
    /// follows by itself).
    async fn sync_sequences(&self, tables: &[&str]) -> Result<(), StoreError> {
        if self.backend() != Backend::Postgres {
            return Ok(());
        }
        for table in tables {
            let sql = format!(
                "SELECT CAST(setval(pg_get_serial_sequence('{table}', 'id'), (SELECT COALESCE(MAX(id), 1) FROM {table})) AS BIGINT)"
            );
            sqlx::query(sqlx::AssertSqlSafe(sql))
                .fetch_one(self.pool())
                .await?;
        }
        Ok(())
    }
}
