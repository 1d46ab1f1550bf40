//! Entry point of the Emhana SPA: installs the panic hook and mounts the app on `<body>`.

mod api;
mod app;
mod clinic;
mod components;
mod i18n;
mod pages;
mod routes;
mod session;

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}
