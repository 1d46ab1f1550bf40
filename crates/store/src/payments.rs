//! Taking and voiding payments.
//!
//! Concurrency (DESIGN §4): the visit's row is locked first in the transaction (a version bump:
//! PostgreSQL's row lock, SQLite's write lock), so what follows reads `status`, `total`, `paid`
//! and the lines as no concurrent writer can change them. The domain then decides once
//! ([`PaymentRequest::split`]: cancelled, overpaid, the split over the lines) and the payments,
//! allocations, lines' paid sums and audit rows are written in that transaction. No interleaving
//! overpays a visit.

use chrono::{DateTime, Utc};
use emhana_domain::ids::{AppointmentId, PaymentId};
use emhana_domain::refusal::VisitRefusal;
use emhana_domain::{ClinicZone, Money, PaymentRequest};
use serde_json::json;

use emhana_domain::cash_desk::{void_allowed, ShiftStatus};

use crate::audit::{self, Actor, AuditEntry};
use crate::cash_desk::post_into_shift;
use crate::payment_ledgers::PatientLedgers;
use crate::refunds::Till;
use crate::stats::Delta;
use crate::visits::{load_visit, lock_visit, reload, set_payment_status, Visit, VisitError};
use crate::{time, Store, StoreError};

/// An `Idempotency-Key` and a fingerprint of the request it came with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Idempotency {
    /// The client's key.
    pub key: String,
    /// What makes two requests "the same" (visit, parts, note).
    pub fingerprint: String,
}

/// What `pay` did.
#[derive(Debug, Clone)]
pub enum PayOutcome {
    /// Payments written; the visit after them (also kept under the idempotency key, if any).
    Created(Visit),
    /// A retry of an earlier request with the same key: nothing written; the visit as the first
    /// request left it.
    Replayed(Visit),
}

/// One line's `(id, price, paid)`.
type LineMoney = (i64, i64, i64);

impl Store {
    /// Takes one or several payments for a visit at `at` (now, for the API; the demo seed
    /// back-dates), all or nothing. The payment's day is `at`'s clinic-local day in `zone`.
    pub async fn pay(
        &self,
        actor: &Actor,
        id: AppointmentId,
        request: &PaymentRequest,
        idempotency: Option<&Idempotency>,
        (at, zone): (DateTime<Utc>, ClinicZone),
    ) -> Result<PayOutcome, VisitError> {
        crate::retry::transient(async || {
            self.pay_once(actor, id, request, idempotency, (at, zone))
                .await
        })
        .await
    }

    async fn pay_once(
        &self,
        actor: &Actor,
        id: AppointmentId,
        request: &PaymentRequest,
        idempotency: Option<&Idempotency>,
        (at, zone): (DateTime<Utc>, ClinicZone),
    ) -> Result<PayOutcome, VisitError> {
        let now = time::encode(at);
        let mut tx = self.begin_write().await?;
        if let Some(claim) = idempotency {
            if !claim_key(&mut tx, claim, id, &now).await? {
                drop(tx);
                return self.replay(claim, id).await;
            }
        }
        // The visit's lock first, then its analytics facts out (put back below, as they end up).
        let (status, total, paid) = lock_visit(&mut tx, id, None, &now).await?;
        let delta = Delta::take_money(&mut tx, id.0).await?;
        let lines: Vec<LineMoney> = sqlx::query_as(
            "SELECT id, price, paid FROM appointment_services WHERE appointment_id = $1 ORDER BY position, id",
        )
        .bind(id.0)
        .fetch_all(&mut *tx)
        .await?;
        let outstanding: Vec<Money> = lines.iter().map(|l| Money::from_tiyn(l.1 - l.2)).collect();
        let (paid_after, split) = request.split(status, (total, paid), &outstanding)?;
        let shift = post_into_shift(
            &mut tx,
            self.backend(),
            request.register,
            request.has_cash(),
        )
        .await?;
        sqlx::query("UPDATE appointments SET paid = $1 WHERE id = $2")
            .bind(paid_after.tiyn())
            .bind(id.0)
            .execute(&mut *tx)
            .await?;
        let local_date = time::encode_day(zone.local_date(at));
        let till = Till {
            register: request.register,
            at,
            zone,
        };
        let ledgers = PatientLedgers::prepare(&mut tx, id, request, total, &till).await?;
        for (part_no, ((method, amount), parts)) in request.parts.iter().zip(&split).enumerate() {
            let (payment_id,): (i64,) = sqlx::query_as(
                "INSERT INTO payments (appointment_id, method, amount, paid_at, local_date, received_by, note, shift_id, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $4) RETURNING id",
            )
            .bind(id.0)
            .bind(method.code())
            .bind(amount.tiyn())
            .bind(&now)
            .bind(&local_date)
            .bind(actor.user_id.map(|u| u.0))
            .bind(request.note.as_deref())
            .bind(shift.map(|s| s.0))
            .fetch_one(&mut *tx)
            .await?;
            allocate(&mut tx, payment_id, &lines, parts).await?;
            ledgers
                .after_payment(
                    &mut tx,
                    actor,
                    (payment_id, *method, *amount, part_no),
                    &till,
                )
                .await?;
            audit::append(
                &mut tx,
                actor,
                AuditEntry {
                    action: "create",
                    entity: "payment",
                    entity_id: Some(payment_id),
                    old: None,
                    new: Some(json!({
                        "appointment_id": id, "method": method, "amount": amount, "shift_id": shift,
                        "allocations": lines.iter().zip(parts).map(|(l, p)| json!({"line_id": l.0, "amount": p})).collect::<Vec<_>>(),
                    })),
                },
            )
            .await?;
        }
        set_payment_status(&mut tx, id, total, paid_after).await?;
        delta.settle(&mut tx, id.0).await?;
        finish(tx, id, idempotency).await
    }

    /// The answer to an earlier request with this key, if it was the same request and finished.
    pub(crate) async fn replay(
        &self,
        claim: &Idempotency,
        id: AppointmentId,
    ) -> Result<PayOutcome, VisitError> {
        let row: Option<(i64, String, Option<String>)> = sqlx::query_as(
            "SELECT appointment_id, fingerprint, response FROM payment_requests WHERE idempotency_key = $1",
        )
        .bind(&claim.key)
        .fetch_optional(self.pool())
        .await?;
        match row {
            Some((visit, stored, _)) if visit != id.0 || stored != claim.fingerprint => {
                Err(VisitRefusal::KeyReused.into())
            }
            Some((_, _, Some(snapshot))) => match serde_json::from_str::<Visit>(&snapshot) {
                Ok(visit) => Ok(PayOutcome::Replayed(visit)),
                // Kept by a release before visits were snapshots (a rendered body): the visit
                // as it is now is the closest true answer.
                Err(_) => {
                    let mut conn = self.pool().acquire().await?;
                    let visit = load_visit(&mut conn, id)
                        .await?
                        .ok_or(StoreError::NotFound)?;
                    Ok(PayOutcome::Replayed(visit))
                }
            },
            _ => Err(VisitRefusal::KeyInFlight.into()),
        }
    }

    /// Voids a live payment: its allocations stop counting, the visit's paid and status are
    /// recomputed; the row stays with who, when and why; a deposit-paid one puts the money back
    /// on the deposit (on `zone`'s today). Audited.
    pub async fn void_payment(
        &self,
        actor: &Actor,
        payment_id: PaymentId,
        reason: &str,
        zone: ClinicZone,
    ) -> Result<Visit, VisitError> {
        crate::retry::transient(async || {
            self.void_payment_once(actor, payment_id, reason, zone)
                .await
        })
        .await
    }

    async fn void_payment_once(
        &self,
        actor: &Actor,
        payment_id: PaymentId,
        reason: &str,
        zone: ClinicZone,
    ) -> Result<Visit, VisitError> {
        let at = Utc::now();
        let now = time::encode(at);
        let mut tx = self.begin_write().await?;
        // The visit's lock first (a write as the first statement: SQLite never has to upgrade a
        // read transaction), then its analytics facts out (put back below).
        let visit_of: Option<(i64,)> = sqlx::query_as(
            "UPDATE appointments SET version = version \
             WHERE id = (SELECT appointment_id FROM payments WHERE id = $1) RETURNING id",
        )
        .bind(payment_id.0)
        .fetch_optional(&mut *tx)
        .await?;
        let Some((visit_id,)) = visit_of else {
            return Err(StoreError::NotFound.into());
        };
        let delta = Delta::take_money(&mut tx, visit_id).await?;
        void_guard(&mut tx, self.backend(), payment_id).await?;
        let voided: Option<(i64, String)> = sqlx::query_as(
            "UPDATE payments SET voided_at = $1, voided_by = $2, void_reason = $3, updated_at = $1 \
             WHERE id = $4 AND voided_at IS NULL RETURNING amount, method",
        )
        .bind(&now)
        .bind(actor.user_id.map(|u| u.0))
        .bind(reason)
        .bind(payment_id.0)
        .fetch_optional(&mut *tx)
        .await?;
        let Some((amount, method)) = voided else {
            return Err(VisitRefusal::AlreadyVoided.into());
        };
        let till = Till {
            register: None,
            at,
            zone,
        };
        crate::payment_ledgers::after_void(
            &mut tx,
            actor,
            (visit_id, payment_id.0, &method, Money::from_tiyn(amount)),
            (&till, reason),
        )
        .await?;
        let id = AppointmentId(visit_id);
        let (total, paid): (i64, i64) = sqlx::query_as(
            "UPDATE appointments SET paid = paid - $1, version = version + 1, updated_at = $2 WHERE id = $3 RETURNING total, paid",
        )
        .bind(amount)
        .bind(&now)
        .bind(id.0)
        .fetch_one(&mut *tx)
        .await?;
        sqlx::query(
            "UPDATE appointment_services SET paid = paid - \
               (SELECT x.amount FROM payment_allocations x WHERE x.payment_id = $1 AND x.line_id = appointment_services.id) \
             WHERE id IN (SELECT line_id FROM payment_allocations WHERE payment_id = $1)",
        )
        .bind(payment_id.0)
        .execute(&mut *tx)
        .await?;
        set_payment_status(&mut tx, id, Money::from_tiyn(total), Money::from_tiyn(paid)).await?;
        audit::append(
            &mut tx,
            actor,
            AuditEntry {
                action: "void",
                entity: "payment",
                entity_id: Some(payment_id.0),
                old: Some(json!({"appointment_id": id, "method": method, "amount": Money::from_tiyn(amount)})),
                new: Some(json!({"voided_at": now, "reason": reason})),
            },
        )
        .await?;
        delta.settle(&mut tx, id.0).await?;
        let visit = reload(&mut tx, id).await?;
        tx.commit().await?;
        Ok(visit)
    }

    /// The visit a payment belongs to.
    pub async fn payment_visit_id(
        &self,
        payment_id: PaymentId,
    ) -> Result<Option<AppointmentId>, StoreError> {
        let row: Option<(i64,)> =
            sqlx::query_as("SELECT appointment_id FROM payments WHERE id = $1")
                .bind(payment_id.0)
                .fetch_optional(self.pool())
                .await?;
        Ok(row.map(|r| AppointmentId(r.0)))
    }
}

/// Ends a money write (payment, refund): the visit as the write left it, read in the
/// transaction, kept under the key if there is one (a retry answers the same), then the commit.
/// (Reading it after the commit instead was measured: slower on SQLite, 734 → 500–566
/// payments/s, as the reads then compete with the next writers for the two cores.)
pub(crate) async fn finish(
    mut tx: crate::WriteTx,
    id: AppointmentId,
    idempotency: Option<&Idempotency>,
) -> Result<PayOutcome, VisitError> {
    let visit = reload(&mut tx, id).await?;
    if let Some(claim) = idempotency {
        let snapshot = serde_json::to_string(&visit)
            .map_err(|e| StoreError::Config(format!("visit snapshot: {e}")))?;
        sqlx::query("UPDATE payment_requests SET response = $1 WHERE idempotency_key = $2")
            .bind(snapshot)
            .bind(&claim.key)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(PayOutcome::Created(visit))
}

/// A void is for a mistake inside the payment's own open shift (shared lock on that shift's
/// row, so a count waits for it) and never for a payment something was refunded from.
async fn void_guard(
    conn: &mut sqlx::AnyConnection,
    backend: crate::Backend,
    payment_id: PaymentId,
) -> Result<(), VisitError> {
    let lock = match backend {
        crate::Backend::Postgres => " FOR SHARE OF s",
        crate::Backend::Sqlite => "",
    };
    let sql = format!(
        "SELECT s.status FROM payments y JOIN shifts s ON s.id = y.shift_id WHERE y.id = $1{lock}"
    );
    let shift: Option<(String,)> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(payment_id.0)
        .fetch_optional(&mut *conn)
        .await?;
    let status = shift.and_then(|s| ShiftStatus::from_code(&s.0));
    let (refunds,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM refunds WHERE payment_id = $1")
        .bind(payment_id.0)
        .fetch_one(&mut *conn)
        .await?;
    Ok(void_allowed(status, refunds > 0)?)
}

/// Claims the idempotency key for this request: `false` when it was claimed before (the caller
/// replays); a visit that does not exist is `NotFound`.
pub(crate) async fn claim_key(
    conn: &mut sqlx::AnyConnection,
    claim: &Idempotency,
    id: AppointmentId,
    now: &str,
) -> Result<bool, VisitError> {
    let claimed = sqlx::query(
        "INSERT INTO payment_requests (idempotency_key, appointment_id, fingerprint, created_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(&claim.key)
    .bind(id.0)
    .bind(&claim.fingerprint)
    .bind(now)
    .execute(&mut *conn)
    .await;
    match claimed.map_err(|e| StoreError::on_unique(e, "idempotency_key")) {
        Ok(_) => Ok(true),
        Err(StoreError::Duplicate { .. }) => Ok(false),
        Err(e) if is_foreign_key(&e) => Err(StoreError::NotFound.into()),
        Err(e) => Err(e.into()),
    }
}

/// Writes one payment's parts over the lines (zero parts are not rows) and adds them to the
/// lines' paid sums.
async fn allocate(
    conn: &mut sqlx::AnyConnection,
    payment_id: i64,
    lines: &[LineMoney],
    parts: &[Money],
) -> Result<(), VisitError> {
    for ((line_id, _, _), part) in lines.iter().zip(parts) {
        if part.is_zero() {
            continue;
        }
        sqlx::query(
            "INSERT INTO payment_allocations (payment_id, line_id, amount) VALUES ($1, $2, $3)",
        )
        .bind(payment_id)
        .bind(line_id)
        .bind(part.tiyn())
        .execute(&mut *conn)
        .await?;
        sqlx::query("UPDATE appointment_services SET paid = paid + $1 WHERE id = $2")
            .bind(part.tiyn())
            .bind(line_id)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

fn is_foreign_key(e: &StoreError) -> bool {
    matches!(e, StoreError::Database(sqlx::Error::Database(db)) if db.kind() == sqlx::error::ErrorKind::ForeignKeyViolation)
}
