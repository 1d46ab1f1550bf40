//! The loyalty programme (бонусы): the owner's rules, the accruals a payment earns, their
//! reversal by refunds, the cap on paying a visit with bonuses, and expiry.
//!
//! Bonuses are the second kind of patient balance (`crate::balance`): the same ledger, spent with
//! the payment method `bonus`, and a discount rather than money — never revenue. The programme
//! has versions, each from its effective day; an accrual is an entry made under the version of
//! its payment's day, so a later change never rewrites it. Every bonus credit is a *lot* with a
//! last day; debits take from the lots that expire first; what a lot still holds after its last
//! day becomes an `expiry` entry (never silently lost).

use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::balance::EntryKind;
use crate::error::{FieldViolation, Violations};
use crate::ids::LeadSourceId;
use crate::money::Money;
use crate::payment::PaymentMethod;

/// One basis point is 1/100 of a percent; 10 000 is 100 %.
const FULL_BP: i64 = 10_000;

/// The programme as the owner set it, from `effective_from` on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BonusProgramme {
    /// Off: nothing accrues (spending what patients hold still works).
    pub enabled: bool,
    /// Accrual in basis points of each earning amount (500 = 5 %).
    pub accrual_bp: i64,
    /// The tenders whose amounts earn bonuses (never `bonus` itself).
    pub earning: Vec<PaymentMethod>,
    /// The largest share of a visit's total payable by bonuses, in basis points.
    pub max_share_bp: i64,
    /// Days a credit lasts (its last day is the credit's day + this); 0: forever.
    pub expiry_days: i64,
    /// A welcome bonus for a patient whose first visit came by `welcome_source`.
    pub welcome: Money,
    /// The referral source that earns the welcome bonus.
    pub welcome_source: Option<LeadSourceId>,
    /// The first day this version applies.
    pub effective_from: NaiveDate,
}

impl BonusProgramme {
    /// No programme: nothing accrues, nothing can be paid with bonuses.
    pub fn off() -> Self {
        Self {
            enabled: false,
            accrual_bp: 0,
            earning: Vec::new(),
            max_share_bp: 0,
            expiry_days: 0,
            welcome: Money::ZERO,
            welcome_source: None,
            effective_from: crate::validation::EARLIEST_DATE,
        }
    }

    /// What a payment part of `amount` by `method` earns: the percentage, rounded down to the
    /// tiyn (a programme never gives more than it promised); nothing when off, for bonuses
    /// themselves, or for a tender that does not earn.
    pub fn accrual(&self, method: PaymentMethod, amount: Money) -> Money {
        if !self.enabled || method == PaymentMethod::Bonus || !self.earning.contains(&method) {
            return Money::ZERO;
        }
        share(amount, self.accrual_bp)
    }

    /// The last day a credit made on `day` counts (none: it never expires).
    pub fn last_day(&self, day: NaiveDate) -> Option<NaiveDate> {
        u64::try_from(self.expiry_days)
            .ok()
            .filter(|d| *d > 0)
            .and_then(|d| day.checked_add_days(Days::new(d)))
    }

    /// The most a visit of `total` may still take in bonuses when `bonus_paid` of it already was.
    pub fn cap(&self, total: Money, bonus_paid: Money) -> Money {
        Money::from_tiyn(
            share(total, self.max_share_bp)
                .tiyn()
                .saturating_sub(bonus_paid.tiyn())
                .max(0),
        )
    }

    /// The bonus guard: `asked` within the visit's cap and what the patient holds.
    pub fn check_spend(
        &self,
        asked: Money,
        (total, bonus_paid): (Money, Money),
        held: Money,
    ) -> Result<(), BonusRefusal> {
        let cap = self.cap(total, bonus_paid);
        if asked > cap {
            return Err(BonusRefusal::OverCap { asked, cap });
        }
        if asked > held {
            return Err(BonusRefusal::NotEnough { asked, held });
        }
        Ok(())
    }
}

/// `amount × bp / 10 000`, rounded down to the tiyn.
fn share(amount: Money, bp: i64) -> Money {
    let exact = i128::from(amount.tiyn()) * i128::from(bp) / i128::from(FULL_BP);
    Money::from_tiyn(i64::try_from(exact).unwrap_or(i64::MAX))
}

/// What the owner typed into the programme's form.
#[derive(Debug, Clone, Copy, Default)]
pub struct ProgrammeInput<'a> {
    /// On or off.
    pub enabled: bool,
    /// Percent, up to two decimals (`"5"`, `"2.5"`).
    pub accrual_percent: &'a str,
    /// Tender codes that earn.
    pub earning: &'a [&'a str],
    /// Percent of a visit payable by bonuses.
    pub max_share_percent: &'a str,
    /// Days a credit lasts (0: forever).
    pub expiry_days: i64,
    /// Welcome bonus amount (`"0"`: none).
    pub welcome_amount: &'a str,
    /// Referral source id for the welcome bonus.
    pub welcome_source_id: Option<i64>,
    /// First day (`YYYY-MM-DD`; none: today).
    pub effective_from: Option<&'a str>,
}

/// A percentage 0..=100 with at most two decimals, as basis points, or the field's problem.
fn percent(field: &str, input: &str) -> Result<i64, FieldViolation> {
    let bad = || {
        FieldViolation::new(
            field,
            "invalid",
            "Процент от 0 до 100, до двух знаков после запятой",
        )
    };
    let m = Money::parse_user_input(input.trim().trim_end_matches('%')).map_err(|_| bad())?;
    // Money keeps two decimals: its tiyn are exactly basis points.
    (0..=FULL_BP)
        .contains(&m.tiyn())
        .then_some(m.tiyn())
        .ok_or_else(bad)
}

impl BonusProgramme {
    /// Parses the owner's form, naming each bad field; a version may not start before `today`
    /// (accruals already made keep the rule they were made under).
    pub fn parse(input: &ProgrammeInput<'_>, today: NaiveDate) -> Result<Self, Violations> {
        let mut v = Violations::default();
        let accrual_bp = v.check(percent("accrual_percent", input.accrual_percent));
        let max_share_bp = v.check(percent("max_share_percent", input.max_share_percent));
        let mut earning = Vec::new();
        for (i, code) in input.earning.iter().enumerate() {
            match PaymentMethod::from_code(code).filter(|m| *m != PaymentMethod::Bonus) {
                Some(m) if !earning.contains(&m) => earning.push(m),
                Some(_) => {}
                None => v.0.push(FieldViolation::new(
                    format!("earning_methods.{i}"),
                    "unknown",
                    "Способ оплаты: card, cash, qr, transfer или balance",
                )),
            }
        }
        if !(0..=3650).contains(&input.expiry_days) {
            v.0.push(FieldViolation::new(
                "expiry_days",
                "out_of_range",
                "Срок действия — от 0 (бессрочно) до 3650 дней",
            ));
        }
        let welcome = v.check(
            Money::parse_price(input.welcome_amount.trim()).map_err(|e| e.on("welcome_amount")),
        );
        if welcome.is_some_and(Money::is_positive) && input.welcome_source_id.is_none() {
            v.0.push(FieldViolation::new(
                "welcome_source_id",
                "required",
                "Укажите источник, за который начисляются приветственные бонусы",
            ));
        }
        let effective_from = match input
            .effective_from
            .map(str::trim)
            .filter(|d| !d.is_empty())
        {
            Some(d) => v.check(crate::validation::parse_iso_date("effective_from", d)),
            None => Some(today),
        };
        if effective_from.is_some_and(|d| d < today) {
            v.0.push(FieldViolation::new(
                "effective_from",
                "in_past",
                "Новые правила действуют с сегодняшнего дня или позже",
            ));
        }
        v.into_result()?;
        Ok(Self {
            enabled: input.enabled,
            accrual_bp: accrual_bp.unwrap_or_default(),
            earning,
            max_share_bp: max_share_bp.unwrap_or_default(),
            expiry_days: input.expiry_days,
            welcome: welcome.unwrap_or(Money::ZERO),
            welcome_source: input.welcome_source_id.map(LeadSourceId),
            effective_from: effective_from.unwrap_or(today),
        })
    }
}

/// The programme in force on `day`: the version with the latest `effective_from` not after it.
pub fn in_force(versions: &[BonusProgramme], day: NaiveDate) -> BonusProgramme {
    versions
        .iter()
        .filter(|p| p.effective_from <= day)
        .max_by_key(|p| p.effective_from)
        .cloned()
        .unwrap_or_else(BonusProgramme::off)
}

/// Why bonuses cannot pay.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum BonusRefusal {
    /// Over the programme's share of the visit (HTTP 422).
    #[error("Бонусами можно оплатить не больше {} этого визита", cap.format_ui())]
    OverCap {
        /// What was asked.
        asked: Money,
        /// What the cap still allows.
        cap: Money,
    },
    /// More than the patient holds (HTTP 422).
    #[error("Бонусов {}, а нужно {}", held.format_ui(), asked.format_ui())]
    NotEnough {
        /// What was asked.
        asked: Money,
        /// What the patient holds.
        held: Money,
    },
}

/// What a refund takes back of the bonuses its payment earned: the accrual's share of the
/// payment refunded so far, rounded down, less what earlier refunds took — so refunds of the
/// whole payment take back exactly the whole accrual.
pub fn accrual_reversal(
    accrued: Money,
    paid: Money,
    refunded_before: Money,
    refunded_now: Money,
) -> Money {
    if !paid.is_positive() {
        return Money::ZERO;
    }
    let upto = |refunded: Money| {
        let r = i128::from(refunded.tiyn().min(paid.tiyn()));
        i128::from(accrued.tiyn()) * r / i128::from(paid.tiyn())
    };
    let after = upto(Money::from_tiyn(
        refunded_before.tiyn().saturating_add(refunded_now.tiyn()),
    ));
    Money::from_tiyn(i64::try_from(after - upto(refunded_before)).unwrap_or(0))
}

/// One bonus ledger entry as expiry reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BonusEntry {
    /// Its id (the ledger's order).
    pub id: i64,
    /// Kind.
    pub kind: EntryKind,
    /// Signed amount.
    pub amount: Money,
    /// Its clinic-local day.
    pub date: NaiveDate,
    /// A credit's last day (none: forever).
    pub expires_on: Option<NaiveDate>,
    /// An expiry's lot.
    pub lot_id: Option<i64>,
}

/// A credit that expires, and what of it is still unspent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Expiring {
    /// The credit entry.
    pub lot_id: i64,
    /// What it still holds: the expiry's amount.
    pub left: Money,
    /// Its last day; the expiry is dated the day after.
    pub last_day: NaiveDate,
}

/// The expiries due on `today`: each credit whose last day has passed with something left,
/// after debits took from the credits that expire first (and were still valid on the debit's
/// day), and earlier expiries took their own lot.
pub fn due_expiries(entries: &[BonusEntry], today: NaiveDate) -> Vec<Expiring> {
    struct Lot {
        id: i64,
        last_day: Option<NaiveDate>,
        left: i64,
    }
    let mut lots: Vec<Lot> = Vec::new();
    let mut ordered = entries.to_vec();
    ordered.sort_by_key(|e| e.id);
    for e in &ordered {
        if e.amount.is_positive() {
            lots.push(Lot {
                id: e.id,
                last_day: e.expires_on,
                left: e.amount.tiyn(),
            });
            continue;
        }
        let mut owed = -e.amount.tiyn();
        if let Some(lot) = e.lot_id.and_then(|id| lots.iter_mut().find(|l| l.id == id)) {
            let take = owed.min(lot.left);
            lot.left -= take;
            owed -= take;
        }
        // The credits valid on the debit's day, soonest to expire first (forever last).
        let mut order: Vec<usize> = (0..lots.len())
            .filter(|&i| lots[i].left > 0 && lots[i].last_day.is_none_or(|d| d >= e.date))
            .collect();
        order.sort_by_key(|&i| (lots[i].last_day.is_none(), lots[i].last_day, lots[i].id));
        // Should the valid ones not cover it (data from before a rule change), any lot pays.
        let rest: Vec<usize> = (0..lots.len()).filter(|i| !order.contains(i)).collect();
        order.extend(rest);
        for i in order {
            if owed == 0 {
                break;
            }
            let take = owed.min(lots[i].left);
            lots[i].left -= take;
            owed -= take;
        }
    }
    lots.into_iter()
        .filter_map(|l| {
            let last_day = l.last_day?;
            (l.left > 0 && last_day < today).then_some(Expiring {
                lot_id: l.id,
                left: Money::from_tiyn(l.left),
                last_day,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(tenge: i64) -> Money {
        Money::from_tiyn(tenge * 100)
    }

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, d).expect("date")
    }

    fn programme() -> BonusProgramme {
        BonusProgramme {
            enabled: true,
            accrual_bp: 500,
            earning: vec![
                PaymentMethod::Card,
                PaymentMethod::Cash,
                PaymentMethod::Balance,
            ],
            max_share_bp: 3000,
            expiry_days: 10,
            welcome: Money::ZERO,
            welcome_source: None,
            effective_from: day(1),
        }
    }

    #[test]
    fn an_accrual_is_the_percentage_rounded_down_and_only_for_earning_tenders() {
        let p = programme();
        assert_eq!(p.accrual(PaymentMethod::Card, t(10_000)), t(500));
        assert_eq!(
            p.accrual(PaymentMethod::Cash, Money::from_tiyn(1_999)),
            Money::from_tiyn(99)
        );
        assert_eq!(
            p.accrual(PaymentMethod::Qr, t(10_000)),
            Money::ZERO,
            "QR does not earn here"
        );
        assert_eq!(
            p.accrual(PaymentMethod::Bonus, t(10_000)),
            Money::ZERO,
            "never on bonuses"
        );
        let off = BonusProgramme {
            enabled: false,
            ..p
        };
        assert_eq!(off.accrual(PaymentMethod::Card, t(10_000)), Money::ZERO);
    }

    #[test]
    fn the_cap_is_a_share_of_the_visit_less_what_bonuses_already_paid() {
        let p = programme();
        assert_eq!(p.cap(t(10_000), Money::ZERO), t(3_000));
        assert_eq!(p.cap(t(10_000), t(2_500)), t(500));
        assert_eq!(p.cap(t(10_000), t(3_500)), Money::ZERO, "never negative");
        assert_eq!(
            p.check_spend(t(3_000), (t(10_000), Money::ZERO), t(5_000)),
            Ok(())
        );
        assert_eq!(
            p.check_spend(
                Money::from_tiyn(300_001),
                (t(10_000), Money::ZERO),
                t(5_000)
            ),
            Err(BonusRefusal::OverCap {
                asked: Money::from_tiyn(300_001),
                cap: t(3_000)
            })
        );
        assert_eq!(
            p.check_spend(t(1_000), (t(10_000), Money::ZERO), t(999)),
            Err(BonusRefusal::NotEnough {
                asked: t(1_000),
                held: t(999)
            })
        );
    }

    #[test]
    fn refunds_take_back_the_accrual_in_proportion_and_exactly_in_full() {
        // 333 earned on 10 000: three refunds of a third each take back 111, 111, 111.
        let (accrued, paid) = (Money::from_tiyn(333), t(10_000));
        let third = Money::from_tiyn(333_333);
        let a = accrual_reversal(accrued, paid, Money::ZERO, third);
        let b = accrual_reversal(accrued, paid, third, third);
        let c = accrual_reversal(
            accrued,
            paid,
            Money::from_tiyn(666_666),
            Money::from_tiyn(333_334),
        );
        assert_eq!(a.tiyn() + b.tiyn() + c.tiyn(), 333);
        assert_eq!(accrual_reversal(accrued, paid, Money::ZERO, paid), accrued);
        assert_eq!(
            accrual_reversal(accrued, Money::ZERO, Money::ZERO, paid),
            Money::ZERO
        );
    }

    #[test]
    fn the_owners_form_is_parsed_with_every_problem_named() {
        let ok = BonusProgramme::parse(
            &ProgrammeInput {
                enabled: true,
                accrual_percent: "2,5",
                earning: &["card", "cash", "card"],
                max_share_percent: "50",
                expiry_days: 365,
                welcome_amount: "1000",
                welcome_source_id: Some(3),
                effective_from: None,
            },
            day(28),
        )
        .expect("valid");
        assert_eq!(
            (ok.accrual_bp, ok.max_share_bp, ok.earning.len()),
            (250, 5000, 2)
        );
        assert_eq!(ok.effective_from, day(28));
        let bad = BonusProgramme::parse(
            &ProgrammeInput {
                enabled: true,
                accrual_percent: "101",
                earning: &["bonus"],
                max_share_percent: "-1",
                expiry_days: -1,
                welcome_amount: "5",
                welcome_source_id: None,
                effective_from: Some("2026-11-27"),
            },
            day(28),
        )
        .expect_err("invalid");
        let fields: Vec<&str> = bad.0.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "accrual_percent",
                "max_share_percent",
                "earning_methods.0",
                "expiry_days",
                "welcome_source_id",
                "effective_from"
            ]
        );
    }

    #[test]
    fn the_version_in_force_is_the_latest_started_one() {
        let first = programme();
        let second = BonusProgramme {
            accrual_bp: 1000,
            effective_from: day(15),
            ..programme()
        };
        let versions = [second.clone(), first.clone()];
        assert_eq!(in_force(&versions, day(14)), first);
        assert_eq!(in_force(&versions, day(15)), second);
        assert!(!in_force(&[], day(15)).enabled);
        assert_eq!(programme().last_day(day(1)), Some(day(11)));
        assert_eq!(
            BonusProgramme {
                expiry_days: 0,
                ..programme()
            }
            .last_day(day(1)),
            None
        );
    }

    fn credit(id: i64, amount: i64, date: u32, last: Option<u32>) -> BonusEntry {
        BonusEntry {
            id,
            kind: EntryKind::Accrual,
            amount: t(amount),
            date: day(date),
            expires_on: last.map(day),
            lot_id: None,
        }
    }

    fn debit(id: i64, amount: i64, date: u32) -> BonusEntry {
        BonusEntry {
            id,
            kind: EntryKind::Spend,
            amount: t(-amount),
            date: day(date),
            expires_on: None,
            lot_id: None,
        }
    }

    #[test]
    fn spends_take_from_the_soonest_to_expire_and_the_rest_expires_after_its_last_day() {
        let entries = [
            credit(1, 100, 1, Some(20)),
            credit(2, 50, 2, Some(10)),
            credit(3, 70, 3, None),
            debit(4, 80, 5),
        ];
        // The 80 came from lot 2 (50, expires first) and lot 1 (30): lot 1 keeps 70.
        assert_eq!(due_expiries(&entries, day(20)), []);
        assert_eq!(
            due_expiries(&entries, day(21)),
            [Expiring {
                lot_id: 1,
                left: t(70),
                last_day: day(20)
            }]
        );
        // Once written, the expiry takes its own lot: nothing more is due.
        let mut written = entries.to_vec();
        written.push(BonusEntry {
            id: 5,
            kind: EntryKind::Expiry,
            amount: t(-70),
            date: day(21),
            expires_on: None,
            lot_id: Some(1),
        });
        assert_eq!(due_expiries(&written, day(28)), []);
    }

    #[test]
    fn a_debit_after_a_lots_last_day_does_not_take_from_it() {
        let entries = [
            credit(1, 100, 1, Some(5)),
            credit(2, 100, 2, None),
            debit(3, 60, 9),
        ];
        assert_eq!(
            due_expiries(&entries, day(9)),
            [Expiring {
                lot_id: 1,
                left: t(100),
                last_day: day(5)
            }]
        );
    }
}
