//! The delivery worker: every tick it claims the due head of each subscriber's queue (see
//! `Store::claim_deliveries`), posts them concurrently, and records each outcome. Retries back
//! off per `emhana_domain::integrations::webhook::next_attempt`; delivered and given-up rows are
//! pruned after [`KEEP_LOG_DAYS`].

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use chrono::Utc;
use emhana_domain::integrations::webhook::next_attempt;
use emhana_store::integrations::webhooks::{ClaimedDelivery, TryOutcome};
use emhana_store::{time, Store};
use futures_util::future::join_all;

use super::{sign, WebhookPolicy};

/// How long a receiver has to answer.
pub const TIMEOUT: Duration = Duration::from_secs(10);
/// A claim's lease: longer than a post can take, so only a dead instance's claims run out.
const LEASE_SECS: i64 = 30;
/// Deliveries claimed per tick (each a different subscriber's head).
const BATCH: i64 = 32;
/// How long the delivery log keeps delivered and given-up rows.
pub const KEEP_LOG_DAYS: i64 = 30;

/// Runs until the store closes: claim, post, record; a full batch goes round again at once.
pub async fn run(store: Store, policy: WebhookPolicy, every: Duration) {
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut last_prune = Instant::now();
    loop {
        tick.tick().await;
        loop {
            if store.pool().is_closed() {
                return;
            }
            let lease = chrono::Duration::seconds(LEASE_SECS);
            let batch = match store.claim_deliveries(Utc::now(), lease, BATCH).await {
                Ok(batch) => batch,
                Err(e) => {
                    tracing::warn!(error = %e, "claiming webhook deliveries failed; next tick");
                    break;
                }
            };
            let full = batch.len() as i64 == BATCH;
            join_all(batch.into_iter().map(|d| deliver(&store, policy, d))).await;
            if !full {
                break;
            }
        }
        if last_prune.elapsed() > Duration::from_secs(3600) {
            last_prune = Instant::now();
            let before = Utc::now() - chrono::Duration::days(KEEP_LOG_DAYS);
            if let Err(e) = store.prune_deliveries(before).await {
                tracing::warn!(error = %e, "pruning the webhook delivery log failed");
            }
        }
    }
}

/// One try of one delivery, recorded.
async fn deliver(store: &Store, policy: WebhookPolicy, d: ClaimedDelivery) {
    let started = Instant::now();
    let outcome = match post(policy, &d).await {
        Ok(status) if (200..300).contains(&status) => TryOutcome::Delivered {
            status_code: status,
            latency_ms: elapsed_ms(started),
        },
        Ok(status) => failed(&d, Some(status), started, format!("HTTP {status}")),
        Err(error) => failed(&d, None, started, error),
    };
    if let TryOutcome::Failed { error, .. } = &outcome {
        tracing::info!(delivery = d.id, url = %d.url, error = %error, "webhook try failed");
    }
    if let Err(e) = store.finish_delivery(d.id, &outcome).await {
        // The lease runs out and the delivery is tried again: at least once, never lost.
        tracing::warn!(delivery = d.id, error = %e, "recording a webhook try failed");
    }
}

fn elapsed_ms(started: Instant) -> i64 {
    i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX)
}

fn failed(d: &ClaimedDelivery, status: Option<u16>, started: Instant, error: String) -> TryOutcome {
    let created = time::decode(&d.created_at).unwrap_or_else(|_| Utc::now());
    let attempt = u32::try_from(d.attempts).unwrap_or(u32::MAX);
    TryOutcome::Failed {
        status_code: status,
        latency_ms: elapsed_ms(started),
        error,
        retry_at: next_attempt(created, attempt, Utc::now()),
    }
}

/// Resolves the host, refuses private addresses (unless allowed), and posts to the address it
/// checked — the connection cannot be re-pointed by a second DNS answer. Redirects are not
/// followed. The receiver's status, or why there is none.
async fn post(policy: WebhookPolicy, d: &ClaimedDelivery) -> Result<u16, String> {
    let url = reqwest::Url::parse(&d.url).map_err(|e| format!("bad URL: {e}"))?;
    let host = url.host_str().ok_or("URL without a host")?.to_owned();
    let port = url.port_or_known_default().ok_or("URL without a port")?;
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    let addrs: Vec<SocketAddr> = tokio::net::lookup_host((bare, port))
        .await
        .map_err(|e| format!("cannot resolve {host}: {e}"))?
        .collect();
    let addr = addrs
        .iter()
        .find(|a| policy.allows(a.ip()))
        .copied()
        .ok_or_else(|| format!("{host} resolves only to private addresses"))?;
    let client = reqwest::Client::builder()
        .timeout(TIMEOUT)
        .redirect(reqwest::redirect::Policy::none())
        .resolve(bare, addr)
        .user_agent("Emhana-Webhooks/1")
        .build()
        .map_err(|e| format!("client: {e}"))?;
    let unix = Utc::now().timestamp();
    let body = d.payload.clone().into_bytes();
    let response = client
        .post(url)
        .header("Content-Type", "application/json")
        .header("Emhana-Signature", sign(&d.secret, unix, &body))
        .header("Emhana-Event", &d.event_type)
        .header("Emhana-Event-Id", &d.event_id)
        .header("Emhana-Delivery", d.id.to_string())
        .body(body)
        .send()
        .await
        .map_err(|e| {
            if e.is_timeout() {
                format!("no answer in {} s", TIMEOUT.as_secs())
            } else {
                format!("cannot post: {e}")
            }
        })?;
    Ok(response.status().as_u16())
}
