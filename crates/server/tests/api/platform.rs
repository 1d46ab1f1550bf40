//! Cross-cutting behaviour: request ids, problem+json for unknown routes, OpenAPI, Swagger UI,
//! the SPA fallback and migrations.

use emhana_api_types::{ErrorCode, ProblemDetails};

both_backends! {
    async fn every_response_carries_a_request_id(app) {
        let res = app.get("/healthz").await;
        let id = res.headers()["x-request-id"].to_str().unwrap().to_owned();
        assert_eq!(id.len(), 36, "a generated uuid, got {id}");

        let res = app
            .client
            .get(format!("{}/healthz", app.address))
            .header("x-request-id", "lb-abc_123")
            .send()
            .await
            .unwrap();
        assert_eq!(res.headers()["x-request-id"], "lb-abc_123");

        let res = app
            .client
            .get(format!("{}/healthz", app.address))
            .header("x-request-id", "bad id with spaces")
            .send()
            .await
            .unwrap();
        assert_ne!(res.headers()["x-request-id"], "bad id with spaces");
    }

    async fn unknown_api_routes_are_problem_json_404_with_the_request_id(app) {
        for path in ["/api/v1/nope", "/api/other"] {
            let res = app.get(path).await;
            assert_eq!(res.status(), 404, "{path}");
            assert_eq!(res.headers()["content-type"], "application/problem+json");
            let id = res.headers()["x-request-id"].to_str().unwrap().to_owned();
            let body: ProblemDetails = res.json().await.unwrap();
            assert_eq!(body.code, ErrorCode::NotFound);
            assert_eq!(body.status, 404);
            assert_eq!(body.request_id, id);
            assert!(body.detail.contains(path));
        }
    }

    async fn the_openapi_document_is_3_1_and_lists_the_probes(app) {
        let res = app.get("/api-docs/openapi.json").await;
        assert_eq!(res.status(), 200);
        let doc: serde_json::Value = res.json().await.unwrap();
        assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
        assert_eq!(doc["info"]["title"], "Emhana API");
        assert!(doc["paths"]["/readyz"]["get"]["responses"]["503"].is_object());
    }

    async fn swagger_ui_is_served_from_local_assets(app) {
        let res = app.get("/swagger-ui/").await;
        assert_eq!(res.status(), 200);
        let html = res.text().await.unwrap();
        assert!(html.contains("swagger-ui"), "{html}");
        assert!(!html.contains("cdn") && !html.contains("unpkg"), "no CDN references");
        let js = app.get("/swagger-ui/swagger-ui-bundle.js").await;
        assert_eq!(js.status(), 200);
        let init = app.get("/swagger-ui/swagger-initializer.js").await.text().await.unwrap();
        assert!(init.contains("/api-docs/openapi.json"), "{init}");
    }

    async fn migrations_are_applied_and_rerunning_them_is_harmless(app) {
        app.store.migrate().await.unwrap();
        let value = app.store.setting_or_insert("probe", "first").await.unwrap();
        assert_eq!(value, "first");
        let again = app.store.setting_or_insert("probe", "second").await.unwrap();
        assert_eq!(again, "first", "the first writer wins");
    }
}

mod spa {
    use crate::helpers::{Db, TestApp};

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn client_routes_get_their_bundles_page_and_assets_are_served() {
        let dist = std::env::temp_dir().join(format!("emhana-dist-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dist).unwrap();
        std::fs::write(dist.join("index.html"), "<html>DESK</html>").unwrap();
        std::fs::write(dist.join("full.html"), "<html>FULL</html>").unwrap();
        std::fs::write(dist.join("app.js"), "console.log(1)").unwrap();
        std::fs::write(dist.join("app-0123456789abcdef.js"), "plain").unwrap();
        std::fs::write(dist.join("app-0123456789abcdef.js.gz"), "zipped").unwrap();
        let dir = dist.clone();
        let app = TestApp::spawn_with(Db::Sqlite, move |s| s.static_dir = dir).await;

        for (path, page) in [
            ("/", "DESK"),
            ("/crm", "DESK"),
            ("/visits/", "DESK"),
            ("/patients/42", "FULL"),
            ("/analytics", "FULL"),
            ("/no/such/page", "FULL"),
        ] {
            let res = app.get(path).await;
            assert_eq!(res.status(), 200, "{path}");
            assert_eq!(res.headers()["cache-control"], "no-cache", "{path}");
            assert_eq!(
                res.text().await.unwrap(),
                format!("<html>{page}</html>"),
                "{path}"
            );
        }
        let plain = app.get("/app.js").await;
        assert_eq!(
            plain.headers()["cache-control"],
            "no-cache",
            "an unhashed name is revalidated"
        );
        assert_eq!(plain.text().await.unwrap(), "console.log(1)");
        // A hashed asset: immutable, and its precompressed twin for a client that takes gzip.
        let url = format!("{}/app-0123456789abcdef.js", app.address);
        let zipped = app
            .client
            .get(&url)
            .header("accept-encoding", "gzip")
            .send()
            .await
            .unwrap();
        assert_eq!(
            zipped.headers()["cache-control"],
            "public, max-age=31536000, immutable"
        );
        assert_eq!(zipped.headers()["content-encoding"], "gzip");
        assert_eq!(zipped.text().await.unwrap(), "zipped");
        let raw = app
            .client
            .get(&url)
            .header("accept-encoding", "identity")
            .send()
            .await
            .unwrap();
        assert!(raw.headers().get("content-encoding").is_none());
        assert_eq!(raw.text().await.unwrap(), "plain");
        assert_eq!(
            app.get("/api/v1/missing").await.status(),
            404,
            "API paths never fall back"
        );
        let _ = std::fs::remove_dir_all(dist);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn without_the_full_bundle_its_pages_say_how_to_build_it() {
        // Never the desk page there: its router would send the browser straight back.
        let dist = std::env::temp_dir().join(format!("emhana-dist-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dist).unwrap();
        std::fs::write(dist.join("index.html"), "<html>DESK</html>").unwrap();
        let dir = dist.clone();
        let app = TestApp::spawn_with(Db::Sqlite, move |s| s.static_dir = dir).await;
        assert_eq!(
            app.get("/crm").await.text().await.unwrap(),
            "<html>DESK</html>"
        );
        let res = app.get("/analytics").await;
        assert_eq!(res.status(), 404);
        assert!(res.text().await.unwrap().contains("cargo xtask spa"));
        let _ = std::fs::remove_dir_all(dist);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn without_a_built_spa_the_root_says_how_to_build_it() {
        let app =
            TestApp::spawn_with(Db::Sqlite, |s| s.static_dir = "/nonexistent-dist".into()).await;
        let res = app.get("/").await;
        assert_eq!(res.status(), 404);
        assert!(res.text().await.unwrap().contains("cargo xtask run"));
    }
}

mod config {
    use crate::helpers::{Db, TestApp};

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    #[should_panic(expected = "the app starts")]
    async fn an_unknown_clinic_time_zone_stops_the_start() {
        TestApp::spawn_with(Db::Sqlite, |s| s.tz = "UTC+6".into()).await;
    }
}
