//! `emhana`: the server binary. Parses the command line and hands over to the library.

use clap::{Parser, Subcommand};
use emhana_server::{openapi, telemetry, Application, Settings};
use emhana_store::{Store, StoreConfig};
use emhana_tools::seed;

/// Emhana clinic CRM server.
#[derive(Debug, Parser)]
#[command(name = "emhana", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    settings: Settings,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the API, Swagger UI and the SPA (the default).
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Print the OpenAPI document as JSON.
    Openapi,
    /// Fill an empty database with a demo clinic (doctors, price list, patients, demo staff
    /// accounts). Creates the owner account first, like `serve` does.
    SeedDemo {
        /// Do nothing (exit 0) when the database was seeded before or already holds a clinic;
        /// without it that is an error.
        #[arg(long)]
        if_empty: bool,
        /// How many demo visits (spread over the last four weeks and the next three days).
        #[arg(long, default_value_t = 300)]
        visits: usize,
    },
    /// Generate a large deterministic dataset for benchmarks (multi-row inserts, no audit rows):
    /// the demo clinic if the database is empty, one patient per 20 visits, N visits over a year.
    SeedBulk {
        /// How many visits.
        #[arg(long, default_value_t = 1_000_000)]
        visits: usize,
        /// Generator seed (the same seed gives the same data).
        #[arg(long, default_value_t = 2026)]
        seed: u64,
        /// Patients (default: one per 20 visits).
        #[arg(long)]
        patients: Option<usize>,
        /// At least this many doctors (default: the demo clinic's 6).
        #[arg(long, default_value_t = 0)]
        doctors: usize,
    },
    /// Write a database in the old system's v2.7 schema for benchmarks of what `import-legacy`
    /// makes (1–3 lines per visit, 10 % discounted lines, 20 % of paid visits by two methods).
    SeedLegacy {
        /// The file to create (must not exist).
        path: std::path::PathBuf,
        /// How many visits (over the last year; one client per 20 visits).
        #[arg(long, default_value_t = 100_000)]
        visits: usize,
        /// Generator seed (the same seed gives the same file).
        #[arg(long, default_value_t = 2026)]
        seed: u64,
    },
    /// Move a clinic over from the old Streamlit system: import its SQLite database
    /// (`medical_center.db`, v2.x–3.x) into the configured database in one transaction, then
    /// print a report (counts per table, every anomaly, money before/after). Running it again
    /// imports nothing twice.
    ImportLegacy {
        /// The legacy SQLite file (opened read-only).
        path: std::path::PathBuf,
        /// Do everything and report, but keep nothing.
        #[arg(long)]
        dry_run: bool,
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Take a verified backup now (works while the server runs): a consistent copy plus its
    /// manifest (SHA-256, schema version, rows per table), into `--to` or `EMHANA_BACKUP_DIR`.
    Backup {
        /// The folder to write into (default: the backup folder).
        #[arg(long)]
        to: Option<std::path::PathBuf>,
    },
    /// Restore a backup file (its manifest must lie next to it) into the configured database.
    /// Checks the file first (checksum, integrity, schema version), refuses while a server uses
    /// the database, saves the current database as a `pre-restore` backup, then replaces it and
    /// migrates an older backup forward.
    Restore {
        /// The backup file (`emhana-….db` or `emhana-….dump`).
        file: std::path::PathBuf,
    },
    /// Check the database's consistency (read-only): every money sum agrees (payments, visits,
    /// lines, allocations; no visit overpaid) and the analytics aggregates equal a rebuild.
    /// Prints the figures as JSON; exits 1 when anything disagrees.
    Reconcile,
    /// Create a staff account; the password is read from the first line of stdin (for scripts).
    CreateUser {
        /// Login (3..50 letters, digits, `.`, `_`, `-`).
        #[arg(long)]
        login: String,
        /// owner | admin | receptionist | doctor.
        #[arg(long)]
        role: String,
        /// Display name (defaults to the login).
        #[arg(long)]
        name: Option<String>,
    },
}

#[actix_web::main]
async fn main() -> anyhow::Result<()> {
    let Cli { settings, command } = Cli::parse();
    // Bulk commands run statements that are slow by nature: sqlx's slow-statement warnings
    // would only bury their progress and report.
    telemetry::init(matches!(
        command,
        Some(Command::ImportLegacy { .. } | Command::SeedBulk { .. } | Command::SeedLegacy { .. })
    ));
    let settings = &settings;
    match command.unwrap_or(Command::Serve) {
        Command::Serve => serve(settings).await?,
        Command::Backup { to } => backup(settings, to).await?,
        Command::Restore { file } => restore(settings, &file).await?,
        Command::Migrate => {
            let store = Store::connect(&StoreConfig::new(&settings.database_url)).await?;
            store.migrate().await?;
            store.close().await;
            tracing::info!("migrations applied");
        }
        Command::Reconcile => reconcile(settings).await?,
        Command::Openapi => print!("{}", openapi::document_json()),
        Command::SeedBulk {
            visits,
            seed,
            patients,
            doctors,
        } => {
            let shape = seed::BulkShape { patients, doctors };
            seed_bulk(settings, (visits, seed), shape).await?
        }
        Command::SeedLegacy { path, visits, seed } => {
            let zone = emhana_domain::ClinicZone::parse("EMHANA_TZ", &settings.tz)?;
            let r = seed::write_legacy_file(&path, visits, seed, zone).await?;
            println!(
                "wrote {} visits, {} lines, {} payments, {} clients to {}",
                r.visits,
                r.lines,
                r.payments,
                r.clients,
                path.display()
            );
        }
        Command::ImportLegacy {
            path,
            dry_run,
            json,
        } => import_legacy(settings, &path, dry_run, json).await?,
        Command::SeedDemo { if_empty, visits } => seed_demo(settings, if_empty, visits).await?,
        Command::CreateUser { login, role, name } => {
            create_user(settings, &login, &role, name.as_deref()).await?
        }
    }
    Ok(())
}

/// `emhana serve` (the default): the API, the SPA and Swagger UI until a stop signal.
async fn serve(settings: &Settings) -> anyhow::Result<()> {
    let app = Application::build(settings.clone()).await?;
    tracing::info!(
        url = %format!("http://127.0.0.1:{}", app.port()),
        database = app.store().backend().name(),
        "Emhana is serving"
    );
    // Marks the SQLite database as served, so `emhana restore` refuses to replace it.
    let marker = emhana_server::backup::restore::serve_marker(&settings.database_url);
    if let Some(m) = &marker {
        std::fs::write(m, std::process::id().to_string())?;
    }
    let served = app.run_until_stopped().await;
    if let Some(m) = &marker {
        let _ = std::fs::remove_file(m);
    }
    Ok(served?)
}

/// `emhana reconcile`: see [`Store::reconcile`].
async fn reconcile(settings: &Settings) -> anyhow::Result<()> {
    let store = Store::connect(&StoreConfig::new(&settings.database_url)).await?;
    store.migrate().await?;
    let found = store.reconcile().await;
    store.close().await;
    let found = found?;
    println!("{}", serde_json::to_string_pretty(&found)?);
    if !found.is_exact() {
        anyhow::bail!("the database does not reconcile (see above)");
    }
    Ok(())
}

/// `emhana seed-bulk`: the benchmark dataset (see `emhana_tools::seed::seed_bulk`).
async fn seed_bulk(
    settings: &Settings,
    (visits, seed): (usize, u64),
    shape: seed::BulkShape,
) -> anyhow::Result<()> {
    let zone = emhana_domain::ClinicZone::parse("EMHANA_TZ", &settings.tz)?;
    let store = Store::connect(&StoreConfig::new(&settings.database_url)).await?;
    store.migrate().await?;
    emhana_server::auth::bootstrap::ensure_owner(&store, settings).await?;
    let started = std::time::Instant::now();
    let hash = emhana_server::auth::password::hash(seed::DEMO_PASSWORD.to_owned()).await?;
    let report = seed::seed_bulk(&store, zone, (visits, seed), shape, &hash).await;
    store.close().await;
    let r = report?;
    println!(
        "generated {} visits, {} payments, {} patients in {:.1} s",
        r.visits,
        r.payments,
        r.patients,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// `emhana import-legacy PATH [--dry-run] [--json]`.
async fn import_legacy(
    settings: &Settings,
    path: &std::path::Path,
    dry_run: bool,
    json: bool,
) -> anyhow::Result<()> {
    let zone = emhana_domain::ClinicZone::parse("EMHANA_TZ", &settings.tz)?;
    let store = Store::connect(&StoreConfig::new(&settings.database_url)).await?;
    store.migrate().await?;
    let options = emhana_tools::legacy::ImportOptions {
        dry_run,
        show_progress: true,
    };
    let report = emhana_tools::legacy::import_legacy(&store, zone, path, options).await;
    store.close().await;
    let report = report?;
    if json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print!("{report}");
    }
    Ok(())
}

/// `emhana create-user LOGIN ROLE [--name]`, the password on stdin.
async fn create_user(
    settings: &Settings,
    login: &str,
    role: &str,
    name: Option<&str>,
) -> anyhow::Result<()> {
    let mut password = String::new();
    std::io::stdin().read_line(&mut password)?;
    let store = Store::connect(&StoreConfig::new(&settings.database_url)).await?;
    store.migrate().await?;
    let password = password.trim_end_matches(['\r', '\n']);
    let row = cli_create_user(&store, login, role, name, password).await;
    store.close().await;
    let row = row?;
    println!(
        "created user {} (id {}, role {})",
        row.login, row.id, row.role
    );
    Ok(())
}

/// `emhana create-user`: the same validation and audit as `POST /api/v1/users`.
/// `emhana backup [--to DIR]`: one verified backup, reported on stdout.
async fn backup(settings: &Settings, to: Option<std::path::PathBuf>) -> anyhow::Result<()> {
    let zone = emhana_domain::ClinicZone::parse("EMHANA_TZ", &settings.tz)?;
    let store = Store::connect(&StoreConfig::new(&settings.database_url)).await?;
    let dir = to.unwrap_or_else(|| settings.backup_dir.clone());
    let backups = emhana_server::backup::Backups::new(
        store.clone(),
        &settings.database_url,
        dir.clone(),
        zone,
    );
    let taken = backups.create("manual").await;
    store.close().await;
    let m = taken?;
    println!(
        "backup {} ({} bytes, sha256 {}, schema {}), {} tables",
        dir.join(&m.file).display(),
        m.bytes,
        m.sha256,
        m.schema_version,
        m.tables.len()
    );
    Ok(())
}

/// `emhana restore FILE`: see `emhana_server::backup::restore`.
async fn restore(settings: &Settings, file: &std::path::Path) -> anyhow::Result<()> {
    let zone = emhana_domain::ClinicZone::parse("EMHANA_TZ", &settings.tz)?;
    let m = emhana_server::backup::restore::restore(
        file,
        &settings.database_url,
        &settings.backup_dir,
        zone,
    )
    .await?;
    println!(
        "restored {} (taken {}, schema {}) into {}",
        m.file,
        m.created_at.to_rfc3339(),
        m.schema_version,
        settings.database_url
    );
    Ok(())
}

/// `emhana seed-demo`: migrate, make sure the owner exists, seed.
async fn seed_demo(settings: &Settings, if_empty: bool, visits: usize) -> anyhow::Result<()> {
    let zone = emhana_domain::ClinicZone::parse("EMHANA_TZ", &settings.tz)?;
    let store = Store::connect(&StoreConfig::new(&settings.database_url)).await?;
    store.migrate().await?;
    emhana_server::auth::bootstrap::ensure_owner(&store, settings).await?;
    let hash = emhana_server::auth::password::hash(seed::DEMO_PASSWORD.to_owned()).await?;
    let outcome = seed::seed_demo(&store, zone, visits, &hash).await;
    store.close().await;
    match outcome? {
        Ok(r) => println!(
            "demo clinic seeded: {} doctors, {} services, {} patients, {} visits, {} staff accounts \
             (admin, reception, doctor; password {})",
            r.doctors,
            r.services,
            r.patients,
            r.visits,
            r.users,
            seed::DEMO_PASSWORD
        ),
        Err(skipped) if if_empty => println!("demo data not seeded: {skipped}"),
        Err(skipped) => anyhow::bail!("demo data not seeded: {skipped}"),
    }
    Ok(())
}

async fn cli_create_user(
    store: &Store,
    login: &str,
    role: &str,
    name: Option<&str>,
    password: &str,
) -> anyhow::Result<emhana_store::users::UserRow> {
    use emhana_domain::validation::{parse_login, parse_new_password, PersonName};
    let role = emhana_domain::Role::from_code(role)
        .ok_or_else(|| anyhow::anyhow!("role must be owner, admin, receptionist or doctor"))?;
    let login = parse_login("login", login)?;
    let display_name = match name {
        Some(n) => PersonName::parse("name", n)?.as_str().to_owned(),
        None => login.clone(),
    };
    let password = parse_new_password("password", password)?;
    let new = emhana_store::users::NewUser {
        login,
        display_name,
        role,
        password_hash: emhana_server::auth::password::hash(password).await?,
        doctor_id: None,
    };
    let actor = emhana_store::audit::Actor {
        user_id: None,
        request_id: "cli".into(),
        client_ip: "local".into(),
        api_key_id: None,
    };
    Ok(store.create_user(&actor, new).await?)
}
