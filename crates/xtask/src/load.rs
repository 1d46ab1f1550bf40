//! The load client both HTTP benches share: C kept-alive client threads running one operation
//! for S seconds ([`drive`]), and what a run measured ([`Run`]): latencies and the whole
//! machine's CPU time, from which the CPU cost per request and the two-core ceiling follow.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::server::Conn;

/// What one run measured.
pub(crate) struct Run {
    pub backend: &'static str,
    pub what: &'static str,
    pub shape: &'static str,
    pub accepted: usize,
    pub refused: usize,
    pub seconds: f64,
    /// Sorted latencies of every request, ms.
    pub latencies: Vec<f64>,
    /// The whole machine's CPU time during the run (server, database, load client), ms.
    pub cpu_ms: f64,
}

impl Run {
    /// The latency at quantile `q` (0..1), ms.
    pub fn pick(&self, q: f64) -> f64 {
        let i = ((self.latencies.len() as f64 - 1.0) * q).round() as usize;
        self.latencies.get(i).copied().unwrap_or(0.0)
    }

    /// CPU time per accepted request (a write, or a read in `bench read`), ms: what one costs
    /// the machine.
    pub fn cpu_per_request(&self) -> f64 {
        self.cpu_ms / self.accepted.max(1) as f64
    }

    /// Requests per second this machine could take if every core did nothing else: the ceiling
    /// a CPU-bound run is measured against (`per s` ÷ this is how busy the cores were).
    pub fn cpu_ceiling(&self) -> f64 {
        cores() as f64 * 1000.0 / self.cpu_per_request()
    }
}

/// The machine's cores (what the ceiling divides among).
pub(crate) fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
}

/// Busy CPU time of the whole machine since boot, ms (`/proc/stat`: user, nice, system, irq,
/// softirq, steal; 0 where there is no `/proc`).
fn busy_ms() -> f64 {
    let stat = std::fs::read_to_string("/proc/stat").unwrap_or_default();
    let Some(line) = stat.lines().find(|l| l.starts_with("cpu ")) else {
        return 0.0;
    };
    let ticks: Vec<f64> = line
        .split_whitespace()
        .skip(1)
        .filter_map(|t| t.parse().ok())
        .collect();
    // user nice system idle iowait irq softirq steal …; USER_HZ is 100 on Linux.
    let busy: f64 = [0, 1, 2, 5, 6, 7]
        .iter()
        .filter_map(|i| ticks.get(*i))
        .sum();
    busy * 10.0
}

/// The load's shape: clients, seconds per run, visits.
#[derive(Clone, Copy)]
pub(crate) struct Load {
    pub clients: usize,
    pub seconds: usize,
    pub visits: usize,
}

/// Runs `op(client, i, conn)` from `load.clients` threads for `load.seconds`; `op` answers whether
/// the server accepted the write.
pub(crate) fn drive(
    ports: &[u16],
    load: Load,
    op: impl Fn(usize, usize, &mut Conn) -> bool + Send + Sync + 'static,
) -> Result<Run, String> {
    let op = Arc::new(op);
    let latencies = Arc::new(Mutex::new(Vec::new()));
    let (accepted, refused) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let until = Instant::now() + Duration::from_secs(load.seconds as u64);
    let started = Instant::now();
    let busy_before = busy_ms();
    let threads: Vec<_> = (0..load.clients)
        .map(|c| {
            let port = ports[c % ports.len()];
            let (op, latencies, accepted, refused) = (
                op.clone(),
                latencies.clone(),
                accepted.clone(),
                refused.clone(),
            );
            std::thread::spawn(move || {
                let mut conn = Conn::new(port);
                let mut mine = Vec::new();
                let mut i = 0;
                while Instant::now() < until {
                    let t = Instant::now();
                    let counter = if op(c, i, &mut conn) {
                        &accepted
                    } else {
                        &refused
                    };
                    counter.fetch_add(1, Ordering::Relaxed);
                    mine.push(t.elapsed().as_secs_f64() * 1000.0);
                    i += 1;
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
    let seconds = started.elapsed().as_secs_f64();
    let cpu_ms = busy_ms() - busy_before;
    let mut latencies = Arc::try_unwrap(latencies)
        .map_err(|_| "latencies still shared")?
        .into_inner()
        .map_err(|e| e.to_string())?;
    latencies.sort_by(f64::total_cmp);
    Ok(Run {
        backend: "",
        what: "",
        shape: "",
        accepted: accepted.load(Ordering::Relaxed),
        refused: refused.load(Ordering::Relaxed),
        seconds,
        latencies,
        cpu_ms,
    })
}
