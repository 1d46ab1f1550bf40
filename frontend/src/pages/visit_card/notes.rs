//! The visit's notes (edited in place) and its status history: who moved it, when, and why.

use emhana_api_types::visits::{VisitUpdate, VisitView};
use leptos::prelude::*;

use super::{VisitWrite, WriteAction};
use crate::clinic;
use crate::i18n::t;

/// Notes with a save button, then the status history table.
#[component]
pub fn NotesAndHistory(visit: VisitView, write: WriteAction) -> impl IntoView {
    let s = t();
    let notes = RwSignal::new(visit.notes.clone().unwrap_or_default());
    let version = visit.summary.version;
    let save = move |_| {
        write.dispatch_local(VisitWrite::Update(VisitUpdate {
            notes: Some(notes.get_untracked()),
            version: Some(version),
            ..VisitUpdate::default()
        }));
    };
    let rows = visit
        .status_history
        .into_iter()
        .map(|h| {
            let change = match &h.from {
                Some(from) => format!("{} → {}", s.status_code(from), s.status_code(&h.to)),
                None => s.status_code(&h.to),
            };
            view! {
                <tr>
                    <td>{clinic::day_hm(&h.at)}</td>
                    <td>{change}</td>
                    <td>{h.by.map_or_else(|| "—".to_owned(), |b| b.name)}</td>
                    <td>{h.reason.unwrap_or_default()}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="form-row" data-testid="visit-notes">
            <label class="grow">{s.notes_label}
                <textarea name="visit_notes" rows="2" maxlength="2000" prop:value=notes
                    on:input=move |ev| notes.set(event_target_value(&ev))></textarea>
            </label>
            <button type="button" class="secondary" on:click=save
                disabled=move || write.pending().get()>{s.desk.visit_save_notes}</button>
        </div>
        <details data-testid="status-history">
            <summary>{s.desk.visit_status_history}</summary>
            <table class="table">
                <thead><tr><th>{s.reminders_time}</th><th>{s.status_label}</th><th>{s.desk.visit_changed_by}</th><th>{s.desk.visit_reason}</th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </details>
    }
}
