//! Liveness and readiness answers, used by load balancers and the SPA's status line.

use serde::{Deserialize, Serialize};

/// `GET /healthz`: the process is up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"status": "ok", "version": "0.1.0", "timezone": "Asia/Almaty"})))]
pub struct Health {
    /// Always `ok` when the server answers at all.
    pub status: String,
    /// The server's version (Cargo package version).
    pub version: String,
    /// The clinic's IANA time zone: clients show and enter visit times in it.
    pub timezone: String,
}

/// `GET /readyz`: the process can serve requests (its database answers).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"status": "ok", "database": "sqlite"})))]
pub struct Readiness {
    /// `ok` when the database answered.
    pub status: String,
    /// Which backend is configured: `sqlite` or `postgres`.
    pub database: String,
    /// The last successful backup (RFC 3339) since this server started, if any.
    #[serde(default)]
    pub last_backup_at: Option<String>,
    /// Why the last backup attempt failed, when it failed after the last success. Backups do not
    /// make the server unready; this is for monitoring.
    #[serde(default)]
    pub backup_error: Option<String>,
}
