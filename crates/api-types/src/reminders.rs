//! Reminders on the wire: a patient's consent, the clinic's rules and texts, the outbox as a list.

use serde::{Deserialize, Serialize};

/// What a patient agreed to be reminded through, and in which language (on the patient card;
/// in `POST`/`PATCH /patients` optional — absent keeps what is stored, new patients: none).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PatientRemindersView {
    /// Reminders through WhatsApp allowed.
    pub whatsapp: bool,
    /// Reminders by SMS allowed.
    pub sms: bool,
    /// `ru` or `kk`.
    #[cfg_attr(feature = "openapi", schema(pattern = "^(ru|kk)$"))]
    pub language: String,
}

impl Default for PatientRemindersView {
    fn default() -> Self {
        Self {
            whatsapp: false,
            sms: false,
            language: "ru".to_owned(),
        }
    }
}

/// One rule: `{"kind": "day_before", "at": "10:00"}` or `{"kind": "hours_before", "hours": 2}`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReminderRuleBody {
    /// `day_before` (the clinic's day before the visit, at `at`) or `hours_before`.
    #[cfg_attr(feature = "openapi", schema(pattern = "^(day_before|hours_before)$"))]
    pub kind: String,
    /// `HH:MM`, clinic time, for `day_before`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<String>,
    /// 1..72, for `hours_before`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hours: Option<i64>,
}

/// `PUT /api/v1/settings/reminders`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "enabled": true,
    "rules": [{"kind": "day_before", "at": "10:00"}, {"kind": "hours_before", "hours": 2}],
    "template_ru": "Здравствуйте, {name}! Напоминаем о приёме у врача {doctor} {date} в {time}. Адрес: {address}.",
    "template_kk": "Сәлеметсіз бе, {name}! {date} күні сағат {time}-де {doctor} дәрігердің қабылдауы. Мекенжай: {address}."
})))]
pub struct ReminderSettingsBody {
    /// Whether reminders are planned and sent at all.
    pub enabled: bool,
    /// At most 5, no two alike.
    pub rules: Vec<ReminderRuleBody>,
    /// Russian text; placeholders `{name}`, `{doctor}`, `{date}`, `{time}`, `{address}`.
    #[cfg_attr(feature = "openapi", schema(max_length = 1000))]
    pub template_ru: String,
    /// Kazakh text, same placeholders.
    #[cfg_attr(feature = "openapi", schema(max_length = 1000))]
    pub template_kk: String,
}

/// The clinic's reminder settings, with what the server can send through.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReminderSettingsView {
    /// The settings.
    #[serde(flatten)]
    pub settings: ReminderSettingsBody,
    /// Channels with a provider configured on the server (`whatsapp`, `sms`); none: nothing
    /// can be sent whatever the settings say.
    pub channels: Vec<String>,
    /// The clinic's address for `{address}` (from the requisites).
    pub address: Option<String>,
}

/// One reminder of the outbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReminderView {
    /// Id.
    pub id: i64,
    /// The visit.
    pub appointment_id: i64,
    /// The visit's start when the reminder was planned (RFC 3339).
    pub planned_start: String,
    /// The rule: `day_before@10:00`, `hours_before:2`.
    pub rule: String,
    /// When it is (was) due.
    pub due_at: String,
    /// `planned`, `sending`, `sent`, `failed`, `withdrawn`.
    pub status: String,
    /// Why withdrawn or failed: `visit_not_scheduled`, `visit_moved`, `no_consent`, `too_late`,
    /// `no_phone`, `provider_refused`, `retries_exhausted`.
    pub reason: Option<String>,
    /// `whatsapp` or `sms`, once chosen.
    pub channel: Option<String>,
    /// The text sent (once sent or tried).
    pub body: Option<String>,
    /// Tries made.
    pub attempts: i64,
    /// The provider's last HTTP status.
    pub last_status_code: Option<i64>,
    /// The last error.
    pub last_error: Option<String>,
    /// When the provider accepted it.
    pub sent_at: Option<String>,
    /// The provider's message id.
    pub provider_message_id: Option<String>,
    /// The patient.
    pub patient_id: i64,
    /// The patient's name.
    pub patient_name: String,
    /// The patient's phone.
    pub phone: String,
    /// The doctor's name.
    pub doctor_name: String,
    /// The visit's status now.
    pub visit_status: String,
}

/// `GET /api/v1/reminders?from=&to=&status=`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct ReminderListQuery {
    /// First clinic-local day of the visits (default: today).
    #[cfg_attr(feature = "openapi", param(format = Date))]
    pub from: Option<String>,
    /// Last clinic-local day, inclusive (default: `from` + 1 day; at most 31 days).
    #[cfg_attr(feature = "openapi", param(format = Date))]
    pub to: Option<String>,
    /// Only reminders in this status.
    #[cfg_attr(
        feature = "openapi",
        param(pattern = "^(planned|sending|sent|failed|withdrawn)$")
    )]
    pub status: Option<String>,
}
impl crate::queries::ToQuery for ReminderListQuery {}
