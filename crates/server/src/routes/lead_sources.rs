//! Lead sources ("Откуда узнали о нас"): list for pickers, add, relabel, deactivate — never delete.

use actix_web::{delete, get, patch, post, web, HttpResponse};
use emhana_api_types::directories::{LeadSourceCreate, LeadSourceUpdate, LeadSourceView};
use emhana_api_types::ProblemDetails;
use emhana_domain::access::Permission;
use emhana_domain::directories::{parse_source_code, parse_title};
use emhana_domain::sync::SyncSettle;
use emhana_domain::Violations;
use emhana_store::directories::{Directory, LeadSourceRow};
use emhana_store::Store;
use utoipa_actix_web::service_config::ServiceConfig;

use super::common::{deactivate_in, sync_answer, sync_request, ListQuery, VersionQuery};
use crate::auth::Authenticated;
use crate::error::{json_body, JsonBody};
use crate::ApiError;

/// Registers the lead-source endpoints.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list)
        .service(create)
        .service(update)
        .service(deactivate);
}

fn view(r: LeadSourceRow) -> LeadSourceView {
    LeadSourceView {
        id: r.id,
        code: r.code,
        label: r.label,
        is_default: r.is_default,
        is_active: r.is_active,
        version: r.version,
        updated_at: r.updated_at,
    }
}

/// Lead sources (the seeded seven first; `repeat_visit` is the default).
/// With `updated_since`: those changed since then in change order, deactivated ones included.
#[utoipa::path(tag = "lead-sources", security(("bearer" = [])), params(ListQuery), responses(
    (status = 200, body = Vec<LeadSourceView>, headers(("Emhana-Next-Updated-Since" = String, description = "With `updated_since`: where the next poll resumes"))),
    (status = 422, body = ProblemDetails, content_type = "application/problem+json")
))]
#[get("/lead-sources")]
pub async fn list(
    auth: Authenticated,
    store: web::Data<Store>,
    settle: web::Data<SyncSettle>,
    q: web::Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    auth.require(Permission::DirectoriesRead)?;
    if let Some(sync) = sync_request(&settle, q.updated_since.as_deref(), None, None)? {
        let rows = store.changed_lead_sources(sync.start()).await?;
        return Ok(sync_answer(
            &sync,
            true,
            rows.into_iter().map(view).collect::<Vec<_>>(),
        ));
    }
    let rows = store
        .lead_sources(q.include_inactive.unwrap_or(false))
        .await?;
    Ok(HttpResponse::Ok().json(rows.into_iter().map(view).collect::<Vec<_>>()))
}

/// Add a lead source (owner, admin). A taken code → 409. Audited.
#[utoipa::path(tag = "lead-sources", security(("bearer" = [])), request_body = LeadSourceCreate, responses(
    (status = 201, body = LeadSourceView),
    (status = 409, body = ProblemDetails, content_type = "application/problem+json"),
    (status = 422, body = ProblemDetails, content_type = "application/problem+json")
))]
#[post("/lead-sources")]
pub async fn create(
    auth: Authenticated,
    store: web::Data<Store>,
    body: JsonBody<LeadSourceCreate>,
) -> Result<HttpResponse, ApiError> {
    auth.require(Permission::DirectoriesWrite)?;
    let body = json_body(body)?;
    let mut v = Violations::default();
    let code = v.check(parse_source_code("code", &body.code));
    let label = v.check(parse_title("label", &body.label, 100));
    v.into_result()?;
    let (Some(code), Some(label)) = (code, label) else {
        return Err(ApiError::Internal(anyhow::anyhow!(
            "validated fields missing"
        )));
    };
    let row = store.create_lead_source(&auth.actor, &code, &label).await?;
    Ok(HttpResponse::Created().json(view(row)))
}

/// Rename a lead source (its code stays: analytics group by it). Audited.
#[utoipa::path(tag = "lead-sources", security(("bearer" = [])), params(("id" = i64, Path)), request_body = LeadSourceUpdate, responses(
    (status = 200, body = LeadSourceView),
    (status = 409, body = ProblemDetails, content_type = "application/problem+json"),
    (status = 422, body = ProblemDetails, content_type = "application/problem+json")
))]
#[patch("/lead-sources/{id}")]
pub async fn update(
    auth: Authenticated,
    store: web::Data<Store>,
    path: web::Path<i64>,
    body: JsonBody<LeadSourceUpdate>,
) -> Result<HttpResponse, ApiError> {
    auth.require(Permission::DirectoriesWrite)?;
    let body = json_body(body)?;
    let label = parse_title("label", &body.label, 100)?;
    let row = store
        .relabel_lead_source(&auth.actor, path.into_inner(), body.version, &label)
        .await?;
    Ok(HttpResponse::Ok().json(view(row)))
}

/// Deactivate a lead source (hidden from pickers; history and analytics keep it). The default
/// source cannot be deactivated (409): new visits fall back to it. Audited.
#[utoipa::path(tag = "lead-sources", security(("bearer" = [])), params(("id" = i64, Path), VersionQuery), responses(
    (status = 204, description = "Deactivated"),
    (status = 409, body = ProblemDetails, content_type = "application/problem+json")
))]
#[delete("/lead-sources/{id}")]
pub async fn deactivate(
    auth: Authenticated,
    store: web::Data<Store>,
    path: web::Path<i64>,
    q: Result<web::Query<VersionQuery>, actix_web::Error>,
) -> Result<HttpResponse, ApiError> {
    deactivate_in(&auth, &store, Directory::LeadSources, path.into_inner(), q).await
}
