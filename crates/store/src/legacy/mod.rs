//! The write side of `emhana import-legacy`: one transaction for the whole run, every inserted
//! row remembered in `legacy_ids` (legacy table + id → new id) so a second run skips it. The
//! importer decides every value with the domain's rules; this module only writes them.

use std::collections::{HashMap, HashSet};

use chrono::{NaiveDate, Utc};
use sqlx::Any;

use crate::audit::{self, Actor, AuditEntry};

mod batch;
mod read;
mod records;
use crate::{time, Store, StoreError};
use batch::{kept_in_memory, LineRow, Pending};
pub use read::{LegacyDb, LegacyRows, ParentKey, Rec};
pub use records::{
    ImportedAudit, ImportedDoctor, ImportedLine, ImportedPatient, ImportedPayment, ImportedService,
    ImportedUser, ImportedVisit,
};

/// SQLite's page cache while importing (256 MB; given back by [`LegacyTx::commit`] and
/// [`LegacyTx::rollback`]).
const IMPORT_CACHE: &str = "PRAGMA cache_size = -262144";
/// SQLite's default page cache (2 MB).
const DEFAULT_CACHE: &str = "PRAGMA cache_size = -2000";

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
