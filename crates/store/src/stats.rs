//! Pre-aggregated analytics, kept exact by the writes themselves (no stale cache).
//!
//! `stats` holds sums per clinic-local day and doctor for each kind of fact (visits by source,
//! payments by method, lines and allocations by service, discounts by staff member), plus two
//! *chains* that make distinct counts additive: for every visit and payment method, the days it
//! was paid on, each with the previous such day (`prev`); for every patient (clinic-wide, per
//! doctor, per source), the days of their non-cancelled visits, each with the previous one. A
//! visit (or patient) counts once in a range `[from, to]` exactly when one of its rows has `day`
//! in the range and `prev < from` (its first day inside the range), so a distinct count is a sum
//! over a few thousand rows instead of a pass over a million visits. Per-doctor and per-source
//! chains also keep coarse rows (previous *month*) so the sum stays small (see `chain`).
//! `first_visits` counts patients on the day of their first visit ever.
//!
//! Concurrency: a write holds its visit's row lock (and, for chains, its patient's) before it
//! takes facts out, so nobody changes them in between; the sums themselves are additive upserts,
//! which commute. Cost: about a dozen small upserts per write.
//!
//! Every fact is defined once, as a `SELECT` below, and used two ways: [`rebuild`] runs it over
//! everything; the write paths run it for one visit (or patient) with sign −1 before the change
//! and +1 after, inside the change's own transaction ([`Delta`]), so the table always equals a
//! rebuild. A test checks exactly that after a mix of bookings, moves, payments and voids.

use sqlx::AnyConnection;

use std::sync::LazyLock;

use emhana_domain::PaymentMethod;

use crate::{Backend, StoreError};

/// Bump when a fact's definition changes: [`crate::Store::migrate`] rebuilds the table once.
pub const STATS_VERSION: &str = "1";

/// A payment method's `k` in payment rows: its position in [`PaymentMethod::ALL`] + 1.
pub fn method_of_key(k: i64) -> Option<PaymentMethod> {
    let i = usize::try_from(k.checked_sub(1)?).ok()?;
    PaymentMethod::ALL.get(i).copied()
}

/// SQL for the `k` of payment `y`'s method, from [`PaymentMethod::ALL`] (0: unknown code).
fn method_key_sql() -> String {
    let arms: String = PaymentMethod::ALL
        .iter()
        .enumerate()
        .map(|(i, m)| format!(" WHEN '{}' THEN {}", m.code(), i + 1))
        .collect();
    format!("CASE y.method{arms} ELSE 0 END")
}

/// The fact queries, built once per process (every write runs them twice).
static VISIT_FACTS: LazyLock<[String; 6]> = LazyLock::new(visit_facts);
static PATIENT_FACTS: LazyLock<[String; 6]> = LazyLock::new(patient_facts);

/// Facts of one visit: `{f}` selects the visits (`a`), `$1` is the sign. They depend only on the
/// visit's own rows (its lines, payments, allocations), so a visit's write refreshes them alone.
fn visit_facts() -> [String; 6] {
    let method_k = method_key_sql();
    [
        // Non-cancelled visits by start day, doctor and source.
        "SELECT 'visits', a.local_date, a.doctor_id, a.source_id, '', $1 * COUNT(*), \
           $1 * SUM(CASE WHEN a.status = 'no_show' THEN 1 ELSE 0 END), \
           $1 * SUM(CASE WHEN a.paid > 0 THEN 1 ELSE 0 END), $1 * SUM(a.paid), \
           $1 * SUM(CASE WHEN a.total > a.paid THEN a.total - a.paid ELSE 0 END) \
         FROM appointments a WHERE a.status <> 'cancelled' AND {f} \
         GROUP BY a.local_date, a.doctor_id, a.source_id"
            .to_owned(),
        // Live payments by payment day, the visit's doctor and method.
        format!(
            "SELECT 'payments', y.local_date, a.doctor_id, {method_k}, '', $1 * SUM(y.amount), $1 * COUNT(*), 0, 0, 0 \
             FROM payments y JOIN appointments a ON a.id = y.appointment_id \
             WHERE y.voided_at IS NULL AND {{f}} GROUP BY y.local_date, a.doctor_id, y.method"
        ),
        // Lines of non-cancelled visits by visit day, doctor and service.
        "SELECT 'lines', a.local_date, a.doctor_id, l.service_id, '', $1 * COUNT(*), $1 * SUM(l.price), 0, 0, 0 \
         FROM appointment_services l JOIN appointments a ON a.id = l.appointment_id \
         WHERE a.status <> 'cancelled' AND {f} GROUP BY a.local_date, a.doctor_id, l.service_id"
            .to_owned(),
        // Lines priced below the price list, by who set the price (0: nobody known).
        "SELECT 'discounts', a.local_date, a.doctor_id, COALESCE(l.price_changed_by, 0), '', \
           $1 * COUNT(*), $1 * SUM(l.base_price - l.price), 0, 0, 0 \
         FROM appointment_services l JOIN appointments a ON a.id = l.appointment_id \
         WHERE a.status <> 'cancelled' AND l.price < l.base_price AND {f} \
         GROUP BY a.local_date, a.doctor_id, COALESCE(l.price_changed_by, 0)"
            .to_owned(),
        // Live allocations by payment day, doctor and service.
        "SELECT 'allocations', y.local_date, a.doctor_id, l.service_id, '', $1 * SUM(x.amount), 0, 0, 0, 0 \
         FROM payment_allocations x JOIN payments y ON y.id = x.payment_id \
         JOIN appointments a ON a.id = y.appointment_id JOIN appointment_services l ON l.id = x.line_id \
         WHERE y.voided_at IS NULL AND {f} GROUP BY y.local_date, a.doctor_id, l.service_id"
            .to_owned(),
        // Chain: the days each visit was paid by each method, with the previous such day.
        format!(
            "SELECT 'method_visits', d.day, d.doctor_id, d.k, COALESCE(d.prev, ''), $1 * COUNT(*), 0, 0, 0, 0 \
             FROM (SELECT u.day, u.doctor_id, u.k, \
                          LAG(u.day) OVER (PARTITION BY u.appointment_id, u.k ORDER BY u.day) AS prev \
                   FROM (SELECT DISTINCT y.appointment_id, y.local_date AS day, a.doctor_id, {method_k} AS k \
                         FROM payments y JOIN appointments a ON a.id = y.appointment_id \
                         WHERE y.voided_at IS NULL AND {{f}}) u) d \
             WHERE 1 = 1 GROUP BY d.day, d.doctor_id, d.k, COALESCE(d.prev, '')"
        ),
    ]
}

/// A patient chain per `{doc}` / `{src}` key (each `0` or the column): the fine rows (exact
/// previous day) under `kind`, and coarse rows under `kind_m` whose `prev` is only the previous
/// day's month. A range query sums coarse rows whose previous month is before `from`'s month, plus
/// fine rows whose previous day is in `from`'s month before `from` — a few thousand rows either
/// way (the fine ones found through the `(kind, prev, day)` index).
fn chain(kind: &str, doc: &str, src: &str, coarse: bool) -> String {
    let (kind, prev) = if coarse {
        (format!("{kind}_m"), "SUBSTR(COALESCE(d.prev, ''), 1, 7)")
    } else {
        (kind.to_owned(), "COALESCE(d.prev, '')")
    };
    format!(
        "SELECT '{kind}', d.day, d.doc, d.src, {prev}, $1 * COUNT(*), 0, 0, 0, 0 \
         FROM (SELECT u.day, u.doc, u.src, \
                      LAG(u.day) OVER (PARTITION BY u.patient_id, u.doc, u.src ORDER BY u.day) AS prev \
               FROM (SELECT DISTINCT a.patient_id, a.local_date AS day, {doc} AS doc, {src} AS src \
                     FROM appointments a WHERE a.status <> 'cancelled' AND {{f}}) u) d \
         WHERE 1 = 1 GROUP BY d.day, d.doc, d.src, {prev}"
    )
}

/// Facts of one patient: `{f}` selects the visits (`a`), `$1` is the sign.
fn patient_facts() -> [String; 6] {
    [
        // The whole clinic: small enough as one exact chain.
        chain("patients", "0", "0", false),
        chain("patients_doctor", "a.doctor_id", "0", false),
        chain("patients_doctor", "a.doctor_id", "0", true),
        chain("patients_source", "0", "a.source_id", false),
        chain("patients_source", "0", "a.source_id", true),
        // Patients on the day of their first non-cancelled visit ever.
        "SELECT 'first_visits', f.day, 0, 0, '', $1 * COUNT(*), 0, 0, 0, 0 \
         FROM (SELECT a.patient_id, MIN(a.local_date) AS day FROM appointments a \
               WHERE a.status <> 'cancelled' AND {f} GROUP BY a.patient_id) f \
         WHERE 1 = 1 GROUP BY f.day"
            .to_owned(),
    ]
}

const UPSERT: &str = "INSERT INTO stats (kind, day, doctor_id, k, prev, v1, v2, v3, v4, v5) ";
const ADD: &str = " ON CONFLICT (kind, day, doctor_id, k, prev) DO UPDATE SET \
     v1 = stats.v1 + excluded.v1, v2 = stats.v2 + excluded.v2, v3 = stats.v3 + excluded.v3, \
     v4 = stats.v4 + excluded.v4, v5 = stats.v5 + excluded.v5";

/// Adds `sign` × the facts selected by `filter` (`$2` is its one parameter, if any).
async fn apply(
    conn: &mut AnyConnection,
    facts: &[String],
    filter: &str,
    sign: i64,
    id: Option<i64>,
) -> Result<(), StoreError> {
    for fact in facts {
        // Rows are upserted in key order, so two writers meeting on the same aggregate rows
        // lock them in the same order (see `crate::retry` for the whole lock order).
        let sql = format!(
            "{UPSERT}{} ORDER BY 1, 2, 3, 4, 5{ADD}",
            fact.replace("{f}", filter)
        );
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(sign);
        if let Some(id) = id {
            q = q.bind(id);
        }
        q.execute(&mut *conn).await?;
    }
    Ok(())
}

/// Recomputes the whole table from the base tables (migrations, bulk loads, imports), inside the
/// caller's transaction.
pub async fn rebuild(conn: &mut AnyConnection, backend: Backend) -> Result<(), StoreError> {
    if backend == Backend::Postgres {
        // Writers (row upserts) and a second rebuild (two servers starting together) wait until
        // this one commits, so none adds to rows this one is about to replace.
        sqlx::query("LOCK TABLE stats IN EXCLUSIVE MODE")
            .execute(&mut *conn)
            .await?;
    }
    sqlx::query("DELETE FROM stats").execute(&mut *conn).await?;
    apply(conn, &*VISIT_FACTS, "1 = 1", 1, None).await?;
    apply(conn, &*PATIENT_FACTS, "1 = 1", 1, None).await?;
    sqlx::query("DELETE FROM stats WHERE v1 = 0 AND v2 = 0 AND v3 = 0 AND v4 = 0 AND v5 = 0")
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// A visit's (and its patient's) facts taken out before a change and put back after it, in the
/// change's transaction. The visit row must already be locked by the caller, so no concurrent
/// writer can change what was taken out before it is put back.
#[must_use = "call `settle` after the change, or the facts stay taken out"]
pub struct Delta {
    /// The patient whose chains were taken out too, if any.
    patient_id: Option<i64>,
}

impl Delta {
    /// Takes out the facts of an existing visit (for a booking use [`Delta::new_visit`]). With
    /// `patient` the patient's chains are refreshed too: the change can move, cancel or restore
    /// the visit, which changes the patient's visit days.
    pub async fn take(
        conn: &mut AnyConnection,
        visit_id: i64,
        patient: bool,
    ) -> Result<Self, StoreError> {
        apply(conn, &*VISIT_FACTS, "a.id = $2", -1, Some(visit_id)).await?;
        let patient_id = if patient {
            // Finds and locks the visit's patient in one statement.
            let (p,): (i64,) = sqlx::query_as(
                "UPDATE patients SET version = version \
                 WHERE id = (SELECT patient_id FROM appointments WHERE id = $1) RETURNING id",
            )
            .bind(visit_id)
            .fetch_one(&mut *conn)
            .await?;
            apply(conn, &*PATIENT_FACTS, "a.patient_id = $2", -1, Some(p)).await?;
            Some(p)
        } else {
            None
        };
        Ok(Self { patient_id })
    }

    /// Before booking a visit for `patient_id`: takes out the patient's chain (the visit itself
    /// has no facts yet); `settle` with the new visit's id.
    pub async fn new_visit(conn: &mut AnyConnection, patient_id: i64) -> Result<Self, StoreError> {
        lock_patient(conn, patient_id).await?;
        apply(
            conn,
            &*PATIENT_FACTS,
            "a.patient_id = $2",
            -1,
            Some(patient_id),
        )
        .await?;
        Ok(Self {
            patient_id: Some(patient_id),
        })
    }

    /// Puts the facts of `visit_id` (the one taken out, or the one just booked) back as they
    /// are now.
    pub async fn settle(self, conn: &mut AnyConnection, visit_id: i64) -> Result<(), StoreError> {
        apply(conn, &*VISIT_FACTS, "a.id = $2", 1, Some(visit_id)).await?;
        if let Some(p) = self.patient_id {
            apply(conn, &*PATIENT_FACTS, "a.patient_id = $2", 1, Some(p)).await?;
        }
        Ok(())
    }
}

/// Serializes chain refreshes of one patient (PostgreSQL row lock; SQLite has one writer).
async fn lock_patient(conn: &mut AnyConnection, patient_id: i64) -> Result<(), StoreError> {
    sqlx::query("UPDATE patients SET version = version WHERE id = $1")
        .bind(patient_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}
