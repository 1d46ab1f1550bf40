//! Visit cards answered from memory (issue 22, `emhana_store::card_cache`): a card is served
//! again only until something is committed. A client reads its own writes at once; a change
//! made around the API (direct SQL, another instance) shows within the watcher's tick.

use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::helpers::{Db, TestApp};
use crate::visits::{booked, clinic, pay};

/// The server's count of cards answered from memory (`/metrics`).
async fn hits(app: &TestApp) -> u64 {
    let text = app.get("/metrics").await.text().await.unwrap();
    text.lines()
        .find_map(|l| l.strip_prefix("emhana_visit_cards_total{result=\"hit\"} "))
        .expect("the hit counter is exported")
        .parse()
        .unwrap()
}

async fn card(app: &TestApp, address: &str, token: &str, id: i64) -> Value {
    let res = app
        .client
        .get(format!("{address}/api/v1/appointments/{id}"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    res.json().await.unwrap()
}

/// Reads the card until one read is answered from memory (the watcher reports within a tick
/// of the start, and after every commit the first read goes to the database).
async fn held(app: &TestApp, address: &str, token: &str, id: i64) -> Value {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let before = hits(app).await;
        let v = card(app, address, token, id).await;
        if hits(app).await > before {
            return v;
        }
        assert!(
            Instant::now() < deadline,
            "the card was never answered from memory"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Reads the card until `shows` holds; fails after 5 s (the watcher ticks every 50 ms in tests).
async fn until(app: &TestApp, address: &str, token: &str, id: i64, shows: impl Fn(&Value) -> bool) {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let v = card(app, address, token, id).await;
        if shows(&v) {
            return;
        }
        assert!(Instant::now() < deadline, "the change never showed: {v}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

both_backends! {
    async fn a_kept_card_never_outlives_a_change(app) {
        let (desk, doctor, services, patient) = clinic(&app).await;
        let body = json!({"patient_id": patient, "doctor_id": doctor, "starts_at": "2026-11-26T10:00:00+05:00", "service_ids": [services[0]]});
        let id = booked(&app, &desk, body).await.summary.id;
        let v = held(&app, &app.address, &desk, id).await;
        assert_eq!(v["paid"], "0.00");

        // The writer reads its own write at once, with no wait.
        assert_eq!(pay(&app, &desk, id, json!([{"method": "card", "amount": "1200"}])).await.status(), 201);
        let v = card(&app, &app.address, &desk, id).await;
        assert_eq!(v["paid"], "1200.00");

        // A rename elsewhere in the directories shows on the card at once too.
        let admin = app.token_for("admin").await;
        let d: Value = app.get_auth(&format!("/api/v1/doctors/{doctor}"), &admin).await.json().await.unwrap();
        let renamed = app.send(reqwest::Method::PATCH, &format!("/api/v1/doctors/{doctor}"), Some(&admin), Some(&json!({"first_name": "Нұрлан", "last_name": d["last_name"], "specialization": d["specialization"], "version": d["version"]}))).await;
        assert_eq!(renamed.status(), 200);
        let v = card(&app, &app.address, &desk, id).await;
        assert!(v["doctor"]["name"].as_str().unwrap().contains("Нұрлан"), "{v}");

        // Direct SQL bypasses the server's writes: the watcher sees the commit.
        held(&app, &app.address, &desk, id).await;
        app.exec("UPDATE patients SET first_name = 'Сырой'").await;
        until(&app, &app.address, &desk, id, |v| v["patient"]["name"].as_str().unwrap().contains("Сырой")).await;
        held(&app, &app.address, &desk, id).await;
        app.exec("UPDATE appointments SET notes = 'из SQL'").await;
        until(&app, &app.address, &desk, id, |v| v["notes"] == "из SQL").await;
    }
}

/// With the watcher off (`card_watch_ms = 0`) nothing is kept: every read is the database's.
#[tokio::test]
async fn without_the_watcher_no_card_is_kept() {
    let app = TestApp::spawn_with(Db::Sqlite, |s| s.card_watch_ms = 0).await;
    let (desk, doctor, services, patient) = clinic(&app).await;
    let body = json!({"patient_id": patient, "doctor_id": doctor, "starts_at": "2026-11-26T10:00:00+05:00", "service_ids": [services[0]]});
    let id = booked(&app, &desk, body).await.summary.id;
    for _ in 0..3 {
        card(&app, &app.address, &desk, id).await;
    }
    assert_eq!(hits(&app).await, 0);
    app.exec("UPDATE appointments SET notes = 'из SQL'").await;
    assert_eq!(card(&app, &app.address, &desk, id).await["notes"], "из SQL");
}

/// A payment taken by another instance on the same PostgreSQL shows on this instance's kept card.
#[tokio::test]
async fn another_instances_payment_shows_on_a_kept_card() {
    let app = TestApp::spawn(Db::Postgres).await;
    let (other, _) = app.second_instance().await;
    let (desk, doctor, services, patient) = clinic(&app).await;
    let body = json!({"patient_id": patient, "doctor_id": doctor, "starts_at": "2026-11-26T10:00:00+05:00", "service_ids": [services[0]]});
    let id = booked(&app, &desk, body).await.summary.id;
    assert_eq!(held(&app, &app.address, &desk, id).await["paid"], "0.00");
    let res = app
        .client
        .post(format!("{other}/api/v1/appointments/{id}/payments"))
        .bearer_auth(&desk)
        .json(&json!({"payments": [{"method": "card", "amount": "700"}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    until(&app, &app.address, &desk, id, |v| v["paid"] == "700.00").await;
}
