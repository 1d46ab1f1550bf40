//! Visits (appointments): the rows, the whole-visit read and the list, and the helpers every
//! visit write shares (the visit lock, totals and payment status, history, audit JSON). The
//! writes live by responsibility: `booking` (book, move), `status` (the status machine),
//! `lines` (services with per-visit prices); payments are in `crate::payments`.
//!
//! Every write transaction starts with its guarded write (a lock on the doctor's row for
//! bookings, a version bump on the visit for changes), so SQLite takes its write lock first and
//! PostgreSQL serialises writers of the same visit on the row lock; decisions are the domain's.

use chrono::Utc;
use emhana_domain::booking::admit;
use emhana_domain::ids::{AppointmentId, DoctorId, ServiceId};
use emhana_domain::refusal::{BusyWith, Reference, VisitRefusal};
use emhana_domain::visit::Slot;
use emhana_domain::visit_list::VisitFilter;
use emhana_domain::{
    ClinicZone, FieldViolation, Money, PaymentRefusal, PaymentStatus, TransitionError, VisitStatus,
};
use serde_json::json;
use sqlx::AnyConnection;

use crate::audit::{self, Actor, AuditEntry};
use crate::stats::Delta;
use crate::{time, Store, StoreError};

mod booking;
mod lines;
mod one_read;
mod rows;
mod status;

pub use lines::NewLine;
pub(crate) use one_read::{load_visit, load_visit_in_write};
pub(crate) use rows::APPOINTMENT;
pub use rows::{Allocation, Appointment, Line, Payment, Refund, RefundPart, StatusChange, Visit};

/// Why a visit use case did not happen: the domain refused (with the facts the store found), or
/// the store failed. The server maps each in one place (`error.rs`).
#[derive(Debug, thiserror::Error)]
pub enum VisitError {
    /// The database failed, the row is missing or stale.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A rule refused.
    #[error(transparent)]
    Refused(#[from] VisitRefusal),
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

impl From<PaymentRefusal> for VisitError {
    fn from(e: PaymentRefusal) -> Self {
        Self::Refused(e.into())
    }
}

impl From<emhana_domain::cash_desk::ShiftRefusal> for VisitError {
    fn from(e: emhana_domain::cash_desk::ShiftRefusal) -> Self {
        Self::Refused(e.into())
    }
}

impl From<emhana_domain::refund::RefundRefusal> for VisitError {
    fn from(e: emhana_domain::refund::RefundRefusal) -> Self {
        Self::Refused(e.into())
    }
}

impl From<TransitionError> for VisitError {
    fn from(e: TransitionError) -> Self {
        Self::Refused(e.into())
    }
}

impl From<FieldViolation> for VisitError {
    fn from(e: FieldViolation) -> Self {
        Self::Refused(e.into())
    }
}

fn missing(what: Reference, field: impl Into<String>) -> VisitError {
    what.missing(field).into()
}

/// `(status, total, paid)` after bumping the visit's version: the first write of every change,
/// so the rest of the transaction runs under the visit's write lock. `version` must match when
/// given (optimistic locking).
pub(crate) async fn lock_visit(
    conn: &mut AnyConnection,
    id: AppointmentId,
    version: Option<i64>,
    now: &str,
) -> Result<(VisitStatus, Money, Money), VisitError> {
    let row: Option<(String, i64, i64)> = sqlx::query_as(
        "UPDATE appointments SET version = version + 1, updated_at = $1 \
         WHERE id = $2 AND ($3 IS NULL OR version = $3) RETURNING status, total, paid",
    )
    .bind(now)
    .bind(id.0)
    .bind(version)
    .fetch_optional(&mut *conn)
    .await?;
    let Some((status, total, paid)) = row else {
        return Err(
            crate::missing_or_stale_row(conn, "appointments", Some(id.0))
                .await
                .into(),
        );
    };
    let status = VisitStatus::from_code(&status)
        .ok_or_else(|| StoreError::Config(format!("unknown visit status {status:?}")))?;
    Ok((status, Money::from_tiyn(total), Money::from_tiyn(paid)))
}

/// Recomputes the visit's total from its lines and the payment status from (total, paid).
pub(crate) async fn recompute_totals(
    conn: &mut AnyConnection,
    id: AppointmentId,
) -> Result<(Money, Money), VisitError> {
    let (total, paid): (i64, i64) = sqlx::query_as(
        "UPDATE appointments SET total = (SELECT COALESCE(SUM(price), 0) FROM appointment_services WHERE appointment_id = $1) \
         WHERE id = $1 RETURNING total, paid",
    )
    .bind(id.0)
    .fetch_one(&mut *conn)
    .await?;
    let (total, paid) = (Money::from_tiyn(total), Money::from_tiyn(paid));
    set_payment_status(conn, id, total, paid).await?;
    Ok((total, paid))
}

/// Stores the payment status the domain derives from `(total, paid)`.
pub(crate) async fn set_payment_status(
    conn: &mut AnyConnection,
    id: AppointmentId,
    total: Money,
    paid: Money,
) -> Result<PaymentStatus, VisitError> {
    let status = PaymentStatus::derive(total, paid);
    sqlx::query("UPDATE appointments SET payment_status = $1 WHERE id = $2")
        .bind(status.code())
        .bind(id.0)
        .execute(&mut *conn)
        .await?;
    Ok(status)
}

/// Rows of `sql` whose `{ids}` is replaced by the ids listed (none: no rows, no query).
///
/// Why literal ids rather than a join on the visit: PostgreSQL caches a *generic* plan for a
/// prepared statement after a few runs, and one made while the tables were small (a new clinic,
/// a fresh connection) stays a hash join over the whole allocations table as it grows —
/// measured at 1.4 s per visit read under load. A literal id list is planned for what it is (an
/// index probe per id) every time; the statement is not kept prepared, since its text varies.
pub(crate) async fn by_ids<T>(
    conn: &mut AnyConnection,
    sql: &str,
    ids: impl Iterator<Item = i64>,
) -> Result<Vec<T>, StoreError>
where
    T: for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow> + Send + Unpin,
{
    let ids: Vec<String> = ids.map(|id| id.to_string()).collect();
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = sql.replace("{ids}", &ids.join(", "));
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .persistent(false)
        .fetch_all(&mut *conn)
        .await?)
}

/// The whole visit after a write, read in the write's transaction.
pub(crate) async fn reload(
    conn: &mut AnyConnection,
    id: AppointmentId,
) -> Result<Visit, VisitError> {
    Ok(load_visit_in_write(conn, id)
        .await?
        .ok_or(StoreError::NotFound)?)
}

/// `(base_price, duration_minutes)` of an active service, or the refusal naming `field`.
async fn active_service(
    conn: &mut AnyConnection,
    id: ServiceId,
    field: &str,
) -> Result<(Money, i64), VisitError> {
    let row: Option<(i64, i64)> = sqlx::query_as(
        "SELECT base_price, duration_minutes FROM services WHERE id = $1 AND is_active = 1",
    )
    .bind(id.0)
    .fetch_optional(&mut *conn)
    .await?;
    row.map(|(price, minutes)| (Money::from_tiyn(price), minutes))
        .ok_or_else(|| missing(Reference::Service, field))
}

/// The first non-cancelled visit of `doctor_id` overlapping `slot`, other than `except`, as the
/// clinic reads it.
async fn clash(
    conn: &mut AnyConnection,
    doctor_id: DoctorId,
    slot: &Slot,
    except: Option<AppointmentId>,
    zone: ClinicZone,
) -> Result<Option<BusyWith>, VisitError> {
    let row: Option<(i64, String, String, String)> = sqlx::query_as(
        "SELECT a.id, a.starts_at, a.ends_at, p.first_name || COALESCE(' ' || p.last_name, '') \
         FROM appointments a JOIN patients p ON p.id = a.patient_id \
         WHERE a.doctor_id = $1 AND a.status <> 'cancelled' AND a.starts_at < $2 AND a.ends_at > $3 \
           AND ($4 IS NULL OR a.id <> $4) AND a.starts_at > $5 \
         ORDER BY a.starts_at LIMIT 1",
    )
    .bind(doctor_id.0)
    .bind(time::encode(slot.ends_at))
    .bind(time::encode(slot.starts_at))
    .bind(except.map(|e| e.0))
    // No visit is longer than MAX_VISIT_MINUTES: only those starting less than that before the
    // slot can reach into it, so the (doctor, start) index reads a few rows, not the doctor's
    // whole history.
    .bind(time::encode(
        slot.starts_at - chrono::Duration::minutes(emhana_domain::visit::MAX_VISIT_MINUTES),
    ))
    .fetch_optional(&mut *conn)
    .await?;
    let Some((id, starts_at, ends_at, patient_name)) = row else {
        return Ok(None);
    };
    Ok(Some(BusyWith {
        visit_id: AppointmentId(id),
        patient_name,
        starts: zone.local_datetime(time::decode(&starts_at)?),
        ends: zone.local_datetime(time::decode(&ends_at)?),
    }))
}

/// The clash rule on the stored calendar: finds what `slot` would overlap and lets the domain
/// decide (refused unless a manager's overlap reason was given).
async fn check_slot(
    conn: &mut AnyConnection,
    doctor_id: DoctorId,
    slot: &Slot,
    except: Option<AppointmentId>,
    overlap_reason: Option<&str>,
    zone: ClinicZone,
) -> Result<(), VisitError> {
    let busy = clash(conn, doctor_id, slot, except, zone).await?;
    Ok(admit(busy, overlap_reason)?)
}

async fn history(
    conn: &mut AnyConnection,
    id: AppointmentId,
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
    .bind(id.0)
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
        "patient_id": a.patient_id, "doctor_id": a.doctor_id, "starts_at": time::encode(a.starts_at),
        "ends_at": time::encode(a.ends_at), "status": a.status, "source": a.source_code, "notes": a.notes,
        "total": a.total, "paid": a.paid, "overlap_reason": a.overlap_reason,
        "lines": v.lines.iter().map(|l| json!({"service_id": l.service_id, "price": l.price})).collect::<Vec<_>>(),
    })
}

impl Store {
    /// One whole visit: from the kept cards when the cache may answer (see
    /// [`crate::card_cache`]), else read and kept.
    pub async fn visit(&self, id: AppointmentId) -> Result<Option<Visit>, StoreError> {
        if let Some(card) = self.cards().get(id.0) {
            return Ok(Some(Visit::clone(&card)));
        }
        let stamp = self.cards().stamp();
        let mut conn = self.pool().acquire().await?;
        let visit = load_visit(&mut conn, id).await?;
        if let Some(v) = &visit {
            self.cards().put(stamp, std::sync::Arc::new(v.clone()));
        }
        Ok(visit)
    }

    /// The visit list: filters, ordered by start then id, keyset-paged (`limit + 1` rows, so the
    /// caller learns whether another page follows).
    pub async fn visits(&self, f: &VisitFilter) -> Result<Vec<Appointment>, StoreError> {
        // Only the filters given become conditions (`$n IS NULL OR …` hides the indexes from
        // the planner: one calendar day read every visit, 300 ms at 1M visits).
        let texts = [
            (f.from.map(time::encode_day), "a.local_date >= "),
            (f.to.map(time::encode_day), "a.local_date <= "),
            (f.status.map(|s| s.code().to_owned()), "a.status = "),
            (
                f.payment_status.map(|s| s.code().to_owned()),
                "a.payment_status = ",
            ),
        ];
        let ids = [
            (f.doctor_id.map(|d| d.0), "a.doctor_id = "),
            (f.patient_id.map(|p| p.0), "a.patient_id = "),
        ];
        let mut conditions: Vec<String> = Vec::new();
        let present = texts
            .iter()
            .filter(|t| t.0.is_some())
            .map(|t| t.1)
            .chain(ids.iter().filter(|i| i.0.is_some()).map(|i| i.1));
        for column in present {
            conditions.push(format!("{column}${}", conditions.len() + 1));
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
        if let Some((at, id)) = f.after {
            q = q.bind(time::encode(at)).bind(id.0);
        }
        Ok(q.bind(f.limit + 1).fetch_all(self.pool()).await?)
    }
}
