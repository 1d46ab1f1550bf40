//! HTTP routes, one file per resource, each exposing `configure`. Composed in one place here,
//! so the running app and the OpenAPI document can never disagree about what exists.

pub mod analytics;
pub mod api_keys;
pub mod audit;
pub mod auth;
pub mod backups;
pub mod cash_desk;
pub mod common;
pub mod deposits;
pub mod doctors;
pub mod documents;
pub mod exports;
pub mod health;
pub mod imports;
pub mod lead_sources;
pub mod loyalty;
pub mod me;
pub mod patients;
pub mod payment_journal;
pub mod payments;
pub mod reminders;
pub mod services;
pub mod users;
pub mod visit_view;
pub mod visits;
pub mod webhooks;

use actix_web::web;
use utoipa_actix_web::{scope, service_config::ServiceConfig};

use crate::error::api_not_found;

/// Every documented route: probes at the root, resources under `/api/v1`.
pub fn all(cfg: &mut ServiceConfig) {
    health::configure(cfg);
    cfg.service(
        scope("/api/v1")
            .configure(api_v1)
            .default_service(web::to(api_not_found)),
    );
}

/// Resources under `/api/v1` (each new resource adds its `configure` here).
fn api_v1(cfg: &mut ServiceConfig) {
    auth::configure(cfg);
    me::configure(cfg);
    users::configure(cfg);
    audit::configure(cfg);
    backups::configure(cfg);
    patients::configure(cfg);
    doctors::configure(cfg);
    services::configure(cfg);
    lead_sources::configure(cfg);
    visits::configure(cfg);
    payments::configure(cfg);
    payment_journal::configure(cfg);
    reminders::configure(cfg);
    cash_desk::configure(cfg);
    deposits::configure(cfg);
    loyalty::configure(cfg);
    analytics::configure(cfg);
    exports::configure(cfg);
    imports::configure(cfg);
    documents::configure(cfg);
    api_keys::configure(cfg);
    webhooks::configure(cfg);
}
