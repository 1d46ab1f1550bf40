//! Parsing of people's input into trusted values ("parse, don't validate"). Each parser takes the
//! JSON field name so its [`FieldViolation`] points at the right form field, in Russian.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::error::{FieldViolation, Violations};

mod phone;

pub use phone::PhoneNumber;

/// Longest accepted name part.
pub const NAME_MAX_CHARS: usize = 100;
/// Longest accepted notes text.
pub const NOTES_MAX_CHARS: usize = 2000;
/// Longest accepted search query.
pub const SEARCH_MAX_CHARS: usize = 100;
/// Longest accepted e-mail (RFC 5321 path limit).
pub const EMAIL_MAX_CHARS: usize = 254;

/// A person's first or last name: 1..=100 characters of letters (any script: Kazakh Ә Ғ Қ Ң Ө Ұ Ү
/// Һ І, Russian, Latin), spaces, hyphens and apostrophes; trimmed, inner spaces collapsed.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct PersonName(String);

impl PersonName {
    /// Parses a required name.
    pub fn parse(field: &str, input: &str) -> Result<Self, FieldViolation> {
        let collapsed = input.split_whitespace().collect::<Vec<_>>().join(" ");
        if collapsed.is_empty() {
            return Err(FieldViolation::new(field, "required", "Заполните поле"));
        }
        if collapsed.chars().count() > NAME_MAX_CHARS {
            return Err(FieldViolation::new(
                field,
                "too_long",
                format!("Не длиннее {NAME_MAX_CHARS} символов"),
            ));
        }
        let allowed = |c: char| c.is_alphabetic() || matches!(c, ' ' | '-' | '\'' | '’' | 'ʼ');
        if !collapsed.chars().all(allowed) {
            return Err(FieldViolation::new(
                field,
                "invalid_name",
                "Допустимы только буквы, пробел, дефис и апостроф",
            ));
        }
        if !collapsed.chars().any(char::is_alphabetic) {
            return Err(FieldViolation::new(
                field,
                "invalid_name",
                "Имя должно содержать буквы",
            ));
        }
        Ok(Self(collapsed))
    }

    /// The name as stored.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An e-mail address, RFC-like: `local@domain.tld`, domain lower-cased.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Email(String);

impl Email {
    /// Parses an address; rejects spaces, missing parts, bad domain labels.
    pub fn parse(field: &str, input: &str) -> Result<Self, FieldViolation> {
        let invalid = || FieldViolation::new(field, "invalid_email", "Неверный адрес эл. почты");
        let s = input.trim();
        if s.is_empty() {
            return Err(FieldViolation::new(
                field,
                "required",
                "Укажите адрес эл. почты",
            ));
        }
        if s.chars().count() > EMAIL_MAX_CHARS {
            return Err(FieldViolation::new(
                field,
                "too_long",
                "Слишком длинный адрес",
            ));
        }
        let (local, domain) = s.rsplit_once('@').ok_or_else(invalid)?;
        let local_ok = !local.is_empty()
            && local.len() <= 64
            && !local.starts_with('.')
            && !local.ends_with('.')
            && !local.contains("..")
            && local
                .chars()
                .all(|c| c.is_alphanumeric() || "!#$%&'*+/=?^_`{|}~.-".contains(c));
        let labels: Vec<&str> = domain.split('.').collect();
        let domain_ok = labels.len() >= 2
            && labels.iter().all(|l| {
                !l.is_empty()
                    && l.len() <= 63
                    && !l.starts_with('-')
                    && !l.ends_with('-')
                    && l.chars().all(|c| c.is_alphanumeric() || c == '-')
            })
            && labels.last().is_some_and(|tld| tld.chars().count() >= 2);
        if !(local_ok && domain_ok) {
            return Err(invalid());
        }
        Ok(Self(format!("{local}@{}", domain.to_lowercase())))
    }

    /// The address as stored.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Free-text notes, at most 2000 characters; trimmed; empty → `None`.
pub fn parse_notes(field: &str, input: &str) -> Result<Option<String>, FieldViolation> {
    let s = input.trim();
    if s.chars().count() > NOTES_MAX_CHARS {
        return Err(FieldViolation::new(
            field,
            "too_long",
            format!("Не длиннее {NOTES_MAX_CHARS} символов"),
        ));
    }
    Ok((!s.is_empty()).then(|| s.to_owned()))
}

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

/// Shortest accepted new password.
pub const PASSWORD_MIN_CHARS: usize = 8;

/// A staff login: 3..=50 of letters, digits, `.`, `_`, `-`; trimmed. Uniqueness is
/// case-insensitive (the store keys on the lower-cased form).
pub fn parse_login(field: &str, input: &str) -> Result<String, FieldViolation> {
    let s = input.trim();
    let len = s.chars().count();
    if len == 0 {
        return Err(FieldViolation::new(field, "required", "Укажите логин"));
    }
    if !(3..=50).contains(&len)
        || !s
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '.' | '_' | '-'))
    {
        return Err(FieldViolation::new(
            field,
            "invalid_login",
            "Логин: от 3 до 50 букв, цифр, точек, дефисов или подчёркиваний",
        ));
    }
    Ok(s.to_owned())
}

/// A new password: at least 8 characters, at most 200, not only spaces.
pub fn parse_new_password(field: &str, input: &str) -> Result<String, FieldViolation> {
    let len = input.chars().count();
    if len < PASSWORD_MIN_CHARS || input.trim().is_empty() {
        return Err(FieldViolation::new(
            field,
            "weak_password",
            format!("Пароль не короче {PASSWORD_MIN_CHARS} символов"),
        ));
    }
    if len > 200 {
        return Err(FieldViolation::new(
            field,
            "too_long",
            "Пароль не длиннее 200 символов",
        ));
    }
    Ok(input.to_owned())
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

/// A period of clinic-local days, `from..=to`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateRange {
    /// First day.
    pub from: NaiveDate,
    /// Last day (inclusive).
    pub to: NaiveDate,
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
) -> Result<DateRange, Violations> {
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
        (Some(from), Some(to)) if v.0.is_empty() => Ok(DateRange { from, to }),
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

/// A search query for patients: case-folded text plus, when it looks like a phone, the digits to
/// look for inside stored `+7XXXXXXXXXX` numbers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchQuery {
    /// Lower-cased text (Unicode-aware: `АЙГ` → `айг`, `ҚАНАТ` → `қанат`).
    pub folded: String,
    /// Digits as they appear inside a normalized phone (`8701…` → `7701…`), if the query is
    /// phone-like (only digits and phone punctuation, at least 3 digits).
    pub phone_digits: Option<String>,
}

impl SearchQuery {
    /// Parses `?q=`; blank → `None` (no filter); longer than 100 characters → error.
    pub fn parse(field: &str, input: &str) -> Result<Option<Self>, FieldViolation> {
        let s = input.trim();
        if s.is_empty() {
            return Ok(None);
        }
        if s.chars().count() > SEARCH_MAX_CHARS {
            return Err(FieldViolation::new(
                field,
                "too_long",
                format!("Запрос не длиннее {SEARCH_MAX_CHARS} символов"),
            ));
        }
        let phone_like = s
            .chars()
            .all(|c| c.is_ascii_digit() || " +-().".contains(c));
        let digits: String = s.chars().filter(char::is_ascii_digit).collect();
        let phone_digits = (phone_like && digits.len() >= 3).then(|| {
            if !s.starts_with('+') && digits.len() >= 2 && digits.starts_with('8') {
                // National trunk prefix 8 stands for country code 7.
                format!("7{}", &digits[1..])
            } else {
                digits
            }
        });
        Ok(Some(Self {
            folded: s.to_lowercase(),
            phone_digits,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn report_periods_need_both_days_in_order_and_bounded() {
        let r = parse_date_range(Some("2026-11-01"), Some("2026-11-30"), 1098).unwrap();
        assert_eq!(
            (r.from.to_string(), r.to.to_string()),
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
    fn names_accept_kazakh_russian_and_latin_letters() {
        for n in [
            "Айгүл",
            "Нұрлан",
            "Қанат",
            "Әсел",
            "Ғалым",
            "Ңң",
            "Өмір",
            "Ұлан",
            "Һһ",
            "Іңкәр",
            "Анна-Мария",
            "O'Brien",
            "Д’Артаньян",
            "Jean Luc",
        ] {
            assert!(PersonName::parse("first_name", n).is_ok(), "{n}");
        }
    }

    #[test]
    fn names_are_trimmed_and_collapsed() {
        assert_eq!(
            PersonName::parse("f", "  Айгүл   Сәрсен ")
                .unwrap()
                .as_str(),
            "Айгүл Сәрсен"
        );
    }

    #[test]
    fn names_refuse_digits_symbols_blank_and_overlong() {
        assert_eq!(
            PersonName::parse("first_name", "Иван2").unwrap_err().code,
            "invalid_name"
        );
        assert_eq!(
            PersonName::parse("first_name", "<b>").unwrap_err().code,
            "invalid_name"
        );
        assert_eq!(
            PersonName::parse("first_name", "--").unwrap_err().code,
            "invalid_name"
        );
        let blank = PersonName::parse("first_name", "   ").unwrap_err();
        assert_eq!(
            (blank.field.as_str(), blank.code),
            ("first_name", "required")
        );
        assert!(PersonName::parse("f", &"а".repeat(100)).is_ok());
        assert_eq!(
            PersonName::parse("f", &"а".repeat(101)).unwrap_err().code,
            "too_long"
        );
    }

    #[test]
    fn emails_are_checked_and_domain_lowercased() {
        assert_eq!(
            Email::parse("email", " Aigul.S@Mail.KZ ").unwrap().as_str(),
            "Aigul.S@mail.kz"
        );
        assert!(Email::parse("email", "a+tag@clinic.example.com").is_ok());
        for bad in [
            "a@b",
            "@mail.kz",
            "a@@mail.kz",
            "a b@mail.kz",
            "a@mail..kz",
            "a@-mail.kz",
            ".a@mail.kz",
            "a@mail.k",
        ] {
            assert_eq!(
                Email::parse("email", bad).unwrap_err().code,
                "invalid_email",
                "{bad}"
            );
        }
    }

    #[test]
    fn notes_are_limited_to_2000_characters() {
        assert_eq!(parse_notes("notes", "  "), Ok(None));
        assert_eq!(
            parse_notes("notes", " аллергия "),
            Ok(Some("аллергия".to_owned()))
        );
        assert!(parse_notes("notes", &"ә".repeat(2000)).is_ok());
        assert_eq!(
            parse_notes("notes", &"ә".repeat(2001)).unwrap_err().code,
            "too_long"
        );
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
    fn search_folds_case_for_kazakh_letters() {
        let q = SearchQuery::parse("q", "АЙГҮЛ").unwrap().unwrap();
        assert_eq!(q.folded, "айгүл");
        assert_eq!(q.phone_digits, None);
        assert_eq!(
            SearchQuery::parse("q", "ҚАНАТ").unwrap().unwrap().folded,
            "қанат"
        );
    }

    #[test]
    fn phone_like_queries_search_by_normalized_digits() {
        let digits = |s: &str| {
            SearchQuery::parse("q", s)
                .unwrap()
                .and_then(|q| q.phone_digits)
        };
        assert_eq!(digits("8701").as_deref(), Some("7701"));
        assert_eq!(digits("+7 701").as_deref(), Some("7701"));
        assert_eq!(digits("701 12").as_deref(), Some("70112"));
        assert_eq!(digits("870").as_deref(), Some("770"));
        assert_eq!(digits("12"), None, "too short to be a phone fragment");
        assert_eq!(digits("айг 870"), None);
    }

    #[test]
    fn logins_and_passwords_follow_their_rules() {
        assert_eq!(parse_login("login", " Aigul.S "), Ok("Aigul.S".to_owned()));
        assert_eq!(parse_login("login", "айгүл_1").unwrap(), "айгүл_1");
        assert_eq!(
            parse_login("login", "ab").unwrap_err().code,
            "invalid_login"
        );
        assert_eq!(
            parse_login("login", "a b c").unwrap_err().code,
            "invalid_login"
        );
        assert_eq!(parse_login("login", "").unwrap_err().code, "required");
        assert!(parse_new_password("password", "12345678").is_ok());
        assert_eq!(
            parse_new_password("password", "1234567").unwrap_err().code,
            "weak_password"
        );
        assert_eq!(
            parse_new_password("password", "        ").unwrap_err().code,
            "weak_password"
        );
        assert_eq!(
            parse_new_password("password", &"x".repeat(201))
                .unwrap_err()
                .code,
            "too_long"
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

    #[test]
    fn search_is_optional_and_length_limited() {
        assert_eq!(SearchQuery::parse("q", "   "), Ok(None));
        assert!(SearchQuery::parse("q", &"a".repeat(100)).unwrap().is_some());
        assert_eq!(
            SearchQuery::parse("q", &"a".repeat(101)).unwrap_err().code,
            "too_long"
        );
    }
}
