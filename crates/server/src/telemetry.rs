//! Logging setup: `tracing` to stderr, filtered by `RUST_LOG` (default `info`).

use tracing_subscriber::EnvFilter;

/// Installs the global subscriber once; later calls (tests) are ignored. `bulk` commands keep
/// sqlx to errors (their statements are slow by nature; the warnings would bury the report).
pub fn init(bulk: bool) {
    let default = if bulk {
        "info,sqlx=error,actix_server=warn"
    } else {
        "info,sqlx=warn,actix_server=warn"
    };
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false)
        .with_writer(std::io::stderr)
        .try_init();
}
