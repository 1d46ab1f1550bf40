//! Visits (appointments): the rows, the whole-visit read and the list, and the helpers every
//! visit write shares (the visit lock, totals and payment status, history, audit JSON). The
//! writes live by responsibility: `booking` (book, move), `status` (the status machine),
//! `lines` (services with per-visit prices); payments are in `crate::payments`.
//!
//! Every write transaction starts with its guarded write (a lock on the doctor's row for
//! bookings, a version bump on the visit for changes), so SQLite takes its write lock first and
//! PostgreSQL serialises writers of the same visit on the row lock; decisions are the domain's.

use chrono::{DateTime, NaiveDate, Utc};
use emhana_domain::payment::PaymentRefusal;
use emhana_domain::visit::{check_line_price, Slot};
use emhana_domain::{FieldViolation, Money, PaymentStatus, Role, TransitionError, VisitStatus};
use serde_json::json;
use sqlx::AnyConnection;

use crate::audit::{self, Actor, AuditEntry};
use crate::stats::Delta;
use crate::{time, Store, StoreError};

mod booking;
mod lines;
mod status;

pub use booking::{NewVisit, VisitChange};
pub use status::StatusMove;

/// Why a visit use case refused (each maps to one HTTP answer), or the store failed.
#[derive(Debug, thiserror::Error)]
pub enum VisitError {
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// An input names something that does not exist or is inactive (422).
    #[error("{0}")]
    Invalid(FieldViolation),
    /// The doctor already has a visit then (409).
    #[error("the doctor is booked then (visit {})", .0.id)]
    Clash(Box<ClashRow>),
    /// A money guard refused (overpayment 422, price below paid 409).
    #[error(transparent)]
    Payment(#[from] PaymentRefusal),
    /// The status machine refused.
    #[error(transparent)]
    Transition(#[from] TransitionError),
    /// A state conflict with a Russian explanation (409).
    #[error("{0}")]
    Conflict(&'static str),
    /// The caller's role may not do this to the visit in its status (403).
    #[error("{0}")]
    Forbidden(&'static str),
}

impl crate::retry::Transient for VisitError {
    fn is_transient(&self) -> bool {
        matches!(self, Self::Store(e) if e.is_transient())
    }
}

impl From<sqlx::Error> for VisitError {
    fn from(e: sqlx::Error) -> Self {
        Self::Store(StoreError::Database(e))
    }
}

/// The visit another booking clashes with.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ClashRow {
    /// Its id.
    pub id: i64,
    /// Its start.
    pub starts_at: String,
    /// Its end.
    pub ends_at: String,
    /// Its patient's name.
    pub patient_name: String,
}

/// A visit as stored, with the names a list shows.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AppointmentRow {
    /// Id.
    pub id: i64,
    /// Patient.
    pub patient_id: i64,
    /// "Имя Фамилия".
    pub patient_name: String,
    /// `+7XXXXXXXXXX`.
    pub patient_phone: String,
    /// Doctor.
    pub doctor_id: i64,
    /// "Фамилия Имя".
    pub doctor_name: String,
    /// Start (stored text).
    pub starts_at: String,
    /// End (stored text).
    pub ends_at: String,
    /// Clinic-local day of the start.
    pub local_date: String,
    /// Status code.
    pub status: String,
    /// Lead source code.
    pub source_code: String,
    /// Lead source label.
    pub source_label: String,
    /// Notes.
    pub notes: Option<String>,
    /// Stamps.
    pub arrived_at: Option<String>,
    /// Stamps.
    pub started_at: Option<String>,
    /// Stamps.
    pub finished_at: Option<String>,
    /// Sum of line prices, tiyn.
    pub total: i64,
    /// Sum of live payments, tiyn.
    pub paid: i64,
    /// Derived payment status code.
    pub payment_status: String,
    /// Why it was booked over a clash, if it was.
    pub overlap_reason: Option<String>,
    /// Optimistic-locking version.
    pub version: i64,
    /// Who booked it.
    pub created_by: Option<i64>,
    /// Created.
    pub created_at: String,
    /// Changed.
    pub updated_at: String,
}

const APPOINTMENT: &str = "a.id, a.patient_id, \
    p.first_name || COALESCE(' ' || p.last_name, '') AS patient_name, p.phone AS patient_phone, \
    a.doctor_id, d.last_name || ' ' || d.first_name AS doctor_name, \
    a.starts_at, a.ends_at, a.local_date, a.status, \
    s.code AS source_code, s.label AS source_label, a.notes, \
    a.arrived_at, a.started_at, a.finished_at, a.total, a.paid, a.payment_status, a.overlap_reason, \
    a.version, a.created_by, a.created_at, a.updated_at \
    FROM appointments a \
    JOIN patients p ON p.id = a.patient_id \
    JOIN doctors d ON d.id = a.doctor_id \
    JOIN lead_sources s ON s.id = a.source_id";

/// A service line of a visit.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LineRow {
    /// Id.
    pub id: i64,
    /// The price-list service.
    pub service_id: i64,
    /// Its name.
    pub service_name: String,
    /// The price list's price when booked, tiyn.
    pub base_price: i64,
    /// This visit's price, tiyn.
    pub price: i64,
    /// Allocated from live payments, tiyn.
    pub paid: i64,
    /// Order on the visit.
    pub position: i64,
}

/// A payment with the name of who took it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PaymentRow {
    /// Id.
    pub id: i64,
    /// Method code.
    pub method: String,
    /// Amount, tiyn.
    pub amount: i64,
    /// When taken.
    pub paid_at: String,
    /// Who took it.
    pub received_by: Option<i64>,
    /// Their name.
    pub received_by_name: Option<String>,
    /// Note.
    pub note: Option<String>,
    /// When voided.
    pub voided_at: Option<String>,
    /// Who voided.
    pub voided_by: Option<i64>,
    /// Why.
    pub void_reason: Option<String>,
}

/// One part of a payment on one line.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AllocationRow {
    /// The payment.
    pub payment_id: i64,
    /// The line.
    pub line_id: i64,
    /// Tiyn.
    pub amount: i64,
}

/// One status change.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct StatusRow {
    /// Previous status (none for the booking itself).
    pub from_status: Option<String>,
    /// New status.
    pub to_status: String,
    /// When.
    pub at: String,
    /// Who.
    pub user_id: Option<i64>,
    /// Their name.
    pub user_name: Option<String>,
    /// Why (reverts).
    pub reason: Option<String>,
}

/// A whole visit: the card the API returns.
#[derive(Debug, Clone)]
pub struct Visit {
    /// The visit.
    pub appointment: AppointmentRow,
    /// Its lines by position.
    pub lines: Vec<LineRow>,
    /// Its payments, oldest first.
    pub payments: Vec<PaymentRow>,
    /// Every allocation of those payments.
    pub allocations: Vec<AllocationRow>,
    /// Its status history, oldest first.
    pub history: Vec<StatusRow>,
}

/// Filters of the visit list.
#[derive(Debug, Clone, Default)]
pub struct VisitFilter {
    /// First clinic-local day.
    pub from: Option<NaiveDate>,
    /// Last clinic-local day (inclusive).
    pub to: Option<NaiveDate>,
    /// One doctor.
    pub doctor_id: Option<i64>,
    /// One patient.
    pub patient_id: Option<i64>,
    /// Status code.
    pub status: Option<String>,
    /// Payment status code.
    pub payment_status: Option<String>,
    /// Page size + 1.
    pub limit: i64,
    /// Keyset cursor: rows after this (starts_at, id).
    pub after: Option<(String, i64)>,
}

fn invalid(field: &str, message: &str) -> VisitError {
    VisitError::Invalid(FieldViolation::new(field, "unknown", message))
}

/// Money columns are tiyn.
fn money(tiyn: i64) -> Money {
    Money::from_tiyn(tiyn)
}

/// `(id, status, total, paid)` after bumping the visit's version: the first write of every
/// change, so the rest of the transaction runs under the visit's write lock.
pub(crate) async fn lock_visit(
    conn: &mut AnyConnection,
    id: i64,
    version: Option<i64>,
    now: &str,
) -> Result<(VisitStatus, Money, Money), VisitError> {
    let row: Option<(String, i64, i64)> = sqlx::query_as(
        "UPDATE appointments SET version = version + 1, updated_at = $1 \
         WHERE id = $2 AND ($3 IS NULL OR version = $3) RETURNING status, total, paid",
    )
    .bind(now)
    .bind(id)
    .bind(version)
    .fetch_optional(&mut *conn)
    .await?;
    match row {
        Some((status, total, paid)) => Ok((parse_status(&status)?, money(total), money(paid))),
        None => {
            let current: Option<(i64,)> =
                sqlx::query_as("SELECT version FROM appointments WHERE id = $1")
                    .bind(id)
                    .fetch_optional(&mut *conn)
                    .await?;
            Err(match current {
                Some((current,)) => StoreError::StaleVersion { current }.into(),
                None => StoreError::NotFound.into(),
            })
        }
    }
}

fn parse_status(code: &str) -> Result<VisitStatus, VisitError> {
    VisitStatus::from_code(code)
        .ok_or_else(|| StoreError::Config(format!("unknown visit status {code:?}")).into())
}

/// Recomputes the visit's total from its lines and the payment status from (total, paid).
pub(crate) async fn recompute_totals(
    conn: &mut AnyConnection,
    id: i64,
) -> Result<(Money, Money), VisitError> {
    let (total, paid): (i64, i64) = sqlx::query_as(
        "UPDATE appointments SET total = (SELECT COALESCE(SUM(price), 0) FROM appointment_services WHERE appointment_id = $1) \
         WHERE id = $1 RETURNING total, paid",
    )
    .bind(id)
    .fetch_one(&mut *conn)
    .await?;
    set_payment_status(conn, id, money(total), money(paid)).await?;
    Ok((money(total), money(paid)))
}

/// Stores the payment status the domain derives from `(total, paid)`.
pub(crate) async fn set_payment_status(
    conn: &mut AnyConnection,
    id: i64,
    total: Money,
    paid: Money,
) -> Result<PaymentStatus, VisitError> {
    let status = PaymentStatus::derive(total, paid);
    sqlx::query("UPDATE appointments SET payment_status = $1 WHERE id = $2")
        .bind(status.code())
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(status)
}

/// Reads a whole visit on `conn` (inside a transaction it sees the transaction's writes).
pub(crate) async fn load_visit(
    conn: &mut AnyConnection,
    id: i64,
) -> Result<Option<Visit>, StoreError> {
    let sql = format!("SELECT {APPOINTMENT} WHERE a.id = $1");
    let Some(appointment) = sqlx::query_as::<_, AppointmentRow>(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
    else {
        return Ok(None);
    };
    let lines = sqlx::query_as(
        "SELECT l.id, l.service_id, s.name AS service_name, l.base_price, l.price, l.paid, l.position \
         FROM appointment_services l JOIN services s ON s.id = l.service_id \
         WHERE l.appointment_id = $1 ORDER BY l.position, l.id",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    let payments = sqlx::query_as(
        "SELECT y.id, y.method, y.amount, y.paid_at, y.received_by, u.display_name AS received_by_name, \
                y.note, y.voided_at, y.voided_by, y.void_reason \
         FROM payments y LEFT JOIN users u ON u.id = y.received_by \
         WHERE y.appointment_id = $1 ORDER BY y.id",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    let allocations = sqlx::query_as(
        "SELECT x.payment_id, x.line_id, x.amount FROM payment_allocations x \
         JOIN payments y ON y.id = x.payment_id WHERE y.appointment_id = $1 ORDER BY x.payment_id, x.line_id",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    let history = sqlx::query_as(
        "SELECT h.from_status, h.to_status, h.at, h.user_id, u.display_name AS user_name, h.reason \
         FROM appointment_status_history h LEFT JOIN users u ON u.id = h.user_id \
         WHERE h.appointment_id = $1 ORDER BY h.id",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(Some(Visit {
        appointment,
        lines,
        payments,
        allocations,
        history,
    }))
}

/// `(base_price, duration_minutes)` of an active service.
async fn active_service(
    conn: &mut AnyConnection,
    id: i64,
    field: &str,
) -> Result<(i64, i64), VisitError> {
    let row: Option<(i64, i64)> = sqlx::query_as(
        "SELECT base_price, duration_minutes FROM services WHERE id = $1 AND is_active = 1",
    )
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    row.ok_or_else(|| invalid(field, "Нет такой активной услуги"))
}

async fn history(
    conn: &mut AnyConnection,
    id: i64,
    from: Option<VisitStatus>,
    to: VisitStatus,
    actor: &Actor,
    reason: Option<&str>,
    now: &str,
) -> Result<(), VisitError> {
    sqlx::query(
        "INSERT INTO appointment_status_history (appointment_id, from_status, to_status, at, user_id, reason) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(id)
    .bind(from.map(VisitStatus::code))
    .bind(to.code())
    .bind(now)
    .bind(actor.user_id.map(|u| u.0))
    .bind(reason)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

fn visit_json(v: &Visit) -> serde_json::Value {
    let a = &v.appointment;
    json!({
        "patient_id": a.patient_id, "doctor_id": a.doctor_id, "starts_at": a.starts_at,
        "ends_at": a.ends_at, "status": a.status, "source": a.source_code, "notes": a.notes,
        "total": money(a.total), "paid": money(a.paid), "overlap_reason": a.overlap_reason,
        "lines": v.lines.iter().map(|l| json!({"service_id": l.service_id, "price": money(l.price)})).collect::<Vec<_>>(),
    })
}

impl Store {
    /// One whole visit.
    pub async fn visit(&self, id: i64) -> Result<Option<Visit>, StoreError> {
        let mut conn = self.pool().acquire().await?;
        load_visit(&mut conn, id).await
    }

    /// The visit list: filters, ordered by start then id, keyset-paged.
    pub async fn visits(&self, f: &VisitFilter) -> Result<Vec<AppointmentRow>, StoreError> {
        // Only the filters given become conditions (`$n IS NULL OR …` hides the indexes from
        // the planner: one calendar day read every visit, 300 ms at 1M visits).
        let day = |d: Option<NaiveDate>| d.map(|d| d.format("%Y-%m-%d").to_string());
        let texts = [
            (day(f.from), "a.local_date >= "),
            (day(f.to), "a.local_date <= "),
            (f.status.clone(), "a.status = "),
            (f.payment_status.clone(), "a.payment_status = "),
        ];
        let ids = [
            (f.doctor_id, "a.doctor_id = "),
            (f.patient_id, "a.patient_id = "),
        ];
        let mut conditions: Vec<String> = Vec::new();
        for (value, column) in &texts {
            if value.is_some() {
                conditions.push(format!("{column}${}", conditions.len() + 1));
            }
        }
        for (value, column) in &ids {
            if value.is_some() {
                conditions.push(format!("{column}${}", conditions.len() + 1));
            }
        }
        if f.after.is_some() {
            let n = conditions.len() + 1;
            conditions.push(format!(
                "(a.starts_at > ${n} OR (a.starts_at = ${n} AND a.id > ${}))",
                n + 1
            ));
        }
        let limit = conditions.len() + 1 + usize::from(f.after.is_some());
        let filter = if conditions.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", conditions.join(" AND "))
        };
        // local_date follows starts_at, so this is the starts_at order; spelled with the day
        // first it is also the order of the (doctor_id, local_date, starts_at) index.
        let sql = format!(
            "SELECT {APPOINTMENT} {filter} ORDER BY a.local_date, a.starts_at, a.id LIMIT ${limit}"
        );
        let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql));
        for value in texts.into_iter().filter_map(|t| t.0) {
            q = q.bind(value);
        }
        for value in ids.into_iter().filter_map(|i| i.0) {
            q = q.bind(value);
        }
        if let Some(a) = &f.after {
            q = q.bind(a.0.clone()).bind(a.1);
        }
        Ok(q.bind(f.limit).fetch_all(self.pool()).await?)
    }
}
