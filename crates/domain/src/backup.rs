//! Which backups to keep: grandfather-father-son retention over the instants backups were taken
//! (clinic-local), so a clinic has the last week day by day, the last month week by week and the
//! last year month by month — and never loses its newest copy.

use std::collections::BTreeSet;

use chrono::{Datelike, NaiveDateTime};

/// How many of each period to keep.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retention {
    /// Newest backup of each of the last N days that have one.
    pub daily: usize,
    /// Newest backup of each of the last N ISO weeks that have one.
    pub weekly: usize,
    /// Newest backup of each of the last N months that have one.
    pub monthly: usize,
}

impl Default for Retention {
    /// 7 daily, 4 weekly, 12 monthly.
    fn default() -> Self {
        Self {
            daily: 7,
            weekly: 4,
            monthly: 12,
        }
    }
}

/// A retention period kind.
#[derive(Debug, Clone, Copy)]
enum Bucket {
    Day,
    Week,
    Month,
}

impl Bucket {
    /// The period holding `t`: (year, day of year | ISO week | month).
    fn of(self, t: &NaiveDateTime) -> (i32, u32) {
        match self {
            Self::Day => (t.year(), t.ordinal()),
            Self::Week => (t.iso_week().year(), t.iso_week().week()),
            Self::Month => (t.year(), t.month()),
        }
    }
}

/// The indices into `taken` of the backups to keep; every other one may be deleted. For each
/// period kind, walking from the newest backup back, the first backup of each distinct period is
/// kept until that kind's count of periods is reached. The newest backup is always kept.
pub fn retained(taken: &[NaiveDateTime], keep: Retention) -> BTreeSet<usize> {
    let mut order: Vec<usize> = (0..taken.len()).collect();
    order.sort_by(|a, b| taken[*b].cmp(&taken[*a]));
    let mut out = BTreeSet::new();
    out.extend(order.first().copied());
    for (bucket, count) in [
        (Bucket::Day, keep.daily),
        (Bucket::Week, keep.weekly),
        (Bucket::Month, keep.monthly),
    ] {
        let mut seen = Vec::new();
        for &i in &order {
            if seen.len() == count {
                break;
            }
            let p = bucket.of(&taken[i]);
            if !seen.contains(&p) {
                seen.push(p);
                out.insert(i);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, NaiveDate};

    fn at(y: i32, m: u32, d: u32, h: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, m, d)
            .unwrap()
            .and_hms_opt(h, 0, 0)
            .unwrap()
    }

    #[test]
    fn a_year_of_nightly_backups_keeps_exactly_the_promised_set() {
        // Every night at 02:00 from 2025-11-01 to 2026-11-28 (a Saturday), plus one manual copy.
        let first = at(2025, 11, 1, 2);
        let mut taken: Vec<NaiveDateTime> = (0..=392).map(|n| first + Duration::days(n)).collect();
        taken.push(at(2026, 11, 28, 15));
        let kept: Vec<NaiveDateTime> = retained(&taken, Retention::default())
            .into_iter()
            .map(|i| taken[i])
            .collect();
        let mut expected: BTreeSet<NaiveDateTime> = BTreeSet::new();
        // 7 days: the 28th's newest (15:00) and the nights of the 22nd..27th.
        expected.insert(at(2026, 11, 28, 15));
        for d in 22..=27 {
            expected.insert(at(2026, 11, d, 2));
        }
        // 4 ISO weeks, newest of each: Sat 28th 15:00 (already), Sun 22nd, 15th, 8th.
        for d in [22, 15, 8] {
            expected.insert(at(2026, 11, d, 2));
        }
        // 12 months, newest of each: Nov 2026 (already), Oct 2026 … Dec 2025 (their last nights).
        for (y, m, d) in [
            (2026, 10, 31),
            (2026, 9, 30),
            (2026, 8, 31),
            (2026, 7, 31),
            (2026, 6, 30),
            (2026, 5, 31),
            (2026, 4, 30),
            (2026, 3, 31),
            (2026, 2, 28),
            (2026, 1, 31),
            (2025, 12, 31),
        ] {
            expected.insert(at(y, m, d, 2));
        }
        assert_eq!(kept, expected.into_iter().collect::<Vec<_>>());
    }

    #[test]
    fn the_newest_is_kept_even_with_nothing_to_keep_and_empty_is_empty() {
        let none = Retention {
            daily: 0,
            weekly: 0,
            monthly: 0,
        };
        let taken = [at(2026, 1, 1, 2), at(2026, 1, 2, 2)];
        assert_eq!(retained(&taken, none).into_iter().collect::<Vec<_>>(), [1]);
        assert!(retained(&[], Retention::default()).is_empty());
    }

    #[test]
    fn several_copies_on_one_day_keep_only_the_newest_of_that_day() {
        let taken = [at(2026, 3, 1, 2), at(2026, 3, 1, 12), at(2026, 3, 1, 9)];
        let keep = Retention {
            daily: 7,
            weekly: 0,
            monthly: 0,
        };
        assert_eq!(retained(&taken, keep).into_iter().collect::<Vec<_>>(), [1]);
    }
}
