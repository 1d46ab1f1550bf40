//! What readers see (base rows plus pending deltas) and the fold that moves pending rows into
//! the base tables.

use sqlx::AnyConnection;

use super::{adding, TABLES};
use crate::{Backend, StoreError};

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
        let upsert = |source: &str| {
            let rows = format!(
                "SELECT {keys_list}, {} FROM {source} WHERE 1 = 1 GROUP BY {keys_list}",
                sums.join(", ")
            );
            adding(table, keys, values, &rows)
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

#[cfg(test)]
mod tests {
    use super::*;

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
