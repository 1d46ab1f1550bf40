//! Audit log viewer (owner, admin): filters by entity, action, staff member and clinic days;
//! names instead of ids; an old → new diff per row; paging past the first hundred.

use std::collections::HashMap;

use chrono::{Days, NaiveTime};
use emhana_api_types::auth::AuditEntryView;
use leptos::prelude::*;
use serde_json::Value;

use emhana_api_types::queries::AuditQuery;

use crate::api;
use crate::clinic;
use crate::components::keyset::KeysetList;
use crate::erased::{effect, Loaded};
use crate::i18n::t;

/// A clinic-local day's first instant (`next`: the next day's, for an inclusive end), as the
/// audit filter takes it; none for an empty or unreadable field.
fn day_start(day: &str, next: bool) -> Option<String> {
    let date = crate::dates::parse_day(day.trim())?;
    let date = if next {
        date.checked_add_days(Days::new(1))?
    } else {
        date
    };
    Some(clinic::to_api(date, NaiveTime::MIN))
}

/// `/audit`
#[component]
pub fn AuditPage() -> impl IntoView {
    let s = t();
    let entity = RwSignal::new(String::new());
    let action = RwSignal::new(String::new());
    let user = RwSignal::new(String::new());
    let from = RwSignal::new(String::new());
    let to = RwSignal::new(String::new());
    let list = KeysetList::<AuditEntryView>::new();
    let users = Loaded::new(api::users);
    let names = Memo::new(move |_| {
        users
            .get()
            .and_then(Result::ok)
            .unwrap_or_default()
            .into_iter()
            .map(|u| (u.id, u.display_name))
            .collect::<HashMap<i64, String>>()
    });
    let given = |v: String| Some(v.trim().to_owned()).filter(|v| !v.is_empty());
    let load = move |append: bool| {
        list.load(append, move |after| {
            api::audit_log(AuditQuery {
                entity: given(entity.get_untracked()),
                action: given(action.get_untracked()),
                user_id: user.get_untracked().parse().ok(),
                from: day_start(&from.get_untracked(), false),
                to: day_start(&to.get_untracked(), true),
                limit: Some(100),
                cursor: after,
                ..AuditQuery::default()
            })
        });
    };
    effect(move || {
        entity.track();
        action.track();
        user.track();
        from.track();
        to.track();
        load(false);
    });
    view! {
        <h1>{s.nav_audit}</h1>
        <div class="panel form-row" data-testid="audit-filters">
            <label>{s.staff.entity_label}
                <input name="entity" prop:value=entity on:change=move |ev| entity.set(event_target_value(&ev)) />
            </label>
            <label>{s.staff.action_label}
                <input name="action" prop:value=action on:change=move |ev| action.set(event_target_value(&ev)) />
            </label>
            <label>{s.user_label}
                <select name="user" on:change=move |ev| user.set(event_target_value(&ev))>
                    <option value="">{s.all}</option>
                    {move || users.get().and_then(Result::ok).unwrap_or_default().into_iter().map(|u| view! {
                        <option value=u.id.to_string()>{format!("{} ({})", u.display_name, u.login)}</option>
                    }).collect_view()}
                </select>
            </label>
            <label>{s.period_from}
                <input name="from" type="date" prop:value=from on:change=move |ev| from.set(event_target_value(&ev)) />
            </label>
            <label>{s.period_to}
                <input name="to" type="date" prop:value=to on:change=move |ev| to.set(event_target_value(&ev)) />
            </label>
        </div>
        <div class="panel table-wrap">
            {move || list.error.get().map(|e| view! { <p class="status-error" role="alert">{e}</p> })}
            {move || list.is_empty().then(|| view! { <p class="muted">{s.empty}</p> })}
            <Show when=move || list.rows.with(|r| !r.is_empty())>
                {move || view! { <AuditTable rows=list.rows.get() names=names.get() /> }}
            </Show>
            {move || list.loading.get().then(|| view! { <p class="muted">{s.loading}</p> })}
            <Show when=move || list.has_more()>
                <button type="button" class="secondary" on:click=move |_| load(true)>{s.load_more}</button>
            </Show>
        </div>
    }
}

/// Who acted: the staff member's name, the API key, or the system.
fn actor(r: &AuditEntryView, names: &HashMap<i64, String>) -> String {
    match (r.user_id, r.api_key_id) {
        (Some(u), _) => names.get(&u).cloned().unwrap_or_else(|| format!("#{u}")),
        (None, Some(k)) => format!("{} #{k}", t().staff.audit_api_key),
        (None, None) => "—".into(),
    }
}

#[component]
fn AuditTable(rows: Vec<AuditEntryView>, names: HashMap<i64, String>) -> impl IntoView {
    let s = t();
    view! {
        <table class="table" data-testid="audit-table">
            <thead><tr><th>{s.time_label}</th><th>{s.user_label}</th><th>{s.staff.action_label}</th><th>{s.staff.entity_label}</th><th>{s.staff.changes_label}</th></tr></thead>
            <tbody>
                {rows.into_iter().map(|r| view! {
                    <tr>
                        <td>{crate::clinic::local(&r.at).map_or_else(|| r.at.clone(), |t| crate::dates::stamp(crate::i18n::t().formats.date_time_seconds, t))}</td>
                        <td>{actor(&r, &names)}</td>
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
