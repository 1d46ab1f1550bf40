//! The Emhana HTTP API as a library: `main.rs` only parses the command line and calls in here,
//! and tests start the very same [`startup::Application`] on port 0.

pub mod analytics_book;
pub mod auth;
pub mod backup;
pub mod compactor;
pub mod config;
pub mod documents;
pub mod error;
pub mod export_stream;
pub mod import_file;
pub mod metrics;
pub mod openapi;
pub mod rate_limit;
pub mod reminders;
pub mod request_id;
pub mod routes;
pub mod security;
pub mod spa;
pub mod startup;
pub mod telemetry;
pub mod webhooks;

pub use config::Settings;
pub use error::ApiError;
pub use startup::Application;
