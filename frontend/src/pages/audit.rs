//! Audit log viewer (owner, admin): filters and an old → new diff per row.

use emhana_api_types::auth::AuditEntryView;
use leptos::prelude::*;
use serde_json::Value;

use emhana_api_types::queries::AuditQuery;

use crate::api;
use crate::i18n::t;

/// `/audit`
#[component]
pub fn AuditPage() -> impl IntoView {
    let s = t();
    let entity = RwSignal::new(String::new());
    let action = RwSignal::new(String::new());
    let given = |v: String| Some(v.trim().to_owned()).filter(|v| !v.is_empty());
    let rows = LocalResource::new(move || {
        api::audit_log(AuditQuery {
            entity: given(entity.get()),
            action: given(action.get()),
            limit: Some(100),
            ..AuditQuery::default()
        })
    });
    view! {
        <h1>{s.nav_audit}</h1>
        <div class="panel form-row">
            <label>{s.entity_label}
                <input name="entity" prop:value=entity on:change=move |ev| entity.set(event_target_value(&ev)) />
            </label>
            <label>{s.action_label}
                <input name="action" prop:value=action on:change=move |ev| action.set(event_target_value(&ev)) />
            </label>
        </div>
        <div class="panel">
            <Transition fallback=move || view! { <p>{s.loading}</p> }>
                {move || rows.get().map(|r| match r {
                    Ok(page) if page.items.is_empty() => view! { <p class="muted">{s.empty}</p> }.into_any(),
                    Ok(page) => view! { <AuditTable rows=page.items /> }.into_any(),
                    Err(e) => view! { <p class="status-error" role="alert">{e.message()}</p> }.into_any(),
                })}
            </Transition>
        </div>
    }
}

#[component]
fn AuditTable(rows: Vec<AuditEntryView>) -> impl IntoView {
    let s = t();
    view! {
        <table class="table" data-testid="audit-table">
            <thead><tr><th>{s.time_label}</th><th>{s.user_label}</th><th>{s.action_label}</th><th>{s.entity_label}</th><th>{s.changes_label}</th></tr></thead>
            <tbody>
                {rows.into_iter().map(|r| view! {
                    <tr>
                        <td>{crate::clinic::local(&r.at).map_or_else(|| r.at.clone(), |t| t.format("%d.%m.%Y %H:%M:%S").to_string())}</td>
                        <td>{r.user_id.map(|u| format!("#{u}")).unwrap_or_else(|| "—".into())}</td>
                        <td>{r.action.clone()}</td>
                        <td>{format!("{} {}", r.entity, r.entity_id.map(|i| format!("#{i}")).unwrap_or_default())}</td>
                        <td class="diff">{diff(r.old.as_ref(), r.new.as_ref()).into_iter().map(|line| view! { <div>{line}</div> }).collect_view()}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
}

/// One line per changed key: `key: old → new` (or just `key: new` on creation).
fn diff(old: Option<&Value>, new: Option<&Value>) -> Vec<String> {
    let empty = serde_json::Map::new();
    let o = old.and_then(Value::as_object).unwrap_or(&empty);
    let n = new.and_then(Value::as_object).unwrap_or(&empty);
    let mut keys: Vec<&String> = o.keys().chain(n.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter(|k| o.get(*k) != n.get(*k))
        .map(|k| match (o.get(k), n.get(k)) {
            (Some(a), Some(b)) => format!("{k}: {a} → {b}"),
            (None, Some(b)) => format!("{k}: {b}"),
            (Some(a), None) => format!("{k}: {a} → —"),
            (None, None) => String::new(),
        })
        .collect()
}
