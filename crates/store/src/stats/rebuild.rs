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

/// Every table the aggregates live in: each kept table, its pending twin and its month rows.
fn every_table() -> Vec<String> {
    TABLES
        .iter()
        .flat_map(|t| [t.0.to_owned(), format!("{}_pending", t.0)])
        .chain(MONTHLY.iter().map(|t| format!("{t}_months")))
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
