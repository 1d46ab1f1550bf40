//! Rate limits (issue 21): the IETF headers on every API answer, 429 + `Retry-After` over a
//! caller's or an address's quota, and — on PostgreSQL — one quota shared by two instances.

use emhana_server::{Application, Settings};
use serde_json::Value;

use crate::helpers::{Db, TestApp};

fn limits(caller: u32, ip: u32) -> impl FnOnce(&mut Settings) {
    move |s: &mut Settings| {
        s.rate_limit_per_minute = caller;
        s.rate_limit_ip_per_minute = ip;
    }
}

/// Waits out the end of a minute window when less than 15 s of it are left, so that a test's
/// requests share one window.
async fn fresh_window() {
    let left = 60 - chrono::Utc::now().timestamp().rem_euclid(60);
    if left < 15 {
        tokio::time::sleep(std::time::Duration::from_secs(
            u64::try_from(left).unwrap() + 1,
        ))
        .await;
    }
}

fn header(res: &reqwest::Response, name: &str) -> String {
    res.headers()
        .get(name)
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default()
}

/// `r` of one quota in a `RateLimit` header.
fn remaining(header: &str, quota: &str) -> Option<u64> {
    header
        .split(", ")
        .find(|item| item.starts_with(&format!("\"{quota}\";")))?
        .split(';')
        .find_map(|p| p.strip_prefix("r="))?
        .parse()
        .ok()
}

async fn a_caller_gets_its_quota_then_429(db: Db) {
    let app = TestApp::spawn_with(db, limits(5, 1000)).await;
    let owner = app.owner_token().await;
    let admin = app.token_for("admin").await;
    fresh_window().await;
    // The owner's requests count down to 0 (making the admin may have spent one of them).
    let mut last: Option<u64> = None;
    let res = loop {
        let res = app.get_auth("/api/v1/patients", &owner).await;
        if res.status() == 429 {
            break res;
        }
        assert_eq!(res.status(), 200);
        assert_eq!(
            header(&res, "RateLimit-Policy"),
            "\"caller\";q=5;w=60, \"ip\";q=1000;w=60"
        );
        let r = remaining(&header(&res, "RateLimit"), "caller").unwrap();
        if let Some(l) = last {
            assert_eq!(r + 1, l);
        }
        assert!(r <= 4);
        last = Some(r);
    };
    assert_eq!(last, Some(0), "429 comes right after the last one allowed");
    let retry: i64 = header(&res, "Retry-After").parse().unwrap();
    assert!((1..=60).contains(&retry), "{retry}");
    assert_eq!(remaining(&header(&res, "RateLimit"), "caller"), Some(0));
    assert!(header(&res, "Content-Type").starts_with("application/problem+json"));
    let problem: Value = res.json().await.unwrap();
    assert_eq!(problem["status"], 429);
    // Another account has its own quota (the address's is far off).
    assert_eq!(app.get_auth("/api/v1/patients", &admin).await.status(), 200);
    // Outside the API (health, the SPA) nothing is counted or limited.
    let res = app.get("/healthz").await;
    assert_eq!(res.status(), 200);
    assert!(res.headers().get("RateLimit").is_none());
}

async fn an_address_gets_its_quota_signed_in_or_not(db: Db) {
    let app = TestApp::spawn_with(db, limits(1000, 4)).await;
    fresh_window().await;
    let mut codes = Vec::new();
    for _ in 0..5 {
        let res = app.get("/api/v1/patients").await;
        codes.push(res.status().as_u16());
        if res.status() == 401 {
            // Anonymous: only the address's quota applies.
            assert_eq!(header(&res, "RateLimit-Policy"), "\"ip\";q=4;w=60");
        }
    }
    assert_eq!(codes, [401, 401, 401, 401, 429]);
}

mod a_caller_gets_its_quota {
    use super::*;
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        a_caller_gets_its_quota_then_429(Db::Sqlite).await
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        a_caller_gets_its_quota_then_429(Db::Postgres).await
    }
}

mod an_address_gets_its_quota {
    use super::*;
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        an_address_gets_its_quota_signed_in_or_not(Db::Sqlite).await
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        an_address_gets_its_quota_signed_in_or_not(Db::Postgres).await
    }
}

/// Two instances on one PostgreSQL database share a caller's quota: what one admitted, the
/// other counts once both have flushed their counts (about a second each).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_share_one_quota_on_postgres() {
    let app = TestApp::spawn_with(Db::Postgres, limits(6, 1000)).await;
    let owner = app.owner_token().await;
    let mut settings = Settings::for_tests(app.url.clone());
    (limits(6, 1000))(&mut settings);
    let second = Application::build(settings).await.unwrap();
    let second_address = format!("http://127.0.0.1:{}", second.port());
    let second_store = second.store().clone();
    tokio::spawn(second.run_until_stopped());
    fresh_window().await;
    for _ in 0..4 {
        assert_eq!(app.get_auth("/api/v1/patients", &owner).await.status(), 200);
    }
    // Let the first instance share its count.
    tokio::time::sleep(std::time::Duration::from_millis(2500)).await;
    let mut codes = Vec::new();
    for n in 0..3 {
        if n == 1 {
            // The second instance learns the shared total when it adds its own first count.
            tokio::time::sleep(std::time::Duration::from_millis(2500)).await;
        }
        let res = app
            .client
            .get(format!("{second_address}/api/v1/patients"))
            .bearer_auth(&owner)
            .send()
            .await
            .unwrap();
        codes.push(res.status().as_u16());
    }
    assert_eq!(
        codes,
        [200, 200, 429],
        "4 on the first instance + 2 here = the quota of 6"
    );
    second_store.close().await;
}
