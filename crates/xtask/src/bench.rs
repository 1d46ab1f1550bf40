//! `cargo xtask bench analytics [--visits N] [--requests R]`: every analytics endpoint over HTTP
//! against the release server on a generated dataset (default 1,000,000 visits), on SQLite and on
//! PostgreSQL; prints p50/p95 per endpoint and the dataset generation time.
//!
//! Datasets are kept under `target/bench/` (SQLite) and in the `emhana_bench_<N>` database
//! (PostgreSQL) with a marker file, so a second run measures without regenerating.

use std::time::Instant;

use crate::cmd::{project_root, Cmd};
use crate::server::{http, Server, OWNER_PASSWORD};
use crate::tools;

/// The reports measured, with the range each asks for (the last year: the whole dataset).
const ENDPOINTS: &[&str] = &[
    "summary",
    "sources",
    "payment-methods",
    "revenue-daily",
    "visits",
    "doctors",
    "services",
    "discounts",
    "trends",
    // The same reports for one doctor (the per-doctor passes; doctor 1 of either dataset).
    "summary/doctor",
    "sources/doctor",
    "services/doctor",
    "trends/doctor",
];

/// Entry point: `args` after `bench`.
pub fn run(args: &[String]) -> Result<(), String> {
    match args.first().map(String::as_str) {
        Some("analytics") => {}
        // `payments` is the old name of `write` (scripts and notes may still use it).
        Some("write" | "payments") => return crate::writebench::run(&args[1..]),
        Some("read") => return crate::readbench::run(&args[1..]),
        Some("export") => return crate::exportbench::run(&args[1..]),
        Some("spa") => return crate::spa::bench(),
        _ => {
            return Err(
                "usage: cargo xtask bench analytics [--visits N] [--requests R] [--legacy] | \
                        bench write [--clients C] [--seconds S] [--visits N] | \
                        bench read [--visits N] [--clients C] [--seconds S] | \
                        bench export [--visits N] | bench spa"
                    .into(),
            )
        }
    }
    let visits = flag(args, "--visits", 1_000_000)?;
    let requests = flag(args, "--requests", 30)?;
    // `--legacy`: the clinic `import-legacy` makes from a generated file in the old schema.
    let legacy = args.iter().any(|a| a == "--legacy");
    let dir = crate::bench::prepare()?;
    let tag = if legacy {
        "analytics-legacy"
    } else {
        "analytics"
    };
    let (sqlite, pg) = urls(&dir, tag, visits);
    let mut tables = Vec::new();
    for (name, url, port) in [
        ("sqlite", sqlite.as_str(), 18_081),
        ("postgres", pg.as_str(), 18_082),
    ] {
        let make = if legacy {
            vec!["import-legacy".to_owned(), legacy_file(&dir, visits)?]
        } else {
            vec![
                "seed-bulk".to_owned(),
                "--visits".into(),
                visits.to_string(),
            ]
        };
        let generated = dataset(&dir, name, url, (visits, tag), &make)?;
        let rows = measure(url, port, requests)?;
        tables.push((name, generated, rows));
    }
    report(&tables, visits, requests);
    if legacy {
        println!("dataset: `emhana seed-legacy` (old v2.7 schema, 1–3 lines per visit, 10 % discounted lines, 20 % two-method payments) → `emhana import-legacy`");
    }
    Ok(())
}

/// The old-schema file of `visits` visits `import-legacy` reads (`target/bench/legacy-N.sqlite`,
/// written once by `emhana seed-legacy`); its path.
fn legacy_file(dir: &std::path::Path, visits: usize) -> Result<String, String> {
    let file = dir.join(format!("legacy-{visits}.sqlite"));
    if !file.exists() {
        let partial = dir.join(format!("legacy-{visits}.partial"));
        let _ = std::fs::remove_file(&partial);
        Cmd::new("target/release/emhana")
            .args([
                "seed-legacy",
                &partial.display().to_string(),
                "--visits",
                &visits.to_string(),
            ])
            .run()?;
        std::fs::rename(&partial, &file).map_err(|e| e.to_string())?;
    }
    Ok(file.display().to_string())
}

/// What every benchmark needs first: PostgreSQL up, the release server built, `target/bench/`.
pub(crate) fn prepare() -> Result<std::path::PathBuf, String> {
    tools::ensure_postgres()?;
    Cmd::new("cargo")
        .args(["build", "--quiet", "--release", "--bin", "emhana"])
        .run()?;
    let dir = project_root().join("target/bench");
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    Ok(dir)
}

/// The number after `name` in `args` (`1_000_000` allowed), or `default`.
pub(crate) fn flag(args: &[String], name: &str, default: usize) -> Result<usize, String> {
    match args.iter().position(|a| a == name) {
        Some(i) => args
            .get(i + 1)
            .and_then(|v| v.replace('_', "").parse().ok())
            .ok_or_else(|| format!("{name} needs a number")),
        None => Ok(default),
    }
}

/// The SQLite and PostgreSQL URLs of the benchmark database `tag` of `visits` visits:
/// `target/bench/{tag}-{visits}.db` and `emhana_bench_{tag}_{visits}` (`analytics` keeps its
/// older name `emhana_bench_{visits}`, so datasets made before stay usable).
pub(crate) fn urls(dir: &std::path::Path, tag: &str, visits: usize) -> (String, String) {
    let pg_db = match tag {
        "analytics" => format!("emhana_bench_{visits}"),
        other => format!("emhana_bench_{}_{visits}", other.replace('-', "_")),
    };
    (
        format!(
            "sqlite://{}",
            dir.join(format!("{tag}-{visits}.db")).display()
        ),
        format!("postgres://postgres@127.0.0.1:5432/{pg_db}"),
    )
}

/// Makes the dataset `tag` on backend `name` at `url` once — an empty database, then
/// `emhana <make…>` (seed-bulk, import-legacy) against it — and reuses it after that (a marker file
/// in `dir` keeps how long it took); the seconds it took, when it ran now.
pub(crate) fn dataset(
    dir: &std::path::Path,
    name: &str,
    url: &str,
    (visits, tag): (usize, &str),
    make: &[String],
) -> Result<Option<f64>, String> {
    let marker = dir.join(format!("{tag}-{visits}.{name}.done"));
    if marker.exists() {
        return Ok(std::fs::read_to_string(&marker)
            .ok()
            .and_then(|s| s.trim().parse().ok()));
    }
    if name == "sqlite" {
        let _ = std::fs::remove_file(dir.join(format!("{tag}-{visits}.db")));
    } else {
        let pg_db = url.rsplit('/').next().unwrap_or_default();
        psql(&format!("DROP DATABASE IF EXISTS {pg_db}"))?;
        psql(&format!("CREATE DATABASE {pg_db}"))?;
    }
    let t = Instant::now();
    Cmd::new("target/release/emhana")
        .args(make.iter().map(String::as_str))
        .env("DATABASE_URL", url)
        .env("EMHANA_OWNER_PASSWORD", OWNER_PASSWORD)
        .env("RUST_LOG", "warn,sqlx=error")
        .run()?;
    let secs = t.elapsed().as_secs_f64();
    std::fs::write(&marker, format!("{secs:.1}\n")).map_err(|e| e.to_string())?;
    Ok(Some(secs))
}

/// One row of timings per endpoint and backend.
type Timings = Vec<(f64, f64)>;

/// Prints p50/p95 per endpoint for both backends and how each dataset was made.
fn report(tables: &[(&str, Option<f64>, Timings)], visits: usize, requests: usize) {
    println!("\nanalytics on {visits} visits, {requests} requests per endpoint after 3 warm-ups, range = last 365 days");
    println!(
        "{:<18} {:>12} {:>12} {:>12} {:>12}",
        "endpoint", "sqlite p50", "sqlite p95", "pg p50", "pg p95"
    );
    for (i, endpoint) in ENDPOINTS.iter().enumerate() {
        let (s, p) = (&tables[0].2[i], &tables[1].2[i]);
        println!(
            "{endpoint:<18} {:>9.1} ms {:>9.1} ms {:>9.1} ms {:>9.1} ms",
            s.0, s.1, p.0, p.1
        );
    }
    for (name, generated, _) in tables {
        match generated {
            Some(secs) => println!("dataset on {name}: made in {secs:.1} s"),
            None => println!("dataset on {name}: reused"),
        }
    }
}

fn psql(sql: &str) -> Result<(), String> {
    Cmd::new("psql")
        .args(["-h", "127.0.0.1", "-U", "postgres", "-q", "-c", sql])
        .run()
}

/// Starts the server on `url`, signs in as the owner, and returns (p50, p95) in ms per endpoint.
fn measure(url: &str, port: u16, requests: usize) -> Result<Vec<(f64, f64)>, String> {
    let bin = project_root().join("target/release/emhana");
    let mut server = Server::start(&bin, url, port, &[])?;
    let token = server.login()?;
    let today = clinic_today()?;
    let mut out = Vec::new();
    for endpoint in ENDPOINTS {
        let (report, doctor) = match endpoint.strip_suffix("/doctor") {
            Some(report) => (report, "&doctor_id=1"),
            None => (*endpoint, ""),
        };
        let path = format!(
            "/api/v1/analytics/{report}?from={}&to={today}{doctor}",
            year_before(&today)
        );
        let mut times = Vec::with_capacity(requests);
        for i in 0..requests + 3 {
            let t = Instant::now();
            let (status, body) = http(port, "GET", &path, Some(&token), None)?;
            if status != 200 {
                return Err(format!("{endpoint}: HTTP {status}: {body}"));
            }
            if i >= 3 {
                times.push(t.elapsed().as_secs_f64() * 1000.0);
            }
        }
        times.sort_by(f64::total_cmp);
        let pick = |q: f64| times[((times.len() as f64 - 1.0) * q).round() as usize];
        out.push((pick(0.5), pick(0.95)));
    }
    server.stop();
    Ok(out)
}

/// `YYYY-MM-DD` one year (364 days) before `day`, by calendar arithmetic on the string.
fn year_before(day: &str) -> String {
    let y: i32 = day.get(..4).and_then(|y| y.parse().ok()).unwrap_or(2026);
    format!("{}{}", y - 1, day.get(4..).unwrap_or("-01-01"))
}

/// Today in Almaty (UTC+5, the dataset's zone); a day's slack would not change the figures.
pub(crate) fn clinic_today() -> Result<String, String> {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_err(|e| e.to_string())?
        .as_secs();
    let days = (secs + 5 * 3600) / 86_400;
    Ok(civil_date(days as i64))
}

/// `YYYY-MM-DD` `back` days before `day` (a `YYYY-MM-DD`).
pub(crate) fn days_before(day: &str, back: i64) -> String {
    civil_date(days_from_civil(day) - back)
}

/// `YYYY-MM-DD` → days since 1970-01-01 (Howard Hinnant's days-from-civil).
fn days_from_civil(day: &str) -> i64 {
    let part =
        |r: std::ops::Range<usize>| day.get(r).and_then(|p| p.parse::<i64>().ok()).unwrap_or(1);
    let (y, m, d) = (part(0..4), part(5..7), part(8..10));
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Days since 1970-01-01 → `YYYY-MM-DD` (Howard Hinnant's civil-from-days).
pub(crate) fn civil_date(days: i64) -> String {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

#[cfg(test)]
mod tests {
    use super::{civil_date, days_before, days_from_civil};

    #[test]
    fn calendar_arithmetic_round_trips_across_months_leap_days_and_years() {
        assert_eq!(days_from_civil("1970-01-01"), 0);
        assert_eq!(days_from_civil("2027-01-01"), 20_819);
        assert_eq!(days_before("2026-03-01", 1), "2026-02-28");
        assert_eq!(days_before("2028-03-01", 1), "2028-02-29");
        assert_eq!(days_before("2027-01-01", 1), "2026-12-31");
        for day in ["2026-11-28", "2000-02-29", "1999-12-31"] {
            assert_eq!(civil_date(days_from_civil(day)), day);
        }
    }
}
