//! The language switch: each language by its own name. Signed in, the choice is saved with the
//! account (and the page reloads in it); on the login page it is remembered by this browser and
//! saved with the account at sign-in.

use emhana_domain::UiLanguage;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api;
use crate::i18n::{self, t};

/// A labelled `<select>` of the UI languages.
#[component]
pub fn LanguageSwitch(
    /// Whether someone is signed in (the choice goes to their account).
    signed_in: bool,
) -> impl IntoView {
    let s = t();
    let error = RwSignal::new(None::<String>);
    let change = move |ev| {
        let Some(language) = UiLanguage::from_code(&event_target_value(&ev)) else {
            return;
        };
        if !signed_in {
            i18n::choose_before_sign_in(language);
            return;
        }
        spawn_local(async move {
            match api::set_language(language).await {
                Ok(account) => i18n::follow_account(account.language),
                Err(e) => error.set(Some(e.message())),
            }
        });
    };
    view! {
        <label class="language">
            {s.language_label}
            <select data-testid="language" on:change=change>
                {UiLanguage::ALL
                    .into_iter()
                    .map(|l| view! { <option value=l.code() selected=l == i18n::current()>{l.native_name()}</option> })
                    .collect_view()}
            </select>
        </label>
        {move || error.get().map(|e| view! { <p class="status-error" role="alert">{e}</p> })}
    }
}
