//! `cargo xtask <command>`: the project's own build, run and test driver.
//!
//! It installs what the project needs (idempotently, quietly when present) so the README's two
//! commands work on a brand-new machine: `cargo xtask run` and `cargo xtask test`.

mod bench;
mod cmd;
mod exportbench;
mod fuzz;
mod load;
mod readbench;
mod server;
mod spa;
mod tools;
mod writebench;

use std::process::ExitCode;
use std::time::Instant;

use cmd::{project_root, Cmd};

const USAGE: &str = "usage: cargo xtask <run|test|openapi|spa|bench>
  run      install missing tools, build the SPA and the API, serve on http://127.0.0.1:8080
  test     fmt, clippy, unit, API (SQLite + PostgreSQL), OpenAPI drift, browser tests
           (`cargo xtask test browser api` runs only the suites whose names start so)
  openapi  regenerate openapi/openapi.json from the code
  spa      build the SPA (desk and full bundles) into dist/ only
  bench analytics [--visits N] [--requests R] [--legacy]
           analytics endpoints over HTTP on N generated visits (default 1,000,000),
           SQLite and PostgreSQL, p50/p95 per endpoint (also for one doctor); --legacy:
           the clinic import-legacy makes from a generated file in the old schema
  bench write [--clients C] [--seconds S] [--visits N]
           writes by C kept-alive clients (default 64) for S seconds (15) each: payments to
           N visits (1,000) of one doctor and of 20, bookings, status changes; SQLite and
           PostgreSQL; throughput, p50/p95/p99; every database reconciled
  bench read [--visits N] [--clients C] [--seconds S]
           a visit by id (C clients, default 64), the day calendar and patient search
           on N generated visits (200,000), SQLite and PostgreSQL
  bench spa
           gzip bytes of each page's first load (reception, analytics, whole app)";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("run") => run(&args[1..]),
        Some("test") => test(&args[1..]),
        Some("openapi") => openapi(),
        Some("bench") => bench::run(&args[1..]),
        Some("spa") => tools::ensure_spa_tools().and_then(|()| build_spa()),
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Builds the SPA's two bundles into `dist/` (see `spa`).
fn build_spa() -> Result<(), String> {
    spa::build()
}

/// Builds the `emhana` binary with the same package selection as the tests (no rebuilds).
fn build_server() -> Result<(), String> {
    Cmd::new("cargo").args(["build", "--quiet", "--bins"]).run()
}

/// `cargo xtask run`: tools → SPA → API → serve (extra args go to `emhana serve`).
fn run(extra: &[String]) -> Result<(), String> {
    tools::ensure_spa_tools()?;
    build_spa()?;
    build_server()?;
    let bin = project_root().join("target/debug/emhana");
    // The demo (accounts with a public password) goes only into the embedded default database,
    // or wherever `--demo` asks: never silently into a database given by DATABASE_URL.
    let seed_demo = seeds_demo(extra, std::env::var("DATABASE_URL").ok().as_deref());
    let extra: Vec<&String> = extra.iter().filter(|a| *a != "--demo").collect();
    if seed_demo {
        // A first start shows a working demo clinic; later starts (or a real clinic's
        // database) are left as they are.
        let mut seed = Cmd::new(bin.to_string_lossy().as_ref()).args(["seed-demo", "--if-empty"]);
        for a in &extra {
            seed = seed.arg(a.as_str());
        }
        seed.run()?;
        println!(
            "  Demo data: seeded once into this database if it was empty (demo accounts below)."
        );
    } else {
        println!(
            "  Demo data: not seeded — DATABASE_URL names a real database (add --demo to seed it)."
        );
    }
    println!();
    println!("  Emhana: http://127.0.0.1:8080   (API docs: http://127.0.0.1:8080/swagger-ui/)");
    println!(
        "  Database: DATABASE_URL or sqlite://data/emhana.db (migrated at start). Ctrl+C stops."
    );
    println!(
        "  Sign in as `owner`: on the first start the password is EMHANA_OWNER_PASSWORD, or a"
    );
    println!("  generated one printed once above. Demo accounts: admin, reception, doctor with");
    println!("  the password emhana-demo-2026. More accounts: the Сотрудники page.");
    println!();
    let mut cmd = Cmd::new(bin.to_string_lossy().as_ref()).arg("serve");
    for a in extra {
        cmd = cmd.arg(a.as_str());
    }
    cmd.env_default("EMHANA_STATIC_DIR", "dist").run()
}

/// Whether `cargo xtask run` seeds the demo clinic (accounts with a public password): into the
/// embedded default database, or when `--demo` asks — never silently into a database named by
/// `DATABASE_URL` or `--database-url`.
fn seeds_demo(args: &[String], database_url: Option<&str>) -> bool {
    let asked = args.iter().any(|a| a == "--demo");
    let given = database_url.is_some_and(|u| !u.trim().is_empty())
        || args.iter().any(|a| a.starts_with("--database-url"));
    asked || !given
}

/// `cargo xtask openapi`: rewrites the committed spec through the drift test's update mode.
fn openapi() -> Result<(), String> {
    Cmd::new("cargo")
        .args(["test", "--quiet", "--lib", "openapi::"])
        .env("EMHANA_UPDATE_OPENAPI", "1")
        .run()?;
    println!("openapi/openapi.json regenerated");
    Ok(())
}

/// One named check with its outcome, for the summary.
struct Suite {
    name: &'static str,
    ok: bool,
    secs: f64,
}

/// `cargo xtask test [suite...]`: every check (or those whose names start with one of the given
/// words), in order of cost; all run, the summary tells which failed.
fn test(only: &[String]) -> Result<(), String> {
    let started = Instant::now();
    tools::ensure_spa_tools()?;
    tools::ensure_test_tools()?;
    tools::ensure_postgres()?;
    let mut suites: Vec<Suite> = Vec::new();
    for (name, run) in SUITES {
        if !only.is_empty() && !only.iter().any(|w| name.starts_with(w.as_str())) {
            continue;
        }
        println!("\n=== {name} ===");
        let t = Instant::now();
        let result = run();
        if let Err(e) = &result {
            eprintln!("{name} failed: {e}");
        }
        suites.push(Suite {
            name,
            ok: result.is_ok(),
            secs: t.elapsed().as_secs_f64(),
        });
    }
    summarize(&suites, started)
}

/// One suite's body.
type SuiteFn = fn() -> Result<(), String>;

/// Every suite of `cargo xtask test`, cheapest first. Every native step selects the same
/// packages (the workspace's default members: all but the wasm frontend), so cargo unifies
/// features identically and compiles each dependency once.
const SUITES: [(&str, SuiteFn); 7] = [
    ("fmt", fmt),
    ("clippy", clippy),
    ("unit (+ property tests)", unit),
    ("openapi drift", openapi_drift),
    ("api (sqlite + postgres)", api),
    ("fuzz (schemathesis, sqlite + postgres)", fuzz_both),
    ("browser (chromium)", browser),
];

fn fmt() -> Result<(), String> {
    Cmd::new("cargo")
        .args(["fmt", "--all", "--", "--check"])
        .run()
}

fn clippy() -> Result<(), String> {
    Cmd::new("cargo")
        .args(["clippy", "--all-targets", "--quiet", "--", "-D", "warnings"])
        .run()?;
    Cmd::new("cargo")
        .args([
            "clippy",
            "-p",
            "emhana-web",
            "--target",
            "wasm32-unknown-unknown",
            "--quiet",
        ])
        .args(["--", "-D", "warnings"])
        .run()
}

fn unit() -> Result<(), String> {
    Cmd::new("cargo")
        .args([
            "test",
            "--lib",
            "--bins",
            "--test",
            "money_properties",
            "--test",
            "cash_desk_properties",
            "--",
            "--skip",
            "openapi::",
        ])
        .run()?;
    // The SPA's own unit tests (the language tables agree, formats per language) run natively:
    // the SPA is not a default member (it is built for wasm32 by `spa`).
    Cmd::new("cargo")
        .args(["test", "--quiet", "-p", "emhana-web", "--lib"])
        .run()
}

fn openapi_drift() -> Result<(), String> {
    Cmd::new("cargo").args(["test", "--lib", "openapi::"]).run()
}

fn api() -> Result<(), String> {
    Cmd::new("cargo").args(["test", "--test", "api"]).run()
}

/// Both backends at once (each its own server, database and port): the run waits on HTTP and
/// Python more than on the two cores, so this takes little more than one backend alone.
fn fuzz_both() -> Result<(), String> {
    build_server()?;
    fuzz::ensure_schemathesis()?;
    let postgres = std::thread::spawn(|| fuzz::run("postgres", 18_092));
    let sqlite = fuzz::run("sqlite", 18_091);
    let postgres = postgres
        .join()
        .map_err(|_| "the PostgreSQL fuzz run panicked".to_owned())?;
    sqlite.and(postgres)
}

fn browser() -> Result<(), String> {
    build_spa()?;
    build_server()?;
    let root = project_root();
    Cmd::new("node")
        .args(["--test", "--test-reporter=spec", "--test-concurrency=1"])
        .arg("tests/e2e/")
        .env(
            "EMHANA_BIN",
            root.join("target/debug/emhana").to_string_lossy().as_ref(),
        )
        .env("EMHANA_DIST", root.join("dist").to_string_lossy().as_ref())
        .run()
}

/// Prints the summary table; an error when any suite failed.
fn summarize(suites: &[Suite], started: Instant) -> Result<(), String> {
    println!(
        "\n=== summary ({:.0} s) ===",
        started.elapsed().as_secs_f64()
    );
    for s in suites {
        println!(
            "{:<26} {:<6} {:>6.1} s",
            s.name,
            if s.ok { "ok" } else { "FAILED" },
            s.secs
        );
    }
    let failed = suites.iter().filter(|s| !s.ok).count();
    println!("suites: {} passed, {failed} failed", suites.len() - failed);
    if failed == 0 {
        Ok(())
    } else {
        Err(format!("{failed} suite(s) failed"))
    }
}

#[cfg(test)]
mod tests {
    use super::seeds_demo;

    #[test]
    fn the_demo_goes_only_into_the_embedded_database_unless_asked() {
        let args = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert!(seeds_demo(&args(&[]), None));
        assert!(seeds_demo(&args(&[]), Some("  ")));
        assert!(!seeds_demo(&args(&[]), Some("postgres://u@h/clinic")));
        assert!(!seeds_demo(&args(&["--database-url=sqlite://x.db"]), None));
        assert!(seeds_demo(
            &args(&["--demo"]),
            Some("postgres://u@h/clinic")
        ));
    }
}
