//! Patient deposits on the wire: the balance, a top-up, a withdrawal, the statement and the
//! clinic's deposits report. Amounts are decimal strings; ledger amounts are signed (+ adds).

use emhana_domain::Money;
use serde::{Deserialize, Serialize};

/// `GET /patients/{id}/balance`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BalanceView {
    /// The patient.
    pub patient_id: i64,
    /// What the deposit holds (never negative).
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = r"^[0-9]+([.][0-9]{1,2})?$", example = "20000.00"))]
    pub deposit: Money,
    /// Bonuses the patient holds (never negative; 1 bonus = 1 ₸ of a visit).
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = r"^[0-9]+([.][0-9]{1,2})?$", example = "1500.00"))]
    pub bonus: Money,
}

/// `POST /patients/{id}/deposits`: money received onto the deposit.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"method": "cash", "amount": "50000.00", "note": "курс из 5 процедур"})))]
pub struct TopUpCreate {
    /// `card` | `cash` | `qr` | `transfer`.
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::contract::tender))]
    pub method: String,
    /// Decimal string > 0.
    #[cfg_attr(
        feature = "openapi",
        schema(pattern = r"^[0-9]{1,12}([.][0-9]{1,2})?$")
    )]
    pub amount: String,
    /// Optional note.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 2000))]
    pub note: Option<String>,
    /// The register (default: the clinic's first active one).
    #[serde(default)]
    pub register_id: Option<i64>,
}

/// `POST /patients/{id}/withdrawals`: unused deposit given back, through the top-ups' tenders,
/// oldest top-up first.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"amount": "20000.00", "reason": "курс не понадобился"})))]
pub struct WithdrawalCreate {
    /// Decimal string > 0 (absent: everything the deposit holds).
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(pattern = r"^[0-9]{1,12}([.][0-9]{1,2})?$")
    )]
    pub amount: Option<String>,
    /// The tender for a part no top-up covers (money refunded onto the deposit).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::contract::tender))]
    pub method: Option<String>,
    /// Why (required).
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 2000))]
    pub reason: String,
    /// The register (default: the clinic's first active one).
    #[serde(default)]
    pub register_id: Option<i64>,
}

/// One ledger entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DepositEntryView {
    /// Id.
    pub id: i64,
    /// `topup` | `spend` | `spend_reversal` | `withdrawal` | `accrual` | `accrual_reversal` |
    /// `expiry` | `welcome`.
    pub kind: String,
    /// Russian label of the kind.
    pub kind_label: String,
    /// Signed: + adds to the balance.
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = r"^-?[0-9]+([.][0-9]{1,2})?$", example = "-30000.00"))]
    pub amount: Money,
    /// The real tender (top-ups, withdrawals).
    pub method: Option<String>,
    /// The visit (spends and reversals).
    pub appointment_id: Option<i64>,
    /// The payment spent or voided.
    pub payment_id: Option<i64>,
    /// The refund that put money back.
    pub refund_id: Option<i64>,
    /// The shift it was posted into.
    pub shift_id: Option<i64>,
    /// When (RFC 3339).
    pub at: String,
    /// Clinic-local day (`YYYY-MM-DD`).
    pub date: String,
    /// Who.
    pub by: Option<String>,
    /// Note or reason.
    pub note: Option<String>,
    /// A bonus credit's last day (`YYYY-MM-DD`).
    #[serde(default)]
    pub expires_on: Option<String>,
}

/// What a top-up or withdrawal wrote and the balance after it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DepositChangeView {
    /// The entries written (a withdrawal over several top-ups writes one each).
    pub entries: Vec<DepositEntryView>,
    /// The balance after.
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = r"^[0-9]+([.][0-9]{1,2})?$", example = "20000.00"))]
    pub balance: Money,
}

/// `GET /patients/{id}/statement`: opening + credits − debits = closing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StatementView {
    /// `deposit` | `bonus`.
    pub kind: String,
    /// First day.
    pub from: String,
    /// Last day (inclusive).
    pub to: String,
    /// The balance before `from`.
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = r"^-?[0-9]+([.][0-9]{1,2})?$", example = "0.00"))]
    pub opening: Money,
    /// Credits in the period.
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = r"^-?[0-9]+([.][0-9]{1,2})?$", example = "50000.00"))]
    pub credits: Money,
    /// Debits in the period (positive).
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = r"^-?[0-9]+([.][0-9]{1,2})?$", example = "30000.00"))]
    pub debits: Money,
    /// The balance after `to`.
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = r"^-?[0-9]+([.][0-9]{1,2})?$", example = "20000.00"))]
    pub closing: Money,
    /// The period's entries, oldest first.
    pub entries: Vec<DepositEntryView>,
}

/// `?kind=&from=&to=` of a statement.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct StatementQuery {
    /// `deposit` (the default) or `bonus`.
    #[cfg_attr(feature = "openapi", param(max_length = 20))]
    pub kind: Option<String>,
    /// First clinic-local day (default: the first entry's).
    #[cfg_attr(feature = "openapi", param(format = Date))]
    pub from: Option<String>,
    /// Last clinic-local day (default: today).
    #[cfg_attr(feature = "openapi", param(format = Date))]
    pub to: Option<String>,
}

impl crate::queries::ToQuery for StatementQuery {}

/// `GET /analytics/deposits`: deposits held (a liability, not revenue) and what moved.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DepositsReportView {
    /// First day.
    pub from: String,
    /// Last day.
    pub to: String,
    /// Held before `from`.
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = r"^-?[0-9]+([.][0-9]{1,2})?$", example = "100000.00"))]
    pub held_at_start: Money,
    /// Held after `to`.
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = r"^-?[0-9]+([.][0-9]{1,2})?$", example = "120000.00"))]
    pub held_at_end: Money,
    /// Top-ups (money received, not revenue).
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = r"^-?[0-9]+([.][0-9]{1,2})?$", example = "50000.00"))]
    pub topups: Money,
    /// Spent on visits (revenue of those days, in the payment reports as `balance`).
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = r"^-?[0-9]+([.][0-9]{1,2})?$", example = "30000.00"))]
    pub spends: Money,
    /// Put back by refunds and voids.
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = r"^-?[0-9]+([.][0-9]{1,2})?$", example = "0.00"))]
    pub reversals: Money,
    /// Given back to patients.
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = r"^-?[0-9]+([.][0-9]{1,2})?$", example = "0.00"))]
    pub withdrawals: Money,
    /// Patients holding a deposit at the end.
    pub patients: i64,
    /// Bonuses patients hold at the end (a discount promised, not money).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = r"^-?[0-9]+([.][0-9]{1,2})?$", example = "15000.00"))]
    pub bonuses_held: Money,
}

/// `?from=&to=` of the deposits report (both required).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct DepositsQuery {
    /// First clinic-local day, `YYYY-MM-DD`.
    #[cfg_attr(feature = "openapi", param(required = true, format = Date))]
    pub from: Option<String>,
    /// Last clinic-local day (inclusive).
    #[cfg_attr(feature = "openapi", param(required = true, format = Date))]
    pub to: Option<String>,
}

impl crate::queries::ToQuery for DepositsQuery {}

/// The bonus programme as the owner sets it (`PUT /settings/bonus-programme`) and reads it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"enabled": true, "accrual_percent": "5", "earning_methods": ["card", "cash", "qr", "transfer", "balance"], "max_share_percent": "30", "expiry_days": 365, "welcome_amount": "0", "welcome_source_id": null, "effective_from": null})))]
pub struct BonusProgrammeWrite {
    /// Off: nothing accrues (what patients hold can still be spent).
    pub enabled: bool,
    /// Accrual, percent of each earning amount (0..=100, two decimals).
    #[cfg_attr(feature = "openapi", schema(max_length = 10))]
    pub accrual_percent: String,
    /// Tenders whose amounts earn bonuses (`card`, `cash`, `qr`, `transfer`, `balance`).
    #[cfg_attr(feature = "openapi", schema(max_items = 5))]
    pub earning_methods: Vec<String>,
    /// The largest share of a visit payable by bonuses, percent.
    #[cfg_attr(feature = "openapi", schema(max_length = 10))]
    pub max_share_percent: String,
    /// Days a credit lasts (0: forever; at most 3650).
    pub expiry_days: i64,
    /// Welcome bonus for a patient whose first visit came by `welcome_source_id` (`"0"`: none).
    #[cfg_attr(feature = "openapi", schema(max_length = 20))]
    pub welcome_amount: String,
    /// The referral source of the welcome bonus.
    #[serde(default)]
    pub welcome_source_id: Option<i64>,
    /// The first day these rules apply (default today; never in the past).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(format = Date))]
    pub effective_from: Option<String>,
}

/// `GET /settings/bonus-programme`: the rules in force today and versions scheduled later.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BonusProgrammeView {
    /// In force today (an off programme when none was ever set).
    pub current: BonusProgrammeWrite,
    /// Versions that start after today, soonest first.
    pub scheduled: Vec<BonusProgrammeWrite>,
}
