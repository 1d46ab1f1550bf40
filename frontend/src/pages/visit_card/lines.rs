//! The visit's services with per-visit prices: the base price as the hint, a save button per
//! line, adding a service, removing a line no payment touched.

use crate::erased::Loaded;
use crate::i18n::MoneyText;
use emhana_api_types::directories::ServiceView;
use emhana_api_types::visits::{LineCreate, VisitLineView, VisitView};
use emhana_domain::{Money, VisitStatus};
use leptos::prelude::*;

use super::{role, VisitWrite, WriteAction};
use crate::api;
use crate::i18n::t;

/// The services of the visit with per-visit prices.
#[component]
pub fn LinesEditor(visit: VisitView, write: WriteAction) -> impl IntoView {
    let s = t();
    let status = VisitStatus::from_code(&visit.summary.status).unwrap_or(VisitStatus::Scheduled);
    let editable = role().is_some_and(|r| status.lines_editable_by(r));
    let services = Loaded::new(|| api::services(false));
    let to_add = RwSignal::new(None::<i64>);
    let on_visit: Vec<i64> = visit.lines.iter().map(|l| l.service_id).collect();
    let add = move |_| {
        if let Some(service_id) = to_add.get_untracked() {
            write.dispatch_local(VisitWrite::AddLine(LineCreate {
                service_id,
                price: None,
            }));
        }
    };
    view! {
        <h3>{s.desk.services_heading}</h3>
        <table class="table" data-testid="lines-table">
            <thead><tr><th>{s.service_name_label}</th><th>{s.price_label}</th><th></th><th>{s.desk.paid_label}</th><th></th></tr></thead>
            <tbody>
                {visit.lines.into_iter().map(|l| view! { <LineRow line=l editable=editable write=write /> }).collect_view()}
            </tbody>
        </table>
        {editable.then(|| view! {
            <div class="form-row">
                <label>{s.desk.add_service}
                    <select name="add_service" on:change=move |ev| to_add.set(event_target_value(&ev).parse().ok())>
                        <option value="">"—"</option>
                        {move || {
                            let on_visit = on_visit.clone();
                            services.get().and_then(Result::ok).unwrap_or_default().into_iter()
                                .filter(move |sv: &ServiceView| !on_visit.contains(&sv.id))
                                .map(|sv| view! { <option value=sv.id.to_string()>{format!("{} · {}", sv.name, sv.base_price.ui())}</option> })
                                .collect_view()
                        }}
                    </select>
                </label>
                <button type="button" class="secondary" on:click=add>{s.desk.add}</button>
            </div>
        })}
    }
}

/// One line: the price input with the base price as its hint, and its own save button.
#[component]
fn LineRow(line: VisitLineView, editable: bool, write: WriteAction) -> impl IntoView {
    let s = t();
    let price = RwSignal::new(line.price.to_string());
    let line_id = line.id;
    let save = move |_| {
        let typed = price.get_untracked();
        // "4 500" and "4500,50" are fine to type; what does not parse goes as typed (the server names it).
        let wire = Money::wire_from_user_input(&typed);
        write.dispatch_local(VisitWrite::Price(line_id, wire));
    };
    let remove = move |_| {
        write.dispatch_local(VisitWrite::RemoveLine(line_id));
    };
    let removable = editable && line.paid.is_zero();
    view! {
        <tr data-testid="line">
            <td>{line.service_name.clone()}</td>
            <td>
                <input name="price" inputmode="decimal" class="price" disabled=!editable
                    prop:value=price on:input=move |ev| price.set(event_target_value(&ev))
                    on:keydown=move |ev| if ev.key() == "Enter" { save(()) } />
                <small class="muted hint">{format!("{} {}", s.desk.base_price_hint, line.base_price.ui())}</small>
            </td>
            <td>{editable.then(|| view! { <button type="button" class="secondary" title=s.save on:click=move |_| save(())>"💾 "{s.save}</button> })}</td>
            <td class="num">{line.paid.ui()}</td>
            <td>{removable.then(|| view! { <button type="button" class="link" title=s.desk.remove on:click=remove>"✕"</button> })}</td>
        </tr>
    }
}
