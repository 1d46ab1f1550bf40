//! X and Z reports: the shift's entries read in one statement and handed to the domain's one
//! report function; the close stores the Z snapshot once.

use chrono::{DateTime, NaiveDate, Utc};
use emhana_domain::access::VisitAuthority;
use emhana_domain::cash_desk::{
    assess_close, shift_report, CashMovementKind, ShiftCount, ShiftEntry, ShiftReport, ShiftStatus,
    ZReport,
};
use emhana_domain::clinic_time::rfc3339;
use emhana_domain::ids::ShiftId;
use emhana_domain::{Money, PaymentMethod};
use serde_json::json;
use sqlx::AnyConnection;

use super::{load_shift, require_state, Shift};
use crate::audit::{self, Actor, AuditEntry};
use crate::visits::VisitError;
use crate::{time, Store, StoreError};

/// Every entry of a shift, read as one statement (one snapshot on either backend).
pub(super) async fn entries(
    conn: &mut AnyConnection,
    id: ShiftId,
) -> Result<Vec<ShiftEntry>, StoreError> {
    let rows: Vec<(String, String, i64, i64)> = sqlx::query_as(
        "SELECT CAST('p' AS TEXT), method, amount, CAST(CASE WHEN voided_at IS NULL THEN 0 ELSE 1 END AS BIGINT) FROM payments WHERE shift_id = $1 \
         UNION ALL SELECT 'r', method, amount, CAST(0 AS BIGINT) FROM refunds WHERE shift_id = $1 \
         UNION ALL SELECT 'm', kind, amount, CAST(0 AS BIGINT) FROM cash_movements WHERE shift_id = $1 \
         UNION ALL SELECT 'd', method, amount, CAST(0 AS BIGINT) FROM balance_entries WHERE shift_id = $1 AND method IS NOT NULL",
    )
    .bind(id.0)
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter()
        .map(|(what, code, amount, voided)| {
            let amount = Money::from_tiyn(amount);
            let bad = || StoreError::Config(format!("shift entry {what} {code:?}"));
            let method = || PaymentMethod::from_code(&code).ok_or_else(bad);
            Ok(match what.as_str() {
                "p" => ShiftEntry::Payment {
                    method: method()?,
                    amount,
                    voided: voided != 0,
                },
                "r" => ShiftEntry::Refund {
                    method: method()?,
                    amount,
                },
                "d" => ShiftEntry::Deposit {
                    method: method()?,
                    kind: if amount.is_negative() {
                        CashMovementKind::Out
                    } else {
                        CashMovementKind::In
                    },
                    amount: Money::from_tiyn(amount.tiyn().abs()),
                },
                _ => ShiftEntry::Movement {
                    kind: CashMovementKind::from_code(&code).ok_or_else(bad)?,
                    amount,
                },
            })
        })
        .collect()
}

impl Store {
    /// The X report: the shift and its report now.
    pub async fn x_report(&self, id: ShiftId) -> Result<(Shift, ShiftReport), StoreError> {
        let mut conn = self.pool().acquire().await?;
        let shift = load_shift(&mut conn, id).await?;
        let entries = entries(&mut conn, id).await?;
        Ok((shift.clone(), shift_report(shift.opening.counted, &entries)))
    }

    /// Closes a counting shift with what was counted: the domain assesses the differences
    /// against `tolerance` and `authority`, the Z snapshot is stored once with the register's
    /// next Z number, and returned as stored. Audited.
    pub async fn close_shift(
        &self,
        actor: &Actor,
        id: ShiftId,
        (count, tolerance, authority): (&ShiftCount, Money, VisitAuthority),
        at: DateTime<Utc>,
    ) -> Result<String, VisitError> {
        crate::retry::transient(async || {
            let mut tx = self.begin_write().await?;
            require_state(&mut tx, id, ShiftStatus::Counting).await?;
            let shift = load_shift(&mut tx, id).await?;
            let report = shift_report(shift.opening.counted, &entries(&mut tx, id).await?);
            let counts = assess_close(&report, count, tolerance, authority)?;
            let (z_number,): (i64,) = sqlx::query_as(
                "SELECT COALESCE(MAX(z_number), 0) + 1 FROM shifts WHERE register_id = $1",
            )
            .bind(shift.register_id.0)
            .fetch_one(&mut *tx)
            .await?;
            let closed_by: Option<(String,)> =
                sqlx::query_as("SELECT display_name FROM users WHERE id = $1")
                    .bind(actor.user_id.map(|u| u.0))
                    .fetch_optional(&mut *tx)
                    .await?;
            let cash = counts
                .iter()
                .find(|c| c.method == PaymentMethod::Cash)
                .map_or(Money::ZERO, |c| c.counted);
            let z = ZReport {
                shift_id: id,
                register_id: shift.register_id,
                register_name: shift.register_name.clone(),
                z_number,
                opened_at: rfc3339(shift.opened_at),
                closed_at: rfc3339(at),
                opened_by: shift.opened_by.clone(),
                closed_by: closed_by.map(|c| c.0),
                opening: shift.opening,
                report,
                counts,
                note: count.note.clone(),
            };
            let snapshot = serde_json::to_string(&z)
                .map_err(|e| StoreError::Config(format!("z snapshot: {e}")))?;
            sqlx::query(
                "UPDATE shifts SET status = 'closed', closed_at = $1, closed_by = $2, close_note = $3, \
                   z_number = $4, z_report = $5, closing_cash = $6 WHERE id = $7",
            )
            .bind(time::encode(at))
            .bind(actor.user_id.map(|u| u.0))
            .bind(count.note.as_deref())
            .bind(z_number)
            .bind(&snapshot)
            .bind(cash.tiyn())
            .bind(id.0)
            .execute(&mut *tx)
            .await?;
            audit::append(
                &mut tx,
                actor,
                AuditEntry {
                    action: "close",
                    entity: "shift",
                    entity_id: Some(id.0),
                    old: Some(json!({ "status": "counting" })),
                    new: Some(json!({ "status": "closed", "z_number": z_number, "counts": z.counts, "note": z.note })),
                },
            )
            .await?;
            tx.commit().await?;
            Ok(snapshot)
        })
        .await
    }

    /// The stored Z snapshot of a closed shift (`None` while it is not closed); `NotFound` for
    /// no such shift.
    pub async fn z_report(&self, id: ShiftId) -> Result<Option<String>, StoreError> {
        let row: Option<(Option<String>,)> =
            sqlx::query_as("SELECT z_report FROM shifts WHERE id = $1")
                .bind(id.0)
                .fetch_optional(self.pool())
                .await?;
        row.map(|r| r.0).ok_or(StoreError::NotFound)
    }
}

/// One line of a shift's journal, oldest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JournalLine {
    /// `payment` | `refund` | `cash_in` | `cash_out`.
    pub kind: &'static str,
    /// The row's id.
    pub id: i64,
    /// The visit (payments, refunds).
    pub appointment_id: Option<i64>,
    /// Its patient.
    pub patient_name: Option<String>,
    /// The tender (`cash` for movements).
    pub method: PaymentMethod,
    /// Amount (positive).
    pub amount: Money,
    /// When.
    pub at: DateTime<Utc>,
    /// Who.
    pub by: Option<String>,
    /// A voided payment.
    pub voided: bool,
    /// Reason or note.
    pub reason: Option<String>,
}

/// `(kind, id, visit, patient, method, amount, at, by, voided, reason)` as read.
type JournalRow = (
    String,
    i64,
    Option<i64>,
    Option<String>,
    String,
    i64,
    String,
    Option<String>,
    i64,
    Option<String>,
);

/// Whose journal: one shift's, or what stood outside every shift on one clinic-local day.
enum Journal {
    Shift(ShiftId),
    OutsideOn(NaiveDate),
}

impl Store {
    /// Everything posted into a shift, oldest first.
    pub async fn shift_journal(&self, id: ShiftId) -> Result<Vec<JournalLine>, StoreError> {
        self.journal(Journal::Shift(id)).await
    }

    /// Payments and refunds of clinic-local `day` that stand outside every shift (non-cash taken
    /// while no shift was open), oldest first: the day report lists them beside the shifts.
    pub async fn outside_shifts(&self, day: NaiveDate) -> Result<Vec<JournalLine>, StoreError> {
        self.journal(Journal::OutsideOn(day)).await
    }

    async fn journal(&self, which: Journal) -> Result<Vec<JournalLine>, StoreError> {
        let [payments, refunds, movements, deposits] = match which {
            Journal::Shift(_) => [
                "y.shift_id = $1",
                "r.shift_id = $1",
                "m.shift_id = $1",
                "d.shift_id = $1",
            ],
            Journal::OutsideOn(_) => [
                "y.shift_id IS NULL AND y.local_date = $1",
                "r.shift_id IS NULL AND r.local_date = $1",
                "1 = 0",
                "d.shift_id IS NULL AND d.local_date = $1",
            ],
        };
        let sql = format!(
            "SELECT CAST('payment' AS TEXT) AS kind, y.id, y.appointment_id, p.first_name || COALESCE(' ' || p.last_name, ''), y.method, y.amount, \
                    y.paid_at AS at, u.display_name, CAST(CASE WHEN y.voided_at IS NULL THEN 0 ELSE 1 END AS BIGINT), y.note \
             FROM payments y JOIN appointments a ON a.id = y.appointment_id JOIN patients p ON p.id = a.patient_id \
             LEFT JOIN users u ON u.id = y.received_by WHERE {payments} \
             UNION ALL \
             SELECT 'refund', r.id, r.appointment_id, p.first_name || COALESCE(' ' || p.last_name, ''), r.method, r.amount, \
                    r.refunded_at, u.display_name, CAST(0 AS BIGINT), r.reason \
             FROM refunds r JOIN appointments a ON a.id = r.appointment_id JOIN patients p ON p.id = a.patient_id \
             LEFT JOIN users u ON u.id = r.refunded_by WHERE {refunds} \
             UNION ALL \
             SELECT 'cash_' || m.kind, m.id, NULL, NULL, 'cash', m.amount, m.at, u.display_name, CAST(0 AS BIGINT), m.reason \
             FROM cash_movements m LEFT JOIN users u ON u.id = m.user_id WHERE {movements} \
             UNION ALL \
             SELECT CASE WHEN d.amount > 0 THEN 'deposit_in' ELSE 'deposit_out' END, d.id, NULL, \
                    p.first_name || COALESCE(' ' || p.last_name, ''), d.method, ABS(d.amount), d.at, u.display_name, CAST(0 AS BIGINT), d.note \
             FROM balance_entries d JOIN patients p ON p.id = d.patient_id LEFT JOIN users u ON u.id = d.user_id \
             WHERE d.method IS NOT NULL AND {deposits} \
             ORDER BY 7, 1, 2"
        );
        let query = sqlx::query_as(sqlx::AssertSqlSafe(sql));
        let query = match which {
            Journal::Shift(id) => query.bind(id.0),
            Journal::OutsideOn(day) => query.bind(time::encode_day(day)),
        };
        let rows: Vec<JournalRow> = query.fetch_all(self.pool()).await?;
        rows.into_iter()
            .map(
                |(
                    kind,
                    id,
                    appointment_id,
                    patient_name,
                    method,
                    amount,
                    at,
                    by,
                    voided,
                    reason,
                )| {
                    let kind = match kind.as_str() {
                        "payment" => "payment",
                        "refund" => "refund",
                        "cash_in" => "cash_in",
                        "deposit_in" => "deposit_in",
                        "deposit_out" => "deposit_out",
                        _ => "cash_out",
                    };
                    Ok(JournalLine {
                        kind,
                        id,
                        appointment_id,
                        patient_name,
                        method: PaymentMethod::from_code(&method).ok_or_else(|| {
                            StoreError::Config(format!("unknown method {method:?}"))
                        })?,
                        amount: Money::from_tiyn(amount),
                        at: time::decode(&at)?,
                        by,
                        voided: voided != 0,
                        reason,
                    })
                },
            )
            .collect()
    }
}
