//! The shell: sidebar navigation plus the router outlet.

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes, A};
use leptos_router::path;

use crate::i18n::t;
use crate::pages::{chart_demo::ChartDemo, home::Home, login::Login, placeholder::Placeholder};
use crate::routes::SECTIONS;

/// Root component mounted on `<body>`.
#[component]
pub fn App() -> impl IntoView {
    let s = t();
    view! {
        <Router>
            <div class="layout">
                <aside class="sidebar">
                    <p class="brand" data-testid="app-title">{s.app_name}</p>
                    <nav aria-label="Главное меню">
                        {SECTIONS
                            .iter()
                            .map(|sec| view! { <A href=sec.path>{(sec.label)(s)}</A> })
                            .collect_view()}
                    </nav>
                </aside>
                <main class="content">
                    <Routes fallback=|| view! { <h1>{t().not_found}</h1> }>
                        <Route path=path!("/") view=Home />
                        <Route path=path!("/login") view=Login />
                        <Route path=path!("/crm") view=|| view! { <Placeholder title=t().nav_crm /> } />
                        <Route path=path!("/visits") view=|| view! { <Placeholder title=t().nav_visits /> } />
                        <Route path=path!("/patients") view=|| view! { <Placeholder title=t().nav_patients /> } />
                        <Route path=path!("/doctors") view=|| view! { <Placeholder title=t().nav_doctors /> } />
                        <Route path=path!("/services") view=|| view! { <Placeholder title=t().nav_services /> } />
                        <Route path=path!("/sources") view=|| view! { <Placeholder title=t().nav_sources /> } />
                        <Route path=path!("/analytics") view=|| view! { <Placeholder title=t().nav_analytics /> } />
                        <Route path=path!("/audit") view=|| view! { <Placeholder title=t().nav_audit /> } />
                        <Route path=path!("/staff") view=|| view! { <Placeholder title=t().nav_staff /> } />
                        <Route path=path!("/exports") view=|| view! { <Placeholder title=t().nav_exports /> } />
                        <Route path=path!("/demo/chart") view=ChartDemo />
                    </Routes>
                </main>
            </div>
        </Router>
    }
}
