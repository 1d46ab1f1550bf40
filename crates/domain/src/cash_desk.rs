//! The cash desk: shifts (смена) of a register, what they post, the one report function behind
//! both the X report (any moment) and the Z report (at close), and the rules of closing.
//!
//! A register has at most one shift that is not closed. A shift is `open` (takes payments,
//! refunds, cash in/out), then `counting` (the cashier counts blind; nothing new is posted), then
//! `closed` with an immutable Z snapshot. Expected cash = opening float + cash payments − cash
//! refunds + cash in − cash out; the difference between what was counted at opening and what the
//! previous close counted is its own figure and never enters expected cash.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use serde::{Deserialize, Serialize};

use crate::access::VisitAuthority;
use crate::error::{FieldViolation, Violations};
use crate::ids::ShiftId;
use crate::money::Money;
use crate::payment::PaymentMethod;

/// Where a shift is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ShiftStatus {
    /// Takes payments, refunds and cash movements.
    Open,
    /// The cashier is counting: nothing new is posted, expected amounts are hidden from them.
    Counting,
    /// Closed with its Z report; never changes again.
    Closed,
}

impl ShiftStatus {
    /// Every status, in life order.
    pub const ALL: [ShiftStatus; 3] = [Self::Open, Self::Counting, Self::Closed];

    /// Stable code (database and JSON).
    pub fn code(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Counting => "counting",
            Self::Closed => "closed",
        }
    }

    /// Russian label.
    pub fn label_ru(self) -> &'static str {
        match self {
            Self::Open => "открыта",
            Self::Counting => "пересчёт",
            Self::Closed => "закрыта",
        }
    }

    /// Parses a stable code.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }
}

/// Cash put into (внесение) or taken out of (изъятие) the drawer, outside any visit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CashMovementKind {
    /// Cash in.
    In,
    /// Cash out.
    Out,
}

impl CashMovementKind {
    /// Stable code (database and JSON).
    pub fn code(self) -> &'static str {
        match self {
            Self::In => "in",
            Self::Out => "out",
        }
    }

    /// Parses a stable code.
    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "in" => Some(Self::In),
            "out" => Some(Self::Out),
            _ => None,
        }
    }
}

/// A cash movement, parsed once: kind, a positive amount and a reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CashMovement {
    /// In or out.
    pub kind: CashMovementKind,
    /// More than zero.
    pub amount: Money,
    /// Why (required).
    pub reason: String,
}

impl CashMovement {
    /// Parses `kind`, `amount` and `reason`, naming every bad field.
    pub fn parse(kind: &str, amount: &str, reason: Option<&str>) -> Result<Self, Violations> {
        let mut v = Violations::default();
        let kind = v.check(CashMovementKind::from_code(kind).ok_or_else(|| {
            FieldViolation::new(
                "kind",
                "unknown",
                "Вид движения: in (внесение) или out (изъятие)",
            )
        }));
        let amount = v.check(Money::parse_payment(amount).map_err(|e| e.on("amount")));
        let reason = v.check(crate::visit::parse_reason("reason", reason));
        v.into_result()?;
        match (kind, amount, reason) {
            (Some(kind), Some(amount), Some(reason)) => Ok(Self {
                kind,
                amount,
                reason,
            }),
            _ => Err(Violations::default()),
        }
    }
}

/// One thing a shift holds, as the report reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShiftEntry {
    /// A payment taken in the shift; a voided one counts only in `voids`.
    Payment {
        /// Tender.
        method: PaymentMethod,
        /// Amount.
        amount: Money,
        /// Voided (a mistake undone inside the shift).
        voided: bool,
    },
    /// A refund given in the shift, by the tender the money went back through.
    Refund {
        /// Tender.
        method: PaymentMethod,
        /// Amount (positive).
        amount: Money,
    },
    /// Cash in or out.
    Movement {
        /// In or out.
        kind: CashMovementKind,
        /// Amount (positive).
        amount: Money,
    },
}

/// One tender's line of a shift report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TenderTotals {
    /// Tender.
    pub method: PaymentMethod,
    /// Sum of live payments.
    pub payments: Money,
    /// How many live payments.
    pub payment_count: u32,
    /// Sum of refunds.
    pub refunds: Money,
    /// How many refunds.
    pub refund_count: u32,
    /// Payments − refunds.
    pub net: Money,
    /// What should be there: the net, plus float and movements for cash.
    pub expected: Money,
}

/// The cash drawer's own figures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CashTotals {
    /// The float counted at opening.
    pub float: Money,
    /// Cash payments.
    pub payments: Money,
    /// Cash refunds.
    pub refunds: Money,
    /// Cash in (внесение).
    pub cash_in: Money,
    /// Cash out (изъятие).
    pub cash_out: Money,
    /// float + payments − refunds + in − out.
    pub expected: Money,
}

/// A shift's report at one moment: the X report, or the Z report's expected side.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShiftReport {
    /// Every tender, in the UI's order (zeros included, so a Z always has four lines).
    pub tenders: Vec<TenderTotals>,
    /// The drawer.
    pub cash: CashTotals,
    /// Live payments, all tenders.
    pub payment_count: u32,
    /// Refunds, all tenders.
    pub refund_count: u32,
    /// Voided payments.
    pub void_count: u32,
}

fn plus(a: Money, b: Money) -> Money {
    Money::from_tiyn(a.tiyn().saturating_add(b.tiyn()))
}

fn minus(a: Money, b: Money) -> Money {
    Money::from_tiyn(a.tiyn().saturating_sub(b.tiyn()))
}

/// The one report function: X at any instant and Z at close are this over the shift's entries,
/// so X(t) equals the Z the shift would have had closing at t.
pub fn shift_report(float: Money, entries: &[ShiftEntry]) -> ShiftReport {
    let mut tenders: Vec<TenderTotals> = PaymentMethod::ALL
        .iter()
        .map(|&method| TenderTotals {
            method,
            payments: Money::ZERO,
            payment_count: 0,
            refunds: Money::ZERO,
            refund_count: 0,
            net: Money::ZERO,
            expected: Money::ZERO,
        })
        .collect();
    let (mut cash_in, mut cash_out, mut void_count) = (Money::ZERO, Money::ZERO, 0);
    for entry in entries {
        match *entry {
            ShiftEntry::Payment { voided: true, .. } => void_count += 1,
            ShiftEntry::Payment { method, amount, .. } => {
                let t = tender(&mut tenders, method);
                t.payments = plus(t.payments, amount);
                t.payment_count += 1;
            }
            ShiftEntry::Refund { method, amount } => {
                let t = tender(&mut tenders, method);
                t.refunds = plus(t.refunds, amount);
                t.refund_count += 1;
            }
            ShiftEntry::Movement { kind, amount } => match kind {
                CashMovementKind::In => cash_in = plus(cash_in, amount),
                CashMovementKind::Out => cash_out = plus(cash_out, amount),
            },
        }
    }
    for t in &mut tenders {
        t.net = minus(t.payments, t.refunds);
        t.expected = t.net;
    }
    let cash_tender = *tender(&mut tenders, PaymentMethod::Cash);
    let expected = minus(plus(plus(float, cash_tender.net), cash_in), cash_out);
    tender(&mut tenders, PaymentMethod::Cash).expected = expected;
    ShiftReport {
        payment_count: tenders.iter().map(|t| t.payment_count).sum(),
        refund_count: tenders.iter().map(|t| t.refund_count).sum(),
        tenders,
        cash: CashTotals {
            float,
            payments: cash_tender.payments,
            refunds: cash_tender.refunds,
            cash_in,
            cash_out,
            expected,
        },
        void_count,
    }
}

fn tender(tenders: &mut [TenderTotals], method: PaymentMethod) -> &mut TenderTotals {
    let i = PaymentMethod::ALL
        .iter()
        .position(|&m| m == method)
        .unwrap_or_default();
    &mut tenders[i]
}

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
        let mut counted: Vec<(PaymentMethod, Money)> = PaymentMethod::ALL
            .iter()
            .map(|&m| (m, Money::ZERO))
            .collect();
        let mut seen = Vec::new();
        for (i, (method, amount)) in items.iter().enumerate() {
            let method = PaymentMethod::from_code(method);
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

/// Why a shift operation is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ShiftRefusal {
    /// Cash (or, with `require_open_shift`, anything) needs an open shift (HTTP 409).
    #[error("Откройте смену: без открытой смены кассы оплату, возврат или движение наличных провести нельзя")]
    NoOpenShift,
    /// The register's shift is being counted: nothing new is posted (HTTP 409).
    #[error("На кассе идёт пересчёт: новые операции — после закрытия смены")]
    Counting,
    /// The shift is closed and never changes (HTTP 409).
    #[error("Смена закрыта: изменить её нельзя")]
    Closed,
    /// A shift operation asked of a shift in another state (HTTP 409).
    #[error("Смена сейчас в состоянии «{}»", .0.label_ru())]
    WrongState(ShiftStatus),
    /// The register already has a shift that is not closed (HTTP 409).
    #[error("На этой кассе уже есть незакрытая смена № {0}")]
    AlreadyOpen(ShiftId),
    /// The register is inactive (HTTP 409).
    #[error("Касса отключена")]
    RegisterInactive,
    /// A voided payment's shift is already counted or closed: the way back is a refund (HTTP 409).
    #[error("Смена этого платежа уже закрыта или пересчитывается: оформите возврат")]
    VoidAfterShift,
    /// A payment with refunds cannot be voided (HTTP 409).
    #[error("По платежу уже есть возврат: аннулировать его нельзя")]
    VoidRefunded,
    /// Expected amounts are hidden from the front desk while counting (HTTP 409).
    #[error("Идёт слепой пересчёт: ожидаемые суммы покажет Z-отчёт")]
    BlindCount,
    /// A difference over the tolerance needs an owner or admin (HTTP 403).
    #[error("Расхождение {} по способу «{}» больше допустимого {}: закрыть смену может администратор или владелец", .difference.format_ui(), .method.label_ru(), .tolerance.format_ui())]
    DifferenceNeedsManager {
        /// Tender.
        method: PaymentMethod,
        /// counted − expected.
        difference: Money,
        /// The clinic's tolerance.
        tolerance: Money,
    },
    /// Cash out of more than the drawer should hold (HTTP 409).
    #[error("В кассе ожидается только {}: изъять больше нельзя", .0.format_ui())]
    NotEnoughCash(Money),
    /// A difference over the tolerance needs a note (HTTP 422 on `note`).
    #[error("Расхождение больше допустимого: укажите примечание")]
    NoteRequired,
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

/// Cash out may not take more than the drawer should hold now (by the shift's report).
pub fn check_movement(report: &ShiftReport, movement: &CashMovement) -> Result<(), ShiftRefusal> {
    if movement.kind == CashMovementKind::Out && movement.amount > report.cash.expected {
        return Err(ShiftRefusal::NotEnoughCash(
            report.cash.expected.max(Money::ZERO),
        ));
    }
    Ok(())
}

/// Which shift a payment, refund or cash movement is posted into, decided under the shift row's
/// lock: an open shift takes everything; a counting one nothing; with no shift, cash (and, with
/// `require_open_shift`, any tender) is refused and the rest stands outside any shift.
pub fn posting(
    shift: Option<(ShiftId, ShiftStatus)>,
    has_cash: bool,
    require_open_shift: bool,
) -> Result<Option<ShiftId>, ShiftRefusal> {
    match shift {
        Some((id, ShiftStatus::Open)) => Ok(Some(id)),
        Some((_, ShiftStatus::Counting)) => Err(ShiftRefusal::Counting),
        Some((_, ShiftStatus::Closed)) | None if has_cash || require_open_shift => {
            Err(ShiftRefusal::NoOpenShift)
        }
        Some((_, ShiftStatus::Closed)) | None => Ok(None),
    }
}

/// A void is for a mistake inside the payment's own open shift (or a payment outside shifts)
/// with nothing refunded from it; after that the way back is a refund.
pub fn void_allowed(shift: Option<ShiftStatus>, refunded: bool) -> Result<(), ShiftRefusal> {
    if refunded {
        return Err(ShiftRefusal::VoidRefunded);
    }
    match shift {
        None | Some(ShiftStatus::Open) => Ok(()),
        Some(_) => Err(ShiftRefusal::VoidAfterShift),
    }
}

/// A shift still open after the clinic's day end of the day it was opened is stale: flagged,
/// never closed silently.
pub fn is_stale(opened_on: NaiveDate, now: NaiveDateTime, day_end: NaiveTime) -> bool {
    now >= opened_on.and_time(day_end)
}

/// What was counted at opening against what the previous close left.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Opening {
    /// Cash counted at the register's previous close (zero for its first shift).
    pub suggested: Money,
    /// Cash counted at opening: the float.
    pub counted: Money,
    /// counted − suggested: its own figure, never part of expected cash.
    pub difference: Money,
}

impl Opening {
    /// The opening of a shift whose float was counted as `counted`.
    pub fn new(suggested: Money, counted: Money) -> Self {
        Self {
            suggested,
            counted,
            difference: minus(counted, suggested),
        }
    }
}

/// The Z report: the shift's report at close with what was counted, stored once and never
/// changed (its bytes are what every later read returns).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ZReport {
    /// The shift.
    pub shift_id: ShiftId,
    /// Its register.
    pub register_id: crate::ids::RegisterId,
    /// The register's name at close.
    pub register_name: String,
    /// The register's Z sequence number: 1, 2, …
    pub z_number: i64,
    /// RFC 3339 instants.
    pub opened_at: String,
    /// RFC 3339 instant of the close.
    pub closed_at: String,
    /// Who opened it.
    pub opened_by: Option<String>,
    /// Who closed it.
    pub closed_by: Option<String>,
    /// The opening count.
    pub opening: Opening,
    /// The expected side (the same function as the X report).
    #[serde(flatten)]
    pub report: ShiftReport,
    /// Expected against counted, per tender.
    pub counts: Vec<TenderCount>,
    /// The closer's note.
    pub note: Option<String>,
}

/// The clinic's cash-desk settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CashDeskSettings {
    /// Refuse non-cash payments too when no shift is open (off by default: an integrator's
    /// online payment at night stands outside any shift).
    pub require_open_shift: bool,
    /// The largest difference per tender a cashier may close with on their own.
    pub tolerance: Money,
    /// The clinic's day end (clinic-local): a shift open after it is stale.
    pub day_end: NaiveTime,
}

impl Default for CashDeskSettings {
    fn default() -> Self {
        Self {
            require_open_shift: false,
            tolerance: Money::ZERO,
            day_end: NaiveTime::from_hms_opt(23, 59, 0).unwrap_or_default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use PaymentMethod::{Card, Cash, Qr};

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

    #[test]
    fn the_odoo_case_an_opening_difference_never_enters_expected_cash() {
        // Closed with 100, opened counting 50, took 10 in cash: expected is 60, not 110.
        let report = shift_report(tg(50), &[pay(Cash, 10)]);
        assert_eq!(report.cash.expected, tg(60));
        assert_eq!(tender_of(&report, Cash).expected, tg(60));
    }

    fn tender_of(r: &ShiftReport, m: PaymentMethod) -> TenderTotals {
        *r.tenders.iter().find(|t| t.method == m).unwrap()
    }

    #[test]
    fn expected_cash_is_float_plus_payments_minus_refunds_plus_in_minus_out() {
        let entries = [
            pay(Cash, 5_000),
            pay(Card, 7_000),
            ShiftEntry::Payment {
                method: Cash,
                amount: tg(999),
                voided: true,
            },
            ShiftEntry::Refund {
                method: Cash,
                amount: tg(1_500),
            },
            ShiftEntry::Refund {
                method: Card,
                amount: tg(2_000),
            },
            ShiftEntry::Movement {
                kind: CashMovementKind::In,
                amount: tg(300),
            },
            ShiftEntry::Movement {
                kind: CashMovementKind::Out,
                amount: tg(800),
            },
        ];
        let r = shift_report(tg(1_000), &entries);
        assert_eq!(r.cash.expected, tg(1_000 + 5_000 - 1_500 + 300 - 800));
        let card = tender_of(&r, Card);
        assert_eq!(
            (card.payments, card.refunds, card.net),
            (tg(7_000), tg(2_000), tg(5_000))
        );
        assert_eq!(card.expected, card.net);
        assert_eq!((r.payment_count, r.refund_count, r.void_count), (2, 2, 1));
        assert_eq!(r.tenders.len(), 4, "every tender, zeros included");
        assert_eq!(tender_of(&r, Qr).expected, Money::ZERO);
    }

    #[test]
    fn a_report_grows_entry_by_entry_as_the_drawer_does() {
        let entries = [pay(Cash, 10), pay(Qr, 20), pay(Cash, 30)];
        let expected = [5, 15, 15, 45];
        for (n, want) in expected.iter().enumerate() {
            assert_eq!(
                shift_report(tg(5), &entries[..n]).cash.expected,
                tg(*want),
                "after {n}"
            );
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

    #[test]
    fn posting_follows_the_shift_and_the_tender() {
        let s = ShiftId(7);
        assert_eq!(
            posting(Some((s, ShiftStatus::Open)), true, false),
            Ok(Some(s))
        );
        assert_eq!(
            posting(Some((s, ShiftStatus::Counting)), false, false),
            Err(ShiftRefusal::Counting)
        );
        assert_eq!(posting(None, true, false), Err(ShiftRefusal::NoOpenShift));
        assert_eq!(
            posting(None, false, false),
            Ok(None),
            "card at night: outside shifts"
        );
        assert_eq!(posting(None, false, true), Err(ShiftRefusal::NoOpenShift));
    }

    #[test]
    fn void_is_for_the_payments_own_open_shift() {
        assert!(void_allowed(None, false).is_ok());
        assert!(void_allowed(Some(ShiftStatus::Open), false).is_ok());
        assert_eq!(
            void_allowed(Some(ShiftStatus::Counting), false),
            Err(ShiftRefusal::VoidAfterShift)
        );
        assert_eq!(
            void_allowed(Some(ShiftStatus::Closed), false),
            Err(ShiftRefusal::VoidAfterShift)
        );
        assert_eq!(
            void_allowed(Some(ShiftStatus::Open), true),
            Err(ShiftRefusal::VoidRefunded)
        );
    }

    #[test]
    fn a_shift_turns_stale_at_the_day_end_of_its_opening_day() {
        let day = NaiveDate::from_ymd_opt(2026, 11, 28).unwrap();
        let end = NaiveTime::from_hms_opt(21, 0, 0).unwrap();
        assert!(!is_stale(day, day.and_hms_opt(20, 59, 59).unwrap(), end));
        assert!(is_stale(day, day.and_hms_opt(21, 0, 0).unwrap(), end));
        assert!(is_stale(
            day,
            day.succ_opt().unwrap().and_hms_opt(8, 0, 0).unwrap(),
            end
        ));
    }

    #[test]
    fn cash_out_never_takes_more_than_the_drawer_holds() {
        let report = shift_report(tg(1_000), &[pay(Cash, 500)]);
        let out = |t| CashMovement {
            kind: CashMovementKind::Out,
            amount: tg(t),
            reason: "инкассация".into(),
        };
        assert!(check_movement(&report, &out(1_500)).is_ok());
        assert_eq!(
            check_movement(&report, &out(1_501)),
            Err(ShiftRefusal::NotEnoughCash(tg(1_500)))
        );
        let cash_in = CashMovement {
            kind: CashMovementKind::In,
            ..out(1_000_000)
        };
        assert!(check_movement(&report, &cash_in).is_ok());
    }

    #[test]
    fn a_cash_movement_needs_a_kind_a_positive_amount_and_a_reason() {
        let m = CashMovement::parse("out", "2500", Some(" инкассация ")).unwrap();
        assert_eq!(
            (m.kind, m.amount, m.reason.as_str()),
            (CashMovementKind::Out, tg(2_500), "инкассация")
        );
        let e = CashMovement::parse("sideways", "0", None).unwrap_err();
        let fields: Vec<&str> = e.0.iter().map(|v| v.field.as_str()).collect();
        assert_eq!(fields, ["kind", "amount", "reason"]);
    }
}
