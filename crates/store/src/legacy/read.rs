//! Reading the old Streamlit SQLite database, whatever its version: tables and columns are
//! detected (v2.6 has no payments table and no `source`; v3.x renamed `created_at` of payments to
//! `payment_date`), and every value is read as text (`CAST(… AS TEXT)`), so a float price comes in
//! as `28990.0` and is turned into money exactly by the domain, never through `f64`.

use std::collections::HashSet;
use std::path::Path;

use sqlx::any::AnyPoolOptions;
use sqlx::{AnyPool, Row};

use crate::StoreError;

/// The legacy database, opened read-only.
pub struct LegacyDb {
    pool: AnyPool,
    tables: HashSet<String>,
}

/// One legacy row: the asked columns' values as text (`None` for NULL or a missing column).
#[derive(Debug, Clone)]
pub struct Rec {
    cols: &'static [&'static str],
    vals: Vec<Option<String>>,
}

impl Rec {
    /// A column's trimmed text, `None` when NULL, missing or blank.
    pub fn get(&self, col: &str) -> Option<&str> {
        let i = self.cols.iter().position(|c| *c == col)?;
        self.vals[i]
            .as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
    }

    /// A column as an integer id.
    pub fn id(&self, col: &str) -> Option<i64> {
        self.get(col).and_then(|v| {
            v.parse::<i64>()
                .ok()
                .or_else(|| v.parse::<f64>().ok().map(|f| f as i64))
        })
    }

    /// A 0/1 flag (absent means `default`).
    pub fn flag(&self, col: &str, default: bool) -> bool {
        match self.get(col) {
            Some(v) => !matches!(v, "0" | "false" | "False" | "f"),
            None => default,
        }
    }
}

impl LegacyDb {
    /// Opens `path` read-only; refuses a missing file instead of creating an empty one.
    pub async fn open(path: &Path) -> Result<Self, StoreError> {
        if !path.is_file() {
            return Err(StoreError::Legacy(format!(
                "файл не найден: {}",
                path.display()
            )));
        }
        sqlx::any::install_default_drivers();
        let url = format!("sqlite://{}?mode=ro", path.display());
        let pool = AnyPoolOptions::new()
            .max_connections(1)
            .connect(&url)
            .await
            .map_err(|e| {
                StoreError::Legacy(format!(
                    "не удалось открыть {} как SQLite: {e}",
                    path.display()
                ))
            })?;
        let names: Vec<(String,)> =
            sqlx::query_as("SELECT name FROM sqlite_master WHERE type = 'table'")
                .fetch_all(&pool)
                .await
                .map_err(|e| StoreError::Legacy(format!("это не база SQLite: {e}")))?;
        Ok(Self {
            pool,
            tables: names.into_iter().map(|n| n.0).collect(),
        })
    }

    /// Does the table exist?
    pub fn has_table(&self, table: &str) -> bool {
        self.tables.contains(table)
    }

    /// The table's columns (empty when the table is missing).
    pub async fn columns(&self, table: &str) -> Result<HashSet<String>, StoreError> {
        if !self.has_table(table) {
            return Ok(HashSet::new());
        }
        let rows: Vec<(String,)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT name FROM pragma_table_info('{table}')"
        )))
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(|r| r.0).collect())
    }

    /// All rows of `table` ordered by id, with `cols` read as text (missing columns as NULL).
    /// `table` and `cols` come from code, never from the file.
    pub async fn rows(
        &self,
        table: &str,
        cols: &'static [&'static str],
    ) -> Result<Vec<Rec>, StoreError> {
        if !self.has_table(table) {
            return Ok(Vec::new());
        }
        let present = self.columns(table).await?;
        let select: Vec<String> = cols
            .iter()
            .map(|c| {
                if present.contains(*c) {
                    format!("CAST(\"{c}\" AS TEXT)")
                } else {
                    "NULL".to_owned()
                }
            })
            .collect();
        let order = if present.contains("id") {
            " ORDER BY id"
        } else {
            ""
        };
        let sql = format!("SELECT {} FROM \"{table}\"{order}", select.join(", "));
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .fetch_all(&self.pool)
            .await
            .map_err(|e| StoreError::Legacy(format!("чтение таблицы {table}: {e}")))?;
        rows.iter()
            .map(|r| {
                let vals = (0..cols.len())
                    .map(|i| r.try_get::<Option<String>, _>(i))
                    .collect::<Result<Vec<_>, _>>()
                    .map_err(|e| StoreError::Legacy(format!("чтение таблицы {table}: {e}")))?;
                Ok(Rec { cols, vals })
            })
            .collect()
    }

    /// Closes the file.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}
