//! How forms show a failed save: each field's message under the field the server named, and
//! everything else (a conflict, a lost connection) once above the buttons.

use std::future::Future;

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::ApiError;

/// The server's message for `field` of the last failed save, if it named that field.
pub fn field_error(
    error: RwSignal<Option<ApiError>>,
    field: &'static str,
) -> impl Fn() -> Option<String> + Copy + Send + Sync + 'static {
    move || error.with(|e| e.as_ref().and_then(|e| e.field(field)))
}

/// The part of the last failed save that no field of this form shows.
#[component]
pub fn FormError(
    /// The last failed save.
    error: RwSignal<Option<ApiError>>,
    /// The fields the form shows messages under.
    fields: &'static [&'static str],
) -> impl IntoView {
    move || {
        error.with(|e| {
            e.as_ref()
                .filter(|e| match e {
                    ApiError::Problem(p) => {
                        p.errors.iter().all(|f| !fields.contains(&f.field.as_str()))
                    }
                    ApiError::Network(_) => true,
                })
                .map(|e| view! { <p class="status-error" role="alert">{e.message()}</p> })
        })
    }
}

/// Runs a form's save or deactivation in the background: `busy` while it runs, then `on_saved`,
/// or the error for the form to show.
pub fn spawn_save<T: 'static>(
    busy: RwSignal<bool>,
    error: RwSignal<Option<ApiError>>,
    on_saved: impl Fn() + 'static,
    save: impl Future<Output = Result<T, ApiError>> + 'static,
) {
    busy.set(true);
    spawn_local(async move {
        let result = save.await;
        busy.set(false);
        match result {
            Ok(_) => on_saved(),
            Err(e) => error.set(Some(e)),
        }
    });
}
