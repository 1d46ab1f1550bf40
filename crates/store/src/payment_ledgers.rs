//! What a payment, refund or void does to the patient's balances, inside its transaction: a
//! part paid from the deposit or with bonuses is taken from that balance (refused, nothing
//! written, when it does not cover it — or, for bonuses, over the programme's cap), every part
//! earns the programme's bonuses, and refunds and voids put back what they reverse.

use emhana_domain::balance::{BalanceKind, BalanceRefusal, EntryKind};
use emhana_domain::bonus::BonusProgramme;
use emhana_domain::ids::{AppointmentId, LeadSourceId, PatientId};
use emhana_domain::{
    FieldViolation, Money, PaymentMethod, PaymentRequest, Violations, VisitRefusal,
};
use sqlx::AnyConnection;

use crate::audit::Actor;
use crate::bonuses::{self, programme_on};
use crate::ledger::{self, post_entry, EntryLinks};
use crate::refunds::Till;
use crate::visits::VisitError;

/// The patient's balances as one payment needs them: nothing is read when the payment neither
/// spends a balance nor earns bonuses (no programme in force).
pub(crate) struct PatientLedgers {
    patient: Option<PatientId>,
    programme: BonusProgramme,
}

impl PatientLedgers {
    /// Reads the programme in force today and, when needed, the visit's patient; checks a bonus
    /// part against the cap and what the patient holds (after writing off expired bonuses).
    pub(crate) async fn prepare(
        conn: &mut AnyConnection,
        visit: AppointmentId,
        request: &PaymentRequest,
        total: Money,
        till: &Till,
    ) -> Result<Self, VisitError> {
        let today = till.zone.local_date(till.at);
        let programme = programme_on(conn, today).await?;
        let from_bonus = request.paid_by(PaymentMethod::Bonus);
        let needed = programme.enabled
            || from_bonus.is_positive()
            || request.paid_by(PaymentMethod::Balance).is_positive();
        let patient = if needed {
            Some(ledger::patient_of_visit(conn, visit.0).await?)
        } else {
            None
        };
        if let (Some(patient), true) = (patient, from_bonus.is_positive()) {
            bonuses::settle_expiries_on(conn, patient, today, till).await?;
            let already = bonuses::bonus_paid_on(conn, visit.0).await?;
            let held = ledger::balance_on(conn, patient, BalanceKind::Bonus).await?;
            programme
                .check_spend(from_bonus, (total, already), held)
                .map_err(VisitRefusal::from)?;
        }
        Ok(Self { patient, programme })
    }

    /// After payment `payment_id` (part `part_no`) is written: its balance taken, its bonuses
    /// earned.
    pub(crate) async fn after_payment(
        &self,
        conn: &mut AnyConnection,
        actor: &Actor,
        (payment_id, method, amount, part_no): (i64, PaymentMethod, Money, usize),
        till: &Till,
    ) -> Result<(), VisitError> {
        let Some(patient) = self.patient else {
            return Ok(());
        };
        let links = EntryLinks {
            payment_id: Some(payment_id),
            ..EntryLinks::default()
        };
        let balance = match method {
            PaymentMethod::Balance => Some(BalanceKind::Deposit),
            PaymentMethod::Bonus => Some(BalanceKind::Bonus),
            _ => None,
        };
        if let Some(balance) = balance {
            let spent = post_entry(
                conn,
                actor,
                (patient, balance),
                (EntryKind::Spend, amount),
                links,
                (till, None),
            )
            .await;
            match spent {
                Err(VisitError::Refused(VisitRefusal::Deposit(
                    refusal @ BalanceRefusal::Insufficient { .. },
                ))) => {
                    return Err(VisitRefusal::Invalid(Violations(vec![FieldViolation::new(
                        format!("payments.{part_no}.amount"),
                        "insufficient_balance",
                        refusal.to_string(),
                    )]))
                    .into())
                }
                other => other.map(drop)?,
            }
        }
        bonuses::accrue(
            conn,
            actor,
            (patient, payment_id),
            (&self.programme, method, amount),
            till,
        )
        .await
    }
}

/// After a refund of `amount` from payment `payment_id` (paid `paid` by `method`, with
/// `refunded_before` given back earlier) went back through `to`: a balance refund credits that
/// balance; the payment's bonuses are taken back in proportion.
pub(crate) async fn after_refund(
    conn: &mut AnyConnection,
    actor: &Actor,
    (visit, refund_id, payment_id): (i64, i64, i64),
    (paid, refunded_before, amount, to): (Money, Money, Money, PaymentMethod),
    (till, reason): (&Till, &str),
) -> Result<(), VisitError> {
    let patient = ledger::patient_of_visit(conn, visit).await?;
    give_back(
        conn,
        actor,
        patient,
        (to, amount),
        (
            EntryLinks {
                refund_id: Some(refund_id),
                ..EntryLinks::default()
            },
            till,
            reason,
        ),
    )
    .await?;
    bonuses::take_back_accrual(
        conn,
        actor,
        (patient, payment_id, paid),
        Some((refund_id, refunded_before, amount)),
        till,
    )
    .await
}

/// After payment `payment_id` (by `method` code) was voided: a balance payment goes back onto
/// its balance; all of its bonuses are taken back.
pub(crate) async fn after_void(
    conn: &mut AnyConnection,
    actor: &Actor,
    (visit, payment_id, method, amount): (i64, i64, &str, Money),
    (till, reason): (&Till, &str),
) -> Result<(), VisitError> {
    let Some(method) = PaymentMethod::from_code(method) else {
        return Ok(());
    };
    let patient = ledger::patient_of_visit(conn, visit).await?;
    let links = EntryLinks {
        payment_id: Some(payment_id),
        ..EntryLinks::default()
    };
    give_back(
        conn,
        actor,
        patient,
        (method, amount),
        (links, till, reason),
    )
    .await?;
    bonuses::take_back_accrual(conn, actor, (patient, payment_id, amount), None, till).await
}

/// Money given back through a balance lands on it: the deposit as is, bonuses as a new credit.
async fn give_back(
    conn: &mut AnyConnection,
    actor: &Actor,
    patient: PatientId,
    (to, amount): (PaymentMethod, Money),
    (links, till, reason): (EntryLinks, &Till, &str),
) -> Result<(), VisitError> {
    match to {
        PaymentMethod::Balance => {
            post_entry(
                conn,
                actor,
                (patient, BalanceKind::Deposit),
                (EntryKind::SpendReversal, amount),
                links,
                (till, Some(reason)),
            )
            .await?;
        }
        PaymentMethod::Bonus => {
            bonuses::give_back(conn, actor, patient, amount, (links, till, Some(reason))).await?;
        }
        _ => {}
    }
    Ok(())
}

/// A patient's first visit booked by the programme's referral source earns its welcome bonus,
/// once.
pub(crate) async fn welcome(
    conn: &mut AnyConnection,
    actor: &Actor,
    (patient, visit, source): (PatientId, AppointmentId, LeadSourceId),
    till: &Till,
) -> Result<(), VisitError> {
    let today = till.zone.local_date(till.at);
    let programme = programme_on(conn, today).await?;
    if !programme.enabled
        || !programme.welcome.is_positive()
        || programme.welcome_source != Some(source)
    {
        return Ok(());
    }
    let (earlier,): (i64,) = sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM appointments WHERE patient_id = $1 AND id <> $2) \
              + (SELECT COUNT(*) FROM balance_entries WHERE patient_id = $1 AND kind = 'welcome')",
    )
    .bind(patient.0)
    .bind(visit.0)
    .fetch_one(&mut *conn)
    .await?;
    if earlier > 0 {
        return Ok(());
    }
    let links = EntryLinks {
        expires_on: programme.last_day(today),
        ..EntryLinks::default()
    };
    post_entry(
        conn,
        actor,
        (patient, BalanceKind::Bonus),
        (EntryKind::Welcome, programme.welcome),
        links,
        (till, None),
    )
    .await?;
    Ok(())
}
