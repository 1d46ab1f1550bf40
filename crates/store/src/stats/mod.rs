//! Pre-aggregated analytics, kept exact by the writes themselves (no stale cache).
//!
//! One table per fact family, with named columns (migration 0011): sums per clinic-local day and
//! doctor of visits by source (`stats_visits`), payments by method (`stats_payments`), lines and
//! allocations by service (`stats_lines`, `stats_allocations`), discounts by staff member
//! (`stats_discounts`), visits by status, cancelled included (`stats_statuses`), refunds beside payments (by refund day, minus from the services' revenue), plus two *chains* that make distinct counts additive: for every visit and payment method, the days it
//! was paid on, each with the previous such day (`prev`); for every patient (clinic-wide, per
//! doctor, per source, per doctor and source), the days of their non-cancelled visits, each with the previous one. A
//! visit (or patient) counts once in a range `[from, to]` exactly when one of its rows has `day`
//! in the range and `prev < from` (its first day inside the range), so a distinct count is a sum
//! over a few thousand rows instead of a pass over a million visits. Per-doctor and per-source
//! chains also keep coarse rows (previous *month*) so the sum stays small (see `chain`).
//! `stats_first_visits` counts patients on the day of their first visit ever;
//! `stats_doctor_firsts` counts them per doctor by (first day with the doctor, first day ever),
//! which answers a doctor's new patients (see migration 0021).
//!
//! Concurrency: a write holds its visit's row lock (and, for chains, its patient's) before it
//! takes facts out, so nobody changes them in between. It does not touch the aggregate rows
//! themselves: it appends its signed facts to the `*_pending` twin of each table (plain inserts,
//! no key, so two payments of one doctor's day never wait for each other there — before, they
//! queued on the same upserted rows until commit, which made PostgreSQL 12× slower than SQLite).
//! [`fold`] moves pending rows into the tables (the server does it every second), and readers
//! sum both ([`live`], [`reading_live`]), so every figure is exact at every moment.
//!
//! Every fact is defined once, as a `SELECT` below (this file), and used two ways: [`rebuild`] runs it over
//! everything; the write paths run it for one visit (or patient) with sign −1 before the change
//! and +1 after, inside the change's own transaction ([`Delta`]), so table + pending always equals
//! a rebuild. A test checks exactly that after a mix of bookings, moves, payments and voids.
//!
//! The per-day sum tables also keep month rows ([`MONTHLY`]): the fold adds pending deltas to
//! both, the rebuild derives them from the day rows, and a report over a long range reads the
//! whole months from them and only the edge days from the day rows ([`reading_by_month`]).
//!
//! Files: the facts and tables here; `delta` the write side (netting, appending); `pending`
//! what readers see and the fold; `rebuild` the recomputation from scratch.

use std::sync::LazyLock;

mod delta;
mod pending;
mod rebuild;

pub use delta::Delta;
pub use pending::{fold, live, live_months, reading_by_month, reading_live};
pub use rebuild::rebuild;

/// Bump when a fact's definition changes: [`crate::Store::migrate`] rebuilds the tables once.
pub const STATS_VERSION: &str = "7";

/// One fact: the table it adds to, its key and value columns, and the `SELECT` producing rows in
/// that column order (`{f}` selects the visits `a`, `$1` is the sign).
struct Fact {
    table: &'static str,
    keys: &'static [&'static str],
    values: &'static [&'static str],
    select: String,
}

/// A table the facts add to: its name, key columns and value columns.
pub type Table = (
    &'static str,
    &'static [&'static str],
    &'static [&'static str],
);

/// `INSERT INTO table (keys, values) <rows> ORDER BY keys ON CONFLICT (keys) DO UPDATE SET v =
/// v + excluded.v`: how rows are added to a kept table (the rebuild and the fold). Rows go in key
/// order, so two statements meeting on the same rows lock them in the same order.
fn adding(table: &str, keys: &[&str], values: &[&str], rows: &str) -> String {
    let keys_list = keys.join(", ");
    let add: Vec<String> = values
        .iter()
        .map(|v| format!("{v} = {table}.{v} + excluded.{v}"))
        .collect();
    let order: Vec<String> = (1..=keys.len()).map(|i| i.to_string()).collect();
    format!(
        "INSERT INTO {table} ({keys_list}, {}) {rows} ORDER BY {} ON CONFLICT ({keys_list}) DO UPDATE SET {}",
        values.join(", "),
        order.join(", "),
        add.join(", "),
    )
}

/// Every table the facts add to (rebuild, zero-row cleanup, and the tests that compare the kept
/// tables with a rebuild). Its order is also the order every transaction locks these tables in
/// (see `rebuild::every_table`): the visit's tables before the patient's, since a write appends
/// its visit facts first.
pub const TABLES: [Table; 10] = [
    (
        "stats_visits",
        &["day", "doctor_id", "source_id"],
        &["visits", "no_shows", "paid_visits", "revenue", "debt"],
    ),
    (
        "stats_payments",
        &["day", "doctor_id", "method"],
        &["amount", "payments", "refunded", "refunds"],
    ),
    (
        "stats_lines",
        &["day", "doctor_id", "service_id"],
        &["lines", "billed"],
    ),
    (
        "stats_allocations",
        &["day", "doctor_id", "service_id"],
        &["amount"],
    ),
    (
        "stats_discounts",
        &["day", "doctor_id", "user_id"],
        &["lines", "amount"],
    ),
    (
        "stats_method_visits",
        &["day", "doctor_id", "method", "prev"],
        &["visits"],
    ),
    (
        "stats_statuses",
        &["day", "doctor_id", "status"],
        &["visits"],
    ),
    (
        "stats_patient_days",
        &["scope", "day", "doctor_id", "source_id", "prev"],
        &["patients"],
    ),
    ("stats_first_visits", &["day"], &["patients"]),
    (
        "stats_doctor_firsts",
        &["doctor_id", "day", "first_day"],
        &["patients"],
    ),
];

/// The per-day sum tables that also keep month rows (`<table>_months`, migration 0022; `day` is
/// their first key and a month row's `day` is the month's first day). The fold and the rebuild
/// keep them; reports over long ranges read them for the whole months ([`reading_by_month`]).
/// Chains and first days have none: a distinct count is not a sum of months.
pub const MONTHLY: [&str; 6] = [
    "stats_visits",
    "stats_payments",
    "stats_lines",
    "stats_allocations",
    "stats_discounts",
    "stats_statuses",
];

/// Where `table` comes in the aggregate tables' lock order ([`TABLES`]; past the end for a name
/// that is not one of them).
pub(crate) fn lock_rank(table: &str) -> usize {
    TABLES
        .iter()
        .position(|t| t.0 == table)
        .unwrap_or(TABLES.len())
}

/// The key and value columns of the aggregate table `table` (one of [`TABLES`]; any other name
/// is a programming error).
pub fn columns_of(table: &str) -> (&'static [&'static str], &'static [&'static str]) {
    let (_, keys, values) = TABLES
        .iter()
        .find(|t| t.0 == table)
        .unwrap_or_else(|| panic!("{table} is not an aggregate table"));
    (keys, values)
}

/// `SELECT <month of day>, other keys, SUM(values) FROM source GROUP BY …`: day rows summed into
/// month rows (`keys[0]` is `day`; a month is its first day: `'2026-03-17'` → `'2026-03-01'`).
fn month_rows(keys: &[&str], values: &[&str], source: &str) -> String {
    let grouped: Vec<String> = std::iter::once("SUBSTR(day, 1, 8) || '01'".to_owned())
        .chain(keys.iter().skip(1).map(|k| (*k).to_owned()))
        .collect();
    let sums: Vec<String> = values
        .iter()
        .map(|v| format!("CAST(SUM({v}) AS BIGINT)"))
        .collect();
    format!(
        "SELECT {}, {} FROM {source} WHERE 1 = 1 GROUP BY {}",
        grouped.join(", "),
        sums.join(", "),
        grouped.join(", ")
    )
}

/// The fact queries, built once per process (every write runs them twice).
static VISIT_FACTS: LazyLock<Vec<Fact>> = LazyLock::new(visit_facts);
/// The visit facts money moves (payments, refunds, voids): lines, discounts and statuses depend
/// only on prices and status, which those writes never change, so they are not taken out and put back.
static MONEY_FACTS: LazyLock<Vec<Fact>> = LazyLock::new(|| {
    visit_facts()
        .into_iter()
        .filter(|f| {
            !matches!(
                f.table,
                "stats_lines" | "stats_discounts" | "stats_statuses"
            )
        })
        .collect()
});
static PATIENT_FACTS: LazyLock<Vec<Fact>> = LazyLock::new(patient_facts);

/// What bonuses paid on visit `a` (live bonus payments less what was refunded of them): a
/// discount, so the visit's revenue is its paid less this (services' revenue likewise leaves
/// bonus allocations out).
const BONUS_PAID: &str = "COALESCE((SELECT SUM(b.amount - COALESCE((SELECT SUM(br.amount) FROM refunds br WHERE br.payment_id = b.id), 0)) \
     FROM payments b WHERE b.appointment_id = a.id AND b.method = 'bonus' AND b.voided_at IS NULL), 0)";

/// Facts of one visit. They depend only on the visit's own rows (its lines, payments,
/// allocations), so a visit's write refreshes them alone.
fn visit_facts() -> Vec<Fact> {
    vec![
        Fact {
            table: "stats_statuses",
            keys: &["day", "doctor_id", "status"],
            values: &["visits"],
            select: "SELECT a.local_date, a.doctor_id, a.status, $1 * COUNT(*) FROM appointments a \
                     WHERE {f} GROUP BY a.local_date, a.doctor_id, a.status"
                .to_owned(),
        },
        Fact {
            table: "stats_visits",
            keys: &["day", "doctor_id", "source_id"],
            values: &["visits", "no_shows", "paid_visits", "revenue", "debt"],
            select: "SELECT a.local_date, a.doctor_id, a.source_id, $1 * COUNT(*), \
                       $1 * SUM(CASE WHEN a.status = 'no_show' THEN 1 ELSE 0 END), \
                       $1 * SUM(CASE WHEN a.paid > 0 THEN 1 ELSE 0 END), $1 * SUM(a.paid - {BONUS_PAID}), \
                       $1 * SUM(CASE WHEN a.total > a.paid THEN a.total - a.paid ELSE 0 END) \
                     FROM appointments a WHERE a.status <> 'cancelled' AND {f} \
                     GROUP BY a.local_date, a.doctor_id, a.source_id"
                .replace("{BONUS_PAID}", BONUS_PAID),
        },
        Fact {
            table: "stats_payments",
            keys: &["day", "doctor_id", "method"],
            values: &["amount", "payments"],
            select: "SELECT y.local_date, a.doctor_id, y.method, $1 * SUM(y.amount), $1 * COUNT(*) \
                     FROM payments y JOIN appointments a ON a.id = y.appointment_id \
                     WHERE y.voided_at IS NULL AND {f} GROUP BY y.local_date, a.doctor_id, y.method"
                .to_owned(),
        },
        // Refunds count on their own day, by the tender the money went back through.
        Fact {
            table: "stats_payments",
            keys: &["day", "doctor_id", "method"],
            values: &["refunded", "refunds"],
            select: "SELECT r.local_date, a.doctor_id, r.method, $1 * SUM(r.amount), $1 * COUNT(*) \
                     FROM refunds r JOIN appointments a ON a.id = r.appointment_id \
                     WHERE {f} GROUP BY r.local_date, a.doctor_id, r.method"
                .to_owned(),
        },
        Fact {
            table: "stats_lines",
            keys: &["day", "doctor_id", "service_id"],
            values: &["lines", "billed"],
            select: "SELECT a.local_date, a.doctor_id, l.service_id, $1 * COUNT(*), $1 * SUM(l.price) \
                     FROM appointment_services l JOIN appointments a ON a.id = l.appointment_id \
                     WHERE a.status <> 'cancelled' AND {f} GROUP BY a.local_date, a.doctor_id, l.service_id"
                .to_owned(),
        },
        Fact {
            table: "stats_discounts",
            keys: &["day", "doctor_id", "user_id"],
            values: &["lines", "amount"],
            select: "SELECT a.local_date, a.doctor_id, COALESCE(l.price_changed_by, 0), \
                       $1 * COUNT(*), $1 * SUM(l.base_price - l.price) \
                     FROM appointment_services l JOIN appointments a ON a.id = l.appointment_id \
                     WHERE a.status <> 'cancelled' AND l.price < l.base_price AND {f} \
                     GROUP BY a.local_date, a.doctor_id, COALESCE(l.price_changed_by, 0)"
                .to_owned(),
        },
        Fact {
            table: "stats_allocations",
            keys: &["day", "doctor_id", "service_id"],
            values: &["amount"],
            select: "SELECT y.local_date, a.doctor_id, l.service_id, $1 * SUM(x.amount) \
                     FROM payment_allocations x JOIN payments y ON y.id = x.payment_id \
                     JOIN appointments a ON a.id = y.appointment_id JOIN appointment_services l ON l.id = x.line_id \
                     WHERE y.voided_at IS NULL AND y.method <> 'bonus' AND {f} GROUP BY y.local_date, a.doctor_id, l.service_id"
                .to_owned(),
        },
        // A refund takes its share back from each service's revenue on the refund's day.
        Fact {
            table: "stats_allocations",
            keys: &["day", "doctor_id", "service_id"],
            values: &["amount"],
            select: "SELECT r.local_date, a.doctor_id, l.service_id, 0 - $1 * SUM(x.amount) \
                     FROM refund_allocations x JOIN refunds r ON r.id = x.refund_id JOIN payments y ON y.id = r.payment_id \
                     JOIN appointments a ON a.id = r.appointment_id JOIN appointment_services l ON l.id = x.line_id \
                     WHERE y.method <> 'bonus' AND {f} GROUP BY r.local_date, a.doctor_id, l.service_id"
                .to_owned(),
        },
        Fact {
            table: "stats_method_visits",
            keys: &["day", "doctor_id", "method", "prev"],
            values: &["visits"],
            select: "SELECT d.day, d.doctor_id, d.method, COALESCE(d.prev, ''), $1 * COUNT(*) \
                     FROM (SELECT u.day, u.doctor_id, u.method, \
                                  LAG(u.day) OVER (PARTITION BY u.appointment_id, u.method ORDER BY u.day) AS prev \
                           FROM (SELECT DISTINCT y.appointment_id, y.local_date AS day, a.doctor_id, y.method \
                                 FROM payments y JOIN appointments a ON a.id = y.appointment_id \
                                 WHERE y.voided_at IS NULL AND {f}) u) d \
                     WHERE 1 = 1 GROUP BY d.day, d.doctor_id, d.method, COALESCE(d.prev, '')"
                .to_owned(),
        },
    ]
}

/// A patient chain of `scope` per `{doc}` / `{src}` key (each `0` or the column): the fine rows
/// (exact previous day) under `scope`, or coarse rows under `scope_month` whose `prev` is only
/// the previous day's month. A range query sums coarse rows whose previous month is before
/// `from`'s month, plus fine rows whose previous day is in `from`'s month before `from` — a few
/// thousand rows either way (the fine ones found through the `(scope, prev, day)` index).
fn chain(scope: &str, doc: &str, src: &str, coarse: bool) -> Fact {
    let (scope, prev) = if coarse {
        (
            format!("{scope}_month"),
            "SUBSTR(COALESCE(d.prev, ''), 1, 7)",
        )
    } else {
        (scope.to_owned(), "COALESCE(d.prev, '')")
    };
    Fact {
        table: "stats_patient_days",
        keys: &["scope", "day", "doctor_id", "source_id", "prev"],
        values: &["patients"],
        select: format!(
            "SELECT '{scope}', d.day, d.doc, d.src, {prev}, $1 * COUNT(*) \
             FROM (SELECT u.day, u.doc, u.src, \
                          LAG(u.day) OVER (PARTITION BY u.patient_id, u.doc, u.src ORDER BY u.day) AS prev \
                   FROM (SELECT DISTINCT a.patient_id, a.local_date AS day, {doc} AS doc, {src} AS src \
                         FROM appointments a WHERE a.status <> 'cancelled' AND {{f}}) u) d \
             WHERE 1 = 1 GROUP BY d.day, d.doc, d.src, {prev}"
        ),
    }
}

/// Facts of one patient.
fn patient_facts() -> Vec<Fact> {
    vec![
        // The whole clinic: small enough as one exact chain.
        chain("clinic", "0", "0", false),
        chain("doctor", "a.doctor_id", "0", false),
        chain("doctor", "a.doctor_id", "0", true),
        chain("source", "0", "a.source_id", false),
        chain("source", "0", "a.source_id", true),
        // Per doctor and source: patients per source with a doctor filter.
        chain("doctor_source", "a.doctor_id", "a.source_id", false),
        chain("doctor_source", "a.doctor_id", "a.source_id", true),
        Fact {
            table: "stats_first_visits",
            keys: &["day"],
            values: &["patients"],
            select: "SELECT f.day, $1 * COUNT(*) \
                     FROM (SELECT a.patient_id, MIN(a.local_date) AS day FROM appointments a \
                           WHERE a.status <> 'cancelled' AND {f} GROUP BY a.patient_id) f \
                     WHERE 1 = 1 GROUP BY f.day"
                .to_owned(),
        },
        // Per (doctor, patient): the first day with the doctor and the first day at the clinic,
        // so new patients for one doctor are a sum over a few rows (migration 0021).
        Fact {
            table: "stats_doctor_firsts",
            keys: &["doctor_id", "day", "first_day"],
            values: &["patients"],
            select: "SELECT g.doctor_id, g.day, f.day, $1 * COUNT(*) \
                     FROM (SELECT a.patient_id, a.doctor_id, MIN(a.local_date) AS day FROM appointments a \
                           WHERE a.status <> 'cancelled' AND {f} GROUP BY a.patient_id, a.doctor_id) g \
                     JOIN (SELECT a.patient_id, MIN(a.local_date) AS day FROM appointments a \
                           WHERE a.status <> 'cancelled' AND {f} GROUP BY a.patient_id) f \
                       ON f.patient_id = g.patient_id \
                     WHERE 1 = 1 GROUP BY g.doctor_id, g.day, f.day"
                .to_owned(),
        },
    ]
}
