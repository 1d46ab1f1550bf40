//! The declaration of the UI vocabulary: one field per user-visible string, each documented
//! where it is shown. Strings shared across pages are fields of [`Strings`]; those of one area
//! are in that area's table (one file each), reached as `s.desk.x` for the front desk's and the
//! staff pages' (fields: every bundle has those pages) and `s.analytics().x` for the areas only
//! the full bundle's pages use (separate statics per language, so the desk bundle does not link
//! them). The values per language are in `ru`, `kk` and `en`, which must fill every table.

mod analytics;
mod cash_desk;
mod data;
mod desk;
mod directories;
mod patients;
mod settings;
mod staff;

pub use analytics::AnalyticsStrings;
pub use cash_desk::CashDeskStrings;
pub use data::DataStrings;
pub use desk::DeskStrings;
pub use directories::DirectoryStrings;
pub use patients::PatientStrings;
pub use settings::SettingsStrings;
pub use staff::StaffStrings;

use emhana_domain::UiLanguage;

/// How a language writes numbers and dates (chrono patterns): read by `i18n::format`, so pages
/// never pick a separator or a pattern themselves.
#[cfg_attr(test, derive(serde::Serialize))]
pub struct Formats {
    /// Between whole and fraction (`12 500,50`).
    pub decimal_separator: char,
    /// Between groups of three digits.
    pub group_separator: char,
    /// Between a percentage and `%` (empty when written together).
    pub percent_gap: &'static str,
    /// A day (`%d.%m.%Y`).
    pub date: &'static str,
    /// A day and a time.
    pub date_time: &'static str,
    /// A day and a time with seconds (the audit log).
    pub date_time_seconds: &'static str,
    /// A day without the year, after the weekday (the week calendar).
    pub day_month: &'static str,
}

impl Formats {
    /// How Russian and Kazakh write numbers and days: `12 500,50`, `3,79 %`, `02.10.2026`.
    pub const COMMA_AND_DOTS: Formats = Formats {
        decimal_separator: ',',
        group_separator: '\u{a0}',
        percent_gap: " ",
        date: "%d.%m.%Y",
        date_time: "%d.%m.%Y %H:%M",
        date_time_seconds: "%d.%m.%Y %H:%M:%S",
        day_month: "%d.%m",
    };
}

/// The UI vocabulary. Pages take their text from here, never from literals.
#[cfg_attr(test, derive(serde::Serialize))]
pub struct Strings {
    /// Which language this table is: the areas only some pages use (patients, directories,
    /// analytics, cash desk, data, settings) are separate statics found by it
    /// (`Strings::analytics()`…), so a bundle without those pages does not link their text.
    #[cfg_attr(test, serde(skip))]
    pub language: UiLanguage,
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
    /// Account status column.
    pub status_label: &'static str,
    /// Active account.
    pub active: &'static str,
    /// Deactivated account.
    pub inactive: &'static str,
    /// Deactivate button.
    pub deactivate: &'static str,
    /// Time column.
    pub time_label: &'static str,
    /// User column.
    pub user_label: &'static str,
    /// Empty list.
    pub empty: &'static str,
    /// Patient search label.
    pub search_label: &'static str,
    /// Patient search placeholder.
    pub search_hint: &'static str,
    /// New patient button/title.
    pub new_patient: &'static str,
    /// First name.
    pub first_name_label: &'static str,
    /// Last name.
    pub last_name_label: &'static str,
    /// Phone.
    pub phone_label: &'static str,
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
    /// Service name.
    pub service_name_label: &'static str,
    /// Base price.
    pub price_label: &'static str,
    /// Doctor column/picker.
    pub doctor_label: &'static str,
    /// Lead source picker.
    pub source_label: &'static str,
    /// Visit total.
    pub total_label: &'static str,
    /// Payment method column.
    pub method_label: &'static str,
    /// Amount column.
    pub amount_label: &'static str,
    /// Jump to today.
    pub today: &'static str,
    /// Period start.
    pub period_from: &'static str,
    /// Period end.
    pub period_to: &'static str,
    /// Any value of a filter.
    pub all: &'static str,
    /// Visits.
    pub visits_label: &'static str,
    /// Patients.
    pub patients_label: &'static str,
    /// Backups page.
    pub nav_backups: &'static str,
    /// Cash desk page.
    pub nav_cash_desk: &'static str,
    /// Refund reason.
    pub refund_reason: &'static str,
    /// The default: back the way it came.
    pub refund_method_original: &'static str,
    /// Saved.
    pub desk_saved: &'static str,
    /// Navigation: the bonus programme (owner).
    pub nav_loyalty: &'static str,
    /// The charting library could not be loaded.
    pub charts_unavailable: &'static str,
    /// Exports page.
    pub nav_exports: &'static str,
    /// Clinic requisites page.
    pub nav_clinic: &'static str,
    /// Integrations page.
    pub nav_integrations: &'static str,
    /// Sidebar link to one's own account.
    pub account_link: &'static str,
    /// Search box of a directory page.
    pub directory_search: &'static str,
    /// Reminders page.
    pub nav_reminders: &'static str,
    /// Time column.
    pub reminders_time: &'static str,
    /// The language switch's label.
    pub language_label: &'static str,
    /// Role names, in `Role::ALL` order.
    pub roles: [&'static str; 4],
    /// Visit status names, in `VisitStatus::ALL` order.
    pub statuses: [&'static str; 5],
    /// Payment method names, in `PaymentMethod::ALL` order.
    pub methods: [&'static str; 6],
    /// Payment status names by code (`unpaid`, `partially_paid`, `paid`).
    pub payment_status_labels: &'static [(&'static str, &'static str)],
    /// Cash-desk shift status names by code (`open`, `counting`, `closed`).
    pub shift_status_labels: &'static [(&'static str, &'static str)],
    /// Deposit and bonus ledger entry kinds by code (statement rows).
    pub entry_kind_labels: &'static [(&'static str, &'static str)],
    /// Weekday abbreviations, Monday first (the week calendar's column heads).
    pub weekdays_short: [&'static str; 7],
    /// How this language writes numbers, days and times.
    pub formats: Formats,
    /// The front desk: the CRM calendar, booking, the visit card with payments and refunds, the
    /// visit list.
    pub desk: DeskStrings,
    /// Staff accounts, the own account and the audit log.
    pub staff: StaffStrings,
}
