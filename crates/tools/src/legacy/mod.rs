//! `emhana import-legacy PATH [--dry-run] [--json]`: moves a clinic from the old Streamlit system
//! (SQLite `medical_center.db`, v2.x–3.x) into the configured database in one transaction.
//!
//! Order: users → doctors → services → clients → appointments (with their lines and payment rows)
//! → audit log → settings, each legacy row remembered in `legacy_ids`, so a second run imports
//! nothing twice. Every value goes through the domain's rules (money read exactly, people
//! salvaged, payments regrouped, payment status derived); every decision lands in the report.

mod people;
mod pipeline;
mod report;
mod visits;

use std::path::Path;

use emhana_domain::ClinicZone;
use emhana_store::audit::{Actor, AuditEntry};
use emhana_store::Store;
use pipeline::Import;

pub use emhana_store::legacy::LegacyDb;
pub use report::{Anomaly, ImportReport, TableCount, Totals};

/// Options of one run.
#[derive(Debug, Clone, Copy, Default)]
pub struct ImportOptions {
    /// Do everything, report, keep nothing.
    pub dry_run: bool,
    /// Show each table's progress on stderr (the command line; tests keep it off).
    pub show_progress: bool,
}

/// Imports the legacy database at `path`. On any error nothing is kept; with `dry_run` nothing is
/// kept either, but the report says what would have happened.
pub async fn import_legacy(
    store: &Store,
    zone: ClinicZone,
    path: &Path,
    options: ImportOptions,
) -> anyhow::Result<ImportReport> {
    let legacy = LegacyDb::open(path).await?;
    let result = run(store, zone, &legacy, path, options).await;
    legacy.close().await;
    result
}

async fn run(
    store: &Store,
    zone: ClinicZone,
    legacy: &LegacyDb,
    path: &Path,
    options: ImportOptions,
) -> anyhow::Result<ImportReport> {
    for table in ["clients", "doctors", "services", "appointments"] {
        anyhow::ensure!(
            legacy.has_table(table),
            "это не база старой системы: нет таблицы {table}"
        );
    }
    let mut report = ImportReport {
        source: path.display().to_string(),
        dry_run: options.dry_run,
        ..ImportReport::default()
    };
    detect(legacy, &mut report).await?;
    let mut tx = store.begin_legacy_import().await?;
    let outcome = async {
        let mut cx = Import {
            legacy,
            zone,
            today: zone.local_date(chrono::Utc::now()),
            tx: &mut tx,
            report: &mut report,
            show_progress: options.show_progress,
        };
        pipeline::run(&mut cx, &mut people::Users).await?;
        pipeline::run(&mut cx, &mut people::Doctors).await?;
        pipeline::run(&mut cx, &mut people::Services).await?;
        pipeline::run(&mut cx, &mut people::Clients).await?;
        let mut visits = visits::Appointments::load(legacy, &mut cx).await?;
        pipeline::run(&mut cx, &mut visits).await?;
        pipeline::run(&mut cx, &mut people::AuditRows).await?;
        people::settings(legacy, cx.tx, cx.report).await?;
        report.totals = visits.sums.totals();
        let rebuild = std::time::Instant::now();
        tx.rebuild_stats().await?;
        if options.show_progress {
            eprintln!(
                "аналитика пересчитана за {:.1} с",
                rebuild.elapsed().as_secs_f64()
            );
        }
        let summary = serde_json::json!({
            "source": report.source,
            "tables": report.tables,
            "anomalies": report.anomalies.len(),
            "totals": report.totals,
        });
        tx.audit(
            &Actor {
                user_id: None,
                request_id: "import-legacy".into(),
                client_ip: "cli".into(),
                api_key_id: None,
            },
            AuditEntry {
                action: "import_legacy",
                entity: "legacy_import",
                entity_id: None,
                old: None,
                new: Some(summary),
            },
        )
        .await?;
        anyhow::Ok(())
    }
    .await;
    match outcome {
        Ok(()) if !options.dry_run => {
            tx.commit().await?;
            store.analyze().await?;
        }
        Ok(()) => tx.rollback().await?,
        Err(e) => {
            tx.rollback().await?;
            return Err(e);
        }
    }
    Ok(report)
}

/// Says which version's features the file has (the columns decide, not a version number).
async fn detect(legacy: &LegacyDb, report: &mut ImportReport) -> anyhow::Result<()> {
    let appointments = legacy.columns("appointments").await?;
    let payments = legacy.columns("appointment_service_payments").await?;
    let mut d = Vec::new();
    d.push(if appointments.contains("source") {
        "источник визита: appointments.source".to_owned()
    } else {
        "нет appointments.source (до v2.7): источник = повторное посещение".to_owned()
    });
    d.push(if payments.is_empty() {
        "нет таблицы оплат (до v2.7): визиты без оплат".to_owned()
    } else if payments.contains("payment_date") {
        "оплаты: appointment_service_payments.payment_date (v3.x)".to_owned()
    } else {
        "оплаты: appointment_service_payments.created_at (v2.7)".to_owned()
    });
    if !legacy.has_table("appointment_services") {
        d.push("нет appointment_services: строка визита из appointments.service_id".into());
    }
    report.detected = d;
    Ok(())
}
