//! API keys: stored as the SHA-256 of the token (the server hashes; the token never reaches
//! the database), listed without it, revoked for good.

use chrono::{DateTime, Utc};
use emhana_domain::integrations::api_key::scopes_to_text;
use emhana_domain::integrations::NewApiKey;
use serde_json::json;

use crate::audit::{self, Actor, AuditEntry};
use crate::{time, Store, StoreError};

/// A stored key (never its token).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ApiKeyRow {
    /// Key id (audit rows name it).
    pub id: i64,
    /// What it is for.
    pub name: String,
    /// The token's first characters, to tell keys apart.
    pub token_prefix: String,
    /// Comma list of permission codes.
    pub scopes: String,
    /// Expiry instant text, if any.
    pub expires_at: Option<String>,
    /// Revocation instant text, if revoked.
    pub revoked_at: Option<String>,
    /// The owner who created it.
    pub created_by: Option<i64>,
    /// Creation instant text.
    pub created_at: String,
    /// Last request made with it (updated at most once a minute).
    pub last_used_at: Option<String>,
}

impl ApiKeyRow {
    /// The expiry, decoded.
    pub fn expires(&self) -> Result<Option<DateTime<Utc>>, StoreError> {
        self.expires_at.as_deref().map(time::decode).transpose()
    }
}

const COLUMNS: &str =
    "id, name, token_prefix, scopes, expires_at, revoked_at, created_by, created_at, last_used_at";

/// How stale `last_used_at` may get: a key used all day writes it once a minute, not per request.
const TOUCH_EVERY_SECS: i64 = 60;

fn key_json(row: &ApiKeyRow) -> serde_json::Value {
    json!({"name": row.name, "token_prefix": row.token_prefix, "scopes": row.scopes,
           "expires_at": row.expires_at, "revoked_at": row.revoked_at})
}

impl Store {
    /// Creates a key whose token hashes to `token_hash`. Audited (without the token).
    pub async fn create_api_key(
        &self,
        actor: &Actor,
        key: &NewApiKey,
        token_prefix: &str,
        token_hash: &str,
    ) -> Result<ApiKeyRow, StoreError> {
        let mut tx = self.begin_write().await?;
        let row = sqlx::query_as::<_, ApiKeyRow>(sqlx::AssertSqlSafe(format!(
            "INSERT INTO api_keys (name, token_prefix, token_hash, scopes, expires_at, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING {COLUMNS}"
        )))
        .bind(&key.name)
        .bind(token_prefix)
        .bind(token_hash)
        .bind(scopes_to_text(&key.scopes))
        .bind(key.expires_at.map(time::encode))
        .bind(actor.user_id.map(|u| u.0))
        .bind(time::encode(Utc::now()))
        .fetch_one(&mut *tx)
        .await?;
        let entry = AuditEntry {
            action: "create",
            entity: "api_key",
            entity_id: Some(row.id),
            old: None,
            new: Some(key_json(&row)),
        };
        audit::append(&mut tx, actor, entry).await?;
        tx.commit().await?;
        Ok(row)
    }

    /// Every key, newest first (revoked ones too: the audit log names them).
    pub async fn api_keys(&self) -> Result<Vec<ApiKeyRow>, StoreError> {
        Ok(sqlx::query_as::<_, ApiKeyRow>(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM api_keys ORDER BY id DESC"
        )))
        .fetch_all(self.pool())
        .await?)
    }

    /// The key a presented token hashes to, if any.
    pub async fn api_key_by_hash(&self, token_hash: &str) -> Result<Option<ApiKeyRow>, StoreError> {
        Ok(sqlx::query_as::<_, ApiKeyRow>(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM api_keys WHERE token_hash = $1"
        )))
        .bind(token_hash)
        .fetch_optional(self.pool())
        .await?)
    }

    /// Notes that a key was used now, unless that was noted within the last minute.
    pub async fn touch_api_key(
        &self,
        row: &ApiKeyRow,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let fresh = row
            .last_used_at
            .as_deref()
            .and_then(|t| time::decode(t).ok())
            .is_some_and(|at| (now - at).num_seconds() < TOUCH_EVERY_SECS);
        if fresh {
            return Ok(());
        }
        sqlx::query("UPDATE api_keys SET last_used_at = $1 WHERE id = $2")
            .bind(time::encode(now))
            .bind(row.id)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Revokes a key at once (every later request with it is 401). Revoking a revoked key
    /// changes nothing and writes nothing. Audited.
    pub async fn revoke_api_key(&self, actor: &Actor, id: i64) -> Result<ApiKeyRow, StoreError> {
        let mut tx = self.begin_write().await?;
        let now = time::encode(Utc::now());
        let revoked = sqlx::query_as::<_, ApiKeyRow>(sqlx::AssertSqlSafe(format!(
            "UPDATE api_keys SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL RETURNING {COLUMNS}"
        )))
        .bind(&now)
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(row) = revoked else {
            let existing = sqlx::query_as::<_, ApiKeyRow>(sqlx::AssertSqlSafe(format!(
                "SELECT {COLUMNS} FROM api_keys WHERE id = $1"
            )))
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
            return existing.ok_or(StoreError::NotFound);
        };
        let entry = AuditEntry {
            action: "revoke",
            entity: "api_key",
            entity_id: Some(id),
            old: None,
            new: Some(key_json(&row)),
        };
        audit::append(&mut tx, actor, entry).await?;
        tx.commit().await?;
        Ok(row)
    }
}
