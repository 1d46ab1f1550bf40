//! Server-owned key/value settings (e.g. a generated JWT secret that must survive restarts).

use chrono::Utc;
use emhana_domain::requisites::{self, Requisites};

/// Where `import-legacy` keeps the old system's clinic name (the documents' name until set).
const LEGACY_CLINIC_NAME: &str = "legacy.clinic_name";

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

impl Store {
    /// The clinic's requisites for documents (the name falls back to the old system's clinic
    /// name after an import, then to a neutral one).
    pub async fn requisites(&self) -> Result<Requisites, StoreError> {
        // One read for all the keys (documents read them on every print).
        let rows: Vec<(String, String)> =
            sqlx::query_as("SELECT key, value FROM settings WHERE key IN ($1, $2, $3, $4, $5)")
                .bind(requisites::KEYS[0])
                .bind(requisites::KEYS[1])
                .bind(requisites::KEYS[2])
                .bind(requisites::KEYS[3])
                .bind(LEGACY_CLINIC_NAME)
                .fetch_all(self.pool())
                .await?;
        let get = |key: &str| rows.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone());
        let [name, bin, address, phone] = requisites::KEYS;
        Ok(Requisites {
            name: get(name)
                .or_else(|| get(LEGACY_CLINIC_NAME))
                .unwrap_or_else(|| requisites::DEFAULT_NAME.to_owned()),
            bin: get(bin),
            address: get(address),
            phone: get(phone),
        })
    }

    /// Replaces the requisites (absent ones removed), audited with old and new, in one
    /// transaction.
    pub async fn set_requisites(
        &self,
        actor: &crate::audit::Actor,
        new: &Requisites,
    ) -> Result<Requisites, StoreError> {
        let old = self.requisites().await?;
        let now = time::encode(Utc::now());
        let mut tx = self.begin_write().await?;
        let values = [
            Some(new.name.as_str()),
            new.bin.as_deref(),
            new.address.as_deref(),
            new.phone.as_deref(),
        ];
        for (key, value) in requisites::KEYS.into_iter().zip(values) {
            sqlx::query("DELETE FROM settings WHERE key = $1")
                .bind(key)
                .execute(&mut *tx)
                .await?;
            if let Some(value) = value {
                sqlx::query(
                    "INSERT INTO settings (key, value, created_at, updated_at) VALUES ($1, $2, $3, $3)",
                )
                .bind(key)
                .bind(value)
                .bind(&now)
                .execute(&mut *tx)
                .await?;
            }
        }
        let json = |r: &Requisites| serde_json::json!({"name": r.name, "bin": r.bin, "address": r.address, "phone": r.phone});
        let entry = crate::audit::AuditEntry::changed(
            "update",
            "clinic_requisites",
            1,
            &json(&old),
            &json(new),
        );
        crate::audit::append(&mut tx, actor, entry).await?;
        tx.commit().await?;
        Ok(new.clone())
    }
}
