//! Backups on the wire (owner only): the list with the last outcome, one backup's manifest.

use serde::{Deserialize, Serialize};

/// One backup: its manifest as clients see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BackupView {
    /// File name; download it at `GET /api/v1/backups/{file}`.
    pub file: String,
    /// When it was taken (RFC 3339).
    pub created_at: String,
    /// Size in bytes.
    pub bytes: u64,
    /// SHA-256 of the file, hex.
    pub sha256: String,
    /// `sqlite` or `postgres`.
    pub backend: String,
    /// Schema version inside.
    pub schema_version: i64,
    /// Server version that wrote it.
    pub app_version: String,
    /// `manual`, `daily` or `pre-restore`.
    pub reason: String,
    /// Rows of the main tables: patients, appointments, payments.
    pub patients: i64,
    /// Visits.
    pub appointments: i64,
    /// Payments.
    pub payments: i64,
}

/// `GET /api/v1/backups`: the backups, newest first, and how the last attempts went.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BackupList {
    /// The folder on the server.
    pub dir: String,
    /// Daily automatic backups at this clinic-local time (`HH:MM`), if on.
    pub daily_at: Option<String>,
    /// The last successful backup (RFC 3339), since the server started.
    pub last_success_at: Option<String>,
    /// The last failure (RFC 3339) and why, when it came after the last success.
    pub last_failure_at: Option<String>,
    /// Why the last attempt failed.
    pub last_error: Option<String>,
    /// Newest first.
    pub items: Vec<BackupView>,
}

/// `POST /api/v1/backups/{file}/link`: a one-minute download link for a browser.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DownloadLink {
    /// Relative URL to open (GET) within `expires_in` seconds.
    pub url: String,
    /// Seconds the link stays valid.
    pub expires_in: i64,
}

/// A downloaded file's bytes (a backup, an export): documented as `string`, `format: binary`,
/// so generated clients treat the body as a file, not as JSON.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(value_type = String, format = Binary))]
pub struct FileBytes(pub Vec<u8>);
