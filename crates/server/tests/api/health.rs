//! Probes: liveness and readiness on both backends.

use emhana_api_types::{Health, Readiness};

both_backends! {
    async fn liveness_answers_ok_with_the_version(app) {
        let res = app.get("/healthz").await;
        assert_eq!(res.status(), 200);
        let body: Health = res.json().await.unwrap();
        assert_eq!(body.status, "ok");
        assert_eq!(body.version, env!("CARGO_PKG_VERSION"));
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
