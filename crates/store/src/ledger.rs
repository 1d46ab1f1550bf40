//! Patient balances — the deposit and bonuses — as one mechanism: the append-only ledger
//! (`balance_entries`, by kind) and the balance kept beside it (`patient_balances`, the row every
//! change locks; a CHECK keeps it ≥ 0). `post_entry` is the only writer; reads are the balances
//! and a statement. The deposit's own operations are in `deposits`, the bonuses' in `bonuses`,
//! what payments, refunds and voids do to them in `payment_ledgers`.
//!
//! Lock order (as `retry.rs` documents): the visit (payments), the register's live shift
//! (shared), then the patient's balance row. A spend is one conditional update
//! (`amount >= asked`), so of two concurrent spends that together exceed the balance exactly
//! one passes, on both backends.

use chrono::NaiveDate;
use emhana_domain::balance::{
    statement, BalanceKind, BalanceRefusal, EntryKind, Statement, StatementLine,
};
use emhana_domain::ids::{PatientId, ShiftId};
use emhana_domain::refusal::VisitRefusal;
use emhana_domain::{Money, PaymentMethod};
use serde_json::json;
use sqlx::AnyConnection;

use crate::audit::{self, Actor, AuditEntry};
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

/// A statement: the domain's figures and the period's entries.
#[derive(Debug, Clone)]
pub struct DepositStatement {
    /// Opening, credits, debits, closing.
    pub figures: Statement,
    /// The entries of the period, oldest first.
    pub entries: Vec<DepositEntry>,
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

/// The patient exists (a deposit is for a known patient).
pub(crate) async fn require_patient(
    conn: &mut AnyConnection,
    patient: PatientId,
) -> Result<(), StoreError> {
    let row: Option<(i64,)> = sqlx::query_as("SELECT id FROM patients WHERE id = $1")
        .bind(patient.0)
        .fetch_optional(&mut *conn)
        .await?;
    row.map(|_| ()).ok_or(StoreError::NotFound)
}

impl Store {
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
}

pub(crate) async fn load_entry(
    conn: &mut AnyConnection,
    id: i64,
) -> Result<DepositEntry, StoreError> {
    let sql = format!("SELECT {ENTRY_COLUMNS} WHERE e.id = $1");
    let row: EntryRow = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_one(&mut *conn)
        .await?;
    entry_of(row)
}
