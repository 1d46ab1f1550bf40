//! The audit log: every login attempt recorded, filters and paging, and no way to change history.

use emhana_api_types::auth::{AuditEntryView, Page};
use serde_json::json;

both_backends! {
    async fn login_successes_and_failures_are_audited(app) {
        app.post_json("/api/v1/auth/login", None, &json!({"login": "owner", "password": "bad-password"})).await;
        app.post_json("/api/v1/auth/login", None, &json!({"login": "ghost", "password": "bad-password"})).await;
        let owner = app.owner_token().await;
        let page: Page<AuditEntryView> = app.get_auth("/api/v1/audit-log?entity=user", &owner).await.json().await.unwrap();
        let actions: Vec<_> = page.items.iter().map(|e| (e.action.as_str(), e.user_id)).collect();
        assert_eq!(actions[..3], [("login", Some(1)), ("login_failed", None), ("login_failed", Some(1))]);
        assert_eq!(page.items[1].new.as_ref().unwrap()["reason"], "unknown_login");
        assert_eq!(page.items[2].client_ip.as_deref(), Some("127.0.0.1"));
    }

    async fn the_audit_log_pages_by_cursor_and_filters(app) {
        let owner = app.owner_token().await;
        for _ in 0..3 {
            app.owner_token().await;
        }
        let first: Page<AuditEntryView> = app.get_auth("/api/v1/audit-log?action=login&limit=2", &owner).await.json().await.unwrap();
        assert_eq!(first.items.len(), 2);
        let cursor = first.next_cursor.clone().unwrap();
        let second: Page<AuditEntryView> = app.get_auth(&format!("/api/v1/audit-log?action=login&limit=2&cursor={cursor}"), &owner).await.json().await.unwrap();
        assert_eq!(second.items.len(), 2);
        assert!(second.next_cursor.is_none(), "4 logins in all");
        assert!(second.items[0].id < first.items[1].id);
        let bad = app.get_auth("/api/v1/audit-log?limit=0", &owner).await;
        assert_eq!(bad.status(), 422);
        let bad_from = app.get_auth("/api/v1/audit-log?from=yesterday", &owner).await;
        assert_eq!(bad_from.status(), 422);
    }

    async fn audit_rows_cannot_be_changed_or_deleted(app) {
        let owner = app.owner_token().await;
        for method in [reqwest::Method::DELETE, reqwest::Method::PUT, reqwest::Method::PATCH] {
            let res = app.send(method.clone(), "/api/v1/audit-log", Some(&owner), None).await;
            assert!(res.status() == 404 || res.status() == 405, "{method}: {}", res.status());
        }
        assert!(sqlx::query("UPDATE audit_log SET action = 'x'").execute(app.store.pool()).await.is_err());
        assert!(sqlx::query("DELETE FROM audit_log").execute(app.store.pool()).await.is_err());
    }
}
