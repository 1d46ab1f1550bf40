//! The shell: restores the session, shows the login form until someone signs in, then the
//! sidebar (only what the role may use) and the router outlet.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::{Router, A};

use crate::components::language::LanguageSwitch;
use crate::i18n::t;
use crate::pages::login::Login;
use crate::routes::SECTIONS;
use crate::{api, session};

/// Root component mounted on `<body>`.
#[component]
pub fn App(
    /// The bundle's route table (`routes::desk_routes` or `routes::full_routes`).
    routes: fn() -> AnyView,
) -> impl IntoView {
    let user = session::init();
    let restoring = RwSignal::new(session::may_have_session());
    spawn_local(async {
        if let Ok(h) = api::health().await {
            crate::clinic::set_zone(&h.timezone);
        }
    });
    // A reload loses the in-memory access token: the refresh cookie brings the session back.
    if restoring.get_untracked() {
        spawn_local(async move {
            if api::refresh().await.is_err() {
                session::clear();
            }
            restoring.set(false);
        });
    }
    view! {
        <Router>
            {move || {
                if restoring.get() {
                    view! { <p class="muted centered">{t().loading}</p> }.into_any()
                } else if user.with(Option::is_none) {
                    view! { <Login /> }.into_any()
                } else {
                    view! { <Shell routes=routes /> }.into_any()
                }
            }}
        </Router>
    }
}

/// Sidebar + pages for a signed-in user.
#[component]
fn Shell(routes: fn() -> AnyView) -> impl IntoView {
    let s = t();
    let user = session::user();
    // Not an action: signing out replaces the shell (and this component) before the request's
    // task ends.
    let logout = move |_| spawn_local(api::logout());
    view! {
        <div class="layout">
            <aside class="sidebar">
                <p class="brand" data-testid="app-title">{s.app_name}</p>
                <nav aria-label=s.main_menu>
                    {move || {
                        SECTIONS
                            .iter()
                            .filter(|sec| session::can(sec.permission))
                            .map(|sec| view! { <A href=sec.path>{(sec.label)(s)}</A> })
                            .collect_view()
                    }}
                </nav>
                <div class="whoami">
                    <span data-testid="whoami">
                        {move || user.with(|u| u.as_ref().map(|u| format!("{} · {}", u.display_name, crate::i18n::t().role(u.role))))}
                    </span>
                    <a href="/account" data-testid="account-link">{s.account_link}</a>
                    <LanguageSwitch signed_in=true />
                    <button class="link" data-testid="logout" on:click=logout>{s.logout}</button>
                </div>
            </aside>
            <main class="content">
                {routes()}
            </main>
        </div>
    }
}
