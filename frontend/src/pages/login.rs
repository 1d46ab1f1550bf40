//! Login: a compact centred form (~27% of a desktop screen, full width on phones).

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;
use leptos_router::NavigateOptions;

use crate::api;
use crate::components::language::LanguageSwitch;
use crate::i18n::t;

/// The sign-in form; on success the shell appears and CRM opens.
#[component]
pub fn Login() -> impl IntoView {
    let s = t();
    let login = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let pending = RwSignal::new(false);
    let navigate = use_navigate();
    // Not an action: a successful sign-in replaces this component (the shell takes over) while
    // the request is still finishing, so the rest of the work runs in a task of its own.
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        pending.set(true);
        error.set(None);
        let navigate = navigate.clone();
        spawn_local(async move {
            match api::login(login.get_untracked(), password.get_untracked()).await {
                Ok(_) => {
                    crate::session::notice().set(None);
                    navigate("/crm", NavigateOptions::default());
                }
                Err(e) => error.set(Some(e.message())),
            }
            pending.set(false);
        });
    };
    view! {
        <div class="login-box panel">
            <h1 data-testid="app-title">{s.app_name}</h1>
            <p class="muted">{s.login_title}</p>
            <form on:submit=submit>
                <label>
                    {s.login_label}
                    <input name="login" autocomplete="username" required autofocus
                        prop:value=login on:input=move |ev| login.set(event_target_value(&ev)) />
                </label>
                <label>
                    {s.password_label}
                    <input name="password" type="password" autocomplete="current-password" required
                        prop:value=password on:input=move |ev| password.set(event_target_value(&ev)) />
                </label>
                {move || crate::session::notice().get().map(|n| view! { <p class="status-ok" role="status" data-testid="login-notice">{n}</p> })}
                {move || error.get().map(|e| view! { <p class="status-error" role="alert" data-testid="login-error">{e}</p> })}
                <button type="submit" disabled=move || pending.get()>{s.login_button}</button>
            </form>
            <LanguageSwitch signed_in=false />
        </div>
    }
}
