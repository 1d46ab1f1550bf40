//! Installs what the project needs, idempotently: quiet when present, pinned versions when not.
//! Only package registries are used (crates.io, npm, Debian); nothing downloads from elsewhere.

use std::path::Path;

use crate::cmd::{cargo_bin_dir, project_root, Cmd};

/// Trunk 0.22 needs a newer rustc than this machine has; 0.21.14 is verified here.
const TRUNK_VERSION: &str = "0.21.14";

/// Everything needed to build the SPA: wasm target, trunk, wasm-bindgen-cli, npm assets.
pub fn ensure_spa_tools() -> Result<(), String> {
    ensure_wasm_target()?;
    ensure_cargo_tool("trunk", "trunk", TRUNK_VERSION, &["--locked"])?;
    let bindgen = wasm_bindgen_version()?;
    // `--locked` fails for wasm-bindgen-cli: one of its locked dependencies is not on crates.io.
    ensure_cargo_tool("wasm-bindgen", "wasm-bindgen-cli", &bindgen, &[])?;
    ensure_npm()?;
    npm_ci("frontend")
}

/// Extra tools for `cargo xtask test`: Chromium, poppler's `pdftotext` and the e2e test packages.
pub fn ensure_test_tools() -> Result<(), String> {
    ensure_rustup_component("clippy")?;
    ensure_rustup_component("rustfmt")?;
    if !Path::new("/usr/bin/chromium").exists() {
        apt_install(&["chromium"])?;
    }
    // The API suite reads the text of generated receipts back with `pdftotext`.
    if !Path::new("/usr/bin/pdftotext").exists() {
        apt_install(&["poppler-utils"])?;
    }
    npm_ci("tests/e2e")
}

/// PostgreSQL must answer at 127.0.0.1:5432 for the API suite; start the local cluster if it is down.
pub fn ensure_postgres() -> Result<(), String> {
    if std::env::var_os("EMHANA_TEST_PG_URL").is_some() || pg_ready() {
        return Ok(());
    }
    println!("PostgreSQL is not answering on 127.0.0.1:5432; starting the local cluster");
    let versions = std::fs::read_dir("/etc/postgresql").map_err(|_| {
        "PostgreSQL is not installed here (no /etc/postgresql); set EMHANA_TEST_PG_URL".to_owned()
    })?;
    for entry in versions.flatten() {
        let version = entry.file_name().to_string_lossy().into_owned();
        let _ = Cmd::new("pg_ctlcluster")
            .args(["--skip-systemctl-redirect", &version, "main", "start"])
            .run();
    }
    for _ in 0..30 {
        if pg_ready() {
            return Ok(());
        }
        std::thread::sleep(std::time::Duration::from_secs(1));
    }
    Err(
        "PostgreSQL did not come up at 127.0.0.1:5432; start it with \
         `pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start`"
            .into(),
    )
}

fn pg_ready() -> bool {
    std::net::TcpStream::connect_timeout(
        &std::net::SocketAddr::from(([127, 0, 0, 1], 5432)),
        std::time::Duration::from_secs(2),
    )
    .is_ok()
}

fn ensure_wasm_target() -> Result<(), String> {
    let installed = Cmd::new("rustup")
        .args(["target", "list", "--installed"])
        .output();
    if installed.is_some_and(|t| t.lines().any(|l| l == "wasm32-unknown-unknown")) {
        return Ok(());
    }
    Cmd::new("rustup")
        .args(["target", "add", "wasm32-unknown-unknown"])
        .run()
}

fn ensure_rustup_component(name: &str) -> Result<(), String> {
    let installed = Cmd::new("rustup")
        .args(["component", "list", "--installed"])
        .output();
    if installed.is_some_and(|t| t.lines().any(|l| l.starts_with(name))) {
        return Ok(());
    }
    Cmd::new("rustup").args(["component", "add", name]).run()
}

/// Installs `krate` at exactly `version` unless `bin --version` already reports it.
fn ensure_cargo_tool(bin: &str, krate: &str, version: &str, flags: &[&str]) -> Result<(), String> {
    let path = cargo_bin_dir().join(bin);
    let current = Cmd::new(path.to_string_lossy().as_ref())
        .arg("--version")
        .output();
    if current.is_some_and(|v| v.split_whitespace().nth(1) == Some(version)) {
        return Ok(());
    }
    println!("installing {krate} {version} (one time, a few minutes)");
    Cmd::new("cargo")
        .args(["install", krate, "--version", version, "--force"])
        .args(flags.iter().copied())
        .run()
}

/// The wasm-bindgen version in Cargo.lock: the CLI must match it exactly.
fn wasm_bindgen_version() -> Result<String, String> {
    let lock = std::fs::read_to_string(project_root().join("Cargo.lock"))
        .map_err(|e| format!("read Cargo.lock: {e}"))?;
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line == "name = \"wasm-bindgen\"" {
            if let Some(v) = lines.next().and_then(|l| l.strip_prefix("version = \"")) {
                return Ok(v.trim_end_matches('"').to_owned());
            }
        }
    }
    Err("wasm-bindgen is not in Cargo.lock".into())
}

fn ensure_npm() -> Result<(), String> {
    if Cmd::new("npm").arg("--version").output().is_some() {
        return Ok(());
    }
    apt_install(&["nodejs", "npm"])
}

/// `npm ci` in `dir` unless node_modules already matches package-lock.json.
fn npm_ci(dir: &str) -> Result<(), String> {
    let root = project_root().join(dir);
    let lock = std::fs::read(root.join("package-lock.json"))
        .map_err(|e| format!("{dir}/package-lock.json: {e}"))?;
    let stamp = root.join("node_modules/.emhana-lock");
    if std::fs::read(&stamp).is_ok_and(|s| s == lock) {
        return Ok(());
    }
    Cmd::new("npm")
        .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
        .dir(dir)
        .run()?;
    std::fs::write(&stamp, lock).map_err(|e| format!("write {}: {e}", stamp.display()))
}

fn apt_install(packages: &[&str]) -> Result<(), String> {
    println!("installing Debian packages: {}", packages.join(" "));
    Cmd::new("apt-get")
        .args(["update", "-qq"])
        .env("DEBIAN_FRONTEND", "noninteractive")
        .run()?;
    Cmd::new("apt-get")
        .args(["install", "-y", "-qq"])
        .args(packages.iter().copied())
        .env("DEBIAN_FRONTEND", "noninteractive")
        .run()
}
