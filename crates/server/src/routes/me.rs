//! The signed-in account: who am I, change my password, the language I read the SPA in.

use actix_web::{get, post, put, web, HttpResponse};
use emhana_api_types::auth::{ChangePassword, SetLanguage, UserView};
use emhana_api_types::ProblemDetails;
use emhana_domain::access::Permission;
use emhana_domain::validation::parse_new_password;
use emhana_domain::{FieldViolation, UiLanguage};
use emhana_store::users::UserChange;
use emhana_store::Store;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::{password, Authenticated};
use crate::error::{json_body, JsonBody};
use crate::routes::users::user_view;
use crate::ApiError;

/// Registers the own-account endpoints.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(me)
        .service(change_password)
        .service(set_language);
}

/// The signed-in account (any role).
#[utoipa::path(tag = "auth", security(("bearer" = [])), responses(
    (status = 200, body = UserView),
    (status = 401, body = ProblemDetails, content_type = "application/problem+json")
))]
#[get("/me")]
pub async fn me(auth: Authenticated, store: web::Data<Store>) -> Result<HttpResponse, ApiError> {
    auth.require(Permission::OwnAccount)?;
    let row = store
        .user(auth.own_user()?)
        .await?
        .ok_or_else(|| ApiError::Unauthorized("Войдите заново".into()))?;
    Ok(HttpResponse::Ok().json(user_view(&row)?))
}

/// Change one's own password (the current one is required). Ends every session of the account,
/// including this one: sign in again. Audited.
#[utoipa::path(tag = "auth", security(("bearer" = [])), request_body = ChangePassword, responses(
    (status = 204, description = "Changed; sign in again"),
    (status = 401, body = ProblemDetails, content_type = "application/problem+json"),
    (status = 422, description = "Wrong current password or weak new one", body = ProblemDetails, content_type = "application/problem+json")
))]
#[post("/me/password")]
pub async fn change_password(
    auth: Authenticated,
    store: web::Data<Store>,
    body: JsonBody<ChangePassword>,
) -> Result<HttpResponse, ApiError> {
    auth.require(Permission::OwnAccount)?;
    let body = json_body(body)?;
    let row = store
        .user(auth.own_user()?)
        .await?
        .ok_or_else(|| ApiError::Unauthorized("Войдите заново".into()))?;
    if !password::verify(body.current_password.clone(), row.password_hash.clone()).await? {
        return Err(FieldViolation::new(
            "current_password",
            "wrong_password",
            "Неверный текущий пароль",
        )
        .into());
    }
    let new = parse_new_password("new_password", &body.new_password)?;
    let change = UserChange {
        password_hash: Some(password::hash(new).await?),
        ..UserChange::default()
    };
    store
        .update_user(&auth.actor, auth.own_user()?, None, change)
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Set the language one reads the SPA in (`ru`, `kk`, `en`); kept with the account, so it
/// follows the user to any computer. Audited. Server messages stay Russian.
#[utoipa::path(tag = "auth", security(("bearer" = [])), request_body = SetLanguage, responses(
    (status = 200, description = "The account with its new language", body = UserView),
    (status = 401, body = ProblemDetails, content_type = "application/problem+json"),
    (status = 422, description = "Not one of ru, kk, en", body = ProblemDetails, content_type = "application/problem+json")
))]
#[put("/me/language")]
pub async fn set_language(
    auth: Authenticated,
    store: web::Data<Store>,
    body: JsonBody<SetLanguage>,
) -> Result<HttpResponse, ApiError> {
    auth.require(Permission::OwnAccount)?;
    let language = UiLanguage::parse("language", &json_body(body)?.language)?;
    let change = UserChange {
        ui_language: Some(language),
        ..UserChange::default()
    };
    let row = store
        .update_user(&auth.actor, auth.own_user()?, None, change)
        .await?;
    Ok(HttpResponse::Ok().json(user_view(&row)?))
}
