//! The signed-in session. The access token is kept in memory only (never in storage, so a script
//! injected into the page cannot read it from there); the refresh token is an HttpOnly cookie the
//! browser manages. The current user is a signal the whole UI reacts to.

use std::cell::RefCell;

use emhana_api_types::auth::UserView;
use emhana_domain::access::{allows, Permission};
use leptos::prelude::*;

thread_local! {
    static ACCESS: RefCell<Option<String>> = const { RefCell::new(None) };
    static USER: RefCell<Option<RwSignal<Option<UserView>>>> = const { RefCell::new(None) };
    static NOTICE: RefCell<Option<RwSignal<Option<&'static str>>>> = const { RefCell::new(None) };
}

/// Creates the user and notice signals; call once at the app root (a signal belongs to the
/// component that creates it, and the root lives as long as the page).
pub fn init() -> RwSignal<Option<UserView>> {
    let user = RwSignal::new(None);
    USER.with(|u| *u.borrow_mut() = Some(user));
    NOTICE.with(|n| *n.borrow_mut() = Some(RwSignal::new(None)));
    user
}

/// The current user signal.
pub fn user() -> RwSignal<Option<UserView>> {
    USER.with(|u| *u.borrow_mut().get_or_insert_with(|| RwSignal::new(None)))
}

/// The in-memory access token.
pub fn access_token() -> Option<String> {
    ACCESS.with(|a| a.borrow().clone())
}

/// Key of the "a session may exist" hint in localStorage. It holds no secret: it only spares a
/// first-time visitor a refresh request that is bound to fail.
const HINT_KEY: &str = "emhana.session";

/// This browser's localStorage (the session hint, the chosen register).
pub fn storage() -> Option<web_sys::Storage> {
    web_sys::window().and_then(|w| w.local_storage().ok().flatten())
}

/// Was this browser signed in before (so the refresh cookie may restore the session)?
pub fn may_have_session() -> bool {
    storage()
        .and_then(|s| s.get_item(HINT_KEY).ok().flatten())
        .is_some()
}

/// Stores a fresh session.
pub fn set(token: String, view: UserView) {
    ACCESS.with(|a| *a.borrow_mut() = Some(token));
    if let Some(s) = storage() {
        let _ = s.set_item(HINT_KEY, "1");
    }
    let language = view.language;
    user().set(Some(view));
    crate::i18n::on_sign_in(language);
}

/// A message the login form shows once the session has ended on purpose (a password change).
pub fn notice() -> RwSignal<Option<&'static str>> {
    NOTICE.with(|n| *n.borrow_mut().get_or_insert_with(|| RwSignal::new(None)))
}

/// Forgets the session (logout, expired refresh).
pub fn clear() {
    ACCESS.with(|a| *a.borrow_mut() = None);
    if let Some(s) = storage() {
        let _ = s.remove_item(HINT_KEY);
    }
    user().set(None);
}

/// Does the signed-in user's role allow this? (The server enforces it anyway.)
pub fn can(permission: Permission) -> bool {
    user().with(|u| u.as_ref().is_some_and(|u| allows(u.role, permission)))
}
