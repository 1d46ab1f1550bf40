//! The arithmetic of the owner's dashboard (DESIGN §7): shares, averages and the "best" picks,
//! defined once so the API, the SPA and the tests agree to the tiyn and the hundredth of a percent.
//! The store aggregates in SQL; these functions turn its sums and counts into the answers.

use chrono::{Datelike, Days, NaiveDate};

use crate::error::{FieldViolation, Violations};
use crate::ids::DoctorId;
use crate::money::Money;
use crate::validation::parse_date_range;
use crate::visit_status::VisitStatus;

/// Longest range a report covers (a few years of daily points).
pub const MAX_REPORT_DAYS: i64 = 3 * 366;

/// What every report is asked for: clinic-local days `from..=to` and the doctors (all, one or
/// several). The one range type from the query to the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReportRange {
    /// First day.
    pub from: NaiveDate,
    /// Last day (inclusive).
    pub to: NaiveDate,
    /// Only these doctors' visits (and the payments for them).
    pub doctors: DoctorSet,
}

impl ReportRange {
    /// Both days required, `to` not before `from`, at most [`MAX_REPORT_DAYS`]; the doctors as
    /// [`DoctorSet::parse`] reads them. Every violation is reported at once.
    pub fn parse(
        from: Option<&str>,
        to: Option<&str>,
        doctor_id: Option<i64>,
        doctor_ids: Option<&str>,
    ) -> Result<Self, Violations> {
        let days = parse_date_range(from, to, MAX_REPORT_DAYS);
        let mut v = Violations::default();
        let doctors = v.check(DoctorSet::parse(doctor_id, doctor_ids));
        match (days, doctors) {
            (Ok((from, to)), Some(doctors)) => Ok(Self { from, to, doctors }),
            (Ok(_), None) => Err(v),
            (Err(mut days), _) => {
                days.0.extend(v.0);
                Err(days)
            }
        }
    }

    /// Every day of the range in order (checked arithmetic: the calendar's end ends the list).
    pub fn days(&self) -> impl Iterator<Item = NaiveDate> + '_ {
        std::iter::successors(Some(self.from), |d| d.succ_opt()).take_while(|d| *d <= self.to)
    }

    /// Every day of the range with its row, if `rows` (in day order, days with nothing left out,
    /// as the store answers) has one: the daily reports show zero days too.
    pub fn every_day<T>(
        &self,
        rows: Vec<T>,
        day_of: impl Fn(&T) -> NaiveDate,
    ) -> Vec<(NaiveDate, Option<T>)> {
        let mut rows = rows.into_iter().peekable();
        self.days()
            .map(|day| (day, rows.next_if(|r| day_of(r) == day)))
            .collect()
    }
}

/// The most doctors one report may name at once (all of them: name none).
pub const MAX_REPORT_DOCTORS: usize = 32;

/// Which doctors a report covers: all, or a set of up to [`MAX_REPORT_DOCTORS`] (sorted,
/// without repeats). A fixed array, so [`ReportRange`] stays `Copy` through the ~30 places that
/// pass it on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DoctorSet {
    ids: [i64; MAX_REPORT_DOCTORS],
    len: usize,
}

impl DoctorSet {
    /// Every doctor (no filter).
    pub const ALL: DoctorSet = DoctorSet {
        ids: [0; MAX_REPORT_DOCTORS],
        len: 0,
    };

    /// One doctor.
    pub fn one(id: DoctorId) -> Self {
        let mut set = Self::ALL;
        set.ids[0] = id.0;
        set.len = 1;
        set
    }

    /// The doctors named (none: every doctor).
    pub fn ids(&self) -> &[i64] {
        &self.ids[..self.len]
    }

    /// True when the report covers every doctor.
    pub fn is_all(&self) -> bool {
        self.len == 0
    }

    /// The doctor, when exactly one is named.
    pub fn single(&self) -> Option<DoctorId> {
        (self.len == 1).then(|| DoctorId(self.ids[0]))
    }

    /// True when two or more doctors are named: counts of distinct patients then need one pass
    /// over their visits (per-doctor counts cannot be added: a patient of two would count twice).
    pub fn is_several(&self) -> bool {
        self.len > 1
    }

    /// Parses `doctor_id` (one) and `doctor_ids` (comma-separated); both given, a repeat-free
    /// list over the limit or a non-positive id is a violation naming the field.
    pub fn parse(doctor_id: Option<i64>, doctor_ids: Option<&str>) -> Result<Self, FieldViolation> {
        let list = match (
            doctor_id,
            doctor_ids.map(str::trim).filter(|s| !s.is_empty()),
        ) {
            (None, None) => return Ok(Self::ALL),
            (Some(_), Some(_)) => {
                return Err(FieldViolation::new(
                    "doctor_ids",
                    "conflict",
                    "Укажите либо doctor_id, либо doctor_ids",
                ))
            }
            (Some(id), None) => vec![id],
            (None, Some(text)) => text
                .split(',')
                .map(|part| part.trim().parse::<i64>())
                .collect::<Result<Vec<_>, _>>()
                .map_err(|_| {
                    FieldViolation::new(
                        "doctor_ids",
                        "invalid",
                        "Врачи: номера через запятую (1,2,3)",
                    )
                })?,
        };
        let field = if doctor_id.is_some() {
            "doctor_id"
        } else {
            "doctor_ids"
        };
        if list.iter().any(|id| *id < 1) {
            return Err(FieldViolation::new(
                field,
                "invalid",
                "Номер врача — целое число больше 0",
            ));
        }
        let mut list = list;
        list.sort_unstable();
        list.dedup();
        if list.len() > MAX_REPORT_DOCTORS {
            return Err(FieldViolation::new(
                field,
                "too_many",
                format!("Не больше {MAX_REPORT_DOCTORS} врачей за раз; для всех врачей не указывайте ни одного"),
            ));
        }
        let mut set = Self::ALL;
        set.ids[..list.len()].copy_from_slice(&list);
        set.len = list.len();
        Ok(set)
    }
}

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

    #[test]
    fn every_day_of_the_range_is_listed_with_its_row_or_none() {
        let d = |day| NaiveDate::from_ymd_opt(2026, 11, day).unwrap();
        let range = ReportRange {
            from: d(27),
            to: d(30),
            doctors: DoctorSet::ALL,
        };
        let days = range.every_day(vec![(d(28), 5), (d(30), 7)], |r| r.0);
        assert_eq!(
            days,
            vec![
                (d(27), None),
                (d(28), Some((d(28), 5))),
                (d(29), None),
                (d(30), Some((d(30), 7)))
            ]
        );
    }

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
    use super::*;

    #[test]
    fn doctor_sets_are_parsed_sorted_without_repeats_and_bounded() {
        assert!(DoctorSet::parse(None, None).unwrap().is_all());
        assert!(
            DoctorSet::parse(None, Some(" ")).unwrap().is_all(),
            "empty list: every doctor"
        );
        let one = DoctorSet::parse(Some(7), None).unwrap();
        assert_eq!((one.single(), one.is_several()), (Some(DoctorId(7)), false));
        assert_eq!(
            DoctorSet::parse(None, Some("7")).unwrap(),
            one,
            "a list of one is one doctor"
        );
        let set = DoctorSet::parse(None, Some("12, 3,12,5")).unwrap();
        assert_eq!(set.ids(), &[3, 5, 12]);
        assert!(set.is_several() && set.single().is_none() && !set.is_all());
        for (id, ids, field, code) in [
            (Some(1), Some("2"), "doctor_ids", "conflict"),
            (None, Some("1,,2"), "doctor_ids", "invalid"),
            (None, Some("1;2"), "doctor_ids", "invalid"),
            (None, Some("0,2"), "doctor_ids", "invalid"),
            (Some(-4), None, "doctor_id", "invalid"),
        ] {
            let err = DoctorSet::parse(id, ids).unwrap_err();
            assert_eq!(
                (err.field.as_str(), err.code),
                (field, code),
                "{id:?} {ids:?}"
            );
        }
        let max: Vec<String> = (1..=MAX_REPORT_DOCTORS as i64)
            .map(|i| i.to_string())
            .collect();
        assert_eq!(
            DoctorSet::parse(None, Some(&max.join(",")))
                .unwrap()
                .ids()
                .len(),
            MAX_REPORT_DOCTORS
        );
        let over = format!("{},999", max.join(","));
        assert_eq!(
            DoctorSet::parse(None, Some(&over)).unwrap_err().code,
            "too_many"
        );
    }

    #[test]
    fn a_report_range_lists_its_days_and_refuses_a_bad_period() {
        let r = ReportRange::parse(Some("2026-02-27"), Some("2026-03-01"), Some(2), None).unwrap();
        assert_eq!(r.doctors.single(), Some(DoctorId(2)));
        assert_eq!(r.days().count(), 3);
        let end = ReportRange {
            from: NaiveDate::MAX,
            to: NaiveDate::MAX,
            doctors: DoctorSet::ALL,
        };
        assert_eq!(end.days().count(), 1);
        assert!(ReportRange::parse(Some("2026-03-02"), Some("2026-03-01"), None, None).is_err());
        let both = ReportRange::parse(Some("2026-03-02"), Some("2026-03-01"), None, Some("x"))
            .unwrap_err();
        let fields: Vec<_> = both.0.iter().map(|v| v.field.as_str()).collect();
        assert!(
            fields.contains(&"doctor_ids") && fields.len() >= 2,
            "{fields:?}: days and doctors at once"
        );
        assert_eq!(Period::parse(None), Ok(Period::Week));
        assert_eq!(Period::parse(Some("day")).unwrap_err().field, "period");
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
