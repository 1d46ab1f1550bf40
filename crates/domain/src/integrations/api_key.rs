//! API keys: a name, a set of scopes from the permission table, an optional expiry. The token
//! (`emh_` + 43 url-safe characters) is shown once; only its SHA-256 is kept.

use chrono::{DateTime, Utc};

use crate::access::Permission;
use crate::error::{FieldViolation, Violations};

/// Every key token starts with this, so a Bearer value is told from a JWT without parsing it
/// and secret scanners can recognise a leaked key.
pub const TOKEN_PREFIX: &str = "emh_";
/// Characters of the token (after the prefix) kept in clear to tell keys apart in lists.
pub const SHOWN_CHARS: usize = 8;
/// Longest key name.
pub const NAME_MAX_CHARS: usize = 100;

/// True when a Bearer value is an API key rather than an access token.
pub fn is_key_token(bearer: &str) -> bool {
    bearer.starts_with(TOKEN_PREFIX)
}

/// The part of a token a list may show (`emh_AbCdEfGh…`).
pub fn shown_prefix(token: &str) -> String {
    token
        .chars()
        .take(TOKEN_PREFIX.len() + SHOWN_CHARS)
        .collect()
}

/// A key to create, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewApiKey {
    /// What it is for ("МИС партнёра", "1С").
    pub name: String,
    /// What it may do, without repeats, in the table's order.
    pub scopes: Vec<Permission>,
    /// When it stops working, if ever.
    pub expires_at: Option<DateTime<Utc>>,
}

impl NewApiKey {
    /// Checks a request: a name, at least one scope, every scope grantable to a key
    /// ([`Permission::KEY_SCOPES`]), an expiry in the future. Every broken field is named.
    pub fn parse(
        name: &str,
        scopes: &[String],
        expires_at: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> Result<Self, Violations> {
        let mut v = Violations::default();
        let name = name.trim();
        if name.is_empty() {
            v.0.push(FieldViolation::new(
                "name",
                "required",
                "Укажите название ключа",
            ));
        } else if name.chars().count() > NAME_MAX_CHARS {
            v.0.push(FieldViolation::new(
                "name",
                "too_long",
                format!("Название не длиннее {NAME_MAX_CHARS} символов"),
            ));
        }
        if scopes.is_empty() {
            v.0.push(FieldViolation::new(
                "scopes",
                "required",
                "Выберите хотя бы одно право",
            ));
        }
        let mut granted = Vec::new();
        for (i, code) in scopes.iter().enumerate() {
            match Permission::from_code(code.trim()) {
                Some(p) if Permission::KEY_SCOPES.contains(&p) => granted.push(p),
                Some(_) => v.0.push(FieldViolation::new(
                    format!("scopes.{i}"),
                    "not_grantable",
                    "Это право нельзя выдать ключу",
                )),
                None => v.0.push(FieldViolation::new(
                    format!("scopes.{i}"),
                    "unknown_scope",
                    format!("Неизвестное право «{code}»"),
                )),
            }
        }
        if expires_at.is_some_and(|at| at <= now) {
            v.0.push(FieldViolation::new(
                "expires_at",
                "in_past",
                "Срок действия должен быть в будущем",
            ));
        }
        v.into_result()?;
        let scopes = Permission::KEY_SCOPES
            .into_iter()
            .filter(|p| granted.contains(p))
            .collect();
        Ok(Self {
            name: name.to_owned(),
            scopes,
            expires_at,
        })
    }
}

/// Stores scopes as one comma list.
pub fn scopes_to_text(scopes: &[Permission]) -> String {
    scopes
        .iter()
        .map(|p| p.code())
        .collect::<Vec<_>>()
        .join(",")
}

/// Reads a stored comma list (codes it no longer knows are dropped: a key never gains rights).
pub fn scopes_from_text(text: &str) -> Vec<Permission> {
    text.split(',').filter_map(Permission::from_code).collect()
}

/// Why a presented key does not work, if it does not.
pub fn key_refusal(
    revoked: bool,
    expires_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Option<&'static str> {
    if revoked {
        Some("Ключ API отозван")
    } else if expires_at.is_some_and(|at| at <= now) {
        Some("Срок действия ключа API истёк")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, TimeZone};

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 28, 10, 0, 0)
            .single()
            .unwrap_or_default()
    }

    fn strings(s: &[&str]) -> Vec<String> {
        s.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn a_key_gets_its_scopes_once_in_table_order() {
        let key = NewApiKey::parse(
            "  1С  ",
            &strings(&["payments_write", "visits_read", "payments_write"]),
            Some(now() + Duration::days(30)),
            now(),
        );
        let key = key.unwrap_or_else(|v| panic!("{v:?}"));
        assert_eq!(key.name, "1С");
        assert_eq!(
            key.scopes,
            vec![Permission::VisitsRead, Permission::PaymentsWrite]
        );
        assert_eq!(scopes_from_text(&scopes_to_text(&key.scopes)), key.scopes);
    }

    #[test]
    fn every_bad_field_is_named() {
        let err = NewApiKey::parse(
            " ",
            &strings(&["visits_read", "backups", "root"]),
            Some(now()),
            now(),
        )
        .err()
        .unwrap_or_default();
        let fields: Vec<_> = err.0.iter().map(|f| (f.field.as_str(), f.code)).collect();
        assert_eq!(
            fields,
            vec![
                ("name", "required"),
                ("scopes.1", "not_grantable"),
                ("scopes.2", "unknown_scope"),
                ("expires_at", "in_past"),
            ]
        );
        let none = NewApiKey::parse("x", &[], None, now())
            .err()
            .unwrap_or_default();
        assert_eq!(none.0[0].field, "scopes");
        let long = "я".repeat(NAME_MAX_CHARS + 1);
        assert!(NewApiKey::parse(&long, &strings(&["visits_read"]), None, now()).is_err());
    }

    #[test]
    fn revoked_or_expired_keys_are_refused_at_the_boundary() {
        assert_eq!(key_refusal(false, None, now()), None);
        assert_eq!(
            key_refusal(false, Some(now() + Duration::seconds(1)), now()),
            None
        );
        assert!(key_refusal(false, Some(now()), now()).is_some());
        assert!(key_refusal(true, None, now()).is_some());
    }

    #[test]
    fn tokens_are_told_from_jwts_and_shown_by_prefix() {
        assert!(is_key_token("emh_abc"));
        assert!(!is_key_token("eyJhbGciOi"));
        assert_eq!(shown_prefix("emh_ABCDEFGHIJKLMN"), "emh_ABCDEFGH");
    }
}
