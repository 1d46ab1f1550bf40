//! Patient balances — the deposit and bonuses — and the deposit's own operations: one
//! append-only ledger (`balance_entries`, by kind) and the balance kept beside it
//! (`patient_balances`, the row every change locks; a CHECK keeps it ≥ 0). Bonus operations are
//! in `bonuses`.
//!
//! Lock order (as `retry.rs` documents): the visit (payments), the register's live shift
//! (shared), then the patient's deposit row. A spend is one conditional update
//! (`balance >= amount`), so of two concurrent spends that together exceed the balance exactly
//! one passes, on both backends. Top-ups and withdrawals move money at the desk and are posted
//! into the open shift; they are never revenue (the stats are not touched).

use chrono::NaiveDate;
use emhana_domain::balance::{
    statement, BalanceKind, BalanceRefusal, EntryKind, PlannedWithdrawal, Returnable, Statement,
    StatementLine, TopUp, Withdrawal,
};
use emhana_domain::cash_desk::ShiftRefusal;
use emhana_domain::ids::{PatientId, ShiftId};
use emhana_domain::refusal::VisitRefusal;
use emhana_domain::{Money, PaymentMethod};
use serde_json::json;
use sqlx::AnyConnection;

use crate::audit::{self, Actor, AuditEntry};
use crate::cash_desk::post_into_shift;
use crate::payments::Idempotency;
use crate::refunds::Till;
use crate::visits::VisitError;
use crate::{time, Store, StoreError};

/// One ledger entry as read back.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct DepositEntry {
    /// Its id.
    pub id: i64,
    /// Kind.
    pub kind: EntryKind,
    /// Signed amount (+ adds to the balance).
    pub amount: Money,
    /// The real tender, for top-ups and withdrawals.
    pub method: Option<PaymentMethod>,
    /// The visit payment it paid or reversed.
    pub payment_id: Option<i64>,
    /// The refund that put it back.
    pub refund_id: Option<i64>,
    /// The visit, for spends and reversals.
    pub appointment_id: Option<i64>,
    /// The shift it was posted into.
    pub shift_id: Option<i64>,
    /// RFC 3339 instant.
    pub at: String,
    /// Clinic-local day.
    pub date: NaiveDate,
    /// Who wrote it.
    pub user_name: Option<String>,
    /// Note or reason.
    pub note: Option<String>,
    /// A bonus credit's last day.
    pub expires_on: Option<NaiveDate>,
}

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

/// A statement: the domain's figures and the period's entries.
#[derive(Debug, Clone)]
pub struct DepositStatement {
    /// Opening, credits, debits, closing.
    pub figures: Statement,
    /// The entries of the period, oldest first.
    pub entries: Vec<DepositEntry>,
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

/// Where a ledger entry comes from, beside its kind and amount.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct EntryLinks {
    /// The real tender (top-up, withdrawal).
    pub method: Option<PaymentMethod>,
    /// The top-up a withdrawal returns.
    pub topup_id: Option<i64>,
    /// The payment (spend, void reversal).
    pub payment_id: Option<i64>,
    /// The refund (refund reversal).
    pub refund_id: Option<i64>,
    /// The shift.
    pub shift_id: Option<ShiftId>,
    /// A bonus credit's last day.
    pub expires_on: Option<NaiveDate>,
    /// An expiry's lot.
    pub lot_id: Option<i64>,
}

const ENTRY_COLUMNS: &str = "e.id, e.kind, e.amount, e.method, e.payment_id, e.refund_id, \
     COALESCE(y.appointment_id, r.appointment_id), e.shift_id, e.at, e.local_date, u.display_name, e.note, e.expires_on \
     FROM balance_entries e LEFT JOIN payments y ON y.id = e.payment_id \
     LEFT JOIN refunds r ON r.id = e.refund_id LEFT JOIN users u ON u.id = e.user_id";

type EntryRow = (
    i64,
    String,
    i64,
    Option<String>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
);

fn entry_of(row: EntryRow) -> Result<DepositEntry, StoreError> {
    let (
        id,
        kind,
        amount,
        method,
        payment_id,
        refund_id,
        visit,
        shift,
        at,
        day,
        user,
        note,
        expires,
    ) = row;
    let bad = |what: &str| StoreError::Config(format!("deposit entry {id}: {what}"));
    Ok(DepositEntry {
        id,
        kind: EntryKind::from_code(&kind).ok_or_else(|| bad("kind"))?,
        amount: Money::from_tiyn(amount),
        method: match method {
            Some(m) => Some(PaymentMethod::from_code(&m).ok_or_else(|| bad("method"))?),
            None => None,
        },
        payment_id,
        refund_id,
        appointment_id: visit,
        shift_id: shift,
        at,
        date: NaiveDate::parse_from_str(&day, "%Y-%m-%d").map_err(|_| bad("local_date"))?,
        user_name: user,
        note,
        expires_on: expires.as_deref().map(time::decode_day).transpose()?,
    })
}

/// Appends one entry to the patient's `balance` and moves it by the entry's signed amount,
/// refusing (nothing written) a debit it does not cover. Returns the entry's id and the balance
/// after.
pub(crate) async fn post_entry(
    conn: &mut AnyConnection,
    actor: &Actor,
    (patient, balance): (PatientId, BalanceKind),
    (kind, amount): (EntryKind, Money),
    links: EntryLinks,
    (till, note): (&Till, Option<&str>),
) -> Result<(i64, Money), VisitError> {
    let now = time::encode(till.at);
    let signed = kind.signed(amount);
    let after: Option<(i64,)> = if kind.credits() {
        sqlx::query_as(
            "INSERT INTO patient_balances (patient_id, balance, amount, updated_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (patient_id, balance) DO UPDATE SET amount = patient_balances.amount + excluded.amount, \
             updated_at = excluded.updated_at RETURNING amount",
        )
        .bind(patient.0)
        .bind(balance.code())
        .bind(signed.tiyn())
        .bind(&now)
        .fetch_optional(&mut *conn)
        .await?
    } else {
        sqlx::query_as(
            "UPDATE patient_balances SET amount = amount - $1, updated_at = $4 \
             WHERE patient_id = $2 AND balance = $3 AND amount >= $1 RETURNING amount",
        )
        .bind(amount.tiyn())
        .bind(patient.0)
        .bind(balance.code())
        .bind(&now)
        .fetch_optional(&mut *conn)
        .await?
    };
    let Some((after,)) = after else {
        let available = balance_on(conn, patient, balance).await?;
        return Err(VisitRefusal::from(BalanceRefusal::Insufficient {
            asked: amount,
            available,
        })
        .into());
    };
    let day = match (kind, links.expires_on) {
        // An expiry is dated the day after its lot's last day, whenever it is written.
        (EntryKind::Expiry, Some(last)) => last.succ_opt().unwrap_or(last),
        _ => till.zone.local_date(till.at),
    };
    let expires_on = if kind == EntryKind::Expiry {
        None
    } else {
        links.expires_on
    };
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO balance_entries (patient_id, balance, kind, amount, method, topup_id, payment_id, refund_id, shift_id, \
           expires_on, lot_id, at, local_date, user_id, note) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING id",
    )
    .bind(patient.0)
    .bind(balance.code())
    .bind(kind.code())
    .bind(signed.tiyn())
    .bind(links.method.map(PaymentMethod::code))
    .bind(links.topup_id)
    .bind(links.payment_id)
    .bind(links.refund_id)
    .bind(links.shift_id.map(|s| s.0))
    .bind(expires_on.map(time::encode_day))
    .bind(links.lot_id)
    .bind(&now)
    .bind(time::encode_day(day))
    .bind(actor.user_id.map(|u| u.0))
    .bind(note)
    .fetch_one(&mut *conn)
    .await?;
    audit::append(
        conn,
        actor,
        AuditEntry {
            action: "create",
            entity: "balance_entry",
            entity_id: Some(id),
            old: None,
            new: Some(json!({
                "patient_id": patient, "balance": balance, "kind": kind, "amount": signed,
                "method": links.method, "topup_id": links.topup_id, "payment_id": links.payment_id,
                "refund_id": links.refund_id, "shift_id": links.shift_id, "expires_on": expires_on,
                "lot_id": links.lot_id, "note": note, "balance_after": Money::from_tiyn(after),
            })),
        },
    )
    .await?;
    Ok((id, Money::from_tiyn(after)))
}

/// The patient's `balance` as `conn` sees it (zero with no row).
pub(crate) async fn balance_on(
    conn: &mut AnyConnection,
    patient: PatientId,
    balance: BalanceKind,
) -> Result<Money, StoreError> {
    let row: Option<(i64,)> = sqlx::query_as(
        "SELECT amount FROM patient_balances WHERE patient_id = $1 AND balance = $2",
    )
    .bind(patient.0)
    .bind(balance.code())
    .fetch_optional(&mut *conn)
    .await?;
    Ok(Money::from_tiyn(row.map_or(0, |r| r.0)))
}

/// The visit's patient (a spend or reversal is on their deposit).
pub(crate) async fn patient_of_visit(
    conn: &mut AnyConnection,
    visit: i64,
) -> Result<PatientId, StoreError> {
    let (patient,): (i64,) = sqlx::query_as("SELECT patient_id FROM appointments WHERE id = $1")
        .bind(visit)
        .fetch_one(&mut *conn)
        .await?;
    Ok(PatientId(patient))
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

/// The patient exists (a deposit is for a known patient).
async fn require_patient(conn: &mut AnyConnection, patient: PatientId) -> Result<(), StoreError> {
    let row: Option<(i64,)> = sqlx::query_as("SELECT id FROM patients WHERE id = $1")
        .bind(patient.0)
        .fetch_optional(&mut *conn)
        .await?;
    row.map(|_| ()).ok_or(StoreError::NotFound)
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
            let mut tx = self.begin_write().await?;
            require_patient(&mut tx, patient).await?;
            if let Some(claim) = idempotency {
                if !claim_key(&mut tx, claim, patient, &till).await? {
                    drop(tx);
                    return self.replay_change(claim, patient).await;
                }
            }
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
            let mut tx = self.begin_write().await?;
            require_patient(&mut tx, patient).await?;
            if let Some(claim) = idempotency {
                if !claim_key(&mut tx, claim, patient, &till).await? {
                    drop(tx);
                    return self.replay_change(claim, patient).await;
                }
            }
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

    /// The patient's balances now, deposit and bonuses (`NotFound` for an unknown patient).
    /// Bonuses past their last day are written off first (an entry each).
    pub async fn balances(
        &self,
        patient: PatientId,
        today: NaiveDate,
    ) -> Result<(Money, Money), VisitError> {
        self.settle_expiries(patient, today).await?;
        let mut conn = self.pool().acquire().await?;
        require_patient(&mut conn, patient).await?;
        let deposit = balance_on(&mut conn, patient, BalanceKind::Deposit).await?;
        let bonus = balance_on(&mut conn, patient, BalanceKind::Bonus).await?;
        Ok((deposit, bonus))
    }

    /// The statement of one balance over `[from, to]` (clinic-local days): the balance before
    /// `from`, the entries, the balance after `to` — read in one snapshot, so opening + Σ =
    /// closing. Bonuses past their last day are written off first.
    pub async fn statement(
        &self,
        (patient, balance): (PatientId, BalanceKind),
        (from, to): (NaiveDate, NaiveDate),
        today: NaiveDate,
    ) -> Result<DepositStatement, VisitError> {
        self.settle_expiries(patient, today).await?;
        let mut tx = self.pool().begin().await?;
        require_patient(&mut tx, patient).await?;
        let (opening,): (i64,) = sqlx::query_as(
            "SELECT CAST(COALESCE(SUM(amount), 0) AS BIGINT) FROM balance_entries \
             WHERE patient_id = $1 AND balance = $2 AND local_date < $3",
        )
        .bind(patient.0)
        .bind(balance.code())
        .bind(time::encode_day(from))
        .fetch_one(&mut *tx)
        .await?;
        let sql = format!(
            "SELECT {ENTRY_COLUMNS} WHERE e.patient_id = $1 AND e.balance = $2 AND e.local_date >= $3 AND e.local_date <= $4 \
             ORDER BY e.local_date, e.id"
        );
        let rows: Vec<EntryRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(patient.0)
            .bind(balance.code())
            .bind(time::encode_day(from))
            .bind(time::encode_day(to))
            .fetch_all(&mut *tx)
            .await?;
        tx.commit().await?;
        let entries = rows
            .into_iter()
            .map(entry_of)
            .collect::<Result<Vec<_>, _>>()?;
        let lines: Vec<StatementLine> = entries
            .iter()
            .map(|e| StatementLine {
                kind: e.kind,
                amount: e.amount,
                date: e.date,
            })
            .collect();
        Ok(DepositStatement {
            figures: statement(Money::from_tiyn(opening), &lines),
            entries,
        })
    }

    /// The clinic's deposits over `[from, to]`: the liability at both ends and the flows, and
    /// the bonuses held at the end (settle expiries first for that to be exact).
    pub async fn deposits_report(
        &self,
        (from, to): (NaiveDate, NaiveDate),
    ) -> Result<DepositsReport, StoreError> {
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

async fn load_entry(conn: &mut AnyConnection, id: i64) -> Result<DepositEntry, StoreError> {
    let sql = format!("SELECT {ENTRY_COLUMNS} WHERE e.id = $1");
    let row: EntryRow = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_one(&mut *conn)
        .await?;
    entry_of(row)
}
