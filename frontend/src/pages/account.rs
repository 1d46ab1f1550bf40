//! The signed-in person's own account (`/account`, from the link under their name): change
//! one's password. The server checks the current one; the change ends every session of the
//! account, so the page signs out and the login form says why.

use emhana_api_types::auth::ChangePassword;
use leptos::prelude::*;

use crate::api::{self, ApiError};
use crate::components::form::{field_error, FormError};
use crate::erased::{effect, Task};
use crate::i18n::t;
use crate::session;

/// The fields the form shows the server's messages under.
const FIELDS: &[&str] = &["current_password", "new_password"];

/// `/account`
#[component]
pub fn AccountPage() -> impl IntoView {
    let s = t();
    let current = RwSignal::new(String::new());
    let new = RwSignal::new(String::new());
    let repeat = RwSignal::new(String::new());
    let mismatch = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let change = Task::new(|body: &ChangePassword| api::change_password(body.clone()));
    effect(move || match change.result() {
        Some(Ok(())) => {
            session::notice().set(Some(s.staff.account_changed));
            session::clear();
        }
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        error.set(None);
        let same = new.get_untracked() == repeat.get_untracked();
        mismatch.set(!same);
        if same {
            change.dispatch_local(ChangePassword {
                current_password: current.get_untracked(),
                new_password: new.get_untracked(),
            });
        }
    };
    let message = |f: &'static str| {
        let text = field_error(error, f);
        move || text().map(|m| view! { <span class="status-error">{m}</span> })
    };
    view! {
        <h1>{s.staff.account_title}</h1>
        <form class="panel" on:submit=submit data-testid="password-form">
            <label>{s.staff.account_current}
                <input name="current_password" type="password" autocomplete="current-password" required
                    prop:value=current on:input=move |ev| current.set(event_target_value(&ev)) />
                {message("current_password")}
            </label>
            <label>{s.staff.account_new}
                <input name="new_password" type="password" autocomplete="new-password" required
                    prop:value=new on:input=move |ev| new.set(event_target_value(&ev)) />
                {message("new_password")}
            </label>
            <label>{s.staff.account_repeat}
                <input name="repeat_password" type="password" autocomplete="new-password" required
                    prop:value=repeat on:input=move |ev| repeat.set(event_target_value(&ev)) />
                {move || mismatch.get().then(|| view! { <span class="status-error">{s.staff.account_mismatch}</span> })}
            </label>
            <FormError error fields=FIELDS />
            <button type="submit" class="primary" disabled=move || change.pending().get()>{s.staff.account_submit}</button>
            <p class="muted">{s.staff.account_hint}</p>
        </form>
    }
}
