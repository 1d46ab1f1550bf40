//! Password hashing with argon2id, off the async runtime (hashing is deliberately slow).

use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::Argon2;

/// Minimum length of a new password.
pub const MIN_PASSWORD_CHARS: usize = 8;

/// A real argon2id hash of a random string, made once: verifying against it when the login is
/// unknown makes unknown logins take as long as wrong passwords (no login enumeration by timing).
static DUMMY_HASH: tokio::sync::OnceCell<String> = tokio::sync::OnceCell::const_new();

/// Spends the same time as a real verification, for unknown logins. Always `false`.
pub async fn verify_nothing(password: String) -> anyhow::Result<bool> {
    let dummy = DUMMY_HASH
        .get_or_try_init(|| async { hash(super::tokens::random_hex(16)?).await })
        .await?;
    verify(password, dummy.clone()).await?;
    Ok(false)
}

/// How many password hashes (or checks) run at once. Each takes ~19 MiB and a core for tens of
/// milliseconds; without a bound, a burst of sign-ins fills the blocking pool (512 threads) and
/// the memory with them.
pub const CONCURRENT_HASHES: usize = 4;
/// How long a hash waits for a free hasher before the request is answered 503 + `Retry-After`.
pub const HASH_QUEUE_WAIT: std::time::Duration = std::time::Duration::from_secs(5);

static HASHERS: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(CONCURRENT_HASHES);

/// Every hasher stayed busy for [`HASH_QUEUE_WAIT`]: the server is saturated (HTTP 503).
#[derive(Debug, thiserror::Error)]
#[error("every password hasher stayed busy")]
pub struct HashersBusy;

/// Runs slow hashing work on the blocking pool, at most [`CONCURRENT_HASHES`] at a time.
async fn on_hasher<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> anyhow::Result<T> {
    let _permit = tokio::time::timeout(HASH_QUEUE_WAIT, HASHERS.acquire())
        .await
        .map_err(|_| HashersBusy)??;
    Ok(actix_web::rt::task::spawn_blocking(work).await?)
}

/// Hashes a new password (PHC string).
pub async fn hash(password: String) -> anyhow::Result<String> {
    on_hasher(move || {
        Argon2::default()
            .hash_password(password.as_bytes())
            .map(|h| h.to_string())
            .map_err(|e| anyhow::anyhow!("hash password: {e}"))
    })
    .await?
}

/// Is this a hash the old Streamlit system wrote (bcrypt `$2b$`/`$2a$`/`$2y$`)? Accepted once at
/// login, then replaced by argon2id (see [`verify`] and the login handler).
pub fn is_legacy_hash(stored: &str) -> bool {
    stored.starts_with("$2")
}

/// Checks a password against a stored hash: argon2id PHC strings, or an imported bcrypt hash;
/// any malformed hash simply fails.
pub async fn verify(password: String, stored: String) -> anyhow::Result<bool> {
    if is_legacy_hash(&stored) {
        return on_hasher(move || bcrypt::verify(password.as_bytes(), &stored).unwrap_or(false))
            .await;
    }
    on_hasher(move || {
        PasswordHash::new(&stored)
            .map(|parsed| {
                Argon2::default()
                    .verify_password(password.as_bytes(), &parsed)
                    .is_ok()
            })
            .unwrap_or(false)
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[actix_web::test]
    async fn hashes_verify_and_wrong_passwords_fail() {
        let h = hash("Қазақстан-2026".into()).await.unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify("Қазақстан-2026".into(), h.clone()).await.unwrap());
        assert!(!verify("wrong".into(), h).await.unwrap());
        assert!(!verify("x".into(), "garbage".into()).await.unwrap());
        assert!(!verify_nothing("x".into()).await.unwrap());
    }

    #[actix_web::test]
    async fn imported_bcrypt_hashes_verify() {
        let legacy = bcrypt::hash_with_salt("старый-пароль", 4, [7u8; 16])
            .unwrap()
            .format_for_version(bcrypt::Version::TwoB);
        assert!(is_legacy_hash(&legacy));
        assert!(verify("старый-пароль".into(), legacy.clone())
            .await
            .unwrap());
        assert!(!verify("другой".into(), legacy).await.unwrap());
        assert!(!verify("x".into(), "$2b$garbage".into()).await.unwrap());
    }
}
