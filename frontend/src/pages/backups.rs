//! Backups (owner): the last outcome, the list with sizes and contents, "back up now" and
//! downloads. Restoring is a server command on purpose (the page says how), never a button.

use emhana_api_types::backups::{BackupList, BackupView};
use leptos::prelude::*;

use crate::api::{self, ApiError};
use crate::erased::{effect, Loaded, Task};
use crate::i18n::t;

/// `/backups`
#[component]
pub fn BackupsPage() -> impl IntoView {
    let s = t();
    let reload = RwSignal::new(0u32);
    let list = Loaded::new(move || {
        reload.track();
        api::backups()
    });
    let error = RwSignal::new(None::<ApiError>);
    let create = Task::new(|(): &()| api::create_backup());
    let busy = create.pending();
    effect(move || match create.result() {
        Some(Ok(_)) => reload.update(|n| *n += 1),
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    let take = move |_| {
        error.set(None);
        create.dispatch_local(());
    };
    view! {
        <h1>{s.nav_backups}</h1>
        <div class="panel form-row">
            <button class="primary" data-testid="backup-now" on:click=take disabled=move || busy.get()>
                {move || if busy.get() { s.data().backup_busy } else { s.data().backup_now }}
            </button>
            {move || error.get().map(|e| view! { <p class="status-error" role="alert">{e.message()}</p> })}
        </div>
        <Transition fallback=move || view! { <p>{s.loading}</p> }>
            {move || list.get().map(|r| match r {
                Ok(list) => view! { <Overview list=list.clone() /> <BackupTable items=list.items /> }.into_any(),
                Err(e) => view! { <p class="status-error" role="alert">{e.message()}</p> }.into_any(),
            })}
        </Transition>
        <p class="muted">{s.data().backup_restore_hint}</p>
    }
}

/// The schedule, the folder and how the last attempts went.
#[component]
fn Overview(list: BackupList) -> impl IntoView {
    let s = t();
    let when = |at: &str| {
        crate::clinic::local(at).map_or_else(
            || at.to_owned(),
            |t| crate::dates::stamp(crate::i18n::t().formats.date_time, t),
        )
    };
    view! {
        <div class="panel" data-testid="backup-status">
            <p>{match &list.daily_at {
                Some(at) => format!("{} {at}", s.data().backup_daily),
                None => s.data().backup_daily_off.to_owned(),
            }}</p>
            <p class="muted">{format!("{}: {}", s.data().backup_folder, list.dir)}</p>
            {list.last_success_at.as_deref().map(|at| view! { <p>{format!("{}: {}", s.data().backup_last_ok, when(at))}</p> })}
            {list.last_error.clone().map(|why| view! {
                <p class="status-error" role="alert">{format!("{}: {why}", s.data().backup_failed)}</p>
            })}
        </div>
    }
}

#[component]
fn BackupTable(items: Vec<BackupView>) -> impl IntoView {
    let s = t();
    if items.is_empty() {
        return view! { <p class="muted">{s.data().backup_none}</p> }.into_any();
    }
    view! {
        <div class="panel">
            <table class="table" data-testid="backup-table">
                <thead><tr>
                    <th>{s.data().backup_created}</th><th>{s.data().backup_size}</th><th>{s.data().backup_contents}</th>
                    <th>{s.data().backup_reason}</th><th></th>
                </tr></thead>
                <tbody>{items.into_iter().map(|b| view! { <BackupRow b=b /> }).collect_view()}</tbody>
            </table>
        </div>
    }
    .into_any()
}

#[component]
fn BackupRow(b: BackupView) -> impl IntoView {
    let s = t();
    let created = crate::clinic::local(&b.created_at).map_or_else(
        || b.created_at.clone(),
        |t| crate::dates::stamp(crate::i18n::t().formats.date_time, t),
    );
    let reason = match b.reason.as_str() {
        "daily" => s.data().reason_daily,
        "pre-restore" => s.data().reason_pre_restore,
        _ => s.data().reason_manual,
    };
    let contents = format!(
        "{}: {} · {}: {} · {}: {}",
        s.patients_label,
        b.patients,
        s.visits_label,
        b.appointments,
        s.data().backup_payments,
        b.payments
    );
    let error = RwSignal::new(None::<ApiError>);
    let file = b.file.clone();
    let link = Task::new(|file: &String| {
        let file = file.clone();
        async move { api::backup_link(&file).await }
    });
    effect(move || match link.result() {
        // The browser saves the file itself (streamed to disk, whatever its size).
        Some(Ok(link)) => {
            let _ = window().location().set_href(&link.url);
        }
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    let download = move |_| {
        link.dispatch_local(file.clone());
    };
    view! {
        <tr data-file=b.file.clone()>
            <td>{created}</td>
            <td>{human_size(b.bytes)}</td>
            <td>{contents}</td>
            <td>{reason}</td>
            <td>
                <button on:click=download>{s.data().backup_download}</button>
                {move || error.get().map(|e| view! { <span class="status-error">{e.message()}</span> })}
            </td>
        </tr>
    }
}

/// `12,3 МБ`-style sizes (Russian decimal comma).
pub(crate) fn human_size(bytes: u64) -> String {
    let units = crate::i18n::t().data().size_units;
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < units.len() {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} {}", units[0])
    } else {
        format!("{value:.1} {}", units[unit]).replace('.', ",")
    }
}
