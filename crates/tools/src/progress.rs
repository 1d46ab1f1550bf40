//! Signs of life for long commands (issue 18): `import-legacy` on a 100 000-visit file runs for
//! minutes. On a terminal a bar redrawn in place (rows, rows/s, time left); otherwise (CI, a log
//! file) a plain line every few seconds and one at the end. Everything goes to stderr, so the
//! report on stdout stays clean (and `--json` stays parseable).

use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

/// How often a terminal bar is redrawn.
const TTY_EVERY: Duration = Duration::from_millis(120);
/// How often a plain line is written when stderr is not a terminal.
const LOG_EVERY: Duration = Duration::from_secs(5);
/// Bar width in characters.
const BAR: usize = 30;

/// The progress of one stage (a table, an export).
#[derive(Debug)]
pub struct Progress {
    label: String,
    total: u64,
    done: u64,
    started: Instant,
    shown: Instant,
    tty: bool,
    quiet: bool,
}

impl Progress {
    /// Starts a stage of `total` units on stderr.
    pub fn start(label: impl Into<String>, total: u64) -> Self {
        Self::new(label, total, std::io::stderr().is_terminal(), false)
    }

    /// A progress that shows nothing (tests, library callers).
    pub fn hidden(label: impl Into<String>, total: u64) -> Self {
        Self::new(label, total, false, true)
    }

    fn new(label: impl Into<String>, total: u64, tty: bool, quiet: bool) -> Self {
        let now = Instant::now();
        Self {
            label: label.into(),
            total,
            done: 0,
            started: now,
            shown: now,
            tty,
            quiet,
        }
    }

    /// Counts `n` more units done; redraws when it is time.
    pub fn advance(&mut self, n: u64) {
        self.done += n;
        let every = if self.tty { TTY_EVERY } else { LOG_EVERY };
        if !self.quiet && self.shown.elapsed() >= every {
            self.shown = Instant::now();
            self.show(false);
        }
    }

    /// Ends the stage with its final line.
    pub fn finish(mut self) {
        if !self.quiet {
            self.show(true);
        }
        self.quiet = true;
    }

    fn show(&self, last: bool) {
        let line = self.line(self.started.elapsed(), last);
        let mut err = std::io::stderr().lock();
        let _ = if self.tty {
            write!(err, "\r\x1b[2K{line}{}", if last { "\n" } else { "" })
        } else {
            writeln!(err, "{line}")
        };
        let _ = err.flush();
    }

    /// `appointments [#########.....] 12 000/100 000 · 5 400/с · осталось ~17 с`.
    fn line(&self, elapsed: Duration, last: bool) -> String {
        let secs = elapsed.as_secs_f64().max(0.001);
        let rate = self.done as f64 / secs;
        let counts = format!("{}/{}", group(self.done), group(self.total));
        let bar = if self.tty && self.total > 0 {
            let filled = (self.done.min(self.total) as usize * BAR) / self.total as usize;
            format!(" [{}{}]", "#".repeat(filled), ".".repeat(BAR - filled))
        } else {
            String::new()
        };
        let tail = if last {
            format!("готово за {:.1} с", secs)
        } else if rate > 0.0 && self.total > self.done {
            let left = (self.total - self.done) as f64 / rate;
            format!("осталось ~{} с", left.ceil() as u64)
        } else {
            "…".to_owned()
        };
        format!(
            "{}{bar} {counts} · {}/с · {tail}",
            self.label,
            group(rate as u64)
        )
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        // A stage cut short (an error) still ends its terminal line.
        if self.tty && !self.quiet {
            let _ = writeln!(std::io::stderr());
        }
    }
}

fn group(n: u64) -> String {
    emhana_domain::money::group_digits(n).replace('\u{a0}', " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_say_how_far_how_fast_and_how_long() {
        let mut p = Progress::new("appointments", 100_000, true, true);
        p.advance(12_000);
        let line = p.line(Duration::from_secs(2), false);
        assert_eq!(
            line,
            "appointments [###...........................] 12 000/100 000 · 6 000/с · осталось ~15 с"
        );
        let plain = Progress::new("clients", 10, false, true);
        assert_eq!(
            plain.line(Duration::from_secs(1), false),
            "clients 0/10 · 0/с · …"
        );
        let mut done = Progress::new("doctors", 3, false, true);
        done.advance(3);
        assert_eq!(
            done.line(Duration::from_millis(1500), true),
            "doctors 3/3 · 2/с · готово за 1.5 с"
        );
    }
}
