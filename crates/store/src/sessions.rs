//! Login attempts (the DB-held rate limit shared by every instance) and refresh-token rotation.

use chrono::{DateTime, Utc};
use emhana_domain::ids::UserId;
use serde_json::json;

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

impl Store {
    /// Failure instants within the window for a key (`login_key` or `client_ip`), newest first,
    /// counting only failures after that key's last success.
    pub(crate) async fn recent_failures(
        &self,
        column: FailureKey,
        key: &str,
        since: DateTime<Utc>,
        limit: i64,
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
            .bind(limit)
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(|(at,)| time::decode(at)).collect()
    }

    /// How long sign-in stays locked for this login name or client IP, if at all: reads both
    /// failure windows and applies the domain's sliding-window rule to each (the longer lock wins).
    pub async fn login_lockout(
        &self,
        login_key: &str,
        client_ip: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<chrono::Duration>, StoreError> {
        use emhana_domain::access::{
            lockout_remaining, LOCKOUT_WINDOW_MINUTES, MAX_FAILURES_PER_IP, MAX_FAILURES_PER_LOGIN,
        };
        let since = now - chrono::Duration::minutes(LOCKOUT_WINDOW_MINUTES);
        let limit = |n: usize| i64::try_from(n).unwrap_or(i64::MAX);
        let by_login = self
            .recent_failures(
                FailureKey::Login,
                login_key,
                since,
                limit(MAX_FAILURES_PER_LOGIN),
            )
            .await?;
        let by_ip = self
            .recent_failures(FailureKey::Ip, client_ip, since, limit(MAX_FAILURES_PER_IP))
            .await?;
        Ok([
            lockout_remaining(&by_login, MAX_FAILURES_PER_LOGIN, now),
            lockout_remaining(&by_ip, MAX_FAILURES_PER_IP, now),
        ]
        .into_iter()
        .flatten()
        .max())
    }

    /// Records a refused login (wrong password, unknown login, inactive account, or locked) and
    /// its audit row, in one transaction. `counts` is false for attempts refused by a lock, so
    /// knocking on a locked door does not extend the lock.
    pub async fn record_login_failure(
        &self,
        actor: &Actor,
        login_key: &str,
        user_id: Option<UserId>,
        reason: &str,
        counts: bool,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool().begin().await?;
        if counts {
            sqlx::query("INSERT INTO login_attempts (login_key, client_ip, success, at) VALUES ($1, $2, 0, $3)")
                .bind(login_key)
                .bind(&actor.client_ip)
                .bind(time::encode(Utc::now()))
                .execute(&mut *tx)
                .await?;
        }
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
        audit::append(&mut tx, &failed, entry).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Records a successful login: the attempt, `last_login_at`, an optional password rehash,
    /// the first refresh token of a new `family` (a random id from the caller), and the audit
    /// row — one transaction.
    #[allow(clippy::too_many_arguments)]
    pub async fn record_login_success(
        &self,
        actor: &Actor,
        user: &UserRow,
        family: &str,
        refresh_hash: &str,
        refresh_expires: DateTime<Utc>,
        rehash: Option<&str>,
    ) -> Result<(), StoreError> {
        let now = time::encode(Utc::now());
        let mut tx = self.pool().begin().await?;
        sqlx::query(
            "INSERT INTO login_attempts (login_key, client_ip, success, at) VALUES ($1, $2, 1, $3)",
        )
        .bind(crate::users::login_key(&user.login))
        .bind(&actor.client_ip)
        .bind(&now)
        .execute(&mut *tx)
        .await?;
        sqlx::query("UPDATE users SET last_login_at = $1, password_hash = COALESCE($2, password_hash) WHERE id = $3")
            .bind(&now)
            .bind(rehash)
            .bind(user.id)
            .execute(&mut *tx)
            .await?;
        insert_refresh(
            &mut tx,
            user.id,
            family,
            refresh_hash,
            &now,
            refresh_expires,
        )
        .await?;
        let entry = AuditEntry {
            action: "login",
            entity: "user",
            entity_id: Some(user.id),
            old: None,
            new: Some(json!({ "login": user.login, "password_rehashed": rehash.is_some() })),
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
        let mut tx = self.pool().begin().await?;
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
        let mut tx = self.pool().begin().await?;
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
        conn: &mut sqlx::AnyConnection,
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
