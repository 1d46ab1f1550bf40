//! Doctors, the price list and lead sources: CRUD with validation, soft delete, versions, audit.

use emhana_api_types::directories::{DoctorView, LeadSourceView, ServiceView};
use emhana_api_types::ProblemDetails;
use serde_json::json;

both_backends! {
    async fn the_seven_lead_sources_are_seeded_with_repeat_visit_as_default(app) {
        let token = app.token_for("receptionist").await;
        let sources: Vec<LeadSourceView> = app.get_auth("/api/v1/lead-sources", &token).await.json().await.unwrap();
        let codes: Vec<_> = sources.iter().map(|s| s.code.as_str()).collect();
        assert_eq!(codes, ["repeat_visit", "internet_ads", "referral", "2gis", "instagram", "facebook", "other"]);
        assert_eq!(sources[0].label, "Повторное посещение");
        assert_eq!(sources.iter().filter(|s| s.is_default).count(), 1);
        assert!(sources[0].is_default);
    }

    async fn admins_add_relabel_and_deactivate_sources_but_never_delete(app) {
        let admin = app.token_for("admin").await;
        let res = app.post_json("/api/v1/lead-sources", Some(&admin), &json!({"code": "tiktok", "label": "TikTok"})).await;
        assert_eq!(res.status(), 201);
        let s: LeadSourceView = res.json().await.unwrap();
        let dup = app.post_json("/api/v1/lead-sources", Some(&admin), &json!({"code": "tiktok", "label": "Тикток"})).await;
        assert_eq!(dup.status(), 409);
        let bad = app.post_json("/api/v1/lead-sources", Some(&admin), &json!({"code": "Tik Tok", "label": ""})).await;
        let p: ProblemDetails = bad.json().await.unwrap();
        assert_eq!(p.errors.iter().map(|e| e.field.as_str()).collect::<Vec<_>>(), ["code", "label"]);
        let path = format!("/api/v1/lead-sources/{}", s.id);
        let renamed: LeadSourceView = app
            .send(reqwest::Method::PATCH, &path, Some(&admin), Some(&json!({"label": "TikTok реклама", "version": s.version})))
            .await.json().await.unwrap();
        assert_eq!((renamed.code.as_str(), renamed.label.as_str()), ("tiktok", "TikTok реклама"));
        let off = app.send(reqwest::Method::DELETE, &format!("{path}?version={}", renamed.version), Some(&admin), None).await;
        assert_eq!(off.status(), 204);
        let active: Vec<LeadSourceView> = app.get_auth("/api/v1/lead-sources", &admin).await.json().await.unwrap();
        assert!(active.iter().all(|x| x.code != "tiktok"), "hidden from pickers");
        let all: Vec<LeadSourceView> = app.get_auth("/api/v1/lead-sources?include_inactive=true", &admin).await.json().await.unwrap();
        assert!(all.iter().any(|x| x.code == "tiktok" && !x.is_active), "kept for history");
        let default = all.iter().find(|x| x.is_default).unwrap();
        let refused = app
            .send(reqwest::Method::DELETE, &format!("/api/v1/lead-sources/{}?version={}", default.id, default.version), Some(&admin), None)
            .await;
        assert_eq!(refused.status(), 409, "the default source stays active");
        let after: Vec<LeadSourceView> = app.get_auth("/api/v1/lead-sources", &admin).await.json().await.unwrap();
        assert!(after.iter().any(|x| x.is_default && x.is_active));
    }

    async fn doctors_are_created_validated_versioned_and_deactivated(app) {
        let admin = app.token_for("admin").await;
        let bad = app.post_json("/api/v1/doctors", Some(&admin), &json!({"first_name": "", "last_name": "Ж", "specialization": "", "phone": "12"})).await;
        assert_eq!(bad.status(), 422);
        let p: ProblemDetails = bad.json().await.unwrap();
        assert_eq!(p.errors.iter().map(|e| e.field.as_str()).collect::<Vec<_>>(), ["first_name", "specialization", "phone"]);
        // One clinic number shared by two doctors is fine.
        for name in ["Ерлан", "Әлия"] {
            let res = app.post_json("/api/v1/doctors", Some(&admin), &json!({"first_name": name, "last_name": "Жұмабаев", "specialization": "Стоматолог", "phone": "8 727 250 00 00"})).await;
            assert_eq!(res.status(), 201);
        }
        let list: Vec<DoctorView> = app.get_auth("/api/v1/doctors", &admin).await.json().await.unwrap();
        assert_eq!(list.len(), 2);
        assert_eq!(list[0].phone.as_deref(), Some("+77272500000"));
        let d = &list[0];
        let path = format!("/api/v1/doctors/{}", d.id);
        let ok = app.send(reqwest::Method::PATCH, &path, Some(&admin), Some(&json!({"first_name": d.first_name, "last_name": d.last_name, "specialization": "Ортодонт", "version": d.version}))).await;
        assert_eq!(ok.status(), 200);
        let stale = app.send(reqwest::Method::PATCH, &path, Some(&admin), Some(&json!({"first_name": d.first_name, "last_name": d.last_name, "specialization": "Хирург", "version": d.version}))).await;
        assert_eq!(stale.status(), 409);
        let off = app.send(reqwest::Method::DELETE, &format!("{path}?version={}", d.version + 1), Some(&admin), None).await;
        assert_eq!(off.status(), 204);
        let active: Vec<DoctorView> = app.get_auth("/api/v1/doctors", &admin).await.json().await.unwrap();
        assert_eq!(active.len(), 1);
        let missing = app.send(reqwest::Method::DELETE, "/api/v1/doctors/999?version=1", Some(&admin), None).await;
        assert_eq!(missing.status(), 404);
    }

    async fn services_keep_exact_prices_and_audit_price_changes(app) {
        let admin = app.token_for("admin").await;
        let doctor: DoctorView = app
            .post_json("/api/v1/doctors", Some(&admin), &json!({"first_name": "Ерлан", "last_name": "Жұмабаев", "specialization": "Стоматолог"}))
            .await.json().await.unwrap();
        let bad = app.post_json("/api/v1/services", Some(&admin), &json!({"name": "УЗИ", "base_price": "12500.555", "duration_minutes": 0, "doctor_id": 999})).await;
        assert_eq!(bad.status(), 422);
        let p: ProblemDetails = bad.json().await.unwrap();
        assert_eq!(p.errors.iter().map(|e| (e.field.as_str(), e.code.as_str())).collect::<Vec<_>>(), [("base_price", "too_many_decimals"), ("duration_minutes", "out_of_range")]);
        let unknown_doctor = app.post_json("/api/v1/services", Some(&admin), &json!({"name": "УЗИ", "base_price": "12500", "duration_minutes": 30, "doctor_id": 999})).await;
        assert_eq!(unknown_doctor.json::<ProblemDetails>().await.unwrap().errors[0].field, "doctor_id");
        let s: ServiceView = app
            .post_json("/api/v1/services", Some(&admin), &json!({"name": "Консультация", "base_price": "28990.5", "duration_minutes": 30, "doctor_id": doctor.id}))
            .await.json().await.unwrap();
        assert_eq!(s.base_price.to_string(), "28990.50");
        let raw: serde_json::Value = app.get_auth(&format!("/api/v1/services/{}", s.id), &admin).await.json().await.unwrap();
        assert_eq!(raw["base_price"], "28990.50", "a decimal string, never a float");
        let (tiyn,): (i64,) = sqlx::query_as("SELECT base_price FROM services WHERE id = $1").bind(s.id).fetch_one(app.store.pool()).await.unwrap();
        assert_eq!(tiyn, 2_899_050);
        let free = app.post_json("/api/v1/services", Some(&admin), &json!({"name": "Осмотр", "base_price": "0", "duration_minutes": 15})).await;
        assert_eq!(free.status(), 201, "free services are allowed");
        app.send(reqwest::Method::PATCH, &format!("/api/v1/services/{}", s.id), Some(&admin), Some(&json!({"name": "Консультация", "base_price": "30000", "duration_minutes": 30, "doctor_id": doctor.id, "version": s.version}))).await;
        let (old, new): (Option<String>, Option<String>) = sqlx::query_as("SELECT old_json, new_json FROM audit_log WHERE entity = 'service' AND action = 'update'")
            .fetch_one(app.store.pool()).await.unwrap();
        assert!(old.unwrap().contains("\"28990.50\"") && new.unwrap().contains("\"30000.00\""));
        let mine: Vec<ServiceView> = app.get_auth(&format!("/api/v1/services?doctor_id={}", doctor.id), &admin).await.json().await.unwrap();
        assert_eq!(mine.len(), 1);
    }

    async fn receptionists_read_directories_but_cannot_change_them(app) {
        let token = app.token_for("receptionist").await;
        assert_eq!(app.get_auth("/api/v1/services", &token).await.status(), 200);
        let res = app.post_json("/api/v1/services", Some(&token), &json!({"name": "X", "base_price": "1", "duration_minutes": 5})).await;
        assert_eq!(res.status(), 403);
    }
}
