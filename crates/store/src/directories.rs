//! Doctors, services (price list) and lead sources: create, change, deactivate — each use case one
//! transaction with its audit row; reads for lists and pickers.

use emhana_domain::directories::{check_source_deactivation, DoctorCard, ServiceCard};
use serde_json::{json, Value};

use crate::audit::{self, Actor, AuditEntry};
use crate::{time, Store, StoreError};

/// A doctor as stored.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DoctorRow {
    /// Id.
    pub id: i64,
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
    #[sqlx(try_from = "crate::time::Flag")]
    pub is_active: bool,
    /// Version.
    pub version: i64,
    /// Last change (RFC 3339 UTC): the incremental sync's order.
    pub updated_at: String,
}

/// A service as stored (price in tiyn).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ServiceRow {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Description.
    pub description: Option<String>,
    /// Base price, tiyn.
    pub base_price: i64,
    /// Minutes.
    pub duration_minutes: i64,
    /// Tied doctor.
    pub doctor_id: Option<i64>,
    /// Active.
    #[sqlx(try_from = "crate::time::Flag")]
    pub is_active: bool,
    /// Version.
    pub version: i64,
    /// Last change (RFC 3339 UTC): the incremental sync's order.
    pub updated_at: String,
}

/// A lead source as stored.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LeadSourceRow {
    /// Id.
    pub id: i64,
    /// Stable code.
    pub code: String,
    /// Russian label.
    pub label: String,
    /// The default ("Повторное посещение").
    #[sqlx(try_from = "crate::time::Flag")]
    pub is_default: bool,
    /// Active.
    #[sqlx(try_from = "crate::time::Flag")]
    pub is_active: bool,
    /// Version.
    pub version: i64,
    /// Last change (RFC 3339 UTC): the incremental sync's order.
    pub updated_at: String,
}

pub(crate) const DOCTOR: &str =
    "id, first_name, last_name, specialization, phone, email, is_active, version, updated_at";
pub(crate) const SERVICE: &str = "id, name, description, base_price, duration_minutes, doctor_id, is_active, version, updated_at";
pub(crate) const SOURCE: &str = "id, code, label, is_default, is_active, version, updated_at";

/// The three directory tables (names come from code, never from input).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Directory {
    /// `doctors`
    Doctors,
    /// `services`
    Services,
    /// `lead_sources`
    LeadSources,
}

impl Directory {
    fn table(self) -> &'static str {
        match self {
            Self::Doctors => "doctors",
            Self::Services => "services",
            Self::LeadSources => "lead_sources",
        }
    }

    fn entity(self) -> &'static str {
        match self {
            Self::Doctors => "doctor",
            Self::Services => "service",
            Self::LeadSources => "lead_source",
        }
    }
}

/// The audit row of a directory save: a creation records the new card, a change only the
/// fields that changed (old → new).
fn audit_save(
    entity: &'static str,
    id: i64,
    old: Option<Value>,
    new: Value,
) -> AuditEntry<'static> {
    match old {
        Some(old) => AuditEntry::changed("update", entity, id, &old, &new),
        None => AuditEntry {
            action: "create",
            entity,
            entity_id: Some(id),
            old: None,
            new: Some(new),
        },
    }
}

fn doctor_json(r: &DoctorRow) -> Value {
    json!({"first_name": r.first_name, "last_name": r.last_name, "specialization": r.specialization, "phone": r.phone, "email": r.email, "is_active": r.is_active})
}

fn service_json(r: &ServiceRow) -> Value {
    json!({"name": r.name, "description": r.description, "base_price": emhana_domain::Money::from_tiyn(r.base_price), "duration_minutes": r.duration_minutes, "doctor_id": r.doctor_id, "is_active": r.is_active})
}

impl Store {
    /// Doctors by name; inactive ones only when asked.
    pub async fn doctors(&self, include_inactive: bool) -> Result<Vec<DoctorRow>, StoreError> {
        let sql = format!("SELECT {DOCTOR} FROM doctors WHERE ($1 = 1 OR is_active = 1) ORDER BY last_name, first_name, id");
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(i64::from(include_inactive))
            .fetch_all(self.pool())
            .await?)
    }

    /// One doctor.
    pub async fn doctor(&self, id: i64) -> Result<Option<DoctorRow>, StoreError> {
        let sql = format!("SELECT {DOCTOR} FROM doctors WHERE id = $1");
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .fetch_optional(self.pool())
            .await?)
    }

    /// Creates (`id` None) or changes (`Some((id, version))`) a doctor, audited.
    pub async fn save_doctor(
        &self,
        actor: &Actor,
        target: Option<(i64, i64)>,
        card: &DoctorCard,
    ) -> Result<DoctorRow, StoreError> {
        crate::retry::transient(async || self.save_doctor_once(actor, target, card).await).await
    }

    async fn save_doctor_once(
        &self,
        actor: &Actor,
        target: Option<(i64, i64)>,
        card: &DoctorCard,
    ) -> Result<DoctorRow, StoreError> {
        let now = time::encode(chrono::Utc::now());
        let mut tx = self.begin_write().await?;
        let mut old = None;
        let row: Option<DoctorRow> = match target {
            None => {
                let sql = format!("INSERT INTO doctors (first_name, last_name, specialization, phone, email, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING {DOCTOR}");
                sqlx::query_as(sqlx::AssertSqlSafe(sql))
                    .bind(card.first_name.as_str())
                    .bind(card.last_name.as_str())
                    .bind(&card.specialization)
                    .bind(card.phone.as_ref().map(|p| p.as_str()))
                    .bind(card.email.as_ref().map(|e| e.as_str()))
                    .bind(&now)
                    .fetch_optional(&mut *tx)
                    .await?
            }
            Some((id, version)) => {
                let before: DoctorRow =
                    crate::claim_row(&mut tx, "doctors", DOCTOR, id, version).await?;
                old = Some(doctor_json(&before));
                let sql = format!("UPDATE doctors SET first_name = $1, last_name = $2, specialization = $3, phone = $4, email = $5, updated_at = $6, version = version + 1 WHERE id = $7 AND version = $8 RETURNING {DOCTOR}");
                sqlx::query_as(sqlx::AssertSqlSafe(sql))
                    .bind(card.first_name.as_str())
                    .bind(card.last_name.as_str())
                    .bind(&card.specialization)
                    .bind(card.phone.as_ref().map(|p| p.as_str()))
                    .bind(card.email.as_ref().map(|e| e.as_str()))
                    .bind(&now)
                    .bind(id)
                    .bind(version)
                    .fetch_optional(&mut *tx)
                    .await?
            }
        };
        let Some(row) = row else {
            return Err(crate::missing_or_stale_row(
                &mut tx,
                Directory::Doctors.table(),
                target.map(|(id, _)| id),
            )
            .await);
        };
        let entry = audit_save("doctor", row.id, old, doctor_json(&row));
        audit::append(&mut tx, actor, entry).await?;
        tx.commit().await?;
        Ok(row)
    }

    /// Services by name, optionally only one doctor's; inactive ones only when asked.
    pub async fn services(
        &self,
        include_inactive: bool,
        doctor_id: Option<i64>,
    ) -> Result<Vec<ServiceRow>, StoreError> {
        let sql = format!("SELECT {SERVICE} FROM services WHERE ($1 = 1 OR is_active = 1) AND ($2 IS NULL OR doctor_id = $2) ORDER BY name, id");
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(i64::from(include_inactive))
            .bind(doctor_id)
            .fetch_all(self.pool())
            .await?)
    }

    /// One service.
    pub async fn service(&self, id: i64) -> Result<Option<ServiceRow>, StoreError> {
        let sql = format!("SELECT {SERVICE} FROM services WHERE id = $1");
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .fetch_optional(self.pool())
            .await?)
    }

    /// Creates or changes a service, audited; a price change records old and new base price.
    pub async fn save_service(
        &self,
        actor: &Actor,
        target: Option<(i64, i64)>,
        card: &ServiceCard,
        doctor_id: Option<i64>,
    ) -> Result<ServiceRow, StoreError> {
        crate::retry::transient(async || {
            self.save_service_once(actor, target, card, doctor_id).await
        })
        .await
    }

    async fn save_service_once(
        &self,
        actor: &Actor,
        target: Option<(i64, i64)>,
        card: &ServiceCard,
        doctor_id: Option<i64>,
    ) -> Result<ServiceRow, StoreError> {
        let now = time::encode(chrono::Utc::now());
        let mut tx = self.begin_write().await?;
        let mut old = None;
        let row: Option<ServiceRow> = match target {
            None => {
                let sql = format!("INSERT INTO services (name, description, base_price, duration_minutes, doctor_id, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING {SERVICE}");
                sqlx::query_as(sqlx::AssertSqlSafe(sql))
                    .bind(&card.name)
                    .bind(card.description.as_deref())
                    .bind(card.base_price.tiyn())
                    .bind(card.duration_minutes)
                    .bind(doctor_id)
                    .bind(&now)
                    .fetch_optional(&mut *tx)
                    .await?
            }
            Some((id, version)) => {
                let before: ServiceRow =
                    crate::claim_row(&mut tx, "services", SERVICE, id, version).await?;
                old = Some(service_json(&before));
                let sql = format!("UPDATE services SET name = $1, description = $2, base_price = $3, duration_minutes = $4, doctor_id = $5, updated_at = $6, version = version + 1 WHERE id = $7 AND version = $8 RETURNING {SERVICE}");
                sqlx::query_as(sqlx::AssertSqlSafe(sql))
                    .bind(&card.name)
                    .bind(card.description.as_deref())
                    .bind(card.base_price.tiyn())
                    .bind(card.duration_minutes)
                    .bind(doctor_id)
                    .bind(&now)
                    .bind(id)
                    .bind(version)
                    .fetch_optional(&mut *tx)
                    .await?
            }
        };
        let Some(row) = row else {
            return Err(crate::missing_or_stale_row(
                &mut tx,
                Directory::Services.table(),
                target.map(|(id, _)| id),
            )
            .await);
        };
        let entry = audit_save("service", row.id, old, service_json(&row));
        audit::append(&mut tx, actor, entry).await?;
        tx.commit().await?;
        Ok(row)
    }

    /// Lead sources in creation order (the seeded seven first).
    pub async fn lead_sources(
        &self,
        include_inactive: bool,
    ) -> Result<Vec<LeadSourceRow>, StoreError> {
        let sql = format!(
            "SELECT {SOURCE} FROM lead_sources WHERE ($1 = 1 OR is_active = 1) ORDER BY id"
        );
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(i64::from(include_inactive))
            .fetch_all(self.pool())
            .await?)
    }

    /// Adds a lead source (audited). A taken code → `Duplicate(code)`.
    pub async fn create_lead_source(
        &self,
        actor: &Actor,
        code: &str,
        label: &str,
    ) -> Result<LeadSourceRow, StoreError> {
        crate::retry::transient(async || self.create_lead_source_once(actor, code, label).await)
            .await
    }

    async fn create_lead_source_once(
        &self,
        actor: &Actor,
        code: &str,
        label: &str,
    ) -> Result<LeadSourceRow, StoreError> {
        let now = time::encode(chrono::Utc::now());
        let mut tx = self.begin_write().await?;
        let sql = format!("INSERT INTO lead_sources (code, label, created_at, updated_at) VALUES ($1, $2, $3, $3) RETURNING {SOURCE}");
        let row: LeadSourceRow = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(code)
            .bind(label)
            .bind(&now)
            .fetch_one(&mut *tx)
            .await
            .map_err(|e| StoreError::on_unique(e, "code"))?;
        let entry = AuditEntry {
            action: "create",
            entity: "lead_source",
            entity_id: Some(row.id),
            old: None,
            new: Some(json!({"code": code, "label": label})),
        };
        audit::append(&mut tx, actor, entry).await?;
        tx.commit().await?;
        Ok(row)
    }

    /// Renames a lead source (its code never changes: analytics group by it).
    pub async fn relabel_lead_source(
        &self,
        actor: &Actor,
        id: i64,
        version: i64,
        label: &str,
    ) -> Result<LeadSourceRow, StoreError> {
        crate::retry::transient(async || {
            self.relabel_lead_source_once(actor, id, version, label)
                .await
        })
        .await
    }

    async fn relabel_lead_source_once(
        &self,
        actor: &Actor,
        id: i64,
        version: i64,
        label: &str,
    ) -> Result<LeadSourceRow, StoreError> {
        let now = time::encode(chrono::Utc::now());
        let mut tx = self.begin_write().await?;
        let before: LeadSourceRow =
            crate::claim_row(&mut tx, "lead_sources", SOURCE, id, version).await?;
        let sql = format!("UPDATE lead_sources SET label = $1, updated_at = $2, version = version + 1 WHERE id = $3 AND version = $4 RETURNING {SOURCE}");
        let row: Option<LeadSourceRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(label)
            .bind(&now)
            .bind(id)
            .bind(version)
            .fetch_optional(&mut *tx)
            .await?;
        let Some(row) = row else {
            return Err(crate::missing_or_stale_row(
                &mut tx,
                Directory::LeadSources.table(),
                Some(id),
            )
            .await);
        };
        let entry = AuditEntry::changed(
            "update",
            "lead_source",
            id,
            &json!({"label": before.label}),
            &json!({"label": row.label}),
        );
        audit::append(&mut tx, actor, entry).await?;
        tx.commit().await?;
        Ok(row)
    }

    /// Deactivates a record of a directory (never deleted), audited. Returns the new version.
    pub async fn deactivate(
        &self,
        actor: &Actor,
        dir: Directory,
        id: i64,
        version: i64,
    ) -> Result<i64, StoreError> {
        crate::retry::transient(async || self.deactivate_once(actor, dir, id, version).await).await
    }

    async fn deactivate_once(
        &self,
        actor: &Actor,
        dir: Directory,
        id: i64,
        version: i64,
    ) -> Result<i64, StoreError> {
        let now = time::encode(chrono::Utc::now());
        let mut tx = self.begin_write().await?;
        let sql = format!(
            "UPDATE {} SET is_active = 0, updated_at = $1, version = version + 1 WHERE id = $2 AND version = $3 RETURNING version",
            dir.table()
        );
        let row: Option<(i64,)> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(&now)
            .bind(id)
            .bind(version)
            .fetch_optional(&mut *tx)
            .await?;
        let Some((new_version,)) = row else {
            return Err(crate::missing_or_stale_row(&mut tx, dir.table(), Some(id)).await);
        };
        if dir == Directory::LeadSources {
            let (is_default,): (crate::time::Flag,) =
                sqlx::query_as("SELECT is_default FROM lead_sources WHERE id = $1")
                    .bind(id)
                    .fetch_one(&mut *tx)
                    .await?;
            // Rolled back with the transaction when refused.
            check_source_deactivation(is_default.0)?;
        }
        let entry = AuditEntry {
            action: "delete",
            entity: dir.entity(),
            entity_id: Some(id),
            old: Some(json!({"is_active": true})),
            new: Some(json!({"is_active": false})),
        };
        audit::append(&mut tx, actor, entry).await?;
        tx.commit().await?;
        Ok(new_version)
    }
}
