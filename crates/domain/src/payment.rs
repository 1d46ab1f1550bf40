//! Payment rules: the derived payment status, methods, and the two money guards (no overpayment;
//! no price edit that leaves a visit billed below what was already paid).

use serde::{Deserialize, Serialize};

use crate::error::{FieldViolation, Violations};
use crate::money::Money;

/// A visit's payment status, always derived from `(total, paid)` — never stored on its own
/// authority, so a price edit can never leave it stale.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaymentStatus {
    /// Nothing paid on a visit that costs something.
    Unpaid,
    /// Something paid, less than the total.
    PartiallyPaid,
    /// Paid in full (or nothing to pay).
    Paid,
}

impl PaymentStatus {
    /// Every status, in the order of a visit's life.
    pub const ALL: [PaymentStatus; 3] = [Self::Unpaid, Self::PartiallyPaid, Self::Paid];

    /// DESIGN §4: paid == 0 → unpaid; 0 < paid < total → partially paid; paid >= total → paid.
    /// A visit with total 0 is paid.
    pub fn derive(total: Money, paid: Money) -> Self {
        if paid >= total {
            Self::Paid
        } else if paid.is_positive() {
            Self::PartiallyPaid
        } else {
            Self::Unpaid
        }
    }

    /// Stable code (database and JSON).
    pub const fn code(self) -> &'static str {
        match self {
            Self::Unpaid => "unpaid",
            Self::PartiallyPaid => "partially_paid",
            Self::Paid => "paid",
        }
    }

    /// Russian label.
    pub const fn label_ru(self) -> &'static str {
        match self {
            Self::Unpaid => "не оплачено",
            Self::PartiallyPaid => "частично оплачено",
            Self::Paid => "оплачено",
        }
    }

    /// Parses a stable code.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }
}

/// How a payment was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaymentMethod {
    /// Bank card.
    Card,
    /// Cash.
    Cash,
    /// QR payment (Kaspi QR).
    Qr,
    /// Bank transfer.
    Transfer,
    /// The patient's deposit (`crate::balance`): money received earlier, revenue when spent.
    Balance,
    /// The patient's bonuses (`crate::bonus`): a discount, never revenue.
    Bonus,
}

impl PaymentMethod {
    /// Every method, in the order the UI lists them.
    pub const ALL: [PaymentMethod; 6] = [
        Self::Card,
        Self::Cash,
        Self::Qr,
        Self::Transfer,
        Self::Balance,
        Self::Bonus,
    ];

    /// The tenders money physically comes in and goes out by: the ones a shift counts, a top-up
    /// is received by and a withdrawal is given through.
    pub const TENDERS: [PaymentMethod; 4] = [Self::Card, Self::Cash, Self::Qr, Self::Transfer];

    /// True for [`Self::TENDERS`]; false for the deposit and bonuses, which move no money at
    /// the desk.
    pub fn is_drawer_tender(self) -> bool {
        Self::TENDERS.contains(&self)
    }

    /// False only for bonuses: a discount, shown beside revenue and never in it.
    pub fn is_revenue(self) -> bool {
        self != Self::Bonus
    }

    /// Stable code (database and JSON).
    pub const fn code(self) -> &'static str {
        match self {
            Self::Card => "card",
            Self::Cash => "cash",
            Self::Qr => "qr",
            Self::Transfer => "transfer",
            Self::Balance => "balance",
            Self::Bonus => "bonus",
        }
    }

    /// Russian label shown in the UI.
    pub const fn label_ru(self) -> &'static str {
        match self {
            Self::Card => "Карта",
            Self::Cash => "Наличные",
            Self::Qr => "QR (Kaspi)",
            Self::Transfer => "Перевод",
            Self::Balance => "С депозита",
            Self::Bonus => "Бонусами",
        }
    }

    /// Parses a stable code.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.code() == code)
    }

    /// Maps the old system's labels, which changed across versions (`QR-код` in v2.7,
    /// `Kaspi QR` later) — both are QR.
    pub fn from_legacy_label(label: &str) -> Option<Self> {
        match label.trim().to_lowercase().as_str() {
            "карта" | "card" => Some(Self::Card),
            "наличные" | "cash" => Some(Self::Cash),
            "qr-код" | "qr код" | "kaspi qr" | "qr" | "qr (kaspi)" => Some(Self::Qr),
            "перевод" | "transfer" => Some(Self::Transfer),
            _ => None,
        }
    }

    /// Card, QR and transfer are cashless (the owner's "безнал" share); a deposit spend is
    /// neither (the money came in earlier, by its own tender).
    pub fn is_cashless(self) -> bool {
        matches!(self, Self::Card | Self::Qr | Self::Transfer)
    }
}

/// Why a money change on a visit is refused: the allocation's and the guards' one vocabulary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PaymentRefusal {
    /// The payment is zero or negative.
    #[error("Сумма оплаты должна быть больше нуля")]
    NotPositive,
    /// A cancelled visit takes no payments (HTTP 409).
    #[error("Визит отменён: оплату принять нельзя")]
    VisitCancelled,
    /// A line's outstanding amount is negative: stored data is corrupt (paid above its price),
    /// never the caller's fault (HTTP 500).
    #[error("Остаток по услуге не может быть отрицательным")]
    NegativeOutstanding,
    /// The payment is larger than what is still owed (HTTP 422, nothing written).
    #[error("Сумма {} превышает остаток к оплате {}", amount.format_ui(), remaining.format_ui())]
    Overpayment {
        /// What was offered.
        amount: Money,
        /// What is still owed.
        remaining: Money,
    },
    /// A price edit would make the total smaller than what was already paid (HTTP 409): a
    /// payment must be voided first.
    #[error("Новая сумма визита {} меньше уже оплаченной {}; сначала отмените платёж", new_total.format_ui(), paid.format_ui())]
    TotalBelowPaid {
        /// The total after the edit.
        new_total: Money,
        /// What live payments already cover.
        paid: Money,
    },
    /// A line's new price is below what payments already allocated to it (HTTP 409).
    #[error("Новая цена {} меньше уже оплаченной по этой услуге суммы {}; сначала отмените платёж", new_price.format_ui(), paid.format_ui())]
    LineBelowPaid {
        /// The price asked for.
        new_price: Money,
        /// What live payments allocated to the line.
        paid: Money,
    },
}

/// Most methods in one payment request (one per method is the usual case).
pub const MAX_PAYMENT_PARTS: usize = 4;

/// One payment request, parsed once: 1..=4 `{method, amount}` parts (amounts > 0), their sum
/// (which fits in [`Money`]) and the note. Everything after this trusts these values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentRequest {
    /// `(method, amount)` in request order.
    pub parts: Vec<(PaymentMethod, Money)>,
    /// The parts' sum: what the visit's paid grows by.
    pub total: Money,
    /// Optional note for all of them.
    pub note: Option<String>,
    /// The register it is taken at (none: the clinic's first active register).
    pub register: Option<crate::ids::RegisterId>,
}

impl PaymentRequest {
    /// Parses the parts and the note, naming every bad field (`payments.1.amount`, `note`).
    pub fn parse(parts: &[(&str, &str)], note: Option<&str>) -> Result<Self, Violations> {
        let mut v = Violations::default();
        let parsed = parse_payment_parts(parts).unwrap_or_else(|e| {
            v.0.extend(e.0);
            Vec::new()
        });
        let note = v
            .check(crate::validation::parse_notes(
                "note",
                note.unwrap_or_default(),
            ))
            .flatten();
        let total = Money::checked_sum(parsed.iter().map(|p| p.1));
        if total.is_err() {
            v.0.push(FieldViolation::new(
                "payments",
                "too_large",
                "Сумма оплаты слишком велика",
            ));
        }
        v.into_result()?;
        Ok(Self {
            parts: parsed,
            total: total.unwrap_or(Money::ZERO),
            note,
            register: None,
        })
    }

    /// True when a part is cash (it then needs an open shift).
    pub fn has_cash(&self) -> bool {
        self.parts.iter().any(|p| p.0 == PaymentMethod::Cash)
    }

    /// What the parts paid by `method` add up to (zero when none is).
    pub fn paid_by(&self, method: PaymentMethod) -> Money {
        Money::from_tiyn(
            self.parts
                .iter()
                .filter(|p| p.0 == method)
                .map(|p| p.1.tiyn())
                .sum(),
        )
    }

    /// The decision, taken under the visit's lock: a cancelled visit takes nothing; the sum may
    /// not exceed `total - paid` (DESIGN §4); each part is then split over the lines'
    /// `outstanding` amounts (same order as the lines), all or nothing. Returns the visit's paid
    /// after the payment and the parts per payment.
    pub fn split(
        &self,
        status: crate::VisitStatus,
        (total, paid): (Money, Money),
        outstanding: &[Money],
    ) -> Result<(Money, Vec<Vec<Money>>), PaymentRefusal> {
        if status == crate::VisitStatus::Cancelled {
            return Err(PaymentRefusal::VisitCancelled);
        }
        let paid_after = check_payment(total, paid, self.total)?;
        let amounts: Vec<Money> = self.parts.iter().map(|p| p.1).collect();
        Ok((paid_after, crate::allocate_many(&amounts, outstanding)?))
    }
}

/// The `{method, amount}` parts of one payment request: 1..=4 of them, each a known method code
/// and an amount > 0 with at most two decimals. Every problem is named (`payments.1.amount`).
pub fn parse_payment_parts(
    parts: &[(&str, &str)],
) -> Result<Vec<(PaymentMethod, Money)>, Violations> {
    let mut v = Violations::default();
    if parts.is_empty() || parts.len() > MAX_PAYMENT_PARTS {
        v.0.push(FieldViolation::new(
            "payments",
            "count",
            "Укажите от одного до четырёх способов оплаты",
        ));
    }
    let mut parsed = Vec::with_capacity(parts.len());
    for (i, (method, amount)) in parts.iter().enumerate() {
        let method = PaymentMethod::from_code(method);
        if method.is_none() {
            v.0.push(FieldViolation::new(
                format!("payments.{i}.method"),
                "unknown",
                "Способ оплаты: card, cash, qr, transfer, balance или bonus",
            ));
        }
        let amount =
            v.check(Money::parse_payment(amount).map_err(|e| e.on(format!("payments.{i}.amount"))));
        if let (Some(m), Some(a)) = (method, amount) {
            parsed.push((m, a));
        }
    }
    v.into_result()?;
    Ok(parsed)
}

/// The overpayment guard (DESIGN §4): `amount` (the sum of all methods in one request) must be
/// positive and at most `total - paid`. Returns the paid sum after the payment.
pub fn check_payment(total: Money, paid: Money, amount: Money) -> Result<Money, PaymentRefusal> {
    if !amount.is_positive() {
        return Err(PaymentRefusal::NotPositive);
    }
    let remaining = Money::from_tiyn(total.tiyn().saturating_sub(paid.tiyn())).max(Money::ZERO);
    if amount > remaining {
        return Err(PaymentRefusal::Overpayment { amount, remaining });
    }
    Ok(Money::from_tiyn(paid.tiyn() + amount.tiyn()))
}

/// The price-edit guard (DESIGN §4): an edit may not make the total smaller than what is paid.
pub fn check_price_edit(new_total: Money, paid: Money) -> Result<(), PaymentRefusal> {
    if new_total < paid {
        return Err(PaymentRefusal::TotalBelowPaid { new_total, paid });
    }
    Ok(())
}

/// What is still owed: `total - paid`, never below zero (a legacy overpaid visit owes nothing).
pub fn remaining(total: Money, paid: Money) -> Money {
    Money::from_tiyn(total.tiyn().saturating_sub(paid.tiyn())).max(Money::ZERO)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_sums_its_parts_once_and_refuses_an_overflowing_sum() {
        let r =
            PaymentRequest::parse(&[("card", "2000"), ("cash", "3000.50")], Some(" чек ")).unwrap();
        assert_eq!(r.total, Money::from_tiyn(500_050));
        assert_eq!(r.note.as_deref(), Some("чек"));
        // Four parts at the input limit still sum exactly (the overflow check can never fire
        // through `parse`, and is kept for the day the limits change); one over it is named.
        let max = "1000000000000";
        let r = PaymentRequest::parse(&[("card", max); 4], None).unwrap();
        assert_eq!(r.total, Money::from_tiyn(4 * crate::money::MAX_INPUT_TIYN));
        let e =
            PaymentRequest::parse(&[("card", "1"), ("cash", "10000000000000")], None).unwrap_err();
        assert_eq!(e.0[0].field, "payments.1.amount");
    }

    #[test]
    fn a_request_splits_over_the_lines_or_refuses_as_a_whole() {
        let r = PaymentRequest::parse(&[("card", "2000"), ("cash", "3000")], None).unwrap();
        let owed = [tg(4_000), tg(4_000)];
        assert_eq!(
            r.split(crate::VisitStatus::Completed, (tg(8_000), tg(0)), &owed),
            Ok((
                tg(5_000),
                vec![vec![tg(1_000), tg(1_000)], vec![tg(1_500), tg(1_500)]]
            ))
        );
        assert_eq!(
            r.split(
                crate::VisitStatus::Scheduled,
                (tg(6_000), tg(2_000)),
                &[tg(4_000)]
            ),
            Err(PaymentRefusal::Overpayment {
                amount: tg(5_000),
                remaining: tg(4_000)
            })
        );
        assert_eq!(
            r.split(crate::VisitStatus::Cancelled, (tg(8_000), tg(0)), &owed),
            Err(PaymentRefusal::VisitCancelled)
        );
    }

    #[test]
    fn payment_parts_name_every_bad_field() {
        let ok = parse_payment_parts(&[("card", "2000"), ("cash", "3000.50")]).unwrap();
        assert_eq!(
            ok,
            [
                (PaymentMethod::Card, Money::from_tiyn(200_000)),
                (PaymentMethod::Cash, Money::from_tiyn(300_050))
            ]
        );
        let e = parse_payment_parts(&[("bitcoin", "0")]).unwrap_err();
        assert_eq!(
            e.0.iter().map(|v| v.field.as_str()).collect::<Vec<_>>(),
            ["payments.0.method", "payments.0.amount"]
        );
        assert_eq!(parse_payment_parts(&[]).unwrap_err().0[0].field, "payments");
        assert_eq!(
            parse_payment_parts(&[("card", "1"); 5]).unwrap_err().0[0].code,
            "count"
        );
    }

    fn tg(v: i64) -> Money {
        Money::from_tiyn(v * 100)
    }

    #[test]
    fn status_follows_the_changelog_table() {
        assert_eq!(
            PaymentStatus::derive(tg(10_000), tg(0)),
            PaymentStatus::Unpaid
        );
        assert_eq!(
            PaymentStatus::derive(tg(10_000), tg(5_000)),
            PaymentStatus::PartiallyPaid
        );
        assert_eq!(
            PaymentStatus::derive(tg(10_000), Money::from_tiyn(999_999)),
            PaymentStatus::PartiallyPaid
        );
        assert_eq!(
            PaymentStatus::derive(tg(10_000), tg(10_000)),
            PaymentStatus::Paid
        );
        assert_eq!(
            PaymentStatus::derive(tg(10_000), Money::from_tiyn(1)),
            PaymentStatus::PartiallyPaid
        );
    }

    #[test]
    fn a_free_visit_is_paid_and_an_overpaid_legacy_visit_too() {
        assert_eq!(
            PaymentStatus::derive(Money::ZERO, Money::ZERO),
            PaymentStatus::Paid
        );
        assert_eq!(PaymentStatus::derive(tg(100), tg(120)), PaymentStatus::Paid);
    }

    #[test]
    fn payment_over_the_remainder_is_refused_equal_is_accepted() {
        assert_eq!(
            check_payment(tg(10_000), tg(4_000), tg(6_000)),
            Ok(tg(10_000))
        );
        assert_eq!(
            check_payment(tg(10_000), tg(4_000), tg(1_000)),
            Ok(tg(5_000))
        );
        assert_eq!(
            check_payment(tg(10_000), tg(4_000), Money::from_tiyn(600_001)),
            Err(PaymentRefusal::Overpayment {
                amount: Money::from_tiyn(600_001),
                remaining: tg(6_000)
            })
        );
        assert_eq!(
            check_payment(Money::ZERO, Money::ZERO, Money::from_tiyn(1)),
            Err(PaymentRefusal::Overpayment {
                amount: Money::from_tiyn(1),
                remaining: Money::ZERO
            })
        );
        assert_eq!(
            check_payment(tg(100), tg(0), Money::ZERO),
            Err(PaymentRefusal::NotPositive)
        );
    }

    #[test]
    fn overpayment_message_names_both_amounts_in_russian() {
        let e = PaymentRefusal::Overpayment {
            amount: tg(7_000),
            remaining: tg(6_000),
        };
        assert_eq!(
            e.to_string(),
            "Сумма 7\u{a0}000\u{a0}₸ превышает остаток к оплате 6\u{a0}000\u{a0}₸"
        );
    }

    #[test]
    fn price_edit_after_partial_payment_may_not_go_below_paid() {
        // Visit 10 000, paid 6 000: lowering to 6 000 is fine (becomes paid), to 5 999.99 is not.
        assert_eq!(check_price_edit(tg(6_000), tg(6_000)), Ok(()));
        assert_eq!(
            PaymentStatus::derive(tg(6_000), tg(6_000)),
            PaymentStatus::Paid
        );
        assert_eq!(
            check_price_edit(Money::from_tiyn(599_999), tg(6_000)),
            Err(PaymentRefusal::TotalBelowPaid {
                new_total: Money::from_tiyn(599_999),
                paid: tg(6_000)
            })
        );
        // Raising the price of a paid visit makes it partially paid again.
        assert_eq!(check_price_edit(tg(12_000), tg(10_000)), Ok(()));
        assert_eq!(
            PaymentStatus::derive(tg(12_000), tg(10_000)),
            PaymentStatus::PartiallyPaid
        );
        // Zero price with nothing paid is allowed.
        assert_eq!(check_price_edit(Money::ZERO, Money::ZERO), Ok(()));
    }

    #[test]
    fn remaining_never_goes_negative() {
        assert_eq!(remaining(tg(100), tg(30)), tg(70));
        assert_eq!(remaining(tg(100), tg(130)), Money::ZERO);
    }

    #[test]
    fn methods_have_codes_labels_and_legacy_spellings() {
        for m in PaymentMethod::ALL {
            assert_eq!(PaymentMethod::from_code(m.code()), Some(m));
        }
        // The old system had no deposits: its labels are the four tenders.
        for m in PaymentMethod::TENDERS {
            assert_eq!(PaymentMethod::from_legacy_label(m.label_ru()), Some(m));
        }
        assert_eq!(PaymentMethod::from_legacy_label("С депозита"), None);
        assert!(!PaymentMethod::Balance.is_drawer_tender());
        assert_eq!(
            PaymentMethod::from_legacy_label("QR-код"),
            Some(PaymentMethod::Qr)
        );
        assert_eq!(
            PaymentMethod::from_legacy_label("Kaspi QR"),
            Some(PaymentMethod::Qr)
        );
        assert_eq!(
            PaymentMethod::from_legacy_label(" Наличные "),
            Some(PaymentMethod::Cash)
        );
        assert_eq!(PaymentMethod::from_legacy_label("Бартер"), None);
        assert_eq!(PaymentMethod::Qr.label_ru(), "QR (Kaspi)");
        assert!(!PaymentMethod::Cash.is_cashless());
        assert!(PaymentMethod::Transfer.is_cashless());
        assert_eq!(serde_json::to_string(&PaymentMethod::Qr).unwrap(), "\"qr\"");
    }

    #[test]
    fn statuses_have_codes_and_labels() {
        for s in [
            PaymentStatus::Unpaid,
            PaymentStatus::PartiallyPaid,
            PaymentStatus::Paid,
        ] {
            assert_eq!(PaymentStatus::from_code(s.code()), Some(s));
            assert_eq!(serde_json::to_value(s).unwrap(), s.code());
        }
        assert_eq!(PaymentStatus::PartiallyPaid.label_ru(), "частично оплачено");
    }
}
