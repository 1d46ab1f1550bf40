//! Integrations (issue 21): API keys and the webhook outbox. Events are queued by
//! `audit::append` inside the writing transaction; the server's delivery worker claims, posts and
//! settles them through [`webhooks`].

pub mod api_keys;
pub mod webhooks;
