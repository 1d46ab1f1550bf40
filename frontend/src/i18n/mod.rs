//! Every user-visible string of the SPA, in one place. Russian now; a Kazakh or English table
//! is another `Strings` value with the same fields.

mod format;
mod ru;
mod strings;

pub use format::{date, label, percent, share};
pub use strings::Strings;

pub use ru::RU;

/// The strings for the current UI language.
pub fn t() -> &'static Strings {
    &RU
}
