//! Hardening (issue "no request makes the server fail"): each test here failed on the main of
//! wave 1 — dates out of range, unbounded and racy sign-in, stale writes starving the pool,
//! reverts that double-book, lock races answered 500, missing security headers, client-decided
//! cookie and address, audit rows without old values.

use emhana_api_types::visits::VisitView;
use emhana_api_types::ProblemDetails;
use futures_util::future::join_all;
use reqwest::Method;
use serde_json::{json, Value};

use crate::visits::{booked, clinic, count, pay};

fn fields(p: &ProblemDetails) -> Vec<String> {
    p.errors.iter().map(|e| e.field.clone()).collect()
}

both_backends! {
    async fn a_nul_character_in_any_body_is_refused_before_the_database(app) {
        let owner = app.owner_token().await;
        for (path, body) in [
            ("/api/v1/registers", json!({"name": "Касса\u{0}2"})),
            ("/api/v1/patients", json!({"first_name": "Айгерим", "phone": "87011234567", "notes": "x\u{0}y"})),
        ] {
            let res = app.post_json(path, Some(&owner), &body).await;
            assert_eq!(res.status(), 400, "{path}");
            let p: emhana_api_types::ProblemDetails = res.json().await.unwrap();
            assert!(p.detail.contains("нулевой символ"), "{}", p.detail);
        }
        assert_eq!(crate::visits::count(&app, "SELECT COUNT(*) FROM patients").await, 0);
    }

    async fn dates_outside_the_window_get_422_naming_the_field_on_every_endpoint(app) {
        let owner = app.owner_token().await;
        for path in [
            "/api/v1/analytics/revenue-daily?from=%2B262142-12-31&to=%2B262142-12-31",
            "/api/v1/analytics/trends?from=%2B262142-12-31&to=%2B262142-12-31&period=week",
            "/api/v1/analytics/trends?from=%2B262142-12-31&to=%2B262142-12-31&period=month",
            "/api/v1/analytics/summary?from=1899-12-31&to=2026-01-01",
            "/api/v1/appointments?from=2200-01-01",
            "/api/v1/audit-log?from=9999-12-31T00:00:00Z",
        ] {
            let res = app.get_auth(path, &owner).await;
            assert_eq!(res.status(), 422, "{path}");
            let p: ProblemDetails = res.json().await.unwrap();
            assert!(!p.errors.is_empty(), "{path}: a field is named");
        }
        let (desk, doctor, services, patient) = clinic(&app).await;
        for start in ["9999-12-31T23:00:00-05:00", "9999-12-31T23:00:00Z", "2200-01-01T10:00:00+05:00"] {
            let res = app.post_json("/api/v1/appointments", Some(&desk), &json!({"patient_id": patient, "doctor_id": doctor, "starts_at": start, "service_ids": [services[0]]})).await;
            assert_eq!(res.status(), 422, "{start}");
            let p: ProblemDetails = res.json().await.unwrap();
            assert_eq!(fields(&p), ["starts_at"], "{start}");
        }
        let res = app.post_json("/api/v1/patients", Some(&desk), &json!({"first_name": "Нұрлан", "phone": "87017654321", "birth_date": "+262142-01-01"})).await;
        assert_eq!(res.status(), 422);
        // The server is still whole: a sane range answers.
        let res = app.get_auth("/api/v1/analytics/trends?from=2199-01-01&to=2199-12-31&period=month", &owner).await;
        assert_eq!(res.status(), 200);
    }

    async fn over_long_sign_in_input_is_refused_before_anything_is_written(app) {
        let before = count(&app, "SELECT COUNT(*) FROM login_attempts").await;
        let audit_before = count(&app, "SELECT COUNT(*) FROM audit_log").await;
        for body in [
            json!({"login": "x".repeat(101), "password": "whatever-1"}),
            json!({"login": "owner", "password": "p".repeat(257)}),
            json!({"login": "x".repeat(100_000), "password": "p".repeat(100_000)}),
        ] {
            let res = app.post_json("/api/v1/auth/login", None, &body).await;
            assert_eq!(res.status(), 422);
        }
        assert_eq!(count(&app, "SELECT COUNT(*) FROM login_attempts").await, before);
        assert_eq!(count(&app, "SELECT COUNT(*) FROM audit_log").await, audit_before);
    }

    async fn fifty_parallel_wrong_passwords_check_at_most_five(app) {
        let url = format!("{}/api/v1/auth/login", app.address);
        let tries = (0..50).map(|i| {
            app.client.post(&url).json(&json!({"login": "owner", "password": format!("wrong-{i}")})).send()
        });
        let statuses: Vec<u16> = join_all(tries).await.into_iter().map(|r| r.unwrap().status().as_u16()).collect();
        let checked = statuses.iter().filter(|s| **s == 401).count();
        let locked = statuses.iter().filter(|s| **s == 429).count();
        assert!(checked <= 5, "{checked} passwords were checked");
        assert_eq!(checked + locked, 50, "only 401 and 429: {statuses:?}");
        assert_eq!(count(&app, "SELECT COUNT(*) FROM login_attempts WHERE login_key = 'owner'").await, checked as i64);
        // The refused ones left one audit row for the lock window, not one each.
        let locked_rows = count(&app, "SELECT COUNT(*) FROM audit_log WHERE action = 'login_locked'").await;
        assert_eq!(locked_rows, i64::from(locked > 0));
        let failed_rows = count(&app, "SELECT COUNT(*) FROM audit_log WHERE action = 'login_failed'").await;
        assert_eq!(failed_rows, checked as i64);
    }

    async fn reverting_a_cancelled_visit_into_a_taken_slot_is_refused(app) {
        let (desk, doctor, services, patient) = clinic(&app).await;
        let admin = app.token_for("admin").await;
        let at = "2026-11-26T10:00:00+05:00";
        let first = booked(&app, &desk, json!({"patient_id": patient, "doctor_id": doctor, "starts_at": at, "service_ids": [services[0]]})).await;
        let status = |id: i64, body: Value| {
            let url = format!("/api/v1/appointments/{id}/status");
            let token = admin.clone();
            let app = &app;
            async move { app.post_json(&url, Some(&token), &body).await }
        };
        assert_eq!(status(first.summary.id, json!({"status": "cancelled"})).await.status(), 200);
        let second = booked(&app, &desk, json!({"patient_id": patient, "doctor_id": doctor, "starts_at": at, "service_ids": [services[0]]})).await;
        let res = status(first.summary.id, json!({"status": "scheduled", "reason": "ошибка"})).await;
        assert_eq!(res.status(), 409);
        let p: Value = res.json().await.unwrap();
        assert!(p.to_string().contains(&second.summary.id.to_string()), "names the other visit: {p}");
        let still: VisitView = app.get_auth(&format!("/api/v1/appointments/{}", first.summary.id), &admin).await.json().await.unwrap();
        assert_eq!(still.summary.status, "cancelled");
        // An explicit override with a reason is the manager's way through.
        let res = status(first.summary.id, json!({"status": "scheduled", "reason": "ошибка", "allow_overlap": true, "overlap_reason": "двое в кресле"})).await;
        assert_eq!(res.status(), 200);
        // Back on a free calendar, a revert needs no override.
        assert_eq!(status(second.summary.id, json!({"status": "cancelled"})).await.status(), 200);
        assert_eq!(status(second.summary.id, json!({"status": "cancelled"})).await.status(), 409);
    }

    async fn forty_parallel_stale_patches_get_409_and_the_server_stays_ready(app) {
        // Patients and directories decided "stale or missing?" on a second pool connection while
        // the first held the write: 40 at once starved the pool (8 connections in tests).
        let (desk, doctor, services, patient) = clinic(&app).await;
        let v = booked(&app, &desk, json!({"patient_id": patient, "doctor_id": doctor, "starts_at": "2026-11-26T10:00:00+05:00", "service_ids": [services[0]]})).await;
        let patches = (0..40).map(|i| {
            let (url, body) = match i % 2 {
                0 => (format!("{}/api/v1/patients/{patient}", app.address),
                      json!({"first_name": "Айгерим", "phone": "87011234567", "version": 99})),
                _ => (format!("{}/api/v1/appointments/{}", app.address, v.summary.id),
                      json!({"notes": format!("n{i}"), "version": v.summary.version + 100})),
            };
            app.client.patch(url).bearer_auth(&desk).json(&body).send()
        });
        let ready = async {
            let mut worst = 200;
            for _ in 0..10 {
                let s = app.get("/readyz").await.status().as_u16();
                worst = worst.max(s);
            }
            worst
        };
        let (answers, ready) = tokio::join!(join_all(patches), ready);
        for a in answers {
            assert_eq!(a.unwrap().status(), 409);
        }
        assert_eq!(ready, 200);
    }

    async fn bookings_and_moves_onto_the_same_doctor_and_patient_never_answer_5xx(app) {
        // Booking locked doctor → patient, moving locked visit → patient → doctor: on PostgreSQL
        // a booking and a move of the same patient onto the same doctor deadlocked (500).
        let (desk, d1, services, patient) = clinic(&app).await;
        let admin = app.token_for("admin").await;
        let d2: Value = app.post_json("/api/v1/doctors", Some(&admin), &json!({"first_name": "Арман", "last_name": "Сейтов", "specialization": "Терапевт"})).await.json().await.unwrap();
        let d2 = d2["id"].as_i64().unwrap();
        let mut pairs = Vec::new();
        for i in 0..12 {
            let v = booked(&app, &desk, json!({"patient_id": patient, "doctor_id": d1, "starts_at": format!("2026-11-{:02}T09:00:00+05:00", 2 + i), "service_ids": [services[0]]})).await;
            pairs.push((i, v.summary.id, v.summary.version));
        }
        let writes = pairs.iter().flat_map(|(i, id, version)| {
            let book = app.client.post(format!("{}/api/v1/appointments", app.address)).bearer_auth(&desk)
                .json(&json!({"patient_id": patient, "doctor_id": d2, "starts_at": format!("2026-11-{:02}T15:00:00+05:00", 2 + i), "service_ids": [services[0]]}))
                .send();
            let moved = app.client.patch(format!("{}/api/v1/appointments/{id}", app.address)).bearer_auth(&desk)
                .json(&json!({"doctor_id": d2, "starts_at": format!("2026-11-{:02}T11:00:00+05:00", 2 + i), "version": version}))
                .send();
            [book, moved]
        });
        let statuses: Vec<u16> = join_all(writes).await.into_iter().map(|r| r.unwrap().status().as_u16()).collect();
        assert!(statuses.iter().all(|s| *s == 200 || *s == 201), "{statuses:?}");
        assert_stats_match_a_rebuild(&app.store).await;
    }

    async fn parallel_payments_on_one_doctors_day_and_service_never_answer_5xx(app) {
        let (desk, doctor, services, patient) = clinic(&app).await;
        let mut ids = Vec::new();
        for i in 0..12 {
            let at = format!("2026-11-26T{:02}:00:00+05:00", 8 + i);
            let v = booked(&app, &desk, json!({"patient_id": patient, "doctor_id": doctor, "starts_at": at, "service_ids": [services[0], services[1]]})).await;
            ids.push(v.summary.id);
        }
        let rounds = (0..4).flat_map(|_| ids.clone()).map(|id| {
            let app = &app;
            let desk = desk.clone();
            async move { pay(app, &desk, id, json!([{"method": "card", "amount": "500.00"}, {"method": "cash", "amount": "250.00"}])).await.status().as_u16() }
        });
        let statuses = join_all(rounds).await;
        assert!(statuses.iter().all(|s| *s == 201), "{statuses:?}");
        let paid = count(&app, "SELECT CAST(SUM(paid) AS BIGINT) FROM appointments").await;
        assert_eq!(paid, 12 * 4 * 75_000);
        assert_stats_match_a_rebuild(&app.store).await;
    }

    async fn every_response_carries_the_security_headers(app) {
        for path in ["/api/v1/me", "/healthz", "/swagger-ui/", "/", "/crm", "/api/v1/nope"] {
            let res = app.get(path).await;
            let h = res.headers();
            let csp = h.get("content-security-policy").and_then(|v| v.to_str().ok()).unwrap_or_default();
            assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
            assert_eq!(h.get("x-content-type-options").unwrap(), "nosniff", "{path}");
            assert_eq!(h.get("x-frame-options").unwrap(), "DENY", "{path}");
            assert_eq!(h.get("referrer-policy").unwrap(), "no-referrer", "{path}");
        }
    }

    async fn the_cookie_and_the_client_address_are_not_decided_by_client_headers(app) {
        let res = app.client.post(format!("{}/api/v1/auth/login", app.address))
            .header("x-forwarded-proto", "https")
            .header("x-forwarded-for", "203.0.113.7")
            .json(&json!({"login": "owner", "password": emhana_server::config::TEST_OWNER_PASSWORD}))
            .send().await.unwrap();
        assert_eq!(res.status(), 200);
        let cookie = res.headers().get("set-cookie").unwrap().to_str().unwrap().to_owned();
        assert!(!cookie.contains("Secure"), "{cookie}");
        let (ip,): (String,) = sqlx::query_as("SELECT client_ip FROM audit_log WHERE action = 'login' ORDER BY id DESC LIMIT 1")
            .fetch_one(app.store.pool()).await.unwrap();
        assert_eq!(ip, "127.0.0.1");
    }

    async fn updates_audit_the_fields_that_changed_old_and_new(app) {
        let (desk, doctor, services, patient) = clinic(&app).await;
        let admin = app.token_for("admin").await;
        let p: Value = app.get_auth(&format!("/api/v1/patients/{patient}"), &desk).await.json().await.unwrap();
        let res = app.send(Method::PATCH, &format!("/api/v1/patients/{patient}"), Some(&desk), Some(&json!({"first_name": "Айгүл", "last_name": "Ахметова", "phone": "87011234567", "version": p["version"]}))).await;
        assert_eq!(res.status(), 200);
        let s: Value = app.get_auth(&format!("/api/v1/services/{}", services[0]), &admin).await.json().await.unwrap();
        let res = app.send(Method::PATCH, &format!("/api/v1/services/{}", services[0]), Some(&admin), Some(&json!({"name": "Консультация", "base_price": "4500", "duration_minutes": 30, "version": s["version"]}))).await;
        assert_eq!(res.status(), 200);
        let d: Value = app.get_auth(&format!("/api/v1/doctors/{doctor}"), &admin).await.json().await.unwrap();
        let res = app.send(Method::PATCH, &format!("/api/v1/doctors/{doctor}"), Some(&admin), Some(&json!({"first_name": "Ерлан", "last_name": "Жұмабаев", "specialization": "Ортодонт", "version": d["version"]}))).await;
        assert_eq!(res.status(), 200);
        for (entity, old, new) in [
            ("patient", json!({"first_name": "Айгерим"}), json!({"first_name": "Айгүл"})),
            ("service", json!({"base_price": "5000.00"}), json!({"base_price": "4500.00"})),
            ("doctor", json!({"specialization": "Стоматолог"}), json!({"specialization": "Ортодонт"})),
        ] {
            let (o, n): (String, String) = sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT old_json, new_json FROM audit_log WHERE entity = '{entity}' AND action = 'update' ORDER BY id DESC LIMIT 1"
            ))).fetch_one(app.store.pool()).await.unwrap();
            assert_eq!(serde_json::from_str::<Value>(&o).unwrap(), old, "{entity}");
            assert_eq!(serde_json::from_str::<Value>(&n).unwrap(), new, "{entity}");
        }
        if app.db == crate::helpers::Db::Postgres {
            let truncated = sqlx::query("TRUNCATE audit_log").execute(app.store.pool()).await;
            assert!(truncated.is_err(), "TRUNCATE of the audit log is refused");
        }
    }
}

/// The aggregates the writes keep equal a rebuild from scratch, and every money sum agrees
/// (`Store::reconcile` does both: it compares with a rebuild made in a rolled-back transaction).
pub(crate) async fn assert_stats_match_a_rebuild(store: &emhana_store::Store) {
    let found = store.reconcile().await.unwrap();
    assert_eq!(
        found.stats_differences,
        Vec::<String>::new(),
        "stats kept by the writes == rebuilt"
    );
    assert!(found.is_exact(), "the database reconciles: {found:?}");
}
