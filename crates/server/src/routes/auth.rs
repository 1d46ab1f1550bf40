//! Sessions: login (rate-limited in the database), refresh-token rotation, logout.

use actix_web::cookie::{Cookie, SameSite};
use actix_web::{post, web, HttpRequest, HttpResponse};
use chrono::Utc;
use emhana_api_types::auth::{LoginRequest, RefreshRequest, Session};
use emhana_api_types::ProblemDetails;
use emhana_domain::access::check_login_attempt;
use emhana_domain::ids::UserId;
use emhana_store::sessions::{LoginGate, LoginGrant, Rotation};
use emhana_store::users::{login_key, UserRow};
use emhana_store::Store;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::extract::ClientMeta;
use crate::auth::{password, tokens, Keys};
use crate::routes::users::user_view;
use crate::security::Security;
use crate::ApiError;

/// Name of the SPA's refresh cookie (HttpOnly, scoped to the auth endpoints).
pub const REFRESH_COOKIE: &str = "emhana_refresh";

/// Registers the session endpoints.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(login).service(refresh).service(logout);
}

/// One message for every refused login, so it never tells whether the login exists.
fn bad_credentials() -> ApiError {
    ApiError::Unauthorized("Неверный логин или пароль".into())
}

/// Sign in. Returns an access token (15 min) and a refresh token (also set as an HttpOnly
/// cookie for the SPA). 5 failures per login or 20 per client IP within 15 minutes lock further
/// attempts with 429 and `Retry-After`; attempts are counted before the password is checked, so
/// parallel guesses cannot pass the limit. Every checked attempt is audited; attempts refused by
/// the lock are counted, with one audit row per lock window. Login at most 100 and password at
/// most 256 characters (422 before anything is written); 503 + `Retry-After` while every
/// password hasher is busy.
#[utoipa::path(
    tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in", body = Session),
        (status = 401, description = "Wrong login or password", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 422, description = "Login or password missing or too long", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 503, description = "Every password hasher is busy; see Retry-After", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 429, description = "Too many failures; see Retry-After", body = ProblemDetails, content_type = "application/problem+json")
    )
)]
#[post("/auth/login")]
pub async fn login(
    req: HttpRequest,
    store: web::Data<Store>,
    keys: web::Data<Keys>,
    meta: ClientMeta,
    body: web::Json<LoginRequest>,
) -> Result<HttpResponse, ApiError> {
    check_login_attempt(&body.login, &body.password)?;
    let actor = meta.0;
    let key = login_key(&body.login);
    let attempt_id = match store.begin_login(&actor, &key, Utc::now()).await? {
        LoginGate::Locked(wait) => {
            return Err(ApiError::RateLimited {
                retry_after_secs: wait.num_seconds().max(1).unsigned_abs(),
            })
        }
        LoginGate::Admitted(id) => id,
    };
    let user = store.user_by_login(&key).await?;
    let Some(user) = user else {
        password::verify_nothing(body.password.clone()).await?;
        store
            .record_login_failure(&actor, &key, None, "unknown_login")
            .await?;
        return Err(bad_credentials());
    };
    let ok = password::verify(body.password.clone(), user.password_hash.clone()).await?;
    if !ok || !user.active() {
        let reason = if ok { "inactive" } else { "wrong_password" };
        store
            .record_login_failure(&actor, &key, Some(UserId(user.id)), reason)
            .await?;
        return Err(bad_credentials());
    }
    // An account imported from the old system still has its bcrypt hash: the password that just
    // matched it is hashed with argon2id and replaces it in the same transaction as the login.
    let rehash = if password::is_legacy_hash(&user.password_hash) {
        Some(password::hash(body.password.clone()).await?)
    } else {
        None
    };
    let refresh_token = tokens::random_hex(32)?;
    let family = tokens::random_hex(16)?;
    let actor = emhana_store::audit::Actor {
        user_id: Some(UserId(user.id)),
        ..actor
    };
    let grant = LoginGrant {
        attempt_id,
        family: &family,
        refresh_hash: &tokens::hash_token(&refresh_token),
        refresh_expires: tokens::refresh_expiry(),
        rehash: rehash.as_deref(),
    };
    store.record_login_success(&actor, &user, &grant).await?;
    session_response(&req, &keys, &user, refresh_token)
}

/// Exchange a refresh token (body, or the SPA's cookie) for a new session. The presented token is
/// used up; presenting it again revokes the whole session family (stolen-token detection).
#[utoipa::path(
    tag = "auth",
    request_body(content = RefreshRequest, description = "Optional when the refresh cookie is present"),
    responses(
        (status = 200, description = "New session", body = Session),
        (status = 401, description = "Invalid, expired, revoked or reused token", body = ProblemDetails, content_type = "application/problem+json")
    )
)]
#[post("/auth/refresh")]
pub async fn refresh(
    req: HttpRequest,
    store: web::Data<Store>,
    keys: web::Data<Keys>,
    body: Option<web::Json<RefreshRequest>>,
) -> Result<HttpResponse, ApiError> {
    let presented = presented_token(&req, body)
        .ok_or_else(|| ApiError::Unauthorized("Нет токена обновления".into()))?;
    let next = tokens::random_hex(32)?;
    match store
        .rotate_refresh(
            &tokens::hash_token(&presented),
            &tokens::hash_token(&next),
            tokens::refresh_expiry(),
        )
        .await?
    {
        Rotation::Rotated(user) => session_response(&req, &keys, &user, next),
        Rotation::Reused | Rotation::Invalid => Err(ApiError::Unauthorized(
            "Сессия истекла, войдите заново".into(),
        )),
    }
}

/// Sign out: revokes the session family of the refresh token (body or cookie) and clears the
/// cookie. Always 204, so it is safe to call twice.
#[utoipa::path(
    tag = "auth",
    request_body(content = RefreshRequest, description = "Optional when the refresh cookie is present"),
    responses((status = 204, description = "Signed out"))
)]
#[post("/auth/logout")]
pub async fn logout(
    req: HttpRequest,
    store: web::Data<Store>,
    meta: ClientMeta,
    body: Option<web::Json<RefreshRequest>>,
) -> Result<HttpResponse, ApiError> {
    if let Some(token) = presented_token(&req, body) {
        store
            .revoke_refresh_family(&meta.0, &tokens::hash_token(&token))
            .await?;
    }
    let mut gone = refresh_cookie(&req, String::new());
    gone.make_removal();
    Ok(HttpResponse::NoContent().cookie(gone).finish())
}

fn presented_token(req: &HttpRequest, body: Option<web::Json<RefreshRequest>>) -> Option<String> {
    body.and_then(|b| b.into_inner().refresh_token)
        .filter(|t| !t.is_empty())
        .or_else(|| req.cookie(REFRESH_COOKIE).map(|c| c.value().to_owned()))
}

/// The refresh cookie; `Secure` when the configured public URL is HTTPS (never decided by a
/// client header such as `X-Forwarded-Proto`).
fn refresh_cookie(req: &HttpRequest, value: String) -> Cookie<'static> {
    let secure = req
        .app_data::<web::Data<Security>>()
        .is_some_and(|s| s.secure_cookies());
    Cookie::build(REFRESH_COOKIE, value)
        .path("/api/v1/auth")
        .http_only(true)
        .secure(secure)
        .same_site(SameSite::Strict)
        .max_age(actix_web::cookie::time::Duration::days(
            tokens::REFRESH_TTL_DAYS,
        ))
        .finish()
}

fn session_response(
    req: &HttpRequest,
    keys: &Keys,
    user: &UserRow,
    refresh_token: String,
) -> Result<HttpResponse, ApiError> {
    let access = keys.issue(user.id, user.role()?, user.token_version)?;
    let session = Session {
        access_token: access,
        refresh_token: refresh_token.clone(),
        token_type: "Bearer".into(),
        expires_in: tokens::ACCESS_TTL_SECS,
        user: user_view(user)?,
    };
    Ok(HttpResponse::Ok()
        .cookie(refresh_cookie(req, refresh_token))
        .json(session))
}
