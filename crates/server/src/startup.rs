//! Builds the application: store → migrations → listener → actix server. `build` binds first, so
//! tests can ask for port 0 and read the real port before requests are sent.

use std::net::TcpListener;
use std::sync::Arc;

use actix_web::dev::Server;
use actix_web::middleware::{from_fn, Compress};
use actix_web::{web, App, HttpServer};
use emhana_domain::ClinicZone;
use emhana_store::{Store, StoreConfig};
use utoipa_actix_web::AppExt;
use utoipa_swagger_ui::SwaggerUi;

use crate::backup::Backups;
use crate::{auth, error, openapi, request_id, routes, security, spa, Settings};

/// A bound, migrated, ready-to-run server.
pub struct Application {
    port: u16,
    server: Server,
    store: Store,
}

impl Application {
    /// Connects and migrates the database, binds the listener and prepares the server.
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        // A wrong zone would silently shift every day boundary: refuse to start instead.
        let zone = ClinicZone::parse("EMHANA_TZ", &settings.tz)?;
        let mut store_config = StoreConfig::new(&settings.database_url);
        store_config.max_connections = settings.db_max_connections;
        let store = Store::connect(&store_config).await?;
        store.migrate().await?;
        let keys = auth::bootstrap::signing_keys(&store, &settings).await?;
        auth::bootstrap::ensure_owner(&store, &settings).await?;
        let listener = TcpListener::bind(&settings.bind)
            .map_err(|e| anyhow::anyhow!("cannot listen on {}: {e}", settings.bind))?;
        let port = listener.local_addr()?.port();
        let daily_at = crate::backup::schedule::parse_time(&settings.backup_time)?;
        let backups = Arc::new(
            Backups::new(
                store.clone(),
                &settings.database_url,
                settings.backup_dir.clone(),
                zone,
            )
            .with_daily(daily_at),
        );
        if let Some(at) = daily_at {
            tokio::spawn(crate::backup::schedule::run(backups.clone(), at, zone));
        }
        if settings.stats_fold_ms > 0 {
            let every = std::time::Duration::from_millis(settings.stats_fold_ms);
            tokio::spawn(crate::compactor::run(store.clone(), every));
        }
        if settings.card_watch_ms > 0 {
            let every = std::time::Duration::from_millis(settings.card_watch_ms);
            tokio::spawn(store.clone().watch_changes(every));
        }
        let policy = crate::webhooks::WebhookPolicy {
            allow_private: settings.webhooks_allow_private,
        };
        if settings.webhook_poll_ms > 0 {
            let every = std::time::Duration::from_millis(settings.webhook_poll_ms);
            tokio::spawn(crate::webhooks::worker::run(store.clone(), policy, every));
        }
        if settings.reminders.reminder_poll_ms > 0 {
            let every = std::time::Duration::from_millis(settings.reminders.reminder_poll_ms);
            let sender = crate::reminders::worker::Sender {
                zone,
                providers: settings.reminders.providers()?,
            };
            tokio::spawn(crate::reminders::worker::run(
                store.clone(),
                Arc::new(sender),
                every,
            ));
        }
        let server = run(listener, store.clone(), keys, zone, backups, settings)?;
        Ok(Self {
            port,
            server,
            store,
        })
    }

    /// The port actually bound (useful with port 0).
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The store the server uses (tests inspect database state through it).
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Serves until SIGINT/SIGTERM, then finishes in-flight requests and closes the pool.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let result = self.server.await;
        self.store.close().await;
        result
    }
}

fn run(
    listener: TcpListener,
    store: Store,
    keys: auth::Keys,
    zone: ClinicZone,
    backups: Arc<Backups>,
    settings: Settings,
) -> anyhow::Result<Server> {
    let backups = web::Data::from(backups);
    let store = web::Data::new(store);
    let keys = web::Data::new(keys);
    let zone = web::Data::new(zone);
    let static_dir = settings.static_dir.clone();
    let security = web::Data::new(security::Security::from_settings(&settings)?);
    let webhook_policy = web::Data::new(crate::webhooks::WebhookPolicy {
        allow_private: settings.webhooks_allow_private,
    });
    let settle = web::Data::new(emhana_domain::sync::SyncSettle(chrono::Duration::seconds(
        i64::from(settings.sync_settle_secs),
    )));
    let reminder_channels = web::Data::new(routes::reminders::ReminderChannels(
        settings.reminders.channels(),
    ));
    let limiter = web::Data::new(crate::rate_limit::RateLimiter::from_settings(&settings));
    if limiter.enabled() {
        tokio::spawn(crate::rate_limit::run(limiter.clone(), (**store).clone()));
    }
    let spec = openapi::document();
    let server = HttpServer::new(move || {
        let (app, _) = App::new()
            .wrap(from_fn(crate::rate_limit::middleware))
            .wrap(Compress::default())
            .wrap(from_fn(request_id::middleware))
            .wrap(from_fn(crate::metrics::middleware))
            .wrap(from_fn(security::headers))
            .app_data(security.clone())
            .app_data(store.clone())
            .app_data(backups.clone())
            .app_data(keys.clone())
            .app_data(zone.clone())
            .app_data(webhook_policy.clone())
            .app_data(settle.clone())
            .app_data(limiter.clone())
            .app_data(reminder_channels.clone())
            .configure(error::extractor_configs)
            .into_utoipa_app()
            .configure(routes::all)
            .split_for_parts();
        app.service(
            SwaggerUi::new("/swagger-ui/{_:.*}").url("/api-docs/openapi.json", spec.clone()),
        )
        .service(web::scope("/api").default_service(web::to(error::api_not_found)))
        .service(spa::service(&static_dir))
    })
    .shutdown_timeout(10)
    .listen(listener)?
    .run();
    Ok(server)
}
