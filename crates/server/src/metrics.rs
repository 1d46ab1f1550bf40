//! `/metrics` in the Prometheus text format: requests by method and status class, a latency
//! histogram, and the database pool's connections. Plain atomics, no registry crate: the set is
//! small and fixed.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{get, web, HttpResponse};
use emhana_store::Store;

use crate::backup::Backups;

/// Upper bounds of the latency buckets, in seconds.
const BUCKETS: [f64; 10] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0, 5.0];
const METHODS: [&str; 5] = ["GET", "POST", "PATCH", "DELETE", "OTHER"];
const CLASSES: [&str; 5] = ["1xx", "2xx", "3xx", "4xx", "5xx"];

struct Metrics {
    requests: [[AtomicU64; 5]; 5],
    buckets: [AtomicU64; 10],
    count: AtomicU64,
    sum_micros: AtomicU64,
}

static METRICS: Metrics = Metrics {
    requests: [const { [const { AtomicU64::new(0) }; 5] }; 5],
    buckets: [const { AtomicU64::new(0) }; 10],
    count: AtomicU64::new(0),
    sum_micros: AtomicU64::new(0),
};

fn record(method: &str, status: u16, seconds: f64) {
    let m = METHODS.iter().position(|x| *x == method).unwrap_or(4);
    let c = usize::from(status / 100).clamp(1, 5) - 1;
    METRICS.requests[m][c].fetch_add(1, Ordering::Relaxed);
    for (i, bound) in BUCKETS.iter().enumerate() {
        if seconds <= *bound {
            METRICS.buckets[i].fetch_add(1, Ordering::Relaxed);
        }
    }
    METRICS.count.fetch_add(1, Ordering::Relaxed);
    METRICS
        .sum_micros
        .fetch_add((seconds * 1e6) as u64, Ordering::Relaxed);
}

/// actix `from_fn` middleware that counts every request and its duration.
pub async fn middleware(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let started = Instant::now();
    let method = req.method().as_str().to_owned();
    let res = next.call(req).await?;
    record(
        &method,
        res.status().as_u16(),
        started.elapsed().as_secs_f64(),
    );
    Ok(res)
}

/// Renders the current values.
fn render(store: &Store) -> String {
    let mut out = String::new();
    out.push_str("# HELP emhana_http_requests_total HTTP requests by method and status class.\n");
    out.push_str("# TYPE emhana_http_requests_total counter\n");
    for (m, method) in METHODS.iter().enumerate() {
        for (c, class) in CLASSES.iter().enumerate() {
            let n = METRICS.requests[m][c].load(Ordering::Relaxed);
            if n > 0 {
                out.push_str(&format!(
                    "emhana_http_requests_total{{method=\"{method}\",status=\"{class}\"}} {n}\n"
                ));
            }
        }
    }
    out.push_str("# HELP emhana_http_request_duration_seconds Time to answer a request.\n");
    out.push_str("# TYPE emhana_http_request_duration_seconds histogram\n");
    for (i, bound) in BUCKETS.iter().enumerate() {
        out.push_str(&format!(
            "emhana_http_request_duration_seconds_bucket{{le=\"{bound}\"}} {}\n",
            METRICS.buckets[i].load(Ordering::Relaxed)
        ));
    }
    let count = METRICS.count.load(Ordering::Relaxed);
    out.push_str(&format!(
        "emhana_http_request_duration_seconds_bucket{{le=\"+Inf\"}} {count}\n"
    ));
    out.push_str(&format!(
        "emhana_http_request_duration_seconds_sum {}\n",
        METRICS.sum_micros.load(Ordering::Relaxed) as f64 / 1e6
    ));
    out.push_str(&format!(
        "emhana_http_request_duration_seconds_count {count}\n"
    ));
    let cards = store.cards().counts();
    out.push_str("# HELP emhana_visit_cards_total Visit cards answered from memory (hit), read from the database (miss), and times all were forgotten after a commit (forget).\n");
    out.push_str("# TYPE emhana_visit_cards_total counter\n");
    for (result, n) in [
        ("hit", &cards.hits),
        ("miss", &cards.misses),
        ("forget", &cards.forgets),
    ] {
        out.push_str(&format!(
            "emhana_visit_cards_total{{result=\"{result}\"}} {}\n",
            n.load(Ordering::Relaxed)
        ));
    }
    out.push_str("# HELP emhana_db_connections Pooled database connections (open, idle).\n");
    out.push_str("# TYPE emhana_db_connections gauge\n");
    out.push_str(&format!(
        "emhana_db_connections{{state=\"open\"}} {}\n",
        store.pool().size()
    ));
    out.push_str(&format!(
        "emhana_db_connections{{state=\"idle\"}} {}\n",
        store.pool().num_idle()
    ));
    out
}

/// Prometheus metrics (text exposition format 0.0.4). Open like the probes: scrape it from the
/// host; it reveals counts only.
#[utoipa::path(tag = "health", responses((status = 200, description = "Prometheus text", content_type = "text/plain")))]
#[get("/metrics")]
pub async fn metrics(store: web::Data<Store>, backups: web::Data<Backups>) -> HttpResponse {
    let mut body = render(&store);
    let status = backups.status();
    body.push_str("# HELP emhana_backup_last_success_timestamp_seconds When the last backup succeeded (0: none since start).\n");
    body.push_str("# TYPE emhana_backup_last_success_timestamp_seconds gauge\n");
    body.push_str(&format!(
        "emhana_backup_last_success_timestamp_seconds {}\n",
        status.last_success_at.map_or(0, |t| t.timestamp())
    ));
    body.push_str("# HELP emhana_backup_failing 1 when the last backup attempt failed.\n");
    body.push_str("# TYPE emhana_backup_failing gauge\n");
    body.push_str(&format!(
        "emhana_backup_failing {}\n",
        u8::from(status.last_failure.is_some())
    ));
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .body(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_land_in_their_method_class_and_buckets() {
        record("PATCH", 409, 0.003);
        assert!(METRICS.requests[2][3].load(Ordering::Relaxed) >= 1);
        // 3 ms is above the 2.5 ms bound and within every bound from 5 ms up.
        assert!(METRICS.buckets[2].load(Ordering::Relaxed) >= 1);
        record("PROPFIND", 200, 10.0);
        assert!(
            METRICS.requests[4][1].load(Ordering::Relaxed) >= 1,
            "other methods"
        );
    }
}
