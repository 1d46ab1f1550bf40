//! Spreadsheet imports (issue 18): `POST /imports/{patients|doctors|services}` takes an XLSX or CSV file (the same
//! columns as the export of that kind; `GET /imports/{kind}/template` gives an empty one), plans
//! every row against the clinic and either reports the plan (`dry_run`, the default) or applies
//! it in one transaction — refused as a whole while any row is invalid.

use actix_web::http::header;
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use emhana_api_types::backups::FileBytes;
use emhana_api_types::imports::{ImportCellError, ImportQuery, ImportReportView, ImportRowView};
use emhana_api_types::{ErrorCode, FieldError, ProblemDetails};
use emhana_domain::access::Permission;
use emhana_domain::import::{
    applicable, patient_phones, plan_doctors, plan_patients, plan_services, CellError, ImportKind,
    RowAction, RowPlan,
};
use emhana_domain::ClinicZone;
use emhana_store::Store;
use futures_util::StreamExt;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::Authenticated;
use crate::import_file::{self, MAX_FILE_BYTES};
use crate::{export_stream, ApiError};

/// Registers the import endpoints.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(import).service(template);
}

fn kind_of(code: &str) -> Result<ImportKind, ApiError> {
    ImportKind::from_code(code).ok_or_else(|| {
        ApiError::Validation(vec![FieldError {
            field: "kind".into(),
            code: "unknown".into(),
            message: "Импорт — patients, doctors или services".into(),
        }])
    })
}

fn file_problem(message: String) -> ApiError {
    ApiError::Validation(vec![FieldError {
        field: "file".into(),
        code: "unreadable".into(),
        message,
    }])
}

fn too_large() -> ApiError {
    ApiError::Problem(Box::new(ProblemDetails::new(
        ErrorCode::PayloadTooLarge,
        format!(
            "Файл больше {} МБ: разделите его на части",
            MAX_FILE_BYTES / 1024 / 1024
        ),
    )))
}

/// The request body, refused past [`MAX_FILE_BYTES`] without reading the rest.
async fn body(mut payload: web::Payload) -> Result<Vec<u8>, ApiError> {
    let mut bytes = Vec::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|e| ApiError::BadRequest(format!("Файл не получен: {e}")))?;
        if bytes.len() + chunk.len() > MAX_FILE_BYTES {
            return Err(too_large());
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(bytes)
}

/// One planned row as the report shows it.
fn row_view<T>(p: &RowPlan<T>, label: impl Fn(&T) -> String) -> ImportRowView {
    let (action, id, duplicate_of_row, label, errors) = match &p.action {
        RowAction::Create(card) => ("create", None, None, label(card), vec![]),
        RowAction::Update { id, card } => ("update", Some(*id), None, label(card), vec![]),
        RowAction::Unchanged { id } => ("unchanged", Some(*id), None, String::new(), vec![]),
        RowAction::DuplicateOfRow(n) => ("duplicate", None, Some(*n as i64), String::new(), vec![]),
        RowAction::Invalid(errors) => ("invalid", None, None, String::new(), errors.clone()),
    };
    ImportRowView {
        row: p.row as i64,
        action: action.into(),
        id,
        duplicate_of_row,
        label,
        errors: errors
            .into_iter()
            .map(|CellError { column, message }| ImportCellError { column, message })
            .collect(),
    }
}

fn report(kind: ImportKind, applied: bool, rows: Vec<ImportRowView>) -> ImportReportView {
    let count = |a: &str| rows.iter().filter(|r| r.action == a).count() as i64;
    ImportReportView {
        kind: kind.code().into(),
        applied,
        create: count("create"),
        update: count("update"),
        unchanged: count("unchanged"),
        duplicate: count("duplicate"),
        invalid: count("invalid"),
        rows,
    }
}

/// The report's rows of a plan; for an apply, 422 unless every row is valid.
fn checked<T>(
    plan: &[RowPlan<T>],
    apply: bool,
    label: impl Fn(&T) -> String,
) -> Result<Vec<ImportRowView>, ApiError> {
    let rows: Vec<_> = plan.iter().map(|p| row_view(p, &label)).collect();
    if apply && !applicable(plan) {
        return Err(refuse(&rows));
    }
    Ok(rows)
}

/// An apply with invalid rows: 422 naming each cell as `rows.<row>.<column>`.
fn refuse(rows: &[ImportRowView]) -> ApiError {
    ApiError::Validation(
        rows.iter()
            .flat_map(|r| {
                r.errors.iter().map(move |e| FieldError {
                    field: format!("rows.{}.{}", r.row, e.column),
                    code: "invalid".into(),
                    message: format!("Строка {}, «{}»: {}", r.row, e.column, e.message),
                })
            })
            .collect(),
    )
}

/// Imports patients (matched by phone), doctors (by «Фамилия Имя») or the price list (by name) from an XLSX or CSV
/// file sent as the request body (at most 20 MB). `dry_run` (default `true`) reports what each
/// row would do — create, update, unchanged, duplicate of an earlier row, invalid with its cells
/// named — and writes nothing; `dry_run=false` applies it in one transaction, or answers 422
/// listing every bad cell and writes nothing. Importing the same file twice creates nothing new.
#[utoipa::path(tag = "imports", security(("bearer" = [])),
    params(("kind" = String, Path, description = "patients | doctors | services"), ImportQuery),
    request_body(content = FileBytes, description = "The XLSX or CSV file", content_type = "application/octet-stream"),
    responses(
        (status = 200, body = ImportReportView),
        (status = 403, body = ProblemDetails, content_type = "application/problem+json"),
        (status = 413, body = ProblemDetails, content_type = "application/problem+json"),
        (status = 422, body = ProblemDetails, content_type = "application/problem+json")
    )
)]
#[post("/imports/{kind}")]
pub async fn import(
    auth: Authenticated,
    store: web::Data<Store>,
    zone: web::Data<ClinicZone>,
    kind: web::Path<String>,
    q: web::Query<ImportQuery>,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    auth.require(Permission::DirectoriesWrite)?;
    let kind = kind_of(&kind)?;
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.parse::<usize>().ok());
    let bytes = match declared {
        Some(n) if n > MAX_FILE_BYTES => Err(too_large()),
        _ => body(payload).await,
    }?;
    let sheet = import_file::read(&bytes).map_err(|e| file_problem(e.0))?;
    let dry_run = q.dry_run.unwrap_or(true);
    let file = req
        .headers()
        .get("x-file-name")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .chars()
        .take(200)
        .collect::<String>();
    let today = zone.local_date(chrono::Utc::now());
    let refused = |e: emhana_domain::import::SheetRefusal| file_problem(e.to_string());
    let (actor, apply) = (&auth.actor, !dry_run);
    let rows = match kind {
        ImportKind::Patients => {
            let existing = store
                .patients_by_phones(&patient_phones(&sheet), today)
                .await?;
            let plan = plan_patients(&sheet, &existing, today).map_err(refused)?;
            let rows = checked(&plan, apply, |c| {
                let last = c.last_name.as_ref().map(|n| format!(" {}", n.as_str()));
                format!(
                    "{}{} {}",
                    c.first_name.as_str(),
                    last.unwrap_or_default(),
                    c.phone.as_str()
                )
            })?;
            if apply {
                store.apply_patient_import(actor, &file, &plan).await?;
            }
            rows
        }
        ImportKind::Doctors => {
            let existing = store.doctors_for_import().await?;
            let plan = plan_doctors(&sheet, &existing).map_err(refused)?;
            let rows = checked(&plan, apply, |c| {
                let (last, first) = (c.last_name.as_str(), c.first_name.as_str());
                format!("{last} {first} — {}", c.specialization)
            })?;
            if apply {
                store.apply_doctor_import(actor, &file, &plan).await?;
            }
            rows
        }
        ImportKind::Services => {
            let (existing, doctors) = store.price_list_for_import().await?;
            let plan = plan_services(&sheet, &existing, &doctors).map_err(refused)?;
            let rows = checked(&plan, apply, |r| {
                format!("{} — {}", r.card.name, r.card.base_price.format_ui())
            })?;
            if apply {
                store.apply_service_import(actor, &file, &plan).await?;
            }
            rows
        }
    };
    let view = report(kind, apply, rows);
    Ok(HttpResponse::Ok().json(view))
}

/// An empty XLSX with the columns `POST /imports/{kind}` reads (the export's columns: an export
/// is a valid import file too).
#[utoipa::path(tag = "imports", security(("bearer" = [])),
    params(("kind" = String, Path, description = "patients | doctors | services")),
    responses(
        (status = 200, description = "The template", content(
            (FileBytes = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        )),
        (status = 403, body = ProblemDetails, content_type = "application/problem+json"),
        (status = 422, body = ProblemDetails, content_type = "application/problem+json")
    )
)]
#[get("/imports/{kind}/template")]
pub async fn template(
    auth: Authenticated,
    kind: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    auth.require(Permission::DirectoriesWrite)?;
    let kind = kind_of(&kind)?;
    let bytes = export_stream::template(kind.export())
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("template: {e}")))?;
    Ok(HttpResponse::Ok()
        .content_type(emhana_domain::export::ExportFormat::Xlsx.media_type())
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!(
                "attachment; filename=\"emhana_shablon_{}.xlsx\"",
                kind.code()
            ),
        ))
        .body(bytes))
}
