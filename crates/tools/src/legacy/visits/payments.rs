//! A legacy visit's payment rows: read exactly, in the order taken, then regrouped by the domain
//! into Emhana payments with their allocations.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use emhana_domain::legacy::{
    parse_legacy_amount, read_legacy_stamp, regroup_payments, LegacyPart, LegacyStamp,
};
use emhana_domain::{ClinicZone, Money, PaymentMethod};
use emhana_store::legacy::{ImportedPayment, Rec};
use rust_decimal::Decimal;

use super::{Appointments, Lines, Part, PAYMENTS, T};
use crate::legacy::pipeline::Import;
use crate::legacy::report::ImportReport;

/// A legacy amount to tiyn, adding how far rounding moved it to `moved`; `None` (reported) when
/// the text is not a number.
pub(super) fn money(
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

/// A payment row's time as an instant: full timestamps are SQLite `CURRENT_TIMESTAMP` (UTC); a
/// bare day is clinic-local noon of that day.
fn paid_at(text: Option<&str>, zone: ClinicZone) -> Option<DateTime<Utc>> {
    match read_legacy_stamp(text?)? {
        LegacyStamp::DateTime(dt) => Some(dt.and_utc()),
        LegacyStamp::Date(d) => Some(zone.to_utc(d, chrono::NaiveTime::from_hms_opt(12, 0, 0)?)),
        LegacyStamp::Time(_) => None,
    }
}

impl Appointments<'_> {
    /// The payment rows of the kept lines, in the order they were taken, read exactly (a row
    /// with a bad or non-positive amount is skipped, reported).
    pub(super) fn payment_rows(
        &mut self,
        cx: &mut Import<'_>,
        own_pays: Vec<Rec>,
        index: &HashMap<i64, usize>,
    ) -> Vec<Part> {
        let mut rows: Vec<(String, usize, Rec)> = Vec::new();
        for p in own_pays {
            let line = p.id("appointment_service_id").and_then(|l| index.get(&l));
            let Some(line) = line else {
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
    pub(super) fn regroup(
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
}
