//! Kazakhstan phone numbers: normalizing every usual spelling to E.164, showing them to people,
//! and the as-typed mask of phone fields.

use serde::{Deserialize, Serialize};

use crate::error::FieldViolation;

/// A Kazakhstan phone number in E.164: `+7` and ten digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct PhoneNumber(String);

impl PhoneNumber {
    /// Normalizes the usual spellings: `+7 (701) 123-45-67`, `8 701 123 45 67`, `87011234567`,
    /// `77011234567`, `7011234567`. Spaces, dashes, dots and brackets are ignored.
    pub fn parse(field: &str, input: &str) -> Result<Self, FieldViolation> {
        let invalid = || {
            FieldViolation::new(
                field,
                "invalid_phone",
                "Телефон в формате +7 (7XX) XXX-XX-XX, 8 7XX XXX XX XX или 87XXXXXXXXX",
            )
        };
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(FieldViolation::new(field, "required", "Укажите телефон"));
        }
        let (plus, rest) = match trimmed.strip_prefix('+') {
            Some(r) => (true, r),
            None => (false, trimmed),
        };
        let mut digits = String::with_capacity(12);
        for c in rest.chars() {
            match c {
                '0'..='9' => digits.push(c),
                ' ' | '-' | '(' | ')' | '.' | '\u{a0}' => {}
                _ => return Err(invalid()),
            }
        }
        let national = match (plus, digits.len()) {
            (true, 11) if digits.starts_with('7') => &digits[1..],
            (false, 11) if digits.starts_with('7') || digits.starts_with('8') => &digits[1..],
            (false, 10) => &digits[..],
            _ => return Err(invalid()),
        };
        // Kazakhstan numbers (mobile 7xx, landline 7xx city codes) start with 6 or 7 nationally.
        if !(national.starts_with('7') || national.starts_with('6')) {
            return Err(invalid());
        }
        Ok(Self(format!("+7{national}")))
    }

    /// `+7XXXXXXXXXX`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// How staff read a number: `+7 (701) 123-45-67`. A stored value that is not a normalized
    /// Kazakhstan number (legacy data) is shown as it is.
    pub fn display(stored: &str) -> String {
        let d: Vec<char> = stored.chars().filter(char::is_ascii_digit).collect();
        if d.len() != 11 || !stored.starts_with("+7") {
            return stored.to_owned();
        }
        let s = |a: usize, b: usize| d[a..b].iter().collect::<String>();
        format!("+7 ({}) {}-{}-{}", s(1, 4), s(4, 7), s(7, 9), s(9, 11))
    }

    /// The mask of phone fields, applied when the field is left: re-spells what was typed as
    /// `+7 (7XX) XXX-XX-XX`, whichever way it was started (`8701…`, `+7 701…`, `7701…`, or the
    /// ten national digits `701…`). Anything that is not a digit is dropped; digits past the
    /// eleventh are kept at the end so nothing typed is silently lost (the server then names the
    /// field).
    pub fn mask_input(typed: &str) -> String {
        let plus = typed.trim_start().starts_with('+');
        let mut digits: String = typed.chars().filter(char::is_ascii_digit).collect();
        if digits.is_empty() {
            return if plus { "+".into() } else { String::new() };
        }
        let national_only = !plus && digits.len() == 10;
        if !national_only && (digits.starts_with('7') || (!plus && digits.starts_with('8'))) {
            digits.remove(0);
        }
        let national: Vec<char> = digits.chars().collect();
        let mut out = String::from("+7");
        for (i, c) in national.iter().enumerate() {
            match i {
                0 => out.push_str(" ("),
                3 => out.push_str(") "),
                6 | 8 => out.push('-'),
                10 => out.push(' '),
                _ => {}
            }
            out.push(*c);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_spells_a_stored_number_for_people() {
        assert_eq!(PhoneNumber::display("+77011234567"), "+7 (701) 123-45-67");
        assert_eq!(PhoneNumber::display("legacy 123"), "legacy 123");
        assert_eq!(PhoneNumber::display(""), "");
    }

    #[test]
    fn mask_respells_every_usual_start_as_plus_seven() {
        for typed in [
            "87011234567",
            "+7 701 123 45 67",
            "+77011234567",
            "7011234567",
            "8 (701) 123-45-67",
        ] {
            assert_eq!(
                PhoneNumber::mask_input(typed),
                "+7 (701) 123-45-67",
                "{typed}"
            );
        }
    }

    #[test]
    fn mask_follows_partial_input() {
        assert_eq!(PhoneNumber::mask_input(""), "");
        assert_eq!(PhoneNumber::mask_input("+"), "+");
        assert_eq!(PhoneNumber::mask_input("8"), "+7");
        assert_eq!(PhoneNumber::mask_input("87"), "+7 (7");
        assert_eq!(PhoneNumber::mask_input("8701"), "+7 (701");
        assert_eq!(PhoneNumber::mask_input("+7 (701) 1"), "+7 (701) 1");
        assert_eq!(PhoneNumber::mask_input("+7 (701) 123-4"), "+7 (701) 123-4");
        assert_eq!(PhoneNumber::mask_input("7"), "+7");
        assert_eq!(PhoneNumber::mask_input("+8701"), "+7 (870) 1");
    }

    #[test]
    fn masked_input_always_parses_when_complete() {
        let masked = PhoneNumber::mask_input("8 701 123 45 67");
        assert_eq!(
            PhoneNumber::parse("phone", &masked).unwrap().as_str(),
            "+77011234567"
        );
    }

    #[test]
    fn mask_keeps_extra_digits_visible() {
        assert_eq!(
            PhoneNumber::mask_input("870112345678"),
            "+7 (701) 123-45-67 8"
        );
    }

    fn phone(s: &str) -> Option<String> {
        PhoneNumber::parse("phone", s)
            .ok()
            .map(|p| p.as_str().to_owned())
    }

    #[test]
    fn every_usual_phone_spelling_normalizes_to_e164() {
        let want = Some("+77051234567".to_owned());
        for s in [
            "77051234567",
            "+77051234567",
            "87051234567",
            "8 705 123 45 67",
            "+7 (705) 123-45-67",
            "8(705)123-45-67",
            "7051234567",
            " +7 705 123 4567 ",
            "8.705.123.45.67",
        ] {
            assert_eq!(phone(s), want, "{s}");
        }
        assert_eq!(phone("+7 727 250 00 00").as_deref(), Some("+77272500000"));
    }

    #[test]
    fn wrong_phones_are_refused_with_a_russian_hint() {
        for s in [
            "12345",
            "+8 705 123 45 67",
            "+77051234567 доб. 2",
            "9051234567",
            "+1 202 555 0100",
            "770512345678",
            "abc",
        ] {
            let e = PhoneNumber::parse("phone", s).unwrap_err();
            assert_eq!(
                (e.field.as_str(), e.code),
                ("phone", "invalid_phone"),
                "{s}"
            );
        }
        assert_eq!(
            PhoneNumber::parse("phone", " ").unwrap_err().code,
            "required"
        );
    }
}
