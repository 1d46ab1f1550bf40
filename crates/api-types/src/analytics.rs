//! The owner's dashboard on the wire (DESIGN §7). Every report covers `from`..=`to` (clinic-local
//! days) and optionally one doctor. Money is a decimal string; percentages are JSON numbers with
//! two decimals.

use emhana_domain::Money;
use serde::{Deserialize, Serialize};

/// `GET /analytics/summary`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SummaryReport {
    /// First day.
    pub from: String,
    /// Last day.
    pub to: String,
    /// Live payments taken in the range (by payment day).
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = r"^-?[0-9]+([.][0-9]{1,2})?$", example = "1250000.00"))]
    pub revenue: Money,
    /// Non-cancelled visits starting in the range.
    pub visits: i64,
    /// Distinct patients of those visits.
    pub unique_patients: i64,
    /// Of them, patients whose first visit ever is in the range.
    pub new_patients: i64,
    /// `unique_patients - new_patients`.
    pub returning_patients: i64,
    /// Paid on the range's visits ÷ those of them with anything paid.
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = r"^-?[0-9]+([.][0-9]{1,2})?$", example = "12500.00"))]
    pub average_check: Money,
    /// `total - paid` summed over the range's visits.
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = r"^-?[0-9]+([.][0-9]{1,2})?$", example = "86000.00"))]
    pub outstanding_debt: Money,
    /// No-shows ÷ visits × 100.
    pub no_show_rate_percent: f64,
    /// Card + QR + transfer ÷ revenue × 100.
    pub cashless_share_percent: f64,
    /// Paid with bonuses in the range (net of refunds): a discount, never part of `revenue`.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = r"^-?[0-9]+([.][0-9]{1,2})?$", example = "0.00"))]
    pub bonus_paid: Money,
}

/// One lead source's line of `GET /analytics/sources`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SourceItem {
    /// Code (`instagram`).
    pub source: String,
    /// Label ("Instagram").
    pub label: String,
    /// Non-cancelled visits in the range that came from it.
    pub visits: i64,
    /// Distinct patients of those visits.
    pub patients: i64,
    /// Paid on those visits.
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = r"^-?[0-9]+([.][0-9]{1,2})?$", example = "250000.00"))]
    pub revenue: Money,
    /// Its share of the range's visits, %.
    pub share_percent: f64,
    /// Revenue ÷ its visits with anything paid.
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = r"^-?[0-9]+([.][0-9]{1,2})?$", example = "12500.00"))]
    pub average_check: Money,
}

/// `GET /analytics/sources`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SourcesReport {
    /// First day.
    pub from: String,
    /// Last day.
    pub to: String,
    /// Sources with visits in the range.
    pub items: Vec<SourceItem>,
    /// The highest revenue (ties: more visits); none for an empty range.
    pub best_source: Option<String>,
}

/// One method's line of `GET /analytics/payment-methods`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MethodItem {
    /// `card` | `cash` | `qr` | `transfer`.
    pub method: String,
    /// Russian label.
    pub label: String,
    /// Net: live payments by it in the range less refunds through it (revenue).
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = r"^-?[0-9]+([.][0-9]{1,2})?$", example = "500000.00"))]
    pub amount: Money,
    /// Live payments by it in the range.
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = r"^-?[0-9]+([.][0-9]{1,2})?$", example = "520000.00"))]
    #[serde(default)]
    pub paid: Money,
    /// Refunds through it in the range (by refund day).
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = r"^-?[0-9]+([.][0-9]{1,2})?$", example = "20000.00"))]
    #[serde(default)]
    pub refunded: Money,
    /// How many refunds.
    #[serde(default)]
    pub refunds: i64,
    /// Its share of the net amount, %.
    pub share_percent: f64,
    /// Visits with at least one live payment by it.
    pub visits: i64,
    /// Payments ÷ number of its payments.
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = r"^-?[0-9]+([.][0-9]{1,2})?$", example = "9000.00"))]
    pub average_payment: Money,
}

/// `GET /analytics/payment-methods`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MethodsReport {
    /// First day.
    pub from: String,
    /// Last day.
    pub to: String,
    /// Methods used in the range.
    pub items: Vec<MethodItem>,
    /// The method that paid the most visits (ties: the larger amount).
    pub most_popular_method: Option<String>,
    /// Paid with bonuses in the range (net of refunds): a discount, not among the items.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = r"^-?[0-9]+([.][0-9]{1,2})?$", example = "0.00"))]
    pub bonus_paid: Money,
}

/// One day of `GET /analytics/revenue-daily` (every day of the range, zero ones included).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DayItem {
    /// `YYYY-MM-DD`.
    pub date: String,
    /// Live payments taken that day.
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = r"^-?[0-9]+([.][0-9]{1,2})?$", example = "85000.00"))]
    pub revenue: Money,
    /// How many.
    pub payments: i64,
}

/// One day of `GET /analytics/visits` (every day of the range, zero ones included).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VisitDayItem {
    /// `YYYY-MM-DD`.
    pub date: String,
    /// Non-cancelled visits that day.
    pub visits: i64,
    /// Of them, no-shows.
    pub no_shows: i64,
}

/// One status of `GET /analytics/visits`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StatusItem {
    /// Code (`scheduled`, `in_progress`, `completed`, `no_show`, `cancelled`).
    pub status: String,
    /// Russian label ("прием завершен").
    pub label: String,
    /// Visits in this status whose day is in the range.
    pub visits: i64,
    /// Share of all visits of the range (cancelled included), percent to the hundredth.
    pub share_percent: f64,
}

/// `GET /analytics/visits`: visits per day and by status.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VisitsReport {
    /// First day.
    pub from: String,
    /// Last day.
    pub to: String,
    /// Every day of the range.
    pub days: Vec<VisitDayItem>,
    /// Every status, in the order of a visit's life (scheduled … cancelled), zero ones included.
    pub statuses: Vec<StatusItem>,
}

/// One doctor of `GET /analytics/doctors`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DoctorItem {
    /// Doctor id.
    pub doctor_id: i64,
    /// "Фамилия Имя".
    pub name: String,
    /// Non-cancelled visits in the range.
    pub visits: i64,
    /// Distinct patients.
    pub patients: i64,
    /// Live payments in the range for the doctor's visits.
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = r"^-?[0-9]+([.][0-9]{1,2})?$", example = "400000.00"))]
    pub revenue: Money,
}

/// One service of `GET /analytics/services`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ServiceItem {
    /// Service id.
    pub service_id: i64,
    /// Name.
    pub name: String,
    /// Times it was on a non-cancelled visit in the range.
    pub count: i64,
    /// Its prices on those visits.
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = r"^-?[0-9]+([.][0-9]{1,2})?$", example = "150000.00"))]
    pub billed: Money,
    /// Live payments in the range allocated to it.
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = r"^-?[0-9]+([.][0-9]{1,2})?$", example = "120000.00"))]
    pub revenue: Money,
}

/// One staff member of `GET /analytics/discounts`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DiscountItem {
    /// Who set the prices (none: unknown, e.g. imported).
    pub user_id: Option<i64>,
    /// Their name.
    pub name: Option<String>,
    /// Lines priced below the base price.
    pub count: i64,
    /// Base − price, summed.
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = r"^-?[0-9]+([.][0-9]{1,2})?$", example = "15000.00"))]
    pub total: Money,
    /// Total ÷ count.
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = r"^-?[0-9]+([.][0-9]{1,2})?$", example = "1500.00"))]
    pub average: Money,
}

/// `GET /analytics/discounts`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DiscountsReport {
    /// First day.
    pub from: String,
    /// Last day.
    pub to: String,
    /// Discounted lines in the range.
    pub count: i64,
    /// Base − price, summed.
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = r"^-?[0-9]+([.][0-9]{1,2})?$", example = "45000.00"))]
    pub total: Money,
    /// Total ÷ count.
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = r"^-?[0-9]+([.][0-9]{1,2})?$", example = "1500.00"))]
    pub average: Money,
    /// By staff member.
    pub items: Vec<DiscountItem>,
}

/// `{from, to, items}` of the per-day, per-doctor and per-service reports.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ItemsReport<T> {
    /// First day.
    pub from: String,
    /// Last day.
    pub to: String,
    /// The rows.
    pub items: Vec<T>,
}

/// One series of a trend chart: a source's visits or a method's amounts per bucket.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TrendSeries {
    /// Source or method code.
    pub code: String,
    /// Its label.
    pub label: String,
    /// One value per bucket: visits (sources) or a decimal string amount (methods).
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<String>, example = json!(["3", "5"])))]
    pub values: Vec<String>,
}

/// `GET /analytics/trends`: sources and methods per week or month ("тренды").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TrendsReport {
    /// First day.
    pub from: String,
    /// Last day.
    pub to: String,
    /// `week` | `month`.
    pub period: String,
    /// First day of each bucket (Mondays or the 1st).
    pub buckets: Vec<String>,
    /// Visits per source per bucket (values are integer strings).
    pub sources: Vec<TrendSeries>,
    /// Live payment amounts per method per bucket (decimal strings).
    pub methods: Vec<TrendSeries>,
}
