//! The cash desk: shifts (смена) of a register, what they post, the one report function behind
//! both the X report (any moment) and the Z report (at close), and the rules of closing.
//!
//! A register has at most one shift that is not closed. A shift is `open` (takes payments,
//! refunds, cash in/out), then `counting` (the cashier counts blind; nothing new is posted), then
//! `closed` with an immutable Z snapshot. Expected cash = opening float + cash payments − cash
//! refunds + cash in − cash out; the difference between what was counted at opening and what the
//! previous close counted is its own figure and never enters expected cash.

//!
//! Here: statuses, cash movements, the refusals and the posting rules; `report` holds the one
//! report function (X and Z) and the Z snapshot; `close` the blind count and its assessment.

mod close;
mod report;

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use serde::{Deserialize, Serialize};

use crate::access::VisitAuthority;
use crate::error::{FieldViolation, Violations};
use crate::ids::ShiftId;
use crate::money::Money;
use crate::payment::PaymentMethod;

pub use close::{assess_close, ShiftCount, TenderCount};
pub use report::{
    shift_report, BalanceSpends, CashTotals, Opening, ShiftEntry, ShiftReport, TenderTotals,
    ZReport,
};

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
    pub const fn code(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Counting => "counting",
            Self::Closed => "closed",
        }
    }

    /// Russian label.
    pub const fn label_ru(self) -> &'static str {
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
    pub const fn code(self) -> &'static str {
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

/// While a shift is counting, its expected amounts are for managers only: the front desk counts
/// blind until the Z report.
pub fn x_report_visible(
    status: ShiftStatus,
    authority: VisitAuthority,
) -> Result<(), ShiftRefusal> {
    if status == ShiftStatus::Counting && !authority.is_manager() {
        return Err(ShiftRefusal::BlindCount);
    }
    Ok(())
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

impl CashDeskSettings {
    /// Parses the settings form: the tolerance (≥ 0) and the day end (`HH:MM`), naming each bad
    /// field.
    pub fn parse(
        require_open_shift: bool,
        tolerance: &str,
        day_end: &str,
    ) -> Result<Self, Violations> {
        let mut v = Violations::default();
        let tolerance = v.check(Money::parse_price(tolerance).map_err(|e| e.on("tolerance")));
        let day_end = v.check(
            NaiveTime::parse_from_str(day_end, "%H:%M")
                .map_err(|_| FieldViolation::new("day_end", "format", "Время в формате ЧЧ:ММ")),
        );
        v.into_result()?;
        match (tolerance, day_end) {
            (Some(tolerance), Some(day_end)) => Ok(Self {
                require_open_shift,
                tolerance,
                day_end,
            }),
            _ => Err(Violations::default()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
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

    #[test]
    fn the_count_is_blind_for_the_front_desk_only() {
        let front = VisitAuthority::FrontDesk;
        assert_eq!(
            x_report_visible(ShiftStatus::Counting, front),
            Err(ShiftRefusal::BlindCount)
        );
        assert!(x_report_visible(ShiftStatus::Open, front).is_ok());
        assert!(x_report_visible(ShiftStatus::Counting, VisitAuthority::Manager).is_ok());
    }

    #[test]
    fn settings_name_a_bad_tolerance_and_day_end() {
        let s = CashDeskSettings::parse(true, "500", "21:00").unwrap();
        assert_eq!((s.require_open_shift, s.tolerance), (true, tg(500)));
        let e = CashDeskSettings::parse(false, "-1", "25:99").unwrap_err();
        let fields: Vec<&str> = e.0.iter().map(|v| v.field.as_str()).collect();
        assert_eq!(fields, ["tolerance", "day_end"]);
    }
}
