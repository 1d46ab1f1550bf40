//! The cash desk: registers, their shifts, cash movements, X and Z reports, and the posting of
//! payments and refunds into the open shift.
//!
//! Locks (see `crate::retry` for the whole order): a payment or refund locks its visit, then
//! *shares* the lock on its register's live shift row (PostgreSQL `FOR SHARE`: payments at one
//! register do not queue behind each other); counting, closing and cash movements take that row
//! *exclusively* (an `UPDATE`), so they wait for the payments in flight and every payment after
//! them sees the new state. A payment racing the close is therefore in that Z or refused. SQLite
//! has one writer at a time (`BEGIN IMMEDIATE`), which gives the same order.

mod reports;
mod rows;
mod settings;

use chrono::{DateTime, NaiveDate, Utc};
use emhana_domain::cash_desk::{
    check_movement, posting, shift_report, CashMovement, Opening, ShiftRefusal, ShiftStatus,
};
use emhana_domain::ids::{RegisterId, ShiftId};
use emhana_domain::{ClinicZone, Money};
use serde_json::json;
use sqlx::AnyConnection;

pub use reports::JournalLine;
pub use rows::{Register, Shift};

use crate::audit::{self, Actor, AuditEntry};
use crate::visits::VisitError;
use crate::{time, Backend, Store, StoreError};

/// The columns of a [`Shift`] (`s` shifts, `r` registers, `o`/`c` who opened/closed).
const SHIFT: &str =
    "s.id, s.register_id, r.name AS register_name, s.status, s.opened_at, s.opened_on, \
     o.display_name AS opened_by_name, s.suggested_opening, s.counted_opening, s.counting_at, \
     s.closed_at, c.display_name AS closed_by_name, s.close_note, s.z_number, s.z_report \
     FROM shifts s JOIN registers r ON r.id = s.register_id \
     LEFT JOIN users o ON o.id = s.opened_by LEFT JOIN users c ON c.id = s.closed_by";

impl Store {
    /// Every register, active first then by id, with its live shift if any.
    pub async fn registers(&self) -> Result<Vec<Register>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT r.id, r.name, r.is_active, s.id AS shift_id, s.status AS shift_status \
             FROM registers r LEFT JOIN shifts s ON s.register_id = r.id AND s.status <> 'closed' \
             ORDER BY r.is_active DESC, r.id",
        )
        .fetch_all(self.pool())
        .await?)
    }

    /// Adds a register (owner/admin). A name already used is `Duplicate { field: "name" }`.
    pub async fn create_register(&self, actor: &Actor, name: &str) -> Result<Register, StoreError> {
        let mut tx = self.begin_write().await?;
        let (id,): (i64,) =
            sqlx::query_as("INSERT INTO registers (name, created_at) VALUES ($1, $2) RETURNING id")
                .bind(name)
                .bind(time::encode(Utc::now()))
                .fetch_one(&mut *tx)
                .await
                .map_err(|e| StoreError::on_unique(e, "name"))?;
        audit::append(
            &mut tx,
            actor,
            AuditEntry {
                action: "create",
                entity: "register",
                entity_id: Some(id),
                old: None,
                new: Some(json!({ "name": name })),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(Register {
            id: RegisterId(id),
            name: name.to_owned(),
            is_active: true,
            shift: None,
        })
    }

    /// Renames a register and/or (de)activates it (owner/admin). A register with a shift not yet
    /// closed cannot be deactivated (its shift must be counted and closed first). Audited with
    /// old → new.
    pub async fn update_register(
        &self,
        actor: &Actor,
        id: RegisterId,
        (name, active): (Option<&str>, Option<bool>),
    ) -> Result<Register, VisitError> {
        let mut tx = self.begin_write().await?;
        let old: Option<(String, i64)> = sqlx::query_as(
            "UPDATE registers SET is_active = is_active WHERE id = $1 RETURNING name, is_active",
        )
        .bind(id.0)
        .fetch_optional(&mut *tx)
        .await?;
        let (old_name, old_active) = old.ok_or(StoreError::NotFound)?;
        if active == Some(false) {
            if let Some((shift, _)) = live_shift(&mut tx, id).await? {
                return Err(ShiftRefusal::AlreadyOpen(shift).into());
            }
        }
        let name = name.unwrap_or(&old_name).to_owned();
        let active = active.unwrap_or(old_active != 0);
        sqlx::query("UPDATE registers SET name = $1, is_active = $2 WHERE id = $3")
            .bind(&name)
            .bind(i64::from(active))
            .bind(id.0)
            .execute(&mut *tx)
            .await
            .map_err(|e| StoreError::on_unique(e, "name"))?;
        audit::append(
            &mut tx,
            actor,
            AuditEntry {
                action: "update",
                entity: "register",
                entity_id: Some(id.0),
                old: Some(json!({ "name": old_name, "is_active": old_active != 0 })),
                new: Some(json!({ "name": name, "is_active": active })),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(Register {
            id,
            name,
            is_active: active,
            shift: None,
        })
    }

    /// Opens a shift on `register` with the float counted as `counted`; the suggestion is what
    /// the register's previous close counted. A register with a live shift refuses (the unique
    /// index settles two openings racing).
    pub async fn open_shift(
        &self,
        actor: &Actor,
        register: RegisterId,
        counted: Money,
        (at, zone): (DateTime<Utc>, ClinicZone),
    ) -> Result<Shift, VisitError> {
        crate::retry::transient(async || {
            self.open_shift_once(actor, register, counted, (at, zone))
                .await
        })
        .await
    }

    async fn open_shift_once(
        &self,
        actor: &Actor,
        register: RegisterId,
        counted: Money,
        (at, zone): (DateTime<Utc>, ClinicZone),
    ) -> Result<Shift, VisitError> {
        let mut tx = self.begin_write().await?;
        let active: Option<(i64,)> = sqlx::query_as(
            "UPDATE registers SET is_active = is_active WHERE id = $1 RETURNING is_active",
        )
        .bind(register.0)
        .fetch_optional(&mut *tx)
        .await?;
        match active {
            None => return Err(StoreError::NotFound.into()),
            Some((0,)) => return Err(ShiftRefusal::RegisterInactive.into()),
            Some(_) => {}
        }
        if let Some((id, _)) = live_shift(&mut tx, register).await? {
            return Err(ShiftRefusal::AlreadyOpen(id).into());
        }
        let previous: Option<(Option<i64>,)> = sqlx::query_as(
            "SELECT closing_cash FROM shifts WHERE register_id = $1 AND status = 'closed' \
             ORDER BY z_number DESC LIMIT 1",
        )
        .bind(register.0)
        .fetch_optional(&mut *tx)
        .await?;
        let suggested = Money::from_tiyn(previous.and_then(|p| p.0).unwrap_or(0));
        let opening = Opening::new(suggested, counted);
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO shifts (register_id, opened_at, opened_on, opened_by, suggested_opening, counted_opening) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(register.0)
        .bind(time::encode(at))
        .bind(time::encode_day(zone.local_date(at)))
        .bind(actor.user_id.map(|u| u.0))
        .bind(suggested.tiyn())
        .bind(counted.tiyn())
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| StoreError::on_unique(e, "register_id"))?;
        audit::append(
            &mut tx,
            actor,
            AuditEntry {
                action: "open",
                entity: "shift",
                entity_id: Some(id),
                old: None,
                new: Some(json!({ "register_id": register, "opening": opening })),
            },
        )
        .await?;
        let shift = load_shift(&mut tx, ShiftId(id)).await?;
        tx.commit().await?;
        Ok(shift)
    }

    /// One shift.
    pub async fn shift(&self, id: ShiftId) -> Result<Option<Shift>, StoreError> {
        let mut conn = self.pool().acquire().await?;
        match load_shift(&mut conn, id).await {
            Ok(s) => Ok(Some(s)),
            Err(StoreError::NotFound) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Shifts opened on clinic-local days `from..=to` (either open-ended), of one register or
    /// all, newest first, at most 500.
    pub async fn shifts(
        &self,
        register: Option<RegisterId>,
        (from, to): (Option<NaiveDate>, Option<NaiveDate>),
    ) -> Result<Vec<Shift>, StoreError> {
        let sql = format!(
            "SELECT {SHIFT} WHERE ($1 IS NULL OR s.register_id = $1) \
               AND ($2 IS NULL OR s.opened_on >= $2) AND ($3 IS NULL OR s.opened_on <= $3) \
             ORDER BY s.opened_at DESC, s.id DESC LIMIT 500"
        );
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(register.map(|r| r.0))
            .bind(from.map(time::encode_day))
            .bind(to.map(time::encode_day))
            .fetch_all(self.pool())
            .await?)
    }

    /// Cash in or out of an open shift. Audited.
    pub async fn move_cash(
        &self,
        actor: &Actor,
        id: ShiftId,
        movement: &CashMovement,
        at: DateTime<Utc>,
    ) -> Result<Shift, VisitError> {
        crate::retry::transient(async || {
            let mut tx = self.begin_write().await?;
            require_state(&mut tx, id, ShiftStatus::Open).await?;
            if movement.kind == emhana_domain::cash_desk::CashMovementKind::Out {
                let float = load_shift(&mut tx, id).await?.opening.counted;
                let report = shift_report(float, &reports::entries(&mut tx, id).await?);
                check_movement(&report, movement)?;
            }
            let (movement_id,): (i64,) = sqlx::query_as(
                "INSERT INTO cash_movements (shift_id, kind, amount, reason, at, user_id) \
                 VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
            )
            .bind(id.0)
            .bind(movement.kind.code())
            .bind(movement.amount.tiyn())
            .bind(&movement.reason)
            .bind(time::encode(at))
            .bind(actor.user_id.map(|u| u.0))
            .fetch_one(&mut *tx)
            .await?;
            audit::append(
                &mut tx,
                actor,
                AuditEntry {
                    action: "create",
                    entity: "cash_movement",
                    entity_id: Some(movement_id),
                    old: None,
                    new: Some(json!({
                        "shift_id": id, "kind": movement.kind, "amount": movement.amount,
                        "reason": movement.reason,
                    })),
                },
            )
            .await?;
            let shift = load_shift(&mut tx, id).await?;
            tx.commit().await?;
            Ok(shift)
        })
        .await
    }

    /// `open → counting`: nothing new is posted from here on. Audited.
    pub async fn start_count(
        &self,
        actor: &Actor,
        id: ShiftId,
        at: DateTime<Utc>,
    ) -> Result<Shift, VisitError> {
        crate::retry::transient(async || {
            let mut tx = self.begin_write().await?;
            require_state(&mut tx, id, ShiftStatus::Open).await?;
            sqlx::query("UPDATE shifts SET status = 'counting', counting_at = $1 WHERE id = $2")
                .bind(time::encode(at))
                .bind(id.0)
                .execute(&mut *tx)
                .await?;
            audit::append(
                &mut tx,
                actor,
                AuditEntry {
                    action: "count",
                    entity: "shift",
                    entity_id: Some(id.0),
                    old: Some(json!({ "status": "open" })),
                    new: Some(json!({ "status": "counting" })),
                },
            )
            .await?;
            let shift = load_shift(&mut tx, id).await?;
            tx.commit().await?;
            Ok(shift)
        })
        .await
    }
}

/// Locks the shift row exclusively and checks it is in `wanted` state (a closed shift is
/// `Closed`, anything else `WrongState`).
async fn require_state(
    conn: &mut AnyConnection,
    id: ShiftId,
    wanted: ShiftStatus,
) -> Result<(), VisitError> {
    let status = lock_shift(conn, id).await?;
    if status == wanted {
        Ok(())
    } else if status == ShiftStatus::Closed {
        Err(ShiftRefusal::Closed.into())
    } else {
        Err(ShiftRefusal::WrongState(status).into())
    }
}

/// Locks the shift row exclusively (a version bump) and returns its status.
async fn lock_shift(conn: &mut AnyConnection, id: ShiftId) -> Result<ShiftStatus, VisitError> {
    let row: Option<(String,)> =
        sqlx::query_as("UPDATE shifts SET version = version + 1 WHERE id = $1 RETURNING status")
            .bind(id.0)
            .fetch_optional(&mut *conn)
            .await?;
    let (code,) = row.ok_or(StoreError::NotFound)?;
    Ok(status_of(&code)?)
}

fn status_of(code: &str) -> Result<ShiftStatus, StoreError> {
    ShiftStatus::from_code(code)
        .ok_or_else(|| StoreError::Config(format!("unknown shift status {code:?}")))
}

/// The register's live shift (not closed), without locking.
async fn live_shift(
    conn: &mut AnyConnection,
    register: RegisterId,
) -> Result<Option<(ShiftId, ShiftStatus)>, StoreError> {
    let row: Option<(i64, String)> = sqlx::query_as(
        "SELECT id, status FROM shifts WHERE register_id = $1 AND status <> 'closed'",
    )
    .bind(register.0)
    .fetch_optional(&mut *conn)
    .await?;
    row.map(|(id, code)| Ok((ShiftId(id), status_of(&code)?)))
        .transpose()
}

/// Reads one shift on `conn`.
async fn load_shift(conn: &mut AnyConnection, id: ShiftId) -> Result<Shift, StoreError> {
    let sql = format!("SELECT {SHIFT} WHERE s.id = $1");
    sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(id.0)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(StoreError::NotFound)
}

/// Where a payment or refund at `register` (the first active register when none is named) is
/// posted, decided under a shared lock on the live shift row. `has_cash`: the operation moves
/// cash. One statement on the usual path (a live shift found); only without one are the named
/// register (unknown or inactive: a refusal naming `register_id`) and `require_open_shift` read.
pub(crate) async fn post_into_shift(
    conn: &mut AnyConnection,
    backend: Backend,
    register: Option<RegisterId>,
    has_cash: bool,
) -> Result<Option<ShiftId>, VisitError> {
    let lock = match backend {
        Backend::Postgres => " FOR SHARE",
        Backend::Sqlite => "",
    };
    let sql = format!(
        "SELECT id, status FROM shifts \
         WHERE register_id = COALESCE($1, (SELECT MIN(id) FROM registers WHERE is_active = 1)) \
           AND status <> 'closed'{lock}"
    );
    let row: Option<(i64, String)> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(register.map(|r| r.0))
        .fetch_optional(&mut *conn)
        .await?;
    if let Some((id, code)) = row {
        // A register with a live shift is active (deactivation waits for the close).
        return Ok(posting(
            Some((ShiftId(id), status_of(&code)?)),
            has_cash,
            false,
        )?);
    }
    if let Some(r) = register {
        let active: Option<(i64,)> =
            sqlx::query_as("SELECT id FROM registers WHERE id = $1 AND is_active = 1")
                .bind(r.0)
                .fetch_optional(&mut *conn)
                .await?;
        active.ok_or_else(|| {
            emhana_domain::FieldViolation::new("register_id", "unknown", "Нет такой активной кассы")
        })?;
    }
    let require = settings::require_open_shift(conn).await?;
    Ok(posting(None, has_cash, require)?)
}
