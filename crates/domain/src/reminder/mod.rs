//! Reminders (напоминания) to patients before their visits: when each is due, what it says in the
//! patient's language, which channel may carry it, and what a provider's answer means. The rules
//! that keep a clinic out of trouble live here, once: never without the patient's consent for
//! that channel, never for a visit that is no longer booked at that time, never after it starts.
//!
//! `rule` says when a reminder is due and what it says; `send` decides at the last moment
//! whether it may still go and what a provider's answer means.

mod rule;
mod send;

pub use rule::{
    parse_template, render, Facts, ReminderSettings, RuleInput, When, DEFAULT_KK, DEFAULT_RU,
    MAX_RULES, PLACEHOLDERS, TEMPLATE_MAX_CHARS,
};
pub use send::{classify, may_send, next_try, AtSend, SendResult, Withdrawn};

use chrono::{DateTime, Duration, NaiveDate, Utc};

use crate::error::FieldViolation;

/// A channel a reminder goes through.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Channel {
    /// WhatsApp Business (Cloud API).
    WhatsApp,
    /// A text message through the clinic's SMS gateway.
    Sms,
}

impl Channel {
    /// Stable code (`whatsapp`, `sms`).
    pub fn code(self) -> &'static str {
        match self {
            Self::WhatsApp => "whatsapp",
            Self::Sms => "sms",
        }
    }

    /// From a stored code.
    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "whatsapp" => Some(Self::WhatsApp),
            "sms" => Some(Self::Sms),
            _ => None,
        }
    }
}

/// The language a patient reads reminders in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Language {
    /// Русский (the default).
    #[default]
    Ru,
    /// Қазақша.
    Kk,
}

impl Language {
    /// Stable code (`ru`, `kk`).
    pub fn code(self) -> &'static str {
        match self {
            Self::Ru => "ru",
            Self::Kk => "kk",
        }
    }

    /// Parses a code, naming `field` when it is neither.
    pub fn parse(field: &str, code: &str) -> Result<Self, FieldViolation> {
        match code {
            "ru" => Ok(Self::Ru),
            "kk" => Ok(Self::Kk),
            _ => Err(FieldViolation::new(
                field,
                "unknown_language",
                "Язык: ru или kk",
            )),
        }
    }
}

/// What the patient agreed to be written to through.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Consent {
    /// WhatsApp.
    pub whatsapp: bool,
    /// SMS.
    pub sms: bool,
}

impl Consent {
    /// Whether `channel` is allowed.
    pub fn allows(self, channel: Channel) -> bool {
        match channel {
            Channel::WhatsApp => self.whatsapp,
            Channel::Sms => self.sms,
        }
    }

    /// The channel a reminder takes: WhatsApp when the patient allowed it and the clinic has it
    /// configured, else SMS likewise; none — nothing is sent.
    pub fn channel(self, configured: &[Channel]) -> Option<Channel> {
        [Channel::WhatsApp, Channel::Sms]
            .into_iter()
            .find(|c| self.allows(*c) && configured.contains(c))
    }
}

/// What a patient agreed to and reads: kept on the patient's card.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PatientReminders {
    /// Channels allowed.
    pub consent: Consent,
    /// The language of the text.
    pub language: Language,
}

/// Where a reminder is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Waiting for its time (or for a retry).
    Planned,
    /// Taken by a sender (leased): being posted to the provider.
    Sending,
    /// Accepted by the provider.
    Sent,
    /// Refused by the provider for good, or retries ran out before the visit.
    Failed,
    /// Not sent: the visit was cancelled or moved, consent withdrawn, or too late.
    Withdrawn,
}

impl Status {
    /// Every status, in life order.
    pub const ALL: [Status; 5] = [
        Self::Planned,
        Self::Sending,
        Self::Sent,
        Self::Failed,
        Self::Withdrawn,
    ];

    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            Self::Planned => "planned",
            Self::Sending => "sending",
            Self::Sent => "sent",
            Self::Failed => "failed",
            Self::Withdrawn => "withdrawn",
        }
    }

    /// Parses a code, naming `field` when it is none of them.
    pub fn parse(field: &str, code: &str) -> Result<Self, FieldViolation> {
        Self::ALL
            .into_iter()
            .find(|s| s.code() == code)
            .ok_or_else(|| {
                FieldViolation::new(
                    field,
                    "unknown_status",
                    "Статус: planned, sending, sent, failed или withdrawn",
                )
            })
    }
}

/// The longest period one reminder list covers.
pub const LIST_MAX_DAYS: i64 = 31;

/// The clinic days a reminder list covers: `from` (default `today`) to `to` (default the day
/// after `from`: today's and tomorrow's patients), at most [`LIST_MAX_DAYS`], every bad field
/// named.
pub fn list_period(
    today: NaiveDate,
    from: Option<&str>,
    to: Option<&str>,
) -> Result<(NaiveDate, NaiveDate), crate::error::Violations> {
    let from = from.map_or_else(|| today.to_string(), str::to_owned);
    let to = to.map_or_else(
        || {
            NaiveDate::parse_from_str(&from, "%Y-%m-%d")
                .ok()
                .and_then(|d| d.checked_add_days(chrono::Days::new(1)))
                .map_or_else(|| from.clone(), |d| d.to_string())
        },
        str::to_owned,
    );
    crate::validation::parse_date_range(Some(&from), Some(&to), LIST_MAX_DAYS)
}

/// How late a missed reminder may still go out: one due while the server was down, or for a
/// visit booked or moved just after its due time, is sent if at most this late; older ones are
/// never planned (a reminder hours late, or two at once right after booking, confuses).
pub const MISSED_GRACE_MINUTES: i64 = 60;

/// Whether the planner creates a reminder due at `due` for a visit starting at `starts_at`,
/// looking at `now`: due before the visit, and not more than [`MISSED_GRACE_MINUTES`] ago.
pub fn worth_planning(due: DateTime<Utc>, starts_at: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    due < starts_at && now < starts_at && now - due <= Duration::minutes(MISSED_GRACE_MINUTES)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn a_reminder_is_planned_before_the_visit_and_never_long_after_its_time() {
        let start = Utc.with_ymd_and_hms(2026, 12, 2, 9, 0, 0).unwrap();
        let due = start - Duration::hours(2);
        assert!(
            worth_planning(due, start, due - Duration::hours(1)),
            "early"
        );
        assert!(worth_planning(due, start, due), "on time");
        assert!(
            worth_planning(due, start, due + Duration::minutes(MISSED_GRACE_MINUTES)),
            "at the grace's edge"
        );
        assert!(!worth_planning(
            due,
            start,
            due + Duration::minutes(MISSED_GRACE_MINUTES + 1)
        ));
        assert!(
            !worth_planning(start, start, due),
            "due at the start: never"
        );
        assert!(!worth_planning(due, start, start), "the visit started");
    }

    #[test]
    fn a_list_covers_today_and_tomorrow_unless_told() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 31).unwrap();
        let day = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert_eq!(
            list_period(today, None, None).unwrap(),
            (today, day("2027-01-01"))
        );
        assert_eq!(
            list_period(today, Some("2026-12-01"), None).unwrap(),
            (day("2026-12-01"), day("2026-12-02"))
        );
        assert!(
            list_period(today, Some("2026-01-01"), Some("2026-03-01")).is_err(),
            "over 31 days"
        );
        let bad = list_period(today, Some("2026-13-01"), None).unwrap_err();
        assert_eq!(bad.0[0].field, "from");
    }

    #[test]
    fn statuses_round_trip_and_bad_ones_are_named() {
        for s in Status::ALL {
            assert_eq!(Status::parse("status", s.code()), Ok(s));
        }
        let err = Status::parse("status", "lost").unwrap_err();
        assert_eq!(err.field, "status");
    }

    #[test]
    fn the_channel_needs_consent_and_a_configured_provider() {
        let both = [Channel::WhatsApp, Channel::Sms];
        let whatsapp_only = Consent {
            whatsapp: true,
            sms: false,
        };
        let sms_only = Consent {
            whatsapp: false,
            sms: true,
        };
        assert_eq!(whatsapp_only.channel(&both), Some(Channel::WhatsApp));
        assert_eq!(sms_only.channel(&both), Some(Channel::Sms));
        assert_eq!(
            Consent::default().channel(&both),
            None,
            "no consent, nothing"
        );
        assert_eq!(whatsapp_only.channel(&[Channel::Sms]), None);
        let all = Consent {
            whatsapp: true,
            sms: true,
        };
        assert_eq!(all.channel(&[Channel::Sms]), Some(Channel::Sms));
    }
}
