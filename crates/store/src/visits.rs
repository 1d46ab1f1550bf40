//! Visits (appointments): booking with the double-booking guard, reads for the card and the
//! calendar, the status machine with its history, and service lines with per-visit prices.
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
use crate::{time, Store, StoreError};

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

/// A booking, validated by the handler; the store resolves references and the slot.
#[derive(Debug, Clone)]
pub struct NewVisit {
    /// Patient (must be active).
    pub patient_id: i64,
    /// Doctor (must be active).
    pub doctor_id: i64,
    /// Start.
    pub starts_at: DateTime<Utc>,
    /// End; from the services' durations when absent.
    pub ends_at: Option<DateTime<Utc>>,
    /// Price-list services, each once.
    pub service_ids: Vec<i64>,
    /// Lead source code; the default when absent.
    pub source: Option<String>,
    /// Notes.
    pub notes: Option<String>,
    /// Book over a clash with this reason (admins and owners only; the handler checks).
    pub overlap_reason: Option<String>,
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

/// A change of a visit's slot or details (`PATCH`).
#[derive(Debug, Clone, Default)]
pub struct VisitChange {
    /// Another doctor.
    pub doctor_id: Option<i64>,
    /// New start (the length is kept unless `ends_at` is given).
    pub starts_at: Option<DateTime<Utc>>,
    /// New end.
    pub ends_at: Option<DateTime<Utc>>,
    /// Another lead source code.
    pub source: Option<String>,
    /// New notes (`Some("")` clears).
    pub notes: Option<String>,
    /// Move over a clash with this reason.
    pub overlap_reason: Option<String>,
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

/// The first non-cancelled visit of `doctor_id` overlapping `slot`, other than `except`.
async fn clash(
    conn: &mut AnyConnection,
    doctor_id: i64,
    slot: &Slot,
    except: Option<i64>,
) -> Result<Option<ClashRow>, VisitError> {
    Ok(sqlx::query_as(
        "SELECT a.id, a.starts_at, a.ends_at, p.first_name || COALESCE(' ' || p.last_name, '') AS patient_name \
         FROM appointments a JOIN patients p ON p.id = a.patient_id \
         WHERE a.doctor_id = $1 AND a.status <> 'cancelled' AND a.starts_at < $2 AND a.ends_at > $3 \
           AND ($4 IS NULL OR a.id <> $4) \
         ORDER BY a.starts_at LIMIT 1",
    )
    .bind(doctor_id)
    .bind(time::encode(slot.ends_at))
    .bind(time::encode(slot.starts_at))
    .bind(except)
    .fetch_optional(&mut *conn)
    .await?)
}

/// Locks the doctor's row (bookings of one doctor run one at a time) and checks it is active.
async fn lock_doctor(conn: &mut AnyConnection, doctor_id: i64) -> Result<(), VisitError> {
    let locked =
        sqlx::query("UPDATE doctors SET version = version WHERE id = $1 AND is_active = 1")
            .bind(doctor_id)
            .execute(&mut *conn)
            .await?
            .rows_affected();
    if locked == 0 {
        return Err(invalid("doctor_id", "Нет такого активного врача"));
    }
    Ok(())
}

async fn source_id(conn: &mut AnyConnection, code: Option<&str>) -> Result<i64, VisitError> {
    let row: Option<(i64,)> = match code {
        Some(code) => {
            sqlx::query_as("SELECT id FROM lead_sources WHERE code = $1 AND is_active = 1")
                .bind(code)
                .fetch_optional(&mut *conn)
                .await?
        }
        None => {
            sqlx::query_as("SELECT id FROM lead_sources WHERE is_default = 1 ORDER BY id LIMIT 1")
                .fetch_optional(&mut *conn)
                .await?
        }
    };
    row.map(|(id,)| id)
        .ok_or_else(|| invalid("source", "Нет такого активного источника"))
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

    /// Books a visit: the doctor must be free (or `overlap_reason` given), every reference
    /// active; lines snapshot the price list. Audited, with the first history row.
    pub async fn book_visit(
        &self,
        actor: &Actor,
        new: &NewVisit,
        local_date: impl Fn(DateTime<Utc>) -> NaiveDate,
    ) -> Result<Visit, VisitError> {
        let now = time::encode(Utc::now());
        let mut tx = self.pool().begin().await?;
        lock_doctor(&mut tx, new.doctor_id).await?;
        let patient: Option<(i64,)> =
            sqlx::query_as("SELECT id FROM patients WHERE id = $1 AND is_active = 1")
                .bind(new.patient_id)
                .fetch_optional(&mut *tx)
                .await?;
        if patient.is_none() {
            return Err(invalid("patient_id", "Нет такого активного клиента"));
        }
        let source = source_id(&mut tx, new.source.as_deref()).await?;
        let mut services = Vec::with_capacity(new.service_ids.len());
        for (i, id) in new.service_ids.iter().enumerate() {
            services.push(active_service(&mut tx, *id, &format!("service_ids.{i}")).await?);
        }
        let minutes: Vec<i64> = services.iter().map(|s| s.1).collect();
        let slot = Slot::plan(new.starts_at, new.ends_at, &minutes).map_err(VisitError::Invalid)?;
        if let Some(c) = clash(&mut tx, new.doctor_id, &slot, None).await? {
            if new.overlap_reason.is_none() {
                return Err(VisitError::Clash(Box::new(c)));
            }
        }
        let total: i64 = services.iter().map(|s| s.0).sum();
        let status = PaymentStatus::derive(money(total), Money::ZERO);
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO appointments (patient_id, doctor_id, starts_at, ends_at, local_date, status, source_id, notes, \
                 total, paid, payment_status, overlap_reason, created_by, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, 'scheduled', $6, $7, $8, 0, $9, $10, $11, $12, $12) RETURNING id",
        )
        .bind(new.patient_id)
        .bind(new.doctor_id)
        .bind(time::encode(slot.starts_at))
        .bind(time::encode(slot.ends_at))
        .bind(local_date(slot.starts_at).format("%Y-%m-%d").to_string())
        .bind(source)
        .bind(new.notes.as_deref())
        .bind(total)
        .bind(status.code())
        .bind(new.overlap_reason.as_deref())
        .bind(actor.user_id.map(|u| u.0))
        .bind(&now)
        .fetch_one(&mut *tx)
        .await?;
        for (position, (service_id, (base_price, _))) in
            new.service_ids.iter().zip(&services).enumerate()
        {
            sqlx::query(
                "INSERT INTO appointment_services (appointment_id, service_id, base_price, price, paid, position) \
                 VALUES ($1, $2, $3, $3, 0, $4)",
            )
            .bind(id)
            .bind(service_id)
            .bind(base_price)
            .bind(position as i64)
            .execute(&mut *tx)
            .await?;
        }
        history(
            &mut tx,
            id,
            None,
            VisitStatus::Scheduled,
            actor,
            new.overlap_reason.as_deref(),
            &now,
        )
        .await?;
        let visit = load_visit(&mut tx, id).await?.ok_or(StoreError::NotFound)?;
        audit::append(
            &mut tx,
            actor,
            AuditEntry {
                action: "create",
                entity: "appointment",
                entity_id: Some(id),
                old: None,
                new: Some(visit_json(&visit)),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(visit)
    }

    /// Moves a visit or changes its doctor, source or notes (`version` must be current). The
    /// doctor must be free in the new slot unless `overlap_reason` is given. Audited.
    pub async fn change_visit(
        &self,
        actor: &Actor,
        id: i64,
        version: i64,
        change: &VisitChange,
        local_date: impl Fn(DateTime<Utc>) -> NaiveDate,
    ) -> Result<Visit, VisitError> {
        let now = time::encode(Utc::now());
        let mut tx = self.pool().begin().await?;
        let (status, _, _) = lock_visit(&mut tx, id, Some(version), &now).await?;
        let before = load_visit(&mut tx, id).await?.ok_or(StoreError::NotFound)?;
        let a = &before.appointment;
        let moves =
            change.doctor_id.is_some() || change.starts_at.is_some() || change.ends_at.is_some();
        if moves && status != VisitStatus::Scheduled {
            return Err(VisitError::Conflict(
                "Перенести можно только визит в статусе «записан»",
            ));
        }
        let doctor_id = change.doctor_id.unwrap_or(a.doctor_id);
        if change.doctor_id.is_some_and(|d| d != a.doctor_id) {
            lock_doctor(&mut tx, doctor_id).await?;
        }
        let old_start = time::decode(&a.starts_at)?;
        let old_end = time::decode(&a.ends_at)?;
        let starts_at = change.starts_at.unwrap_or(old_start);
        let ends_at = change.ends_at.unwrap_or(starts_at + (old_end - old_start));
        let slot = Slot::plan(starts_at, Some(ends_at), &[]).map_err(VisitError::Invalid)?;
        if moves {
            if let Some(c) = clash(&mut tx, doctor_id, &slot, Some(id)).await? {
                if change.overlap_reason.is_none() {
                    return Err(VisitError::Clash(Box::new(c)));
                }
            }
        }
        let source = match change.source.as_deref() {
            Some(code) => Some(source_id(&mut tx, Some(code)).await?),
            None => None,
        };
        sqlx::query(
            "UPDATE appointments SET doctor_id = $1, starts_at = $2, ends_at = $3, local_date = $4, \
                 source_id = COALESCE($5, source_id), notes = CASE WHEN $6 = 1 THEN $7 ELSE notes END, \
                 overlap_reason = COALESCE($8, overlap_reason) \
             WHERE id = $9",
        )
        .bind(doctor_id)
        .bind(time::encode(slot.starts_at))
        .bind(time::encode(slot.ends_at))
        .bind(local_date(slot.starts_at).format("%Y-%m-%d").to_string())
        .bind(source)
        .bind(i64::from(change.notes.is_some()))
        .bind(change.notes.as_deref().filter(|n| !n.trim().is_empty()))
        .bind(change.overlap_reason.as_deref())
        .bind(id)
        .execute(&mut *tx)
        .await?;
        let after = load_visit(&mut tx, id).await?.ok_or(StoreError::NotFound)?;
        audit::append(
            &mut tx,
            actor,
            AuditEntry {
                action: "update",
                entity: "appointment",
                entity_id: Some(id),
                old: Some(visit_json(&before)),
                new: Some(visit_json(&after)),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Moves a visit through the status machine: a forward move stamps its times; a move back is
    /// a revert (owner/admin, with a reason) that clears them. History row and audit row.
    pub async fn change_visit_status(
        &self,
        actor: &Actor,
        role: Role,
        id: i64,
        version: Option<i64>,
        to: VisitStatus,
        reason: Option<&str>,
    ) -> Result<Visit, VisitError> {
        let now = time::encode(Utc::now());
        let mut tx = self.pool().begin().await?;
        let (from, _, _) = lock_visit(&mut tx, id, version, &now).await?;
        let (set, clear, reverted) = match from.transition(to) {
            Ok(stamps) => (stamps, &[][..], false),
            Err(forward) => match from.revert(to, role, reason.unwrap_or_default()) {
                Ok(cleared) => (&[][..], cleared, true),
                // Not a revert either: report the forward refusal (illegal move).
                Err(TransitionError::Illegal { .. }) => return Err(forward.into()),
                Err(e) => return Err(e.into()),
            },
        };
        let stamp = |s: emhana_domain::Stamp| match s {
            emhana_domain::Stamp::Arrived => "arrived_at",
            emhana_domain::Stamp::Started => "started_at",
            emhana_domain::Stamp::Finished => "finished_at",
        };
        let mut sql = String::from("UPDATE appointments SET status = $1");
        for s in set {
            sql.push_str(&format!(", {} = $2", stamp(*s)));
        }
        for s in clear {
            sql.push_str(&format!(", {} = NULL", stamp(*s)));
        }
        sql.push_str(" WHERE id = $3");
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(to.code())
            .bind(&now)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        let reason = reason.map(str::trim).filter(|r| !r.is_empty());
        history(&mut tx, id, Some(from), to, actor, reason, &now).await?;
        audit::append(
            &mut tx,
            actor,
            AuditEntry {
                action: if reverted { "revert_status" } else { "status" },
                entity: "appointment",
                entity_id: Some(id),
                old: Some(json!({"status": from.code()})),
                new: Some(json!({"status": to.code(), "reason": reason})),
            },
        )
        .await?;
        let visit = load_visit(&mut tx, id).await?.ok_or(StoreError::NotFound)?;
        tx.commit().await?;
        Ok(visit)
    }

    /// Adds a price-list service to a visit at its base price (or `price`). Audited.
    pub async fn add_visit_line(
        &self,
        actor: &Actor,
        role: Role,
        id: i64,
        service_id: i64,
        price: Option<Money>,
    ) -> Result<Visit, VisitError> {
        let now = time::encode(Utc::now());
        let mut tx = self.pool().begin().await?;
        let (status, _, _) = lock_visit(&mut tx, id, None, &now).await?;
        check_lines_editable(status, role)?;
        let (base_price, _) = active_service(&mut tx, service_id, "service_id").await?;
        let price = price.map_or(base_price, Money::tiyn);
        let inserted = sqlx::query(
            "INSERT INTO appointment_services (appointment_id, service_id, base_price, price, paid, position, price_changed_by) \
             VALUES ($1, $2, $3, $4, 0, (SELECT COALESCE(MAX(position), -1) + 1 FROM appointment_services WHERE appointment_id = $1), $5)",
        )
        .bind(id)
        .bind(service_id)
        .bind(base_price)
        .bind(price)
        .bind((price != base_price).then(|| actor.user_id.map(|u| u.0)).flatten())
        .execute(&mut *tx)
        .await;
        if let Err(e) = inserted {
            return Err(match StoreError::on_unique(e, "service_id") {
                StoreError::Duplicate { .. } => {
                    VisitError::Conflict("Эта услуга уже есть в визите")
                }
                other => other.into(),
            });
        }
        let (total, paid) = recompute_totals(&mut tx, id).await?;
        audit::append(
            &mut tx,
            actor,
            AuditEntry {
                action: "add_line",
                entity: "appointment",
                entity_id: Some(id),
                old: None,
                new: Some(json!({"service_id": service_id, "base_price": money(base_price), "price": money(price), "total": total, "paid": paid})),
            },
        )
        .await?;
        let visit = load_visit(&mut tx, id).await?.ok_or(StoreError::NotFound)?;
        tx.commit().await?;
        Ok(visit)
    }

    /// Sets a line's price for this visit (≥ 0, not below what is already allocated to it).
    /// Audited with old, new and the base price; total and payment status recomputed.
    pub async fn set_line_price(
        &self,
        actor: &Actor,
        role: Role,
        id: i64,
        line_id: i64,
        price: Money,
    ) -> Result<Visit, VisitError> {
        let now = time::encode(Utc::now());
        let mut tx = self.pool().begin().await?;
        let (status, _, _) = lock_visit(&mut tx, id, None, &now).await?;
        check_lines_editable(status, role)?;
        let line: Option<(i64, i64, i64, i64)> = sqlx::query_as(
            "SELECT service_id, base_price, price, paid FROM appointment_services WHERE id = $1 AND appointment_id = $2",
        )
        .bind(line_id)
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some((service_id, base_price, old_price, line_paid)) = line else {
            return Err(StoreError::NotFound.into());
        };
        check_line_price(price, money(line_paid))?;
        sqlx::query(
            "UPDATE appointment_services SET price = $1, price_changed_by = $2 WHERE id = $3",
        )
        .bind(price.tiyn())
        .bind(actor.user_id.map(|u| u.0))
        .bind(line_id)
        .execute(&mut *tx)
        .await?;
        let (total, paid) = recompute_totals(&mut tx, id).await?;
        emhana_domain::check_price_edit(total, paid)?;
        audit::append(
            &mut tx,
            actor,
            AuditEntry {
                action: "price_change",
                entity: "appointment_line",
                entity_id: Some(line_id),
                old: Some(json!({"appointment_id": id, "service_id": service_id, "price": money(old_price)})),
                new: Some(json!({"appointment_id": id, "service_id": service_id, "price": price, "base_price": money(base_price), "total": total})),
            },
        )
        .await?;
        let visit = load_visit(&mut tx, id).await?.ok_or(StoreError::NotFound)?;
        tx.commit().await?;
        Ok(visit)
    }

    /// Removes a line that no payment was ever allocated to. Audited.
    pub async fn remove_visit_line(
        &self,
        actor: &Actor,
        role: Role,
        id: i64,
        line_id: i64,
    ) -> Result<Visit, VisitError> {
        let now = time::encode(Utc::now());
        let mut tx = self.pool().begin().await?;
        let (status, _, _) = lock_visit(&mut tx, id, None, &now).await?;
        check_lines_editable(status, role)?;
        let line: Option<(i64, i64)> = sqlx::query_as(
            "SELECT service_id, price FROM appointment_services WHERE id = $1 AND appointment_id = $2",
        )
        .bind(line_id)
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some((service_id, price)) = line else {
            return Err(StoreError::NotFound.into());
        };
        let (allocated,): (i64,) =
            sqlx::query_as("SELECT COUNT(*) FROM payment_allocations WHERE line_id = $1")
                .bind(line_id)
                .fetch_one(&mut *tx)
                .await?;
        if allocated > 0 {
            return Err(VisitError::Conflict(
                "По этой услуге уже были оплаты: её нельзя убрать из визита, можно изменить цену",
            ));
        }
        sqlx::query("DELETE FROM appointment_services WHERE id = $1")
            .bind(line_id)
            .execute(&mut *tx)
            .await?;
        let (total, _) = recompute_totals(&mut tx, id).await?;
        audit::append(
            &mut tx,
            actor,
            AuditEntry {
                action: "remove_line",
                entity: "appointment",
                entity_id: Some(id),
                old: Some(
                    json!({"line_id": line_id, "service_id": service_id, "price": money(price)}),
                ),
                new: Some(json!({"total": total})),
            },
        )
        .await?;
        let visit = load_visit(&mut tx, id).await?.ok_or(StoreError::NotFound)?;
        tx.commit().await?;
        Ok(visit)
    }

    /// The visit list: filters, ordered by start then id, keyset-paged.
    pub async fn visits(&self, f: &VisitFilter) -> Result<Vec<AppointmentRow>, StoreError> {
        let sql = format!(
            "SELECT {APPOINTMENT} WHERE ($1 IS NULL OR a.local_date >= $1) AND ($2 IS NULL OR a.local_date <= $2) \
               AND ($3 IS NULL OR a.doctor_id = $3) AND ($4 IS NULL OR a.patient_id = $4) \
               AND ($5 IS NULL OR a.status = $5) AND ($6 IS NULL OR a.payment_status = $6) \
               AND ($7 IS NULL OR a.starts_at > $7 OR (a.starts_at = $7 AND a.id > $8)) \
             ORDER BY a.starts_at, a.id LIMIT $9"
        );
        let day = |d: Option<NaiveDate>| d.map(|d| d.format("%Y-%m-%d").to_string());
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(day(f.from))
            .bind(day(f.to))
            .bind(f.doctor_id)
            .bind(f.patient_id)
            .bind(f.status.as_deref())
            .bind(f.payment_status.as_deref())
            .bind(f.after.as_ref().map(|a| a.0.clone()))
            .bind(f.after.as_ref().map_or(0, |a| a.1))
            .bind(f.limit)
            .fetch_all(self.pool())
            .await?)
    }
}

fn check_lines_editable(status: VisitStatus, role: Role) -> Result<(), VisitError> {
    if status.lines_editable_by(role) {
        Ok(())
    } else {
        Err(VisitError::Forbidden(
            "Услуги и цены закрытого визита меняет только администратор или владелец",
        ))
    }
}
