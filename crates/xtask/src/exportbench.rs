//! `cargo xtask bench export [--visits N]`: the visits export (`GET /exports/appointments`) of
//! the whole generated clinic (`bench analytics`' dataset, default 1,000,000 visits) as CSV and
//! as XLSX, on SQLite and PostgreSQL: time to the first byte, total time, bytes, rows/s, and the
//! server's peak RSS (`VmHWM` of its `/proc` status: the high-water mark over the whole run,
//! start-up included) — the export must stream in bounded memory.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use crate::bench::{dataset, flag, urls};
use crate::cmd::project_root;
use crate::server::Server;

/// One measured download.
struct Download {
    backend: &'static str,
    format: &'static str,
    rows: u64,
    first_byte: Duration,
    total: Duration,
    bytes: u64,
    rss_before_kb: u64,
    peak_kb: u64,
}

/// Entry point: the flags after `bench export`.
pub fn run(args: &[String]) -> Result<(), String> {
    let visits = flag(args, "--visits", 1_000_000)?;
    let dir = crate::bench::prepare()?;
    let (sqlite, pg) = urls(&dir, "analytics", visits);
    let make = [
        "seed-bulk".to_owned(),
        "--visits".into(),
        visits.to_string(),
    ];
    let mut results = Vec::new();
    for (backend, url, port) in [
        ("sqlite", sqlite.as_str(), 18_095),
        ("postgres", pg.as_str(), 18_096),
    ] {
        dataset(&dir, backend, url, (visits, "analytics"), &make)?;
        for format in ["csv", "xlsx"] {
            // A fresh server per file: its high-water mark is this export's alone.
            let bin = project_root().join("target/release/emhana");
            let server = Server::start(&bin, url, port, &[("EMHANA_BACKUP_TIME", "off")])?;
            let token = server.login()?;
            let rss_before_kb = memory(server.pid(), "VmRSS")?;
            let mut d = download(port, &token, format)?;
            d.backend = backend;
            d.rss_before_kb = rss_before_kb;
            d.peak_kb = memory(server.pid(), "VmHWM")?;
            println!(
                "{backend} {format}: {} rows, {:.1} s",
                d.rows,
                d.total.as_secs_f64()
            );
            results.push(d);
        }
    }
    report(&results, visits);
    Ok(())
}

/// `kB` of a field of `/proc/<pid>/status`.
fn memory(pid: u32, field: &str) -> Result<u64, String> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))
        .map_err(|e| format!("/proc/{pid}/status: {e}"))?;
    status
        .lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .ok_or_else(|| format!("no {field} in /proc/{pid}/status"))
}

/// Downloads the visits export over HTTP/1.0 (the body runs to the close; chunked framing, which
/// actix still uses for a stream, is decoded), reading and counting it without keeping it.
fn download(port: u16, token: &str, format: &'static str) -> Result<Download, String> {
    let started = Instant::now();
    let mut stream = TcpStream::connect(("127.0.0.1", port)).map_err(|e| e.to_string())?;
    write!(
        stream,
        "GET /api/v1/exports/appointments?format={format} HTTP/1.0\r\nHost: 127.0.0.1\r\n\
         Authorization: Bearer {token}\r\n\r\n"
    )
    .map_err(|e| e.to_string())?;
    let mut reader = BufReader::with_capacity(1 << 16, stream);
    let mut status = String::new();
    reader.read_line(&mut status).map_err(|e| e.to_string())?;
    if !status.contains(" 200 ") {
        return Err(format!("export {format}: {}", status.trim()));
    }
    let (mut rows, mut chunked) = (0, false);
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).map_err(|e| e.to_string())?;
        if line == "\r\n" || line.is_empty() {
            break;
        }
        let lower = line.to_ascii_lowercase();
        if let Some(v) = lower.strip_prefix("x-row-count:") {
            rows = v.trim().parse().unwrap_or(0);
        }
        chunked |= lower.starts_with("transfer-encoding:") && lower.contains("chunked");
    }
    let mut first_byte = None;
    // CSV records end at newlines outside quotes (a note may hold a line break).
    let (mut bytes, mut newlines, mut quoted) = (0u64, 0u64, false);
    let mut buf = vec![0u8; 1 << 16];
    let mut head = Vec::new();
    // Bytes left in the current chunk (chunked framing) — `u64::MAX` when the body is plain.
    let mut left = if chunked { 0 } else { u64::MAX };
    loop {
        if left == 0 {
            let mut size = String::new();
            reader.read_line(&mut size).map_err(|e| e.to_string())?;
            if size.trim().is_empty() {
                // The CRLF closing the previous chunk.
                size.clear();
                reader.read_line(&mut size).map_err(|e| e.to_string())?;
            }
            left = u64::from_str_radix(size.trim(), 16)
                .map_err(|e| format!("chunk size {size:?}: {e}"))?;
            if left == 0 {
                break;
            }
        }
        let want = buf.len().min(usize::try_from(left).unwrap_or(usize::MAX));
        let n = reader.read(&mut buf[..want]).map_err(|e| e.to_string())?;
        if n == 0 {
            break;
        }
        if left != u64::MAX {
            left -= n as u64;
        }
        first_byte.get_or_insert_with(|| started.elapsed());
        if head.len() < 4 {
            head.extend_from_slice(&buf[..n.min(4)]);
        }
        bytes += n as u64;
        for b in &buf[..n] {
            match b {
                b'"' => quoted = !quoted,
                b'\n' if !quoted => newlines += 1,
                _ => {}
            }
        }
    }
    let total = started.elapsed();
    // The file is whole: every CSV row arrived (plus the header), the workbook is a zip.
    match format {
        "csv" if newlines != rows + 1 => {
            return Err(format!("CSV: {newlines} lines for {rows} rows"))
        }
        "xlsx" if !head.starts_with(b"PK") => return Err("XLSX: not a zip".into()),
        _ => {}
    }
    Ok(Download {
        backend: "",
        format,
        rows,
        first_byte: first_byte.unwrap_or(total),
        total,
        bytes,
        rss_before_kb: 0,
        peak_kb: 0,
    })
}

fn report(results: &[Download], visits: usize) {
    println!();
    println!(
        "visits export of {visits} visits (release server, one request, body read and dropped)"
    );
    println!(
        "{:<9} {:<5} {:>9} {:>11} {:>9} {:>10} {:>10} {:>12} {:>12}",
        "backend", "file", "rows", "first byte", "total", "MB", "rows/s", "RSS before", "peak RSS"
    );
    for d in results {
        println!(
            "{:<9} {:<5} {:>9} {:>9.2} s {:>7.1} s {:>10.1} {:>10.0} {:>9.1} MB {:>9.1} MB",
            d.backend,
            d.format,
            d.rows,
            d.first_byte.as_secs_f64(),
            d.total.as_secs_f64(),
            d.bytes as f64 / 1e6,
            d.rows as f64 / d.total.as_secs_f64(),
            d.rss_before_kb as f64 / 1024.0,
            d.peak_kb as f64 / 1024.0,
        );
    }
}
