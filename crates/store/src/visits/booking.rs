//! Booking and moving visits: the doctor's row is locked first, so bookings of one doctor run one
//! at a time and the clash check cannot race.

use super::*;

/// A booking, validated by the handler; the store resolves references and the slot.
#[derive(Debug, Clone)]
pub struct NewVisit {
    /// Patient (must be active).
    pub patient_id: i64,
    /// Doctor (must be active).
    pub doctor_id: i64,
    /// Start.
    pub starts_at: DateTime<Utc>,
    /// End; from the services' durations when absent.
    pub ends_at: Option<DateTime<Utc>>,
    /// Price-list services, each once.
    pub service_ids: Vec<i64>,
    /// Lead source code; the default when absent.
    pub source: Option<String>,
    /// Notes.
    pub notes: Option<String>,
    /// Book over a clash with this reason (admins and owners only; the handler checks).
    pub overlap_reason: Option<String>,
}

/// A change of a visit's slot or details (`PATCH`).
#[derive(Debug, Clone, Default)]
pub struct VisitChange {
    /// Another doctor.
    pub doctor_id: Option<i64>,
    /// New start (the length is kept unless `ends_at` is given).
    pub starts_at: Option<DateTime<Utc>>,
    /// New end.
    pub ends_at: Option<DateTime<Utc>>,
    /// Another lead source code.
    pub source: Option<String>,
    /// New notes (`Some("")` clears).
    pub notes: Option<String>,
    /// Move over a clash with this reason.
    pub overlap_reason: Option<String>,
}

/// The first non-cancelled visit of `doctor_id` overlapping `slot`, other than `except`.
pub(super) async fn clash(
    conn: &mut AnyConnection,
    doctor_id: i64,
    slot: &Slot,
    except: Option<i64>,
) -> Result<Option<ClashRow>, VisitError> {
    Ok(sqlx::query_as(
        "SELECT a.id, a.starts_at, a.ends_at, p.first_name || COALESCE(' ' || p.last_name, '') AS patient_name \
         FROM appointments a JOIN patients p ON p.id = a.patient_id \
         WHERE a.doctor_id = $1 AND a.status <> 'cancelled' AND a.starts_at < $2 AND a.ends_at > $3 \
           AND ($4 IS NULL OR a.id <> $4) AND a.starts_at > $5 \
         ORDER BY a.starts_at LIMIT 1",
    )
    .bind(doctor_id)
    .bind(time::encode(slot.ends_at))
    .bind(time::encode(slot.starts_at))
    .bind(except)
    // No visit is longer than MAX_VISIT_MINUTES: only those starting less than that before the
    // slot can reach into it, so the (doctor, start) index reads a few rows, not the doctor's
    // whole history.
    .bind(time::encode(
        slot.starts_at - chrono::Duration::minutes(emhana_domain::visit::MAX_VISIT_MINUTES),
    ))
    .fetch_optional(&mut *conn)
    .await?)
}

/// Locks the doctor's row (bookings of one doctor run one at a time) and checks it is active.
pub(super) async fn lock_doctor(
    conn: &mut AnyConnection,
    doctor_id: i64,
) -> Result<(), VisitError> {
    let locked =
        sqlx::query("UPDATE doctors SET version = version WHERE id = $1 AND is_active = 1")
            .bind(doctor_id)
            .execute(&mut *conn)
            .await?
            .rows_affected();
    if locked == 0 {
        return Err(invalid("doctor_id", "Нет такого активного врача"));
    }
    Ok(())
}

async fn source_id(conn: &mut AnyConnection, code: Option<&str>) -> Result<i64, VisitError> {
    let row: Option<(i64,)> = match code {
        Some(code) => {
            sqlx::query_as("SELECT id FROM lead_sources WHERE code = $1 AND is_active = 1")
                .bind(code)
                .fetch_optional(&mut *conn)
                .await?
        }
        None => {
            sqlx::query_as("SELECT id FROM lead_sources WHERE is_default = 1 ORDER BY id LIMIT 1")
                .fetch_optional(&mut *conn)
                .await?
        }
    };
    row.map(|(id,)| id)
        .ok_or_else(|| invalid("source", "Нет такого активного источника"))
}

impl Store {
    /// Books a visit: the doctor must be free (or `overlap_reason` given), every reference
    /// active; lines snapshot the price list. Audited, with the first history row.
    pub async fn book_visit(
        &self,
        actor: &Actor,
        new: &NewVisit,
        local_date: impl Fn(DateTime<Utc>) -> NaiveDate,
    ) -> Result<Visit, VisitError> {
        crate::retry::transient(async || self.book_visit_once(actor, new, &local_date).await).await
    }

    async fn book_visit_once(
        &self,
        actor: &Actor,
        new: &NewVisit,
        local_date: impl Fn(DateTime<Utc>) -> NaiveDate,
    ) -> Result<Visit, VisitError> {
        let now = time::encode(Utc::now());
        let mut tx = self.begin_write().await?;
        lock_doctor(&mut tx, new.doctor_id).await?;
        let patient: Option<(i64,)> =
            sqlx::query_as("SELECT id FROM patients WHERE id = $1 AND is_active = 1")
                .bind(new.patient_id)
                .fetch_optional(&mut *tx)
                .await?;
        if patient.is_none() {
            return Err(invalid("patient_id", "Нет такого активного клиента"));
        }
        let delta = Delta::new_visit(&mut tx, new.patient_id).await?;
        let source = source_id(&mut tx, new.source.as_deref()).await?;
        let mut services = Vec::with_capacity(new.service_ids.len());
        for (i, id) in new.service_ids.iter().enumerate() {
            services.push(active_service(&mut tx, *id, &format!("service_ids.{i}")).await?);
        }
        let minutes: Vec<i64> = services.iter().map(|s| s.1).collect();
        let slot = Slot::plan(new.starts_at, new.ends_at, &minutes).map_err(VisitError::Invalid)?;
        if let Some(c) = clash(&mut tx, new.doctor_id, &slot, None).await? {
            if new.overlap_reason.is_none() {
                return Err(VisitError::Clash(Box::new(c)));
            }
        }
        let total: i64 = services.iter().map(|s| s.0).sum();
        let status = PaymentStatus::derive(money(total), Money::ZERO);
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO appointments (patient_id, doctor_id, starts_at, ends_at, local_date, status, source_id, notes, \
                 total, paid, payment_status, overlap_reason, created_by, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, 'scheduled', $6, $7, $8, 0, $9, $10, $11, $12, $12) RETURNING id",
        )
        .bind(new.patient_id)
        .bind(new.doctor_id)
        .bind(time::encode(slot.starts_at))
        .bind(time::encode(slot.ends_at))
        .bind(local_date(slot.starts_at).format("%Y-%m-%d").to_string())
        .bind(source)
        .bind(new.notes.as_deref())
        .bind(total)
        .bind(status.code())
        .bind(new.overlap_reason.as_deref())
        .bind(actor.user_id.map(|u| u.0))
        .bind(&now)
        .fetch_one(&mut *tx)
        .await?;
        for (position, (service_id, (base_price, _))) in
            new.service_ids.iter().zip(&services).enumerate()
        {
            sqlx::query(
                "INSERT INTO appointment_services (appointment_id, service_id, base_price, price, paid, position) \
                 VALUES ($1, $2, $3, $3, 0, $4)",
            )
            .bind(id)
            .bind(service_id)
            .bind(base_price)
            .bind(position as i64)
            .execute(&mut *tx)
            .await?;
        }
        history(
            &mut tx,
            id,
            None,
            VisitStatus::Scheduled,
            actor,
            new.overlap_reason.as_deref(),
            &now,
        )
        .await?;
        delta.settle(&mut tx, id).await?;
        let visit = load_visit(&mut tx, id).await?.ok_or(StoreError::NotFound)?;
        audit::append(
            &mut tx,
            actor,
            AuditEntry {
                action: "create",
                entity: "appointment",
                entity_id: Some(id),
                old: None,
                new: Some(visit_json(&visit)),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(visit)
    }

    /// Moves a visit or changes its doctor, source or notes (`version` must be current). The
    /// doctor must be free in the new slot unless `overlap_reason` is given. Audited.
    pub async fn change_visit(
        &self,
        actor: &Actor,
        id: i64,
        version: i64,
        change: &VisitChange,
        local_date: impl Fn(DateTime<Utc>) -> NaiveDate,
    ) -> Result<Visit, VisitError> {
        crate::retry::transient(async || {
            self.change_visit_once(actor, id, version, change, &local_date)
                .await
        })
        .await
    }

    async fn change_visit_once(
        &self,
        actor: &Actor,
        id: i64,
        version: i64,
        change: &VisitChange,
        local_date: impl Fn(DateTime<Utc>) -> NaiveDate,
    ) -> Result<Visit, VisitError> {
        let now = time::encode(Utc::now());
        let mut tx = self.begin_write().await?;
        // Lock order: the doctor first, then the visit, then its patient (see `crate::retry`).
        if let Some(doctor_id) = change.doctor_id {
            lock_doctor(&mut tx, doctor_id).await?;
        }
        let (status, _, _) = lock_visit(&mut tx, id, Some(version), &now).await?;
        let delta = Delta::take(&mut tx, id, true).await?;
        let before = load_visit(&mut tx, id).await?.ok_or(StoreError::NotFound)?;
        let a = &before.appointment;
        let moves =
            change.doctor_id.is_some() || change.starts_at.is_some() || change.ends_at.is_some();
        if moves && status != VisitStatus::Scheduled {
            return Err(VisitError::Conflict(
                "Перенести можно только визит в статусе «записан»",
            ));
        }
        let doctor_id = change.doctor_id.unwrap_or(a.doctor_id);
        let old_start = time::decode(&a.starts_at)?;
        let old_end = time::decode(&a.ends_at)?;
        let starts_at = change.starts_at.unwrap_or(old_start);
        let ends_at = change.ends_at.unwrap_or(starts_at + (old_end - old_start));
        let slot = Slot::plan(starts_at, Some(ends_at), &[]).map_err(VisitError::Invalid)?;
        if moves {
            if let Some(c) = clash(&mut tx, doctor_id, &slot, Some(id)).await? {
                if change.overlap_reason.is_none() {
                    return Err(VisitError::Clash(Box::new(c)));
                }
            }
        }
        let source = match change.source.as_deref() {
            Some(code) => Some(source_id(&mut tx, Some(code)).await?),
            None => None,
        };
        sqlx::query(
            "UPDATE appointments SET doctor_id = $1, starts_at = $2, ends_at = $3, local_date = $4, \
                 source_id = COALESCE($5, source_id), notes = CASE WHEN $6 = 1 THEN $7 ELSE notes END, \
                 overlap_reason = COALESCE($8, overlap_reason) \
             WHERE id = $9",
        )
        .bind(doctor_id)
        .bind(time::encode(slot.starts_at))
        .bind(time::encode(slot.ends_at))
        .bind(local_date(slot.starts_at).format("%Y-%m-%d").to_string())
        .bind(source)
        .bind(i64::from(change.notes.is_some()))
        .bind(change.notes.as_deref().filter(|n| !n.trim().is_empty()))
        .bind(change.overlap_reason.as_deref())
        .bind(id)
        .execute(&mut *tx)
        .await?;
        delta.settle(&mut tx, id).await?;
        let after = load_visit(&mut tx, id).await?.ok_or(StoreError::NotFound)?;
        audit::append(
            &mut tx,
            actor,
            AuditEntry {
                action: "update",
                entity: "appointment",
                entity_id: Some(id),
                old: Some(visit_json(&before)),
                new: Some(visit_json(&after)),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }
}
