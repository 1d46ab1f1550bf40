//! Lead sources ("Источники", admins): the "Откуда узнали о нас" list. Add a source, rename its
//! label, deactivate it; a source is never deleted (old visits keep naming it) and its code never
//! changes (integrations and analytics key on it).

use emhana_api_types::directories::{LeadSourceCreate, LeadSourceUpdate, LeadSourceView};
use leptos::prelude::*;

use crate::api::{self, ApiError};
use crate::components::form::{field_error, spawn_save, FormError};
use crate::components::table::{sorted_page, ClickableRow, Pager, SortHeader, SortKey, SortOrder};
use crate::i18n::t;

/// `/sources`
#[component]
pub fn SourcesPage() -> impl IntoView {
    let s = t();
    let include_inactive = RwSignal::new(false);
    let reload = RwSignal::new(0u32);
    let editing = RwSignal::new(None::<Option<LeadSourceView>>);
    let list = LocalResource::new(move || {
        reload.track();
        api::lead_sources(include_inactive.get())
    });
    // The server's order (the seeded seven first) is the one receptionists know.
    let order = RwSignal::new(SortOrder::SERVER);
    let page = RwSignal::new(0usize);
    let total = Signal::derive(move || list.get().and_then(Result::ok).map_or(0, |r| r.len()));
    let saved = move || {
        editing.set(None);
        reload.update(|n| *n += 1);
    };
    let key = |v: &LeadSourceView, column: usize| match column {
        0 => SortKey::text(&v.label),
        1 => SortKey::text(&v.code),
        2 => SortKey::Num(i64::from(v.is_default)),
        _ => SortKey::Num(i64::from(v.is_active)),
    };
    view! {
        <h1>{s.nav_sources}</h1>
        <div class="panel form-row">
            <label class="inline">
                <input type="checkbox" name="include_inactive" prop:checked=include_inactive
                    on:change=move |ev| include_inactive.set(event_target_checked(&ev)) />
                {s.show_inactive}
            </label>
            <button on:click=move |_| editing.set(Some(None))>{s.new_source}</button>
        </div>
        {move || editing.get().map(|src| view! {
            <SourceForm source=src on_saved=saved on_cancel=move || editing.set(None) />
        })}
        <div class="panel">
            <Transition fallback=move || view! { <p>{s.loading}</p> }>
                {move || list.get().map(|r| match r {
                    Ok(rows) if rows.is_empty() => view! { <p class="muted">{s.empty}</p> }.into_any(),
                    Ok(rows) => view! {
                        <table class="table" data-testid="sources-table">
                            <thead><tr>
                                <SortHeader label=s.label_label column=0 order=order />
                                <SortHeader label=s.code_label column=1 order=order />
                                <SortHeader label=s.default_label column=2 order=order />
                                <SortHeader label=s.status_label column=3 order=order />
                            </tr></thead>
                            <tbody>
                                {move || sorted_page(&rows, order.get(), page.get(), key).into_iter().map(|v| {
                                    let open = v.clone();
                                    let edit = Callback::new(move |()| editing.set(Some(Some(open.clone()))));
                                    view! {
                                        <ClickableRow on_open=edit inactive=!v.is_active>
                                            <td>{v.label.clone()}</td>
                                            <td><code>{v.code.clone()}</code></td>
                                            <td>{if v.is_default { s.yes } else { "" }}</td>
                                            <td>{if v.is_active { s.active } else { s.inactive }}</td>
                                        </ClickableRow>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any(),
                    Err(e) => view! { <p class="status-error" role="alert">{e.message()}</p> }.into_any(),
                })}
            </Transition>
            <Pager page=page total=total />
        </div>
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
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        spawn_save(busy, error, on_saved, async move {
            match target {
                Some((id, version, _)) => {
                    let body = LeadSourceUpdate {
                        label: label.get_untracked(),
                        version,
                    };
                    api::update_lead_source(id, body).await
                }
                None => {
                    let body = LeadSourceCreate {
                        code: code.get_untracked(),
                        label: label.get_untracked(),
                    };
                    api::create_lead_source(body).await
                }
            }
        });
    };
    let deactivate = move |_| {
        if let Some((id, version, _)) = target {
            spawn_save(
                busy,
                error,
                on_saved,
                api::deactivate("lead-sources", id, version),
            );
        }
    };
    view! {
        <form class="panel form-row" on:submit=submit data-testid="source-form">
            <h2>{if target.is_some() { s.edit_source } else { s.new_source }}</h2>
            <label>{s.code_label}
                <input name="code" required pattern="[a-z0-9_]{2,40}" disabled=target.is_some()
                    prop:value=code on:input=move |ev| code.set(event_target_value(&ev)) />
                <span class="field-error" data-field="code">{field_error(error, "code")}</span>
            </label>
            <label class="grow">{s.label_label}
                <input name="label" required prop:value=label on:input=move |ev| label.set(event_target_value(&ev)) />
                <span class="field-error" data-field="label">{field_error(error, "label")}</span>
            </label>
            <FormError error=error fields=&["code", "label"] />
            <button type="submit" disabled=move || busy.get()>{s.save}</button>
            <button type="button" class="secondary" on:click=move |_| on_cancel()>{s.cancel}</button>
            {target.filter(|t| t.2).map(|_| view! { <button type="button" class="danger" on:click=deactivate>{s.deactivate}</button> })}
        </form>
    }
}
