//! The typed rows the dashboard's queries return: each report's sums, decoded from SQL once.

use chrono::NaiveDate;
use emhana_domain::ids::{DoctorId, LeadSourceId, ServiceId, UserId};
use emhana_domain::{Money, PaymentMethod, VisitStatus};
use sqlx::any::AnyRow;
use sqlx::{FromRow, Row};

use crate::time::column;

/// Visit-side totals of a range.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct VisitTotals {
    /// Non-cancelled visits.
    pub visits: i64,
    /// Of them, no-shows.
    pub no_shows: i64,
    /// Of them, with something paid.
    pub paid_visits: i64,
    /// Paid on them.
    pub visit_revenue: Money,
    /// Still owed on them.
    pub debt: Money,
    /// Distinct patients.
    pub patients: i64,
}

/// Live payments and refunds of one method in a range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MethodTotal {
    /// The method.
    pub method: PaymentMethod,
    /// Net: payments − refunds (revenue).
    pub amount: Money,
    /// Payments' sum.
    pub paid: Money,
    /// Refunds' sum (by refund day).
    pub refunded: Money,
    /// Live payments.
    pub payments: i64,
    /// Refunds.
    pub refunds: i64,
    /// Distinct visits paid with it.
    pub visits: i64,
}

/// Live payments of one clinic-local day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DayTotal {
    /// The day.
    pub day: NaiveDate,
    /// Their sum.
    pub amount: Money,
    /// Live payments.
    pub payments: i64,
}

/// Non-cancelled visits of one clinic-local day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VisitDay {
    /// The day.
    pub day: NaiveDate,
    /// Visits (not cancelled).
    pub visits: i64,
    /// Of them, no-shows.
    pub no_shows: i64,
}

/// Visits of one status in a range (cancelled ones included).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatusCount {
    /// The status.
    pub status: VisitStatus,
    /// Visits in it.
    pub visits: i64,
}

/// One lead source's visits in a range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceGroup {
    /// Source.
    pub source_id: LeadSourceId,
    /// Code.
    pub code: String,
    /// Label.
    pub label: String,
    /// Non-cancelled visits.
    pub visits: i64,
    /// Distinct patients.
    pub patients: i64,
    /// Paid on those visits.
    pub revenue: Money,
    /// Of them, with something paid.
    pub paid_visits: i64,
}

/// One doctor's visits in a range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DoctorGroup {
    /// Doctor.
    pub doctor_id: DoctorId,
    /// "Фамилия Имя".
    pub name: String,
    /// Non-cancelled visits.
    pub visits: i64,
    /// Distinct patients.
    pub patients: i64,
    /// Live payments in the range for their visits.
    pub revenue: Money,
}

/// One service's lines in a range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceGroup {
    /// Service.
    pub service_id: ServiceId,
    /// Its name.
    pub name: String,
    /// Lines on non-cancelled visits.
    pub lines: i64,
    /// Their prices.
    pub billed: Money,
    /// Live payments in the range allocated to it.
    pub revenue: Money,
}

/// Discounts (price below the base price) given by one staff member on visits in a range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiscountGroup {
    /// Who set the price (none: legacy or unknown).
    pub user_id: Option<UserId>,
    /// Their name.
    pub name: Option<String>,
    /// Discounted lines.
    pub lines: i64,
    /// Base − price summed.
    pub amount: Money,
}

/// Visits of one source on one clinic-local day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceDay {
    /// The day.
    pub day: NaiveDate,
    /// Source code.
    pub code: String,
    /// Its label.
    pub label: String,
    /// Non-cancelled visits.
    pub visits: i64,
}

/// Live payments of one method on one clinic-local day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MethodDay {
    /// The day.
    pub day: NaiveDate,
    /// The method.
    pub method: PaymentMethod,
    /// Their sum.
    pub amount: Money,
}

impl FromRow<'_, AnyRow> for VisitTotals {
    fn from_row(r: &AnyRow) -> sqlx::Result<Self> {
        Ok(Self {
            visits: r.try_get("visits")?,
            no_shows: r.try_get("no_shows")?,
            paid_visits: r.try_get("paid_visits")?,
            visit_revenue: column::money(r, "revenue")?,
            debt: column::money(r, "debt")?,
            patients: 0,
        })
    }
}

impl FromRow<'_, AnyRow> for MethodTotal {
    fn from_row(r: &AnyRow) -> sqlx::Result<Self> {
        Ok(Self {
            method: column::code(r, "method", PaymentMethod::from_code)?,
            amount: column::money(r, "amount")?,
            paid: column::money(r, "paid")?,
            refunded: column::money(r, "refunded")?,
            payments: r.try_get("payments")?,
            refunds: r.try_get("refunds")?,
            visits: 0,
        })
    }
}

impl FromRow<'_, AnyRow> for DayTotal {
    fn from_row(r: &AnyRow) -> sqlx::Result<Self> {
        Ok(Self {
            day: column::day(r, "day")?,
            amount: column::money(r, "amount")?,
            payments: r.try_get("payments")?,
        })
    }
}

impl FromRow<'_, AnyRow> for VisitDay {
    fn from_row(r: &AnyRow) -> sqlx::Result<Self> {
        Ok(Self {
            day: column::day(r, "day")?,
            visits: r.try_get("visits")?,
            no_shows: r.try_get("no_shows")?,
        })
    }
}

impl FromRow<'_, AnyRow> for StatusCount {
    fn from_row(r: &AnyRow) -> sqlx::Result<Self> {
        Ok(Self {
            status: column::code(r, "status", VisitStatus::from_code)?,
            visits: r.try_get("visits")?,
        })
    }
}

impl FromRow<'_, AnyRow> for SourceGroup {
    fn from_row(r: &AnyRow) -> sqlx::Result<Self> {
        Ok(Self {
            source_id: LeadSourceId(r.try_get("source_id")?),
            code: r.try_get("code")?,
            label: r.try_get("label")?,
            visits: r.try_get("visits")?,
            patients: 0,
            revenue: column::money(r, "revenue")?,
            paid_visits: r.try_get("paid_visits")?,
        })
    }
}

impl FromRow<'_, AnyRow> for DoctorGroup {
    fn from_row(r: &AnyRow) -> sqlx::Result<Self> {
        Ok(Self {
            doctor_id: DoctorId(r.try_get("doctor_id")?),
            name: r.try_get("name")?,
            visits: r.try_get("visits")?,
            patients: 0,
            revenue: column::money(r, "revenue")?,
        })
    }
}

impl FromRow<'_, AnyRow> for ServiceGroup {
    fn from_row(r: &AnyRow) -> sqlx::Result<Self> {
        Ok(Self {
            service_id: ServiceId(r.try_get("service_id")?),
            name: r.try_get("name")?,
            lines: r.try_get("lines")?,
            billed: column::money(r, "billed")?,
            revenue: column::money(r, "revenue")?,
        })
    }
}

impl FromRow<'_, AnyRow> for DiscountGroup {
    fn from_row(r: &AnyRow) -> sqlx::Result<Self> {
        Ok(Self {
            user_id: r.try_get::<Option<i64>, _>("user_id")?.map(UserId),
            name: r.try_get("name")?,
            lines: r.try_get("lines")?,
            amount: column::money(r, "amount")?,
        })
    }
}

/// Visits of one source (by id) on one day: what the query reads before the source is named.
#[derive(Debug, Clone, Copy)]
pub(super) struct SourceIdDay {
    /// The day.
    pub day: NaiveDate,
    /// The source.
    pub source_id: i64,
    /// Non-cancelled visits.
    pub visits: i64,
}

impl FromRow<'_, AnyRow> for SourceIdDay {
    fn from_row(r: &AnyRow) -> sqlx::Result<Self> {
        Ok(Self {
            day: column::day(r, "day")?,
            source_id: r.try_get("source_id")?,
            visits: r.try_get("visits")?,
        })
    }
}

impl FromRow<'_, AnyRow> for MethodDay {
    fn from_row(r: &AnyRow) -> sqlx::Result<Self> {
        Ok(Self {
            day: column::day(r, "day")?,
            method: column::code(r, "method", PaymentMethod::from_code)?,
            amount: column::money(r, "amount")?,
        })
    }
}
