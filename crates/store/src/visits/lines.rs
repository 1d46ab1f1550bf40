//! Services on a visit with per-visit prices: add, re-price (never below what is allocated to
//! the line), remove (only lines no payment ever touched). Who may edit a closed visit is the
//! domain's rule, asked with the caller's [`VisitAuthority`].

use emhana_domain::access::VisitAuthority;
use emhana_domain::ids::LineId;
use emhana_domain::visit::check_line_price;

use super::*;

/// A line to add: a price-list service at its base price, or at `price`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NewLine {
    /// The price-list service.
    pub service_id: ServiceId,
    /// This visit's price (the base price when absent).
    pub price: Option<Money>,
}

/// Locks the visit, takes its facts out and checks its lines may be edited by `authority`.
async fn open_lines(
    conn: &mut AnyConnection,
    id: AppointmentId,
    authority: VisitAuthority,
    now: &str,
) -> Result<Delta, VisitError> {
    let (status, _, _) = lock_visit(conn, id, None, now).await?;
    let delta = Delta::take(conn, id.0, false).await?;
    if !status.lines_editable(authority) {
        return Err(VisitRefusal::LinesClosed.into());
    }
    Ok(delta)
}

/// Puts the facts back, reads the visit and commits.
async fn close_lines(
    mut tx: crate::WriteTx,
    delta: Delta,
    id: AppointmentId,
) -> Result<Visit, VisitError> {
    delta.settle(&mut tx, id.0).await?;
    let visit = reload(&mut tx, id).await?;
    tx.commit().await?;
    Ok(visit)
}

impl Store {
    /// Adds a price-list service to a visit at its base price (or the given price). Audited.
    pub async fn add_visit_line(
        &self,
        actor: &Actor,
        authority: VisitAuthority,
        id: AppointmentId,
        line: NewLine,
    ) -> Result<Visit, VisitError> {
        crate::retry::transient(async || self.add_visit_line_once(actor, authority, id, line).await)
            .await
    }

    async fn add_visit_line_once(
        &self,
        actor: &Actor,
        authority: VisitAuthority,
        id: AppointmentId,
        line: NewLine,
    ) -> Result<Visit, VisitError> {
        let now = time::encode(Utc::now());
        let mut tx = self.begin_write().await?;
        let delta = open_lines(&mut tx, id, authority, &now).await?;
        let (base_price, _) = active_service(&mut tx, line.service_id, "service_id").await?;
        let price = line.price.unwrap_or(base_price);
        let inserted = sqlx::query(
            "INSERT INTO appointment_services (appointment_id, service_id, base_price, price, paid, position, price_changed_by) \
             VALUES ($1, $2, $3, $4, 0, (SELECT COALESCE(MAX(position), -1) + 1 FROM appointment_services WHERE appointment_id = $1), $5)",
        )
        .bind(id.0)
        .bind(line.service_id.0)
        .bind(base_price.tiyn())
        .bind(price.tiyn())
        .bind((price != base_price).then(|| actor.user_id.map(|u| u.0)).flatten())
        .execute(&mut *tx)
        .await;
        if let Err(e) = inserted {
            return Err(match StoreError::on_unique(e, "service_id") {
                StoreError::Duplicate { .. } => VisitRefusal::ServiceAlreadyOnVisit.into(),
                other => other.into(),
            });
        }
        let (total, paid) = recompute_totals(&mut tx, id).await?;
        audit::append(
            &mut tx,
            actor,
            AuditEntry {
                action: "add_line",
                entity: "appointment",
                entity_id: Some(id.0),
                old: None,
                new: Some(json!({"service_id": line.service_id, "base_price": base_price, "price": price, "total": total, "paid": paid})),
            },
        )
        .await?;
        close_lines(tx, delta, id).await
    }

    /// Sets a line's price for this visit (≥ 0, not below what is already allocated to it).
    /// Audited with old, new and the base price; total and payment status recomputed.
    pub async fn set_line_price(
        &self,
        actor: &Actor,
        authority: VisitAuthority,
        id: AppointmentId,
        line: (LineId, Money),
    ) -> Result<Visit, VisitError> {
        crate::retry::transient(async || self.set_line_price_once(actor, authority, id, line).await)
            .await
    }

    async fn set_line_price_once(
        &self,
        actor: &Actor,
        authority: VisitAuthority,
        id: AppointmentId,
        (line_id, price): (LineId, Money),
    ) -> Result<Visit, VisitError> {
        let now = time::encode(Utc::now());
        let mut tx = self.begin_write().await?;
        let delta = open_lines(&mut tx, id, authority, &now).await?;
        let line: Option<(i64, i64, i64, i64)> = sqlx::query_as(
            "SELECT service_id, base_price, price, paid FROM appointment_services WHERE id = $1 AND appointment_id = $2",
        )
        .bind(line_id.0)
        .bind(id.0)
        .fetch_optional(&mut *tx)
        .await?;
        let Some((service_id, base_price, old_price, line_paid)) = line else {
            return Err(StoreError::NotFound.into());
        };
        check_line_price(price, Money::from_tiyn(line_paid))?;
        sqlx::query(
            "UPDATE appointment_services SET price = $1, price_changed_by = $2 WHERE id = $3",
        )
        .bind(price.tiyn())
        .bind(actor.user_id.map(|u| u.0))
        .bind(line_id.0)
        .execute(&mut *tx)
        .await?;
        let (total, paid) = recompute_totals(&mut tx, id).await?;
        emhana_domain::check_price_edit(total, paid)?;
        let (base_price, old_price) = (Money::from_tiyn(base_price), Money::from_tiyn(old_price));
        audit::append(
            &mut tx,
            actor,
            AuditEntry {
                action: "price_change",
                entity: "appointment_line",
                entity_id: Some(line_id.0),
                old: Some(json!({"appointment_id": id, "service_id": service_id, "price": old_price})),
                new: Some(json!({"appointment_id": id, "service_id": service_id, "price": price, "base_price": base_price, "total": total})),
            },
        )
        .await?;
        close_lines(tx, delta, id).await
    }

    /// Removes a line that no payment was ever allocated to. Audited.
    pub async fn remove_visit_line(
        &self,
        actor: &Actor,
        authority: VisitAuthority,
        id: AppointmentId,
        line_id: LineId,
    ) -> Result<Visit, VisitError> {
        crate::retry::transient(async || {
            self.remove_visit_line_once(actor, authority, id, line_id)
                .await
        })
        .await
    }

    async fn remove_visit_line_once(
        &self,
        actor: &Actor,
        authority: VisitAuthority,
        id: AppointmentId,
        line_id: LineId,
    ) -> Result<Visit, VisitError> {
        let now = time::encode(Utc::now());
        let mut tx = self.begin_write().await?;
        let delta = open_lines(&mut tx, id, authority, &now).await?;
        let line: Option<(i64, i64)> = sqlx::query_as(
            "SELECT service_id, price FROM appointment_services WHERE id = $1 AND appointment_id = $2",
        )
        .bind(line_id.0)
        .bind(id.0)
        .fetch_optional(&mut *tx)
        .await?;
        let Some((service_id, price)) = line else {
            return Err(StoreError::NotFound.into());
        };
        let (allocated,): (i64,) =
            sqlx::query_as("SELECT COUNT(*) FROM payment_allocations WHERE line_id = $1")
                .bind(line_id.0)
                .fetch_one(&mut *tx)
                .await?;
        if allocated > 0 {
            return Err(VisitRefusal::LineHasPayments.into());
        }
        sqlx::query("DELETE FROM appointment_services WHERE id = $1")
            .bind(line_id.0)
            .execute(&mut *tx)
            .await?;
        let (total, _) = recompute_totals(&mut tx, id).await?;
        audit::append(
            &mut tx,
            actor,
            AuditEntry {
                action: "remove_line",
                entity: "appointment",
                entity_id: Some(id.0),
                old: Some(
                    json!({"line_id": line_id, "service_id": service_id, "price": Money::from_tiyn(price)}),
                ),
                new: Some(json!({"total": total})),
            },
        )
        .await?;
        close_lines(tx, delta, id).await
    }
}
