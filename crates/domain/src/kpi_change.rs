//! How a dashboard figure moved against the previous period of equal length — the change the old
//! dashboard showed under each KPI. Defined once: which period is "previous", and the change as a
//! percent (counts and amounts) or in percentage points (figures that are themselves percents).

use chrono::{Days, NaiveDate};

use crate::money::Money;

/// The period of as many days as `from..=to` that ends the day before `from` (a month of 30
/// days compares with the 30 days before it, a single day with the day before).
pub fn previous_period(from: NaiveDate, to: NaiveDate) -> (NaiveDate, NaiveDate) {
    let days = (to - from).num_days().max(0).unsigned_abs() + 1;
    let end = from.checked_sub_days(Days::new(1)).unwrap_or(from);
    let start = from.checked_sub_days(Days::new(days)).unwrap_or(from);
    (start, end)
}

/// A KPI's movement against the previous period.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Change {
    /// Relative change of a count or an amount, in percent to the hundredth (`12.5` = +12,50 %).
    Percent(f64),
    /// Difference of two percentages, in percentage points to the hundredth.
    Points(f64),
    /// The previous period had nothing, so no ratio exists (shown as "new", not as +∞ %).
    NoBase,
}

impl Change {
    /// The sign of the movement: positive up, negative down, zero flat or not comparable.
    pub fn signum(self) -> i8 {
        let v = match self {
            Change::Percent(v) | Change::Points(v) => v,
            Change::NoBase => 0.0,
        };
        if v > 0.0 {
            1
        } else if v < 0.0 {
            -1
        } else {
            0
        }
    }
}

/// The relative change of a count from `previous` to `current`, rounded half away from zero to a
/// hundredth of a percent; `NoBase` when `previous` is 0 and `current` is not.
pub fn count_change(current: i64, previous: i64) -> Change {
    relative(i128::from(current), i128::from(previous))
}

/// [`count_change`] for money, exact on the tiyn.
pub fn money_change(current: Money, previous: Money) -> Change {
    relative(i128::from(current.tiyn()), i128::from(previous.tiyn()))
}

fn relative(current: i128, previous: i128) -> Change {
    if previous == 0 {
        return if current == 0 {
            Change::Percent(0.0)
        } else {
            Change::NoBase
        };
    }
    // Basis points of the previous magnitude, so a move away from a negative amount keeps its sign.
    let num = (current - previous) * 10_000;
    let den = previous.abs();
    let bp = (2 * num.abs() + den) / (2 * den) * num.signum();
    Change::Percent(bp as f64 / 100.0)
}

/// The difference between two percentages (each already to the hundredth), in points.
pub fn points_change(current: f64, previous: f64) -> Change {
    Change::Points(((current - previous) * 100.0).round() / 100.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn the_previous_period_has_as_many_days_and_ends_the_day_before() {
        assert_eq!(
            previous_period(d(2026, 11, 1), d(2026, 11, 30)),
            (d(2026, 10, 2), d(2026, 10, 31))
        );
        assert_eq!(
            previous_period(d(2026, 11, 29), d(2026, 11, 29)),
            (d(2026, 11, 28), d(2026, 11, 28))
        );
        // Across a year and a leap day: 1–7 March 2028 compares with 23–29 February.
        assert_eq!(
            previous_period(d(2028, 3, 1), d(2028, 3, 7)),
            (d(2028, 2, 23), d(2028, 2, 29))
        );
        assert_eq!(
            previous_period(d(2027, 1, 1), d(2027, 1, 2)),
            (d(2026, 12, 30), d(2026, 12, 31))
        );
    }

    #[test]
    fn counts_and_money_change_in_percent_rounded_half_away_from_zero() {
        assert_eq!(count_change(150, 100), Change::Percent(50.0));
        assert_eq!(count_change(50, 100), Change::Percent(-50.0));
        assert_eq!(count_change(100, 100), Change::Percent(0.0));
        // 1/3 = 33.333… → 33.33; 2/3 → 66.67; -1/3 → -33.33
        assert_eq!(count_change(4, 3), Change::Percent(33.33));
        assert_eq!(count_change(5, 3), Change::Percent(66.67));
        assert_eq!(count_change(2, 3), Change::Percent(-33.33));
        // Exact on the tiyn: 10 000,01 vs 10 000,00 is +0.0001 % → 0.00.
        assert_eq!(
            money_change(Money::from_tiyn(1_000_001), Money::from_tiyn(1_000_000)),
            Change::Percent(0.0)
        );
        assert_eq!(
            money_change(Money::from_tiyn(1_000_050), Money::from_tiyn(1_000_000)),
            Change::Percent(0.01)
        );
        // Half a basis point rounds away from zero both ways.
        assert_eq!(count_change(20_001, 20_000), Change::Percent(0.01));
        assert_eq!(count_change(19_999, 20_000), Change::Percent(-0.01));
    }

    #[test]
    fn nothing_before_means_no_ratio_and_nothing_either_side_means_flat() {
        assert_eq!(count_change(5, 0), Change::NoBase);
        assert_eq!(count_change(0, 0), Change::Percent(0.0));
        assert_eq!(count_change(0, 7), Change::Percent(-100.0));
        assert_eq!(Change::NoBase.signum(), 0);
    }

    #[test]
    fn a_negative_previous_amount_keeps_the_direction_of_the_move() {
        // Refunds exceeding takings: -100 → 50 is up, by 150 % of the previous magnitude.
        assert_eq!(
            money_change(Money::from_tiyn(5_000), Money::from_tiyn(-10_000)),
            Change::Percent(150.0)
        );
        assert_eq!(
            money_change(Money::from_tiyn(-20_000), Money::from_tiyn(-10_000)).signum(),
            -1
        );
    }

    #[test]
    fn percentages_change_in_points() {
        assert_eq!(points_change(12.5, 10.0), Change::Points(2.5));
        assert_eq!(points_change(3.79, 4.12), Change::Points(-0.33));
        assert_eq!(points_change(0.0, 0.0).signum(), 0);
        assert_eq!(points_change(50.0, 25.0).signum(), 1);
    }
}
