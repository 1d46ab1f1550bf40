//! Salvaging the old system's people: every legacy client and doctor is imported (a visit must
//! never lose its patient), each field the Emhana rules refuse is dropped or kept as written, and
//! every such fix is said in Russian for the import report.

use chrono::NaiveDate;

use crate::directories::parse_title;
use crate::validation::{parse_birth_date, Email, PersonName, PhoneNumber};

/// A legacy person's fields as read (text, any spelling).
#[derive(Debug, Clone, Default)]
pub struct LegacyPerson<'a> {
    /// First name.
    pub first_name: &'a str,
    /// Last name.
    pub last_name: &'a str,
    /// Phone as written (`77051234567`, `+7 705 …`).
    pub phone: &'a str,
    /// E-mail.
    pub email: &'a str,
    /// Birth date (`YYYY-MM-DD`); doctors have none.
    pub birth_date: &'a str,
    /// The day the record was created (a birth date equal to it is a placeholder).
    pub registered: Option<NaiveDate>,
    /// Specialization (doctors only).
    pub specialization: &'a str,
}

/// What a legacy person becomes, with the fixes made on the way.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SalvagedPerson {
    /// First name (as written when it breaks the name rule; `Без имени` when blank).
    pub first_name: String,
    /// Last name, if any.
    pub last_name: Option<String>,
    /// `+7XXXXXXXXXX`, or the text as written when it is not a Kazakhstan number.
    pub phone: Option<String>,
    /// False when `phone` is kept as written (staff must correct it).
    pub phone_valid: bool,
    /// Valid e-mail, if any.
    pub email: Option<String>,
    /// Plausible birth date, if any.
    pub birth_date: Option<NaiveDate>,
    /// Specialization (`Не указана` when blank).
    pub specialization: String,
    /// Russian notes, one per fix.
    pub fixes: Vec<String>,
}

fn blank(s: &str) -> Option<&str> {
    let t = s.trim();
    (!t.is_empty()).then_some(t)
}

/// Salvages a legacy person; `today` is the clinic-local date (birth dates after it are dropped).
pub fn salvage_person(p: &LegacyPerson<'_>, today: NaiveDate) -> SalvagedPerson {
    let mut out = SalvagedPerson {
        phone_valid: true,
        ..SalvagedPerson::default()
    };
    out.first_name = match PersonName::parse("first_name", p.first_name) {
        Ok(n) => n.as_str().to_owned(),
        Err(_) => match blank(p.first_name) {
            Some(raw) => {
                out.fixes
                    .push(format!("имя «{raw}» не по правилам: сохранено как есть"));
                raw.to_owned()
            }
            None => {
                out.fixes.push("имя пустое: записано «Без имени»".into());
                "Без имени".into()
            }
        },
    };
    out.last_name = blank(p.last_name).map(|raw| match PersonName::parse("last_name", raw) {
        Ok(n) => n.as_str().to_owned(),
        Err(_) => {
            out.fixes.push(format!(
                "фамилия «{raw}» не по правилам: сохранена как есть"
            ));
            raw.to_owned()
        }
    });
    out.phone = blank(p.phone).map(|raw| match PhoneNumber::parse("phone", raw) {
        Ok(n) => n.as_str().to_owned(),
        Err(_) => {
            out.phone_valid = false;
            out.fixes.push(format!(
                "телефон «{raw}» не распознан: сохранён как есть, исправьте в карточке"
            ));
            raw.to_owned()
        }
    });
    out.email = blank(p.email).and_then(|raw| match Email::parse("email", raw) {
        Ok(e) => Some(e.as_str().to_owned()),
        Err(_) => {
            out.fixes
                .push(format!("e-mail «{raw}» некорректен: не перенесён"));
            None
        }
    });
    out.birth_date = blank(p.birth_date).and_then(|raw| {
        let date = NaiveDate::parse_from_str(raw.get(..10).unwrap_or(raw), "%Y-%m-%d").ok();
        match date {
            None => {
                out.fixes
                    .push(format!("дата рождения «{raw}» не читается: не перенесена"));
                None
            }
            Some(d) if Some(d) == p.registered => {
                out.fixes.push(format!(
                    "дата рождения {d} совпадает с днём регистрации (заглушка): не перенесена"
                ));
                None
            }
            Some(d) => match parse_birth_date("birth_date", d, today) {
                Ok(d) => Some(d),
                Err(e) => {
                    out.fixes
                        .push(format!("дата рождения {d}: {}; не перенесена", e.message));
                    None
                }
            },
        }
    });
    out.specialization = match parse_title("specialization", p.specialization, 100) {
        Ok(s) => s,
        Err(_) => "Не указана".into(),
    };
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 25).unwrap()
    }

    #[test]
    fn a_clean_person_passes_without_fixes() {
        let p = salvage_person(
            &LegacyPerson {
                first_name: " Айгүл ",
                last_name: "Сейтқали",
                phone: "77051234567",
                email: "A@Mail.KZ",
                birth_date: "1990-05-01",
                registered: NaiveDate::from_ymd_opt(2025, 1, 1),
                specialization: "Терапевт",
            },
            today(),
        );
        assert_eq!(p.first_name, "Айгүл");
        assert_eq!(p.phone.as_deref(), Some("+77051234567"));
        assert!(p.phone_valid);
        assert_eq!(p.email.as_deref(), Some("A@mail.kz"));
        assert_eq!(p.birth_date, NaiveDate::from_ymd_opt(1990, 5, 1));
        assert_eq!(p.specialization, "Терапевт");
        assert!(p.fixes.is_empty(), "{:?}", p.fixes);
    }

    #[test]
    fn placeholder_birth_dates_bad_emails_and_phones_are_fixed_and_said() {
        let p = salvage_person(
            &LegacyPerson {
                first_name: "",
                phone: "12345",
                email: "нет",
                birth_date: "2025-03-04 00:00:00",
                registered: NaiveDate::from_ymd_opt(2025, 3, 4),
                ..LegacyPerson::default()
            },
            today(),
        );
        assert_eq!(p.first_name, "Без имени");
        assert_eq!(p.phone.as_deref(), Some("12345"));
        assert!(!p.phone_valid);
        assert_eq!(p.email, None);
        assert_eq!(p.birth_date, None);
        assert_eq!(p.specialization, "Не указана");
        assert_eq!(p.fixes.len(), 4, "{:?}", p.fixes);
        assert!(p.fixes.iter().any(|f| f.contains("заглушка")));
    }

    #[test]
    fn future_birth_dates_are_dropped() {
        let p = salvage_person(
            &LegacyPerson {
                first_name: "Ержан",
                birth_date: "2030-01-01",
                ..LegacyPerson::default()
            },
            today(),
        );
        assert_eq!(p.birth_date, None);
        assert_eq!(p.phone, None);
        assert_eq!(p.fixes.len(), 1);
    }
}
