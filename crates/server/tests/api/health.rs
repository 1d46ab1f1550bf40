//! Probes: liveness and readiness on both backends.

use emhana_api_types::{Health, Readiness};

both_backends! {
    async fn liveness_answers_ok_with_the_version(app) {
        let res = app.get("/healthz").await;
        assert_eq!(res.status(), 200);
        let body: Health = res.json().await.unwrap();
        assert_eq!(body.status, "ok");
        assert_eq!(body.version, env!("CARGO_PKG_VERSION"));
        assert_eq!(body.timezone, "Asia/Almaty");
    }

    async fn metrics_count_requests_in_prometheus_text(app) {
        for _ in 0..3 {
            app.get("/healthz").await;
        }
        app.get("/api/v1/nothing-here").await;
        let res = app.get("/metrics").await;
        assert_eq!(res.status(), 200);
        assert!(res.headers()["content-type"].to_str().unwrap().starts_with("text/plain; version=0.0.4"));
        let text = res.text().await.unwrap();
        let value = |name: &str| -> u64 {
            text.lines().find(|l| l.starts_with(name)).and_then(|l| l.rsplit(' ').next()).and_then(|v| v.parse().ok()).unwrap_or(0)
        };
        // Counters are process-wide (tests share the process): at least what this test sent.
        assert!(value("emhana_http_requests_total{method=\"GET\",status=\"2xx\"}") >= 3, "{text}");
        assert!(value("emhana_http_requests_total{method=\"GET\",status=\"4xx\"}") >= 1, "{text}");
        assert!(value("emhana_http_request_duration_seconds_count") >= 4);
        assert!(text.contains("emhana_db_connections{state=\"open\"}"));
    }

    async fn readiness_names_the_backend_that_answered(app) {
        let res = app.get("/readyz").await;
        assert_eq!(res.status(), 200);
        let body: Readiness = res.json().await.unwrap();
        let expected = match app.db {
            crate::helpers::Db::Sqlite => "sqlite",
            crate::helpers::Db::Postgres => "postgres",
        };
        assert_eq!(body.database, expected);
    }

    async fn readiness_is_503_problem_when_the_database_is_gone(app) {
        app.store.close().await;
        let res = app.get("/readyz").await;
        assert_eq!(res.status(), 503);
        assert_eq!(res.headers()["content-type"], "application/problem+json");
        let body: emhana_api_types::ProblemDetails = res.json().await.unwrap();
        assert_eq!(body.code, emhana_api_types::ErrorCode::ServiceUnavailable);
    }
}
