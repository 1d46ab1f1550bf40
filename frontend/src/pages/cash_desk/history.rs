//! The register's shifts of the last 30 days, newest first; a closed one's difference is
//! highlighted when it is not zero, and its Z report opens on click.

use crate::erased::{effect, Loaded, Task};
use crate::i18n::MoneyText;
use emhana_api_types::cash_desk::{ShiftView, ZReportView};
use emhana_api_types::queries::ShiftListQuery;
use leptos::prelude::*;

use crate::api;
use crate::clinic;
use crate::i18n::t;

/// History of `register` (all registers when none is chosen); a click puts a Z report in `z`.
#[component]
pub fn ShiftHistory(register: Option<i64>, z: RwSignal<Option<ZReportView>>) -> impl IntoView {
    let s = t();
    let from = (clinic::today() - chrono::Duration::days(30)).to_string();
    let list = Loaded::new(move || {
        api::shifts(ShiftListQuery {
            register_id: register,
            from: Some(from.clone()),
            to: None,
        })
    });
    view! {
        <section class="panel no-print">
            <h3>{s.cash_desk().desk_history}</h3>
            <Transition fallback=move || view! { <p>{s.loading}</p> }>
                {move || list.get().map(|r| match r {
                    Ok(items) if items.is_empty() => view! { <p class="muted">{s.cash_desk().desk_none}</p> }.into_any(),
                    Ok(items) => view! { <HistoryTable items=items z=z /> }.into_any(),
                    Err(e) => view! { <p class="status-error">{e.message()}</p> }.into_any(),
                })}
            </Transition>
        </section>
    }
}

#[component]
fn HistoryTable(items: Vec<ShiftView>, z: RwSignal<Option<ZReportView>>) -> impl IntoView {
    let s = t();
    let show = Task::new(|id: &i64| api::z_report(*id));
    effect(move || {
        if let Some(Ok(report)) = show.result() {
            z.set(Some(report));
        }
    });
    view! {
        <table class="table" data-testid="shift-history">
            <thead><tr>
                <th>{s.cash_desk().desk_z_number}</th><th>{s.cash_desk().desk_register}</th><th>{s.cash_desk().desk_opened}</th><th>{s.cash_desk().desk_closed}</th>
                <th>{s.cash_desk().desk_status}</th><th>{s.cash_desk().desk_difference}</th><th></th>
            </tr></thead>
            <tbody>
                {items.into_iter().map(|sh| {
                    let id = sh.id;
                    let off = sh.difference.is_some_and(|d| !d.is_zero());
                    view! {
                        <tr class:stale=sh.stale>
                            <td>{sh.z_number.map(|n| n.to_string()).unwrap_or_default()}</td>
                            <td>{sh.register_name.clone()}</td>
                            <td>{clinic::day_hm(&sh.opened_at)}</td>
                            <td>{sh.closed_at.as_deref().map(clinic::day_hm).unwrap_or_default()}</td>
                            <td>{crate::i18n::label(crate::i18n::t().shift_status_labels, &sh.status)}</td>
                            <td class="num" class:difference=off>{sh.difference.map(|d| d.ui()).unwrap_or_default()}</td>
                            <td>{sh.z_number.is_some().then(|| view! {
                                <button class="link" on:click=move |_| { show.dispatch_local(id); }>{s.cash_desk().desk_show_z}</button>
                            })}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}
