//! Store failures, classified so the server can map them to HTTP without reading message text.

/// Why a store call failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The configuration cannot work (bad URL scheme, unusable path) or stored data is corrupt.
    #[error("database configuration: {0}")]
    Config(String),
    /// A migration failed to apply.
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// The row to change does not exist.
    #[error("not found")]
    NotFound,
    /// A unique value is already taken; `field` names the input field it came from.
    #[error("{field} is already taken")]
    Duplicate {
        /// The input field whose value clashes.
        field: &'static str,
    },
    /// An active patient already holds this phone (the unique index): who, so the answer can
    /// name them.
    #[error("the phone belongs to patient {patient_id}")]
    PhoneTaken {
        /// The holder.
        patient_id: emhana_domain::ids::PatientId,
        /// Their "Имя Фамилия".
        name: String,
    },
    /// Optimistic locking: the row changed since the client read it.
    #[error("stale version; current is {current}")]
    StaleVersion {
        /// The current version, for the client to reload.
        current: i64,
    },
    /// The domain refuses the directory change in the row's current state (HTTP 409).
    #[error("refused: {0}")]
    Refused(#[from] emhana_domain::directories::DirectoryRefusal),
    /// The legacy database of `import-legacy` cannot be read (missing file, not SQLite); Russian.
    #[error("{0}")]
    Legacy(String),
    /// A transaction kept losing lock races (deadlock, serialization failure, SQLite busy) after
    /// every retry: the client should try again shortly (HTTP 503 with `Retry-After`).
    #[error("the database stayed busy after {attempts} attempts")]
    Busy {
        /// How many times the transaction was run.
        attempts: u32,
    },
    /// The database could not be reached or answered with an error.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
}

impl StoreError {
    /// True when the database could not be reached (pool timeout, I/O), as opposed to a query
    /// that the database refused: the former is a 503, the latter a bug or a conflict.
    pub fn is_unavailable(&self) -> bool {
        matches!(
            self,
            Self::Database(
                sqlx::Error::PoolTimedOut | sqlx::Error::Io(_) | sqlx::Error::PoolClosed
            )
        )
    }

    /// True when the database aborted the transaction only because it met another one: a
    /// PostgreSQL deadlock (`40P01`) or serialization failure (`40001`), or SQLite busy/locked
    /// (primary codes 5 and 6, with their extended variants). Running it again is safe.
    pub fn is_transient(&self) -> bool {
        let Self::Database(sqlx::Error::Database(db)) = self else {
            return false;
        };
        let Some(code) = db.code() else {
            return false;
        };
        match code.as_ref() {
            "40P01" | "40001" => true,
            other => other
                .parse::<i32>()
                .is_ok_and(|c| matches!(c & 0xff, 5 | 6)),
        }
    }

    /// Maps a unique-constraint violation (by the driver's error kind, never by message text)
    /// to `Duplicate { field }`; other errors pass through.
    pub fn on_unique(err: sqlx::Error, field: &'static str) -> Self {
        match &err {
            sqlx::Error::Database(db) if db.kind() == sqlx::error::ErrorKind::UniqueViolation => {
                Self::Duplicate { field }
            }
            _ => Self::Database(err),
        }
    }
}
