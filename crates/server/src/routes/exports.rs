//! Exports (issue 18): `GET /exports/{kind}` streams a CSV or XLSX file of visits, visit lines,
//! payments and refunds, patients, the price list or the audit log. The domain decides what a
//! request means and who may take it; the store reads the rows in chunks from one snapshot;
//! `export_stream` turns them into bytes as they come.

use actix_web::http::header::{self, HeaderValue};
use actix_web::{get, web, HttpResponse};
use emhana_api_types::backups::FileBytes;
use emhana_api_types::queries::{percent_encode, ExportPath, ExportQuery};
use emhana_api_types::ProblemDetails;
use emhana_domain::analytics::ReportRange;
use emhana_domain::export::{
    authorize, may_export, ExportFormat, ExportKind, ExportParams, ExportRefusal, ExportRequest,
};
use emhana_domain::ClinicZone;
use emhana_store::Store;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::Authenticated;
use crate::{export_stream, ApiError};

/// The response header carrying how many rows the file holds (known before the first byte).
pub const ROW_COUNT_HEADER: &str = "x-row-count";

/// Registers the export endpoint.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(export);
}

/// Downloads an export, streamed (a million visits in bounded server memory). Owners and admins
/// take any kind; receptionists the payments of today. `X-Row-Count` says how many rows follow;
/// `Content-Disposition` names the file (ASCII `filename` and the Russian `filename*`). CSV is
/// comma-separated UTF-8 with a byte-order mark and money as `12500.00`; XLSX has money as
/// numbers in a tenge format and dates as dates. Every export is recorded in the audit log.
#[utoipa::path(tag = "exports", security(("bearer" = [])),
    params(ExportPath, ExportQuery),
    responses(
        (status = 200, description = "The file", content(
            (FileBytes = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            (FileBytes = "text/csv")
        ), headers(
            ("x-row-count" = i64, description = "Rows in the file (headers not counted)"),
            ("content-disposition" = String, description = "attachment; filename=…; filename*=UTF-8''…")
        )),
        (status = 401, body = ProblemDetails, content_type = "application/problem+json"),
        (status = 403, body = ProblemDetails, content_type = "application/problem+json"),
        (status = 422, body = ProblemDetails, content_type = "application/problem+json")
    )
)]
#[get("/exports/{kind}")]
pub async fn export(
    auth: Authenticated,
    store: web::Data<Store>,
    zone: web::Data<ClinicZone>,
    path: web::Path<ExportPath>,
    q: web::Query<ExportQuery>,
) -> Result<HttpResponse, ApiError> {
    if !may_export(auth.role) {
        return Err(ApiError::Forbidden(ExportRefusal::Forbidden.to_string()));
    }
    let request = ExportRequest::parse(&ExportParams {
        target: path.kind.as_str(),
        format: q.format.as_deref(),
        from: q.from.as_deref(),
        to: q.to.as_deref(),
        doctor_id: q.doctor_id,
        doctor_ids: q.doctor_ids.as_deref(),
        status: q.status.as_deref(),
        payment_status: q.payment_status.as_deref(),
        active: q.active.as_deref(),
        user_id: q.user_id,
    })?;
    let today = zone.local_date(chrono::Utc::now());
    let request = authorize(auth.role, request, today)
        .map_err(|refusal| ApiError::Forbidden(refusal.to_string()))?;
    let (ascii, russian) = request.file_names(today);
    let (kind, format) = (request.kind, request.format);
    let what = serde_json::json!({
        "kind": kind.code(),
        "format": format.code(),
        "from": request.from.map(|d| d.to_string()),
        "to": request.to.map(|d| d.to_string()),
        "doctor_id": request.doctor_id,
        "doctor_ids": (request.doctors.is_several()).then(|| request.doctors.ids().to_vec()),
        "status": request.status,
        "payment_status": request.payment_status,
        "user_id": request.user_id,
    });
    if kind == ExportKind::Analytics {
        return analytics(&auth, &store, request, what, (ascii, russian)).await;
    }
    let (cursor, rows) = store.open_export(request, **zone).await?;
    let mut what = what;
    what["rows"] = rows.into();
    store.record_export(&auth.actor, what).await?;
    let mut response = file_response(format, (&ascii, &russian), rows);
    Ok(response.streaming(export_stream::body(cursor, kind, format)))
}

/// The headers every export answers with.
fn file_response(
    format: ExportFormat,
    (ascii, russian): (&str, &str),
    rows: i64,
) -> actix_web::HttpResponseBuilder {
    let disposition = format!(
        "attachment; filename=\"{ascii}\"; filename*=UTF-8''{}",
        percent_encode(russian)
    );
    let mut response = HttpResponse::Ok();
    response
        .content_type(format.media_type())
        .insert_header((header::CONTENT_DISPOSITION, disposition))
        .insert_header((ROW_COUNT_HEADER, HeaderValue::from(rows)))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header((
            header::ACCESS_CONTROL_EXPOSE_HEADERS,
            "content-disposition, x-row-count",
        ));
    response
}

/// The analytics workbook: every report of the range, each a sheet (small: built whole).
async fn analytics(
    auth: &Authenticated,
    store: &Store,
    request: ExportRequest,
    mut what: serde_json::Value,
    (ascii, russian): (String, String),
) -> Result<HttpResponse, ApiError> {
    let (Some(from), Some(to)) = (request.from, request.to) else {
        return Err(ApiError::BadRequest("from and to are required".into()));
    };
    let range = ReportRange {
        from,
        to,
        doctors: request.doctors,
    };
    let (bytes, rows) = crate::analytics_book::build(store, range).await?;
    what["rows"] = rows.into();
    store.record_export(&auth.actor, what).await?;
    Ok(file_response(request.format, (&ascii, &russian), rows).body(bytes))
}
