//! Services on a visit with per-visit prices: add, re-price (never below what is allocated to
//! the line), remove (only lines no payment ever touched).

use super::*;

impl Store {
    /// Adds a price-list service to a visit at its base price (or `price`). Audited.
    pub async fn add_visit_line(
        &self,
        actor: &Actor,
        role: Role,
        id: i64,
        service_id: i64,
        price: Option<Money>,
    ) -> Result<Visit, VisitError> {
        crate::retry::transient(async || {
            self.add_visit_line_once(actor, role, id, service_id, price)
                .await
        })
        .await
    }

    async fn add_visit_line_once(
        &self,
        actor: &Actor,
        role: Role,
        id: i64,
        service_id: i64,
        price: Option<Money>,
    ) -> Result<Visit, VisitError> {
        let now = time::encode(Utc::now());
        let mut tx = self.begin_write().await?;
        let (status, _, _) = lock_visit(&mut tx, id, None, &now).await?;
        let delta = Delta::take(&mut tx, id, false).await?;
        check_lines_editable(status, role)?;
        let (base_price, _) = active_service(&mut tx, service_id, "service_id").await?;
        let price = price.map_or(base_price, Money::tiyn);
        let inserted = sqlx::query(
            "INSERT INTO appointment_services (appointment_id, service_id, base_price, price, paid, position, price_changed_by) \
             VALUES ($1, $2, $3, $4, 0, (SELECT COALESCE(MAX(position), -1) + 1 FROM appointment_services WHERE appointment_id = $1), $5)",
        )
        .bind(id)
        .bind(service_id)
        .bind(base_price)
        .bind(price)
        .bind((price != base_price).then(|| actor.user_id.map(|u| u.0)).flatten())
        .execute(&mut *tx)
        .await;
        if let Err(e) = inserted {
            return Err(match StoreError::on_unique(e, "service_id") {
                StoreError::Duplicate { .. } => {
                    VisitError::Conflict("Эта услуга уже есть в визите")
                }
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
                entity_id: Some(id),
                old: None,
                new: Some(json!({"service_id": service_id, "base_price": money(base_price), "price": money(price), "total": total, "paid": paid})),
            },
        )
        .await?;
        delta.settle(&mut tx, id).await?;
        let visit = load_visit(&mut tx, id).await?.ok_or(StoreError::NotFound)?;
        tx.commit().await?;
        Ok(visit)
    }

    /// Sets a line's price for this visit (≥ 0, not below what is already allocated to it).
    /// Audited with old, new and the base price; total and payment status recomputed.
    pub async fn set_line_price(
        &self,
        actor: &Actor,
        role: Role,
        id: i64,
        line_id: i64,
        price: Money,
    ) -> Result<Visit, VisitError> {
        crate::retry::transient(async || {
            self.set_line_price_once(actor, role, id, line_id, price)
                .await
        })
        .await
    }

    async fn set_line_price_once(
        &self,
        actor: &Actor,
        role: Role,
        id: i64,
        line_id: i64,
        price: Money,
    ) -> Result<Visit, VisitError> {
        let now = time::encode(Utc::now());
        let mut tx = self.begin_write().await?;
        let (status, _, _) = lock_visit(&mut tx, id, None, &now).await?;
        let delta = Delta::take(&mut tx, id, false).await?;
        check_lines_editable(status, role)?;
        let line: Option<(i64, i64, i64, i64)> = sqlx::query_as(
            "SELECT service_id, base_price, price, paid FROM appointment_services WHERE id = $1 AND appointment_id = $2",
        )
        .bind(line_id)
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some((service_id, base_price, old_price, line_paid)) = line else {
            return Err(StoreError::NotFound.into());
        };
        check_line_price(price, money(line_paid))?;
        sqlx::query(
            "UPDATE appointment_services SET price = $1, price_changed_by = $2 WHERE id = $3",
        )
        .bind(price.tiyn())
        .bind(actor.user_id.map(|u| u.0))
        .bind(line_id)
        .execute(&mut *tx)
        .await?;
        let (total, paid) = recompute_totals(&mut tx, id).await?;
        emhana_domain::check_price_edit(total, paid)?;
        audit::append(
            &mut tx,
            actor,
            AuditEntry {
                action: "price_change",
                entity: "appointment_line",
                entity_id: Some(line_id),
                old: Some(json!({"appointment_id": id, "service_id": service_id, "price": money(old_price)})),
                new: Some(json!({"appointment_id": id, "service_id": service_id, "price": price, "base_price": money(base_price), "total": total})),
            },
        )
        .await?;
        delta.settle(&mut tx, id).await?;
        let visit = load_visit(&mut tx, id).await?.ok_or(StoreError::NotFound)?;
        tx.commit().await?;
        Ok(visit)
    }

    /// Removes a line that no payment was ever allocated to. Audited.
    pub async fn remove_visit_line(
        &self,
        actor: &Actor,
        role: Role,
        id: i64,
        line_id: i64,
    ) -> Result<Visit, VisitError> {
        crate::retry::transient(async || {
            self.remove_visit_line_once(actor, role, id, line_id).await
        })
        .await
    }

    async fn remove_visit_line_once(
        &self,
        actor: &Actor,
        role: Role,
        id: i64,
        line_id: i64,
    ) -> Result<Visit, VisitError> {
        let now = time::encode(Utc::now());
        let mut tx = self.begin_write().await?;
        let (status, _, _) = lock_visit(&mut tx, id, None, &now).await?;
        let delta = Delta::take(&mut tx, id, false).await?;
        check_lines_editable(status, role)?;
        let line: Option<(i64, i64)> = sqlx::query_as(
            "SELECT service_id, price FROM appointment_services WHERE id = $1 AND appointment_id = $2",
        )
        .bind(line_id)
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some((service_id, price)) = line else {
            return Err(StoreError::NotFound.into());
        };
        let (allocated,): (i64,) =
            sqlx::query_as("SELECT COUNT(*) FROM payment_allocations WHERE line_id = $1")
                .bind(line_id)
                .fetch_one(&mut *tx)
                .await?;
        if allocated > 0 {
            return Err(VisitError::Conflict(
                "По этой услуге уже были оплаты: её нельзя убрать из визита, можно изменить цену",
            ));
        }
        sqlx::query("DELETE FROM appointment_services WHERE id = $1")
            .bind(line_id)
            .execute(&mut *tx)
            .await?;
        let (total, _) = recompute_totals(&mut tx, id).await?;
        audit::append(
            &mut tx,
            actor,
            AuditEntry {
                action: "remove_line",
                entity: "appointment",
                entity_id: Some(id),
                old: Some(
                    json!({"line_id": line_id, "service_id": service_id, "price": money(price)}),
                ),
                new: Some(json!({"total": total})),
            },
        )
        .await?;
        delta.settle(&mut tx, id).await?;
        let visit = load_visit(&mut tx, id).await?.ok_or(StoreError::NotFound)?;
        tx.commit().await?;
        Ok(visit)
    }
}

fn check_lines_editable(status: VisitStatus, role: Role) -> Result<(), VisitError> {
    if status.lines_editable_by(role) {
        Ok(())
    } else {
        Err(VisitError::Forbidden(
            "Услуги и цены закрытого визита меняет только администратор или владелец",
        ))
    }
}
