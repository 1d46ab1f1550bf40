//! Registers and shifts as the store returns them: typed values decoded from the rows once.

use chrono::{DateTime, NaiveDate, Utc};
use emhana_domain::cash_desk::{Opening, ShiftStatus, ZReport};
use emhana_domain::ids::{RegisterId, ShiftId};
use emhana_domain::Money;
use sqlx::any::AnyRow;
use sqlx::{FromRow, Row};

use crate::time::{column, Flag};

/// A register (касса) with its live shift, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Register {
    /// Id.
    pub id: RegisterId,
    /// Name ("Касса 1").
    pub name: String,
    /// Inactive registers take nothing.
    pub is_active: bool,
    /// The shift that is not closed yet.
    pub shift: Option<(ShiftId, ShiftStatus)>,
}

impl FromRow<'_, AnyRow> for Register {
    fn from_row(r: &AnyRow) -> sqlx::Result<Self> {
        let shift = match r.try_get::<Option<i64>, _>("shift_id")? {
            Some(id) => Some((
                ShiftId(id),
                column::code(r, "shift_status", ShiftStatus::from_code)?,
            )),
            None => None,
        };
        Ok(Self {
            id: RegisterId(r.try_get("id")?),
            name: r.try_get("name")?,
            is_active: r.try_get::<Flag, _>("is_active")?.0,
            shift,
        })
    }
}

/// A shift with the names a list shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shift {
    /// Id.
    pub id: ShiftId,
    /// Its register.
    pub register_id: RegisterId,
    /// The register's name.
    pub register_name: String,
    /// Where it is in its life.
    pub status: ShiftStatus,
    /// When it was opened.
    pub opened_at: DateTime<Utc>,
    /// The clinic-local day it was opened on.
    pub opened_on: NaiveDate,
    /// Who opened it.
    pub opened_by: Option<String>,
    /// The opening count against the previous close.
    pub opening: Opening,
    /// When counting started.
    pub counting_at: Option<DateTime<Utc>>,
    /// When it was closed.
    pub closed_at: Option<DateTime<Utc>>,
    /// Who closed it.
    pub closed_by: Option<String>,
    /// The closer's note.
    pub close_note: Option<String>,
    /// Its Z number, once closed.
    pub z_number: Option<i64>,
    /// Counted − expected over every tender, once closed (from its Z).
    pub difference: Option<Money>,
}

impl FromRow<'_, AnyRow> for Shift {
    fn from_row(r: &AnyRow) -> sqlx::Result<Self> {
        Ok(Self {
            id: ShiftId(r.try_get("id")?),
            register_id: RegisterId(r.try_get("register_id")?),
            register_name: r.try_get("register_name")?,
            status: column::code(r, "status", ShiftStatus::from_code)?,
            opened_at: column::instant(r, "opened_at")?,
            opened_on: column::day(r, "opened_on")?,
            opened_by: r.try_get("opened_by_name")?,
            opening: Opening::new(
                column::money(r, "suggested_opening")?,
                column::money(r, "counted_opening")?,
            ),
            counting_at: column::maybe_instant(r, "counting_at")?,
            closed_at: column::maybe_instant(r, "closed_at")?,
            closed_by: r.try_get("closed_by_name")?,
            close_note: r.try_get("close_note")?,
            z_number: r.try_get("z_number")?,
            difference: match r.try_get::<Option<String>, _>("z_report")? {
                Some(z) => {
                    let z: ZReport =
                        serde_json::from_str(&z).map_err(|e| sqlx::Error::Decode(e.into()))?;
                    Some(Money::from_tiyn(
                        z.counts.iter().map(|c| c.difference.tiyn()).sum(),
                    ))
                }
                None => None,
            },
        })
    }
}
