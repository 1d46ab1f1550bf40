//! A patient's balances: one mechanism, two kinds. The **deposit** (аванс, депозит) is money
//! received ahead of treatment, held for the patient and spent on visits like any tender;
//! **bonuses** (бонусы) are a loyalty programme's points (`crate::bonus`), spent as a discount.
//!
//! Each is an append-only ledger of signed entries; its balance is their sum and never goes
//! below zero. A deposit top-up is money received by a real tender and posted into the open
//! shift (it is in the drawer's expected cash) but it is **not revenue**: revenue arrives when the
//! deposit is spent on a visit (a payment with the tender `balance`, allocated like any payment,
//! revenue on the spend day). A refund or void of a deposit-paid payment puts the money back on
//! the deposit; a withdrawal returns unused money through the original top-up tenders, oldest
//! top-up first. So a top-up then a spend counts once, on the spend.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::error::{FieldViolation, Violations};
use crate::money::Money;
use crate::payment::PaymentMethod;

/// Which of a patient's two balances an entry belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BalanceKind {
    /// Money held for the patient.
    Deposit,
    /// Loyalty points.
    Bonus,
}

impl BalanceKind {
    /// Stable code (database and JSON).
    pub const fn code(self) -> &'static str {
        match self {
            Self::Deposit => "deposit",
            Self::Bonus => "bonus",
        }
    }

    /// Parses a stable code.
    pub fn from_code(code: &str) -> Option<Self> {
        [Self::Deposit, Self::Bonus]
            .into_iter()
            .find(|k| k.code() == code)
    }

    /// The payment method that spends this balance.
    pub fn method(self) -> PaymentMethod {
        match self {
            Self::Deposit => PaymentMethod::Balance,
            Self::Bonus => PaymentMethod::Bonus,
        }
    }
}

/// One kind of ledger entry; the sign of its amount is fixed by the kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryKind {
    /// Money received by a real tender (+).
    Topup,
    /// A visit paid from the deposit (−).
    Spend,
    /// A deposit-paid payment refunded or voided: the money is back on the deposit (+).
    SpendReversal,
    /// Unused money returned to the patient through a real tender (−).
    Withdrawal,
    /// Bonuses earned by a payment (+).
    Accrual,
    /// Bonuses taken back in proportion to a refund or void of the payment that earned them (−).
    AccrualReversal,
    /// Bonuses that reached their last day unspent (−): an entry, never silently lost.
    Expiry,
    /// A welcome bonus for a patient who came by the programme's referral source (+).
    Welcome,
}

impl EntryKind {
    /// Every kind.
    pub const ALL: [EntryKind; 8] = [
        Self::Topup,
        Self::Spend,
        Self::SpendReversal,
        Self::Withdrawal,
        Self::Accrual,
        Self::AccrualReversal,
        Self::Expiry,
        Self::Welcome,
    ];

    /// Stable code (database and JSON).
    pub const fn code(self) -> &'static str {
        match self {
            Self::Topup => "topup",
            Self::Spend => "spend",
            Self::SpendReversal => "spend_reversal",
            Self::Withdrawal => "withdrawal",
            Self::Accrual => "accrual",
            Self::AccrualReversal => "accrual_reversal",
            Self::Expiry => "expiry",
            Self::Welcome => "welcome",
        }
    }

    /// Parses a stable code.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }

    /// Russian label (statement rows).
    pub const fn label_ru(self) -> &'static str {
        match self {
            Self::Topup => "Пополнение",
            Self::Spend => "Оплата визита",
            Self::SpendReversal => "Возврат оплаты",
            Self::Withdrawal => "Выдача с депозита",
            Self::Accrual => "Начисление бонусов",
            Self::AccrualReversal => "Отмена начисления",
            Self::Expiry => "Сгорание бонусов",
            Self::Welcome => "Приветственные бонусы",
        }
    }

    /// True when the entry adds to the balance.
    pub fn credits(self) -> bool {
        matches!(
            self,
            Self::Topup | Self::SpendReversal | Self::Accrual | Self::Welcome
        )
    }

    /// The signed ledger amount of an entry of this kind for a positive `amount`.
    pub fn signed(self, amount: Money) -> Money {
        if self.credits() {
            amount
        } else {
            Money::from_tiyn(-amount.tiyn())
        }
    }
}

/// Why a deposit operation is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum BalanceRefusal {
    /// More than the deposit holds (HTTP 422 with `remaining` = what it holds; nothing written).
    #[error("На депозите {}, а нужно {}", available.format_ui(), asked.format_ui())]
    Insufficient {
        /// What was asked.
        asked: Money,
        /// What the deposit holds.
        available: Money,
    },
    /// Part of a withdrawal is not covered by top-ups (the money came from refunds to the
    /// deposit), so the caller must say through which tender to give it (HTTP 422, `method`).
    #[error("Укажите способ выдачи для {}: эта часть депозита пришла не пополнением", .0.format_ui())]
    MethodNeeded(Money),
    /// The deposit is empty: nothing to withdraw (HTTP 409).
    #[error("Депозит пуст: выдавать нечего")]
    Empty,
}

/// The tenders money can physically come in or go out by (the deposit itself is not one).
fn real_tender(field: &str, code: &str) -> Result<PaymentMethod, FieldViolation> {
    PaymentMethod::from_code(code)
        .filter(|m| m.is_drawer_tender())
        .ok_or_else(|| FieldViolation::new(field, "unknown", "Способ: card, cash, qr или transfer"))
}

/// A top-up request, parsed once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopUp {
    /// The tender the money came by (never `balance`).
    pub method: PaymentMethod,
    /// Positive amount.
    pub amount: Money,
    /// Optional note.
    pub note: Option<String>,
}

impl TopUp {
    /// Parses `method`, `amount` and `note`, naming each bad field.
    pub fn parse(method: &str, amount: &str, note: Option<&str>) -> Result<Self, Violations> {
        let mut v = Violations::default();
        let method = v.check(real_tender("method", method));
        let amount = v.check(Money::parse_payment(amount).map_err(|e| e.on("amount")));
        let note = v
            .check(crate::validation::parse_notes(
                "note",
                note.unwrap_or_default(),
            ))
            .flatten();
        v.into_result()?;
        match (method, amount) {
            (Some(method), Some(amount)) => Ok(Self {
                method,
                amount,
                note,
            }),
            _ => Err(Violations::default()),
        }
    }
}

/// A withdrawal request, parsed once: an amount (none: everything the deposit holds), an
/// optional tender for the part no top-up covers, and a required reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Withdrawal {
    /// How much (none: the whole balance).
    pub amount: Option<Money>,
    /// The tender for the part not covered by top-ups.
    pub method: Option<PaymentMethod>,
    /// Why (required, audited).
    pub reason: String,
}

impl Withdrawal {
    /// Parses the fields, naming each bad one.
    pub fn parse(
        amount: Option<&str>,
        method: Option<&str>,
        reason: Option<&str>,
    ) -> Result<Self, Violations> {
        let mut v = Violations::default();
        let amount = match amount.map(str::trim).filter(|a| !a.is_empty()) {
            Some(a) => v.check(Money::parse_payment(a).map_err(|e| e.on("amount"))),
            None => None,
        };
        let method = match method.map(str::trim).filter(|m| !m.is_empty()) {
            Some(m) => v.check(real_tender("method", m)),
            None => None,
        };
        let reason = v.check(crate::visit::parse_reason("reason", reason));
        v.into_result()?;
        Ok(Self {
            amount,
            method,
            reason: reason.unwrap_or_default(),
        })
    }
}

/// A top-up as a withdrawal sees it: what it can still give back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Returnable {
    /// The top-up entry.
    pub entry_id: i64,
    /// Its tender.
    pub method: PaymentMethod,
    /// Its amount − what withdrawals already returned from it.
    pub left: Money,
}

/// One withdrawal entry to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlannedWithdrawal {
    /// The top-up it returns (none: the part no top-up covers).
    pub topup_entry_id: Option<i64>,
    /// The tender the money goes out by.
    pub method: PaymentMethod,
    /// Positive amount.
    pub amount: Money,
}

impl Withdrawal {
    /// The plan, decided under the deposit's lock: the amount (default: everything) must not
    /// exceed `balance`; it goes back through the top-ups oldest first (`topups` in their
    /// order), each at most what it can still return; the rest through `method`.
    pub fn plan(
        &self,
        balance: Money,
        topups: &[Returnable],
    ) -> Result<Vec<PlannedWithdrawal>, BalanceRefusal> {
        let asked = self.amount.unwrap_or(balance);
        if !asked.is_positive() {
            return Err(BalanceRefusal::Empty);
        }
        check_spend(balance, asked)?;
        let mut left = asked;
        let mut plan = Vec::new();
        for t in topups {
            if left.is_zero() {
                break;
            }
            let part = t.left.min(left);
            if !part.is_positive() {
                continue;
            }
            plan.push(PlannedWithdrawal {
                topup_entry_id: Some(t.entry_id),
                method: t.method,
                amount: part,
            });
            left = Money::from_tiyn(left.tiyn() - part.tiyn());
        }
        if left.is_positive() {
            let method = self.method.ok_or(BalanceRefusal::MethodNeeded(left))?;
            plan.push(PlannedWithdrawal {
                topup_entry_id: None,
                method,
                amount: left,
            });
        }
        Ok(plan)
    }
}

/// The spend guard: `amount` may not exceed what the deposit holds. Returns the balance after.
pub fn check_spend(balance: Money, amount: Money) -> Result<Money, BalanceRefusal> {
    if amount > balance {
        return Err(BalanceRefusal::Insufficient {
            asked: amount,
            available: balance.max(Money::ZERO),
        });
    }
    Ok(Money::from_tiyn(balance.tiyn() - amount.tiyn()))
}

/// One statement row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatementLine {
    /// Kind.
    pub kind: EntryKind,
    /// Signed amount.
    pub amount: Money,
    /// Clinic-local day.
    pub date: NaiveDate,
}

/// A period's statement: `opening + Σ entries = closing`, always (it is computed so).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Statement {
    /// The balance before the period's first day.
    pub opening: Money,
    /// Credits in the period.
    pub credits: Money,
    /// Debits in the period (positive).
    pub debits: Money,
    /// The balance at the end of the period's last day.
    pub closing: Money,
}

/// The statement over `entries` of a period that starts with `opening`.
pub fn statement(opening: Money, entries: &[StatementLine]) -> Statement {
    let (mut credits, mut debits) = (0i64, 0i64);
    for e in entries {
        if e.amount.is_negative() {
            debits = debits.saturating_sub(e.amount.tiyn());
        } else {
            credits = credits.saturating_add(e.amount.tiyn());
        }
    }
    Statement {
        opening,
        credits: Money::from_tiyn(credits),
        debits: Money::from_tiyn(debits),
        closing: Money::from_tiyn(
            opening
                .tiyn()
                .saturating_add(credits)
                .saturating_sub(debits),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(tenge: i64) -> Money {
        Money::from_tiyn(tenge * 100)
    }

    fn topup(entry_id: i64, method: PaymentMethod, left: i64) -> Returnable {
        Returnable {
            entry_id,
            method,
            left: t(left),
        }
    }

    fn withdraw(amount: Option<i64>, method: Option<PaymentMethod>) -> Withdrawal {
        Withdrawal {
            amount: amount.map(t),
            method,
            reason: "закрыл курс".into(),
        }
    }

    #[test]
    fn entry_signs_follow_their_kind() {
        assert_eq!(EntryKind::Topup.signed(t(5)), t(5));
        assert_eq!(EntryKind::SpendReversal.signed(t(5)), t(5));
        assert_eq!(EntryKind::Spend.signed(t(5)), t(-5));
        assert_eq!(EntryKind::Withdrawal.signed(t(5)), t(-5));
        for k in EntryKind::ALL {
            assert_eq!(EntryKind::from_code(k.code()), Some(k));
        }
        assert_eq!(EntryKind::from_code("bonus"), None);
        assert!(EntryKind::Accrual.credits() && EntryKind::Welcome.credits());
        assert_eq!(EntryKind::Expiry.signed(t(5)), t(-5));
        assert_eq!(EntryKind::AccrualReversal.signed(t(5)), t(-5));
        for b in [BalanceKind::Deposit, BalanceKind::Bonus] {
            assert_eq!(BalanceKind::from_code(b.code()), Some(b));
        }
        assert_eq!(BalanceKind::Bonus.method(), PaymentMethod::Bonus);
    }

    #[test]
    fn a_spend_up_to_the_balance_passes_and_one_tiyn_more_is_refused() {
        assert_eq!(check_spend(t(100), t(100)), Ok(Money::ZERO));
        assert_eq!(check_spend(t(100), t(30)), Ok(t(70)));
        assert_eq!(
            check_spend(t(100), Money::from_tiyn(10_001)),
            Err(BalanceRefusal::Insufficient {
                asked: Money::from_tiyn(10_001),
                available: t(100)
            })
        );
        assert!(check_spend(Money::ZERO, Money::from_tiyn(1)).is_err());
    }

    #[test]
    fn a_top_up_takes_a_real_tender_and_a_positive_amount() {
        let ok = TopUp::parse("cash", "50000.00", Some(" курс ")).expect("valid");
        assert_eq!((ok.method, ok.amount), (PaymentMethod::Cash, t(50_000)));
        let bad = TopUp::parse("balance", "0", None).expect_err("invalid");
        let fields: Vec<&str> = bad.0.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(fields, ["method", "amount"]);
        assert!(TopUp::parse("card", "1.001", None).is_err());
    }

    #[test]
    fn a_withdrawal_needs_a_reason_and_takes_an_optional_amount() {
        let all = Withdrawal::parse(None, None, Some("переезд")).expect("valid");
        assert_eq!(all.amount, None);
        let bad = Withdrawal::parse(Some("-1"), Some("balance"), None).expect_err("invalid");
        let fields: Vec<&str> = bad.0.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(fields, ["amount", "method", "reason"]);
    }

    #[test]
    fn a_withdrawal_goes_back_through_top_ups_oldest_first() {
        let topups = [
            topup(1, PaymentMethod::Cash, 30),
            topup(2, PaymentMethod::Card, 50),
        ];
        let plan = withdraw(Some(60), None)
            .plan(t(80), &topups)
            .expect("covered");
        assert_eq!(
            plan,
            [
                PlannedWithdrawal {
                    topup_entry_id: Some(1),
                    method: PaymentMethod::Cash,
                    amount: t(30)
                },
                PlannedWithdrawal {
                    topup_entry_id: Some(2),
                    method: PaymentMethod::Card,
                    amount: t(30)
                },
            ]
        );
    }

    #[test]
    fn the_whole_balance_is_the_default_and_more_is_refused() {
        let topups = [topup(1, PaymentMethod::Qr, 100)];
        let plan = withdraw(None, None).plan(t(40), &topups).expect("ok");
        assert_eq!(plan.len(), 1);
        assert_eq!(plan[0].amount, t(40));
        assert_eq!(
            withdraw(Some(41), None).plan(t(40), &topups),
            Err(BalanceRefusal::Insufficient {
                asked: t(41),
                available: t(40)
            })
        );
        assert_eq!(
            withdraw(None, None).plan(Money::ZERO, &topups),
            Err(BalanceRefusal::Empty)
        );
    }

    #[test]
    fn money_that_came_by_a_refund_needs_a_named_tender() {
        // 20 came by top-up (already partly returned), 50 by refunds to the deposit.
        let topups = [
            topup(1, PaymentMethod::Cash, 0),
            topup(2, PaymentMethod::Card, 20),
        ];
        assert_eq!(
            withdraw(None, None).plan(t(70), &topups),
            Err(BalanceRefusal::MethodNeeded(t(50)))
        );
        let plan = withdraw(None, Some(PaymentMethod::Transfer))
            .plan(t(70), &topups)
            .expect("named");
        assert_eq!(plan.len(), 2);
        assert_eq!(
            plan[1],
            PlannedWithdrawal {
                topup_entry_id: None,
                method: PaymentMethod::Transfer,
                amount: t(50)
            }
        );
        let total: i64 = plan.iter().map(|p| p.amount.tiyn()).sum();
        assert_eq!(total, t(70).tiyn());
    }

    #[test]
    fn a_statement_closes_at_opening_plus_its_entries() {
        let day = NaiveDate::from_ymd_opt(2026, 11, 2).expect("date");
        let lines = [
            StatementLine {
                kind: EntryKind::Topup,
                amount: t(500),
                date: day,
            },
            StatementLine {
                kind: EntryKind::Spend,
                amount: t(-300),
                date: day,
            },
            StatementLine {
                kind: EntryKind::SpendReversal,
                amount: t(100),
                date: day,
            },
        ];
        let s = statement(t(50), &lines);
        assert_eq!((s.credits, s.debits, s.closing), (t(600), t(300), t(350)));
        assert_eq!(statement(t(7), &[]).closing, t(7));
    }
}
