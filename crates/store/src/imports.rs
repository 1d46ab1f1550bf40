//! Spreadsheet imports (issue 18): what the planner compares a file with (the active patients
//! with the file's phones, the price list, the doctors), and the apply — every planned create
//! and update in one transaction with its audit rows, all or nothing.

use std::collections::HashMap;

use chrono::NaiveDate;
use emhana_domain::directories::{DoctorCard, ServiceCard};
use emhana_domain::import::{doctor_key, normalize, Existing, RowAction, RowPlan, ServiceRow};
use emhana_domain::patient::{PatientCard, PatientInput};
use emhana_domain::Money;
use serde_json::json;
use sqlx::Row;

use crate::audit::{self, Actor, AuditEntry};
use crate::{time, Store, StoreError};

/// Phones looked up per query.
const PHONES_PER_QUERY: usize = 500;

/// How many rows an apply created and updated.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Applied {
    /// New records.
    pub created: usize,
    /// Changed records.
    pub updated: usize,
}

/// The creates and updates of a plan: each value with the record it updates (`None`: a new one).
fn writes<T>(plan: &[RowPlan<T>]) -> impl Iterator<Item = (&T, Option<i64>)> {
    plan.iter().filter_map(|p| match &p.action {
        RowAction::Create(value) => Some((value, None)),
        RowAction::Update { id, card } => Some((card, Some(*id))),
        _ => None,
    })
}

impl Applied {
    /// Counts one written record and appends its audit row (`updated`: the id it updated).
    async fn record(
        &mut self,
        conn: &mut sqlx::AnyConnection,
        actor: &Actor,
        (entity, updated): (&'static str, Option<i64>),
        id: i64,
        new: serde_json::Value,
    ) -> Result<(), StoreError> {
        let action = if updated.is_some() {
            self.updated += 1;
            "update"
        } else {
            self.created += 1;
            "create"
        };
        let entry = AuditEntry {
            action,
            entity,
            entity_id: Some(id),
            old: None,
            new: Some(new),
        };
        audit::append(conn, actor, entry).await
    }
}

fn patient_json(card: &PatientCard) -> serde_json::Value {
    json!({
        "first_name": card.first_name.as_str(),
        "last_name": card.last_name.as_ref().map(|n| n.as_str()),
        "birth_date": card.birth_date.map(|d| d.to_string()),
        "phone": card.phone.as_str(),
        "email": card.email.as_ref().map(|e| e.as_str()),
        "notes": card.notes,
    })
}

fn service_json(r: &ServiceRow) -> serde_json::Value {
    json!({
        "name": r.card.name,
        "description": r.card.description,
        "base_price": r.card.base_price.to_string(),
        "duration_minutes": r.card.duration_minutes,
        "doctor_id": r.doctor_id,
    })
}

impl Store {
    /// The active patients holding any of `phones` (normalized), by phone, as cards.
    pub async fn patients_by_phones(
        &self,
        phones: &[String],
        today: NaiveDate,
    ) -> Result<Existing<PatientCard>, StoreError> {
        let mut found = HashMap::new();
        for batch in phones.chunks(PHONES_PER_QUERY) {
            let marks: Vec<String> = (1..=batch.len()).map(|i| format!("${i}")).collect();
            let sql = format!(
                "SELECT id, first_name, last_name, birth_date, phone, email, notes FROM patients \
                 WHERE is_active = 1 AND phone IN ({})",
                marks.join(", ")
            );
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql)).persistent(false);
            for phone in batch {
                q = q.bind(phone.as_str());
            }
            for row in q.fetch_all(self.pool()).await? {
                let text = |c: &str| row.try_get::<Option<String>, _>(c);
                let (first, last, birth) =
                    (text("first_name")?, text("last_name")?, text("birth_date")?);
                let (email, notes) = (text("email")?, text("notes")?);
                let phone: String = row.try_get("phone")?;
                let input = PatientInput {
                    first_name: first.as_deref().unwrap_or_default(),
                    last_name: last.as_deref(),
                    birth_date: birth.as_deref(),
                    phone: &phone,
                    email: email.as_deref(),
                    notes: notes.as_deref(),
                };
                let card = PatientCard::parse(&input, today).ok();
                found.insert(phone.clone(), (row.try_get("id")?, card));
            }
        }
        Ok(found)
    }

    /// The active doctors by normalized "Фамилия Имя", as cards.
    pub async fn doctors_for_import(&self) -> Result<Existing<DoctorCard>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, first_name, last_name, specialization, phone, email FROM doctors \
             WHERE is_active = 1 ORDER BY id",
        )
        .fetch_all(self.pool())
        .await?;
        let mut found = HashMap::new();
        for row in rows {
            let (first, last): (String, String) =
                (row.try_get("first_name")?, row.try_get("last_name")?);
            let card = DoctorCard::parse(
                &first,
                &last,
                &row.try_get::<String, _>("specialization")?,
                row.try_get::<Option<String>, _>("phone")?.as_deref(),
                row.try_get::<Option<String>, _>("email")?.as_deref(),
            )
            .ok();
            found
                .entry(doctor_key(&last, &first))
                .or_insert((row.try_get("id")?, card));
        }
        Ok(found)
    }

    /// Writes a doctors plan like [`Store::apply_patient_import`].
    pub async fn apply_doctor_import(
        &self,
        actor: &Actor,
        file: &str,
        plan: &[RowPlan<DoctorCard>],
    ) -> Result<Applied, StoreError> {
        let now = time::encode(chrono::Utc::now());
        let mut tx = self.begin_write().await?;
        let mut applied = Applied::default();
        for (card, id) in writes(plan) {
            let q = match id {
                None => sqlx::query(
                    "INSERT INTO doctors (first_name, last_name, specialization, phone, email, created_at, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id",
                ),
                Some(_) => sqlx::query(
                    "UPDATE doctors SET first_name = $1, last_name = $2, specialization = $3, phone = $4, \
                     email = $5, updated_at = $6, version = version + 1 \
                     WHERE id = $7 AND is_active = 1 RETURNING id",
                ),
            };
            let mut q = q
                .bind(card.first_name.as_str())
                .bind(card.last_name.as_str())
                .bind(&card.specialization)
                .bind(card.phone.as_ref().map(|p| p.as_str()))
                .bind(card.email.as_ref().map(|e| e.as_str()))
                .bind(&now);
            if let Some(id) = id {
                q = q.bind(id);
            }
            let Some(row) = q.fetch_optional(&mut *tx).await? else {
                return Err(StoreError::StaleVersion { current: 0 });
            };
            let new_id: i64 = row.try_get("id")?;
            applied
                .record(&mut tx, actor, ("doctor", id), new_id, json!({
                    "first_name": card.first_name.as_str(), "last_name": card.last_name.as_str(),
                    "specialization": card.specialization,
                    "phone": card.phone.as_ref().map(|p| p.as_str()),
                    "email": card.email.as_ref().map(|e| e.as_str()),
                }))
                .await?;
        }
        summary(&mut tx, actor, "doctors", file, applied).await?;
        tx.commit().await?;
        Ok(applied)
    }

    /// The active price list by normalized name, and the active doctors by normalized
    /// "Фамилия Имя" (as the export writes them).
    pub async fn price_list_for_import(
        &self,
    ) -> Result<(Existing<ServiceRow>, HashMap<String, i64>), StoreError> {
        let mut services = HashMap::new();
        let rows = sqlx::query(
            "SELECT id, name, description, base_price, duration_minutes, doctor_id FROM services \
             WHERE is_active = 1 ORDER BY id",
        )
        .fetch_all(self.pool())
        .await?;
        for row in rows {
            let name: String = row.try_get("name")?;
            let value = ServiceRow {
                card: ServiceCard {
                    name: name.clone(),
                    description: row.try_get("description")?,
                    base_price: Money::from_tiyn(row.try_get("base_price")?),
                    duration_minutes: row.try_get("duration_minutes")?,
                },
                doctor_id: row.try_get("doctor_id")?,
            };
            services
                .entry(normalize(&name))
                .or_insert((row.try_get("id")?, Some(value)));
        }
        let mut doctors = HashMap::new();
        let rows = sqlx::query(
            "SELECT id, last_name || ' ' || first_name AS name FROM doctors WHERE is_active = 1 ORDER BY id",
        )
        .fetch_all(self.pool())
        .await?;
        for row in rows {
            let name: String = row.try_get("name")?;
            doctors
                .entry(normalize(&name))
                .or_insert(row.try_get("id")?);
        }
        Ok((services, doctors))
    }

    /// Writes a patients plan (its creates and updates) in one transaction with an audit row per
    /// record and one for the import. The caller has checked the plan has no invalid rows.
    pub async fn apply_patient_import(
        &self,
        actor: &Actor,
        file: &str,
        plan: &[RowPlan<PatientCard>],
    ) -> Result<Applied, StoreError> {
        let now = time::encode(chrono::Utc::now());
        let mut tx = self.begin_write().await?;
        let mut applied = Applied::default();
        for (card, id) in writes(plan) {
            let q = match id {
                None => sqlx::query(
                    "INSERT INTO patients (first_name, last_name, birth_date, phone, email, notes, search_key, created_at, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id",
                ),
                Some(_) => sqlx::query(
                    "UPDATE patients SET first_name = $1, last_name = $2, birth_date = $3, phone = $4, email = $5, \
                     notes = $6, search_key = $7, updated_at = $8, version = version + 1 \
                     WHERE id = $9 AND is_active = 1 RETURNING id",
                ),
            };
            let mut q = q
                .bind(card.first_name.as_str())
                .bind(card.last_name.as_ref().map(|n| n.as_str()))
                .bind(card.birth_date.map(|d| d.to_string()))
                .bind(card.phone.as_str())
                .bind(card.email.as_ref().map(|e| e.as_str()))
                .bind(card.notes.as_deref())
                .bind(card.search_key())
                .bind(&now);
            if let Some(id) = id {
                q = q.bind(id);
            }
            let row = q
                .fetch_optional(&mut *tx)
                .await
                .map_err(|e| StoreError::on_unique(e, "phone"))?;
            // Deactivated between the plan and this write (the plan is made in the same request):
            // the file no longer matches the clinic; nothing is kept.
            let Some(row) = row else {
                return Err(StoreError::StaleVersion { current: 0 });
            };
            let new_id: i64 = row.try_get("id")?;
            applied
                .record(&mut tx, actor, ("patient", id), new_id, patient_json(card))
                .await?;
        }
        summary(&mut tx, actor, "patients", file, applied).await?;
        tx.commit().await?;
        Ok(applied)
    }

    /// Writes a price-list plan like [`Store::apply_patient_import`].
    pub async fn apply_service_import(
        &self,
        actor: &Actor,
        file: &str,
        plan: &[RowPlan<ServiceRow>],
    ) -> Result<Applied, StoreError> {
        let now = time::encode(chrono::Utc::now());
        let mut tx = self.begin_write().await?;
        let mut applied = Applied::default();
        for (r, id) in writes(plan) {
            let q = match id {
                None => sqlx::query(
                    "INSERT INTO services (name, description, base_price, duration_minutes, doctor_id, created_at, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id",
                ),
                Some(_) => sqlx::query(
                    "UPDATE services SET name = $1, description = $2, base_price = $3, duration_minutes = $4, \
                     doctor_id = $5, updated_at = $6, version = version + 1 \
                     WHERE id = $7 AND is_active = 1 RETURNING id",
                ),
            };
            let mut q = q
                .bind(&r.card.name)
                .bind(r.card.description.as_deref())
                .bind(r.card.base_price.tiyn())
                .bind(r.card.duration_minutes)
                .bind(r.doctor_id)
                .bind(&now);
            if let Some(id) = id {
                q = q.bind(id);
            }
            let row = q.fetch_optional(&mut *tx).await?;
            let Some(row) = row else {
                return Err(StoreError::StaleVersion { current: 0 });
            };
            let new_id: i64 = row.try_get("id")?;
            applied
                .record(&mut tx, actor, ("service", id), new_id, service_json(r))
                .await?;
        }
        summary(&mut tx, actor, "services", file, applied).await?;
        tx.commit().await?;
        Ok(applied)
    }
}

async fn summary(
    conn: &mut sqlx::AnyConnection,
    actor: &Actor,
    kind: &str,
    file: &str,
    applied: Applied,
) -> Result<(), StoreError> {
    let entry = AuditEntry {
        action: "import",
        entity: "import",
        entity_id: None,
        old: None,
        new: Some(json!({
            "kind": kind, "file": file, "created": applied.created, "updated": applied.updated,
        })),
    };
    audit::append(conn, actor, entry).await
}
