//! Server settings, read from command-line flags with environment fallbacks (clap `env`).

use std::path::PathBuf;

/// Everything `emhana serve` needs to start. Each flag also reads an `EMHANA_*` variable (or
/// `DATABASE_URL`), so containers configure it by environment and people by flags.
#[derive(Debug, Clone, clap::Args)]
pub struct Settings {
    /// Address to listen on. Keep it on 127.0.0.1 unless a reverse proxy fronts the server.
    #[arg(
        long,
        global = true,
        env = "EMHANA_BIND",
        default_value = "127.0.0.1:8080"
    )]
    pub bind: String,

    /// `sqlite://data/emhana.db` (embedded default) or `postgres://user@host:5432/db`.
    #[arg(
        long,
        global = true,
        env = "DATABASE_URL",
        default_value = "sqlite://data/emhana.db"
    )]
    pub database_url: String,

    /// Maximum pooled database connections.
    #[arg(
        long,
        global = true,
        env = "EMHANA_DB_MAX_CONNECTIONS",
        default_value_t = 16
    )]
    pub db_max_connections: u32,

    /// How often, in milliseconds, the analytics deltas the writes append are folded into the
    /// aggregate tables (readers always see both; folding keeps what they sum small). 0: never
    /// (only for diagnosis: the pending rows then grow without bound).
    #[arg(
        long,
        global = true,
        env = "EMHANA_STATS_FOLD_MS",
        default_value_t = 1000
    )]
    pub stats_fold_ms: u64,

    /// How often, in milliseconds, the server asks the database whether anything was committed
    /// (by this or any other process); visit cards read lately are served from memory between
    /// commits, so a change made elsewhere shows within this long. 0: never keep cards.
    #[arg(
        long,
        global = true,
        env = "EMHANA_CARD_WATCH_MS",
        default_value_t = 50
    )]
    pub card_watch_ms: u64,

    /// The clinic's IANA time zone: day boundaries of calendars and analytics.
    #[arg(long, global = true, env = "EMHANA_TZ", default_value = "Asia/Almaty")]
    pub tz: String,

    /// Folder with the built SPA (Trunk's `dist/`). Missing folder → the API still serves.
    #[arg(long, global = true, env = "EMHANA_STATIC_DIR", default_value = "dist")]
    pub static_dir: PathBuf,

    /// Secret for signing access tokens; generated and stored in the database when absent.
    #[arg(long, global = true, env = "EMHANA_JWT_SECRET", hide_env_values = true)]
    pub jwt_secret: Option<String>,

    /// Password of the `owner` account created on first start; generated and printed when absent.
    #[arg(
        long,
        global = true,
        env = "EMHANA_OWNER_PASSWORD",
        hide_env_values = true
    )]
    pub owner_password: Option<String>,

    /// Where backups go (created when missing).
    #[arg(
        long,
        global = true,
        env = "EMHANA_BACKUP_DIR",
        default_value = "data/backups"
    )]
    pub backup_dir: PathBuf,

    /// Clinic-local time of the daily automatic backup (`HH:MM`), or `off`.
    #[arg(
        long,
        global = true,
        env = "EMHANA_BACKUP_TIME",
        default_value = "02:00"
    )]
    pub backup_time: String,

    /// The address people and integrators use (e.g. `https://crm.clinic.kz`). Its scheme decides
    /// whether the refresh cookie is `Secure`; no request header can change that.
    #[arg(long, global = true, env = "EMHANA_PUBLIC_URL")]
    pub public_url: Option<String>,

    /// Reverse proxies (IP addresses, comma-separated) whose `X-Forwarded-For` names the client.
    /// From any other peer the header is ignored: the client address is the TCP peer.
    #[arg(
        long,
        global = true,
        env = "EMHANA_TRUSTED_PROXIES",
        value_delimiter = ','
    )]
    pub trusted_proxies: Vec<String>,

    /// How often, in milliseconds, the webhook worker looks for due deliveries. 0: this
    /// instance delivers nothing (another instance on the same database does).
    #[arg(
        long,
        global = true,
        env = "EMHANA_WEBHOOK_POLL_MS",
        default_value_t = 1000
    )]
    pub webhook_poll_ms: u64,

    /// Let webhooks reach private, loopback and link-local addresses (a receiver on this
    /// machine or the clinic's LAN). Off by default: an owner's URL must not probe the network.
    #[arg(
        long,
        global = true,
        env = "EMHANA_WEBHOOKS_ALLOW_PRIVATE",
        default_value_t = false
    )]
    pub webhooks_allow_private: bool,

    /// Seconds a write may take from stamping its rows to committing them and still reach every
    /// `?updated_since=` client: each poll re-reads this much (see `emhana_domain::sync`).
    #[arg(
        long,
        global = true,
        env = "EMHANA_SYNC_SETTLE_SECS",
        default_value_t = 60
    )]
    pub sync_settle_secs: u32,

    /// API requests a caller (an API key or a staff account) may make per minute; 0: no limit.
    #[arg(
        long,
        global = true,
        env = "EMHANA_RATE_LIMIT_PER_MINUTE",
        default_value_t = 1200
    )]
    pub rate_limit_per_minute: u32,

    /// API requests one client address may make per minute (a clinic's staff often share one
    /// address, hence more than a caller's); 0: no limit.
    #[arg(
        long,
        global = true,
        env = "EMHANA_RATE_LIMIT_IP_PER_MINUTE",
        default_value_t = 3000
    )]
    pub rate_limit_ip_per_minute: u32,

    /// Reminder providers and the worker's pace.
    #[command(flatten)]
    pub reminders: crate::reminders::ReminderConfig,
}

/// The first owner's password in [`Settings::for_tests`].
pub const TEST_OWNER_PASSWORD: &str = "owner-password-1";

impl Settings {
    /// Settings for tests and tools: given database, port 0, no SPA folder.
    pub fn for_tests(database_url: impl Into<String>) -> Self {
        Self {
            bind: "127.0.0.1:0".into(),
            database_url: database_url.into(),
            db_max_connections: 8,
            // Often, so the suites fold while their writes run.
            stats_fold_ms: 50,
            card_watch_ms: 50,
            tz: "Asia/Almaty".into(),
            static_dir: PathBuf::from("dist"),
            jwt_secret: None,
            owner_password: Some(TEST_OWNER_PASSWORD.into()),
            public_url: None,
            trusted_proxies: Vec::new(),
            backup_dir: std::env::temp_dir().join(format!(
                "emhana-test-backups-{}",
                uuid::Uuid::new_v4().simple()
            )),
            backup_time: "off".into(),
            webhook_poll_ms: 100,
            webhooks_allow_private: false,
            sync_settle_secs: 60,
            // The suites make thousands of requests a minute from one address; the rate-limit
            // test turns the limits on.
            rate_limit_per_minute: 0,
            rate_limit_ip_per_minute: 0,
            reminders: crate::reminders::ReminderConfig::for_tests(),
        }
    }
}
