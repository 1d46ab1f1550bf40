//! Storage for Emhana on one sqlx [`AnyPool`] serving SQLite and PostgreSQL.
//!
//! One set of SQL serves both backends so they cannot drift apart; the portable column subset is:
//! money as BIGINT tiyn, instants as fixed-width RFC 3339 UTC text (see [`time`]), flags as 0/1
//! integers, `$N` placeholders and `INSERT ... RETURNING`. The store owns transactions, never
//! decisions: rules live in `emhana-domain`.

pub mod analytics;
pub mod audit;
pub mod backup;
pub mod bonuses;
pub mod bulk;
pub mod card_cache;
pub mod cash_desk;
pub mod deposits;
pub mod directories;
pub mod error;
pub mod exports;
pub mod imports;
pub mod integrations;
pub mod ledger;
pub mod legacy;
pub mod patients;
pub mod payment_ledgers;
pub mod payments;
pub mod rate_limits;
pub mod reconcile;
pub mod refunds;
pub mod reminders;
pub mod retry;
pub mod sessions;
pub mod settings;
pub mod stats;
pub mod sync;
pub mod time;
pub mod users;
pub mod visits;

use std::str::FromStr;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, Executor};

pub use error::StoreError;

/// Which database engine a [`Store`] talks to; picked by the `DATABASE_URL` scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// Embedded SQLite (the default for a single clinic machine).
    Sqlite,
    /// PostgreSQL (several API instances behind a load balancer).
    Postgres,
}

impl Backend {
    /// The engine behind a bare connection (write paths and visit reads get one, not the store).
    pub(crate) fn of(conn: &sqlx::AnyConnection) -> Self {
        if conn
            .backend_name()
            .to_ascii_lowercase()
            .starts_with("postgres")
        {
            Self::Postgres
        } else {
            Self::Sqlite
        }
    }

    /// Detects the backend from a database URL, or refuses an unknown scheme with a clear message.
    pub fn from_url(url: &str) -> Result<Self, StoreError> {
        if url.starts_with("sqlite:") {
            Ok(Self::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Self::Postgres)
        } else {
            Err(StoreError::Config(format!(
                "DATABASE_URL must start with sqlite: or postgres:// (got {:?})",
                url.split(':').next().unwrap_or_default()
            )))
        }
    }

    /// Lower-case name used in logs and `/readyz`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Sqlite => "sqlite",
            Self::Postgres => "postgres",
        }
    }
}

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("../../migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("../../migrations/postgres");

/// Connection settings a [`Store`] is opened with.
#[derive(Debug, Clone)]
pub struct StoreConfig {
    /// `sqlite://path/to.db` or `postgres://user@host/db`.
    pub url: String,
    /// Upper bound of pooled connections.
    pub max_connections: u32,
}

impl StoreConfig {
    /// A config with a pool size that suits the backend: SQLite serialises writers anyway.
    pub fn new(url: impl Into<String>) -> Self {
        Self {
            url: url.into(),
            max_connections: 16,
        }
    }
}

/// Handle to the database: a pool plus which backend it is. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    /// SQLite writers' turns, first come first served (see [`Store::begin_write`]).
    writer_turn: std::sync::Arc<tokio::sync::Mutex<()>>,
    /// Accounts the per-request check read lately (see [`users::ACCOUNT_STALENESS`]).
    accounts: std::sync::Arc<users::AccountCache>,
    /// Visit cards read lately, forgotten on any commit (see [`card_cache`]).
    cards: std::sync::Arc<card_cache::CardCache>,
}

/// A write transaction from [`Store::begin_write`]: used like the connection it wraps, ended by
/// [`WriteTx::commit`] (dropping it rolls back). On SQLite it also holds this process's writer
/// turn until it ends.
pub struct WriteTx {
    tx: sqlx::Transaction<'static, sqlx::Any>,
    _turn: Option<tokio::sync::OwnedMutexGuard<()>>,
    cards: std::sync::Arc<card_cache::CardCache>,
}

impl WriteTx {
    /// Commits the transaction (and gives the writer turn to the next in line). The kept visit
    /// cards are forgotten before the caller hears of the commit, so it reads its own write.
    pub async fn commit(self) -> Result<(), sqlx::Error> {
        self.tx.commit().await?;
        self.cards.forget_all();
        Ok(())
    }

    /// Rolls the transaction back (a dry run's end).
    pub async fn rollback(self) -> Result<(), sqlx::Error> {
        self.tx.rollback().await
    }
}

impl std::ops::Deref for WriteTx {
    type Target = sqlx::AnyConnection;

    fn deref(&self) -> &Self::Target {
        &self.tx
    }
}

impl std::ops::DerefMut for WriteTx {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.tx
    }
}

impl Store {
    /// Opens a pool. For SQLite the file (and its folder) is created when missing, WAL mode is
    /// switched on, and every connection gets foreign keys and a busy timeout.
    #[tracing::instrument(skip_all, fields(backend))]
    pub async fn connect(config: &StoreConfig) -> Result<Self, StoreError> {
        sqlx::any::install_default_drivers();
        let backend = Backend::from_url(&config.url)?;
        tracing::Span::current().record("backend", backend.name());
        let url = match backend {
            Backend::Sqlite => prepare_sqlite_url(&config.url)?,
            Backend::Postgres => config.url.clone(),
        };
        let options = AnyConnectOptions::from_str(&url)?;
        let mut pool_options = AnyPoolOptions::new()
            .max_connections(config.max_connections)
            .acquire_timeout(Duration::from_secs(10));
        if backend == Backend::Sqlite {
            pool_options = pool_options.after_connect(|conn, _meta| {
                Box::pin(async move {
                    conn.execute("PRAGMA foreign_keys = ON").await?;
                    conn.execute("PRAGMA busy_timeout = 10000").await?;
                    conn.execute("PRAGMA synchronous = NORMAL").await?;
                    Ok(())
                })
            });
        }
        let pool = pool_options.connect_with(options).await?;
        if backend == Backend::Sqlite {
            // WAL is a property of the database file: set once, readers stop blocking the writer.
            sqlx::query("PRAGMA journal_mode = WAL")
                .fetch_all(&pool)
                .await?;
        }
        Ok(Self {
            pool,
            backend,
            writer_turn: std::sync::Arc::default(),
            accounts: std::sync::Arc::default(),
            cards: std::sync::Arc::default(),
        })
    }

    /// Applies every pending migration of this backend's folder (embedded at compile time).
    #[tracing::instrument(skip_all)]
    pub async fn migrate(&self) -> Result<(), StoreError> {
        let migrator = match self.backend {
            Backend::Sqlite => &SQLITE_MIGRATIONS,
            Backend::Postgres => &POSTGRES_MIGRATIONS,
        };
        migrator.run(&self.pool).await?;
        self.ensure_stats().await
    }

    /// Rebuilds the analytics aggregates when they were made by another definition (or never:
    /// a database from before they existed), once, recording the version built.
    async fn ensure_stats(&self) -> Result<(), StoreError> {
        let built: Option<(String,)> =
            sqlx::query_as("SELECT value FROM settings WHERE key = 'stats_version'")
                .fetch_optional(&self.pool)
                .await?;
        if built.is_some_and(|(v,)| v == stats::STATS_VERSION) {
            return Ok(());
        }
        self.rebuild_stats().await
    }

    /// Recomputes the analytics aggregates from scratch (after bulk loads that bypass the write
    /// paths), in one transaction; run again if PostgreSQL aborted it for a deadlock (it locks
    /// every aggregate table, which writes and folds in flight also touch).
    pub async fn rebuild_stats(&self) -> Result<(), StoreError> {
        retry::transient(async || self.rebuild_stats_once().await).await?;
        self.analyze().await
    }

    async fn rebuild_stats_once(&self) -> Result<(), StoreError> {
        let now = time::encode(chrono::Utc::now());
        let mut tx = self.begin_write().await?;
        stats::rebuild(&mut tx, self.backend).await?;
        sqlx::query(
            "INSERT INTO settings (key, value, created_at, updated_at) VALUES ('stats_version', $1, $2, $2) \
             ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
        )
        .bind(stats::STATS_VERSION)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Folds the analytics deltas the writes appended into the aggregate tables (see
    /// [`stats::fold`]); returns how many pending rows it folded. Readers see the same figures
    /// before and after; folding keeps what they sum over small. Safe to run from several
    /// instances at once.
    pub async fn fold_stats(&self) -> Result<u64, StoreError> {
        let mut tx = self.begin_write().await?;
        let folded = stats::fold(&mut tx, self.backend).await?;
        if folded == 0 {
            // Nothing changed: a rollback leaves the kept visit cards alone (a commit forgets them).
            tx.rollback().await?;
        } else {
            tx.commit().await?;
        }
        Ok(folded)
    }

    /// Refreshes the planner's statistics after a bulk change (PostgreSQL `VACUUM (ANALYZE)`,
    /// SQLite `PRAGMA optimize`): without them PostgreSQL plans the small per-visit queries of
    /// the write paths as scans (measured: 65 ms instead of 0.4 ms per statement after a
    /// 1M-visit load). The vacuum marks the new pages all-visible, which is what lets the
    /// analytics' direct passes be index-only scans (a doctor's year of visits at 1M: 261 ms
    /// before the first autovacuum, 37 ms after).
    pub async fn analyze(&self) -> Result<(), StoreError> {
        let sql = match self.backend {
            Backend::Postgres => "VACUUM (ANALYZE)",
            Backend::Sqlite => "PRAGMA optimize",
        };
        sqlx::query(sql).execute(&self.pool).await?;
        Ok(())
    }

    /// Starts a write transaction. On SQLite `BEGIN IMMEDIATE` takes the write lock at once, so a
    /// use case that reads before it writes never has to upgrade its read lock — SQLite refuses
    /// such an upgrade at once with "database is locked" when another writer went first, while
    /// an immediate transaction simply waits its turn in the busy handler. On PostgreSQL a plain
    /// `BEGIN`: row locks order the writers.
    ///
    /// SQLite has one writer at a time; left to its busy handler, waiting writers poll with
    /// growing sleeps and the unlucky ones wait a second while others go first. So this process's
    /// writers take turns first, in arrival order (a fair mutex held for the transaction's life),
    /// and only the one whose turn it is asks SQLite for the write lock.
    pub async fn begin_write(&self) -> Result<WriteTx, StoreError> {
        Ok(match self.backend {
            Backend::Sqlite => {
                let turn = self.writer_turn.clone().lock_owned().await;
                WriteTx {
                    tx: self.pool.begin_with("BEGIN IMMEDIATE").await?,
                    _turn: Some(turn),
                    cards: self.cards.clone(),
                }
            }
            Backend::Postgres => WriteTx {
                tx: self.pool.begin().await?,
                _turn: None,
                cards: self.cards.clone(),
            },
        })
    }

    /// Round-trips a trivial query: the readiness probe.
    pub async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").fetch_one(&self.pool).await?;
        Ok(())
    }

    /// Which engine this store talks to.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The underlying pool, for repositories in this crate and for tests.
    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Closes every pooled connection (graceful shutdown, tests dropping their database).
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// Why a versioned `UPDATE ... WHERE id = $ AND version = $` matched nothing: the row is gone
/// (`NotFound`) or changed since the client read it (`StaleVersion` with the current version).
/// Asked on the caller's own transaction: a second pool connection would wait for the first
/// (on SQLite for its write lock) while the first waits for the answer — the pool starves.
/// `table` always comes from code, never from input; `id` is `None` only for an insert that
/// returned no row, which is a bug.
pub(crate) async fn missing_or_stale_row(
    conn: &mut sqlx::AnyConnection,
    table: &'static str,
    id: Option<i64>,
) -> StoreError {
    let Some(id) = id else {
        return StoreError::Config(format!("insert into {table} returned no row"));
    };
    let sql = format!("SELECT version FROM {table} WHERE id = $1");
    match sqlx::query_as::<_, (i64,)>(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(conn)
        .await
    {
        Ok(Some((current,))) => StoreError::StaleVersion { current },
        Ok(None) => StoreError::NotFound,
        Err(e) => e.into(),
    }
}

/// Claims a row for a versioned change and returns it as it was before: a no-op write
/// (`SET version = version`) that matches only the client's `version`. Being a write, it comes
/// first in the transaction (SQLite takes its write lock, PostgreSQL the row lock), so the row
/// returned is exactly the "old" state the audit row records, and a stale or missing row is
/// decided here, on the same connection. `table` and `columns` come from code, never input.
pub(crate) async fn claim_row<R>(
    conn: &mut sqlx::AnyConnection,
    table: &'static str,
    columns: &str,
    id: i64,
    version: i64,
) -> Result<R, StoreError>
where
    R: for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow> + Send + Unpin,
{
    let sql = format!(
        "UPDATE {table} SET version = version WHERE id = $1 AND version = $2 RETURNING {columns}"
    );
    let row: Option<R> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .bind(version)
        .fetch_optional(&mut *conn)
        .await?;
    match row {
        Some(row) => Ok(row),
        None => Err(missing_or_stale_row(conn, table, Some(id)).await),
    }
}

/// Makes a SQLite URL open-or-create and creates the file's folder, so `sqlite://data/emhana.db`
/// works on a fresh checkout.
fn prepare_sqlite_url(url: &str) -> Result<String, StoreError> {
    let rest = url
        .trim_start_matches("sqlite://")
        .trim_start_matches("sqlite:");
    let path = rest.split('?').next().unwrap_or_default();
    if path.is_empty() || path == ":memory:" {
        return Err(StoreError::Config(
            "SQLite needs a file path (an in-memory database is not shared across the pool)".into(),
        ));
    }
    if let Some(dir) = std::path::Path::new(path).parent() {
        if !dir.as_os_str().is_empty() {
            std::fs::create_dir_all(dir).map_err(|e| {
                StoreError::Config(format!(
                    "cannot create database folder {}: {e}",
                    dir.display()
                ))
            })?;
        }
    }
    Ok(if url.contains("mode=") {
        url.to_owned()
    } else if url.contains('?') {
        format!("{url}&mode=rwc")
    } else {
        format!("{url}?mode=rwc")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backend_is_picked_by_scheme() {
        assert_eq!(
            Backend::from_url("sqlite://data/x.db").ok(),
            Some(Backend::Sqlite)
        );
        assert_eq!(
            Backend::from_url("postgres://u@h/db").ok(),
            Some(Backend::Postgres)
        );
        assert_eq!(
            Backend::from_url("postgresql://u@h/db").ok(),
            Some(Backend::Postgres)
        );
        assert!(Backend::from_url("mysql://u@h/db").is_err());
    }

    #[test]
    fn sqlite_urls_become_open_or_create() {
        let dir = std::env::temp_dir().join(format!("emhana-url-{}", std::process::id()));
        let url = format!("sqlite://{}/a.db", dir.display());
        assert_eq!(
            prepare_sqlite_url(&url).ok(),
            Some(format!("{url}?mode=rwc"))
        );
        assert!(dir.is_dir());
        assert!(prepare_sqlite_url("sqlite::memory:").is_err());
        let _ = std::fs::remove_dir_all(dir);
    }
}
