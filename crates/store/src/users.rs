//! Staff accounts: rows, the create/update use cases (each one transaction with its audit row),
//! and look-ups for login and the token check.

use emhana_domain::ids::UserId;
use emhana_domain::{Role, UiLanguage};
use serde_json::json;

use crate::audit::{self, Actor, AuditEntry};
use crate::{time, Store, StoreError};

/// A staff account as stored (the hash never leaves the server).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UserRow {
    /// Id.
    pub id: i64,
    /// Login as typed at creation.
    pub login: String,
    /// Name shown in the UI and the audit log.
    pub display_name: String,
    /// Role code.
    pub role: String,
    /// PHC string (argon2id, or a legacy bcrypt hash until the first login).
    pub password_hash: String,
    /// Active (false: deactivated).
    #[sqlx(try_from = "crate::time::Flag")]
    pub is_active: bool,
    /// Linked doctor for role `doctor`.
    pub doctor_id: Option<i64>,
    /// Bumped to cut off issued tokens.
    pub token_version: i64,
    /// Optimistic-locking version.
    pub version: i64,
    /// Created (instant text).
    pub created_at: String,
    /// Updated (instant text).
    pub updated_at: String,
    /// Last successful login (instant text).
    pub last_login_at: Option<String>,
    /// The SPA language code (`ru` | `kk` | `en`).
    pub ui_language: String,
}

impl UserRow {
    /// The role as a domain value (a stored unknown code is a data error).
    pub fn role(&self) -> Result<Role, StoreError> {
        Role::from_code(&self.role)
            .ok_or_else(|| StoreError::Config(format!("unknown role {:?} in users", self.role)))
    }

    /// The SPA language (a stored unknown code reads as the default, Russian: a language is a
    /// preference, never a reason to refuse service).
    pub fn ui_language(&self) -> UiLanguage {
        UiLanguage::from_code(&self.ui_language).unwrap_or_default()
    }

    /// Is the account active?
    pub fn active(&self) -> bool {
        self.is_active
    }

    /// What the audit log records of an account (never the hash).
    pub fn audit_json(&self) -> serde_json::Value {
        json!({
            "login": self.login, "display_name": self.display_name, "role": self.role,
            "is_active": self.active(), "doctor_id": self.doctor_id,
            "ui_language": self.ui_language,
        })
    }
}

/// The column list every `UserRow` query selects.
pub(crate) const USER_COLUMNS: &str =
    "id, login, display_name, role, password_hash, is_active, doctor_id, \
                            token_version, version, created_at, updated_at, last_login_at, ui_language";

/// A new account, already validated and hashed.
#[derive(Debug, Clone)]
pub struct NewUser {
    /// Login as typed.
    pub login: String,
    /// Display name.
    pub display_name: String,
    /// Role.
    pub role: Role,
    /// PHC hash.
    pub password_hash: String,
    /// Linked doctor.
    pub doctor_id: Option<i64>,
}

/// A change to an account; `None` leaves a field as is.
#[derive(Debug, Clone, Default)]
pub struct UserChange {
    /// New display name.
    pub display_name: Option<String>,
    /// New role.
    pub role: Option<Role>,
    /// Activate / deactivate (deactivation cuts tokens).
    pub is_active: Option<bool>,
    /// New PHC hash (cuts tokens).
    pub password_hash: Option<String>,
    /// New doctor link (`Some(None)` unlinks).
    pub doctor_id: Option<Option<i64>>,
    /// New SPA language.
    pub ui_language: Option<UiLanguage>,
}

/// The case-insensitive key of a login.
pub fn login_key(login: &str) -> String {
    login.trim().to_lowercase()
}

impl Store {
    /// Number of accounts (first start creates the owner when zero).
    pub async fn count_users(&self) -> Result<i64, StoreError> {
        let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM users")
            .fetch_one(self.pool())
            .await?;
        Ok(n)
    }

    /// One account by id.
    pub async fn user(&self, id: UserId) -> Result<Option<UserRow>, StoreError> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1");
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(id.0)
            .fetch_optional(self.pool())
            .await?)
    }

    /// The account behind a request's token, for the per-request check: read at most once per
    /// [`ACCOUNT_STALENESS`] per account (the check ran a query on every request: a third of a
    /// visit read's work). A change through this store applies at once (it forgets the entry).
    pub async fn account(&self, id: UserId) -> Result<Option<UserRow>, StoreError> {
        if let Some(row) = self.accounts.get(id) {
            return Ok(Some(row));
        }
        let row = self.user(id).await?;
        if let Some(row) = &row {
            self.accounts.put(row.clone());
        }
        Ok(row)
    }

    /// One account by login, case-insensitively.
    pub async fn user_by_login(&self, login: &str) -> Result<Option<UserRow>, StoreError> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE login_key = $1");
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(login_key(login))
            .fetch_optional(self.pool())
            .await?)
    }

    /// Every account, by id.
    pub async fn users(&self) -> Result<Vec<UserRow>, StoreError> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users ORDER BY id");
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .fetch_all(self.pool())
            .await?)
    }

    /// Creates an account and its audit row in one transaction. A taken login → `Conflict`.
    pub async fn create_user(&self, actor: &Actor, new: NewUser) -> Result<UserRow, StoreError> {
        let now = time::encode(chrono::Utc::now());
        let mut tx = self.begin_write().await?;
        let sql = format!(
            "INSERT INTO users (login, login_key, display_name, role, password_hash, doctor_id, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING {USER_COLUMNS}"
        );
        let row: UserRow = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(new.login.trim())
            .bind(login_key(&new.login))
            .bind(&new.display_name)
            .bind(new.role.code())
            .bind(&new.password_hash)
            .bind(new.doctor_id)
            .bind(&now)
            .fetch_one(&mut *tx)
            .await
            .map_err(|e| StoreError::on_unique(e, "login"))?;
        let entry = AuditEntry {
            action: "create",
            entity: "user",
            entity_id: Some(row.id),
            old: None,
            new: Some(row.audit_json()),
        };
        audit::append(&mut tx, actor, entry).await?;
        tx.commit().await?;
        Ok(row)
    }

    /// Applies a change if `expected_version` is current (else `StaleVersion`); bumps the token
    /// version when the account is deactivated or its password changes. Audited with old and new.
    pub async fn update_user(
        &self,
        actor: &Actor,
        id: UserId,
        expected_version: Option<i64>,
        change: UserChange,
    ) -> Result<UserRow, StoreError> {
        let mut tx = self.begin_write().await?;
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1");
        let old: UserRow = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(id.0)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(StoreError::NotFound)?;
        let version = expected_version.unwrap_or(old.version);
        let cut_tokens = change.password_hash.is_some() || change.is_active == Some(false);
        let now = time::encode(chrono::Utc::now());
        let sql = format!(
            "UPDATE users SET display_name = $1, role = $2, is_active = $3, password_hash = $4, doctor_id = $5, \
                    token_version = token_version + $6, version = version + 1, updated_at = $7, ui_language = $10 \
             WHERE id = $8 AND version = $9 RETURNING {USER_COLUMNS}"
        );
        let new: Option<UserRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(change.display_name.as_deref().unwrap_or(&old.display_name))
            .bind(change.role.map(Role::code).unwrap_or(&old.role))
            .bind(i64::from(change.is_active.unwrap_or(old.is_active)))
            .bind(
                change
                    .password_hash
                    .as_deref()
                    .unwrap_or(&old.password_hash),
            )
            .bind(change.doctor_id.unwrap_or(old.doctor_id))
            .bind(i64::from(cut_tokens))
            .bind(&now)
            .bind(id.0)
            .bind(version)
            .bind(
                change
                    .ui_language
                    .map_or_else(|| old.ui_language.clone(), |l| l.code().to_owned()),
            )
            .fetch_optional(&mut *tx)
            .await?;
        let new = new.ok_or(StoreError::StaleVersion {
            current: old.version,
        })?;
        if cut_tokens {
            sqlx::query("UPDATE refresh_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL")
                .bind(&now)
                .bind(id.0)
                .execute(&mut *tx)
                .await?;
        }
        let mut new_json = new.audit_json();
        if change.password_hash.is_some() {
            new_json["password_changed"] = json!(true);
        }
        let entry = AuditEntry {
            action: "update",
            entity: "user",
            entity_id: Some(id.0),
            old: Some(old.audit_json()),
            new: Some(new_json),
        };
        audit::append(&mut tx, actor, entry).await?;
        tx.commit().await?;
        self.accounts.forget(id);
        Ok(new)
    }
}

/// How stale the per-request account check may be: a deactivation, role or password change made
/// through another instance sharing the database applies to this one's requests within this
/// bound; through this instance at once (a check whose read was already in flight during the
/// change may keep the old row, again at most this long).
pub const ACCOUNT_STALENESS: std::time::Duration = std::time::Duration::from_secs(2);

/// Accounts read by the per-request check, each with when it was read.
#[derive(Debug, Default)]
pub struct AccountCache {
    entries: std::sync::Mutex<std::collections::HashMap<i64, (std::time::Instant, UserRow)>>,
}

impl AccountCache {
    /// The account if read less than [`ACCOUNT_STALENESS`] ago.
    fn get(&self, id: UserId) -> Option<UserRow> {
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries
            .get(&id.0)
            .filter(|(at, _)| at.elapsed() < ACCOUNT_STALENESS)
            .map(|(_, row)| row.clone())
    }

    fn put(&self, row: UserRow) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries.insert(row.id, (std::time::Instant::now(), row));
    }

    /// Drops an account after a change to it (or to its sessions' standing).
    pub(crate) fn forget(&self, id: UserId) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries.remove(&id.0);
    }
}
