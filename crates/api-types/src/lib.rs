//! The wire contract between the server, the SPA and integrators.
//!
//! Everything here is plain serde data that compiles for wasm32, so the SPA decodes exactly what the
//! server encodes. Server-only OpenAPI derives sit behind the `openapi` feature.

pub mod analytics;
pub mod auth;
pub mod backups;
pub mod cash_desk;
pub mod clinic;
#[cfg(feature = "openapi")]
pub mod contract;
pub mod deposits;
pub mod directories;
pub mod error;
pub mod health;
pub mod imports;
pub mod integrations;
pub mod patients;
pub mod queries;
pub mod reminders;
pub mod spa;
pub mod visits;

pub use error::{ErrorCode, FieldError, ProblemDetails};
pub use health::{Health, Readiness};
