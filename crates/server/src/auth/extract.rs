//! Request extractors: [`Authenticated`] (Bearer access token, checked against the account's
//! current state on every request) and [`ClientMeta`] (request id and client IP for anonymous
//! endpoints such as login). The role guard is [`Authenticated::require`] over the one permission
//! table in `emhana_domain::access`.

use std::future::Future;
use std::pin::Pin;

use actix_web::{web, FromRequest, HttpMessage, HttpRequest};
use emhana_domain::access::{allows, Permission};
use emhana_domain::ids::UserId;
use emhana_domain::integrations::api_key;
use emhana_domain::Role;
use emhana_store::audit::Actor;
use emhana_store::Store;

use super::Keys;
use crate::security::Security;
use crate::{request_id, ApiError};

/// The caller's identity, verified: a staff member (access token) or a machine (API key).
#[derive(Debug, Clone)]
pub struct Authenticated {
    /// Account id; `None` for an API key.
    pub user_id: Option<UserId>,
    /// Current role (from the database, not the token: a role change applies at once). An API
    /// key acts as an administrator narrowed to its scopes.
    pub role: Role,
    /// An API key's scopes: only these permissions pass [`Authenticated::require`].
    pub scopes: Option<Vec<Permission>>,
    /// Login.
    pub login: String,
    /// The doctor a doctor account is linked to (its "own schedule").
    pub doctor_id: Option<i64>,
    /// Who/where for audit rows.
    pub actor: Actor,
}

impl Authenticated {
    /// The role guard: 403 unless the permission table allows this role.
    pub fn require(&self, permission: Permission) -> Result<(), ApiError> {
        let scoped = self.scopes.as_ref().is_none_or(|s| s.contains(&permission));
        if scoped && allows(self.role, permission) {
            Ok(())
        } else {
            Err(ApiError::Forbidden(
                "Недостаточно прав для этого действия".into(),
            ))
        }
    }

    /// The signed-in staff member's own account (an API key has none: 403).
    pub fn own_user(&self) -> Result<UserId, ApiError> {
        self.user_id
            .ok_or_else(|| ApiError::Forbidden("Ключ API не является учётной записью".into()))
    }
}

/// Request id and client address, for anonymous endpoints.
#[derive(Debug, Clone)]
pub struct ClientMeta(pub Actor);

/// An access token whose signature and expiry a middleware (the rate limiter) already checked,
/// kept in the request's extensions so the extractor does not verify it twice.
#[derive(Debug, Clone)]
pub struct VerifiedClaims {
    /// The bearer token checked.
    pub token: String,
    /// What it says.
    pub claims: super::tokens::Claims,
}

/// The client's address as configured trust allows (see `crate::security`).
fn client_ip(req: &HttpRequest) -> String {
    match req.app_data::<web::Data<Security>>() {
        Some(security) => security.client_ip(req),
        None => req
            .peer_addr()
            .map(|a| a.ip().to_string())
            .unwrap_or_else(|| "unknown".into()),
    }
}

impl FromRequest for ClientMeta {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        std::future::ready(Ok(Self(Actor {
            user_id: None,
            request_id: request_id::current(),
            client_ip: client_ip(req),
            api_key_id: None,
        })))
    }
}

impl FromRequest for Authenticated {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let store = req.app_data::<web::Data<Store>>().cloned();
        let keys = req.app_data::<web::Data<Keys>>().cloned();
        let bearer = req
            .headers()
            .get(actix_web::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::to_owned);
        let ip = client_ip(req);
        let verified = req.extensions().get::<VerifiedClaims>().cloned();
        Box::pin(async move {
            let (Some(store), Some(keys)) = (store, keys) else {
                return Err(ApiError::Internal(anyhow::anyhow!(
                    "auth state not configured"
                )));
            };
            let unauthorized = || ApiError::Unauthorized("Войдите в систему заново".into());
            let token =
                bearer.ok_or_else(|| ApiError::Unauthorized("Требуется вход в систему".into()))?;
            if api_key::is_key_token(&token) {
                return key_caller(&store, &token, ip).await;
            }
            let claims = match verified {
                Some(v) if v.token == token => v.claims,
                _ => keys.verify(&token).ok_or_else(unauthorized)?,
            };
            let user = store
                .account(UserId(claims.sub))
                .await?
                .ok_or_else(unauthorized)?;
            if !user.active() || user.token_version != claims.tv {
                return Err(unauthorized());
            }
            let user_id = UserId(user.id);
            Ok(Self {
                user_id: Some(user_id),
                role: user.role()?,
                scopes: None,
                login: user.login,
                doctor_id: user.doctor_id,
                actor: Actor {
                    user_id: Some(user_id),
                    request_id: request_id::current(),
                    client_ip: ip,
                    api_key_id: None,
                },
            })
        })
    }
}

/// The caller behind an API key token: known, not revoked, not expired. Its requests are
/// audited as the key (`api_key_id`), with no user.
async fn key_caller(store: &Store, token: &str, ip: String) -> Result<Authenticated, ApiError> {
    let refused = |why: &str| ApiError::Unauthorized(why.into());
    let row = store
        .api_key_by_hash(&super::tokens::hash_token(token))
        .await?
        .ok_or_else(|| refused("Неизвестный ключ API"))?;
    let now = chrono::Utc::now();
    if let Some(why) = api_key::key_refusal(row.revoked_at.is_some(), row.expires()?, now) {
        return Err(refused(why));
    }
    store.touch_api_key(&row, now).await?;
    Ok(Authenticated {
        user_id: None,
        role: Role::Admin,
        scopes: Some(api_key::scopes_from_text(&row.scopes)),
        login: format!("api-key:{}", row.id),
        doctor_id: None,
        actor: Actor {
            user_id: None,
            request_id: request_id::current(),
            client_ip: ip,
            api_key_id: Some(row.id),
        },
    })
}
