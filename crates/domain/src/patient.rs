//! A patient's card as the clinic keeps it: every field parsed at once (so a form shows all its
//! errors together), and the case-folded search key both databases search by.

use chrono::NaiveDate;

use crate::error::Violations;
use crate::validation::{
    parse_birth_date, parse_iso_date, parse_notes, Email, PersonName, PhoneNumber,
};

/// A patient's fields as typed (strings straight from a form or JSON).
#[derive(Debug, Clone, Default)]
pub struct PatientInput<'a> {
    /// Required.
    pub first_name: &'a str,
    /// Optional; blank means none.
    pub last_name: Option<&'a str>,
    /// Optional, `YYYY-MM-DD`; blank means none.
    pub birth_date: Option<&'a str>,
    /// Required; any usual spelling.
    pub phone: &'a str,
    /// Optional; blank means none.
    pub email: Option<&'a str>,
    /// Optional; blank means none.
    pub notes: Option<&'a str>,
}

/// A valid patient card.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatientCard {
    /// First name.
    pub first_name: PersonName,
    /// Last name.
    pub last_name: Option<PersonName>,
    /// Birth date (not in the future).
    pub birth_date: Option<NaiveDate>,
    /// Normalized phone.
    pub phone: PhoneNumber,
    /// E-mail.
    pub email: Option<Email>,
    /// Notes (≤ 2000 characters).
    pub notes: Option<String>,
}

fn blank(s: Option<&str>) -> Option<&str> {
    s.filter(|v| !v.trim().is_empty())
}

impl PatientCard {
    /// Parses every field, collecting all violations. `today` is the clinic-local date.
    pub fn parse(input: &PatientInput<'_>, today: NaiveDate) -> Result<Self, Violations> {
        let mut v = Violations::default();
        let first_name = v.check(PersonName::parse("first_name", input.first_name));
        let last_name =
            blank(input.last_name).and_then(|n| v.check(PersonName::parse("last_name", n)));
        let birth_date = blank(input.birth_date).and_then(|d| {
            v.check(
                parse_iso_date("birth_date", d)
                    .and_then(|d| parse_birth_date("birth_date", d, today)),
            )
        });
        let phone = v.check(PhoneNumber::parse("phone", input.phone));
        let email = blank(input.email).and_then(|e| v.check(Email::parse("email", e)));
        let notes = v
            .check(parse_notes("notes", input.notes.unwrap_or_default()))
            .flatten();
        match (first_name, phone) {
            (Some(first_name), Some(phone)) if v.0.is_empty() => Ok(Self {
                first_name,
                last_name,
                birth_date,
                phone,
                email,
                notes,
            }),
            _ => Err(v),
        }
    }

    /// What search matches against: names and phone, case-folded with Unicode rules (so "айг"
    /// finds "Айгүл" on SQLite too, whose LOWER() folds ASCII only).
    pub fn search_key(&self) -> String {
        search_key(
            self.first_name.as_str(),
            self.last_name.as_ref().map(|n| n.as_str()),
            self.phone.as_str(),
        )
    }
}

/// The search key of any stored patient (also imported ones whose fields were kept as written).
pub fn search_key(first_name: &str, last_name: Option<&str>, phone: &str) -> String {
    let mut key = first_name.to_lowercase();
    if let Some(last) = last_name {
        key.push(' ');
        key.push_str(&last.to_lowercase());
    }
    key.push(' ');
    key.push_str(phone);
    key
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 25).unwrap()
    }

    #[test]
    fn a_full_card_parses_and_folds_its_search_key() {
        let input = PatientInput {
            first_name: " Айгүл ",
            last_name: Some("СӘРСЕНОВА"),
            birth_date: Some("1990-05-01"),
            phone: "8 701 123 45 67",
            email: Some("Aigul@Mail.kz"),
            notes: Some(" аллергия на пенициллин "),
        };
        let card = PatientCard::parse(&input, today()).unwrap();
        assert_eq!(card.phone.as_str(), "+77011234567");
        assert_eq!(card.email.as_ref().unwrap().as_str(), "Aigul@mail.kz");
        assert_eq!(card.search_key(), "айгүл сәрсенова +77011234567");
        assert_eq!(card.notes.as_deref(), Some("аллергия на пенициллин"));
    }

    #[test]
    fn blank_optional_fields_are_none() {
        let input = PatientInput {
            first_name: "Қанат",
            phone: "+77051234567",
            last_name: Some(" "),
            email: Some(""),
            ..Default::default()
        };
        let card = PatientCard::parse(&input, today()).unwrap();
        assert_eq!((card.last_name, card.email, card.notes), (None, None, None));
    }

    #[test]
    fn every_bad_field_is_reported_at_once() {
        let input = PatientInput {
            first_name: "",
            last_name: Some("R2D2"),
            birth_date: Some("2027-01-01"),
            phone: "123",
            email: Some("nope"),
            notes: None,
        };
        let errors = PatientCard::parse(&input, today()).unwrap_err().0;
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            ["first_name", "last_name", "birth_date", "phone", "email"]
        );
    }
}
