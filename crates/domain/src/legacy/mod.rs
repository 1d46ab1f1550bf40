//! Reading the old Streamlit system's values (groundwork for `emhana import-legacy`, issue 8).
//!
//! Its database stored money as floats (`28990.0`, and allocation leftovers like `3333.3333333`
//! or `1.455e-11`), sources and statuses as Russian labels that changed between versions. These
//! functions turn each into Emhana's exact values and say when a value had to move.

use rust_decimal::prelude::*;

pub mod cards;
pub mod payments;

pub use cards::{salvage_person, LegacyPerson, SalvagedPerson};
pub use payments::{regroup_payments, LegacyPart, LineExcess, Regrouped, RegroupedPayment};

use crate::money::Money;

/// A legacy amount read exactly, and how far rounding to the tiyn moved it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LegacyAmount {
    /// Rounded half away from zero to the tiyn.
    pub money: Money,
    /// True when the stored value had more than two decimals (the importer reports it; how far
    /// a regrouped payment moved is the importer's to compute, against the original parts).
    pub rounded: bool,
}

/// Why a legacy amount cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LegacyMoneyError {
    /// Not a number at all.
    #[error("не число: {0:?}")]
    NotANumber(String),
    /// Outside what Emhana stores.
    #[error("сумма вне допустимого диапазона: {0}")]
    OutOfRange(String),
}

/// Reads a legacy float-as-text amount (`"28990.0"`, `"28990"`, `"3333.3333333"`, `"1.455e-11"`)
/// exactly (as a decimal, never through f64) and rounds it to the tiyn, half away from zero.
pub fn parse_legacy_amount(text: &str) -> Result<LegacyAmount, LegacyMoneyError> {
    let t = text.trim();
    let d = Decimal::from_str(t)
        .or_else(|_| Decimal::from_scientific(t))
        .map_err(|_| LegacyMoneyError::NotANumber(t.to_owned()))?;
    let rounded = d.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
    let money =
        Money::from_decimal(rounded).map_err(|_| LegacyMoneyError::OutOfRange(t.to_owned()))?;
    Ok(LegacyAmount {
        money,
        rounded: d.normalize().scale() > 2,
    })
}

/// The lead-source code of a legacy label: the seven seeded labels (any case), `прямой` (old
/// rows) → `repeat_visit`; `None` for anything else (the importer maps it to `other` and reports).
pub fn source_code_from_legacy(label: &str) -> Option<&'static str> {
    match label.trim().to_lowercase().as_str() {
        "повторное посещение" | "прямой" | "" => Some("repeat_visit"),
        "интернет реклама" | "интернет-реклама" => {
            Some("internet_ads")
        }
        "рекомендация" => Some("referral"),
        "2гис" | "2gis" => Some("2gis"),
        "instagram" | "инстаграм" => Some("instagram"),
        "facebook" | "фейсбук" => Some("facebook"),
        "другое" => Some("other"),
        _ => None,
    }
}

/// A legacy date or date-time as written (`2025-10-18`, `2025-10-18 10:05:00`,
/// `2025-10-18T10:05:00.123456`, `10:05` for a bare time of day).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LegacyStamp {
    /// Date and time of day.
    DateTime(chrono::NaiveDateTime),
    /// A day only.
    Date(chrono::NaiveDate),
    /// A time of day only.
    Time(chrono::NaiveTime),
}

/// Reads a legacy date/time text; `None` when it is none of the spellings the old system wrote.
pub fn read_legacy_stamp(text: &str) -> Option<LegacyStamp> {
    use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
    let t = text.trim();
    let t = t.strip_suffix('Z').unwrap_or(t);
    for f in [
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dT%H:%M",
    ] {
        if let Ok(dt) = NaiveDateTime::parse_from_str(t, f) {
            return Some(LegacyStamp::DateTime(dt));
        }
    }
    if let Ok(d) = NaiveDate::parse_from_str(t, "%Y-%m-%d") {
        return Some(LegacyStamp::Date(d));
    }
    for f in ["%H:%M:%S%.f", "%H:%M"] {
        if let Ok(tm) = NaiveTime::parse_from_str(t, f) {
            return Some(LegacyStamp::Time(tm));
        }
    }
    None
}

/// The legacy payment-status labels (spellings varied: `не оплачен`, `не оплачено`) as the
/// domain's status; `None` for anything else. Advisory only: the importer derives the real one.
pub fn payment_status_from_legacy(label: &str) -> Option<crate::PaymentStatus> {
    use crate::PaymentStatus::*;
    match label.trim().to_lowercase().as_str() {
        "не оплачен" | "не оплачено" | "неоплачен" | "не оплачена" => {
            Some(Unpaid)
        }
        "частично оплачен" | "частично оплачено" | "частично" => {
            Some(PartiallyPaid)
        }
        "оплачен" | "оплачено" | "оплачена" => Some(Paid),
        _ => None,
    }
}

/// A legacy visit's status: its label mapped; with no label, scheduled; with a label the old
/// system never had, completed if the day has passed (else scheduled) and `unknown` is true.
pub fn legacy_visit_status(
    label: Option<&str>,
    day: chrono::NaiveDate,
    today: chrono::NaiveDate,
) -> (crate::VisitStatus, bool) {
    use crate::VisitStatus;
    match label.map(|l| (l, VisitStatus::from_legacy_label(l))) {
        None => (VisitStatus::Scheduled, false),
        Some((_, Some(status))) => (status, false),
        Some((_, None)) if day < today => (VisitStatus::Completed, true),
        Some((_, None)) => (VisitStatus::Scheduled, true),
    }
}

/// A legacy visit's length in minutes: the measured duration if any, else its services' total,
/// else 30; never above [`crate::visit::MAX_VISIT_MINUTES`] (the schedule relies on it). The flag
/// says it was shortened.
pub fn legacy_visit_minutes(actual: Option<i64>, services: i64) -> (i64, bool) {
    let minutes = match actual {
        Some(m) if m > 0 => m,
        _ if services > 0 => services,
        _ => 30,
    };
    let max = crate::visit::MAX_VISIT_MINUTES;
    (minutes.min(max), minutes > max)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn amount(s: &str) -> LegacyAmount {
        parse_legacy_amount(s).unwrap()
    }

    #[test]
    fn whole_and_float_spellings_read_exactly() {
        assert_eq!(amount("28990.0").money.to_string(), "28990.00");
        assert_eq!(amount("28990").money.to_string(), "28990.00");
        assert_eq!(amount(" 12500.50 ").money.to_string(), "12500.50");
        assert!(!amount("28990.0").rounded);
        assert!(
            !amount("12500.50").rounded,
            "trailing zeros are not extra decimals"
        );
    }

    #[test]
    fn float_leftovers_round_to_the_tiyn_and_are_flagged() {
        let a = amount("3333.3333333");
        assert_eq!((a.money.to_string().as_str(), a.rounded), ("3333.33", true));
        let b = amount("6666.6666667");
        assert_eq!((b.money.to_string().as_str(), b.rounded), ("6666.67", true));
        let c = amount("1.455e-11");
        assert_eq!(
            (c.money, c.rounded),
            (Money::ZERO, true),
            "an allocation remainder is zero"
        );
        assert_eq!(
            amount("0.005").money.to_string(),
            "0.01",
            "half away from zero"
        );
    }

    #[test]
    fn garbage_is_refused_with_the_value() {
        assert_eq!(
            parse_legacy_amount("двадцать"),
            Err(LegacyMoneyError::NotANumber("двадцать".into()))
        );
        assert!(matches!(
            parse_legacy_amount("1e20"),
            Err(LegacyMoneyError::OutOfRange(_))
        ));
    }

    #[test]
    fn legacy_stamps_in_every_spelling() {
        use chrono::{NaiveDate, NaiveTime};
        let d = NaiveDate::from_ymd_opt(2025, 10, 18).unwrap();
        let at = d.and_hms_opt(10, 5, 0).unwrap();
        assert_eq!(
            read_legacy_stamp("2025-10-18 10:05:00"),
            Some(LegacyStamp::DateTime(at))
        );
        assert_eq!(
            read_legacy_stamp("2025-10-18T10:05:00.000000"),
            Some(LegacyStamp::DateTime(at))
        );
        assert_eq!(
            read_legacy_stamp("2025-10-18 10:05"),
            Some(LegacyStamp::DateTime(at))
        );
        assert_eq!(
            read_legacy_stamp(" 2025-10-18 "),
            Some(LegacyStamp::Date(d))
        );
        assert_eq!(
            read_legacy_stamp("09:30:00"),
            Some(LegacyStamp::Time(
                NaiveTime::from_hms_opt(9, 30, 0).unwrap()
            ))
        );
        assert_eq!(read_legacy_stamp("вчера"), None);
    }

    #[test]
    fn legacy_visit_status_and_length() {
        use crate::VisitStatus::*;
        let day = chrono::NaiveDate::from_ymd_opt(2025, 10, 18).unwrap();
        let later = day + chrono::Duration::days(1);
        assert_eq!(
            legacy_visit_status(Some("не явился"), day, later),
            (NoShow, false)
        );
        assert_eq!(legacy_visit_status(None, day, later), (Scheduled, false));
        assert_eq!(
            legacy_visit_status(Some("перенесен"), day, later),
            (Completed, true)
        );
        assert_eq!(
            legacy_visit_status(Some("перенесен"), day, day),
            (Scheduled, true)
        );
        assert_eq!(legacy_visit_minutes(Some(45), 30), (45, false));
        assert_eq!(legacy_visit_minutes(Some(0), 40), (40, false));
        assert_eq!(legacy_visit_minutes(None, 0), (30, false));
        assert_eq!(legacy_visit_minutes(Some(2000), 30), (12 * 60, true));
    }

    #[test]
    fn legacy_payment_status_spellings() {
        use crate::PaymentStatus::*;
        assert_eq!(payment_status_from_legacy("не оплачен"), Some(Unpaid));
        assert_eq!(payment_status_from_legacy("Не оплачено"), Some(Unpaid));
        assert_eq!(
            payment_status_from_legacy("частично оплачено"),
            Some(PartiallyPaid)
        );
        assert_eq!(payment_status_from_legacy("оплачено"), Some(Paid));
        assert_eq!(payment_status_from_legacy("?"), None);
    }

    #[test]
    fn legacy_source_labels_map_to_codes() {
        assert_eq!(source_code_from_legacy("прямой"), Some("repeat_visit"));
        assert_eq!(
            source_code_from_legacy("Повторное посещение"),
            Some("repeat_visit")
        );
        assert_eq!(source_code_from_legacy("2ГИС"), Some("2gis"));
        assert_eq!(
            source_code_from_legacy("Интернет реклама"),
            Some("internet_ads")
        );
        assert_eq!(source_code_from_legacy("TikTok"), None);
    }
}
