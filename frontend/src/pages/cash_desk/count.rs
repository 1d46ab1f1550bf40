//! The blind count: one amount per tender, a note, and the close; expected amounts stay hidden
//! until the Z report.

use emhana_api_types::cash_desk::{ShiftClose, ZReportView};
use emhana_api_types::visits::PaymentPart;
use emhana_domain::Money;
use leptos::prelude::*;

use crate::components::form::{method_amounts, MethodAmountInputs};
use crate::erased::{effect, Task};

use crate::api::{self, ApiError};
use crate::i18n::t;

/// The count of shift `shift_id`; `on_closed` gets its Z report.
#[component]
pub fn CountForm(
    shift_id: i64,
    on_closed: impl Fn(ZReportView) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let s = t();
    let amounts = method_amounts();
    let note = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    let close = Task::new(move |body: &ShiftClose| api::close_shift(shift_id, body.clone()));
    effect(move || match close.result() {
        Some(Ok(z)) => on_closed(z),
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let counted = amounts
            .get_value()
            .into_iter()
            .map(|(m, a)| {
                // An empty field is a tender counted as zero.
                let typed = a.get_untracked();
                let amount =
                    Money::wire_from_user_input(if typed.trim().is_empty() { "0" } else { &typed });
                PaymentPart {
                    method: m.code().into(),
                    amount,
                }
            })
            .collect();
        let note = Some(note.get_untracked()).filter(|n| !n.trim().is_empty());
        close.dispatch_local(ShiftClose { counted, note });
    };
    view! {
        <section class="panel" data-testid="count-form">
            <h3>{s.cash_desk().desk_count_heading}</h3>
            <p class="muted">{s.cash_desk().desk_count_hint}</p>
            <form class="form-row" on:submit=submit>
                <MethodAmountInputs amounts=amounts prefix="counted" />
                <label class="grow">{s.cash_desk().desk_note}
                    <input name="close_note" prop:value=note on:input=move |ev| note.set(event_target_value(&ev)) />
                </label>
                <button type="submit" class="primary" disabled=move || close.pending().get()>{s.cash_desk().desk_close}</button>
            </form>
            {move || error.get().map(|e| view! { <p class="status-error" role="alert">{e.message()}</p> })}
        </section>
    }
}
