//! Incremental sync (issue 21): a client that keeps a mirror of the clinic through
//! `?updated_since=` and the `Emhana-Next-Updated-Since` header ends with exactly what the full
//! lists say, after random writes of every kind between its polls.

use std::collections::BTreeMap;

use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::{Db, TestApp};
use crate::visits::clinic;

/// The six mirrored lists: path, and whether it pages (`{items, next_cursor}`) or is an array.
const LISTS: [(&str, bool); 6] = [
    ("/api/v1/patients", true),
    ("/api/v1/doctors", false),
    ("/api/v1/services", false),
    ("/api/v1/lead-sources", false),
    ("/api/v1/appointments", true),
    ("/api/v1/payments", true),
];

/// Names a visit copies from its patient, doctor and source: a mirror takes them from those
/// records' own feeds, so they are left out of the comparison of visits.
const COPIED: [&str; 4] = ["patient", "patient_phone", "doctor", "source_label"];

/// A mirror of the six lists by id, and where each resumes.
struct Mirror {
    rows: Vec<BTreeMap<i64, Value>>,
    since: Vec<String>,
    /// Rows received in all (repeats included), to see the feed is incremental.
    received: usize,
}

impl Mirror {
    fn new() -> Self {
        Self {
            rows: vec![BTreeMap::new(); LISTS.len()],
            since: vec!["2000-01-01T00:00:00Z".into(); LISTS.len()],
            received: 0,
        }
    }

    /// One poll of every list: pages until the last, then resumes from its header.
    async fn poll(&mut self, app: &TestApp, token: &str) {
        for (n, (path, paged)) in LISTS.iter().enumerate() {
            let mut cursor: Option<String> = None;
            loop {
                let mut url = format!(
                    "{path}?updated_since={}&limit=7",
                    self.since[n].replace('+', "%2B")
                );
                if let Some(c) = &cursor {
                    url.push_str(&format!("&cursor={c}"));
                }
                let res = app.get_auth(&url, token).await;
                assert_eq!(res.status(), 200, "{url}");
                let next_since = res
                    .headers()
                    .get("Emhana-Next-Updated-Since")
                    .map(|v| v.to_str().unwrap().to_owned());
                let body: Value = res.json().await.unwrap();
                let items = if *paged { &body["items"] } else { &body };
                let items = items.as_array().unwrap();
                let mut last_key = String::new();
                for item in items {
                    // Change order: (updated_at, id) never goes back within a poll.
                    let key = format!(
                        "{}~{:012}",
                        item["updated_at"].as_str().unwrap(),
                        item["id"]
                    );
                    assert!(key > last_key, "{path}: {key} after {last_key}");
                    last_key = key;
                    self.rows[n].insert(item["id"].as_i64().unwrap(), item.clone());
                }
                self.received += items.len();
                cursor = if *paged {
                    body["next_cursor"].as_str().map(str::to_owned)
                } else {
                    None
                };
                match (&cursor, next_since) {
                    (Some(_), None) => {}
                    (None, Some(since)) => {
                        self.since[n] = since;
                        break;
                    }
                    (c, h) => panic!("{path}: cursor {c:?} with header {h:?}"),
                }
            }
        }
    }
}

/// Every row of a list as the ordinary endpoints give it (inactive ones included).
async fn full_list(app: &TestApp, token: &str, path: &str, paged: bool) -> BTreeMap<i64, Value> {
    let mut all = BTreeMap::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut url = format!("{path}?limit=200");
        if path.contains("patients") || !paged {
            url.push_str("&include_inactive=true");
        }
        if let Some(c) = &cursor {
            url.push_str(&format!("&cursor={}", c.replace('+', "%2B")));
        }
        let body: Value = app.get_auth(&url, token).await.json().await.unwrap();
        let items = if paged { &body["items"] } else { &body };
        for item in items.as_array().unwrap() {
            all.insert(item["id"].as_i64().unwrap(), item.clone());
        }
        cursor = body["next_cursor"].as_str().map(str::to_owned);
        if !paged || cursor.is_none() {
            return all;
        }
    }
}

fn without_copied_names(mut rows: BTreeMap<i64, Value>) -> BTreeMap<i64, Value> {
    for row in rows.values_mut() {
        for field in COPIED {
            row.as_object_mut().unwrap().remove(field);
        }
    }
    rows
}

/// A small deterministic generator (the test must fail the same way twice).
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 33) as usize) % n.max(1)
    }
}

async fn json_of(res: reqwest::Response) -> (u16, Value) {
    let code = res.status().as_u16();
    (code, res.json().await.unwrap_or(Value::Null))
}

/// One random write; returns its status code.
async fn random_write(app: &TestApp, owner: &str, rng: &mut Lcg, step: usize) -> u16 {
    let pick = |rows: &BTreeMap<i64, Value>, rng: &mut Lcg| -> Option<Value> {
        let all: Vec<&Value> = rows.values().collect();
        (!all.is_empty()).then(|| all[rng.below(all.len())].clone())
    };
    let patients = full_list(app, owner, "/api/v1/patients", true).await;
    let services = full_list(app, owner, "/api/v1/services", false).await;
    let visits = full_list(app, owner, "/api/v1/appointments", true).await;
    let doctors = full_list(app, owner, "/api/v1/doctors", false).await;
    match rng.below(12) {
        0 => {
            let letters = ["Арман", "Дина", "Жанар", "Ерлан", "Сауле"];
            let body = json!({"first_name": letters[rng.below(5)], "last_name": "Сейткали",
                "phone": format!("8701{:07}", 1_000_000 + step)});
            json_of(app.post_json("/api/v1/patients", Some(owner), &body).await)
                .await
                .0
        }
        1 => {
            let Some(p) = pick(&patients, rng) else {
                return 0;
            };
            let body = json!({"first_name": "Переименован", "last_name": p["last_name"], "phone": p["phone"],
                "notes": format!("шаг {step}"), "version": p["version"]});
            let path = format!("/api/v1/patients/{}", p["id"]);
            json_of(
                app.send(Method::PATCH, &path, Some(owner), Some(&body))
                    .await,
            )
            .await
            .0
        }
        2 => {
            let Some(p) = pick(&patients, rng) else {
                return 0;
            };
            let path = format!("/api/v1/patients/{}?version={}", p["id"], p["version"]);
            json_of(app.send(Method::DELETE, &path, Some(owner), None).await)
                .await
                .0
        }
        3 => {
            let body = json!({"name": format!("Услуга {step}"), "base_price": format!("{}.50", 1000 + step), "duration_minutes": 20});
            json_of(app.post_json("/api/v1/services", Some(owner), &body).await)
                .await
                .0
        }
        4 => {
            let Some(s) = pick(&services, rng) else {
                return 0;
            };
            if rng.below(2) == 0 {
                let path = format!("/api/v1/services/{}?version={}", s["id"], s["version"]);
                return json_of(app.send(Method::DELETE, &path, Some(owner), None).await)
                    .await
                    .0;
            }
            let body = json!({"name": s["name"], "base_price": format!("{}.00", 2000 + step), "duration_minutes": 30, "version": s["version"]});
            let path = format!("/api/v1/services/{}", s["id"]);
            json_of(
                app.send(Method::PATCH, &path, Some(owner), Some(&body))
                    .await,
            )
            .await
            .0
        }
        5 => {
            let Some(d) = pick(&doctors, rng) else {
                return 0;
            };
            let body = json!({"first_name": d["first_name"], "last_name": d["last_name"],
                "specialization": format!("Терапевт {step}"), "version": d["version"]});
            let path = format!("/api/v1/doctors/{}", d["id"]);
            json_of(
                app.send(Method::PATCH, &path, Some(owner), Some(&body))
                    .await,
            )
            .await
            .0
        }
        6 => {
            let body =
                json!({"code": format!("partner_{step}"), "label": format!("Партнёр {step}")});
            json_of(
                app.post_json("/api/v1/lead-sources", Some(owner), &body)
                    .await,
            )
            .await
            .0
        }
        7 | 8 => {
            let active = |rows: &BTreeMap<i64, Value>| -> BTreeMap<i64, Value> {
                rows.iter()
                    .filter(|r| r.1["is_active"] == true)
                    .map(|(k, v)| (*k, v.clone()))
                    .collect()
            };
            let (Some(p), Some(d)) = (pick(&active(&patients), rng), pick(&doctors, rng)) else {
                return 0;
            };
            let active: Vec<&Value> = services
                .values()
                .filter(|s| s["is_active"] == true)
                .collect();
            let Some(s) = (!active.is_empty()).then(|| active[rng.below(active.len())]) else {
                return 0;
            };
            let body = json!({"patient_id": p["id"], "doctor_id": d["id"], "service_ids": [s["id"]],
                "starts_at": format!("2026-12-{:02}T{:02}:00:00+05:00", 1 + step / 8, 9 + step % 8)});
            json_of(
                app.post_json("/api/v1/appointments", Some(owner), &body)
                    .await,
            )
            .await
            .0
        }
        9 => {
            let Some(v) = pick(&visits, rng) else {
                return 0;
            };
            let status = ["in_progress", "completed", "cancelled", "no_show"][rng.below(4)];
            let path = format!("/api/v1/appointments/{}/status", v["id"]);
            json_of(
                app.post_json(&path, Some(owner), &json!({"status": status}))
                    .await,
            )
            .await
            .0
        }
        10 => {
            let Some(v) = pick(&visits, rng) else {
                return 0;
            };
            let remaining: f64 = v["remaining"].as_str().unwrap().parse().unwrap();
            if remaining < 2.0 {
                return 0;
            }
            let path = format!("/api/v1/appointments/{}/payments", v["id"]);
            let body = json!({"payments": [{"method": "card", "amount": "1.25"}, {"method": "qr", "amount": "0.75"}]});
            json_of(app.post_json(&path, Some(owner), &body).await)
                .await
                .0
        }
        _ => {
            let payments = full_list(app, owner, "/api/v1/payments", true).await;
            let Some(p) = pick(&payments, rng) else {
                return 0;
            };
            if rng.below(2) == 0 {
                let path = format!("/api/v1/payments/{}/void", p["id"]);
                json_of(
                    app.post_json(&path, Some(owner), &json!({"reason": "ошибка кассира"}))
                        .await,
                )
                .await
                .0
            } else {
                let path = format!("/api/v1/appointments/{}/refunds", p["appointment_id"]);
                json_of(
                    app.post_json(
                        &path,
                        Some(owner),
                        &json!({"amount": "0.50", "reason": "возврат"}),
                    )
                    .await,
                )
                .await
                .0
            }
        }
    }
}

async fn mirror_matches_after_random_writes(app: TestApp) {
    let owner = app.owner_token().await;
    clinic(&app).await;
    let mut mirror = Mirror::new();
    mirror.poll(&app, &owner).await;
    let mut rng = Lcg(21);
    let mut codes: BTreeMap<u16, usize> = BTreeMap::new();
    for step in 0..150 {
        let code = random_write(&app, &owner, &mut rng, step).await;
        *codes.entry(code).or_default() += 1;
        assert!(code < 500, "step {step}: {code}");
        if step % 9 == 8 {
            mirror.poll(&app, &owner).await;
        }
    }
    mirror.poll(&app, &owner).await;
    for (n, (path, paged)) in LISTS.iter().enumerate() {
        let full = full_list(&app, &owner, path, *paged).await;
        let (mirrored, full) = if path.contains("appointments") {
            (
                without_copied_names(mirror.rows[n].clone()),
                without_copied_names(full),
            )
        } else {
            (mirror.rows[n].clone(), full)
        };
        assert_eq!(mirrored, full, "{path}");
    }
    // The writes did happen (of every kind), and the feed is incremental: with no settle time,
    // each poll brings what changed since the last, not the whole clinic again.
    let count =
        |n: usize, f: &dyn Fn(&Value) -> bool| mirror.rows[n].values().filter(|v| f(v)).count();
    assert!(codes.get(&201).copied().unwrap_or(0) >= 30, "{codes:?}");
    assert!(
        count(0, &|p| p["is_active"] == false) >= 1,
        "an inactive patient"
    );
    assert!(
        count(4, &|_| true) >= 8,
        "visits: {} {codes:?}",
        count(4, &|_| true)
    );
    assert!(count(5, &|_| true) >= 4, "payments: {codes:?}");
    assert!(
        count(5, &|p| !p["voided_at"].is_null()) >= 1,
        "a voided payment"
    );
    assert!(
        count(5, &|p| p["refunded"] != "0.00") >= 1,
        "a refunded payment"
    );
    let rows: usize = mirror.rows.iter().map(BTreeMap::len).sum();
    assert!(
        mirror.received < rows * 3,
        "received {} for {rows} rows",
        mirror.received
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mirror_kept_by_updated_since_equals_the_clinic_sqlite() {
    let app = TestApp::spawn_with(Db::Sqlite, |s| s.sync_settle_secs = 0).await;
    mirror_matches_after_random_writes(app).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mirror_kept_by_updated_since_equals_the_clinic_postgres() {
    let app = TestApp::spawn_with(Db::Postgres, |s| s.sync_settle_secs = 0).await;
    mirror_matches_after_random_writes(app).await;
}

both_backends! {
    async fn the_changes_feed_overlaps_by_the_settle_time_and_refuses_what_it_cannot_honour(app) {
        let owner = app.owner_token().await;
        let (_desk, doctor, _services, patient) = clinic(&app).await;
        // With the default settle time (60 s) a poll right after a change sees it again: a
        // late-committing writer stamped before the horizon would otherwise be lost.
        let res = app.get_auth("/api/v1/patients?updated_since=2000-01-01T00:00:00Z", &owner).await;
        assert_eq!(res.status(), 200);
        let next = res.headers()["Emhana-Next-Updated-Since"].to_str().unwrap().to_owned();
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["items"][0]["id"], patient);
        let res = app.get_auth(&format!("/api/v1/patients?updated_since={next}"), &owner).await;
        let again: Value = res.json().await.unwrap();
        assert_eq!(again["items"][0]["id"], patient, "re-read within the settle time");

        // Deactivated rows come as such.
        let path = format!("/api/v1/doctors/{doctor}?version=1");
        assert_eq!(app.send(Method::DELETE, &path, Some(&owner), None).await.status(), 204);
        let doctors: Value = app.get_auth("/api/v1/doctors?updated_since=2000-01-01T00:00:00Z", &owner).await.json().await.unwrap();
        assert_eq!(doctors[0]["is_active"], false, "{doctors}");
        assert!(doctors[0]["updated_at"].as_str().unwrap().ends_with('Z'));

        // Bad input is named; filters that would hide rows leaving them are refused.
        let bad: Value = app.get_auth("/api/v1/appointments?updated_since=вчера&cursor=x&status=completed", &owner).await.json().await.unwrap();
        let fields: Vec<&str> = bad["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
        assert_eq!(fields, ["updated_since", "cursor"], "{bad}");
        let res = app.get_auth("/api/v1/appointments?updated_since=2026-01-01T00:00:00Z&status=completed&from=2026-01-01", &owner).await;
        assert_eq!(res.status(), 422);
        let bad: Value = res.json().await.unwrap();
        let codes: Vec<(&str, &str)> = bad["errors"].as_array().unwrap().iter().map(|e| (e["field"].as_str().unwrap(), e["code"].as_str().unwrap())).collect();
        assert_eq!(codes, [("from", "not_with_updated_since"), ("status", "not_with_updated_since")]);
        for path in [
            "/api/v1/patients?updated_since=2026-01-01T00:00:00Z&q=Ахметова",
            "/api/v1/services?updated_since=2026-01-01T00:00:00Z&doctor_id=1",
            "/api/v1/payments?updated_since=2026-01-01T00:00:00Z&to=2026-01-01",
            "/api/v1/payments?updated_since=2026-01-01T00:00:00Z&limit=0",
        ] {
            assert_eq!(app.get_auth(path, &owner).await.status(), 422, "{path}");
        }
        // Ordinary lists carry no sync header.
        let res = app.get_auth("/api/v1/patients", &owner).await;
        assert!(res.headers().get("Emhana-Next-Updated-Since").is_none());
    }

    async fn the_payment_journal_lists_every_visits_payments_newest_first(app) {
        let owner = app.owner_token().await;
        let (desk, doctor, services, patient) = clinic(&app).await;
        let mut visit_ids = Vec::new();
        for hour in [10, 11] {
            let body = json!({"patient_id": patient, "doctor_id": doctor, "service_ids": [services[0]],
                "starts_at": format!("2026-11-26T{hour}:00:00+05:00")});
            let (code, v) = json_of(app.post_json("/api/v1/appointments", Some(&desk), &body).await).await;
            assert_eq!(code, 201, "{v}");
            let id = v["id"].as_i64().unwrap();
            visit_ids.push(id);
            let pay = json!({"payments": [{"method": "card", "amount": "1500.00"}]});
            let path = format!("/api/v1/appointments/{id}/payments");
            assert_eq!(app.post_json(&path, Some(&desk), &pay).await.status(), 201);
        }
        let (code, page) = json_of(app.get_auth("/api/v1/payments?limit=1", &owner).await).await;
        assert_eq!(code, 200);
        let first = &page["items"][0];
        assert_eq!(first["appointment_id"], visit_ids[1], "newest first: {page}");
        assert_eq!(first["amount"], "1500.00");
        assert_eq!(first["allocations"][0]["amount"], "1500.00");
        let cursor = page["next_cursor"].as_str().unwrap();
        let (_, next) = json_of(app.get_auth(&format!("/api/v1/payments?limit=1&cursor={cursor}"), &owner).await).await;
        assert_eq!(next["items"][0]["appointment_id"], visit_ids[0]);
        assert!(next["next_cursor"].is_null());
        // Payment days filter (both payments were taken today in the clinic's zone).
        let (_, none) = json_of(app.get_auth("/api/v1/payments?to=2020-01-01", &owner).await).await;
        assert_eq!(none["items"], json!([]));
        // A doctor reads only their own schedule: not the clinic's journal.
        let doc = app.token_for("doctor").await;
        assert_eq!(app.get_auth("/api/v1/payments", &doc).await.status(), 403);
    }
}
