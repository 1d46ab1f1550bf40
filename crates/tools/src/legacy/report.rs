//! What `import-legacy` did, for people (Russian text) and for scripts (`--json`).

use std::fmt;

use emhana_domain::Money;
use serde::Serialize;

/// Counts of one legacy table.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct TableCount {
    /// Legacy table.
    pub table: &'static str,
    /// Rows read.
    pub read: usize,
    /// Newly imported (or linked to an existing Emhana row).
    pub imported: usize,
    /// Imported by an earlier run.
    pub already_imported: usize,
    /// Not imported (each has an anomaly saying why).
    pub skipped: usize,
}

/// One thing the import had to decide.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Anomaly {
    /// Legacy table.
    pub table: &'static str,
    /// Legacy id.
    pub legacy_id: Option<i64>,
    /// What was found and what was done (Russian).
    pub message: String,
}

/// Money before (legacy rows read in this run) and after (what was written), decimal strings.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct Totals {
    /// Σ legacy line prices of the imported visits, each read exactly and rounded to the tiyn.
    pub legacy_billed: String,
    /// Σ totals of the imported visits.
    pub imported_billed: String,
    /// Σ legacy payment rows of the imported visits.
    pub legacy_paid: String,
    /// Σ imported payments.
    pub imported_paid: String,
    /// Of it, paid above the visits' totals (kept, unallocated).
    pub overpaid: String,
    /// How far rounding legacy values to the tiyn moved the sums (prices + payments).
    pub rounding_moved: String,
}

/// The whole run.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ImportReport {
    /// The file imported.
    pub source: String,
    /// Detected version features, e.g. `payments: appointment_service_payments.payment_date`.
    pub detected: Vec<String>,
    /// Nothing was kept (`--dry-run`).
    pub dry_run: bool,
    /// Per table.
    pub tables: Vec<TableCount>,
    /// Every decision worth a look.
    pub anomalies: Vec<Anomaly>,
    /// Money reconciliation.
    pub totals: Totals,
}

impl ImportReport {
    /// The counts of `table`, created on first use.
    pub fn table(&mut self, table: &'static str) -> &mut TableCount {
        let i = match self.tables.iter().position(|t| t.table == table) {
            Some(i) => i,
            None => {
                self.tables.push(TableCount {
                    table,
                    ..TableCount::default()
                });
                self.tables.len() - 1
            }
        };
        &mut self.tables[i]
    }

    /// Records an anomaly.
    pub fn note(
        &mut self,
        table: &'static str,
        legacy_id: Option<i64>,
        message: impl Into<String>,
    ) {
        self.anomalies.push(Anomaly {
            table,
            legacy_id,
            message: message.into(),
        });
    }
}

/// Money sums kept while importing.
#[derive(Debug, Clone, Copy, Default)]
pub struct Sums {
    /// Σ legacy prices (rounded per value).
    pub legacy_billed: i64,
    /// Σ written totals.
    pub imported_billed: i64,
    /// Σ legacy payment rows (rounded per value).
    pub legacy_paid: i64,
    /// Σ written payments.
    pub imported_paid: i64,
    /// Σ overpaid.
    pub overpaid: i64,
    /// Σ |rounding moves|, in tiyn (exact decimal arithmetic upstream).
    pub rounding_moved: rust_decimal::Decimal,
}

impl Sums {
    /// As report strings.
    pub fn totals(&self) -> Totals {
        let m = |t: i64| Money::from_tiyn(t).to_string();
        Totals {
            legacy_billed: m(self.legacy_billed),
            imported_billed: m(self.imported_billed),
            legacy_paid: m(self.legacy_paid),
            imported_paid: m(self.imported_paid),
            overpaid: m(self.overpaid),
            rounding_moved: self.rounding_moved.normalize().to_string(),
        }
    }
}

impl fmt::Display for ImportReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "Импорт из {}{}",
            self.source,
            if self.dry_run {
                " (пробный запуск: ничего не сохранено)"
            } else {
                ""
            }
        )?;
        for d in &self.detected {
            writeln!(f, "  обнаружено: {d}")?;
        }
        writeln!(
            f,
            "\n{:<32} {:>8} {:>10} {:>10} {:>10}",
            "таблица", "прочитано", "перенесено", "ранее", "пропущено"
        )?;
        for t in &self.tables {
            writeln!(
                f,
                "{:<32} {:>8} {:>10} {:>10} {:>10}",
                t.table, t.read, t.imported, t.already_imported, t.skipped
            )?;
        }
        let t = &self.totals;
        writeln!(f, "\nСуммы (старая база → Emhana):")?;
        writeln!(
            f,
            "  начислено: {} → {}",
            t.legacy_billed, t.imported_billed
        )?;
        writeln!(f, "  оплачено:  {} → {}", t.legacy_paid, t.imported_paid)?;
        writeln!(f, "  из них сверх стоимости визитов: {}", t.overpaid)?;
        writeln!(f, "  сдвиг от округления до тиына: {}", t.rounding_moved)?;
        writeln!(f, "\nЗамечания: {}", self.anomalies.len())?;
        for a in &self.anomalies {
            match a.legacy_id {
                Some(id) => writeln!(f, "  {} #{id}: {}", a.table, a.message)?,
                None => writeln!(f, "  {}: {}", a.table, a.message)?,
            }
        }
        Ok(())
    }
}
