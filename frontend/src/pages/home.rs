//! Landing page: product title and a live server status read through the typed API client.

use leptos::prelude::*;

use crate::erased::Loaded;
use crate::{api, i18n::t};

/// `/`
#[component]
pub fn Home() -> impl IntoView {
    let s = t();
    let health = Loaded::new(api::health);
    view! {
        <h1>{s.app_name}</h1>
        <p class="muted">{s.tagline}</p>
        <div class="panel">
            {s.api_status} ": "
            <Transition fallback=move || view! { <span>{s.loading}</span> }>
                {move || {
                    health
                        .get()
                        .map(|r| match r {
                            Ok(h) => view! {
                                <span class="status-ok" data-testid="api-status">{format!("{} (v{})", s.api_ok, h.version)}</span>
                            }
                            .into_any(),
                            Err(e) => view! {
                                <span class="status-error" data-testid="api-status">{format!("{}: {}", s.api_down, e.message())}</span>
                            }
                            .into_any(),
                        })
                }}
            </Transition>
        </div>
    }
}
