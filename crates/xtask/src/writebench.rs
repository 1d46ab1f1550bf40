//! `cargo xtask bench write [--clients C] [--seconds S] [--visits N]`: writes over HTTP against
//! the release server, C concurrent kept-alive clients for S seconds each, on SQLite and on
//! PostgreSQL:
//! - payments (cash, 1.00, at an open shift) to N visits of one doctor and one day (hot: every
//!   write lands on the same aggregate keys) and of 20 doctors (typical);
//! - bookings of 20 doctors' visits for 200 patients;
//! - status changes (arrived ↔ back to scheduled) of the N visits;
//! - on PostgreSQL, payments over 20 doctors through two API instances sharing the database.
//!
//! Prints throughput and p50/p95/p99 per run. Every database is reconciled twice: over HTTP (the
//! shift's X report and the payment-methods report both hold exactly the payments the clients
//! saw accepted) and, after the server is killed, by `emhana reconcile` (payments = visits' paid
//! = lines' paid = allocations, no visit overpaid, aggregates = a rebuild). A failed reconcile
//! fails the bench.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use serde_json::Value;

use crate::bench::{civil_date, flag};
use crate::cmd::{project_root, Cmd};
use crate::load::{cores, drive, Load, Run};
use crate::server::{http, Server};

/// Entry point: the flags after `bench write`.
pub fn run(args: &[String]) -> Result<(), String> {
    let load = Load {
        clients: flag(args, "--clients", 64)?,
        seconds: flag(args, "--seconds", 15)?,
        visits: flag(args, "--visits", 1_000)?,
    };
    let dir = crate::bench::prepare()?;
    let only = args
        .iter()
        .position(|a| a == "--backend")
        .and_then(|i| args.get(i + 1))
        .map(String::as_str);
    let mut runs = Vec::new();
    let mut floors = Vec::new();
    for (backend, port) in [("sqlite", 18_091), ("postgres", 18_092)] {
        if only.is_some_and(|b| b != backend) {
            continue;
        }
        runs.extend(hot(&dir, backend, port, load)?);
        runs.extend(typical(&dir, backend, port, load)?);
        if backend == "postgres" {
            runs.extend(two_instances(&dir, port, load)?);
        }
        floors.push((backend, round_trip(&dir, backend)?));
    }
    println!(
        "\nwrites: {} kept-alive clients, {} s per run, {} visits of 1 000 000 ₸; payments in cash, 1.00 each",
        load.clients, load.seconds, load.visits
    );
    println!(
        "{:<10} {:<16} {:<14} {:>8} {:>8} {:>8} {:>8} {:>8} {:>10} {:>9}",
        "backend",
        "write",
        "shape",
        "per s",
        "p50 ms",
        "p95 ms",
        "p99 ms",
        "refused",
        "CPU ms/op",
        "ceiling/s"
    );
    for r in &runs {
        println!(
            "{:<10} {:<16} {:<14} {:>8.0} {:>8.1} {:>8.1} {:>8.1} {:>8} {:>10.2} {:>9.0}",
            r.backend,
            r.what,
            r.shape,
            r.accepted as f64 / r.seconds,
            r.pick(0.5),
            r.pick(0.95),
            r.pick(0.99),
            r.refused,
            r.cpu_per_request(),
            r.cpu_ceiling()
        );
    }
    println!(
        "CPU ms/op: the whole machine's busy time (server, database, load client) per accepted write; \
         ceiling/s: {} cores ÷ that, the rate if the cores did nothing else",
        cores()
    );
    for (backend, (statement, transaction)) in floors {
        print!("{backend}: one statement in a write transaction {statement:.1} µs, a one-statement transaction {transaction:.1} µs");
        if backend == "postgres" {
            // Writers run side by side on PostgreSQL: the cores are its limit (ceiling/s).
            println!();
            continue;
        }
        let serial = f64::from(PAYMENT_STATEMENTS - 1) * statement + transaction;
        let hot = runs
            .iter()
            .find(|r| r.backend == backend && r.what == "payment" && r.shape == "1 doctor")
            .map_or(0.0, |r| r.accepted as f64 / r.seconds);
        println!(
            "; one writer at a time, so a payment's {PAYMENT_STATEMENTS} statements cost the writer {:.2} ms in round trips alone, \
             {:.0} % of the {:.2} ms each hot payment held it",
            serial / 1000.0,
            serial * hot / 1e4,
            1000.0 / hot.max(1.0)
        );
    }
    println!("every database reconciled: X report == payment-methods report == accepted payments; `emhana reconcile` exact");
    Ok(())
}

/// Statements one payment (one method, a one-line visit) sends, counted from the
/// server's `sqlx::query=debug` log (lock the visit, its facts, lines, shift, the visit's paid,
/// bonus settings, payment, allocation, line, balances ×2, audit ×2, webhook, payment status,
/// facts after, three pending-delta inserts, the answer's read). Recount after changing the
/// payment path.
const PAYMENT_STATEMENTS: u32 = 21;

/// The database's round trip as a write path sees it, on a fresh database of `backend`:
/// `(one statement in a write transaction, a one-statement transaction)`, µs (the store's
/// `round_trip` example).
fn round_trip(dir: &std::path::Path, backend: &str) -> Result<(f64, f64), String> {
    let url = fresh_database(dir, backend)?;
    let line = Cmd::new("cargo")
        .args(["run", "--quiet", "--release", "-p", "emhana-store"])
        .args(["--example", "round_trip", "--", &url])
        .output()
        .ok_or("the round_trip example failed")?;
    let figure = |name: &str| {
        line.split_whitespace()
            .find_map(|kv| kv.strip_prefix(name)?.parse::<f64>().ok())
            .ok_or_else(|| format!("round_trip printed no {name}: {line}"))
    };
    Ok((figure("statement_us=")?, figure("transaction_us=")?))
}

/// One fresh database of `backend` with a server on each of `ports` and a clinic of `doctors`
/// doctors: `work(token, clinic)` loads it; then the servers are killed and the database
/// reconciled by `emhana reconcile`.
fn session(
    (dir, backend): (&std::path::Path, &'static str),
    ports: &[u16],
    doctors: usize,
    load: Load,
    work: impl FnOnce(&str, &Clinic) -> Result<Vec<Run>, String>,
) -> Result<Vec<Run>, String> {
    let url = fresh_database(dir, backend)?;
    let mut servers = Vec::new();
    for port in ports {
        servers.push(start(&url, *port)?);
    }
    let token = servers[0].login()?;
    let clinic = clinic(ports[0], &token, load.visits, doctors)?;
    let runs = work(&token, &clinic)?;
    for server in &mut servers {
        server.stop();
    }
    reconcile_db(&url)?;
    Ok(runs.into_iter().map(|r| Run { backend, ..r }).collect())
}

/// Payments to visits of one doctor (hot aggregate keys).
fn hot(
    dir: &std::path::Path,
    backend: &'static str,
    port: u16,
    load: Load,
) -> Result<Vec<Run>, String> {
    session((dir, backend), &[port], 1, load, |token, clinic| {
        let paid = payments(&[port], token, &clinic.visits, load)?;
        reconcile_http(port, token, paid.accepted)?;
        Ok(vec![Run {
            what: "payment",
            shape: "1 doctor",
            ..paid
        }])
    })
}

/// Payments over 20 doctors through two API instances on one PostgreSQL database (clients
/// alternate between them): no overpayment, no deadlock, one reconcile for both.
fn two_instances(dir: &std::path::Path, port: u16, load: Load) -> Result<Vec<Run>, String> {
    let ports = [port, port + 10];
    session((dir, "postgres"), &ports, 20, load, |token, clinic| {
        let paid = payments(&ports, token, &clinic.visits, load)?;
        reconcile_http(port, token, paid.accepted)?;
        Ok(vec![Run {
            what: "payment",
            shape: "20 doc, 2 APIs",
            ..paid
        }])
    })
}

/// Bookings, status changes and payments over 20 doctors.
fn typical(
    dir: &std::path::Path,
    backend: &'static str,
    port: u16,
    load: Load,
) -> Result<Vec<Run>, String> {
    session((dir, backend), &[port], 20, load, |token, clinic| {
        let booked = bookings(port, token, clinic, load)?;
        let moved = statuses(port, token, &clinic.visits, load)?;
        let paid = payments(&[port], token, &clinic.visits, load)?;
        reconcile_http(port, token, paid.accepted)?;
        Ok(vec![
            Run {
                what: "booking",
                shape: "20 doctors",
                ..booked
            },
            Run {
                what: "status change",
                shape: "20 doctors",
                ..moved
            },
            Run {
                what: "payment",
                shape: "20 doctors",
                ..paid
            },
        ])
    })
}

fn start(url: &str, port: u16) -> Result<Server, String> {
    let bin = project_root().join("target/release/emhana");
    Server::start(&bin, url, port, &[("EMHANA_BACKUP_TIME", "off")])
}

/// An empty database of `backend`; its URL.
fn fresh_database(dir: &std::path::Path, backend: &str) -> Result<String, String> {
    if backend == "sqlite" {
        let file = dir.join("writes.db");
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", file.display()));
        }
        return Ok(format!("sqlite://{}", file.display()));
    }
    for sql in [
        "DROP DATABASE IF EXISTS emhana_bench_writes",
        "CREATE DATABASE emhana_bench_writes",
    ] {
        Cmd::new("psql")
            .args(["-h", "127.0.0.1", "-U", "postgres", "-q", "-c", sql])
            .run()?;
    }
    Ok("postgres://postgres@127.0.0.1:5432/emhana_bench_writes".into())
}

/// `emhana reconcile` on the stopped server's database, or the bench fails.
fn reconcile_db(url: &str) -> Result<(), String> {
    let bin = project_root().join("target/release/emhana");
    let out = std::process::Command::new(bin)
        .arg("reconcile")
        .env("DATABASE_URL", url)
        .output()
        .map_err(|e| e.to_string())?;
    if !out.status.success() {
        return Err(format!(
            "emhana reconcile failed on {url}:\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(())
}

/// `(status, parsed body)` of one setup call.
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

/// The clinic a run writes into.
struct Clinic {
    service: Value,
    doctors: Vec<Value>,
    patients: Vec<Value>,
    /// The visits booked at setup.
    visits: Vec<i64>,
}

/// A clinic of `doctors` doctors, 200 patients, `visits` visits (patients in turn, half-hour
/// slots from 2026-12-01, each doctor's one after another) and an open shift.
fn clinic(port: u16, token: &str, visits: usize, doctors: usize) -> Result<Clinic, String> {
    let service = created(
        port,
        "/api/v1/services",
        token,
        serde_json::json!({"name": "Курс лечения", "base_price": "1000000", "duration_minutes": 30}),
    )?;
    let mut patients = Vec::new();
    for p in 0..200 {
        patients.push(created(
            port,
            "/api/v1/patients",
            token,
            serde_json::json!({"first_name": "Айгерим", "phone": format!("8701{:07}", 1_000_000 + p)}),
        )?["id"]
            .clone());
    }
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
        let v = created(
            port,
            "/api/v1/appointments",
            token,
            serde_json::json!({
                "patient_id": patients[i % patients.len()], "doctor_id": doctor_ids[i % doctors],
                "starts_at": slot("2026-12-01", 20_423, i / doctors), "service_ids": [service["id"]], "allow_overlap": false,
            }),
        )?;
        ids.push(v["id"].as_i64().ok_or("no visit id")?);
    }
    Ok(Clinic {
        service,
        doctors: doctor_ids,
        patients,
        visits: ids,
    })
}

/// The `n`-th half-hour slot (UTC) from day `first` (`days` since 1970-01-01, for the arithmetic).
fn slot(first: &str, days: i64, n: usize) -> String {
    let n = n as i64;
    let day = if n < 48 {
        first.to_owned()
    } else {
        civil_date(days + n / 48)
    };
    format!("{day}T{:02}:{:02}:00Z", (n % 48) / 2, (n % 2) * 30)
}

/// Cash payments of 1.00, client `c` paying visits `c`, `c + C`, `c + 2C`, …
fn payments(ports: &[u16], token: &str, visits: &[i64], load: Load) -> Result<Run, String> {
    let (token, visits) = (token.to_owned(), visits.to_vec());
    drive(ports, load, move |c, i, conn| {
        let id = visits[(c + i * load.clients) % visits.len()];
        let path = format!("/api/v1/appointments/{id}/payments");
        let body = r#"{"payments":[{"method":"cash","amount":"1.00"}]}"#;
        matches!(conn.call("POST", &path, &token, Some(body)), Ok((201, _)))
    })
}

/// Bookings from 2027-01-01, each in its own slot of the next doctor in turn, patients in turn.
fn bookings(port: u16, token: &str, clinic: &Clinic, load: Load) -> Result<Run, String> {
    let token = token.to_owned();
    let next = Arc::new(AtomicUsize::new(0));
    let (service, doctors, patients) = (
        clinic.service["id"].clone(),
        clinic.doctors.clone(),
        clinic.patients.clone(),
    );
    drive(&[port], load, move |_, _, conn| {
        let n = next.fetch_add(1, Ordering::Relaxed);
        let body = serde_json::json!({
            "patient_id": patients[n % patients.len()], "doctor_id": doctors[n % doctors.len()],
            "starts_at": slot("2027-01-01", 20_819, n / doctors.len()), "service_ids": [service],
            "allow_overlap": false,
        });
        matches!(
            conn.call(
                "POST",
                "/api/v1/appointments",
                &token,
                Some(&body.to_string())
            ),
            Ok((201, _))
        )
    })
}

/// Status changes: client `c` walks its own visits (`c`, `c + C`, …) in turns, each one to
/// `in_progress` (arrived) and back to `scheduled` (an owner's revert with a reason).
fn statuses(port: u16, token: &str, visits: &[i64], load: Load) -> Result<Run, String> {
    let (token, visits) = (token.to_owned(), visits.to_vec());
    let own = visits.len().div_ceil(load.clients).max(1);
    drive(&[port], load, move |c, i, conn| {
        let (round, k) = (i / own, i % own);
        let Some(id) = visits.get(c + k * load.clients) else {
            return true;
        };
        let body = if round % 2 == 0 {
            r#"{"status":"in_progress"}"#
        } else {
            r#"{"status":"scheduled","reason":"Нагрузочный тест: возврат"}"#
        };
        let path = format!("/api/v1/appointments/{id}/status");
        matches!(conn.call("POST", &path, &token, Some(body)), Ok((200, _)))
    })
}

/// The shift's X report and the payment-methods report both hold exactly `accepted` × 1.00 in
/// cash, or the run fails.
fn reconcile_http(port: u16, token: &str, accepted: usize) -> Result<(), String> {
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
