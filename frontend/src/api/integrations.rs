//! API keys and webhooks (owner): the «Интеграции» page's calls.

use emhana_api_types::auth::Page;
use emhana_api_types::integrations::{
    ApiKeyView, CreatedApiKey, DeliveryView, NewApiKey, NewWebhook, WebhookPatch, WebhookView,
};
use emhana_api_types::queries::{DeliveryQuery, ToQuery};
use gloo_net::http::Method;

use super::{call, json, raw, ApiError};

/// `GET /api/v1/api-keys`.
pub async fn api_keys() -> Result<Vec<ApiKeyView>, ApiError> {
    call(Method::GET, "/api/v1/api-keys", None).await
}

/// `POST /api/v1/api-keys`: the answer carries the token, shown once.
pub async fn create_api_key(body: NewApiKey) -> Result<CreatedApiKey, ApiError> {
    call(Method::POST, "/api/v1/api-keys", json(&body)).await
}

/// `DELETE /api/v1/api-keys/{id}`.
pub async fn revoke_api_key(id: i64) -> Result<ApiKeyView, ApiError> {
    call(Method::DELETE, &format!("/api/v1/api-keys/{id}"), None).await
}

/// `GET /api/v1/webhooks`.
pub async fn webhooks() -> Result<Vec<WebhookView>, ApiError> {
    call(Method::GET, "/api/v1/webhooks", None).await
}

/// `POST /api/v1/webhooks`: the answer carries the signing secret, shown once.
pub async fn create_webhook(body: NewWebhook) -> Result<WebhookView, ApiError> {
    call(Method::POST, "/api/v1/webhooks", json(&body)).await
}

/// `PATCH /api/v1/webhooks/{id}`.
pub async fn update_webhook(id: i64, body: WebhookPatch) -> Result<WebhookView, ApiError> {
    call(
        Method::PATCH,
        &format!("/api/v1/webhooks/{id}"),
        json(&body),
    )
    .await
}

/// `DELETE /api/v1/webhooks/{id}`.
pub async fn delete_webhook(id: i64) -> Result<(), ApiError> {
    raw(Method::DELETE, &format!("/api/v1/webhooks/{id}"), None)
        .await
        .map(|_| ())
}

/// `GET /api/v1/webhooks/{id}/deliveries?cursor=`.
pub async fn deliveries(id: i64, cursor: Option<String>) -> Result<Page<DeliveryView>, ApiError> {
    let q = DeliveryQuery {
        cursor,
        ..DeliveryQuery::default()
    };
    let path = format!("/api/v1/webhooks/{id}/deliveries{}", q.to_query());
    call(Method::GET, &path, None).await
}

/// `POST /api/v1/webhook-deliveries/{id}/replay`.
pub async fn replay(id: i64) -> Result<DeliveryView, ApiError> {
    let path = format!("/api/v1/webhook-deliveries/{id}/replay");
    call(Method::POST, &path, None).await
}
