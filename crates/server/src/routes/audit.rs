//! The audit log viewer's API (read-only: nothing can edit or delete audit rows).

use actix_web::{get, web, HttpResponse};

use emhana_api_types::auth::{AuditEntryView, Page};
use emhana_api_types::queries::AuditQuery;
use emhana_api_types::ProblemDetails;
use emhana_domain::access::Permission;
use emhana_domain::paging::PageRequest;
use emhana_domain::validation::parse_instant;
use emhana_store::audit::{AuditFilter, AuditRow};
use emhana_store::{time, Store};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::Authenticated;
use crate::ApiError;

/// Registers the audit endpoint.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(audit_log);
}

fn instant(field: &str, value: Option<&str>) -> Result<Option<String>, ApiError> {
    value
        .map(|v| {
            parse_instant(field, v)
                .map(time::encode)
                .map_err(ApiError::from)
        })
        .transpose()
}

fn view(row: AuditRow) -> AuditEntryView {
    let json = |t: Option<String>| t.and_then(|s| serde_json::from_str(&s).ok());
    AuditEntryView {
        id: row.id,
        at: row.at,
        user_id: row.user_id,
        api_key_id: row.api_key_id,
        action: row.action,
        entity: row.entity,
        entity_id: row.entity_id,
        old: json(row.old_json),
        new: json(row.new_json),
        request_id: row.request_id,
        client_ip: row.client_ip,
    }
}

/// Audit rows, newest first, with filters and keyset paging (owner, admin).
#[utoipa::path(tag = "audit", security(("bearer" = [])), params(AuditQuery), responses(
    (status = 200, body = Page<AuditEntryView>),
    (status = 403, body = ProblemDetails, content_type = "application/problem+json"),
    (status = 422, body = ProblemDetails, content_type = "application/problem+json")
))]
#[get("/audit-log")]
pub async fn audit_log(
    auth: Authenticated,
    store: web::Data<Store>,
    q: web::Query<AuditQuery>,
) -> Result<HttpResponse, ApiError> {
    auth.require(Permission::AuditRead)?;
    let page = PageRequest::parse(q.limit, q.cursor.as_deref())?;
    let filter = AuditFilter {
        entity: q.entity.clone(),
        entity_id: q.entity_id,
        user_id: q.user_id,
        action: q.action.clone(),
        from: instant("from", q.from.as_deref())?,
        to: instant("to", q.to.as_deref())?,
        before_id: page.before_id,
        limit: page.fetch_limit(),
    };
    let (rows, next_cursor) = page.split(store.audit_rows(&filter).await?, |r| r.id);
    Ok(HttpResponse::Ok().json(Page {
        items: rows.into_iter().map(view).collect(),
        next_cursor,
    }))
}
