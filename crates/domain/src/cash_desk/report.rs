//! The one report function behind the X report (any moment) and the Z report (at close), the
//! opening count, and the Z snapshot stored at close.

use serde::{Deserialize, Serialize};

use super::{CashMovementKind, TenderCount};
use crate::ids::ShiftId;
use crate::money::Money;
use crate::payment::PaymentMethod;

/// One thing a shift holds, as the report reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShiftEntry {
    /// A payment taken in the shift; a voided one counts only in `voids`.
    Payment {
        /// Tender.
        method: PaymentMethod,
        /// Amount.
        amount: Money,
        /// Voided (a mistake undone inside the shift).
        voided: bool,
    },
    /// A refund given in the shift, by the tender the money went back through.
    Refund {
        /// Tender.
        method: PaymentMethod,
        /// Amount (positive).
        amount: Money,
    },
    /// A patient's deposit topped up (money in) or withdrawn (money out) by a real tender: in
    /// the drawer's figures, never revenue.
    Deposit {
        /// Tender.
        method: PaymentMethod,
        /// In (top-up) or out (withdrawal).
        kind: CashMovementKind,
        /// Amount (positive).
        amount: Money,
    },
    /// Cash in or out.
    Movement {
        /// In or out.
        kind: CashMovementKind,
        /// Amount (positive).
        amount: Money,
    },
}

/// One tender's line of a shift report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TenderTotals {
    /// Tender.
    pub method: PaymentMethod,
    /// Sum of live payments.
    pub payments: Money,
    /// How many live payments.
    pub payment_count: u32,
    /// Sum of refunds.
    pub refunds: Money,
    /// How many refunds.
    pub refund_count: u32,
    /// Payments − refunds.
    pub net: Money,
    /// Deposits received by this tender (not revenue).
    #[serde(default)]
    pub deposits_in: Money,
    /// Deposits given back by this tender.
    #[serde(default)]
    pub deposits_out: Money,
    /// What should be there: net + deposits in − out, plus float and movements for cash.
    pub expected: Money,
}

/// The cash drawer's own figures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CashTotals {
    /// The float counted at opening.
    pub float: Money,
    /// Cash payments.
    pub payments: Money,
    /// Cash refunds.
    pub refunds: Money,
    /// Cash in (внесение).
    pub cash_in: Money,
    /// Cash out (изъятие).
    pub cash_out: Money,
    /// Cash deposits received (top-ups).
    #[serde(default)]
    pub deposits_in: Money,
    /// Cash deposits given back (withdrawals).
    #[serde(default)]
    pub deposits_out: Money,
    /// float + payments − refunds + deposits in − out + cash in − out.
    pub expected: Money,
}

/// What the shift's visits took from, and gave back to, patients' deposits (revenue with no
/// money at the desk) or bonuses (a discount): beside the tenders, never counted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BalanceSpends {
    /// Live payments from the balance.
    pub payments: Money,
    /// Refunds back onto it.
    pub refunds: Money,
}

/// A shift's report at one moment: the X report, or the Z report's expected side.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShiftReport {
    /// Every tender, in the UI's order (zeros included, so a Z always has four lines).
    pub tenders: Vec<TenderTotals>,
    /// The drawer.
    pub cash: CashTotals,
    /// Visits paid from deposits (and refunds back onto them): beside the tenders.
    #[serde(default)]
    pub from_deposits: BalanceSpends,
    /// Visits paid with bonuses (and refunds back onto them): a discount, beside the tenders.
    #[serde(default)]
    pub from_bonuses: BalanceSpends,
    /// Live payments, all tenders.
    pub payment_count: u32,
    /// Refunds, all tenders.
    pub refund_count: u32,
    /// Voided payments.
    pub void_count: u32,
}

pub(super) fn plus(a: Money, b: Money) -> Money {
    Money::from_tiyn(a.tiyn().saturating_add(b.tiyn()))
}

pub(super) fn minus(a: Money, b: Money) -> Money {
    Money::from_tiyn(a.tiyn().saturating_sub(b.tiyn()))
}

/// The one report function: X at any instant and Z at close are this over the shift's entries,
/// so X(t) equals the Z the shift would have had closing at t.
pub fn shift_report(float: Money, entries: &[ShiftEntry]) -> ShiftReport {
    let mut tenders: Vec<TenderTotals> = PaymentMethod::TENDERS
        .iter()
        .map(|&method| TenderTotals {
            method,
            payments: Money::ZERO,
            payment_count: 0,
            refunds: Money::ZERO,
            refund_count: 0,
            net: Money::ZERO,
            deposits_in: Money::ZERO,
            deposits_out: Money::ZERO,
            expected: Money::ZERO,
        })
        .collect();
    let (mut cash_in, mut cash_out, mut void_count) = (Money::ZERO, Money::ZERO, 0);
    let (mut from_deposits, mut from_bonuses) =
        (BalanceSpends::default(), BalanceSpends::default());
    for entry in entries {
        match *entry {
            ShiftEntry::Payment { voided: true, .. } => void_count += 1,
            ShiftEntry::Payment { method, amount, .. } if !method.is_drawer_tender() => {
                let b = if method == PaymentMethod::Bonus {
                    &mut from_bonuses
                } else {
                    &mut from_deposits
                };
                b.payments = plus(b.payments, amount);
            }
            ShiftEntry::Refund { method, amount } if !method.is_drawer_tender() => {
                let b = if method == PaymentMethod::Bonus {
                    &mut from_bonuses
                } else {
                    &mut from_deposits
                };
                b.refunds = plus(b.refunds, amount);
            }
            ShiftEntry::Deposit {
                method,
                kind,
                amount,
            } => {
                let t = tender(&mut tenders, method);
                match kind {
                    CashMovementKind::In => t.deposits_in = plus(t.deposits_in, amount),
                    CashMovementKind::Out => t.deposits_out = plus(t.deposits_out, amount),
                }
            }
            ShiftEntry::Payment { method, amount, .. } => {
                let t = tender(&mut tenders, method);
                t.payments = plus(t.payments, amount);
                t.payment_count += 1;
            }
            ShiftEntry::Refund { method, amount } => {
                let t = tender(&mut tenders, method);
                t.refunds = plus(t.refunds, amount);
                t.refund_count += 1;
            }
            ShiftEntry::Movement { kind, amount } => match kind {
                CashMovementKind::In => cash_in = plus(cash_in, amount),
                CashMovementKind::Out => cash_out = plus(cash_out, amount),
            },
        }
    }
    for t in &mut tenders {
        t.net = minus(t.payments, t.refunds);
        t.expected = minus(plus(t.net, t.deposits_in), t.deposits_out);
    }
    let cash_tender = *tender(&mut tenders, PaymentMethod::Cash);
    let expected = minus(plus(plus(float, cash_tender.expected), cash_in), cash_out);
    tender(&mut tenders, PaymentMethod::Cash).expected = expected;
    ShiftReport {
        payment_count: tenders.iter().map(|t| t.payment_count).sum(),
        refund_count: tenders.iter().map(|t| t.refund_count).sum(),
        tenders,
        cash: CashTotals {
            float,
            payments: cash_tender.payments,
            refunds: cash_tender.refunds,
            cash_in,
            cash_out,
            deposits_in: cash_tender.deposits_in,
            deposits_out: cash_tender.deposits_out,
            expected,
        },
        from_deposits,
        from_bonuses,
        void_count,
    }
}

fn tender(tenders: &mut [TenderTotals], method: PaymentMethod) -> &mut TenderTotals {
    let i = PaymentMethod::TENDERS
        .iter()
        .position(|&m| m == method)
        .unwrap_or_default();
    &mut tenders[i]
}

/// What was counted at opening against what the previous close left.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Opening {
    /// Cash counted at the register's previous close (zero for its first shift).
    pub suggested: Money,
    /// Cash counted at opening: the float.
    pub counted: Money,
    /// counted − suggested: its own figure, never part of expected cash.
    pub difference: Money,
}

impl Opening {
    /// The opening of a shift whose float was counted as `counted`.
    pub fn new(suggested: Money, counted: Money) -> Self {
        Self {
            suggested,
            counted,
            difference: minus(counted, suggested),
        }
    }
}

/// The Z report: the shift's report at close with what was counted, stored once and never
/// changed (its bytes are what every later read returns).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ZReport {
    /// The shift.
    pub shift_id: ShiftId,
    /// Its register.
    pub register_id: crate::ids::RegisterId,
    /// The register's name at close.
    pub register_name: String,
    /// The register's Z sequence number: 1, 2, …
    pub z_number: i64,
    /// RFC 3339 instants.
    pub opened_at: String,
    /// RFC 3339 instant of the close.
    pub closed_at: String,
    /// Who opened it.
    pub opened_by: Option<String>,
    /// Who closed it.
    pub closed_by: Option<String>,
    /// The opening count.
    pub opening: Opening,
    /// The expected side (the same function as the X report).
    #[serde(flatten)]
    pub report: ShiftReport,
    /// Expected against counted, per tender.
    pub counts: Vec<TenderCount>,
    /// The closer's note.
    pub note: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use PaymentMethod::{Card, Cash, Qr};

    fn tg(t: i64) -> Money {
        Money::from_tiyn(t * 100)
    }

    fn pay(method: PaymentMethod, t: i64) -> ShiftEntry {
        ShiftEntry::Payment {
            method,
            amount: tg(t),
            voided: false,
        }
    }

    #[test]
    fn the_odoo_case_an_opening_difference_never_enters_expected_cash() {
        // Closed with 100, opened counting 50, took 10 in cash: expected is 60, not 110.
        let report = shift_report(tg(50), &[pay(Cash, 10)]);
        assert_eq!(report.cash.expected, tg(60));
        assert_eq!(tender_of(&report, Cash).expected, tg(60));
    }

    fn tender_of(r: &ShiftReport, m: PaymentMethod) -> TenderTotals {
        *r.tenders.iter().find(|t| t.method == m).unwrap()
    }

    #[test]
    fn expected_cash_is_float_plus_payments_minus_refunds_plus_in_minus_out() {
        let entries = [
            pay(Cash, 5_000),
            pay(Card, 7_000),
            ShiftEntry::Payment {
                method: Cash,
                amount: tg(999),
                voided: true,
            },
            ShiftEntry::Refund {
                method: Cash,
                amount: tg(1_500),
            },
            ShiftEntry::Refund {
                method: Card,
                amount: tg(2_000),
            },
            ShiftEntry::Movement {
                kind: CashMovementKind::In,
                amount: tg(300),
            },
            ShiftEntry::Movement {
                kind: CashMovementKind::Out,
                amount: tg(800),
            },
        ];
        let r = shift_report(tg(1_000), &entries);
        assert_eq!(r.cash.expected, tg(1_000 + 5_000 - 1_500 + 300 - 800));
        let card = tender_of(&r, Card);
        assert_eq!(
            (card.payments, card.refunds, card.net),
            (tg(7_000), tg(2_000), tg(5_000))
        );
        assert_eq!(card.expected, card.net);
        assert_eq!((r.payment_count, r.refund_count, r.void_count), (2, 2, 1));
        assert_eq!(r.tenders.len(), 4, "every tender, zeros included");
        assert_eq!(tender_of(&r, Qr).expected, Money::ZERO);
    }

    #[test]
    fn deposits_are_drawer_money_and_deposit_spends_stand_beside_the_tenders() {
        let entries = [
            ShiftEntry::Deposit {
                method: Cash,
                kind: CashMovementKind::In,
                amount: tg(50_000),
            },
            pay(PaymentMethod::Balance, 30_000),
            ShiftEntry::Refund {
                method: PaymentMethod::Balance,
                amount: tg(30_000),
            },
            ShiftEntry::Deposit {
                method: Cash,
                kind: CashMovementKind::Out,
                amount: tg(50_000),
            },
            ShiftEntry::Deposit {
                method: Card,
                kind: CashMovementKind::In,
                amount: tg(7),
            },
        ];
        let r = shift_report(tg(100), &entries);
        assert_eq!(r.cash.expected, tg(100));
        assert_eq!(
            (r.cash.deposits_in, r.cash.deposits_out),
            (tg(50_000), tg(50_000))
        );
        let card = tender_of(&r, Card);
        assert_eq!((card.net, card.expected), (Money::ZERO, tg(7)));
        assert_eq!(
            r.from_deposits,
            BalanceSpends {
                payments: tg(30_000),
                refunds: tg(30_000)
            }
        );
        assert_eq!(r.tenders.len(), 4);
        assert_eq!((r.payment_count, r.refund_count), (0, 0));
        let bonus = shift_report(tg(0), &[pay(PaymentMethod::Bonus, 500)]);
        assert_eq!(bonus.from_bonuses.payments, tg(500));
        assert!(
            bonus.tenders.iter().all(|t| t.payments.is_zero()),
            "never a tender"
        );
    }

    #[test]
    fn a_report_grows_entry_by_entry_as_the_drawer_does() {
        let entries = [pay(Cash, 10), pay(Qr, 20), pay(Cash, 30)];
        let expected = [5, 15, 15, 45];
        for (n, want) in expected.iter().enumerate() {
            assert_eq!(
                shift_report(tg(5), &entries[..n]).cash.expected,
                tg(*want),
                "after {n}"
            );
        }
    }
}
