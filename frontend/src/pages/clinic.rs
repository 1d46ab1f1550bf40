//! The clinic's requisites (owner): the name, BIN, address and phone printed on receipts and
//! acts. Each field shows its own error.

use emhana_api_types::clinic::Requisites;
use leptos::prelude::*;

use crate::api::{self, ApiError};
use crate::erased::{effect, Loaded, Task};
use crate::i18n::t;

/// `/clinic`
#[component]
pub fn ClinicPage() -> impl IntoView {
    let s = t();
    let name = RwSignal::new(String::new());
    let bin = RwSignal::new(String::new());
    let address = RwSignal::new(String::new());
    let phone = RwSignal::new(String::new());
    let loaded = Loaded::new(api::requisites);
    effect(move || {
        if let Some(Ok(r)) = loaded.get() {
            name.set(r.name);
            bin.set(r.bin.unwrap_or_default());
            address.set(r.address.unwrap_or_default());
            phone.set(r.phone.unwrap_or_default());
        }
    });
    let error = RwSignal::new(None::<ApiError>);
    let saved = RwSignal::new(false);
    let save = Task::new(|body: &Requisites| api::save_requisites(body.clone()));
    effect(move || match save.result() {
        Some(Ok(r)) => {
            phone.set(r.phone.unwrap_or_default());
            bin.set(r.bin.unwrap_or_default());
            error.set(None);
            saved.set(true);
        }
        Some(Err(e)) => {
            error.set(Some(e));
            saved.set(false);
        }
        None => {}
    });
    let optional = |v: String| Some(v).filter(|v| !v.trim().is_empty());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        saved.set(false);
        save.dispatch_local(Requisites {
            name: name.get_untracked(),
            bin: optional(bin.get_untracked()),
            address: optional(address.get_untracked()),
            phone: optional(phone.get_untracked()),
        });
    };
    let field_error = move |f: &'static str| {
        move || {
            error
                .get()
                .and_then(|e| e.field(f))
                .map(|m| view! { <span class="status-error">{m}</span> })
        }
    };
    view! {
        <h1>{s.nav_clinic}</h1>
        <form class="panel" on:submit=submit data-testid="clinic-form">
            <label>{s.settings().clinic_name}<input name="name" required prop:value=name on:input=move |ev| name.set(event_target_value(&ev)) />{field_error("name")}</label>
            <label>{s.settings().clinic_bin}<input name="bin" inputmode="numeric" prop:value=bin on:input=move |ev| bin.set(event_target_value(&ev)) />{field_error("bin")}</label>
            <label>{s.settings().clinic_address}<input name="address" prop:value=address on:input=move |ev| address.set(event_target_value(&ev)) />{field_error("address")}</label>
            <label>{s.settings().clinic_phone}<input name="phone" type="tel" prop:value=phone on:input=move |ev| phone.set(event_target_value(&ev)) />{field_error("phone")}</label>
            <button type="submit" class="primary" disabled=move || save.pending().get()>{s.save}</button>
            {move || saved.get().then(|| view! { <p class="status-ok" role="status" data-testid="clinic-saved">{s.settings().clinic_saved}</p> })}
            <p class="muted">{s.settings().clinic_hint}</p>
        </form>
    }
}
