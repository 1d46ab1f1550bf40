//! Patients: create/read/update/deactivate, validation naming fields, duplicate phones, stale
//! versions, search by Kazakh names and by any phone spelling, audit rows.

use emhana_api_types::auth::Page;
use emhana_api_types::patients::PatientView;
use emhana_api_types::ProblemDetails;
use serde_json::{json, Value};

async fn create(app: &crate::helpers::TestApp, token: &str, body: Value) -> reqwest::Response {
    app.post_json("/api/v1/patients", Some(token), &body).await
}

async fn search(app: &crate::helpers::TestApp, token: &str, q: &str) -> Vec<String> {
    let url = format!(
        "/api/v1/patients?q={}",
        q.replace('+', "%2B").replace(' ', "%20")
    );
    let page: Page<PatientView> = app.get_auth(&url, token).await.json().await.unwrap();
    page.items.into_iter().map(|p| p.first_name).collect()
}

both_backends! {
    async fn a_receptionist_creates_reads_updates_and_deactivates_a_patient(app) {
        let token = app.token_for("receptionist").await;
        let res = create(&app, &token, json!({"first_name": "Айгүл", "last_name": "Сәрсенова", "birth_date": "1990-05-01", "phone": "8 701 123 45 67", "email": "Aigul@Mail.KZ"})).await;
        assert_eq!(res.status(), 201);
        let p: PatientView = res.json().await.unwrap();
        assert_eq!((p.phone.as_str(), p.email.as_deref(), p.version), ("+77011234567", Some("Aigul@mail.kz"), 1));

        let read: PatientView = app.get_auth(&format!("/api/v1/patients/{}", p.id), &token).await.json().await.unwrap();
        assert_eq!(read, p);

        let path = format!("/api/v1/patients/{}", p.id);
        let res = app.send(reqwest::Method::PATCH, &path, Some(&token), Some(&json!({"first_name": "Айгуль", "phone": "+7 (701) 123-45-67", "notes": "VIP", "version": 1}))).await;
        assert_eq!(res.status(), 200);
        let updated: PatientView = res.json().await.unwrap();
        assert_eq!((updated.first_name.as_str(), updated.last_name.as_deref(), updated.version), ("Айгуль", None, 2));

        let stale = app.send(reqwest::Method::PATCH, &path, Some(&token), Some(&json!({"first_name": "X", "phone": "87011234567", "version": 1}))).await;
        assert_eq!(stale.status(), 409);

        let gone = app.send(reqwest::Method::DELETE, &format!("{path}?version=2"), Some(&token), None).await;
        assert_eq!(gone.status(), 200);
        assert!(!gone.json::<PatientView>().await.unwrap().is_active);
        assert!(search(&app, &token, "айг").await.is_empty(), "hidden from search");
        let all: Page<PatientView> = app.get_auth("/api/v1/patients?include_inactive=true", &token).await.json().await.unwrap();
        assert_eq!(all.items.len(), 1, "still in history");

        let actions: Vec<(String,)> = sqlx::query_as("SELECT action FROM audit_log WHERE entity = 'patient' ORDER BY id")
            .fetch_all(app.store.pool()).await.unwrap();
        assert_eq!(actions.into_iter().map(|a| a.0).collect::<Vec<_>>(), ["create", "update", "delete"]);
    }

    async fn validation_errors_name_every_field_in_russian(app) {
        let token = app.token_for("receptionist").await;
        let res = create(&app, &token, json!({"first_name": "R2D2", "phone": "12345", "email": "x@", "birth_date": "2999-01-01"})).await;
        assert_eq!(res.status(), 422);
        let p: ProblemDetails = res.json().await.unwrap();
        let fields: Vec<_> = p.errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["first_name", "birth_date", "phone", "email"]);
        assert!(p.errors[2].message.starts_with("Телефон"));
        let bad_date = create(&app, &token, json!({"first_name": "Қанат", "phone": "87051234567", "birth_date": "01.02.1990"})).await;
        let p: ProblemDetails = bad_date.json().await.unwrap();
        assert_eq!(p.errors[0].field, "birth_date");
        let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM patients").fetch_one(app.store.pool()).await.unwrap();
        assert_eq!(n, 0, "nothing written");
    }

    async fn a_phone_held_by_an_active_patient_is_refused_naming_them(app) {
        let token = app.token_for("receptionist").await;
        let first: PatientView = create(&app, &token, json!({"first_name": "Нұрлан", "last_name": "Ахметов", "phone": "87051234567"})).await.json().await.unwrap();
        let res = create(&app, &token, json!({"first_name": "Другой", "phone": "+7 705 123 45 67"})).await;
        assert_eq!(res.status(), 409);
        let p: ProblemDetails = res.json().await.unwrap();
        assert_eq!((p.errors[0].field.as_str(), p.errors[0].code.as_str()), ("phone", "duplicate_phone"));
        assert!(p.errors[0].message.contains("Нұрлан Ахметов") && p.errors[0].message.contains(&format!("№{}", first.id)), "{}", p.errors[0].message);
        // Once the first is deactivated, the number is free again.
        app.send(reqwest::Method::DELETE, &format!("/api/v1/patients/{}?version=1", first.id), Some(&token), None).await;
        assert_eq!(create(&app, &token, json!({"first_name": "Другой", "phone": "+7 705 123 45 67"})).await.status(), 201);
    }

    async fn search_finds_kazakh_names_in_any_case_and_phones_in_any_spelling(app) {
        let token = app.token_for("receptionist").await;
        for (name, phone) in [("Айгүл", "87011234567"), ("Қанат", "87051112233"), ("Анна", "87479998877")] {
            assert_eq!(create(&app, &token, json!({"first_name": name, "phone": phone})).await.status(), 201);
        }
        assert_eq!(search(&app, &token, "айг").await, ["Айгүл"]);
        assert_eq!(search(&app, &token, "АЙГҮЛ").await, ["Айгүл"]);
        assert_eq!(search(&app, &token, "қан").await, ["Қанат"]);
        assert_eq!(search(&app, &token, "8701").await, ["Айгүл"]);
        assert_eq!(search(&app, &token, "+7 701").await, ["Айгүл"]);
        assert_eq!(search(&app, &token, "111 22").await, ["Қанат"]);
        assert_eq!(search(&app, &token, "50%").await, Vec::<String>::new(), "wildcards are literal");
        assert_eq!(search(&app, &token, "").await.len(), 3);
        let too_long = app.get_auth(&format!("/api/v1/patients?q={}", "a".repeat(101)), &token).await;
        assert_eq!(too_long.status(), 422);
    }

    async fn the_patient_list_pages_by_cursor(app) {
        let token = app.token_for("receptionist").await;
        for i in 0..5 {
            create(&app, &token, json!({"first_name": "Клиент", "phone": format!("8701000000{i}")})).await;
        }
        let first: Page<PatientView> = app.get_auth("/api/v1/patients?limit=3", &token).await.json().await.unwrap();
        assert_eq!(first.items.len(), 3);
        let second: Page<PatientView> = app
            .get_auth(&format!("/api/v1/patients?limit=3&cursor={}", first.next_cursor.unwrap()), &token)
            .await.json().await.unwrap();
        assert_eq!(second.items.len(), 2);
        assert!(second.next_cursor.is_none());
        assert!(second.items[0].id < first.items[2].id);
    }
}

both_backends! {
    async fn the_card_sums_the_history_and_a_deactivated_patient_comes_back(app) {
        use crate::visits::{booked, clinic, pay};
        let (desk, doctor, services, patient) = clinic(&app).await;
        let empty = app.get_auth(&format!("/api/v1/patients/{patient}/history"), &desk).await;
        assert_eq!(empty.status(), 200);
        let empty: Value = empty.json().await.unwrap();
        assert_eq!((empty["visits"].as_i64(), empty["paid"].as_str(), empty["source"].clone()), (Some(0), Some("0.00"), Value::Null));
        // Two past visits (5 000 + 3 000 and 8 000), one cancelled, one booked ahead.
        let done = |v: &emhana_api_types::visits::VisitView| v.summary.id;
        let first = booked(&app, &desk, json!({"patient_id": patient, "doctor_id": doctor, "starts_at": "2026-10-01T10:00:00+05:00", "service_ids": [services[0], services[1]]})).await;
        let second = booked(&app, &desk, json!({"patient_id": patient, "doctor_id": doctor, "starts_at": "2026-10-15T10:00:00+05:00", "service_ids": [services[2]]})).await;
        let cancelled = booked(&app, &desk, json!({"patient_id": patient, "doctor_id": doctor, "starts_at": "2026-10-20T10:00:00+05:00", "service_ids": [services[2]]})).await;
        let ahead = chrono::Utc::now() + chrono::Duration::days(3);
        booked(&app, &desk, json!({"patient_id": patient, "doctor_id": doctor, "starts_at": ahead.to_rfc3339(), "service_ids": [services[0]]})).await;
        for v in [&first, &second] {
            for status in ["in_progress", "completed"] {
                let res = app.post_json(&format!("/api/v1/appointments/{}/status", done(v)), Some(&desk), &json!({"status": status})).await;
                assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
            }
        }
        let res = app.post_json(&format!("/api/v1/appointments/{}/status", done(&cancelled)), Some(&desk), &json!({"status": "cancelled", "reason": "заболел"})).await;
        assert_eq!(res.status(), 200);
        assert_eq!(pay(&app, &desk, done(&first), json!([{"method": "card", "amount": "8000"}])).await.status(), 201);
        assert_eq!(pay(&app, &desk, done(&second), json!([{"method": "cash", "amount": "2500.50"}])).await.status(), 201);

        let h: Value = app.get_auth(&format!("/api/v1/patients/{patient}/history"), &desk).await.json().await.unwrap();
        assert_eq!(h["visits"], 3, "the cancelled visit does not count: {h}");
        assert_eq!(h["attended"], 2);
        assert_eq!(h["billed"], "16000.00");
        assert_eq!(h["paid"], "10500.50");
        assert_eq!(h["debt"], "5499.50");
        assert!(h["first_visit"].as_str().unwrap().starts_with("2026-10-01T05:00:00"), "{h}");
        assert!(h["last_visit"].as_str().unwrap().starts_with("2026-10-15T05:00:00"), "{h}");
        assert!(h["next_visit"].is_string());
        assert!(h["source"].is_string());
        let doctor_token = app.token_for("doctor").await;
        assert_eq!(app.get_auth(&format!("/api/v1/patients/{patient}/history"), &doctor_token).await.status(), 403);
        assert_eq!(app.get_auth("/api/v1/patients/999999/history", &desk).await.status(), 404);

        // Deactivate, let another card take the phone, then bring the first one back.
        let p: PatientView = app.get_auth(&format!("/api/v1/patients/{patient}"), &desk).await.json().await.unwrap();
        let gone: PatientView = app.send(reqwest::Method::DELETE, &format!("/api/v1/patients/{patient}?version={}", p.version), Some(&desk), None).await.json().await.unwrap();
        assert!(!gone.is_active);
        let holder: PatientView = create(&app, &desk, json!({"first_name": "Жанна", "phone": p.phone})).await.json().await.unwrap();
        let back = app.send(reqwest::Method::POST, &format!("/api/v1/patients/{patient}/reactivate?version={}", gone.version), Some(&desk), None).await;
        assert_eq!(back.status(), 409, "the phone is another active patient's now");
        let problem: ProblemDetails = back.json().await.unwrap();
        assert_eq!(problem.errors[0].field, "phone");
        assert!(problem.errors[0].message.contains("Жанна"), "{}", problem.errors[0].message);
        let holder_row: PatientView = app.get_auth(&format!("/api/v1/patients/{}", holder.id), &desk).await.json().await.unwrap();
        app.send(reqwest::Method::DELETE, &format!("/api/v1/patients/{}?version={}", holder.id, holder_row.version), Some(&desk), None).await;
        let stale = app.send(reqwest::Method::POST, &format!("/api/v1/patients/{patient}/reactivate?version={}", p.version), Some(&desk), None).await;
        assert_eq!(stale.status(), 409, "a stale version");
        let back = app.send(reqwest::Method::POST, &format!("/api/v1/patients/{patient}/reactivate?version={}", gone.version), Some(&desk), None).await;
        assert_eq!(back.status(), 200);
        let back: PatientView = back.json().await.unwrap();
        assert!(back.is_active);
        assert_eq!(back.version, gone.version + 1);
        let audited = crate::visits::count(&app, "SELECT COUNT(*) FROM audit_log WHERE entity = 'patient' AND action = 'update' AND new_json LIKE '%is_active%true%'").await;
        assert_eq!(audited, 1);
    }
}
