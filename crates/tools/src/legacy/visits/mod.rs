//! Legacy appointments with their lines and per-line payment rows → Emhana visits, lines,
//! payments and allocations. Money is read exactly; the payments are regrouped and the visit's
//! totals and payment status derived by the domain (the legacy `payment_status` is advisory: a
//! disagreement is reported, not copied).

use std::collections::HashMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use emhana_domain::legacy::{
    legacy_visit_minutes, legacy_visit_status, payment_status_from_legacy, read_legacy_stamp,
    source_code_from_legacy, LegacyPart, LegacyStamp,
};
use emhana_domain::visit::MAX_VISIT_MINUTES;
use emhana_domain::{ClinicZone, Money, PaymentStatus};
use emhana_store::legacy::{ImportedLine, ImportedVisit, LegacyDb, LegacyRows, ParentKey};

mod lines;
mod payments;

use super::people::{utc_stamp, DEFAULT_START};
use super::pipeline::{Import, Outcome, TableImport};
use super::report::Sums;
use emhana_store::legacy::Rec;

const T: &str = "appointments";
const LINES: &str = "appointment_services";
const PAYMENTS: &str = "appointment_service_payments";

/// `#17` for a legacy id, `(не указан)` for none.
fn legacy_ref(id: Option<i64>) -> String {
    id.map_or_else(|| "(не указан)".to_owned(), |i| format!("#{i}"))
}

/// `start_time` / `end_time`: written by the app in clinic-local time, either a full local
/// timestamp or a time of day on the visit's date.
fn local_stamp(text: Option<&str>, day: NaiveDate, zone: ClinicZone) -> Option<DateTime<Utc>> {
    match read_legacy_stamp(text?)? {
        LegacyStamp::DateTime(dt) => Some(zone.to_utc(dt.date(), dt.time())),
        LegacyStamp::Time(t) => Some(zone.to_utc(day, t)),
        LegacyStamp::Date(_) => None,
    }
}

/// `appointments` with their lines and payment rows → visits. The lines and payment rows are
/// read beside the visits, in the visits' order, so each visit gets its own rows without the
/// clinic's history sitting in memory; each visit then maps in steps (who, when and where from
/// → lines → payments → totals), every decision noted.
pub(super) struct Appointments<'a> {
    lines_of: LegacyRows<'a>,
    pays_of: LegacyRows<'a>,
    sources: HashMap<String, i64>,
    /// Base price and minutes of each service a line named.
    terms: HashMap<i64, (i64, i64)>,
    /// Money read and written, for the report's reconciliation.
    pub sums: Sums,
}

/// What a stray child row is reported as.
const STRAY_LINE: &str = "строка без визита: пропущена";
const STRAY_PAYMENT: &str = "оплата без строки визита: пропущена";

impl<'a> Appointments<'a> {
    /// Opens the lines and payment rows (in their visits' order) and reads the clinic's lead
    /// sources.
    pub async fn load(legacy: &'a LegacyDb, cx: &mut Import<'_>) -> anyhow::Result<Self> {
        const LINE_COLS: &[&str] = &["id", "appointment_id", "service_id", "price"];
        const PAY_COLS: &[&str] = &[
            "id",
            "appointment_service_id",
            "payment_method",
            "amount",
            "created_at",
            "payment_date",
            "notes",
        ];
        cx.report.table(LINES).read += legacy.count(LINES).await?;
        cx.report.table(PAYMENTS).read += legacy.count(PAYMENTS).await?;
        let lines_of = legacy
            .rows_by_parent(LINES, LINE_COLS, ParentKey::Column("appointment_id"))
            .await?;
        let pays_of = legacy
            .rows_by_parent(
                PAYMENTS,
                PAY_COLS,
                ParentKey::Through {
                    link: "appointment_service_id",
                    table: LINES,
                    parent: "appointment_id",
                },
            )
            .await?;
        Ok(Self {
            lines_of,
            pays_of,
            sources: cx.tx.source_ids().await?.into_iter().collect(),
            terms: HashMap::new(),
            sums: Sums::default(),
        })
    }

    /// Visit `id`'s lines and payment rows; rows before them that belong to no visit are
    /// skipped and reported.
    async fn own_rows(
        &mut self,
        cx: &mut Import<'_>,
        id: i64,
    ) -> anyhow::Result<(Vec<Rec>, Vec<Rec>)> {
        let (lines, stray_lines) = self.lines_of.of_parent(id).await?;
        let (pays, stray_pays) = self.pays_of.of_parent(id).await?;
        report_strays(cx, LINES, stray_lines, STRAY_LINE);
        report_strays(cx, PAYMENTS, stray_pays, STRAY_PAYMENT);
        Ok((lines, pays))
    }
}

/// Child rows whose visit is missing: skipped, each reported.
fn report_strays(cx: &mut Import<'_>, table: &'static str, rows: Vec<Rec>, what: &str) {
    for r in rows {
        cx.report.table(table).skipped += 1;
        cx.note(table, r.id("id"), what);
    }
}

impl TableImport for Appointments<'_> {
    const TABLE: &'static str = T;
    const COLS: &'static [&'static str] = &[
        "id",
        "client_id",
        "doctor_id",
        "service_id",
        "appointment_date",
        "appointment_time",
        "status",
        "notes",
        "start_time",
        "end_time",
        "actual_duration_minutes",
        "source",
        "payment_status",
        "created_at",
    ];

    async fn row(&mut self, cx: &mut Import<'_>, id: i64, r: Rec) -> anyhow::Result<Outcome> {
        let (own_lines, own_pays) = self.own_rows(cx, id).await?;
        let Some(head) = self.head(cx, id, &r).await? else {
            // The visit's note says why; its rows go with it.
            cx.report.table(LINES).skipped += own_lines.len();
            cx.report.table(PAYMENTS).skipped += own_pays.len();
            return Ok(Outcome::Skipped);
        };
        let mut lines = self.lines(cx, id, &r, &own_lines).await?;
        let parts = self.payment_rows(cx, own_pays, &lines.index);
        let v = self.assemble(cx, (id, &r), head, &mut lines, parts);
        let new_id = cx.tx.insert_visit(&v).await?;
        cx.report.table(LINES).imported += v.lines.iter().filter(|l| l.legacy_id.is_some()).count();
        cx.report.table(PAYMENTS).imported +=
            v.payments.iter().map(|p| p.legacy_ids.len()).sum::<usize>();
        self.sums.imported_billed += v.total;
        self.sums.imported_paid += v.payments.iter().map(|p| p.amount).sum::<i64>();
        Ok(Outcome::Imported(new_id))
    }

    async fn already_imported(&mut self, cx: &mut Import<'_>, id: i64) -> anyhow::Result<()> {
        let (own_lines, own_pays) = self.own_rows(cx, id).await?;
        cx.report.table(LINES).already_imported += own_lines.len();
        cx.report.table(PAYMENTS).already_imported += own_pays.len();
        Ok(())
    }

    async fn finish(&mut self, cx: &mut Import<'_>) -> anyhow::Result<()> {
        let stray_lines = self.lines_of.rest().await?;
        let stray_pays = self.pays_of.rest().await?;
        report_strays(cx, LINES, stray_lines, STRAY_LINE);
        report_strays(cx, PAYMENTS, stray_pays, STRAY_PAYMENT);
        Ok(())
    }
}

/// Who, when and where from: what a visit cannot be imported without.
struct Head {
    patient_id: i64,
    doctor_id: i64,
    date: NaiveDate,
    starts_at: DateTime<Utc>,
    status: emhana_domain::VisitStatus,
    source_id: i64,
}

/// A visit's lines, the index of each legacy line among them, and their minutes.
struct Lines {
    lines: Vec<ImportedLine>,
    index: HashMap<i64, usize>,
    minutes: i64,
}

/// One legacy payment row, ready to regroup, with its note.
type Part = (LegacyPart, Option<String>);

impl Appointments<'_> {
    /// The patient, doctor, day, start, status and source; `None` (reported) without a patient,
    /// a doctor or a readable date.
    async fn head(&self, cx: &mut Import<'_>, id: i64, r: &Rec) -> anyhow::Result<Option<Head>> {
        let patient = match r.id("client_id") {
            Some(c) => cx.tx.mapped("clients", c).await?,
            None => None,
        };
        let doctor = match r.id("doctor_id") {
            Some(d) => cx.tx.mapped("doctors", d).await?,
            None => None,
        };
        let date = r
            .get("appointment_date")
            .and_then(|d| match read_legacy_stamp(d) {
                Some(LegacyStamp::Date(d)) => Some(d),
                Some(LegacyStamp::DateTime(dt)) => Some(dt.date()),
                _ => None,
            });
        let (Some(patient_id), Some(doctor_id), Some(date)) = (patient, doctor, date) else {
            let what = match (patient, doctor) {
                (None, _) => format!("пациент {} не найден", legacy_ref(r.id("client_id"))),
                (_, None) => format!("врач {} не найден", legacy_ref(r.id("doctor_id"))),
                _ => format!(
                    "дата «{}» не читается",
                    r.get("appointment_date").unwrap_or("")
                ),
            };
            cx.note(T, Some(id), format!("{what}: визит не перенесён"));
            return Ok(None);
        };
        let time = match r.get("appointment_time").and_then(read_legacy_stamp) {
            Some(LegacyStamp::Time(t)) => t,
            Some(LegacyStamp::DateTime(dt)) => dt.time(),
            _ => {
                cx.note(T, Some(id), "время приёма не указано: 09:00");
                DEFAULT_START
            }
        };
        let (status, unknown) = legacy_visit_status(r.get("status"), date, cx.today);
        if unknown {
            let label = r.get("status").unwrap_or_default();
            cx.note(
                T,
                Some(id),
                format!("статус «{label}» неизвестен: «{}»", status.label_ru()),
            );
        }
        let source_code = match r.get("source") {
            None => "repeat_visit",
            Some(label) => source_code_from_legacy(label).unwrap_or_else(|| {
                cx.note(
                    T,
                    Some(id),
                    format!("источник «{label}» неизвестен: «Другое»"),
                );
                "other"
            }),
        };
        let source_id = self
            .sources
            .get(source_code)
            .or_else(|| self.sources.get("repeat_visit"))
            .copied()
            .ok_or_else(|| anyhow::anyhow!("в Emhana нет источника {source_code}"))?;
        Ok(Some(Head {
            patient_id,
            doctor_id,
            date,
            starts_at: cx.zone.to_utc(date, time),
            status,
            source_id,
        }))
    }

    /// The visit: payments regrouped, totals and payment status derived (a disagreeing legacy
    /// status is reported), length and stamps read.
    fn assemble(
        &mut self,
        cx: &mut Import<'_>,
        (id, r): (i64, &Rec),
        head: Head,
        lines: &mut Lines,
        parts: Vec<Part>,
    ) -> ImportedVisit {
        let (payments, paid) = self.regroup(cx, (id, head.starts_at), lines, parts);
        let zone = cx.zone;
        let total: i64 = lines.lines.iter().map(|l| l.price).sum();
        let payment_status = PaymentStatus::derive(Money::from_tiyn(total), paid);
        if let Some(label) = r.get("payment_status") {
            if payment_status_from_legacy(label) != Some(payment_status) {
                cx.note(
                    T,
                    Some(id),
                    format!(
                        "статус оплаты «{label}» не сходится с оплатами: пересчитан — «{}»",
                        payment_status.label_ru()
                    ),
                );
            }
        }
        let (minutes, shortened) =
            legacy_visit_minutes(r.id("actual_duration_minutes"), lines.minutes);
        if shortened {
            cx.note(
                T,
                Some(id),
                format!("длительность больше {MAX_VISIT_MINUTES} мин: сокращена"),
            );
        }
        ImportedVisit {
            patient_id: head.patient_id,
            doctor_id: head.doctor_id,
            starts_at: head.starts_at,
            ends_at: head.starts_at + Duration::minutes(minutes),
            local_date: head.date,
            status: head.status,
            source_id: head.source_id,
            notes: r.get("notes").map(str::to_owned),
            started_at: local_stamp(r.get("start_time"), head.date, zone),
            finished_at: local_stamp(r.get("end_time"), head.date, zone),
            total,
            paid: paid.tiyn(),
            payment_status,
            created_at: utc_stamp(r.get("created_at"), zone).unwrap_or(head.starts_at),
            lines: std::mem::take(&mut lines.lines),
            payments,
        }
    }
}
