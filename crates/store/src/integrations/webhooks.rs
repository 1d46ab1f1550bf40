//! Webhook subscriptions and their outbox (`webhook_deliveries`): one row per event and
//! subscriber, queued by the changing transaction, posted by the server's worker in id order per
//! subscriber, retried, logged, replayable.

use chrono::{DateTime, Duration, Utc};
use emhana_domain::integrations::{EventType, NewWebhook, WebhookChange};
use serde_json::{json, Value};
use sqlx::AnyConnection;

use crate::audit::{self, Actor, AuditEntry};
use crate::{time, Backend, Store, StoreError};

/// A subscription as stored.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct WebhookRow {
    /// Subscription id.
    pub id: i64,
    /// Where events are posted.
    pub url: String,
    /// Comma-framed event codes (`,visit.booked,payment.taken,`).
    pub events: String,
    /// The HMAC key its deliveries are signed with.
    pub secret: String,
    /// What it is for.
    pub description: Option<String>,
    /// Paused subscriptions queue nothing and are sent nothing.
    #[sqlx(try_from = "crate::time::Flag")]
    pub is_active: bool,
    /// Creation instant text.
    pub created_at: String,
    /// Last change instant text.
    pub updated_at: String,
}

const SUBSCRIPTION_COLUMNS: &str =
    "id, url, events, secret, description, is_active, created_at, updated_at";

/// One delivery: an event for one subscriber, with its latest try.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DeliveryRow {
    /// Delivery id (replay takes it).
    pub id: i64,
    /// The subscriber.
    pub subscription_id: i64,
    /// The event (`evt_<audit row id>`; a replay repeats it, so receivers can de-duplicate).
    pub event_id: String,
    /// Event code.
    pub event_type: String,
    /// The JSON body posted.
    pub payload: String,
    /// `pending`, `delivered` or `failed` (given up after the retry window).
    pub status: String,
    /// Tries so far.
    pub attempts: i64,
    /// When the next try is due (pending only).
    pub next_attempt_at: String,
    /// The receiver's HTTP status of the latest try.
    pub last_status_code: Option<i64>,
    /// The latest try's round trip.
    pub last_latency_ms: Option<i64>,
    /// Why the latest try failed.
    pub last_error: Option<String>,
    /// Queued at.
    pub created_at: String,
    /// Delivered at.
    pub delivered_at: Option<String>,
}

const DELIVERY_COLUMNS: &str =
    "id, subscription_id, event_id, event_type, payload, status, attempts, \
     next_attempt_at, last_status_code, last_latency_ms, last_error, created_at, delivered_at";

/// A delivery claimed by this worker for one try, with what it needs to post it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ClaimedDelivery {
    /// Delivery id.
    pub id: i64,
    /// Event code.
    pub event_type: String,
    /// Event id.
    pub event_id: String,
    /// Body to post.
    pub payload: String,
    /// Tries including this one.
    pub attempts: i64,
    /// Queued at (the retry window counts from here).
    pub created_at: String,
    /// Where to post.
    pub url: String,
    /// Signing key.
    pub secret: String,
}

/// How a try ended.
#[derive(Debug, Clone)]
pub enum TryOutcome {
    /// The receiver answered 2xx.
    Delivered {
        /// Its status.
        status_code: u16,
        /// Round trip.
        latency_ms: i64,
    },
    /// Anything else: non-2xx, timeout, refused connection, a private address.
    Failed {
        /// The receiver's status, when it answered.
        status_code: Option<u16>,
        /// Round trip (or time to the failure).
        latency_ms: i64,
        /// What went wrong, for the log.
        error: String,
        /// The next try, or `None` to give up.
        retry_at: Option<DateTime<Utc>>,
    },
}

/// What a subscription change sets; `None` keeps the current value.
#[derive(Debug, Clone, Default)]
pub struct WebhookChangeSet {
    /// URL, events and description, checked together.
    pub target: Option<NewWebhook>,
    /// Pause or resume.
    pub active: Option<bool>,
    /// A new signing secret.
    pub secret: Option<String>,
}

/// Did a visit update move it (time or doctor)? Read from the audit snapshots.
fn moved(old: Option<&Value>, new: Option<&Value>) -> bool {
    let field = |v: Option<&Value>, k: &str| v.and_then(|v| v.get(k)).cloned();
    ["starts_at", "ends_at", "doctor_id"]
        .iter()
        .any(|k| field(old, k) != field(new, k))
}

/// Queues the event an audited change is (if any) for every active subscriber of it, on the
/// change's own transaction. One statement; no subscriber, no row.
pub(crate) async fn enqueue(
    conn: &mut AnyConnection,
    audit_id: i64,
    entry: &AuditEntry<'_>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let change = WebhookChange {
        entity: entry.entity,
        action: entry.action,
        moved: moved(entry.old.as_ref(), entry.new.as_ref()),
    };
    let Some(event) = EventType::of_change(&change) else {
        return Ok(());
    };
    let event_id = format!("evt_{audit_id}");
    let at = time::encode(now);
    let payload = json!({
        "id": event_id,
        "type": event.code(),
        "created_at": at,
        "data": {
            "object": entry.entity,
            "id": entry.entity_id,
            "action": entry.action,
            "previous": entry.old,
            "current": entry.new,
        },
    });
    sqlx::query(
        "INSERT INTO webhook_deliveries (subscription_id, event_id, event_type, payload, next_attempt_at, created_at) \
         SELECT id, $1, $2, $3, $4, $4 FROM webhook_subscriptions WHERE is_active = 1 AND events LIKE $5",
    )
    .bind(&event_id)
    .bind(event.code())
    .bind(payload.to_string())
    .bind(&at)
    .bind(format!("%,{},%", event.code()))
    .execute(conn)
    .await?;
    Ok(())
}

fn subscription_json(row: &WebhookRow) -> Value {
    json!({"url": row.url, "events": row.events, "description": row.description, "active": row.is_active})
}

async fn subscription(conn: &mut AnyConnection, id: i64) -> Result<WebhookRow, StoreError> {
    sqlx::query_as::<_, WebhookRow>(sqlx::AssertSqlSafe(format!(
        "SELECT {SUBSCRIPTION_COLUMNS} FROM webhook_subscriptions WHERE id = $1"
    )))
    .bind(id)
    .fetch_optional(conn)
    .await?
    .ok_or(StoreError::NotFound)
}

impl Store {
    /// Subscribes `hook` with signing `secret`; it receives events of changes committed after
    /// this. Audited (without the secret).
    pub async fn create_webhook(
        &self,
        actor: &Actor,
        hook: &NewWebhook,
        secret: &str,
    ) -> Result<WebhookRow, StoreError> {
        let mut tx = self.begin_write().await?;
        let now = time::encode(Utc::now());
        let row = sqlx::query_as::<_, WebhookRow>(sqlx::AssertSqlSafe(format!(
            "INSERT INTO webhook_subscriptions (url, events, secret, description, created_by, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING {SUBSCRIPTION_COLUMNS}"
        )))
        .bind(&hook.url)
        .bind(hook.events_text())
        .bind(secret)
        .bind(hook.description.as_deref())
        .bind(actor.user_id.map(|u| u.0))
        .bind(&now)
        .fetch_one(&mut *tx)
        .await?;
        let entry = AuditEntry {
            action: "create",
            entity: "webhook",
            entity_id: Some(row.id),
            old: None,
            new: Some(subscription_json(&row)),
        };
        audit::append(&mut tx, actor, entry).await?;
        tx.commit().await?;
        Ok(row)
    }

    /// Every subscription, oldest first.
    pub async fn webhooks(&self) -> Result<Vec<WebhookRow>, StoreError> {
        Ok(sqlx::query_as::<_, WebhookRow>(sqlx::AssertSqlSafe(format!(
            "SELECT {SUBSCRIPTION_COLUMNS} FROM webhook_subscriptions ORDER BY id"
        )))
        .fetch_all(self.pool())
        .await?)
    }

    /// One subscription.
    pub async fn webhook(&self, id: i64) -> Result<WebhookRow, StoreError> {
        let mut conn = self.pool().acquire().await?;
        subscription(&mut conn, id).await
    }

    /// Changes a subscription (URL, events, description, paused, secret). Audited: what changed,
    /// never the secret itself.
    pub async fn update_webhook(
        &self,
        actor: &Actor,
        id: i64,
        change: &WebhookChangeSet,
    ) -> Result<WebhookRow, StoreError> {
        let mut tx = self.begin_write().await?;
        let before = subscription(&mut tx, id).await?;
        let target = change.target.as_ref();
        let row = sqlx::query_as::<_, WebhookRow>(sqlx::AssertSqlSafe(format!(
            "UPDATE webhook_subscriptions SET url = COALESCE($1, url), events = COALESCE($2, events), \
                 description = CASE WHEN $3 = 1 THEN $4 ELSE description END, \
                 is_active = COALESCE($5, is_active), secret = COALESCE($6, secret), updated_at = $7 \
             WHERE id = $8 RETURNING {SUBSCRIPTION_COLUMNS}"
        )))
        .bind(target.map(|t| t.url.clone()))
        .bind(target.map(NewWebhook::events_text))
        .bind(i64::from(target.is_some()))
        .bind(target.and_then(|t| t.description.clone()))
        .bind(change.active.map(i64::from))
        .bind(change.secret.as_deref())
        .bind(time::encode(Utc::now()))
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
        let mut entry = AuditEntry::changed(
            "update",
            "webhook",
            id,
            &subscription_json(&before),
            &subscription_json(&row),
        );
        if change.secret.is_some() {
            if let Some(Value::Object(new)) = entry.new.as_mut() {
                new.insert("secret".into(), Value::from("rotated"));
            }
        }
        audit::append(&mut tx, actor, entry).await?;
        tx.commit().await?;
        Ok(row)
    }

    /// Removes a subscription and its delivery log; nothing more is sent to it. Audited.
    pub async fn delete_webhook(&self, actor: &Actor, id: i64) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        let before = subscription(&mut tx, id).await?;
        sqlx::query("DELETE FROM webhook_deliveries WHERE subscription_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM webhook_subscriptions WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        let entry = AuditEntry {
            action: "delete",
            entity: "webhook",
            entity_id: Some(id),
            old: Some(subscription_json(&before)),
            new: None,
        };
        audit::append(&mut tx, actor, entry).await?;
        tx.commit().await?;
        Ok(())
    }

    /// A subscription's deliveries, newest first, keyset-paged below `before_id`, at most
    /// `limit` rows (the caller asks for one more than it shows to learn whether more follow).
    pub async fn webhook_deliveries(
        &self,
        subscription_id: i64,
        status: Option<&str>,
        before_id: Option<i64>,
        limit: i64,
    ) -> Result<Vec<DeliveryRow>, StoreError> {
        Ok(sqlx::query_as::<_, DeliveryRow>(sqlx::AssertSqlSafe(format!(
            "SELECT {DELIVERY_COLUMNS} FROM webhook_deliveries \
             WHERE subscription_id = $1 AND ($2 IS NULL OR status = $2) AND ($3 IS NULL OR id < $3) \
             ORDER BY id DESC LIMIT $4"
        )))
        .bind(subscription_id)
        .bind(status)
        .bind(before_id)
        .bind(limit)
        .fetch_all(self.pool())
        .await?)
    }

    /// Queues a delivery's event again for its subscriber (a new delivery at the end of the
    /// queue, same event id). Audited.
    pub async fn replay_delivery(&self, actor: &Actor, id: i64) -> Result<DeliveryRow, StoreError> {
        let mut tx = self.begin_write().await?;
        let now = time::encode(Utc::now());
        let row = sqlx::query_as::<_, DeliveryRow>(sqlx::AssertSqlSafe(format!(
            "INSERT INTO webhook_deliveries (subscription_id, event_id, event_type, payload, next_attempt_at, created_at) \
             SELECT subscription_id, event_id, event_type, payload, $1, $1 FROM webhook_deliveries WHERE id = $2 \
             RETURNING {DELIVERY_COLUMNS}"
        )))
        .bind(&now)
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(StoreError::NotFound)?;
        let entry = AuditEntry {
            action: "replay",
            entity: "webhook_delivery",
            entity_id: Some(id),
            old: None,
            new: Some(json!({"delivery_id": row.id, "event_id": row.event_id})),
        };
        audit::append(&mut tx, actor, entry).await?;
        tx.commit().await?;
        Ok(row)
    }

    /// Claims up to `limit` deliveries due at `now` for one try each, leased until
    /// `now + lease`: only the oldest pending delivery of each active subscriber (so each
    /// subscriber gets its events in order), and on PostgreSQL with `FOR UPDATE SKIP LOCKED`, so
    /// two instances never claim the same delivery. A lease that runs out (the instance died
    /// mid-post) makes the delivery due again.
    pub async fn claim_deliveries(
        &self,
        now: DateTime<Utc>,
        lease: Duration,
        limit: i64,
    ) -> Result<Vec<ClaimedDelivery>, StoreError> {
        let mut tx = self.begin_write().await?;
        let lock = match self.backend() {
            Backend::Postgres => " FOR UPDATE OF d SKIP LOCKED",
            Backend::Sqlite => "",
        };
        let at = time::encode(now);
        let mut claimed = sqlx::query_as::<_, ClaimedDelivery>(sqlx::AssertSqlSafe(format!(
            "SELECT d.id, d.event_type, d.event_id, d.payload, d.attempts, d.created_at, s.url, s.secret \
             FROM webhook_deliveries d JOIN webhook_subscriptions s ON s.id = d.subscription_id \
             WHERE d.status = 'pending' AND s.is_active = 1 AND d.next_attempt_at <= $1 \
               AND (d.locked_until IS NULL OR d.locked_until <= $1) \
               AND d.id = (SELECT MIN(h.id) FROM webhook_deliveries h \
                           WHERE h.subscription_id = d.subscription_id AND h.status = 'pending') \
             ORDER BY d.id LIMIT $2{lock}"
        )))
        .bind(&at)
        .bind(limit)
        .fetch_all(&mut *tx)
        .await?;
        if claimed.is_empty() {
            return Ok(claimed);
        }
        let ids: Vec<String> = claimed.iter().map(|c| c.id.to_string()).collect();
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "UPDATE webhook_deliveries SET locked_until = $1, attempts = attempts + 1 WHERE id IN ({})",
            ids.join(",")
        )))
        .bind(time::encode(now + lease))
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        for c in &mut claimed {
            c.attempts += 1;
        }
        Ok(claimed)
    }

    /// Records how a claimed try ended: delivered, due again at `retry_at`, or given up.
    pub async fn finish_delivery(&self, id: i64, outcome: &TryOutcome) -> Result<(), StoreError> {
        let now = time::encode(Utc::now());
        let query = match outcome {
            TryOutcome::Delivered {
                status_code,
                latency_ms,
            } => sqlx::query(
                "UPDATE webhook_deliveries SET status = 'delivered', delivered_at = $1, locked_until = NULL, \
                     last_status_code = $2, last_latency_ms = $3, last_error = NULL WHERE id = $4",
            )
            .bind(now)
            .bind(i64::from(*status_code))
            .bind(*latency_ms),
            TryOutcome::Failed {
                status_code,
                latency_ms,
                error,
                retry_at,
            } => sqlx::query(
                "UPDATE webhook_deliveries SET status = CASE WHEN $1 IS NULL THEN 'failed' ELSE 'pending' END, \
                     next_attempt_at = COALESCE($1, next_attempt_at), locked_until = NULL, \
                     last_status_code = $2, last_latency_ms = $3, last_error = $4 WHERE id = $5",
            )
            .bind(retry_at.map(time::encode))
            .bind(status_code.map(i64::from))
            .bind(*latency_ms)
            .bind(error.chars().take(500).collect::<String>()),
        };
        let mut tx = self.begin_write().await?;
        query.bind(id).execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Deletes delivered and given-up deliveries queued before `before` (the log's retention).
    pub async fn prune_deliveries(&self, before: DateTime<Utc>) -> Result<u64, StoreError> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(
            "DELETE FROM webhook_deliveries WHERE status <> 'pending' AND created_at < $1",
        )
        .bind(time::encode(before))
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(done.rows_affected())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_visit_moves_when_its_time_or_doctor_changes() {
        let old = json!({"starts_at": "a", "ends_at": "b", "doctor_id": 1, "notes": null});
        assert!(!moved(
            Some(&old),
            Some(&json!({"starts_at": "a", "ends_at": "b", "doctor_id": 1, "notes": "x"}))
        ));
        assert!(moved(
            Some(&old),
            Some(&json!({"starts_at": "c", "ends_at": "b", "doctor_id": 1}))
        ));
        assert!(moved(
            Some(&old),
            Some(&json!({"starts_at": "a", "ends_at": "b", "doctor_id": 2}))
        ));
    }
}
