//! `cargo xtask bench payments [--clients C] [--seconds S] [--visits N]`: cash payments taken
//! at an open cash-desk shift, over HTTP against the release server, by C concurrent clients
//! for S seconds, on SQLite and on PostgreSQL, in two shapes: every visit on one doctor (hot
//! aggregate rows) and visits spread over 20 doctors. Prints throughput and p50/p95/p99, and
//! reconciles every run: the shift's X report (base tables) and the payment-methods report
//! (the kept aggregates) both hold exactly the payments the clients saw accepted.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::bench::flag;
use crate::cmd::{project_root, Cmd};
use crate::server::{http, Server};
use crate::tools;

/// What one run measured.
struct Run {
    backend: &'static str,
    doctors: usize,
    accepted: usize,
    refused: usize,
    seconds: f64,
    /// Sorted latencies of every request, ms.
    latencies: Vec<f64>,
}

impl Run {
    fn pick(&self, q: f64) -> f64 {
        let i = ((self.latencies.len() as f64 - 1.0) * q).round() as usize;
        self.latencies.get(i).copied().unwrap_or(0.0)
    }
}

/// Entry point: the flags after `bench payments`.
pub fn run(args: &[String]) -> Result<(), String> {
    let clients = flag(args, "--clients", 64)?;
    let seconds = flag(args, "--seconds", 15)?;
    let visits = flag(args, "--visits", 1_000)?;
    tools::ensure_postgres()?;
    Cmd::new("cargo")
        .args(["build", "--quiet", "--release", "--bin", "emhana"])
        .run()?;
    let dir = project_root().join("target/bench");
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let mut runs = Vec::new();
    for doctors in [1, 20] {
        for (backend, port) in [("sqlite", 18_091), ("postgres", 18_092)] {
            let url = fresh_database(&dir, backend)?;
            runs.push(measure(
                backend,
                &url,
                port,
                (clients, seconds, visits, doctors),
            )?);
        }
    }
    println!("\ncash payments at an open shift: {clients} clients, {seconds} s, {visits} visits of 1 000 000 ₸, 1.00 each");
    println!(
        "{:<10} {:>8} {:>10} {:>9} {:>9} {:>9} {:>9}",
        "backend", "doctors", "payments/s", "p50 ms", "p95 ms", "p99 ms", "refused"
    );
    for r in &runs {
        println!(
            "{:<10} {:>8} {:>10.0} {:>9.1} {:>9.1} {:>9.1} {:>9}",
            r.backend,
            r.doctors,
            r.accepted as f64 / r.seconds,
            r.pick(0.5),
            r.pick(0.95),
            r.pick(0.99),
            r.refused
        );
    }
    println!("every run reconciled: X report == payment-methods report == accepted payments");
    Ok(())
}

/// An empty database of `backend`; its URL.
fn fresh_database(dir: &std::path::Path, backend: &str) -> Result<String, String> {
    if backend == "sqlite" {
        let file = dir.join("payments.db");
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", file.display()));
        }
        return Ok(format!("sqlite://{}", file.display()));
    }
    for sql in [
        "DROP DATABASE IF EXISTS emhana_bench_payments",
        "CREATE DATABASE emhana_bench_payments",
    ] {
        Cmd::new("psql")
            .args(["-h", "127.0.0.1", "-U", "postgres", "-q", "-c", sql])
            .run()?;
    }
    Ok("postgres://postgres@127.0.0.1:5432/emhana_bench_payments".into())
}

/// `(status, parsed body)` of one API call.
fn call(
    port: u16,
    method: &str,
    path: &str,
    token: &str,
    body: &Value,
) -> Result<(u16, Value), String> {
    let body = (method != "GET").then(|| body.to_string());
    let (status, answer) = http(port, method, path, Some(token), body.as_deref())?;
    Ok((status, serde_json::from_str(&answer).unwrap_or(Value::Null)))
}

fn created(port: u16, path: &str, token: &str, body: Value) -> Result<Value, String> {
    match call(port, "POST", path, token, &body)? {
        (200 | 201, v) => Ok(v),
        (status, v) => Err(format!("{path}: HTTP {status}: {v}")),
    }
}

/// Doctors' last names (names take letters only).
const LAST_NAMES: [&str; 20] = [
    "Абаев",
    "Бекова",
    "Валиев",
    "Габдуллин",
    "Данияров",
    "Ермеков",
    "Жанова",
    "Закиров",
    "Ибраев",
    "Кенжебаев",
    "Лукпанов",
    "Мусин",
    "Нуржанов",
    "Оспанов",
    "Петров",
    "Рахимов",
    "Сапаров",
    "Тулегенов",
    "Уалиев",
    "Хасенов",
];

/// A clinic of `doctors` doctors with `visits` visits and an open shift; the visit ids.
fn clinic(port: u16, token: &str, visits: usize, doctors: usize) -> Result<Vec<i64>, String> {
    let service = created(
        port,
        "/api/v1/services",
        token,
        serde_json::json!({"name": "Курс лечения", "base_price": "1000000", "duration_minutes": 30}),
    )?;
    let patient = created(
        port,
        "/api/v1/patients",
        token,
        serde_json::json!({"first_name": "Айгерим", "phone": "87011234567"}),
    )?;
    let mut doctor_ids = Vec::new();
    for d in 0..doctors {
        let doctor = created(
            port,
            "/api/v1/doctors",
            token,
            serde_json::json!({"first_name": "Ерлан", "last_name": LAST_NAMES[d % LAST_NAMES.len()], "specialization": "Стоматолог"}),
        )?;
        doctor_ids.push(doctor["id"].clone());
    }
    created(
        port,
        "/api/v1/registers/1/shifts",
        token,
        serde_json::json!({"counted_opening": "0"}),
    )?;
    let mut ids = Vec::with_capacity(visits);
    for i in 0..visits {
        // Half-hour slots from 2026-12-01, each doctor's visits one after another.
        let slot = (i / doctors) as i64;
        let starts = format!(
            "2026-12-{:02}T{:02}:{:02}:00Z",
            1 + slot / 48,
            (slot % 48) / 2,
            (slot % 2) * 30
        );
        let v = created(
            port,
            "/api/v1/appointments",
            token,
            serde_json::json!({
                "patient_id": patient["id"], "doctor_id": doctor_ids[i % doctors],
                "starts_at": starts, "service_ids": [service["id"]], "allow_overlap": false,
            }),
        )?;
        ids.push(v["id"].as_i64().ok_or("no visit id")?);
    }
    Ok(ids)
}

/// One run: the clinic, the load, the reconcile.
fn measure(
    backend: &'static str,
    url: &str,
    port: u16,
    (clients, seconds, visits, doctors): (usize, usize, usize, usize),
) -> Result<Run, String> {
    let bin = project_root().join("target/release/emhana");
    let mut server = Server::start(&bin, url, port, &[("EMHANA_BACKUP_TIME", "off")])?;
    let token = server.login()?;
    let ids = Arc::new(clinic(port, &token, visits, doctors)?);
    let latencies = Arc::new(Mutex::new(Vec::new()));
    let (accepted, refused) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let until = Instant::now() + Duration::from_secs(seconds as u64);
    let started = Instant::now();
    let threads: Vec<_> = (0..clients)
        .map(|c| {
            let (ids, latencies, accepted, refused, token) = (
                ids.clone(),
                latencies.clone(),
                accepted.clone(),
                refused.clone(),
                token.clone(),
            );
            std::thread::spawn(move || {
                let body = r#"{"payments":[{"method":"cash","amount":"1.00"}]}"#;
                let mut mine = Vec::new();
                let mut k = c;
                while Instant::now() < until {
                    let path = format!("/api/v1/appointments/{}/payments", ids[k % ids.len()]);
                    let t = Instant::now();
                    match http(port, "POST", &path, Some(&token), Some(body)) {
                        Ok((201, _)) => accepted.fetch_add(1, Ordering::Relaxed),
                        _ => refused.fetch_add(1, Ordering::Relaxed),
                    };
                    mine.push(t.elapsed().as_secs_f64() * 1000.0);
                    k += clients;
                }
                if let Ok(mut all) = latencies.lock() {
                    all.extend(mine);
                }
            })
        })
        .collect();
    for t in threads {
        t.join().map_err(|_| "a client thread panicked")?;
    }
    let elapsed = started.elapsed().as_secs_f64();
    let accepted = accepted.load(Ordering::Relaxed);
    reconcile(port, &token, accepted)?;
    server.stop();
    let mut latencies = Arc::try_unwrap(latencies)
        .map_err(|_| "latencies still shared")?
        .into_inner()
        .map_err(|e| e.to_string())?;
    latencies.sort_by(f64::total_cmp);
    Ok(Run {
        backend,
        doctors,
        accepted,
        refused: refused.load(Ordering::Relaxed),
        seconds: elapsed,
        latencies,
    })
}

/// The shift's X report and the payment-methods report both hold exactly `accepted` × 1.00 in
/// cash, or the run fails.
fn reconcile(port: u16, token: &str, accepted: usize) -> Result<(), String> {
    let want = format!("{accepted}.00");
    let (_, registers) = call(port, "GET", "/api/v1/registers", token, &Value::Null)?;
    let shift = registers[0]["shift_id"].as_i64().ok_or("no live shift")?;
    let (_, x) = call(
        port,
        "GET",
        &format!("/api/v1/shifts/{shift}/x-report"),
        token,
        &Value::Null,
    )?;
    let cash = x["cash"]["payments"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let today = crate::bench::clinic_today()?;
    let path = format!("/api/v1/analytics/payment-methods?from={today}&to={today}");
    let (_, methods) = call(port, "GET", &path, token, &Value::Null)?;
    let kept = methods["items"]
        .as_array()
        .and_then(|items| items.iter().find(|m| m["method"] == "cash"))
        .and_then(|m| m["paid"].as_str())
        .unwrap_or("0.00")
        .to_owned();
    if cash != want || kept != want || x["payment_count"].as_u64() != Some(accepted as u64) {
        return Err(format!(
            "reconcile failed: accepted {want}, X report {cash}, kept aggregates {kept} ({methods})"
        ));
    }
    Ok(())
}
