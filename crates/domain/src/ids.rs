//! Typed ids: a `PatientId` can never be passed where an `AppointmentId` is expected.

use serde::{Deserialize, Serialize};

macro_rules! typed_id {
    ($($(#[$doc:meta])* $name:ident),* $(,)?) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }
    )*};
}

typed_id!(
    /// A staff account.
    UserId,
    /// A patient ("клиент").
    PatientId,
    /// A doctor.
    DoctorId,
    /// A price-list service.
    ServiceId,
    /// A lead source ("Откуда узнали о нас").
    LeadSourceId,
    /// A visit.
    AppointmentId,
    /// A service line on a visit.
    LineId,
    /// A payment.
    PaymentId,
    /// A payment's share of one line (what a refund points back at).
    AllocationId,
    /// A refund (money given back on a visit).
    RefundId,
    /// A cash register (касса).
    RegisterId,
    /// A cash-desk shift (смена) of one register.
    ShiftId,
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_serialize_as_plain_integers() {
        assert_eq!(
            serde_json::to_string(&PatientId(42)).ok().as_deref(),
            Some("42")
        );
        assert_eq!(
            serde_json::from_str::<AppointmentId>("7").ok(),
            Some(AppointmentId(7))
        );
    }
}
