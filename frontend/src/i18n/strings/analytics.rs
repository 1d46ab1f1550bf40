//! The owner's dashboard.

/// The owner's dashboard: its strings.
#[cfg_attr(test, derive(serde::Serialize))]
pub struct AnalyticsStrings {
    /// Quick range.
    pub last_7_days: &'static str,
    /// Quick range.
    pub this_month: &'static str,
    /// Quick range.
    pub last_month: &'static str,
    /// Quick range.
    pub this_year: &'static str,
    /// The doctor filter's label: ticked doctors are reported together; none ticked is all.
    pub all_doctors: &'static str,
    /// Sources report.
    pub sources_heading: &'static str,
    /// Payment methods report.
    pub methods_heading: &'static str,
    /// Revenue line.
    pub revenue_daily_heading: &'static str,
    /// Doctors bars.
    pub by_doctor_heading: &'static str,
    /// Services bars.
    pub by_service_heading: &'static str,
    /// Visits per day line.
    pub visits_daily_heading: &'static str,
    /// Visits by status pie.
    pub by_status_heading: &'static str,
    /// Visits per doctor bars.
    pub visits_by_doctor_heading: &'static str,
    /// Discounts report.
    pub discounts_heading: &'static str,
    /// Revenue.
    pub revenue_label: &'static str,
    /// New patients (short).
    pub new_short: &'static str,
    /// Returning patients (short).
    pub returning_short: &'static str,
    /// Average check.
    pub average_check_label: &'static str,
    /// Outstanding debt.
    pub debt_label: &'static str,
    /// No-show rate.
    pub no_show_label: &'static str,
    /// Cashless share.
    pub cashless_label: &'static str,
    /// Before the previous period's dates, above the KPI tiles.
    pub kpi_compared_to: &'static str,
    /// Percentage points (a change of a percentage).
    pub kpi_points: &'static str,
    /// A KPI's change when the previous period had none of it.
    pub kpi_no_base: &'static str,
    /// Average payment.
    pub average_payment_label: &'static str,
    /// Average.
    pub average_label: &'static str,
    /// Count.
    pub count_label: &'static str,
    /// Trend charts.
    pub trends_heading: &'static str,
    /// Trend step.
    pub trend_period: &'static str,
    /// Weekly trend.
    pub by_week: &'static str,
    /// Monthly trend.
    pub by_month: &'static str,
    /// Analytics: the deposits panel.
    pub analytics_deposits: &'static str,
    /// Deposits held at the end of the range.
    pub analytics_deposits_held: &'static str,
    /// Top-ups in the range.
    pub analytics_deposits_topups: &'static str,
    /// Spends in the range.
    pub analytics_deposits_spends: &'static str,
    /// Withdrawals in the range.
    pub analytics_deposits_withdrawals: &'static str,
    /// Summary: paid with bonuses.
    pub analytics_bonus_paid: &'static str,
    /// Bonuses held at the end of the range.
    pub analytics_bonuses_held: &'static str,
    /// Quick range: this quarter so far.
    pub this_quarter: &'static str,
    /// Quick range: the previous quarter.
    pub last_quarter: &'static str,
}
