//! Why a visit or payment use case refuses: one enum, each variant carrying the facts its message
//! and its HTTP answer need. The store reports these (it found a clash, a line with payments);
//! the domain decided them; the server's one mapping in `error.rs` picks the status code. The
//! Russian wording lives here, beside the rule.

use chrono::NaiveDateTime;

use crate::error::{FieldViolation, Violations};
use crate::ids::AppointmentId;
use crate::payment::PaymentRefusal;
use crate::visit_status::TransitionError;

/// A record a command names that does not exist or is inactive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reference {
    /// A patient.
    Patient,
    /// A doctor.
    Doctor,
    /// A price-list service.
    Service,
    /// A lead source.
    LeadSource,
}

impl Reference {
    /// The field violation for a missing or inactive record named in `field`: one code
    /// (`unknown`) and one message per kind, wherever the reference is checked.
    pub fn missing(self, field: impl Into<String>) -> FieldViolation {
        let message = match self {
            Self::Patient => "Нет такого активного клиента",
            Self::Doctor => "Нет такого активного врача",
            Self::Service => "Нет такой активной услуги",
            Self::LeadSource => "Нет такого активного источника",
        };
        FieldViolation::new(field, "unknown", message)
    }
}

/// The visit a booking (or a move, or a restore) would overlap, as the clinic reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BusyWith {
    /// Its id (the problem body's `conflicting_appointment_id`).
    pub visit_id: AppointmentId,
    /// Its patient's name.
    pub patient_name: String,
    /// Its start, clinic-local.
    pub starts: NaiveDateTime,
    /// Its end, clinic-local.
    pub ends: NaiveDateTime,
}

/// Why a visit or payment use case refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VisitRefusal {
    /// Fields of the command are invalid (HTTP 422, every field named).
    #[error("Проверьте выделенные поля")]
    Invalid(Violations),
    /// The doctor has another visit then (HTTP 409).
    #[error(
        "Врач занят: визит №{} ({}) с {} до {}",
        .0.visit_id,
        .0.patient_name,
        .0.starts.format("%d.%m.%Y %H:%M"),
        .0.ends.format("%d.%m.%Y %H:%M")
    )]
    DoctorBusy(Box<BusyWith>),
    /// A money guard refused (overpayment 422, price below paid 409, cancelled visit 409).
    #[error(transparent)]
    Payment(#[from] PaymentRefusal),
    /// The status machine refused.
    #[error(transparent)]
    Transition(#[from] TransitionError),
    /// The cash desk refuses (no open shift, counting, closed, …).
    #[error(transparent)]
    Shift(#[from] crate::cash_desk::ShiftRefusal),
    /// A refund is refused (too much, unknown line, another tender).
    #[error(transparent)]
    Refund(#[from] crate::refund::RefundRefusal),
    /// The patient's deposit refuses (not enough on it, nothing to withdraw).
    #[error(transparent)]
    Deposit(#[from] crate::balance::BalanceRefusal),
    /// Bonuses cannot pay this (over the visit's cap, not enough held).
    #[error(transparent)]
    Bonus(#[from] crate::bonus::BonusRefusal),
    /// Only scheduled visits move (HTTP 409).
    #[error("Перенести можно только визит в статусе «записан»")]
    NotMovable,
    /// The service is already a line of the visit (HTTP 409).
    #[error("Эта услуга уже есть в визите")]
    ServiceAlreadyOnVisit,
    /// A line that payments were allocated to stays (HTTP 409).
    #[error("По этой услуге уже были оплаты: её нельзя убрать из визита, можно изменить цену")]
    LineHasPayments,
    /// The payment was voided before (HTTP 409).
    #[error("Платёж уже отменён")]
    AlreadyVoided,
    /// An `Idempotency-Key` came back with a different request (HTTP 409).
    #[error("Этот Idempotency-Key уже использован для другого запроса")]
    KeyReused,
    /// The first request with this `Idempotency-Key` has not finished (HTTP 409).
    #[error("Запрос с этим Idempotency-Key ещё выполняется; повторите позже")]
    KeyInFlight,
    /// A closed visit's lines are frozen for the front desk (HTTP 403).
    #[error("Услуги и цены закрытого визита меняет только администратор или владелец")]
    LinesClosed,
    /// Booking over a clash is a manager's call (HTTP 403).
    #[error("Записать поверх занятого времени может только администратор или владелец")]
    OverlapNotAllowed,
}

impl From<Violations> for VisitRefusal {
    fn from(v: Violations) -> Self {
        Self::Invalid(v)
    }
}

impl From<FieldViolation> for VisitRefusal {
    fn from(v: FieldViolation) -> Self {
        Self::Invalid(Violations(vec![v]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    #[test]
    fn a_clash_names_the_visit_its_patient_and_local_times() {
        let day = NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
        let busy = BusyWith {
            visit_id: AppointmentId(7),
            patient_name: "Айгерим".into(),
            starts: day.and_hms_opt(12, 0, 0).unwrap(),
            ends: day.and_hms_opt(13, 0, 0).unwrap(),
        };
        assert_eq!(
            VisitRefusal::DoctorBusy(Box::new(busy)).to_string(),
            "Врач занят: визит №7 (Айгерим) с 25.11.2026 12:00 до 25.11.2026 13:00"
        );
    }

    #[test]
    fn every_missing_reference_has_one_code_and_its_own_message() {
        let all = [
            Reference::Patient,
            Reference::Doctor,
            Reference::Service,
            Reference::LeadSource,
        ];
        let messages: std::collections::HashSet<_> =
            all.iter().map(|r| r.missing("x").message).collect();
        assert_eq!(messages.len(), all.len());
        assert!(all.iter().all(|r| r.missing("doctor_id").code == "unknown"));
        assert_eq!(Reference::Doctor.missing("doctor_id").field, "doctor_id");
    }
}
