//! Server-owned key/value settings (e.g. a generated JWT secret that must survive restarts).

use chrono::Utc;

use crate::{time, Store, StoreError};

impl Store {
    /// Reads one setting.
    pub async fn setting(&self, key: &str) -> Result<Option<String>, StoreError> {
        let row: Option<(String,)> = sqlx::query_as("SELECT value FROM settings WHERE key = $1")
            .bind(key)
            .fetch_optional(self.pool())
            .await?;
        Ok(row.map(|(v,)| v))
    }

    /// Returns the stored value of `key`, storing `candidate` first if the key is absent.
    /// Safe when several instances start at once: the first writer wins and all read its value.
    pub async fn setting_or_insert(
        &self,
        key: &str,
        candidate: &str,
    ) -> Result<String, StoreError> {
        let now = time::encode(Utc::now());
        sqlx::query(
            "INSERT INTO settings (key, value, created_at, updated_at) VALUES ($1, $2, $3, $3) \
             ON CONFLICT (key) DO NOTHING",
        )
        .bind(key)
        .bind(candidate)
        .bind(&now)
        .execute(self.pool())
        .await?;
        self.setting(key)
            .await?
            .ok_or_else(|| StoreError::Config(format!("setting {key} vanished after insert")))
    }
}
