//! The shell: restores the session, shows the login form until someone signs in, then the
//! sidebar (only what the role may use) and the router outlet.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::{Route, Router, Routes, A};
use leptos_router::path;

use crate::i18n::t;
use crate::pages::{
    account::AccountPage, analytics::AnalyticsPage, audit::AuditPage, backups::BackupsPage,
    cash_desk::CashDeskPage, clinic::ClinicPage, crm::CrmPage, doctors::DoctorsPage,
    exports::ExportsPage, home::Home, integrations::IntegrationsPage, login::Login,
    loyalty::LoyaltyPage, patients::PatientsPage, reminders::RemindersPage, services::ServicesPage,
    sources::SourcesPage, staff::StaffPage, visits::VisitsPage,
};
use crate::routes::SECTIONS;
use crate::{api, session};

/// Root component mounted on `<body>`.
#[component]
pub fn App() -> impl IntoView {
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
                    view! { <Shell /> }.into_any()
                }
            }}
        </Router>
    }
}

/// Sidebar + pages for a signed-in user.
#[component]
fn Shell() -> impl IntoView {
    let s = t();
    let user = session::user();
    // Not an action: signing out replaces the shell (and this component) before the request's
    // task ends.
    let logout = move |_| spawn_local(api::logout());
    view! {
        <div class="layout">
            <aside class="sidebar">
                <p class="brand" data-testid="app-title">{s.app_name}</p>
                <nav aria-label="Главное меню">
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
                        {move || user.with(|u| u.as_ref().map(|u| format!("{} · {}", u.display_name, u.role.label_ru())))}
                    </span>
                    <a href="/account" data-testid="account-link">{s.account_link}</a>
                    <button class="link" data-testid="logout" on:click=logout>{s.logout}</button>
                </div>
            </aside>
            <main class="content">
                <Routes fallback=|| view! { <h1>{t().not_found}</h1> }>
                    <Route path=path!("/") view=Home />
                    <Route path=path!("/login") view=Home />
                    <Route path=path!("/crm") view=CrmPage />
                    <Route path=path!("/visits") view=VisitsPage />
                    <Route path=path!("/patients") view=PatientsPage />
                    <Route path=path!("/reminders") view=RemindersPage />
                    <Route path=path!("/cash-desk") view=CashDeskPage />
                    <Route path=path!("/doctors") view=DoctorsPage />
                    <Route path=path!("/services") view=ServicesPage />
                    <Route path=path!("/sources") view=SourcesPage />
                    <Route path=path!("/analytics") view=AnalyticsPage />
                    <Route path=path!("/exports") view=ExportsPage />
                    <Route path=path!("/loyalty") view=LoyaltyPage />
                    <Route path=path!("/audit") view=AuditPage />
                    <Route path=path!("/staff") view=StaffPage />
                    <Route path=path!("/clinic") view=ClinicPage />
                    <Route path=path!("/integrations") view=IntegrationsPage />
                    <Route path=path!("/backups") view=BackupsPage />
                    <Route path=path!("/account") view=AccountPage />
                </Routes>
            </main>
        </div>
    }
}
