//! The status machine on stored visits: the domain plans the move (forward stamps, revert
//! clears), the store applies it with a history row and an audit row.

use emhana_domain::booking::StatusMove;
use emhana_domain::Stamp;

use super::*;

/// Locks the doctor of visit `id` — before the visit, in the documented lock order — when the
/// change can put the visit back on that doctor's calendar (a revert to `scheduled`).
async fn lock_visit_doctor(conn: &mut AnyConnection, id: AppointmentId) -> Result<(), VisitError> {
    sqlx::query(
        "UPDATE doctors SET version = version WHERE id = (SELECT doctor_id FROM appointments WHERE id = $1)",
    )
    .bind(id.0)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

fn stamp_column(s: Stamp) -> &'static str {
    match s {
        Stamp::Arrived => "arrived_at",
        Stamp::Started => "started_at",
        Stamp::Finished => "finished_at",
    }
}

impl Store {
    /// Moves a visit through the status machine as the domain plans it (see
    /// [`StatusMove::plan`]). A cancelled visit put back on the calendar meets the clash rule
    /// again. History row and audit row.
    pub async fn change_visit_status(
        &self,
        actor: &Actor,
        id: AppointmentId,
        change: &StatusMove,
        zone: ClinicZone,
    ) -> Result<Visit, VisitError> {
        crate::retry::transient(async || {
            self.change_visit_status_once(actor, id, change, zone).await
        })
        .await
    }

    async fn change_visit_status_once(
        &self,
        actor: &Actor,
        id: AppointmentId,
        change: &StatusMove,
        zone: ClinicZone,
    ) -> Result<Visit, VisitError> {
        let now = time::encode(Utc::now());
        let mut tx = self.begin_write().await?;
        if change.to == VisitStatus::Scheduled {
            lock_visit_doctor(&mut tx, id).await?;
        }
        let (from, _, _) = lock_visit(&mut tx, id, change.version, &now).await?;
        // The patient's visit days change only when the visit starts or stops counting.
        let patient_days = from.counts_as_visit() != change.to.counts_as_visit();
        let delta = Delta::take(&mut tx, id.0, patient_days).await?;
        let plan = change.plan(from)?;
        if plan.back_on_calendar {
            check_free_again(&mut tx, id, change.overlap_reason.as_deref(), zone).await?;
        }
        let mut sql = String::from("UPDATE appointments SET status = $1");
        for s in plan.set {
            sql.push_str(&format!(", {} = $2", stamp_column(*s)));
        }
        for s in plan.clear {
            sql.push_str(&format!(", {} = NULL", stamp_column(*s)));
        }
        sql.push_str(" WHERE id = $3");
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(change.to.code())
            .bind(&now)
            .bind(id.0)
            .execute(&mut *tx)
            .await?;
        let reason = change.reason.as_deref();
        history(&mut tx, id, Some(from), change.to, actor, reason, &now).await?;
        audit::append(
            &mut tx,
            actor,
            AuditEntry {
                action: if plan.reverted {
                    "revert_status"
                } else {
                    "status"
                },
                entity: "appointment",
                entity_id: Some(id.0),
                old: Some(json!({"status": from.code()})),
                new: Some(json!({"status": change.to.code(), "reason": reason})),
            },
        )
        .await?;
        delta.settle(&mut tx, id.0).await?;
        let visit = reload(&mut tx, id).await?;
        tx.commit().await?;
        Ok(visit)
    }
}

/// A cancelled visit returning to `scheduled` must find its doctor free then, unless the
/// manager gave an overlap reason (recorded on the visit like a booking's).
async fn check_free_again(
    conn: &mut AnyConnection,
    id: AppointmentId,
    overlap_reason: Option<&str>,
    zone: ClinicZone,
) -> Result<(), VisitError> {
    let (doctor_id, starts_at, ends_at): (i64, String, String) =
        sqlx::query_as("SELECT doctor_id, starts_at, ends_at FROM appointments WHERE id = $1")
            .bind(id.0)
            .fetch_one(&mut *conn)
            .await?;
    let slot = Slot {
        starts_at: time::decode(&starts_at)?,
        ends_at: time::decode(&ends_at)?,
    };
    let busy = clash(conn, DoctorId(doctor_id), &slot, Some(id), zone).await?;
    if busy.is_none() {
        return Ok(());
    }
    admit(busy, overlap_reason)?;
    sqlx::query("UPDATE appointments SET overlap_reason = $1 WHERE id = $2")
        .bind(overlap_reason)
        .bind(id.0)
        .execute(&mut *conn)
        .await?;
    Ok(())
}
