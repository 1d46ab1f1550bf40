//! The aggregates recomputed from the base tables (migrations that change a fact, bulk loads,
//! imports, and the consistency check's rolled-back comparison).

use sqlx::AnyConnection;

use super::{adding, month_rows, Fact, MONTHLY, PATIENT_FACTS, TABLES, VISIT_FACTS};
use crate::{Backend, StoreError};

/// Adds every row of `facts` straight to the base tables.
async fn upsert_all(conn: &mut AnyConnection, facts: &[Fact]) -> Result<(), StoreError> {
    for fact in facts {
        let rows = fact.select.replace("{f}", "1 = 1");
        let sql = adding(fact.table, fact.keys, fact.values, &rows);
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(1_i64)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Every table the aggregates live in, in the one order everything that writes them takes its
/// locks: table by table as [`TABLES`] lists them, each as its pending twin, itself, then its
/// month rows. The fold goes through them in this order in one transaction ([`super::fold`]:
/// `DELETE` from the twin, add to the table, add to the months), writers append to the twins
/// in it (checked by a test below), and the rebuild locks them all up front in it. Locking the
/// tables before their twins and the months last deadlocked a rebuild with the background fold
/// on PostgreSQL (seen once in the API tests).
fn every_table() -> Vec<String> {
    TABLES
        .iter()
        .flat_map(|t| {
            let months = MONTHLY.contains(&t.0).then(|| format!("{}_months", t.0));
            [
                Some(format!("{}_pending", t.0)),
                Some(t.0.to_owned()),
                months,
            ]
        })
        .flatten()
        .collect()
}

/// Recomputes every table from the base tables (migrations, bulk loads, imports), inside the
/// caller's transaction.
pub async fn rebuild(conn: &mut AnyConnection, backend: Backend) -> Result<(), StoreError> {
    if backend == Backend::Postgres {
        // Writers (row upserts) and a second rebuild (two servers starting together) wait until
        // this one commits, so none adds to rows this one is about to replace.
        let sql = format!("LOCK TABLE {} IN EXCLUSIVE MODE", every_table().join(", "));
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .execute(&mut *conn)
            .await?;
    }
    for name in every_table() {
        sqlx::query(sqlx::AssertSqlSafe(format!("DELETE FROM {name}")))
            .execute(&mut *conn)
            .await?;
    }
    upsert_all(conn, &VISIT_FACTS).await?;
    upsert_all(conn, &PATIENT_FACTS).await?;
    for (table, keys, values) in TABLES {
        let zero: Vec<String> = values.iter().map(|v| format!("{v} = 0")).collect();
        let sql = format!("DELETE FROM {table} WHERE {}", zero.join(" AND "));
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .execute(&mut *conn)
            .await?;
        if MONTHLY.contains(&table) {
            let months = format!("{table}_months");
            let sql = adding(&months, keys, values, &month_rows(keys, values, table));
            sqlx::query(sqlx::AssertSqlSafe(sql))
                .execute(&mut *conn)
                .await?;
            let sql = format!("DELETE FROM {months} WHERE {}", zero.join(" AND "));
            sqlx::query(sqlx::AssertSqlSafe(sql))
                .execute(&mut *conn)
                .await?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::MONEY_FACTS;

    fn position(table: &str) -> usize {
        let rank = crate::stats::lock_rank(table);
        assert!(rank < TABLES.len(), "{table} is not an aggregate table");
        rank
    }

    #[test]
    fn the_rebuild_locks_each_table_as_the_fold_does() {
        let order = every_table();
        assert_eq!(order[0], format!("{}_pending", TABLES[0].0));
        assert_eq!(order[1], TABLES[0].0);
        assert_eq!(order[2], format!("{}_months", TABLES[0].0));
        assert_eq!(order.len(), 2 * TABLES.len() + MONTHLY.len());
        for (i, table) in order.iter().enumerate() {
            let base = table
                .trim_end_matches("_pending")
                .trim_end_matches("_months");
            let before = order[..i].iter().filter(|t| t.starts_with(base)).count();
            assert!(before < 3, "{table} listed more than once");
            assert!(
                order[..i].iter().all(|t| {
                    let b = t.trim_end_matches("_pending").trim_end_matches("_months");
                    position(b) <= position(base)
                }),
                "{table} comes after a later table"
            );
        }
    }

    /// A write appends its family's facts, then the patient's (`Delta::settle`), each call in
    /// the lock order (`append_net` sorts them): so every visit table must come before every
    /// patient table, or a write and a rebuild could lock the twins in opposite orders.
    #[test]
    fn a_writes_visit_tables_come_before_its_patient_tables() {
        let first_patient = PATIENT_FACTS
            .iter()
            .map(|f| position(f.table))
            .min()
            .expect("patient facts");
        for family in [&*VISIT_FACTS, &*MONEY_FACTS] {
            for fact in family {
                assert!(
                    position(fact.table) < first_patient,
                    "{} comes after a patient table in the lock order",
                    fact.table
                );
            }
        }
    }
}
