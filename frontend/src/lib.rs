//! The Emhana SPA (Leptos, client-side rendered). It is built twice: the front desk's bundle
//! (sign-in, CRM with the visit card and payments, visits, the own account) and the full one
//! with every page; `emhana_api_types::spa` says which page boots which. Each binary calls one
//! entry point below, so link-time optimisation drops the pages the other bundle has.

mod api;
mod app;
mod clinic;
mod components;
mod dates;
mod erased;
mod i18n;
mod pages;
mod routes;
mod session;

use leptos::prelude::*;

/// Boots the front desk's bundle (the `emhana-desk` binary).
pub fn start_desk() {
    start(routes::desk_routes);
}

/// Boots the bundle with every page (the `emhana-web` binary).
pub fn start_full() {
    start(routes::full_routes);
}

fn start(routes: fn() -> AnyView) {
    console_error_panic_hook::set_once();
    i18n::init();
    routes::remember_boot_path();
    leptos::mount::mount_to_body(move || view! { <app::App routes=routes /> });
}
