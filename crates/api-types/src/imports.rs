//! Spreadsheet imports' wire types: the per-row plan a dry run shows and an apply carries out.

use serde::{Deserialize, Serialize};

/// `?dry_run=` of `POST /imports/{kind}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct ImportQuery {
    /// `true` (the default): plan and report, write nothing. `false`: apply, all or nothing.
    pub dry_run: Option<bool>,
}

impl crate::queries::ToQuery for ImportQuery {}

/// A problem in one cell.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportCellError {
    /// The column's header, as in the file.
    pub column: String,
    /// What is wrong (Russian).
    pub message: String,
}

/// What becomes of one row of the file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportRowView {
    /// The spreadsheet row number (2 = the first row after the header).
    pub row: i64,
    /// `create` | `update` | `unchanged` | `duplicate` | `invalid`.
    pub action: String,
    /// The existing record it updates or matches (`update`, `unchanged`); after an apply, also
    /// the new record's id is not reported here (read the directory).
    pub id: Option<i64>,
    /// The earlier row with the same phone (patients) or name (services).
    pub duplicate_of_row: Option<i64>,
    /// The row in a few words (name and phone, or service and price).
    pub label: String,
    /// Every problem (`invalid`).
    pub errors: Vec<ImportCellError>,
}

/// A dry run's or an apply's report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportReportView {
    /// `patients` | `doctors` | `services`.
    pub kind: String,
    /// Whether anything was written.
    pub applied: bool,
    /// Rows that create a record.
    pub create: i64,
    /// Rows that change a record.
    pub update: i64,
    /// Rows already in the clinic as they are.
    pub unchanged: i64,
    /// Rows repeating an earlier row.
    pub duplicate: i64,
    /// Rows with errors (an apply with any is refused).
    pub invalid: i64,
    /// Every non-empty row, in file order.
    pub rows: Vec<ImportRowView>,
}
