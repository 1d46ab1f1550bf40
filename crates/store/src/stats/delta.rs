//! The write side: a visit's (or patient's) facts read before and after a change, netted in
//! memory, and only what changed appended to the `*_pending` tables (see [`crate::stats`]).

use std::collections::HashMap;
use std::sync::LazyLock;

use sqlx::{AnyConnection, Row};

use super::{lock_rank, Fact, MONEY_FACTS, PATIENT_FACTS, VISIT_FACTS};
use crate::StoreError;

/// The most key columns any fact has (a unit test holds every fact to it).
const MAX_KEYS: usize = 5;
/// The most value columns any fact has (likewise).
const MAX_VALUES: usize = 5;

/// Key columns holding text (the others hold ids).
fn is_text_key(column: &str) -> bool {
    matches!(
        column,
        "day" | "first_day" | "method" | "prev" | "scope" | "status"
    )
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
    let mut chunks: Vec<(&Fact, &[NetRow])> = facts
        .iter()
        .zip(&by_fact)
        .flat_map(|(fact, rows)| rows.chunks(ROWS_PER_INSERT).map(move |c| (fact, c)))
        .collect();
    // Appended in the tables' lock order (a rebuild locks them all in it: see `TABLES`).
    chunks.sort_by_key(|(fact, _)| lock_rank(fact.table));
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
    crate::Backend::of(conn) == crate::Backend::Postgres
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
    use crate::stats::TABLES;

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
}
