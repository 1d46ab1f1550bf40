//! Lead sources ("Источники", admins): the "Откуда узнали о нас" list. Add a source, rename its
//! label, deactivate it; a source is never deleted (old visits keep naming it) and its code never
//! changes (integrations and analytics key on it).

use emhana_api_types::directories::{LeadSourceCreate, LeadSourceUpdate, LeadSourceView};
use leptos::prelude::*;

use crate::api::{self, ApiError};
use crate::components::directory::{
    CellStyle, Column, DirectoryTable, DirectoryToolbar, Editing, Record,
};
use crate::components::form::{deactivate_action, field_error, form_action, FormError};
use crate::components::table::{SortKey, SortOrder};
use crate::erased::Loaded;
use crate::i18n::t;

impl Record for LeadSourceView {
    fn is_active(&self) -> bool {
        self.is_active
    }
}

/// `/sources`
#[component]
pub fn SourcesPage() -> impl IntoView {
    let s = t();
    let include_inactive = RwSignal::new(false);
    let search = RwSignal::new(String::new());
    let reload = RwSignal::new(0u32);
    let editing = RwSignal::new(Editing::<LeadSourceView>::Closed);
    let list = Loaded::new(move || {
        reload.track();
        api::lead_sources(include_inactive.get())
    });
    let saved = move || {
        editing.set(Editing::Closed);
        reload.update(|n| *n += 1);
    };
    let flag =
        |on: bool, yes: &'static str, no: &'static str| (if on { yes } else { no }).to_owned();
    let columns = vec![
        Column::text(s.directories().label_label, |v: &LeadSourceView| {
            v.label.clone()
        }),
        Column::text(s.directories().code_label, |v: &LeadSourceView| {
            v.code.clone()
        })
        .styled(CellStyle::Code),
        Column::new(
            s.directories().default_label,
            |v: &LeadSourceView| SortKey::Num(i64::from(v.is_default)),
            move |v: &LeadSourceView| flag(v.is_default, s.directories().yes, ""),
        ),
        Column::new(
            s.status_label,
            |v: &LeadSourceView| SortKey::Num(i64::from(v.is_active)),
            move |v: &LeadSourceView| flag(v.is_active, s.active, s.inactive),
        ),
    ];
    // The server's order (the seeded seven first) is the one receptionists know.
    view! {
        <h1>{s.nav_sources}</h1>
        <DirectoryToolbar search=search include_inactive=include_inactive editing=editing new_label=s.directories().new_source may_write=true />
        {move || editing.get().form().map(|src| view! {
            <SourceForm source=src on_saved=saved on_cancel=move || editing.set(Editing::Closed) />
        })}
        <DirectoryTable list=list columns=columns testid="sources-table" initial=SortOrder::SERVER
            editing=editing may_write=true search=search />
    }
}

#[component]
fn SourceForm(
    source: Option<LeadSourceView>,
    on_saved: impl Fn() + Copy + Send + Sync + 'static,
    on_cancel: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let s = t();
    let target = source
        .as_ref()
        .map(|v| (v.id, v.version, v.is_active && !v.is_default));
    let code = RwSignal::new(source.as_ref().map(|v| v.code.clone()).unwrap_or_default());
    let label = RwSignal::new(source.as_ref().map(|v| v.label.clone()).unwrap_or_default());
    let error = RwSignal::new(None::<ApiError>);
    let retire = deactivate_action("lead-sources", error, on_saved);
    // A new source gets its code; an existing one only a new label (its code never changes).
    let save = form_action(
        error,
        on_saved,
        move |(code, label): (String, String)| async move {
            match target {
                Some((id, version, _)) => {
                    let body = LeadSourceUpdate { label, version };
                    api::update_lead_source(id, body).await.map(drop)
                }
                None => {
                    let body = LeadSourceCreate { code, label };
                    api::create_lead_source(body).await.map(drop)
                }
            }
        },
    );
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        save.dispatch_local((code.get_untracked(), label.get_untracked()));
    };
    let deactivate = move |_| {
        if let Some((id, version, _)) = target {
            retire.dispatch_local((id, version));
        }
    };
    view! {
        <form class="panel form-row" on:submit=submit data-testid="source-form">
            <h2>{if target.is_some() { s.directories().edit_source } else { s.directories().new_source }}</h2>
            <label>{s.directories().code_label}
                <input name="code" required pattern="[a-z0-9_]{2,40}" disabled=target.is_some()
                    prop:value=code on:input=move |ev| code.set(event_target_value(&ev)) />
                <span class="field-error" data-field="code">{field_error(error, "code")}</span>
            </label>
            <label class="grow">{s.directories().label_label}
                <input name="label" required prop:value=label on:input=move |ev| label.set(event_target_value(&ev)) />
                <span class="field-error" data-field="label">{field_error(error, "label")}</span>
            </label>
            <FormError error=error fields=&["code", "label"] />
            <button type="submit" disabled=move || save.pending().get() || retire.pending().get()>{s.save}</button>
            <button type="button" class="secondary" on:click=move |_| on_cancel()>{s.cancel}</button>
            {target.filter(|t| t.2).map(|_| view! { <button type="button" class="danger" on:click=deactivate>{s.deactivate}</button> })}
        </form>
    }
}
