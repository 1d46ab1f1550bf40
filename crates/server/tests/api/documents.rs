//! Receipts and acts as PDF: the text `pdftotext` reads back names the clinic (requisites set by
//! the owner), the patient and doctor in Kazakh letters, every line and sum; requisites are the
//! owner's to set, validated and audited.

use std::io::Write;

use chrono::{NaiveTime, Utc};
use emhana_domain::ClinicZone;
use serde_json::{json, Value};

use crate::helpers::TestApp;

async fn post(app: &TestApp, token: &str, path: &str, body: Value) -> Value {
    let res = app.post_json(path, Some(token), &body).await;
    assert!(res.status().is_success(), "{path}: {}", res.status());
    res.json().await.unwrap()
}

/// The text of a PDF, spaces of every kind made plain (amounts use no-break spaces).
fn pdf_text(bytes: &[u8]) -> String {
    let mut child = std::process::Command::new("pdftotext")
        .args(["-layout", "-", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("pdftotext (poppler-utils, installed by cargo xtask test)");
    child.stdin.take().unwrap().write_all(bytes).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout)
        .unwrap()
        .replace('\u{a0}', " ")
}

both_backends! {
    async fn a_receipt_and_an_act_print_the_visit_exactly(app) {
        let owner = app.owner_token().await;
        let res = app.send(reqwest::Method::PUT, "/api/v1/settings/clinic", Some(&owner), Some(&json!({"name": "ТОО «Емхана Қала»", "bin": "123456789012", "address": "Алматы, пр. Абая 1", "phone": "8 727 123 45 67"}))).await;
        assert_eq!(res.status(), 200);
        let admin = app.token_for("admin").await;
        let doctor = post(&app, &admin, "/api/v1/doctors", json!({"first_name": "Әлия", "last_name": "Қасымова", "specialization": "Терапевт"})).await["id"].as_i64().unwrap();
        let s1 = post(&app, &admin, "/api/v1/services", json!({"name": "Приём терапевта", "base_price": "10000", "duration_minutes": 30})).await["id"].as_i64().unwrap();
        let s2 = post(&app, &admin, "/api/v1/services", json!({"name": "Анализ крови (ОАК)", "base_price": "5000.50", "duration_minutes": 15})).await["id"].as_i64().unwrap();
        let patient = post(&app, &admin, "/api/v1/patients", json!({"first_name": "Ұлжан", "last_name": "Өмірбекова", "phone": "87010000001"})).await["id"].as_i64().unwrap();
        let zone = ClinicZone::default();
        let starts = zone.to_utc(zone.local_date(Utc::now()), NaiveTime::from_hms_opt(10, 0, 0).unwrap()).to_rfc3339();
        let v = post(&app, &admin, "/api/v1/appointments", json!({"patient_id": patient, "doctor_id": doctor, "starts_at": starts, "service_ids": [s1, s2]})).await;
        let id = v["id"].as_i64().unwrap();
        let line = v["lines"][0]["id"].as_i64().unwrap();
        app.send(reqwest::Method::PATCH, &format!("/api/v1/appointments/{id}/lines/{line}"), Some(&admin), Some(&json!({"price": "9000"}))).await;
        post(&app, &admin, &format!("/api/v1/appointments/{id}/payments"), json!({"payments": [{"method": "card", "amount": "6000"}, {"method": "cash", "amount": "4000"}]})).await;

        let desk = app.token_for("receptionist").await;
        let res = app.get_auth(&format!("/api/v1/appointments/{id}/receipt"), &desk).await;
        assert_eq!(res.status(), 200);
        assert_eq!(res.headers()["content-type"], "application/pdf");
        let text = pdf_text(&res.bytes().await.unwrap());
        for needle in [
            "ТОО «Емхана Қала»", "БИН 123456789012", "Алматы, пр. Абая 1", "+77271234567",
            &format!("КВИТАНЦИЯ ОБ ОПЛАТЕ № {id}"), "Ұлжан Өмірбекова", "+77010000001", "Қасымова Әлия",
            "1. Приём терапевта", "2. Анализ крови (ОАК)", "10 000 ₸", "1 000 ₸", "9 000 ₸", "5 000,50 ₸",
            "Скидка:", "Итого:", "14 000,50 ₸", "Оплачено:", "10 000 ₸", "Остаток к оплате:", "4 000,50 ₸",
            "Карта", "6 000 ₸", "Наличные", "4 000 ₸",
        ] {
            assert!(text.contains(needle), "{needle:?} missing from:\n{text}");
        }
        let res = app.get_auth(&format!("/api/v1/appointments/{id}/act"), &desk).await;
        let text = pdf_text(&res.bytes().await.unwrap());
        for needle in [format!("АКТ ОКАЗАННЫХ УСЛУГ № {id}"), "Исполнитель:".into(), "Заказчик:".into(), "Всего оказано услуг: 2 на сумму 14 000,50 ₸".into()] {
            assert!(text.contains(&needle), "{needle:?} missing from:\n{text}");
        }
        let res = app.get_auth(&format!("/api/v1/appointments/{id}/invoice"), &desk).await;
        let text = pdf_text(&res.bytes().await.unwrap());
        for needle in [format!("СЧЁТ НА ОПЛАТУ № {id}"), "Получатель:".into(), "Плательщик:".into(), "Оплачено ранее:".into(), "К оплате:".into(), "4 000,50 ₸".into()] {
            assert!(text.contains(&needle), "{needle:?} missing from:\n{text}");
        }
        assert_eq!(app.get_auth("/api/v1/appointments/999999/receipt", &desk).await.status(), 404);
    }

    async fn requisites_are_the_owners_validated_and_audited(app) {
        let owner = app.owner_token().await;
        let admin = app.token_for("admin").await;
        let current: Value = app.get_auth("/api/v1/settings/clinic", &admin).await.json().await.unwrap();
        assert_eq!(current["name"], "Медицинский центр", "a neutral name until the owner sets one");
        let body = json!({"name": "Клиника", "bin": null, "address": null, "phone": null});
        assert_eq!(app.send(reqwest::Method::PUT, "/api/v1/settings/clinic", Some(&admin), Some(&body)).await.status(), 403);
        let res = app.send(reqwest::Method::PUT, "/api/v1/settings/clinic", Some(&owner), Some(&json!({"name": " ", "bin": "12", "address": null, "phone": "x"}))).await;
        assert_eq!(res.status(), 422);
        let problem: Value = res.json().await.unwrap();
        let fields: Vec<&str> = problem["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
        assert_eq!(fields, ["name", "bin", "phone"]);
        let res = app.send(reqwest::Method::PUT, "/api/v1/settings/clinic", Some(&owner), Some(&body)).await;
        assert_eq!(res.status(), 200);
        let audit: Value = app.get_auth("/api/v1/audit-log?entity=clinic_requisites", &owner).await.json().await.unwrap();
        assert_eq!(audit["items"][0]["new"]["name"], "Клиника");
        assert_eq!(audit["items"][0]["old"]["name"], "Медицинский центр");
    }
}
