//! The append-only audit log: one helper every use case calls inside its own transaction, and the
//! filtered read for the audit viewer. The database refuses UPDATE/DELETE on the table (triggers).

use emhana_domain::ids::UserId;
use serde_json::Value;
use sqlx::AnyConnection;

use crate::{time, Store, StoreError};

/// Who did it and from where: taken from the HTTP request, passed into every use case.
#[derive(Debug, Clone, Default)]
pub struct Actor {
    /// The authenticated user, if any (failed logins have none).
    pub user_id: Option<UserId>,
    /// The request id (also in the response header and the logs).
    pub request_id: String,
    /// The client's address.
    pub client_ip: String,
    /// The API key the request came with, when a machine made it (then `user_id` is `None`).
    pub api_key_id: Option<i64>,
}

/// One audit row to append.
#[derive(Debug, Clone)]
pub struct AuditEntry<'a> {
    /// `create`, `update`, `delete`, `void`, `login`, `login_failed`, ...
    pub action: &'a str,
    /// Table-like entity name: `user`, `patient`, `appointment`, ...
    pub entity: &'a str,
    /// The entity's id, when there is one.
    pub entity_id: Option<i64>,
    /// State before the change.
    pub old: Option<Value>,
    /// State after the change.
    pub new: Option<Value>,
}

impl<'a> AuditEntry<'a> {
    /// An update's row: of the two snapshots only the fields that changed, old → new (an
    /// unchanged field says nothing; the full state is in the row's earlier history).
    pub fn changed(
        action: &'a str,
        entity: &'a str,
        entity_id: i64,
        old: &Value,
        new: &Value,
    ) -> Self {
        let (old, new) = changed_fields(old, new);
        Self {
            action,
            entity,
            entity_id: Some(entity_id),
            old: Some(old),
            new: Some(new),
        }
    }
}

/// The fields of two JSON objects whose values differ, as `(old, new)` objects.
pub fn changed_fields(old: &Value, new: &Value) -> (Value, Value) {
    let empty = serde_json::Map::new();
    let (o, n) = (
        old.as_object().unwrap_or(&empty),
        new.as_object().unwrap_or(&empty),
    );
    let mut was = serde_json::Map::new();
    let mut now = serde_json::Map::new();
    for key in o.keys().chain(n.keys().filter(|k| !o.contains_key(*k))) {
        let (a, b) = (o.get(key), n.get(key));
        if a != b {
            was.insert(key.clone(), a.cloned().unwrap_or(Value::Null));
            now.insert(key.clone(), b.cloned().unwrap_or(Value::Null));
        }
    }
    (Value::Object(was), Value::Object(now))
}

/// Appends one row on the caller's connection (normally its open transaction). A change that is
/// a webhook event (see `EventType::of_change`) also queues that event for every subscriber in
/// the same transaction: no change without its event, no event without its change.
pub async fn append(
    conn: &mut AnyConnection,
    actor: &Actor,
    entry: AuditEntry<'_>,
) -> Result<(), StoreError> {
    let now = chrono::Utc::now();
    let old = entry.old.as_ref().map(Value::to_string);
    let new = entry.new.as_ref().map(Value::to_string);
    let audit_id: i64 = sqlx::query_scalar(
        "INSERT INTO audit_log (at, user_id, action, entity, entity_id, old_json, new_json, request_id, client_ip, api_key_id) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
    )
    .bind(time::encode(now))
    .bind(actor.user_id.map(|u| u.0))
    .bind(entry.action)
    .bind(entry.entity)
    .bind(entry.entity_id)
    .bind(old)
    .bind(new)
    .bind(&actor.request_id)
    .bind(&actor.client_ip)
    .bind(actor.api_key_id)
    .fetch_one(&mut *conn)
    .await?;
    crate::integrations::webhooks::enqueue(conn, audit_id, &entry, now).await
}

/// A stored audit row.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AuditRow {
    /// Row id (also the paging cursor: newest first).
    pub id: i64,
    /// When (stored instant text).
    pub at: String,
    /// Who.
    pub user_id: Option<i64>,
    /// What.
    pub action: String,
    /// On which kind of thing.
    pub entity: String,
    /// On which one.
    pub entity_id: Option<i64>,
    /// Before (JSON text).
    pub old_json: Option<String>,
    /// After (JSON text).
    pub new_json: Option<String>,
    /// Request id.
    pub request_id: Option<String>,
    /// Client address.
    pub client_ip: Option<String>,
    /// The API key that made the change, if a machine did.
    pub api_key_id: Option<i64>,
}

/// Filters of the audit viewer; all optional.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    /// Entity name.
    pub entity: Option<String>,
    /// Entity id.
    pub entity_id: Option<i64>,
    /// Acting user.
    pub user_id: Option<i64>,
    /// Action.
    pub action: Option<String>,
    /// From this instant (inclusive), stored-text form.
    pub from: Option<String>,
    /// Before this instant (exclusive), stored-text form.
    pub to: Option<String>,
    /// Only rows with id below this (keyset paging, newest first).
    pub before_id: Option<i64>,
    /// Page size.
    pub limit: i64,
}

impl Store {
    /// Reads audit rows newest first. Every filter is a bound parameter; a `NULL` parameter
    /// disables its condition, so one statement serves every combination on both backends.
    pub async fn audit_rows(&self, f: &AuditFilter) -> Result<Vec<AuditRow>, StoreError> {
        let rows = sqlx::query_as::<_, AuditRow>(
            "SELECT id, at, user_id, action, entity, entity_id, old_json, new_json, request_id, client_ip, api_key_id \
             FROM audit_log \
             WHERE ($1 IS NULL OR entity = $1) \
               AND ($2 IS NULL OR entity_id = $2) \
               AND ($3 IS NULL OR user_id = $3) \
               AND ($4 IS NULL OR action = $4) \
               AND ($5 IS NULL OR at >= $5) \
               AND ($6 IS NULL OR at < $6) \
               AND ($7 IS NULL OR id < $7) \
             ORDER BY id DESC LIMIT $8",
        )
        .bind(f.entity.as_deref())
        .bind(f.entity_id)
        .bind(f.user_id)
        .bind(f.action.as_deref())
        .bind(f.from.as_deref())
        .bind(f.to.as_deref())
        .bind(f.before_id)
        .bind(f.limit)
        .fetch_all(self.pool())
        .await?;
        Ok(rows)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn only_changed_fields_are_kept_old_and_new() {
        let (old, new) = changed_fields(
            &json!({"name": "УЗИ", "price": "5000.00", "active": true}),
            &json!({"name": "УЗИ", "price": "4500.00", "active": true, "extra": 1}),
        );
        assert_eq!(old, json!({"price": "5000.00", "extra": null}));
        assert_eq!(new, json!({"price": "4500.00", "extra": 1}));
        let (old, new) = changed_fields(&json!({"a": 1}), &json!({"a": 1}));
        assert_eq!((old, new), (json!({}), json!({})));
    }
}
