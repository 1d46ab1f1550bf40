//! Visits ("визиты", `/appointments`): booking, the list/calendar, the card, moving, the status
//! machine, and the service lines with per-visit prices. Handlers parse, call one store use case
//! and answer; the rules are the domain's.

use actix_web::{delete, get, patch, post, web, HttpResponse};
use emhana_api_types::auth::Page;
use emhana_api_types::queries::VisitListQuery;
use emhana_api_types::visits::{
    LineCreate, LinePriceUpdate, StatusChange, VisitCreate, VisitSummary, VisitUpdate, VisitView,
};
use emhana_api_types::ProblemDetails;
use emhana_domain::access::{Permission, VisitAuthority};
use emhana_domain::booking::{BookingInput, ChangeInput, NewVisit, StatusMove, VisitChange};
use emhana_domain::ids::{AppointmentId, DoctorId, LineId, ServiceId};
use emhana_domain::paging::timeline_cursor;
use emhana_domain::sync::SyncSettle;
use emhana_domain::sync::{refuse_filters, SyncRequest};
use emhana_domain::visit_list::{VisitFilter, VisitListInput};
use emhana_domain::{ClinicZone, Money};
use emhana_store::visits::NewLine;
use emhana_store::Store;
use utoipa_actix_web::service_config::ServiceConfig;

use super::common::{sync_page, sync_request};
use super::visit_view::{readable_doctor, readable_visit, summary, visit_view};
use crate::auth::Authenticated;
use crate::error::{json_body, JsonBody};
use crate::ApiError;

/// Registers the visit endpoints.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list)
        .service(create)
        .service(get_one)
        .service(update)
        .service(change_status)
        .service(add_line)
        .service(update_line)
        .service(remove_line);
}

/// The caller's visit authority (reverts, overlaps, closed visits need a manager).
fn authority(auth: &Authenticated) -> VisitAuthority {
    VisitAuthority::of(auth.role)
}

/// Visits in time order (the calendar and the list), filtered, keyset-paged. A doctor sees only
/// their own schedule. With `updated_since`: the visits changed since then (booked, moved,
/// status, lines, prices, payments, refunds) in change order, cancelled ones included.
#[utoipa::path(tag = "appointments", security(("bearer" = [])), params(VisitListQuery), responses(
    (status = 200, body = Page<VisitSummary>, headers(("Emhana-Next-Updated-Since" = String, description = "With `updated_since`, on the last page: where the next poll resumes"))),
    (status = 422, body = ProblemDetails, content_type = "application/problem+json")
))]
#[get("/appointments")]
pub async fn list(
    auth: Authenticated,
    store: web::Data<Store>,
    settle: web::Data<SyncSettle>,
    q: web::Query<VisitListQuery>,
) -> Result<HttpResponse, ApiError> {
    let own = readable_doctor(&auth)?;
    if let Some(sync) = sync_request(
        &settle,
        q.updated_since.as_deref(),
        q.cursor.as_deref(),
        q.limit,
    )? {
        return changed_visits(&store, &q, &sync, own.or(q.doctor_id.map(DoctorId))).await;
    }
    let mut filter = VisitFilter::parse(&VisitListInput {
        from: q.from.as_deref(),
        to: q.to.as_deref(),
        doctor_id: q.doctor_id,
        patient_id: q.patient_id,
        status: q.status.as_deref(),
        payment_status: q.payment_status.as_deref(),
        limit: q.limit,
        cursor: q.cursor.as_deref(),
    })?;
    if own.is_some() {
        filter.doctor_id = own;
    }
    let page_size = usize::try_from(filter.limit).unwrap_or(50);
    let mut rows = store.visits(&filter).await?;
    let next_cursor = if rows.len() > page_size {
        rows.truncate(page_size);
        rows.last().map(|r| timeline_cursor(r.starts_at, r.id))
    } else {
        None
    };
    Ok(HttpResponse::Ok().json(Page {
        items: rows.into_iter().map(summary).collect::<Vec<_>>(),
        next_cursor,
    }))
}

/// The changes feed of visits (one doctor's when given); other filters would hide visits that
/// left them, so they are refused.
async fn changed_visits(
    store: &Store,
    q: &VisitListQuery,
    sync: &SyncRequest,
    doctor: Option<DoctorId>,
) -> Result<HttpResponse, ApiError> {
    refuse_filters(&[
        ("from", q.from.is_some()),
        ("to", q.to.is_some()),
        ("patient_id", q.patient_id.is_some()),
        ("status", q.status.is_some()),
        ("payment_status", q.payment_status.is_some()),
    ])?;
    let rows = store
        .changed_visits(sync.start(), doctor, sync.fetch_limit())
        .await?;
    Ok(sync_page(sync, rows, |r| (r.updated_at, r.id.0), summary))
}

/// Book a visit. The end comes from the services' durations unless given; lines snapshot the
/// price list. The doctor busy then → 409 naming the clashing visit (`conflicting_appointment_id`);
/// an owner or admin may book over it with `allow_overlap` and a reason (audited).
#[utoipa::path(tag = "appointments", security(("bearer" = [])), request_body = VisitCreate, responses(
    (status = 201, body = VisitView),
    (status = 409, description = "The doctor is busy then", body = ProblemDetails, content_type = "application/problem+json"),
    (status = 422, body = ProblemDetails, content_type = "application/problem+json")
))]
#[post("/appointments")]
pub async fn create(
    auth: Authenticated,
    store: web::Data<Store>,
    zone: web::Data<ClinicZone>,
    body: JsonBody<VisitCreate>,
) -> Result<HttpResponse, ApiError> {
    auth.require(Permission::VisitsWrite)?;
    let b = json_body(body)?;
    let new = NewVisit::parse(
        &BookingInput {
            patient_id: b.patient_id,
            doctor_id: b.doctor_id,
            starts_at: &b.starts_at,
            ends_at: b.ends_at.as_deref(),
            service_ids: &b.service_ids,
            source: b.source.as_deref(),
            notes: b.notes.as_deref(),
            allow_overlap: b.allow_overlap,
            overlap_reason: b.overlap_reason.as_deref(),
        },
        authority(&auth),
    )?;
    let visit = store.book_visit(&auth.actor, &new, **zone).await?;
    Ok(HttpResponse::Created().json(visit_view(visit)))
}

/// One visit: lines, payments with allocations, status history.
#[utoipa::path(tag = "appointments", security(("bearer" = [])), params(("id" = i64, Path)), responses(
    (status = 200, body = VisitView),
    (status = 404, body = ProblemDetails, content_type = "application/problem+json")
))]
#[get("/appointments/{id}")]
pub async fn get_one(
    auth: Authenticated,
    store: web::Data<Store>,
    path: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let visit = readable_visit(&auth, &store, AppointmentId(path.into_inner())).await?;
    Ok(HttpResponse::Ok().json(visit_view(visit)))
}

/// Move a visit (start, end, doctor) or change its source or notes; `version` required. Only
/// scheduled visits move; the doctor must be free (or `allow_overlap` by an owner/admin).
#[utoipa::path(tag = "appointments", security(("bearer" = [])), params(("id" = i64, Path)), request_body = VisitUpdate, responses(
    (status = 200, body = VisitView),
    (status = 409, body = ProblemDetails, content_type = "application/problem+json"),
    (status = 422, body = ProblemDetails, content_type = "application/problem+json")
))]
#[patch("/appointments/{id}")]
pub async fn update(
    auth: Authenticated,
    store: web::Data<Store>,
    zone: web::Data<ClinicZone>,
    path: web::Path<i64>,
    body: JsonBody<VisitUpdate>,
) -> Result<HttpResponse, ApiError> {
    auth.require(Permission::VisitsWrite)?;
    let b = json_body(body)?;
    let change = VisitChange::parse(
        &ChangeInput {
            doctor_id: b.doctor_id,
            starts_at: b.starts_at.as_deref(),
            ends_at: b.ends_at.as_deref(),
            source: b.source.as_deref(),
            notes: b.notes.as_deref(),
            allow_overlap: b.allow_overlap,
            overlap_reason: b.overlap_reason.as_deref(),
            version: b.version,
        },
        authority(&auth),
    )?;
    let id = AppointmentId(path.into_inner());
    let visit = store.change_visit(&auth.actor, id, &change, **zone).await?;
    Ok(HttpResponse::Ok().json(visit_view(visit)))
}

/// Move a visit through its statuses: записан → на приеме → прием завершен; записан → не явился
/// | отменен. Times are stamped; illegal moves get 409. A move one step back is a revert: owner
/// or admin, with a `reason`; it clears the undone step's stamps. Every change is in the history.
#[utoipa::path(tag = "appointments", security(("bearer" = [])), params(("id" = i64, Path)), request_body = StatusChange, responses(
    (status = 200, body = VisitView),
    (status = 403, description = "A revert by the front desk", body = ProblemDetails, content_type = "application/problem+json"),
    (status = 409, description = "Not an allowed move", body = ProblemDetails, content_type = "application/problem+json"),
    (status = 422, body = ProblemDetails, content_type = "application/problem+json")
))]
#[post("/appointments/{id}/status")]
pub async fn change_status(
    auth: Authenticated,
    store: web::Data<Store>,
    zone: web::Data<ClinicZone>,
    path: web::Path<i64>,
    body: JsonBody<StatusChange>,
) -> Result<HttpResponse, ApiError> {
    auth.require(Permission::VisitsWrite)?;
    let b = json_body(body)?;
    let change = StatusMove::parse(
        &b.status,
        b.reason.as_deref(),
        b.version,
        (b.allow_overlap, b.overlap_reason.as_deref()),
        authority(&auth),
    )?;
    let id = AppointmentId(path.into_inner());
    let visit = store
        .change_visit_status(&auth.actor, id, &change, **zone)
        .await?;
    Ok(HttpResponse::Ok().json(visit_view(visit)))
}

fn parse_price(field: &str, s: &str) -> Result<Money, ApiError> {
    Ok(Money::parse_price(s).map_err(|e| e.on(field))?)
}

/// Add a service to a visit, at its base price or at `price`.
#[utoipa::path(tag = "appointments", security(("bearer" = [])), params(("id" = i64, Path)), request_body = LineCreate, responses(
    (status = 201, body = VisitView),
    (status = 403, description = "A closed visit, not a manager", body = ProblemDetails, content_type = "application/problem+json"),
    (status = 409, description = "Already on the visit", body = ProblemDetails, content_type = "application/problem+json"),
    (status = 422, body = ProblemDetails, content_type = "application/problem+json")
))]
#[post("/appointments/{id}/lines")]
pub async fn add_line(
    auth: Authenticated,
    store: web::Data<Store>,
    path: web::Path<i64>,
    body: JsonBody<LineCreate>,
) -> Result<HttpResponse, ApiError> {
    auth.require(Permission::VisitsWrite)?;
    let b = json_body(body)?;
    let line = NewLine {
        service_id: ServiceId(b.service_id),
        price: b
            .price
            .as_deref()
            .map(|p| parse_price("price", p))
            .transpose()?,
    };
    let id = AppointmentId(path.into_inner());
    let visit = store
        .add_visit_line(&auth.actor, authority(&auth), id, line)
        .await?;
    Ok(HttpResponse::Created().json(visit_view(visit)))
}

/// Set this visit's price of a line (≥ 0; the base price stays as the hint). Audited with old,
/// new and base price. A price below what is already paid on the line → 409 (void a payment first).
#[utoipa::path(tag = "appointments", security(("bearer" = [])), params(("id" = i64, Path), ("line_id" = i64, Path)), request_body = LinePriceUpdate, responses(
    (status = 200, body = VisitView),
    (status = 409, description = "Below what is paid", body = ProblemDetails, content_type = "application/problem+json"),
    (status = 422, body = ProblemDetails, content_type = "application/problem+json")
))]
#[patch("/appointments/{id}/lines/{line_id}")]
pub async fn update_line(
    auth: Authenticated,
    store: web::Data<Store>,
    path: web::Path<(i64, i64)>,
    body: JsonBody<LinePriceUpdate>,
) -> Result<HttpResponse, ApiError> {
    auth.require(Permission::VisitsWrite)?;
    let b = json_body(body)?;
    let price = parse_price("price", &b.price)?;
    let (id, line_id) = path.into_inner();
    let visit = store
        .set_line_price(
            &auth.actor,
            authority(&auth),
            AppointmentId(id),
            (LineId(line_id), price),
        )
        .await?;
    Ok(HttpResponse::Ok().json(visit_view(visit)))
}

/// Remove a line no payment was ever allocated to.
#[utoipa::path(tag = "appointments", security(("bearer" = [])), params(("id" = i64, Path), ("line_id" = i64, Path)), responses(
    (status = 200, body = VisitView),
    (status = 409, description = "The line has payments", body = ProblemDetails, content_type = "application/problem+json")
))]
#[delete("/appointments/{id}/lines/{line_id}")]
pub async fn remove_line(
    auth: Authenticated,
    store: web::Data<Store>,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, ApiError> {
    auth.require(Permission::VisitsWrite)?;
    let (id, line_id) = path.into_inner();
    let visit = store
        .remove_visit_line(
            &auth.actor,
            authority(&auth),
            AppointmentId(id),
            LineId(line_id),
        )
        .await?;
    Ok(HttpResponse::Ok().json(visit_view(visit)))
}
