//! The write side of `emhana import-legacy`: one transaction for the whole run, every inserted
//! row remembered in `legacy_ids` (legacy table + id → new id) so a second run skips it. The
//! importer decides every value with the domain's rules; this module only writes them.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};
use emhana_domain::{PaymentMethod, PaymentStatus, Role, VisitStatus};
use sqlx::Any;

use crate::audit::{self, Actor, AuditEntry};

mod read;
use crate::{time, Store, StoreError};
pub use read::{LegacyDb, LegacyRows, ParentKey, Rec};

/// A legacy staff account.
#[derive(Debug, Clone)]
pub struct ImportedUser {
    /// Login as it was.
    pub login: String,
    /// Shown name.
    pub display_name: String,
    /// Mapped role.
    pub role: Role,
    /// The legacy bcrypt hash, kept so the old password still works once.
    pub password_hash: String,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last login, if known.
    pub last_login_at: Option<DateTime<Utc>>,
}

/// A legacy client as a patient.
#[derive(Debug, Clone)]
pub struct ImportedPatient {
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: Option<String>,
    /// Birth date.
    pub birth_date: Option<NaiveDate>,
    /// Phone (normalized, or as written when unreadable).
    pub phone: String,
    /// E-mail.
    pub email: Option<String>,
    /// Notes.
    pub notes: Option<String>,
    /// Active.
    pub is_active: bool,
    /// Case-folded search key.
    pub search_key: String,
    /// Created.
    pub created_at: DateTime<Utc>,
}

/// A legacy doctor.
#[derive(Debug, Clone)]
pub struct ImportedDoctor {
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
    /// Specialization.
    pub specialization: String,
    /// Phone.
    pub phone: Option<String>,
    /// E-mail.
    pub email: Option<String>,
    /// Active.
    pub is_active: bool,
    /// Created.
    pub created_at: DateTime<Utc>,
}

/// A legacy price-list service.
#[derive(Debug, Clone)]
pub struct ImportedService {
    /// Name.
    pub name: String,
    /// Description.
    pub description: Option<String>,
    /// Tiyn.
    pub base_price: i64,
    /// Minutes.
    pub duration_minutes: i64,
    /// Tied doctor.
    pub doctor_id: Option<i64>,
    /// Active.
    pub is_active: bool,
    /// Created.
    pub created_at: DateTime<Utc>,
}

/// A line of an imported visit.
#[derive(Debug, Clone)]
pub struct ImportedLine {
    /// `appointment_services.id`, none for a line made from the visit's own service.
    pub legacy_id: Option<i64>,
    /// Service.
    pub service_id: i64,
    /// Price-list price, tiyn.
    pub base_price: i64,
    /// Visit price, tiyn.
    pub price: i64,
    /// Allocated, tiyn.
    pub paid: i64,
}

/// A payment of an imported visit.
#[derive(Debug, Clone)]
pub struct ImportedPayment {
    /// The `appointment_service_payments` rows it was made of.
    pub legacy_ids: Vec<i64>,
    /// Method.
    pub method: PaymentMethod,
    /// Tiyn.
    pub amount: i64,
    /// When.
    pub paid_at: DateTime<Utc>,
    /// Clinic-local day of `paid_at`.
    pub local_date: NaiveDate,
    /// Notes of its rows.
    pub note: Option<String>,
    /// `(line index, tiyn)`.
    pub allocations: Vec<(usize, i64)>,
}

/// A legacy appointment with everything under it.
#[derive(Debug, Clone)]
pub struct ImportedVisit {
    /// Patient.
    pub patient_id: i64,
    /// Doctor.
    pub doctor_id: i64,
    /// Start.
    pub starts_at: DateTime<Utc>,
    /// End.
    pub ends_at: DateTime<Utc>,
    /// Clinic-local day of the start.
    pub local_date: NaiveDate,
    /// Status.
    pub status: VisitStatus,
    /// Lead source.
    pub source_id: i64,
    /// Notes.
    pub notes: Option<String>,
    /// When the appointment started (legacy `start_time`).
    pub started_at: Option<DateTime<Utc>>,
    /// When it ended (legacy `end_time`).
    pub finished_at: Option<DateTime<Utc>>,
    /// Σ prices.
    pub total: i64,
    /// Σ payments.
    pub paid: i64,
    /// Derived by the domain.
    pub payment_status: PaymentStatus,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Lines.
    pub lines: Vec<ImportedLine>,
    /// Payments.
    pub payments: Vec<ImportedPayment>,
}

/// A legacy audit row.
#[derive(Debug, Clone)]
pub struct ImportedAudit {
    /// When.
    pub at: DateTime<Utc>,
    /// Mapped user.
    pub user_id: Option<i64>,
    /// Legacy action (stored as `legacy:<action>`).
    pub action: String,
    /// Emhana entity name (or the legacy table's).
    pub entity: String,
    /// Mapped id.
    pub entity_id: Option<i64>,
    /// Before, JSON text.
    pub old_json: Option<String>,
    /// After, JSON text.
    pub new_json: Option<String>,
}

/// The open import transaction.
pub struct LegacyTx {
    tx: crate::WriteTx,
    backend: crate::Backend,
    /// Mappings read or written in this run (a visit looks up its patient, doctor and services:
    /// hundreds of thousands of lookups on a large clinic). The rows under a visit (lines,
    /// payment rows) are not kept here: nothing looks them up but the odd legacy audit row.
    known: HashMap<(&'static str, i64), Option<i64>>,
    /// Tables whose earlier mappings were all read into `known` (a miss there means "new").
    preloaded: HashSet<&'static str>,
    /// Rows nothing reads back during the import, written many at a time (one statement per
    /// row was most of a large import's time).
    pending: Pending,
    /// Ids taken for new rows and not used yet, per table (popped from the end).
    ids: HashMap<&'static str, Vec<i64>>,
    /// The highest id taken so far, per table.
    handed_out: HashMap<&'static str, i64>,
}

/// A line waiting to be written.
struct LineRow {
    id: i64,
    visit_id: i64,
    position: i64,
    line: ImportedLine,
}

/// Rows waiting for a multi-row INSERT, written in this order (each refers only to rows
/// before it).
#[derive(Default)]
struct Pending {
    /// `(id, visit)`.
    visits: Vec<(i64, ImportedVisit)>,
    /// The visits' lines.
    lines: Vec<LineRow>,
    /// `(id, visit id, payment)`.
    payments: Vec<(i64, i64, ImportedPayment)>,
    /// `(entity, legacy id, new id)` for `legacy_ids`.
    ids: Vec<(&'static str, i64, i64)>,
    /// `(visit, status code, at)`: each visit's one status-history row.
    history: Vec<(i64, &'static str, String)>,
    /// `(payment, line, tiyn)`.
    allocations: Vec<(i64, i64, i64)>,
}

impl Pending {
    /// Rows held in all.
    fn len(&self) -> usize {
        self.visits.len()
            + self.lines.len()
            + self.payments.len()
            + self.ids.len()
            + self.history.len()
            + self.allocations.len()
    }
}

/// SQLite's page cache while importing (256 MB; given back by [`LegacyTx::commit`] and
/// [`LegacyTx::rollback`]).
const IMPORT_CACHE: &str = "PRAGMA cache_size = -262144";
/// SQLite's default page cache (2 MB).
const DEFAULT_CACHE: &str = "PRAGMA cache_size = -2000";

/// Pending rows are written once this many wait.
const PENDING_ROWS: usize = 4_000;
/// Rows per multi-row INSERT (at most 16 parameters each: 4,000, well under either backend's
/// limit).
const ROWS_PER_INSERT: usize = 250;
// SQLite allows 32,766 parameters per statement, PostgreSQL 65,535; the widest row has 16.
const _: () = assert!(ROWS_PER_INSERT * 16 < 32_766);
/// Ids taken from a table's sequence at a time.
const ID_BLOCK: i64 = 1_000;

/// `($1, $2), ($3, $4), …` for `rows` rows of `width` parameters each, every row written as
/// `shape` with `{}` replaced by its parameters (e.g. `({}, NULL)`).
fn values(rows: usize, width: usize, shape: &str) -> String {
    (0..rows)
        .map(|r| {
            let params = (1..=width)
                .map(|c| format!("${}", r * width + c))
                .collect::<Vec<_>>()
                .join(", ");
            shape.replace("{}", &params)
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// A statement being bound.
type AnyQuery = sqlx::query::Query<'static, Any, sqlx::any::AnyArguments>;

/// Whether a remembered row of `entity` is looked up again in this run.
fn kept_in_memory(entity: &str) -> bool {
    !matches!(
        entity,
        "appointment_services" | "appointment_service_payments"
    )
}

fn day(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

impl Store {
    /// Opens the import's one transaction.
    pub async fn begin_legacy_import(&self) -> Result<LegacyTx, StoreError> {
        let mut tx = self.begin_write().await?;
        if self.backend() == crate::Backend::Sqlite {
            // The whole clinic is written in this one transaction: with SQLite's default 2 MB
            // page cache every index insert of a large import went back to the file.
            sqlx::query(IMPORT_CACHE).execute(&mut *tx).await?;
        }
        if self.backend() == crate::Backend::Postgres {
            // The tables grow from empty inside this one transaction, where no ANALYZE sees
            // them: a plan cached while they were small would scan them on every lookup later
            // (measured: quadratic, > 10 min for 100k visits). Plan each execution afresh.
            sqlx::query("SET LOCAL plan_cache_mode = force_custom_plan")
                .execute(&mut *tx)
                .await?;
        }
        Ok(LegacyTx {
            tx,
            backend: self.backend(),
            known: HashMap::new(),
            preloaded: HashSet::new(),
            pending: Pending::default(),
            ids: HashMap::new(),
            handed_out: HashMap::new(),
        })
    }
}

impl LegacyTx {
    /// The Emhana id a legacy row became in an earlier run, if any.
    pub async fn mapped(
        &mut self,
        entity: &'static str,
        legacy_id: i64,
    ) -> Result<Option<i64>, StoreError> {
        if let Some(known) = self.known.get(&(entity, legacy_id)) {
            return Ok(*known);
        }
        if self.preloaded.contains(entity) {
            return Ok(None);
        }
        self.flush().await?;
        let row: Option<(i64,)> =
            sqlx::query_as("SELECT new_id FROM legacy_ids WHERE entity = $1 AND legacy_id = $2")
                .bind(entity)
                .bind(legacy_id)
                .fetch_optional(&mut *self.tx)
                .await?;
        let found = row.map(|r| r.0);
        self.known.insert((entity, legacy_id), found);
        Ok(found)
    }

    /// Reads every earlier mapping of `entity` at once, so the table's rows need no lookup each.
    pub async fn preload(&mut self, entity: &'static str) -> Result<(), StoreError> {
        self.flush().await?;
        let rows: Vec<(i64, i64)> =
            sqlx::query_as("SELECT legacy_id, new_id FROM legacy_ids WHERE entity = $1")
                .bind(entity)
                .fetch_all(&mut *self.tx)
                .await?;
        for (legacy_id, new_id) in rows {
            self.known.insert((entity, legacy_id), Some(new_id));
        }
        self.preloaded.insert(entity);
        Ok(())
    }

    /// Remembers that a legacy row is (or became) an Emhana row (written with the next batch).
    pub async fn remember(
        &mut self,
        entity: &'static str,
        legacy_id: i64,
        new_id: i64,
    ) -> Result<(), StoreError> {
        self.pending.ids.push((entity, legacy_id, new_id));
        if kept_in_memory(entity) {
            self.known.insert((entity, legacy_id), Some(new_id));
        }
        self.flush_when_full().await
    }

    async fn flush_when_full(&mut self) -> Result<(), StoreError> {
        if self.pending.len() >= PENDING_ROWS {
            self.flush().await?;
        }
        Ok(())
    }

    /// Writes every pending row, in an order where each row's references are already written.
    async fn flush(&mut self) -> Result<(), StoreError> {
        let pending = std::mem::take(&mut self.pending);
        let visits = "appointments (id, patient_id, doctor_id, starts_at, ends_at, local_date, status, \
                      source_id, notes, started_at, finished_at, total, paid, payment_status, created_at, updated_at)";
        self.insert_many(visits, (16, "({})"), &pending.visits, |q, (id, v)| {
            let created = time::encode(v.created_at);
            q.bind(*id)
                .bind(v.patient_id)
                .bind(v.doctor_id)
                .bind(time::encode(v.starts_at))
                .bind(time::encode(v.ends_at))
                .bind(day(v.local_date))
                .bind(v.status.code())
                .bind(v.source_id)
                .bind(v.notes.clone())
                .bind(v.started_at.map(time::encode))
                .bind(v.finished_at.map(time::encode))
                .bind(v.total)
                .bind(v.paid)
                .bind(v.payment_status.code())
                .bind(created.clone())
                .bind(created)
        })
        .await?;
        let lines = "appointment_services (id, appointment_id, service_id, base_price, price, paid, position)";
        self.insert_many(lines, (7, "({})"), &pending.lines, |q, row| {
            q.bind(row.id)
                .bind(row.visit_id)
                .bind(row.line.service_id)
                .bind(row.line.base_price)
                .bind(row.line.price)
                .bind(row.line.paid)
                .bind(row.position)
        })
        .await?;
        let payments =
            "payments (id, appointment_id, method, amount, paid_at, local_date, note, updated_at)";
        self.insert_many(
            payments,
            (8, "({})"),
            &pending.payments,
            |q, (id, visit, p)| {
                let at = time::encode(p.paid_at);
                q.bind(*id)
                    .bind(*visit)
                    .bind(p.method.code())
                    .bind(p.amount)
                    .bind(at.clone())
                    .bind(day(p.local_date))
                    .bind(p.note.clone())
                    .bind(at)
            },
        )
        .await?;
        let ids = "legacy_ids (entity, legacy_id, new_id)";
        self.insert_many(
            ids,
            (3, "({})"),
            &pending.ids,
            |q, (entity, legacy, new)| q.bind(*entity).bind(*legacy).bind(*new),
        )
        .await?;
        let history =
            "appointment_status_history (appointment_id, to_status, at, from_status, reason)";
        let imported = "({}, NULL, 'импорт из старой системы')";
        self.insert_many(
            history,
            (3, imported),
            &pending.history,
            |q, (visit, status, at)| q.bind(*visit).bind(*status).bind(at.clone()),
        )
        .await?;
        let allocations = "payment_allocations (payment_id, line_id, amount)";
        self.insert_many(
            allocations,
            (3, "({})"),
            &pending.allocations,
            |q, (payment, line, amount)| q.bind(*payment).bind(*line).bind(*amount),
        )
        .await
    }

    /// `rows` into `table (columns)`, [`ROWS_PER_INSERT`] to a statement: each row is `shape`
    /// (see [`values`]) around `width` parameters that `bind` binds.
    async fn insert_many<T>(
        &mut self,
        table: &str,
        (width, shape): (usize, &str),
        rows: &[T],
        bind: impl Fn(AnyQuery, &T) -> AnyQuery,
    ) -> Result<(), StoreError> {
        for chunk in rows.chunks(ROWS_PER_INSERT) {
            let sql = format!(
                "INSERT INTO {table} VALUES {}",
                values(chunk.len(), width, shape)
            );
            let q = chunk
                .iter()
                .fold(sqlx::query(sqlx::AssertSqlSafe(sql)), &bind);
            q.execute(&mut *self.tx).await?;
        }
        Ok(())
    }

    /// Runs an INSERT … RETURNING id.
    async fn returning_id(
        &mut self,
        q: sqlx::query::QueryAs<'_, Any, (i64,), sqlx::any::AnyArguments>,
    ) -> Result<i64, StoreError> {
        Ok(q.fetch_one(&mut *self.tx).await?.0)
    }

    /// An existing account with this login (any case), if any.
    pub async fn user_by_login(&mut self, login: &str) -> Result<Option<i64>, StoreError> {
        let row: Option<(i64,)> = sqlx::query_as("SELECT id FROM users WHERE login_key = $1")
            .bind(crate::users::login_key(login))
            .fetch_optional(&mut *self.tx)
            .await?;
        Ok(row.map(|r| r.0))
    }

    /// Inserts a staff account (active; its bcrypt hash is replaced at its first login).
    pub async fn insert_user(&mut self, u: &ImportedUser) -> Result<i64, StoreError> {
        let created = time::encode(u.created_at);
        let q = sqlx::query_as(
            "INSERT INTO users (login, login_key, display_name, role, password_hash, created_at, updated_at, last_login_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $6, $7) RETURNING id",
        )
        .bind(u.login.clone())
        .bind(crate::users::login_key(&u.login))
        .bind(u.display_name.clone())
        .bind(u.role.code())
        .bind(u.password_hash.clone())
        .bind(created)
        .bind(u.last_login_at.map(time::encode));
        self.returning_id(q).await
    }

    /// An active patient with this phone: `(id, search key)`.
    pub async fn active_patient_by_phone(
        &mut self,
        phone: &str,
    ) -> Result<Option<(i64, String)>, StoreError> {
        Ok(
            sqlx::query_as(
                "SELECT id, search_key FROM patients WHERE phone = $1 AND is_active = 1",
            )
            .bind(phone)
            .fetch_optional(&mut *self.tx)
            .await?,
        )
    }

    /// Inserts a patient.
    pub async fn insert_patient(&mut self, p: &ImportedPatient) -> Result<i64, StoreError> {
        let q = sqlx::query_as(
            "INSERT INTO patients (first_name, last_name, birth_date, phone, email, notes, is_active, search_key, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id",
        )
        .bind(p.first_name.clone())
        .bind(p.last_name.clone())
        .bind(p.birth_date.map(day))
        .bind(p.phone.clone())
        .bind(p.email.clone())
        .bind(p.notes.clone())
        .bind(i32::from(p.is_active))
        .bind(p.search_key.clone())
        .bind(time::encode(p.created_at));
        self.returning_id(q).await
    }

    /// Inserts a doctor.
    pub async fn insert_doctor(&mut self, d: &ImportedDoctor) -> Result<i64, StoreError> {
        let q = sqlx::query_as(
            "INSERT INTO doctors (first_name, last_name, specialization, phone, email, is_active, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id",
        )
        .bind(d.first_name.clone())
        .bind(d.last_name.clone())
        .bind(d.specialization.clone())
        .bind(d.phone.clone())
        .bind(d.email.clone())
        .bind(i32::from(d.is_active))
        .bind(time::encode(d.created_at));
        self.returning_id(q).await
    }

    /// Inserts a price-list service.
    pub async fn insert_service(&mut self, s: &ImportedService) -> Result<i64, StoreError> {
        let q = sqlx::query_as(
            "INSERT INTO services (name, description, base_price, duration_minutes, doctor_id, is_active, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id",
        )
        .bind(s.name.clone())
        .bind(s.description.clone())
        .bind(s.base_price)
        .bind(s.duration_minutes)
        .bind(s.doctor_id)
        .bind(i32::from(s.is_active))
        .bind(time::encode(s.created_at));
        self.returning_id(q).await
    }

    /// Lead source ids by code.
    pub async fn source_ids(&mut self) -> Result<Vec<(String, i64)>, StoreError> {
        Ok(
            sqlx::query_as("SELECT code, id FROM lead_sources ORDER BY id")
                .fetch_all(&mut *self.tx)
                .await?,
        )
    }

    /// A service's base price and duration.
    pub async fn service_terms(&mut self, id: i64) -> Result<Option<(i64, i64)>, StoreError> {
        Ok(
            sqlx::query_as("SELECT base_price, duration_minutes FROM services WHERE id = $1")
                .bind(id)
                .fetch_optional(&mut *self.tx)
                .await?,
        )
    }

    /// Takes a visit with its lines, payments, allocations and one status-history row, and
    /// remembers the legacy ids of its lines and payment rows; its id, which is the visit's
    /// from this moment (the rows are written with the next batch, before anything reads them).
    pub async fn insert_visit(&mut self, v: &ImportedVisit) -> Result<i64, StoreError> {
        let visit_id = self.next_id("appointments").await?;
        let created = time::encode(v.created_at);
        self.pending
            .history
            .push((visit_id, v.status.code(), created));
        self.pending.visits.push((visit_id, v.clone()));
        let mut line_ids = Vec::with_capacity(v.lines.len());
        for (position, l) in v.lines.iter().enumerate() {
            let id = self.next_id("appointment_services").await?;
            self.pending.lines.push(LineRow {
                id,
                visit_id,
                position: position as i64,
                line: l.clone(),
            });
            if let Some(legacy) = l.legacy_id {
                self.remember("appointment_services", legacy, id).await?;
            }
            line_ids.push(id);
        }
        for p in &v.payments {
            let payment_id = self.next_id("payments").await?;
            self.pending
                .payments
                .push((payment_id, visit_id, p.clone()));
            for (line, amount) in p.allocations.iter().filter(|a| a.1 > 0) {
                self.pending
                    .allocations
                    .push((payment_id, line_ids[*line], *amount));
            }
            for legacy in &p.legacy_ids {
                self.remember("appointment_service_payments", *legacy, payment_id)
                    .await?;
            }
        }
        self.flush_when_full().await?;
        Ok(visit_id)
    }

    /// The id the next new row of `table` gets. SQLite: the import holds the only write
    /// transaction, so ids simply continue after the table's highest (and AUTOINCREMENT's
    /// memory of deleted ones); PostgreSQL: taken from the table's sequence a block at a time,
    /// so a server writing at the same time never gets the same id.
    async fn next_id(&mut self, table: &'static str) -> Result<i64, StoreError> {
        if let Some(id) = self.ids.get_mut(table).and_then(|free| free.pop()) {
            return Ok(id);
        }
        let block: Vec<(i64,)> = match self.backend {
            crate::Backend::Sqlite => {
                let sql = format!(
                    "SELECT MAX(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = '{table}'), 0), \
                            COALESCE((SELECT MAX(id) FROM {table}), 0), $1) + 1"
                );
                // Ids handed out but not yet written are above the table's highest.
                let after = self.handed_out.get(table).copied().unwrap_or(0);
                let (first,): (i64,) = sqlx::query_as(sqlx::AssertSqlSafe(sql))
                    .bind(after)
                    .fetch_one(&mut *self.tx)
                    .await?;
                (first..first + ID_BLOCK).map(|id| (id,)).collect()
            }
            crate::Backend::Postgres => {
                let sql = format!(
                    "SELECT nextval(pg_get_serial_sequence('{table}', 'id')) FROM generate_series(1, $1)"
                );
                sqlx::query_as(sqlx::AssertSqlSafe(sql))
                    .bind(ID_BLOCK)
                    .fetch_all(&mut *self.tx)
                    .await?
            }
        };
        let mut free: Vec<i64> = block.into_iter().map(|r| r.0).collect();
        free.sort_unstable_by(|a, b| b.cmp(a));
        if let Some(last) = free.first() {
            self.handed_out.insert(table, *last);
        }
        let id = free
            .pop()
            .ok_or_else(|| StoreError::Legacy(format!("{table}: нет id")))?;
        self.ids.insert(table, free);
        Ok(id)
    }

    /// Inserts a legacy audit row as history (`request_id` = `import-legacy`).
    pub async fn insert_audit(&mut self, a: &ImportedAudit) -> Result<i64, StoreError> {
        let q = sqlx::query_as(
            "INSERT INTO audit_log (at, user_id, action, entity, entity_id, old_json, new_json, request_id) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, 'import-legacy') RETURNING id",
        )
        .bind(time::encode(a.at))
        .bind(a.user_id)
        .bind(format!("legacy:{}", a.action))
        .bind(a.entity.clone())
        .bind(a.entity_id)
        .bind(a.old_json.clone())
        .bind(a.new_json.clone());
        self.returning_id(q).await
    }

    /// Keeps a legacy setting under `legacy.<key>` (never overwrites).
    pub async fn keep_setting(&mut self, key: &str, value: &str) -> Result<bool, StoreError> {
        let now = time::encode(Utc::now());
        let done = sqlx::query(
            "INSERT INTO settings (key, value, created_at, updated_at) VALUES ($1, $2, $3, $3) \
             ON CONFLICT (key) DO NOTHING",
        )
        .bind(format!("legacy.{key}"))
        .bind(value)
        .bind(now)
        .execute(&mut *self.tx)
        .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Appends the import's own audit row.
    pub async fn audit(&mut self, actor: &Actor, entry: AuditEntry<'_>) -> Result<(), StoreError> {
        audit::append(&mut self.tx, actor, entry).await
    }

    /// Recomputes the analytics aggregates over everything, imported rows included (the import
    /// writes rows directly, not through the per-visit write paths).
    pub async fn rebuild_stats(&mut self) -> Result<(), StoreError> {
        self.flush().await?;
        crate::stats::rebuild(&mut self.tx, self.backend).await
    }

    /// Makes the import permanent.
    pub async fn commit(mut self) -> Result<(), StoreError> {
        self.flush().await?;
        self.default_cache().await?;
        Ok(self.tx.commit().await?)
    }

    /// Throws the whole run away (`--dry-run`, or after an error).
    pub async fn rollback(mut self) -> Result<(), StoreError> {
        self.default_cache().await?;
        Ok(self.tx.rollback().await?)
    }

    /// Gives the import's page cache back (the connection returns to the server's pool).
    async fn default_cache(&mut self) -> Result<(), StoreError> {
        if self.backend == crate::Backend::Sqlite {
            sqlx::query(DEFAULT_CACHE).execute(&mut *self.tx).await?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_number_every_parameter_once_across_rows() {
        assert_eq!(values(1, 2, "({})"), "($1, $2)");
        assert_eq!(values(2, 3, "({})"), "($1, $2, $3), ($4, $5, $6)");
        assert_eq!(
            values(2, 1, "({}, NULL, 'x')"),
            "($1, NULL, 'x'), ($2, NULL, 'x')"
        );
        assert_eq!(values(0, 3, "({})"), "");
    }

    #[test]
    fn only_rows_looked_up_again_are_kept_in_memory() {
        assert!(kept_in_memory("clients"));
        assert!(kept_in_memory("appointments"));
        assert!(!kept_in_memory("appointment_services"));
        assert!(!kept_in_memory("appointment_service_payments"));
    }
}
