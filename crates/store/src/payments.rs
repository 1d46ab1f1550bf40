//! Taking and voiding payments.
//!
//! The concurrency guard (DESIGN §4) is one conditional write, first in the transaction:
//! `UPDATE appointments SET paid = paid + :sum WHERE id = :id AND paid + :sum <= total`. Only if
//! it matched a row are the payments, their allocations over the lines (the domain's largest-
//! remainder split), the lines' paid sums and the audit rows written, all in that transaction.
//! On PostgreSQL the row lock makes a concurrent payment re-check the condition against the new
//! `paid`; on SQLite the write lock serialises them. Either way no interleaving overpays a visit.

use chrono::{DateTime, NaiveDate, Utc};
use emhana_domain::payment::{check_payment, PaymentRefusal};
use emhana_domain::{allocate_many, AllocationError, Money, PaymentMethod, VisitStatus};
use serde_json::json;

use crate::audit::{self, Actor, AuditEntry};
use crate::stats::Delta;
use crate::visits::{load_visit, set_payment_status, Visit, VisitError};
use crate::{time, Store, StoreError};

/// One request's payments, validated by the handler.
#[derive(Debug, Clone)]
pub struct NewPayments {
    /// `(method, amount)` in request order; amounts positive.
    pub parts: Vec<(PaymentMethod, Money)>,
    /// Optional note for all of them.
    pub note: Option<String>,
    /// `Idempotency-Key` and a fingerprint of the request it came with.
    pub idempotency: Option<(String, String)>,
}

/// What `pay` did.
#[derive(Debug, Clone)]
pub enum PayOutcome {
    /// Payments written; the rendered response (also stored under the idempotency key, if any).
    Created(String),
    /// A retry of an earlier request with the same key: nothing written; its stored response.
    Replayed(String),
}

fn money(tiyn: i64) -> Money {
    Money::from_tiyn(tiyn)
}

impl Store {
    /// Takes one or several payments for a visit, all or nothing. `render` turns the resulting
    /// visit into the response body (once), stored with the idempotency key so a retry returns it.
    pub async fn pay(
        &self,
        actor: &Actor,
        id: i64,
        new: &NewPayments,
        at: DateTime<Utc>,
        local_date: NaiveDate,
        render: impl Fn(&Visit) -> String,
    ) -> Result<PayOutcome, VisitError> {
        crate::retry::transient(async || {
            self.pay_once(actor, id, new, at, local_date, &render).await
        })
        .await
    }

    async fn pay_once(
        &self,
        actor: &Actor,
        id: i64,
        new: &NewPayments,
        at: DateTime<Utc>,
        local_date: NaiveDate,
        render: impl Fn(&Visit) -> String,
    ) -> Result<PayOutcome, VisitError> {
        let now = time::encode(at);
        let sum = Money::checked_sum(new.parts.iter().map(|p| p.1))
            .map_err(|_| PaymentRefusal::NotPositive)?;
        let mut tx = self.begin_write().await?;
        if let Some((key, fingerprint)) = &new.idempotency {
            let claimed = sqlx::query(
                "INSERT INTO payment_requests (idempotency_key, appointment_id, fingerprint, created_at) VALUES ($1, $2, $3, $4)",
            )
            .bind(key)
            .bind(id)
            .bind(fingerprint)
            .bind(&now)
            .execute(&mut *tx)
            .await;
            match claimed.map_err(|e| StoreError::on_unique(e, "idempotency_key")) {
                Ok(_) => {}
                Err(StoreError::Duplicate { .. }) => {
                    drop(tx);
                    return self.replay(key, id, fingerprint).await;
                }
                Err(e) if is_foreign_key(&e) => return Err(StoreError::NotFound.into()),
                Err(e) => return Err(e.into()),
            }
        }
        // The visit's lock first, then its analytics facts out (put back below, as they end up).
        hold_visit(&mut tx, id).await?;
        let delta = Delta::take(&mut tx, id, false).await?;
        let guarded: Option<(i64, i64)> = sqlx::query_as(
            "UPDATE appointments SET paid = paid + $1, version = version + 1, updated_at = $2 \
             WHERE id = $3 AND status <> 'cancelled' AND paid + $1 <= total RETURNING total, paid",
        )
        .bind(sum.tiyn())
        .bind(&now)
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some((total, paid_after)) = guarded else {
            let row: Option<(String, i64, i64)> =
                sqlx::query_as("SELECT status, total, paid FROM appointments WHERE id = $1")
                    .bind(id)
                    .fetch_optional(&mut *tx)
                    .await?;
            return Err(match row {
                None => StoreError::NotFound.into(),
                Some((status, _, _)) if status == VisitStatus::Cancelled.code() => {
                    VisitError::Conflict("Визит отменён: оплату принять нельзя")
                }
                Some((_, total, paid)) => match check_payment(money(total), money(paid), sum) {
                    Err(refusal) => refusal.into(),
                    // The row changed between the write and this read; report what we know.
                    Ok(_) => PaymentRefusal::Overpayment {
                        amount: sum,
                        remaining: money(total - paid).max(Money::ZERO),
                    }
                    .into(),
                },
            });
        };
        let lines: Vec<(i64, i64, i64)> = sqlx::query_as(
            "SELECT id, price, paid FROM appointment_services WHERE appointment_id = $1 ORDER BY position, id",
        )
        .bind(id)
        .fetch_all(&mut *tx)
        .await?;
        let outstanding: Vec<Money> = lines.iter().map(|l| money(l.1 - l.2)).collect();
        let amounts: Vec<Money> = new.parts.iter().map(|p| p.1).collect();
        let split = allocate_many(&amounts, &outstanding).map_err(|e| match e {
            AllocationError::Overpayment { remaining } => {
                VisitError::Payment(PaymentRefusal::Overpayment {
                    amount: sum,
                    remaining,
                })
            }
            AllocationError::NotPositive => VisitError::Payment(PaymentRefusal::NotPositive),
            AllocationError::NegativeOutstanding => {
                StoreError::Config(format!("visit {id} has a line paid above its price")).into()
            }
        })?;
        for ((method, amount), parts) in new.parts.iter().zip(&split) {
            let (payment_id,): (i64,) = sqlx::query_as(
                "INSERT INTO payments (appointment_id, method, amount, paid_at, local_date, received_by, note) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
            )
            .bind(id)
            .bind(method.code())
            .bind(amount.tiyn())
            .bind(&now)
            .bind(local_date.format("%Y-%m-%d").to_string())
            .bind(actor.user_id.map(|u| u.0))
            .bind(new.note.as_deref())
            .fetch_one(&mut *tx)
            .await?;
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
                .execute(&mut *tx)
                .await?;
                sqlx::query("UPDATE appointment_services SET paid = paid + $1 WHERE id = $2")
                    .bind(part.tiyn())
                    .bind(line_id)
                    .execute(&mut *tx)
                    .await?;
            }
            audit::append(
                &mut tx,
                actor,
                AuditEntry {
                    action: "create",
                    entity: "payment",
                    entity_id: Some(payment_id),
                    old: None,
                    new: Some(json!({
                        "appointment_id": id, "method": method.code(), "amount": amount,
                        "allocations": lines.iter().zip(parts).map(|(l, p)| json!({"line_id": l.0, "amount": p})).collect::<Vec<_>>(),
                    })),
                },
            )
            .await?;
        }
        set_payment_status(&mut tx, id, money(total), money(paid_after)).await?;
        delta.settle(&mut tx, id).await?;
        let visit = load_visit(&mut tx, id).await?.ok_or(StoreError::NotFound)?;
        let response = render(&visit);
        if let Some((key, _)) = &new.idempotency {
            sqlx::query("UPDATE payment_requests SET response = $1 WHERE idempotency_key = $2")
                .bind(&response)
                .bind(key)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(PayOutcome::Created(response))
    }

    /// The stored answer to an earlier request with this key, if it was the same request.
    async fn replay(
        &self,
        key: &str,
        id: i64,
        fingerprint: &str,
    ) -> Result<PayOutcome, VisitError> {
        let row: Option<(i64, String, Option<String>)> = sqlx::query_as(
            "SELECT appointment_id, fingerprint, response FROM payment_requests WHERE idempotency_key = $1",
        )
        .bind(key)
        .fetch_optional(self.pool())
        .await?;
        match row {
            Some((visit, stored, Some(response))) if visit == id && stored == fingerprint => {
                Ok(PayOutcome::Replayed(response))
            }
            Some((visit, stored, _)) if visit != id || stored != fingerprint => Err(
                VisitError::Conflict("Этот Idempotency-Key уже использован для другого запроса"),
            ),
            _ => Err(VisitError::Conflict(
                "Запрос с этим Idempotency-Key ещё выполняется; повторите позже",
            )),
        }
    }

    /// Voids a live payment: its allocations stop counting, the visit's paid and status are
    /// recomputed; the row stays with who, when and why. Audited.
    pub async fn void_payment(
        &self,
        actor: &Actor,
        payment_id: i64,
        reason: &str,
    ) -> Result<Visit, VisitError> {
        crate::retry::transient(async || self.void_payment_once(actor, payment_id, reason).await)
            .await
    }

    async fn void_payment_once(
        &self,
        actor: &Actor,
        payment_id: i64,
        reason: &str,
    ) -> Result<Visit, VisitError> {
        let now = time::encode(Utc::now());
        let mut tx = self.begin_write().await?;
        // The visit's lock first (a write as the first statement: SQLite never has to upgrade a
        // read transaction), then its analytics facts out (put back below).
        let visit_of: Option<(i64,)> = sqlx::query_as(
            "UPDATE appointments SET version = version \
             WHERE id = (SELECT appointment_id FROM payments WHERE id = $1) RETURNING id",
        )
        .bind(payment_id)
        .fetch_optional(&mut *tx)
        .await?;
        let delta = match visit_of {
            Some((visit_id,)) => Some(Delta::take(&mut tx, visit_id, false).await?),
            None => None,
        };
        let voided: Option<(i64, i64, String)> = sqlx::query_as(
            "UPDATE payments SET voided_at = $1, voided_by = $2, void_reason = $3 \
             WHERE id = $4 AND voided_at IS NULL RETURNING appointment_id, amount, method",
        )
        .bind(&now)
        .bind(actor.user_id.map(|u| u.0))
        .bind(reason)
        .bind(payment_id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some((id, amount, method)) = voided else {
            let exists: Option<(i64,)> = sqlx::query_as("SELECT id FROM payments WHERE id = $1")
                .bind(payment_id)
                .fetch_optional(&mut *tx)
                .await?;
            return Err(match exists {
                Some(_) => VisitError::Conflict("Платёж уже отменён"),
                None => StoreError::NotFound.into(),
            });
        };
        let (total, paid): (i64, i64) = sqlx::query_as(
            "UPDATE appointments SET paid = paid - $1, version = version + 1, updated_at = $2 WHERE id = $3 RETURNING total, paid",
        )
        .bind(amount)
        .bind(&now)
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
        let parts: Vec<(i64, i64)> =
            sqlx::query_as("SELECT line_id, amount FROM payment_allocations WHERE payment_id = $1")
                .bind(payment_id)
                .fetch_all(&mut *tx)
                .await?;
        for (line_id, part) in &parts {
            sqlx::query("UPDATE appointment_services SET paid = paid - $1 WHERE id = $2")
                .bind(part)
                .bind(line_id)
                .execute(&mut *tx)
                .await?;
        }
        set_payment_status(&mut tx, id, money(total), money(paid)).await?;
        audit::append(
            &mut tx,
            actor,
            AuditEntry {
                action: "void",
                entity: "payment",
                entity_id: Some(payment_id),
                old: Some(json!({"appointment_id": id, "method": method, "amount": money(amount)})),
                new: Some(json!({"voided_at": now, "reason": reason})),
            },
        )
        .await?;
        if let Some(delta) = delta {
            delta.settle(&mut tx, id).await?;
        }
        let visit = load_visit(&mut tx, id).await?.ok_or(StoreError::NotFound)?;
        tx.commit().await?;
        Ok(visit)
    }

    /// The visit a payment belongs to.
    pub async fn payment_visit_id(&self, payment_id: i64) -> Result<Option<i64>, StoreError> {
        let row: Option<(i64,)> =
            sqlx::query_as("SELECT appointment_id FROM payments WHERE id = $1")
                .bind(payment_id)
                .fetch_optional(self.pool())
                .await?;
        Ok(row.map(|r| r.0))
    }
}

fn is_foreign_key(e: &StoreError) -> bool {
    matches!(e, StoreError::Database(sqlx::Error::Database(db)) if db.kind() == sqlx::error::ErrorKind::ForeignKeyViolation)
}

/// Takes the visit's row lock (PostgreSQL; SQLite has one writer) without changing it, so what
/// follows in the transaction sees no concurrent change to the visit.
async fn hold_visit(conn: &mut sqlx::AnyConnection, id: i64) -> Result<(), StoreError> {
    sqlx::query("UPDATE appointments SET version = version WHERE id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}
