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

#[cfg(test)]
mod tests {
    use super::*;

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
