//! Exports, imports and backups.

/// Exports, imports and backups: its strings.
#[cfg_attr(test, derive(serde::Serialize))]
pub struct DataStrings {
    /// File size units, bytes to gigabytes.
    pub size_units: [&'static str; 4],
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
    /// Export kind: the analytics workbook.
    pub export_kind_analytics: &'static str,
    /// Import kind picker label.
    pub import_kind: &'static str,
}
