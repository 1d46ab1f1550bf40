//! Legacy appointments with their lines and per-line payment rows → Emhana visits, lines,
//! payments and allocations. Money is read exactly; the payments are regrouped and the visit's
//! totals and payment status derived by the domain (the legacy `payment_status` is advisory: a
//! disagreement is reported, not copied).

use std::collections::HashMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use emhana_domain::legacy::{
    legacy_visit_minutes, legacy_visit_status, parse_legacy_amount, payment_status_from_legacy,
    read_legacy_stamp, regroup_payments, source_code_from_legacy, LegacyPart, LegacyStamp,
};
use emhana_domain::visit::MAX_VISIT_MINUTES;
use emhana_domain::{ClinicZone, Money, PaymentMethod, PaymentStatus};
use emhana_store::legacy::{ImportedLine, ImportedPayment, ImportedVisit};
use rust_decimal::Decimal;

use super::people::{utc_stamp, DEFAULT_START};
use super::pipeline::{Import, Outcome, TableImport};
use super::report::{ImportReport, Sums};
use emhana_store::legacy::Rec;

const T: &str = "appointments";
const LINES: &str = "appointment_services";
const PAYMENTS: &str = "appointment_service_payments";

/// A legacy amount to tiyn, adding how far rounding moved it to `moved`; `None` (reported) when
/// the text is not a number.
fn money(
    text: Option<&str>,
    moved: &mut Decimal,
    report: &mut ImportReport,
    table: &'static str,
    id: i64,
    what: &str,
) -> Option<Money> {
    let raw = text?;
    match parse_legacy_amount(raw) {
        Ok(a) => {
            if a.rounded {
                let exact = raw
                    .trim()
                    .parse::<Decimal>()
                    .or_else(|_| Decimal::from_scientific(raw.trim()));
                if let Ok(exact) = exact {
                    *moved += (a.money.to_decimal() - exact).abs();
                }
                report.note(
                    table,
                    Some(id),
                    format!("{what} «{raw}» точнее тиына: округлено до {}", a.money),
                );
            }
            Some(a.money)
        }
        Err(e) => {
            report.note(table, Some(id), format!("{what}: {e}"));
            None
        }
    }
}

/// `#17` for a legacy id, `(не указан)` for none.
fn legacy_ref(id: Option<i64>) -> String {
    id.map_or_else(|| "(не указан)".to_owned(), |i| format!("#{i}"))
}

/// A payment row's time as an instant: full timestamps are SQLite `CURRENT_TIMESTAMP` (UTC); a
/// bare day is clinic-local noon of that day.
fn paid_at(text: Option<&str>, zone: ClinicZone) -> Option<DateTime<Utc>> {
    match read_legacy_stamp(text?)? {
        LegacyStamp::DateTime(dt) => Some(dt.and_utc()),
        LegacyStamp::Date(d) => Some(zone.to_utc(d, chrono::NaiveTime::from_hms_opt(12, 0, 0)?)),
        LegacyStamp::Time(_) => None,
    }
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
/// read first and grouped by their visit; each visit then maps in steps (who, when and where
/// from → lines → payments → totals), every decision noted.
pub(super) struct Appointments {
    lines_of: HashMap<i64, Vec<Rec>>,
    pays_of: HashMap<i64, Vec<Rec>>,
    sources: HashMap<String, i64>,
    /// Money read and written, for the report's reconciliation.
    pub sums: Sums,
}

/// Groups `rows` by the id in `parent`; rows without one are skipped and reported.
fn group_by(
    rows: Vec<Rec>,
    parent: &str,
    table: &'static str,
    what: &str,
    report: &mut ImportReport,
) -> HashMap<i64, Vec<Rec>> {
    let mut of: HashMap<i64, Vec<Rec>> = HashMap::new();
    for r in rows {
        match r.id(parent) {
            Some(p) => of.entry(p).or_default().push(r),
            None => {
                report.table(table).skipped += 1;
                report.note(table, r.id("id"), what);
            }
        }
    }
    of
}

impl Appointments {
    /// Reads the lines and payment rows of every visit and the clinic's lead sources.
    pub async fn load(cx: &mut Import<'_>) -> anyhow::Result<Self> {
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
        let lines = cx.legacy.rows(LINES, LINE_COLS).await?;
        let pays = cx.legacy.rows(PAYMENTS, PAY_COLS).await?;
        cx.report.table(LINES).read += lines.len();
        cx.report.table(PAYMENTS).read += pays.len();
        let lines_of = group_by(
            lines,
            "appointment_id",
            LINES,
            "строка без визита: пропущена",
            cx.report,
        );
        let pays_of = group_by(
            pays,
            "appointment_service_id",
            PAYMENTS,
            "оплата без строки визита: пропущена",
            cx.report,
        );
        Ok(Self {
            lines_of,
            pays_of,
            sources: cx.tx.source_ids().await?.into_iter().collect(),
            sums: Sums::default(),
        })
    }
}

impl TableImport for Appointments {
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
        let own_lines = self.lines_of.remove(&id).unwrap_or_default();
        let Some(head) = self.head(cx, id, &r).await? else {
            return Ok(Outcome::Skipped);
        };
        let mut lines = self.lines(cx, id, &r, &own_lines).await?;
        let parts = self.payment_rows(cx, &own_lines, &lines.index);
        let v = self.assemble(cx, (id, &r), head, &mut lines, parts);
        let new_id = cx.tx.insert_visit(&v).await?;
        cx.report.table(LINES).imported += v.lines.iter().filter(|l| l.legacy_id.is_some()).count();
        cx.report.table(PAYMENTS).imported +=
            v.payments.iter().map(|p| p.legacy_ids.len()).sum::<usize>();
        self.sums.imported_billed += v.total;
        self.sums.imported_paid += v.payments.iter().map(|p| p.amount).sum::<i64>();
        Ok(Outcome::Imported(new_id))
    }

    fn already_imported(&mut self, cx: &mut Import<'_>, id: i64) {
        let own_lines = self.lines_of.remove(&id).unwrap_or_default();
        cx.report.table(LINES).already_imported += own_lines.len();
        let paid_rows: usize = own_lines
            .iter()
            .filter_map(|l| l.id("id"))
            .map(|l| self.pays_of.get(&l).map_or(0, Vec::len))
            .sum();
        cx.report.table(PAYMENTS).already_imported += paid_rows;
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

impl Appointments {
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

    /// One line per service (a service twice on one legacy visit is merged: Emhana keeps one
    /// line per service), priced exactly; a visit without lines gets one for its own service.
    async fn lines(
        &mut self,
        cx: &mut Import<'_>,
        id: i64,
        r: &Rec,
        own_lines: &[Rec],
    ) -> anyhow::Result<Lines> {
        let mut out = Lines {
            lines: Vec::new(),
            index: HashMap::new(),
            minutes: 0,
        };
        for l in own_lines {
            let Some(line_id) = l.id("id") else { continue };
            let service = match l.id("service_id") {
                Some(s) => cx.tx.mapped("services", s).await?,
                None => None,
            };
            let Some(service_id) = service else {
                cx.report.table(LINES).skipped += 1;
                cx.note(
                    LINES,
                    Some(line_id),
                    "услуга не найдена: строка и её оплаты не перенесены",
                );
                continue;
            };
            let (base_price, duration) = cx.tx.service_terms(service_id).await?.unwrap_or((0, 30));
            let price = self.line_price(cx, line_id, l.get("price"), base_price);
            self.sums.legacy_billed += price.tiyn();
            if let Some(i) = out.lines.iter().position(|x| x.service_id == service_id) {
                out.lines[i].price += price.tiyn();
                out.index.insert(line_id, i);
                cx.note(
                    LINES,
                    Some(line_id),
                    format!("услуга повторена в визите #{id}: объединена с первой строкой"),
                );
                continue;
            }
            out.minutes += duration;
            out.index.insert(line_id, out.lines.len());
            out.lines.push(ImportedLine {
                legacy_id: Some(line_id),
                service_id,
                base_price,
                price: price.tiyn(),
                paid: 0,
            });
        }
        if out.lines.is_empty() {
            self.visit_service_line(cx, id, r, &mut out).await?;
        }
        Ok(out)
    }

    /// A line's price; v2.6 lines had none of their own: the visit cost the price-list price.
    fn line_price(
        &mut self,
        cx: &mut Import<'_>,
        line_id: i64,
        text: Option<&str>,
        base_price: i64,
    ) -> Money {
        if text.is_none() {
            let base = Money::from_tiyn(base_price);
            cx.note(
                LINES,
                Some(line_id),
                format!("строка без цены: записана цена прайса {base}"),
            );
            return base;
        }
        money(
            text,
            &mut self.sums.rounding_moved,
            cx.report,
            LINES,
            line_id,
            "цена",
        )
        .unwrap_or(Money::ZERO)
    }

    /// A visit without lines: one line for the visit's own service at the price-list price.
    async fn visit_service_line(
        &mut self,
        cx: &mut Import<'_>,
        id: i64,
        r: &Rec,
        out: &mut Lines,
    ) -> anyhow::Result<()> {
        let Some(s) = r.id("service_id") else {
            return Ok(());
        };
        let Some(service_id) = cx.tx.mapped("services", s).await? else {
            return Ok(());
        };
        let (base_price, duration) = cx.tx.service_terms(service_id).await?.unwrap_or((0, 30));
        out.minutes += duration;
        self.sums.legacy_billed += base_price;
        out.lines.push(ImportedLine {
            legacy_id: None,
            service_id,
            base_price,
            price: base_price,
            paid: 0,
        });
        let base = Money::from_tiyn(base_price);
        cx.note(
            T,
            Some(id),
            format!("у визита нет строк: создана по услуге визита по цене прайса {base}"),
        );
        Ok(())
    }

    /// The payment rows of the kept lines, in the order they were taken, read exactly (a row
    /// with a bad or non-positive amount is skipped, reported).
    fn payment_rows(
        &mut self,
        cx: &mut Import<'_>,
        own_lines: &[Rec],
        index: &HashMap<i64, usize>,
    ) -> Vec<Part> {
        let mut rows: Vec<(String, usize, Rec)> = Vec::new();
        for l in own_lines {
            let Some(line_id) = l.id("id") else { continue };
            for p in self.pays_of.remove(&line_id).unwrap_or_default() {
                let Some(line) = index.get(&line_id) else {
                    cx.report.table(PAYMENTS).skipped += 1;
                    continue;
                };
                let at = p
                    .get("payment_date")
                    .or(p.get("created_at"))
                    .unwrap_or("")
                    .to_owned();
                rows.push((at, *line, p));
            }
        }
        rows.sort_by(|a, b| a.0.cmp(&b.0).then(a.2.id("id").cmp(&b.2.id("id"))));
        rows.into_iter()
            .filter_map(|(at, line, p)| self.payment_part(cx, at, line, &p))
            .collect()
    }

    /// One payment row as a part to regroup, or `None` (skipped, reported).
    fn payment_part(
        &mut self,
        cx: &mut Import<'_>,
        at: String,
        line: usize,
        p: &Rec,
    ) -> Option<Part> {
        let pid = p.id("id")?;
        let Some(amount) = money(
            p.get("amount"),
            &mut self.sums.rounding_moved,
            cx.report,
            PAYMENTS,
            pid,
            "сумма",
        ) else {
            cx.report.table(PAYMENTS).skipped += 1;
            return None;
        };
        if !amount.is_positive() {
            cx.report.table(PAYMENTS).skipped += 1;
            cx.note(
                PAYMENTS,
                Some(pid),
                format!("сумма {amount} не больше нуля: не перенесена"),
            );
            return None;
        }
        let label = p.get("payment_method").unwrap_or("");
        let method = PaymentMethod::from_legacy_label(label).unwrap_or_else(|| {
            cx.note(
                PAYMENTS,
                Some(pid),
                format!("метод «{label}» неизвестен: записан как перевод"),
            );
            PaymentMethod::Transfer
        });
        self.sums.legacy_paid += amount.tiyn();
        let part = LegacyPart {
            legacy_id: pid,
            line,
            method,
            at,
            amount,
        };
        Some((part, p.get("notes").map(str::to_owned)))
    }

    /// The payments regrouped by the domain (excess moved between lines, overpayment kept),
    /// the lines' paid set from them; returns the payments and the visit's paid.
    fn regroup(
        &mut self,
        cx: &mut Import<'_>,
        (id, starts_at): (i64, DateTime<Utc>),
        lines: &mut Lines,
        parts: Vec<Part>,
    ) -> (Vec<ImportedPayment>, Money) {
        let notes_of: HashMap<i64, String> = parts
            .iter()
            .filter_map(|(p, note)| Some((p.legacy_id, note.clone()?)))
            .collect();
        let parts: Vec<LegacyPart> = parts.into_iter().map(|p| p.0).collect();
        let prices: Vec<Money> = lines
            .lines
            .iter()
            .map(|l| Money::from_tiyn(l.price))
            .collect();
        let regrouped = regroup_payments(&prices, &parts);
        for e in &regrouped.excesses {
            cx.note(
                PAYMENTS,
                Some(e.legacy_id),
                format!(
                "оплата превышает цену строки на {}: {} перенесено на другие услуги визита #{id}",
                e.excess, e.moved
            ),
            );
        }
        if regrouped.overpaid.is_positive() {
            self.sums.overpaid += regrouped.overpaid.tiyn();
            cx.note(
                T,
                Some(id),
                format!(
                    "оплачено сверх стоимости на {}: сохранено, визит отмечен переплаченным",
                    regrouped.overpaid
                ),
            );
        }
        for (line, paid) in lines.lines.iter_mut().zip(&regrouped.line_paid) {
            line.paid = paid.tiyn();
        }
        let zone = cx.zone;
        let payments = regrouped
            .payments
            .iter()
            .map(|p| {
                let at = paid_at(Some(&p.at), zone).unwrap_or(starts_at);
                let note: Vec<&str> = p
                    .legacy_ids
                    .iter()
                    .filter_map(|i| notes_of.get(i).map(String::as_str))
                    .collect();
                ImportedPayment {
                    legacy_ids: p.legacy_ids.clone(),
                    method: p.method,
                    amount: p.amount.tiyn(),
                    paid_at: at,
                    local_date: zone.local_date(at),
                    note: (!note.is_empty()).then(|| note.join("; ")),
                    allocations: p
                        .allocations
                        .iter()
                        .enumerate()
                        .map(|(i, m)| (i, m.tiyn()))
                        .collect(),
                }
            })
            .collect();
        (payments, regrouped.paid)
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
