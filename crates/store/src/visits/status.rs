//! The status machine on stored visits: forward moves stamp times, reverts clear them; each
//! change is a history row and an audit row.

use super::booking::clash;
use super::*;

/// A requested status change.
#[derive(Debug, Clone, Copy)]
pub struct StatusMove<'a> {
    /// The status to move to.
    pub to: VisitStatus,
    /// The version the client read; `None` skips the check (internal callers).
    pub version: Option<i64>,
    /// Why (required for reverts).
    pub reason: Option<&'a str>,
    /// Put a cancelled visit back over a clash with this reason (managers; the handler checks).
    pub overlap_reason: Option<&'a str>,
}

impl StatusMove<'_> {
    /// A plain move to `to` (no version check, no reason): internal callers such as the demo.
    pub fn to(to: VisitStatus) -> Self {
        Self {
            to,
            version: None,
            reason: None,
            overlap_reason: None,
        }
    }
}

/// Locks the doctor of visit `id` — before the visit, in the documented lock order — when the
/// change can put the visit back on that doctor's calendar (a revert to `scheduled`).
async fn lock_visit_doctor(conn: &mut AnyConnection, id: i64) -> Result<(), VisitError> {
    sqlx::query(
        "UPDATE doctors SET version = version WHERE id = (SELECT doctor_id FROM appointments WHERE id = $1)",
    )
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

impl Store {
    /// Moves a visit through the status machine: a forward move stamps its times; a move back is
    /// a revert (owner/admin, with a reason) that clears them. History row and audit row.
    pub async fn change_visit_status(
        &self,
        actor: &Actor,
        role: Role,
        id: i64,
        change: &StatusMove<'_>,
    ) -> Result<Visit, VisitError> {
        crate::retry::transient(async || {
            self.change_visit_status_once(actor, role, id, change).await
        })
        .await
    }

    async fn change_visit_status_once(
        &self,
        actor: &Actor,
        role: Role,
        id: i64,
        change: &StatusMove<'_>,
    ) -> Result<Visit, VisitError> {
        let StatusMove {
            to,
            version,
            reason,
            overlap_reason,
        } = *change;
        let now = time::encode(Utc::now());
        let mut tx = self.begin_write().await?;
        if to == VisitStatus::Scheduled {
            lock_visit_doctor(&mut tx, id).await?;
        }
        let (from, _, _) = lock_visit(&mut tx, id, version, &now).await?;
        let delta = Delta::take(&mut tx, id, true).await?;
        let (set, clear, reverted) = match from.transition(to) {
            Ok(stamps) => (stamps, &[][..], false),
            Err(forward) => match from.revert(to, role, reason.unwrap_or_default()) {
                Ok(cleared) => (&[][..], cleared, true),
                // Not a revert either: report the forward refusal (illegal move).
                Err(TransitionError::Illegal { .. }) => return Err(forward.into()),
                Err(e) => return Err(e.into()),
            },
        };
        if reverted && from == VisitStatus::Cancelled {
            // Back on the calendar: the same clash rule as a booking.
            check_free_again(&mut tx, id, overlap_reason).await?;
        }
        let stamp = |s: emhana_domain::Stamp| match s {
            emhana_domain::Stamp::Arrived => "arrived_at",
            emhana_domain::Stamp::Started => "started_at",
            emhana_domain::Stamp::Finished => "finished_at",
        };
        let mut sql = String::from("UPDATE appointments SET status = $1");
        for s in set {
            sql.push_str(&format!(", {} = $2", stamp(*s)));
        }
        for s in clear {
            sql.push_str(&format!(", {} = NULL", stamp(*s)));
        }
        sql.push_str(" WHERE id = $3");
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(to.code())
            .bind(&now)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        let reason = reason.map(str::trim).filter(|r| !r.is_empty());
        history(&mut tx, id, Some(from), to, actor, reason, &now).await?;
        audit::append(
            &mut tx,
            actor,
            AuditEntry {
                action: if reverted { "revert_status" } else { "status" },
                entity: "appointment",
                entity_id: Some(id),
                old: Some(json!({"status": from.code()})),
                new: Some(json!({"status": to.code(), "reason": reason})),
            },
        )
        .await?;
        delta.settle(&mut tx, id).await?;
        let visit = load_visit(&mut tx, id).await?.ok_or(StoreError::NotFound)?;
        tx.commit().await?;
        Ok(visit)
    }
}

/// A cancelled visit returning to `scheduled` must find its doctor free then, unless the
/// manager gave an overlap reason (recorded on the visit like a booking's).
async fn check_free_again(
    conn: &mut AnyConnection,
    id: i64,
    overlap_reason: Option<&str>,
) -> Result<(), VisitError> {
    let (doctor_id, starts_at, ends_at): (i64, String, String) =
        sqlx::query_as("SELECT doctor_id, starts_at, ends_at FROM appointments WHERE id = $1")
            .bind(id)
            .fetch_one(&mut *conn)
            .await?;
    let slot = Slot::plan(
        time::decode(&starts_at)?,
        Some(time::decode(&ends_at)?),
        &[],
    )
    .map_err(VisitError::Invalid)?;
    let Some(other) = clash(conn, doctor_id, &slot, Some(id)).await? else {
        return Ok(());
    };
    let Some(reason) = overlap_reason else {
        return Err(VisitError::Clash(Box::new(other)));
    };
    sqlx::query("UPDATE appointments SET overlap_reason = $1 WHERE id = $2")
        .bind(reason)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}
