//! A chunk's rows as export cells: clinic-local times, domain labels, sums in tiyn.

use std::fmt::Write as _;

use chrono::{DateTime, Utc};
use emhana_domain::export::Cell;
use emhana_domain::{Money, PaymentMethod, PaymentStatus, VisitStatus};
use sqlx::any::AnyRow;
use sqlx::Row;

use super::segment::Segment;
use super::{ExportCursor, LINES_OF_VISITS, SPLIT_OF_PAYMENTS, SPLIT_OF_REFUNDS};
use crate::time::column;
use crate::StoreError;

impl ExportCursor {
    pub(super) async fn cells(
        &mut self,
        segment: Segment,
        rows: &[AnyRow],
    ) -> Result<Vec<Vec<Cell>>, StoreError> {
        let zone = self.zone;
        let at = |row: &AnyRow, c: &str| -> Result<Cell, StoreError> {
            Ok(
                column::maybe_instant(row, c)?.map_or(Cell::Empty, |t: DateTime<Utc>| {
                    Cell::DateTime(zone.local_datetime(t))
                }),
            )
        };
        let text = |row: &AnyRow, c: &str| -> Result<Cell, StoreError> {
            Ok(Cell::text(row.try_get::<Option<String>, _>(c)?))
        };
        let money =
            |row: &AnyRow, c: &str| -> Result<Money, StoreError> { Ok(column::money(row, c)?) };
        let mut out = Vec::with_capacity(rows.len());
        match segment {
            Segment::Appointments => {
                let lines = self.children(LINES_OF_VISITS, rows, "id").await?;
                for row in rows {
                    let id: i64 = row.try_get("id")?;
                    let mine = lines.get(&id).map(Vec::as_slice).unwrap_or_default();
                    let names = mine.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>();
                    let base = Money::from_tiyn(mine.iter().map(|(_, m)| m.tiyn()).sum());
                    let (total, paid) = (money(row, "total")?, money(row, "paid")?);
                    let status = column::code(row, "status", VisitStatus::from_code)?;
                    let pay = column::code(row, "payment_status", PaymentStatus::from_code)?;
                    out.push(vec![
                        Cell::Int(id),
                        Cell::Date(column::day(row, "local_date")?),
                        at(row, "starts_at")?,
                        at(row, "ends_at")?,
                        Cell::Text(status.label_ru().into()),
                        text(row, "doctor")?,
                        text(row, "patient")?,
                        text(row, "phone")?,
                        Cell::Text(names.join("; ")),
                        Cell::Money(base),
                        Cell::Money(total),
                        Cell::Money(Money::from_tiyn(base.tiyn() - total.tiyn())),
                        Cell::Money(paid),
                        Cell::Money(emhana_domain::payment::remaining(total, paid)),
                        Cell::Text(pay.label_ru().into()),
                        text(row, "source")?,
                        text(row, "notes")?,
                    ]);
                }
            }
            Segment::Lines => {
                for row in rows {
                    let (base, price, paid) = (
                        money(row, "base_price")?,
                        money(row, "price")?,
                        money(row, "paid")?,
                    );
                    let status = column::code(row, "status", VisitStatus::from_code)?;
                    out.push(vec![
                        Cell::Int(row.try_get("visit_id")?),
                        Cell::Date(column::day(row, "local_date")?),
                        text(row, "doctor")?,
                        text(row, "patient")?,
                        text(row, "service")?,
                        Cell::Money(base),
                        Cell::Money(price),
                        Cell::Money(Money::from_tiyn(base.tiyn() - price.tiyn())),
                        Cell::Money(paid),
                        Cell::Money(emhana_domain::payment::remaining(price, paid)),
                        Cell::Text(status.label_ru().into()),
                    ]);
                }
            }
            Segment::Payments | Segment::Refunds => {
                let refund = segment == Segment::Refunds;
                let split = self
                    .children(
                        if refund {
                            SPLIT_OF_REFUNDS
                        } else {
                            SPLIT_OF_PAYMENTS
                        },
                        rows,
                        "id",
                    )
                    .await?;
                for row in rows {
                    let id: i64 = row.try_get("id")?;
                    let amount = money(row, "amount")?;
                    let method = column::code(row, "method", PaymentMethod::from_code)?;
                    let parts = split.get(&id).map(Vec::as_slice).unwrap_or_default();
                    let mut by_service = String::new();
                    for (name, m) in parts {
                        if !by_service.is_empty() {
                            by_service.push_str("; ");
                        }
                        let _ = write!(by_service, "{name}: {m}");
                    }
                    out.push(vec![
                        Cell::Text(
                            if refund {
                                "Возврат"
                            } else {
                                "Оплата"
                            }
                            .into(),
                        ),
                        Cell::Int(id),
                        at(row, "at")?,
                        Cell::Text(method.label_ru().into()),
                        Cell::Money(if refund {
                            Money::from_tiyn(-amount.tiyn())
                        } else {
                            amount
                        }),
                        Cell::Int(row.try_get("visit_id")?),
                        Cell::Date(column::day(row, "local_date")?),
                        text(row, "doctor")?,
                        text(row, "patient")?,
                        text(row, "by_user")?,
                        if refund {
                            Cell::Empty
                        } else {
                            at(row, "voided_at")?
                        },
                        text(row, "reason")?,
                        Cell::text(Some(by_service)),
                    ]);
                }
            }
            Segment::Patients => {
                for row in rows {
                    let active: crate::time::Flag = row.try_get("is_active")?;
                    out.push(vec![
                        Cell::Int(row.try_get("id")?),
                        text(row, "last_name")?,
                        text(row, "first_name")?,
                        text(row, "phone")?,
                        row.try_get::<Option<String>, _>("birth_date")?
                            .and_then(|d| d.parse().ok())
                            .map_or(Cell::Empty, Cell::Date),
                        text(row, "email")?,
                        Cell::Text(yes_no(active.0).into()),
                        at(row, "created_at")?,
                        text(row, "notes")?,
                    ]);
                }
            }
            Segment::Doctors => {
                for row in rows {
                    let active: crate::time::Flag = row.try_get("is_active")?;
                    out.push(vec![
                        Cell::Int(row.try_get("id")?),
                        text(row, "last_name")?,
                        text(row, "first_name")?,
                        text(row, "specialization")?,
                        text(row, "phone")?,
                        text(row, "email")?,
                        Cell::Text(yes_no(active.0).into()),
                    ]);
                }
            }
            Segment::Services => {
                for row in rows {
                    let active: crate::time::Flag = row.try_get("is_active")?;
                    out.push(vec![
                        Cell::Int(row.try_get("id")?),
                        text(row, "name")?,
                        Cell::Money(money(row, "base_price")?),
                        Cell::Int(row.try_get("duration_minutes")?),
                        text(row, "doctor")?,
                        Cell::Text(yes_no(active.0).into()),
                        text(row, "description")?,
                    ]);
                }
            }
            Segment::Audit => {
                for row in rows {
                    let user = row.try_get::<Option<String>, _>("by_user")?.or_else(|| {
                        row.try_get::<Option<i64>, _>("user_id")
                            .ok()
                            .flatten()
                            .map(|id| format!("#{id}"))
                    });
                    out.push(vec![
                        Cell::Int(row.try_get("id")?),
                        at(row, "at")?,
                        Cell::text(user),
                        text(row, "action")?,
                        text(row, "entity")?,
                        row.try_get::<Option<i64>, _>("entity_id")?
                            .map_or(Cell::Empty, Cell::Int),
                        text(row, "old_json")?,
                        text(row, "new_json")?,
                        text(row, "client_ip")?,
                        text(row, "request_id")?,
                    ]);
                }
            }
        }
        Ok(out)
    }
}

fn yes_no(flag: bool) -> &'static str {
    if flag {
        "да"
    } else {
        "нет"
    }
}
