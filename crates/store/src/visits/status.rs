//! The status machine on stored visits: forward moves stamp times, reverts clear them; each
//! change is a history row and an audit row.

use super::*;

impl Store {
    /// Moves a visit through the status machine: a forward move stamps its times; a move back is
    /// a revert (owner/admin, with a reason) that clears them. History row and audit row.
    pub async fn change_visit_status(
        &self,
        actor: &Actor,
        role: Role,
        id: i64,
        version: Option<i64>,
        to: VisitStatus,
        reason: Option<&str>,
    ) -> Result<Visit, VisitError> {
        let now = time::encode(Utc::now());
        let mut tx = self.pool().begin().await?;
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
