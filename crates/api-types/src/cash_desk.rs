//! The cash desk on the wire: registers, shifts, cash movements, X and Z reports, settings.
//! The Z report is stored at close and returned byte for byte; [`ZReportView`] is its shape.

use emhana_domain::Money;
use serde::{Deserialize, Serialize};

use crate::visits::PaymentPart;

/// A register (касса) with its live shift, if any.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RegisterView {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Inactive registers take nothing.
    pub is_active: bool,
    /// The shift that is not closed yet.
    pub shift_id: Option<i64>,
    /// Its status (`open` | `counting`).
    pub shift_status: Option<String>,
}

/// `POST /registers`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"name": "Касса 2"})))]
pub struct RegisterCreate {
    /// 1..=100 characters, unique.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 100))]
    pub name: String,
}

/// `PATCH /registers/{id}`: rename and/or (de)activate; absent fields stay.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"name": "Касса ресепшн", "is_active": true})))]
pub struct RegisterUpdate {
    /// 1..=100 characters, unique.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 100))]
    pub name: Option<String>,
    /// `false` deactivates (refused while a shift is not closed).
    #[serde(default)]
    pub is_active: Option<bool>,
}

/// `POST /registers/{id}/shifts`: open a shift with the float counted.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"counted_opening": "20000.00"})))]
pub struct ShiftOpen {
    /// Cash counted in the drawer at opening (decimal string ≥ 0).
    #[cfg_attr(
        feature = "openapi",
        schema(pattern = r"^[0-9]{1,12}([.][0-9]{1,2})?$")
    )]
    pub counted_opening: String,
}

/// A shift.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ShiftView {
    /// Id.
    pub id: i64,
    /// Its register.
    pub register_id: i64,
    /// The register's name.
    pub register_name: String,
    /// `open` | `counting` | `closed`.
    pub status: String,
    /// Russian label of the status.
    pub status_label: String,
    /// When opened (RFC 3339).
    pub opened_at: String,
    /// Who opened it.
    pub opened_by: Option<String>,
    /// Cash counted at the register's previous close.
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = r"^-?[0-9]+([.][0-9]{1,2})?$", example = "20000.00"))]
    pub suggested_opening: Money,
    /// Cash counted at opening: the float.
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = r"^-?[0-9]+([.][0-9]{1,2})?$", example = "20000.00"))]
    pub counted_opening: Money,
    /// counted − suggested: its own figure, never part of expected cash.
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = r"^-?[0-9]+([.][0-9]{1,2})?$", example = "0.00"))]
    pub opening_difference: Money,
    /// When counting started.
    pub counting_at: Option<String>,
    /// When closed.
    pub closed_at: Option<String>,
    /// Who closed it.
    pub closed_by: Option<String>,
    /// The closer's note.
    pub close_note: Option<String>,
    /// Its Z number, once closed (per register: 1, 2, …).
    pub z_number: Option<i64>,
    /// Counted − expected over every tender, once closed (negative: a shortage).
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, pattern = r"^-?[0-9]+([.][0-9]{1,2})?$", example = "-500.00"))]
    pub difference: Option<Money>,
    /// Still open after the clinic's day end of its opening day: close it.
    pub stale: bool,
}

/// `POST /shifts/{id}/cash-movements`: cash in (внесение) or out (изъятие).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"kind": "out", "amount": "50000.00", "reason": "Инкассация"})))]
pub struct CashMovementCreate {
    /// `in` | `out`.
    #[cfg_attr(feature = "openapi", schema(example = "out"))]
    pub kind: String,
    /// Decimal string > 0.
    #[cfg_attr(
        feature = "openapi",
        schema(pattern = r"^[0-9]{1,12}([.][0-9]{1,2})?$")
    )]
    pub amount: String,
    /// Required, ≤ 500 characters.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 500))]
    pub reason: String,
}

/// One tender of a shift report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TenderTotalsView {
    /// `card` | `cash` | `qr` | `transfer`.
    pub method: String,
    /// Live payments' sum.
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = r"^-?[0-9]+([.][0-9]{1,2})?$", example = "12500.00"))]
    pub payments: Money,
    /// Live payments.
    pub payment_count: u32,
    /// Refunds' sum.
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = r"^-?[0-9]+([.][0-9]{1,2})?$", example = "0.00"))]
    pub refunds: Money,
    /// Refunds.
    pub refund_count: u32,
    /// payments − refunds.
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = r"^-?[0-9]+([.][0-9]{1,2})?$", example = "12500.00"))]
    pub net: Money,
    /// Deposits topped up by this tender (money in, not revenue).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = r"^-?[0-9]+([.][0-9]{1,2})?$", example = "0.00"))]
    pub deposits_in: Money,
    /// Deposits given back by this tender.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = r"^-?[0-9]+([.][0-9]{1,2})?$", example = "0.00"))]
    pub deposits_out: Money,
    /// What should be there: net + deposits in − out (cash: with float and movements).
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = r"^-?[0-9]+([.][0-9]{1,2})?$", example = "12500.00"))]
    pub expected: Money,
}

/// The drawer's figures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CashTotalsView {
    /// Counted at opening.
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = r"^-?[0-9]+([.][0-9]{1,2})?$", example = "20000.00"))]
    pub float: Money,
    /// Cash payments.
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = r"^-?[0-9]+([.][0-9]{1,2})?$", example = "12500.00"))]
    pub payments: Money,
    /// Cash refunds.
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = r"^-?[0-9]+([.][0-9]{1,2})?$", example = "0.00"))]
    pub refunds: Money,
    /// Cash in.
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = r"^-?[0-9]+([.][0-9]{1,2})?$", example = "0.00"))]
    pub cash_in: Money,
    /// Cash out.
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = r"^-?[0-9]+([.][0-9]{1,2})?$", example = "0.00"))]
    pub cash_out: Money,
    /// Cash deposits received.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = r"^-?[0-9]+([.][0-9]{1,2})?$", example = "0.00"))]
    pub deposits_in: Money,
    /// Cash deposits given back.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = r"^-?[0-9]+([.][0-9]{1,2})?$", example = "0.00"))]
    pub deposits_out: Money,
    /// float + payments − refunds + deposits in − out + in − out.
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = r"^-?[0-9]+([.][0-9]{1,2})?$", example = "32500.00"))]
    pub expected: Money,
}

/// Visits paid from patients' deposits (revenue with no money at the desk) or bonuses (a
/// discount) in the shift: beside the tenders and never counted.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BalanceSpendsView {
    /// Live payments by `balance`.
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = r"^-?[0-9]+([.][0-9]{1,2})?$", example = "0.00"))]
    pub payments: Money,
    /// Refunds back onto deposits.
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = r"^-?[0-9]+([.][0-9]{1,2})?$", example = "0.00"))]
    pub refunds: Money,
}

/// `GET /shifts/{id}/x-report`: the shift's report now (the Z it would get closing now).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct XReportView {
    /// The shift.
    pub shift: ShiftView,
    /// Every tender, card, cash, QR, transfer.
    pub tenders: Vec<TenderTotalsView>,
    /// The drawer.
    pub cash: CashTotalsView,
    /// Visits paid from deposits.
    #[serde(default)]
    pub from_deposits: BalanceSpendsView,
    /// Visits paid with bonuses (a discount).
    #[serde(default)]
    pub from_bonuses: BalanceSpendsView,
    /// Live payments.
    pub payment_count: u32,
    /// Refunds.
    pub refund_count: u32,
    /// Voided payments.
    pub void_count: u32,
}

/// `POST /shifts/{id}/close`: what was counted (blind), per tender.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"counted": [{"method": "cash", "amount": "32000.00"}, {"method": "card", "amount": "15000.00"}], "note": "недостача 500"})))]
pub struct ShiftClose {
    /// Each tender at most once; a tender not listed was counted as zero.
    #[cfg_attr(feature = "openapi", schema(max_items = 4))]
    pub counted: Vec<PaymentPart>,
    /// Required when a difference is over the tolerance (then only owner/admin may close).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 2000))]
    pub note: Option<String>,
}

/// The opening count.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OpeningView {
    /// Counted at the previous close.
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = r"^-?[0-9]+([.][0-9]{1,2})?$", example = "20000.00"))]
    pub suggested: Money,
    /// Counted at opening.
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = r"^-?[0-9]+([.][0-9]{1,2})?$", example = "20000.00"))]
    pub counted: Money,
    /// counted − suggested.
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = r"^-?[0-9]+([.][0-9]{1,2})?$", example = "0.00"))]
    pub difference: Money,
}

/// One tender of a close.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TenderCountView {
    /// `card` | `cash` | `qr` | `transfer`.
    pub method: String,
    /// From the report.
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = r"^-?[0-9]+([.][0-9]{1,2})?$", example = "32500.00"))]
    pub expected: Money,
    /// What was counted.
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = r"^-?[0-9]+([.][0-9]{1,2})?$", example = "32000.00"))]
    pub counted: Money,
    /// counted − expected (negative: a shortage).
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = r"^-?[0-9]+([.][0-9]{1,2})?$", example = "-500.00"))]
    pub difference: Money,
}

/// The Z report: stored once at close, never changed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ZReportView {
    /// The shift.
    pub shift_id: i64,
    /// Its register.
    pub register_id: i64,
    /// The register's name at close.
    pub register_name: String,
    /// The register's Z number.
    pub z_number: i64,
    /// When opened (RFC 3339).
    pub opened_at: String,
    /// When closed (RFC 3339).
    pub closed_at: String,
    /// Who opened it.
    pub opened_by: Option<String>,
    /// Who closed it.
    pub closed_by: Option<String>,
    /// The opening count.
    pub opening: OpeningView,
    /// Every tender.
    pub tenders: Vec<TenderTotalsView>,
    /// The drawer.
    pub cash: CashTotalsView,
    /// Visits paid from deposits.
    #[serde(default)]
    pub from_deposits: BalanceSpendsView,
    /// Visits paid with bonuses (a discount).
    #[serde(default)]
    pub from_bonuses: BalanceSpendsView,
    /// Live payments.
    pub payment_count: u32,
    /// Refunds.
    pub refund_count: u32,
    /// Voided payments.
    pub void_count: u32,
    /// Expected against counted, per tender.
    pub counts: Vec<TenderCountView>,
    /// The closer's note.
    pub note: Option<String>,
}

/// One entry of a shift's journal: a payment, a refund or a cash movement.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ShiftEntryView {
    /// `payment` | `refund` | `cash_in` | `cash_out` | `deposit_in` | `deposit_out`.
    pub kind: String,
    /// The payment's, refund's or movement's id.
    pub id: i64,
    /// The visit (payments and refunds).
    pub appointment_id: Option<i64>,
    /// The visit's patient.
    pub patient_name: Option<String>,
    /// The tender (`cash` for movements).
    pub method: String,
    /// Amount (positive; the kind says which way).
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = r"^-?[0-9]+([.][0-9]{1,2})?$", example = "12500.00"))]
    pub amount: Money,
    /// When (RFC 3339).
    pub at: String,
    /// Who.
    pub by: Option<String>,
    /// A voided payment (counted only as a void).
    pub voided: bool,
    /// Reason (refunds, movements) or note (payments).
    pub reason: Option<String>,
}

/// The clinic's cash-desk settings (`GET`/`PUT /settings/cash-desk`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"require_open_shift": false, "tolerance": "0.00", "day_end": "21:00"})))]
pub struct CashDeskSettingsView {
    /// Refuse non-cash payments too when no shift is open (off by default).
    pub require_open_shift: bool,
    /// The largest difference per tender a cashier may close with on their own.
    #[cfg_attr(
        feature = "openapi",
        schema(pattern = r"^[0-9]{1,12}([.][0-9]{1,2})?$", example = "0.00")
    )]
    pub tolerance: String,
    /// The clinic's day end, `HH:MM` clinic-local: a shift open after it is stale.
    #[cfg_attr(
        feature = "openapi",
        schema(pattern = r"^[0-2][0-9]:[0-5][0-9]$", example = "21:00")
    )]
    pub day_end: String,
}
