//! First start: the signing secret and the owner account.

use emhana_domain::Role;
use emhana_store::audit::Actor;
use emhana_store::users::NewUser;
use emhana_store::Store;

use super::{password, tokens, Keys};
use crate::Settings;

/// Signing keys from `EMHANA_JWT_SECRET`, or from a random secret generated once and kept in
/// the database (so restarts and other instances on the same database agree).
pub async fn signing_keys(store: &Store, settings: &Settings) -> anyhow::Result<Keys> {
    if let Some(secret) = settings.jwt_secret.as_deref().filter(|s| !s.is_empty()) {
        anyhow::ensure!(
            secret.len() >= 32,
            "EMHANA_JWT_SECRET must be at least 32 characters"
        );
        return Ok(Keys::new(secret.as_bytes()));
    }
    let secret = store
        .setting_or_insert("jwt_secret", &tokens::random_hex(32)?)
        .await?;
    Ok(Keys::new(secret.as_bytes()))
}

/// With no accounts at all, creates `owner` with `EMHANA_OWNER_PASSWORD`, or with a generated
/// password printed once to the log.
pub async fn ensure_owner(store: &Store, settings: &Settings) -> anyhow::Result<()> {
    if store.count_users().await? > 0 {
        return Ok(());
    }
    let (pw, generated) = match settings.owner_password.as_deref().filter(|p| !p.is_empty()) {
        Some(p) => (p.to_owned(), false),
        None => (tokens::random_hex(9)?, true),
    };
    let new = NewUser {
        login: "owner".into(),
        display_name: "Владелец".into(),
        role: Role::Owner,
        password_hash: password::hash(pw.clone()).await?,
        doctor_id: None,
    };
    let actor = Actor {
        user_id: None,
        request_id: "bootstrap".into(),
        client_ip: "local".into(),
        api_key_id: None,
    };
    match store.create_user(&actor, new).await {
        Ok(_) if generated => {
            tracing::warn!(
                "created the first account: login `owner`, password `{pw}` (shown once; change it)"
            )
        }
        Ok(_) => tracing::info!("created the first account `owner` with EMHANA_OWNER_PASSWORD"),
        // Another instance created it at the same moment: fine.
        Err(emhana_store::StoreError::Duplicate { .. }) => {}
        Err(e) => return Err(e.into()),
    }
    Ok(())
}
