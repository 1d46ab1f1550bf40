//! The reminder outbox: the clinic's settings (one JSON setting, audited), planning rows for the
//! visits ahead (idempotent: `UNIQUE (appointment_id, rule_key, planned_start)`), claiming due
//! rows with a lease (on PostgreSQL `FOR UPDATE SKIP LOCKED`, so two instances never take the
//! same row), recording each try, and the list staff and integrators read.

use chrono::{DateTime, Duration, Utc};
use serde_json::Value;

use crate::audit::{self, Actor, AuditEntry};
use crate::{time, Backend, Store, StoreError};

/// The settings key holding the clinic's reminder settings (the API body as JSON).
const SETTINGS_KEY: &str = "reminders.settings";

/// A reminder to plan.
#[derive(Debug, Clone)]
pub struct NewReminder {
    /// The visit.
    pub appointment_id: i64,
    /// The rule (`When::key`).
    pub rule_key: String,
    /// The visit's start now.
    pub planned_start: DateTime<Utc>,
    /// When it is due.
    pub due_at: DateTime<Utc>,
    /// Some(reason): recorded as withdrawn at once (e.g. `too_late`: its time passed before the
    /// visit was booked), so the visit is not looked at again.
    pub withdrawn: Option<&'static str>,
}

/// A scheduled visit the planner looks at.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UpcomingVisit {
    /// Id.
    pub id: i64,
    /// Start (instant text).
    pub starts_at: String,
}

/// A reminder taken by a sender, with the visit and patient as they are now.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ClaimedReminder {
    /// Id.
    pub id: i64,
    /// The visit.
    pub appointment_id: i64,
    /// The rule.
    pub rule_key: String,
    /// The visit's start when planned.
    pub planned_start: String,
    /// Due at.
    pub due_at: String,
    /// Tries so far, this one included.
    pub attempts: i64,
    /// The visit's status now.
    pub visit_status: String,
    /// The visit's start now.
    pub visit_starts_at: String,
    /// The patient's first name.
    pub first_name: String,
    /// The patient's phone.
    pub phone: String,
    /// WhatsApp allowed now.
    #[sqlx(try_from = "crate::time::Flag")]
    pub remind_whatsapp: bool,
    /// SMS allowed now.
    #[sqlx(try_from = "crate::time::Flag")]
    pub remind_sms: bool,
    /// `ru` | `kk`.
    pub remind_language: String,
    /// The doctor's first name.
    pub doctor_first_name: String,
    /// The doctor's last name.
    pub doctor_last_name: String,
}

/// How a claimed try ended.
#[derive(Debug, Clone)]
pub enum ReminderOutcome {
    /// The provider accepted it.
    Sent {
        /// `whatsapp` | `sms`.
        channel: &'static str,
        /// The text.
        body: String,
        /// The provider's status.
        status_code: u16,
        /// The provider's message id, when it gave one.
        message_id: Option<String>,
    },
    /// Try again at `at`.
    Retry {
        /// `whatsapp` | `sms`.
        channel: &'static str,
        /// The text.
        body: String,
        /// The provider's status, if it answered.
        status_code: Option<u16>,
        /// What went wrong.
        error: String,
        /// The next try.
        at: DateTime<Utc>,
    },
    /// Given up: refused by the provider, or no time left for another try.
    Failed {
        /// The channel, if one was chosen.
        channel: Option<&'static str>,
        /// The text, if rendered.
        body: Option<String>,
        /// The provider's status, if it answered.
        status_code: Option<u16>,
        /// What went wrong.
        error: String,
        /// `provider_refused` | `retries_exhausted`.
        reason: &'static str,
    },
    /// Not sent after all (`Withdrawn::code`).
    Withdrawn {
        /// Why.
        reason: &'static str,
    },
}

/// A reminder as listed.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ReminderRow {
    /// Id.
    pub id: i64,
    /// The visit.
    pub appointment_id: i64,
    /// The rule.
    pub rule_key: String,
    /// Start when planned.
    pub planned_start: String,
    /// Due at.
    pub due_at: String,
    /// Status code.
    pub status: String,
    /// Why withdrawn or failed.
    pub reason: Option<String>,
    /// Channel.
    pub channel: Option<String>,
    /// Text.
    pub body: Option<String>,
    /// Tries.
    pub attempts: i64,
    /// Last provider status.
    pub last_status_code: Option<i64>,
    /// Last error.
    pub last_error: Option<String>,
    /// Sent at.
    pub sent_at: Option<String>,
    /// Provider message id.
    pub provider_message_id: Option<String>,
    /// Patient id.
    pub patient_id: i64,
    /// Patient first name.
    pub first_name: String,
    /// Patient last name.
    pub last_name: Option<String>,
    /// Patient phone.
    pub phone: String,
    /// Doctor first name.
    pub doctor_first_name: String,
    /// Doctor last name.
    pub doctor_last_name: String,
    /// The visit's status now.
    pub visit_status: String,
}

const JOINS: &str = "FROM reminders r JOIN appointments a ON a.id = r.appointment_id \
     JOIN patients p ON p.id = a.patient_id JOIN doctors d ON d.id = a.doctor_id";

impl Store {
    /// The stored reminder settings (the API body as JSON), none until an owner saves them.
    pub async fn reminder_settings(&self) -> Result<Option<Value>, StoreError> {
        Ok(self
            .setting(SETTINGS_KEY)
            .await?
            .and_then(|text| serde_json::from_str(&text).ok()))
    }

    /// Replaces the reminder settings, audited with old and new, in one transaction.
    pub async fn set_reminder_settings(
        &self,
        actor: &Actor,
        old: &Value,
        new: &Value,
    ) -> Result<(), StoreError> {
        let now = time::encode(Utc::now());
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO settings (key, value, created_at, updated_at) VALUES ($1, $2, $3, $3) \
             ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
        )
        .bind(SETTINGS_KEY)
        .bind(new.to_string())
        .bind(&now)
        .execute(&mut *tx)
        .await?;
        let entry = AuditEntry::changed("update", "reminder_settings", 1, old, new);
        audit::append(&mut tx, actor, entry).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Scheduled visits starting in `(after, until]` that have fewer than `rules` reminder rows
    /// for their current start: the ones the planner still has to look at.
    pub async fn visits_to_plan(
        &self,
        after: DateTime<Utc>,
        until: DateTime<Utc>,
        rules: i64,
    ) -> Result<Vec<UpcomingVisit>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT a.id, a.starts_at FROM appointments a \
             WHERE a.status = 'scheduled' AND a.starts_at > $1 AND a.starts_at <= $2 \
               AND (SELECT COUNT(*) FROM reminders r \
                    WHERE r.appointment_id = a.id AND r.planned_start = a.starts_at) < $3 \
             ORDER BY a.starts_at, a.id",
        )
        .bind(time::encode(after))
        .bind(time::encode(until))
        .bind(rules)
        .fetch_all(self.pool())
        .await?)
    }

    /// Inserts the reminders not planned yet (a row already there is left alone: planning is
    /// idempotent across ticks and instances). Returns how many were new.
    pub async fn plan_reminders(&self, planned: &[NewReminder]) -> Result<u64, StoreError> {
        if planned.is_empty() {
            return Ok(0);
        }
        let now = time::encode(Utc::now());
        let mut tx = self.begin_write().await?;
        let mut added = 0;
        for r in planned {
            let due = time::encode(r.due_at);
            let done = sqlx::query(
                "INSERT INTO reminders (appointment_id, rule_key, planned_start, due_at, status, reason, \
                                        next_attempt_at, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $4, $7, $7) \
                 ON CONFLICT (appointment_id, rule_key, planned_start) DO NOTHING",
            )
            .bind(r.appointment_id)
            .bind(&r.rule_key)
            .bind(time::encode(r.planned_start))
            .bind(&due)
            .bind(if r.withdrawn.is_some() {
                "withdrawn"
            } else {
                "planned"
            })
            .bind(r.withdrawn)
            .bind(&now)
            .execute(&mut *tx)
            .await?;
            added += done.rows_affected();
        }
        tx.commit().await?;
        Ok(added)
    }

    /// Takes up to `limit` due reminders for `lease` (planned ones whose time came, and ones a
    /// dead sender left in `sending` past its lease), counting the try.
    pub async fn claim_reminders(
        &self,
        now: DateTime<Utc>,
        lease: Duration,
        limit: i64,
    ) -> Result<Vec<ClaimedReminder>, StoreError> {
        let mut tx = self.begin_write().await?;
        let lock = match self.backend() {
            Backend::Postgres => " FOR UPDATE OF r SKIP LOCKED",
            Backend::Sqlite => "",
        };
        let at = time::encode(now);
        let mut claimed = sqlx::query_as::<_, ClaimedReminder>(sqlx::AssertSqlSafe(format!(
            "SELECT r.id, r.appointment_id, r.rule_key, r.planned_start, r.due_at, r.attempts, \
                    a.status AS visit_status, a.starts_at AS visit_starts_at, p.first_name, p.phone, \
                    p.remind_whatsapp, p.remind_sms, p.remind_language, \
                    d.first_name AS doctor_first_name, d.last_name AS doctor_last_name \
             {JOINS} \
             WHERE r.status IN ('planned', 'sending') AND r.next_attempt_at <= $1 \
               AND (r.locked_until IS NULL OR r.locked_until <= $1) \
             ORDER BY r.next_attempt_at, r.id LIMIT $2{lock}"
        )))
        .bind(&at)
        .bind(limit)
        .fetch_all(&mut *tx)
        .await?;
        if claimed.is_empty() {
            return Ok(claimed);
        }
        let ids: Vec<String> = claimed.iter().map(|c| c.id.to_string()).collect();
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "UPDATE reminders SET status = 'sending', locked_until = $1, attempts = attempts + 1, \
                    updated_at = $2 WHERE id IN ({})",
            ids.join(",")
        )))
        .bind(time::encode(now + lease))
        .bind(&at)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        for c in &mut claimed {
            c.attempts += 1;
        }
        Ok(claimed)
    }

    /// Records how a claimed try ended.
    pub async fn finish_reminder(
        &self,
        id: i64,
        outcome: &ReminderOutcome,
    ) -> Result<(), StoreError> {
        let now = time::encode(Utc::now());
        let query = match outcome {
            ReminderOutcome::Sent {
                channel,
                body,
                status_code,
                message_id,
            } => sqlx::query(
                "UPDATE reminders SET status = 'sent', channel = $1, body = $2, last_status_code = $3, \
                        provider_message_id = $4, sent_at = $5, last_error = NULL, reason = NULL, \
                        locked_until = NULL, updated_at = $5 WHERE id = $6",
            )
            .bind(*channel)
            .bind(body)
            .bind(i64::from(*status_code))
            .bind(message_id.as_deref()),
            ReminderOutcome::Retry {
                channel,
                body,
                status_code,
                error,
                at,
            } => sqlx::query(
                "UPDATE reminders SET status = 'planned', channel = $1, body = $2, last_status_code = $3, \
                        last_error = $4, next_attempt_at = $5, locked_until = NULL, updated_at = $6 \
                 WHERE id = $7",
            )
            .bind(*channel)
            .bind(body)
            .bind(status_code.map(i64::from))
            .bind(cut(error))
            .bind(time::encode(*at)),
            ReminderOutcome::Failed {
                channel,
                body,
                status_code,
                error,
                reason,
            } => sqlx::query(
                "UPDATE reminders SET status = 'failed', channel = COALESCE($1, channel), \
                        body = COALESCE($2, body), last_status_code = $3, last_error = $4, reason = $5, \
                        locked_until = NULL, updated_at = $6 WHERE id = $7",
            )
            .bind(*channel)
            .bind(body.as_deref())
            .bind(status_code.map(i64::from))
            .bind(cut(error))
            .bind(*reason),
            ReminderOutcome::Withdrawn { reason } => sqlx::query(
                "UPDATE reminders SET status = 'withdrawn', reason = $1, locked_until = NULL, \
                        updated_at = $2 WHERE id = $3",
            )
            .bind(*reason),
        };
        let mut tx = self.begin_write().await?;
        query.bind(&now).bind(id).execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Reminders of visits planned to start in `[from, to)`, optionally in one status, by start.
    pub async fn reminders(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        status: Option<&str>,
    ) -> Result<Vec<ReminderRow>, StoreError> {
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT r.id, r.appointment_id, r.rule_key, r.planned_start, r.due_at, r.status, r.reason, \
                    r.channel, r.body, r.attempts, r.last_status_code, r.last_error, r.sent_at, \
                    r.provider_message_id, p.id AS patient_id, p.first_name, p.last_name, p.phone, \
                    d.first_name AS doctor_first_name, d.last_name AS doctor_last_name, \
                    a.status AS visit_status \
             {JOINS} \
             WHERE r.planned_start >= $1 AND r.planned_start < $2 AND ($3 IS NULL OR r.status = $3) \
             ORDER BY r.planned_start, r.id"
        )))
        .bind(time::encode(from))
        .bind(time::encode(to))
        .bind(status)
        .fetch_all(self.pool())
        .await?)
    }
}

/// A provider's error text, bounded for the row.
fn cut(error: &str) -> String {
    error.chars().take(500).collect()
}
