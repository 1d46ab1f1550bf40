//! Registers, shifts and their X and Z reports.

/// Registers, shifts and their X and Z reports: its strings.
#[cfg_attr(test, derive(serde::Serialize))]
pub struct CashDeskStrings {
    /// Register picker label.
    pub desk_register: &'static str,
    /// No live shift on the register.
    pub desk_no_shift: &'static str,
    /// Open-shift form heading.
    pub desk_open_heading: &'static str,
    /// Float counted at opening.
    pub desk_counted_opening: &'static str,
    /// Prefill hint: the previous close's count.
    pub desk_suggested: &'static str,
    /// Open-shift button.
    pub desk_open: &'static str,
    /// A shift.
    pub desk_shift: &'static str,
    /// When and who opened it.
    pub desk_opened: &'static str,
    /// Opening float.
    pub desk_float: &'static str,
    /// Opening count − previous close.
    pub desk_opening_difference: &'static str,
    /// Shift left open past the day end.
    pub desk_stale: &'static str,
    /// X report heading.
    pub desk_x_heading: &'static str,
    /// Z report heading.
    pub desk_z_heading: &'static str,
    /// Tender column.
    pub desk_tender: &'static str,
    /// Payments column.
    pub desk_payments: &'static str,
    /// Refunds column.
    pub desk_refunds: &'static str,
    /// Net column.
    pub desk_net: &'static str,
    /// Expected column.
    pub desk_expected: &'static str,
    /// Counted column.
    pub desk_counted: &'static str,
    /// Difference column.
    pub desk_difference: &'static str,
    /// Cash in.
    pub desk_cash_in: &'static str,
    /// Cash out.
    pub desk_cash_out: &'static str,
    /// Expected cash in the drawer.
    pub desk_cash_expected: &'static str,
    /// Voided payments count.
    pub desk_voids: &'static str,
    /// Cash in/out form heading.
    pub desk_movement_heading: &'static str,
    /// Cash in/out button.
    pub desk_movement_submit: &'static str,
    /// Reason field.
    pub desk_reason: &'static str,
    /// Shift journal heading.
    pub desk_journal_heading: &'static str,
    /// Journal kind.
    pub desk_kind_payment: &'static str,
    /// Journal kind.
    pub desk_kind_refund: &'static str,
    /// A voided payment in the journal.
    pub desk_voided: &'static str,
    /// Start the blind count.
    pub desk_start_count: &'static str,
    /// Blind count heading.
    pub desk_count_heading: &'static str,
    /// Blind count explanation.
    pub desk_count_hint: &'static str,
    /// Close note.
    pub desk_note: &'static str,
    /// Close-shift button.
    pub desk_close: &'static str,
    /// Print the Z report.
    pub desk_print: &'static str,
    /// Shift history heading.
    pub desk_history: &'static str,
    /// Z number column.
    pub desk_z_number: &'static str,
    /// Status column.
    pub desk_status: &'static str,
    /// When it was closed.
    pub desk_closed: &'static str,
    /// Who.
    pub desk_by: &'static str,
    /// Open a Z report.
    pub desk_show_z: &'static str,
    /// No shifts yet.
    pub desk_none: &'static str,
    /// Settings panel.
    pub desk_settings: &'static str,
    /// Today's payments outside any shift.
    pub desk_outside: &'static str,
    /// require_open_shift.
    pub desk_require_shift: &'static str,
    /// Tolerance.
    pub desk_tolerance: &'static str,
    /// Day end.
    pub desk_day_end: &'static str,
    /// New register name.
    pub desk_new_register: &'static str,
    /// Add register.
    pub desk_add_register: &'static str,
    /// Shift report column: deposits in − out.
    pub desk_deposits: &'static str,
    /// Journal kind.
    pub desk_kind_deposit_in: &'static str,
    /// Journal kind.
    pub desk_kind_deposit_out: &'static str,
    /// Shift report: visits paid from deposits.
    pub desk_from_deposits: &'static str,
    /// Shift report: refunds back onto deposits.
    pub desk_back_to_deposits: &'static str,
}
