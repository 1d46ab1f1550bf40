//! How forms show a failed save: each field's message under the field the server named, and
//! everything else (a conflict, a lost connection) once above the buttons.

use std::future::Future;

use leptos::prelude::*;

use crate::api::ApiError;
use crate::erased::{effect, Task};

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

/// A form's write (a save, a deactivation) as an action: `pending()` is the form's busy state;
/// on success `on_saved` runs, on failure the error shows in the form.
pub fn form_action<I, Fut>(
    error: RwSignal<Option<ApiError>>,
    on_saved: impl Fn() + Copy + 'static,
    run: impl Fn(I) -> Fut + 'static,
) -> Task<I, Result<(), ApiError>>
where
    I: Clone + 'static,
    Fut: Future<Output = Result<(), ApiError>> + 'static,
{
    let action = Task::new(move |input: &I| run(input.clone()));
    effect(move || match action.result() {
        Some(Ok(())) => on_saved(),
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    action
}

/// `DELETE /api/v1/{collection}/{id}?version=` of a form's record, as an action.
pub fn deactivate_action(
    collection: &'static str,
    error: RwSignal<Option<ApiError>>,
    on_saved: impl Fn() + Copy + 'static,
) -> Task<(i64, i64), Result<(), ApiError>> {
    form_action(error, on_saved, move |(id, version): (i64, i64)| {
        crate::api::deactivate(collection, id, version)
    })
}

/// One typed amount per payment method, in the UI's order (an empty field: not this method).
pub type MethodAmounts = StoredValue<Vec<(emhana_domain::PaymentMethod, RwSignal<String>)>>;

/// Empty amount fields for the real tenders (card, cash, QR, transfer); the deposit has its
/// own field where it applies.
pub fn method_amounts() -> MethodAmounts {
    StoredValue::new(
        emhana_domain::PaymentMethod::TENDERS
            .into_iter()
            .map(|m| (m, RwSignal::new(String::new())))
            .collect(),
    )
}

/// The amount fields of `amounts`, labelled by method and named `{prefix}_{code}` (the payment
/// panel's `amount_cash`, the blind count's `counted_cash`).
#[component]
pub fn MethodAmountInputs(amounts: MethodAmounts, prefix: &'static str) -> impl IntoView {
    amounts
        .get_value()
        .into_iter()
        .map(|(m, a)| {
            view! {
                <label>{crate::i18n::t().method(m)}
                    <input name=format!("{prefix}_{}", m.code()) inputmode="decimal" placeholder="0"
                        prop:value=a on:input=move |ev| a.set(event_target_value(&ev)) />
                </label>
            }
        })
        .collect_view()
}
