//! Reminders: the «Напоминания» page's calls.

use emhana_api_types::queries::ToQuery;
use emhana_api_types::reminders::{
    ReminderListQuery, ReminderSettingsBody, ReminderSettingsView, ReminderView,
};
use gloo_net::http::Method;

use super::{call, json, ApiError};

/// `GET /api/v1/reminders`.
pub async fn reminders(q: ReminderListQuery) -> Result<Vec<ReminderView>, ApiError> {
    call(
        Method::GET,
        &format!("/api/v1/reminders{}", q.to_query()),
        None,
    )
    .await
}

/// `GET /api/v1/settings/reminders`.
pub async fn reminder_settings() -> Result<ReminderSettingsView, ApiError> {
    call(Method::GET, "/api/v1/settings/reminders", None).await
}

/// `PUT /api/v1/settings/reminders` (owner).
pub async fn save_reminder_settings(
    body: ReminderSettingsBody,
) -> Result<ReminderSettingsView, ApiError> {
    call(Method::PUT, "/api/v1/settings/reminders", json(&body)).await
}
