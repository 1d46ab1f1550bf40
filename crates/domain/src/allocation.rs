//! Splitting a payment over a visit's lines.
//!
//! Rule (DESIGN §4): each payment is split in proportion to each line's *outstanding* amount, in
//! whole tiyn, by the largest-remainder method, ties going to the earlier line. Invariants, pinned
//! by unit and property tests: the parts sum exactly to the payment; no line receives more than it
//! owes; paying the whole outstanding balance pays every line in full.

use crate::money::Money;
use crate::payment::PaymentRefusal;

/// Allocates `amount` over lines whose outstanding amounts are `outstanding` (same order as the
/// lines). Returns one part per line.
pub fn allocate(amount: Money, outstanding: &[Money]) -> Result<Vec<Money>, PaymentRefusal> {
    if !amount.is_positive() {
        return Err(PaymentRefusal::NotPositive);
    }
    if outstanding.iter().any(|o| o.is_negative()) {
        return Err(PaymentRefusal::NegativeOutstanding);
    }
    // i128 keeps amount × outstanding exact for any pair of i64 amounts.
    let total: i128 = outstanding.iter().map(|o| i128::from(o.tiyn())).sum();
    let pay = i128::from(amount.tiyn());
    if pay > total {
        let remaining = Money::from_tiyn(i64::try_from(total).unwrap_or(i64::MAX));
        return Err(PaymentRefusal::Overpayment { amount, remaining });
    }
    let mut parts: Vec<i128> = Vec::with_capacity(outstanding.len());
    let mut remainders: Vec<(i128, usize)> = Vec::with_capacity(outstanding.len());
    for (i, owed) in outstanding.iter().enumerate() {
        let share = pay * i128::from(owed.tiyn());
        parts.push(share / total);
        remainders.push((share % total, i));
    }
    let mut leftover = pay - parts.iter().sum::<i128>();
    // Largest remainder first; on equal remainders the earlier line (smaller index) first.
    remainders.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    for (remainder, i) in remainders {
        if leftover == 0 {
            break;
        }
        // Only lines with a remainder get a tiyn: their floor is strictly below what they owe.
        if remainder > 0 {
            parts[i] += 1;
            leftover -= 1;
        }
    }
    Ok(parts
        .into_iter()
        .map(|p| Money::from_tiyn(i64::try_from(p).unwrap_or(i64::MAX)))
        .collect())
}

/// Allocates several payments made together (e.g. 2000 by card + 3000 in cash), each in turn
/// against what is still outstanding after the ones before it. All or nothing: if their sum
/// exceeds the balance, nothing is allocated and the remaining balance is reported.
pub fn allocate_many(
    amounts: &[Money],
    outstanding: &[Money],
) -> Result<Vec<Vec<Money>>, PaymentRefusal> {
    if amounts.iter().any(|a| !a.is_positive()) {
        return Err(PaymentRefusal::NotPositive);
    }
    if outstanding.iter().any(|o| o.is_negative()) {
        return Err(PaymentRefusal::NegativeOutstanding);
    }
    let total: i128 = outstanding.iter().map(|o| i128::from(o.tiyn())).sum();
    let asked: i128 = amounts.iter().map(|a| i128::from(a.tiyn())).sum();
    if asked > total {
        let remaining = Money::from_tiyn(i64::try_from(total).unwrap_or(i64::MAX));
        let amount = Money::from_tiyn(i64::try_from(asked).unwrap_or(i64::MAX));
        return Err(PaymentRefusal::Overpayment { amount, remaining });
    }
    let mut left = outstanding.to_vec();
    let mut result = Vec::with_capacity(amounts.len());
    for amount in amounts {
        let parts = allocate(*amount, &left)?;
        for (owed, part) in left.iter_mut().zip(&parts) {
            *owed = Money::from_tiyn(owed.tiyn() - part.tiyn());
        }
        result.push(parts);
    }
    Ok(result)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(v: &[i64]) -> Vec<Money> {
        v.iter().copied().map(Money::from_tiyn).collect()
    }

    fn tenge(v: &[i64]) -> Vec<Money> {
        v.iter().map(|x| Money::from_tiyn(x * 100)).collect()
    }

    #[test]
    fn changelog_example_10000_over_5000_3000_8000() {
        // 10000 of 16000 owed: exact shares 3125, 1875, 5000.
        let parts = allocate(Money::from_tiyn(1_000_000), &tenge(&[5000, 3000, 8000]));
        assert_eq!(parts, Ok(tenge(&[3125, 1875, 5000])));
    }

    #[test]
    fn one_tiyn_over_three_equal_lines_goes_to_the_first() {
        assert_eq!(
            allocate(Money::from_tiyn(1), &t(&[100, 100, 100])),
            Ok(t(&[1, 0, 0]))
        );
        assert_eq!(
            allocate(Money::from_tiyn(2), &t(&[100, 100, 100])),
            Ok(t(&[1, 1, 0]))
        );
    }

    #[test]
    fn largest_remainder_wins_over_position() {
        // 5 over 1/2/4: exact 0.71, 1.43, 2.86 -> floors 0, 1, 2; remainders 5/7, 3/7, 6/7.
        assert_eq!(
            allocate(Money::from_tiyn(5), &t(&[1, 2, 4])),
            Ok(t(&[1, 1, 3]))
        );
        // Equal remainders: earlier lines first.
        assert_eq!(
            allocate(Money::from_tiyn(2), &t(&[1, 1, 1, 1])),
            Ok(t(&[1, 1, 0, 0]))
        );
        assert_eq!(
            allocate(Money::from_tiyn(50), &t(&[30, 30, 40])),
            Ok(t(&[15, 15, 20]))
        );
    }

    #[test]
    fn prices_that_do_not_divide_still_sum_exactly() {
        // Owed 1 000 001 tiyn; remainders order the leftover 3 tiyn to lines 3, 0, 1.
        let parts = allocate(
            Money::from_tiyn(1_000_000),
            &t(&[333_333, 333_333, 333_334, 1]),
        );
        assert_eq!(parts, Ok(t(&[333_333, 333_333, 333_333, 1])));
    }

    #[test]
    fn a_single_line_takes_the_whole_payment() {
        assert_eq!(allocate(Money::from_tiyn(700), &t(&[1_000])), Ok(t(&[700])));
    }

    #[test]
    fn zero_price_lines_never_receive_anything() {
        assert_eq!(
            allocate(Money::from_tiyn(500), &t(&[0, 1_000, 0])),
            Ok(t(&[0, 500, 0]))
        );
    }

    #[test]
    fn paying_everything_pays_every_line_in_full() {
        let owed = t(&[12_345, 1, 999_999, 0, 7]);
        let total: i64 = owed.iter().map(|m| m.tiyn()).sum();
        assert_eq!(allocate(Money::from_tiyn(total), &owed), Ok(owed));
    }

    #[test]
    fn refuses_overpayment_naming_the_remainder() {
        assert_eq!(
            allocate(Money::from_tiyn(1_001), &t(&[500, 500])),
            Err(PaymentRefusal::Overpayment {
                amount: Money::from_tiyn(1_001),
                remaining: Money::from_tiyn(1_000)
            })
        );
        assert_eq!(
            allocate(Money::from_tiyn(1), &t(&[0, 0])),
            Err(PaymentRefusal::Overpayment {
                amount: Money::from_tiyn(1),
                remaining: Money::ZERO
            })
        );
        assert_eq!(
            allocate(Money::from_tiyn(1), &[]),
            Err(PaymentRefusal::Overpayment {
                amount: Money::from_tiyn(1),
                remaining: Money::ZERO
            })
        );
    }

    #[test]
    fn refuses_non_positive_amounts_and_negative_outstanding() {
        assert_eq!(
            allocate(Money::ZERO, &t(&[5])),
            Err(PaymentRefusal::NotPositive)
        );
        assert_eq!(
            allocate(Money::from_tiyn(-1), &t(&[5])),
            Err(PaymentRefusal::NotPositive)
        );
        assert_eq!(
            allocate(Money::from_tiyn(1), &t(&[5, -1])),
            Err(PaymentRefusal::NegativeOutstanding)
        );
    }

    #[test]
    fn many_small_payments_end_exactly_paid() {
        let mut owed = tenge(&[5000, 3000, 8000]);
        let mut paid_total = 0;
        while owed.iter().any(|o| o.is_positive()) {
            let left: i64 = owed.iter().map(|o| o.tiyn()).sum();
            let amount = Money::from_tiyn(left.min(33_301)); // an odd amount each time
            let parts = allocate(amount, &owed).unwrap_or_default();
            assert_eq!(parts.iter().map(|p| p.tiyn()).sum::<i64>(), amount.tiyn());
            for (o, p) in owed.iter_mut().zip(&parts) {
                assert!(p <= o);
                *o = Money::from_tiyn(o.tiyn() - p.tiyn());
            }
            paid_total += amount.tiyn();
        }
        assert_eq!(paid_total, 1_600_000);
    }

    #[test]
    fn multi_method_payment_allocates_each_in_turn() {
        // 2000 card + 3000 cash over 5000/3000/8000.
        let parts = allocate_many(&tenge(&[2000, 3000]), &tenge(&[5000, 3000, 8000]));
        let parts = parts.unwrap_or_default();
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[0], tenge(&[625, 375, 1000]));
        // Then 3000 over what is left (4375 / 2625 / 7000): 937.50, 562.50, 1500.
        assert_eq!(parts[1], t(&[93_750, 56_250, 150_000]));
    }

    #[test]
    fn multi_method_overpayment_is_refused_as_a_whole() {
        assert_eq!(
            allocate_many(&tenge(&[2000, 3000]), &tenge(&[4000])),
            Err(PaymentRefusal::Overpayment {
                amount: Money::from_tiyn(500_000),
                remaining: Money::from_tiyn(400_000)
            })
        );
        assert_eq!(
            allocate_many(&tenge(&[2000, 0]), &tenge(&[4000])),
            Err(PaymentRefusal::NotPositive)
        );
    }
}
