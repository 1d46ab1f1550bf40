//! The front desk: the CRM calendar, booking, the visit card with payments and refunds, the
//! visit list.

/// The front desk: its strings.
#[cfg_attr(test, derive(serde::Serialize))]
pub struct DeskStrings {
    /// "min" after a duration.
    pub minutes_short: &'static str,
    /// Close a panel.
    pub close: &'static str,
    /// Status button: scheduled → in progress.
    pub arrived: &'static str,
    /// Status button: in progress → completed.
    pub finish_visit: &'static str,
    /// Status button: scheduled → no-show.
    pub no_show: &'static str,
    /// Status button: scheduled → cancelled.
    pub cancel_visit: &'static str,
    /// Reason of a status revert.
    pub revert_reason: &'static str,
    /// Revert button prefix.
    pub revert_to: &'static str,
    /// Services of a visit.
    pub services_heading: &'static str,
    /// Paid amount.
    pub paid_label: &'static str,
    /// Add a service to a visit.
    pub add_service: &'static str,
    /// Add button.
    pub add: &'static str,
    /// Before the base price hint.
    pub base_price_hint: &'static str,
    /// Remove a line.
    pub remove: &'static str,
    /// Payment section title.
    pub payment_heading: &'static str,
    /// Still owed.
    pub remaining_label: &'static str,
    /// Submit a payment.
    pub take_payment: &'static str,
    /// No payments yet.
    pub no_payments: &'static str,
    /// A voided payment.
    pub voided: &'static str,
    /// Void button.
    pub void_payment: &'static str,
    /// Reason of a void.
    pub void_reason: &'static str,
    /// Week calendar toggle.
    pub week_view: &'static str,
    /// Calendar without doctors.
    pub no_doctors: &'static str,
    /// Free slot label prefix.
    pub book_at: &'static str,
    /// Booking form title.
    pub new_visit: &'static str,
    /// Date field.
    pub date_label: &'static str,
    /// Patient field.
    pub patient_label: &'static str,
    /// Change a choice.
    pub change: &'static str,
    /// Book button.
    pub book: &'static str,
    /// Payment status filter.
    pub payment_status_label: &'static str,
    /// Move a visit.
    pub reschedule: &'static str,
    /// Why a manager books over a clash.
    pub overlap_reason: &'static str,
    /// Book over a clash.
    pub book_anyway: &'static str,
    /// Refund form in the visit card.
    pub refund_heading: &'static str,
    /// How a refund is split.
    pub refund_hint: &'static str,
    /// Refund button.
    pub refund_submit: &'static str,
    /// Refund tender picker (managers).
    pub refund_method: &'static str,
    /// Refund history.
    pub refunds_heading: &'static str,
    /// Payment panel: the deposit amount field.
    pub pay_from_deposit: &'static str,
    /// Payment panel: what the deposit holds.
    pub deposit_available: &'static str,
    /// Payment panel: the bonus field.
    pub pay_with_bonus: &'static str,
    /// Payment panel: the programme's cap.
    pub bonus_cap: &'static str,
    /// Download the visit's receipt.
    pub doc_receipt: &'static str,
    /// Download the visit's act.
    pub doc_act: &'static str,
    /// Download the visit's invoice.
    pub doc_invoice: &'static str,
    /// Save the visit's notes.
    pub visit_save_notes: &'static str,
    /// The visit's status history.
    pub visit_status_history: &'static str,
    /// Who changed the status.
    pub visit_changed_by: &'static str,
    /// Why.
    pub visit_reason: &'static str,
    /// The calendar's doctor filter (day view).
    pub filter_doctors: &'static str,
    /// The calendar's doctor legend (week view).
    pub legend_doctors: &'static str,
    /// The CRM panel: visits of the day.
    pub today_visits: &'static str,
    /// The CRM panel: takings of the open shifts.
    pub today_takings: &'static str,
    /// The CRM panel: no shift is open.
    pub today_no_shift: &'static str,
}
