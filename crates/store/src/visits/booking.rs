//! Booking and moving visits: the doctor's row is locked first, so bookings of one doctor run one
//! at a time and the clash check cannot race.

use emhana_domain::booking::{NewVisit, VisitChange};
use emhana_domain::ids::{LeadSourceId, PatientId};

use super::*;

/// Locks the doctor's row (bookings of one doctor run one at a time) and checks it is active.
async fn lock_doctor(conn: &mut AnyConnection, doctor_id: DoctorId) -> Result<(), VisitError> {
    let locked =
        sqlx::query("UPDATE doctors SET version = version WHERE id = $1 AND is_active = 1")
            .bind(doctor_id.0)
            .execute(&mut *conn)
            .await?
            .rows_affected();
    if locked == 0 {
        return Err(missing(Reference::Doctor, "doctor_id"));
    }
    Ok(())
}

async fn check_active_patient(
    conn: &mut AnyConnection,
    patient_id: PatientId,
) -> Result<(), VisitError> {
    let patient: Option<(i64,)> =
        sqlx::query_as("SELECT id FROM patients WHERE id = $1 AND is_active = 1")
            .bind(patient_id.0)
            .fetch_optional(&mut *conn)
            .await?;
    match patient {
        Some(_) => Ok(()),
        None => Err(missing(Reference::Patient, "patient_id")),
    }
}

/// The lead source with this code (active), or the clinic's default when none is given.
async fn source_id(
    conn: &mut AnyConnection,
    code: Option<&str>,
) -> Result<LeadSourceId, VisitError> {
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
    row.map(|(id,)| LeadSourceId(id))
        .ok_or_else(|| missing(Reference::LeadSource, "source"))
}

/// Inserts the visit row and its lines (price-list snapshots); returns its id.
async fn insert_visit(
    conn: &mut AnyConnection,
    actor: &Actor,
    new: &NewVisit,
    planned: (&Slot, LeadSourceId, &[(ServiceId, Money)]),
    zone: ClinicZone,
    now: &str,
) -> Result<AppointmentId, VisitError> {
    let (slot, source, lines) = planned;
    let total = Money::checked_sum(lines.iter().map(|l| l.1))
        .map_err(|_| StoreError::Config("the visit's total overflows".into()))?;
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO appointments (patient_id, doctor_id, starts_at, ends_at, local_date, status, source_id, notes, \
             total, paid, payment_status, overlap_reason, created_by, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, 'scheduled', $6, $7, $8, 0, $9, $10, $11, $12, $12) RETURNING id",
    )
    .bind(new.patient_id.0)
    .bind(new.doctor_id.0)
    .bind(time::encode(slot.starts_at))
    .bind(time::encode(slot.ends_at))
    .bind(time::encode_day(zone.local_date(slot.starts_at)))
    .bind(source.0)
    .bind(new.notes.as_deref())
    .bind(total.tiyn())
    .bind(PaymentStatus::derive(total, Money::ZERO).code())
    .bind(new.overlap_reason.as_deref())
    .bind(actor.user_id.map(|u| u.0))
    .bind(now)
    .fetch_one(&mut *conn)
    .await?;
    for (position, (service_id, base_price)) in lines.iter().enumerate() {
        sqlx::query(
            "INSERT INTO appointment_services (appointment_id, service_id, base_price, price, paid, position) \
             VALUES ($1, $2, $3, $3, 0, $4)",
        )
        .bind(id)
        .bind(service_id.0)
        .bind(base_price.tiyn())
        .bind(position as i64)
        .execute(&mut *conn)
        .await?;
    }
    Ok(AppointmentId(id))
}

impl Store {
    /// Books a visit: the doctor must be free (or a manager's overlap reason given), every
    /// reference active; lines snapshot the price list. Audited, with the first history row.
    pub async fn book_visit(
        &self,
        actor: &Actor,
        new: &NewVisit,
        zone: ClinicZone,
    ) -> Result<Visit, VisitError> {
        crate::retry::transient(async || self.book_visit_once(actor, new, zone).await).await
    }

    async fn book_visit_once(
        &self,
        actor: &Actor,
        new: &NewVisit,
        zone: ClinicZone,
    ) -> Result<Visit, VisitError> {
        let now = time::encode(Utc::now());
        let mut tx = self.begin_write().await?;
        lock_doctor(&mut tx, new.doctor_id).await?;
        check_active_patient(&mut tx, new.patient_id).await?;
        let delta = Delta::new_visit(&mut tx, new.patient_id.0).await?;
        let source = source_id(&mut tx, new.source.as_deref()).await?;
        let mut lines = Vec::with_capacity(new.service_ids.len());
        let mut minutes = Vec::with_capacity(new.service_ids.len());
        for (i, id) in new.service_ids.iter().enumerate() {
            let (price, duration) =
                active_service(&mut tx, *id, &format!("service_ids.{i}")).await?;
            lines.push((*id, price));
            minutes.push(duration);
        }
        let slot = Slot::plan(new.starts_at, new.ends_at, &minutes)?;
        let overlap = new.overlap_reason.as_deref();
        check_slot(&mut tx, new.doctor_id, &slot, None, overlap, zone).await?;
        let id = insert_visit(&mut tx, actor, new, (&slot, source, &lines), zone, &now).await?;
        history(
            &mut tx,
            id,
            None,
            VisitStatus::Scheduled,
            actor,
            overlap,
            &now,
        )
        .await?;
        delta.settle(&mut tx, id.0).await?;
        let till = crate::refunds::Till {
            register: None,
            at: Utc::now(),
            zone,
        };
        crate::payment_ledgers::welcome(&mut tx, actor, (new.patient_id, id, source), &till)
            .await?;
        let visit = reload(&mut tx, id).await?;
        audit::append(
            &mut tx,
            actor,
            AuditEntry {
                action: "create",
                entity: "appointment",
                entity_id: Some(id.0),
                old: None,
                new: Some(visit_json(&visit)),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(visit)
    }

    /// Moves a visit or changes its doctor, source or notes (`version` must be current). The
    /// doctor must be free in the new slot unless a manager's overlap reason is given. Audited.
    pub async fn change_visit(
        &self,
        actor: &Actor,
        id: AppointmentId,
        change: &VisitChange,
        zone: ClinicZone,
    ) -> Result<Visit, VisitError> {
        crate::retry::transient(async || self.change_visit_once(actor, id, change, zone).await)
            .await
    }

    async fn change_visit_once(
        &self,
        actor: &Actor,
        id: AppointmentId,
        change: &VisitChange,
        zone: ClinicZone,
    ) -> Result<Visit, VisitError> {
        let now = time::encode(Utc::now());
        let mut tx = self.begin_write().await?;
        // Lock order: the doctor first, then the visit, then its patient (see `crate::retry`).
        if let Some(doctor_id) = change.doctor_id {
            lock_doctor(&mut tx, doctor_id).await?;
        }
        let (status, _, _) = lock_visit(&mut tx, id, Some(change.version), &now).await?;
        let delta = Delta::take(&mut tx, id.0, true).await?;
        let before = reload(&mut tx, id).await?;
        let a = &before.appointment;
        let current = Slot {
            starts_at: a.starts_at,
            ends_at: a.ends_at,
        };
        let slot = change.slot(status, current)?;
        let doctor_id = change.doctor_id.unwrap_or(a.doctor_id);
        if change.moves() {
            let overlap = change.overlap_reason.as_deref();
            check_slot(&mut tx, doctor_id, &slot, Some(id), overlap, zone).await?;
        }
        let source = match change.source.as_deref() {
            Some(code) => Some(source_id(&mut tx, Some(code)).await?.0),
            None => None,
        };
        sqlx::query(
            "UPDATE appointments SET doctor_id = $1, starts_at = $2, ends_at = $3, local_date = $4, \
                 source_id = COALESCE($5, source_id), notes = CASE WHEN $6 = 1 THEN $7 ELSE notes END, \
                 overlap_reason = COALESCE($8, overlap_reason) \
             WHERE id = $9",
        )
        .bind(doctor_id.0)
        .bind(time::encode(slot.starts_at))
        .bind(time::encode(slot.ends_at))
        .bind(time::encode_day(zone.local_date(slot.starts_at)))
        .bind(source)
        .bind(i64::from(change.notes.is_some()))
        .bind(change.notes.as_deref().filter(|n| !n.trim().is_empty()))
        .bind(change.overlap_reason.as_deref())
        .bind(id.0)
        .execute(&mut *tx)
        .await?;
        delta.settle(&mut tx, id.0).await?;
        let after = reload(&mut tx, id).await?;
        audit::append(
            &mut tx,
            actor,
            AuditEntry {
                action: "update",
                entity: "appointment",
                entity_id: Some(id.0),
                old: Some(visit_json(&before)),
                new: Some(visit_json(&after)),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }
}
