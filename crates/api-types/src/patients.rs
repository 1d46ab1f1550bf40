//! Patients on the wire.

use serde::{Deserialize, Serialize};

/// A patient card as clients see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PatientView {
    /// Id.
    pub id: i64,
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: Option<String>,
    /// `YYYY-MM-DD`.
    pub birth_date: Option<String>,
    /// Normalized `+7XXXXXXXXXX`.
    pub phone: String,
    /// E-mail.
    pub email: Option<String>,
    /// Notes.
    pub notes: Option<String>,
    /// False once deactivated (kept for history, hidden from pickers).
    pub is_active: bool,
    /// Send back with `PATCH`/`DELETE`; a stale one gets 409.
    pub version: i64,
    /// Created (RFC 3339).
    pub created_at: String,
    /// Last change (RFC 3339).
    pub updated_at: String,
    /// Reminder consent and language.
    pub reminders: crate::reminders::PatientRemindersView,
}

/// `POST /api/v1/patients` and the body of `PATCH` (with `version`).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "first_name": "Айгүл", "last_name": "Сәрсенова", "birth_date": "1990-05-01",
    "phone": "8 701 123 45 67", "email": "aigul@mail.kz", "notes": "аллергия на пенициллин"
})))]
pub struct PatientWrite {
    /// 1..100 letters (any script), spaces, hyphens, apostrophes.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 100))]
    pub first_name: String,
    /// Optional, same rule.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 100))]
    pub last_name: Option<String>,
    /// `YYYY-MM-DD`, not in the future.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(format = Date))]
    pub birth_date: Option<String>,
    /// Any usual spelling (`8 701 …`, `+7 (701) …`); stored as `+7XXXXXXXXXX`; unique among
    /// active patients.
    #[cfg_attr(
        feature = "openapi",
        schema(pattern = r"^[+]?[0-9][0-9 ()-]{9,24}$", max_length = 30)
    )]
    pub phone: String,
    /// Optional e-mail.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 254))]
    pub email: Option<String>,
    /// Optional, at most 2000 characters.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 2000))]
    pub notes: Option<String>,
    /// Reminder consent and language; absent keeps what is stored (new patients: none, `ru`).
    #[serde(default)]
    pub reminders: Option<crate::reminders::PatientRemindersView>,
    /// Required on `PATCH`: the version read.
    #[serde(default)]
    pub version: Option<i64>,
}

/// `GET /api/v1/patients/{id}/history`: the patient's visits in figures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PatientHistoryView {
    /// Visits that count (every status but cancelled).
    pub visits: u32,
    /// Visits that took place (in progress or completed).
    pub attended: u32,
    /// What the visits that took place are worth.
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = r"^-?[0-9]+([.][0-9]{1,2})?$", example = "23210.39"))]
    pub billed: emhana_domain::Money,
    /// What the patient paid over all visits, net of refunds (lifetime value).
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = r"^-?[0-9]+([.][0-9]{1,2})?$", example = "20000.00"))]
    pub paid: emhana_domain::Money,
    /// What remains unpaid on visits that took place.
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = r"^-?[0-9]+([.][0-9]{1,2})?$", example = "3210.39"))]
    pub debt: emhana_domain::Money,
    /// First visit that took place (RFC 3339).
    pub first_visit: Option<String>,
    /// Latest visit that took place.
    pub last_visit: Option<String>,
    /// Next booked visit.
    pub next_visit: Option<String>,
    /// How the patient found the clinic (the source of their first visit).
    pub source: Option<String>,
}
