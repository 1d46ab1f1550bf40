//! Reading the old Streamlit SQLite database, whatever its version: tables and columns are
//! detected (v2.6 has no payments table and no `source`; v3.x renamed `created_at` of payments to
//! `payment_date`), and every value is read as text (`CAST(… AS TEXT)`), so a float price comes in
//! as `28990.0` and is turned into money exactly by the domain, never through `f64`.

use std::collections::HashSet;
use std::path::Path;

use futures_util::stream::BoxStream;
use futures_util::StreamExt;
use sqlx::any::{AnyPoolOptions, AnyRow};
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
            // The visits and their lines and payment rows are read side by side.
            .max_connections(3)
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

    /// How many rows `table` has (0 when it is missing).
    pub async fn count(&self, table: &str) -> Result<usize, StoreError> {
        if !self.has_table(table) {
            return Ok(0);
        }
        let (n,): (i64,) = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT COUNT(*) FROM \"{table}\""
        )))
        .fetch_one(&self.pool)
        .await
        .map_err(|e| StoreError::Legacy(format!("чтение таблицы {table}: {e}")))?;
        Ok(usize::try_from(n).unwrap_or(0))
    }

    /// `cols` as `CAST(alias."col" AS TEXT)`, NULL for those not `present` in the table.
    fn select_list(present: &HashSet<String>, alias: &str, cols: &[&str]) -> String {
        cols.iter()
            .map(|c| {
                if present.contains(*c) {
                    format!("CAST({alias}.\"{c}\" AS TEXT)")
                } else {
                    "NULL".to_owned()
                }
            })
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Every row of `table` ordered by id, with `cols` read as text, one at a time (a clinic's
    /// million visits never sit in memory at once). `table` and `cols` come from code.
    pub async fn rows(
        &self,
        table: &str,
        cols: &'static [&'static str],
    ) -> Result<LegacyRows<'_>, StoreError> {
        if !self.has_table(table) {
            return Ok(LegacyRows::empty(table, cols));
        }
        let present = self.columns(table).await?;
        let order = if present.contains("id") {
            " ORDER BY t.id"
        } else {
            ""
        };
        let select = Self::select_list(&present, "t", cols);
        let sql = format!("SELECT {select}, NULL FROM \"{table}\" t{order}");
        Ok(LegacyRows::new(&self.pool, sql, table, cols))
    }

    /// Every row of `table` in the order of the visit it belongs to (`parent`, read as an
    /// integer; rows without one first), then by id: the importer walks them beside the visits
    /// and hands each visit its own rows ([`LegacyRows::of_parent`]). A row that names its visit
    /// only through another table (a payment row names its line) says so with
    /// [`ParentKey::Through`]; a missing parent column reads as no parent.
    pub async fn rows_by_parent(
        &self,
        table: &str,
        cols: &'static [&'static str],
        parent: ParentKey,
    ) -> Result<LegacyRows<'_>, StoreError> {
        if !self.has_table(table) {
            return Ok(LegacyRows::empty(table, cols));
        }
        let present = self.columns(table).await?;
        let select = Self::select_list(&present, "t", cols);
        let (key, join) = match parent {
            ParentKey::Column(c) if present.contains(c) => (format!("t.\"{c}\""), String::new()),
            ParentKey::Through {
                link,
                table: via,
                parent: up,
            } if present.contains(link) && self.columns(via).await?.contains(up) => (
                format!("v.\"{up}\""),
                format!(" LEFT JOIN \"{via}\" v ON v.id = t.\"{link}\""),
            ),
            _ => ("NULL".to_owned(), String::new()),
        };
        let sql = format!(
            "SELECT {select}, CAST({key} AS INTEGER) AS parent_key FROM \"{table}\" t{join} \
             ORDER BY parent_key, t.id"
        );
        Ok(LegacyRows::new(&self.pool, sql, table, cols))
    }

    /// Closes the file.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// How a child row names its visit.
#[derive(Debug, Clone, Copy)]
pub enum ParentKey {
    /// A column of its own (`appointment_services.appointment_id`).
    Column(&'static str),
    /// Through another table: `link` is that table's id, whose `parent` column names the visit
    /// (`appointment_service_payments.appointment_service_id` → `appointment_services.appointment_id`).
    Through {
        /// This table's column naming the other table's row.
        link: &'static str,
        /// The other table.
        table: &'static str,
        /// Its column naming the visit.
        parent: &'static str,
    },
}

/// A legacy table read as a stream of rows (with the parent each names, for child tables).
pub struct LegacyRows<'a> {
    table: String,
    cols: &'static [&'static str],
    stream: Option<BoxStream<'a, Result<AnyRow, sqlx::Error>>>,
    /// A row read but not handed out yet, with its parent.
    ahead: Option<(Option<i64>, Rec)>,
}

impl<'a> LegacyRows<'a> {
    fn new(pool: &'a AnyPool, sql: String, table: &str, cols: &'static [&'static str]) -> Self {
        Self {
            table: table.to_owned(),
            cols,
            stream: Some(sqlx::query(sqlx::AssertSqlSafe(sql)).fetch(pool)),
            ahead: None,
        }
    }

    fn empty(table: &str, cols: &'static [&'static str]) -> Self {
        Self {
            table: table.to_owned(),
            cols,
            stream: None,
            ahead: None,
        }
    }

    /// The next row with its parent key, `None` at the end.
    async fn read(&mut self) -> Result<Option<(Option<i64>, Rec)>, StoreError> {
        if let Some(row) = self.ahead.take() {
            return Ok(Some(row));
        }
        let Some(stream) = self.stream.as_mut() else {
            return Ok(None);
        };
        let fail =
            |e: sqlx::Error| StoreError::Legacy(format!("чтение таблицы {}: {e}", self.table));
        let Some(row) = stream.next().await.transpose().map_err(fail)? else {
            self.stream = None;
            return Ok(None);
        };
        let vals = (0..self.cols.len())
            .map(|i| row.try_get::<Option<String>, _>(i))
            .collect::<Result<Vec<_>, _>>()
            .map_err(fail)?;
        let parent = row
            .try_get::<Option<i64>, _>(self.cols.len())
            .unwrap_or(None);
        Ok(Some((
            parent,
            Rec {
                cols: self.cols,
                vals,
            },
        )))
    }

    /// The next row, `None` at the end.
    pub async fn next(&mut self) -> Result<Option<Rec>, StoreError> {
        Ok(self.read().await?.map(|(_, r)| r))
    }

    /// The rows of visit `parent` (asked in increasing order), and the rows before them that no
    /// visit asked for (no parent, or a parent that is not a visit): those are the caller's to
    /// report.
    pub async fn of_parent(&mut self, parent: i64) -> Result<(Vec<Rec>, Vec<Rec>), StoreError> {
        let (mut own, mut strays) = (Vec::new(), Vec::new());
        while let Some((key, rec)) = self.read().await? {
            match key {
                Some(k) if k > parent => {
                    self.ahead = Some((key, rec));
                    break;
                }
                Some(k) if k == parent => own.push(rec),
                _ => strays.push(rec),
            }
        }
        Ok((own, strays))
    }

    /// Every row not handed out yet (after the last visit: all strays).
    pub async fn rest(&mut self) -> Result<Vec<Rec>, StoreError> {
        let mut rest = Vec::new();
        while let Some(rec) = self.next().await? {
            rest.push(rec);
        }
        Ok(rest)
    }
}
