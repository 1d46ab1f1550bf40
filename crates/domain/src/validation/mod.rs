//! Parsing of people's input into trusted values ("parse, don't validate"). Each parser takes the
//! JSON field name so its [`FieldViolation`] points at the right form field, in Russian.

use serde::{Deserialize, Serialize};

use crate::error::FieldViolation;

mod dates;
mod phone;

pub use dates::{
    parse_birth_date, parse_date_range, parse_instant, parse_iso_date, parse_optional_period,
    EARLIEST_DATE, LATEST_DATE,
};
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

/// Characters of a generated password: lower-case letters and digits without look-alikes
/// (no `0 o 1 l i`), easy to read out to a colleague.
const GENERATED_ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";

/// A password to hand to a new colleague, `kq7m-x3pa-9vte` (12 characters of 31, about 59
/// bits), made from `random` bytes the caller draws from a cryptographic source.
pub fn generated_password(random: &[u8; 16]) -> String {
    let chars: Vec<char> = random[..12]
        .iter()
        .map(|b| char::from(GENERATED_ALPHABET[usize::from(*b) % GENERATED_ALPHABET.len()]))
        .collect();
    chars
        .chunks(4)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("-")
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

/// The `version` a change must carry (optimistic locking): required, or 422 naming the field.
pub fn required_version(version: Option<i64>) -> Result<i64, FieldViolation> {
    version.ok_or_else(missing_version)
}

/// The violation of a change that came without its `version`.
pub fn missing_version() -> FieldViolation {
    FieldViolation::new("version", "required", "Укажите версию записи")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_generated_password_is_readable_and_strong_enough() {
        let p = generated_password(&[0, 1, 30, 31, 255, 128, 7, 8, 9, 10, 11, 12, 99, 99, 99, 99]);
        assert_eq!(p, "ab9a-hehj-kmnp");
        assert!(parse_new_password("password", &p).is_ok());
        let chars: Vec<char> = p.chars().filter(|c| *c != '-').collect();
        assert_eq!(chars.len(), 12);
        assert!(chars.iter().all(|c| !"0o1li".contains(*c)), "{p}");
        assert_ne!(
            generated_password(&[1; 16]),
            generated_password(&[2; 16]),
            "made from the random bytes"
        );
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
    fn search_is_optional_and_length_limited() {
        assert_eq!(SearchQuery::parse("q", "   "), Ok(None));
        assert!(SearchQuery::parse("q", &"a".repeat(100)).unwrap().is_some());
        assert_eq!(
            SearchQuery::parse("q", &"a".repeat(101)).unwrap_err().code,
            "too_long"
        );
    }
}
