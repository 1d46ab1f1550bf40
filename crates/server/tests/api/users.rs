//! Staff accounts: validation, duplicates, optimistic locking, owner-only rules, audit rows.

use emhana_api_types::auth::UserView;
use emhana_api_types::ProblemDetails;
use serde_json::json;

/// (action, user_id, old_json, new_json, request_id) of an audit row.
type AuditTuple = (
    String,
    Option<i64>,
    Option<String>,
    Option<String>,
    Option<String>,
);

both_backends! {
    async fn creating_an_account_validates_every_field_in_russian(app) {
        let owner = app.owner_token().await;
        let res = app.post_json("/api/v1/users", Some(&owner), &json!({"login": "a", "display_name": "", "role": "admin", "password": "short"})).await;
        assert_eq!(res.status(), 422);
        let p: ProblemDetails = res.json().await.unwrap();
        let fields: Vec<_> = p.errors.iter().map(|e| (e.field.as_str(), e.code.as_str())).collect();
        assert_eq!(fields, [("login", "invalid_login"), ("display_name", "required"), ("password", "weak_password")]);
        assert!(p.errors[2].message.contains("Пароль"));
        let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM users").fetch_one(app.store.pool()).await.unwrap();
        assert_eq!(n, 1, "nothing written");
    }

    async fn logins_are_unique_case_insensitively(app) {
        let owner = app.owner_token().await;
        let body = json!({"login": "Aigul", "display_name": "Айгүл", "role": "receptionist", "password": "password-123"});
        assert_eq!(app.post_json("/api/v1/users", Some(&owner), &body).await.status(), 201);
        let dup = json!({"login": "AIGUL", "display_name": "Айгүл", "role": "receptionist", "password": "password-123"});
        let res = app.post_json("/api/v1/users", Some(&owner), &dup).await;
        assert_eq!(res.status(), 409);
        let p: ProblemDetails = res.json().await.unwrap();
        assert_eq!(p.errors[0].field, "login");
        app.login("aigul", "password-123").await;
    }

    async fn a_stale_version_is_refused_with_409(app) {
        let owner = app.owner_token().await;
        let token = app.token_for("receptionist").await;
        let me: UserView = app.get_auth("/api/v1/me", &token).await.json().await.unwrap();
        let path = format!("/api/v1/users/{}", me.id);
        let first = app.send(reqwest::Method::PATCH, &path, Some(&owner), Some(&json!({"display_name": "Нұрлан", "version": me.version}))).await;
        assert_eq!(first.status(), 200);
        let updated: UserView = first.json().await.unwrap();
        assert_eq!((updated.display_name.as_str(), updated.version), ("Нұрлан", me.version + 1));
        let stale = app.send(reqwest::Method::PATCH, &path, Some(&owner), Some(&json!({"display_name": "Қанат", "version": me.version}))).await;
        assert_eq!(stale.status(), 409);
    }

    async fn admins_cannot_create_or_change_owners(app) {
        let admin = app.token_for("admin").await;
        let res = app.post_json("/api/v1/users", Some(&admin), &json!({"login": "boss2", "display_name": "Бастық", "role": "owner", "password": "password-123"})).await;
        assert_eq!(res.status(), 403);
        let patch = app.send(reqwest::Method::PATCH, "/api/v1/users/1", Some(&admin), Some(&json!({"is_active": false, "version": 1}))).await;
        assert_eq!(patch.status(), 403);
        let ok = app.post_json("/api/v1/users", Some(&admin), &json!({"login": "desk2", "display_name": "Әсел", "role": "receptionist", "password": "password-123"})).await;
        assert_eq!(ok.status(), 201);
    }

    async fn a_doctor_account_links_only_to_an_existing_active_doctor(app) {
        let owner = app.owner_token().await;
        let body = json!({"login": "doc2", "display_name": "Ерлан", "role": "doctor", "password": "password-123", "doctor_id": 999});
        let res = app.post_json("/api/v1/users", Some(&owner), &body).await;
        assert_eq!(res.status(), 422);
        assert_eq!(res.json::<ProblemDetails>().await.unwrap().errors[0].field, "doctor_id");
        let doctor: serde_json::Value = app
            .post_json("/api/v1/doctors", Some(&owner), &json!({"first_name": "Ерлан", "last_name": "Жұмабаев", "specialization": "Стоматолог"}))
            .await.json().await.unwrap();
        let body = json!({"login": "doc2", "display_name": "Ерлан", "role": "doctor", "password": "password-123", "doctor_id": doctor["id"]});
        let created: UserView = app.post_json("/api/v1/users", Some(&owner), &body).await.json().await.unwrap();
        assert_eq!(created.doctor_id, doctor["id"].as_i64());
    }

    async fn nobody_deactivates_themselves(app) {
        let owner = app.owner_token().await;
        let res = app.send(reqwest::Method::PATCH, "/api/v1/users/1", Some(&owner), Some(&json!({"is_active": false, "version": 1}))).await;
        assert_eq!(res.status(), 409);
    }

    async fn account_changes_are_audited_with_old_and_new_and_never_the_hash(app) {
        let owner = app.owner_token().await;
        let created: UserView = app
            .post_json("/api/v1/users", Some(&owner), &json!({"login": "doc1", "display_name": "Дәрігер", "role": "doctor", "password": "password-123"}))
            .await.json().await.unwrap();
        app.send(reqwest::Method::PATCH, &format!("/api/v1/users/{}", created.id), Some(&owner), Some(&json!({"role": "admin", "version": created.version}))).await;
        let rows: Vec<AuditTuple> = sqlx::query_as(
            "SELECT action, user_id, old_json, new_json, request_id FROM audit_log WHERE entity = 'user' AND entity_id = $1 AND action IN ('create', 'update') ORDER BY id",
        )
        .bind(created.id)
        .fetch_all(app.store.pool()).await.unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].0, "create");
        assert_eq!(rows[0].1, Some(1), "by the owner");
        assert!(rows[0].3.as_deref().unwrap().contains("\"doctor\""));
        assert_eq!(rows[1].0, "update");
        assert!(rows[1].2.as_deref().unwrap().contains("\"doctor\"") && rows[1].3.as_deref().unwrap().contains("\"admin\""));
        assert_eq!(rows[1].4.as_deref().map(str::len), Some(36), "request id recorded");
        for r in &rows {
            assert!(!r.3.as_deref().unwrap_or_default().contains("argon2"));
        }
    }
}
