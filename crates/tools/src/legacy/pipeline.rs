//! The one skeleton every legacy table's import runs through (read → map → write): read the
//! table's columns, skip rows without an id (reported) and rows an earlier run imported
//! (counted), let the table map and write each new row, then remember the legacy id. A table
//! only says how one row becomes an Emhana row.

use chrono::NaiveDate;
use emhana_domain::ClinicZone;
use emhana_store::legacy::{LegacyDb, LegacyTx, Rec};

use super::report::ImportReport;
use crate::progress::Progress;

/// What every table's step works with: the legacy file, the clinic's zone and today, the
/// import's one transaction and its report.
pub(super) struct Import<'a> {
    /// The old system's database.
    pub legacy: &'a LegacyDb,
    /// The clinic's zone (legacy local times are read in it).
    pub zone: ClinicZone,
    /// The clinic-local date of the run.
    pub today: NaiveDate,
    /// Everything is written in this transaction.
    pub tx: &'a mut LegacyTx,
    /// Counts and notes.
    pub report: &'a mut ImportReport,
    /// Whether each table shows its progress on stderr.
    pub show_progress: bool,
}

impl Import<'_> {
    /// Notes a decision about row `id` of `table`.
    pub fn note(&mut self, table: &'static str, id: Option<i64>, what: impl Into<String>) {
        self.report.note(table, id, what);
    }
}

/// What became of one legacy row.
pub(super) enum Outcome {
    /// Written as this Emhana row (new, or an existing one it was linked to).
    Imported(i64),
    /// Not imported (the step noted why).
    Skipped,
}

/// One legacy table's import.
pub(super) trait TableImport {
    /// The legacy table.
    const TABLE: &'static str;
    /// The columns read (absent ones read as null).
    const COLS: &'static [&'static str];

    /// Maps and writes one new row.
    async fn row(&mut self, cx: &mut Import<'_>, id: i64, r: Rec) -> anyhow::Result<Outcome>;

    /// A row an earlier run imported (a table with child rows counts those too).
    async fn already_imported(&mut self, _cx: &mut Import<'_>, _id: i64) -> anyhow::Result<()> {
        Ok(())
    }

    /// After the table's last row (a table with child rows reports those no row claimed).
    async fn finish(&mut self, _cx: &mut Import<'_>) -> anyhow::Result<()> {
        Ok(())
    }
}

/// Runs `step` over its table.
pub(super) async fn run<T: TableImport>(cx: &mut Import<'_>, step: &mut T) -> anyhow::Result<()> {
    let legacy = cx.legacy;
    let total = legacy.count(T::TABLE).await? as u64;
    let mut rows = legacy.rows(T::TABLE, T::COLS).await?;
    cx.tx.preload(T::TABLE).await?;
    let mut progress = if cx.show_progress {
        Progress::start(T::TABLE, total)
    } else {
        Progress::hidden(T::TABLE, total)
    };
    while let Some(r) = rows.next().await? {
        cx.report.table(T::TABLE).read += 1;
        progress.advance(1);
        let Some(id) = r.id("id") else {
            cx.report.table(T::TABLE).skipped += 1;
            cx.note(T::TABLE, None, "строка без id: пропущена");
            continue;
        };
        if cx.tx.mapped(T::TABLE, id).await?.is_some() {
            cx.report.table(T::TABLE).already_imported += 1;
            step.already_imported(cx, id).await?;
            continue;
        }
        match step.row(cx, id, r).await? {
            Outcome::Imported(new_id) => {
                cx.tx.remember(T::TABLE, id, new_id).await?;
                cx.report.table(T::TABLE).imported += 1;
            }
            Outcome::Skipped => cx.report.table(T::TABLE).skipped += 1,
        }
    }
    step.finish(cx).await?;
    progress.finish();
    Ok(())
}
