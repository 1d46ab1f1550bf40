//! Visits ("визиты", `/appointments`): booking, the list/calendar, the card, moving, the status
//! machine, and the service lines with per-visit prices. Handlers parse, call one store use case
//! and answer; the rules are the domain's.

use actix_web::{delete, get, patch, post, web, HttpResponse};
use emhana_api_types::auth::Page;
use emhana_api_types::visits::{
    LineCreate, LinePriceUpdate, StatusChange, VisitCreate, VisitSummary, VisitUpdate, VisitView,
};
use emhana_api_types::ProblemDetails;
use emhana_domain::access::Permission;
use emhana_domain::paging::{parse_timeline_cursor, timeline_cursor, PageRequest};
use emhana_domain::validation::{parse_instant, parse_notes, parse_optional_period};
use emhana_domain::visit::{check_service_ids, parse_reason};
use emhana_domain::{ClinicZone, FieldViolation, Money, PaymentStatus, Violations, VisitStatus};
use emhana_store::visits::{NewVisit, StatusMove, VisitChange, VisitFilter};
use emhana_store::Store;
use serde::Deserialize;
use utoipa_actix_web::service_config::ServiceConfig;

use super::common::required_version;
use super::visit_view::{readable_doctor, summary, visit_error, visit_view};
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

/// `?from=&to=&doctor_id=&patient_id=&status=&payment_status=&limit=&cursor=`
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct VisitListQuery {
    /// First clinic-local day, `YYYY-MM-DD`.
    #[param(format = Date)]
    pub from: Option<String>,
    /// Last clinic-local day (inclusive).
    #[param(format = Date)]
    pub to: Option<String>,
    /// One doctor.
    #[param(minimum = 1)]
    pub doctor_id: Option<i64>,
    /// One patient.
    #[param(minimum = 1)]
    pub patient_id: Option<i64>,
    /// `scheduled` | `in_progress` | `completed` | `no_show` | `cancelled`.
    #[param(schema_with = emhana_api_types::contract::visit_status)]
    pub status: Option<String>,
    /// `unpaid` | `partially_paid` | `paid`.
    #[param(schema_with = emhana_api_types::contract::payment_status)]
    pub payment_status: Option<String>,
    /// Page size 1..=200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

fn list_filter(q: &VisitListQuery) -> Result<VisitFilter, ApiError> {
    let mut v = Violations::default();
    let (from, to) = parse_optional_period(q.from.as_deref(), q.to.as_deref(), &mut v);
    if let Some(s) = q
        .status
        .as_deref()
        .filter(|s| VisitStatus::from_code(s).is_none())
    {
        v.0.push(FieldViolation::new(
            "status",
            "unknown",
            format!("Нет статуса «{s}»"),
        ));
    }
    if let Some(s) = q
        .payment_status
        .as_deref()
        .filter(|s| PaymentStatus::from_code(s).is_none())
    {
        v.0.push(FieldViolation::new(
            "payment_status",
            "unknown",
            format!("Нет статуса оплаты «{s}»"),
        ));
    }
    let after = q
        .cursor
        .as_deref()
        .and_then(|c| v.check(parse_timeline_cursor("cursor", c)));
    let page = match PageRequest::parse(q.limit, None) {
        Ok(p) => Some(p),
        Err(e) => {
            v.0.extend(e.0);
            None
        }
    };
    v.into_result()?;
    Ok(VisitFilter {
        from,
        to,
        doctor_id: q.doctor_id,
        patient_id: q.patient_id,
        status: q.status.clone(),
        payment_status: q.payment_status.clone(),
        limit: page.map_or(51, PageRequest::fetch_limit),
        after,
    })
}

/// Visits in time order (the calendar and the list), filtered, keyset-paged. A doctor sees only
/// their own schedule.
#[utoipa::path(tag = "appointments", security(("bearer" = [])), params(VisitListQuery), responses(
    (status = 200, body = Page<VisitSummary>),
    (status = 422, body = ProblemDetails, content_type = "application/problem+json")
))]
#[get("/appointments")]
pub async fn list(
    auth: Authenticated,
    store: web::Data<Store>,
    q: web::Query<VisitListQuery>,
) -> Result<HttpResponse, ApiError> {
    let own = readable_doctor(&auth)?;
    let mut filter = list_filter(&q)?;
    if own.is_some() {
        filter.doctor_id = own;
    }
    let page_size = usize::try_from(filter.limit - 1).unwrap_or(50);
    let mut rows = store.visits(&filter).await?;
    let next_cursor = if rows.len() > page_size {
        rows.truncate(page_size);
        rows.last().map(|r| timeline_cursor(&r.starts_at, r.id))
    } else {
        None
    };
    Ok(HttpResponse::Ok().json(Page {
        items: rows.into_iter().map(summary).collect::<Vec<_>>(),
        next_cursor,
    }))
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
    let mut v = Violations::default();
    let starts_at = v.check(parse_instant("starts_at", &b.starts_at));
    let ends_at = b
        .ends_at
        .as_deref()
        .and_then(|e| v.check(parse_instant("ends_at", e)));
    v.check(check_service_ids(&b.service_ids));
    let notes = v
        .check(parse_notes("notes", b.notes.as_deref().unwrap_or_default()))
        .flatten();
    let overlap_reason = overlap(&auth, b.allow_overlap, b.overlap_reason.as_deref(), &mut v)?;
    v.into_result()?;
    let Some(starts_at) = starts_at else {
        return Err(ApiError::BadRequest("starts_at".into()));
    };
    let new = NewVisit {
        patient_id: b.patient_id,
        doctor_id: b.doctor_id,
        starts_at,
        ends_at,
        service_ids: b.service_ids,
        source: b.source.filter(|s| !s.trim().is_empty()),
        notes,
        overlap_reason,
    };
    let zone = **zone;
    let visit = store
        .book_visit(&auth.actor, &new, |t| zone.local_date(t))
        .await
        .map_err(|e| visit_error(e, zone))?;
    Ok(HttpResponse::Created().json(visit_view(visit)))
}

/// `allow_overlap` is for owners and admins, with a reason.
fn overlap(
    auth: &Authenticated,
    allow: bool,
    reason: Option<&str>,
    v: &mut Violations,
) -> Result<Option<String>, ApiError> {
    if !allow {
        return Ok(None);
    }
    if !auth.role.is_manager() {
        return Err(ApiError::Forbidden(
            "Записать поверх занятого времени может только администратор или владелец".into(),
        ));
    }
    Ok(v.check(parse_reason("overlap_reason", reason)))
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
    let own = readable_doctor(&auth)?;
    let visit = store
        .visit(path.into_inner())
        .await?
        .filter(|v| own.is_none_or(|d| v.appointment.doctor_id == d))
        .ok_or_else(|| ApiError::NotFound("Визит не найден".into()))?;
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
    let version = required_version(b.version)?;
    let mut v = Violations::default();
    let starts_at = b
        .starts_at
        .as_deref()
        .and_then(|t| v.check(parse_instant("starts_at", t)));
    let ends_at = b
        .ends_at
        .as_deref()
        .and_then(|t| v.check(parse_instant("ends_at", t)));
    let notes = b.notes.as_deref().map(|n| {
        v.check(parse_notes("notes", n))
            .flatten()
            .unwrap_or_default()
    });
    let overlap_reason = overlap(&auth, b.allow_overlap, b.overlap_reason.as_deref(), &mut v)?;
    v.into_result()?;
    let change = VisitChange {
        doctor_id: b.doctor_id,
        starts_at,
        ends_at,
        source: b.source.filter(|s| !s.trim().is_empty()),
        notes,
        overlap_reason,
    };
    let zone = **zone;
    let visit = store
        .change_visit(&auth.actor, path.into_inner(), version, &change, |t| {
            zone.local_date(t)
        })
        .await
        .map_err(|e| visit_error(e, zone))?;
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
    let to = VisitStatus::from_code(&b.status).ok_or_else(|| {
        ApiError::from(FieldViolation::new(
            "status",
            "unknown",
            format!("Нет статуса «{}»", b.status),
        ))
    })?;
    let mut v = Violations::default();
    let overlap_reason = overlap(&auth, b.allow_overlap, b.overlap_reason.as_deref(), &mut v)?;
    v.into_result()?;
    let change = StatusMove {
        to,
        version: b.version,
        reason: b.reason.as_deref(),
        overlap_reason: overlap_reason.as_deref(),
    };
    let visit = store
        .change_visit_status(&auth.actor, auth.role, path.into_inner(), &change)
        .await
        .map_err(|e| visit_error(e, **zone))?;
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
    zone: web::Data<ClinicZone>,
    path: web::Path<i64>,
    body: JsonBody<LineCreate>,
) -> Result<HttpResponse, ApiError> {
    auth.require(Permission::VisitsWrite)?;
    let b = json_body(body)?;
    let price = b
        .price
        .as_deref()
        .map(|p| parse_price("price", p))
        .transpose()?;
    let visit = store
        .add_visit_line(
            &auth.actor,
            auth.role,
            path.into_inner(),
            b.service_id,
            price,
        )
        .await
        .map_err(|e| visit_error(e, **zone))?;
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
    zone: web::Data<ClinicZone>,
    path: web::Path<(i64, i64)>,
    body: JsonBody<LinePriceUpdate>,
) -> Result<HttpResponse, ApiError> {
    auth.require(Permission::VisitsWrite)?;
    let b = json_body(body)?;
    let price = parse_price("price", &b.price)?;
    let (id, line_id) = path.into_inner();
    let visit = store
        .set_line_price(&auth.actor, auth.role, id, line_id, price)
        .await
        .map_err(|e| visit_error(e, **zone))?;
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
    zone: web::Data<ClinicZone>,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, ApiError> {
    auth.require(Permission::VisitsWrite)?;
    let (id, line_id) = path.into_inner();
    let visit = store
        .remove_visit_line(&auth.actor, auth.role, id, line_id)
        .await
        .map_err(|e| visit_error(e, **zone))?;
    Ok(HttpResponse::Ok().json(visit_view(visit)))
}
