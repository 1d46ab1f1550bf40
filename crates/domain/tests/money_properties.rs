//! Property tests for the money invariants of DESIGN §4, over random visits and payment
//! sequences: allocations sum to the payment, no line is over-paid, a fully paid visit has every
//! line fully paid, and the derived status agrees with the sums.

use emhana_domain::payment::{check_payment, remaining};
use emhana_domain::PaymentRefusal;
use emhana_domain::{allocate, allocate_many, Money, PaymentStatus};
use proptest::prelude::*;

fn prices() -> impl Strategy<Value = Vec<i64>> {
    // Up to 8 lines, zero prices included, up to 10 million tenge each.
    prop::collection::vec(
        prop_oneof![Just(0i64), 1i64..1_000, 0i64..1_000_000_000],
        1..8,
    )
}

fn money(v: &[i64]) -> Vec<Money> {
    v.iter().copied().map(Money::from_tiyn).collect()
}

proptest! {
    #[test]
    fn allocation_sums_exactly_and_never_overpays_a_line(lines in prices(), pick in 0.0f64..=1.0) {
        let owed: i64 = lines.iter().sum();
        prop_assume!(owed > 0);
        // Any amount from 1 tiyn to the whole balance (pick is only used to choose the integer).
        let amount = 1 + ((owed - 1) as f64 * pick) as i64;
        let parts = allocate(Money::from_tiyn(amount), &money(&lines)).unwrap();
        prop_assert_eq!(parts.len(), lines.len());
        prop_assert_eq!(parts.iter().map(|p| p.tiyn()).sum::<i64>(), amount);
        for (part, line) in parts.iter().zip(&lines) {
            prop_assert!(part.tiyn() >= 0 && part.tiyn() <= *line);
        }
    }

    #[test]
    fn a_payment_sequence_ends_with_every_line_paid_and_status_agreeing(
        lines in prices(),
        chunks in prop::collection::vec(1i64..5_000_000, 1..40),
    ) {
        let total = Money::from_tiyn(lines.iter().sum());
        let mut left = money(&lines);
        let mut paid = Money::ZERO;
        let mut line_paid = vec![0i64; lines.len()];
        for chunk in chunks.iter().copied().chain(std::iter::once(i64::MAX)) {
            let rem = remaining(total, paid);
            if rem.is_zero() {
                break;
            }
            let amount = Money::from_tiyn(chunk.min(rem.tiyn()));
            paid = check_payment(total, paid, amount).unwrap();
            let parts = allocate(amount, &left).unwrap();
            for (i, part) in parts.iter().enumerate() {
                left[i] = Money::from_tiyn(left[i].tiyn() - part.tiyn());
                line_paid[i] += part.tiyn();
                prop_assert!(line_paid[i] <= lines[i]);
            }
            prop_assert_eq!(line_paid.iter().sum::<i64>(), paid.tiyn());
            let status = PaymentStatus::derive(total, paid);
            let expected = if paid >= total { PaymentStatus::Paid }
                else if paid.is_positive() { PaymentStatus::PartiallyPaid }
                else { PaymentStatus::Unpaid };
            prop_assert_eq!(status, expected);
        }
        prop_assert_eq!(paid, total);
        prop_assert_eq!(line_paid, lines);
        prop_assert_eq!(PaymentStatus::derive(total, paid), PaymentStatus::Paid);
    }

    #[test]
    fn overpaying_by_one_tiyn_is_always_refused(lines in prices(), paid_share in 0.0f64..=1.0) {
        let total: i64 = lines.iter().sum();
        let paid = (total as f64 * paid_share) as i64;
        let rem = total - paid;
        let refused = check_payment(Money::from_tiyn(total), Money::from_tiyn(paid), Money::from_tiyn(rem + 1));
        prop_assert!(refused.is_err());
        if rem > 0 {
            prop_assert!(check_payment(Money::from_tiyn(total), Money::from_tiyn(paid), Money::from_tiyn(rem)).is_ok());
        }
        let owed = money(&lines);
        prop_assert_eq!(
            allocate(Money::from_tiyn(total + 1), &owed),
            Err(PaymentRefusal::Overpayment { amount: Money::from_tiyn(total + 1), remaining: Money::from_tiyn(total) })
        );
    }

    #[test]
    fn multi_method_payments_keep_every_invariant(
        lines in prices(),
        amounts in prop::collection::vec(1i64..3_000_000, 1..4),
    ) {
        let total: i64 = lines.iter().sum();
        let asked: i64 = amounts.iter().sum();
        let result = allocate_many(&money(&amounts), &money(&lines));
        if asked > total {
            prop_assert_eq!(result, Err(PaymentRefusal::Overpayment { amount: Money::from_tiyn(asked), remaining: Money::from_tiyn(total) }));
        } else {
            let parts = result.unwrap();
            let mut per_line = vec![0i64; lines.len()];
            for (amount, split) in amounts.iter().zip(&parts) {
                prop_assert_eq!(split.iter().map(|p| p.tiyn()).sum::<i64>(), *amount);
                for (i, p) in split.iter().enumerate() {
                    per_line[i] += p.tiyn();
                }
            }
            for (got, line) in per_line.iter().zip(&lines) {
                prop_assert!(got <= line);
            }
            if asked == total {
                prop_assert_eq!(per_line, lines);
            }
        }
    }

    #[test]
    fn money_strings_round_trip(tiyn in -MAX..=MAX) {
        let m = Money::from_tiyn(tiyn);
        prop_assert_eq!(m.to_string().parse::<Money>(), Ok(m));
        prop_assert_eq!(Money::from_decimal(m.to_decimal()), Ok(m));
        prop_assert_eq!(Money::parse_user_input(&m.format_ui()), Ok(m));
    }
}

const MAX: i64 = emhana_domain::money::MAX_INPUT_TIYN;
