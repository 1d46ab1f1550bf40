//! The card's head: patient, doctor, time, status with its buttons (and a manager's revert),
//! moving a scheduled visit, the lead source.

use emhana_api_types::directories::LeadSourceView;
use emhana_api_types::visits::{StatusChange, VisitUpdate, VisitView};
use emhana_domain::{Role, VisitStatus};
use leptos::prelude::*;

use super::{role, VisitWrite, WriteAction};
use crate::api;
use crate::clinic;
use crate::erased::Loaded;
use crate::i18n::t;
use crate::session;

/// Patient, doctor, time, status with its buttons, moving, source.
#[component]
pub fn VisitHeader(visit: VisitView, write: WriteAction) -> impl IntoView {
    let v = visit.summary;
    let status = VisitStatus::from_code(&v.status).unwrap_or(VisitStatus::Scheduled);
    let movable = status == VisitStatus::Scheduled
        && session::can(emhana_domain::access::Permission::VisitsWrite);
    view! {
        <h2>{format!("{} · {}", v.patient.name, emhana_domain::validation::PhoneNumber::display(&v.patient_phone))}</h2>
        <p>
            {format!("{} · {}–{} · ", v.doctor.name, clinic::day_hm(&v.starts_at), clinic::hm(&v.ends_at))}
            <span class=format!("badge status-{}", v.status) data-testid="visit-status">{crate::i18n::t().status_code(&v.status)}</span>
            " "
            <span class=format!("badge pay-{}", v.payment_status) data-testid="payment-status">{crate::i18n::label(crate::i18n::t().payment_status_labels, &v.payment_status)}</span>
        </p>
        <div class="form-row">
            <StatusButtons status=status version=v.version write=write />
            {movable.then(|| view! { <Reschedule starts_at=v.starts_at.clone() doctor=v.doctor.id version=v.version write=write /> })}
            <SourcePicker source=v.source.clone() version=v.version write=write />
        </div>
    }
}

/// The forward moves from `status`, and a manager's one-step revert with its reason.
#[component]
fn StatusButtons(status: VisitStatus, version: i64, write: WriteAction) -> impl IntoView {
    let s = t();
    let move_to = move |to: VisitStatus, reason: Option<String>| {
        write.dispatch_local(VisitWrite::Status(StatusChange {
            status: to.code().into(),
            reason,
            version: Some(version),
            allow_overlap: false,
            overlap_reason: None,
        }));
    };
    let revert_reason = RwSignal::new(String::new());
    let revert = status
        .revert_target()
        .filter(|_| role().is_some_and(Role::is_manager));
    view! {
        {status.next_moves().iter().map(|to| {
            let to = *to;
            let label = match to {
                VisitStatus::InProgress => s.desk.arrived,
                VisitStatus::Completed => s.desk.finish_visit,
                VisitStatus::NoShow => s.desk.no_show,
                _ => s.desk.cancel_visit,
            };
            let class = if to == VisitStatus::Cancelled || to == VisitStatus::NoShow { "secondary" } else { "" };
            view! { <button type="button" class=class on:click=move |_| move_to(to, None)>{label}</button> }
        }).collect_view()}
        {revert.map(|to| view! {
            <label>{s.desk.revert_reason}
                <input name="revert_reason" prop:value=revert_reason on:input=move |ev| revert_reason.set(event_target_value(&ev)) />
            </label>
            <button type="button" class="secondary" on:click=move |_| move_to(to, Some(revert_reason.get_untracked()))>
                {format!("{} «{}»", s.desk.revert_to, crate::i18n::t().status(to))}
            </button>
        })}
    }
}

/// Moving a scheduled visit: another day, time or doctor (the server re-checks the clash).
#[component]
fn Reschedule(starts_at: String, doctor: i64, version: i64, write: WriteAction) -> impl IntoView {
    let s = t();
    let local_start = clinic::local(&starts_at);
    let new_day = RwSignal::new(
        local_start
            .map(|t| t.date().to_string())
            .unwrap_or_default(),
    );
    let new_time = RwSignal::new(
        local_start
            .map(|t| crate::dates::hm(t.time()))
            .unwrap_or_default(),
    );
    let new_doctor = RwSignal::new(doctor);
    let doctors = Loaded::new(|| api::doctors(false));
    let reschedule = move |_| {
        let (Some(d), Some(tm)) = (
            crate::dates::parse_day(&new_day.get_untracked()),
            crate::dates::parse_hm(&new_time.get_untracked()),
        ) else {
            return;
        };
        write.dispatch_local(VisitWrite::Update(VisitUpdate {
            starts_at: Some(clinic::to_api(d, tm)),
            doctor_id: Some(new_doctor.get_untracked()),
            version: Some(version),
            ..VisitUpdate::default()
        }));
    };
    view! {
        <fieldset class="form-row" data-testid="reschedule">
            <legend>{s.desk.reschedule}</legend>
            <label>{s.desk.date_label}<input type="date" name="move_date" prop:value=new_day on:input=move |ev| new_day.set(event_target_value(&ev)) /></label>
            <label>{s.time_label}<input type="time" name="move_time" step="300" prop:value=new_time on:input=move |ev| new_time.set(event_target_value(&ev)) /></label>
            <label>{s.doctor_label}
                <select name="move_doctor" on:change=move |ev| if let Ok(d) = event_target_value(&ev).parse() { new_doctor.set(d) }>
                    {move || doctors.get().and_then(Result::ok).unwrap_or_default().into_iter().map(|d| {
                        view! { <option value=d.id.to_string() selected=d.id == doctor>{format!("{} {}", d.last_name, d.first_name)}</option> }
                    }).collect_view()}
                </select>
            </label>
            <button type="button" class="secondary" on:click=reschedule>{s.desk.reschedule}</button>
        </fieldset>
    }
}

/// The visit's lead source ("Откуда узнали о нас"), changed on pick.
#[component]
fn SourcePicker(source: String, version: i64, write: WriteAction) -> impl IntoView {
    let s = t();
    let sources = Loaded::new(|| api::lead_sources(false));
    let change_source = move |code: String| {
        write.dispatch_local(VisitWrite::Update(VisitUpdate {
            source: Some(code),
            version: Some(version),
            ..VisitUpdate::default()
        }));
    };
    view! {
        <label>{s.source_label}
            <select name="source" on:change=move |ev| change_source(event_target_value(&ev))>
                {move || sources.get().and_then(Result::ok).unwrap_or_default().into_iter().map(|src: LeadSourceView| {
                    let selected = src.code == source;
                    view! { <option value=src.code.clone() selected=selected>{src.label}</option> }
                }).collect_view()}
            </select>
        </label>
    }
}
