//! What readers see (base rows plus pending deltas) and the fold that moves pending rows into
//! the base tables.

use emhana_domain::analytics::ReportRange;
use sqlx::AnyConnection;

use super::{adding, columns_of, month_rows, MONTHLY, TABLES};
use crate::{time, Backend, StoreError};

/// `keys…, values…` of an aggregate table, as an SQL column list.
fn column_list(keys: &[&str], values: &[&str]) -> String {
    keys.iter()
        .chain(values.iter())
        .copied()
        .collect::<Vec<_>>()
        .join(", ")
}

/// The rows of `table` as readers must see them: the base rows and the pending deltas, as one
/// row source with the table's columns (readers sum over it; use it in place of the table name).
pub fn live(table: &str) -> String {
    let (keys, values) = columns_of(table);
    let columns = column_list(keys, values);
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

/// The month rows of `table` (one of [`MONTHLY`]) as readers must see them: the kept month rows
/// and the pending deltas summed into their months, with the table's columns (the consistency
/// check compares them with a rebuild's).
pub fn live_months(table: &str) -> String {
    let (keys, values) = columns_of(table);
    format!(
        "(SELECT {} FROM {table}_months UNION ALL {})",
        column_list(keys, values),
        month_rows(keys, values, &format!("{table}_pending"))
    )
}

/// The rows of `table` (one of [`MONTHLY`]) a sum over the range `r` reads: the month rows of the
/// whole months inside the range, the day rows of the days before and after them, and the
/// pending deltas (the caller's `t.day` filter still applies: a month row's day is its first
/// day, inside the range). Without a whole month inside, the [`live`] rows.
fn live_by_month(table: &str, r: &ReportRange) -> String {
    let Some((first, last)) = r.whole_months() else {
        return live(table);
    };
    let (keys, values) = columns_of(table);
    let columns = column_list(keys, values);
    // Literal days (formatted from dates, so safe as text): each branch is a range of the
    // table's (day, …) key, planned for what it is.
    let (from, to) = (time::encode_day(r.from), time::encode_day(r.to));
    let (first, last) = (time::encode_day(first), time::encode_day(last));
    format!(
        "(SELECT {columns} FROM {table} WHERE day >= '{from}' AND day < '{first}' \
          UNION ALL SELECT {columns} FROM {table}_months WHERE day >= '{first}' AND day <= '{last}' \
          UNION ALL SELECT {columns} FROM {table} WHERE day > '{last}' AND day <= '{to}' \
          UNION ALL SELECT {columns} FROM {table}_pending)"
    )
}

/// [`reading_live`] for sums that do not group by day: every `FROM stats_… t` of a table with
/// month rows reads them for the whole months of `r` ([`live_by_month`]; a year is ~12
/// month rows per key instead of ~365 day rows), the others read as [`reading_live`] does.
pub fn reading_by_month(sql: &str, r: &ReportRange) -> String {
    let mut out = sql.to_owned();
    for table in MONTHLY {
        out = out.replace(
            &format!("FROM {table} t"),
            &format!("FROM {} t", live_by_month(table, r)),
        );
    }
    reading_live(&out)
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
        // The same deltas summed into the month rows, for the tables that keep them.
        let months = MONTHLY.contains(&table).then_some(move |source: &str| {
            adding(
                &format!("{table}_months"),
                keys,
                values,
                &month_rows(keys, values, source),
            )
        });
        match backend {
            Backend::Postgres => {
                let monthly = months
                    .map(|m| format!(", monthly AS ({})", m("moved")))
                    .unwrap_or_default();
                let sql = format!(
                    "WITH moved AS (DELETE FROM {table}_pending RETURNING {keys_list}, {values}), \
                     folded AS ({upsert}){monthly} SELECT COUNT(*) FROM moved",
                    values = values.join(", "),
                    upsert = upsert("moved"),
                );
                let (n,): (i64,) = sqlx::query_as(sqlx::AssertSqlSafe(sql))
                    .fetch_one(&mut *conn)
                    .await?;
                folded += n as u64;
            }
            Backend::Sqlite => {
                let pending = format!("{table}_pending");
                sqlx::query(sqlx::AssertSqlSafe(upsert(&pending)))
                    .execute(&mut *conn)
                    .await?;
                if let Some(m) = months {
                    sqlx::query(sqlx::AssertSqlSafe(m(&pending)))
                        .execute(&mut *conn)
                        .await?;
                }
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
