//! Booking rules: what a new visit needs, when it ends, when two visits clash, and the per-line
//! price guard.

use chrono::{DateTime, Duration, Utc};

use crate::error::{FieldViolation, Violations};
use crate::money::Money;
use crate::payment::PaymentRefusal;

/// The longest visit that can be booked (a working day).
pub const MAX_VISIT_MINUTES: i64 = 12 * 60;

/// A visit's time slot, half-open: `[starts_at, ends_at)`. A visit ending at 10:00 and one
/// starting at 10:00 do not clash.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Slot {
    /// First instant of the visit.
    pub starts_at: DateTime<Utc>,
    /// First instant after it.
    pub ends_at: DateTime<Utc>,
}

impl Slot {
    /// The slot of a new booking: ends at `ends_at` when given, otherwise after the sum of the
    /// booked services' durations. Needs a positive length of at most [`MAX_VISIT_MINUTES`].
    pub fn plan(
        starts_at: DateTime<Utc>,
        ends_at: Option<DateTime<Utc>>,
        service_minutes: &[i64],
    ) -> Result<Self, FieldViolation> {
        let ends_at = match ends_at {
            Some(end) => end,
            None => {
                let minutes: i64 = service_minutes.iter().sum();
                if minutes <= 0 {
                    return Err(FieldViolation::new(
                        "ends_at",
                        "required",
                        "Выберите услуги или укажите время окончания",
                    ));
                }
                starts_at + Duration::minutes(minutes)
            }
        };
        if ends_at <= starts_at {
            return Err(FieldViolation::new(
                "ends_at",
                "before_start",
                "Время окончания должно быть позже начала",
            ));
        }
        if ends_at - starts_at > Duration::minutes(MAX_VISIT_MINUTES) {
            return Err(FieldViolation::new(
                "ends_at",
                "too_long",
                "Визит не может длиться больше 12 часов",
            ));
        }
        Ok(Self { starts_at, ends_at })
    }

    /// Do the two slots share any instant? Touching ends do not.
    pub fn overlaps(&self, other: &Slot) -> bool {
        self.starts_at < other.ends_at && other.starts_at < self.ends_at
    }
}

/// The services of a booking: each at most once (a visit line per service).
pub fn check_service_ids(ids: &[i64]) -> Result<(), FieldViolation> {
    let mut seen = std::collections::HashSet::new();
    for (i, id) in ids.iter().enumerate() {
        if !seen.insert(*id) {
            return Err(FieldViolation::new(
                format!("service_ids.{i}"),
                "duplicate",
                "Услуга уже добавлена в визит",
            ));
        }
    }
    Ok(())
}

/// The per-line price guard: a line's new price may not drop below what payments have already
/// been allocated to that line (HTTP 409; void a payment first). Implies the visit-level guard
/// (total ≥ paid), since the visit's paid is the sum of its lines' paid.
pub fn check_line_price(new_price: Money, line_paid: Money) -> Result<(), PaymentRefusal> {
    if new_price < line_paid {
        return Err(PaymentRefusal::LineBelowPaid {
            new_price,
            paid: line_paid,
        });
    }
    Ok(())
}

/// A reason field (void, revert, booking over a clash): required, trimmed, at most 500 characters.
pub fn parse_reason(field: &str, input: Option<&str>) -> Result<String, FieldViolation> {
    let reason = input.map(str::trim).unwrap_or_default();
    if reason.is_empty() {
        return Err(FieldViolation::new(field, "required", "Укажите причину"));
    }
    if reason.chars().count() > 500 {
        return Err(FieldViolation::new(
            field,
            "too_long",
            "Причина — не длиннее 500 символов",
        ));
    }
    Ok(reason.to_owned())
}

/// Collects the violations of a booking's own fields (the store checks the references).
pub fn check_booking(
    service_ids: &[i64],
    slot: Result<Slot, FieldViolation>,
) -> Result<Slot, Violations> {
    let mut v = Violations::default();
    v.check(check_service_ids(service_ids));
    let slot = v.check(slot);
    match slot {
        Some(slot) if v.0.is_empty() => Ok(slot),
        _ => Err(v),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 25, h, m, 0).unwrap()
    }

    fn slot(a: (u32, u32), b: (u32, u32)) -> Slot {
        Slot {
            starts_at: at(a.0, a.1),
            ends_at: at(b.0, b.1),
        }
    }

    #[test]
    fn end_time_is_the_sum_of_service_durations() {
        let s = Slot::plan(at(9, 0), None, &[30, 45]).unwrap();
        assert_eq!(s.ends_at, at(10, 15));
    }

    #[test]
    fn an_explicit_end_wins_over_durations() {
        let s = Slot::plan(at(9, 0), Some(at(9, 20)), &[30]).unwrap();
        assert_eq!(s.ends_at, at(9, 20));
    }

    #[test]
    fn a_visit_needs_services_or_an_end() {
        assert_eq!(
            Slot::plan(at(9, 0), None, &[]).unwrap_err().field,
            "ends_at"
        );
    }

    #[test]
    fn end_must_follow_start_and_stay_within_a_day() {
        assert_eq!(
            Slot::plan(at(9, 0), Some(at(9, 0)), &[]).unwrap_err().code,
            "before_start"
        );
        assert_eq!(
            Slot::plan(at(9, 0), Some(at(8, 0)), &[]).unwrap_err().code,
            "before_start"
        );
        assert!(
            Slot::plan(at(8, 0), Some(at(20, 0)), &[]).is_ok(),
            "exactly 12 hours"
        );
        assert_eq!(
            Slot::plan(at(8, 0), Some(at(20, 1)), &[]).unwrap_err().code,
            "too_long"
        );
    }

    #[test]
    fn touching_visits_do_not_clash() {
        assert!(!slot((9, 0), (10, 0)).overlaps(&slot((10, 0), (10, 30))));
        assert!(!slot((10, 0), (10, 30)).overlaps(&slot((9, 0), (10, 0))));
    }

    #[test]
    fn any_shared_minute_is_a_clash() {
        assert!(slot((9, 0), (10, 0)).overlaps(&slot((9, 59), (10, 30))));
        assert!(
            slot((9, 0), (10, 0)).overlaps(&slot((9, 15), (9, 45))),
            "inside"
        );
        assert!(
            slot((9, 15), (9, 45)).overlaps(&slot((9, 0), (10, 0))),
            "around"
        );
        assert!(
            slot((9, 0), (10, 0)).overlaps(&slot((9, 0), (10, 0))),
            "same"
        );
    }

    #[test]
    fn a_service_is_booked_once_per_visit() {
        assert!(check_service_ids(&[1, 2, 3]).is_ok());
        assert_eq!(
            check_service_ids(&[1, 2, 1]).unwrap_err().field,
            "service_ids.2"
        );
    }

    #[test]
    fn a_line_price_may_fall_to_what_is_paid_but_not_below() {
        let paid = Money::from_tiyn(300_000);
        assert!(check_line_price(Money::from_tiyn(300_000), paid).is_ok());
        assert!(check_line_price(Money::from_tiyn(1_000_000), paid).is_ok());
        assert!(matches!(
            check_line_price(Money::from_tiyn(299_999), paid),
            Err(PaymentRefusal::LineBelowPaid { .. })
        ));
        assert!(
            check_line_price(Money::ZERO, Money::ZERO).is_ok(),
            "a free line"
        );
    }

    #[test]
    fn reasons_are_required_and_bounded() {
        assert_eq!(
            parse_reason("reason", Some("  ошибка  ")).unwrap(),
            "ошибка"
        );
        assert_eq!(
            parse_reason("reason", Some("   ")).unwrap_err().code,
            "required"
        );
        assert_eq!(parse_reason("reason", None).unwrap_err().code, "required");
        assert_eq!(
            parse_reason("reason", Some(&"я".repeat(501)))
                .unwrap_err()
                .code,
            "too_long"
        );
    }

    #[test]
    fn booking_reports_every_problem_at_once() {
        let v = check_booking(&[1, 1], Slot::plan(at(9, 0), Some(at(8, 0)), &[])).unwrap_err();
        assert_eq!(v.0.len(), 2);
    }
}
