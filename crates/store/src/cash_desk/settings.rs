//! The clinic's cash-desk settings, kept in the `settings` table (absent keys are the defaults).

use chrono::{NaiveTime, Utc};
use emhana_domain::cash_desk::CashDeskSettings;
use emhana_domain::Money;
use serde_json::json;
use sqlx::AnyConnection;

use crate::audit::{self, Actor, AuditEntry};
use crate::{time, Store, StoreError};

const REQUIRE_OPEN_SHIFT: &str = "cash_desk.require_open_shift";
const TOLERANCE: &str = "cash_desk.tolerance";
const DAY_END: &str = "cash_desk.day_end";

/// `require_open_shift`, read on the caller's connection (inside a payment's transaction).
pub(crate) async fn require_open_shift(conn: &mut AnyConnection) -> Result<bool, StoreError> {
    let row: Option<(String,)> = sqlx::query_as("SELECT value FROM settings WHERE key = $1")
        .bind(REQUIRE_OPEN_SHIFT)
        .fetch_optional(&mut *conn)
        .await?;
    Ok(row.is_some_and(|(v,)| v == "true"))
}

impl Store {
    /// The cash-desk settings (defaults for keys never set).
    pub async fn cash_desk_settings(&self) -> Result<CashDeskSettings, StoreError> {
        let rows: Vec<(String, String)> =
            sqlx::query_as("SELECT key, value FROM settings WHERE key IN ($1, $2, $3)")
                .bind(REQUIRE_OPEN_SHIFT)
                .bind(TOLERANCE)
                .bind(DAY_END)
                .fetch_all(self.pool())
                .await?;
        let mut s = CashDeskSettings::default();
        for (key, value) in rows {
            let bad = || StoreError::Config(format!("setting {key} = {value:?}"));
            match key.as_str() {
                REQUIRE_OPEN_SHIFT => s.require_open_shift = value == "true",
                TOLERANCE => s.tolerance = Money::from_tiyn(value.parse().map_err(|_| bad())?),
                DAY_END => {
                    s.day_end = NaiveTime::parse_from_str(&value, "%H:%M").map_err(|_| bad())?;
                }
                _ => {}
            }
        }
        Ok(s)
    }

    /// Replaces the cash-desk settings. Audited with old → new.
    pub async fn set_cash_desk_settings(
        &self,
        actor: &Actor,
        new: CashDeskSettings,
    ) -> Result<CashDeskSettings, StoreError> {
        let old = self.cash_desk_settings().await?;
        let now = time::encode(Utc::now());
        let mut tx = self.begin_write().await?;
        let values = [
            (REQUIRE_OPEN_SHIFT, new.require_open_shift.to_string()),
            (TOLERANCE, new.tolerance.tiyn().to_string()),
            (DAY_END, new.day_end.format("%H:%M").to_string()),
        ];
        for (key, value) in values {
            sqlx::query(
                "INSERT INTO settings (key, value, created_at, updated_at) VALUES ($1, $2, $3, $3) \
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
            )
            .bind(key)
            .bind(value)
            .bind(&now)
            .execute(&mut *tx)
            .await?;
        }
        audit::append(
            &mut tx,
            actor,
            AuditEntry {
                action: "update",
                entity: "cash_desk_settings",
                entity_id: None,
                old: Some(json!(old)),
                new: Some(json!(new)),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(new)
    }
}
