//! Schema fuzzing: Schemathesis (pinned, from PyPI, in a project-local virtualenv) generates
//! requests from `openapi/openapi.json` and sends them to the real server, signed in as the
//! owner, on SQLite and on PostgreSQL. The suite fails on any 5xx, any response that does not
//! match its documented schema, or any answer slower than 5 s. A fixed seed and a bounded number
//! of examples per operation keep it reproducible and within about two minutes per backend.

use std::path::PathBuf;

use crate::cmd::{project_root, Cmd};
use crate::server::Server;

/// The Schemathesis release this suite was written against.
const SCHEMATHESIS_VERSION: &str = "4.32.5";
/// Generated cases per API operation and phase (the README states the total).
pub const EXAMPLES_PER_OPERATION: u32 = 15;
/// Fixed, so a failure found in CI reproduces locally.
const SEED: &str = "20261128";

/// The virtualenv's `st`, installing Schemathesis there (once) when missing or another version.
pub fn ensure_schemathesis() -> Result<PathBuf, String> {
    let venv = project_root().join("target/tools/schemathesis");
    let st = venv.join("bin/st");
    let current = Cmd::new(st.to_string_lossy().as_ref())
        .arg("--version")
        .output();
    if current.is_some_and(|v| v.contains(SCHEMATHESIS_VERSION)) {
        return Ok(st);
    }
    println!(
        "installing schemathesis {SCHEMATHESIS_VERSION} into {} (one time)",
        venv.display()
    );
    Cmd::new("python3")
        .args(["-m", "venv", venv.to_string_lossy().as_ref()])
        .run()?;
    Cmd::new(venv.join("bin/pip").to_string_lossy().as_ref())
        .args([
            "install",
            "--quiet",
            "--disable-pip-version-check",
            &format!("schemathesis=={SCHEMATHESIS_VERSION}"),
        ])
        .run()?;
    Ok(st)
}

/// Fuzzes the debug server on a fresh database of `backend` (`sqlite` or `postgres`).
pub fn run(backend: &str, port: u16) -> Result<(), String> {
    let st = ensure_schemathesis()?;
    let root = project_root();
    let work = root.join(format!("target/fuzz/{backend}"));
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work).map_err(|e| e.to_string())?;
    let pg_db = format!("emhana_fuzz_{}", std::process::id());
    let url = match backend {
        "sqlite" => format!("sqlite://{}/emhana.db", work.display()),
        _ => {
            Cmd::new("createdb")
                .args(["-h", "127.0.0.1", "-U", "postgres", &pg_db])
                .run()?;
            format!("postgres://postgres@127.0.0.1:5432/{pg_db}")
        }
    };
    let result = fuzz_server(&st, &url, port, &work);
    if backend != "sqlite" {
        let _ = Cmd::new("dropdb")
            .args(["-h", "127.0.0.1", "-U", "postgres", "--force", &pg_db])
            .run();
    }
    result
}

fn fuzz_server(
    st: &std::path::Path,
    url: &str,
    port: u16,
    work: &std::path::Path,
) -> Result<(), String> {
    let bin = project_root().join("target/debug/emhana");
    let no_spa = work.join("no-spa");
    let backups = work.join("backups");
    let mut server = Server::start(
        &bin,
        url,
        port,
        &[
            ("EMHANA_STATIC_DIR", no_spa.to_string_lossy().as_ref()),
            ("EMHANA_BACKUP_DIR", backups.to_string_lossy().as_ref()),
        ],
    )?;
    let token = server.login()?;
    let spec = project_root().join("openapi/openapi.json");
    let outcome = Cmd::new(st.to_string_lossy().as_ref())
        .args(["run", spec.to_string_lossy().as_ref()])
        .args(["--url", &format!("http://127.0.0.1:{port}")])
        .args(["--header", &format!("Authorization: Bearer {token}")])
        .args(["--checks", "not_a_server_error,response_schema_conformance"])
        .args(["--max-response-time", "5"])
        .args(["--max-examples", &EXAMPLES_PER_OPERATION.to_string()])
        .args(["--seed", SEED])
        .args(["--phases", "examples,coverage,fuzzing"])
        // One worker per run: both backends run at once (two cores), and Schemathesis's
        // generator is not thread-safe (a CI run failed with Hypothesis's FlakyFailure from a
        // shared lambda-source cache under `--workers 2`, not from the server).
        .args(["--mode", "all", "--workers", "1", "--no-shrink"])
        // Signing out or changing the owner's password would end the run's own session; the
        // auth endpoints have their own tests.
        .args([
            "--exclude-path-regex",
            "^/api/v1/(auth/logout|me/password)$",
        ])
        .args([
            "--report-dir",
            work.join("report").to_string_lossy().as_ref(),
        ])
        // Schemathesis keeps a cache in its working directory: under target/, not the repo.
        .dir(work.to_string_lossy().as_ref())
        .run();
    let alive = server.alive();
    server.stop();
    outcome?;
    if alive {
        Ok(())
    } else {
        Err("the server died during fuzzing".into())
    }
}
