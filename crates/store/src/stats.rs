//! Pre-aggregated analytics, kept exact by the writes themselves (no stale cache).
//!
//! One table per fact family, with named columns (migration 0011): sums per clinic-local day and
//! doctor of visits by source (`stats_visits`), payments by method (`stats_payments`), lines and
//! allocations by service (`stats_lines`, `stats_allocations`), discounts by staff member
//! (`stats_discounts`), refunds beside payments (by refund day, minus from the services' revenue), plus two *chains* that make distinct counts additive: for every visit and payment method, the days it
//! was paid on, each with the previous such day (`prev`); for every patient (clinic-wide, per
//! doctor, per source), the days of their non-cancelled visits, each with the previous one. A
//! visit (or patient) counts once in a range `[from, to]` exactly when one of its rows has `day`
//! in the range and `prev < from` (its first day inside the range), so a distinct count is a sum
//! over a few thousand rows instead of a pass over a million visits. Per-doctor and per-source
//! chains also keep coarse rows (previous *month*) so the sum stays small (see `chain`).
//! `stats_first_visits` counts patients on the day of their first visit ever.
//!
//! Concurrency: a write holds its visit's row lock (and, for chains, its patient's) before it
//! takes facts out, so nobody changes them in between. It does not touch the aggregate rows
//! themselves: it appends its signed facts to the `*_pending` twin of each table (plain inserts,
//! no key, so two payments of one doctor's day never wait for each other there — before, they
//! queued on the same upserted rows until commit, which made PostgreSQL 12× slower than SQLite).
//! [`fold`] moves pending rows into the tables (the server does it every second), and readers
//! sum both ([`live`], [`reading_live`]), so every figure is exact at every moment.
//!
//! Every fact is defined once, as a `SELECT` below, and used two ways: [`rebuild`] runs it over
//! everything; the write paths run it for one visit (or patient) with sign −1 before the change
//! and +1 after, inside the change's own transaction ([`Delta`]), so table + pending always equals
//! a rebuild. A test checks exactly that after a mix of bookings, moves, payments and voids.

use std::collections::HashMap;
use std::sync::LazyLock;

use sqlx::{AnyConnection, Row};

use crate::{Backend, StoreError};

/// Bump when a fact's definition changes: [`crate::Store::migrate`] rebuilds the tables once.
pub const STATS_VERSION: &str = "4";

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

/// Every table the facts add to (rebuild, zero-row cleanup, and the tests that compare the kept
/// tables with a rebuild).
pub const TABLES: [Table; 8] = [
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
        "stats_patient_days",
        &["scope", "day", "doctor_id", "source_id", "prev"],
        &["patients"],
    ),
    ("stats_first_visits", &["day"], &["patients"]),
];

/// The fact queries, built once per process (every write runs them twice).
static VISIT_FACTS: LazyLock<Vec<Fact>> = LazyLock::new(visit_facts);
/// The visit facts money moves (payments, refunds, voids): lines and discounts depend only on
/// prices and status, which those writes never change, so they are not taken out and put back.
static MONEY_FACTS: LazyLock<Vec<Fact>> = LazyLock::new(|| {
    visit_facts()
        .into_iter()
        .filter(|f| !matches!(f.table, "stats_lines" | "stats_discounts"))
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
    ]
}

impl Fact {
    /// The upsert adding `filter`'s rows to the base table (the rebuild): rows in key order, so
    /// two upserts meeting on the same rows lock them in the same order.
    fn upsert(&self, filter: &str) -> String {
        let keys = self.keys.join(", ");
        let add: Vec<String> = self
            .values
            .iter()
            .map(|v| format!("{v} = {t}.{v} + excluded.{v}", t = self.table))
            .collect();
        let order: Vec<String> = (1..=self.keys.len()).map(|i| i.to_string()).collect();
        format!(
            "INSERT INTO {table} ({keys}, {values}) {select} ORDER BY {order} \
             ON CONFLICT ({keys}) DO UPDATE SET {add}",
            table = self.table,
            values = self.values.join(", "),
            select = self.select.replace("{f}", filter),
            order = order.join(", "),
            add = add.join(", "),
        )
    }
}

/// Adds `sign` × the facts selected by `filter` straight to the base tables (the rebuild).
async fn upsert_all(
    conn: &mut AnyConnection,
    facts: &[Fact],
    filter: &str,
    sign: i64,
) -> Result<(), StoreError> {
    for fact in facts {
        sqlx::query(sqlx::AssertSqlSafe(fact.upsert(filter)))
            .bind(sign)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// The most key columns any fact has (a unit test holds every fact to it).
const MAX_KEYS: usize = 5;
/// The most value columns any fact has (likewise).
const MAX_VALUES: usize = 5;

/// Key columns holding text (the others hold ids).
fn is_text_key(column: &str) -> bool {
    matches!(column, "day" | "method" | "prev" | "scope")
}

/// One family's facts as a single statement returning uniform rows — the fact's index, its keys
/// as text (`NULL`-padded to [`MAX_KEYS`]), its values (`0`-padded to [`MAX_VALUES`]) — for
/// `filter` (`$2` the visit or patient id; `$1`, the sign, is bound to 1). One round trip however
/// many facts the family has; the same text on both backends (CTE column lists).
fn family_select(facts: &[Fact], filter: &str) -> String {
    let mut ctes = Vec::new();
    let mut rows = Vec::new();
    for (i, fact) in facts.iter().enumerate() {
        let k: Vec<String> = (0..fact.keys.len()).map(|j| format!("k{j}")).collect();
        let v: Vec<String> = (0..fact.values.len()).map(|j| format!("v{j}")).collect();
        ctes.push(format!(
            "f{i}({}) AS ({})",
            k.iter().chain(&v).cloned().collect::<Vec<_>>().join(", "),
            fact.select.replace("{f}", filter)
        ));
        let keys = (0..MAX_KEYS).map(|j| match k.get(j) {
            Some(c) => format!("CAST({c} AS TEXT)"),
            None => "CAST(NULL AS TEXT)".to_owned(),
        });
        let values = (0..MAX_VALUES).map(|j| match v.get(j) {
            Some(c) => format!("CAST({c} AS BIGINT)"),
            None => "CAST(0 AS BIGINT)".to_owned(),
        });
        rows.push(format!(
            "SELECT CAST({i} AS BIGINT), {} FROM f{i}",
            keys.chain(values).collect::<Vec<_>>().join(", ")
        ));
    }
    format!("WITH {} {}", ctes.join(", "), rows.join(" UNION ALL "))
}

/// A fact's keys (as text) in one family: the identity under which −1 and +1 rows cancel.
type FactKey = (usize, Vec<Option<String>>);

/// The facts a family selects, summed per fact and key.
type FactSums = HashMap<FactKey, [i64; MAX_VALUES]>;

/// The family statements, built once per process.
struct FamilySql {
    visit: String,
    money: String,
    patient: String,
}

static FAMILY_SQL: LazyLock<FamilySql> = LazyLock::new(|| FamilySql {
    visit: family_select(&VISIT_FACTS, "a.id = $2"),
    money: family_select(&MONEY_FACTS, "a.id = $2"),
    patient: family_select(&PATIENT_FACTS, "a.patient_id = $2"),
});

/// Adds `sign` × the facts `sql` selects for `id` into `sums`.
async fn collect(
    conn: &mut AnyConnection,
    sql: &str,
    id: i64,
    sign: i64,
    sums: &mut FactSums,
) -> Result<(), StoreError> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(1_i64)
        .bind(id)
        .fetch_all(&mut *conn)
        .await?;
    for row in rows {
        let fact = usize::try_from(row.try_get::<i64, _>(0)?).unwrap_or(usize::MAX);
        let mut keys = Vec::with_capacity(MAX_KEYS);
        for j in 0..MAX_KEYS {
            keys.push(row.try_get::<Option<String>, _>(1 + j)?);
        }
        let entry = sums.entry((fact, keys)).or_insert([0; MAX_VALUES]);
        for (j, value) in entry.iter_mut().enumerate() {
            *value += sign * row.try_get::<i64, _>(1 + MAX_KEYS + j)?;
        }
    }
    Ok(())
}

/// How many rows one insert statement carries at most (well under both backends' bind limits).
const ROWS_PER_INSERT: usize = 200;

/// A fact's net rows: keys (text) and values.
type NetRow = (Vec<Option<String>>, [i64; MAX_VALUES]);

/// `INSERT INTO <table>_pending (…) VALUES (…), …` for `rows` rows of `fact`, placeholders
/// numbered from `$first`; returns the statement and the next free placeholder number. Keys are
/// bound as text and cast to their column's type.
fn fact_insert(fact: &Fact, rows: usize, first: usize) -> (String, usize) {
    let mut n = first;
    let mut tuples = Vec::with_capacity(rows);
    for _ in 0..rows {
        let mut cells = Vec::with_capacity(fact.keys.len() + fact.values.len());
        for key in fact.keys {
            let ty = if is_text_key(key) { "TEXT" } else { "BIGINT" };
            cells.push(format!("CAST(${n} AS {ty})"));
            n += 1;
        }
        for _ in fact.values {
            cells.push(format!("${n}"));
            n += 1;
        }
        tuples.push(format!("({})", cells.join(", ")));
    }
    let sql = format!(
        "INSERT INTO {}_pending ({}, {}) VALUES {}",
        fact.table,
        fact.keys.join(", "),
        fact.values.join(", "),
        tuples.join(", ")
    );
    (sql, n)
}

/// Appends the non-zero net rows of `sums` (facts of `facts`) to the pending tables: the only
/// rows a write adds. On PostgreSQL the inserts go as one statement (`WITH` clauses), on SQLite
/// one statement per fact and chunk.
async fn append_net(
    conn: &mut AnyConnection,
    facts: &[Fact],
    sums: FactSums,
) -> Result<(), StoreError> {
    let mut by_fact: Vec<Vec<NetRow>> = facts.iter().map(|_| Vec::new()).collect();
    for ((fact, keys), values) in sums {
        if let (Some(rows), true) = (by_fact.get_mut(fact), values.iter().any(|v| *v != 0)) {
            rows.push((keys, values));
        }
    }
    // Deterministic order (tests and plans are easier to read; no lock depends on it).
    for rows in &mut by_fact {
        rows.sort();
    }
    let chunks: Vec<(&Fact, &[NetRow])> = facts
        .iter()
        .zip(&by_fact)
        .flat_map(|(fact, rows)| rows.chunks(ROWS_PER_INSERT).map(move |c| (fact, c)))
        .collect();
    if chunks.is_empty() {
        return Ok(());
    }
    let batches: Vec<Vec<(&Fact, &[NetRow])>> = if is_postgres(conn) {
        vec![chunks]
    } else {
        chunks.into_iter().map(|c| vec![c]).collect()
    };
    for batch in batches {
        let mut next = 1;
        let mut inserts = Vec::with_capacity(batch.len());
        for (fact, rows) in &batch {
            let (sql, after) = fact_insert(fact, rows.len(), next);
            next = after;
            inserts.push(sql);
        }
        let sql = match inserts.as_slice() {
            [one] => one.clone(),
            many => {
                let parts: Vec<String> = many
                    .iter()
                    .enumerate()
                    .map(|(i, sql)| format!("i{i} AS ({sql})"))
                    .collect();
                format!("WITH {} SELECT 1", parts.join(", "))
            }
        };
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for (fact, rows) in batch {
            for (keys, values) in rows {
                for key in keys.iter().take(fact.keys.len()) {
                    q = q.bind(key.clone());
                }
                for value in values.iter().take(fact.values.len()) {
                    q = q.bind(*value);
                }
            }
        }
        q.execute(&mut *conn).await?;
    }
    Ok(())
}

/// Whether `conn` talks to PostgreSQL (the write paths get a bare connection).
fn is_postgres(conn: &AnyConnection) -> bool {
    conn.backend_name()
        .to_ascii_lowercase()
        .starts_with("postgres")
}

/// The rows of `table` as readers must see them: the base rows and the pending deltas, as one
/// row source with the table's columns (readers sum over it; use it in place of the table name).
pub fn live(table: &str) -> String {
    let (_, keys, values) = TABLES
        .iter()
        .find(|t| t.0 == table)
        .unwrap_or_else(|| panic!("{table} is not an aggregate table"));
    let columns = keys
        .iter()
        .chain(values.iter())
        .copied()
        .collect::<Vec<_>>()
        .join(", ");
    format!("(SELECT {columns} FROM {table} UNION ALL SELECT {columns} FROM {table}_pending)")
}

/// `sql` with every `FROM stats_… t` read replaced by its [`live`] rows: how report queries read
/// the aggregates (written against the plain table names, which stay readable).
pub fn reading_live(sql: &str) -> String {
    let mut out = sql.to_owned();
    for (table, _, _) in TABLES {
        out = out.replace(
            &format!("FROM {table} t"),
            &format!("FROM {} t", live(table)),
        );
    }
    out
}

/// Folds every pending delta into its base table, in the caller's transaction; returns how
/// many pending rows it folded. Exact under concurrent writers: on PostgreSQL the rows folded
/// are exactly the rows the `DELETE … RETURNING` removed (a writer's rows committed later stay
/// for the next fold); SQLite has one writer, so nothing appends in between. Two folds at once
/// (two instances) never fold a row twice: the second one's `DELETE` skips rows the first took.
pub async fn fold(conn: &mut AnyConnection, backend: Backend) -> Result<u64, StoreError> {
    let mut folded = 0;
    for (table, keys, values) in TABLES {
        let keys_list = keys.join(", ");
        let sums: Vec<String> = values
            .iter()
            .map(|v| format!("CAST(SUM({v}) AS BIGINT)"))
            .collect();
        let add: Vec<String> = values
            .iter()
            .map(|v| format!("{v} = {table}.{v} + excluded.{v}"))
            .collect();
        let order: Vec<String> = (1..=keys.len()).map(|i| i.to_string()).collect();
        let upsert = |source: &str| {
            format!(
                "INSERT INTO {table} ({keys_list}, {values}) \
                 SELECT {keys_list}, {sums} FROM {source} WHERE 1 = 1 GROUP BY {keys_list} ORDER BY {order} \
                 ON CONFLICT ({keys_list}) DO UPDATE SET {add}",
                values = values.join(", "),
                sums = sums.join(", "),
                order = order.join(", "),
                add = add.join(", "),
            )
        };
        match backend {
            Backend::Postgres => {
                let sql = format!(
                    "WITH moved AS (DELETE FROM {table}_pending RETURNING {keys_list}, {values}), \
                     folded AS ({upsert}) SELECT COUNT(*) FROM moved",
                    values = values.join(", "),
                    upsert = upsert("moved"),
                );
                let (n,): (i64,) = sqlx::query_as(sqlx::AssertSqlSafe(sql))
                    .fetch_one(&mut *conn)
                    .await?;
                folded += n as u64;
            }
            Backend::Sqlite => {
                sqlx::query(sqlx::AssertSqlSafe(upsert(&format!("{table}_pending"))))
                    .execute(&mut *conn)
                    .await?;
                let done = sqlx::query(sqlx::AssertSqlSafe(format!("DELETE FROM {table}_pending")))
                    .execute(&mut *conn)
                    .await?;
                folded += done.rows_affected();
            }
        }
    }
    Ok(folded)
}

/// Recomputes every table from the base tables (migrations, bulk loads, imports), inside the
/// caller's transaction.
pub async fn rebuild(conn: &mut AnyConnection, backend: Backend) -> Result<(), StoreError> {
    if backend == Backend::Postgres {
        // Writers (row upserts) and a second rebuild (two servers starting together) wait until
        // this one commits, so none adds to rows this one is about to replace.
        let tables: Vec<String> = TABLES
            .iter()
            .flat_map(|t| [t.0.to_owned(), format!("{}_pending", t.0)])
            .collect();
        let sql = format!("LOCK TABLE {} IN EXCLUSIVE MODE", tables.join(", "));
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .execute(&mut *conn)
            .await?;
    }
    for (table, _, _) in TABLES {
        for name in [table.to_owned(), format!("{table}_pending")] {
            sqlx::query(sqlx::AssertSqlSafe(format!("DELETE FROM {name}")))
                .execute(&mut *conn)
                .await?;
        }
    }
    upsert_all(conn, &VISIT_FACTS, "1 = 1", 1).await?;
    upsert_all(conn, &PATIENT_FACTS, "1 = 1", 1).await?;
    for (table, _, values) in TABLES {
        let zero: Vec<String> = values.iter().map(|v| format!("{v} = 0")).collect();
        let sql = format!("DELETE FROM {table} WHERE {}", zero.join(" AND "));
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Which visit facts a [`Delta`] took out.
#[derive(Debug, Clone, Copy)]
enum Family {
    /// All of them (bookings, moves, lines, status).
    Visit,
    /// Only those money moves (`MONEY_FACTS`).
    Money,
}

impl Family {
    fn facts(self) -> &'static [Fact] {
        match self {
            Family::Visit => &VISIT_FACTS,
            Family::Money => &MONEY_FACTS,
        }
    }

    fn sql(self) -> &'static str {
        match self {
            Family::Visit => &FAMILY_SQL.visit,
            Family::Money => &FAMILY_SQL.money,
        }
    }
}

/// A visit's (and its patient's) facts taken out before a change and put back after it, in the
/// change's transaction. Both sides are read into memory and only the difference is appended to
/// the pending deltas (see [`fold`]): a payment adds three or four rows, a booking only the chain
/// rows it really changes. The visit row must already be locked by the caller, so no concurrent
/// writer can change what was taken out before it is put back.
#[must_use = "call `settle` after the change, or the facts stay taken out"]
pub struct Delta {
    /// The visit facts taken out.
    family: Family,
    /// The visit facts as they were, negated.
    visit: FactSums,
    /// The patient whose chains were taken out too, if any, and those chains negated.
    patient: Option<(i64, FactSums)>,
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
        let mut visit = FactSums::new();
        collect(conn, Family::Visit.sql(), visit_id, -1, &mut visit).await?;
        let patient = if patient {
            // Finds and locks the visit's patient in one statement.
            let (p,): (i64,) = sqlx::query_as(
                "UPDATE patients SET version = version \
                 WHERE id = (SELECT patient_id FROM appointments WHERE id = $1) RETURNING id",
            )
            .bind(visit_id)
            .fetch_one(&mut *conn)
            .await?;
            let mut chains = FactSums::new();
            collect(conn, &FAMILY_SQL.patient, p, -1, &mut chains).await?;
            Some((p, chains))
        } else {
            None
        };
        Ok(Self {
            family: Family::Visit,
            visit,
            patient,
        })
    }

    /// Takes out only the facts money moves (see `MONEY_FACTS`): for payments, refunds and
    /// voids, which change neither lines, prices, status nor the patient's visit days.
    pub async fn take_money(conn: &mut AnyConnection, visit_id: i64) -> Result<Self, StoreError> {
        let mut visit = FactSums::new();
        collect(conn, Family::Money.sql(), visit_id, -1, &mut visit).await?;
        Ok(Self {
            family: Family::Money,
            visit,
            patient: None,
        })
    }

    /// Before booking a visit for `patient_id`: takes out the patient's chain (the visit itself
    /// has no facts yet); `settle` with the new visit's id.
    pub async fn new_visit(conn: &mut AnyConnection, patient_id: i64) -> Result<Self, StoreError> {
        lock_patient(conn, patient_id).await?;
        let mut chains = FactSums::new();
        collect(conn, &FAMILY_SQL.patient, patient_id, -1, &mut chains).await?;
        Ok(Self {
            family: Family::Visit,
            visit: FactSums::new(),
            patient: Some((patient_id, chains)),
        })
    }

    /// Puts the facts of `visit_id` (the one taken out, or the one just booked) back as they
    /// are now: appends what changed.
    pub async fn settle(self, conn: &mut AnyConnection, visit_id: i64) -> Result<(), StoreError> {
        let mut visit = self.visit;
        collect(conn, self.family.sql(), visit_id, 1, &mut visit).await?;
        append_net(conn, self.family.facts(), visit).await?;
        if let Some((p, mut chains)) = self.patient {
            collect(conn, &FAMILY_SQL.patient, p, 1, &mut chains).await?;
            append_net(conn, &PATIENT_FACTS, chains).await?;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_fact_fits_the_uniform_delta_row() {
        for fact in VISIT_FACTS.iter().chain(PATIENT_FACTS.iter()) {
            assert!(fact.keys.len() <= MAX_KEYS, "{} keys", fact.table);
            assert!(fact.values.len() <= MAX_VALUES, "{} values", fact.table);
            let table = TABLES
                .iter()
                .find(|t| t.0 == fact.table)
                .expect("a kept table");
            assert_eq!(
                fact.keys, table.1,
                "{}: the table's keys, in order",
                fact.table
            );
            assert!(
                fact.values.iter().all(|v| table.2.contains(v)),
                "{}",
                fact.table
            );
            for key in fact.keys {
                assert!(
                    is_text_key(key) || key.ends_with("_id"),
                    "{}.{key}: neither text nor an id",
                    fact.table
                );
            }
        }
    }

    #[test]
    fn reports_read_the_pending_rows_of_every_table() {
        for (table, _, _) in TABLES {
            let sql = reading_live(&format!("SELECT SUM(t.x) FROM {table} t WHERE 1 = 1"));
            assert!(sql.contains(&format!("FROM {table}_pending")), "{sql}");
            assert!(sql.contains("UNION ALL"), "{sql}");
        }
        // `stats_visits` is a suffix of `stats_method_visits`: neither read is taken for the other.
        let sql = reading_live("SELECT 1 FROM stats_method_visits t");
        assert!(
            sql.contains("FROM stats_method_visits_pending") && !sql.contains("FROM stats_visits"),
            "{sql}"
        );
    }
}
