//! Every user-visible string of the SPA, in one place: one `Strings` table per language (`ru`,
//! `kk`, `en`), all compiled in (less than the code that would fetch and parse them). The
//! areas only the full bundle's pages use are separate statics (`areas!` below), so the desk
//! bundle links only its own pages' text (13 KB gzip less, measured). The language is chosen
//! once, before the first render, from the browser's memory of the last signed-in user's
//! choice; changing it reloads the page, so every component reads its table once
//! (`let s = t();`) and never re-renders for a language change.

mod en;
mod format;
mod kk;
mod ru;
mod strings;

use std::sync::atomic::{AtomicU8, Ordering};

use emhana_domain::payment::PaymentMethod;
use emhana_domain::{Role, UiLanguage, VisitStatus};

pub use format::{date, label, percent, share, weekday_day, MoneyText};
pub use strings::Strings;

pub use en::EN;
pub use kk::KK;
pub use ru::RU;

/// The current language, as an index into `UiLanguage::ALL` (an atomic because a `static`
/// must be `Sync`; the SPA has one thread).
static CURRENT: AtomicU8 = AtomicU8::new(0);

/// Where the browser remembers the language between page loads (the account's choice is the
/// truth; this copy lets the login page and the first render speak it before `/me` answers).
const STORAGE_KEY: &str = "emhana.language";

/// The language the page is rendered in.
pub fn current() -> UiLanguage {
    UiLanguage::ALL[usize::from(CURRENT.load(Ordering::Relaxed)).min(UiLanguage::ALL.len() - 1)]
}

/// The table of a language.
pub fn table(language: UiLanguage) -> &'static Strings {
    match language {
        UiLanguage::Ru => &RU,
        UiLanguage::Kk => &KK,
        UiLanguage::En => &EN,
    }
}

/// The strings for the current UI language.
pub fn t() -> &'static Strings {
    table(current())
}

/// Picks the language before the first render: the one this browser last used (Russian when
/// none), and marks the page with it (`<html lang>`: screen readers, and the charts' number
/// format, read it).
pub fn init() {
    let remembered = crate::session::storage()
        .and_then(|s| s.get_item(STORAGE_KEY).ok().flatten())
        .and_then(|code| UiLanguage::from_code(&code))
        .unwrap_or_default();
    set_current(remembered);
}

fn set_current(language: UiLanguage) {
    let index = UiLanguage::ALL
        .iter()
        .position(|l| *l == language)
        .unwrap_or(0);
    CURRENT.store(u8::try_from(index).unwrap_or(0), Ordering::Relaxed);
    if let Some(html) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let _ = html.set_attribute("lang", language.code());
    }
    if let Some(document) = web_sys::window().and_then(|w| w.document()) {
        document.set_title(table(language).app_name);
    }
}

/// Where the login page notes that the language was chosen there, to be saved with the account
/// at sign-in instead of replaced by the account's.
const CHOSEN_KEY: &str = "emhana.language.chosen";

/// The login page's choice: remembered by this browser, the page reloaded in it.
pub fn choose_before_sign_in(language: UiLanguage) {
    if remember(language) {
        if let Some(storage) = crate::session::storage() {
            let _ = storage.set_item(CHOSEN_KEY, "1");
        }
        reload();
    }
}

/// Stores `language` for the next page load; false when this browser keeps nothing (then a
/// reload would render the same language again, so callers never reload: no reload loop).
fn remember(language: UiLanguage) -> bool {
    crate::session::storage().is_some_and(|storage| {
        storage.set_item(STORAGE_KEY, language.code()).is_ok()
            && storage.get_item(STORAGE_KEY).ok().flatten().as_deref() == Some(language.code())
    })
}

/// At sign-in (or a session restored by the refresh cookie): a language chosen on the login
/// page is saved with the account; otherwise the page follows the account's.
pub fn on_sign_in(account: UiLanguage) {
    let chosen = crate::session::storage()
        .and_then(|s| {
            let flag = s.get_item(CHOSEN_KEY).ok().flatten();
            let _ = s.remove_item(CHOSEN_KEY);
            flag
        })
        .is_some();
    if chosen && account != current() {
        leptos::task::spawn_local(async {
            let _ = crate::api::set_language(current()).await;
        });
    } else {
        follow_account(account);
    }
}

fn reload() {
    if let Some(w) = web_sys::window() {
        let _ = w.location().reload();
    }
}

/// Follows the signed-in account's language: remembers it for the next page load and, when the
/// page was rendered in another one, reloads in it (once per browser and account change: the
/// remembered copy then matches).
pub fn follow_account(language: UiLanguage) {
    if remember(language) && language != current() {
        reload();
    }
}

impl Strings {
    /// A role's name.
    pub fn role(&self, role: Role) -> &'static str {
        self.roles[Role::ALL.iter().position(|r| *r == role).unwrap_or(0)]
    }

    /// A visit status's name.
    pub fn status(&self, status: VisitStatus) -> &'static str {
        self.statuses[VisitStatus::ALL
            .iter()
            .position(|v| *v == status)
            .unwrap_or(0)]
    }

    /// A status from its code (the code itself when unknown).
    pub fn status_code(&self, code: &str) -> String {
        VisitStatus::from_code(code).map_or_else(|| code.to_owned(), |v| self.status(v).to_owned())
    }

    /// A payment method's name.
    pub fn method(&self, method: PaymentMethod) -> &'static str {
        self.methods[PaymentMethod::ALL
            .iter()
            .position(|m| *m == method)
            .unwrap_or(0)]
    }

    /// A payment method from its code (the code itself when unknown).
    pub fn method_code(&self, code: &str) -> String {
        PaymentMethod::from_code(code)
            .map_or_else(|| code.to_owned(), |m| self.method(m).to_owned())
    }
}

/// The areas only some pages use, kept out of the [`Strings`] value (see its `language`
/// field): each method returns its own language's table of that area.
macro_rules! areas {
    ($($(#[$doc:meta])* $name:ident: $ty:ident = $table:ident;)*) => {
        impl Strings {
            $(
                $(#[$doc])*
                pub fn $name(&self) -> &'static strings::$ty {
                    match self.language {
                        UiLanguage::Ru => &ru::$table,
                        UiLanguage::Kk => &kk::$table,
                        UiLanguage::En => &en::$table,
                    }
                }
            )*

            /// Every detached area by its name, as JSON (the key tests walk them with the
            /// fields, so an area added here is checked without naming it twice).
            #[cfg(test)]
            fn detached_areas(&self) -> Vec<(&'static str, serde_json::Value)> {
                vec![$((stringify!($name), serde_json::to_value(self.$name()).unwrap())),*]
            }
        }
    };
}

areas! {
    /// The patients directory and card, deposits and the bonus programme.
    patients: PatientStrings = PATIENTS;
    /// Doctors, the price list and lead sources.
    directories: DirectoryStrings = DIRECTORIES;
    /// The owner's dashboard.
    analytics: AnalyticsStrings = ANALYTICS;
    /// Registers, shifts and their X and Z reports.
    cash_desk: CashDeskStrings = CASH_DESK;
    /// Exports, imports and backups.
    data: DataStrings = DATA;
    /// The clinic's requisites, integrations and reminders.
    settings: SettingsStrings = SETTINGS;
}

#[cfg(test)]
mod tests;
