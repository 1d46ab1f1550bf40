//! Login attempts (the DB-held rate limit shared by every instance) and refresh-token rotation.

use chrono::{DateTime, Utc};
use emhana_domain::ids::UserId;
use serde_json::json;

use emhana_domain::access::{
    lockout_refusal_is_audited, lockout_remaining, LOCKOUT_WINDOW_MINUTES, MAX_FAILURES_PER_IP,
    MAX_FAILURES_PER_LOGIN,
};
use sqlx::AnyConnection;

use crate::audit::{self, Actor, AuditEntry};
use crate::users::{UserRow, USER_COLUMNS};
use crate::{time, Store, StoreError};

/// What presenting a refresh token led to.
#[derive(Debug)]
pub enum Rotation {
    /// The token was current: it is now used, and a new one of the same family is stored.
    Rotated(Box<UserRow>),
    /// The token had already been rotated: someone replayed it. The whole family is revoked.
    Reused,
    /// Unknown, expired, revoked, or its account is inactive.
    Invalid,
}

/// What the gate of a sign-in attempt decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoginGate {
    /// Locked for this long (per login or per client address); nothing was counted.
    Locked(chrono::Duration),
    /// Counted as a failure in advance (row id): the password may now be checked, and a success
    /// turns this row into a success.
    Admitted(i64),
}

/// A successful sign-in's new session, for [`Store::record_login_success`].
#[derive(Debug, Clone)]
pub struct LoginGrant<'a> {
    /// The attempt row the gate admitted.
    pub attempt_id: i64,
    /// A random id of the new refresh-token family.
    pub family: &'a str,
    /// SHA-256 of the first refresh token.
    pub refresh_hash: &'a str,
    /// When that token expires.
    pub refresh_expires: DateTime<Utc>,
    /// A new argon2id hash replacing an imported bcrypt one, if any.
    pub rehash: Option<&'a str>,
}

/// Failure instants within the window for a key (`login_key` or `client_ip`), newest first,
/// counting only failures after that key's last success.
async fn recent_failures(
    conn: &mut AnyConnection,
    column: FailureKey,
    key: &str,
    since: DateTime<Utc>,
    limit: usize,
) -> Result<Vec<DateTime<Utc>>, StoreError> {
    let sql = match column {
        FailureKey::Login => {
            "SELECT at FROM login_attempts WHERE login_key = $1 AND success = 0 AND at > $2 \
             AND at > COALESCE((SELECT MAX(at) FROM login_attempts WHERE login_key = $1 AND success = 1), '') \
             ORDER BY at DESC LIMIT $3"
        }
        FailureKey::Ip => {
            "SELECT at FROM login_attempts WHERE client_ip = $1 AND success = 0 AND at > $2 \
             ORDER BY at DESC LIMIT $3"
        }
    };
    let rows: Vec<(String,)> = sqlx::query_as(sql)
        .bind(key)
        .bind(time::encode(since))
        .bind(i64::try_from(limit).unwrap_or(i64::MAX))
        .fetch_all(conn)
        .await?;
    rows.iter().map(|(at,)| time::decode(at)).collect()
}

/// Takes the throttle row of `key` (creating it): a write, so concurrent attempts on the same
/// key queue here until this transaction ends.
async fn lock_throttle(conn: &mut AnyConnection, key: &str, now: &str) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO login_throttle (key, refused, created_at, updated_at) VALUES ($1, 0, $2, $2) \
         ON CONFLICT (key) DO UPDATE SET updated_at = excluded.updated_at",
    )
    .bind(key)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// Counts an attempt refused by the lock on `key`; the first refusal of a window also writes
/// one audit row saying how many were refused since the previous one.
async fn count_refusal(
    conn: &mut AnyConnection,
    actor: &Actor,
    key: &str,
    login_key: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let (refused, audited): (i64, Option<String>) = sqlx::query_as(
        "UPDATE login_throttle SET refused = refused + 1 WHERE key = $1 RETURNING refused, refused_audit_at",
    )
    .bind(key)
    .fetch_one(&mut *conn)
    .await?;
    let audited = audited.as_deref().map(time::decode).transpose()?;
    if !lockout_refusal_is_audited(audited, now) {
        return Ok(());
    }
    sqlx::query("UPDATE login_throttle SET refused = 0, refused_audit_at = $1 WHERE key = $2")
        .bind(time::encode(now))
        .bind(key)
        .execute(&mut *conn)
        .await?;
    let entry = AuditEntry {
        action: "login_locked",
        entity: "user",
        entity_id: None,
        old: None,
        new: Some(json!({ "login": login_key, "lock": key, "refused_attempts": refused })),
    };
    audit::append(conn, actor, entry).await
}

impl Store {
    /// The gate every sign-in passes before its password is checked, in one short transaction:
    /// it locks the client address's throttle row, then the login's (always in that order), reads
    /// both failure windows and either refuses (the lock's remaining time; the refusal is only
    /// counted) or records the attempt as a failure *in advance* and admits it. So concurrent
    /// wrong passwords are counted one after another: at most the limit is ever checked.
    pub async fn begin_login(
        &self,
        actor: &Actor,
        login_key: &str,
        now: DateTime<Utc>,
    ) -> Result<LoginGate, StoreError> {
        crate::retry::transient(async || self.begin_login_once(actor, login_key, now).await).await
    }

    async fn begin_login_once(
        &self,
        actor: &Actor,
        login_key: &str,
        now: DateTime<Utc>,
    ) -> Result<LoginGate, StoreError> {
        let since = now - chrono::Duration::minutes(LOCKOUT_WINDOW_MINUTES);
        let stamp = time::encode(now);
        let ip_key = format!("ip:{}", actor.client_ip);
        let login_lock = format!("login:{login_key}");
        let mut tx = self.begin_write().await?;
        let checks = [
            (
                &ip_key,
                FailureKey::Ip,
                actor.client_ip.as_str(),
                MAX_FAILURES_PER_IP,
            ),
            (
                &login_lock,
                FailureKey::Login,
                login_key,
                MAX_FAILURES_PER_LOGIN,
            ),
        ];
        for (lock, column, key, limit) in checks {
            lock_throttle(&mut tx, lock, &stamp).await?;
            let failures = recent_failures(&mut tx, column, key, since, limit).await?;
            if let Some(wait) = lockout_remaining(&failures, limit, now) {
                count_refusal(&mut tx, actor, lock, login_key, now).await?;
                tx.commit().await?;
                return Ok(LoginGate::Locked(wait));
            }
        }
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO login_attempts (login_key, client_ip, success, at) VALUES ($1, $2, 0, $3) RETURNING id",
        )
        .bind(login_key)
        .bind(&actor.client_ip)
        .bind(&stamp)
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(LoginGate::Admitted(id))
    }

    /// Records why an admitted attempt was refused (wrong password, unknown login, inactive
    /// account): its audit row. The attempt itself was already counted by [`Store::begin_login`].
    pub async fn record_login_failure(
        &self,
        actor: &Actor,
        login_key: &str,
        user_id: Option<UserId>,
        reason: &str,
    ) -> Result<(), StoreError> {
        let failed = Actor {
            user_id,
            ..actor.clone()
        };
        let entry = AuditEntry {
            action: "login_failed",
            entity: "user",
            entity_id: user_id.map(|u| u.0),
            old: None,
            new: Some(json!({ "login": login_key, "reason": reason })),
        };
        let mut conn = self.pool().acquire().await?;
        audit::append(&mut conn, &failed, entry).await
    }

    /// Records a successful login: the admitted attempt becomes a success, `last_login_at`, an
    /// optional password rehash, the first refresh token of a new family and the audit row — one
    /// transaction.
    pub async fn record_login_success(
        &self,
        actor: &Actor,
        user: &UserRow,
        grant: &LoginGrant<'_>,
    ) -> Result<(), StoreError> {
        let now = time::encode(Utc::now());
        let mut tx = self.begin_write().await?;
        sqlx::query("UPDATE login_attempts SET success = 1 WHERE id = $1")
            .bind(grant.attempt_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("UPDATE users SET last_login_at = $1, password_hash = COALESCE($2, password_hash) WHERE id = $3")
            .bind(&now)
            .bind(grant.rehash)
            .bind(user.id)
            .execute(&mut *tx)
            .await?;
        insert_refresh(
            &mut tx,
            user.id,
            grant.family,
            grant.refresh_hash,
            &now,
            grant.refresh_expires,
        )
        .await?;
        let entry = AuditEntry {
            action: "login",
            entity: "user",
            entity_id: Some(user.id),
            old: None,
            new: Some(json!({ "login": user.login, "password_rehashed": grant.rehash.is_some() })),
        };
        audit::append(&mut tx, actor, entry).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Rotates a refresh token: the presented one is marked used (atomically: a concurrent second
    /// use loses the race and counts as reuse) and `new_hash` joins its family.
    pub async fn rotate_refresh(
        &self,
        presented_hash: &str,
        new_hash: &str,
        new_expires: DateTime<Utc>,
    ) -> Result<Rotation, StoreError> {
        let now_at = Utc::now();
        let now = time::encode(now_at);
        let mut tx = self.begin_write().await?;
        // The guarded write comes first, so SQLite takes its write lock before any read.
        let claimed = sqlx::query(
            "UPDATE refresh_tokens SET used_at = $1 \
             WHERE token_hash = $2 AND used_at IS NULL AND revoked_at IS NULL AND expires_at > $1",
        )
        .bind(&now)
        .bind(presented_hash)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        let row: Option<(i64, String, Option<String>)> = sqlx::query_as(
            "SELECT user_id, family, used_at FROM refresh_tokens WHERE token_hash = $1",
        )
        .bind(presented_hash)
        .fetch_optional(&mut *tx)
        .await?;
        let Some((user_id, family, _)) = row else {
            return Ok(Rotation::Invalid);
        };
        if claimed == 0 {
            // Known but not current: if it was already rotated, that is a replay — revoke all.
            let used: Option<(Option<String>, Option<String>)> = sqlx::query_as(
                "SELECT used_at, revoked_at FROM refresh_tokens WHERE token_hash = $1",
            )
            .bind(presented_hash)
            .fetch_optional(&mut *tx)
            .await?;
            if let Some((Some(_), None)) = used {
                revoke_family_in(&mut tx, &family, &now).await?;
                let entry = AuditEntry {
                    action: "refresh_reuse",
                    entity: "user",
                    entity_id: Some(user_id),
                    old: None,
                    new: Some(json!({ "family_revoked": true })),
                };
                audit::append(
                    &mut tx,
                    &Actor {
                        user_id: Some(UserId(user_id)),
                        ..Actor::default()
                    },
                    entry,
                )
                .await?;
                tx.commit().await?;
                return Ok(Rotation::Reused);
            }
            return Ok(Rotation::Invalid);
        }
        let user = self.user_in(&mut tx, user_id).await?;
        match user {
            Some(u) if u.active() => {
                insert_refresh(&mut tx, user_id, &family, new_hash, &now, new_expires).await?;
                tx.commit().await?;
                Ok(Rotation::Rotated(Box::new(u)))
            }
            _ => Ok(Rotation::Invalid),
        }
    }

    /// Revokes the family of a refresh token (logout). Returns the user it belonged to.
    pub async fn revoke_refresh_family(
        &self,
        actor: &Actor,
        presented_hash: &str,
    ) -> Result<Option<UserId>, StoreError> {
        let now = time::encode(Utc::now());
        let mut tx = self.begin_write().await?;
        let row: Option<(i64, String)> =
            sqlx::query_as("SELECT user_id, family FROM refresh_tokens WHERE token_hash = $1")
                .bind(presented_hash)
                .fetch_optional(&mut *tx)
                .await?;
        let Some((user_id, family)) = row else {
            return Ok(None);
        };
        revoke_family_in(&mut tx, &family, &now).await?;
        let who = Actor {
            user_id: Some(UserId(user_id)),
            ..actor.clone()
        };
        let entry = AuditEntry {
            action: "logout",
            entity: "user",
            entity_id: Some(user_id),
            old: None,
            new: None,
        };
        audit::append(&mut tx, &who, entry).await?;
        tx.commit().await?;
        Ok(Some(UserId(user_id)))
    }

    async fn user_in(
        &self,
        conn: &mut AnyConnection,
        id: i64,
    ) -> Result<Option<UserRow>, StoreError> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1");
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .fetch_optional(conn)
            .await?)
    }
}

/// Which attempts a lockout counts.
#[derive(Debug, Clone, Copy)]
pub(crate) enum FailureKey {
    /// Per login name.
    Login,
    /// Per client IP.
    Ip,
}

async fn insert_refresh(
    conn: &mut sqlx::AnyConnection,
    user_id: i64,
    family: &str,
    hash: &str,
    now: &str,
    expires: DateTime<Utc>,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO refresh_tokens (user_id, family, token_hash, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(user_id)
    .bind(family)
    .bind(hash)
    .bind(now)
    .bind(time::encode(expires))
    .execute(conn)
    .await?;
    Ok(())
}

async fn revoke_family_in(
    conn: &mut sqlx::AnyConnection,
    family: &str,
    now: &str,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE refresh_tokens SET revoked_at = $1 WHERE family = $2 AND revoked_at IS NULL",
    )
    .bind(now)
    .bind(family)
    .execute(conn)
    .await?;
    Ok(())
}
