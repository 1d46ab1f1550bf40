//! Booking from a clicked slot: find or create the patient, pick services and source; the time
//! and doctor come from the slot and can be changed. A clash answer names the other visit, and a
//! manager may book over it with a reason.

use crate::erased::{effect, Loaded, Task};
use crate::i18n::MoneyText;
use chrono::{NaiveDate, NaiveTime};
use emhana_api_types::directories::{LeadSourceView, ServiceView};
use emhana_api_types::patients::{PatientView, PatientWrite};
use emhana_api_types::queries::PatientListQuery;
use emhana_api_types::visits::VisitCreate;
use emhana_domain::validation::PhoneNumber;
use leptos::prelude::*;

use crate::api::{self, ApiError};
use crate::clinic;
use crate::components::form::{field_error, FormError};
use crate::i18n::t;
use crate::session;

const BOOKING_FIELDS: &[&str] = &[
    "patient_id",
    "doctor_id",
    "starts_at",
    "ends_at",
    "service_ids",
    "source",
    "notes",
    "first_name",
    "phone",
];

/// The form's last failed request, shown under the fields it names.
type FormErrorSignal = RwSignal<Option<ApiError>>;

/// The booking form.
#[component]
pub(super) fn BookingForm(
    doctor_id: i64,
    date: NaiveDate,
    time: NaiveTime,
    on_booked: impl Fn(i64) + Copy + Send + Sync + 'static,
    on_cancel: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let s = t();
    let doctor = RwSignal::new(doctor_id);
    let day = RwSignal::new(date.to_string());
    let at = RwSignal::new(crate::dates::hm(time));
    let patient = RwSignal::new(None::<PatientView>);
    let chosen = RwSignal::new(Vec::<i64>::new());
    let source = RwSignal::new(String::new());
    let notes = RwSignal::new(String::new());
    let error: FormErrorSignal = RwSignal::new(None);
    let book = Task::new(|body: &VisitCreate| api::book_visit(body.clone()));
    effect(move || match book.result() {
        Some(Ok(v)) => on_booked(v.summary.id),
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    let send = move |overlap: Option<String>| {
        let starts_at = match (
            crate::dates::parse_day(&day.get_untracked()),
            crate::dates::parse_hm(&at.get_untracked()),
        ) {
            (Some(d), Some(t)) => clinic::to_api(d, t),
            _ => format!("{}T{}", day.get_untracked(), at.get_untracked()),
        };
        book.dispatch_local(VisitCreate {
            patient_id: patient.get_untracked().map_or(0, |p| p.id),
            doctor_id: doctor.get_untracked(),
            starts_at,
            service_ids: chosen.get_untracked(),
            source: Some(source.get_untracked()).filter(|s| !s.is_empty()),
            notes: Some(notes.get_untracked()).filter(|n| !n.trim().is_empty()),
            allow_overlap: overlap.is_some(),
            overlap_reason: overlap,
            ..VisitCreate::default()
        });
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        send(None);
    };
    view! {
        <form class="panel" on:submit=submit data-testid="booking-form">
            <h2>{s.desk.new_visit}</h2>
            <SlotFields doctor=doctor day=day at=at error=error />
            <PatientPicker patient=patient error=error />
            <ServiceChecklist doctor=doctor chosen=chosen error=error />
            <SourceAndNotes source=source notes=notes error=error />
            <FormError error=error fields=BOOKING_FIELDS />
            <OverlapRow error=error send=send />
            <button type="submit" disabled=move || book.pending().get()>{s.desk.book}</button>
            " "
            <button type="button" class="secondary" on:click=move |_| on_cancel()>{s.cancel}</button>
        </form>
    }
}

/// Doctor, day and time of the visit.
#[component]
fn SlotFields(
    doctor: RwSignal<i64>,
    day: RwSignal<String>,
    at: RwSignal<String>,
    error: FormErrorSignal,
) -> impl IntoView {
    let s = t();
    let doctors = Loaded::new(|| api::doctors(false));
    view! {
        <div class="form-row">
            <label>{s.doctor_label}
                <select name="doctor_id" on:change=move |ev| if let Ok(id) = event_target_value(&ev).parse() { doctor.set(id) }>
                    {move || doctors.get().and_then(Result::ok).unwrap_or_default().into_iter().map(|d| {
                        let selected = d.id == doctor.get_untracked();
                        view! { <option value=d.id.to_string() selected=selected>{format!("{} {}", d.last_name, d.first_name)}</option> }
                    }).collect_view()}
                </select>
                <span class="field-error" data-field="doctor_id">{field_error(error, "doctor_id")}</span>
            </label>
            <label>{s.desk.date_label}
                <input type="date" name="date" prop:value=day on:input=move |ev| day.set(event_target_value(&ev)) />
            </label>
            <label>{s.time_label}
                <input type="time" name="time" step="300" prop:value=at on:input=move |ev| at.set(event_target_value(&ev)) />
                <span class="field-error" data-field="starts_at">{field_error(error, "starts_at")}</span>
            </label>
        </div>
    }
}

fn patient_line(p: &PatientView) -> String {
    format!(
        "{} {} · {}",
        p.first_name,
        p.last_name.clone().unwrap_or_default(),
        PhoneNumber::display(&p.phone)
    )
}

/// The patient: search as you type and pick, or create one from a name and a phone.
#[component]
fn PatientPicker(patient: RwSignal<Option<PatientView>>, error: FormErrorSignal) -> impl IntoView {
    let s = t();
    let query = RwSignal::new(String::new());
    let found = Loaded::new(move || {
        let q = query.get();
        async move {
            if q.trim().chars().count() < 2 {
                return Ok(Vec::new());
            }
            let search = PatientListQuery {
                q: Some(q),
                limit: Some(50),
                ..PatientListQuery::default()
            };
            api::patients(search).await.map(|p| p.items)
        }
    });
    view! {
        <fieldset>
            <legend>{s.desk.patient_label}</legend>
            {move || match patient.get() {
                Some(p) => view! {
                    <p data-testid="chosen-patient">
                        {patient_line(&p)}
                        " "<button type="button" class="link" on:click=move |_| patient.set(None)>{s.desk.change}</button>
                    </p>
                }.into_any(),
                None => view! {
                    <div class="form-row">
                        <label class="grow">{s.search_label}
                            <input name="patient_search" type="search" placeholder=s.search_hint prop:value=query
                                on:input=move |ev| query.set(event_target_value(&ev)) />
                        </label>
                    </div>
                    <ul class="picker">
                        {move || found.get().and_then(Result::ok).unwrap_or_default().into_iter().map(|p| {
                            let line = patient_line(&p);
                            view! {
                                <li><button type="button" class="link" on:click=move |_| patient.set(Some(p.clone()))>{line}</button></li>
                            }
                        }).collect_view()}
                    </ul>
                    <NewPatient patient=patient error=error />
                }.into_any(),
            }}
        </fieldset>
    }
}

/// A new patient from a name and a phone, chosen once created.
#[component]
fn NewPatient(patient: RwSignal<Option<PatientView>>, error: FormErrorSignal) -> impl IntoView {
    let s = t();
    let new_first = RwSignal::new(String::new());
    let new_phone = RwSignal::new(String::new());
    let create = Task::new(|body: &PatientWrite| api::create_patient(body.clone()));
    effect(move || match create.result() {
        Some(Ok(p)) => {
            patient.set(Some(p));
            error.set(None);
        }
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    let create_patient = move |_| {
        create.dispatch_local(PatientWrite {
            first_name: new_first.get_untracked(),
            phone: new_phone.get_untracked(),
            ..PatientWrite::default()
        });
    };
    view! {
        <div class="form-row">
            <label>{s.first_name_label}
                <input name="new_first_name" prop:value=new_first on:input=move |ev| new_first.set(event_target_value(&ev)) />
                <span class="field-error" data-field="first_name">{field_error(error, "first_name")}</span>
            </label>
            <label>{s.phone_label}
                <input name="new_phone" type="tel" placeholder="+7 (7XX) XXX-XX-XX" prop:value=new_phone
                    on:input=move |ev| new_phone.set(event_target_value(&ev))
                    on:change=move |ev| new_phone.set(PhoneNumber::mask_input(&event_target_value(&ev))) />
                <span class="field-error" data-field="phone">{field_error(error, "phone")}</span>
            </label>
            <button type="button" class="secondary" on:click=create_patient>{s.new_patient}</button>
        </div>
        <span class="field-error" data-field="patient_id">{field_error(error, "patient_id")}</span>
    }
}

/// The services the doctor offers, each a checkbox.
#[component]
fn ServiceChecklist(
    doctor: RwSignal<i64>,
    chosen: RwSignal<Vec<i64>>,
    error: FormErrorSignal,
) -> impl IntoView {
    let s = t();
    let services = Loaded::new(|| api::services(false));
    let toggle = move |id: i64| {
        chosen.update(|c| {
            if let Some(i) = c.iter().position(|x| *x == id) {
                c.remove(i);
            } else {
                c.push(id);
            }
        })
    };
    view! {
        <fieldset>
            <legend>{s.desk.services_heading}</legend>
            <div class="checklist">
                {move || services.get().and_then(Result::ok).unwrap_or_default().into_iter()
                    .filter(|sv: &ServiceView| sv.doctor_id.is_none_or(|d| d == doctor.get()))
                    .map(|sv| {
                        let id = sv.id;
                        view! {
                            <label class="inline">
                                <input type="checkbox" name="service" prop:checked=move || chosen.with(|c| c.contains(&id)) on:change=move |_| toggle(id) />
                                {format!("{} · {} · {} {}", sv.name, sv.base_price.ui(), sv.duration_minutes, t().desk.minutes_short)}
                            </label>
                        }
                    }).collect_view()}
            </div>
            <span class="field-error" data-field="service_ids">{field_error(error, "service_ids")}</span>
            <span class="field-error" data-field="ends_at">{field_error(error, "ends_at")}</span>
        </fieldset>
    }
}

/// "Откуда узнали о нас" and the notes.
#[component]
fn SourceAndNotes(
    source: RwSignal<String>,
    notes: RwSignal<String>,
    error: FormErrorSignal,
) -> impl IntoView {
    let s = t();
    let sources = Loaded::new(|| api::lead_sources(false));
    view! {
        <div class="form-row">
            <label>{s.source_label}
                <select name="source" on:change=move |ev| source.set(event_target_value(&ev))>
                    {move || sources.get().and_then(Result::ok).unwrap_or_default().into_iter().map(|src: LeadSourceView| {
                        view! { <option value=src.code.clone() selected=src.is_default>{src.label}</option> }
                    }).collect_view()}
                </select>
            </label>
            <label class="grow">{s.notes_label}
                <input name="notes" prop:value=notes on:input=move |ev| notes.set(event_target_value(&ev)) />
                <span class="field-error" data-field="notes">{field_error(error, "notes")}</span>
            </label>
        </div>
    }
}

/// After a clash, a manager may book over it with a reason.
#[component]
fn OverlapRow(
    error: FormErrorSignal,
    send: impl Fn(Option<String>) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let s = t();
    let overlap_reason = RwSignal::new(String::new());
    let is_manager =
        session::user().with_untracked(|u| u.as_ref().is_some_and(|u| u.role.is_manager()));
    let clashed = move || {
        is_manager
            && error.with(|e| matches!(e, Some(ApiError::Problem(p)) if p.conflicting_appointment_id.is_some()))
    };
    view! {
        <Show when=clashed>
            <div class="form-row" data-testid="overlap">
                <label class="grow">{s.desk.overlap_reason}
                    <input name="overlap_reason" prop:value=overlap_reason on:input=move |ev| overlap_reason.set(event_target_value(&ev)) />
                    <span class="field-error" data-field="overlap_reason">{field_error(error, "overlap_reason")}</span>
                </label>
                <button type="button" class="danger" on:click=move |_| send(Some(overlap_reason.get_untracked()))>{s.desk.book_anyway}</button>
            </div>
        </Show>
    }
}
