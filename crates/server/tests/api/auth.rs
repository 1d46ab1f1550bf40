//! Sessions: login, identical refusals, DB-held lockouts and their expiry, refresh rotation with
//! reuse detection, logout, and accounts cut off at once.

use emhana_api_types::auth::{Session, UserView};
use emhana_api_types::{ErrorCode, ProblemDetails};
use emhana_server::config::TEST_OWNER_PASSWORD;
use serde_json::json;

async fn bad_login(
    app: &crate::helpers::TestApp,
    login: &str,
    password: &str,
) -> reqwest::Response {
    app.post_json(
        "/api/v1/auth/login",
        None,
        &json!({"login": login, "password": password}),
    )
    .await
}

both_backends! {
    async fn the_owner_signs_in_and_reads_their_profile(app) {
        let session = app.login("OWNER", TEST_OWNER_PASSWORD).await;
        assert_eq!(session.token_type, "Bearer");
        assert_eq!(session.expires_in, 900);
        assert_eq!(session.user.login, "owner");
        let me: UserView = app.get_auth("/api/v1/me", &session.access_token).await.json().await.unwrap();
        assert_eq!(me.role, emhana_domain::Role::Owner);
        assert!(me.last_login_at.is_some());
    }

    async fn login_sets_an_httponly_strict_cookie_scoped_to_auth(app) {
        let res = bad_login(&app, "owner", TEST_OWNER_PASSWORD).await;
        let cookie = res.headers()["set-cookie"].to_str().unwrap().to_owned();
        assert!(cookie.starts_with("emhana_refresh="), "{cookie}");
        assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict") && cookie.contains("Path=/api/v1/auth"), "{cookie}");
        assert!(!cookie.contains("Secure"), "plain HTTP here: {cookie}");
    }

    async fn unknown_login_and_wrong_password_get_the_same_answer(app) {
        let a = bad_login(&app, "owner", "wrong-password").await;
        let b = bad_login(&app, "nobody", "wrong-password").await;
        assert_eq!((a.status().as_u16(), b.status().as_u16()), (401, 401));
        let (mut pa, mut pb): (ProblemDetails, ProblemDetails) = (a.json().await.unwrap(), b.json().await.unwrap());
        pa.request_id.clear();
        pb.request_id.clear();
        assert_eq!(pa, pb);
        assert_eq!(pa.detail, "Неверный логин или пароль");
    }

    async fn requests_without_or_with_a_bad_token_are_401(app) {
        assert_eq!(app.get("/api/v1/me").await.status(), 401);
        assert_eq!(app.get_auth("/api/v1/me", "garbage").await.status(), 401);
    }

    async fn five_failures_lock_the_login_even_for_the_right_password_until_the_window_passes(app) {
        for _ in 0..5 {
            assert_eq!(bad_login(&app, "owner", "wrong-password").await.status(), 401);
        }
        let locked = bad_login(&app, "owner", TEST_OWNER_PASSWORD).await;
        assert_eq!(locked.status(), 429);
        let retry: u64 = locked.headers()["retry-after"].to_str().unwrap().parse().unwrap();
        assert!((850..=900).contains(&retry), "retry after {retry}");
        let body: ProblemDetails = locked.json().await.unwrap();
        assert_eq!(body.code, ErrorCode::RateLimited);
        // Another login from the same IP is not locked by this login's failures.
        assert_eq!(bad_login(&app, "someone-else", "x").await.status(), 401);
        // 16 minutes later (failures aged in the database) the owner gets in.
        app.exec("UPDATE login_attempts SET at = '2000-01-01T00:00:00.000000Z'").await;
        assert_eq!(bad_login(&app, "owner", TEST_OWNER_PASSWORD).await.status(), 200);
    }

    async fn twenty_failures_from_one_ip_lock_every_login_from_it(app) {
        for i in 0..20 {
            assert_eq!(bad_login(&app, &format!("user{i}"), "x").await.status(), 401);
        }
        assert_eq!(bad_login(&app, "owner", TEST_OWNER_PASSWORD).await.status(), 429);
    }

    async fn refresh_rotates_and_a_replayed_token_revokes_the_session(app) {
        let first = app.login("owner", TEST_OWNER_PASSWORD).await;
        let res = app.post_json("/api/v1/auth/refresh", None, &json!({"refresh_token": first.refresh_token})).await;
        assert_eq!(res.status(), 200);
        let second: Session = res.json().await.unwrap();
        assert_ne!(second.refresh_token, first.refresh_token);
        assert_eq!(app.get_auth("/api/v1/me", &second.access_token).await.status(), 200);
        // Replaying the rotated token: refused, and the fresh one dies with its family.
        let replay = app.post_json("/api/v1/auth/refresh", None, &json!({"refresh_token": first.refresh_token})).await;
        assert_eq!(replay.status(), 401);
        let after = app.post_json("/api/v1/auth/refresh", None, &json!({"refresh_token": second.refresh_token})).await;
        assert_eq!(after.status(), 401);
        let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM audit_log WHERE action = 'refresh_reuse'")
            .fetch_one(app.store.pool()).await.unwrap();
        assert_eq!(n, 1);
    }

    async fn logout_revokes_the_refresh_token_and_clears_the_cookie(app) {
        let s = app.login("owner", TEST_OWNER_PASSWORD).await;
        let res = app.post_json("/api/v1/auth/logout", None, &json!({"refresh_token": s.refresh_token})).await;
        assert_eq!(res.status(), 204);
        assert!(res.headers()["set-cookie"].to_str().unwrap().contains("Max-Age=0"));
        let again = app.post_json("/api/v1/auth/refresh", None, &json!({"refresh_token": s.refresh_token})).await;
        assert_eq!(again.status(), 401);
    }

    async fn a_deactivated_account_is_cut_off_at_once(app) {
        let owner = app.owner_token().await;
        let token = app.token_for("receptionist").await;
        let me: UserView = app.get_auth("/api/v1/me", &token).await.json().await.unwrap();
        let res = app
            .send(reqwest::Method::PATCH, &format!("/api/v1/users/{}", me.id), Some(&owner), Some(&json!({"is_active": false, "version": me.version})))
            .await;
        assert_eq!(res.status(), 200);
        assert_eq!(app.get_auth("/api/v1/me", &token).await.status(), 401, "old access token dies");
        assert_eq!(bad_login(&app, &me.login, "password-123").await.status(), 401, "cannot sign in");
    }

    async fn changing_ones_password_ends_old_sessions_and_the_new_one_works(app) {
        let s = app.login("owner", TEST_OWNER_PASSWORD).await;
        let wrong = app.post_json("/api/v1/me/password", Some(&s.access_token), &json!({"current_password": "nope", "new_password": "new-password-9"})).await;
        assert_eq!(wrong.status(), 422);
        let body: ProblemDetails = wrong.json().await.unwrap();
        assert_eq!(body.errors[0].field, "current_password");
        let ok = app.post_json("/api/v1/me/password", Some(&s.access_token), &json!({"current_password": TEST_OWNER_PASSWORD, "new_password": "new-password-9"})).await;
        assert_eq!(ok.status(), 204);
        assert_eq!(app.get_auth("/api/v1/me", &s.access_token).await.status(), 401);
        app.login("owner", "new-password-9").await;
    }

    async fn the_ui_language_is_kept_per_account_checked_and_audited(app) {
        let token = app.token_for("receptionist").await;
        let me: UserView = app.get_auth("/api/v1/me", &token).await.json().await.unwrap();
        assert_eq!(me.language.code(), "ru", "Russian until chosen");
        for bad in [json!({"language": "kz"}), json!({"language": ""}), json!({"language": "RU"})] {
            let res = app.send(reqwest::Method::PUT, "/api/v1/me/language", Some(&token), Some(&bad)).await;
            assert_eq!(res.status(), 422, "{bad}");
            let body: ProblemDetails = res.json().await.unwrap();
            assert_eq!(body.errors[0].field, "language");
        }
        let res = app.send(reqwest::Method::PUT, "/api/v1/me/language", Some(&token), Some(&json!({"language": 7}))).await;
        assert_eq!(res.status(), 400, "a number is not a language: malformed JSON, as everywhere");
        let after_bad: UserView = app.get_auth("/api/v1/me", &token).await.json().await.unwrap();
        assert_eq!((after_bad.language.code(), after_bad.version), ("ru", me.version), "nothing written by bad input");

        let res = app.send(reqwest::Method::PUT, "/api/v1/me/language", Some(&token), Some(&json!({"language": "kk"}))).await;
        assert_eq!(res.status(), 200);
        let changed: UserView = res.json().await.unwrap();
        assert_eq!(changed.language.code(), "kk");
        let again: UserView = app.get_auth("/api/v1/me", &token).await.json().await.unwrap();
        assert_eq!(again.language.code(), "kk", "kept; the session goes on");
        let fresh = app.login(&me.login, "password-123").await;
        let other: UserView = app.get_auth("/api/v1/me", &fresh.access_token).await.json().await.unwrap();
        assert_eq!(other.language.code(), "kk", "follows the account to a new sign-in");
        let owner = app.owner_token().await;
        let owner_me: UserView = app.get_auth("/api/v1/me", &owner).await.json().await.unwrap();
        assert_eq!(owner_me.language.code(), "ru", "one account's choice is its own");

        let (old, new): (String, String) = sqlx::query_as(
            "SELECT old_json, new_json FROM audit_log WHERE entity = 'user' AND entity_id = $1 AND action = 'update' ORDER BY id DESC LIMIT 1",
        )
        .bind(me.id)
        .fetch_one(app.store.pool())
        .await
        .unwrap();
        assert!(old.contains(r#""ui_language":"ru""#) && new.contains(r#""ui_language":"kk""#), "{old} → {new}");
    }
}
