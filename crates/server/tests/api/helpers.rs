//! The test harness: `TestApp` runs the real server on a random port against its own database and
//! removes that database when dropped.

#![allow(clippy::unwrap_used, clippy::expect_used, dead_code)]

use std::path::PathBuf;

use emhana_api_types::auth::Session;
use emhana_server::{Application, Settings};
use emhana_store::Store;
use serde_json::{json, Value};
use sqlx::{Connection, Executor, PgConnection};

/// The PostgreSQL server tests use; override with `EMHANA_TEST_PG_URL`.
fn pg_admin_url() -> String {
    std::env::var("EMHANA_TEST_PG_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".into())
}

/// Which backend a test runs against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Db {
    Sqlite,
    Postgres,
}

/// Declares each test once and runs it on both backends, as `<name>::sqlite` and `<name>::postgres`.
macro_rules! both_backends {
    ($(async fn $name:ident($app:ident) $body:block)*) => {
        $(
            mod $name {
                #[allow(unused_imports)]
                use super::*;
                async fn body($app: $crate::helpers::TestApp) $body
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    body($crate::helpers::TestApp::spawn($crate::helpers::Db::Sqlite).await).await
                }
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    body($crate::helpers::TestApp::spawn($crate::helpers::Db::Postgres).await).await
                }
            }
        )*
    };
}

/// A running app plus a client pointed at it.
pub struct TestApp {
    pub address: String,
    /// The database URL (a second server process may share it).
    pub url: String,
    pub client: reqwest::Client,
    pub store: Store,
    pub db: Db,
    cleanup: Cleanup,
}

enum Cleanup {
    SqliteDir(PathBuf),
    PgDatabase(String),
}

/// Opens a shift on the default register with an empty drawer.
pub async fn open_default_shift(store: &Store) -> emhana_store::cash_desk::Shift {
    let actor = emhana_store::audit::Actor {
        user_id: None,
        request_id: "test-setup".into(),
        client_ip: "127.0.0.1".into(),
        api_key_id: None,
    };
    let zone = emhana_domain::ClinicZone::parse("tz", "Asia/Almaty").unwrap();
    store
        .open_shift(
            &actor,
            emhana_domain::ids::RegisterId(1),
            emhana_domain::Money::ZERO,
            (chrono::Utc::now(), zone),
        )
        .await
        .unwrap()
}

impl TestApp {
    /// Starts the app on a fresh database of the given backend.
    pub async fn spawn(db: Db) -> Self {
        Self::spawn_with(db, |_| {}).await
    }

    /// Like [`spawn`](Self::spawn) with settings adjusted by `tweak` before start.
    pub async fn spawn_with(db: Db, tweak: impl FnOnce(&mut Settings)) -> Self {
        let (url, cleanup) = fresh_database(db).await;
        let mut settings = Settings::for_tests(url.clone());
        tweak(&mut settings);
        let app = Application::build(settings).await.expect("the app starts");
        let address = format!("http://127.0.0.1:{}", app.port());
        let store = app.store().clone();
        tokio::spawn(app.run_until_stopped());
        // Like the demo clinic, a fresh test clinic has its cash desk open (cash needs a shift);
        // cash-desk tests close it when they need a register without one.
        open_default_shift(&store).await;
        Self {
            address,
            url,
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            store,
            db,
            cleanup,
        }
    }

    /// A second server on this app's database (several instances behind a load balancer):
    /// its address and its store.
    pub async fn second_instance(&self) -> (String, Store) {
        let second = Application::build(Settings::for_tests(self.url.clone()))
            .await
            .expect("the second instance starts");
        let address = format!("http://127.0.0.1:{}", second.port());
        let store = second.store().clone();
        tokio::spawn(second.run_until_stopped());
        (address, store)
    }

    /// Signs in; panics unless it succeeds.
    pub async fn login(&self, login: &str, password: &str) -> Session {
        let res = self
            .post_json(
                "/api/v1/auth/login",
                None,
                &json!({"login": login, "password": password}),
            )
            .await;
        assert_eq!(res.status(), 200, "login {login}");
        res.json().await.unwrap()
    }

    /// The bootstrap owner's access token.
    pub async fn owner_token(&self) -> String {
        self.login("owner", emhana_server::config::TEST_OWNER_PASSWORD)
            .await
            .access_token
    }

    /// Creates an account of `role` (as the owner) and returns its access token.
    pub async fn token_for(&self, role: &str) -> String {
        let owner = self.owner_token().await;
        let login = format!("{role}-{}", &uuid::Uuid::new_v4().simple().to_string()[..8]);
        let res = self
            .post_json(
                "/api/v1/users",
                Some(&owner),
                &json!({"login": login, "display_name": "Тест Тестов", "role": role, "password": "password-123"}),
            )
            .await;
        assert_eq!(res.status(), 201, "create {role}");
        self.login(&login, "password-123").await.access_token
    }

    /// Sends any method with an optional bearer token and JSON body.
    pub async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> reqwest::Response {
        let mut req = self
            .client
            .request(method, format!("{}{path}", self.address));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(b);
        }
        req.send().await.expect("request sent")
    }

    /// POST JSON.
    pub async fn post_json(
        &self,
        path: &str,
        token: Option<&str>,
        body: &Value,
    ) -> reqwest::Response {
        self.send(reqwest::Method::POST, path, token, Some(body))
            .await
    }

    /// GET with a token.
    pub async fn get_auth(&self, path: &str, token: &str) -> reqwest::Response {
        self.send(reqwest::Method::GET, path, Some(token), None)
            .await
    }

    /// Runs a statement directly on the test database (to age rows, inspect state).
    pub async fn exec(&self, sql: &'static str) {
        sqlx::query(sql).execute(self.store.pool()).await.unwrap();
    }

    /// GET a path (absolute, e.g. `/healthz`).
    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.address))
            .send()
            .await
            .expect("request sent")
    }
}

async fn create_pg_database(name: &str) {
    let admin = format!("{}/postgres", pg_admin_url());
    let mut conn = PgConnection::connect(&admin).await.unwrap_or_else(|e| {
        panic!(
            "PostgreSQL is not reachable at {admin} ({e}). Start it with \
             `pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start` \
             or point EMHANA_TEST_PG_URL at a server. The suite never skips PostgreSQL."
        )
    });
    conn.execute(sqlx::AssertSqlSafe(format!(r#"CREATE DATABASE "{name}""#)))
        .await
        .expect("create test database");
}

/// A fresh empty database of a backend (a restore target), removed when dropped.
pub struct ScratchDb {
    pub url: String,
    _cleanup: Cleanup,
}

impl ScratchDb {
    pub async fn new(db: Db) -> Self {
        let (url, cleanup) = fresh_database(db).await;
        Self {
            url,
            _cleanup: cleanup,
        }
    }
}

/// A new database URL of `db` and what removes it.
async fn fresh_database(db: Db) -> (String, Cleanup) {
    let id = uuid::Uuid::new_v4().simple().to_string();
    match db {
        Db::Sqlite => {
            let dir = std::env::temp_dir().join(format!("emhana-test-{id}"));
            (
                format!("sqlite://{}/emhana.db", dir.display()),
                Cleanup::SqliteDir(dir),
            )
        }
        Db::Postgres => {
            let name = format!("emhana_test_{id}");
            create_pg_database(&name).await;
            (
                format!("{}/{name}", pg_admin_url()),
                Cleanup::PgDatabase(name),
            )
        }
    }
}

impl Drop for Cleanup {
    fn drop(&mut self) {
        match self {
            Cleanup::SqliteDir(dir) => {
                let _ = std::fs::remove_dir_all(dir);
            }
            Cleanup::PgDatabase(name) => {
                // Drop runs inside the test's runtime; use a fresh one on its own thread.
                let name = name.clone();
                let _ = std::thread::spawn(move || {
                    let rt = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                        .unwrap();
                    rt.block_on(async move {
                        let admin = format!("{}/postgres", pg_admin_url());
                        if let Ok(mut conn) = PgConnection::connect(&admin).await {
                            let _ = conn
                                .execute(sqlx::AssertSqlSafe(format!(
                                    r#"DROP DATABASE IF EXISTS "{name}" WITH (FORCE)"#
                                )))
                                .await;
                        }
                    });
                })
                .join();
            }
        }
    }
}
