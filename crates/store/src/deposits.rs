//! The deposit's own operations at the desk: top-ups and withdrawals by real tenders, posted
//! into the open shift (never revenue: the stats are not touched), under an optional
//! `Idempotency-Key`; and the clinic's deposits report. The ledger itself is `ledger`.

use chrono::NaiveDate;
use emhana_domain::balance::{
    BalanceKind, EntryKind, PlannedWithdrawal, Returnable, TopUp, Withdrawal,
};
use emhana_domain::cash_desk::ShiftRefusal;
use emhana_domain::ids::PatientId;
use emhana_domain::refusal::VisitRefusal;
use emhana_domain::{Money, PaymentMethod};
use sqlx::AnyConnection;

use crate::audit::Actor;
use crate::cash_desk::post_into_shift;
use crate::ledger::{
    balance_on, load_entry, post_entry, require_patient, DepositEntry, EntryLinks,
};
use crate::payments::Idempotency;
use crate::refunds::Till;
use crate::visits::VisitError;
use crate::{time, Store, StoreError};

/// The entries a top-up or withdrawal wrote and the balance after.
pub type DepositChange = (Vec<DepositEntry>, Money);

/// What a top-up or withdrawal did.
#[derive(Debug, Clone)]
pub enum DepositOutcome {
    /// Written now.
    Created(DepositChange),
    /// A retry under the same key: nothing written; the first request's answer.
    Replayed(DepositChange),
}

/// Claims the key for this request (`false`: claimed before, the caller replays).
async fn claim_key(
    conn: &mut AnyConnection,
    claim: &Idempotency,
    patient: PatientId,
    till: &Till,
) -> Result<bool, VisitError> {
    let claimed = sqlx::query(
        "INSERT INTO balance_requests (idempotency_key, patient_id, fingerprint, created_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(&claim.key)
    .bind(patient.0)
    .bind(&claim.fingerprint)
    .bind(time::encode(till.at))
    .execute(&mut *conn)
    .await;
    match claimed.map_err(|e| StoreError::on_unique(e, "idempotency_key")) {
        Ok(_) => Ok(true),
        Err(StoreError::Duplicate { .. }) => Ok(false),
        Err(e) => Err(e.into()),
    }
}

/// Keeps the answer under the key (in the write's transaction).
async fn keep_answer(
    conn: &mut AnyConnection,
    idempotency: Option<&Idempotency>,
    change: &DepositChange,
) -> Result<(), VisitError> {
    let Some(claim) = idempotency else {
        return Ok(());
    };
    let snapshot = serde_json::to_string(change)
        .map_err(|e| StoreError::Config(format!("deposit snapshot: {e}")))?;
    sqlx::query("UPDATE balance_requests SET response = $1 WHERE idempotency_key = $2")
        .bind(snapshot)
        .bind(&claim.key)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// The clinic's deposits over a period: held at both ends (a liability) and what moved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DepositsReport {
    /// Held before the period's first day.
    pub held_at_start: Money,
    /// Held at the end of its last day.
    pub held_at_end: Money,
    /// Top-ups (money received, not revenue).
    pub topups: Money,
    /// Spent on visits (revenue on those days).
    pub spends: Money,
    /// Put back by refunds and voids.
    pub reversals: Money,
    /// Given back to patients.
    pub withdrawals: Money,
    /// Patients holding a positive deposit at the end.
    pub patients: i64,
    /// Bonuses patients held at the end (a discount promised, not money).
    pub bonuses_held: Money,
}

/// The patient's top-ups, oldest first, with what each can still give back.
async fn returnable(
    conn: &mut AnyConnection,
    patient: PatientId,
) -> Result<Vec<Returnable>, VisitError> {
    let rows: Vec<(i64, String, i64)> = sqlx::query_as(
        "SELECT t.id, t.method, CAST(t.amount + COALESCE( \
           (SELECT SUM(w.amount) FROM balance_entries w WHERE w.topup_id = t.id), 0) AS BIGINT) \
         FROM balance_entries t WHERE t.patient_id = $1 AND t.balance = 'deposit' AND t.kind = 'topup' ORDER BY t.id",
    )
    .bind(patient.0)
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter()
        .map(|(entry_id, method, left)| {
            Ok(Returnable {
                entry_id,
                method: PaymentMethod::from_code(&method).ok_or_else(|| {
                    StoreError::Config(format!("top-up {entry_id}: method {method:?}"))
                })?,
                left: Money::from_tiyn(left),
            })
        })
        .collect()
}

impl Store {
    /// The first answer under this key, if it was the same request (same patient and body) and
    /// finished.
    async fn replay_change(
        &self,
        claim: &Idempotency,
        patient: PatientId,
    ) -> Result<DepositOutcome, VisitError> {
        let row: Option<(i64, String, Option<String>)> = sqlx::query_as(
            "SELECT patient_id, fingerprint, response FROM balance_requests WHERE idempotency_key = $1",
        )
        .bind(&claim.key)
        .fetch_optional(self.pool())
        .await?;
        match row {
            Some((p, stored, _)) if p != patient.0 || stored != claim.fingerprint => {
                Err(VisitRefusal::KeyReused.into())
            }
            Some((_, _, Some(snapshot))) => serde_json::from_str(&snapshot)
                .map(DepositOutcome::Replayed)
                .map_err(|e| StoreError::Config(format!("deposit snapshot: {e}")).into()),
            _ => Err(VisitRefusal::KeyInFlight.into()),
        }
    }

    /// A top-up's or withdrawal's transaction with the patient checked and the key (if any)
    /// claimed; for a retry under a claimed key, the first request's answer instead.
    async fn begin_change(
        &self,
        patient: PatientId,
        till: &Till,
        idempotency: Option<&Idempotency>,
    ) -> Result<Result<crate::WriteTx, DepositOutcome>, VisitError> {
        let mut tx = self.begin_write().await?;
        require_patient(&mut tx, patient).await?;
        if let Some(claim) = idempotency {
            if !claim_key(&mut tx, claim, patient, till).await? {
                drop(tx);
                return self.replay_change(claim, patient).await.map(Err);
            }
        }
        Ok(Ok(tx))
    }

    /// Receives money onto a patient's deposit by a real tender, posted into the register's open
    /// shift (cash needs one). Not revenue. Returns the entry and the balance after; under a key,
    /// a retry returns the first answer and writes nothing. Audited.
    pub async fn top_up(
        &self,
        actor: &Actor,
        patient: PatientId,
        request: &TopUp,
        (till, idempotency): (Till, Option<&Idempotency>),
    ) -> Result<DepositOutcome, VisitError> {
        crate::retry::transient(async || {
            let mut tx = match self.begin_change(patient, &till, idempotency).await? {
                Ok(tx) => tx,
                Err(replayed) => return Ok(replayed),
            };
            let has_cash = request.method == PaymentMethod::Cash;
            let shift = post_into_shift(&mut tx, self.backend(), till.register, has_cash).await?;
            let links = EntryLinks {
                method: Some(request.method),
                shift_id: shift,
                ..EntryLinks::default()
            };
            let (id, after) = post_entry(
                &mut tx,
                actor,
                (patient, BalanceKind::Deposit),
                (EntryKind::Topup, request.amount),
                links,
                (&till, request.note.as_deref()),
            )
            .await?;
            let change = (vec![load_entry(&mut tx, id).await?], after);
            keep_answer(&mut tx, idempotency, &change).await?;
            tx.commit().await?;
            Ok(DepositOutcome::Created(change))
        })
        .await
    }

    /// Gives unused deposit back: the domain's plan over the top-ups (oldest first, through
    /// their tenders), all or nothing, posted into the open shift (cash needs one). Returns the
    /// entries written and the balance after; under a key, a retry returns the first answer and
    /// writes nothing. Audited.
    pub async fn withdraw(
        &self,
        actor: &Actor,
        patient: PatientId,
        request: &Withdrawal,
        (till, idempotency): (Till, Option<&Idempotency>),
    ) -> Result<DepositOutcome, VisitError> {
        crate::retry::transient(async || {
            let mut tx = match self.begin_change(patient, &till, idempotency).await? {
                Ok(tx) => tx,
                Err(replayed) => return Ok(replayed),
            };
            let shift = post_into_shift(&mut tx, self.backend(), till.register, false).await?;
            // The deposit's lock (a no-op write), then the plan over what it holds now.
            sqlx::query(
                "UPDATE patient_balances SET amount = amount WHERE patient_id = $1 AND balance = 'deposit'",
            )
            .bind(patient.0)
            .execute(&mut *tx)
            .await?;
            let balance = balance_on(&mut tx, patient, BalanceKind::Deposit).await?;
            let plan = request
                .plan(balance, &returnable(&mut tx, patient).await?)
                .map_err(VisitRefusal::from)?;
            if shift.is_none() && plan.iter().any(|p| p.method == PaymentMethod::Cash) {
                return Err(VisitRefusal::from(ShiftRefusal::NoOpenShift).into());
            }
            let mut entries = Vec::with_capacity(plan.len());
            let mut after = balance;
            for PlannedWithdrawal {
                topup_entry_id,
                method,
                amount,
            } in plan
            {
                let links = EntryLinks {
                    method: Some(method),
                    topup_id: topup_entry_id,
                    shift_id: shift,
                    ..EntryLinks::default()
                };
                let (id, balance_after) = post_entry(
                    &mut tx,
                    actor,
                    (patient, BalanceKind::Deposit),
                    (EntryKind::Withdrawal, amount),
                    links,
                    (&till, Some(&request.reason)),
                )
                .await?;
                after = balance_after;
                entries.push(load_entry(&mut tx, id).await?);
            }
            let change = (entries, after);
            keep_answer(&mut tx, idempotency, &change).await?;
            tx.commit().await?;
            Ok(DepositOutcome::Created(change))
        })
        .await
    }

    /// The clinic's deposits over `[from, to]`: the liability at both ends and the flows, and
    /// the bonuses held at the end (what expired by `today` is written off first, so it is exact).
    pub async fn deposits_report(
        &self,
        (from, to): (NaiveDate, NaiveDate),
        today: NaiveDate,
    ) -> Result<DepositsReport, VisitError> {
        self.settle_all_expiries(today).await?;
        let (from, to) = (time::encode_day(from), time::encode_day(to));
        let row: (i64, i64, i64, i64, i64, i64) = sqlx::query_as(
            "SELECT \
               CAST(COALESCE(SUM(CASE WHEN local_date < $1 THEN amount ELSE 0 END), 0) AS BIGINT), \
               CAST(COALESCE(SUM(CASE WHEN local_date <= $2 THEN amount ELSE 0 END), 0) AS BIGINT), \
               CAST(COALESCE(SUM(CASE WHEN local_date >= $1 AND local_date <= $2 AND kind = 'topup' THEN amount ELSE 0 END), 0) AS BIGINT), \
               CAST(COALESCE(SUM(CASE WHEN local_date >= $1 AND local_date <= $2 AND kind = 'spend' THEN -amount ELSE 0 END), 0) AS BIGINT), \
               CAST(COALESCE(SUM(CASE WHEN local_date >= $1 AND local_date <= $2 AND kind = 'spend_reversal' THEN amount ELSE 0 END), 0) AS BIGINT), \
               CAST(COALESCE(SUM(CASE WHEN local_date >= $1 AND local_date <= $2 AND kind = 'withdrawal' THEN -amount ELSE 0 END), 0) AS BIGINT) \
             FROM balance_entries WHERE balance = 'deposit' AND local_date <= $2",
        )
        .bind(&from)
        .bind(&to)
        .fetch_one(self.pool())
        .await?;
        let (bonuses_held,): (i64,) = sqlx::query_as(
            "SELECT CAST(COALESCE(SUM(amount), 0) AS BIGINT) FROM balance_entries WHERE balance = 'bonus' AND local_date <= $1",
        )
        .bind(&to)
        .fetch_one(self.pool())
        .await?;
        let (patients,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM (SELECT patient_id FROM balance_entries WHERE balance = 'deposit' AND local_date <= $1 \
             GROUP BY patient_id HAVING SUM(amount) > 0) held",
        )
        .bind(&to)
        .fetch_one(self.pool())
        .await?;
        Ok(DepositsReport {
            held_at_start: Money::from_tiyn(row.0),
            held_at_end: Money::from_tiyn(row.1),
            topups: Money::from_tiyn(row.2),
            spends: Money::from_tiyn(row.3),
            reversals: Money::from_tiyn(row.4),
            withdrawals: Money::from_tiyn(row.5),
            patients,
            bonuses_held: Money::from_tiyn(bonuses_held),
        })
    }
}
