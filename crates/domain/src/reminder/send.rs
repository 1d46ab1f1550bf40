//! The moment of sending: whether a planned reminder may still go (the visit and the consent
//! as they are now), what a provider's answer means, and when to try again.

use chrono::{DateTime, Duration, Utc};

use super::{Channel, Consent};
use crate::visit_status::VisitStatus;

/// Why a planned reminder is not sent after all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Withdrawn {
    /// The visit is no longer booked (cancelled, or the patient already came).
    NotScheduled,
    /// The visit moved: the reminder planned for the old time is dropped (a new one is planned).
    Moved,
    /// The patient withdrew consent for the channel.
    NoConsent,
    /// The visit has started: too late to remind.
    TooLate,
}

impl Withdrawn {
    /// Stable code stored with the reminder.
    pub fn code(self) -> &'static str {
        match self {
            Self::NotScheduled => "visit_not_scheduled",
            Self::Moved => "visit_moved",
            Self::NoConsent => "no_consent",
            Self::TooLate => "too_late",
        }
    }
}

/// The visit and patient as they are at the moment of sending.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AtSend {
    /// The visit's status now.
    pub status: VisitStatus,
    /// The visit's start now.
    pub starts_at: DateTime<Utc>,
    /// The patient's consent now.
    pub consent: Consent,
}

/// Whether a reminder planned for a visit starting at `planned_start` through `channel` may go
/// now: checked at the last moment, so a cancellation or withdrawn consent a second before the
/// send still stops it.
pub fn may_send(
    planned_start: DateTime<Utc>,
    channel: Channel,
    now: AtSend,
    at: DateTime<Utc>,
) -> Result<(), Withdrawn> {
    if now.status != VisitStatus::Scheduled {
        return Err(Withdrawn::NotScheduled);
    }
    if now.starts_at != planned_start {
        return Err(Withdrawn::Moved);
    }
    if !now.consent.allows(channel) {
        return Err(Withdrawn::NoConsent);
    }
    if at >= planned_start {
        return Err(Withdrawn::TooLate);
    }
    Ok(())
}

/// What a provider's answer means for the reminder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SendResult {
    /// Accepted by the provider.
    Sent,
    /// Try again later (429, 5xx, timeout, connection error), after `retry_after` if the
    /// provider said.
    Retry {
        /// The provider's `Retry-After`, seconds.
        retry_after: Option<u64>,
    },
    /// Refused for good (a 4xx other than 429: bad number, bad token).
    Failed,
}

/// Classifies a provider's HTTP status (none: no answer — timeout or connection error).
pub fn classify(status: Option<u16>, retry_after: Option<u64>) -> SendResult {
    match status {
        Some(200..=299) => SendResult::Sent,
        Some(429) | Some(500..=599) | None => SendResult::Retry { retry_after },
        Some(_) => SendResult::Failed,
    }
}

/// When to try again after `attempts` failed tries: 30 s doubling to 30 min (or the provider's
/// `Retry-After` when longer); none when that would be at or after the visit's start.
pub fn next_try(
    attempts: u32,
    at: DateTime<Utc>,
    retry_after: Option<u64>,
    starts_at: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    let backoff = 30i64
        .saturating_mul(1i64 << attempts.saturating_sub(1).min(10))
        .min(30 * 60);
    let wait = retry_after
        .and_then(|s| i64::try_from(s).ok())
        .map_or(backoff, |s| s.max(backoff));
    let next = at + Duration::seconds(wait);
    (next < starts_at).then_some(next)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn utc(d: u32, h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, d, h, m, 0).unwrap()
    }

    #[test]
    fn the_last_moment_check_stops_cancelled_moved_unconsented_and_late_reminders() {
        let start = utc(2, 4, 0);
        let now = AtSend {
            status: VisitStatus::Scheduled,
            starts_at: start,
            consent: Consent {
                whatsapp: true,
                sms: false,
            },
        };
        let before = utc(1, 5, 0);
        assert_eq!(may_send(start, Channel::WhatsApp, now, before), Ok(()));
        let cancelled = AtSend {
            status: VisitStatus::Cancelled,
            ..now
        };
        assert_eq!(
            may_send(start, Channel::WhatsApp, cancelled, before),
            Err(Withdrawn::NotScheduled)
        );
        let moved = AtSend {
            starts_at: utc(3, 4, 0),
            ..now
        };
        assert_eq!(
            may_send(start, Channel::WhatsApp, moved, before),
            Err(Withdrawn::Moved)
        );
        assert_eq!(
            may_send(start, Channel::Sms, now, before),
            Err(Withdrawn::NoConsent)
        );
        assert_eq!(
            may_send(start, Channel::WhatsApp, now, start),
            Err(Withdrawn::TooLate)
        );
    }

    #[test]
    fn provider_answers_and_the_retry_schedule() {
        assert_eq!(classify(Some(200), None), SendResult::Sent);
        assert_eq!(
            classify(Some(429), Some(120)),
            SendResult::Retry {
                retry_after: Some(120)
            }
        );
        assert_eq!(
            classify(Some(503), None),
            SendResult::Retry { retry_after: None }
        );
        assert_eq!(
            classify(None, None),
            SendResult::Retry { retry_after: None }
        );
        assert_eq!(classify(Some(400), None), SendResult::Failed);
        let at = utc(1, 5, 0);
        let start = utc(2, 4, 0);
        assert_eq!(
            next_try(1, at, None, start),
            Some(at + Duration::seconds(30))
        );
        assert_eq!(
            next_try(2, at, None, start),
            Some(at + Duration::seconds(60))
        );
        assert_eq!(
            next_try(20, at, None, start),
            Some(at + Duration::minutes(30))
        );
        assert_eq!(
            next_try(1, at, Some(600), start),
            Some(at + Duration::seconds(600)),
            "the provider's Retry-After when longer"
        );
        assert_eq!(
            next_try(1, utc(2, 3, 59) + Duration::seconds(45), None, start),
            None,
            "not after the visit has started"
        );
    }
}
