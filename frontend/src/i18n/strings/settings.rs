//! The clinic's requisites, integrations and reminders.

/// The clinic's requisites, integrations and reminders: its strings.
#[cfg_attr(test, derive(serde::Serialize))]
pub struct SettingsStrings {
    /// "ms" after a latency.
    pub milliseconds_short: &'static str,
    /// Clinic name field.
    pub clinic_name: &'static str,
    /// BIN field.
    pub clinic_bin: &'static str,
    /// Address field.
    pub clinic_address: &'static str,
    /// Phone field.
    pub clinic_phone: &'static str,
    /// What the requisites are for.
    pub clinic_hint: &'static str,
    /// Saved note.
    pub clinic_saved: &'static str,
    /// What the integrations page is for.
    pub integrations_hint: &'static str,
    /// Warning next to a token or secret shown once.
    pub integrations_shown_once: &'static str,
    /// API keys section.
    pub integrations_keys: &'static str,
    /// Key name field.
    pub integrations_key_name: &'static str,
    /// Key scopes field.
    pub integrations_scopes: &'static str,
    /// Key expiry field.
    pub integrations_expires: &'static str,
    /// Create key button.
    pub integrations_create_key: &'static str,
    /// No keys yet.
    pub integrations_no_keys: &'static str,
    /// Key prefix column.
    pub integrations_key: &'static str,
    /// State column.
    pub integrations_state: &'static str,
    /// Last used column.
    pub integrations_last_used: &'static str,
    /// Revoke key button.
    pub integrations_revoke: &'static str,
    /// Webhooks section.
    pub integrations_webhooks: &'static str,
    /// Webhook URL field.
    pub integrations_url: &'static str,
    /// Webhook events field.
    pub integrations_events: &'static str,
    /// Webhook description field.
    pub integrations_description: &'static str,
    /// Create webhook button.
    pub integrations_subscribe: &'static str,
    /// How receivers check a webhook.
    pub integrations_signature_hint: &'static str,
    /// No webhooks yet.
    pub integrations_no_webhooks: &'static str,
    /// Webhook active.
    pub integrations_active: &'static str,
    /// Webhook paused.
    pub integrations_paused: &'static str,
    /// Delivery log button and title.
    pub integrations_log: &'static str,
    /// Pause webhook.
    pub integrations_pause: &'static str,
    /// Resume webhook.
    pub integrations_resume: &'static str,
    /// Delete webhook.
    pub integrations_delete: &'static str,
    /// Delete webhook confirmation.
    pub integrations_delete_confirm: &'static str,
    /// Refresh the log.
    pub integrations_refresh: &'static str,
    /// Queued-at column.
    pub integrations_queued: &'static str,
    /// Event column.
    pub integrations_event: &'static str,
    /// Attempts column.
    pub integrations_attempts: &'static str,
    /// Receiver answer column.
    pub integrations_answer: &'static str,
    /// Replay delivery button.
    pub integrations_replay: &'static str,
    /// API key scopes (permission code → label).
    pub scope_labels: &'static [(&'static str, &'static str)],
    /// Webhook events (code → label).
    pub event_labels: &'static [(&'static str, &'static str)],
    /// API key states.
    pub key_state_labels: &'static [(&'static str, &'static str)],
    /// Delivery states.
    pub delivery_state_labels: &'static [(&'static str, &'static str)],
    /// What the reminders page is for.
    pub reminders_hint: &'static str,
    /// Day of the visits listed.
    pub reminders_day: &'static str,
    /// Reminder column.
    pub reminders_reminder: &'static str,
    /// A visit without a reminder row yet.
    pub reminders_none: &'static str,
    /// Reminders are off.
    pub reminders_off: &'static str,
    /// No provider is configured on the server.
    pub reminders_no_channels: &'static str,
    /// Settings section.
    pub reminders_settings: &'static str,
    /// Enabled checkbox.
    pub reminders_enabled: &'static str,
    /// Rules field set.
    pub reminders_rules: &'static str,
    /// Rule kind: the day before at a time.
    pub reminders_day_before: &'static str,
    /// Rule kind: hours before.
    pub reminders_hours_before: &'static str,
    /// Time of a day-before rule.
    pub reminders_at: &'static str,
    /// Hours of an hours-before rule.
    pub reminders_hours: &'static str,
    /// Add a rule.
    pub reminders_add_rule: &'static str,
    /// Remove a rule.
    pub reminders_remove: &'static str,
    /// Russian text field.
    pub reminders_template_ru: &'static str,
    /// Kazakh text field.
    pub reminders_template_kk: &'static str,
    /// Placeholders hint.
    pub reminders_placeholders: &'static str,
    /// Channels the server can send through.
    pub reminders_channels: &'static str,
    /// Saved note.
    pub reminders_saved: &'static str,
    /// A rule of N hours before, `{n}` the hours.
    pub reminders_hours_short: &'static str,
    /// Reminder statuses.
    pub reminder_status_labels: &'static [(&'static str, &'static str)],
    /// Why a reminder was not sent (or failed).
    pub reminder_reason_labels: &'static [(&'static str, &'static str)],
}
