//! Doctors, the price list and lead sources on the wire.

use emhana_domain::Money;
use serde::{Deserialize, Serialize};

/// A doctor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DoctorView {
    /// Id.
    pub id: i64,
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
    /// Specialization.
    pub specialization: String,
    /// `+7XXXXXXXXXX` (not unique).
    pub phone: Option<String>,
    /// E-mail.
    pub email: Option<String>,
    /// False once deactivated.
    pub is_active: bool,
    /// Send back on change.
    pub version: i64,
    /// Last change (RFC 3339 UTC): the order of `?updated_since=`.
    #[serde(default)]
    pub updated_at: String,
}

/// `POST /doctors`, `PATCH /doctors/{id}` (with `version`).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"first_name": "Ерлан", "last_name": "Жұмабаев", "specialization": "Стоматолог", "phone": "8 727 250 00 00"})))]
pub struct DoctorWrite {
    /// Required.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 100))]
    pub first_name: String,
    /// Required.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 100))]
    pub last_name: String,
    /// Required, ≤ 100 characters.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 100))]
    pub specialization: String,
    /// Optional, any usual spelling.
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(pattern = r"^[+]?[0-9][0-9 ()-]{9,24}$", max_length = 30)
    )]
    pub phone: Option<String>,
    /// Optional.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 254))]
    pub email: Option<String>,
    /// Required on `PATCH`.
    #[serde(default)]
    pub version: Option<i64>,
}

/// A price-list service.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ServiceView {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Description.
    pub description: Option<String>,
    /// Base price in tenge, decimal string.
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = r"^-?\d+(\.\d{1,2})?$", example = "12500.00"))]
    pub base_price: Money,
    /// Minutes of the doctor's time it books.
    pub duration_minutes: i64,
    /// Tied doctor, if any.
    pub doctor_id: Option<i64>,
    /// False once deactivated.
    pub is_active: bool,
    /// Send back on change.
    pub version: i64,
    /// Last change (RFC 3339 UTC): the order of `?updated_since=`.
    #[serde(default)]
    pub updated_at: String,
}

/// `POST /services`, `PATCH /services/{id}` (with `version`).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"name": "Консультация стоматолога", "base_price": "8000.00", "duration_minutes": 30, "doctor_id": 1})))]
pub struct ServiceWrite {
    /// Required, ≤ 200 characters.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 200))]
    pub name: String,
    /// Optional, ≤ 2000 characters.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 2000))]
    pub description: Option<String>,
    /// Decimal string ≥ 0 with at most 2 decimals (`"8000"`, `"8000.50"`).
    #[cfg_attr(
        feature = "openapi",
        schema(pattern = r"^[0-9]{1,12}([.][0-9]{1,2})?$")
    )]
    pub base_price: String,
    /// 1..=720.
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 720))]
    pub duration_minutes: i64,
    /// Optional active doctor.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(minimum = 1))]
    pub doctor_id: Option<i64>,
    /// Required on `PATCH`.
    #[serde(default)]
    pub version: Option<i64>,
}

/// A lead source ("Откуда узнали о нас").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LeadSourceView {
    /// Id.
    pub id: i64,
    /// Stable code (`repeat_visit`, `2gis`, ...).
    pub code: String,
    /// Russian label.
    pub label: String,
    /// The default for new visits.
    pub is_default: bool,
    /// False once deactivated.
    pub is_active: bool,
    /// Send back on change.
    pub version: i64,
    /// Last change (RFC 3339 UTC): the order of `?updated_since=`.
    #[serde(default)]
    pub updated_at: String,
}

/// `POST /lead-sources`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"code": "tiktok", "label": "TikTok"})))]
pub struct LeadSourceCreate {
    /// 2..40 of a-z, digits, `_`; unique, never changes.
    #[cfg_attr(feature = "openapi", schema(pattern = r"^[a-z0-9_]{2,40}$"))]
    pub code: String,
    /// Russian label, ≤ 100 characters.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 100))]
    pub label: String,
}

/// `PATCH /lead-sources/{id}`: only the label changes.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LeadSourceUpdate {
    /// New label.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 100))]
    pub label: String,
    /// The version read.
    pub version: i64,
}
