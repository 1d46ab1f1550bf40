//! Stand-in for sections whose issue has not landed yet; the route already exists.

use leptos::prelude::*;

use crate::i18n::t;

/// A titled page saying the section is coming.
#[component]
pub fn Placeholder(
    /// Section title.
    title: &'static str,
) -> impl IntoView {
    view! {
        <h1>{title}</h1>
        <p class="muted">{t().section_pending}</p>
    }
}
