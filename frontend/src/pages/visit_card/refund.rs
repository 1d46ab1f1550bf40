//! "Возврат": an amount per line, prefilled with what the line holds, and a reason; the money
//! goes back through the tenders it came by (the server splits it). The visit's refunds below.

use crate::i18n::MoneyText;
use emhana_api_types::visits::{RefundCreate, RefundLine, VisitView};
use emhana_domain::{Money, PaymentMethod};
use leptos::prelude::*;

use super::{VisitWrite, WriteAction};
use crate::clinic;
use crate::i18n::t;

/// The refund form (when something is paid) and the refund history.
#[component]
pub fn RefundPanel(visit: VisitView, write: WriteAction) -> impl IntoView {
    let s = t();
    let lines: Vec<(i64, String, RwSignal<String>)> = visit
        .lines
        .iter()
        .filter(|l| l.paid.is_positive())
        .map(|l| {
            (
                l.id,
                l.service_name.clone(),
                RwSignal::new(l.paid.to_string()),
            )
        })
        .collect();
    let lines = StoredValue::new(lines);
    let reason = RwSignal::new(String::new());
    // Another tender than the original: a manager's choice (the server checks it too).
    let method = RwSignal::new(String::new());
    let manager = super::role().is_some_and(emhana_domain::Role::is_manager);
    let key = StoredValue::new(crate::api::new_key());
    let busy = write.pending();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let amounts = lines
            .get_value()
            .into_iter()
            .filter_map(|(line_id, _, a)| {
                let typed = a.get_untracked();
                let money = Money::parse_user_input(&typed).ok()?;
                money.is_positive().then(|| RefundLine {
                    line_id,
                    amount: money.to_string(),
                })
            })
            .collect();
        let body = RefundCreate {
            lines: amounts,
            reason: reason.get_untracked(),
            method: Some(method.get_untracked()).filter(|m| !m.is_empty()),
            register_id: crate::pages::cash_desk::current_register(),
            ..RefundCreate::default()
        };
        write.dispatch_local(VisitWrite::Refund(body, key.get_value()));
    };
    let has_paid = !lines.get_value().is_empty();
    view! {
        {has_paid.then(|| view! {
            <details class="refund" data-testid="refund-panel">
                <summary>{s.desk.refund_heading}</summary>
                <p class="muted">{s.desk.refund_hint}</p>
                <form class="form-row" on:submit=submit data-testid="refund-form">
                    {lines.get_value().into_iter().map(|(id, name, a)| view! {
                        <label>{name}
                            <input name=format!("refund_line_{id}") inputmode="decimal"
                                prop:value=a on:input=move |ev| a.set(event_target_value(&ev)) />
                        </label>
                    }).collect_view()}
                    {manager.then(|| view! {
                        <label>{s.desk.refund_method}
                            <select name="refund_method" on:change=move |ev| method.set(event_target_value(&ev))>
                                <option value="">{s.refund_method_original}</option>
                                {PaymentMethod::ALL.into_iter().map(|m| view! { <option value=m.code()>{crate::i18n::t().method(m)}</option> }).collect_view()}
                            </select>
                        </label>
                    })}
                    <label class="grow">{s.refund_reason}
                        <input name="refund_reason" prop:value=reason on:input=move |ev| reason.set(event_target_value(&ev)) />
                    </label>
                    <button type="submit" disabled=move || busy.get()>{s.desk.refund_submit}</button>
                </form>
            </details>
        })}
        {(!visit.refunds.is_empty()).then(|| view! {
            <h4>{s.desk.refunds_heading}</h4>
            <table class="table" data-testid="refunds-table">
                <thead><tr><th>{s.time_label}</th><th>{s.method_label}</th><th>{s.amount_label}</th><th>{s.user_label}</th><th>{s.refund_reason}</th></tr></thead>
                <tbody>
                    {visit.refunds.iter().map(|r| view! {
                        <tr class="refund">
                            <td>{clinic::day_hm(&r.refunded_at)}</td>
                            <td>{crate::i18n::t().method_code(&r.method)}</td>
                            <td class="num">{format!("−{}", r.amount.ui())}</td>
                            <td>{r.refunded_by.as_ref().map(|u| u.name.clone()).unwrap_or_default()}</td>
                            <td>{r.reason.clone()}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        })}
    }
}
