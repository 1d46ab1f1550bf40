//! The database side of backups: a consistent online snapshot of a live SQLite database
//! (`VACUUM INTO`, never a file copy of a WAL database), inspection of a snapshot file
//! (integrity, schema version, rows per table) and, for PostgreSQL, row counts read in the very
//! snapshot `pg_dump` is pointed at, so a manifest always describes exactly its dump.

use std::path::Path;

use sqlx::{AnyConnection, Connection, Executor};

use crate::{Backend, Store, StoreError, POSTGRES_MIGRATIONS, SQLITE_MIGRATIONS};

/// What a database (or a snapshot file of one) holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contents {
    /// The newest applied migration.
    pub schema_version: i64,
    /// Rows per table (migration bookkeeping left out), by table name.
    pub tables: Vec<(String, i64)>,
}

/// The newest migration this build knows for `backend`: a backup of a newer schema cannot be
/// restored by it.
pub fn latest_schema_version(backend: Backend) -> i64 {
    let migrator = match backend {
        Backend::Sqlite => &SQLITE_MIGRATIONS,
        Backend::Postgres => &POSTGRES_MIGRATIONS,
    };
    migrator.iter().map(|m| m.version).max().unwrap_or(0)
}

impl Store {
    /// Writes a consistent copy of this SQLite database to `dest` (which must not exist) while
    /// the server keeps running and writing: `VACUUM INTO` reads one snapshot of the database.
    pub async fn snapshot_sqlite(&self, dest: &Path) -> Result<(), StoreError> {
        if self.backend() != Backend::Sqlite {
            return Err(StoreError::Config("snapshot_sqlite on PostgreSQL".into()));
        }
        let dest = dest
            .to_str()
            .ok_or_else(|| StoreError::Config("backup path is not UTF-8".into()))?;
        sqlx::query("VACUUM INTO $1")
            .bind(dest)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Whether this database has a migration history (an Emhana schema), read from the
    /// catalogue: a fresh empty database answers `false`, an unreachable one an error.
    pub async fn has_migrations(&self) -> Result<bool, StoreError> {
        let sql = match self.backend() {
            Backend::Sqlite => {
                "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations'"
            }
            Backend::Postgres => {
                "SELECT COUNT(*) FROM pg_tables \
                 WHERE schemaname = current_schema() AND tablename = '_sqlx_migrations'"
            }
        };
        let (n,): (i64,) = sqlx::query_as(sql).fetch_one(self.pool()).await?;
        Ok(n > 0)
    }

    /// How many other sessions use this PostgreSQL database (a restore refuses while any do).
    pub async fn other_pg_sessions(&self) -> Result<i64, StoreError> {
        let (n,): (i64,) = sqlx::query_as(
            "SELECT CAST(COUNT(*) AS BIGINT) FROM pg_stat_activity \
             WHERE datname = current_database() AND pid <> pg_backend_pid()",
        )
        .fetch_one(self.pool())
        .await?;
        Ok(n)
    }

    /// The schema version and rows per table of this PostgreSQL database as seen by one
    /// exported snapshot, while `dump` runs with that snapshot's id (`pg_dump --snapshot`).
    pub async fn with_pg_snapshot<T>(
        &self,
        dump: impl FnOnce(&str) -> Result<T, String>,
    ) -> Result<(Contents, T), StoreError> {
        let mut tx = self.pool().begin().await?;
        tx.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            .await?;
        let (snapshot,): (String,) = sqlx::query_as("SELECT pg_export_snapshot()")
            .fetch_one(&mut *tx)
            .await?;
        let tables: Vec<(String,)> = sqlx::query_as(
            "SELECT CAST(tablename AS TEXT) FROM pg_tables WHERE schemaname = current_schema() \
             AND tablename <> '_sqlx_migrations' ORDER BY tablename",
        )
        .fetch_all(&mut *tx)
        .await?;
        let contents = read_contents(&mut tx, tables).await?;
        let dumped = dump(&snapshot).map_err(StoreError::Config)?;
        tx.commit().await?;
        Ok((contents, dumped))
    }
}

/// Opens a SQLite snapshot file read-only, runs `PRAGMA integrity_check` and reads what it
/// holds. Anything that is not an intact Emhana database is an error saying so.
pub async fn inspect_sqlite_file(path: &Path) -> Result<Contents, StoreError> {
    sqlx::any::install_default_drivers();
    if !path.is_file() {
        return Err(StoreError::Config(format!(
            "{} is not a file",
            path.display()
        )));
    }
    let url = format!("sqlite://{}?mode=ro", path.display());
    let mut conn = AnyConnection::connect(&url)
        .await
        .map_err(|e| StoreError::Config(format!("not a SQLite database: {e}")))?;
    let checks: Result<Vec<(String,)>, _> = sqlx::query_as("PRAGMA integrity_check")
        .fetch_all(&mut conn)
        .await;
    let checks = checks.map_err(|e| StoreError::Config(format!("not a SQLite database: {e}")))?;
    if checks.len() != 1 || checks[0].0 != "ok" {
        let said: Vec<String> = checks.into_iter().take(3).map(|c| c.0).collect();
        return Err(StoreError::Config(format!(
            "integrity check failed: {}",
            said.join("; ")
        )));
    }
    let tables: Vec<(String,)> = sqlx::query_as(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' \
         AND name <> '_sqlx_migrations' ORDER BY name",
    )
    .fetch_all(&mut conn)
    .await?;
    let names: Vec<&str> = tables.iter().map(|t| t.0.as_str()).collect();
    if !["audit_log", "appointments", "payments"]
        .iter()
        .all(|t| names.contains(t))
    {
        return Err(StoreError::Config(
            "not an Emhana database (its tables are missing)".into(),
        ));
    }
    let contents = read_contents(&mut conn, tables).await;
    conn.close().await.ok();
    contents
}

/// Schema version and per-table counts on `conn` (a SQLite file or a PostgreSQL snapshot).
async fn read_contents(
    conn: &mut AnyConnection,
    tables: Vec<(String,)>,
) -> Result<Contents, StoreError> {
    let (schema_version,): (i64,) = sqlx::query_as(
        "SELECT CAST(COALESCE(MAX(version), 0) AS BIGINT) FROM _sqlx_migrations WHERE success = TRUE",
    )
    .fetch_one(&mut *conn)
    .await
    .map_err(|e| StoreError::Config(format!("no migration history: {e}")))?;
    let mut counts = Vec::with_capacity(tables.len());
    for (table,) in tables {
        // Table names come from the database's own catalogue, quoted.
        let sql = format!(
            "SELECT CAST(COUNT(*) AS BIGINT) FROM \"{}\"",
            table.replace('"', "")
        );
        let (n,): (i64,) = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .fetch_one(&mut *conn)
            .await?;
        counts.push((table, n));
    }
    Ok(Contents {
        schema_version,
        tables: counts,
    })
}
