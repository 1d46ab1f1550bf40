//! Property tests of patient balances (issue 17).
//!
//! Deposits, over random sequences of top-ups (any tender), spends on visits, reversals of
//! spends (refunds and voids) and withdrawals (some amount or everything, with or without a
//! named tender): the balance never goes below zero and equals the ledger's sum; a statement cut
//! anywhere closes at opening + its entries; a withdrawal gives back exactly what was asked,
//! never more through a top-up than it still holds; the shift's expected cash matches the cash
//! legs by hand; revenue is the spends less their reversals, once (a top-up is never revenue).
//!
//! Bonuses, over random payments (accruals), spends within a cap, refunds (accrual reversals)
//! and days passing (expiries): never below zero, expiries written once as entries, a full
//! refund takes back exactly the accrual, the statement closes at the balance.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::NaiveDate;
use emhana_domain::balance::{
    check_spend, statement, EntryKind, Returnable, StatementLine, Withdrawal,
};
use emhana_domain::cash_desk::{shift_report, CashMovementKind, ShiftEntry};
use emhana_domain::{Money, PaymentMethod};
use proptest::prelude::*;

#[derive(Debug, Clone)]
enum Step {
    /// Top up by the n-th tender.
    TopUp(usize, i64),
    /// Pay this much of a visit from the deposit.
    Spend(i64),
    /// Reverse this share (‰) of what the n-th spend still holds.
    Reverse(usize, u16),
    /// Withdraw this share (‰) of the balance (1000 = everything) by an optional tender.
    Withdraw(u16, Option<usize>),
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        (0usize..4, 1i64..10_000_000).prop_map(|(m, a)| Step::TopUp(m, a)),
        (1i64..10_000_000).prop_map(Step::Spend),
        (0usize..6, 1u16..=1000).prop_map(|(n, s)| Step::Reverse(n, s)),
        (1u16..=1000, prop::option::of(0usize..4)).prop_map(|(s, m)| Step::Withdraw(s, m)),
    ]
}

#[derive(Default)]
struct Deposit {
    /// Signed ledger amounts with their kind.
    ledger: Vec<(EntryKind, i64)>,
    /// Top-ups as a withdrawal sees them.
    topups: Vec<Returnable>,
    /// Spends with what each still holds (not yet reversed).
    spends: Vec<i64>,
    /// The shift's entries.
    shift: Vec<ShiftEntry>,
    /// Cash by hand: every cash leg.
    drawer: i64,
    /// Revenue by hand: spends less reversals.
    revenue: i64,
}

impl Deposit {
    fn balance(&self) -> i64 {
        self.ledger.iter().map(|e| e.1).sum()
    }

    fn post(&mut self, kind: EntryKind, amount: i64) {
        self.ledger
            .push((kind, kind.signed(Money::from_tiyn(amount)).tiyn()));
    }

    fn apply(&mut self, step: &Step) {
        let balance = Money::from_tiyn(self.balance());
        match *step {
            Step::TopUp(m, amount) => {
                let method = PaymentMethod::TENDERS[m];
                self.post(EntryKind::Topup, amount);
                self.topups.push(Returnable {
                    entry_id: self.ledger.len() as i64,
                    method,
                    left: Money::from_tiyn(amount),
                });
                self.shift.push(ShiftEntry::Deposit {
                    method,
                    kind: CashMovementKind::In,
                    amount: Money::from_tiyn(amount),
                });
                if method == PaymentMethod::Cash {
                    self.drawer += amount;
                }
            }
            Step::Spend(amount) => match check_spend(balance, Money::from_tiyn(amount)) {
                Ok(after) => {
                    assert_eq!(after.tiyn(), balance.tiyn() - amount);
                    self.post(EntryKind::Spend, amount);
                    self.spends.push(amount);
                    self.revenue += amount;
                    self.shift.push(ShiftEntry::Payment {
                        method: PaymentMethod::Balance,
                        amount: Money::from_tiyn(amount),
                        voided: false,
                    });
                }
                Err(_) => assert!(amount > balance.tiyn(), "refused only above the balance"),
            },
            Step::Reverse(n, share) => {
                let Some(held) = self.spends.get(n).copied() else {
                    return;
                };
                let amount = held * i64::from(share) / 1000;
                if amount == 0 {
                    return;
                }
                self.spends[n] -= amount;
                self.post(EntryKind::SpendReversal, amount);
                self.revenue -= amount;
                self.shift.push(ShiftEntry::Refund {
                    method: PaymentMethod::Balance,
                    amount: Money::from_tiyn(amount),
                });
            }
            Step::Withdraw(share, method) => {
                let asked = balance.tiyn() * i64::from(share) / 1000;
                let request = Withdrawal {
                    amount: (share < 1000 && asked > 0).then(|| Money::from_tiyn(asked)),
                    method: method.map(|m| PaymentMethod::TENDERS[m]),
                    reason: "возврат".into(),
                };
                let Ok(plan) = request.plan(balance, &self.topups) else {
                    return;
                };
                let want = request.amount.unwrap_or(balance).tiyn();
                assert_eq!(plan.iter().map(|p| p.amount.tiyn()).sum::<i64>(), want);
                for leg in plan {
                    assert!(leg.amount.is_positive());
                    if let Some(id) = leg.topup_entry_id {
                        let t = self.topups.iter_mut().find(|t| t.entry_id == id).unwrap();
                        assert!(leg.amount <= t.left, "never more than a top-up holds");
                        assert_eq!(leg.method, t.method, "back through its own tender");
                        t.left = Money::from_tiyn(t.left.tiyn() - leg.amount.tiyn());
                    }
                    self.post(EntryKind::Withdrawal, leg.amount.tiyn());
                    self.shift.push(ShiftEntry::Deposit {
                        method: leg.method,
                        kind: CashMovementKind::Out,
                        amount: leg.amount,
                    });
                    if leg.method == PaymentMethod::Cash {
                        self.drawer -= leg.amount.tiyn();
                    }
                }
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]
    #[test]
    fn deposits_never_go_negative_and_every_figure_reconciles(
        steps in prop::collection::vec(step(), 1..40),
        float in 0i64..5_000_000,
        cut in 0usize..40,
    ) {
        let mut d = Deposit::default();
        for s in &steps {
            d.apply(s);
            prop_assert!(d.balance() >= 0, "never below zero");
        }
        // A statement cut at any entry closes at opening + its entries = the balance.
        let day = NaiveDate::from_ymd_opt(2026, 11, 28).unwrap();
        let cut = cut.min(d.ledger.len());
        let opening: i64 = d.ledger[..cut].iter().map(|e| e.1).sum();
        let lines: Vec<StatementLine> = d.ledger[cut..]
            .iter()
            .map(|&(kind, amount)| StatementLine { kind, amount: Money::from_tiyn(amount), date: day })
            .collect();
        let st = statement(Money::from_tiyn(opening), &lines);
        prop_assert_eq!(st.closing.tiyn(), d.balance());
        prop_assert_eq!(st.opening.tiyn() + st.credits.tiyn() - st.debits.tiyn(), st.closing.tiyn());
        // The shift: expected cash is the float and the cash legs; deposit money is never a
        // tender's revenue; the deposit spends stand beside the tenders, counted once.
        let report = shift_report(Money::from_tiyn(float), &d.shift);
        prop_assert_eq!(report.cash.expected.tiyn(), float + d.drawer);
        prop_assert!(report.tenders.iter().all(|t| t.net.is_zero()));
        let spent = report.from_deposits.payments.tiyn() - report.from_deposits.refunds.tiyn();
        prop_assert_eq!(spent, d.revenue);
        let by_ledger: i64 = d.ledger.iter()
            .filter(|e| matches!(e.0, EntryKind::Spend | EntryKind::SpendReversal))
            .map(|e| -e.1)
            .sum();
        prop_assert_eq!(by_ledger, d.revenue);
    }
}

/// One step of a patient's bonuses.
#[derive(Debug, Clone)]
enum BonusStep {
    /// A payment of this amount by the n-th tender earns the programme's accrual.
    Pay(usize, i64),
    /// Spend this share (‰) of what is held (within a visit cap of `cap` tiyn).
    Spend(u16, i64),
    /// Refund this share (‰) of the n-th earning payment: its accrual taken back in proportion,
    /// at most what is held.
    Refund(usize, u16),
    /// Days pass; expired credits are written off.
    Wait(u32),
}

fn bonus_step() -> impl Strategy<Value = BonusStep> {
    prop_oneof![
        (0usize..5, 1i64..5_000_000).prop_map(|(m, a)| BonusStep::Pay(m, a)),
        (1u16..=1000, 0i64..5_000_000).prop_map(|(s, c)| BonusStep::Spend(s, c)),
        (0usize..6, 1u16..=1000).prop_map(|(n, s)| BonusStep::Refund(n, s)),
        (1u32..40).prop_map(BonusStep::Wait),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]
    #[test]
    fn bonuses_never_go_negative_expire_as_entries_and_reverse_exactly(
        steps in prop::collection::vec(bonus_step(), 1..40),
        accrual_bp in 0i64..=2_000,
        expiry_days in 0i64..30,
    ) {
        use emhana_domain::bonus::{accrual_reversal, due_expiries, BonusEntry, BonusProgramme};
        let programme = BonusProgramme {
            enabled: true,
            accrual_bp,
            earning: vec![PaymentMethod::Card, PaymentMethod::Cash, PaymentMethod::Balance],
            max_share_bp: 10_000,
            expiry_days,
            ..BonusProgramme::off()
        };
        let mut day = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        let mut ledger: Vec<BonusEntry> = Vec::new();
        // (paid, refunded, accrued, taken back) per earning payment.
        let mut payments: Vec<(i64, i64, i64, i64)> = Vec::new();
        let held = |l: &[BonusEntry]| l.iter().map(|e| e.amount.tiyn()).sum::<i64>();
        let push = |l: &mut Vec<BonusEntry>, kind: EntryKind, amount: i64, date: NaiveDate, expires_on, lot_id| {
            let id = l.len() as i64 + 1;
            l.push(BonusEntry { id, kind, amount: kind.signed(Money::from_tiyn(amount)), date, expires_on, lot_id });
        };
        for s in &steps {
            // Expiries are written before anything else happens on a day.
            for due in due_expiries(&ledger, day) {
                prop_assert!(due.left.is_positive() && due.last_day < day);
                push(&mut ledger, EntryKind::Expiry, due.left.tiyn(), due.last_day.succ_opt().unwrap(), None, Some(due.lot_id));
            }
            prop_assert!(due_expiries(&ledger, day).is_empty(), "written off once");
            match *s {
                BonusStep::Pay(m, amount) => {
                    let method = PaymentMethod::ALL[m];
                    let earned = programme.accrual(method, Money::from_tiyn(amount)).tiyn();
                    prop_assert!(earned * 10_000 <= amount * accrual_bp, "never more than promised");
                    if earned > 0 {
                        push(&mut ledger, EntryKind::Accrual, earned, day, programme.last_day(day), None);
                    }
                    payments.push((amount, 0, earned, 0));
                }
                BonusStep::Spend(share, cap) => {
                    let have = held(&ledger);
                    let asked = have * i64::from(share) / 1000;
                    let limits = BonusProgramme { max_share_bp: 10_000, ..programme.clone() };
                    let ok = limits.check_spend(Money::from_tiyn(asked), (Money::from_tiyn(cap), Money::ZERO), Money::from_tiyn(have));
                    prop_assert_eq!(ok.is_ok(), asked <= cap && asked <= have);
                    if ok.is_ok() && asked > 0 {
                        push(&mut ledger, EntryKind::Spend, asked, day, None, None);
                    }
                }
                BonusStep::Refund(n, share) => {
                    let Some(p) = payments.get_mut(n) else { continue };
                    let now = (p.0 - p.1) * i64::from(share) / 1000;
                    if now == 0 { continue; }
                    let due = accrual_reversal(Money::from_tiyn(p.2), Money::from_tiyn(p.0), Money::from_tiyn(p.1), Money::from_tiyn(now)).tiyn();
                    p.1 += now;
                    let taken = due.min(held(&ledger));
                    p.3 += due;
                    if p.1 == p.0 {
                        prop_assert_eq!(p.3, p.2, "a full refund takes back exactly the accrual");
                    }
                    if taken > 0 {
                        push(&mut ledger, EntryKind::AccrualReversal, taken, day, None, None);
                    }
                }
                BonusStep::Wait(days) => day = day.checked_add_days(chrono::Days::new(u64::from(days))).unwrap(),
            }
            prop_assert!(held(&ledger) >= 0, "never below zero");
        }
        let lines: Vec<StatementLine> = ledger.iter().map(|e| StatementLine { kind: e.kind, amount: e.amount, date: e.date }).collect();
        let st = statement(Money::ZERO, &lines);
        prop_assert_eq!(st.closing.tiyn(), held(&ledger));
        if expiry_days == 0 {
            prop_assert!(ledger.iter().all(|e| e.kind != EntryKind::Expiry), "forever credits never expire");
        }
    }
}
