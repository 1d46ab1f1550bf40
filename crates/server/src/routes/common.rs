//! Query shapes and checks several resources share.

use actix_web::{web, HttpResponse};
use emhana_api_types::auth::Page;
use emhana_domain::sync::{SyncRequest, SyncSettle, NEXT_HEADER};
use emhana_domain::{FieldViolation, Reference};
use emhana_store::Store;
use serde::{Deserialize, Serialize};

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

/// The changes feed a list was asked for (`?updated_since=`), parsed at the server's now with
/// its settle time; none for an ordinary list.
pub fn sync_request(
    settle: &SyncSettle,
    updated_since: Option<&str>,
    cursor: Option<&str>,
    limit: Option<i64>,
) -> Result<Option<SyncRequest>, ApiError> {
    let Some(since) = updated_since else {
        return Ok(None);
    };
    Ok(Some(SyncRequest::parse(
        since,
        cursor,
        limit,
        (chrono::Utc::now(), *settle),
    )?))
}

/// A changes feed's answer: the body, and on its last page (no `next_cursor`) the
/// `updated_since` of the next poll in the [`NEXT_HEADER`] header.
pub fn sync_answer(sync: &SyncRequest, last_page: bool, body: impl Serialize) -> HttpResponse {
    let mut res = HttpResponse::Ok();
    if last_page {
        res.insert_header((NEXT_HEADER, sync.next_since()));
    }
    res.json(body)
}

/// A paged changes feed's answer: the rows read (one more than the page) split at the page size
/// into `{items, next_cursor}` by their `(updated_at, id)` key, each shown by `view`.
pub fn sync_page<R, V: Serialize>(
    sync: &SyncRequest,
    rows: Vec<R>,
    key: impl Fn(&R) -> (chrono::DateTime<chrono::Utc>, i64),
    view: impl FnMut(R) -> V,
) -> HttpResponse {
    let (rows, next_cursor) = sync.split(rows, key);
    let last = next_cursor.is_none();
    let page = Page {
        items: rows.into_iter().map(view).collect::<Vec<_>>(),
        next_cursor,
    };
    sync_answer(sync, last, page)
}

/// A stored instant (fixed-width RFC 3339 text) as a time; the epoch for text that is not one
/// (it would sort first, which is where such a row belongs in a changes feed).
pub fn decode_instant(text: &str) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&chrono::Utc))
        .unwrap_or_default()
}
