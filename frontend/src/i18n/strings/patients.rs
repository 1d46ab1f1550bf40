//! The patients directory and card, deposits and the bonus programme.

/// The patients directory and card, deposits and the bonus programme: its strings.
#[cfg_attr(test, derive(serde::Serialize))]
pub struct PatientStrings {
    /// Edit patient title.
    pub edit_patient: &'static str,
    /// Birth date.
    pub birth_date_label: &'static str,
    /// Patient card: the deposit panel.
    pub deposit_heading: &'static str,
    /// What the deposit holds.
    pub deposit_balance: &'static str,
    /// No deposit entries yet.
    pub deposit_empty: &'static str,
    /// Statement column: the entry's kind.
    pub deposit_operation: &'static str,
    /// Statement: the balance before the period.
    pub deposit_opening: &'static str,
    /// Statement: the balance after the period.
    pub deposit_closing: &'static str,
    /// Top up the deposit.
    pub deposit_topup: &'static str,
    /// Give unused deposit back.
    pub deposit_withdraw: &'static str,
    /// How a withdrawal goes back.
    pub deposit_withdraw_hint: &'static str,
    /// Placeholder: the whole balance.
    pub deposit_all: &'static str,
    /// Tender for money that came by refunds.
    pub deposit_withdraw_method: &'static str,
    /// "visit" in running text.
    pub visit_word: &'static str,
    /// Patient card: bonuses held.
    pub bonus_balance: &'static str,
    /// Statement tab: the deposit.
    pub deposit_statement: &'static str,
    /// Statement tab: bonuses.
    pub bonus_statement: &'static str,
    /// A bonus credit's last day.
    pub bonus_until: &'static str,
    /// Programme on/off.
    pub loyalty_enabled: &'static str,
    /// Accrual percent.
    pub loyalty_accrual: &'static str,
    /// Tenders that earn.
    pub loyalty_earning: &'static str,
    /// Cap on a visit's share payable by bonuses.
    pub loyalty_max_share: &'static str,
    /// Expiry days.
    pub loyalty_expiry: &'static str,
    /// Welcome bonus amount.
    pub loyalty_welcome: &'static str,
    /// Welcome bonus source.
    pub loyalty_welcome_source: &'static str,
    /// No welcome source.
    pub loyalty_no_source: &'static str,
    /// First day of the new rules.
    pub loyalty_effective: &'static str,
    /// How versions work.
    pub loyalty_hint: &'static str,
    /// Versions starting later.
    pub loyalty_scheduled: &'static str,
    /// Reminder consent on the patient card.
    pub consent_title: &'static str,
    /// Reminder language on the patient card.
    pub consent_language: &'static str,
    /// Marks a deactivated patient.
    pub inactive_badge: &'static str,
    /// Bring a deactivated patient back.
    pub reactivate: &'static str,
    /// The card's history panel.
    pub history_title: &'static str,
    /// Visits that count.
    pub history_visits: &'static str,
    /// Visits that took place.
    pub history_attended: &'static str,
    /// Services rendered.
    pub history_billed: &'static str,
    /// Paid over all visits.
    pub history_paid: &'static str,
    /// Owed.
    pub history_debt: &'static str,
    /// First visit.
    pub history_first: &'static str,
    /// Latest visit.
    pub history_last: &'static str,
    /// Next booked visit.
    pub history_next: &'static str,
    /// How the patient found the clinic.
    pub history_source: &'static str,
    /// No visits yet.
    pub history_none: &'static str,
    /// Reminder languages.
    pub reminder_language_labels: &'static [(&'static str, &'static str)],
}
