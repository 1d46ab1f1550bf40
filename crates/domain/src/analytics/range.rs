//! What a report covers: clinic-local days and the doctors (all, one, or several at once).

use chrono::NaiveDate;

use crate::error::{FieldViolation, Violations};
use crate::ids::DoctorId;
use crate::validation::parse_date_range;

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

    /// The whole calendar months inside the range, as (first day of the first, last day of the
    /// last); none when no month lies wholly inside. Sums over a long range read these months'
    /// month rows and only the days before and after them day by day.
    pub fn whole_months(&self) -> Option<(NaiveDate, NaiveDate)> {
        use chrono::Datelike;
        let first = if self.from.day() == 1 {
            self.from
        } else {
            self.from
                .checked_add_months(chrono::Months::new(1))?
                .with_day(1)?
        };
        let after_to = self.to.succ_opt()?;
        let last = if after_to.day() == 1 {
            self.to
        } else {
            self.to.with_day(1)?.pred_opt()?
        };
        (first < last).then_some((first, last))
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analytics::Period;

    #[test]
    fn whole_months_are_the_calendar_months_wholly_inside_the_range() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        let months = |from, to| {
            ReportRange {
                from,
                to,
                doctors: DoctorSet::ALL,
            }
            .whole_months()
        };
        // A year ending mid-month: the first whole month after `from`, the last before `to`.
        assert_eq!(
            months(d(2025, 11, 29), d(2026, 11, 28)),
            Some((d(2025, 12, 1), d(2026, 10, 31)))
        );
        // Edges on month boundaries are whole months themselves (February of a leap year too).
        assert_eq!(
            months(d(2024, 2, 1), d(2024, 2, 29)),
            Some((d(2024, 2, 1), d(2024, 2, 29)))
        );
        assert_eq!(
            months(d(2023, 2, 1), d(2023, 2, 28)),
            Some((d(2023, 2, 1), d(2023, 2, 28)))
        );
        assert_eq!(
            months(d(2025, 12, 31), d(2026, 2, 28)),
            Some((d(2026, 1, 1), d(2026, 2, 28)))
        );
        // No whole month: inside one month, or across a boundary without a full month.
        assert_eq!(months(d(2026, 3, 1), d(2026, 3, 30)), None);
        assert_eq!(
            months(d(2026, 3, 2), d(2026, 4, 30)),
            Some((d(2026, 4, 1), d(2026, 4, 30)))
        );
        assert_eq!(months(d(2026, 3, 2), d(2026, 4, 29)), None);
        assert_eq!(months(d(2026, 3, 5), d(2026, 3, 5)), None);
        // The calendar's end: no day after `to`, so no month is claimed.
        assert_eq!(months(NaiveDate::MAX, NaiveDate::MAX), None);
    }

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
}
