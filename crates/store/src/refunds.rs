//! Refunds: money given back on a visit as new rows pointing at the original allocations; the
//! payments and allocations themselves never change.
//!
//! Same order as a payment: the visit's lock, its analytics facts out, the domain's plan over
//! what each allocation still holds, the posting into the register's open shift (shared lock),
//! the rows, the facts back. The visit's and lines' `paid` go down by what was given back.

use chrono::{DateTime, Utc};
use emhana_domain::access::VisitAuthority;
use emhana_domain::ids::{AllocationId, AppointmentId, LineId, PaymentId, RegisterId};
use emhana_domain::refund::{RefundRequest, Refundable};
use emhana_domain::{ClinicZone, Money, PaymentMethod};
use serde_json::json;
use sqlx::AnyConnection;

use crate::audit::{self, Actor, AuditEntry};
use crate::cash_desk::post_into_shift;
use crate::payments::{claim_key, finish, Idempotency, PayOutcome};
use crate::stats::Delta;
use crate::visits::{lock_visit, set_payment_status, VisitError};
use crate::{time, Store, StoreError};

/// Where and when a refund is given.
#[derive(Debug, Clone, Copy)]
pub struct Till {
    /// The register (none: the clinic's first active register).
    pub register: Option<RegisterId>,
    /// The instant.
    pub at: DateTime<Utc>,
    /// The clinic's zone (the refund's day).
    pub zone: ClinicZone,
}

impl Store {
    /// Gives money back on a visit, all or nothing; with a key, a retry replays the first answer.
    pub async fn refund(
        &self,
        actor: &Actor,
        authority: VisitAuthority,
        id: AppointmentId,
        (request, idempotency): (&RefundRequest, Option<&Idempotency>),
        till: Till,
    ) -> Result<PayOutcome, VisitError> {
        crate::retry::transient(async || {
            self.refund_once(actor, authority, id, (request, idempotency), till)
                .await
        })
        .await
    }

    async fn refund_once(
        &self,
        actor: &Actor,
        authority: VisitAuthority,
        id: AppointmentId,
        (request, idempotency): (&RefundRequest, Option<&Idempotency>),
        till: Till,
    ) -> Result<PayOutcome, VisitError> {
        let now = time::encode(till.at);
        let mut tx = self.begin_write().await?;
        if let Some(claim) = idempotency {
            if !claim_key(&mut tx, claim, id, &now).await? {
                drop(tx);
                return self.replay(claim, id).await;
            }
        }
        let (_, total, paid) = lock_visit(&mut tx, id, None, &now).await?;
        let delta = Delta::take_money(&mut tx, id.0).await?;
        let plan = request.plan(&refundable(&mut tx, id).await?, authority)?;
        let has_cash = plan.iter().any(|p| p.method == PaymentMethod::Cash);
        let shift = post_into_shift(&mut tx, self.backend(), till.register, has_cash).await?;
        let local_date = time::encode_day(till.zone.local_date(till.at));
        let mut given = 0i64;
        for planned in &plan {
            // What the original payment was and what earlier refunds gave back of it (its bonus
            // accrual is taken back in that proportion).
            let (paid_by, refunded_before): (i64, i64) = sqlx::query_as(
                "SELECT y.amount, CAST(COALESCE((SELECT SUM(r.amount) FROM refunds r WHERE r.payment_id = y.id), 0) AS BIGINT) \
                 FROM payments y WHERE y.id = $1",
            )
            .bind(planned.payment_id.0)
            .fetch_one(&mut *tx)
            .await?;
            let (paid_by, refunded_before) =
                (Money::from_tiyn(paid_by), Money::from_tiyn(refunded_before));
            let (refund_id,): (i64,) = sqlx::query_as(
                "INSERT INTO refunds (appointment_id, payment_id, method, amount, refunded_at, local_date, shift_id, refunded_by, reason) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
            )
            .bind(id.0)
            .bind(planned.payment_id.0)
            .bind(planned.method.code())
            .bind(planned.amount.tiyn())
            .bind(&now)
            .bind(&local_date)
            .bind(shift.map(|s| s.0))
            .bind(actor.user_id.map(|u| u.0))
            .bind(&request.reason)
            .fetch_one(&mut *tx)
            .await?;
            // The payment's `refunded` changed: its sync stamp moves.
            sqlx::query("UPDATE payments SET updated_at = $1 WHERE id = $2")
                .bind(&now)
                .bind(planned.payment_id.0)
                .execute(&mut *tx)
                .await?;
            for (allocation, line, amount) in &planned.parts {
                give_back(&mut tx, refund_id, (*allocation, *line), *amount).await?;
            }
            crate::payment_ledgers::after_refund(
                &mut tx,
                actor,
                (id.0, refund_id, planned.payment_id.0),
                (paid_by, refunded_before, planned.amount, planned.method),
                (&till, &request.reason),
            )
            .await?;
            given += planned.amount.tiyn();
            audit::append(
                &mut tx,
                actor,
                AuditEntry {
                    action: "create",
                    entity: "refund",
                    entity_id: Some(refund_id),
                    old: None,
                    new: Some(json!({
                        "appointment_id": id, "payment_id": planned.payment_id, "method": planned.method,
                        "amount": planned.amount, "shift_id": shift, "reason": request.reason,
                        "parts": planned.parts.iter().map(|(a, l, m)| json!({"allocation_id": a, "line_id": l, "amount": m})).collect::<Vec<_>>(),
                    })),
                },
            )
            .await?;
        }
        let paid_after = Money::from_tiyn(paid.tiyn() - given);
        sqlx::query("UPDATE appointments SET paid = $1 WHERE id = $2")
            .bind(paid_after.tiyn())
            .bind(id.0)
            .execute(&mut *tx)
            .await?;
        set_payment_status(&mut tx, id, total, paid_after).await?;
        delta.settle(&mut tx, id.0).await?;
        finish(tx, id, idempotency).await
    }
}

/// Every allocation of the visit's payments with what it still holds (nothing, for a voided
/// payment), in payment then line order.
async fn refundable(
    conn: &mut AnyConnection,
    id: AppointmentId,
) -> Result<Vec<Refundable>, VisitError> {
    let rows: Vec<(i64, i64, String, i64, i64)> = sqlx::query_as(
        "SELECT x.id, x.payment_id, y.method, x.line_id, \
                CAST(CASE WHEN y.voided_at IS NULL THEN x.amount - COALESCE( \
                  (SELECT SUM(r.amount) FROM refund_allocations r WHERE r.allocation_id = x.id), 0) ELSE 0 END AS BIGINT) \
         FROM payment_allocations x JOIN payments y ON y.id = x.payment_id \
         WHERE y.appointment_id = $1 ORDER BY x.payment_id, x.line_id, x.id",
    )
    .bind(id.0)
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter()
        .map(|(allocation, payment, method, line, left)| {
            Ok(Refundable {
                allocation_id: AllocationId(allocation),
                payment_id: PaymentId(payment),
                method: PaymentMethod::from_code(&method).ok_or_else(|| {
                    StoreError::Config(format!("unknown payment method {method:?}"))
                })?,
                line_id: LineId(line),
                left: Money::from_tiyn(left),
            })
        })
        .collect()
}

/// One refund part: the row pointing at the original allocation, and the line's paid down.
async fn give_back(
    conn: &mut AnyConnection,
    refund_id: i64,
    (allocation, line): (AllocationId, LineId),
    amount: Money,
) -> Result<(), VisitError> {
    sqlx::query(
        "INSERT INTO refund_allocations (refund_id, allocation_id, line_id, amount) VALUES ($1, $2, $3, $4)",
    )
    .bind(refund_id)
    .bind(allocation.0)
    .bind(line.0)
    .bind(amount.tiyn())
    .execute(&mut *conn)
    .await?;
    sqlx::query("UPDATE appointment_services SET paid = paid - $1 WHERE id = $2")
        .bind(amount.tiyn())
        .bind(line.0)
        .execute(&mut *conn)
        .await?;
    Ok(())
}
