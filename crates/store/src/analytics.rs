//! The dashboard's aggregates, computed in the database in one pass per report over the
//! clinic-local `local_date` columns (indexed), so both backends group by day without time-zone
//! SQL. Visits count by their start day and exclude cancelled ones; money counts live
//! (non-voided) payments by their payment day. Sums are cast to BIGINT (PostgreSQL's SUM of a
//! BIGINT is NUMERIC).

use chrono::NaiveDate;

use crate::{Store, StoreError};

/// A report's range (inclusive clinic-local days) and optional doctor.
#[derive(Debug, Clone, Copy)]
pub struct Range {
    /// First day.
    pub from: NaiveDate,
    /// Last day (inclusive).
    pub to: NaiveDate,
    /// Only this doctor's visits (and payments for them).
    pub doctor_id: Option<i64>,
}

impl Range {
    fn days(&self) -> (String, String) {
        (
            self.from.format("%Y-%m-%d").to_string(),
            self.to.format("%Y-%m-%d").to_string(),
        )
    }
}

/// Visit-side totals of a range.
#[derive(Debug, Clone, Default, sqlx::FromRow)]
pub struct VisitTotals {
    /// Non-cancelled visits.
    pub visits: i64,
    /// Of them, no-shows.
    pub no_shows: i64,
    /// Of them, with something paid.
    pub paid_visits: i64,
    /// Paid on them, tiyn.
    pub visit_revenue: i64,
    /// Still owed on them, tiyn.
    pub debt: i64,
    /// Distinct patients.
    pub patients: i64,
}

/// One group of payments (by method, by day, by doctor).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PaymentGroup {
    /// The group's key: method code, `YYYY-MM-DD`, or doctor id as text.
    pub group_key: String,
    /// Sum, tiyn.
    pub amount: i64,
    /// Live payments.
    pub payments: i64,
    /// Distinct visits paid.
    pub visits: i64,
}

/// One lead source's visits in a range.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SourceGroup {
    /// Code.
    pub code: String,
    /// Label.
    pub label: String,
    /// Non-cancelled visits.
    pub visits: i64,
    /// Distinct patients.
    pub patients: i64,
    /// Paid on those visits, tiyn.
    pub revenue: i64,
    /// Of them, with something paid.
    pub paid_visits: i64,
}

/// One doctor's visits in a range.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DoctorGroup {
    /// Doctor.
    pub doctor_id: i64,
    /// "Фамилия Имя".
    pub name: String,
    /// Non-cancelled visits.
    pub visits: i64,
    /// Distinct patients.
    pub patients: i64,
}

/// One service's lines in a range.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ServiceGroup {
    /// Service.
    pub service_id: i64,
    /// Its name.
    pub name: String,
    /// Lines on non-cancelled visits.
    pub lines: i64,
    /// Their prices, tiyn.
    pub billed: i64,
}

/// Revenue allocated to one service from live payments in a range.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ServiceRevenue {
    /// Service.
    pub service_id: i64,
    /// Tiyn.
    pub revenue: i64,
}

/// Discounts (price below the base price) given by one staff member on visits in a range.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DiscountGroup {
    /// Who set the price (none: legacy or unknown).
    pub user_id: Option<i64>,
    /// Their name.
    pub name: Option<String>,
    /// Discounted lines.
    pub lines: i64,
    /// Base − price summed, tiyn.
    pub amount: i64,
}

const VISITS_IN_RANGE: &str =
    "a.local_date >= $1 AND a.local_date <= $2 AND ($3 IS NULL OR a.doctor_id = $3)";
const PAYMENTS_IN_RANGE: &str =
    "y.local_date >= $1 AND y.local_date <= $2 AND y.voided_at IS NULL \
     AND ($3 IS NULL OR a.doctor_id = $3)";

impl Store {
    /// Runs a report query whose `$1`, `$2`, `$3` are the range's days and doctor.
    async fn ranged<T>(&self, sql: String, r: Range) -> Result<Vec<T>, StoreError>
    where
        T: for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow> + Send + Unpin,
    {
        let (from, to) = r.days();
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(from)
            .bind(to)
            .bind(r.doctor_id)
            .fetch_all(self.pool())
            .await?)
    }

    /// Visit-side totals (one pass).
    pub async fn visit_totals(&self, r: Range) -> Result<VisitTotals, StoreError> {
        let (from, to) = r.days();
        let sql = format!(
            "SELECT \
               CAST(COALESCE(SUM(CASE WHEN a.status <> 'cancelled' THEN 1 ELSE 0 END), 0) AS BIGINT) AS visits, \
               CAST(COALESCE(SUM(CASE WHEN a.status = 'no_show' THEN 1 ELSE 0 END), 0) AS BIGINT) AS no_shows, \
               CAST(COALESCE(SUM(CASE WHEN a.status <> 'cancelled' AND a.paid > 0 THEN 1 ELSE 0 END), 0) AS BIGINT) AS paid_visits, \
               CAST(COALESCE(SUM(CASE WHEN a.status <> 'cancelled' THEN a.paid ELSE 0 END), 0) AS BIGINT) AS visit_revenue, \
               CAST(COALESCE(SUM(CASE WHEN a.status <> 'cancelled' AND a.total > a.paid THEN a.total - a.paid ELSE 0 END), 0) AS BIGINT) AS debt, \
               COUNT(DISTINCT CASE WHEN a.status <> 'cancelled' THEN a.patient_id END) AS patients \
             FROM appointments a WHERE {VISITS_IN_RANGE}"
        );
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(from)
            .bind(to)
            .bind(r.doctor_id)
            .fetch_one(self.pool())
            .await?)
    }

    /// Patients whose first non-cancelled visit ever falls in the range (one look-back probe per
    /// distinct patient of the range, not per visit).
    pub async fn new_patients(&self, r: Range) -> Result<i64, StoreError> {
        let (from, to) = r.days();
        let sql = format!(
            "SELECT COUNT(*) FROM ( \
               SELECT a.patient_id FROM appointments a \
               WHERE {VISITS_IN_RANGE} AND a.status <> 'cancelled' GROUP BY a.patient_id \
             ) p WHERE NOT EXISTS (SELECT 1 FROM appointments b WHERE b.patient_id = p.patient_id \
                                   AND b.status <> 'cancelled' AND b.local_date < $1)"
        );
        let (n,): (i64,) = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(from)
            .bind(to)
            .bind(r.doctor_id)
            .fetch_one(self.pool())
            .await?;
        Ok(n)
    }

    /// Live payments grouped by `key`: `"method"`, `"day"` or `"doctor"`.
    pub async fn payment_groups(
        &self,
        r: Range,
        by: PaymentKey,
    ) -> Result<Vec<PaymentGroup>, StoreError> {
        let key = match by {
            PaymentKey::Method => "y.method",
            PaymentKey::Day => "y.local_date",
            PaymentKey::Doctor => "CAST(a.doctor_id AS TEXT)",
        };
        let sql = format!(
            "SELECT {key} AS group_key, CAST(COALESCE(SUM(y.amount), 0) AS BIGINT) AS amount, \
                    COUNT(*) AS payments, COUNT(DISTINCT y.appointment_id) AS visits \
             FROM payments y JOIN appointments a ON a.id = y.appointment_id \
             WHERE {PAYMENTS_IN_RANGE} GROUP BY {key} ORDER BY {key}"
        );
        self.ranged(sql, r).await
    }

    /// Visits per lead source (every source, active or not, that has visits in the range).
    pub async fn source_groups(&self, r: Range) -> Result<Vec<SourceGroup>, StoreError> {
        let sql = format!(
            "SELECT s.code, s.label, COUNT(*) AS visits, COUNT(DISTINCT a.patient_id) AS patients, \
                    CAST(COALESCE(SUM(a.paid), 0) AS BIGINT) AS revenue, \
                    CAST(COALESCE(SUM(CASE WHEN a.paid > 0 THEN 1 ELSE 0 END), 0) AS BIGINT) AS paid_visits \
             FROM appointments a JOIN lead_sources s ON s.id = a.source_id \
             WHERE {VISITS_IN_RANGE} AND a.status <> 'cancelled' \
             GROUP BY s.id, s.code, s.label ORDER BY s.id"
        );
        self.ranged(sql, r).await
    }

    /// Visits per doctor.
    pub async fn doctor_groups(&self, r: Range) -> Result<Vec<DoctorGroup>, StoreError> {
        let sql = format!(
            "SELECT d.id AS doctor_id, d.last_name || ' ' || d.first_name AS name, COUNT(*) AS visits, \
                    COUNT(DISTINCT a.patient_id) AS patients \
             FROM appointments a JOIN doctors d ON d.id = a.doctor_id \
             WHERE {VISITS_IN_RANGE} AND a.status <> 'cancelled' \
             GROUP BY d.id, d.last_name, d.first_name ORDER BY d.id"
        );
        self.ranged(sql, r).await
    }

    /// Lines per service on visits in the range.
    pub async fn service_groups(&self, r: Range) -> Result<Vec<ServiceGroup>, StoreError> {
        let sql = format!(
            "SELECT s.id AS service_id, s.name, COUNT(*) AS lines, CAST(COALESCE(SUM(l.price), 0) AS BIGINT) AS billed \
             FROM appointment_services l JOIN appointments a ON a.id = l.appointment_id \
             JOIN services s ON s.id = l.service_id \
             WHERE {VISITS_IN_RANGE} AND a.status <> 'cancelled' \
             GROUP BY s.id, s.name ORDER BY s.id"
        );
        self.ranged(sql, r).await
    }

    /// Live payments in the range allocated per service.
    pub async fn service_revenue(&self, r: Range) -> Result<Vec<ServiceRevenue>, StoreError> {
        let sql = format!(
            "SELECT l.service_id, CAST(COALESCE(SUM(x.amount), 0) AS BIGINT) AS revenue \
             FROM payment_allocations x JOIN payments y ON y.id = x.payment_id \
             JOIN appointments a ON a.id = y.appointment_id \
             JOIN appointment_services l ON l.id = x.line_id \
             WHERE {PAYMENTS_IN_RANGE} GROUP BY l.service_id"
        );
        self.ranged(sql, r).await
    }

    /// Lines priced below their base price on visits in the range, by who set the price.
    pub async fn discount_groups(&self, r: Range) -> Result<Vec<DiscountGroup>, StoreError> {
        let sql = format!(
            "SELECT l.price_changed_by AS user_id, u.display_name AS name, COUNT(*) AS lines, \
                    CAST(COALESCE(SUM(l.base_price - l.price), 0) AS BIGINT) AS amount \
             FROM appointment_services l JOIN appointments a ON a.id = l.appointment_id \
             LEFT JOIN users u ON u.id = l.price_changed_by \
             WHERE {VISITS_IN_RANGE} AND a.status <> 'cancelled' AND l.price < l.base_price \
             GROUP BY l.price_changed_by, u.display_name ORDER BY l.price_changed_by"
        );
        self.ranged(sql, r).await
    }
}

/// Visits of one source on one clinic-local day.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SourceDay {
    /// `YYYY-MM-DD`.
    pub day: String,
    /// Source code.
    pub code: String,
    /// Its label.
    pub label: String,
    /// Non-cancelled visits.
    pub visits: i64,
}

/// Live payments of one method on one clinic-local day.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MethodDay {
    /// `YYYY-MM-DD`.
    pub day: String,
    /// Method code.
    pub method: String,
    /// Tiyn.
    pub amount: i64,
}

impl Store {
    /// Visits per source per day (trend charts bucket the days into weeks or months).
    pub async fn source_days(&self, r: Range) -> Result<Vec<SourceDay>, StoreError> {
        let sql = format!(
            "SELECT a.local_date AS day, s.code, s.label, COUNT(*) AS visits \
             FROM appointments a JOIN lead_sources s ON s.id = a.source_id \
             WHERE {VISITS_IN_RANGE} AND a.status <> 'cancelled' \
             GROUP BY a.local_date, s.id, s.code, s.label ORDER BY a.local_date, s.id"
        );
        self.ranged(sql, r).await
    }

    /// Live payments per method per day.
    pub async fn method_days(&self, r: Range) -> Result<Vec<MethodDay>, StoreError> {
        let sql = format!(
            "SELECT y.local_date AS day, y.method, CAST(COALESCE(SUM(y.amount), 0) AS BIGINT) AS amount \
             FROM payments y JOIN appointments a ON a.id = y.appointment_id \
             WHERE {PAYMENTS_IN_RANGE} GROUP BY y.local_date, y.method ORDER BY y.local_date, y.method"
        );
        self.ranged(sql, r).await
    }
}

/// How [`Store::payment_groups`] groups.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PaymentKey {
    /// By method code.
    Method,
    /// By clinic-local payment day.
    Day,
    /// By the visit's doctor.
    Doctor,
}
