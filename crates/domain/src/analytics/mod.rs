//! The arithmetic of the owner's dashboard (DESIGN §7): shares, averages and the "best" picks,
//! defined once so the API, the SPA and the tests agree to the tiyn and the hundredth of a percent.
//! The store aggregates in SQL; these functions turn its sums and counts into the answers.

mod period;
mod range;

pub use period::{BucketSums, Period};
pub use range::{DoctorSet, ReportRange, MAX_REPORT_DAYS, MAX_REPORT_DOCTORS};

use crate::money::Money;
use crate::visit_status::VisitStatus;

/// `part / whole` as a percentage rounded half-up to two decimals (`12.35`); 0 when `whole` is 0.
/// A number for display and charts, never for money.
pub fn share_percent(part: i64, whole: i64) -> f64 {
    if whole <= 0 {
        return 0.0;
    }
    // Basis points (hundredths of a percent), rounded half up, in i128 so nothing overflows.
    let bp = (i128::from(part) * 20_000 + i128::from(whole)) / (2 * i128::from(whole));
    bp as f64 / 100.0
}

/// `total / count` rounded half-up to the tiyn; zero when `count` is 0 (no paid visits yet).
pub fn average(total: Money, count: i64) -> Money {
    if count <= 0 {
        return Money::ZERO;
    }
    let t = i128::from(total.tiyn());
    let c = i128::from(count);
    let rounded = if t >= 0 {
        (2 * t + c) / (2 * c)
    } else {
        -((-2 * t + c) / (2 * c))
    };
    Money::from_tiyn(i64::try_from(rounded).unwrap_or(i64::MAX))
}

/// Every visit status in the order of a visit's life with its visits (0 for those absent from
/// `counts`) and its share of them all — the status pie lists every status, so a clinic sees a
/// zero rather than a missing slice.
pub fn status_shares(counts: &[(VisitStatus, i64)]) -> Vec<(VisitStatus, i64, f64)> {
    let all: i64 = counts.iter().map(|c| c.1).sum();
    VisitStatus::ALL
        .iter()
        .map(|&status| {
            let visits = counts.iter().filter(|c| c.0 == status).map(|c| c.1).sum();
            (status, visits, share_percent(visits, all))
        })
        .collect()
}

/// The best lead source: the highest revenue; ties go to more visits, then to the first listed.
/// `items` are `(code, revenue, visits)`; none when there is nothing in the range.
pub fn best_source<'a>(items: impl IntoIterator<Item = (&'a str, Money, i64)>) -> Option<&'a str> {
    let mut best: Option<(&str, Money, i64)> = None;
    for item in items {
        let better = match best {
            None => item.2 > 0 || item.1.is_positive(),
            Some(b) => (item.1, item.2) > (b.1, b.2),
        };
        if better {
            best = Some(item);
        }
    }
    best.map(|b| b.0)
}

/// The most popular payment method: the most visits paid with it; ties go to the larger amount,
/// then to the first listed. `items` are `(code, visits, amount)`.
pub fn most_popular<'a>(items: impl IntoIterator<Item = (&'a str, i64, Money)>) -> Option<&'a str> {
    let mut best: Option<(&str, i64, Money)> = None;
    for item in items {
        let better = match best {
            None => item.1 > 0,
            Some(b) => (item.1, item.2) > (b.1, b.2),
        };
        if better {
            best = Some(item);
        }
    }
    best.map(|b| b.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_status_is_listed_with_its_share_zero_ones_included() {
        let shares = status_shares(&[
            (VisitStatus::Scheduled, 3),
            (VisitStatus::NoShow, 1),
            (VisitStatus::Cancelled, 1),
        ]);
        assert_eq!(
            shares,
            vec![
                (VisitStatus::Scheduled, 3, 60.0),
                (VisitStatus::InProgress, 0, 0.0),
                (VisitStatus::Completed, 0, 0.0),
                (VisitStatus::NoShow, 1, 20.0),
                (VisitStatus::Cancelled, 1, 20.0),
            ]
        );
        assert!(status_shares(&[]).iter().all(|s| s.1 == 0 && s.2 == 0.0));
    }

    fn m(tenge: i64) -> Money {
        Money::from_tiyn(tenge * 100)
    }

    #[test]
    fn shares_round_half_up_to_hundredths() {
        assert_eq!(share_percent(1, 3), 33.33);
        assert_eq!(share_percent(2, 3), 66.67);
        assert_eq!(share_percent(1, 8), 12.5);
        assert_eq!(share_percent(1, 80_000), 0.0);
        assert_eq!(
            share_percent(1, 20_000),
            0.01,
            "half a basis point rounds up"
        );
        assert_eq!(share_percent(5, 5), 100.0);
        assert_eq!(share_percent(3, 0), 0.0, "nothing in the range");
    }

    #[test]
    fn thirds_still_sum_to_about_a_hundred() {
        let sum = share_percent(1, 3) + share_percent(1, 3) + share_percent(1, 3);
        assert!((sum - 100.0).abs() <= 0.02, "{sum}");
    }

    #[test]
    fn averages_round_to_the_tiyn() {
        assert_eq!(average(m(10), 3).to_string(), "3.33");
        assert_eq!(average(m(20), 3).to_string(), "6.67");
        assert_eq!(
            average(Money::from_tiyn(1), 2).to_string(),
            "0.01",
            "half a tiyn rounds up"
        );
        assert_eq!(average(m(100), 0), Money::ZERO);
    }

    #[test]
    fn the_best_source_has_the_most_revenue_then_the_most_visits() {
        assert_eq!(best_source([("a", m(100), 1), ("b", m(200), 1)]), Some("b"));
        assert_eq!(
            best_source([("a", m(100), 1), ("b", m(100), 2)]),
            Some("b"),
            "tie on revenue"
        );
        assert_eq!(
            best_source([("a", m(100), 2), ("b", m(100), 2)]),
            Some("a"),
            "full tie: first"
        );
        assert_eq!(
            best_source([("a", Money::ZERO, 0)]),
            None,
            "nothing happened"
        );
        assert_eq!(
            best_source([("a", Money::ZERO, 3)]),
            Some("a"),
            "visits without revenue count"
        );
    }

    #[test]
    fn the_most_popular_method_has_the_most_visits_then_the_most_money() {
        assert_eq!(
            most_popular([("card", 3, m(10)), ("cash", 2, m(500))]),
            Some("card")
        );
        assert_eq!(
            most_popular([("card", 2, m(10)), ("cash", 2, m(500))]),
            Some("cash")
        );
        assert_eq!(most_popular([("card", 0, Money::ZERO)]), None);
    }
}
