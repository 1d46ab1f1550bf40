//! Access tokens (HS256 JWT, 15 minutes) and refresh tokens (random, stored only as SHA-256).

use chrono::{Duration, Utc};
use emhana_domain::Role;
use jsonwebtoken::{decode, encode, Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// Lifetime of an access token.
pub const ACCESS_TTL_SECS: i64 = 15 * 60;
/// Lifetime of a refresh token (rotated on every use).
pub const REFRESH_TTL_DAYS: i64 = 30;

/// What an access token says. `tv` is the account's token version at issue time: bumping it in
/// the database (deactivation, password change) invalidates every token issued before.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    /// User id.
    pub sub: i64,
    /// Role code.
    pub role: String,
    /// Token version.
    pub tv: i64,
    /// Issued at (unix seconds).
    pub iat: i64,
    /// Expires at (unix seconds).
    pub exp: i64,
}

/// A download ticket: lets a browser fetch one file (a backup) by a plain link for a minute,
/// without putting the access token in a URL. Its audience keeps it from ever passing as an
/// access token, and an access token from passing as a ticket.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Ticket {
    /// The file it opens.
    sub: String,
    /// Always [`TICKET_AUDIENCE`].
    aud: String,
    /// Expires at (unix seconds).
    exp: i64,
}

const TICKET_AUDIENCE: &str = "emhana-download";
/// Lifetime of a download ticket.
pub const TICKET_TTL_SECS: i64 = 60;

/// The signing keys, built once from the secret.
#[derive(Clone)]
pub struct Keys {
    encoding: EncodingKey,
    decoding: DecodingKey,
}

impl std::fmt::Debug for Keys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Keys(..)")
    }
}

impl Keys {
    /// Keys from a shared secret.
    pub fn new(secret: &[u8]) -> Self {
        Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
        }
    }

    /// Signs an access token for a user.
    pub fn issue(&self, user_id: i64, role: Role, token_version: i64) -> anyhow::Result<String> {
        let now = Utc::now().timestamp();
        let claims = Claims {
            sub: user_id,
            role: role.code().to_owned(),
            tv: token_version,
            iat: now,
            exp: now + ACCESS_TTL_SECS,
        };
        Ok(encode(
            &Header::new(Algorithm::HS256),
            &claims,
            &self.encoding,
        )?)
    }

    /// Verifies signature and expiry (HS256 only; no leeway beyond the library default).
    pub fn verify(&self, token: &str) -> Option<Claims> {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = 5;
        decode::<Claims>(token, &self.decoding, &validation)
            .ok()
            .map(|d| d.claims)
    }
}

impl Keys {
    /// Signs a download ticket for `file` (valid [`TICKET_TTL_SECS`]).
    pub fn issue_ticket(&self, file: &str) -> anyhow::Result<String> {
        let ticket = Ticket {
            sub: file.to_owned(),
            aud: TICKET_AUDIENCE.to_owned(),
            exp: Utc::now().timestamp() + TICKET_TTL_SECS,
        };
        Ok(encode(
            &Header::new(Algorithm::HS256),
            &ticket,
            &self.encoding,
        )?)
    }

    /// Whether `token` is a live download ticket for exactly `file`.
    pub fn ticket_opens(&self, token: &str, file: &str) -> bool {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_audience(&[TICKET_AUDIENCE]);
        decode::<Ticket>(token, &self.decoding, &validation).is_ok_and(|d| d.claims.sub == file)
    }
}

/// 32 random bytes as hex: refresh tokens, generated secrets and passwords.
pub fn random_hex(bytes: usize) -> anyhow::Result<String> {
    let mut buf = vec![0u8; bytes];
    getrandom::fill(&mut buf).map_err(|e| anyhow::anyhow!("no system randomness: {e}"))?;
    Ok(buf.iter().map(|b| format!("{b:02x}")).collect())
}

/// SHA-256 hex of a refresh token or an API key token: what the database keeps.
pub fn hash_token(token: &str) -> String {
    emhana_domain::integrations::webhook::hex(&Sha256::digest(token.as_bytes()))
}

/// When a refresh token issued now expires.
pub fn refresh_expiry() -> chrono::DateTime<Utc> {
    Utc::now() + Duration::days(REFRESH_TTL_DAYS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_round_trip_and_other_secrets_fail() {
        let keys = Keys::new(b"secret-one");
        let token = keys.issue(7, Role::Admin, 3).unwrap();
        let claims = keys.verify(&token).unwrap();
        assert_eq!(
            (claims.sub, claims.role.as_str(), claims.tv),
            (7, "admin", 3)
        );
        assert_eq!(claims.exp - claims.iat, ACCESS_TTL_SECS);
        assert!(Keys::new(b"secret-two").verify(&token).is_none());
        assert!(keys.verify("not.a.token").is_none());
    }

    #[test]
    fn a_ticket_opens_one_file_and_never_passes_as_an_access_token() {
        let keys = Keys::new(b"secret-one");
        let ticket = keys.issue_ticket("emhana-1.db").unwrap();
        assert!(keys.ticket_opens(&ticket, "emhana-1.db"));
        assert!(!keys.ticket_opens(&ticket, "emhana-2.db"));
        assert!(!Keys::new(b"secret-two").ticket_opens(&ticket, "emhana-1.db"));
        assert!(keys.verify(&ticket).is_none(), "not an access token");
        let access = keys.issue(1, Role::Owner, 0).unwrap();
        assert!(!keys.ticket_opens(&access, "emhana-1.db"), "not a ticket");
    }

    #[test]
    fn refresh_tokens_are_random_and_hashed() {
        let a = random_hex(32).unwrap();
        let b = random_hex(32).unwrap();
        assert_eq!(a.len(), 64);
        assert_ne!(a, b);
        assert_eq!(hash_token(&a).len(), 64);
        assert_ne!(hash_token(&a), a);
    }
}
