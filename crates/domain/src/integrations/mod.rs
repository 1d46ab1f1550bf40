//! Integrations (issue 21): API keys for machines and signed webhooks to them. The rules — what a
//! key may be granted, which changes are events, where a webhook may point, how retries back
//! off — live here; the store keeps keys and the outbox, the server verifies and delivers.

pub mod api_key;
pub mod rate_limit;
pub mod webhook;

pub use api_key::NewApiKey;
pub use webhook::{EventType, NewWebhook, WebhookChange};
