//! The directories' calls: doctors, the price list, lead sources, and the deactivation every
//! directory (and patients) share.

use emhana_api_types::directories::{
    DoctorView, DoctorWrite, LeadSourceCreate, LeadSourceUpdate, LeadSourceView, ServiceView,
    ServiceWrite,
};
use emhana_api_types::queries::{ListQuery, ToQuery};
use gloo_net::http::Method;

use super::{call, json, raw, ApiError};

/// `GET /api/v1/doctors`.
pub async fn doctors(include_inactive: bool) -> Result<Vec<DoctorView>, ApiError> {
    call(
        Method::GET,
        &format!("/api/v1/doctors{}", listed(include_inactive)),
        None,
    )
    .await
}

/// `POST /api/v1/doctors`, or `PATCH /api/v1/doctors/{id}` when `id` is given.
pub async fn save_doctor(id: Option<i64>, body: DoctorWrite) -> Result<DoctorView, ApiError> {
    match id {
        Some(id) => call(Method::PATCH, &format!("/api/v1/doctors/{id}"), json(&body)).await,
        None => call(Method::POST, "/api/v1/doctors", json(&body)).await,
    }
}

/// `GET /api/v1/services`.
pub async fn services(include_inactive: bool) -> Result<Vec<ServiceView>, ApiError> {
    services_of(include_inactive, None).await
}

/// `GET /api/v1/services?doctor_id=`: the services tied to one doctor (none: all).
pub async fn services_of(
    include_inactive: bool,
    doctor_id: Option<i64>,
) -> Result<Vec<ServiceView>, ApiError> {
    let doctor = doctor_id.map_or_else(String::new, |id| format!("&doctor_id={id}"));
    call(
        Method::GET,
        &format!("/api/v1/services{}{doctor}", listed(include_inactive)),
        None,
    )
    .await
}

/// `POST /api/v1/services`, or `PATCH /api/v1/services/{id}` when `id` is given.
pub async fn save_service(id: Option<i64>, body: ServiceWrite) -> Result<ServiceView, ApiError> {
    match id {
        Some(id) => {
            call(
                Method::PATCH,
                &format!("/api/v1/services/{id}"),
                json(&body),
            )
            .await
        }
        None => call(Method::POST, "/api/v1/services", json(&body)).await,
    }
}

/// `GET /api/v1/lead-sources`.
pub async fn lead_sources(include_inactive: bool) -> Result<Vec<LeadSourceView>, ApiError> {
    call(
        Method::GET,
        &format!("/api/v1/lead-sources{}", listed(include_inactive)),
        None,
    )
    .await
}

/// `POST /api/v1/lead-sources`.
pub async fn create_lead_source(body: LeadSourceCreate) -> Result<LeadSourceView, ApiError> {
    call(Method::POST, "/api/v1/lead-sources", json(&body)).await
}

/// `PATCH /api/v1/lead-sources/{id}` (the label).
pub async fn update_lead_source(
    id: i64,
    body: LeadSourceUpdate,
) -> Result<LeadSourceView, ApiError> {
    call(
        Method::PATCH,
        &format!("/api/v1/lead-sources/{id}"),
        json(&body),
    )
    .await
}

/// `DELETE /api/v1/{collection}/{id}?version=`: deactivates a directory record (patients,
/// doctors, services, lead-sources). Patients answer with the card, the others with 204; the
/// caller reloads its list either way.
pub async fn deactivate(collection: &str, id: i64, version: i64) -> Result<(), ApiError> {
    raw(
        Method::DELETE,
        &format!("/api/v1/{collection}/{id}?version={version}"),
        None,
    )
    .await
    .map(|_| ())
}

/// `?include_inactive=` of a directory list.
fn listed(include_inactive: bool) -> String {
    ListQuery {
        include_inactive: Some(include_inactive),
        ..ListQuery::default()
    }
    .to_query()
}
