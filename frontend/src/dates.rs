//! Days and times as the SPA writes and reads them: `%d.%m.%Y`-style patterns of the language
//! tables, `HH:MM` and ISO days. Written here instead of calling chrono's `format` and
//! `parse_from_str`, whose general strftime machinery cost the desk bundle ~12 KB of wasm for
//! the six fields these patterns use; chrono still does the calendar arithmetic.

use std::fmt::Write;

use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime, Timelike};

/// `at` written by `pattern`: `%Y` (four-digit year), `%m`, `%d`, `%H`, `%M`, `%S` (two digits
/// each) and `%%`; every other character as is (an unknown `%x` too, so a typo in a table shows).
pub fn stamp(pattern: &str, at: NaiveDateTime) -> String {
    let mut out = String::with_capacity(pattern.len() + 4);
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let field = chars.next();
        let _ = match field {
            Some('Y') => write!(out, "{:04}", at.year()),
            Some('m') => write!(out, "{:02}", at.month()),
            Some('d') => write!(out, "{:02}", at.day()),
            Some('H') => write!(out, "{:02}", at.hour()),
            Some('M') => write!(out, "{:02}", at.minute()),
            Some('S') => write!(out, "{:02}", at.second()),
            Some('%') => write!(out, "%"),
            Some(other) => write!(out, "%{other}"),
            None => write!(out, "%"),
        };
    }
    out
}

/// A day written by a day pattern (`%d.%m.%Y`, `%d/%m`).
pub fn day(pattern: &str, day: NaiveDate) -> String {
    stamp(pattern, day.and_time(NaiveTime::MIN))
}

/// `09:05`.
pub fn hm(time: NaiveTime) -> String {
    format!("{:02}:{:02}", time.hour(), time.minute())
}

/// A time field's `HH:MM` (the hour may have one digit); `None` for anything else.
pub fn parse_hm(text: &str) -> Option<NaiveTime> {
    let (hour, minute) = text.split_once(':')?;
    let digits = |s: &str, max_len: usize| {
        (!s.is_empty() && s.len() <= max_len && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse::<u32>().ok())
            .flatten()
    };
    if minute.len() != 2 {
        return None;
    }
    NaiveTime::from_hms_opt(digits(hour, 2)?, digits(minute, 2)?, 0)
}

/// An ISO day, `2026-11-30` (as date inputs and the API write it); `None` for anything else.
pub fn parse_day(text: &str) -> Option<NaiveDate> {
    let mut parts = text.split('-');
    let (year, month, day) = (parts.next()?, parts.next()?, parts.next()?);
    let all_digits = |s: &str, len: usize| s.len() == len && s.bytes().all(|b| b.is_ascii_digit());
    if parts.next().is_some()
        || !all_digits(year, 4)
        || !all_digits(month, 2)
        || !all_digits(day, 2)
    {
        return None;
    }
    NaiveDate::from_ymd_opt(year.parse().ok()?, month.parse().ok()?, day.parse().ok()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, mo, d)
            .and_then(|day| day.and_hms_opt(h, mi, s))
            .expect("valid")
    }

    #[test]
    fn stamps_every_field_as_chrono_does() {
        let t = at(2026, 3, 7, 9, 5, 4);
        for pattern in [
            "%d.%m.%Y",
            "%d.%m.%Y %H:%M",
            "%d.%m.%Y %H:%M:%S",
            "%d/%m/%Y %H:%M",
            "%d/%m",
            "%Y-%m-01",
            "100%% at %H",
        ] {
            assert_eq!(
                stamp(pattern, t),
                t.format(pattern).to_string(),
                "{pattern}"
            );
        }
        assert_eq!(stamp("%d.%m.%Y", at(33, 12, 31, 0, 0, 0)), "31.12.0033");
        assert_eq!(stamp("%q %", t), "%q %");
        assert_eq!(day("%d/%m", t.date()), "07/03");
    }

    #[test]
    fn writes_and_reads_times() {
        let t = NaiveTime::from_hms_opt(9, 5, 0).expect("valid");
        assert_eq!(hm(t), "09:05");
        assert_eq!(parse_hm("09:05"), Some(t));
        assert_eq!(parse_hm("9:05"), Some(t));
        assert_eq!(parse_hm("23:59").map(hm).as_deref(), Some("23:59"));
        for bad in [
            "24:00", "9:5", "09:60", "", ":", "09:05:00", "ab:cd", "-1:00", "123:00",
        ] {
            assert_eq!(parse_hm(bad), None, "{bad}");
        }
    }

    #[test]
    fn reads_iso_days_only() {
        let d = NaiveDate::from_ymd_opt(2026, 11, 30).expect("valid");
        assert_eq!(parse_day("2026-11-30"), Some(d));
        assert_eq!(
            parse_day("2028-02-29").map(|d| d.to_string()).as_deref(),
            Some("2028-02-29")
        );
        for bad in [
            "2026-02-29",
            "2026-13-01",
            "2026-11-31",
            "26-11-30",
            "2026-1-30",
            "2026-11-30x",
            "",
            "2026-11-30-1",
            " 2026-11-30",
        ] {
            assert_eq!(parse_day(bad), None, "{bad}");
        }
    }
}
