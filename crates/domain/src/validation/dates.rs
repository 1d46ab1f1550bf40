//! Dates and instants from people and integrators: ISO days, RFC 3339 instants, birth dates and
//! report/list periods — all inside one sane window, so every endpoint refuses the same way and
//! no date arithmetic on accepted input can overflow.

use chrono::{Datelike, NaiveDate};

use crate::error::{FieldViolation, Violations};

/// A birth date: not in the future (relative to the clinic's `today`) and not before 1900.
pub fn parse_birth_date(
    field: &str,
    date: NaiveDate,
    today: NaiveDate,
) -> Result<NaiveDate, FieldViolation> {
    if date > today {
        return Err(FieldViolation::new(
            field,
            "in_future",
            "Дата рождения не может быть в будущем",
        ));
    }
    if date.year() < 1900 {
        return Err(FieldViolation::new(
            field,
            "too_old",
            "Проверьте год рождения",
        ));
    }
    Ok(date)
}

/// The earliest calendar day the API accepts anywhere (dates, instants, periods).
pub const EARLIEST_DATE: NaiveDate = match NaiveDate::from_ymd_opt(1900, 1, 1) {
    Some(d) => d,
    None => NaiveDate::MIN,
};
/// The latest calendar day the API accepts anywhere. The window keeps every stored instant in
/// the fixed-width text form the database compares, and every date sum far from chrono's limits
/// (a period's end + 1 day, a trend's next month), so no arithmetic on accepted input overflows.
pub const LATEST_DATE: NaiveDate = match NaiveDate::from_ymd_opt(2199, 12, 31) {
    Some(d) => d,
    None => NaiveDate::MAX,
};

/// Refuses a day outside [`EARLIEST_DATE`]..=[`LATEST_DATE`], naming the field.
fn check_window(field: &str, date: NaiveDate) -> Result<(), FieldViolation> {
    if (EARLIEST_DATE..=LATEST_DATE).contains(&date) {
        Ok(())
    } else {
        Err(FieldViolation::new(
            field,
            "out_of_range",
            "Дата должна быть между 1900-01-01 и 2199-12-31",
        ))
    }
}

/// An instant from the API: RFC 3339 with an offset (`2026-11-26T10:00:00+05:00` or `...Z`),
/// whose UTC day lies in the accepted window.
pub fn parse_instant(
    field: &str,
    input: &str,
) -> Result<chrono::DateTime<chrono::Utc>, FieldViolation> {
    let at = chrono::DateTime::parse_from_rfc3339(input.trim())
        .map(|t| t.with_timezone(&chrono::Utc))
        .map_err(|_| {
            FieldViolation::new(
                field,
                "invalid_datetime",
                "Дата и время в формате 2026-11-26T10:00:00+05:00",
            )
        })?;
    check_window(field, at.date_naive())?;
    Ok(at)
}

/// A calendar date in ISO form (`YYYY-MM-DD`, four-digit year) inside the accepted window.
pub fn parse_iso_date(field: &str, input: &str) -> Result<NaiveDate, FieldViolation> {
    let s = input.trim();
    // chrono's `%Y` also reads signed and five-digit years (`+262142-12-31`): only YYYY-MM-DD.
    let shaped = s.len() == 10
        && s.bytes().enumerate().all(|(i, b)| match i {
            4 | 7 => b == b'-',
            _ => b.is_ascii_digit(),
        });
    let date = shaped
        .then(|| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
        .flatten()
        .ok_or_else(|| FieldViolation::new(field, "invalid_date", "Дата в формате ГГГГ-ММ-ДД"))?;
    check_window(field, date)?;
    Ok(date)
}

/// Records `to` before `from`, or a period longer than `max_days`, under `to`.
fn check_period(from: NaiveDate, to: NaiveDate, max_days: i64, v: &mut Violations) {
    if to < from {
        v.0.push(FieldViolation::new(
            "to",
            "before_from",
            "Конец периода раньше начала",
        ));
    } else if (to - from).num_days() >= max_days {
        v.0.push(FieldViolation::new(
            "to",
            "too_long",
            format!("Период — не длиннее {max_days} дней"),
        ));
    }
}

/// A report's period (`?from=&to=`, `YYYY-MM-DD`): both required, `to` not before `from`, at
/// most `max_days` days. Every problem is reported under its field.
pub fn parse_date_range(
    from: Option<&str>,
    to: Option<&str>,
    max_days: i64,
) -> Result<(NaiveDate, NaiveDate), Violations> {
    let mut v = Violations::default();
    let mut day = |field: &str, value: Option<&str>| match value {
        Some(d) => v.check(parse_iso_date(field, d)),
        None => {
            v.0.push(FieldViolation::new(field, "required", "Укажите дату"));
            None
        }
    };
    let (from, to) = (day("from", from), day("to", to));
    if let (Some(f), Some(t)) = (from, to) {
        check_period(f, t, max_days, &mut v);
    }
    match (from, to) {
        (Some(from), Some(to)) if v.0.is_empty() => Ok((from, to)),
        _ => Err(v),
    }
}

/// A list filter's period: each day optional; when both are given, `to` is not before `from`.
/// Problems go into `v` (the caller collects its other filters' problems too).
pub fn parse_optional_period(
    from: Option<&str>,
    to: Option<&str>,
    v: &mut Violations,
) -> (Option<NaiveDate>, Option<NaiveDate>) {
    let from = from.and_then(|d| v.check(parse_iso_date("from", d)));
    let to = to.and_then(|d| v.check(parse_iso_date("to", d)));
    if let (Some(f), Some(t)) = (from, to) {
        check_period(f, t, i64::MAX, v);
    }
    (from, to)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn report_periods_need_both_days_in_order_and_bounded() {
        let r = parse_date_range(Some("2026-11-01"), Some("2026-11-30"), 1098).unwrap();
        assert_eq!(
            (r.0.to_string(), r.1.to_string()),
            ("2026-11-01".into(), "2026-11-30".into())
        );
        let fields = |e: Violations| {
            e.0.iter()
                .map(|v| (v.field.clone(), v.code))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            fields(parse_date_range(None, None, 10).unwrap_err()),
            [("from".into(), "required"), ("to".into(), "required")]
        );
        assert_eq!(
            fields(parse_date_range(Some("2026-11-30"), Some("2026-11-01"), 10).unwrap_err()),
            [("to".into(), "before_from")]
        );
        assert_eq!(
            fields(parse_date_range(Some("2026-11-01"), Some("2026-11-11"), 10).unwrap_err()),
            [("to".into(), "too_long")]
        );
        assert!(
            parse_date_range(Some("2026-11-01"), Some("2026-11-10"), 10).is_ok(),
            "ten days"
        );
        assert!(
            parse_date_range(Some("2026-11-05"), Some("2026-11-05"), 10).is_ok(),
            "one day"
        );
    }

    #[test]
    fn list_periods_are_optional_but_ordered() {
        let mut v = Violations::default();
        assert_eq!(
            parse_optional_period(None, Some("2026-11-05"), &mut v).0,
            None
        );
        parse_optional_period(Some("2026-11-05"), Some("2026-11-04"), &mut v);
        parse_optional_period(Some("26.11.2026"), None, &mut v);
        assert_eq!(
            v.0.iter().map(|e| e.code).collect::<Vec<_>>(),
            ["before_from", "invalid_date"]
        );
    }

    #[test]
    fn instants_need_an_offset() {
        let t = parse_instant("starts_at", "2026-11-26T10:00:00+05:00").unwrap();
        assert_eq!(t.to_rfc3339(), "2026-11-26T05:00:00+00:00");
        assert!(parse_instant("starts_at", "2026-11-26T05:00:00Z").is_ok());
        for bad in ["2026-11-26T10:00:00", "2026-11-26", "завтра", ""] {
            assert_eq!(
                parse_instant("starts_at", bad).unwrap_err().field,
                "starts_at",
                "{bad}"
            );
        }
    }

    #[test]
    fn birth_dates_may_be_today_but_not_tomorrow() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
        let tomorrow = NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
        assert_eq!(parse_birth_date("birth_date", today, today), Ok(today));
        assert_eq!(
            parse_birth_date("birth_date", tomorrow, today)
                .unwrap_err()
                .code,
            "in_future"
        );
        let ancient = NaiveDate::from_ymd_opt(1899, 12, 31).unwrap();
        assert_eq!(
            parse_birth_date("birth_date", ancient, today)
                .unwrap_err()
                .code,
            "too_old"
        );
    }

    #[test]
    fn iso_dates_parse_and_others_are_refused() {
        assert_eq!(
            parse_iso_date("d", "1990-05-01"),
            Ok(NaiveDate::from_ymd_opt(1990, 5, 1).unwrap())
        );
        assert_eq!(
            parse_iso_date("d", "01.05.1990").unwrap_err().code,
            "invalid_date"
        );
        assert_eq!(
            parse_iso_date("d", "1990-02-30").unwrap_err().code,
            "invalid_date"
        );
    }

    #[test]
    fn dates_outside_the_window_are_refused_with_their_field() {
        for bad in [
            "+262142-12-31",
            "-0001-01-01",
            "10000-01-01",
            "1899-12-31",
            "2200-01-01",
        ] {
            let e = parse_iso_date("from", bad).unwrap_err();
            assert_eq!(e.field, "from", "{bad}");
            assert!(
                matches!(e.code, "invalid_date" | "out_of_range"),
                "{bad}: {}",
                e.code
            );
        }
        assert_eq!(
            parse_iso_date("to", "2200-01-01").unwrap_err().code,
            "out_of_range"
        );
        assert_eq!(parse_iso_date("d", "1900-01-01"), Ok(EARLIEST_DATE));
        assert_eq!(parse_iso_date("d", "2199-12-31"), Ok(LATEST_DATE));
        // The last accepted day + 1 (a period's exclusive end) still computes.
        assert!(LATEST_DATE.succ_opt().is_some());
    }

    #[test]
    fn instants_outside_the_window_are_refused_with_their_field() {
        for bad in [
            "9999-12-31T23:00:00-05:00",
            "9999-12-31T23:00:00Z",
            "2200-01-01T00:00:00Z",
            "1899-12-31T23:59:59Z",
            "+262142-12-31T00:00:00Z",
        ] {
            let e = parse_instant("starts_at", bad).unwrap_err();
            assert_eq!(e.field, "starts_at", "{bad}");
        }
        assert_eq!(
            parse_instant("starts_at", "2200-01-01T00:00:00Z")
                .unwrap_err()
                .code,
            "out_of_range"
        );
        assert!(parse_instant("starts_at", "2199-12-31T23:59:59Z").is_ok());
        assert!(parse_instant("starts_at", "1900-01-01T00:00:00Z").is_ok());
    }
}
