//! Liveness (`/healthz`) and readiness (`/readyz`) probes for load balancers and orchestration.

use actix_web::{get, web, HttpResponse};
use emhana_api_types::{Health, ProblemDetails, Readiness};
use emhana_domain::ClinicZone;
use emhana_store::Store;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::backup::Backups;
use crate::ApiError;

/// Registers the probes.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(healthz)
        .service(readyz)
        .service(crate::metrics::metrics);
}

/// Liveness: the process is up and answering.
#[utoipa::path(tag = "health", responses((status = 200, description = "Alive", body = Health)))]
#[get("/healthz")]
pub async fn healthz(zone: web::Data<ClinicZone>) -> HttpResponse {
    HttpResponse::Ok().json(Health {
        status: "ok".into(),
        version: env!("CARGO_PKG_VERSION").into(),
        timezone: zone.name().into(),
    })
}

/// Readiness: the database answers a query; 503 otherwise.
#[utoipa::path(
    tag = "health",
    responses(
        (status = 200, description = "Ready to serve", body = Readiness),
        (status = 503, description = "Database unreachable", body = ProblemDetails, content_type = "application/problem+json")
    )
)]
#[get("/readyz")]
pub async fn readyz(
    store: web::Data<Store>,
    backups: web::Data<Backups>,
) -> Result<HttpResponse, ApiError> {
    store
        .ping()
        .await
        .map_err(|e| ApiError::Unavailable(e.to_string()))?;
    let status = backups.status();
    Ok(HttpResponse::Ok().json(Readiness {
        status: "ok".into(),
        database: store.backend().name().into(),
        last_backup_at: status.last_success_at.map(|t| t.to_rfc3339()),
        backup_error: status.last_failure.map(|(_, why)| why),
    }))
}
