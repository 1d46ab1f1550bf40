//! The clinic's time zone: where days begin and end for calendars, analytics and legacy import.
//!
//! Instants are stored in UTC; everything a person calls "a day" is computed here, from the tz
//! database — never a fixed offset. (Asia/Almaty moved from UTC+6 to UTC+5 on 1 March 2024; the old
//! system's fixed +6 put late-evening visits on the wrong day.)

use chrono::{
    DateTime, Datelike, Days, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, SecondsFormat,
    TimeZone, Utc,
};
use chrono_tz::Tz;

use crate::error::FieldViolation;

/// The one text form of an instant, in the database and on the wire: fixed-width RFC 3339 in UTC
/// with microseconds (`2026-11-25T07:30:00.000000Z`), which sorts as time does.
pub fn rfc3339(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Micros, true)
}

/// The configured zone (`EMHANA_TZ`, default `Asia/Almaty`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClinicZone(Tz);

impl Default for ClinicZone {
    fn default() -> Self {
        Self(chrono_tz::Asia::Almaty)
    }
}

impl ClinicZone {
    /// Parses an IANA zone name such as `Asia/Almaty`.
    pub fn parse(field: &str, name: &str) -> Result<Self, FieldViolation> {
        name.trim().parse::<Tz>().map(Self).map_err(|_| {
            FieldViolation::new(
                field,
                "invalid_time_zone",
                "Неизвестный часовой пояс (пример: Asia/Almaty)",
            )
        })
    }

    /// The IANA name.
    pub fn name(self) -> &'static str {
        self.0.name()
    }

    /// The clinic-local calendar date of an instant (what analytics group by).
    pub fn local_date(self, at: DateTime<Utc>) -> NaiveDate {
        at.with_timezone(&self.0).date_naive()
    }

    /// The clinic-local date and time of an instant (for display).
    pub fn local_datetime(self, at: DateTime<Utc>) -> NaiveDateTime {
        at.with_timezone(&self.0).naive_local()
    }

    /// A clinic-local date and wall-clock time as an instant. In a DST gap the time is moved
    /// forward to the first existing instant; in an overlap the earlier instant is taken.
    pub fn to_utc(self, date: NaiveDate, time: NaiveTime) -> DateTime<Utc> {
        let naive = date.and_time(time);
        match self.0.from_local_datetime(&naive) {
            LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => t.with_timezone(&Utc),
            LocalResult::None => {
                // Skip forward minute by minute out of the gap (gaps are at most a few hours).
                let mut probe = naive;
                for _ in 0..(24 * 60) {
                    probe += chrono::Duration::minutes(1);
                    if let LocalResult::Single(t) | LocalResult::Ambiguous(t, _) =
                        self.0.from_local_datetime(&probe)
                    {
                        return t.with_timezone(&Utc);
                    }
                }
                Utc.from_utc_datetime(&naive)
            }
        }
    }

    /// The instant a clinic-local day starts.
    pub fn day_start(self, date: NaiveDate) -> DateTime<Utc> {
        self.to_utc(date, NaiveTime::MIN)
    }

    /// The half-open instant range `[from 00:00, to + 1 day 00:00)` covering the clinic-local dates
    /// `from..=to` — the range every "from/to" filter means.
    pub fn date_range(self, from: NaiveDate, to: NaiveDate) -> (DateTime<Utc>, DateTime<Utc>) {
        let end = to.checked_add_days(Days::new(1)).unwrap_or(to);
        (self.day_start(from), self.day_start(end))
    }
}

/// The first day of the calendar quarter `day` is in (1 Jan, 1 Apr, 1 Jul, 1 Oct): the
/// dashboard's «квартал» quick ranges.
pub fn quarter_start(day: NaiveDate) -> NaiveDate {
    let month = day.month0() / 3 * 3 + 1;
    NaiveDate::from_ymd_opt(day.year(), month, 1).unwrap_or(day)
}

/// The previous calendar quarter of `day`'s, as (first, last) day.
pub fn previous_quarter(day: NaiveDate) -> (NaiveDate, NaiveDate) {
    let this = quarter_start(day);
    let last = this.pred_opt().unwrap_or(this);
    (quarter_start(last), last)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quarters_start_on_the_first_of_january_april_july_and_october() {
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(quarter_start(d(2026, 11, 29)), d(2026, 10, 1));
        assert_eq!(quarter_start(d(2026, 10, 1)), d(2026, 10, 1));
        assert_eq!(quarter_start(d(2026, 3, 31)), d(2026, 1, 1));
        assert_eq!(
            previous_quarter(d(2026, 11, 29)),
            (d(2026, 7, 1), d(2026, 9, 30))
        );
        assert_eq!(
            previous_quarter(d(2026, 2, 10)),
            (d(2025, 10, 1), d(2025, 12, 31)),
            "across the year"
        );
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn t(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).unwrap()
    }

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn almaty_is_utc_plus_5_since_march_2024_and_was_plus_6_before() {
        let z = ClinicZone::default();
        assert_eq!(
            z.to_utc(d(2026, 11, 25), t(10, 0)),
            utc("2026-11-25T05:00:00Z")
        );
        assert_eq!(
            z.to_utc(d(2024, 2, 29), t(10, 0)),
            utc("2024-02-29T04:00:00Z")
        );
        assert_eq!(
            z.to_utc(d(2024, 3, 1), t(10, 0)),
            utc("2024-03-01T05:00:00Z")
        );
    }

    #[test]
    fn a_visit_at_23_30_local_on_the_last_day_is_inside_the_range() {
        let z = ClinicZone::default();
        let (from, to) = z.date_range(d(2026, 11, 1), d(2026, 11, 30));
        assert_eq!(from, utc("2026-10-31T19:00:00Z"));
        assert_eq!(to, utc("2026-11-30T19:00:00Z"));
        let late = z.to_utc(d(2026, 11, 30), t(23, 30));
        assert_eq!(late, utc("2026-11-30T18:30:00Z"));
        assert!(from <= late && late < to);
        assert_eq!(
            z.local_date(late),
            d(2026, 11, 30),
            "a fixed +6 would say 1 December"
        );
        let next_midnight = z.to_utc(d(2026, 12, 1), t(0, 0));
        assert!(
            next_midnight >= to,
            "local midnight of the next day is outside"
        );
        assert_eq!(z.local_date(next_midnight), d(2026, 12, 1));
    }

    #[test]
    fn local_dates_follow_the_zone_not_utc() {
        let z = ClinicZone::default();
        assert_eq!(z.local_date(utc("2026-11-25T18:59:59Z")), d(2026, 11, 25));
        assert_eq!(z.local_date(utc("2026-11-25T19:00:00Z")), d(2026, 11, 26));
        assert_eq!(
            z.local_datetime(utc("2026-11-25T05:00:00Z")),
            d(2026, 11, 25).and_time(t(10, 0))
        );
    }

    #[test]
    fn dst_gaps_move_forward_and_overlaps_take_the_earlier_instant() {
        let berlin = ClinicZone::parse("tz", "Europe/Berlin").unwrap();
        // 2026-03-29 02:30 does not exist in Berlin (clocks jump 02:00 → 03:00 CEST = 01:00Z).
        assert_eq!(
            berlin.to_utc(d(2026, 3, 29), t(2, 30)),
            utc("2026-03-29T01:00:00Z")
        );
        // 2026-10-25 02:30 happens twice; the first is 00:30Z (CEST).
        assert_eq!(
            berlin.to_utc(d(2026, 10, 25), t(2, 30)),
            utc("2026-10-25T00:30:00Z")
        );
    }

    #[test]
    fn unknown_zones_are_refused() {
        assert_eq!(
            ClinicZone::parse("tz", "Asia/Almaty").unwrap().name(),
            "Asia/Almaty"
        );
        let e = ClinicZone::parse("tz", "UTC+6").unwrap_err();
        assert_eq!((e.field.as_str(), e.code), ("tz", "invalid_time_zone"));
    }
}
