//! The clinic's requisites (реквизиты) printed on receipts and acts: name, BIN, address, phone.
//! Kept as settings; the owner edits them.

use crate::directories::parse_title;
use crate::error::{FieldViolation, Violations};
use crate::validation::PhoneNumber;

/// What every printed document names the clinic by.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Requisites {
    /// Legal or trading name (1..=200).
    pub name: String,
    /// Business identification number: 12 digits, or none yet.
    pub bin: Option<String>,
    /// Address (≤ 300), or none.
    pub address: Option<String>,
    /// Phone, normalized, or none.
    pub phone: Option<String>,
}

/// The settings keys the requisites are stored under.
pub const KEYS: [&str; 4] = [
    "clinic.name",
    "clinic.bin",
    "clinic.address",
    "clinic.phone",
];

/// The name documents use before the owner sets one.
pub const DEFAULT_NAME: &str = "Медицинский центр";

fn blank(s: Option<&str>) -> Option<&str> {
    s.map(str::trim).filter(|s| !s.is_empty())
}

impl Requisites {
    /// Parses the owner's form; every problem under its field.
    pub fn parse(
        name: &str,
        bin: Option<&str>,
        address: Option<&str>,
        phone: Option<&str>,
    ) -> Result<Self, Violations> {
        let mut v = Violations::default();
        let name = v.check(parse_title("name", name, 200));
        let bin = blank(bin).and_then(|b| {
            let digits: String = b.chars().filter(|c| !c.is_whitespace()).collect();
            if digits.len() == 12 && digits.chars().all(|c| c.is_ascii_digit()) {
                Some(digits)
            } else {
                v.0.push(FieldViolation::new("bin", "invalid_bin", "БИН — 12 цифр"));
                None
            }
        });
        let address = blank(address).and_then(|a| v.check(parse_title("address", a, 300)));
        let phone = blank(phone)
            .and_then(|p| v.check(PhoneNumber::parse("phone", p)))
            .map(|p| p.as_str().to_owned());
        match name {
            Some(name) if v.0.is_empty() => Ok(Self {
                name,
                bin,
                address,
                phone,
            }),
            _ => Err(v),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requisites_are_parsed_and_every_bad_field_named() {
        let r = Requisites::parse(
            "  ТОО «Емхана»  ",
            Some("1234 5678 9012"),
            Some("Алматы, Абая 1"),
            Some("8 727 123 45 67"),
        )
        .unwrap();
        assert_eq!(r.name, "ТОО «Емхана»");
        assert_eq!(r.bin.as_deref(), Some("123456789012"));
        assert_eq!(r.phone.as_deref(), Some("+77271234567"));
        let r = Requisites::parse("Клиника", Some(" "), None, None).unwrap();
        assert_eq!((r.bin, r.address, r.phone), (None, None, None));
        let v = Requisites::parse("", Some("123"), None, Some("12")).unwrap_err();
        let fields: Vec<_> = v.0.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(fields, ["name", "bin", "phone"]);
    }
}
