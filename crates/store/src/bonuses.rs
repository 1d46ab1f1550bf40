//! Bonuses in the store: the programme's versions, accruals when a payment is taken, their
//! reversal by refunds and voids, spending with the method `bonus`, expiry written as entries.
//!
//! The rules are the domain's (`emhana_domain::bonus`); this module reads what they need and
//! writes what they decide, inside the caller's transaction (the payment's, the refund's).
//! Reversals take back what the patient still holds at most: bonuses already spent stay spent
//! (the shortfall is in the entry's note and the audit row).

use chrono::NaiveDate;
use emhana_domain::balance::{BalanceKind, EntryKind};
use emhana_domain::bonus::{accrual_reversal, due_expiries, in_force, BonusEntry, BonusProgramme};
use emhana_domain::ids::{LeadSourceId, PatientId};
use emhana_domain::{Money, PaymentMethod, Reference, Violations, VisitRefusal};
use serde_json::json;
use sqlx::AnyConnection;

use crate::audit::{self, Actor, AuditEntry};
use crate::ledger::{balance_on, post_entry, EntryLinks};
use crate::refunds::Till;
use crate::visits::VisitError;
use crate::{time, Store, StoreError};

type ProgrammeRow = (String, i64, i64, String, i64, i64, i64, Option<i64>);

/// `(id, kind, amount, local_date, expires_on, lot_id)` of a bonus entry.
type BonusRow = (i64, String, i64, String, Option<String>, Option<i64>);

/// Every version of the programme, oldest first.
pub(crate) async fn programmes(
    conn: &mut AnyConnection,
) -> Result<Vec<BonusProgramme>, StoreError> {
    let rows: Vec<ProgrammeRow> = sqlx::query_as(
        "SELECT effective_from, enabled, accrual_bp, earning_methods, max_share_bp, expiry_days, \
                welcome_amount, welcome_source_id FROM bonus_programmes ORDER BY effective_from",
    )
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter()
        .map(
            |(from, enabled, accrual_bp, earning, max_share_bp, expiry_days, welcome, source)| {
                Ok(BonusProgramme {
                    enabled: enabled != 0,
                    accrual_bp,
                    earning: earning
                        .split(',')
                        .filter_map(PaymentMethod::from_code)
                        .collect(),
                    max_share_bp,
                    expiry_days,
                    welcome: Money::from_tiyn(welcome),
                    welcome_source: source.map(LeadSourceId),
                    effective_from: time::decode_day(&from)?,
                })
            },
        )
        .collect()
}

/// The version in force on `day`.
pub(crate) async fn programme_on(
    conn: &mut AnyConnection,
    day: NaiveDate,
) -> Result<BonusProgramme, StoreError> {
    Ok(in_force(&programmes(conn).await?, day))
}

/// The actor of entries nobody typed (expiries).
fn system() -> Actor {
    Actor {
        user_id: None,
        request_id: "bonus-expiry".into(),
        client_ip: String::new(),
        api_key_id: None,
    }
}

/// Writes off the patient's bonus credits whose last day is before `today`, each as an expiry
/// entry dated the day after its last day. Inside the caller's write transaction, under the
/// patient's bonus-balance lock (lock order: visit, shift, patient balance).
pub(crate) async fn settle_expiries_on(
    conn: &mut AnyConnection,
    patient: PatientId,
    today: NaiveDate,
    till: &Till,
) -> Result<(), VisitError> {
    // The bonus balance's lock first: a concurrent settle for the same patient waits here and
    // then reads the expiries this one wrote (none is written twice).
    sqlx::query(
        "UPDATE patient_balances SET amount = amount WHERE patient_id = $1 AND balance = 'bonus'",
    )
    .bind(patient.0)
    .execute(&mut *conn)
    .await?;
    let rows: Vec<BonusRow> = sqlx::query_as(
        "SELECT id, kind, amount, local_date, expires_on, lot_id FROM balance_entries \
         WHERE patient_id = $1 AND balance = 'bonus' ORDER BY id",
    )
    .bind(patient.0)
    .fetch_all(&mut *conn)
    .await?;
    let mut entries = Vec::with_capacity(rows.len());
    for (id, kind, amount, date, expires_on, lot_id) in rows {
        entries.push(BonusEntry {
            id,
            kind: EntryKind::from_code(&kind)
                .ok_or_else(|| StoreError::Config(format!("bonus entry {id}: kind {kind:?}")))?,
            amount: Money::from_tiyn(amount),
            date: time::decode_day(&date)?,
            expires_on: expires_on.as_deref().map(time::decode_day).transpose()?,
            lot_id,
        });
    }
    for due in due_expiries(&entries, today) {
        let links = EntryLinks {
            lot_id: Some(due.lot_id),
            expires_on: Some(due.last_day),
            ..EntryLinks::default()
        };
        post_entry(
            conn,
            &system(),
            (patient, BalanceKind::Bonus),
            (EntryKind::Expiry, due.left),
            links,
            (till, None),
        )
        .await?;
    }
    Ok(())
}

/// The bonuses a payment part earns under `programme`, credited to the patient.
pub(crate) async fn accrue(
    conn: &mut AnyConnection,
    actor: &Actor,
    (patient, payment_id): (PatientId, i64),
    (programme, method, amount): (&BonusProgramme, PaymentMethod, Money),
    till: &Till,
) -> Result<(), VisitError> {
    let earned = programme.accrual(method, amount);
    if !earned.is_positive() {
        return Ok(());
    }
    let links = EntryLinks {
        payment_id: Some(payment_id),
        expires_on: programme.last_day(till.zone.local_date(till.at)),
        ..EntryLinks::default()
    };
    post_entry(
        conn,
        actor,
        (patient, BalanceKind::Bonus),
        (EntryKind::Accrual, earned),
        links,
        (till, None),
    )
    .await?;
    Ok(())
}

/// Puts bonuses back (a refund or void of a bonus payment) as a new credit under today's rule.
pub(crate) async fn give_back(
    conn: &mut AnyConnection,
    actor: &Actor,
    patient: PatientId,
    amount: Money,
    (links, till, note): (EntryLinks, &Till, Option<&str>),
) -> Result<(), VisitError> {
    let today = till.zone.local_date(till.at);
    let programme = programme_on(conn, today).await?;
    let links = EntryLinks {
        expires_on: programme.last_day(today),
        ..links
    };
    post_entry(
        conn,
        actor,
        (patient, BalanceKind::Bonus),
        (EntryKind::SpendReversal, amount),
        links,
        (till, note),
    )
    .await?;
    Ok(())
}

/// Takes back the bonuses payment `payment_id` earned: for a refund of `refunded_now` after
/// `refunded_before`, the accrual's share (the domain's rule); for a void (`None`), all that is
/// left of it. At most what the patient holds (what was spent stays spent, noted).
pub(crate) async fn take_back_accrual(
    conn: &mut AnyConnection,
    actor: &Actor,
    (patient, payment_id, paid): (PatientId, i64, Money),
    refund: Option<(i64, Money, Money)>,
    till: &Till,
) -> Result<(), VisitError> {
    let (accrued, net): (i64, i64) = sqlx::query_as(
        "SELECT CAST(COALESCE(SUM(CASE WHEN kind = 'accrual' THEN amount ELSE 0 END), 0) AS BIGINT), \
                CAST(COALESCE(SUM(amount), 0) AS BIGINT) FROM balance_entries \
         WHERE payment_id = $1 AND balance = 'bonus' AND kind IN ('accrual', 'accrual_reversal')",
    )
    .bind(payment_id)
    .fetch_one(&mut *conn)
    .await?;
    if accrued == 0 {
        return Ok(());
    }
    let due = match refund {
        Some((_, before, now)) => accrual_reversal(Money::from_tiyn(accrued), paid, before, now),
        None => Money::from_tiyn(net.max(0)),
    };
    let held = balance_on(conn, patient, BalanceKind::Bonus).await?;
    let taken = due.min(held);
    let note = (taken < due).then(|| {
        format!(
            "Бонусы уже потрачены: не списано {}",
            Money::from_tiyn(due.tiyn() - taken.tiyn()).format_ui()
        )
    });
    if !taken.is_positive() {
        return Ok(());
    }
    let links = EntryLinks {
        payment_id: Some(payment_id),
        refund_id: refund.map(|r| r.0),
        ..EntryLinks::default()
    };
    post_entry(
        conn,
        actor,
        (patient, BalanceKind::Bonus),
        (EntryKind::AccrualReversal, taken),
        links,
        (till, note.as_deref()),
    )
    .await?;
    Ok(())
}

/// What bonuses paid on the visit so far: live bonus payments less what was refunded of them.
pub(crate) async fn bonus_paid_on(
    conn: &mut AnyConnection,
    visit: i64,
) -> Result<Money, StoreError> {
    let (paid,): (i64,) = sqlx::query_as(
        "SELECT CAST(COALESCE(SUM(y.amount - COALESCE((SELECT SUM(r.amount) FROM refunds r WHERE r.payment_id = y.id), 0)), 0) AS BIGINT) \
         FROM payments y WHERE y.appointment_id = $1 AND y.method = 'bonus' AND y.voided_at IS NULL",
    )
    .bind(visit)
    .fetch_one(&mut *conn)
    .await?;
    Ok(Money::from_tiyn(paid))
}

impl Store {
    /// Every version of the bonus programme, oldest first.
    pub async fn bonus_programmes(&self) -> Result<Vec<BonusProgramme>, StoreError> {
        let mut conn = self.pool().acquire().await?;
        programmes(&mut conn).await
    }

    /// Saves a version of the programme from its effective day (a version already starting that
    /// day is replaced; earlier ones and the accruals made under them stay). Audited.
    pub async fn save_bonus_programme(
        &self,
        actor: &Actor,
        programme: &BonusProgramme,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<(), VisitError> {
        crate::retry::transient(async || {
            let mut tx = self.begin_write().await?;
            if let Some(source) = programme.welcome_source {
                let found: Option<(i64,)> =
                    sqlx::query_as("SELECT id FROM lead_sources WHERE id = $1 AND is_active = 1")
                        .bind(source.0)
                        .fetch_optional(&mut *tx)
                        .await?;
                if found.is_none() {
                    let missing = Reference::LeadSource.missing("welcome_source_id");
                    return Err(VisitRefusal::Invalid(Violations(vec![missing])).into());
                }
            }
            let day = time::encode_day(programme.effective_from);
            let old: Vec<ProgrammeRow> = sqlx::query_as(
                "SELECT effective_from, enabled, accrual_bp, earning_methods, max_share_bp, expiry_days, \
                        welcome_amount, welcome_source_id FROM bonus_programmes WHERE effective_from = $1",
            )
            .bind(&day)
            .fetch_all(&mut *tx)
            .await?;
            sqlx::query("DELETE FROM bonus_programmes WHERE effective_from = $1")
                .bind(&day)
                .execute(&mut *tx)
                .await?;
            let earning: Vec<&str> = programme.earning.iter().map(|m| m.code()).collect();
            let (id,): (i64,) = sqlx::query_as(
                "INSERT INTO bonus_programmes (effective_from, enabled, accrual_bp, earning_methods, max_share_bp, \
                   expiry_days, welcome_amount, welcome_source_id, created_at, created_by) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
            )
            .bind(&day)
            .bind(i64::from(programme.enabled))
            .bind(programme.accrual_bp)
            .bind(earning.join(","))
            .bind(programme.max_share_bp)
            .bind(programme.expiry_days)
            .bind(programme.welcome.tiyn())
            .bind(programme.welcome_source.map(|s| s.0))
            .bind(time::encode(now))
            .bind(actor.user_id.map(|u| u.0))
            .fetch_one(&mut *tx)
            .await?;
            audit::append(
                &mut tx,
                actor,
                AuditEntry {
                    action: "update",
                    entity: "bonus_programme",
                    entity_id: Some(id),
                    old: old.first().map(|o| json!({"effective_from": o.0, "enabled": o.1 != 0, "accrual_bp": o.2,
                        "earning_methods": o.3, "max_share_bp": o.4, "expiry_days": o.5, "welcome_amount": Money::from_tiyn(o.6),
                        "welcome_source_id": o.7})),
                    new: Some(json!(programme)),
                },
            )
            .await?;
            tx.commit().await?;
            Ok(())
        })
        .await
    }

    /// Writes off every patient's expired bonuses (before a clinic-wide figure is read; nothing
    /// due: one read, no write). Returns how many patients had some.
    pub async fn settle_all_expiries(&self, today: NaiveDate) -> Result<usize, VisitError> {
        let due: Vec<(i64,)> = sqlx::query_as(
            "SELECT DISTINCT l.patient_id FROM balance_entries l WHERE l.balance = 'bonus' AND l.expires_on < $1 \
             AND NOT EXISTS (SELECT 1 FROM balance_entries x WHERE x.lot_id = l.id) ORDER BY l.patient_id",
        )
        .bind(time::encode_day(today))
        .fetch_all(self.pool())
        .await?;
        for (patient,) in &due {
            self.settle_expiries(PatientId(*patient), today).await?;
        }
        Ok(due.len())
    }

    /// Writes off the patient's expired bonuses (nothing to do: one read, no write).
    pub async fn settle_expiries(
        &self,
        patient: PatientId,
        today: NaiveDate,
    ) -> Result<(), VisitError> {
        let (due,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM balance_entries l WHERE l.patient_id = $1 AND l.balance = 'bonus' \
             AND l.expires_on < $2 AND NOT EXISTS (SELECT 1 FROM balance_entries x WHERE x.lot_id = l.id)",
        )
        .bind(patient.0)
        .bind(time::encode_day(today))
        .fetch_one(self.pool())
        .await?;
        if due == 0 {
            return Ok(());
        }
        let till = Till {
            register: None,
            at: chrono::Utc::now(),
            zone: emhana_domain::ClinicZone::default(),
        };
        crate::retry::transient(async || {
            let mut tx = self.begin_write().await?;
            settle_expiries_on(&mut tx, patient, today, &till).await?;
            tx.commit().await?;
            Ok(())
        })
        .await
    }
}
