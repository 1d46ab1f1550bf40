//! Staff accounts, the own account and the audit log.

/// Staff accounts, the own account and the audit log: its strings.
#[cfg_attr(test, derive(serde::Serialize))]
pub struct StaffStrings {
    /// Role column/field.
    pub role_label: &'static str,
    /// Activate button.
    pub activate: &'static str,
    /// New account form title.
    pub new_user: &'static str,
    /// Create button.
    pub create: &'static str,
    /// Audit entity filter/column.
    pub entity_label: &'static str,
    /// Audit action filter/column.
    pub action_label: &'static str,
    /// Audit diff column.
    pub changes_label: &'static str,
    /// Staff table: new password column.
    pub new_password: &'static str,
    /// Set a new password.
    pub set_password: &'static str,
    /// Own password page title.
    pub account_title: &'static str,
    /// Current password field.
    pub account_current: &'static str,
    /// New password field.
    pub account_new: &'static str,
    /// Repeat field.
    pub account_repeat: &'static str,
    /// The two new passwords differ.
    pub account_mismatch: &'static str,
    /// Submit button.
    pub account_submit: &'static str,
    /// What happens after a change.
    pub account_hint: &'static str,
    /// Shown on the login form after a change.
    pub account_changed: &'static str,
    /// Deactivated accounts in the staff counts.
    pub staff_inactive_count: &'static str,
    /// Last sign-in column.
    pub staff_last_login: &'static str,
    /// Never signed in.
    pub staff_never: &'static str,
    /// Generate a password button.
    pub staff_generate: &'static str,
    /// An API key as the actor of an audit row.
    pub audit_api_key: &'static str,
}
