//! A tiny process runner: echoes the command, runs it in the project root, fails with a message.

use std::path::PathBuf;
use std::process::{Command, Stdio};

/// The workspace root (xtask lives in crates/xtask).
pub fn project_root() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest
        .ancestors()
        .nth(2)
        .map(PathBuf::from)
        .unwrap_or(manifest)
}

/// `~/.cargo/bin`, where `cargo install` puts trunk and wasm-bindgen.
pub fn cargo_bin_dir() -> PathBuf {
    std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
        .unwrap_or_else(|| PathBuf::from(".cargo"))
        .join("bin")
}

/// A command to run in the project root.
pub struct Cmd {
    inner: Command,
    shown: String,
}

impl Cmd {
    /// Starts building `program`.
    pub fn new(program: &str) -> Self {
        let mut inner = Command::new(program);
        inner.current_dir(project_root());
        Self {
            inner,
            shown: program.to_owned(),
        }
    }

    /// Adds one argument.
    pub fn arg(mut self, a: &str) -> Self {
        self.inner.arg(a);
        self.shown.push(' ');
        self.shown.push_str(a);
        self
    }

    /// Adds several arguments.
    pub fn args<'a>(mut self, args: impl IntoIterator<Item = &'a str>) -> Self {
        for a in args {
            self = self.arg(a);
        }
        self
    }

    /// Sets an environment variable.
    pub fn env(mut self, key: &str, value: &str) -> Self {
        self.inner.env(key, value);
        self
    }

    /// Sets an environment variable unless the caller's environment already has it.
    pub fn env_default(self, key: &str, value: &str) -> Self {
        if std::env::var_os(key).is_some() {
            self
        } else {
            self.env(key, value)
        }
    }

    /// Runs in another folder of the project.
    pub fn dir(mut self, rel: &str) -> Self {
        self.inner.current_dir(project_root().join(rel));
        self
    }

    /// Puts the npm tools (wasm-opt) and `~/.cargo/bin` first on PATH, for Trunk.
    pub fn with_tool_path(mut self) -> Self {
        let mut paths = vec![
            project_root().join("frontend/node_modules/.bin"),
            cargo_bin_dir(),
        ];
        if let Some(existing) = std::env::var_os("PATH") {
            paths.extend(std::env::split_paths(&existing));
        }
        if let Ok(joined) = std::env::join_paths(paths) {
            self.inner.env("PATH", joined);
        }
        self
    }

    /// Runs to completion with inherited output; non-zero exit is an error.
    pub fn run(mut self) -> Result<(), String> {
        println!("$ {}", self.shown);
        let status = self
            .inner
            .stdin(Stdio::null())
            .status()
            .map_err(|e| format!("cannot start `{}`: {e}", self.shown))?;
        if status.success() {
            Ok(())
        } else {
            Err(format!("`{}` exited with {status}", self.shown))
        }
    }

    /// Runs quietly and returns trimmed stdout, or `None` if it could not run or failed.
    pub fn output(mut self) -> Option<String> {
        let out = self
            .inner
            .stdin(Stdio::null())
            .stderr(Stdio::null())
            .output()
            .ok()?;
        out.status
            .success()
            .then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned())
    }
}
