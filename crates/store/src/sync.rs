//! The changes feeds of incremental sync (`?updated_since=`): each mirrored table read in
//! `(updated_at, id)` order from a start key (exclusive), every row as it is — deactivated
//! records and voided payments included, so a mirror learns of them. The rules (the start key,
//! the horizon, the cursor) are the domain's `emhana_domain::sync`.

use chrono::{DateTime, NaiveDate, Utc};
use emhana_domain::ids::{AppointmentId, DoctorId};
use sqlx::any::AnyRow;
use sqlx::{FromRow, Row};

use crate::directories::{DoctorRow, LeadSourceRow, ServiceRow, DOCTOR, SERVICE, SOURCE};
use crate::patients::PatientRow;
use crate::visits::{by_ids, Allocation, Appointment, Payment, Refund, APPOINTMENT};
use crate::{time, Store, StoreError};

/// The condition "after the start key" on a table aliased `t` (placeholders `$1`, `$2`).
const AFTER: &str = "(t.updated_at > $1 OR (t.updated_at = $1 AND t.id > $2))";

/// A payment as the clinic-wide journal shows it: with the visit it pays.
#[derive(Debug, Clone, PartialEq)]
pub struct ListedPayment {
    /// The visit it pays.
    pub appointment_id: AppointmentId,
    /// The payment (with its last change).
    pub payment: Payment,
}

impl FromRow<'_, AnyRow> for ListedPayment {
    fn from_row(r: &AnyRow) -> sqlx::Result<Self> {
        Ok(Self {
            appointment_id: AppointmentId(r.try_get("appointment_id")?),
            payment: Payment::from_row(r)?,
        })
    }
}

/// A page of changed payments with what their views need: allocations and refunds.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PaymentChanges {
    /// The payments, in change order.
    pub payments: Vec<ListedPayment>,
    /// Every allocation of those payments.
    pub allocations: Vec<Allocation>,
    /// Every refund from those payments.
    pub refunds: Vec<Refund>,
}

/// Which payments the journal reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PaymentSelection {
    /// A sync: changed after the start key, in change order.
    Changed {
        /// `(updated_at, id)` to read after.
        start: (DateTime<Utc>, i64),
        /// Rows to read.
        limit: i64,
    },
    /// The journal: newest first, within payment days.
    Journal {
        /// First clinic-local payment day.
        from: Option<NaiveDate>,
        /// Last clinic-local payment day.
        to: Option<NaiveDate>,
        /// Rows with ids below this (the previous page's last).
        before_id: Option<i64>,
        /// Rows to read.
        limit: i64,
    },
}

fn start_key(start: (DateTime<Utc>, i64)) -> (String, i64) {
    (time::encode(start.0), start.1)
}

impl Store {
    /// Patients changed after `start`, at most `limit`.
    pub async fn changed_patients(
        &self,
        start: (DateTime<Utc>, i64),
        limit: i64,
    ) -> Result<Vec<PatientRow>, StoreError> {
        self.changed_rows(crate::patients::COLUMNS, "patients", start, Some(limit))
            .await
    }

    /// Doctors changed after `start` (a directory is small: all of them).
    pub async fn changed_doctors(
        &self,
        start: (DateTime<Utc>, i64),
    ) -> Result<Vec<DoctorRow>, StoreError> {
        self.changed_rows(DOCTOR, "doctors", start, None).await
    }

    /// Services changed after `start`.
    pub async fn changed_services(
        &self,
        start: (DateTime<Utc>, i64),
    ) -> Result<Vec<ServiceRow>, StoreError> {
        self.changed_rows(SERVICE, "services", start, None).await
    }

    /// Lead sources changed after `start`.
    pub async fn changed_lead_sources(
        &self,
        start: (DateTime<Utc>, i64),
    ) -> Result<Vec<LeadSourceRow>, StoreError> {
        self.changed_rows(SOURCE, "lead_sources", start, None).await
    }

    /// `columns` of `table`'s rows changed after `start`, at most `limit` (none: all).
    async fn changed_rows<T>(
        &self,
        columns: &str,
        table: &str,
        start: (DateTime<Utc>, i64),
        limit: Option<i64>,
    ) -> Result<Vec<T>, StoreError>
    where
        T: for<'r> FromRow<'r, AnyRow> + Send + Unpin,
    {
        let capped = if limit.is_some() { " LIMIT $3" } else { "" };
        let sql = format!(
            "SELECT {columns} FROM {table} t WHERE {AFTER} ORDER BY t.updated_at, t.id{capped}"
        );
        let (at, id) = start_key(start);
        let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(at).bind(id);
        if let Some(limit) = limit {
            q = q.bind(limit);
        }
        Ok(q.fetch_all(self.pool()).await?)
    }

    /// Visits changed after `start` (one doctor's when given), at most `limit`.
    pub async fn changed_visits(
        &self,
        start: (DateTime<Utc>, i64),
        doctor: Option<DoctorId>,
        limit: i64,
    ) -> Result<Vec<Appointment>, StoreError> {
        let after = AFTER.replace("t.", "a.");
        let doctor_filter = if doctor.is_some() {
            " AND a.doctor_id = $4"
        } else {
            ""
        };
        let sql = format!(
            "SELECT {APPOINTMENT} WHERE {after}{doctor_filter} ORDER BY a.updated_at, a.id LIMIT $3"
        );
        let (at, id) = start_key(start);
        let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(at)
            .bind(id)
            .bind(limit);
        if let Some(doctor) = doctor {
            q = q.bind(doctor.0);
        }
        Ok(q.fetch_all(self.pool()).await?)
    }

    /// The payment journal: payments changed after a start key (a sync), or the newest first
    /// within clinic days (keyset by id); at most `limit`, with their allocations and refunds.
    pub async fn payment_list(
        &self,
        which: &PaymentSelection,
    ) -> Result<PaymentChanges, StoreError> {
        let mut conn = self.pool().acquire().await?;
        const SELECT: &str = "SELECT t.id, t.appointment_id, t.updated_at, t.method, t.amount, t.paid_at, \
            t.received_by, u.display_name AS received_by_name, t.note, t.voided_at, t.void_reason, t.shift_id \
            FROM payments t LEFT JOIN users u ON u.id = t.received_by";
        let payments: Vec<ListedPayment> = match which {
            PaymentSelection::Changed { start, limit } => {
                let (at, id) = start_key(*start);
                let sql = format!("{SELECT} WHERE {AFTER} ORDER BY t.updated_at, t.id LIMIT $3");
                sqlx::query_as(sqlx::AssertSqlSafe(sql))
                    .bind(at)
                    .bind(id)
                    .bind(*limit)
                    .fetch_all(&mut *conn)
                    .await?
            }
            PaymentSelection::Journal {
                from,
                to,
                before_id,
                limit,
            } => {
                // Only the filters given become conditions (they keep their indexes).
                let mut conditions = Vec::new();
                let mut texts = Vec::new();
                for (day, op) in [(from, ">="), (to, "<=")] {
                    if let Some(day) = day {
                        texts.push(time::encode_day(*day));
                        conditions.push(format!("t.local_date {op} ${}", texts.len()));
                    }
                }
                let n = texts.len();
                if before_id.is_some() {
                    conditions.push(format!("t.id < ${}", n + 1));
                }
                let filter = if conditions.is_empty() {
                    String::new()
                } else {
                    format!(" WHERE {}", conditions.join(" AND "))
                };
                let limit_at = n + 1 + usize::from(before_id.is_some());
                let sql = format!("{SELECT}{filter} ORDER BY t.id DESC LIMIT ${limit_at}");
                let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql));
                for t in texts {
                    q = q.bind(t);
                }
                if let Some(id) = before_id {
                    q = q.bind(*id);
                }
                q.bind(*limit).fetch_all(&mut *conn).await?
            }
        };
        let allocations = by_ids(
            &mut conn,
            "SELECT x.id, x.payment_id, x.line_id, x.amount FROM payment_allocations x \
             WHERE x.payment_id IN ({ids}) ORDER BY x.payment_id, x.line_id",
            payments.iter().map(|p| p.payment.id.0),
        )
        .await?;
        let refunds = by_ids(
            &mut conn,
            "SELECT r.id, r.payment_id, r.method, r.amount, r.refunded_at, r.refunded_by, \
                    u.display_name AS refunded_by_name, r.reason, r.shift_id \
             FROM refunds r LEFT JOIN users u ON u.id = r.refunded_by \
             WHERE r.payment_id IN ({ids}) ORDER BY r.id",
            payments.iter().map(|p| p.payment.id.0),
        )
        .await?;
        Ok(PaymentChanges {
            payments,
            allocations,
            refunds,
        })
    }
}
