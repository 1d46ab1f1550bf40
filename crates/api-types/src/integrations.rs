//! Integrations on the wire: API keys and webhook subscriptions with their delivery log.

use serde::{Deserialize, Serialize};

/// A key to create.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "name": "МИС партнёра", "scopes": ["visits_read", "payments_write"], "expires_at": "2027-12-31T23:59:59Z"
})))]
pub struct NewApiKey {
    /// What the key is for (1..100).
    pub name: String,
    /// Permission codes: `patients_read`, `patients_write`, `directories_read`,
    /// `directories_write`, `visits_read`, `visits_write`, `payments_write`, `analytics_read`,
    /// `exports_read`, `audit_read`.
    pub scopes: Vec<String>,
    /// When the key stops working (RFC 3339, future); none: until revoked.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(format = DateTime))]
    pub expires_at: Option<String>,
}

/// A key as listed (never its token).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiKeyView {
    /// Key id (audit rows name it as `api_key_id`).
    pub id: i64,
    /// What it is for.
    pub name: String,
    /// The token's first characters (`emh_1a2b3c4d`).
    pub token_prefix: String,
    /// Granted permission codes.
    pub scopes: Vec<String>,
    /// Expiry, if any.
    pub expires_at: Option<String>,
    /// Revoked at, if revoked.
    pub revoked_at: Option<String>,
    /// `active`, `expired` or `revoked`.
    pub state: String,
    /// Created at.
    pub created_at: String,
    /// Last request made with it (to the minute).
    pub last_used_at: Option<String>,
}

/// A key just created: the only time its token is shown.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreatedApiKey {
    /// The key.
    pub key: ApiKeyView,
    /// `Authorization: Bearer <token>`. Shown once; Emhana keeps only its hash.
    pub token: String,
}

/// A subscription to create.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "url": "https://partner.example.kz/emhana/hooks", "events": ["visit.booked", "payment.taken"], "description": "МИС партнёра"
})))]
pub struct NewWebhook {
    /// `http(s)://` URL events are posted to.
    pub url: String,
    /// Event codes: `visit.booked`, `visit.status_changed`, `visit.moved`, `visit.updated`,
    /// `payment.taken`, `payment.voided`, `refund.taken`, `patient.created`, `patient.updated`.
    pub events: Vec<String>,
    /// What it is for.
    #[serde(default)]
    pub description: Option<String>,
}

/// A change to a subscription; absent fields stay.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WebhookPatch {
    /// New URL.
    #[serde(default)]
    pub url: Option<String>,
    /// New event list.
    #[serde(default)]
    pub events: Option<Vec<String>>,
    /// New description (empty clears it).
    #[serde(default)]
    pub description: Option<String>,
    /// `false` pauses (nothing is queued or sent), `true` resumes.
    #[serde(default)]
    pub active: Option<bool>,
    /// `true` replaces the signing secret; the answer shows the new one once.
    #[serde(default)]
    pub rotate_secret: Option<bool>,
}

/// A subscription.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WebhookView {
    /// Subscription id.
    pub id: i64,
    /// Where events go.
    pub url: String,
    /// Subscribed event codes.
    pub events: Vec<String>,
    /// What it is for.
    pub description: Option<String>,
    /// Paused when false.
    pub active: bool,
    /// The signing secret: only in the answers to creation and to a secret rotation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
    /// Created at.
    pub created_at: String,
    /// Last changed at.
    pub updated_at: String,
}

/// One delivery of an event to a subscriber.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeliveryView {
    /// Delivery id (replay takes it).
    pub id: i64,
    /// Subscription id.
    pub webhook_id: i64,
    /// Event id (`evt_…`; a replay repeats it).
    pub event_id: String,
    /// Event code.
    pub event_type: String,
    /// `pending`, `delivered` or `failed` (given up after 24 hours of retries).
    pub status: String,
    /// Tries so far.
    pub attempts: i64,
    /// Next try (pending only).
    pub next_attempt_at: Option<String>,
    /// The receiver's HTTP status on the latest try.
    pub last_status_code: Option<i64>,
    /// Latest try's round trip in milliseconds.
    pub last_latency_ms: Option<i64>,
    /// Why the latest try failed.
    pub last_error: Option<String>,
    /// Queued at.
    pub created_at: String,
    /// Delivered at.
    pub delivered_at: Option<String>,
    /// The JSON body posted.
    pub payload: serde_json::Value,
}
