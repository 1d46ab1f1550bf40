//! Webhook subscriptions (owner), their delivery log and replay. Events are queued by the
//! changes themselves (see `emhana_store::integrations::webhooks`); `crate::webhooks::worker`
//! posts them signed.

use actix_web::{delete, get, patch, post, web, HttpResponse};
use emhana_api_types::auth::Page;
use emhana_api_types::integrations::{
    DeliveryView, NewWebhook as NewWebhookBody, WebhookPatch, WebhookView,
};
use emhana_api_types::queries::DeliveryQuery;
use emhana_api_types::ProblemDetails;
use emhana_domain::access::Permission;
use emhana_domain::integrations::webhook::{self, events_from_text};
use emhana_domain::integrations::NewWebhook;
use emhana_domain::paging::PageRequest;
use emhana_store::integrations::webhooks::{DeliveryRow, WebhookChangeSet, WebhookRow};
use emhana_store::Store;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::tokens::random_hex;
use crate::auth::Authenticated;
use crate::error::{json_body, JsonBody};
use crate::webhooks::WebhookPolicy;
use crate::ApiError;

/// Registers the webhook endpoints.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list)
        .service(create)
        .service(change)
        .service(remove)
        .service(deliveries)
        .service(replay);
}

fn view(row: WebhookRow, secret_shown: bool) -> WebhookView {
    WebhookView {
        id: row.id,
        events: events_from_text(&row.events)
            .into_iter()
            .map(|e| e.code().to_owned())
            .collect(),
        url: row.url,
        description: row.description,
        active: row.is_active,
        secret: secret_shown.then_some(row.secret),
        created_at: row.created_at,
        updated_at: row.updated_at,
    }
}

fn delivery_view(row: DeliveryRow) -> DeliveryView {
    DeliveryView {
        id: row.id,
        webhook_id: row.subscription_id,
        event_id: row.event_id,
        event_type: row.event_type,
        next_attempt_at: (row.status == "pending").then_some(row.next_attempt_at),
        status: row.status,
        attempts: row.attempts,
        last_status_code: row.last_status_code,
        last_latency_ms: row.last_latency_ms,
        last_error: row.last_error,
        created_at: row.created_at,
        delivered_at: row.delivered_at,
        payload: serde_json::from_str(&row.payload).unwrap_or(serde_json::Value::Null),
    }
}

/// A new signing secret.
fn new_secret() -> Result<String, ApiError> {
    Ok(format!("whsec_{}", random_hex(24)?))
}

/// Checks a subscription's target: the domain's rules, then the private-address guard.
fn target(
    policy: &WebhookPolicy,
    url: &str,
    events: &[String],
    description: Option<&str>,
) -> Result<NewWebhook, ApiError> {
    let hook = NewWebhook::parse(url, events, description)?;
    policy.check_host(&hook.host)?;
    Ok(hook)
}

/// Every subscription (secrets are not shown again).
#[utoipa::path(tag = "integrations", security(("bearer" = [])), responses(
    (status = 200, body = Vec<WebhookView>),
    (status = 403, body = ProblemDetails, content_type = "application/problem+json")
))]
#[get("/webhooks")]
pub async fn list(auth: Authenticated, store: web::Data<Store>) -> Result<HttpResponse, ApiError> {
    auth.require(Permission::IntegrationsManage)?;
    let hooks: Vec<_> = store
        .webhooks()
        .await?
        .into_iter()
        .map(|r| view(r, false))
        .collect();
    Ok(HttpResponse::Ok().json(hooks))
}

/// Subscribes a URL to events (owner). The answer shows the signing secret once. Private and
/// loopback addresses are refused unless the server allows them. Audited.
#[utoipa::path(tag = "integrations", security(("bearer" = [])), request_body = NewWebhookBody, responses(
    (status = 201, body = WebhookView),
    (status = 403, body = ProblemDetails, content_type = "application/problem+json"),
    (status = 422, body = ProblemDetails, content_type = "application/problem+json")
))]
#[post("/webhooks")]
pub async fn create(
    auth: Authenticated,
    store: web::Data<Store>,
    policy: web::Data<WebhookPolicy>,
    body: JsonBody<NewWebhookBody>,
) -> Result<HttpResponse, ApiError> {
    auth.require(Permission::IntegrationsManage)?;
    let b = json_body(body)?;
    let hook = target(&policy, &b.url, &b.events, b.description.as_deref())?;
    let row = store
        .create_webhook(&auth.actor, &hook, &new_secret()?)
        .await?;
    Ok(HttpResponse::Created().json(view(row, true)))
}

/// Changes a subscription: URL, events, description, pause/resume, a new secret (shown once in
/// the answer). Audited.
#[utoipa::path(tag = "integrations", security(("bearer" = [])), params(("id" = i64, Path)), request_body = WebhookPatch, responses(
    (status = 200, body = WebhookView),
    (status = 404, body = ProblemDetails, content_type = "application/problem+json"),
    (status = 422, body = ProblemDetails, content_type = "application/problem+json")
))]
#[patch("/webhooks/{id}")]
pub async fn change(
    auth: Authenticated,
    store: web::Data<Store>,
    policy: web::Data<WebhookPolicy>,
    id: web::Path<i64>,
    body: JsonBody<WebhookPatch>,
) -> Result<HttpResponse, ApiError> {
    auth.require(Permission::IntegrationsManage)?;
    let b = json_body(body)?;
    let id = id.into_inner();
    let current = store.webhook(id).await?;
    let touches_target = b.url.is_some() || b.events.is_some() || b.description.is_some();
    let target = if touches_target {
        let events = match &b.events {
            Some(events) => events.clone(),
            None => events_from_text(&current.events)
                .into_iter()
                .map(|e| e.code().to_owned())
                .collect(),
        };
        let url = b.url.as_deref().unwrap_or(&current.url);
        let description = b.description.as_deref().or(current.description.as_deref());
        Some(target(&policy, url, &events, description)?)
    } else {
        None
    };
    let rotate = b.rotate_secret == Some(true);
    let set = WebhookChangeSet {
        target,
        active: b.active,
        secret: if rotate { Some(new_secret()?) } else { None },
    };
    let row = store.update_webhook(&auth.actor, id, &set).await?;
    Ok(HttpResponse::Ok().json(view(row, rotate)))
}

/// Deletes a subscription and its delivery log; nothing more is sent to it. Audited.
#[utoipa::path(tag = "integrations", security(("bearer" = [])), params(("id" = i64, Path)), responses(
    (status = 204, description = "Deleted"),
    (status = 404, body = ProblemDetails, content_type = "application/problem+json")
))]
#[delete("/webhooks/{id}")]
pub async fn remove(
    auth: Authenticated,
    store: web::Data<Store>,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    auth.require(Permission::IntegrationsManage)?;
    store.delete_webhook(&auth.actor, id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// A subscription's delivery log, newest first: each event's status, tries, the receiver's
/// last answer and round trip, the body posted.
#[utoipa::path(tag = "integrations", security(("bearer" = [])), params(("id" = i64, Path), DeliveryQuery), responses(
    (status = 200, body = Page<DeliveryView>),
    (status = 404, body = ProblemDetails, content_type = "application/problem+json"),
    (status = 422, body = ProblemDetails, content_type = "application/problem+json")
))]
#[get("/webhooks/{id}/deliveries")]
pub async fn deliveries(
    auth: Authenticated,
    store: web::Data<Store>,
    id: web::Path<i64>,
    q: web::Query<DeliveryQuery>,
) -> Result<HttpResponse, ApiError> {
    auth.require(Permission::IntegrationsManage)?;
    let id = id.into_inner();
    let page = PageRequest::parse(q.limit, q.cursor.as_deref())?;
    let status = q
        .status
        .as_deref()
        .map(webhook::parse_delivery_state)
        .transpose()?;
    store.webhook(id).await?;
    let rows = store
        .webhook_deliveries(id, status, page.before_id, page.fetch_limit())
        .await?;
    let (rows, next_cursor) = page.split(rows, |r| r.id);
    Ok(HttpResponse::Ok().json(Page {
        items: rows.into_iter().map(delivery_view).collect(),
        next_cursor,
    }))
}

/// Sends a delivery's event again: a new delivery at the end of the subscriber's queue with the
/// same event id (receivers de-duplicate by it). Audited.
#[utoipa::path(tag = "integrations", security(("bearer" = [])), params(("id" = i64, Path)), responses(
    (status = 201, body = DeliveryView),
    (status = 404, body = ProblemDetails, content_type = "application/problem+json")
))]
#[post("/webhook-deliveries/{id}/replay")]
pub async fn replay(
    auth: Authenticated,
    store: web::Data<Store>,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    auth.require(Permission::IntegrationsManage)?;
    let row = store.replay_delivery(&auth.actor, id.into_inner()).await?;
    Ok(HttpResponse::Created().json(delivery_view(row)))
}
