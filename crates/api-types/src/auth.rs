//! Sessions, staff accounts and the audit log on the wire.

use emhana_domain::{Role, UiLanguage};
use serde::{Deserialize, Serialize};

/// `POST /api/v1/auth/login`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"login": "owner", "password": "s3cret-pass"})))]
pub struct LoginRequest {
    /// Login (case-insensitive).
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 100))]
    pub login: String,
    /// Password.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 256))]
    pub password: String,
}

/// `POST /api/v1/auth/refresh` and `/auth/logout`. Integrators send the token in the body; the
/// SPA sends nothing and the HttpOnly cookie is used.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RefreshRequest {
    /// The refresh token from the last login or refresh.
    #[serde(default)]
    pub refresh_token: Option<String>,
}

/// A new session: short-lived access token plus a rotating refresh token.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Session {
    /// JWT for `Authorization: Bearer ...`, valid `expires_in` seconds.
    pub access_token: String,
    /// Single-use token for `POST /auth/refresh`; reusing a rotated one revokes the session.
    pub refresh_token: String,
    /// Always `Bearer`.
    pub token_type: String,
    /// Seconds until the access token expires (900).
    pub expires_in: i64,
    /// The signed-in account.
    pub user: UserView,
}

/// A staff account as clients see it (never the password hash).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UserView {
    /// Id.
    pub id: i64,
    /// Login.
    pub login: String,
    /// Display name.
    pub display_name: String,
    /// `owner` | `admin` | `receptionist` | `doctor`.
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::contract::role))]
    pub role: Role,
    /// False once deactivated.
    pub is_active: bool,
    /// Linked doctor (role `doctor`).
    pub doctor_id: Option<i64>,
    /// Optimistic-locking version: send it back with `PATCH`.
    pub version: i64,
    /// Created (RFC 3339).
    pub created_at: String,
    /// Last successful login (RFC 3339).
    pub last_login_at: Option<String>,
    /// The SPA language the account reads: `ru` | `kk` | `en`.
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::contract::ui_language))]
    #[serde(default)]
    pub language: UiLanguage,
}

/// `POST /api/v1/users`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"login": "aigul", "display_name": "Айгүл Сәрсенова", "role": "receptionist", "password": "temporary-pass-1"})))]
pub struct CreateUser {
    /// 3..50 of letters, digits, `.`, `_`, `-`; unique case-insensitively.
    #[cfg_attr(feature = "openapi", schema(min_length = 3, max_length = 50))]
    pub login: String,
    /// Name shown in the UI.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 100))]
    pub display_name: String,
    /// Role.
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::contract::role))]
    pub role: Role,
    /// At least 8 characters.
    #[cfg_attr(feature = "openapi", schema(min_length = 8, max_length = 200))]
    pub password: String,
    /// Linked doctor for role `doctor`.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(minimum = 1))]
    pub doctor_id: Option<i64>,
}

/// `PATCH /api/v1/users/{id}`: only the given fields change.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"is_active": false, "version": 3})))]
pub struct UpdateUser {
    /// New display name.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 100))]
    pub display_name: Option<String>,
    /// New role.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::contract::role))]
    pub role: Option<Role>,
    /// Deactivate (`false`) cuts the account's sessions at once.
    #[serde(default)]
    pub is_active: Option<bool>,
    /// Set a new password (cuts existing sessions).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(min_length = 8, max_length = 200))]
    pub password: Option<String>,
    /// The version read; a stale one gets 409.
    pub version: i64,
}

/// `POST /api/v1/me/password`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChangePassword {
    /// The current password.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 256))]
    pub current_password: String,
    /// The new one, at least 8 characters.
    #[cfg_attr(feature = "openapi", schema(min_length = 8, max_length = 200))]
    pub new_password: String,
}

/// `PUT /api/v1/me/language`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"language": "kk"})))]
pub struct SetLanguage {
    /// `ru` | `kk` | `en` (anything else: 422 naming `language`).
    #[cfg_attr(feature = "openapi", schema(example = "kk"))]
    pub language: String,
}

/// One audit row.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditEntryView {
    /// Id (newest first).
    pub id: i64,
    /// When (RFC 3339).
    pub at: String,
    /// Acting account (none for failed logins of unknown names and for API keys).
    pub user_id: Option<i64>,
    /// The API key that made the change, when a machine did.
    #[serde(default)]
    pub api_key_id: Option<i64>,
    /// `create`, `update`, `login`, `login_failed`, `logout`, `refresh_reuse`, ...
    pub action: String,
    /// `user`, `patient`, `appointment`, ...
    pub entity: String,
    /// Entity id.
    pub entity_id: Option<i64>,
    /// State before.
    pub old: Option<serde_json::Value>,
    /// State after.
    pub new: Option<serde_json::Value>,
    /// Request id of the change.
    pub request_id: Option<String>,
    /// Client address.
    pub client_ip: Option<String>,
}

/// A page of a list with keyset paging: pass `next_cursor` as `cursor` for the next page.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Page<T> {
    /// The items.
    pub items: Vec<T>,
    /// Cursor of the next page; absent on the last one.
    pub next_cursor: Option<String>,
}
