//! Property tests of the cash desk (issue 16) over random sequences of payments (1–4 tenders),
//! refunds (full, partial, per line), voids and cash movements: the expected-cash identity,
//! refunds never exceeding what each allocation holds, successive refunds returning exactly what
//! was paid, and every visit reconciling.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use emhana_domain::access::VisitAuthority;
use emhana_domain::cash_desk::{shift_report, CashMovementKind, ShiftEntry};
use emhana_domain::ids::{AllocationId, LineId, PaymentId};
use emhana_domain::refund::{RefundRequest, Refundable};
use emhana_domain::{allocate_many, Money, PaymentMethod};
use proptest::prelude::*;

/// One step of a till's day.
#[derive(Debug, Clone)]
enum Step {
    /// Pay this share (‰) of what is owed, over 1–4 tenders.
    Pay(u16, Vec<usize>),
    /// Refund this share (‰) of what is refundable (1000 = in full).
    Refund(u16),
    /// Refund from one line.
    RefundLine(usize, u16),
    /// Void the n-th payment (if still live and never refunded).
    Void(usize),
    /// Cash in or out.
    Move(bool, i64),
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        (1u16..=1000, prop::collection::vec(0usize..4, 1..=4)).prop_map(|(s, m)| Step::Pay(s, m)),
        (1u16..=1000).prop_map(Step::Refund),
        (0usize..4, 1u16..=1000).prop_map(|(l, s)| Step::RefundLine(l, s)),
        (0usize..8).prop_map(Step::Void),
        (any::<bool>(), 1i64..1_000_000).prop_map(|(i, a)| Step::Move(i, a)),
    ]
}

/// The visit and the till as the store would keep them.
#[derive(Default)]
struct Till {
    lines: Vec<i64>,
    /// (payment, method, amount, voided, refunded from)
    payments: Vec<(PaymentId, PaymentMethod, i64, bool, bool)>,
    /// (allocation, payment, line, amount, refunded)
    allocations: Vec<(AllocationId, PaymentId, usize, i64, i64)>,
    entries: Vec<ShiftEntry>,
    /// Cash by hand: float + every cash leg.
    drawer: i64,
}

impl Till {
    fn paid_on(&self, line: usize) -> i64 {
        self.allocations
            .iter()
            .filter(|a| a.2 == line && !self.voided(a.1))
            .map(|a| a.3 - a.4)
            .sum()
    }

    fn voided(&self, p: PaymentId) -> bool {
        self.payments.iter().any(|x| x.0 == p && x.3)
    }

    fn refundable(&self) -> Vec<Refundable> {
        self.allocations
            .iter()
            .map(|a| Refundable {
                allocation_id: a.0,
                payment_id: a.1,
                method: self.payments.iter().find(|p| p.0 == a.1).unwrap().1,
                line_id: LineId(a.2 as i64),
                left: Money::from_tiyn(if self.voided(a.1) { 0 } else { a.3 - a.4 }),
            })
            .collect()
    }

    fn pay(&mut self, share: u16, methods: &[usize]) {
        let owed: Vec<Money> = (0..self.lines.len())
            .map(|l| Money::from_tiyn(self.lines[l] - self.paid_on(l)))
            .collect();
        let total: i64 = owed.iter().map(|m| m.tiyn()).sum();
        let amount = total * i64::from(share) / 1000;
        let per = amount / methods.len() as i64;
        if per == 0 {
            return;
        }
        let amounts = vec![Money::from_tiyn(per); methods.len()];
        let split = allocate_many(&amounts, &owed).unwrap();
        for (m, parts) in methods.iter().zip(split) {
            let method = PaymentMethod::ALL[*m];
            let id = PaymentId(self.payments.len() as i64 + 1);
            self.payments.push((id, method, per, false, false));
            for (line, part) in parts.iter().enumerate().filter(|p| !p.1.is_zero()) {
                let a = AllocationId(self.allocations.len() as i64 + 1);
                self.allocations.push((a, id, line, part.tiyn(), 0));
            }
            self.entries.push(ShiftEntry::Payment {
                method,
                amount: Money::from_tiyn(per),
                voided: false,
            });
            if method == PaymentMethod::Cash {
                self.drawer += per;
            }
        }
    }

    fn refund(&mut self, request: &RefundRequest) {
        let Ok(plan) = request.plan(&self.refundable(), VisitAuthority::FrontDesk) else {
            return;
        };
        for planned in plan {
            for (a, _, amount) in &planned.parts {
                let alloc = self.allocations.iter_mut().find(|x| x.0 == *a).unwrap();
                alloc.4 += amount.tiyn();
                assert!(alloc.4 <= alloc.3, "Σ refunded ≤ allocated");
            }
            let p = self
                .payments
                .iter_mut()
                .find(|p| p.0 == planned.payment_id)
                .unwrap();
            p.4 = true;
            self.entries.push(ShiftEntry::Refund {
                method: planned.method,
                amount: planned.amount,
            });
            if planned.method == PaymentMethod::Cash {
                self.drawer -= planned.amount.tiyn();
            }
        }
    }

    fn void(&mut self, n: usize) {
        let Some(p) = self.payments.get_mut(n).filter(|p| !p.3 && !p.4) else {
            return;
        };
        p.3 = true;
        let (method, amount) = (p.1, p.2);
        if method == PaymentMethod::Cash {
            self.drawer -= amount;
        }
        // The shift's entry becomes a void (the store reads voided_at).
        let i = self.entries.iter().position(|e| matches!(e, ShiftEntry::Payment { voided: false, method: m, amount: a } if *m == method && a.tiyn() == amount)).unwrap();
        self.entries[i] = ShiftEntry::Payment {
            method,
            amount: Money::from_tiyn(amount),
            voided: true,
        };
    }
}

fn share(total: i64, per_mille: u16) -> i64 {
    (total * i64::from(per_mille) / 1000).max(1)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]
    #[test]
    fn a_tills_day_keeps_the_expected_cash_identity_and_every_visit_reconciles(
        lines in prop::collection::vec(0i64..5_000_000, 1..=4),
        float in 0i64..10_000_000,
        steps in prop::collection::vec(step(), 1..40),
    ) {
        let mut till = Till { lines, drawer: float, ..Till::default() };
        for s in steps {
            match s {
                Step::Pay(share, methods) => till.pay(share, &methods),
                Step::Refund(per_mille) => {
                    let left: i64 = till.refundable().iter().map(|r| r.left.tiyn()).sum();
                    if left > 0 {
                        let amount = Money::from_tiyn(share(left, per_mille)).to_string();
                        till.refund(&RefundRequest::parse(Some(&amount), &[], None, Some("x")).unwrap());
                    }
                }
                Step::RefundLine(line, per_mille) => {
                    let line = line % till.lines.len();
                    let left = till.paid_on(line);
                    if left > 0 {
                        let amount = Money::from_tiyn(share(left, per_mille)).to_string();
                        till.refund(&RefundRequest::parse(None, &[(line as i64, &amount)], None, Some("x")).unwrap());
                    }
                }
                Step::Void(n) => till.void(n),
                Step::Move(cash_in, amount) => {
                    let kind = if cash_in { CashMovementKind::In } else { CashMovementKind::Out };
                    till.entries.push(ShiftEntry::Movement { kind, amount: Money::from_tiyn(amount) });
                    till.drawer += if cash_in { amount } else { -amount };
                }
            }
            // The expected-cash identity, after every step.
            let report = shift_report(Money::from_tiyn(float), &till.entries);
            prop_assert_eq!(report.cash.expected.tiyn(), till.drawer);
            // Every line: 0 ≤ paid ≤ price; the visit's paid is payments − refunds.
            for (l, price) in till.lines.iter().enumerate() {
                let paid = till.paid_on(l);
                prop_assert!(paid >= 0 && paid <= *price);
            }
            let live: i64 = till.payments.iter().filter(|p| !p.3).map(|p| p.2).sum();
            let refunded: i64 = till.allocations.iter().filter(|a| !till.voided(a.1)).map(|a| a.4).sum();
            let net: i64 = report.tenders.iter().map(|t| t.net.tiyn()).sum();
            prop_assert_eq!(net, live - refunded);
        }
        // Refunding the rest in full gives back exactly what is left: every line ends at zero.
        let left: i64 = till.refundable().iter().map(|r| r.left.tiyn()).sum();
        if left > 0 {
            till.refund(&RefundRequest::parse(Some(&Money::from_tiyn(left).to_string()), &[], None, Some("x")).unwrap());
        }
        for l in 0..till.lines.len() {
            prop_assert_eq!(till.paid_on(l), 0);
        }
    }
}
