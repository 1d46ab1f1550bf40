//! The price list: list (optionally per doctor), card, create, change (price changes audited with
//! old and new), deactivate.

use actix_web::{delete, get, patch, post, web, HttpResponse};
use emhana_api_types::directories::{ServiceView, ServiceWrite};
use emhana_api_types::ProblemDetails;
use emhana_domain::access::Permission;
use emhana_domain::directories::ServiceCard;
use emhana_domain::sync::refuse_filters;
use emhana_domain::sync::SyncSettle;
use emhana_domain::Money;
use emhana_store::directories::{Directory, ServiceRow};
use emhana_store::Store;
use serde::Deserialize;
use utoipa_actix_web::service_config::ServiceConfig;

use super::common::{
    check_active_doctor, deactivate_in, required_version, sync_answer, sync_request, VersionQuery,
};
use crate::auth::Authenticated;
use crate::error::{json_body, JsonBody};
use crate::ApiError;

/// Registers the price-list endpoints.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list)
        .service(create)
        .service(get_one)
        .service(update)
        .service(deactivate);
}

fn view(r: ServiceRow) -> ServiceView {
    ServiceView {
        id: r.id,
        name: r.name,
        description: r.description,
        base_price: Money::from_tiyn(r.base_price),
        duration_minutes: r.duration_minutes,
        doctor_id: r.doctor_id,
        is_active: r.is_active,
        version: r.version,
        updated_at: r.updated_at,
    }
}

/// Parses the card and checks the tied doctor exists and is active.
async fn card(store: &Store, b: &ServiceWrite) -> Result<ServiceCard, ApiError> {
    let card = ServiceCard::parse(
        &b.name,
        b.description.as_deref(),
        &b.base_price,
        b.duration_minutes,
    )?;
    if let Some(violation) = check_active_doctor(store, b.doctor_id).await? {
        return Err(violation.into());
    }
    Ok(card)
}

/// `?include_inactive=&doctor_id=`
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ServiceListQuery {
    /// Include deactivated services.
    pub include_inactive: Option<bool>,
    /// Only services tied to this doctor.
    #[param(minimum = 1)]
    pub doctor_id: Option<i64>,
    /// Changes feed: only services changed at or after this instant (RFC 3339), oldest change
    /// first, deactivated ones included; resume the next poll from the
    /// `Emhana-Next-Updated-Since` header. Not combined with `doctor_id`.
    #[param(format = DateTime)]
    pub updated_since: Option<String>,
}

/// The price list by name; with `updated_since`, the services changed since then in change
/// order, deactivated ones included.
#[utoipa::path(tag = "services", security(("bearer" = [])), params(ServiceListQuery), responses(
    (status = 200, body = Vec<ServiceView>, headers(("Emhana-Next-Updated-Since" = String, description = "With `updated_since`: where the next poll resumes"))),
    (status = 422, body = ProblemDetails, content_type = "application/problem+json")
))]
#[get("/services")]
pub async fn list(
    auth: Authenticated,
    store: web::Data<Store>,
    settle: web::Data<SyncSettle>,
    q: web::Query<ServiceListQuery>,
) -> Result<HttpResponse, ApiError> {
    auth.require(Permission::DirectoriesRead)?;
    if let Some(sync) = sync_request(&settle, q.updated_since.as_deref(), None, None)? {
        refuse_filters(&[("doctor_id", q.doctor_id.is_some())])?;
        let rows = store.changed_services(sync.start()).await?;
        return Ok(sync_answer(
            &sync,
            true,
            rows.into_iter().map(view).collect::<Vec<_>>(),
        ));
    }
    let rows = store
        .services(q.include_inactive.unwrap_or(false), q.doctor_id)
        .await?;
    Ok(HttpResponse::Ok().json(rows.into_iter().map(view).collect::<Vec<_>>()))
}

/// Add a service (owner, admin). Audited.
#[utoipa::path(tag = "services", security(("bearer" = [])), request_body = ServiceWrite, responses(
    (status = 201, body = ServiceView),
    (status = 422, body = ProblemDetails, content_type = "application/problem+json")
))]
#[post("/services")]
pub async fn create(
    auth: Authenticated,
    store: web::Data<Store>,
    body: JsonBody<ServiceWrite>,
) -> Result<HttpResponse, ApiError> {
    auth.require(Permission::DirectoriesWrite)?;
    let body = json_body(body)?;
    let card = card(&store, &body).await?;
    let row = store
        .save_service(&auth.actor, None, &card, body.doctor_id)
        .await?;
    Ok(HttpResponse::Created().json(view(row)))
}

/// One service.
#[utoipa::path(tag = "services", security(("bearer" = [])), params(("id" = i64, Path)), responses(
    (status = 200, body = ServiceView),
    (status = 404, body = ProblemDetails, content_type = "application/problem+json")
))]
#[get("/services/{id}")]
pub async fn get_one(
    auth: Authenticated,
    store: web::Data<Store>,
    path: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    auth.require(Permission::DirectoriesRead)?;
    let row = store
        .service(path.into_inner())
        .await?
        .ok_or_else(|| ApiError::NotFound("Услуга не найдена".into()))?;
    Ok(HttpResponse::Ok().json(view(row)))
}

/// Change a service (`version` required). The audit row keeps the old and new base price.
#[utoipa::path(tag = "services", security(("bearer" = [])), params(("id" = i64, Path)), request_body = ServiceWrite, responses(
    (status = 200, body = ServiceView),
    (status = 409, body = ProblemDetails, content_type = "application/problem+json"),
    (status = 422, body = ProblemDetails, content_type = "application/problem+json")
))]
#[patch("/services/{id}")]
pub async fn update(
    auth: Authenticated,
    store: web::Data<Store>,
    path: web::Path<i64>,
    body: JsonBody<ServiceWrite>,
) -> Result<HttpResponse, ApiError> {
    auth.require(Permission::DirectoriesWrite)?;
    let body = json_body(body)?;
    let version = required_version(body.version)?;
    let card = card(&store, &body).await?;
    let row = store
        .save_service(
            &auth.actor,
            Some((path.into_inner(), version)),
            &card,
            body.doctor_id,
        )
        .await?;
    Ok(HttpResponse::Ok().json(view(row)))
}

/// Deactivate a service (visits keep their lines). Audited.
#[utoipa::path(tag = "services", security(("bearer" = [])), params(("id" = i64, Path), VersionQuery), responses(
    (status = 204, description = "Deactivated"),
    (status = 409, body = ProblemDetails, content_type = "application/problem+json")
))]
#[delete("/services/{id}")]
pub async fn deactivate(
    auth: Authenticated,
    store: web::Data<Store>,
    path: web::Path<i64>,
    q: Result<web::Query<VersionQuery>, actix_web::Error>,
) -> Result<HttpResponse, ApiError> {
    deactivate_in(&auth, &store, Directory::Services, path.into_inner(), q).await
}
