//! A visit's documents as PDF (receipt, act) and the clinic's requisites they print.

use actix_web::http::header;
use actix_web::{get, put, web, HttpResponse};
use emhana_api_types::backups::FileBytes;
use emhana_api_types::clinic::Requisites as RequisitesView;
use emhana_api_types::ProblemDetails;
use emhana_domain::access::Permission;
use emhana_domain::ids::AppointmentId;
use emhana_domain::requisites::Requisites;
use emhana_domain::ClinicZone;
use emhana_store::Store;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::Authenticated;
use crate::documents::{render, Document};
use crate::error::{json_body, JsonBody};
use crate::routes::visit_view::{readable_visit, visit_view};
use crate::ApiError;

/// Registers the document and requisites endpoints.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(receipt)
        .service(invoice)
        .service(act)
        .service(get_requisites)
        .service(put_requisites);
}

fn view(r: Requisites) -> RequisitesView {
    RequisitesView {
        name: r.name,
        bin: r.bin,
        address: r.address,
        phone: r.phone,
    }
}

async fn document(
    doc: Document,
    auth: Authenticated,
    store: &Store,
    zone: ClinicZone,
    id: i64,
) -> Result<HttpResponse, ApiError> {
    let visit = visit_view(readable_visit(&auth, store, AppointmentId(id)).await?);
    let clinic = store.requisites().await?;
    let pdf = web::block(move || render(doc, &visit, &clinic, zone))
        .await
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("pdf: {e}")))?;
    Ok(HttpResponse::Ok()
        .content_type("application/pdf")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("inline; filename=\"{}\"", doc.file_name(id)),
        ))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(pdf))
}

/// The visit's payment receipt (квитанция) as PDF: clinic requisites, patient, doctor, lines
/// with base price, discount, price and paid, payments by tender (voided ones marked), refunds,
/// what remains.
#[utoipa::path(tag = "appointments", security(("bearer" = [])), params(("id" = i64, Path)), responses(
    (status = 200, description = "The receipt", content((FileBytes = "application/pdf"))),
    (status = 404, body = ProblemDetails, content_type = "application/problem+json")
))]
#[get("/appointments/{id}/receipt")]
pub async fn receipt(
    auth: Authenticated,
    store: web::Data<Store>,
    zone: web::Data<ClinicZone>,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    document(Document::Receipt, auth, &store, **zone, id.into_inner()).await
}

/// The invoice (счёт на оплату) for the visit as PDF: the lines, what was paid and what is due.
#[utoipa::path(tag = "appointments", security(("bearer" = [])), params(("id" = i64, Path)), responses(
    (status = 200, description = "The invoice", content((FileBytes = "application/pdf"))),
    (status = 404, body = ProblemDetails, content_type = "application/problem+json")
))]
#[get("/appointments/{id}/invoice")]
pub async fn invoice(
    auth: Authenticated,
    store: web::Data<Store>,
    zone: web::Data<ClinicZone>,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    document(Document::Invoice, auth, &store, **zone, id.into_inner()).await
}

/// The act of services rendered (акт оказанных услуг) for the visit as PDF, for signatures.
#[utoipa::path(tag = "appointments", security(("bearer" = [])), params(("id" = i64, Path)), responses(
    (status = 200, description = "The act", content((FileBytes = "application/pdf"))),
    (status = 404, body = ProblemDetails, content_type = "application/problem+json")
))]
#[get("/appointments/{id}/act")]
pub async fn act(
    auth: Authenticated,
    store: web::Data<Store>,
    zone: web::Data<ClinicZone>,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    document(Document::Act, auth, &store, **zone, id.into_inner()).await
}

/// The clinic's requisites (any staff member: documents print them).
#[utoipa::path(tag = "documents", security(("bearer" = [])), responses(
    (status = 200, body = RequisitesView)
))]
#[get("/settings/clinic")]
pub async fn get_requisites(
    auth: Authenticated,
    store: web::Data<Store>,
) -> Result<HttpResponse, ApiError> {
    auth.require(Permission::OwnAccount)?;
    Ok(HttpResponse::Ok().json(view(store.requisites().await?)))
}

/// Sets the clinic's requisites (owner; audited).
#[utoipa::path(tag = "documents", security(("bearer" = [])), request_body = RequisitesView, responses(
    (status = 200, body = RequisitesView),
    (status = 403, body = ProblemDetails, content_type = "application/problem+json"),
    (status = 422, body = ProblemDetails, content_type = "application/problem+json")
))]
#[put("/settings/clinic")]
pub async fn put_requisites(
    auth: Authenticated,
    store: web::Data<Store>,
    body: JsonBody<RequisitesView>,
) -> Result<HttpResponse, ApiError> {
    auth.require(Permission::ClinicManage)?;
    let b = json_body(body)?;
    let r = Requisites::parse(
        &b.name,
        b.bin.as_deref(),
        b.address.as_deref(),
        b.phone.as_deref(),
    )?;
    Ok(HttpResponse::Ok().json(view(store.set_requisites(&auth.actor, &r).await?)))
}
