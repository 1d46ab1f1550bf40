//! `cargo xtask bench read [--visits N] [--patients P] [--doctors D] [--clients C] [--seconds S]`:
//! reads over HTTP against the release server on a generated clinic (`emhana seed-bulk`: N
//! visits over a year, default 200,000, P patients, default 1,000,000, D doctors, default 50;
//! made once and kept in `target/bench/`), on SQLite and PostgreSQL:
//! - `/healthz` (no auth, no database: what the HTTP stack and the load client cost alone), then
//!   one visit by id (random ids of the whole year, then only the last seven days' visits: the
//!   cards a front desk reopens, warm in the database's cache), C kept-alive clients each
//!   (throughput, p50/p99);
//! - the whole clinic's day calendar (random days of the year), 4 clients (latency);
//! - patient search by a name or phone fragment, 4 clients (latency).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use crate::bench::{dataset, flag};
use crate::cmd::project_root;
use crate::load::{drive, Load, Run};
use crate::server::{Conn, Server};

/// Search fragments: surnames of the generator, a first name, phone digits.
const SEARCHES: [&str; 6] = ["Ахмет", "Сери", "Нурл", "Айгер", "701", "Омаров"];

/// Entry point: the flags after `bench read`.
pub fn run(args: &[String]) -> Result<(), String> {
    let visits = flag(args, "--visits", 200_000)?;
    let patients = flag(args, "--patients", 1_000_000)?;
    let doctors = flag(args, "--doctors", 50)?;
    let load = Load {
        clients: flag(args, "--clients", 64)?,
        seconds: flag(args, "--seconds", 10)?,
        visits,
    };
    let dir = crate::bench::prepare()?;
    // Its own dataset (the shape differs from `bench analytics`'): one tag per shape.
    let tag = format!("read-p{patients}-d{doctors}");
    let (sqlite, pg) = crate::bench::urls(&dir, &tag, visits);
    let make = [
        "seed-bulk".to_owned(),
        "--visits".into(),
        visits.to_string(),
        "--patients".to_owned(),
        patients.to_string(),
        "--doctors".to_owned(),
        doctors.to_string(),
    ];
    let mut runs = Vec::new();
    for (backend, url, port) in [
        ("sqlite", sqlite.as_str(), 18_093),
        ("postgres", pg.as_str(), 18_094),
    ] {
        dataset(&dir, backend, url, (visits, &tag), &make)?;
        let bin = project_root().join("target/release/emhana");
        let mut server = Server::start(&bin, url, port, &[("EMHANA_BACKUP_TIME", "off")])?;
        let token = server.login()?;
        // The floor: the same clients on a route that does no work (no auth, no database).
        runs.push(Run {
            backend,
            what: "healthz (floor)",
            shape: "",
            ..floor(port, load)?
        });
        runs.push(Run {
            backend,
            what: "visit by id",
            shape: "",
            ..by_id(port, &token, load)?
        });
        runs.push(Run {
            backend,
            what: "visit, this week",
            shape: "",
            ..by_id_among(port, &token, load, week_ids(port, &token)?)?
        });
        let few = Load { clients: 4, ..load };
        runs.push(Run {
            backend,
            what: "day calendar",
            shape: "",
            ..calendar(port, &token, few)?
        });
        runs.push(Run {
            backend,
            what: "patient search",
            shape: "",
            ..search(port, &token, few)?
        });
        server.stop();
    }
    println!(
        "\nreads: {visits} visits, {patients} patients, {doctors} doctors; {} s per run; visit by id with {} kept-alive clients, the rest with 4",
        load.seconds, load.clients
    );
    println!(
        "{:<10} {:<16} {:>8} {:>8} {:>8} {:>8} {:>8} {:>10} {:>9}",
        "backend",
        "read",
        "per s",
        "p50 ms",
        "p95 ms",
        "p99 ms",
        "failed",
        "CPU ms/op",
        "ceiling/s"
    );
    for r in &runs {
        println!(
            "{:<10} {:<16} {:>8.0} {:>8.1} {:>8.1} {:>8.1} {:>8} {:>10.3} {:>9.0}",
            r.backend,
            r.what,
            r.accepted as f64 / r.seconds,
            r.pick(0.5),
            r.pick(0.95),
            r.pick(0.99),
            r.refused,
            r.cpu_per_request(),
            r.cpu_ceiling()
        );
    }
    println!("CPU ms/op: the whole machine's busy time (server, database, load client) per answered read; ceiling/s: the cores ÷ that");
    Ok(())
}

/// A cheap deterministic spread (no rand crate in xtask).
fn spread(n: usize, modulo: usize) -> usize {
    (n.wrapping_mul(2_654_435_761) >> 7) % modulo.max(1)
}

fn floor(port: u16, load: Load) -> Result<Run, String> {
    drive(&[port], load, move |_, _, conn| {
        matches!(conn.call("GET", "/healthz", "-", None), Ok((200, _)))
    })
}

/// A visit by id, any of the year's (ids are 1..=visits).
fn by_id(port: u16, token: &str, load: Load) -> Result<Run, String> {
    let ids = (1..=i64::try_from(load.visits).map_err(|e| e.to_string())?).collect();
    by_id_among(port, token, load, ids)
}

/// The ids of the last seven days' visits (up to 200 a day, from the day calendar): the cards a
/// front desk opens again and again, and what the server keeps read cards for.
fn week_ids(port: u16, token: &str) -> Result<Vec<i64>, String> {
    let today = crate::bench::clinic_today()?;
    let mut conn = Conn::new(port);
    let mut ids = Vec::new();
    for back in 0..7 {
        let day = crate::bench::days_before(&today, back);
        let path = format!("/api/v1/appointments?from={day}&to={day}&limit=200");
        let (status, body) = conn.call("GET", &path, token, None)?;
        if status != 200 {
            return Err(format!("{path}: {status} {body}"));
        }
        let page: serde_json::Value =
            serde_json::from_str(&body).map_err(|e| format!("{path}: {e}"))?;
        let items = page["items"].as_array().cloned().unwrap_or_default();
        ids.extend(items.iter().filter_map(|v| v["id"].as_i64()));
    }
    if ids.is_empty() {
        return Err("no visit in the last seven days".into());
    }
    Ok(ids)
}

/// A visit by id, the ids drawn from `ids` in a spread order.
fn by_id_among(port: u16, token: &str, load: Load, ids: Vec<i64>) -> Result<Run, String> {
    let token = token.to_owned();
    let next = Arc::new(AtomicUsize::new(0));
    drive(&[port], load, move |_, _, conn| {
        let id = ids[spread(next.fetch_add(1, Ordering::Relaxed), ids.len())];
        matches!(
            conn.call("GET", &format!("/api/v1/appointments/{id}"), &token, None),
            Ok((200, _))
        )
    })
}

fn calendar(port: u16, token: &str, load: Load) -> Result<Run, String> {
    let token = token.to_owned();
    let today = crate::bench::clinic_today()?;
    let next = Arc::new(AtomicUsize::new(0));
    drive(&[port], load, move |_, _, conn| {
        let back = spread(next.fetch_add(1, Ordering::Relaxed), 360) as i64;
        let day = crate::bench::days_before(&today, back);
        let path = format!("/api/v1/appointments?from={day}&to={day}&limit=200");
        matches!(conn.call("GET", &path, &token, None), Ok((200, _)))
    })
}

fn search(port: u16, token: &str, load: Load) -> Result<Run, String> {
    let token = token.to_owned();
    let next = Arc::new(AtomicUsize::new(0));
    drive(&[port], load, move |_, _, conn| {
        let q = SEARCHES[next.fetch_add(1, Ordering::Relaxed) % SEARCHES.len()];
        let path = format!("/api/v1/patients?q={}", encode(q));
        matches!(conn.call("GET", &path, &token, None), Ok((200, _)))
    })
}

/// Percent-encodes a query value (UTF-8 bytes outside the unreserved set).
fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
