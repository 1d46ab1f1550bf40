//! The visit editor: who, when, status buttons, source picker (`header`), services with
//! per-visit prices (`lines`), and "💳 Управление оплатой" — total / paid / remaining, several
//! methods at once, the payment history with void (`payment`). Every change goes through one
//! action, [`VisitWrite`]; each answers with the whole visit, which the card shows.

mod header;
mod lines;
mod notes;
mod payment;
mod refund;

use emhana_api_types::visits::{
    LineCreate, PaymentCreate, RefundCreate, StatusChange, VisitUpdate, VisitView,
};
use emhana_domain::Role;
use leptos::prelude::*;

use crate::api::{self, ApiError};
use crate::erased::{effect, Loaded, Task};
use crate::i18n::t;
use crate::session;

/// The caller's role (the server enforces the same rules).
fn role() -> Option<Role> {
    session::user().with_untracked(|u| u.as_ref().map(|u| u.role))
}

/// Every change the card makes to its visit.
#[derive(Debug, Clone)]
pub enum VisitWrite {
    /// A status move or revert.
    Status(StatusChange),
    /// A move, another source.
    Update(VisitUpdate),
    /// A service added.
    AddLine(LineCreate),
    /// A line's price: `(line_id, price as typed or normalized)`.
    Price(i64, String),
    /// A line removed.
    RemoveLine(i64),
    /// A payment with its `Idempotency-Key`.
    Pay(PaymentCreate, String),
    /// A payment voided: `(payment_id, reason)`.
    Void(i64, String),
    /// A refund with its `Idempotency-Key`.
    Refund(RefundCreate, String),
}

/// The card's one write action: the visit after the change, or why not.
pub type WriteAction = Task<VisitWrite, Result<VisitView, ApiError>>;

/// Sends `write` for visit `id`.
async fn send(id: i64, write: VisitWrite) -> Result<VisitView, ApiError> {
    match write {
        VisitWrite::Status(body) => api::change_status(id, body).await,
        VisitWrite::Update(body) => api::update_visit(id, body).await,
        VisitWrite::AddLine(body) => api::add_line(id, body).await,
        VisitWrite::Price(line_id, price) => api::set_line_price(id, line_id, price).await,
        VisitWrite::RemoveLine(line_id) => api::remove_line(id, line_id).await,
        VisitWrite::Pay(body, key) => api::pay(id, body, key).await,
        VisitWrite::Void(payment_id, reason) => api::void_payment(payment_id, reason).await,
        VisitWrite::Refund(body, key) => api::refund(id, body, key).await,
    }
}

/// The visit card for `visit_id`; `on_changed` runs after every successful change (so the
/// calendar or list refreshes).
#[component]
pub fn VisitCard(
    /// Which visit.
    visit_id: i64,
    /// After every change.
    on_changed: impl Fn() + Copy + Send + Sync + 'static,
    /// The close button.
    on_close: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let s = t();
    let visit = RwSignal::new(None::<VisitView>);
    let error = RwSignal::new(None::<String>);
    let loaded = Loaded::new(move || api::visit(visit_id));
    effect(move || match loaded.get() {
        Some(Ok(v)) => visit.set(Some(v)),
        Some(Err(e)) => error.set(Some(e.message())),
        None => {}
    });
    let write: WriteAction = Task::new(move |w: &VisitWrite| send(visit_id, w.clone()));
    // Every change answers with the whole visit: show it, tell the page.
    effect(move || match write.result() {
        Some(Ok(v)) => {
            visit.set(Some(v));
            error.set(None);
            on_changed();
        }
        Some(Err(e)) => error.set(Some(e.message())),
        None => {}
    });
    view! {
        <section class="panel visit-card" data-testid="visit-card">
            <button type="button" class="secondary close" on:click=move |_| on_close()>{s.desk.close}</button>
            {move || error.get().map(|e| view! { <p class="status-error" role="alert">{e}</p> })}
            {move || match visit.get() {
                None => view! { <p class="muted">{s.loading}</p> }.into_any(),
                Some(v) => view! {
                    <header::VisitHeader visit=v.clone() write=write />
                    <notes::NotesAndHistory visit=v.clone() write=write />
                    <lines::LinesEditor visit=v.clone() write=write />
                    <payment::PaymentPanel visit=v.clone() write=write />
                    <refund::RefundPanel visit=v write=write />
                    <Documents visit_id=visit_id error=error />
                }.into_any(),
            }}
        </section>
    }
}

/// The visit's printable documents: the receipt, the invoice and the act as PDF (downloaded with the
/// session's token, opened by the browser's PDF viewer for printing).
#[component]
fn Documents(visit_id: i64, error: RwSignal<Option<String>>) -> impl IntoView {
    let s = t();
    let get = move |doc: &'static str| {
        move |_| {
            leptos::task::spawn_local(async move {
                let path = format!("/api/v1/appointments/{visit_id}/{doc}");
                if let Err(e) = api::exports::download_path(&path).await {
                    error.set(Some(e.message()));
                }
            });
        }
    };
    view! {
        <div class="form-row" data-testid="visit-documents">
            <button type="button" class="secondary" on:click=get("receipt")>{s.desk.doc_receipt}</button>
            <button type="button" class="secondary" on:click=get("invoice")>{s.desk.doc_invoice}</button>
            <button type="button" class="secondary" on:click=get("act")>{s.desk.doc_act}</button>
        </div>
    }
}
