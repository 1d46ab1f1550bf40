//! For owners and admins: the clinic's cash-desk rules (refuse non-cash payments without an open
//! shift, the difference a cashier may close with, the day end after which an open shift is
//! stale) and a new register.

use emhana_api_types::cash_desk::CashDeskSettingsView;
use emhana_domain::Money;
use leptos::prelude::*;

use crate::api::{self, ApiError};
use crate::erased::{effect, Loaded, Task};
use crate::i18n::t;

/// The settings form and "add a register"; `on_added` after a register is added.
#[component]
pub fn DeskSettings(on_added: impl Fn() + Copy + Send + Sync + 'static) -> impl IntoView {
    let s = t();
    let require = RwSignal::new(false);
    let tolerance = RwSignal::new(String::new());
    let day_end = RwSignal::new(String::new());
    let loaded = Loaded::new(api::cash_desk_settings);
    effect(move || {
        if let Some(Ok(v)) = loaded.get() {
            require.set(v.require_open_shift);
            tolerance.set(v.tolerance.clone());
            day_end.set(v.day_end.clone());
        }
    });
    let message = RwSignal::new(None::<Result<&'static str, ApiError>>);
    let save = Task::new(|body: &CashDeskSettingsView| api::save_cash_desk_settings(body.clone()));
    effect(move || match save.result() {
        Some(Ok(_)) => message.set(Some(Ok(s.desk_saved))),
        Some(Err(e)) => message.set(Some(Err(e))),
        None => {}
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let typed = tolerance.get_untracked();
        let tolerance = Money::wire_from_user_input(&typed);
        save.dispatch_local(CashDeskSettingsView {
            require_open_shift: require.get_untracked(),
            tolerance,
            day_end: day_end.get_untracked(),
        });
    };
    view! {
        <details class="panel no-print" data-testid="desk-settings">
            <summary>{s.cash_desk().desk_settings}</summary>
            <form class="form-row" on:submit=submit>
                <label><input type="checkbox" name="require_open_shift" prop:checked=require
                    on:change=move |ev| require.set(event_target_checked(&ev)) />{s.cash_desk().desk_require_shift}</label>
                <label>{s.cash_desk().desk_tolerance}
                    <input name="tolerance" inputmode="decimal" prop:value=tolerance on:input=move |ev| tolerance.set(event_target_value(&ev)) />
                </label>
                <label>{s.cash_desk().desk_day_end}
                    <input type="time" name="day_end" prop:value=day_end on:input=move |ev| day_end.set(event_target_value(&ev)) />
                </label>
                <button type="submit" disabled=move || save.pending().get()>{s.save}</button>
            </form>
            {move || message.get().map(|m| match m {
                Ok(text) => view! { <p class="muted">{text}</p> }.into_any(),
                Err(e) => view! { <p class="status-error" role="alert">{e.message()}</p> }.into_any(),
            })}
            <AddRegister on_added=on_added />
        </details>
    }
}

#[component]
fn AddRegister(on_added: impl Fn() + Copy + Send + Sync + 'static) -> impl IntoView {
    let s = t();
    let name = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    let add = Task::new(|name: &String| api::create_register(name.clone()));
    effect(move || match add.result() {
        Some(Ok(_)) => {
            name.set(String::new());
            error.set(None);
            on_added();
        }
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        add.dispatch_local(name.get_untracked());
    };
    view! {
        <form class="form-row" on:submit=submit>
            <label>{s.cash_desk().desk_new_register}
                <input name="register_name" prop:value=name on:input=move |ev| name.set(event_target_value(&ev)) />
            </label>
            <button type="submit" disabled=move || add.pending().get()>{s.cash_desk().desk_add_register}</button>
        </form>
        {move || error.get().map(|e| view! { <p class="status-error" role="alert">{e.message()}</p> })}
    }
}
