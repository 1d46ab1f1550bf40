//! Backups for the owner: the list with the last outcome, "back up now", download. Restoring
//! stays a command (`emhana restore FILE`, server stopped): never a web button.

use actix_files::NamedFile;
use actix_web::http::header::{ContentDisposition, DispositionParam, DispositionType};
use actix_web::{get, post, web, FromRequest, HttpRequest, HttpResponse};
use emhana_api_types::backups::{BackupList, BackupView, DownloadLink};
use emhana_api_types::ProblemDetails;
use emhana_domain::access::Permission;
use serde::Deserialize;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::tokens::TICKET_TTL_SECS;
use crate::auth::{Authenticated, Keys};
use crate::backup::{Backups, Busy, Manifest};
use crate::ApiError;

/// Registers the backup endpoints.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list)
        .service(create)
        .service(ticket)
        .service(download);
}

fn view(m: Manifest) -> BackupView {
    let rows = |table: &str| {
        m.tables
            .iter()
            .find(|(t, _)| t == table)
            .map_or(0, |(_, n)| *n)
    };
    BackupView {
        patients: rows("patients"),
        appointments: rows("appointments"),
        payments: rows("payments"),
        created_at: m.created_at.to_rfc3339(),
        file: m.file,
        bytes: m.bytes,
        sha256: m.sha256,
        backend: m.backend,
        schema_version: m.schema_version,
        app_version: m.app_version,
        reason: m.reason,
    }
}

/// The backups in the server's backup folder, newest first, with the last outcome (owner).
#[utoipa::path(tag = "backups", security(("bearer" = [])), responses(
    (status = 200, body = BackupList),
    (status = 403, body = ProblemDetails, content_type = "application/problem+json")
))]
#[get("/backups")]
pub async fn list(
    auth: Authenticated,
    backups: web::Data<Backups>,
) -> Result<HttpResponse, ApiError> {
    auth.require(Permission::Backups)?;
    let status = backups.status();
    Ok(HttpResponse::Ok().json(BackupList {
        dir: backups.dir().display().to_string(),
        daily_at: backups.daily_at().map(|t| t.format("%H:%M").to_string()),
        last_success_at: status.last_success_at.map(|t| t.to_rfc3339()),
        last_failure_at: status.last_failure.as_ref().map(|(t, _)| t.to_rfc3339()),
        last_error: status.last_failure.map(|(_, why)| why),
        items: backups.list().into_iter().map(view).collect(),
    }))
}

/// Take a verified backup now (owner). 409 while another backup runs.
#[utoipa::path(tag = "backups", security(("bearer" = [])), responses(
    (status = 201, body = BackupView),
    (status = 403, body = ProblemDetails, content_type = "application/problem+json"),
    (status = 409, description = "Another backup is running", body = ProblemDetails, content_type = "application/problem+json")
))]
#[post("/backups")]
pub async fn create(
    auth: Authenticated,
    backups: web::Data<Backups>,
) -> Result<HttpResponse, ApiError> {
    auth.require(Permission::Backups)?;
    match backups.create("manual").await {
        Ok(m) => Ok(HttpResponse::Created().json(view(m))),
        Err(e) if e.is::<Busy>() => Err(ApiError::Conflict(
            "Резервная копия уже создаётся; дождитесь её завершения".into(),
        )),
        Err(e) => Err(ApiError::Internal(e)),
    }
}

/// A link that downloads one backup file for the next minute (owner): browsers save large
/// files straight to disk this way, and the access token never appears in a URL.
#[utoipa::path(tag = "backups", security(("bearer" = [])), params(("file" = String, Path, description = "A file name from the list")), responses(
    (status = 201, body = DownloadLink),
    (status = 403, body = ProblemDetails, content_type = "application/problem+json"),
    (status = 404, body = ProblemDetails, content_type = "application/problem+json")
))]
#[post("/backups/{file}/link")]
pub async fn ticket(
    auth: Authenticated,
    keys: web::Data<Keys>,
    backups: web::Data<Backups>,
    file: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    auth.require(Permission::Backups)?;
    let name = file.into_inner();
    backups.file(&name).ok_or_else(not_found)?;
    let ticket = keys.issue_ticket(&name)?;
    Ok(HttpResponse::Created().json(DownloadLink {
        url: format!("/api/v1/backups/{name}?ticket={ticket}"),
        expires_in: TICKET_TTL_SECS,
    }))
}

/// `?ticket=` of a download link.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TicketQuery {
    /// From `POST /backups/{file}/link`; instead of the `Authorization` header.
    pub ticket: Option<String>,
}

fn not_found() -> ApiError {
    ApiError::NotFound("Нет такой резервной копии".into())
}

/// Download one backup file: as the owner (`Authorization`), or by a link's `ticket`.
#[utoipa::path(tag = "backups", security(("bearer" = [])), params(("file" = String, Path, description = "A file name from the list"), TicketQuery), responses(
    (status = 200, description = "The backup file", content_type = "application/octet-stream"),
    (status = 401, body = ProblemDetails, content_type = "application/problem+json"),
    (status = 403, body = ProblemDetails, content_type = "application/problem+json"),
    (status = 404, body = ProblemDetails, content_type = "application/problem+json")
))]
#[get("/backups/{file}")]
pub async fn download(
    req: HttpRequest,
    keys: web::Data<Keys>,
    backups: web::Data<Backups>,
    file: web::Path<String>,
    query: web::Query<TicketQuery>,
) -> Result<HttpResponse, ApiError> {
    let name = file.into_inner();
    let ticketed = query
        .ticket
        .as_deref()
        .is_some_and(|t| keys.ticket_opens(t, &name));
    if !ticketed {
        let auth = Authenticated::extract(&req).await?;
        auth.require(Permission::Backups)?;
    }
    let path = backups.file(&name).ok_or_else(not_found)?;
    let named = NamedFile::open(path)
        .map_err(|_| not_found())?
        .set_content_type(actix_files::file_extension_to_mime("bin"))
        .set_content_disposition(ContentDisposition {
            disposition: DispositionType::Attachment,
            parameters: vec![DispositionParam::Filename(name)],
        });
    Ok(named.into_response(&req))
}
