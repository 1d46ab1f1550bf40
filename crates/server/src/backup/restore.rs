//! `emhana restore FILE`: puts a backup back, refusing anything that could make things worse.
//!
//! Order of checks, all before anything is touched: the manifest says it is an Emhana backup of
//! this backend; the file's size and SHA-256 match the manifest (a truncated or edited file is
//! refused); SQLite copies pass `PRAGMA integrity_check` and hold exactly the manifest's rows,
//! PostgreSQL archives pass `pg_restore --list`; the schema is not newer than this build; no
//! server is using the database. Then the current database is backed up (`pre-restore`), the
//! backup replaces it, and migrations bring an older schema forward.

use std::path::{Path, PathBuf};

use emhana_store::backup::{inspect_sqlite_file, latest_schema_version};
use emhana_store::{Backend, Store, StoreConfig};

use super::{check_pg_archive, digest, lock, tool, Backups, Manifest};

/// The marker `emhana serve` keeps next to a SQLite database while it runs (its PID).
pub fn serve_marker(database_url: &str) -> Option<PathBuf> {
    sqlite_path(database_url).map(|p| {
        let mut name = p.into_os_string();
        name.push(".serve.pid");
        PathBuf::from(name)
    })
}

/// The file of a `sqlite:` URL.
fn sqlite_path(database_url: &str) -> Option<PathBuf> {
    let rest = database_url
        .strip_prefix("sqlite://")
        .or_else(|| database_url.strip_prefix("sqlite:"))?;
    Some(PathBuf::from(rest.split('?').next().unwrap_or_default()))
}

/// Checks `file` and its manifest against `backend` and this build; returns the manifest.
pub async fn verify(file: &Path, backend: Backend) -> anyhow::Result<Manifest> {
    let manifest = Manifest::read(&Manifest::path_for(file))?;
    anyhow::ensure!(
        manifest.backend == backend.name(),
        "this is a {} backup; the configured database is {}",
        manifest.backend,
        backend.name()
    );
    let (bytes, sha256) = digest(file)?;
    anyhow::ensure!(
        bytes == manifest.bytes && sha256 == manifest.sha256,
        "the backup file is damaged or was changed: its size or SHA-256 does not match the manifest"
    );
    let latest = latest_schema_version(backend);
    anyhow::ensure!(
        manifest.schema_version <= latest,
        "the backup's schema ({}) is newer than this Emhana ({latest}): restore it with a newer version",
        manifest.schema_version
    );
    match backend {
        Backend::Sqlite => {
            let contents = inspect_sqlite_file(file).await?;
            anyhow::ensure!(
                contents.schema_version == manifest.schema_version
                    && contents.tables == manifest.tables,
                "the backup's contents do not match its manifest"
            );
        }
        Backend::Postgres => check_pg_archive(file)?,
    }
    Ok(manifest)
}

/// Restores `file` into the database at `database_url` (see the module docs for the order).
pub async fn restore(
    file: &Path,
    database_url: &str,
    backup_dir: &Path,
    zone: emhana_domain::ClinicZone,
) -> anyhow::Result<Manifest> {
    let backend = Backend::from_url(database_url)?;
    let manifest = verify(file, backend).await?;
    refuse_while_served(database_url, backend).await?;
    // The current database, as it is, first.
    let current = Store::connect(&StoreConfig::new(database_url)).await?;
    // An empty or never-migrated database has nothing to save; any other failure stops here.
    if current.has_migrations().await? {
        let backups = Backups::new(
            current.clone(),
            database_url,
            backup_dir.to_path_buf(),
            zone,
        );
        let saved = backups
            .create_keeping_all("pre-restore")
            .await
            .map_err(|e| {
                anyhow::anyhow!(
                    "could not back up the current database first, nothing was changed: {e:#}"
                )
            })?;
        println!(
            "the current database was saved first: {}",
            backup_dir.join(saved.file).display()
        );
    }
    current.close().await;
    match backend {
        Backend::Sqlite => replace_sqlite(file, database_url)?,
        Backend::Postgres => {
            let ok = tool("pg_restore")
                .map_err(anyhow::Error::msg)?
                .args([
                    "--clean",
                    "--if-exists",
                    "--no-owner",
                    "--single-transaction",
                    "--exit-on-error",
                ])
                .arg("--dbname")
                .arg(database_url)
                .arg(file)
                .status()?
                .success();
            anyhow::ensure!(ok, "pg_restore failed; the transaction was rolled back");
        }
    }
    // An older backup is brought forward to this build's schema.
    let store = Store::connect(&StoreConfig::new(database_url)).await?;
    store.migrate().await?;
    store.close().await;
    Ok(manifest)
}

/// Refuses while a server uses the database: the SQLite serve marker with a live PID, or other
/// sessions on the PostgreSQL database.
async fn refuse_while_served(database_url: &str, backend: Backend) -> anyhow::Result<()> {
    match backend {
        Backend::Sqlite => {
            let marker = serve_marker(database_url);
            let pid = marker
                .and_then(|m| std::fs::read_to_string(m).ok())
                .and_then(|s| s.trim().parse::<u32>().ok());
            if let Some(pid) = pid.filter(|p| lock::alive(*p) && *p != std::process::id()) {
                anyhow::bail!("the server is running (process {pid}): stop it, then restore");
            }
        }
        Backend::Postgres => {
            let store = Store::connect(&StoreConfig::new(database_url)).await?;
            let others = store.other_pg_sessions().await?;
            store.close().await;
            anyhow::ensure!(
                others == 0,
                "{others} other connection(s) use the database: stop every server, then restore"
            );
        }
    }
    Ok(())
}

/// Copies the backup next to the database, syncs it, drops the old WAL files and renames it
/// over the database (a rename is atomic: the old file or the new one, never half of each).
fn replace_sqlite(file: &Path, database_url: &str) -> anyhow::Result<()> {
    let db = sqlite_path(database_url).ok_or_else(|| anyhow::anyhow!("not a SQLite URL"))?;
    if let Some(dir) = db.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let mut tmp = db.clone().into_os_string();
    tmp.push(".restore-tmp");
    let tmp = PathBuf::from(tmp);
    std::fs::copy(file, &tmp)?;
    std::fs::File::open(&tmp)?.sync_all()?;
    for suffix in ["-wal", "-shm"] {
        let mut side = db.clone().into_os_string();
        side.push(suffix);
        let _ = std::fs::remove_file(PathBuf::from(side));
    }
    std::fs::rename(&tmp, &db)?;
    Ok(())
}
