//! One backup at a time per folder, across threads, server instances and the CLI: a lock file
//! created exclusively, holding the owner's PID. A lock left by a process that died (its PID is
//! gone) is taken over.

use std::io::Write;
use std::path::{Path, PathBuf};

/// Another backup is running; this one was not started.
#[derive(Debug, thiserror::Error)]
#[error("another backup is running (process {pid})")]
pub struct Busy {
    /// Who holds the lock.
    pub pid: u32,
}

/// The held lock; removed on drop.
pub(super) struct Lock(PathBuf);

impl Lock {
    /// Takes the folder's lock or says who holds it.
    pub(super) fn take(dir: &Path) -> anyhow::Result<Self> {
        let path = dir.join(".backup.lock");
        for _ in 0..2 {
            match std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&path)
            {
                Ok(mut f) => {
                    write!(f, "{}", std::process::id())?;
                    return Ok(Self(path));
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    let pid = std::fs::read_to_string(&path)
                        .ok()
                        .and_then(|s| s.trim().parse::<u32>().ok());
                    match pid {
                        Some(pid) if alive(pid) => return Err(Busy { pid }.into()),
                        // Its process is gone: take it over.
                        Some(_) => {
                            let _ = std::fs::remove_file(&path);
                        }
                        // Being written by its taker right now — or left empty by a crash long
                        // ago, which is taken over.
                        None if !abandoned(&path) => return Err(Busy { pid: 0 }.into()),
                        None => {
                            let _ = std::fs::remove_file(&path);
                        }
                    }
                }
                Err(e) => return Err(e.into()),
            }
        }
        Err(Busy { pid: 0 }.into())
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// An unreadable lock file older than a minute was left by a crash between creating and
/// writing it.
fn abandoned(path: &Path) -> bool {
    std::fs::metadata(path)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.elapsed().ok())
        .is_some_and(|age| age.as_secs() > 60)
}

/// Whether a process with this PID exists (Linux `/proc`).
pub(crate) fn alive(pid: u32) -> bool {
    Path::new(&format!("/proc/{pid}")).exists()
}
