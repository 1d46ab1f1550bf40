//! The dashboard's aggregates, read from the `stats` table the writes keep exact (see
//! [`crate::stats`]): sums over a few rows per clinic-local day instead of a pass over every visit.
//! Visits count by their start day and exclude cancelled ones; money counts live (non-voided)
//! payments by their payment day. Distinct counts come from the chains; only two rarely used
//! combinations still pass over the visits: patients per source for one doctor, and new patients
//! for one doctor. Sums are cast to BIGINT (PostgreSQL's SUM
//! of a BIGINT is NUMERIC).

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
    /// Source id.
    pub source_id: i64,
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
    /// Live payments in the range for their visits, tiyn.
    pub revenue: i64,
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
    /// Live payments in the range allocated to it, tiyn.
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

/// One doctor's visits in the range (only the direct passes use it, and only with a doctor: the
/// plain `doctor_id = $3` lets the planner use the (doctor, day) index).
const DOCTOR_VISITS_IN_RANGE: &str =
    "a.doctor_id = $3 AND a.local_date >= $1 AND a.local_date <= $2";
/// Rows of one kind of the `stats` aggregate (alias `t`) in the range, for the doctor if any.
const STATS_IN_RANGE: &str = "t.day >= $1 AND t.day <= $2 AND ($3 IS NULL OR t.doctor_id = $3)";
/// Chain rows that are their visit's (patient's) first day inside the range: distinct counts.
const FIRST_IN_RANGE: &str = "t.prev < $1";

fn method_code(k: i64) -> String {
    crate::stats::method_of_key(k).map_or_else(|| format!("unknown_{k}"), |m| m.code().to_owned())
}

/// A `(key, number)` row.
#[derive(Debug, Clone, sqlx::FromRow)]
struct Keyed {
    k: i64,
    n: i64,
}

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

    /// One number of a ranged query.
    async fn ranged_count(&self, sql: String, r: Range) -> Result<i64, StoreError> {
        let rows: Vec<(i64,)> = self.ranged(sql, r).await?;
        Ok(rows.first().map_or(0, |row| row.0))
    }

    /// Distinct non-cancelled patients of the range: from the whole clinic's patient chain, or
    /// the doctor's.
    async fn distinct_patients(&self, r: Range) -> Result<i64, StoreError> {
        if r.doctor_id.is_some() {
            let counts = self
                .chain_counts("patients_doctor", "t.doctor_id", r)
                .await?;
            return Ok(counts.iter().map(|c| c.n).sum());
        }
        let sql = format!(
            "SELECT CAST(COALESCE(SUM(t.v1), 0) AS BIGINT) FROM stats t \
             WHERE t.kind = 'patients' AND {STATS_IN_RANGE} AND {FIRST_IN_RANGE}"
        );
        self.ranged_count(sql, r).await
    }

    /// Distinct patients per `key` (`t.doctor_id` or `t.k`) from a two-level chain `kind` (see
    /// [`crate::stats`]): coarse rows whose previous visit month is before `from`'s month, plus
    /// fine rows whose previous visit day is earlier in `from`'s month.
    async fn chain_counts(
        &self,
        kind: &'static str,
        key: &'static str,
        r: Range,
    ) -> Result<Vec<Keyed>, StoreError> {
        let (from, to) = r.days();
        let month = from.get(..7).unwrap_or_default().to_owned();
        let month_start = format!("{month}-01");
        let sql = format!(
            "SELECT {key} AS k, CAST(SUM(t.v1) AS BIGINT) AS n FROM stats t \
             WHERE t.kind = '{kind}_m' AND {STATS_IN_RANGE} AND t.prev < $4 GROUP BY {key} \
             UNION ALL \
             SELECT {key} AS k, CAST(SUM(t.v1) AS BIGINT) AS n FROM stats t \
             WHERE t.kind = '{kind}' AND t.prev >= $5 AND t.prev < $1 AND {STATS_IN_RANGE} GROUP BY {key}"
        );
        let rows: Vec<Keyed> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(from)
            .bind(to)
            .bind(r.doctor_id)
            .bind(month)
            .bind(month_start)
            .fetch_all(self.pool())
            .await?;
        let mut summed: Vec<Keyed> = Vec::new();
        for row in rows {
            match summed.iter_mut().find(|s| s.k == row.k) {
                Some(s) => s.n += row.n,
                None => summed.push(row),
            }
        }
        Ok(summed)
    }

    /// Visit-side totals.
    pub async fn visit_totals(&self, r: Range) -> Result<VisitTotals, StoreError> {
        let sql = format!(
            "SELECT CAST(COALESCE(SUM(t.v1), 0) AS BIGINT) AS visits, \
                    CAST(COALESCE(SUM(t.v2), 0) AS BIGINT) AS no_shows, \
                    CAST(COALESCE(SUM(t.v3), 0) AS BIGINT) AS paid_visits, \
                    CAST(COALESCE(SUM(t.v4), 0) AS BIGINT) AS visit_revenue, \
                    CAST(COALESCE(SUM(t.v5), 0) AS BIGINT) AS debt, \
                    CAST(0 AS BIGINT) AS patients \
             FROM stats t WHERE t.kind = 'visits' AND {STATS_IN_RANGE}"
        );
        let mut totals: VisitTotals = self
            .ranged(sql, r)
            .await?
            .into_iter()
            .next()
            .unwrap_or_default();
        totals.patients = self.distinct_patients(r).await?;
        Ok(totals)
    }

    /// Patients whose first non-cancelled visit ever falls in the range (with a doctor: those
    /// of them who saw the doctor in the range — one look-back probe per such patient).
    pub async fn new_patients(&self, r: Range) -> Result<i64, StoreError> {
        let sql = if r.doctor_id.is_none() {
            format!(
                "SELECT CAST(COALESCE(SUM(t.v1), 0) AS BIGINT) FROM stats t \
                 WHERE t.kind = 'first_visits' AND {STATS_IN_RANGE}"
            )
        } else {
            format!(
                "SELECT COUNT(*) FROM ( \
                   SELECT a.patient_id FROM appointments a \
                   WHERE {DOCTOR_VISITS_IN_RANGE} AND a.status <> 'cancelled' GROUP BY a.patient_id \
                 ) p WHERE NOT EXISTS (SELECT 1 FROM appointments b WHERE b.patient_id = p.patient_id \
                                       AND b.status <> 'cancelled' AND b.local_date < $1)"
            )
        };
        self.ranged_count(sql, r).await
    }

    /// Live payments grouped by method or clinic-local day. `visits` (distinct
    /// visits paid) is counted for [`PaymentKey::Method`] only (0 otherwise).
    pub async fn payment_groups(
        &self,
        r: Range,
        by: PaymentKey,
    ) -> Result<Vec<PaymentGroup>, StoreError> {
        let key = match by {
            PaymentKey::Method => "CAST(t.k AS TEXT)",
            PaymentKey::Day => "t.day",
        };
        let sql = format!(
            "SELECT {key} AS group_key, CAST(SUM(t.v1) AS BIGINT) AS amount, \
                    CAST(SUM(t.v2) AS BIGINT) AS payments, CAST(0 AS BIGINT) AS visits \
             FROM stats t WHERE t.kind = 'payments' AND {STATS_IN_RANGE} \
             GROUP BY {key} HAVING SUM(t.v2) > 0 ORDER BY {key}"
        );
        let mut groups: Vec<PaymentGroup> = self.ranged(sql, r).await?;
        if by == PaymentKey::Method {
            let sql = format!(
                "SELECT t.k, CAST(SUM(t.v1) AS BIGINT) AS n FROM stats t \
                 WHERE t.kind = 'method_visits' AND {STATS_IN_RANGE} AND {FIRST_IN_RANGE} GROUP BY t.k"
            );
            let visits: Vec<Keyed> = self.ranged(sql, r).await?;
            for g in &mut groups {
                let k: i64 = g.group_key.parse().unwrap_or(0);
                g.visits = visits.iter().find(|v| v.k == k).map_or(0, |v| v.n);
                g.group_key = method_code(k);
            }
            groups.sort_by(|a, b| a.group_key.cmp(&b.group_key));
        }
        Ok(groups)
    }

    /// Visits per lead source (every source, active or not, that has visits in the range).
    pub async fn source_groups(&self, r: Range) -> Result<Vec<SourceGroup>, StoreError> {
        let sql = format!(
            "SELECT s.id AS source_id, s.code, s.label, CAST(SUM(t.v1) AS BIGINT) AS visits, CAST(0 AS BIGINT) AS patients, \
                    CAST(SUM(t.v4) AS BIGINT) AS revenue, CAST(SUM(t.v3) AS BIGINT) AS paid_visits \
             FROM stats t JOIN lead_sources s ON s.id = t.k \
             WHERE t.kind = 'visits' AND {STATS_IN_RANGE} \
             GROUP BY s.id, s.code, s.label HAVING SUM(t.v1) > 0 ORDER BY s.id"
        );
        let mut groups: Vec<SourceGroup> = self.ranged(sql, r).await?;
        let patients = if r.doctor_id.is_none() {
            self.chain_counts("patients_source", "t.k", r).await?
        } else {
            // Per source for one doctor: one pass over that doctor's visits.
            let sql = format!(
                "SELECT a.source_id AS k, COUNT(DISTINCT a.patient_id) AS n FROM appointments a \
                 WHERE {DOCTOR_VISITS_IN_RANGE} AND a.status <> 'cancelled' GROUP BY a.source_id"
            );
            self.ranged(sql, r).await?
        };
        for g in &mut groups {
            g.patients = patients
                .iter()
                .find(|p| p.k == g.source_id)
                .map_or(0, |p| p.n);
        }
        Ok(groups)
    }

    /// Visits, patients and revenue per doctor (doctors with visits in the range).
    pub async fn doctor_groups(&self, r: Range) -> Result<Vec<DoctorGroup>, StoreError> {
        let sql = format!(
            "SELECT d.id AS doctor_id, d.last_name || ' ' || d.first_name AS name, \
                    CAST(SUM(CASE WHEN t.kind = 'visits' THEN t.v1 ELSE 0 END) AS BIGINT) AS visits, \
                    CAST(0 AS BIGINT) AS patients, \
                    CAST(SUM(CASE WHEN t.kind = 'payments' THEN t.v1 ELSE 0 END) AS BIGINT) AS revenue \
             FROM stats t JOIN doctors d ON d.id = t.doctor_id \
             WHERE t.kind IN ('visits', 'payments') AND {STATS_IN_RANGE} \
             GROUP BY d.id, d.last_name, d.first_name \
             HAVING SUM(CASE WHEN t.kind = 'visits' THEN t.v1 ELSE 0 END) > 0 ORDER BY d.id"
        );
        let mut groups: Vec<DoctorGroup> = self.ranged(sql, r).await?;
        let patients = self
            .chain_counts("patients_doctor", "t.doctor_id", r)
            .await?;
        for g in &mut groups {
            g.patients = patients
                .iter()
                .find(|p| p.k == g.doctor_id)
                .map_or(0, |p| p.n);
        }
        Ok(groups)
    }

    /// Lines per service on visits in the range, with the live payments of the range allocated
    /// to each (services booked in the range only).
    pub async fn service_groups(&self, r: Range) -> Result<Vec<ServiceGroup>, StoreError> {
        let sql = format!(
            "SELECT s.id AS service_id, s.name, \
                    CAST(SUM(CASE WHEN t.kind = 'lines' THEN t.v1 ELSE 0 END) AS BIGINT) AS lines, \
                    CAST(SUM(CASE WHEN t.kind = 'lines' THEN t.v2 ELSE 0 END) AS BIGINT) AS billed, \
                    CAST(SUM(CASE WHEN t.kind = 'allocations' THEN t.v1 ELSE 0 END) AS BIGINT) AS revenue \
             FROM stats t JOIN services s ON s.id = t.k \
             WHERE t.kind IN ('lines', 'allocations') AND {STATS_IN_RANGE} \
             GROUP BY s.id, s.name HAVING SUM(CASE WHEN t.kind = 'lines' THEN t.v1 ELSE 0 END) > 0 \
             ORDER BY s.id"
        );
        self.ranged(sql, r).await
    }

    /// Lines priced below their base price on visits in the range, by who set the price.
    pub async fn discount_groups(&self, r: Range) -> Result<Vec<DiscountGroup>, StoreError> {
        let sql = format!(
            "SELECT CASE WHEN t.k = 0 THEN NULL ELSE t.k END AS user_id, u.display_name AS name, \
                    CAST(SUM(t.v1) AS BIGINT) AS lines, CAST(SUM(t.v2) AS BIGINT) AS amount \
             FROM stats t LEFT JOIN users u ON u.id = t.k \
             WHERE t.kind = 'discounts' AND {STATS_IN_RANGE} \
             GROUP BY t.k, u.display_name HAVING SUM(t.v1) > 0 ORDER BY t.k"
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
            "SELECT t.day, s.code, s.label, CAST(SUM(t.v1) AS BIGINT) AS visits \
             FROM stats t JOIN lead_sources s ON s.id = t.k \
             WHERE t.kind = 'visits' AND {STATS_IN_RANGE} \
             GROUP BY t.day, s.id, s.code, s.label HAVING SUM(t.v1) > 0 ORDER BY t.day, s.id"
        );
        self.ranged(sql, r).await
    }

    /// Live payments per method per day.
    pub async fn method_days(&self, r: Range) -> Result<Vec<MethodDay>, StoreError> {
        let sql = format!(
            "SELECT t.day, CAST(t.k AS TEXT) AS method, CAST(SUM(t.v1) AS BIGINT) AS amount \
             FROM stats t WHERE t.kind = 'payments' AND {STATS_IN_RANGE} \
             GROUP BY t.day, t.k HAVING SUM(t.v2) > 0 ORDER BY t.day, t.k"
        );
        let mut rows: Vec<MethodDay> = self.ranged(sql, r).await?;
        for row in &mut rows {
            row.method = method_code(row.method.parse().unwrap_or(0));
        }
        Ok(rows)
    }
}

/// How [`Store::payment_groups`] groups.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PaymentKey {
    /// By method code.
    Method,
    /// By clinic-local payment day.
    Day,
}
