//! Rate limits on `/api/`: per caller (an API key or a staff account) and per client address,
//! in fixed minute windows, with the IETF `RateLimit-Policy` / `RateLimit` headers on every API
//! answer and 429 + `Retry-After` over the limit (the rules and header values are the domain's
//! `integrations::rate_limit`).
//!
//! Counting happens in memory, so a request costs a map lookup, not a database write. On
//! PostgreSQL, where several instances serve one clinic, a task adds each instance's counts to
//! the shared `rate_limit_counts` about once a second and learns the totals: all instances
//! together admit at most the limit plus what the others took in the last second.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{web, HttpMessage, ResponseError};
use emhana_domain::integrations::api_key::is_key_token;
use emhana_domain::integrations::rate_limit::{
    limit_header, policy_header, reset_in, window_of, Quota, Usage,
};
use emhana_store::{Backend, Store};

use crate::auth::tokens::hash_token;
use crate::auth::Keys;
use crate::config::Settings;
use crate::security::Security;
use crate::ApiError;

/// How often counts go to the shared table (PostgreSQL) and old windows are forgotten.
const FLUSH_EVERY: Duration = Duration::from_secs(1);

/// Requests of one bucket in one window: the total the database last told (every instance's)
/// and what this instance counted since.
#[derive(Debug, Default, Clone, Copy)]
struct Count {
    shared: u64,
    unflushed: u64,
}

/// The limits and this instance's counts.
#[derive(Debug)]
pub struct RateLimiter {
    caller: Option<Quota>,
    ip: Option<Quota>,
    counts: Mutex<HashMap<(String, i64), Count>>,
}

impl RateLimiter {
    /// The limits of `EMHANA_RATE_LIMIT_PER_MINUTE` and `EMHANA_RATE_LIMIT_IP_PER_MINUTE`
    /// (0: that limit is off).
    pub fn from_settings(settings: &Settings) -> Self {
        let quota = |name, limit: u32| {
            (limit > 0).then_some(Quota {
                name,
                limit: u64::from(limit),
            })
        };
        Self {
            caller: quota("caller", settings.rate_limit_per_minute),
            ip: quota("ip", settings.rate_limit_ip_per_minute),
            counts: Mutex::default(),
        }
    }

    /// Whether any limit is on.
    pub fn enabled(&self) -> bool {
        self.caller.is_some() || self.ip.is_some()
    }

    /// Counts one request of `bucket` in `minute`; the window's count so far.
    fn hit(&self, bucket: String, minute: i64) -> u64 {
        let mut counts = self.counts.lock().unwrap_or_else(|e| e.into_inner());
        let c = counts.entry((bucket, minute)).or_default();
        c.unflushed += 1;
        c.shared + c.unflushed
    }

    /// Forgets finished windows and, when `store` is shared (PostgreSQL), adds this instance's
    /// counts to the database and takes back the totals.
    pub async fn flush(&self, store: Option<&Store>, minute: i64) {
        let pending: Vec<((String, i64), u64)> = {
            let mut counts = self.counts.lock().unwrap_or_else(|e| e.into_inner());
            counts.retain(|k, _| k.1 >= minute - 1);
            counts
                .iter()
                .filter(|(_, c)| c.unflushed > 0)
                .map(|(k, c)| (k.clone(), c.unflushed))
                .collect()
        };
        let Some(store) = store else {
            return;
        };
        for (key, delta) in pending {
            let added = store
                .add_rate_count(&key.0, key.1, i64::try_from(delta).unwrap_or(i64::MAX))
                .await;
            match added {
                Ok(total) => {
                    let mut counts = self.counts.lock().unwrap_or_else(|e| e.into_inner());
                    if let Some(c) = counts.get_mut(&key) {
                        c.unflushed -= delta.min(c.unflushed);
                        c.shared = u64::try_from(total).unwrap_or(0);
                    }
                }
                Err(e) => tracing::warn!(error = %e, "rate-limit counts not shared this time"),
            }
        }
        if minute % 10 == 0 {
            if let Err(e) = store.prune_rate_counts(minute - 2).await {
                tracing::warn!(error = %e, "old rate-limit windows not pruned");
            }
        }
    }
}

/// The flushing task: once a second for as long as the server runs.
pub async fn run(limiter: web::Data<RateLimiter>, store: Store) {
    let shared = (store.backend() == Backend::Postgres).then_some(&store);
    let mut tick = tokio::time::interval(FLUSH_EVERY);
    loop {
        tick.tick().await;
        let minute = window_of(chrono::Utc::now().timestamp());
        limiter.flush(shared, minute).await;
    }
}

/// Who is calling, for the caller quota: an API key (by its hash) or a signed-in account; none
/// for anonymous requests and tokens that do not verify (they get 401 anyway).
fn caller_of(req: &ServiceRequest) -> Option<String> {
    let bearer = req
        .headers()
        .get(actix_web::http::header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")?
        .trim();
    if is_key_token(bearer) {
        return Some(format!("key:{}", &hash_token(bearer)[..16]));
    }
    let claims = req.app_data::<web::Data<Keys>>()?.verify(bearer)?;
    let caller = format!("user:{}", claims.sub);
    // The `Authenticated` extractor takes these instead of verifying the signature again.
    req.extensions_mut().insert(crate::auth::VerifiedClaims {
        token: bearer.to_owned(),
        claims,
    });
    Some(caller)
}

/// actix `from_fn` middleware: counts every `/api/` request against its quotas, answers 429
/// over a limit, and adds the rate-limit headers either way.
pub async fn middleware(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    let limiter = req
        .app_data::<web::Data<RateLimiter>>()
        .filter(|l| l.enabled())
        .cloned();
    let Some(limiter) = limiter.filter(|_| req.path().starts_with("/api/")) else {
        return Ok(next.call(req).await?.map_into_left_body());
    };
    let now = chrono::Utc::now().timestamp();
    let minute = window_of(now);
    let mut usages = Vec::with_capacity(2);
    if let (Some(quota), Some(caller)) = (limiter.caller, caller_of(&req)) {
        let used = limiter.hit(format!("caller:{caller}"), minute);
        usages.push(Usage { quota, used });
    }
    if let Some(quota) = limiter.ip {
        let ip = req
            .app_data::<web::Data<Security>>()
            .map_or_else(|| "unknown".to_owned(), |s| s.client_ip(req.request()));
        let used = limiter.hit(format!("ip:{ip}"), minute);
        usages.push(Usage { quota, used });
    }
    let reset = reset_in(now);
    let headers = [
        ("ratelimit-policy", policy_header(&usages)),
        ("ratelimit", limit_header(&usages, reset)),
    ];
    let mut res = if usages.iter().any(|u| u.exceeded()) {
        let refused = ApiError::RateLimited {
            retry_after_secs: u64::try_from(reset).unwrap_or(1),
        };
        req.into_response(refused.error_response())
            .map_into_right_body()
    } else {
        next.call(req).await?.map_into_left_body()
    };
    for (name, value) in headers {
        if let Ok(value) = HeaderValue::from_str(&value) {
            res.headers_mut()
                .insert(HeaderName::from_static(name), value);
        }
    }
    Ok(res)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limiter(caller: u32, ip: u32) -> RateLimiter {
        let mut s = Settings::for_tests("sqlite://unused.db");
        s.rate_limit_per_minute = caller;
        s.rate_limit_ip_per_minute = ip;
        RateLimiter::from_settings(&s)
    }

    #[test]
    fn zero_turns_a_limit_off() {
        assert!(!limiter(0, 0).enabled());
        assert!(limiter(5, 0).enabled());
        assert_eq!(limiter(0, 7).ip.map(|q| q.limit), Some(7));
    }

    #[tokio::test]
    async fn counts_are_per_bucket_and_window_and_finished_windows_are_forgotten() {
        let l = limiter(5, 5);
        assert_eq!(l.hit("a".into(), 100), 1);
        assert_eq!(l.hit("a".into(), 100), 2);
        assert_eq!(l.hit("b".into(), 100), 1);
        assert_eq!(l.hit("a".into(), 101), 1);
        l.flush(None, 102).await;
        assert_eq!(l.hit("a".into(), 101), 2, "the previous window is kept");
        assert_eq!(l.hit("a".into(), 100), 1, "an older one is gone");
    }
}
