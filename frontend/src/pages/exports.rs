//! Exports ("Экспорт"): pick what to take out (visits, their lines, payments and refunds,
//! patients, the price list, the audit log), the format and the filters that apply to it, and
//! download; large files show how far they have come. A receptionist sees only today's payments
//! (the server enforces the same rule).

use emhana_api_types::queries::ExportQuery;
use emhana_domain::access::Permission;
use emhana_domain::export::ExportKind;
use emhana_domain::money::group_digits;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{self, exports::Downloaded};
use crate::clinic;
use crate::erased::Loaded;
use crate::i18n::{t, Strings};
use crate::pages::backups::human_size;
use crate::pages::visits::StatusSelects;
use crate::session;

fn kind_label(s: &Strings, kind: ExportKind) -> &'static str {
    match kind {
        ExportKind::Appointments => s.data().export_kind_appointments,
        ExportKind::AppointmentLines => s.data().export_kind_lines,
        ExportKind::Payments => s.data().export_kind_payments,
        ExportKind::Patients => s.data().export_kind_patients,
        ExportKind::Doctors => s.nav_doctors,
        ExportKind::Services => s.data().export_kind_services,
        ExportKind::AuditLog => s.data().export_kind_audit,
        ExportKind::Analytics => s.data().export_kind_analytics,
    }
}

/// Whether a kind filters by doctor (visits, lines, payments, the price list, analytics).
fn by_doctor(kind: ExportKind) -> bool {
    !matches!(
        kind,
        ExportKind::Patients | ExportKind::Doctors | ExportKind::AuditLog
    )
}

/// Where a download is.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Progress {
    Idle,
    Running { rows: Option<i64>, bytes: u64 },
    Done(Downloaded),
    Failed(String),
}

/// `/exports`
#[component]
pub fn ExportsPage() -> impl IntoView {
    let s = t();
    let manager = session::can(Permission::ExportsRead);
    let today = clinic::today();
    let month_start = crate::dates::day("%Y-%m-01", today);
    let kind = RwSignal::new(if manager {
        ExportKind::Appointments
    } else {
        ExportKind::Payments
    });
    let format = RwSignal::new("xlsx".to_owned());
    let from = RwSignal::new(if manager {
        month_start
    } else {
        today.to_string()
    });
    let to = RwSignal::new(today.to_string());
    let doctor = RwSignal::new(String::new());
    let status = RwSignal::new(String::new());
    let payment = RwSignal::new(String::new());
    let active = RwSignal::new("active".to_owned());
    let progress = RwSignal::new(Progress::Idle);
    let doctors = Loaded::new(|| api::doctors(true));
    let chosen = |v: String| Some(v).filter(|v| !v.is_empty());
    let start = move |_| {
        let k = kind.get_untracked();
        let visits = matches!(k, ExportKind::Appointments | ExportKind::AppointmentLines);
        let q = ExportQuery {
            // The analytics workbook has a sheet per report: Excel only.
            format: Some(if k == ExportKind::Analytics {
                "xlsx".to_owned()
            } else {
                format.get_untracked()
            }),
            from: k
                .has_period()
                .then(|| chosen(from.get_untracked()))
                .flatten(),
            to: k.has_period().then(|| chosen(to.get_untracked())).flatten(),
            doctor_id: by_doctor(k)
                .then(|| doctor.get_untracked().parse().ok())
                .flatten(),
            // One doctor from this page's select; several are for API callers.
            doctor_ids: None,
            status: visits.then(|| chosen(status.get_untracked())).flatten(),
            payment_status: visits.then(|| chosen(payment.get_untracked())).flatten(),
            active: matches!(
                k,
                ExportKind::Patients | ExportKind::Doctors | ExportKind::Services
            )
            .then(|| active.get_untracked()),
            user_id: None,
        };
        progress.set(Progress::Running {
            rows: None,
            bytes: 0,
        });
        spawn_local(async move {
            let result = api::exports::download(
                k.code(),
                &q,
                |rows| {
                    progress.set(Progress::Running {
                        rows: Some(rows),
                        bytes: 0,
                    })
                },
                |bytes| {
                    progress.update(|p| {
                        if let Progress::Running { bytes: b, .. } = p {
                            *b = bytes;
                        }
                    })
                },
            )
            .await;
            progress.set(match result {
                Ok(done) => Progress::Done(done),
                Err(e) => Progress::Failed(e.message()),
            });
        });
    };
    let running = move || matches!(progress.get(), Progress::Running { .. });
    let shows = move |f: fn(ExportKind) -> bool| move || f(kind.get());
    view! {
        <h1>{s.nav_exports}</h1>
        <div class="panel" data-testid="export-form">
            <div class="form-row">
                <label>{s.data().export_what}
                    <select name="kind" on:change=move |ev| {
                        if let Some(k) = ExportKind::from_code(&event_target_value(&ev)) {
                            kind.set(k);
                            progress.set(Progress::Idle);
                        }
                    }>
                        {ExportKind::ALL.into_iter()
                            .filter(|k| manager || *k == ExportKind::Payments)
                            .map(|k| view! { <option value=k.code() selected=move || kind.get() == k>{kind_label(s, k)}</option> })
                            .collect_view()}
                    </select>
                </label>
                <label>{s.data().export_format}
                    <select name="format" on:change=move |ev| format.set(event_target_value(&ev))>
                        <option value="xlsx">"Excel (XLSX)"</option>
                        <option value="csv">"CSV"</option>
                    </select>
                </label>
            </div>
            <Show when=shows(ExportKind::has_period)>
                <div class="form-row">
                    <label>{s.period_from}<input type="date" name="from" prop:value=from disabled=!manager
                        on:change=move |ev| from.set(event_target_value(&ev)) /></label>
                    <label>{s.period_to}<input type="date" name="to" prop:value=to disabled=!manager
                        on:change=move |ev| to.set(event_target_value(&ev)) /></label>
                </div>
            </Show>
            <div class="form-row">
                <Show when=shows(by_doctor)>
                    <label>{s.doctor_label}
                        <select name="doctor" on:change=move |ev| doctor.set(event_target_value(&ev))>
                            <option value="">{s.all}</option>
                            {move || doctors.get().and_then(Result::ok).unwrap_or_default().into_iter()
                                .map(|d| view! { <option value=d.id.to_string()>{format!("{} {}", d.last_name, d.first_name)}</option> })
                                .collect_view()}
                        </select>
                    </label>
                </Show>
                <Show when=shows(|k| matches!(k, ExportKind::Appointments | ExportKind::AppointmentLines))>
                    <StatusSelects status=status payment=payment />
                </Show>
                <Show when=shows(|k| matches!(k, ExportKind::Patients | ExportKind::Doctors | ExportKind::Services))>
                    <label>{s.data().export_activity}
                        <select name="active" on:change=move |ev| active.set(event_target_value(&ev))>
                            <option value="active">{s.data().export_active}</option>
                            <option value="inactive">{s.data().export_inactive}</option>
                            <option value="all">{s.all}</option>
                        </select>
                    </label>
                </Show>
            </div>
            <div class="form-row">
                <button class="primary" data-testid="export-download" on:click=start disabled=running>
                    {move || if running() { s.data().export_busy } else { s.data().export_download }}
                </button>
                <ProgressLine progress=progress />
            </div>
            {(!manager).then(|| view! { <p class="muted">{s.data().export_today_only}</p> })}
            <p class="muted">{s.data().export_hint}</p>
        </div>
        {session::can(Permission::DirectoriesWrite).then(|| view! { <crate::pages::imports::ImportPanel /> })}
    }
}

/// "Готовим файл… строк: 12 000 · получено 1,2 МБ", then "Готово: <file> · строк: …".
#[component]
fn ProgressLine(progress: RwSignal<Progress>) -> impl IntoView {
    let s = t();
    move || {
        match progress.get() {
        Progress::Idle => ().into_any(),
        Progress::Running { rows, bytes } => {
            let rows = rows.map_or(String::new(), |n| format!(" {}: {}", s.data().export_rows, group_digits(n.unsigned_abs())));
            view! {
                <span role="status" data-testid="export-progress" aria-busy="true">
                    <progress></progress>
                    {format!(" {}{rows} · {} {}", s.data().export_busy, s.data().export_received, human_size(bytes))}
                </span>
            }
            .into_any()
        }
        Progress::Done(d) => view! {
            <span role="status" data-testid="export-progress" class="status-ok">
                {format!("{}: {} · {}: {} · {}", s.data().export_done, d.file_name, s.data().export_rows, group_digits(d.rows.unsigned_abs()), human_size(d.bytes))}
            </span>
        }
        .into_any(),
        Progress::Failed(message) => {
            view! { <span class="status-error" role="alert">{message}</span> }.into_any()
        }
    }
    }
}
