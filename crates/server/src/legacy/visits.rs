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
use emhana_store::legacy::{ImportedLine, ImportedPayment, ImportedVisit, LegacyTx};
use rust_decimal::Decimal;

use super::people::{utc_stamp, DEFAULT_START};
use super::report::{ImportReport, Sums};
use emhana_store::legacy::{LegacyDb, Rec};

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

/// Imports every appointment not imported before; returns the money sums for the report.
pub(super) async fn appointments(
    legacy: &LegacyDb,
    zone: ClinicZone,
    tx: &mut LegacyTx,
    report: &mut ImportReport,
) -> anyhow::Result<Sums> {
    const COLS: &[&str] = &[
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
    let rows = legacy.rows(T, COLS).await?;
    let lines = legacy.rows(LINES, LINE_COLS).await?;
    let pays = legacy.rows(PAYMENTS, PAY_COLS).await?;
    report.table(T).read += rows.len();
    report.table(LINES).read += lines.len();
    report.table(PAYMENTS).read += pays.len();
    let mut lines_of: HashMap<i64, Vec<Rec>> = HashMap::new();
    for l in lines {
        match l.id("appointment_id") {
            Some(a) => lines_of.entry(a).or_default().push(l),
            None => {
                report.table(LINES).skipped += 1;
                report.note(LINES, l.id("id"), "строка без визита: пропущена");
            }
        }
    }
    let mut pays_of: HashMap<i64, Vec<Rec>> = HashMap::new();
    for p in pays {
        match p.id("appointment_service_id") {
            Some(l) => pays_of.entry(l).or_default().push(p),
            None => {
                report.table(PAYMENTS).skipped += 1;
                report.note(PAYMENTS, p.id("id"), "оплата без строки визита: пропущена");
            }
        }
    }
    let sources: HashMap<String, i64> = tx.source_ids().await?.into_iter().collect();
    let today = zone.local_date(Utc::now());
    let mut sums = Sums::default();
    for r in rows {
        let Some(id) = r.id("id") else {
            report.table(T).skipped += 1;
            report.note(T, None, "визит без id: пропущен");
            continue;
        };
        let own_lines = lines_of.remove(&id).unwrap_or_default();
        if tx.mapped(T, id).await?.is_some() {
            report.table(T).already_imported += 1;
            report.table(LINES).already_imported += own_lines.len();
            let paid_rows: usize = own_lines
                .iter()
                .filter_map(|l| l.id("id"))
                .map(|l| pays_of.get(&l).map_or(0, Vec::len))
                .sum();
            report.table(PAYMENTS).already_imported += paid_rows;
            continue;
        }
        match visit(
            &r,
            id,
            own_lines,
            &mut pays_of,
            zone,
            today,
            &sources,
            tx,
            report,
            &mut sums,
        )
        .await?
        {
            Some(v) => {
                let new_id = tx.insert_visit(&v).await?;
                tx.remember(T, id, new_id).await?;
                report.table(T).imported += 1;
                report.table(LINES).imported +=
                    v.lines.iter().filter(|l| l.legacy_id.is_some()).count();
                report.table(PAYMENTS).imported +=
                    v.payments.iter().map(|p| p.legacy_ids.len()).sum::<usize>();
                sums.imported_billed += v.total;
                sums.imported_paid += v.payments.iter().map(|p| p.amount).sum::<i64>();
            }
            None => report.table(T).skipped += 1,
        }
    }
    Ok(sums)
}

/// Builds one visit; `None` (reported) when it cannot have a patient, a doctor or a date.
#[allow(clippy::too_many_arguments)]
async fn visit(
    r: &Rec,
    id: i64,
    own_lines: Vec<Rec>,
    pays_of: &mut HashMap<i64, Vec<Rec>>,
    zone: ClinicZone,
    today: NaiveDate,
    sources: &HashMap<String, i64>,
    tx: &mut LegacyTx,
    report: &mut ImportReport,
    sums: &mut Sums,
) -> anyhow::Result<Option<ImportedVisit>> {
    let patient = match r.id("client_id") {
        Some(c) => tx.mapped("clients", c).await?,
        None => None,
    };
    let doctor = match r.id("doctor_id") {
        Some(d) => tx.mapped("doctors", d).await?,
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
        report.note(T, Some(id), format!("{what}: визит не перенесён"));
        return Ok(None);
    };
    let time = match r.get("appointment_time").and_then(read_legacy_stamp) {
        Some(LegacyStamp::Time(t)) => t,
        Some(LegacyStamp::DateTime(dt)) => dt.time(),
        _ => {
            report.note(T, Some(id), "время приёма не указано: 09:00");
            DEFAULT_START
        }
    };
    let starts_at = zone.to_utc(date, time);
    let (status, unknown) = legacy_visit_status(r.get("status"), date, today);
    if unknown {
        let label = r.get("status").unwrap_or_default();
        report.note(
            T,
            Some(id),
            format!("статус «{label}» неизвестен: «{}»", status.label_ru()),
        );
    }
    let source_code = match r.get("source") {
        None => "repeat_visit",
        Some(label) => source_code_from_legacy(label).unwrap_or_else(|| {
            report.note(
                T,
                Some(id),
                format!("источник «{label}» неизвестен: «Другое»"),
            );
            "other"
        }),
    };
    let source_id = sources
        .get(source_code)
        .or_else(|| sources.get("repeat_visit"))
        .copied()
        .ok_or_else(|| anyhow::anyhow!("в Emhana нет источника {source_code}"))?;

    // Lines: one per service (a service twice on one legacy visit is merged: Emhana keeps one
    // line per service), priced exactly.
    let mut lines: Vec<ImportedLine> = Vec::new();
    let mut legacy_line_index: HashMap<i64, usize> = HashMap::new();
    let mut minutes = 0_i64;
    for l in &own_lines {
        let Some(line_id) = l.id("id") else { continue };
        let service = match l.id("service_id") {
            Some(s) => tx.mapped("services", s).await?,
            None => None,
        };
        let Some(service_id) = service else {
            report.table(LINES).skipped += 1;
            report.note(
                LINES,
                Some(line_id),
                "услуга не найдена: строка и её оплаты не перенесены",
            );
            continue;
        };
        let (base_price, duration) = tx.service_terms(service_id).await?.unwrap_or((0, 30));
        let price = match l.get("price") {
            // v2.6 lines had no price of their own: the visit cost the price-list price.
            None => {
                report.note(
                    LINES,
                    Some(line_id),
                    format!(
                        "строка без цены: записана цена прайса {}",
                        Money::from_tiyn(base_price)
                    ),
                );
                Money::from_tiyn(base_price)
            }
            text => money(
                text,
                &mut sums.rounding_moved,
                report,
                LINES,
                line_id,
                "цена",
            )
            .unwrap_or(Money::ZERO),
        };
        sums.legacy_billed += price.tiyn();
        if let Some(i) = lines.iter().position(|x| x.service_id == service_id) {
            lines[i].price += price.tiyn();
            legacy_line_index.insert(line_id, i);
            report.note(
                LINES,
                Some(line_id),
                format!("услуга повторена в визите #{id}: объединена с первой строкой"),
            );
            continue;
        }
        minutes += duration;
        legacy_line_index.insert(line_id, lines.len());
        lines.push(ImportedLine {
            legacy_id: Some(line_id),
            service_id,
            base_price,
            price: price.tiyn(),
            paid: 0,
        });
    }
    if lines.is_empty() {
        if let Some(s) = r.id("service_id") {
            if let Some(service_id) = tx.mapped("services", s).await? {
                let (base_price, duration) = tx.service_terms(service_id).await?.unwrap_or((0, 30));
                minutes += duration;
                sums.legacy_billed += base_price;
                lines.push(ImportedLine {
                    legacy_id: None,
                    service_id,
                    base_price,
                    price: base_price,
                    paid: 0,
                });
                report.note(
                    T,
                    Some(id),
                    format!(
                        "у визита нет строк: создана по услуге визита по цене прайса {}",
                        Money::from_tiyn(base_price)
                    ),
                );
            }
        }
    }

    // Payment rows of the kept lines, in the order they were taken.
    let mut rows: Vec<(String, i64, Rec)> = Vec::new();
    for l in &own_lines {
        let Some(line_id) = l.id("id") else { continue };
        for p in pays_of.remove(&line_id).unwrap_or_default() {
            if !legacy_line_index.contains_key(&line_id) {
                report.table(PAYMENTS).skipped += 1;
                continue;
            }
            let at = p
                .get("payment_date")
                .or(p.get("created_at"))
                .unwrap_or("")
                .to_owned();
            rows.push((at, line_id, p));
        }
    }
    rows.sort_by(|a, b| a.0.cmp(&b.0).then(a.2.id("id").cmp(&b.2.id("id"))));
    let mut parts = Vec::new();
    let mut notes_of: HashMap<i64, String> = HashMap::new();
    for (at, line_id, p) in &rows {
        let Some(pid) = p.id("id") else { continue };
        let Some(amount) = money(
            p.get("amount"),
            &mut sums.rounding_moved,
            report,
            PAYMENTS,
            pid,
            "сумма",
        ) else {
            report.table(PAYMENTS).skipped += 1;
            continue;
        };
        if !amount.is_positive() {
            report.table(PAYMENTS).skipped += 1;
            report.note(
                PAYMENTS,
                Some(pid),
                format!("сумма {amount} не больше нуля: не перенесена"),
            );
            continue;
        }
        let label = p.get("payment_method").unwrap_or("");
        let method = PaymentMethod::from_legacy_label(label).unwrap_or_else(|| {
            report.note(
                PAYMENTS,
                Some(pid),
                format!("метод «{label}» неизвестен: записан как перевод"),
            );
            PaymentMethod::Transfer
        });
        if let Some(n) = p.get("notes") {
            notes_of.insert(pid, n.to_owned());
        }
        sums.legacy_paid += amount.tiyn();
        parts.push(LegacyPart {
            legacy_id: pid,
            line: legacy_line_index[line_id],
            method,
            at: at.clone(),
            amount,
        });
    }
    let prices: Vec<Money> = lines.iter().map(|l| Money::from_tiyn(l.price)).collect();
    let regrouped = regroup_payments(&prices, &parts);
    for e in &regrouped.excesses {
        report.note(
            PAYMENTS,
            Some(e.legacy_id),
            format!(
                "оплата превышает цену строки на {}: {} перенесено на другие услуги визита #{id}",
                e.excess, e.moved
            ),
        );
    }
    if regrouped.overpaid.is_positive() {
        sums.overpaid += regrouped.overpaid.tiyn();
        report.note(
            T,
            Some(id),
            format!(
                "оплачено сверх стоимости на {}: сохранено, визит отмечен переплаченным",
                regrouped.overpaid
            ),
        );
    }
    for (line, paid) in lines.iter_mut().zip(&regrouped.line_paid) {
        line.paid = paid.tiyn();
    }
    let mut payments = Vec::with_capacity(regrouped.payments.len());
    for p in &regrouped.payments {
        let at = paid_at(Some(&p.at), zone).unwrap_or(starts_at);
        let note: Vec<&str> = p
            .legacy_ids
            .iter()
            .filter_map(|i| notes_of.get(i).map(String::as_str))
            .collect();
        payments.push(ImportedPayment {
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
        });
    }
    let total: i64 = lines.iter().map(|l| l.price).sum();
    let payment_status = PaymentStatus::derive(Money::from_tiyn(total), regrouped.paid);
    if let Some(label) = r.get("payment_status") {
        if payment_status_from_legacy(label) != Some(payment_status) {
            report.note(
                T,
                Some(id),
                format!(
                    "статус оплаты «{label}» не сходится с оплатами: пересчитан — «{}»",
                    payment_status.label_ru()
                ),
            );
        }
    }
    let (minutes, shortened) = legacy_visit_minutes(r.id("actual_duration_minutes"), minutes);
    if shortened {
        report.note(
            T,
            Some(id),
            format!("длительность больше {MAX_VISIT_MINUTES} мин: сокращена"),
        );
    }
    Ok(Some(ImportedVisit {
        patient_id,
        doctor_id,
        starts_at,
        ends_at: starts_at + Duration::minutes(minutes),
        local_date: date,
        status,
        source_id,
        notes: r.get("notes").map(str::to_owned),
        started_at: local_stamp(r.get("start_time"), date, zone),
        finished_at: local_stamp(r.get("end_time"), date, zone),
        total,
        paid: regrouped.paid.tiyn(),
        payment_status,
        created_at: utc_stamp(r.get("created_at"), zone).unwrap_or(starts_at),
        lines,
        payments,
    }))
}
