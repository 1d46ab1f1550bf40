//! The visit list ("Визиты"): a period, status and payment-status filter; rows coloured by
//! payment status; a click opens the visit card.

use crate::erased::effect;
use crate::i18n::MoneyText;
use emhana_api_types::visits::VisitSummary;
use emhana_domain::{PaymentStatus, VisitStatus};
use leptos::prelude::*;

use emhana_api_types::queries::VisitListQuery;

use crate::api;
use crate::clinic;
use crate::components::keyset::KeysetList;
use crate::components::table::ClickableRow;
use crate::i18n::t;
use crate::pages::visit_card::VisitCard;

/// `/visits`
#[component]
pub fn VisitsPage() -> impl IntoView {
    let s = t();
    let today = clinic::today().to_string();
    let from = RwSignal::new(today.clone());
    let to = RwSignal::new(today);
    let status = RwSignal::new(String::new());
    let payment = RwSignal::new(String::new());
    let list = KeysetList::<VisitSummary>::new();
    let open = RwSignal::new(None::<i64>);
    let reload = RwSignal::new(0u32);
    let chosen = |v: String| Some(v).filter(|v| !v.is_empty());
    let query = move |after: Option<String>| VisitListQuery {
        from: Some(from.get_untracked().to_string()),
        to: Some(to.get_untracked().to_string()),
        status: chosen(status.get_untracked()),
        payment_status: chosen(payment.get_untracked()),
        limit: Some(100),
        cursor: after,
        ..VisitListQuery::default()
    };
    let load = move |append: bool| list.load(append, move |after| api::visits(query(after)));
    effect(move || {
        from.track();
        to.track();
        status.track();
        payment.track();
        reload.track();
        load(false);
    });
    view! {
        <h1>{s.nav_visits}</h1>
        <VisitFilters from=from to=to status=status payment=payment />
        <div class="panel">
            {move || list.error.get().map(|e| view! { <p class="status-error" role="alert">{e}</p> })}
            {move || list.is_empty().then(|| view! { <p class="muted">{s.empty}</p> })}
            <VisitRows rows=list.rows open=open />
            {move || list.loading.get().then(|| view! { <p class="muted">{s.loading}</p> })}
            <Show when=move || list.has_more()>
                <button type="button" class="secondary" on:click=move |_| load(true)>{s.load_more}</button>
            </Show>
        </div>
        {move || open.get().map(|id| view! {
            <VisitCard visit_id=id on_changed=move || reload.update(|n| *n += 1) on_close=move || open.set(None) />
        })}
    }
}

/// The visit status and payment status pickers ("все" first): the visit list's filters and the
/// visit exports'.
#[component]
pub fn StatusSelects(status: RwSignal<String>, payment: RwSignal<String>) -> impl IntoView {
    let s = t();
    view! {
            <label>{s.status_label}
                <select name="status" on:change=move |ev| status.set(event_target_value(&ev))>
                    <option value="">{s.all}</option>
                    {VisitStatus::ALL.into_iter().map(|v| view! { <option value=v.code()>{crate::i18n::t().status(v)}</option> }).collect_view()}
                </select>
            </label>
            <label>{s.desk.payment_status_label}
                <select name="payment_status" on:change=move |ev| payment.set(event_target_value(&ev))>
                    <option value="">{s.all}</option>
                    {PaymentStatus::ALL.into_iter()
                        .map(|p| view! { <option value=p.code()>{crate::i18n::label(crate::i18n::t().payment_status_labels, p.code())}</option> }).collect_view()}
                </select>
            </label>
    }
}

/// The period and the two status filters.
#[component]
fn VisitFilters(
    from: RwSignal<String>,
    to: RwSignal<String>,
    status: RwSignal<String>,
    payment: RwSignal<String>,
) -> impl IntoView {
    let s = t();
    view! {
        <div class="panel form-row">
            <label>{s.period_from}<input type="date" name="from" prop:value=from on:change=move |ev| from.set(event_target_value(&ev)) /></label>
            <label>{s.period_to}<input type="date" name="to" prop:value=to on:change=move |ev| to.set(event_target_value(&ev)) /></label>
            <StatusSelects status=status payment=payment />
        </div>
    }
}

/// The loaded visits; a row opens the visit's card.
#[component]
fn VisitRows(rows: RwSignal<Vec<VisitSummary>>, open: RwSignal<Option<i64>>) -> impl IntoView {
    let s = t();
    view! {
        <Show when=move || !rows.with(Vec::is_empty)>
            <table class="table" data-testid="visits-table">
                <thead><tr>
                    <th>{s.time_label}</th><th>{s.desk.patient_label}</th><th>{s.doctor_label}</th><th>{s.status_label}</th>
                    <th>{s.total_label}</th><th>{s.desk.paid_label}</th><th>{s.desk.remaining_label}</th>
                </tr></thead>
                <tbody>
                    <For each=move || rows.get() key=|v| (v.id, v.version) let:v>
                        <ClickableRow on_open=Callback::new(move |()| open.set(Some(v.id)))>
                            <td>{clinic::day_hm(&v.starts_at)}</td>
                            <td>{v.patient.name.clone()}</td>
                            <td>{v.doctor.name.clone()}</td>
                            <td>{crate::i18n::t().status_code(&v.status)}</td>
                            <td class="num">{v.total.ui()}</td>
                            <td class="num">{v.paid.ui()}</td>
                            <td class="num"><span class=format!("badge pay-{}", v.payment_status)>{v.remaining.ui()}</span></td>
                        </ClickableRow>
                    </For>
                </tbody>
            </table>
        </Show>
    }
}
