//! Patients: create, change, deactivate (each with its audit row in one transaction), read,
//! and search by case-folded name or phone digits with keyset paging.

use chrono::NaiveDate;
use emhana_domain::ids::PatientId;
use emhana_domain::patient::PatientCard;
use emhana_domain::patient_history::{History, HistoryVisit};
use emhana_domain::reminder::{Consent, Language, PatientReminders};
use emhana_domain::visit_status::VisitStatus;
use emhana_domain::Money;
use serde_json::json;

use crate::audit::{self, Actor, AuditEntry};
use crate::{time, Store, StoreError};

/// A patient as stored.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PatientRow {
    /// Id.
    pub id: i64,
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: Option<String>,
    /// `YYYY-MM-DD`.
    pub birth_date: Option<String>,
    /// `+7XXXXXXXXXX`.
    pub phone: String,
    /// E-mail.
    pub email: Option<String>,
    /// Notes.
    pub notes: Option<String>,
    /// Active (false: deactivated).
    #[sqlx(try_from = "crate::time::Flag")]
    pub is_active: bool,
    /// Optimistic-locking version.
    pub version: i64,
    /// Created (instant text).
    pub created_at: String,
    /// Updated (instant text).
    pub updated_at: String,
    /// Reminders through WhatsApp allowed.
    #[sqlx(try_from = "crate::time::Flag")]
    pub remind_whatsapp: bool,
    /// Reminders by SMS allowed.
    #[sqlx(try_from = "crate::time::Flag")]
    pub remind_sms: bool,
    /// `ru` | `kk`.
    pub remind_language: String,
}

impl PatientRow {
    /// The patient's reminder consent and language.
    pub fn reminders(&self) -> PatientReminders {
        PatientReminders {
            consent: Consent {
                whatsapp: self.remind_whatsapp,
                sms: self.remind_sms,
            },
            language: Language::parse("remind_language", &self.remind_language).unwrap_or_default(),
        }
    }

    /// What the audit log records of a patient.
    pub fn audit_json(&self) -> serde_json::Value {
        json!({
            "first_name": self.first_name, "last_name": self.last_name, "birth_date": self.birth_date,
            "phone": self.phone, "email": self.email, "notes": self.notes, "is_active": self.is_active,
            "reminders": { "whatsapp": self.remind_whatsapp, "sms": self.remind_sms, "language": self.remind_language },
        })
    }
}

pub(crate) const COLUMNS: &str =
    "id, first_name, last_name, birth_date, phone, email, notes, is_active, version, created_at, updated_at, \
     remind_whatsapp, remind_sms, remind_language";

/// Search and paging of the patient list.
#[derive(Debug, Clone, Default)]
pub struct PatientQuery {
    /// Case-folded text to find in names (and phone).
    pub text: Option<String>,
    /// Digits to find in the normalized phone.
    pub phone_digits: Option<String>,
    /// Include deactivated patients.
    pub include_inactive: bool,
    /// Only ids below this (newest first).
    pub before_id: Option<i64>,
    /// Page size.
    pub limit: i64,
}

fn date_text(d: Option<NaiveDate>) -> Option<String> {
    d.map(|d| d.format("%Y-%m-%d").to_string())
}

impl Store {
    /// How many patient cards exist (active or not): tells an empty clinic from a real one.
    pub async fn count_patients(&self) -> Result<i64, StoreError> {
        let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM patients")
            .fetch_one(self.pool())
            .await?;
        Ok(n)
    }

    /// One patient.
    pub async fn patient(&self, id: PatientId) -> Result<Option<PatientRow>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM patients WHERE id = $1");
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(id.0)
            .fetch_optional(self.pool())
            .await?)
    }

    /// The active patient holding a phone, if any (names the clash of a duplicate).
    pub async fn active_patient_by_phone(
        &self,
        phone: &str,
    ) -> Result<Option<PatientRow>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM patients WHERE phone = $1 AND is_active = 1");
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(phone)
            .fetch_optional(self.pool())
            .await?)
    }

    /// Newest first; text matches names or phone, digits match the phone; both → either.
    ///
    /// The SQL names only the conditions present (no `$n IS NULL OR …`), and the digits are
    /// looked for in `search_key` (which ends with the phone): so on PostgreSQL each pattern can
    /// use the trigram index on `search_key`, and a generic plan of one query shape never has
    /// to serve another.
    pub async fn search_patients(&self, q: &PatientQuery) -> Result<Vec<PatientRow>, StoreError> {
        let like = |s: &str| format!("%{}%", escape_like(s));
        let mut patterns: Vec<String> = q.text.iter().map(|t| like(t)).collect();
        if let Some(d) = q.phone_digits.as_deref().map(like) {
            if !patterns.contains(&d) {
                patterns.push(d);
            }
        }
        let mut conditions = Vec::new();
        if !q.include_inactive {
            conditions.push("is_active = 1".to_owned());
        }
        let mut n = 0;
        let mut next = || {
            n += 1;
            format!("${n}")
        };
        if !patterns.is_empty() {
            let any: Vec<String> = patterns
                .iter()
                .map(|_| format!("search_key LIKE {} ESCAPE '\\'", next()))
                .collect();
            conditions.push(format!("({})", any.join(" OR ")));
        }
        if q.before_id.is_some() {
            conditions.push(format!("id < {}", next()));
        }
        let limit = next();
        let filter = if conditions.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", conditions.join(" AND "))
        };
        let sql = format!("SELECT {COLUMNS} FROM patients {filter} ORDER BY id DESC LIMIT {limit}");
        let mut query = sqlx::query_as(sqlx::AssertSqlSafe(sql));
        for p in patterns {
            query = query.bind(p);
        }
        if let Some(before) = q.before_id {
            query = query.bind(before);
        }
        Ok(query.bind(q.limit).fetch_all(self.pool()).await?)
    }

    /// A patient's history in figures as of `now` (`emhana_domain::patient_history`); none
    /// when there is no such patient.
    pub async fn patient_history(
        &self,
        id: PatientId,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<Option<History>, StoreError> {
        if self.patient(id).await?.is_none() {
            return Ok(None);
        }
        let facts: Vec<(String, i64, i64, String, String)> = sqlx::query_as(
            "SELECT a.status, a.total, a.paid, a.starts_at, s.label FROM appointments a \
             JOIN lead_sources s ON s.id = a.source_id WHERE a.patient_id = $1 ORDER BY a.starts_at, a.id",
        )
        .bind(id.0)
        .fetch_all(self.pool())
        .await?;
        let mut visits = Vec::with_capacity(facts.len());
        for (status, total, paid, starts_at, source) in &facts {
            visits.push(HistoryVisit {
                status: VisitStatus::from_code(status).unwrap_or(VisitStatus::Cancelled),
                total: Money::from_tiyn(*total),
                paid: Money::from_tiyn(*paid),
                starts_at: time::decode(starts_at)?,
                source,
            });
        }
        History::of(visits, now)
            .map(Some)
            .map_err(|e| StoreError::Config(format!("patient {} history: {e}", id.0)))
    }

    /// Makes a deactivated patient active again if `version` is current (audited). Another
    /// active patient holding the phone by now → `PhoneTaken` naming them.
    pub async fn reactivate_patient(
        &self,
        actor: &Actor,
        id: PatientId,
        version: i64,
    ) -> Result<PatientRow, StoreError> {
        let result = crate::retry::transient(async || {
            self.set_patient_active_once(actor, id, version, true).await
        })
        .await;
        let phone = match &result {
            Err(StoreError::Duplicate { field: "phone" }) => {
                self.patient(id).await?.map(|p| p.phone)
            }
            _ => None,
        };
        self.name_phone_holder(result, phone.as_deref().unwrap_or_default())
            .await
    }

    /// Creates a patient (audited). An active patient with the same phone → `PhoneTaken`.
    pub async fn create_patient(
        &self,
        actor: &Actor,
        card: &PatientCard,
        reminders: Option<PatientReminders>,
    ) -> Result<PatientRow, StoreError> {
        let reminders = reminders.unwrap_or_default();
        let created = crate::retry::transient(async || {
            self.create_patient_once(actor, card, reminders).await
        })
        .await;
        self.name_phone_holder(created, card.phone.as_str()).await
    }

    /// A unique-phone violation becomes `PhoneTaken` naming the active holder (read after the
    /// failed transaction rolled back); other outcomes pass through.
    async fn name_phone_holder(
        &self,
        result: Result<PatientRow, StoreError>,
        phone: &str,
    ) -> Result<PatientRow, StoreError> {
        let Err(StoreError::Duplicate { field: "phone" }) = result else {
            return result;
        };
        match self.active_patient_by_phone(phone).await? {
            Some(holder) => Err(StoreError::PhoneTaken {
                patient_id: PatientId(holder.id),
                name: format!(
                    "{} {}",
                    holder.first_name,
                    holder.last_name.unwrap_or_default()
                )
                .trim()
                .to_owned(),
            }),
            None => Err(StoreError::Duplicate { field: "phone" }),
        }
    }

    async fn create_patient_once(
        &self,
        actor: &Actor,
        card: &PatientCard,
        reminders: PatientReminders,
    ) -> Result<PatientRow, StoreError> {
        let now = time::encode(chrono::Utc::now());
        let mut tx = self.begin_write().await?;
        let sql = format!(
            "INSERT INTO patients (first_name, last_name, birth_date, phone, email, notes, search_key, created_at, updated_at, \
                                   remind_whatsapp, remind_sms, remind_language) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, $9, $10, $11) RETURNING {COLUMNS}"
        );
        let row: PatientRow = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(card.first_name.as_str())
            .bind(card.last_name.as_ref().map(|n| n.as_str()))
            .bind(date_text(card.birth_date))
            .bind(card.phone.as_str())
            .bind(card.email.as_ref().map(|e| e.as_str()))
            .bind(card.notes.as_deref())
            .bind(card.search_key())
            .bind(&now)
            .bind(i64::from(reminders.consent.whatsapp))
            .bind(i64::from(reminders.consent.sms))
            .bind(reminders.language.code())
            .fetch_one(&mut *tx)
            .await
            .map_err(|e| StoreError::on_unique(e, "phone"))?;
        let entry = AuditEntry {
            action: "create",
            entity: "patient",
            entity_id: Some(row.id),
            old: None,
            new: Some(row.audit_json()),
        };
        audit::append(&mut tx, actor, entry).await?;
        tx.commit().await?;
        Ok(row)
    }

    /// Replaces a patient's card if `version` is current (audited with old and new); reminder
    /// consent too when given (none keeps it).
    pub async fn update_patient(
        &self,
        actor: &Actor,
        id: PatientId,
        version: i64,
        card: &PatientCard,
        reminders: Option<PatientReminders>,
    ) -> Result<PatientRow, StoreError> {
        let updated = crate::retry::transient(async || {
            self.update_patient_once(actor, id, version, card, reminders)
                .await
        })
        .await;
        self.name_phone_holder(updated, card.phone.as_str()).await
    }

    async fn update_patient_once(
        &self,
        actor: &Actor,
        id: PatientId,
        version: i64,
        card: &PatientCard,
        reminders: Option<PatientReminders>,
    ) -> Result<PatientRow, StoreError> {
        let now = time::encode(chrono::Utc::now());
        let mut tx = self.begin_write().await?;
        let old: PatientRow = crate::claim_row(&mut tx, "patients", COLUMNS, id.0, version).await?;
        let sql = format!(
            "UPDATE patients SET first_name = $1, last_name = $2, birth_date = $3, phone = $4, email = $5, notes = $6, \
                    search_key = $7, version = version + 1, updated_at = $8, \
                    remind_whatsapp = COALESCE($10, remind_whatsapp), remind_sms = COALESCE($11, remind_sms), \
                    remind_language = COALESCE($12, remind_language) \
             WHERE id = $9 RETURNING {COLUMNS}"
        );
        let new: PatientRow = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(card.first_name.as_str())
            .bind(card.last_name.as_ref().map(|n| n.as_str()))
            .bind(date_text(card.birth_date))
            .bind(card.phone.as_str())
            .bind(card.email.as_ref().map(|e| e.as_str()))
            .bind(card.notes.as_deref())
            .bind(card.search_key())
            .bind(&now)
            .bind(id.0)
            .bind(reminders.map(|r| i64::from(r.consent.whatsapp)))
            .bind(reminders.map(|r| i64::from(r.consent.sms)))
            .bind(reminders.map(|r| r.language.code()))
            .fetch_one(&mut *tx)
            .await
            .map_err(|e| StoreError::on_unique(e, "phone"))?;
        let entry = AuditEntry::changed(
            "update",
            "patient",
            id.0,
            &old.audit_json(),
            &new.audit_json(),
        );
        audit::append(&mut tx, actor, entry).await?;
        tx.commit().await?;
        Ok(new)
    }

    /// Deactivates a patient (soft delete: history keeps them; pickers and search hide them).
    pub async fn deactivate_patient(
        &self,
        actor: &Actor,
        id: PatientId,
        version: i64,
    ) -> Result<PatientRow, StoreError> {
        crate::retry::transient(async || {
            self.set_patient_active_once(actor, id, version, false)
                .await
        })
        .await
    }

    /// Deactivates (`delete` in the audit log) or reactivates (`update`) a patient if
    /// `version` is current; a reactivation that would give an active patient's phone to a
    /// second one fails on the unique index (`Duplicate { phone }`).
    async fn set_patient_active_once(
        &self,
        actor: &Actor,
        id: PatientId,
        version: i64,
        active: bool,
    ) -> Result<PatientRow, StoreError> {
        let now = time::encode(chrono::Utc::now());
        let mut tx = self.begin_write().await?;
        let sql = format!(
            "UPDATE patients SET is_active = $4, version = version + 1, updated_at = $1 \
             WHERE id = $2 AND version = $3 RETURNING {COLUMNS}"
        );
        let row: Option<PatientRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(&now)
            .bind(id.0)
            .bind(version)
            .bind(i64::from(active))
            .fetch_optional(&mut *tx)
            .await
            .map_err(|e| StoreError::on_unique(e, "phone"))?;
        let Some(row) = row else {
            return Err(crate::missing_or_stale_row(&mut tx, "patients", Some(id.0)).await);
        };
        let entry = AuditEntry {
            action: if active { "update" } else { "delete" },
            entity: "patient",
            entity_id: Some(id.0),
            old: Some(json!({ "is_active": !active })),
            new: Some(json!({ "is_active": active })),
        };
        audit::append(&mut tx, actor, entry).await?;
        tx.commit().await?;
        Ok(row)
    }
}

/// Escapes LIKE wildcards in user text, so "50%" searches for a literal percent sign.
fn escape_like(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}
