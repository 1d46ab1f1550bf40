//! Reminders to patients: the providers that carry them (WhatsApp Business Cloud API and a
//! generic SMS gateway, both configured by environment) behind one [`Provider`] trait, and the
//! background [`worker`] that plans and sends them. The rules (when, what, whether) are in
//! `emhana_domain::reminder`.

pub mod worker;

use std::time::Duration;

use emhana_api_types::reminders::{ReminderRuleBody, ReminderSettingsBody};
use emhana_domain::reminder::{Channel, Language, ReminderSettings, RuleInput, When};
use emhana_store::Store;
use futures_util::future::BoxFuture;
use serde_json::{json, Value};

/// How reminders are sent, from flags or `EMHANA_*` variables. A channel without its
/// credentials is not configured, and nothing goes through it.
#[derive(Debug, Clone, clap::Args)]
pub struct ReminderConfig {
    /// How often, in milliseconds, the reminder worker plans and sends. 0: this instance sends
    /// nothing (another instance on the same database does).
    #[arg(
        long,
        global = true,
        env = "EMHANA_REMINDER_POLL_MS",
        default_value_t = 5000
    )]
    pub reminder_poll_ms: u64,

    /// How long a provider has to answer, milliseconds (no answer: tried again later).
    #[arg(
        long,
        global = true,
        env = "EMHANA_REMINDER_TIMEOUT_MS",
        default_value_t = 10_000
    )]
    pub reminder_timeout_ms: u64,

    /// WhatsApp Business Cloud API base, with its version.
    #[arg(
        long,
        global = true,
        env = "EMHANA_WHATSAPP_API_URL",
        default_value = "https://graph.facebook.com/v21.0"
    )]
    pub whatsapp_api_url: String,

    /// WhatsApp Cloud API access token (a system user's permanent token).
    #[arg(
        long,
        global = true,
        env = "EMHANA_WHATSAPP_TOKEN",
        hide_env_values = true
    )]
    pub whatsapp_token: Option<String>,

    /// The clinic's WhatsApp sender: the phone number id from the Meta app.
    #[arg(long, global = true, env = "EMHANA_WHATSAPP_PHONE_NUMBER_ID")]
    pub whatsapp_phone_number_id: Option<String>,

    /// An approved message template with one body parameter that receives the reminder's text
    /// (WhatsApp lets a business start a conversation only with a template); none: plain text,
    /// which reaches only patients who wrote to the clinic in the last 24 h.
    #[arg(long, global = true, env = "EMHANA_WHATSAPP_TEMPLATE")]
    pub whatsapp_template: Option<String>,

    /// The SMS gateway's endpoint: Emhana posts JSON `{"to", "text", "sender", "reference"}`.
    #[arg(long, global = true, env = "EMHANA_SMS_URL")]
    pub sms_url: Option<String>,

    /// Bearer token for the SMS gateway.
    #[arg(long, global = true, env = "EMHANA_SMS_TOKEN", hide_env_values = true)]
    pub sms_token: Option<String>,

    /// The SMS sender name registered with the gateway.
    #[arg(long, global = true, env = "EMHANA_SMS_SENDER")]
    pub sms_sender: Option<String>,
}

impl ReminderConfig {
    /// No providers, a quick worker: tests add the fake provider they start.
    pub fn for_tests() -> Self {
        Self {
            reminder_poll_ms: 100,
            reminder_timeout_ms: 2_000,
            whatsapp_api_url: "https://graph.facebook.com/v21.0".into(),
            whatsapp_token: None,
            whatsapp_phone_number_id: None,
            whatsapp_template: None,
            sms_url: None,
            sms_token: None,
            sms_sender: None,
        }
    }

    /// The channels with a provider configured, WhatsApp first.
    pub fn channels(&self) -> Vec<Channel> {
        let whatsapp = self.whatsapp_token.is_some() && self.whatsapp_phone_number_id.is_some();
        [
            (Channel::WhatsApp, whatsapp),
            (Channel::Sms, self.sms_url.is_some()),
        ]
        .into_iter()
        .filter_map(|(c, on)| on.then_some(c))
        .collect()
    }

    /// The providers configured, WhatsApp first.
    pub fn providers(&self) -> anyhow::Result<Vec<Box<dyn Provider>>> {
        let timeout = Duration::from_millis(self.reminder_timeout_ms.max(1));
        let client = reqwest::Client::builder()
            .timeout(timeout)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent("Emhana-Reminders/1")
            .build()?;
        let mut providers: Vec<Box<dyn Provider>> = Vec::new();
        if let (Some(token), Some(phone_id)) =
            (&self.whatsapp_token, &self.whatsapp_phone_number_id)
        {
            providers.push(Box::new(WhatsApp {
                client: client.clone(),
                url: format!(
                    "{}/{}/messages",
                    self.whatsapp_api_url.trim_end_matches('/'),
                    phone_id
                ),
                token: token.clone(),
                template: self.whatsapp_template.clone(),
            }));
        }
        if let Some(url) = &self.sms_url {
            providers.push(Box::new(SmsGateway {
                client,
                url: url.clone(),
                token: self.sms_token.clone(),
                sender: self.sms_sender.clone(),
            }));
        }
        Ok(providers)
    }
}

/// One reminder to hand to a provider.
#[derive(Debug, Clone)]
pub struct Message {
    /// `+7XXXXXXXXXX`.
    pub to: String,
    /// The rendered text.
    pub text: String,
    /// The patient's language (a WhatsApp template is picked per language).
    pub language: Language,
    /// Our reminder's id, sent as the provider's idempotency key / client reference, so a try
    /// repeated after a lost answer is recognised by providers that dedupe.
    pub reference: String,
}

/// What a provider answered.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Answer {
    /// The HTTP status; none when no answer came (timeout, connection refused).
    pub status: Option<u16>,
    /// `Retry-After`, seconds.
    pub retry_after: Option<u64>,
    /// The provider's id of the message.
    pub message_id: Option<String>,
    /// What went wrong, in the provider's words.
    pub error: Option<String>,
}

/// A way to reach a patient. Implementations only talk HTTP; what an answer means is
/// `emhana_domain::reminder::classify`.
pub trait Provider: Send + Sync {
    /// The channel it carries.
    fn channel(&self) -> Channel;
    /// Posts one message.
    fn send<'a>(&'a self, message: &'a Message) -> BoxFuture<'a, Answer>;
}

/// WhatsApp Business Cloud API: `POST {base}/{phone-number-id}/messages`.
struct WhatsApp {
    client: reqwest::Client,
    url: String,
    token: String,
    template: Option<String>,
}

impl WhatsApp {
    fn body(&self, m: &Message) -> Value {
        // The Cloud API wants the number as digits with the country code, no plus.
        let to = m.to.trim_start_matches('+');
        match &self.template {
            Some(name) => json!({
                "messaging_product": "whatsapp", "to": to, "type": "template",
                "biz_opaque_callback_data": m.reference,
                "template": {
                    "name": name, "language": {"code": m.language.code()},
                    "components": [{"type": "body", "parameters": [{"type": "text", "text": m.text}]}]
                }
            }),
            None => json!({
                "messaging_product": "whatsapp", "to": to, "type": "text",
                "biz_opaque_callback_data": m.reference,
                "text": {"preview_url": false, "body": m.text}
            }),
        }
    }
}

impl Provider for WhatsApp {
    fn channel(&self) -> Channel {
        Channel::WhatsApp
    }

    fn send<'a>(&'a self, message: &'a Message) -> BoxFuture<'a, Answer> {
        Box::pin(async move {
            let request = self
                .client
                .post(&self.url)
                .bearer_auth(&self.token)
                .json(&self.body(message));
            answer(request, |v| {
                v["messages"][0]["id"].as_str().map(str::to_owned)
            })
            .await
        })
    }
}

/// A generic SMS gateway: `POST {url}` with JSON `{"to": "+7…", "text", "sender", "reference"}`
/// and an `Idempotency-Key` header; a message id is read from `id` or `message_id`.
struct SmsGateway {
    client: reqwest::Client,
    url: String,
    token: Option<String>,
    sender: Option<String>,
}

impl Provider for SmsGateway {
    fn channel(&self) -> Channel {
        Channel::Sms
    }

    fn send<'a>(&'a self, message: &'a Message) -> BoxFuture<'a, Answer> {
        Box::pin(async move {
            let mut request = self
                .client
                .post(&self.url)
                .header("Idempotency-Key", &message.reference)
                .json(&json!({
                    "to": message.to, "text": message.text,
                    "sender": self.sender, "reference": message.reference
                }));
            if let Some(token) = &self.token {
                request = request.bearer_auth(token);
            }
            answer(request, |v| {
                v.get("id")
                    .or_else(|| v.get("message_id"))
                    .and_then(|id| match id {
                        Value::String(s) => Some(s.clone()),
                        Value::Number(n) => Some(n.to_string()),
                        _ => None,
                    })
            })
            .await
        })
    }
}

/// Sends a request and reads what matters of the answer.
async fn answer(
    request: reqwest::RequestBuilder,
    message_id: impl Fn(&Value) -> Option<String>,
) -> Answer {
    let response = match request.send().await {
        Ok(r) => r,
        Err(e) => {
            return Answer {
                error: Some(if e.is_timeout() {
                    "no answer in time".to_owned()
                } else {
                    format!("cannot post: {e}")
                }),
                ..Answer::default()
            }
        }
    };
    let status = response.status().as_u16();
    let retry_after = response
        .headers()
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    let text = response.text().await.unwrap_or_default();
    let json: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
    let ok = (200..300).contains(&status);
    Answer {
        status: Some(status),
        retry_after,
        message_id: if ok { message_id(&json) } else { None },
        error: (!ok).then(|| {
            format!(
                "HTTP {status}: {}",
                text.chars().take(300).collect::<String>()
            )
        }),
    }
}

/// Parses the settings a clinic sends (every bad field named).
pub fn parse_settings(
    body: &ReminderSettingsBody,
) -> Result<ReminderSettings, emhana_domain::Violations> {
    let rules: Vec<RuleInput<'_>> = body
        .rules
        .iter()
        .map(|r| RuleInput {
            kind: &r.kind,
            at: r.at.as_deref(),
            hours: r.hours,
        })
        .collect();
    ReminderSettings::parse(body.enabled, &rules, &body.template_ru, &body.template_kk)
}

/// The settings as the API shows them.
pub fn settings_body(settings: &ReminderSettings) -> ReminderSettingsBody {
    ReminderSettingsBody {
        enabled: settings.enabled,
        rules: settings
            .rules
            .iter()
            .map(|rule| match rule {
                When::DayBeforeAt(at) => ReminderRuleBody {
                    kind: "day_before".into(),
                    at: Some(at.format("%H:%M").to_string()),
                    hours: None,
                },
                When::HoursBefore(h) => ReminderRuleBody {
                    kind: "hours_before".into(),
                    at: None,
                    hours: Some(i64::from(*h)),
                },
            })
            .collect(),
        template_ru: settings.template_ru.clone(),
        template_kk: settings.template_kk.clone(),
    }
}

/// The clinic's settings: as saved, or the defaults (off) until an owner saves them.
pub async fn stored_settings(store: &Store) -> anyhow::Result<ReminderSettings> {
    let Some(json) = store.reminder_settings().await? else {
        return Ok(ReminderSettings::default());
    };
    let body: ReminderSettingsBody = serde_json::from_value(json)?;
    parse_settings(&body).map_err(|v| anyhow::anyhow!("stored reminder settings: {v:?}"))
}
