//! Doctors: list, card, create, change, deactivate.

use actix_web::{delete, get, patch, post, web, HttpResponse};
use emhana_api_types::directories::{DoctorView, DoctorWrite};
use emhana_api_types::ProblemDetails;
use emhana_domain::access::Permission;
use emhana_domain::directories::DoctorCard;
use emhana_domain::sync::SyncSettle;
use emhana_store::directories::{Directory, DoctorRow};
use emhana_store::Store;
use utoipa_actix_web::service_config::ServiceConfig;

use super::common::{
    deactivate_in, required_version, sync_answer, sync_request, ListQuery, VersionQuery,
};
use crate::auth::Authenticated;
use crate::error::{json_body, JsonBody};
use crate::ApiError;

/// Registers the doctor endpoints.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list)
        .service(create)
        .service(get_one)
        .service(update)
        .service(deactivate);
}

fn view(r: DoctorRow) -> DoctorView {
    DoctorView {
        id: r.id,
        first_name: r.first_name,
        last_name: r.last_name,
        specialization: r.specialization,
        phone: r.phone,
        email: r.email,
        is_active: r.is_active,
        version: r.version,
        updated_at: r.updated_at,
    }
}

fn card(b: &DoctorWrite) -> Result<DoctorCard, ApiError> {
    Ok(DoctorCard::parse(
        &b.first_name,
        &b.last_name,
        &b.specialization,
        b.phone.as_deref(),
        b.email.as_deref(),
    )?)
}

/// Doctors by name (active only unless `include_inactive`); with `updated_since`, those changed
/// since then in change order, deactivated ones included.
#[utoipa::path(tag = "doctors", security(("bearer" = [])), params(ListQuery), responses(
    (status = 200, body = Vec<DoctorView>, headers(("Emhana-Next-Updated-Since" = String, description = "With `updated_since`: where the next poll resumes"))),
    (status = 422, body = ProblemDetails, content_type = "application/problem+json")
))]
#[get("/doctors")]
pub async fn list(
    auth: Authenticated,
    store: web::Data<Store>,
    settle: web::Data<SyncSettle>,
    q: web::Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    auth.require(Permission::DirectoriesRead)?;
    if let Some(sync) = sync_request(&settle, q.updated_since.as_deref(), None, None)? {
        let rows = store.changed_doctors(sync.start()).await?;
        return Ok(sync_answer(
            &sync,
            true,
            rows.into_iter().map(view).collect::<Vec<_>>(),
        ));
    }
    let rows = store.doctors(q.include_inactive.unwrap_or(false)).await?;
    Ok(HttpResponse::Ok().json(rows.into_iter().map(view).collect::<Vec<_>>()))
}

/// Add a doctor (owner, admin). Audited.
#[utoipa::path(tag = "doctors", security(("bearer" = [])), request_body = DoctorWrite, responses(
    (status = 201, body = DoctorView),
    (status = 422, body = ProblemDetails, content_type = "application/problem+json")
))]
#[post("/doctors")]
pub async fn create(
    auth: Authenticated,
    store: web::Data<Store>,
    body: JsonBody<DoctorWrite>,
) -> Result<HttpResponse, ApiError> {
    auth.require(Permission::DirectoriesWrite)?;
    let card = card(&json_body(body)?)?;
    let row = store.save_doctor(&auth.actor, None, &card).await?;
    Ok(HttpResponse::Created().json(view(row)))
}

/// One doctor.
#[utoipa::path(tag = "doctors", security(("bearer" = [])), params(("id" = i64, Path)), responses(
    (status = 200, body = DoctorView),
    (status = 404, body = ProblemDetails, content_type = "application/problem+json")
))]
#[get("/doctors/{id}")]
pub async fn get_one(
    auth: Authenticated,
    store: web::Data<Store>,
    path: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    auth.require(Permission::DirectoriesRead)?;
    let row = store
        .doctor(path.into_inner())
        .await?
        .ok_or_else(|| ApiError::NotFound("Врач не найден".into()))?;
    Ok(HttpResponse::Ok().json(view(row)))
}

/// Change a doctor (`version` required). Audited.
#[utoipa::path(tag = "doctors", security(("bearer" = [])), params(("id" = i64, Path)), request_body = DoctorWrite, responses(
    (status = 200, body = DoctorView),
    (status = 409, body = ProblemDetails, content_type = "application/problem+json"),
    (status = 422, body = ProblemDetails, content_type = "application/problem+json")
))]
#[patch("/doctors/{id}")]
pub async fn update(
    auth: Authenticated,
    store: web::Data<Store>,
    path: web::Path<i64>,
    body: JsonBody<DoctorWrite>,
) -> Result<HttpResponse, ApiError> {
    auth.require(Permission::DirectoriesWrite)?;
    let body = json_body(body)?;
    let version = required_version(body.version)?;
    let row = store
        .save_doctor(
            &auth.actor,
            Some((path.into_inner(), version)),
            &card(&body)?,
        )
        .await?;
    Ok(HttpResponse::Ok().json(view(row)))
}

/// Deactivate a doctor (never deleted: visits keep pointing at them). Audited.
#[utoipa::path(tag = "doctors", security(("bearer" = [])), params(("id" = i64, Path), VersionQuery), responses(
    (status = 204, description = "Deactivated"),
    (status = 409, body = ProblemDetails, content_type = "application/problem+json")
))]
#[delete("/doctors/{id}")]
pub async fn deactivate(
    auth: Authenticated,
    store: web::Data<Store>,
    path: web::Path<i64>,
    q: Result<web::Query<VersionQuery>, actix_web::Error>,
) -> Result<HttpResponse, ApiError> {
    deactivate_in(&auth, &store, Directory::Doctors, path.into_inner(), q).await
}
