//! Reference data the clinic maintains: doctors, the price list, lead sources. Each card parses
//! all its fields at once and reports every violation.

use crate::error::{FieldViolation, Violations};
use crate::money::Money;
use crate::validation::{parse_notes, Email, PersonName, PhoneNumber};

fn blank(s: Option<&str>) -> Option<&str> {
    s.filter(|v| !v.trim().is_empty())
}

/// A required free-text title (service name, specialization, source label): trimmed, 1..=max.
pub fn parse_title(field: &str, input: &str, max: usize) -> Result<String, FieldViolation> {
    let s = input.split_whitespace().collect::<Vec<_>>().join(" ");
    if s.is_empty() {
        return Err(FieldViolation::new(field, "required", "Заполните поле"));
    }
    if s.chars().count() > max {
        return Err(FieldViolation::new(
            field,
            "too_long",
            format!("Не длиннее {max} символов"),
        ));
    }
    Ok(s)
}

/// A doctor's card.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DoctorCard {
    /// First name.
    pub first_name: PersonName,
    /// Last name.
    pub last_name: PersonName,
    /// Specialization, e.g. "Стоматолог".
    pub specialization: String,
    /// Normalized phone; not unique (a clinic number may be shared).
    pub phone: Option<PhoneNumber>,
    /// E-mail.
    pub email: Option<Email>,
}

impl DoctorCard {
    /// Parses a doctor's fields.
    pub fn parse(
        first_name: &str,
        last_name: &str,
        specialization: &str,
        phone: Option<&str>,
        email: Option<&str>,
    ) -> Result<Self, Violations> {
        let mut v = Violations::default();
        let first = v.check(PersonName::parse("first_name", first_name));
        let last = v.check(PersonName::parse("last_name", last_name));
        let spec = v.check(parse_title("specialization", specialization, 100));
        let phone = blank(phone).and_then(|p| v.check(PhoneNumber::parse("phone", p)));
        let email = blank(email).and_then(|e| v.check(Email::parse("email", e)));
        match (first, last, spec) {
            (Some(first_name), Some(last_name), Some(specialization)) if v.0.is_empty() => {
                Ok(Self {
                    first_name,
                    last_name,
                    specialization,
                    phone,
                    email,
                })
            }
            _ => Err(v),
        }
    }
}

/// A price-list service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceCard {
    /// Name as on the price list.
    pub name: String,
    /// Optional description.
    pub description: Option<String>,
    /// Base price (>= 0; a free service is allowed).
    pub base_price: Money,
    /// Duration, 1..=720 minutes (books the doctor's time).
    pub duration_minutes: i64,
}

impl ServiceCard {
    /// Parses a service's fields; the price is a decimal string.
    pub fn parse(
        name: &str,
        description: Option<&str>,
        base_price: &str,
        duration_minutes: i64,
    ) -> Result<Self, Violations> {
        let mut v = Violations::default();
        let name = v.check(parse_title("name", name, 200));
        let description = v
            .check(parse_notes("description", description.unwrap_or_default()))
            .flatten();
        let price = v.check(Money::parse_price(base_price).map_err(|e| e.on("base_price")));
        if !(1..=720).contains(&duration_minutes) {
            v.0.push(FieldViolation::new(
                "duration_minutes",
                "out_of_range",
                "Длительность от 1 до 720 минут",
            ));
        }
        match (name, price) {
            (Some(name), Some(base_price)) if v.0.is_empty() => Ok(Self {
                name,
                description,
                base_price,
                duration_minutes,
            }),
            _ => Err(v),
        }
    }
}

/// A lead source's code: 2..=40 of `a-z`, digits, `_` (stable: analytics group by it).
pub fn parse_source_code(field: &str, input: &str) -> Result<String, FieldViolation> {
    let s = input.trim();
    let ok = (2..=40).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    if ok {
        Ok(s.to_owned())
    } else {
        Err(FieldViolation::new(
            field,
            "invalid_code",
            "Код: 2–40 латинских строчных букв, цифр или _",
        ))
    }
}

/// Why a directory change is refused in the record's current state (HTTP 409).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum DirectoryRefusal {
    /// New visits fall back to the default lead source, so it must stay pickable.
    #[error("Источник по умолчанию нельзя отключить: он подставляется в новые визиты")]
    DefaultSourceStays,
}

/// Deactivating the default lead source is refused.
pub fn check_source_deactivation(is_default: bool) -> Result<(), DirectoryRefusal> {
    if is_default {
        Err(DirectoryRefusal::DefaultSourceStays)
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_source_stays_active() {
        assert!(check_source_deactivation(true).is_err());
        assert!(check_source_deactivation(false).is_ok());
    }

    #[test]
    fn doctors_need_names_and_specialization_phone_is_normalized_not_unique() {
        let d = DoctorCard::parse(
            "Ерлан",
            "Жұмабаев",
            " Стоматолог ",
            Some("8 727 250 00 00"),
            None,
        )
        .unwrap();
        assert_eq!(d.phone.unwrap().as_str(), "+77272500000");
        assert_eq!(d.specialization, "Стоматолог");
        let e = DoctorCard::parse("", "X1", "", Some("1"), Some("bad")).unwrap_err();
        let fields: Vec<_> = e.0.iter().map(|v| v.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "first_name",
                "last_name",
                "specialization",
                "phone",
                "email"
            ]
        );
    }

    #[test]
    fn services_take_zero_prices_and_refuse_bad_ones_and_durations() {
        let s = ServiceCard::parse("Консультация", None, "0", 30).unwrap();
        assert_eq!(s.base_price, Money::ZERO);
        assert_eq!(
            ServiceCard::parse("УЗИ", Some(" "), "12500.50", 45)
                .unwrap()
                .base_price
                .tiyn(),
            1_250_050
        );
        let e = ServiceCard::parse(" ", None, "-1", 0).unwrap_err();
        let got: Vec<_> = e.0.iter().map(|v| (v.field.as_str(), v.code)).collect();
        assert_eq!(
            got,
            [
                ("name", "required"),
                ("base_price", "negative"),
                ("duration_minutes", "out_of_range")
            ]
        );
        assert_eq!(
            ServiceCard::parse("x", None, "1.555", 10).unwrap_err().0[0].code,
            "too_many_decimals"
        );
    }

    #[test]
    fn source_codes_are_stable_identifiers() {
        assert_eq!(parse_source_code("code", "2gis"), Ok("2gis".to_owned()));
        assert_eq!(
            parse_source_code("code", "tiktok_ads"),
            Ok("tiktok_ads".to_owned())
        );
        assert!(parse_source_code("code", "TikTok").is_err());
        assert!(parse_source_code("code", "x").is_err());
        assert!(parse_source_code("code", "с кириллицей").is_err());
    }
}
