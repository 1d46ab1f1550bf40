//! Visits (appointments), their lines and payments on the wire. A visit carries `total`, `paid`,
//! `remaining` and `payment_status`, each line its `paid`, each payment its allocations, so a
//! client never recomputes money.

use emhana_domain::Money;
use serde::{Deserialize, Serialize};

/// `POST /appointments`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"patient_id": 1, "doctor_id": 1, "starts_at": "2026-11-26T10:00:00+05:00", "service_ids": [1, 2], "source": "instagram", "notes": "Первичный приём"})))]
pub struct VisitCreate {
    /// An active patient.
    #[cfg_attr(feature = "openapi", schema(minimum = 1))]
    pub patient_id: i64,
    /// An active doctor.
    #[cfg_attr(feature = "openapi", schema(minimum = 1))]
    pub doctor_id: i64,
    /// RFC 3339 with offset.
    #[cfg_attr(feature = "openapi", schema(format = DateTime))]
    pub starts_at: String,
    /// RFC 3339; by default the start plus the services' durations.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(format = DateTime))]
    pub ends_at: Option<String>,
    /// Price-list services, each at most once; lines snapshot their base price.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_items = 50))]
    pub service_ids: Vec<i64>,
    /// Lead source code ("Откуда узнали о нас"); `repeat_visit` by default.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 40))]
    pub source: Option<String>,
    /// Notes, ≤ 2000 characters.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 2000))]
    pub notes: Option<String>,
    /// Owner/admin only: book although the doctor is busy then; needs `overlap_reason`.
    #[serde(default)]
    pub allow_overlap: bool,
    /// Why the clash is fine (audited).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 500))]
    pub overlap_reason: Option<String>,
}

/// `PATCH /appointments/{id}`: move it, change doctor, source or notes. Absent fields stay.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VisitUpdate {
    /// Another active doctor.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(minimum = 1))]
    pub doctor_id: Option<i64>,
    /// New start (the length is kept unless `ends_at` is given).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(format = DateTime))]
    pub starts_at: Option<String>,
    /// New end.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(format = DateTime))]
    pub ends_at: Option<String>,
    /// Another lead source code.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 40))]
    pub source: Option<String>,
    /// New notes (`""` clears).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 2000))]
    pub notes: Option<String>,
    /// Owner/admin only: move over a clash; needs `overlap_reason`.
    #[serde(default)]
    pub allow_overlap: bool,
    /// Why the clash is fine.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 500))]
    pub overlap_reason: Option<String>,
    /// The version read (required).
    #[serde(default)]
    pub version: Option<i64>,
}

/// `POST /appointments/{id}/status`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"status": "in_progress"})))]
pub struct StatusChange {
    /// `scheduled` | `in_progress` | `completed` | `no_show` | `cancelled`. A move back
    /// (e.g. `no_show` → `scheduled`) is a revert: owner/admin, `reason` required.
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::contract::visit_status))]
    pub status: String,
    /// Why (required for reverts).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 500))]
    pub reason: Option<String>,
    /// The version read; when given, a stale one gets 409.
    #[serde(default)]
    pub version: Option<i64>,
    /// Owner/admin only: put a cancelled visit back although its doctor is now busy then;
    /// needs `overlap_reason` (otherwise such a revert gets 409 naming the other visit).
    #[serde(default)]
    pub allow_overlap: bool,
    /// Why the clash is fine (audited).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 500))]
    pub overlap_reason: Option<String>,
}

/// `POST /appointments/{id}/lines`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"service_id": 3})))]
pub struct LineCreate {
    /// An active price-list service not yet on the visit.
    #[cfg_attr(feature = "openapi", schema(minimum = 1))]
    pub service_id: i64,
    /// This visit's price (decimal string ≥ 0); the base price by default.
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(pattern = r"^[0-9]{1,12}([.][0-9]{1,2})?$")
    )]
    pub price: Option<String>,
}

/// `PATCH /appointments/{id}/lines/{line_id}`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"price": "4500.00"})))]
pub struct LinePriceUpdate {
    /// Decimal string ≥ 0, not below what is already paid on the line.
    #[cfg_attr(
        feature = "openapi",
        schema(pattern = r"^[0-9]{1,12}([.][0-9]{1,2})?$")
    )]
    pub price: String,
}

/// One method and amount of a payment request.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PaymentPart {
    /// `card` | `cash` | `qr` | `transfer`.
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::contract::payment_method))]
    pub method: String,
    /// Decimal string > 0.
    #[cfg_attr(
        feature = "openapi",
        schema(pattern = r"^[0-9]{1,12}([.][0-9]{1,2})?$")
    )]
    pub amount: String,
}

/// `POST /appointments/{id}/payments`: one or several methods, all or nothing.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"payments": [{"method": "card", "amount": "2000.00"}, {"method": "cash", "amount": "3000.00"}], "note": "остаток в следующий раз"})))]
pub struct PaymentCreate {
    /// 1..=4 parts; their sum may not exceed the remaining amount.
    #[cfg_attr(feature = "openapi", schema(min_items = 1, max_items = 4))]
    pub payments: Vec<PaymentPart>,
    /// Optional note, ≤ 2000 characters.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 2000))]
    pub note: Option<String>,
    /// The register it is taken at (default: the clinic's first active register). Cash needs
    /// an open shift there.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub register_id: Option<i64>,
}

/// One line's amount of a refund.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RefundLine {
    /// The visit's line.
    pub line_id: i64,
    /// Decimal string > 0, at most what the line still holds.
    #[cfg_attr(
        feature = "openapi",
        schema(pattern = r"^[0-9]{1,12}([.][0-9]{1,2})?$")
    )]
    pub amount: String,
}

/// `POST /appointments/{id}/refunds`: `amount` over the whole visit, or `lines`; back through
/// the original tender(s) unless `method` (owner/admin) says otherwise.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"amount": "3000.00", "reason": "Услуга не оказана"})))]
pub struct RefundCreate {
    /// A total split over the paid lines and tenders (exactly one of `amount`, `lines`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "openapi",
        schema(pattern = r"^[0-9]{1,12}([.][0-9]{1,2})?$")
    )]
    pub amount: Option<String>,
    /// Amounts per line.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "openapi", schema(max_items = 100))]
    pub lines: Vec<RefundLine>,
    /// Another tender than the original (owner/admin only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::contract::payment_method))]
    pub method: Option<String>,
    /// Required, ≤ 500 characters.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 500))]
    pub reason: String,
    /// The register it is given at (default: the first active one). Cash needs an open shift.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub register_id: Option<i64>,
}

/// A refund: money given back on one of the visit's payments.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RefundView {
    /// Id.
    pub id: i64,
    /// The payment it reverses (in part).
    pub payment_id: i64,
    /// The tender the money went back through.
    pub method: String,
    /// Russian label of the tender.
    pub method_label: String,
    /// Amount (positive).
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = r"^-?[0-9]+([.][0-9]{1,2})?$", example = "3000.00"))]
    pub amount: Money,
    /// When (RFC 3339).
    pub refunded_at: String,
    /// Who.
    pub refunded_by: Option<NamedRef>,
    /// Why.
    pub reason: String,
    /// The cash-desk shift it was posted into.
    pub shift_id: Option<i64>,
    /// What it gave back per line (sums to `amount`).
    pub allocations: Vec<AllocationView>,
}

/// `POST /payments/{id}/void`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"reason": "ошибочная сумма"})))]
pub struct VoidRequest {
    /// Required.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 500))]
    pub reason: String,
}

/// A named reference (patient, doctor, user).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NamedRef {
    /// Id.
    pub id: i64,
    /// Display name.
    pub name: String,
}

/// A line: a service on a visit with this visit's price.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VisitLineView {
    /// Line id.
    pub id: i64,
    /// The price-list service.
    pub service_id: i64,
    /// Its name.
    pub service_name: String,
    /// The price list's price when booked (the hint).
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = r"^-?[0-9]+([.][0-9]{1,2})?$", example = "5000.00"))]
    pub base_price: Money,
    /// This visit's price.
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = r"^-?[0-9]+([.][0-9]{1,2})?$", example = "4500.00"))]
    pub price: Money,
    /// Allocated from live payments.
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = r"^-?[0-9]+([.][0-9]{1,2})?$", example = "4500.00"))]
    pub paid: Money,
}

/// One part of a payment on one line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AllocationView {
    /// The line.
    pub line_id: i64,
    /// The part.
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = r"^-?[0-9]+([.][0-9]{1,2})?$", example = "1875.00"))]
    pub amount: Money,
}

/// A payment (voided ones stay, marked).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PaymentView {
    /// Id.
    pub id: i64,
    /// `card` | `cash` | `qr` | `transfer`.
    pub method: String,
    /// Russian label of the method.
    pub method_label: String,
    /// Amount.
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = r"^-?[0-9]+([.][0-9]{1,2})?$", example = "3000.00"))]
    pub amount: Money,
    /// When taken (RFC 3339).
    pub paid_at: String,
    /// Who took it.
    pub received_by: Option<NamedRef>,
    /// Note.
    pub note: Option<String>,
    /// When voided.
    pub voided_at: Option<String>,
    /// Why voided.
    pub void_reason: Option<String>,
    /// Its split over the lines (sums to `amount`).
    pub allocations: Vec<AllocationView>,
    /// Refunded from it so far.
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = r"^-?[0-9]+([.][0-9]{1,2})?$", example = "0.00"))]
    #[serde(default)]
    pub refunded: Money,
    /// The cash-desk shift it was posted into (none: outside shifts).
    #[serde(default)]
    pub shift_id: Option<i64>,
    /// The visit it pays.
    #[serde(default)]
    pub appointment_id: i64,
    /// Last change: taken, voided or refunded from (RFC 3339 UTC; the order of
    /// `GET /payments?updated_since=`).
    #[serde(default)]
    pub updated_at: String,
}

/// One status change of a visit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StatusChangeView {
    /// Previous status (none for the booking).
    pub from: Option<String>,
    /// New status.
    pub to: String,
    /// When (RFC 3339).
    pub at: String,
    /// Who.
    pub by: Option<NamedRef>,
    /// Why (reverts, bookings over a clash).
    pub reason: Option<String>,
}

/// A visit as the list and the calendar show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VisitSummary {
    /// Id.
    pub id: i64,
    /// The patient.
    pub patient: NamedRef,
    /// Patient's phone `+7XXXXXXXXXX`.
    pub patient_phone: String,
    /// The doctor.
    pub doctor: NamedRef,
    /// Start (RFC 3339, UTC).
    pub starts_at: String,
    /// End.
    pub ends_at: String,
    /// Status code.
    pub status: String,
    /// Russian status label.
    pub status_label: String,
    /// Lead source code.
    pub source: String,
    /// Its label.
    pub source_label: String,
    /// Sum of line prices.
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = r"^-?[0-9]+([.][0-9]{1,2})?$", example = "16000.00"))]
    pub total: Money,
    /// Sum of live payments.
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = r"^-?[0-9]+([.][0-9]{1,2})?$", example = "10000.00"))]
    pub paid: Money,
    /// `total - paid` (never below zero).
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = r"^-?[0-9]+([.][0-9]{1,2})?$", example = "6000.00"))]
    pub remaining: Money,
    /// `unpaid` | `partially_paid` | `paid`.
    pub payment_status: String,
    /// Russian payment status label.
    pub payment_status_label: String,
    /// Send back on `PATCH`.
    pub version: i64,
    /// Last change of the visit, its lines or its payments (RFC 3339 UTC): the order of
    /// `?updated_since=`.
    #[serde(default)]
    pub updated_at: String,
}

/// A whole visit: `GET /appointments/{id}` and the answer of every change to it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VisitView {
    /// The list fields.
    #[serde(flatten)]
    pub summary: VisitSummary,
    /// Notes.
    pub notes: Option<String>,
    /// Stamped on "на приеме".
    pub arrived_at: Option<String>,
    /// Stamped on "на приеме".
    pub started_at: Option<String>,
    /// Stamped on "прием завершен".
    pub finished_at: Option<String>,
    /// Why it was booked over a clash.
    pub overlap_reason: Option<String>,
    /// Service lines.
    pub lines: Vec<VisitLineView>,
    /// Payments, oldest first, voided ones included.
    pub payments: Vec<PaymentView>,
    /// Refunds, oldest first.
    #[serde(default)]
    pub refunds: Vec<RefundView>,
    /// Status history, oldest first.
    pub status_history: Vec<StatusChangeView>,
    /// When booked.
    pub created_at: String,
}
