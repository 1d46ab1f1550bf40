//! API keys (owner): machines call the API with `Authorization: Bearer emh_…` and act within
//! their scopes; every change they make is audited as the key.

use actix_web::{delete, get, post, web, HttpResponse};
use chrono::Utc;
use emhana_api_types::integrations::{ApiKeyView, CreatedApiKey, NewApiKey as NewApiKeyBody};
use emhana_api_types::ProblemDetails;
use emhana_domain::access::Permission;
use emhana_domain::integrations::api_key::{self, shown_prefix, TOKEN_PREFIX};
use emhana_domain::integrations::NewApiKey;
use emhana_domain::validation::parse_instant;
use emhana_store::integrations::api_keys::ApiKeyRow;
use emhana_store::Store;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::tokens::{hash_token, random_hex};
use crate::auth::Authenticated;
use crate::error::{json_body, JsonBody};
use crate::ApiError;

/// Registers the API key endpoints.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list).service(create).service(revoke);
}

fn view(row: ApiKeyRow) -> Result<ApiKeyView, ApiError> {
    let expires = row.expires()?;
    let state = if row.revoked_at.is_some() {
        "revoked"
    } else if expires.is_some_and(|at| at <= Utc::now()) {
        "expired"
    } else {
        "active"
    };
    Ok(ApiKeyView {
        id: row.id,
        scopes: api_key::scopes_from_text(&row.scopes)
            .into_iter()
            .map(|p| p.code().to_owned())
            .collect(),
        name: row.name,
        token_prefix: row.token_prefix,
        expires_at: row.expires_at,
        revoked_at: row.revoked_at,
        state: state.into(),
        created_at: row.created_at,
        last_used_at: row.last_used_at,
    })
}

/// Every API key, newest first, revoked and expired ones included (never a token).
#[utoipa::path(tag = "integrations", security(("bearer" = [])), responses(
    (status = 200, body = Vec<ApiKeyView>),
    (status = 403, body = ProblemDetails, content_type = "application/problem+json")
))]
#[get("/api-keys")]
pub async fn list(auth: Authenticated, store: web::Data<Store>) -> Result<HttpResponse, ApiError> {
    auth.require(Permission::IntegrationsManage)?;
    let keys = store
        .api_keys()
        .await?
        .into_iter()
        .map(view)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(HttpResponse::Ok().json(keys))
}

/// Creates a key (owner). The answer carries its token, the only time it is shown: Emhana
/// keeps only a hash. Audited.
#[utoipa::path(tag = "integrations", security(("bearer" = [])), request_body = NewApiKeyBody, responses(
    (status = 201, body = CreatedApiKey),
    (status = 403, body = ProblemDetails, content_type = "application/problem+json"),
    (status = 422, body = ProblemDetails, content_type = "application/problem+json")
))]
#[post("/api-keys")]
pub async fn create(
    auth: Authenticated,
    store: web::Data<Store>,
    body: JsonBody<NewApiKeyBody>,
) -> Result<HttpResponse, ApiError> {
    auth.require(Permission::IntegrationsManage)?;
    let b = json_body(body)?;
    let expires_at = b
        .expires_at
        .as_deref()
        .map(|t| parse_instant("expires_at", t))
        .transpose()?;
    let key = NewApiKey::parse(&b.name, &b.scopes, expires_at, Utc::now())?;
    let token = format!("{TOKEN_PREFIX}{}", random_hex(32)?);
    let row = store
        .create_api_key(
            &auth.actor,
            &key,
            &shown_prefix(&token),
            &hash_token(&token),
        )
        .await?;
    Ok(HttpResponse::Created().json(CreatedApiKey {
        key: view(row)?,
        token,
    }))
}

/// Revokes a key at once: its next request is 401. Revoking twice is harmless. Audited.
#[utoipa::path(tag = "integrations", security(("bearer" = [])), params(("id" = i64, Path)), responses(
    (status = 200, body = ApiKeyView),
    (status = 403, body = ProblemDetails, content_type = "application/problem+json"),
    (status = 404, body = ProblemDetails, content_type = "application/problem+json")
))]
#[delete("/api-keys/{id}")]
pub async fn revoke(
    auth: Authenticated,
    store: web::Data<Store>,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    auth.require(Permission::IntegrationsManage)?;
    let row = store.revoke_api_key(&auth.actor, id.into_inner()).await?;
    Ok(HttpResponse::Ok().json(view(row)?))
}
