//! Integrations (issue 21): API keys act within their scopes and are audited as the key;
//! webhooks arrive signed, in order, retried after a receiver's 500, from an outbox written in
//! the changing transaction — which survives the server and is delivered once by two instances.

use std::sync::{Arc, Mutex};

use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer};
use emhana_server::{Application, Settings};
use hmac::{Hmac, KeyInit, Mac};
use reqwest::Method;
use serde_json::{json, Value};
use sha2::Sha256;

use crate::helpers::{Db, TestApp};
use crate::visits::clinic;

/// What a receiver got: the headers that matter and the body.
#[derive(Debug, Clone)]
struct Received {
    signature: String,
    event: String,
    body: Vec<u8>,
}

impl Received {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap()
    }
}

/// A webhook receiver on 127.0.0.1: records every post and answers `500` to the first
/// `fail_first` of them, `200` after.
#[derive(Clone)]
struct Receiver {
    url: String,
    got: Arc<Mutex<Vec<Received>>>,
}

impl Receiver {
    async fn start(fail_first: usize) -> Self {
        let got: Arc<Mutex<Vec<Received>>> = Arc::default();
        let seen = Arc::new(Mutex::new(0usize));
        let state = (got.clone(), seen);
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let server = HttpServer::new(move || {
            let (got, seen) = state.clone();
            App::new().default_service(web::to(move |req: HttpRequest, body: web::Bytes| {
                let (got, seen) = (got.clone(), seen.clone());
                async move {
                    let n = {
                        let mut n = seen.lock().unwrap();
                        *n += 1;
                        *n
                    };
                    if n <= fail_first {
                        return HttpResponse::InternalServerError().finish();
                    }
                    let header = |name: &str| {
                        req.headers()
                            .get(name)
                            .and_then(|v| v.to_str().ok())
                            .unwrap_or_default()
                            .to_owned()
                    };
                    got.lock().unwrap().push(Received {
                        signature: header("Emhana-Signature"),
                        event: header("Emhana-Event"),
                        body: body.to_vec(),
                    });
                    HttpResponse::Ok().finish()
                }
            }))
        })
        .workers(1)
        .listen(listener)
        .unwrap()
        .run();
        tokio::spawn(server);
        Self {
            url: format!("http://127.0.0.1:{port}/hooks"),
            got,
        }
    }

    fn received(&self) -> Vec<Received> {
        self.got.lock().unwrap().clone()
    }

    /// Waits until `n` posts arrived (at most 30 s).
    async fn wait_for(&self, n: usize) -> Vec<Received> {
        for _ in 0..300 {
            let got = self.received();
            if got.len() >= n {
                return got;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        panic!(
            "expected {n} posts, got {:?}",
            self.received().iter().map(|r| &r.event).collect::<Vec<_>>()
        );
    }
}

/// Verifies `Emhana-Signature: t=<unix>,v1=<hex>` the way a receiver would.
fn verify(secret: &str, r: &Received) -> bool {
    let mut parts = r.signature.split(',');
    let t = parts
        .next()
        .and_then(|p| p.strip_prefix("t="))
        .unwrap_or_default();
    let v1 = parts
        .next()
        .and_then(|p| p.strip_prefix("v1="))
        .unwrap_or_default();
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("{t}.").as_bytes());
    mac.update(&r.body);
    let hex: String = mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let fresh = (chrono::Utc::now().timestamp() - t.parse::<i64>().unwrap_or(0)).abs() < 300;
    fresh && hex == v1
}

async fn json_of(res: reqwest::Response, status: u16) -> Value {
    let code = res.status().as_u16();
    let body: Value = res.json().await.unwrap_or(Value::Null);
    assert_eq!(code, status, "{body}");
    body
}

fn allow_private(s: &mut Settings) {
    s.webhooks_allow_private = true;
}

/// Every queued delivery is due now: a test need not wait out a retry's back-off.
async fn due_now(app: &TestApp) {
    app.exec("UPDATE webhook_deliveries SET next_attempt_at = '2000-01-01T00:00:00.000000Z' WHERE status = 'pending'").await;
}

both_backends! {
    async fn api_keys_act_within_their_scopes_and_are_audited_as_the_key(app) {
        let owner = app.owner_token().await;
        let (desk, doctor, services, patient) = clinic(&app).await;
        let admin = app.token_for("admin").await;

        // Only owners manage keys; bad requests name every field.
        let body = json!({"name": "1С", "scopes": ["visits_read"]});
        for token in [&admin, &desk] {
            assert_eq!(app.post_json("/api/v1/api-keys", Some(token), &body).await.status(), 403);
        }
        let bad = json_of(app.post_json("/api/v1/api-keys", Some(&owner),
            &json!({"name": " ", "scopes": ["visits_read", "backups", "root"], "expires_at": "2020-01-01T00:00:00Z"})).await, 422).await;
        let fields: Vec<&str> = bad["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
        assert_eq!(fields, ["name", "scopes.1", "scopes.2", "expires_at"]);

        let created = json_of(app.post_json("/api/v1/api-keys", Some(&owner),
            &json!({"name": "МИС партнёра", "scopes": ["payments_write", "visits_read", "patients_read"]})).await, 201).await;
        let token = created["token"].as_str().unwrap().to_owned();
        let key_id = created["key"]["id"].as_i64().unwrap();
        assert!(token.starts_with("emh_") && token.len() == 68, "{token}");
        assert_eq!(created["key"]["scopes"], json!(["patients_read", "visits_read", "payments_write"]));
        assert_eq!(created["key"]["state"], "active");
        let listed = json_of(app.get_auth("/api/v1/api-keys", &owner).await, 200).await;
        assert_eq!(listed[0]["token_prefix"], token[..12]);
        assert!(listed[0].get("token").is_none() && !listed.to_string().contains(&token));

        // Within its scopes it works; outside them, 403; it is no staff account.
        assert_eq!(app.get_auth("/api/v1/patients", &token).await.status(), 200);
        let new_patient = json!({"first_name": "Ким", "last_name": "Ли", "phone": "87019990000"});
        assert_eq!(app.post_json("/api/v1/patients", Some(&token), &new_patient).await.status(), 403);
        for path in ["/api/v1/users", "/api/v1/me", "/api/v1/api-keys", "/api/v1/backups"] {
            assert_eq!(app.get_auth(path, &token).await.status(), 403, "{path}");
        }

        // A payment taken with the key is audited as the key, with no user.
        let visit = json_of(app.post_json("/api/v1/appointments", Some(&desk), &json!({"patient_id": patient, "doctor_id": doctor,
            "starts_at": "2026-11-26T10:00:00+05:00", "service_ids": [services[0]]})).await, 201).await;
        let id = visit["id"].as_i64().unwrap();
        let paid = app.post_json(&format!("/api/v1/appointments/{id}/payments"), Some(&token),
            &json!({"payments": [{"method": "card", "amount": "2000.50"}]})).await;
        let paid = json_of(paid, 201).await;
        assert_eq!(paid["paid"], "2000.50");
        let audit = json_of(app.get_auth("/api/v1/audit-log?entity=payment", &owner).await, 200).await;
        let row = &audit["items"][0];
        assert_eq!((row["api_key_id"].as_i64(), row["user_id"].as_i64()), (Some(key_id), None), "{row}");

        // Revoked: 401 at once; revoking again is harmless; unknown ids 404.
        let revoked = json_of(app.send(Method::DELETE, &format!("/api/v1/api-keys/{key_id}"), Some(&owner), None).await, 200).await;
        assert_eq!(revoked["state"], "revoked");
        assert_eq!(app.get_auth("/api/v1/patients", &token).await.status(), 401);
        assert_eq!(app.send(Method::DELETE, &format!("/api/v1/api-keys/{key_id}"), Some(&owner), None).await.status(), 200);
        assert_eq!(app.send(Method::DELETE, "/api/v1/api-keys/999999", Some(&owner), None).await.status(), 404);
        let audit = json_of(app.get_auth("/api/v1/audit-log?entity=api_key", &owner).await, 200).await;
        let actions: Vec<&str> = audit["items"].as_array().unwrap().iter().map(|r| r["action"].as_str().unwrap()).collect();
        assert_eq!(actions, ["revoke", "create"], "one revoke row, not two");

        // Expired keys and made-up tokens are refused.
        let second = json_of(app.post_json("/api/v1/api-keys", Some(&owner),
            &json!({"name": "Отчёты", "scopes": ["analytics_read"], "expires_at": "2099-01-01T00:00:00Z"})).await, 201).await;
        let second = second["token"].as_str().unwrap().to_owned();
        assert_eq!(app.get_auth("/api/v1/patients", &second).await.status(), 403);
        app.exec("UPDATE api_keys SET expires_at = '2020-01-01T00:00:00.000000Z'").await;
        assert_eq!(app.get_auth("/api/v1/patients", &second).await.status(), 401);
        assert_eq!(app.get_auth("/api/v1/patients", "emh_0000").await.status(), 401);
    }

    async fn webhook_targets_are_checked_and_private_addresses_refused(app) {
        let owner = app.owner_token().await;
        let admin = app.token_for("admin").await;
        let ok = json!({"url": "https://hooks.example.kz/emhana", "events": ["visit.booked"]});
        assert_eq!(app.post_json("/api/v1/webhooks", Some(&admin), &ok).await.status(), 403);
        for url in ["http://127.0.0.1:9/x", "http://localhost/x", "http://10.0.0.7/x", "http://[::1]/x", "http://169.254.169.254/latest"] {
            let res = json_of(app.post_json("/api/v1/webhooks", Some(&owner), &json!({"url": url, "events": ["visit.booked"]})).await, 422).await;
            assert_eq!((res["errors"][0]["field"].as_str(), res["errors"][0]["code"].as_str()), (Some("url"), Some("private_address")), "{url}");
        }
        let bad = json_of(app.post_json("/api/v1/webhooks", Some(&owner), &json!({"url": "ftp://x.kz", "events": ["visit.gone"]})).await, 422).await;
        let fields: Vec<&str> = bad["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
        assert_eq!(fields, ["url", "events.0"]);
        let created = json_of(app.post_json("/api/v1/webhooks", Some(&owner), &ok).await, 201).await;
        assert!(created["secret"].as_str().unwrap().starts_with("whsec_"));
        let id = created["id"].as_i64().unwrap();
        let listed = json_of(app.get_auth("/api/v1/webhooks", &owner).await, 200).await;
        assert!(listed[0].get("secret").is_none(), "the secret is shown once");
        let moved = app.send(Method::PATCH, &format!("/api/v1/webhooks/{id}"), Some(&owner), Some(&json!({"url": "http://192.168.1.10/h"}))).await;
        assert_eq!(moved.status(), 422);
        let rotated = json_of(app.send(Method::PATCH, &format!("/api/v1/webhooks/{id}"), Some(&owner),
            Some(&json!({"rotate_secret": true, "active": false, "events": ["payment.taken", "visit.moved"]}))).await, 200).await;
        assert_ne!(rotated["secret"], created["secret"]);
        assert_eq!((rotated["active"].as_bool(), rotated["events"].clone()), (Some(false), json!(["visit.moved", "payment.taken"])));
        assert_eq!(app.get_auth("/api/v1/webhooks/999/deliveries", &owner).await.status(), 404);
        assert_eq!(app.get_auth(&format!("/api/v1/webhooks/{id}/deliveries?status=odd"), &owner).await.status(), 422);
        assert_eq!(app.send(Method::DELETE, &format!("/api/v1/webhooks/{id}"), Some(&owner), None).await.status(), 204);
        assert_eq!(app.send(Method::DELETE, &format!("/api/v1/webhooks/{id}"), Some(&owner), None).await.status(), 404);
        let audit = json_of(app.get_auth("/api/v1/audit-log?entity=webhook", &owner).await, 200).await;
        let actions: Vec<&str> = audit["items"].as_array().unwrap().iter().map(|r| r["action"].as_str().unwrap()).collect();
        assert_eq!(actions, ["delete", "update", "create"]);
        assert!(!audit.to_string().contains("whsec_"), "secrets never reach the audit log");
    }
}

/// Events of every change type arrive signed, in order, after a 500 is retried; a subscriber
/// of only payments gets only payments; a failed change makes no event; replay re-sends.
async fn events_arrive_signed_in_order(db: Db) {
    let app = TestApp::spawn_with(db, allow_private).await;
    let owner = app.owner_token().await;
    let receiver = Receiver::start(1).await;
    let payments_only = Receiver::start(0).await;
    let hook = json_of(app.post_json("/api/v1/webhooks", Some(&owner), &json!({"url": receiver.url,
        "events": ["visit.booked", "visit.status_changed", "visit.moved", "visit.updated", "payment.taken", "payment.voided", "patient.created", "patient.updated"]})).await, 201).await;
    let secret = hook["secret"].as_str().unwrap().to_owned();
    let hook_id = hook["id"].as_i64().unwrap();
    json_of(
        app.post_json(
            "/api/v1/webhooks",
            Some(&owner),
            &json!({"url": payments_only.url, "events": ["payment.taken"]}),
        )
        .await,
        201,
    )
    .await;

    let (desk, doctor, services, patient) = clinic(&app).await; // patient.created
    let visit = json_of(
        app.post_json(
            "/api/v1/appointments",
            Some(&desk),
            &json!({"patient_id": patient, "doctor_id": doctor,
        "starts_at": "2026-11-26T10:00:00+05:00", "service_ids": [services[0]]}),
        )
        .await,
        201,
    )
    .await; // visit.booked
    let id = visit["id"].as_i64().unwrap();
    let version = visit["version"].as_i64().unwrap();
    json_of(
        app.send(
            Method::PATCH,
            &format!("/api/v1/appointments/{id}"),
            Some(&desk),
            Some(&json!({"starts_at": "2026-11-26T12:00:00+05:00", "version": version})),
        )
        .await,
        200,
    )
    .await; // visit.moved
    json_of(
        app.post_json(
            &format!("/api/v1/appointments/{id}/status"),
            Some(&desk),
            &json!({"status": "in_progress"}),
        )
        .await,
        200,
    )
    .await; // visit.status_changed
    let paid = json_of(
        app.post_json(
            &format!("/api/v1/appointments/{id}/payments"),
            Some(&desk),
            &json!({"payments": [{"method": "card", "amount": "1500"}]}),
        )
        .await,
        201,
    )
    .await; // payment.taken
    let payment = paid["payments"][0]["id"].as_i64().unwrap();
    // Overpaying fails whole: no event.
    assert_eq!(
        app.post_json(
            &format!("/api/v1/appointments/{id}/payments"),
            Some(&desk),
            &json!({"payments": [{"method": "card", "amount": "999999"}]})
        )
        .await
        .status()
        .as_u16()
            / 100,
        4
    );
    let admin = app.token_for("admin").await;
    json_of(
        app.post_json(
            &format!("/api/v1/payments/{payment}/void"),
            Some(&admin),
            &json!({"reason": "ошибка"}),
        )
        .await,
        200,
    )
    .await; // payment.voided
    json_of(app.send(Method::PATCH, &format!("/api/v1/patients/{patient}"), Some(&desk), Some(&json!({"first_name": "Айгерим", "last_name": "Ахметова", "phone": "87011234567", "notes": "аллергия", "version": 1}))).await, 200).await; // patient.updated
    let expected = [
        "patient.created",
        "visit.booked",
        "visit.moved",
        "visit.status_changed",
        "payment.taken",
        "payment.voided",
        "patient.updated",
    ];

    // The first post got a 500: the log says so, and the queue waits behind it.
    for _ in 0..100 {
        let log = json_of(
            app.get_auth(
                &format!("/api/v1/webhooks/{hook_id}/deliveries?status=pending"),
                &owner,
            )
            .await,
            200,
        )
        .await;
        if log["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["last_status_code"] == 500)
        {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(
        receiver.received().is_empty(),
        "nothing passes the failed head"
    );
    due_now(&app).await;
    let got = receiver.wait_for(expected.len()).await;
    let types: Vec<String> = got
        .iter()
        .map(|r| r.json()["type"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(types, expected);
    for r in &got {
        assert!(verify(&secret, r), "signature of {}", r.event);
        assert_eq!(r.event, r.json()["type"]);
    }
    let booked = got[1].json();
    assert_eq!(
        (
            booked["data"]["object"].as_str(),
            booked["data"]["id"].as_i64()
        ),
        (Some("appointment"), Some(id))
    );
    assert_eq!(got[4].json()["data"]["current"]["amount"], "1500.00");
    let only = payments_only.wait_for(1).await;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert_eq!(payments_only.received().len(), 1);
    assert_eq!(only[0].json()["data"]["id"].as_i64(), Some(payment));

    // The log: all delivered, the first after two tries; replay sends the same event again.
    let log = json_of(
        app.get_auth(&format!("/api/v1/webhooks/{hook_id}/deliveries"), &owner)
            .await,
        200,
    )
    .await;
    let items = log["items"].as_array().unwrap();
    assert_eq!(items.len(), expected.len());
    assert!(items
        .iter()
        .all(|d| d["status"] == "delivered" && d["last_status_code"] == 200));
    let first = items.last().unwrap();
    assert_eq!(first["attempts"], 2);
    let replayed = json_of(
        app.post_json(
            &format!("/api/v1/webhook-deliveries/{}/replay", first["id"]),
            Some(&owner),
            &json!({}),
        )
        .await,
        201,
    )
    .await;
    assert_eq!(replayed["event_id"], first["event_id"]);
    let again = receiver.wait_for(expected.len() + 1).await;
    assert_eq!(again.last().unwrap().json()["id"], first["event_id"]);
    assert_eq!(
        app.post_json(
            "/api/v1/webhook-deliveries/999999/replay",
            Some(&owner),
            &json!({})
        )
        .await
        .status(),
        404
    );
}

/// A distinct letters-only surname for the `i`-th test patient.
fn name(i: usize) -> String {
    let letters: Vec<char> = "абвгдежзиклмнопрстуфхцчшэюя".chars().collect();
    format!(
        "Т{}{}",
        letters[i / letters.len()],
        letters[i % letters.len()]
    )
}

/// The outbox outlives the server: events queued while no instance delivers are delivered by
/// the next ones, and two instances on one database post each event exactly once, in order.
async fn two_instances_deliver_each_queued_event_once(db: Db) {
    let app = TestApp::spawn_with(db, |s| {
        s.webhook_poll_ms = 0;
        s.webhooks_allow_private = true;
    })
    .await;
    let owner = app.owner_token().await;
    let receiver = Receiver::start(0).await;
    let hook = json_of(
        app.post_json(
            "/api/v1/webhooks",
            Some(&owner),
            &json!({"url": receiver.url, "events": ["patient.created"]}),
        )
        .await,
        201,
    )
    .await;
    let desk = app.token_for("receptionist").await;
    let n = 40;
    for i in 0..n {
        json_of(app.post_json("/api/v1/patients", Some(&desk), &json!({"first_name": "Пациент", "last_name": name(i), "phone": format!("8701{:07}", 1_000_000 + i)})).await, 201).await;
    }
    let pending = json_of(
        app.get_auth(
            &format!(
                "/api/v1/webhooks/{}/deliveries?status=pending&limit=200",
                hook["id"]
            ),
            &owner,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(
        pending["items"].as_array().unwrap().len(),
        n,
        "each change queued its event"
    );
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert!(receiver.received().is_empty(), "no instance delivers yet");

    let mut instances = Vec::new();
    for _ in 0..2 {
        let mut settings = Settings::for_tests(app.url.clone());
        settings.webhook_poll_ms = 20;
        settings.webhooks_allow_private = true;
        let second = Application::build(settings).await.unwrap();
        instances.push(second.store().clone());
        tokio::spawn(second.run_until_stopped());
    }
    let got = receiver.wait_for(n).await;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    let got_after = receiver.received();
    assert_eq!(got_after.len(), n, "no event twice");
    let ids: Vec<i64> = got
        .iter()
        .map(|r| r.json()["data"]["id"].as_i64().unwrap())
        .collect();
    let mut sorted = ids.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(
        (ids.clone(), sorted.len()),
        (sorted, n),
        "in order, each once"
    );
    for store in instances {
        store.close().await;
    }
}

mod events_arrive_signed_in_order {
    use super::*;
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        events_arrive_signed_in_order(Db::Sqlite).await
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        events_arrive_signed_in_order(Db::Postgres).await
    }
}

mod two_instances_deliver_each_queued_event_once {
    use super::*;
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        two_instances_deliver_each_queued_event_once(Db::Sqlite).await
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        two_instances_deliver_each_queued_event_once(Db::Postgres).await
    }
}
