//! Query shapes and checks several resources share.

use actix_web::web;
use emhana_domain::{FieldViolation, Reference};
use emhana_store::Store;
use serde::Deserialize;

use crate::ApiError;

pub use emhana_api_types::queries::ListQuery;

/// `?version=` of `DELETE` (deactivation): the version read; a stale one gets 409.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct VersionQuery {
    /// The version read.
    pub version: i64,
}

impl VersionQuery {
    /// The version, or a 422 naming the missing field (checked after authorization).
    pub fn required(q: Result<web::Query<Self>, actix_web::Error>) -> Result<i64, ApiError> {
        q.map(|q| q.version).map_err(|_| missing_version())
    }
}

fn missing_version() -> ApiError {
    emhana_domain::validation::missing_version().into()
}

/// `version` of a `PATCH` body, required.
pub fn required_version(v: Option<i64>) -> Result<i64, ApiError> {
    Ok(emhana_domain::validation::required_version(v)?)
}

/// A `doctor_id` given in a body must name an active doctor (pickers offer no others). `Ok(None)`
/// when it does or none was given; the violation to report otherwise.
pub async fn check_active_doctor(
    store: &Store,
    doctor_id: Option<i64>,
) -> Result<Option<FieldViolation>, ApiError> {
    let Some(id) = doctor_id else {
        return Ok(None);
    };
    let active = store.doctor(id).await?.is_some_and(|d| d.is_active);
    Ok((!active).then(|| Reference::Doctor.missing("doctor_id")))
}

/// `DELETE /<directory>/{id}?version=`: the one deactivation every directory shares (never a
/// delete: history keeps pointing at the record). Role first, then the version; audited by the
/// store.
pub async fn deactivate_in(
    auth: &crate::auth::Authenticated,
    store: &Store,
    directory: emhana_store::directories::Directory,
    id: i64,
    q: Result<web::Query<VersionQuery>, actix_web::Error>,
) -> Result<actix_web::HttpResponse, ApiError> {
    auth.require(emhana_domain::access::Permission::DirectoriesWrite)?;
    let version = VersionQuery::required(q)?;
    store
        .deactivate(&auth.actor, directory, id, version)
        .await?;
    Ok(actix_web::HttpResponse::NoContent().finish())
}
