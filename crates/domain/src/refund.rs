//! Refunds (возврат): money given back on a visit, never by changing what was paid.
//!
//! A refund points at the original allocations (a payment's share of a line) and gives back at
//! most what each still holds (allocated − refunded before). A total is split over every such
//! allocation, a per-line amount over that line's allocations, in proportion to what each still
//! holds, in whole tiyn by the same largest-remainder rule as payments; so a full refund reverses
//! each allocation exactly and successive partial refunds return exactly what was paid in total.
//! Money goes back through the original tender(s); another tender needs a manager.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::access::VisitAuthority;
use crate::allocation::allocate;
use crate::error::{FieldViolation, Violations};
use crate::ids::{AllocationId, LineId, PaymentId};
use crate::money::Money;
use crate::payment::{PaymentMethod, PaymentRefusal};

/// Most lines named in one refund request.
pub const MAX_REFUND_LINES: usize = 100;

/// How much to give back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RefundScope {
    /// An amount over the whole visit.
    Total(Money),
    /// Amounts per line.
    Lines(Vec<(LineId, Money)>),
}

/// A refund request, parsed once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefundRequest {
    /// What to give back.
    pub scope: RefundScope,
    /// The tender to give it back through, when not the original one (a manager's decision).
    pub method: Option<PaymentMethod>,
    /// Why (required).
    pub reason: String,
}

/// One original allocation as a refund sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Refundable {
    /// The allocation.
    pub allocation_id: AllocationId,
    /// Its payment.
    pub payment_id: PaymentId,
    /// The payment's tender.
    pub method: PaymentMethod,
    /// Its line.
    pub line_id: LineId,
    /// Allocated − refunded so far (0 for a voided payment).
    pub left: Money,
}

/// One refund row to write: what goes back on one original payment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlannedRefund {
    /// The payment it reverses (in part).
    pub payment_id: PaymentId,
    /// The tender the money goes back through.
    pub method: PaymentMethod,
    /// The sum of `parts`.
    pub amount: Money,
    /// `(allocation, line, amount)`, no zero parts.
    pub parts: Vec<(AllocationId, LineId, Money)>,
}

/// Why a refund is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RefundRefusal {
    /// More than the visit (or a line) still holds (HTTP 422, nothing written).
    #[error("Сумма возврата {} больше доступной к возврату {}", amount.format_ui(), refundable.format_ui())]
    TooMuch {
        /// The line, when the request named lines.
        line_id: Option<LineId>,
        /// What was asked.
        amount: Money,
        /// What can still be given back.
        refundable: Money,
    },
    /// The request names a line the visit does not have (HTTP 422).
    #[error("У визита нет такой услуги")]
    UnknownLine(usize),
    /// Giving money back through another tender is a manager's decision (HTTP 403).
    #[error("Возврат другим способом оплаты может оформить администратор или владелец")]
    OtherTenderNeedsManager,
}

impl RefundRequest {
    /// Parses either `amount` or `lines` (exactly one), the optional tender and the reason,
    /// naming every bad field.
    pub fn parse(
        amount: Option<&str>,
        lines: &[(i64, &str)],
        method: Option<&str>,
        reason: Option<&str>,
    ) -> Result<Self, Violations> {
        let mut v = Violations::default();
        let scope = match (amount, lines.is_empty()) {
            (Some(a), true) => v
                .check(Money::parse_payment(a).map_err(|e| e.on("amount")))
                .map(RefundScope::Total),
            (None, false) if lines.len() <= MAX_REFUND_LINES => {
                parse_lines(lines, &mut v).map(RefundScope::Lines)
            }
            (None, false) => {
                v.0.push(FieldViolation::new(
                    "lines",
                    "count",
                    "Не больше 100 услуг в одном возврате",
                ));
                None
            }
            _ => {
                v.0.push(FieldViolation::new(
                    "amount",
                    "required",
                    "Укажите сумму возврата или суммы по услугам (одно из двух)",
                ));
                None
            }
        };
        let method = method.and_then(|m| {
            v.check(PaymentMethod::from_code(m).ok_or_else(|| {
                FieldViolation::new(
                    "method",
                    "unknown",
                    "Способ оплаты: card, cash, qr или transfer",
                )
            }))
        });
        let reason = v.check(crate::visit::parse_reason("reason", reason));
        v.into_result()?;
        match (scope, reason) {
            (Some(scope), Some(reason)) => Ok(Self {
                scope,
                method,
                reason,
            }),
            _ => Err(Violations::default()),
        }
    }

    /// The refund rows to write, one per original payment touched (in payment order), or the
    /// refusal. `refundable` is every allocation of the visit, in payment then line order.
    pub fn plan(
        &self,
        refundable: &[Refundable],
        authority: VisitAuthority,
    ) -> Result<Vec<PlannedRefund>, RefundRefusal> {
        if let Some(m) = self.method {
            if refundable
                .iter()
                .any(|r| r.left.is_positive() && r.method != m)
                && !authority.is_manager()
            {
                return Err(RefundRefusal::OtherTenderNeedsManager);
            }
        }
        let mut parts: Vec<Money> = vec![Money::ZERO; refundable.len()];
        match &self.scope {
            RefundScope::Total(amount) => {
                let all: Vec<usize> = (0..refundable.len()).collect();
                split_over(*amount, None, &all, refundable, &mut parts)?;
            }
            RefundScope::Lines(lines) => {
                for (i, (line, amount)) in lines.iter().enumerate() {
                    let of_line: Vec<usize> = (0..refundable.len())
                        .filter(|&k| refundable[k].line_id == *line)
                        .collect();
                    if of_line.is_empty() {
                        return Err(RefundRefusal::UnknownLine(i));
                    }
                    split_over(*amount, Some(*line), &of_line, refundable, &mut parts)?;
                }
            }
        }
        Ok(group(refundable, &parts, self.method))
    }
}

/// Adds `amount` split over the allocations `at` (by what each still holds) into `parts`.
fn split_over(
    amount: Money,
    line: Option<LineId>,
    at: &[usize],
    refundable: &[Refundable],
    parts: &mut [Money],
) -> Result<(), RefundRefusal> {
    let left: Vec<Money> = at
        .iter()
        .map(|&k| Money::from_tiyn(refundable[k].left.tiyn() - parts[k].tiyn()))
        .collect();
    let split = allocate(amount, &left).map_err(|e| match e {
        PaymentRefusal::Overpayment { amount, remaining } => RefundRefusal::TooMuch {
            line_id: line,
            amount,
            refundable: remaining,
        },
        _ => RefundRefusal::TooMuch {
            line_id: line,
            amount,
            refundable: Money::ZERO,
        },
    })?;
    for (&k, part) in at.iter().zip(split) {
        parts[k] = Money::from_tiyn(parts[k].tiyn() + part.tiyn());
    }
    Ok(())
}

fn group(
    refundable: &[Refundable],
    parts: &[Money],
    method: Option<PaymentMethod>,
) -> Vec<PlannedRefund> {
    let mut by_payment: BTreeMap<PaymentId, PlannedRefund> = BTreeMap::new();
    for (r, part) in refundable.iter().zip(parts) {
        if part.is_zero() {
            continue;
        }
        let planned = by_payment.entry(r.payment_id).or_insert(PlannedRefund {
            payment_id: r.payment_id,
            method: method.unwrap_or(r.method),
            amount: Money::ZERO,
            parts: Vec::new(),
        });
        planned.amount = Money::from_tiyn(planned.amount.tiyn() + part.tiyn());
        planned.parts.push((r.allocation_id, r.line_id, *part));
    }
    by_payment.into_values().collect()
}

fn parse_lines(lines: &[(i64, &str)], v: &mut Violations) -> Option<Vec<(LineId, Money)>> {
    let mut parsed = Vec::with_capacity(lines.len());
    for (i, (line, amount)) in lines.iter().enumerate() {
        if lines[..i].iter().any(|(l, _)| l == line) {
            v.0.push(FieldViolation::new(
                format!("lines.{i}.line_id"),
                "duplicate",
                "Каждая услуга — один раз",
            ));
        }
        let amount =
            v.check(Money::parse_payment(amount).map_err(|e| e.on(format!("lines.{i}.amount"))));
        parsed.push(amount.map(|a| (LineId(*line), a)));
    }
    parsed.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use PaymentMethod::{Card, Cash};

    fn tg(t: i64) -> Money {
        Money::from_tiyn(t * 100)
    }

    /// A visit of two lines (5000 + 3000) paid 6000 by card, then 2000 in cash.
    fn paid_visit() -> Vec<Refundable> {
        let r = |a, p, method, l, left| Refundable {
            allocation_id: AllocationId(a),
            payment_id: PaymentId(p),
            method,
            line_id: LineId(l),
            left,
        };
        vec![
            r(1, 1, Card, 10, tg(3_750)),
            r(2, 1, Card, 11, tg(2_250)),
            r(3, 2, Cash, 10, tg(1_250)),
            r(4, 2, Cash, 11, tg(750)),
        ]
    }

    fn total(t: &str) -> RefundRequest {
        RefundRequest::parse(Some(t), &[], None, Some("жалоба")).unwrap()
    }

    fn apply(visit: &mut [Refundable], plan: &[PlannedRefund]) {
        for p in plan {
            for (a, _, amount) in &p.parts {
                let r = visit.iter_mut().find(|r| r.allocation_id == *a).unwrap();
                r.left = Money::from_tiyn(r.left.tiyn() - amount.tiyn());
                assert!(!r.left.is_negative());
            }
        }
    }

    #[test]
    fn a_full_refund_reverses_each_allocation_exactly() {
        let visit = paid_visit();
        let plan = total("8000")
            .plan(&visit, VisitAuthority::FrontDesk)
            .unwrap();
        assert_eq!(plan.len(), 2);
        assert_eq!((plan[0].method, plan[0].amount), (Card, tg(6_000)));
        assert_eq!((plan[1].method, plan[1].amount), (Cash, tg(2_000)));
        let parts: Vec<Money> = plan
            .iter()
            .flat_map(|p| p.parts.iter().map(|x| x.2))
            .collect();
        assert_eq!(parts, visit.iter().map(|r| r.left).collect::<Vec<_>>());
    }

    #[test]
    fn successive_partial_refunds_return_exactly_what_was_paid() {
        let mut visit = paid_visit();
        let mut back = 0;
        for amount in ["0.01", "1000", "333.33", "2222.22", "0.07"] {
            let plan = total(amount)
                .plan(&visit, VisitAuthority::FrontDesk)
                .unwrap();
            let sum: i64 = plan.iter().map(|p| p.amount.tiyn()).sum();
            assert_eq!(
                sum,
                Money::parse_payment(amount).unwrap().tiyn(),
                "exact to the tiyn"
            );
            back += sum;
            apply(&mut visit, &plan);
        }
        let rest = Money::from_tiyn(tg(8_000).tiyn() - back);
        let plan = total(&rest.to_string())
            .plan(&visit, VisitAuthority::FrontDesk)
            .unwrap();
        apply(&mut visit, &plan);
        assert!(visit.iter().all(|r| r.left.is_zero()), "{visit:?}");
        assert_eq!(
            total("0.01").plan(&visit, VisitAuthority::FrontDesk),
            Err(RefundRefusal::TooMuch {
                line_id: None,
                amount: Money::from_tiyn(1),
                refundable: Money::ZERO
            })
        );
    }

    #[test]
    fn a_line_refund_splits_over_that_lines_tenders_only() {
        let visit = paid_visit();
        let r = RefundRequest::parse(None, &[(11, "1500")], None, Some("не оказана")).unwrap();
        let plan = r.plan(&visit, VisitAuthority::FrontDesk).unwrap();
        // Line 11 holds 2250 card + 750 cash: 1500 splits 1125 / 375.
        assert_eq!(
            plan[0].parts,
            vec![(AllocationId(2), LineId(11), tg(1_125))]
        );
        assert_eq!(plan[1].parts, vec![(AllocationId(4), LineId(11), tg(375))]);
        let over = RefundRequest::parse(None, &[(11, "3000.01")], None, Some("x")).unwrap();
        assert!(matches!(
            over.plan(&visit, VisitAuthority::FrontDesk),
            Err(RefundRefusal::TooMuch {
                line_id: Some(LineId(11)),
                ..
            })
        ));
        let unknown = RefundRequest::parse(None, &[(99, "1")], None, Some("x")).unwrap();
        assert_eq!(
            unknown.plan(&visit, VisitAuthority::FrontDesk),
            Err(RefundRefusal::UnknownLine(0))
        );
    }

    #[test]
    fn another_tender_is_a_managers_decision() {
        let visit = paid_visit();
        let r =
            RefundRequest::parse(Some("100"), &[], Some("cash"), Some("терминал сломан")).unwrap();
        assert_eq!(
            r.plan(&visit, VisitAuthority::FrontDesk),
            Err(RefundRefusal::OtherTenderNeedsManager)
        );
        let plan = r.plan(&visit, VisitAuthority::Manager).unwrap();
        assert!(plan.iter().all(|p| p.method == Cash));
        // Naming the original tender of a cash-only visit is no override.
        let cash_only: Vec<Refundable> = paid_visit()
            .into_iter()
            .filter(|x| x.method == Cash)
            .collect();
        assert!(r.plan(&cash_only, VisitAuthority::FrontDesk).is_ok());
    }

    #[test]
    fn a_request_names_every_bad_field() {
        let e = RefundRequest::parse(Some("1"), &[(1, "1")], Some("gold"), None).unwrap_err();
        let fields: Vec<&str> = e.0.iter().map(|v| v.field.as_str()).collect();
        assert_eq!(fields, ["amount", "method", "reason"]);
        let e = RefundRequest::parse(None, &[(1, "0"), (1, "2")], None, Some("x")).unwrap_err();
        let fields: Vec<&str> = e.0.iter().map(|v| v.field.as_str()).collect();
        assert_eq!(fields, ["lines.0.amount", "lines.1.line_id"]);
    }
}
