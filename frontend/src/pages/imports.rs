//! Import from Excel (on the «Экспорт» page): patients, doctors or the price list from an XLSX or CSV file
//! with the export's columns. "Проверить" shows what each row would do, errors highlighted with
//! their column; "Загрузить" applies it, enabled only when no row is invalid (the server refuses
//! such a file as a whole anyway).

use emhana_api_types::imports::{ImportReportView, ImportRowView};
use js_sys::Uint8Array;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use crate::api;
use crate::i18n::{t, Strings};

/// The file chosen, read into browser memory.
#[derive(Clone)]
struct Chosen {
    name: String,
    bytes: Uint8Array,
}

fn action_label(s: &Strings, action: &str) -> &'static str {
    match action {
        "create" => s.data().import_create,
        "update" => s.data().import_update,
        "unchanged" => s.data().import_unchanged,
        "duplicate" => s.data().import_duplicate,
        _ => s.data().import_invalid,
    }
}

async fn read_file(input: &web_sys::HtmlInputElement) -> Option<Chosen> {
    let file = input.files()?.get(0)?;
    let buffer = JsFuture::from(file.array_buffer()).await.ok()?;
    Some(Chosen {
        name: file.name(),
        bytes: Uint8Array::new(&buffer),
    })
}

/// The import panel.
#[component]
pub fn ImportPanel() -> impl IntoView {
    let s = t();
    let kind = RwSignal::new("patients".to_owned());
    let chosen = StoredValue::new_local(None::<Chosen>);
    let has_file = RwSignal::new(false);
    let report = RwSignal::new(None::<ImportReportView>);
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let run = move |dry_run: bool| {
        let Some(file) = chosen.get_value() else {
            return;
        };
        busy.set(true);
        error.set(None);
        let k = kind.get_untracked();
        spawn_local(async move {
            let result = api::imports::upload(&k, dry_run, &file.bytes, &file.name).await;
            busy.set(false);
            match result {
                Ok(r) => report.set(Some(r)),
                Err(e) => {
                    let cells = e.field_messages();
                    error.set(Some(if cells.is_empty() {
                        e.message()
                    } else {
                        cells.join("; ")
                    }));
                }
            }
        });
    };
    let on_file = move |ev: leptos::ev::Event| {
        let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        report.set(None);
        error.set(None);
        spawn_local(async move {
            let file = read_file(&input).await;
            has_file.set(file.is_some());
            chosen.set_value(file);
            run(true);
        });
    };
    let template = move |_| {
        let k = kind.get_untracked();
        spawn_local(async move {
            if let Err(e) =
                api::exports::download_path(&format!("/api/v1/imports/{k}/template")).await
            {
                error.set(Some(e.message()));
            }
        });
    };
    let applicable = move || {
        report.with(|r| {
            r.as_ref()
                .is_some_and(|r| !r.applied && r.invalid == 0 && r.create + r.update > 0)
        })
    };
    view! {
        <h2>{s.data().import_title}</h2>
        <div class="panel" data-testid="import-form">
            <div class="form-row">
                <label>{s.data().import_kind}
                    <select name="import_kind" on:change=move |ev| { kind.set(event_target_value(&ev)); report.set(None); }>
                        <option value="patients">{s.data().export_kind_patients}</option>
                        <option value="doctors">{s.nav_doctors}</option>
                        <option value="services">{s.data().export_kind_services}</option>
                    </select>
                </label>
                <button type="button" class="secondary" on:click=template>{s.data().import_template}</button>
                <label>{s.data().import_file}
                    <input type="file" name="import_file" accept=".xlsx,.csv" on:change=on_file />
                </label>
                <button type="button" class="secondary" data-testid="import-check" disabled=move || busy.get() || !has_file.get()
                    on:click=move |_| run(true)>{s.data().import_check}</button>
                <button type="button" class="primary" data-testid="import-apply" disabled=move || busy.get() || !applicable()
                    on:click=move |_| run(false)>{s.data().import_apply}</button>
            </div>
            {move || busy.get().then(|| view! { <p class="muted" role="status">{s.loading}</p> })}
            {move || error.get().map(|e| view! { <p class="status-error" role="alert">{e}</p> })}
            {move || report.get().map(|r| view! { <ImportReport report=r /> })}
            <p class="muted">{s.data().import_hint}</p>
        </div>
    }
}

#[component]
fn ImportReport(report: ImportReportView) -> impl IntoView {
    let s = t();
    let summary = format!(
        "{}{}: {} · {}: {} · {}: {} · {}: {} · {}: {}",
        if report.applied {
            format!("{} — ", s.data().import_applied)
        } else {
            String::new()
        },
        s.data().import_create,
        report.create,
        s.data().import_update,
        report.update,
        s.data().import_unchanged,
        report.unchanged,
        s.data().import_duplicate,
        report.duplicate,
        s.data().import_invalid,
        report.invalid,
    );
    let summary_class = if report.invalid > 0 {
        "status-error"
    } else {
        "status-ok"
    };
    view! {
        <p data-testid="import-summary" class=summary_class>{summary}</p>
        <table class="table" data-testid="import-rows">
            <thead><tr><th>{s.data().import_row}</th><th>{s.data().import_action}</th><th>{s.data().import_what}</th></tr></thead>
            <tbody>
                {report.rows.into_iter().map(|r| view! { <ImportRow r=r /> }).collect_view()}
            </tbody>
        </table>
    }
}

#[component]
fn ImportRow(r: ImportRowView) -> impl IntoView {
    let s = t();
    let invalid = r.action == "invalid";
    let what = if invalid {
        r.errors
            .iter()
            .map(|e| format!("«{}»: {}", e.column, e.message))
            .collect::<Vec<_>>()
            .join("; ")
    } else if let Some(n) = r.duplicate_of_row {
        format!("{} {n}", s.data().import_same_as_row)
    } else {
        r.label.clone()
    };
    let (row_class, cell_class) = if invalid {
        ("row-error", "status-error")
    } else {
        ("", "")
    };
    view! {
        <tr class=row_class data-row=r.row>
            <td>{r.row}</td>
            <td>{action_label(s, &r.action)}</td>
            <td class=cell_class>{what}</td>
        </tr>
    }
}
