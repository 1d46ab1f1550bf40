//! The language a staff member reads the SPA in. Kept per account (so a shared front-desk
//! computer follows whoever signs in); patients' reminder language is a separate choice
//! (`reminder::Language`), since a patient is not a user of the SPA.

use serde::{Deserialize, Serialize};

use crate::FieldViolation;

/// A UI language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum UiLanguage {
    /// Русский: the default, and the language of server messages.
    #[default]
    Ru,
    /// Қазақша.
    Kk,
    /// English.
    En,
}

impl UiLanguage {
    /// Every UI language, in the order the switch lists them.
    pub const ALL: [UiLanguage; 3] = [Self::Ru, Self::Kk, Self::En];

    /// Stable code (database, JSON, the `lang` attribute of the page): ISO 639-1.
    pub fn code(self) -> &'static str {
        match self {
            Self::Ru => "ru",
            Self::Kk => "kk",
            Self::En => "en",
        }
    }

    /// The language's own name, as the switch shows it whatever the current language is
    /// (a user who cannot read the current one still finds theirs).
    pub fn native_name(self) -> &'static str {
        match self {
            Self::Ru => "Русский",
            Self::Kk => "Қазақша",
            Self::En => "English",
        }
    }

    /// Parses a stable code.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|l| l.code() == code)
    }

    /// Parses a code from a request, naming `field` when it is none of the three.
    pub fn parse(field: &str, code: &str) -> Result<Self, FieldViolation> {
        Self::from_code(code.trim()).ok_or_else(|| {
            FieldViolation::new(field, "unknown_language", "Язык интерфейса: ru, kk или en")
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_are_iso_639_1() {
        for l in UiLanguage::ALL {
            assert_eq!(UiLanguage::from_code(l.code()), Some(l));
            assert_eq!(l.code().len(), 2);
            assert_eq!(serde_json::to_value(l).unwrap(), l.code());
        }
        assert_eq!(UiLanguage::default(), UiLanguage::Ru);
    }

    #[test]
    fn parse_names_the_field_and_trims() {
        assert_eq!(UiLanguage::parse("language", " kk "), Ok(UiLanguage::Kk));
        for bad in ["", "KZ", "kz", "russian", "RU"] {
            let err = UiLanguage::parse("language", bad).unwrap_err();
            assert_eq!(err.field, "language");
            assert_eq!(err.code, "unknown_language");
        }
    }

    #[test]
    fn native_names_differ() {
        let names: std::collections::HashSet<_> =
            UiLanguage::ALL.iter().map(|l| l.native_name()).collect();
        assert_eq!(names.len(), 3);
    }
}
