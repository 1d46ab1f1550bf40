//! The clinic-wide payment journal (`GET /payments`): every payment of every visit, newest first
//! within payment days, or — with `updated_since` — the changes feed an integrator mirrors
//! payments, voids and refunds with.

use actix_web::{get, web, HttpResponse};
use emhana_api_types::auth::Page;
use emhana_api_types::queries::PaymentListQuery;
use emhana_api_types::visits::PaymentView;
use emhana_api_types::ProblemDetails;
use emhana_domain::access::Permission;
use emhana_domain::paging::PageRequest;
use emhana_domain::sync::refuse_filters;
use emhana_domain::sync::SyncSettle;
use emhana_domain::validation::parse_optional_period;
use emhana_domain::Violations;
use emhana_store::sync::{ListedPayment, PaymentChanges, PaymentSelection};
use emhana_store::Store;
use utoipa_actix_web::service_config::ServiceConfig;

use super::common::{sync_page, sync_request};
use super::visit_view::payment_view;
use crate::auth::Authenticated;
use crate::ApiError;

/// Registers the journal.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list);
}

fn views(c: PaymentChanges) -> Vec<PaymentView> {
    c.payments
        .into_iter()
        .map(|p| payment_view(p.appointment_id, p.payment, (&c.allocations, &c.refunds)))
        .collect()
}

/// Payments of every visit (voided ones included, with allocations and refunds), newest first,
/// within clinic payment days when given, keyset-paged. With `updated_since`: the payments
/// taken, voided or refunded from since then, in change order.
#[utoipa::path(tag = "payments", security(("bearer" = [])), params(PaymentListQuery), responses(
    (status = 200, body = Page<PaymentView>, headers(("Emhana-Next-Updated-Since" = String, description = "With `updated_since`, on the last page: where the next poll resumes"))),
    (status = 422, body = ProblemDetails, content_type = "application/problem+json")
))]
#[get("/payments")]
pub async fn list(
    auth: Authenticated,
    store: web::Data<Store>,
    settle: web::Data<SyncSettle>,
    q: web::Query<PaymentListQuery>,
) -> Result<HttpResponse, ApiError> {
    auth.require(Permission::VisitsRead)?;
    if let Some(sync) = sync_request(
        &settle,
        q.updated_since.as_deref(),
        q.cursor.as_deref(),
        q.limit,
    )? {
        refuse_filters(&[("from", q.from.is_some()), ("to", q.to.is_some())])?;
        let changes = store
            .payment_list(&PaymentSelection::Changed {
                start: sync.start(),
                limit: sync.fetch_limit(),
            })
            .await?;
        let (allocations, refunds) = (changes.allocations, changes.refunds);
        let key = |p: &ListedPayment| (p.payment.updated_at.unwrap_or_default(), p.payment.id.0);
        let view =
            |p: ListedPayment| payment_view(p.appointment_id, p.payment, (&allocations, &refunds));
        return Ok(sync_page(&sync, changes.payments, key, view));
    }
    let mut v = Violations::default();
    let (from, to) = parse_optional_period(q.from.as_deref(), q.to.as_deref(), &mut v);
    let page = PageRequest::parse(q.limit, q.cursor.as_deref()).unwrap_or_else(|e| {
        v.0.extend(e.0);
        PageRequest {
            limit: 1,
            before_id: None,
        }
    });
    v.into_result()?;
    let mut changes = store
        .payment_list(&PaymentSelection::Journal {
            from,
            to,
            before_id: page.before_id,
            limit: page.fetch_limit(),
        })
        .await?;
    let payments = std::mem::take(&mut changes.payments);
    let (payments, next_cursor) = page.split(payments, |p| p.payment.id.0);
    changes.payments = payments;
    Ok(HttpResponse::Ok().json(Page {
        items: views(changes),
        next_cursor,
    }))
}
