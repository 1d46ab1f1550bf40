//! "Касса": the front desk's day. Pick the register; with no live shift, open one (the float
//! prefilled from the previous close); while open, the live X report, cash in/out and the
//! shift's journal; then the blind count and the close, which shows the Z report (printable);
//! below, the register's shift history with differences highlighted.

mod count;
mod history;
pub(crate) mod report;
mod settings;
mod shift;

use crate::erased::{effect, Loaded, Task};
use crate::i18n::MoneyText;
use emhana_api_types::cash_desk::{RegisterView, ZReportView};
use emhana_api_types::queries::ShiftListQuery;
use leptos::prelude::*;

use crate::api::{self, ApiError};
use crate::i18n::t;

const REGISTER_KEY: &str = "emhana.register";

/// The register this browser works at (chosen on the Касса page; payments and refunds from
/// the visit card go there). `None`: the clinic's first register.
pub fn current_register() -> Option<i64> {
    crate::session::storage()
        .and_then(|s| s.get_item(REGISTER_KEY).ok().flatten())
        .and_then(|v| v.parse().ok())
}

fn remember_register(id: i64) {
    if let Some(s) = crate::session::storage() {
        let _ = s.set_item(REGISTER_KEY, &id.to_string());
    }
}

/// `/cash-desk`
#[component]
pub fn CashDeskPage() -> impl IntoView {
    let s = t();
    let reload = RwSignal::new(0u32);
    let registers = Loaded::new(move || {
        reload.track();
        api::registers()
    });
    let chosen = RwSignal::new(current_register());
    // The Z report just closed or picked from the history.
    let z = RwSignal::new(None::<ZReportView>);
    view! {
        <h1>{s.nav_cash_desk}</h1>
        <Transition fallback=move || view! { <p>{s.loading}</p> }>
            {move || registers.get().map(|r| match r {
                Ok(list) => {
                    let register = list
                        .iter()
                        .find(|x| Some(x.id) == chosen.get())
                        .or_else(|| list.iter().find(|x| x.is_active))
                        .cloned();
                    view! {
                        <RegisterPicker list=list chosen=chosen />
                        {register.map(|r| view! { <Desk register=r reload=reload z=z /> })}
                    }.into_any()
                }
                Err(e) => view! { <p class="status-error" role="alert">{e.message()}</p> }.into_any(),
            })}
        </Transition>
        {move || z.get().map(|report| view! { <report::ZReport report=report /> })}
        <OutsideShifts />
        {crate::session::can(emhana_domain::access::Permission::CashDeskManage).then(|| view! {
            <settings::DeskSettings on_added=move || reload.update(|n| *n += 1) />
        })}
        {move || {
            reload.track();
            chosen.get();
            view! { <history::ShiftHistory register=chosen.get_untracked() z=z /> }
        }}
    }
}

/// Today's non-cash payments and refunds taken while no shift was open (the day report's other
/// half); nothing when there are none.
#[component]
fn OutsideShifts() -> impl IntoView {
    let s = t();
    let list = Loaded::new(api::outside_shifts);
    move || {
        list.get()
            .and_then(Result::ok)
            .filter(|l| !l.is_empty())
            .map(|entries| {
                view! {
                    <section class="panel no-print" data-testid="outside-shifts">
                        <h3>{s.cash_desk().desk_outside}</h3>
                        <shift::JournalTable entries=entries />
                    </section>
                }
            })
    }
}

/// A picker, shown only when the clinic has more than one register.
#[component]
fn RegisterPicker(list: Vec<RegisterView>, chosen: RwSignal<Option<i64>>) -> impl IntoView {
    let s = t();
    let active: Vec<RegisterView> = list.into_iter().filter(|r| r.is_active).collect();
    (active.len() > 1).then(|| {
        let current = active.first().map(|r| r.id);
        view! {
            <label class="form-row">{s.cash_desk().desk_register}
                <select name="register" on:change=move |ev| {
                    if let Ok(id) = event_target_value(&ev).parse::<i64>() {
                        remember_register(id);
                        chosen.set(Some(id));
                    }
                }>
                    {active.into_iter().map(|r| {
                        let selected = chosen.get_untracked().or(current) == Some(r.id);
                        view! { <option value=r.id.to_string() selected=selected>{r.name}</option> }
                    }).collect_view()}
                </select>
            </label>
        }
    })
}

/// One register: open a shift, work it, count it, close it.
#[component]
fn Desk(
    register: RegisterView,
    reload: RwSignal<u32>,
    z: RwSignal<Option<ZReportView>>,
) -> impl IntoView {
    let done = move || reload.update(|n| *n += 1);
    match (register.shift_id, register.shift_status.as_deref()) {
        (Some(id), Some("counting")) => view! { <count::CountForm shift_id=id on_closed=move |report| { z.set(Some(report)); done(); } /> }.into_any(),
        (Some(id), _) => view! { <shift::OpenShift shift_id=id on_counting=done /> }.into_any(),
        (None, _) => view! { <OpenForm register_id=register.id on_opened=done /> }.into_any(),
    }
}

/// "Открыть смену": the float, prefilled from what the previous close counted.
#[component]
fn OpenForm(
    register_id: i64,
    on_opened: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let s = t();
    let counted = RwSignal::new(String::new());
    let suggested = RwSignal::new(None::<String>);
    leptos::task::spawn_local(async move {
        let q = ShiftListQuery {
            register_id: Some(register_id),
            ..ShiftListQuery::default()
        };
        let last = api::shifts(q)
            .await
            .ok()
            .and_then(|l| l.into_iter().find(|s| s.z_number.is_some()));
        if let Some(last) = last {
            if let Ok(z) = api::z_report(last.id).await {
                let cash = z
                    .counts
                    .iter()
                    .find(|c| c.method == "cash")
                    .map(|c| c.counted);
                if let Some(cash) = cash {
                    suggested.set(Some(cash.ui()));
                    counted.set(cash.to_string());
                }
            }
        }
    });
    let error = RwSignal::new(None::<ApiError>);
    let open = Task::new(move |amount: &String| api::open_shift(register_id, amount.clone()));
    effect(move || match open.result() {
        Some(Ok(_)) => on_opened(),
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let typed = counted.get_untracked();
        let amount = emhana_domain::Money::wire_from_user_input(if typed.trim().is_empty() {
            "0"
        } else {
            &typed
        });
        open.dispatch_local(amount);
    };
    view! {
        <section class="panel" data-testid="open-shift">
            <p class="muted">{s.cash_desk().desk_no_shift}</p>
            <h3>{s.cash_desk().desk_open_heading}</h3>
            <form class="form-row" on:submit=submit>
                <label>{s.cash_desk().desk_counted_opening}
                    <input name="counted_opening" inputmode="decimal" placeholder="0"
                        prop:value=counted on:input=move |ev| counted.set(event_target_value(&ev)) />
                </label>
                {move || suggested.get().map(|v| view! { <small class="muted">{format!("{}: {v}", s.cash_desk().desk_suggested)}</small> })}
                <button type="submit" class="primary" disabled=move || open.pending().get()>{s.cash_desk().desk_open}</button>
            </form>
            {move || error.get().map(|e| view! { <p class="status-error" role="alert">{e.message()}</p> })}
        </section>
    }
}
