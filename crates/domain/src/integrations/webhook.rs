//! Webhooks: which changes are events, what a subscription may point at, and how a failed
//! delivery is retried.

use std::net::IpAddr;

use chrono::{DateTime, Duration, Utc};

use crate::error::{FieldViolation, Violations};

/// A change a subscriber can be told about. Codes are the public contract (`visit.booked`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventType {
    /// A visit was booked.
    VisitBooked,
    /// A visit moved to another status (or was reverted).
    VisitStatusChanged,
    /// A visit moved to another time or doctor.
    VisitMoved,
    /// A visit's notes, source, lines or prices changed.
    VisitUpdated,
    /// A payment was taken.
    PaymentTaken,
    /// A payment was voided.
    PaymentVoided,
    /// Money was given back.
    RefundTaken,
    /// A patient card was created.
    PatientCreated,
    /// A patient card was changed (deactivation included).
    PatientUpdated,
}

impl EventType {
    /// Every event, in the order the SPA lists them.
    pub const ALL: [EventType; 9] = [
        Self::VisitBooked,
        Self::VisitStatusChanged,
        Self::VisitMoved,
        Self::VisitUpdated,
        Self::PaymentTaken,
        Self::PaymentVoided,
        Self::RefundTaken,
        Self::PatientCreated,
        Self::PatientUpdated,
    ];

    /// The public code.
    pub fn code(self) -> &'static str {
        match self {
            Self::VisitBooked => "visit.booked",
            Self::VisitStatusChanged => "visit.status_changed",
            Self::VisitMoved => "visit.moved",
            Self::VisitUpdated => "visit.updated",
            Self::PaymentTaken => "payment.taken",
            Self::PaymentVoided => "payment.voided",
            Self::RefundTaken => "refund.taken",
            Self::PatientCreated => "patient.created",
            Self::PatientUpdated => "patient.updated",
        }
    }

    /// Parses a public code.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|e| e.code() == code)
    }

    /// The event an audited change is, if any. Every change that makes an event writes an
    /// audit row in its transaction, so hanging events on the audit row makes "no change
    /// without its event" hold by construction.
    pub fn of_change(change: &WebhookChange<'_>) -> Option<Self> {
        Some(match (change.entity, change.action) {
            ("appointment", "create") => Self::VisitBooked,
            ("appointment", "status" | "revert_status") => Self::VisitStatusChanged,
            ("appointment", "update") if change.moved => Self::VisitMoved,
            ("appointment", "update" | "add_line" | "remove_line") => Self::VisitUpdated,
            ("appointment_line", "price_change") => Self::VisitUpdated,
            ("payment", "create") => Self::PaymentTaken,
            ("payment", "void") => Self::PaymentVoided,
            ("refund", "create") => Self::RefundTaken,
            ("patient", "create") => Self::PatientCreated,
            ("patient", "update" | "delete") => Self::PatientUpdated,
            _ => return None,
        })
    }
}

/// What the audit row of a change says, as much as the event mapping needs.
#[derive(Debug, Clone, Copy)]
pub struct WebhookChange<'a> {
    /// Audit entity (`appointment`, `payment`, ...).
    pub entity: &'a str,
    /// Audit action (`create`, `status`, ...).
    pub action: &'a str,
    /// For a visit update: did its time or doctor change?
    pub moved: bool,
}

/// Delivery states a log may be filtered by.
pub const DELIVERY_STATES: [&str; 3] = ["pending", "delivered", "failed"];

/// Checks a delivery-log status filter.
pub fn parse_delivery_state(state: &str) -> Result<&str, FieldViolation> {
    DELIVERY_STATES
        .contains(&state)
        .then_some(state)
        .ok_or_else(|| {
            FieldViolation::new(
                "status",
                "invalid_status",
                "Статус: pending, delivered или failed",
            )
        })
}

/// Lower-case hex of bytes (signatures, token hashes).
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Longest URL a subscription may have.
pub const URL_MAX_CHARS: usize = 2000;

/// A subscription to create or change, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewWebhook {
    /// Where to post (`http(s)://host[:port]/path`).
    pub url: String,
    /// The host part of `url` (a name or an IP literal), for the private-address guard.
    pub host: String,
    /// Which events, without repeats, in [`EventType::ALL`] order.
    pub events: Vec<EventType>,
    /// What it is for.
    pub description: Option<String>,
}

impl NewWebhook {
    /// Checks a request: an absolute `http`/`https` URL without credentials in it, at least one
    /// known event. Every broken field is named.
    pub fn parse(
        url: &str,
        events: &[String],
        description: Option<&str>,
    ) -> Result<Self, Violations> {
        let mut v = Violations::default();
        let url = url.trim();
        let host = v.check(url_host(url)).unwrap_or_default();
        if events.is_empty() {
            v.0.push(FieldViolation::new(
                "events",
                "required",
                "Выберите хотя бы одно событие",
            ));
        }
        let mut chosen = Vec::new();
        for (i, code) in events.iter().enumerate() {
            match EventType::from_code(code.trim()) {
                Some(e) => chosen.push(e),
                None => v.0.push(FieldViolation::new(
                    format!("events.{i}"),
                    "unknown_event",
                    format!("Неизвестное событие «{code}»"),
                )),
            }
        }
        let description = description.map(str::trim).filter(|d| !d.is_empty());
        if description.is_some_and(|d| d.chars().count() > 200) {
            v.0.push(FieldViolation::new(
                "description",
                "too_long",
                "Описание не длиннее 200 символов",
            ));
        }
        v.into_result()?;
        Ok(Self {
            url: url.to_owned(),
            host,
            events: EventType::ALL
                .into_iter()
                .filter(|e| chosen.contains(e))
                .collect(),
            description: description.map(str::to_owned),
        })
    }

    /// The events as stored: a comma list framed by commas, so `LIKE '%,type,%'` finds them.
    pub fn events_text(&self) -> String {
        events_to_text(&self.events)
    }
}

/// Frames event codes for storage (`,visit.booked,payment.taken,`).
pub fn events_to_text(events: &[EventType]) -> String {
    let codes: Vec<_> = events.iter().map(|e| e.code()).collect();
    format!(",{},", codes.join(","))
}

/// Reads stored event codes (unknown ones dropped).
pub fn events_from_text(text: &str) -> Vec<EventType> {
    text.split(',').filter_map(EventType::from_code).collect()
}

/// The host of an absolute http(s) URL, or the violation on `url`.
pub fn url_host(url: &str) -> Result<String, FieldViolation> {
    let bad = |message: &str| FieldViolation::new("url", "invalid_url", message);
    if url.is_empty() {
        return Err(FieldViolation::new("url", "required", "Укажите адрес"));
    }
    if url.chars().count() > URL_MAX_CHARS
        || url.chars().any(|c| c.is_whitespace() || c.is_control())
    {
        return Err(bad("Адрес не похож на URL"));
    }
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or_else(|| bad("Адрес должен начинаться с http:// или https://"))?;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if authority.contains('@') {
        return Err(bad("Адрес не должен содержать логин и пароль"));
    }
    let host = match authority.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or_default(),
        None => authority.split(':').next().unwrap_or_default(),
    };
    if host.is_empty() {
        return Err(bad("В адресе нет имени сервера"));
    }
    Ok(host.to_ascii_lowercase())
}

/// Addresses a webhook must not reach unless the operator allows it: loopback, private
/// networks, link-local (cloud metadata lives there), carrier-grade NAT, unspecified,
/// multicast, and IPv6 unique-local. A clinic's owner should not be able to make the server
/// probe its own network.
pub fn is_private(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_multicast()
                || a == 0
                || (a == 100 && (64..128).contains(&b))
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_private(IpAddr::V4(v4));
            }
            let first = v6.segments()[0];
            v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (first & 0xfe00) == 0xfc00
                || (first & 0xffc0) == 0xfe80
        }
    }
}

/// How long a delivery is retried before it is given up.
pub const RETRY_FOR_HOURS: i64 = 24;

/// The wait after the `attempt`-th failed try (1, 2, ...): 10 s doubling, capped at an hour —
/// 10 s, 20 s, 40 s, ..., then hourly until [`RETRY_FOR_HOURS`] have passed.
pub fn retry_delay(attempt: u32) -> Duration {
    let doubled = 10i64.saturating_mul(1i64 << attempt.saturating_sub(1).min(20));
    Duration::seconds(doubled.min(3600))
}

/// After a failed try at `now`: the next try, or `None` when the event is older than the
/// retry window and is given up.
pub fn next_attempt(
    created_at: DateTime<Utc>,
    attempt: u32,
    now: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    let next = now + retry_delay(attempt);
    (next <= created_at + Duration::hours(RETRY_FOR_HOURS)).then_some(next)
}

/// The signature header value: `t=<unix>,v1=<hex>`, where the hex is the HMAC-SHA256, keyed by
/// the subscription's secret, of `"<unix>.<body>"` (the bytes [`signed_payload`] returns).
pub fn signature_header(unix: i64, hex: &str) -> String {
    format!("t={unix},v1={hex}")
}

/// The exact bytes a signature covers.
pub fn signed_payload(unix: i64, body: &[u8]) -> Vec<u8> {
    let mut out = format!("{unix}.").into_bytes();
    out.extend_from_slice(body);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn strings(s: &[&str]) -> Vec<String> {
        s.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn audited_changes_map_to_events() {
        let of = |entity, action, moved| {
            EventType::of_change(&WebhookChange {
                entity,
                action,
                moved,
            })
        };
        assert_eq!(
            of("appointment", "create", false),
            Some(EventType::VisitBooked)
        );
        assert_eq!(
            of("appointment", "revert_status", false),
            Some(EventType::VisitStatusChanged)
        );
        assert_eq!(
            of("appointment", "update", true),
            Some(EventType::VisitMoved)
        );
        assert_eq!(
            of("appointment", "update", false),
            Some(EventType::VisitUpdated)
        );
        assert_eq!(
            of("appointment_line", "price_change", false),
            Some(EventType::VisitUpdated)
        );
        assert_eq!(of("payment", "void", false), Some(EventType::PaymentVoided));
        assert_eq!(of("refund", "create", false), Some(EventType::RefundTaken));
        assert_eq!(
            of("patient", "delete", false),
            Some(EventType::PatientUpdated)
        );
        assert_eq!(of("user", "login", false), None);
        for e in EventType::ALL {
            assert_eq!(EventType::from_code(e.code()), Some(e));
        }
    }

    #[test]
    fn a_subscription_needs_an_http_url_and_known_events() {
        let ok = NewWebhook::parse(
            " https://Hooks.example.kz:8443/emhana?x=1 ",
            &strings(&["payment.taken", "visit.booked", "payment.taken"]),
            Some("  1С  "),
        )
        .unwrap_or_else(|v| panic!("{v:?}"));
        assert_eq!(ok.host, "hooks.example.kz");
        assert_eq!(
            ok.events,
            vec![EventType::VisitBooked, EventType::PaymentTaken]
        );
        assert_eq!(ok.events_text(), ",visit.booked,payment.taken,");
        assert_eq!(events_from_text(&ok.events_text()), ok.events);
        assert_eq!(ok.description.as_deref(), Some("1С"));
        let v6 = NewWebhook::parse("http://[::1]:9000/h", &strings(&["visit.moved"]), None);
        assert_eq!(v6.map(|w| w.host).unwrap_or_default(), "::1");

        for bad in [
            "",
            "ftp://x/",
            "https://",
            "https://user:pw@x.kz/",
            "https://x .kz/",
            "x.kz/hook",
        ] {
            let err = NewWebhook::parse(bad, &strings(&["visit.booked"]), None)
                .err()
                .unwrap_or_default();
            assert_eq!(
                err.0.first().map(|f| f.field.as_str()),
                Some("url"),
                "{bad}"
            );
        }
        let err = NewWebhook::parse("https://x.kz", &strings(&["visit.deleted"]), None)
            .err()
            .unwrap_or_default();
        assert_eq!(
            (err.0[0].field.as_str(), err.0[0].code),
            ("events.0", "unknown_event")
        );
        assert!(NewWebhook::parse("https://x.kz", &[], None).is_err());
    }

    #[test]
    fn private_and_loopback_addresses_are_recognised() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "0.0.0.0",
            "100.64.0.1",
            "::1",
            "fd00::1",
            "fe80::1",
            "::ffff:127.0.0.1",
        ] {
            assert!(
                is_private(ip.parse().unwrap_or(IpAddr::from([8, 8, 8, 8]))),
                "{ip}"
            );
        }
        for ip in ["8.8.8.8", "2.135.0.1", "2a00:1450::1", "100.128.0.1"] {
            assert!(
                !is_private(ip.parse().unwrap_or(IpAddr::from([127, 0, 0, 1]))),
                "{ip}"
            );
        }
    }

    #[test]
    fn retries_back_off_to_hourly_and_stop_after_a_day() {
        assert_eq!(retry_delay(1), Duration::seconds(10));
        assert_eq!(retry_delay(2), Duration::seconds(20));
        assert_eq!(retry_delay(4), Duration::seconds(80));
        assert_eq!(retry_delay(12), Duration::seconds(3600));
        assert_eq!(retry_delay(500), Duration::seconds(3600));
        let created = Utc
            .with_ymd_and_hms(2026, 11, 28, 10, 0, 0)
            .single()
            .unwrap_or_default();
        assert_eq!(
            next_attempt(created, 1, created),
            Some(created + Duration::seconds(10))
        );
        let late = created + Duration::hours(23) + Duration::minutes(30);
        assert_eq!(next_attempt(created, 20, late), None);
        assert_eq!(
            next_attempt(created, 20, created + Duration::hours(23)),
            Some(created + Duration::hours(24))
        );
    }

    #[test]
    fn delivery_filters_are_the_three_states() {
        assert_eq!(parse_delivery_state("failed").ok(), Some("failed"));
        assert_eq!(
            parse_delivery_state("odd").err().map(|v| v.field),
            Some("status".into())
        );
        assert_eq!(hex(&[0, 15, 255]), "000fff");
    }

    #[test]
    fn the_signature_covers_time_dot_body() {
        assert_eq!(signed_payload(1700000000, b"{}"), b"1700000000.{}".to_vec());
        assert_eq!(signature_header(17, "ab"), "t=17,v1=ab");
    }
}
