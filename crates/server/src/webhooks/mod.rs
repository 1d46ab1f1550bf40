//! Webhook delivery: the signature every post carries, the guard that keeps posts out of the
//! clinic's own network, and the background worker ([`worker`]) that drains the outbox.

pub mod worker;

use std::net::IpAddr;

use emhana_domain::error::FieldViolation;
use emhana_domain::integrations::webhook::{hex, is_private, signature_header, signed_payload};
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

/// Where webhooks may go. Private and loopback targets are refused unless the operator allows
/// them (`EMHANA_WEBHOOKS_ALLOW_PRIVATE`: a receiver on the same machine or LAN; tests).
#[derive(Debug, Clone, Copy, Default)]
pub struct WebhookPolicy {
    /// Allow private, loopback and link-local addresses.
    pub allow_private: bool,
}

impl WebhookPolicy {
    /// Refuses a subscription whose host is written as a private address or `localhost`
    /// (names are resolved and checked at every delivery, when the address is known).
    pub fn check_host(&self, host: &str) -> Result<(), FieldViolation> {
        if self.allow_private {
            return Ok(());
        }
        let literal = host.parse::<IpAddr>().ok();
        if host == "localhost" || host.ends_with(".localhost") || literal.is_some_and(is_private) {
            return Err(FieldViolation::new(
                "url",
                "private_address",
                "Адрес во внутренней сети: вебхуки отправляются только на внешние адреса",
            ));
        }
        Ok(())
    }

    /// True when a resolved address may be posted to.
    pub fn allows(&self, ip: IpAddr) -> bool {
        self.allow_private || !is_private(ip)
    }
}

/// The `Emhana-Signature` header for `body` sent at `unix` seconds: `t=<unix>,v1=<hex>` with the
/// HMAC-SHA256 of `"<unix>.<body>"` keyed by the subscription's secret.
pub fn sign(secret: &str, unix: i64, body: &[u8]) -> String {
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(secret.as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC takes a key of any length"));
    mac.update(&signed_payload(unix, body));
    signature_header(unix, &hex(&mac.finalize().into_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_matches_a_known_hmac() {
        // The header is deterministic in (secret, t, body) and changes with each of them.
        let header = sign("whsec_test", 1_700_000_000, br#"{"id":"evt_1"}"#);
        assert!(header.starts_with("t=1700000000,v1="), "{header}");
        assert_eq!(header.len(), "t=1700000000,v1=".len() + 64);
        assert_eq!(
            header,
            sign("whsec_test", 1_700_000_000, br#"{"id":"evt_1"}"#)
        );
        assert_ne!(
            header,
            sign("whsec_other", 1_700_000_000, br#"{"id":"evt_1"}"#)
        );
        assert_ne!(
            header,
            sign("whsec_test", 1_700_000_001, br#"{"id":"evt_1"}"#)
        );
    }

    #[test]
    fn the_mac_is_standard_hmac_sha256() {
        // The well-known test vector: HMAC-SHA256("key", "The quick brown fox …").
        let mut mac =
            <Hmac<Sha256> as KeyInit>::new_from_slice(b"key").unwrap_or_else(|_| unreachable!());
        mac.update(b"The quick brown fox jumps over the lazy dog");
        let hex: String = mac
            .finalize()
            .into_bytes()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(
            hex,
            "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8"
        );
    }

    #[test]
    fn private_hosts_are_refused_unless_allowed() {
        let strict = WebhookPolicy::default();
        for host in [
            "localhost",
            "127.0.0.1",
            "10.0.0.5",
            "::1",
            "169.254.169.254",
        ] {
            assert!(strict.check_host(host).is_err(), "{host}");
        }
        assert!(strict.check_host("hooks.example.kz").is_ok());
        assert!(strict.check_host("8.8.8.8").is_ok());
        let open = WebhookPolicy {
            allow_private: true,
        };
        assert!(open.check_host("127.0.0.1").is_ok());
        assert!(open.allows("127.0.0.1".parse().unwrap_or(IpAddr::from([8, 8, 8, 8]))));
        assert!(!strict.allows(IpAddr::from([127, 0, 0, 1])));
    }
}
