//! Regrouping the old system's per-line payments into Emhana payments.
//!
//! The Streamlit system stored one `appointment_service_payments` row per line and method: a
//! 10 000 ₸ card payment over two lines became two rows with the same method and timestamp. Emhana
//! keeps the payment (what the patient handed over) and its allocation over the lines. Rows with
//! the same method and timestamp on one visit are one payment; each row's amount stays on its own
//! line as far as that line's price allows (history kept as it was). What a row paid above its
//! line's price moves to the visit's other unpaid lines by the allocation rule; what exceeds the
//! whole visit stays unallocated and the visit is reported overpaid — the money was received, so
//! it is never dropped.

use crate::allocation::allocate;
use crate::money::Money;
use crate::payment::PaymentMethod;

/// One legacy payment row of a visit, already read exactly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LegacyPart {
    /// `appointment_service_payments.id` (for the report).
    pub legacy_id: i64,
    /// Index of its line in the visit's lines.
    pub line: usize,
    /// Method.
    pub method: PaymentMethod,
    /// The row's timestamp exactly as stored: equal text = the same payment.
    pub at: String,
    /// Amount.
    pub amount: Money,
}

/// One Emhana payment made of legacy rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegroupedPayment {
    /// Method.
    pub method: PaymentMethod,
    /// The shared timestamp text.
    pub at: String,
    /// Σ of its rows.
    pub amount: Money,
    /// Its split over the visit's lines (one entry per line); sums to `amount − unallocated`.
    pub allocations: Vec<Money>,
    /// What it paid above the whole visit's total (kept on the payment, on no line).
    pub unallocated: Money,
    /// The legacy rows it was made of.
    pub legacy_ids: Vec<i64>,
}

/// A row paid more than its line's price.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineExcess {
    /// The legacy payment row.
    pub legacy_id: i64,
    /// Its line's index.
    pub line: usize,
    /// Above the line's price.
    pub excess: Money,
    /// Of it, moved to the visit's other lines.
    pub moved: Money,
}

/// A visit's legacy payments, regrouped.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Regrouped {
    /// Payments in the order of their first row.
    pub payments: Vec<RegroupedPayment>,
    /// Paid per line (Σ allocations), never above the line's price.
    pub line_paid: Vec<Money>,
    /// Σ payments: what the visit's `paid` becomes.
    pub paid: Money,
    /// Rows that paid above their line's price.
    pub excesses: Vec<LineExcess>,
    /// Paid above the visit's total (0 unless overpaid).
    pub overpaid: Money,
}

/// Regroups a visit's legacy payment rows (`parts`, in the order they were taken) over lines
/// priced `prices`. Parts pointing past `prices` are a caller bug and are ignored.
pub fn regroup_payments(prices: &[Money], parts: &[LegacyPart]) -> Regrouped {
    let mut owed: Vec<i64> = prices.iter().map(|p| p.tiyn()).collect();
    let mut out = Regrouped {
        line_paid: vec![Money::ZERO; prices.len()],
        ..Regrouped::default()
    };
    let mut groups: Vec<(PaymentMethod, &str, Vec<&LegacyPart>)> = Vec::new();
    for part in parts.iter().filter(|p| p.line < prices.len()) {
        match groups
            .iter_mut()
            .find(|g| g.0 == part.method && g.1 == part.at)
        {
            Some(g) => g.2.push(part),
            None => groups.push((part.method, &part.at, vec![part])),
        }
    }
    for (method, at, rows) in groups {
        let mut alloc = vec![0_i64; prices.len()];
        let mut spill = 0_i64;
        let mut row_excess = Vec::new();
        for row in &rows {
            let take = row.amount.tiyn().min(owed[row.line]);
            alloc[row.line] += take;
            owed[row.line] -= take;
            let excess = row.amount.tiyn() - take;
            if excess > 0 {
                spill += excess;
                row_excess.push((row.legacy_id, row.line, excess));
            }
        }
        let room: i64 = owed.iter().sum();
        let moved_total = spill.min(room);
        if moved_total > 0 {
            let outstanding: Vec<Money> = owed.iter().map(|o| Money::from_tiyn(*o)).collect();
            // Cannot fail: 0 < moved_total <= Σ outstanding and no outstanding is negative.
            if let Ok(parts) = allocate(Money::from_tiyn(moved_total), &outstanding) {
                for (i, p) in parts.iter().enumerate() {
                    alloc[i] += p.tiyn();
                    owed[i] -= p.tiyn();
                }
            }
        }
        // Attribute what moved to the excess rows in their order (for the report).
        let mut left_to_attribute = moved_total;
        for (legacy_id, line, excess) in row_excess {
            let moved = excess.min(left_to_attribute);
            left_to_attribute -= moved;
            out.excesses.push(LineExcess {
                legacy_id,
                line,
                excess: Money::from_tiyn(excess),
                moved: Money::from_tiyn(moved),
            });
        }
        let amount: i64 = rows.iter().map(|r| r.amount.tiyn()).sum();
        let unallocated = spill - moved_total;
        out.overpaid = Money::from_tiyn(out.overpaid.tiyn() + unallocated);
        out.paid = Money::from_tiyn(out.paid.tiyn() + amount);
        for (paid, a) in out.line_paid.iter_mut().zip(&alloc) {
            *paid = Money::from_tiyn(paid.tiyn() + a);
        }
        out.payments.push(RegroupedPayment {
            method,
            at: at.to_owned(),
            amount: Money::from_tiyn(amount),
            allocations: alloc.into_iter().map(Money::from_tiyn).collect(),
            unallocated: Money::from_tiyn(unallocated),
            legacy_ids: rows.iter().map(|r| r.legacy_id).collect(),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use PaymentMethod::*;

    fn t(tenge: i64) -> Money {
        Money::from_tenge(tenge).unwrap()
    }

    fn part(id: i64, line: usize, method: PaymentMethod, at: &str, tenge: i64) -> LegacyPart {
        LegacyPart {
            legacy_id: id,
            line,
            method,
            at: at.into(),
            amount: t(tenge),
        }
    }

    #[test]
    fn rows_with_the_same_method_and_time_are_one_payment_split_as_recorded() {
        let r = regroup_payments(
            &[t(6000), t(4000)],
            &[
                part(1, 0, Card, "2025-10-18 10:00:00", 6000),
                part(2, 1, Card, "2025-10-18 10:00:00", 2000),
                part(3, 1, Cash, "2025-10-18 10:00:00", 2000),
            ],
        );
        assert_eq!(r.payments.len(), 2);
        assert_eq!(r.payments[0].amount, t(8000));
        assert_eq!(r.payments[0].allocations, vec![t(6000), t(2000)]);
        assert_eq!(r.payments[0].legacy_ids, vec![1, 2]);
        assert_eq!(r.payments[1].method, Cash);
        assert_eq!(r.payments[1].allocations, vec![Money::ZERO, t(2000)]);
        assert_eq!(r.line_paid, vec![t(6000), t(4000)]);
        assert_eq!(r.paid, t(10_000));
        assert!(r.excesses.is_empty());
        assert_eq!(r.overpaid, Money::ZERO);
    }

    #[test]
    fn same_method_at_another_time_is_another_payment() {
        let r = regroup_payments(
            &[t(5000)],
            &[
                part(1, 0, Card, "2025-10-18 10:00:00", 2000),
                part(2, 0, Card, "2025-10-19 10:00:00", 3000),
            ],
        );
        assert_eq!(r.payments.len(), 2);
        assert_eq!(r.paid, t(5000));
        assert_eq!(r.line_paid, vec![t(5000)]);
    }

    #[test]
    fn a_row_above_its_line_moves_the_excess_to_other_unpaid_lines() {
        let r = regroup_payments(&[t(5000), t(3000)], &[part(7, 0, Cash, "x", 6000)]);
        assert_eq!(r.payments[0].allocations, vec![t(5000), t(1000)]);
        assert_eq!(
            r.excesses,
            vec![LineExcess {
                legacy_id: 7,
                line: 0,
                excess: t(1000),
                moved: t(1000)
            }]
        );
        assert_eq!(r.overpaid, Money::ZERO);
        assert_eq!(r.paid, t(6000));
    }

    #[test]
    fn what_exceeds_the_whole_visit_stays_on_the_payment_unallocated() {
        let r = regroup_payments(
            &[t(5000)],
            &[part(1, 0, Card, "a", 5000), part(2, 0, Qr, "b", 200)],
        );
        assert_eq!(r.paid, t(5200));
        assert_eq!(r.overpaid, t(200));
        assert_eq!(r.line_paid, vec![t(5000)]);
        assert_eq!(r.payments[1].unallocated, t(200));
        assert_eq!(r.payments[1].allocations, vec![Money::ZERO]);
        assert_eq!(r.excesses[0].moved, Money::ZERO);
    }

    #[test]
    fn zero_priced_lines_and_no_payments() {
        let r = regroup_payments(&[Money::ZERO], &[]);
        assert!(r.payments.is_empty());
        assert_eq!(r.paid, Money::ZERO);
        let r = regroup_payments(&[Money::ZERO], &[part(1, 0, Cash, "a", 100)]);
        assert_eq!(r.overpaid, t(100));
        assert_eq!(r.line_paid, vec![Money::ZERO]);
    }

    #[test]
    fn sums_are_exact_in_tiyn() {
        let third = Money::from_tiyn(333_333);
        let parts: Vec<LegacyPart> = (0..3)
            .map(|i| LegacyPart {
                legacy_id: i,
                line: i as usize,
                method: Transfer,
                at: "t".into(),
                amount: third,
            })
            .collect();
        let r = regroup_payments(&[Money::from_tiyn(333_334), third, third], &parts);
        assert_eq!(r.paid, Money::from_tiyn(999_999));
        let allocated: i64 = r.payments[0].allocations.iter().map(|m| m.tiyn()).sum();
        assert_eq!(allocated, 999_999);
    }
}
