//! The blind count and the close's assessment: expected against counted per tender, and who may
//! close with a difference.

use serde::{Deserialize, Serialize};

use super::report::minus;
use super::{ShiftRefusal, ShiftReport};
use crate::access::VisitAuthority;
use crate::error::{FieldViolation, Violations};
use crate::money::Money;
use crate::payment::PaymentMethod;

/// What was counted per tender at close, parsed once: every tender at most once, amounts ≥ 0;
/// a tender not listed was counted as zero.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShiftCount {
    /// `(tender, counted)` for all four tenders, in the UI's order.
    pub counted: Vec<(PaymentMethod, Money)>,
    /// The cashier's note (required when a difference is over the tolerance).
    pub note: Option<String>,
}

impl ShiftCount {
    /// Parses `[{method, amount}]` and the note, naming every bad field (`counted.1.amount`).
    pub fn parse(items: &[(&str, &str)], note: Option<&str>) -> Result<Self, Violations> {
        let mut v = Violations::default();
        let mut counted: Vec<(PaymentMethod, Money)> = PaymentMethod::TENDERS
            .iter()
            .map(|&m| (m, Money::ZERO))
            .collect();
        let mut seen = Vec::new();
        for (i, (method, amount)) in items.iter().enumerate() {
            let method = PaymentMethod::from_code(method).filter(|m| m.is_drawer_tender());
            match method {
                None => v.0.push(FieldViolation::new(
                    format!("counted.{i}.method"),
                    "unknown",
                    "Способ оплаты: card, cash, qr или transfer",
                )),
                Some(m) if seen.contains(&m) => v.0.push(FieldViolation::new(
                    format!("counted.{i}.method"),
                    "duplicate",
                    "Каждый способ оплаты — один раз",
                )),
                Some(m) => seen.push(m),
            }
            let amount = v
                .check(Money::parse_price(amount).map_err(|e| e.on(format!("counted.{i}.amount"))));
            if let (Some(m), Some(a)) = (method, amount) {
                if let Some(slot) = counted.iter_mut().find(|c| c.0 == m) {
                    slot.1 = a;
                }
            }
        }
        let note = v
            .check(crate::validation::parse_notes(
                "note",
                note.unwrap_or_default(),
            ))
            .flatten();
        v.into_result()?;
        Ok(Self { counted, note })
    }
}

/// One tender of a close: expected against counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TenderCount {
    /// Tender.
    pub method: PaymentMethod,
    /// From the report.
    pub expected: Money,
    /// What the cashier counted.
    pub counted: Money,
    /// counted − expected (negative: a shortage).
    pub difference: Money,
}

/// The close's per-tender outcome, or the refusal: every difference within `tolerance` closes
/// as is; a bigger one needs a manager and a note.
pub fn assess_close(
    report: &ShiftReport,
    count: &ShiftCount,
    tolerance: Money,
    authority: VisitAuthority,
) -> Result<Vec<TenderCount>, ShiftRefusal> {
    let lines: Vec<TenderCount> = report
        .tenders
        .iter()
        .map(|t| {
            let counted = count
                .counted
                .iter()
                .find(|c| c.0 == t.method)
                .map_or(Money::ZERO, |c| c.1);
            TenderCount {
                method: t.method,
                expected: t.expected,
                counted,
                difference: minus(counted, t.expected),
            }
        })
        .collect();
    let over = lines
        .iter()
        .find(|l| l.difference.tiyn().unsigned_abs() > tolerance.tiyn().unsigned_abs());
    if let Some(l) = over {
        if !authority.is_manager() {
            return Err(ShiftRefusal::DifferenceNeedsManager {
                method: l.method,
                difference: l.difference,
                tolerance,
            });
        }
        if count.note.is_none() {
            return Err(ShiftRefusal::NoteRequired);
        }
    }
    Ok(lines)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cash_desk::{shift_report, ShiftEntry};
    use PaymentMethod::Cash;

    fn tg(t: i64) -> Money {
        Money::from_tiyn(t * 100)
    }

    fn pay(method: PaymentMethod, t: i64) -> ShiftEntry {
        ShiftEntry::Payment {
            method,
            amount: tg(t),
            voided: false,
        }
    }

    fn count(items: &[(&str, &str)], note: Option<&str>) -> ShiftCount {
        ShiftCount::parse(items, note).unwrap()
    }

    #[test]
    fn closing_within_tolerance_is_anyones_over_it_a_managers_with_a_note() {
        let r = shift_report(tg(0), &[pay(Cash, 10_000)]);
        let short = count(&[("cash", "9500")], None);
        let front = VisitAuthority::FrontDesk;
        assert!(assess_close(&r, &short, tg(500), front).is_ok());
        assert_eq!(
            assess_close(&r, &short, tg(499), front),
            Err(ShiftRefusal::DifferenceNeedsManager {
                method: Cash,
                difference: tg(-500),
                tolerance: tg(499)
            })
        );
        assert_eq!(
            assess_close(&r, &short, tg(0), VisitAuthority::Manager),
            Err(ShiftRefusal::NoteRequired)
        );
        let noted = count(&[("cash", "9500")], Some("недостача"));
        let lines = assess_close(&r, &noted, tg(0), VisitAuthority::Manager).unwrap();
        let cash = lines.iter().find(|l| l.method == Cash).unwrap();
        assert_eq!(
            (cash.expected, cash.counted, cash.difference),
            (tg(10_000), tg(9_500), tg(-500))
        );
        // Unlisted tenders count as zero; an exact count closes at any tolerance.
        assert!(lines
            .iter()
            .filter(|l| l.method != Cash)
            .all(|l| l.difference.is_zero()));
    }

    #[test]
    fn a_count_names_bad_and_repeated_tenders() {
        let e =
            ShiftCount::parse(&[("cash", "1"), ("cash", "2"), ("gold", "-1")], None).unwrap_err();
        let fields: Vec<&str> = e.0.iter().map(|v| v.field.as_str()).collect();
        assert_eq!(
            fields,
            ["counted.1.method", "counted.2.method", "counted.2.amount"]
        );
        assert!(
            ShiftCount::parse(&[("card", "0")], None).is_ok(),
            "zero is a count"
        );
    }
}
