//! Backups a clinic owner can trust: consistent online copies, verified before they count, with
//! a manifest that says what is inside; kept by a retention rule; one at a time.
//!
//! A backup is two files in the backup folder (`EMHANA_BACKUP_DIR`, default `data/backups`):
//! - `emhana-<UTC stamp>.db` (SQLite: `VACUUM INTO`, then `PRAGMA integrity_check` on the copy)
//!   or `.dump` (PostgreSQL: `pg_dump --format=custom` on an exported snapshot, then
//!   `pg_restore --list` on the archive);
//! - `<file>.manifest.json`: app and schema version, backend, created at, size, SHA-256 and rows
//!   per table (read from the copy itself, or from the dump's own snapshot).
//!
//! The copy is written under a `.partial` name and renamed only once verified, so a half-written
//! file never looks like a backup. A lock file in the folder (with the holder's PID) keeps a
//! second backup — from this server, another instance or the CLI — from running at the same time.

mod lock;
pub mod restore;
pub mod schedule;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use chrono::{DateTime, Utc};
use emhana_domain::backup::{retained, Retention};
use emhana_domain::ClinicZone;
use emhana_store::backup::{inspect_sqlite_file, Contents};
use emhana_store::{Backend, Store};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

pub use lock::Busy;

/// What a manifest says the `app` is: a file without it is not an Emhana backup.
const APP: &str = "emhana";

/// The manifest written next to each backup file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// Always `emhana`.
    pub app: String,
    /// The server version that wrote it.
    pub app_version: String,
    /// `sqlite` or `postgres`.
    pub backend: String,
    /// The newest migration in the copy.
    pub schema_version: i64,
    /// When it was taken.
    pub created_at: DateTime<Utc>,
    /// The backup file's name (same folder).
    pub file: String,
    /// Its size in bytes.
    pub bytes: u64,
    /// Its SHA-256, hex.
    pub sha256: String,
    /// Rows per table in the copy.
    pub tables: Vec<(String, i64)>,
    /// Why it was taken: `manual`, `daily`, `pre-restore`.
    pub reason: String,
}

impl Manifest {
    /// The manifest's path for a backup file.
    pub fn path_for(file: &Path) -> PathBuf {
        let mut name = file.as_os_str().to_owned();
        name.push(".manifest.json");
        PathBuf::from(name)
    }

    /// Reads and parses a manifest file.
    pub fn read(path: &Path) -> anyhow::Result<Self> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| anyhow::anyhow!("no manifest at {}: {e}", path.display()))?;
        let m: Self = serde_json::from_str(&text)
            .map_err(|e| anyhow::anyhow!("{} is not an Emhana manifest: {e}", path.display()))?;
        anyhow::ensure!(m.app == APP, "{} is not an Emhana backup", path.display());
        Ok(m)
    }
}

/// The outcome of the last automatic or manual backup, for `/readyz`, `/metrics` and the SPA.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Status {
    /// When the last backup succeeded.
    pub last_success_at: Option<DateTime<Utc>>,
    /// When the last attempt failed, and why (cleared by the next success).
    pub last_failure: Option<(DateTime<Utc>, String)>,
}

/// The backup service of one server (or one CLI run): where backups go, how many are kept, the
/// last outcome.
#[derive(Debug)]
pub struct Backups {
    store: Store,
    database_url: String,
    dir: PathBuf,
    retention: Retention,
    zone: ClinicZone,
    daily_at: Option<chrono::NaiveTime>,
    status: Mutex<Status>,
}

impl Backups {
    /// A service writing into `dir`.
    pub fn new(store: Store, database_url: &str, dir: PathBuf, zone: ClinicZone) -> Self {
        Self {
            store,
            database_url: database_url.to_owned(),
            dir,
            retention: Retention::default(),
            zone,
            daily_at: None,
            status: Mutex::new(Status::default()),
        }
    }

    /// The same service with daily automatic backups at `at` (clinic-local), for the status.
    pub fn with_daily(mut self, at: Option<chrono::NaiveTime>) -> Self {
        self.daily_at = at;
        self
    }

    /// The daily backup time, if automatic backups are on.
    pub fn daily_at(&self) -> Option<chrono::NaiveTime> {
        self.daily_at
    }

    /// The backup folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The last outcome.
    pub fn status(&self) -> Status {
        self.status.lock().map(|s| s.clone()).unwrap_or_default()
    }

    /// Takes a verified backup now, then applies retention. Refused with [`Busy`] while another
    /// backup runs (here or in another process).
    pub async fn create(&self, reason: &str) -> anyhow::Result<Manifest> {
        self.take(reason, true).await
    }

    /// Takes a verified backup without applying retention: before a restore, which must not
    /// delete the very file it is about to restore.
    pub async fn create_keeping_all(&self, reason: &str) -> anyhow::Result<Manifest> {
        self.take(reason, false).await
    }

    async fn take(&self, reason: &str, prune: bool) -> anyhow::Result<Manifest> {
        let result = self.create_locked(reason, prune).await;
        if let Ok(mut status) = self.status.lock() {
            match &result {
                Ok(m) => {
                    status.last_success_at = Some(m.created_at);
                    status.last_failure = None;
                }
                Err(e) if e.is::<Busy>() => {}
                Err(e) => status.last_failure = Some((Utc::now(), format!("{e:#}"))),
            }
        }
        match &result {
            Ok(m) => tracing::info!(file = %m.file, bytes = m.bytes, reason, "backup taken"),
            Err(e) if e.is::<Busy>() => {}
            Err(e) => tracing::error!(error = %format!("{e:#}"), reason, "backup failed"),
        }
        result
    }

    async fn create_locked(&self, reason: &str, prune: bool) -> anyhow::Result<Manifest> {
        std::fs::create_dir_all(&self.dir).map_err(|e| {
            anyhow::anyhow!(
                "cannot create the backup folder {}: {e}",
                self.dir.display()
            )
        })?;
        let _lock = lock::Lock::take(&self.dir)?;
        let created_at = Utc::now();
        let stamp = created_at.format("%Y%m%dT%H%M%S%.3fZ");
        let backend = self.store.backend();
        let ext = if backend == Backend::Sqlite {
            "db"
        } else {
            "dump"
        };
        let file = self.dir.join(format!("emhana-{stamp}.{ext}"));
        let partial = self.dir.join(format!("emhana-{stamp}.{ext}.partial"));
        let contents = match backend {
            Backend::Sqlite => {
                self.store.snapshot_sqlite(&partial).await?;
                inspect_sqlite_file(&partial)
                    .await
                    .map_err(anyhow::Error::from)
            }
            Backend::Postgres => self.pg_dump(&partial).await,
        };
        let contents = match contents {
            Ok(c) => c,
            Err(e) => {
                let _ = std::fs::remove_file(&partial);
                anyhow::bail!("the copy failed its check: {e}");
            }
        };
        let (bytes, sha256) = digest(&partial)?;
        std::fs::rename(&partial, &file)?;
        let manifest = Manifest {
            app: APP.into(),
            app_version: env!("CARGO_PKG_VERSION").into(),
            backend: backend.name().into(),
            schema_version: contents.schema_version,
            created_at,
            file: file_name(&file),
            bytes,
            sha256,
            tables: contents.tables,
            reason: reason.into(),
        };
        write_atomically(
            &Manifest::path_for(&file),
            &serde_json::to_vec_pretty(&manifest)?,
        )?;
        if prune {
            self.prune()?;
        }
        Ok(manifest)
    }

    /// `pg_dump` of the exported snapshot the row counts are read in, then `pg_restore --list`
    /// on the archive.
    async fn pg_dump(&self, partial: &Path) -> Result<Contents, anyhow::Error> {
        let url = self.database_url.clone();
        let target = partial.to_path_buf();
        let (contents, ()) = self
            .store
            .with_pg_snapshot(|snapshot| {
                tool("pg_dump")?
                    .args(["--format=custom", "--no-owner", "--snapshot", snapshot])
                    .arg("--file")
                    .arg(&target)
                    .arg(&url)
                    .status()
                    .map_err(|e| e.to_string())
                    .and_then(|s| s.success().then_some(()).ok_or("pg_dump failed".into()))
            })
            .await?;
        check_pg_archive(partial)?;
        Ok(contents)
    }

    /// The backups in the folder, newest first (files without a readable manifest are skipped).
    pub fn list(&self) -> Vec<Manifest> {
        let mut out: Vec<Manifest> = std::fs::read_dir(&self.dir)
            .into_iter()
            .flatten()
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().ends_with(".manifest.json"))
            .filter_map(|e| Manifest::read(&e.path()).ok())
            .filter(|m| self.dir.join(&m.file).is_file())
            .collect();
        out.sort_by_key(|m| std::cmp::Reverse(m.created_at));
        out
    }

    /// The path of a listed backup file by its name (never a path from outside the folder).
    pub fn file(&self, name: &str) -> Option<PathBuf> {
        self.list()
            .into_iter()
            .find(|m| m.file == name)
            .map(|m| self.dir.join(m.file))
    }

    /// Deletes the backups (file and manifest) the retention rule does not keep.
    fn prune(&self) -> anyhow::Result<()> {
        let all = self.list();
        let taken: Vec<_> = all
            .iter()
            .map(|m| self.zone.local_datetime(m.created_at))
            .collect();
        let keep = retained(&taken, self.retention);
        for (i, m) in all.iter().enumerate() {
            if !keep.contains(&i) {
                let file = self.dir.join(&m.file);
                remove_if_present(&Manifest::path_for(&file))?;
                remove_if_present(&file)?;
                tracing::info!(file = %m.file, "old backup removed by retention");
            }
        }
        Ok(())
    }
}

/// A PostgreSQL client tool (`pg_dump`, `pg_restore`), or a clear error when it is missing.
fn tool(name: &str) -> Result<std::process::Command, String> {
    let found = std::process::Command::new(name)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        return Err(format!(
            "{name} is not installed: PostgreSQL backups need the PostgreSQL client tools \
             (Debian: apt-get install postgresql-client)"
        ));
    }
    Ok(std::process::Command::new(name))
}

/// `pg_restore --list` reads the whole archive's table of contents: a truncated or foreign file
/// fails it.
fn check_pg_archive(path: &Path) -> anyhow::Result<()> {
    let out = tool("pg_restore")
        .map_err(anyhow::Error::msg)?
        .arg("--list")
        .arg(path)
        .output()?;
    anyhow::ensure!(
        out.status.success(),
        "not a readable pg_dump archive: {}",
        String::from_utf8_lossy(&out.stderr).trim()
    );
    Ok(())
}

/// Size and SHA-256 (hex) of a file, read in chunks.
pub fn digest(path: &Path) -> anyhow::Result<(u64, String)> {
    let mut file = std::fs::File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    let mut bytes = 0u64;
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        bytes += n as u64;
    }
    let hex = hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    Ok((bytes, hex))
}

fn remove_if_present(path: &Path) -> std::io::Result<()> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Writes `bytes` to `path` through a temporary file and a rename, synced to disk.
fn write_atomically(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    let tmp = PathBuf::from(tmp);
    {
        let mut f = std::fs::File::create(&tmp)?;
        std::io::Write::write_all(&mut f, bytes)?;
        f.sync_all()?;
    }
    std::fs::rename(&tmp, path)?;
    Ok(())
}
