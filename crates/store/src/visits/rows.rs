//! A visit as the store returns it: typed values (ids, `Money`, statuses, instants), decoded from
//! the rows once, here. Serializable, so a payment's answer can be kept under its
//! `Idempotency-Key` and replayed as the same visit.

use chrono::{DateTime, NaiveDate, Utc};
use emhana_domain::ids::{
    AllocationId, AppointmentId, DoctorId, LineId, PatientId, PaymentId, RefundId, ServiceId,
    ShiftId, UserId,
};
use emhana_domain::{Money, PaymentMethod, PaymentStatus, VisitStatus};
use serde::{Deserialize, Serialize};
use sqlx::any::AnyRow;
use sqlx::{FromRow, Row};

use crate::time::column;

/// A visit as stored, with the names a list shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Appointment {
    /// Id.
    pub id: AppointmentId,
    /// Patient.
    pub patient_id: PatientId,
    /// "Имя Фамилия".
    pub patient_name: String,
    /// `+7XXXXXXXXXX`.
    pub patient_phone: String,
    /// Doctor.
    pub doctor_id: DoctorId,
    /// "Фамилия Имя".
    pub doctor_name: String,
    /// Start.
    pub starts_at: DateTime<Utc>,
    /// End.
    pub ends_at: DateTime<Utc>,
    /// Clinic-local day of the start.
    pub local_date: NaiveDate,
    /// Status.
    pub status: VisitStatus,
    /// Lead source code.
    pub source_code: String,
    /// Lead source label.
    pub source_label: String,
    /// Notes.
    pub notes: Option<String>,
    /// When the patient arrived.
    pub arrived_at: Option<DateTime<Utc>>,
    /// When the appointment started.
    pub started_at: Option<DateTime<Utc>>,
    /// When it finished.
    pub finished_at: Option<DateTime<Utc>>,
    /// Sum of line prices.
    pub total: Money,
    /// Sum of live payments.
    pub paid: Money,
    /// Derived payment status.
    pub payment_status: PaymentStatus,
    /// Why it was booked over a clash, if it was.
    pub overlap_reason: Option<String>,
    /// Optimistic-locking version.
    pub version: i64,
    /// Who booked it.
    pub created_by: Option<UserId>,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Changed.
    pub updated_at: DateTime<Utc>,
}

impl FromRow<'_, AnyRow> for Appointment {
    fn from_row(r: &AnyRow) -> sqlx::Result<Self> {
        Ok(Self {
            id: AppointmentId(r.try_get("id")?),
            patient_id: PatientId(r.try_get("patient_id")?),
            patient_name: r.try_get("patient_name")?,
            patient_phone: r.try_get("patient_phone")?,
            doctor_id: DoctorId(r.try_get("doctor_id")?),
            doctor_name: r.try_get("doctor_name")?,
            starts_at: column::instant(r, "starts_at")?,
            ends_at: column::instant(r, "ends_at")?,
            local_date: column::day(r, "local_date")?,
            status: column::code(r, "status", VisitStatus::from_code)?,
            source_code: r.try_get("source_code")?,
            source_label: r.try_get("source_label")?,
            notes: r.try_get("notes")?,
            arrived_at: column::maybe_instant(r, "arrived_at")?,
            started_at: column::maybe_instant(r, "started_at")?,
            finished_at: column::maybe_instant(r, "finished_at")?,
            total: column::money(r, "total")?,
            paid: column::money(r, "paid")?,
            payment_status: column::code(r, "payment_status", PaymentStatus::from_code)?,
            overlap_reason: r.try_get("overlap_reason")?,
            version: r.try_get("version")?,
            created_by: r.try_get::<Option<i64>, _>("created_by")?.map(UserId),
            created_at: column::instant(r, "created_at")?,
            updated_at: column::instant(r, "updated_at")?,
        })
    }
}

/// The columns [`Appointment`] decodes (alias `a` for the visit; `p`, `d`, `s` from
/// [`APPOINTMENT_FROM`]).
macro_rules! appointment_columns {
    () => {
        "a.id, a.patient_id, \
    p.first_name || COALESCE(' ' || p.last_name, '') AS patient_name, p.phone AS patient_phone, \
    a.doctor_id, d.last_name || ' ' || d.first_name AS doctor_name, \
    a.starts_at, a.ends_at, a.local_date, a.status, \
    s.code AS source_code, s.label AS source_label, a.notes, \
    a.arrived_at, a.started_at, a.finished_at, a.total, a.paid, a.payment_status, a.overlap_reason, \
    a.version, a.created_by, a.created_at, a.updated_at"
    };
}

/// The joins that name [`APPOINTMENT_COLUMNS`].
macro_rules! appointment_from {
    () => {
        "FROM appointments a \
    JOIN patients p ON p.id = a.patient_id \
    JOIN doctors d ON d.id = a.doctor_id \
    JOIN lead_sources s ON s.id = a.source_id"
    };
}

/// The columns [`Appointment`] decodes.
pub(crate) const APPOINTMENT_COLUMNS: &str = appointment_columns!();
/// The joins that name them.
pub(crate) const APPOINTMENT_FROM: &str = appointment_from!();
/// The columns [`Appointment`] decodes, with the joins that name them (alias `a` for the visit).
pub(crate) const APPOINTMENT: &str = concat!(appointment_columns!(), " ", appointment_from!());

/// A service line of a visit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Line {
    /// Id.
    pub id: LineId,
    /// The price-list service.
    pub service_id: ServiceId,
    /// Its name.
    pub service_name: String,
    /// The price list's price when booked.
    pub base_price: Money,
    /// This visit's price.
    pub price: Money,
    /// Allocated from live payments.
    pub paid: Money,
}

impl FromRow<'_, AnyRow> for Line {
    fn from_row(r: &AnyRow) -> sqlx::Result<Self> {
        Ok(Self {
            id: LineId(r.try_get("id")?),
            service_id: ServiceId(r.try_get("service_id")?),
            service_name: r.try_get("service_name")?,
            base_price: column::money(r, "base_price")?,
            price: column::money(r, "price")?,
            paid: column::money(r, "paid")?,
        })
    }
}

/// A payment with the name of who took it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Payment {
    /// Id.
    pub id: PaymentId,
    /// Method.
    pub method: PaymentMethod,
    /// Amount.
    pub amount: Money,
    /// When taken.
    pub paid_at: DateTime<Utc>,
    /// Who took it.
    pub received_by: Option<UserId>,
    /// Their name.
    pub received_by_name: Option<String>,
    /// Note.
    pub note: Option<String>,
    /// When voided.
    pub voided_at: Option<DateTime<Utc>>,
    /// Why.
    pub void_reason: Option<String>,
    /// The cash-desk shift it was posted into (none: outside shifts).
    #[serde(default)]
    pub shift_id: Option<ShiftId>,
    /// Its last change: taken, voided, refunded from (none in answers kept before it existed).
    #[serde(default)]
    pub updated_at: Option<DateTime<Utc>>,
}

impl FromRow<'_, AnyRow> for Payment {
    fn from_row(r: &AnyRow) -> sqlx::Result<Self> {
        Ok(Self {
            id: PaymentId(r.try_get("id")?),
            method: column::code(r, "method", PaymentMethod::from_code)?,
            amount: column::money(r, "amount")?,
            paid_at: column::instant(r, "paid_at")?,
            received_by: r.try_get::<Option<i64>, _>("received_by")?.map(UserId),
            received_by_name: r.try_get("received_by_name")?,
            note: r.try_get("note")?,
            voided_at: column::maybe_instant(r, "voided_at")?,
            void_reason: r.try_get("void_reason")?,
            shift_id: r.try_get::<Option<i64>, _>("shift_id")?.map(ShiftId),
            updated_at: column::maybe_instant(r, "updated_at")?,
        })
    }
}

/// One part of a payment on one line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Allocation {
    /// Id (what refunds point back at).
    #[serde(default = "no_allocation")]
    pub id: AllocationId,
    /// The payment.
    pub payment_id: PaymentId,
    /// The line.
    pub line_id: LineId,
    /// Its part.
    pub amount: Money,
}

impl FromRow<'_, AnyRow> for Allocation {
    fn from_row(r: &AnyRow) -> sqlx::Result<Self> {
        Ok(Self {
            id: AllocationId(r.try_get("id")?),
            payment_id: PaymentId(r.try_get("payment_id")?),
            line_id: LineId(r.try_get("line_id")?),
            amount: column::money(r, "amount")?,
        })
    }
}

/// Snapshots kept before allocations had ids read back with this one.
fn no_allocation() -> AllocationId {
    AllocationId(0)
}

/// A refund: money given back on one of the visit's payments.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Refund {
    /// Id.
    pub id: RefundId,
    /// The payment it reverses (in part).
    pub payment_id: PaymentId,
    /// The tender the money went back through.
    pub method: PaymentMethod,
    /// Amount (positive).
    pub amount: Money,
    /// When.
    pub refunded_at: DateTime<Utc>,
    /// Who.
    pub refunded_by: Option<UserId>,
    /// Their name.
    pub refunded_by_name: Option<String>,
    /// Why.
    pub reason: String,
    /// The shift it was posted into.
    pub shift_id: Option<ShiftId>,
}

impl FromRow<'_, AnyRow> for Refund {
    fn from_row(r: &AnyRow) -> sqlx::Result<Self> {
        Ok(Self {
            id: RefundId(r.try_get("id")?),
            payment_id: PaymentId(r.try_get("payment_id")?),
            method: column::code(r, "method", PaymentMethod::from_code)?,
            amount: column::money(r, "amount")?,
            refunded_at: column::instant(r, "refunded_at")?,
            refunded_by: r.try_get::<Option<i64>, _>("refunded_by")?.map(UserId),
            refunded_by_name: r.try_get("refunded_by_name")?,
            reason: r.try_get("reason")?,
            shift_id: r.try_get::<Option<i64>, _>("shift_id")?.map(ShiftId),
        })
    }
}

/// One part of a refund: what it gave back of one original allocation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RefundPart {
    /// The refund.
    pub refund_id: RefundId,
    /// The original allocation.
    pub allocation_id: AllocationId,
    /// Its line.
    pub line_id: LineId,
    /// Given back.
    pub amount: Money,
}

impl FromRow<'_, AnyRow> for RefundPart {
    fn from_row(r: &AnyRow) -> sqlx::Result<Self> {
        Ok(Self {
            refund_id: RefundId(r.try_get("refund_id")?),
            allocation_id: AllocationId(r.try_get("allocation_id")?),
            line_id: LineId(r.try_get("line_id")?),
            amount: column::money(r, "amount")?,
        })
    }
}

/// One status change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StatusChange {
    /// Previous status (none for the booking itself).
    pub from: Option<VisitStatus>,
    /// New status.
    pub to: VisitStatus,
    /// When.
    pub at: DateTime<Utc>,
    /// Who.
    pub user_id: Option<UserId>,
    /// Their name.
    pub user_name: Option<String>,
    /// Why (reverts).
    pub reason: Option<String>,
}

impl FromRow<'_, AnyRow> for StatusChange {
    fn from_row(r: &AnyRow) -> sqlx::Result<Self> {
        Ok(Self {
            from: column::maybe_code(r, "from_status", VisitStatus::from_code)?,
            to: column::code(r, "to_status", VisitStatus::from_code)?,
            at: column::instant(r, "at")?,
            user_id: r.try_get::<Option<i64>, _>("user_id")?.map(UserId),
            user_name: r.try_get("user_name")?,
            reason: r.try_get("reason")?,
        })
    }
}

/// A whole visit: the card the API returns.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Visit {
    /// The visit.
    pub appointment: Appointment,
    /// Its lines by position.
    pub lines: Vec<Line>,
    /// Its payments, oldest first.
    pub payments: Vec<Payment>,
    /// Every allocation of those payments.
    pub allocations: Vec<Allocation>,
    /// Its refunds, oldest first.
    #[serde(default)]
    pub refunds: Vec<Refund>,
    /// Every part of those refunds.
    #[serde(default)]
    pub refund_parts: Vec<RefundPart>,
    /// Its status history, oldest first.
    pub history: Vec<StatusChange>,
}
