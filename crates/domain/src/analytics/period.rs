//! The trend charts' steps (weeks, months) and the sums of several series per step.

use chrono::{Datelike, Days, NaiveDate};

use crate::error::FieldViolation;

/// The step of a trend chart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    /// Monday-based weeks.
    Week,
    /// Calendar months.
    Month,
}

impl Period {
    /// Every period.
    pub const ALL: [Period; 2] = [Self::Week, Self::Month];

    /// Stable code (query parameter).
    pub fn code(self) -> &'static str {
        match self {
            Self::Week => "week",
            Self::Month => "month",
        }
    }

    /// `week` | `month`.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.code() == code)
    }

    /// The `period` parameter: `week` when absent.
    pub fn parse(code: Option<&str>) -> Result<Self, FieldViolation> {
        Self::from_code(code.unwrap_or("week"))
            .ok_or_else(|| FieldViolation::new("period", "unknown", "Период: week или month"))
    }

    /// The first day of the bucket holding `day`.
    pub fn bucket(self, day: NaiveDate) -> NaiveDate {
        match self {
            Self::Week => day
                .checked_sub_days(Days::new(u64::from(day.weekday().num_days_from_monday())))
                .unwrap_or(day),
            Self::Month => day.with_day(1).unwrap_or(day),
        }
    }

    /// True when a whole calendar month always falls in one bucket, so a month's total (dated
    /// its first day) may stand for its days: months, not Monday-based weeks.
    pub fn holds_whole_months(self) -> bool {
        match self {
            Self::Week => false,
            Self::Month => true,
        }
    }

    /// Every bucket from the one holding `from` to the one holding `to`, in order. The next
    /// bucket is checked arithmetic: at the end of the calendar the list simply ends.
    pub fn buckets(self, from: NaiveDate, to: NaiveDate) -> Vec<NaiveDate> {
        let mut out = Vec::new();
        let mut next = Some(self.bucket(from));
        while let Some(b) = next.filter(|b| *b <= to) {
            out.push(b);
            next = match self {
                Self::Week => b.checked_add_days(Days::new(7)),
                Self::Month => b.checked_add_months(chrono::Months::new(1)),
            };
        }
        out
    }
}

/// Sums of several series (sources, methods, …) per week or month of a range: every bucket of
/// the range present (zeros included), series in the order their codes first appear.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BucketSums {
    period: Period,
    buckets: Vec<NaiveDate>,
    /// (code, label, one sum per bucket).
    series: Vec<(String, String, Vec<i64>)>,
}

impl BucketSums {
    /// Empty sums over the buckets of `from..=to`.
    pub fn new(period: Period, from: NaiveDate, to: NaiveDate) -> Self {
        Self {
            period,
            buckets: period.buckets(from, to),
            series: Vec::new(),
        }
    }

    /// Adds `value` to series `code` in the bucket of `day` (ignored when that bucket is not one of
    /// the range's).
    pub fn add(&mut self, code: &str, label: &str, day: NaiveDate, value: i64) {
        let Ok(bucket) = self.buckets.binary_search(&self.period.bucket(day)) else {
            return;
        };
        let pos = match self.series.iter().position(|s| s.0 == code) {
            Some(p) => p,
            None => {
                let len = self.buckets.len();
                self.series
                    .push((code.to_owned(), label.to_owned(), vec![0; len]));
                self.series.len() - 1
            }
        };
        self.series[pos].2[bucket] += value;
    }

    /// The buckets' first days.
    pub fn buckets(&self) -> &[NaiveDate] {
        &self.buckets
    }

    /// The series: (code, label, one sum per bucket).
    pub fn into_series(self) -> Vec<(String, String, Vec<i64>)> {
        self.series
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_month_total_dated_its_first_day_lands_in_the_bucket_of_its_days_only_for_months() {
        let first = NaiveDate::from_ymd_opt(2026, 6, 1).unwrap();
        let days: Vec<NaiveDate> = (0..30)
            .filter_map(|d| first.checked_add_days(Days::new(d)))
            .collect();
        for period in Period::ALL {
            let same_bucket = days
                .iter()
                .all(|d| period.bucket(*d) == period.bucket(first));
            assert_eq!(period.holds_whole_months(), same_bucket, "{period:?}");
        }
    }

    #[test]
    fn bucket_sums_fill_every_bucket_and_keep_first_seen_order() {
        let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
        let mut sums = BucketSums::new(Period::Month, d(9, 15), d(11, 2));
        sums.add("2gis", "2ГИС", d(10, 3), 2);
        sums.add("instagram", "Instagram", d(9, 20), 1);
        sums.add("2gis", "2ГИС", d(10, 30), 3);
        sums.add("2gis", "2ГИС", d(12, 1), 99);
        assert_eq!(sums.buckets(), &[d(9, 1), d(10, 1), d(11, 1)]);
        assert_eq!(
            sums.into_series(),
            vec![
                ("2gis".into(), "2ГИС".into(), vec![0, 5, 0]),
                ("instagram".into(), "Instagram".into(), vec![1, 0, 0]),
            ]
        );
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn weeks_start_on_monday_and_months_on_the_first() {
        assert_eq!(
            Period::Week.bucket(d(2026, 11, 25)),
            d(2026, 11, 23),
            "a Wednesday"
        );
        assert_eq!(
            Period::Week.bucket(d(2026, 11, 23)),
            d(2026, 11, 23),
            "a Monday"
        );
        assert_eq!(
            Period::Week.bucket(d(2026, 11, 29)),
            d(2026, 11, 23),
            "a Sunday"
        );
        assert_eq!(Period::Month.bucket(d(2026, 11, 25)), d(2026, 11, 1));
        assert_eq!(Period::from_code("day"), None);
    }

    #[test]
    fn buckets_cover_the_range_across_a_year_end() {
        assert_eq!(
            Period::Month.buckets(d(2026, 11, 15), d(2027, 1, 3)),
            [d(2026, 11, 1), d(2026, 12, 1), d(2027, 1, 1)]
        );
        assert_eq!(
            Period::Week.buckets(d(2026, 12, 30), d(2027, 1, 5)),
            [d(2026, 12, 28), d(2027, 1, 4)]
        );
    }

    #[test]
    fn buckets_end_at_the_end_of_the_calendar_instead_of_looping() {
        let last = NaiveDate::MAX;
        assert_eq!(Period::Month.buckets(last, last).len(), 1);
        assert_eq!(Period::Week.buckets(last, last).len(), 1);
        assert_eq!(Period::Week.bucket(NaiveDate::MIN), NaiveDate::MIN);
    }
}
