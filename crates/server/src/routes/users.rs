//! Staff accounts: list, create, change (deactivate, role, password) — owners and admins; only
//! owners touch owner accounts.

use actix_web::{get, patch, post, web, HttpResponse};
use emhana_api_types::auth::{CreateUser, UpdateUser, UserView};
use emhana_api_types::ProblemDetails;
use emhana_domain::access::{may_manage, Permission};
use emhana_domain::ids::UserId;
use emhana_domain::validation::{parse_login, parse_new_password, PersonName};
use emhana_domain::{Role, Violations};
use emhana_store::users::{NewUser, UserChange, UserRow};
use emhana_store::Store;
use utoipa_actix_web::service_config::ServiceConfig;

use super::common::check_active_doctor;
use crate::auth::{password, Authenticated};
use crate::error::{json_body, JsonBody};
use crate::ApiError;

/// Registers the account endpoints.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_users)
        .service(create_user)
        .service(update_user);
}

/// Row → wire view (instants re-encoded as RFC 3339).
pub fn user_view(row: &UserRow) -> Result<UserView, ApiError> {
    Ok(UserView {
        id: row.id,
        login: row.login.clone(),
        display_name: row.display_name.clone(),
        role: row.role()?,
        is_active: row.active(),
        doctor_id: row.doctor_id,
        version: row.version,
        created_at: row.created_at.clone(),
        last_login_at: row.last_login_at.clone(),
        language: row.ui_language(),
    })
}

fn forbid_role(actor: Role, target: Role) -> Result<(), ApiError> {
    if may_manage(actor, target) {
        Ok(())
    } else {
        Err(ApiError::Forbidden(
            "Учётные записи владельцев меняет только владелец".into(),
        ))
    }
}

/// List staff accounts (owner, admin).
#[utoipa::path(tag = "users", security(("bearer" = [])), responses(
    (status = 200, description = "All accounts, by id", body = Vec<UserView>),
    (status = 401, body = ProblemDetails, content_type = "application/problem+json"),
    (status = 403, body = ProblemDetails, content_type = "application/problem+json")
))]
#[get("/users")]
pub async fn list_users(
    auth: Authenticated,
    store: web::Data<Store>,
) -> Result<HttpResponse, ApiError> {
    auth.require(Permission::UsersRead)?;
    let users = store
        .users()
        .await?
        .iter()
        .map(user_view)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(HttpResponse::Ok().json(users))
}

/// Create a staff account (owner, admin; only an owner creates owners). Audited.
#[utoipa::path(tag = "users", security(("bearer" = [])), request_body = CreateUser, responses(
    (status = 201, description = "Created", body = UserView),
    (status = 403, body = ProblemDetails, content_type = "application/problem+json"),
    (status = 409, description = "Login taken", body = ProblemDetails, content_type = "application/problem+json"),
    (status = 422, description = "Invalid fields", body = ProblemDetails, content_type = "application/problem+json")
))]
#[post("/users")]
pub async fn create_user(
    auth: Authenticated,
    store: web::Data<Store>,
    body: JsonBody<CreateUser>,
) -> Result<HttpResponse, ApiError> {
    auth.require(Permission::UsersManage)?;
    let body = json_body(body)?;
    forbid_role(auth.role, body.role)?;
    let mut v = Violations::default();
    let login = v.check(parse_login("login", &body.login));
    let name = v.check(PersonName::parse("display_name", &body.display_name));
    let pw = v.check(parse_new_password("password", &body.password));
    if let Some(violation) = check_active_doctor(&store, body.doctor_id).await? {
        v.0.push(violation);
    }
    v.into_result()?;
    let (Some(login), Some(name), Some(pw)) = (login, name, pw) else {
        return Err(ApiError::Internal(anyhow::anyhow!(
            "validated fields missing"
        )));
    };
    let new = NewUser {
        login,
        display_name: name.as_str().to_owned(),
        role: body.role,
        password_hash: password::hash(pw).await?,
        doctor_id: body.doctor_id,
    };
    let row = store.create_user(&auth.actor, new).await?;
    Ok(HttpResponse::Created().json(user_view(&row)?))
}

/// Change a staff account: name, role, active flag, password. Deactivation or a new password
/// ends the account's sessions at once. Optimistic locking by `version`. Audited.
#[utoipa::path(tag = "users", security(("bearer" = [])), request_body = UpdateUser,
    params(("id" = i64, Path, description = "Account id")),
    responses(
        (status = 200, description = "Updated", body = UserView),
        (status = 403, body = ProblemDetails, content_type = "application/problem+json"),
        (status = 404, body = ProblemDetails, content_type = "application/problem+json"),
        (status = 409, description = "Stale version", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 422, body = ProblemDetails, content_type = "application/problem+json")
))]
#[patch("/users/{id}")]
pub async fn update_user(
    auth: Authenticated,
    store: web::Data<Store>,
    path: web::Path<i64>,
    body: JsonBody<UpdateUser>,
) -> Result<HttpResponse, ApiError> {
    auth.require(Permission::UsersManage)?;
    let body = json_body(body)?;
    let id = UserId(path.into_inner());
    let current = store
        .user(id)
        .await?
        .ok_or_else(|| ApiError::NotFound("Нет такой учётной записи".into()))?;
    forbid_role(auth.role, current.role()?)?;
    if let Some(role) = body.role {
        forbid_role(auth.role, role)?;
    }
    if auth.user_id == Some(id)
        && (body.is_active == Some(false) || body.role.is_some_and(|r| r != auth.role))
    {
        return Err(ApiError::Conflict(
            "Нельзя отключить себя или сменить себе роль".into(),
        ));
    }
    let mut v = Violations::default();
    let name = body
        .display_name
        .as_deref()
        .map(|n| v.check(PersonName::parse("display_name", n)));
    let pw = body
        .password
        .as_deref()
        .map(|p| v.check(parse_new_password("password", p)));
    v.into_result()?;
    let password_hash = match pw.flatten() {
        Some(p) => Some(password::hash(p).await?),
        None => None,
    };
    let change = UserChange {
        display_name: name.flatten().map(|n| n.as_str().to_owned()),
        role: body.role,
        is_active: body.is_active,
        password_hash,
        doctor_id: None,
        ui_language: None,
    };
    let row = store
        .update_user(&auth.actor, id, Some(body.version), change)
        .await?;
    Ok(HttpResponse::Ok().json(user_view(&row)?))
}
