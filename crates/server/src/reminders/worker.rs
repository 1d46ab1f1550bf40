//! The reminder worker. Every tick, while the clinic has reminders on: **plan** — every rule of
//! every scheduled visit in the next [`HORIZON_HOURS`] gets its row once (a row whose time is
//! long past is recorded as withdrawn `too_late`); **send** — due rows are claimed with a lease,
//! checked at the last moment against the visit and the consent as they are now
//! (`emhana_domain::reminder::may_send`), rendered in the patient's language and posted through
//! the first channel the patient allowed and the server has; the answer decides sent, retry
//! (`next_try`) or failed.

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use emhana_domain::reminder::{
    self, classify, may_send, next_try, worth_planning, AtSend, Channel, Consent, Facts, Language,
    ReminderSettings, SendResult,
};
use emhana_domain::visit_status::VisitStatus;
use emhana_domain::ClinicZone;
use emhana_store::reminders::{ClaimedReminder, NewReminder, ReminderOutcome};
use emhana_store::{time, Store};
use futures_util::future::join_all;

use super::{Message, Provider};

/// How far ahead visits are planned: the longest rule (72 h before, or the day before at 00:00
/// for a visit late the next day) and a margin.
pub const HORIZON_HOURS: i64 = 73;
/// A claim's lease: longer than a provider's timeout, so only a dead instance's claims run out.
const LEASE_SECS: i64 = 60;
/// Reminders claimed per round.
const BATCH: i64 = 32;

/// What one round needs besides the store.
pub struct Sender {
    /// The clinic's zone (due times and the text's date and time).
    pub zone: ClinicZone,
    /// The providers configured, WhatsApp first.
    pub providers: Vec<Box<dyn Provider>>,
}

impl Sender {
    fn configured(&self) -> Vec<Channel> {
        self.providers.iter().map(|p| p.channel()).collect()
    }

    fn provider(&self, channel: Channel) -> Option<&dyn Provider> {
        self.providers
            .iter()
            .find(|p| p.channel() == channel)
            .map(|p| &**p)
    }
}

/// Runs until the store closes.
pub async fn run(store: Store, sender: Arc<Sender>, every: Duration) {
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        if store.pool().is_closed() {
            return;
        }
        if let Err(e) = round(&store, &sender).await {
            tracing::warn!(error = %e, "reminder round failed; next tick");
        }
    }
}

/// One round: plan, then send until nothing is due.
pub async fn round(store: &Store, sender: &Sender) -> anyhow::Result<()> {
    // With no provider configured nothing is planned either: reminders wait (rather than being
    // withdrawn) until a channel is set up, and then go if their time has not passed.
    if sender.providers.is_empty() {
        return Ok(());
    }
    let settings = super::stored_settings(store).await?;
    if !settings.enabled {
        return Ok(());
    }
    plan(store, sender.zone, &settings).await?;
    let address = store.requisites().await?.address.unwrap_or_default();
    loop {
        let lease = chrono::Duration::seconds(LEASE_SECS);
        let batch = store.claim_reminders(Utc::now(), lease, BATCH).await?;
        let full = batch.len() as i64 == BATCH;
        join_all(
            batch
                .into_iter()
                .map(|r| send_one(store, sender, &settings, &address, r)),
        )
        .await;
        if !full {
            return Ok(());
        }
    }
}

/// Gives every rule of every upcoming scheduled visit its row (once).
async fn plan(store: &Store, zone: ClinicZone, settings: &ReminderSettings) -> anyhow::Result<()> {
    if settings.rules.is_empty() {
        return Ok(());
    }
    let now = Utc::now();
    let until = now + chrono::Duration::hours(HORIZON_HOURS);
    let rules = i64::try_from(settings.rules.len()).unwrap_or(i64::MAX);
    let visits = store.visits_to_plan(now, until, rules).await?;
    let mut planned = Vec::with_capacity(visits.len() * settings.rules.len());
    for visit in visits {
        let starts_at = time::decode(&visit.starts_at)?;
        for rule in &settings.rules {
            let due = rule.due(starts_at, zone);
            planned.push(NewReminder {
                appointment_id: visit.id,
                rule_key: rule.key(),
                planned_start: starts_at,
                due_at: due,
                withdrawn: (!worth_planning(due, starts_at, now))
                    .then_some(reminder::Withdrawn::TooLate.code()),
            });
        }
    }
    store.plan_reminders(&planned).await?;
    Ok(())
}

/// Decides, sends and records one claimed reminder.
async fn send_one(
    store: &Store,
    sender: &Sender,
    settings: &ReminderSettings,
    address: &str,
    r: ClaimedReminder,
) {
    let outcome = decide_and_send(sender, settings, address, &r).await;
    if let ReminderOutcome::Retry { error, .. } | ReminderOutcome::Failed { error, .. } = &outcome {
        tracing::info!(reminder = r.id, error = %error, "reminder try failed");
    }
    if let Err(e) = store.finish_reminder(r.id, &outcome).await {
        // The lease runs out and the reminder is tried again (with the same idempotency key).
        tracing::warn!(reminder = r.id, error = %e, "recording a reminder try failed");
    }
}

async fn decide_and_send(
    sender: &Sender,
    settings: &ReminderSettings,
    address: &str,
    r: &ClaimedReminder,
) -> ReminderOutcome {
    let withdrawn = |reason: &'static str| ReminderOutcome::Withdrawn { reason };
    let (Ok(planned_start), Ok(due), Ok(starts_at)) = (
        time::decode(&r.planned_start),
        time::decode(&r.due_at),
        time::decode(&r.visit_starts_at),
    ) else {
        return withdrawn("bad_row");
    };
    if !settings.rules.iter().any(|rule| rule.key() == r.rule_key) {
        return withdrawn("rule_removed");
    }
    let consent = Consent {
        whatsapp: r.remind_whatsapp,
        sms: r.remind_sms,
    };
    let now = Utc::now();
    let at_send = AtSend {
        status: VisitStatus::from_code(&r.visit_status).unwrap_or(VisitStatus::Cancelled),
        starts_at,
        consent,
    };
    let channel = consent.channel(&sender.configured());
    if let Err(w) = may_send(
        planned_start,
        channel.unwrap_or(Channel::WhatsApp),
        at_send,
        now,
    ) {
        return withdrawn(w.code());
    }
    if !worth_planning(due, planned_start, now) {
        // The server was down past the grace: a reminder this late is not sent.
        return withdrawn(reminder::Withdrawn::TooLate.code());
    }
    let Some(provider) = channel.and_then(|c| sender.provider(c)) else {
        return withdrawn("no_provider");
    };
    let language = Language::parse("language", &r.remind_language).unwrap_or_default();
    let facts = Facts {
        name: r.first_name.clone(),
        doctor: format!("{} {}", r.doctor_last_name, r.doctor_first_name),
        starts_at: planned_start,
        address: address.to_owned(),
    };
    let text = reminder::render(settings.template(language), &facts, sender.zone);
    let message = Message {
        to: r.phone.clone(),
        text: text.clone(),
        language,
        reference: format!("emhana-reminder-{}", r.id),
    };
    let answer = provider.send(&message).await;
    let channel = provider.channel().code();
    let error = answer.error.clone().unwrap_or_default();
    match classify(answer.status, answer.retry_after) {
        SendResult::Sent => ReminderOutcome::Sent {
            channel,
            body: text,
            status_code: answer.status.unwrap_or(200),
            message_id: answer.message_id,
        },
        SendResult::Retry { retry_after } => {
            let attempts = u32::try_from(r.attempts).unwrap_or(u32::MAX);
            match next_try(attempts, Utc::now(), retry_after, planned_start) {
                Some(at) => ReminderOutcome::Retry {
                    channel,
                    body: text,
                    status_code: answer.status,
                    error,
                    at,
                },
                None => ReminderOutcome::Failed {
                    channel: Some(channel),
                    body: Some(text),
                    status_code: answer.status,
                    error,
                    reason: "retries_exhausted",
                },
            }
        }
        SendResult::Failed => ReminderOutcome::Failed {
            channel: Some(channel),
            body: Some(text),
            status_code: answer.status,
            error,
            reason: "provider_refused",
        },
    }
}
