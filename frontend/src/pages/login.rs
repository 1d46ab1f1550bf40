//! Login page frame (the form arrives with the auth issue): compact and centred.

use leptos::prelude::*;

use crate::i18n::t;

/// `/login`
#[component]
pub fn Login() -> impl IntoView {
    view! {
        <div class="login-box panel">
            <h1>{t().login_title}</h1>
            <p class="muted">{t().section_pending}</p>
        </div>
    }
}
