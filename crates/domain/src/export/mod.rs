//! Exports (issue 18): which files the clinic can take out, their columns as an accountant reads
//! them (Russian headers), their file names, and who may take which. The store fills rows of
//! [`Cell`]s; the server writes them as CSV or XLSX. Nothing here knows a file format's bytes.

mod columns;
mod request;

use chrono::{NaiveDate, NaiveDateTime};

use crate::money::Money;
use columns::{APPOINTMENTS, APPOINTMENT_LINES, AUDIT_LOG, DOCTORS, PATIENTS, PAYMENTS, SERVICES};
pub use request::{authorize, may_export, ExportParams, ExportRefusal, ExportRequest};

/// What an export holds. The path segment of `GET /api/v1/exports/{kind}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportKind {
    /// Visits, one row each: lines named, base and visit totals, paid, debt, source.
    Appointments,
    /// Visit lines, one row each: the service, its base price and price, what is paid on it.
    AppointmentLines,
    /// Payments and refunds, one row each, with what each paid or returned per service.
    Payments,
    /// Patients (active, inactive or both).
    Patients,
    /// Doctors (active, inactive or both).
    Doctors,
    /// The price list.
    Services,
    /// The audit log.
    AuditLog,
    /// Every analytics report of a range, each a sheet (XLSX only; not a row stream).
    Analytics,
}

/// A file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    /// RFC 4180, comma, UTF-8 with a byte-order mark (so Excel reads Cyrillic), money as
    /// `12500.00`.
    Csv,
    /// An Excel workbook: money as numbers in a tenge format, dates as dates.
    Xlsx,
}

impl ExportFormat {
    /// The file extension and the `format` parameter's value.
    pub fn code(self) -> &'static str {
        match self {
            Self::Csv => "csv",
            Self::Xlsx => "xlsx",
        }
    }

    /// The response's media type.
    pub fn media_type(self) -> &'static str {
        match self {
            Self::Csv => "text/csv; charset=utf-8",
            Self::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
    }

    fn from_code(code: &str) -> Option<Self> {
        match code {
            "csv" => Some(Self::Csv),
            "xlsx" => Some(Self::Xlsx),
            _ => None,
        }
    }
}

/// One value of an export row, typed so XLSX keeps numbers as numbers and dates as dates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell {
    /// Nothing (an empty cell).
    Empty,
    /// Text.
    Text(String),
    /// A count or an id.
    Int(i64),
    /// An amount of money.
    Money(Money),
    /// A clinic-local day.
    Date(NaiveDate),
    /// A clinic-local moment (to the minute).
    DateTime(NaiveDateTime),
    /// A percentage in hundredths of a percent (`379` = 3,79 %).
    Percent(i64),
}

impl Cell {
    /// Text, or empty when there is none.
    pub fn text(value: Option<String>) -> Self {
        value
            .filter(|s| !s.is_empty())
            .map_or(Self::Empty, Self::Text)
    }
}

/// A column: its header and a width hint in characters for spreadsheets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    /// The header (Russian).
    pub header: &'static str,
    /// How many characters wide a spreadsheet shows it.
    pub width: u16,
}

/// A column (for the tables here and the analytics workbook's sheets).
pub const fn col(header: &'static str, width: u16) -> Column {
    Column { header, width }
}

impl ExportKind {
    /// Every kind, in the order the SPA lists them.
    pub const ALL: [ExportKind; 8] = [
        Self::Appointments,
        Self::AppointmentLines,
        Self::Payments,
        Self::Patients,
        Self::Doctors,
        Self::Services,
        Self::AuditLog,
        Self::Analytics,
    ];

    /// The path segment.
    pub fn code(self) -> &'static str {
        match self {
            Self::Appointments => "appointments",
            Self::AppointmentLines => "appointment-lines",
            Self::Payments => "payments",
            Self::Patients => "patients",
            Self::Doctors => "doctors",
            Self::Services => "services",
            Self::AuditLog => "audit-log",
            Self::Analytics => "analytics",
        }
    }

    /// The kind a path segment names.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }

    /// The columns, in order.
    pub fn columns(self) -> &'static [Column] {
        match self {
            Self::Appointments => APPOINTMENTS,
            Self::AppointmentLines => APPOINTMENT_LINES,
            Self::Payments => PAYMENTS,
            Self::Patients => PATIENTS,
            Self::Doctors => DOCTORS,
            Self::Services => SERVICES,
            Self::AuditLog => AUDIT_LOG,
            Self::Analytics => &[],
        }
    }

    /// The sheet's (and the Russian file name's) title.
    pub fn title_ru(self) -> &'static str {
        match self {
            Self::Appointments => "Визиты",
            Self::AppointmentLines => "Услуги визитов",
            Self::Payments => "Оплаты и возвраты",
            Self::Patients => "Пациенты",
            Self::Doctors => "Врачи",
            Self::Services => "Прайс-лист",
            Self::AuditLog => "Журнал действий",
            Self::Analytics => "Аналитика",
        }
    }

    /// The ASCII file-name stem (a transliteration of the title), for clients that do not read
    /// `filename*`.
    fn ascii_stem(self) -> &'static str {
        match self {
            Self::Appointments => "vizity",
            Self::AppointmentLines => "uslugi-vizitov",
            Self::Payments => "oplaty-i-vozvraty",
            Self::Patients => "pacienty",
            Self::Doctors => "vrachi",
            Self::Services => "prajs-list",
            Self::AuditLog => "zhurnal-dejstvij",
            Self::Analytics => "analitika",
        }
    }

    /// Whether the period filters rows (patients and the price list are the clinic as of now).
    pub fn has_period(self) -> bool {
        !matches!(self, Self::Patients | Self::Doctors | Self::Services)
    }
}

/// Which patients a patients export holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Activity {
    /// Only active ones (the default).
    Active,
    /// Only deactivated ones.
    Inactive,
    /// Everyone.
    All,
}

impl Activity {
    fn from_code(code: &str) -> Option<Self> {
        match code {
            "active" => Some(Self::Active),
            "inactive" => Some(Self::Inactive),
            "all" => Some(Self::All),
            _ => None,
        }
    }
}
