//! Payments: take one or several methods for a visit at once (all or nothing, never more than
//! owed, `Idempotency-Key` honoured), list them, void one with a reason.

use actix_web::{get, post, web, HttpRequest, HttpResponse};
use emhana_api_types::visits::{PaymentCreate, PaymentView, RefundCreate, VisitView, VoidRequest};
use emhana_api_types::ProblemDetails;
use emhana_domain::access::{Permission, VisitAuthority};
use emhana_domain::ids::{AppointmentId, PaymentId, RegisterId};
use emhana_domain::refund::RefundRequest;
use emhana_domain::visit::parse_reason;
use emhana_domain::{ClinicZone, PaymentRequest};
use emhana_store::payments::{Idempotency, PayOutcome};
use emhana_store::refunds::Till;
use emhana_store::Store;
use utoipa_actix_web::service_config::ServiceConfig;

use super::visit_view::{readable_visit, visit_view};
use crate::auth::Authenticated;
use crate::error::{json_body, JsonBody};
use crate::ApiError;

/// Registers the payment endpoints.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list)
        .service(create)
        .service(void)
        .service(refund);
}

/// The request's parts and note, parsed by the domain once.
fn parse(body: &PaymentCreate) -> Result<PaymentRequest, ApiError> {
    let raw: Vec<(&str, &str)> = body
        .payments
        .iter()
        .map(|p| (p.method.as_str(), p.amount.as_str()))
        .collect();
    let mut request = PaymentRequest::parse(&raw, body.note.as_deref())?;
    request.register = body.register_id.map(RegisterId);
    Ok(request)
}

/// `Idempotency-Key`: 1..=200 visible ASCII characters.
pub(crate) fn idempotency_key(req: &HttpRequest) -> Result<Option<String>, ApiError> {
    let Some(value) = req.headers().get("Idempotency-Key") else {
        return Ok(None);
    };
    value
        .to_str()
        .ok()
        .map(str::trim)
        .filter(|k| (1..=200).contains(&k.len()))
        .map(|k| Some(k.to_owned()))
        .ok_or_else(|| {
            ApiError::BadRequest("Idempotency-Key: от 1 до 200 видимых ASCII-символов".into())
        })
}

/// 201 with the visit; a replay under the same key says so (`Idempotent-Replayed: true`).
fn created(outcome: PayOutcome) -> HttpResponse {
    let mut res = HttpResponse::Created();
    match outcome {
        PayOutcome::Created(visit) => res.json(visit_view(visit)),
        PayOutcome::Replayed(visit) => res
            .insert_header(("Idempotent-Replayed", "true"))
            .json(visit_view(visit)),
    }
}

/// A visit's payments, oldest first, voided ones included (with allocations).
#[utoipa::path(tag = "payments", security(("bearer" = [])), params(("id" = i64, Path)), responses(
    (status = 200, body = Vec<PaymentView>),
    (status = 404, body = ProblemDetails, content_type = "application/problem+json")
))]
#[get("/appointments/{id}/payments")]
pub async fn list(
    auth: Authenticated,
    store: web::Data<Store>,
    path: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let visit = readable_visit(&auth, &store, AppointmentId(path.into_inner())).await?;
    Ok(HttpResponse::Ok().json(visit_view(visit).payments))
}

/// Take a payment: one or several `{method, amount}` checked together and written atomically,
/// each split over the visit's lines in proportion to what each still owes. More than the
/// remaining amount → 422 with `remaining`; nothing is written. With an `Idempotency-Key`, a
/// retry returns the first answer (header `Idempotent-Replayed: true`) and writes nothing.
#[utoipa::path(tag = "payments", security(("bearer" = [])),
    params(("id" = i64, Path), ("Idempotency-Key" = Option<String>, Header, description = "Makes retries safe")),
    request_body = PaymentCreate, responses(
    (status = 201, description = "The visit after the payment", body = VisitView),
    (status = 409, description = "Cancelled visit, the key was used for another request, or cash with no open shift (Откройте смену)", body = ProblemDetails, content_type = "application/problem+json"),
    (status = 422, description = "Overpayment (with `remaining`) or bad input", body = ProblemDetails, content_type = "application/problem+json")
))]
#[post("/appointments/{id}/payments")]
pub async fn create(
    req: HttpRequest,
    auth: Authenticated,
    store: web::Data<Store>,
    zone: web::Data<ClinicZone>,
    path: web::Path<i64>,
    body: JsonBody<PaymentCreate>,
) -> Result<HttpResponse, ApiError> {
    auth.require(Permission::PaymentsWrite)?;
    let body = json_body(body)?;
    let id = AppointmentId(path.into_inner());
    let key = idempotency_key(&req)?;
    let request = parse(&body)?;
    let idempotency = key.map(|key| Idempotency {
        key,
        fingerprint: serde_json::json!({"appointment_id": id, "payments": &body.payments, "note": &body.note, "register_id": body.register_id})
            .to_string(),
    });
    let outcome = store
        .pay(
            &auth.actor,
            id,
            &request,
            idempotency.as_ref(),
            (chrono::Utc::now(), **zone),
        )
        .await?;
    Ok(created(outcome))
}

/// Void a payment (a reason is required) — for a mistake inside its own open shift: it stops counting, the visit's paid, remaining and
/// status are recomputed; the payment stays in the history, marked.
#[utoipa::path(tag = "payments", security(("bearer" = [])), params(("id" = i64, Path)), request_body = VoidRequest, responses(
    (status = 200, description = "The visit after the void", body = VisitView),
    (status = 404, body = ProblemDetails, content_type = "application/problem+json"),
    (status = 409, description = "Already voided, refunded from, or its shift is counted or closed (refund instead)", body = ProblemDetails, content_type = "application/problem+json"),
    (status = 422, body = ProblemDetails, content_type = "application/problem+json")
))]
#[post("/payments/{id}/void")]
pub async fn void(
    auth: Authenticated,
    store: web::Data<Store>,
    zone: web::Data<ClinicZone>,
    path: web::Path<i64>,
    body: JsonBody<VoidRequest>,
) -> Result<HttpResponse, ApiError> {
    auth.require(Permission::PaymentsWrite)?;
    let body = json_body(body)?;
    let reason = parse_reason("reason", Some(&body.reason))?;
    let visit = store
        .void_payment(&auth.actor, PaymentId(path.into_inner()), &reason, **zone)
        .await?;
    Ok(HttpResponse::Ok().json(visit_view(visit)))
}

/// Give money back on a visit: `amount` (split over the paid lines and tenders by what each
/// still holds) or `lines` (per line), through the original tender(s) unless `method` says
/// otherwise (owner/admin). Refunds are new rows pointing at the original allocations; the
/// visit's paid goes down. Cash needs an open shift (409 "Откройте смену"). With an
/// `Idempotency-Key`, a retry returns the first answer and writes nothing.
#[utoipa::path(tag = "payments", security(("bearer" = [])),
    params(("id" = i64, Path), ("Idempotency-Key" = Option<String>, Header, description = "Makes retries safe")),
    request_body = RefundCreate, responses(
    (status = 201, description = "The visit after the refund", body = VisitView),
    (status = 403, description = "Another tender than the original needs owner/admin", body = ProblemDetails, content_type = "application/problem+json"),
    (status = 404, body = ProblemDetails, content_type = "application/problem+json"),
    (status = 409, description = "No open shift for cash, the shift is counting, or the key was used for another request", body = ProblemDetails, content_type = "application/problem+json"),
    (status = 422, description = "More than can be refunded (with `remaining`), or bad input", body = ProblemDetails, content_type = "application/problem+json")
))]
#[post("/appointments/{id}/refunds")]
pub async fn refund(
    req: HttpRequest,
    auth: Authenticated,
    store: web::Data<Store>,
    zone: web::Data<ClinicZone>,
    path: web::Path<i64>,
    body: JsonBody<RefundCreate>,
) -> Result<HttpResponse, ApiError> {
    auth.require(Permission::PaymentsWrite)?;
    let body = json_body(body)?;
    let id = AppointmentId(path.into_inner());
    let key = idempotency_key(&req)?;
    let lines: Vec<(i64, &str)> = body
        .lines
        .iter()
        .map(|l| (l.line_id, l.amount.as_str()))
        .collect();
    let request = RefundRequest::parse(
        body.amount.as_deref(),
        &lines,
        body.method.as_deref(),
        Some(&body.reason),
    )?;
    let idempotency = key.map(|key| Idempotency {
        key,
        fingerprint: serde_json::json!({"refund": id, "body": &body}).to_string(),
    });
    let till = Till {
        register: body.register_id.map(RegisterId),
        at: chrono::Utc::now(),
        zone: **zone,
    };
    let outcome = store
        .refund(
            &auth.actor,
            VisitAuthority::of(auth.role),
            id,
            (&request, idempotency.as_ref()),
            till,
        )
        .await?;
    Ok(created(outcome))
}
