//! The declaration of the UI vocabulary: one field per user-visible string, each documented
//! where it is shown. The values per language are in `ru` (and future `kk`, `en`).

/// The UI vocabulary. Pages take their text from here, never from literals.
pub struct Strings {
    /// Product name shown in the sidebar and the title.
    pub app_name: &'static str,
    /// One-line description under the title on the home page.
    pub tagline: &'static str,
    /// Navigation and page titles.
    pub nav_crm: &'static str,
    /// Visit list.
    pub nav_visits: &'static str,
    /// Patients directory.
    pub nav_patients: &'static str,
    /// Doctors directory.
    pub nav_doctors: &'static str,
    /// Price list.
    pub nav_services: &'static str,
    /// Lead sources.
    pub nav_sources: &'static str,
    /// Analytics dashboard.
    pub nav_analytics: &'static str,
    /// Audit log viewer.
    pub nav_audit: &'static str,
    /// Staff management.
    pub nav_staff: &'static str,
    /// Login page title.
    pub login_title: &'static str,
    /// Loading indicator.
    pub loading: &'static str,
    /// API status label.
    pub api_status: &'static str,
    /// API status when the server answers.
    pub api_ok: &'static str,
    /// API status when it does not.
    pub api_down: &'static str,
    /// Page-not-found title.
    pub not_found: &'static str,
    /// The sidebar's accessible name.
    pub main_menu: &'static str,
    /// A request that never reached the server (the browser's reason follows in brackets).
    pub network_error: &'static str,
    /// "min" after a duration.
    pub minutes_short: &'static str,
    /// "ms" after a latency.
    pub milliseconds_short: &'static str,
    /// File size units, bytes to gigabytes.
    pub size_units: [&'static str; 4],
    /// Sidebar sign-out button.
    pub logout: &'static str,
    /// Login field.
    pub login_label: &'static str,
    /// Password field.
    pub password_label: &'static str,
    /// Sign-in button.
    pub login_button: &'static str,
    /// Display name column/field.
    pub name_label: &'static str,
    /// Role column/field.
    pub role_label: &'static str,
    /// Account status column.
    pub status_label: &'static str,
    /// Active account.
    pub active: &'static str,
    /// Deactivated account.
    pub inactive: &'static str,
    /// Activate button.
    pub activate: &'static str,
    /// Deactivate button.
    pub deactivate: &'static str,
    /// New account form title.
    pub new_user: &'static str,
    /// Create button.
    pub create: &'static str,
    /// Audit entity filter/column.
    pub entity_label: &'static str,
    /// Audit action filter/column.
    pub action_label: &'static str,
    /// Time column.
    pub time_label: &'static str,
    /// User column.
    pub user_label: &'static str,
    /// Audit diff column.
    pub changes_label: &'static str,
    /// Empty list.
    pub empty: &'static str,
    /// Patient search label.
    pub search_label: &'static str,
    /// Patient search placeholder.
    pub search_hint: &'static str,
    /// New patient button/title.
    pub new_patient: &'static str,
    /// Edit patient title.
    pub edit_patient: &'static str,
    /// First name.
    pub first_name_label: &'static str,
    /// Last name.
    pub last_name_label: &'static str,
    /// Phone.
    pub phone_label: &'static str,
    /// Birth date.
    pub birth_date_label: &'static str,
    /// E-mail.
    pub email_label: &'static str,
    /// Notes.
    pub notes_label: &'static str,
    /// Save button.
    pub save: &'static str,
    /// Cancel button.
    pub cancel: &'static str,
    /// "из" in "21–40 из 57".
    pub of: &'static str,
    /// Pager landmark label.
    pub pages: &'static str,
    /// Pager: previous.
    pub prev_page: &'static str,
    /// Pager: next.
    pub next_page: &'static str,
    /// Cursor lists: fetch the next page.
    pub load_more: &'static str,
    /// Directory filter: include deactivated records.
    pub show_inactive: &'static str,
    /// Doctor form title (create).
    pub new_doctor: &'static str,
    /// Doctor form title (edit).
    pub edit_doctor: &'static str,
    /// Doctor's specialization.
    pub specialization_label: &'static str,
    /// Service form title (create).
    pub new_service: &'static str,
    /// Service form title (edit).
    pub edit_service: &'static str,
    /// Service name.
    pub service_name_label: &'static str,
    /// Service description.
    pub description_label: &'static str,
    /// Base price.
    pub price_label: &'static str,
    /// Duration in minutes.
    pub duration_label: &'static str,
    /// Doctor column/picker.
    pub doctor_label: &'static str,
    /// Doctor picker: not tied to one doctor.
    pub any_doctor: &'static str,
    /// Lead source form title (create).
    pub new_source: &'static str,
    /// Lead source form title (edit).
    pub edit_source: &'static str,
    /// Lead source code.
    pub code_label: &'static str,
    /// Lead source label.
    pub label_label: &'static str,
    /// Default lead source marker.
    pub default_label: &'static str,
    /// Boolean yes.
    pub yes: &'static str,
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
    /// Lead source picker.
    pub source_label: &'static str,
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
    /// Visit total.
    pub total_label: &'static str,
    /// Still owed.
    pub remaining_label: &'static str,
    /// Submit a payment.
    pub take_payment: &'static str,
    /// No payments yet.
    pub no_payments: &'static str,
    /// Payment method column.
    pub method_label: &'static str,
    /// Amount column.
    pub amount_label: &'static str,
    /// A voided payment.
    pub voided: &'static str,
    /// Void button.
    pub void_payment: &'static str,
    /// Reason of a void.
    pub void_reason: &'static str,
    /// Jump to today.
    pub today: &'static str,
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
    /// Period start.
    pub period_from: &'static str,
    /// Period end.
    pub period_to: &'static str,
    /// Any value of a filter.
    pub all: &'static str,
    /// Payment status filter.
    pub payment_status_label: &'static str,
    /// Move a visit.
    pub reschedule: &'static str,
    /// Why a manager books over a clash.
    pub overlap_reason: &'static str,
    /// Book over a clash.
    pub book_anyway: &'static str,
    /// Quick range.
    pub last_7_days: &'static str,
    /// Quick range.
    pub this_month: &'static str,
    /// Quick range.
    pub last_month: &'static str,
    /// Quick range.
    pub this_year: &'static str,
    /// Doctor filter: everyone.
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
    /// Visits.
    pub visits_label: &'static str,
    /// Patients.
    pub patients_label: &'static str,
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
    /// Staff table: new password column.
    pub new_password: &'static str,
    /// Set a new password.
    pub set_password: &'static str,
    /// Trend charts.
    pub trends_heading: &'static str,
    /// Trend step.
    pub trend_period: &'static str,
    /// Weekly trend.
    pub by_week: &'static str,
    /// Monthly trend.
    pub by_month: &'static str,
    /// Backups page.
    pub nav_backups: &'static str,
    /// Take a backup now.
    pub backup_now: &'static str,
    /// While a backup runs.
    pub backup_busy: &'static str,
    /// Download a backup file.
    pub backup_download: &'static str,
    /// Automatic backups, followed by the time.
    pub backup_daily: &'static str,
    /// When automatic backups are off.
    pub backup_daily_off: &'static str,
    /// The backup folder label.
    pub backup_folder: &'static str,
    /// Last successful backup label.
    pub backup_last_ok: &'static str,
    /// Last failure label.
    pub backup_failed: &'static str,
    /// No backups yet.
    pub backup_none: &'static str,
    /// Table column: when.
    pub backup_created: &'static str,
    /// Table column: size.
    pub backup_size: &'static str,
    /// Table column: row counts.
    pub backup_contents: &'static str,
    /// Table column: why it was taken.
    pub backup_reason: &'static str,
    /// How to restore (a command, never a button).
    pub backup_restore_hint: &'static str,
    /// Row count label: payments.
    pub backup_payments: &'static str,
    /// Reason code manual.
    pub reason_manual: &'static str,
    /// Reason code daily.
    pub reason_daily: &'static str,
    /// Reason code pre-restore.
    pub reason_pre_restore: &'static str,
    /// Cash desk page.
    pub nav_cash_desk: &'static str,
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
    /// Refund form in the visit card.
    pub refund_heading: &'static str,
    /// How a refund is split.
    pub refund_hint: &'static str,
    /// Refund reason.
    pub refund_reason: &'static str,
    /// Refund button.
    pub refund_submit: &'static str,
    /// Refund tender picker (managers).
    pub refund_method: &'static str,
    /// The default: back the way it came.
    pub refund_method_original: &'static str,
    /// Refund history.
    pub refunds_heading: &'static str,
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
    /// Saved.
    pub desk_saved: &'static str,
    /// New register name.
    pub desk_new_register: &'static str,
    /// Add register.
    pub desk_add_register: &'static str,
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
    /// Payment panel: the deposit amount field.
    pub pay_from_deposit: &'static str,
    /// Payment panel: what the deposit holds.
    pub deposit_available: &'static str,
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
    /// Patient card: bonuses held.
    pub bonus_balance: &'static str,
    /// Statement tab: the deposit.
    pub deposit_statement: &'static str,
    /// Statement tab: bonuses.
    pub bonus_statement: &'static str,
    /// A bonus credit's last day.
    pub bonus_until: &'static str,
    /// Payment panel: the bonus field.
    pub pay_with_bonus: &'static str,
    /// Payment panel: the programme's cap.
    pub bonus_cap: &'static str,
    /// Navigation: the bonus programme (owner).
    pub nav_loyalty: &'static str,
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
    /// Summary: paid with bonuses.
    pub analytics_bonus_paid: &'static str,
    /// Bonuses held at the end of the range.
    pub analytics_bonuses_held: &'static str,
    /// The charting library could not be loaded.
    pub charts_unavailable: &'static str,
    /// Exports page.
    pub nav_exports: &'static str,
    /// Export kind picker label.
    pub export_what: &'static str,
    /// Export kind: visits.
    pub export_kind_appointments: &'static str,
    /// Export kind: visit lines.
    pub export_kind_lines: &'static str,
    /// Export kind: payments and refunds.
    pub export_kind_payments: &'static str,
    /// Export kind: patients.
    pub export_kind_patients: &'static str,
    /// Export kind: the price list.
    pub export_kind_services: &'static str,
    /// Export kind: the audit log.
    pub export_kind_audit: &'static str,
    /// Export format picker label.
    pub export_format: &'static str,
    /// Active/inactive filter label.
    pub export_activity: &'static str,
    /// Only active records.
    pub export_active: &'static str,
    /// Only deactivated records.
    pub export_inactive: &'static str,
    /// Export download button.
    pub export_download: &'static str,
    /// Export in progress.
    pub export_busy: &'static str,
    /// Rows in the file.
    pub export_rows: &'static str,
    /// Bytes received so far.
    pub export_received: &'static str,
    /// Export finished.
    pub export_done: &'static str,
    /// Receptionist's restriction note.
    pub export_today_only: &'static str,
    /// What the files are.
    pub export_hint: &'static str,
    /// Import section title.
    pub import_title: &'static str,
    /// Download the empty template.
    pub import_template: &'static str,
    /// File picker label.
    pub import_file: &'static str,
    /// Dry-run button.
    pub import_check: &'static str,
    /// Apply button.
    pub import_apply: &'static str,
    /// What the import does.
    pub import_hint: &'static str,
    /// Row action: create.
    pub import_create: &'static str,
    /// Row action: update.
    pub import_update: &'static str,
    /// Row action: unchanged.
    pub import_unchanged: &'static str,
    /// Row action: duplicate row.
    pub import_duplicate: &'static str,
    /// Row action: invalid.
    pub import_invalid: &'static str,
    /// After an apply.
    pub import_applied: &'static str,
    /// Row number column.
    pub import_row: &'static str,
    /// Action column.
    pub import_action: &'static str,
    /// Details column.
    pub import_what: &'static str,
    /// Duplicate of row N.
    pub import_same_as_row: &'static str,
    /// Download the visit's receipt.
    pub doc_receipt: &'static str,
    /// Download the visit's act.
    pub doc_act: &'static str,
    /// Clinic requisites page.
    pub nav_clinic: &'static str,
    /// Clinic name field.
    pub clinic_name: &'static str,
    /// BIN field.
    pub clinic_bin: &'static str,
    /// Address field.
    pub clinic_address: &'static str,
    /// Phone field.
    pub clinic_phone: &'static str,
    /// What the requisites are for.
    pub clinic_hint: &'static str,
    /// Saved note.
    pub clinic_saved: &'static str,
    /// Export kind: the analytics workbook.
    pub export_kind_analytics: &'static str,
    /// Download the visit's invoice.
    pub doc_invoice: &'static str,
    /// Import kind picker label.
    pub import_kind: &'static str,
    /// Integrations page.
    pub nav_integrations: &'static str,
    /// What the integrations page is for.
    pub integrations_hint: &'static str,
    /// Warning next to a token or secret shown once.
    pub integrations_shown_once: &'static str,
    /// API keys section.
    pub integrations_keys: &'static str,
    /// Key name field.
    pub integrations_key_name: &'static str,
    /// Key scopes field.
    pub integrations_scopes: &'static str,
    /// Key expiry field.
    pub integrations_expires: &'static str,
    /// Create key button.
    pub integrations_create_key: &'static str,
    /// No keys yet.
    pub integrations_no_keys: &'static str,
    /// Key prefix column.
    pub integrations_key: &'static str,
    /// State column.
    pub integrations_state: &'static str,
    /// Last used column.
    pub integrations_last_used: &'static str,
    /// Revoke key button.
    pub integrations_revoke: &'static str,
    /// Webhooks section.
    pub integrations_webhooks: &'static str,
    /// Webhook URL field.
    pub integrations_url: &'static str,
    /// Webhook events field.
    pub integrations_events: &'static str,
    /// Webhook description field.
    pub integrations_description: &'static str,
    /// Create webhook button.
    pub integrations_subscribe: &'static str,
    /// How receivers check a webhook.
    pub integrations_signature_hint: &'static str,
    /// No webhooks yet.
    pub integrations_no_webhooks: &'static str,
    /// Webhook active.
    pub integrations_active: &'static str,
    /// Webhook paused.
    pub integrations_paused: &'static str,
    /// Delivery log button and title.
    pub integrations_log: &'static str,
    /// Pause webhook.
    pub integrations_pause: &'static str,
    /// Resume webhook.
    pub integrations_resume: &'static str,
    /// Delete webhook.
    pub integrations_delete: &'static str,
    /// Delete webhook confirmation.
    pub integrations_delete_confirm: &'static str,
    /// Refresh the log.
    pub integrations_refresh: &'static str,
    /// Queued-at column.
    pub integrations_queued: &'static str,
    /// Event column.
    pub integrations_event: &'static str,
    /// Attempts column.
    pub integrations_attempts: &'static str,
    /// Receiver answer column.
    pub integrations_answer: &'static str,
    /// Replay delivery button.
    pub integrations_replay: &'static str,
    /// API key scopes (permission code → label).
    pub scope_labels: &'static [(&'static str, &'static str)],
    /// Webhook events (code → label).
    pub event_labels: &'static [(&'static str, &'static str)],
    /// API key states.
    pub key_state_labels: &'static [(&'static str, &'static str)],
    /// Delivery states.
    pub delivery_state_labels: &'static [(&'static str, &'static str)],
    /// Sidebar link to one's own account.
    pub account_link: &'static str,
    /// Own password page title.
    pub account_title: &'static str,
    /// Current password field.
    pub account_current: &'static str,
    /// New password field.
    pub account_new: &'static str,
    /// Repeat field.
    pub account_repeat: &'static str,
    /// The two new passwords differ.
    pub account_mismatch: &'static str,
    /// Submit button.
    pub account_submit: &'static str,
    /// What happens after a change.
    pub account_hint: &'static str,
    /// Shown on the login form after a change.
    pub account_changed: &'static str,
    /// Deactivated accounts in the staff counts.
    pub staff_inactive_count: &'static str,
    /// Last sign-in column.
    pub staff_last_login: &'static str,
    /// Never signed in.
    pub staff_never: &'static str,
    /// Generate a password button.
    pub staff_generate: &'static str,
    /// An API key as the actor of an audit row.
    pub audit_api_key: &'static str,
    /// Search box of a directory page.
    pub directory_search: &'static str,
    /// Usual specializations offered in the doctor form (beside the clinic's own).
    pub specializations: &'static [&'static str],
    /// Reminders page.
    pub nav_reminders: &'static str,
    /// What the reminders page is for.
    pub reminders_hint: &'static str,
    /// Day of the visits listed.
    pub reminders_day: &'static str,
    /// Time column.
    pub reminders_time: &'static str,
    /// Reminder column.
    pub reminders_reminder: &'static str,
    /// A visit without a reminder row yet.
    pub reminders_none: &'static str,
    /// Reminders are off.
    pub reminders_off: &'static str,
    /// No provider is configured on the server.
    pub reminders_no_channels: &'static str,
    /// Settings section.
    pub reminders_settings: &'static str,
    /// Enabled checkbox.
    pub reminders_enabled: &'static str,
    /// Rules field set.
    pub reminders_rules: &'static str,
    /// Rule kind: the day before at a time.
    pub reminders_day_before: &'static str,
    /// Rule kind: hours before.
    pub reminders_hours_before: &'static str,
    /// Time of a day-before rule.
    pub reminders_at: &'static str,
    /// Hours of an hours-before rule.
    pub reminders_hours: &'static str,
    /// Add a rule.
    pub reminders_add_rule: &'static str,
    /// Remove a rule.
    pub reminders_remove: &'static str,
    /// Russian text field.
    pub reminders_template_ru: &'static str,
    /// Kazakh text field.
    pub reminders_template_kk: &'static str,
    /// Placeholders hint.
    pub reminders_placeholders: &'static str,
    /// Channels the server can send through.
    pub reminders_channels: &'static str,
    /// Saved note.
    pub reminders_saved: &'static str,
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
    /// Save the visit's notes.
    pub visit_save_notes: &'static str,
    /// The visit's status history.
    pub visit_status_history: &'static str,
    /// Who changed the status.
    pub visit_changed_by: &'static str,
    /// Why.
    pub visit_reason: &'static str,
    /// Quick range: this quarter so far.
    pub this_quarter: &'static str,
    /// Quick range: the previous quarter.
    pub last_quarter: &'static str,
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
    /// A rule of N hours before, `{n}` the hours.
    pub reminders_hours_short: &'static str,
    /// Reminder statuses.
    pub reminder_status_labels: &'static [(&'static str, &'static str)],
    /// Why a reminder was not sent (or failed).
    pub reminder_reason_labels: &'static [(&'static str, &'static str)],
    /// Reminder languages.
    pub reminder_language_labels: &'static [(&'static str, &'static str)],
}
