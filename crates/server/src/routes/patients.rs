//! Patients ("клиенты"): search, card, create, change, deactivate.

use actix_web::{delete, get, patch, post, web, HttpResponse};
use chrono::Utc;
use emhana_api_types::auth::Page;
use emhana_api_types::patients::{PatientHistoryView, PatientView, PatientWrite};
use emhana_api_types::queries::PatientListQuery;
use emhana_api_types::reminders::PatientRemindersView;
use emhana_api_types::ProblemDetails;
use emhana_domain::access::Permission;
use emhana_domain::ids::PatientId;
use emhana_domain::paging::PageRequest;
use emhana_domain::patient::{PatientCard, PatientInput};
use emhana_domain::reminder::{Consent, Language, PatientReminders};
use emhana_domain::sync::refuse_filters;
use emhana_domain::sync::SyncSettle;
use emhana_domain::validation::SearchQuery;
use emhana_domain::ClinicZone;
use emhana_store::patients::{PatientQuery, PatientRow};
use emhana_store::Store;
use utoipa_actix_web::service_config::ServiceConfig;

use super::common::{decode_instant, required_version, sync_page, sync_request, VersionQuery};
use crate::auth::Authenticated;
use crate::error::{json_body, JsonBody};
use crate::ApiError;

/// Registers the patient endpoints.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_patients)
        .service(create_patient)
        .service(get_patient)
        .service(update_patient)
        .service(deactivate_patient)
        .service(reactivate_patient)
        .service(patient_history);
}

fn view(r: PatientRow) -> PatientView {
    let language = r.reminders().language.code().to_owned();
    PatientView {
        id: r.id,
        first_name: r.first_name,
        last_name: r.last_name,
        birth_date: r.birth_date,
        phone: r.phone,
        email: r.email,
        notes: r.notes,
        is_active: r.is_active,
        version: r.version,
        reminders: PatientRemindersView {
            whatsapp: r.remind_whatsapp,
            sms: r.remind_sms,
            language,
        },
        created_at: r.created_at,
        updated_at: r.updated_at,
    }
}

/// The reminder consent of a body, if it carries one.
fn reminders(body: &PatientWrite) -> Result<Option<PatientReminders>, ApiError> {
    let Some(r) = &body.reminders else {
        return Ok(None);
    };
    Ok(Some(PatientReminders {
        consent: Consent {
            whatsapp: r.whatsapp,
            sms: r.sms,
        },
        language: Language::parse("reminders.language", &r.language)?,
    }))
}

/// Parses a body into a card; every field error at once.
fn card(body: &PatientWrite, zone: ClinicZone) -> Result<PatientCard, ApiError> {
    let input = PatientInput {
        first_name: &body.first_name,
        last_name: body.last_name.as_deref(),
        birth_date: body.birth_date.as_deref(),
        phone: &body.phone,
        email: body.email.as_deref(),
        notes: body.notes.as_deref(),
    };
    Ok(PatientCard::parse(&input, zone.local_date(Utc::now()))?)
}

/// Search patients, newest first, with keyset paging; with `updated_since`, the patients changed
/// since then in change order, deactivated ones included (not combined with `q`).
#[utoipa::path(tag = "patients", security(("bearer" = [])), params(PatientListQuery), responses(
    (status = 200, body = Page<PatientView>, headers(("Emhana-Next-Updated-Since" = String, description = "With `updated_since`, on the last page: where the next poll resumes"))),
    (status = 422, body = ProblemDetails, content_type = "application/problem+json")
))]
#[get("/patients")]
pub async fn list_patients(
    auth: Authenticated,
    store: web::Data<Store>,
    settle: web::Data<SyncSettle>,
    q: web::Query<PatientListQuery>,
) -> Result<HttpResponse, ApiError> {
    auth.require(Permission::PatientsRead)?;
    if let Some(sync) = sync_request(
        &settle,
        q.updated_since.as_deref(),
        q.cursor.as_deref(),
        q.limit,
    )? {
        refuse_filters(&[("q", q.q.is_some())])?;
        let rows = store
            .changed_patients(sync.start(), sync.fetch_limit())
            .await?;
        let key = |r: &PatientRow| (decode_instant(&r.updated_at), r.id);
        return Ok(sync_page(&sync, rows, key, view));
    }
    let search = SearchQuery::parse("q", q.q.as_deref().unwrap_or_default())?;
    let page = PageRequest::parse(q.limit, q.cursor.as_deref())?;
    let query = PatientQuery {
        text: search.as_ref().map(|s| s.folded.clone()),
        phone_digits: search.and_then(|s| s.phone_digits),
        include_inactive: q.include_inactive.unwrap_or(false),
        before_id: page.before_id,
        limit: page.fetch_limit(),
    };
    let (rows, next_cursor) = page.split(store.search_patients(&query).await?, |r| r.id);
    Ok(HttpResponse::Ok().json(Page {
        items: rows.into_iter().map(view).collect(),
        next_cursor,
    }))
}

/// Create a patient. The phone is normalized; a phone held by an active patient → 409 naming them.
#[utoipa::path(tag = "patients", security(("bearer" = [])), request_body = PatientWrite, responses(
    (status = 201, body = PatientView),
    (status = 409, description = "Phone taken", body = ProblemDetails, content_type = "application/problem+json"),
    (status = 422, body = ProblemDetails, content_type = "application/problem+json")
))]
#[post("/patients")]
pub async fn create_patient(
    auth: Authenticated,
    store: web::Data<Store>,
    zone: web::Data<ClinicZone>,
    body: JsonBody<PatientWrite>,
) -> Result<HttpResponse, ApiError> {
    auth.require(Permission::PatientsWrite)?;
    let body = json_body(body)?;
    let card = card(&body, **zone)?;
    let reminders = reminders(&body)?;
    let row = store.create_patient(&auth.actor, &card, reminders).await?;
    Ok(HttpResponse::Created().json(view(row)))
}

/// One patient (inactive ones too: history links to them).
#[utoipa::path(tag = "patients", security(("bearer" = [])), params(("id" = i64, Path)), responses(
    (status = 200, body = PatientView),
    (status = 404, body = ProblemDetails, content_type = "application/problem+json")
))]
#[get("/patients/{id}")]
pub async fn get_patient(
    auth: Authenticated,
    store: web::Data<Store>,
    path: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    auth.require(Permission::PatientsRead)?;
    let row = store
        .patient(PatientId(path.into_inner()))
        .await?
        .ok_or_else(|| ApiError::NotFound("Клиент не найден".into()))?;
    Ok(HttpResponse::Ok().json(view(row)))
}

/// Replace a patient's card; `version` required (stale → 409). Audited with old and new.
#[utoipa::path(tag = "patients", security(("bearer" = [])), params(("id" = i64, Path)), request_body = PatientWrite, responses(
    (status = 200, body = PatientView),
    (status = 404, body = ProblemDetails, content_type = "application/problem+json"),
    (status = 409, body = ProblemDetails, content_type = "application/problem+json"),
    (status = 422, body = ProblemDetails, content_type = "application/problem+json")
))]
#[patch("/patients/{id}")]
pub async fn update_patient(
    auth: Authenticated,
    store: web::Data<Store>,
    zone: web::Data<ClinicZone>,
    path: web::Path<i64>,
    body: JsonBody<PatientWrite>,
) -> Result<HttpResponse, ApiError> {
    auth.require(Permission::PatientsWrite)?;
    let body = json_body(body)?;
    let version = required_version(body.version)?;
    let card = card(&body, **zone)?;
    let reminders = reminders(&body)?;
    let row = store
        .update_patient(
            &auth.actor,
            PatientId(path.into_inner()),
            version,
            &card,
            reminders,
        )
        .await?;
    Ok(HttpResponse::Ok().json(view(row)))
}

/// Deactivate a patient (soft delete; history keeps them). Audited.
#[utoipa::path(tag = "patients", security(("bearer" = [])), params(("id" = i64, Path), VersionQuery), responses(
    (status = 200, body = PatientView),
    (status = 404, body = ProblemDetails, content_type = "application/problem+json"),
    (status = 409, body = ProblemDetails, content_type = "application/problem+json")
))]
#[delete("/patients/{id}")]
pub async fn deactivate_patient(
    auth: Authenticated,
    store: web::Data<Store>,
    path: web::Path<i64>,
    q: Result<web::Query<VersionQuery>, actix_web::Error>,
) -> Result<HttpResponse, ApiError> {
    auth.require(Permission::PatientsWrite)?;
    let version = VersionQuery::required(q)?;
    let row = store
        .deactivate_patient(&auth.actor, PatientId(path.into_inner()), version)
        .await?;
    Ok(HttpResponse::Ok().json(view(row)))
}

/// Make a deactivated patient active again (`version` required; stale → 409). If another active
/// patient holds the phone by now → 409 naming them. Audited.
#[utoipa::path(tag = "patients", security(("bearer" = [])), params(("id" = i64, Path), VersionQuery), responses(
    (status = 200, body = PatientView),
    (status = 404, body = ProblemDetails, content_type = "application/problem+json"),
    (status = 409, body = ProblemDetails, content_type = "application/problem+json")
))]
#[post("/patients/{id}/reactivate")]
pub async fn reactivate_patient(
    auth: Authenticated,
    store: web::Data<Store>,
    path: web::Path<i64>,
    q: Result<web::Query<VersionQuery>, actix_web::Error>,
) -> Result<HttpResponse, ApiError> {
    auth.require(Permission::PatientsWrite)?;
    let version = VersionQuery::required(q)?;
    let row = store
        .reactivate_patient(&auth.actor, PatientId(path.into_inner()), version)
        .await?;
    Ok(HttpResponse::Ok().json(view(row)))
}

/// The patient's visits in figures: visits, attended, billed, paid (lifetime value), debt,
/// first and last visit, the next booked one, and how they found the clinic.
#[utoipa::path(tag = "patients", security(("bearer" = [])), params(("id" = i64, Path)), responses(
    (status = 200, body = PatientHistoryView),
    (status = 404, body = ProblemDetails, content_type = "application/problem+json")
))]
#[get("/patients/{id}/history")]
pub async fn patient_history(
    auth: Authenticated,
    store: web::Data<Store>,
    path: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    auth.require(Permission::VisitsRead)?;
    let h = store
        .patient_history(PatientId(path.into_inner()), Utc::now())
        .await?
        .ok_or_else(|| ApiError::NotFound("Клиент не найден".into()))?;
    let instant = |at: Option<chrono::DateTime<Utc>>| at.map(emhana_domain::clinic_time::rfc3339);
    Ok(HttpResponse::Ok().json(PatientHistoryView {
        visits: h.visits,
        attended: h.attended,
        billed: h.billed,
        paid: h.paid,
        debt: h.debt,
        first_visit: instant(h.first_visit),
        last_visit: instant(h.last_visit),
        next_visit: instant(h.next_visit),
        source: h.source,
    }))
}
