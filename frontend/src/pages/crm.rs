//! CRM: the day calendar (a column per doctor) and the week calendar (a column per day for one
//! doctor). Click an empty slot to book, click a visit to open its card. Visits are coloured by
//! payment status (green paid, yellow partial, red unpaid).

use chrono::{Datelike, Duration, NaiveDate, NaiveTime, Timelike};
use emhana_api_types::directories::{DoctorView, LeadSourceView, ServiceView};
use emhana_api_types::patients::{PatientView, PatientWrite};
use emhana_api_types::visits::{VisitCreate, VisitSummary};
use emhana_domain::access::Permission;
use emhana_domain::validation::PhoneNumber;
use leptos::prelude::*;
use leptos::task::spawn_local;

use emhana_api_types::queries::{PatientListQuery, VisitListQuery};

use crate::api::{self, ApiError};
use crate::clinic;
use crate::components::form::{field_error, FormError};
use crate::i18n::t;
use crate::pages::visit_card::VisitCard;
use crate::session;

/// First and last bookable half hours of the grid.
const DAY_START_HOUR: u32 = 8;
const DAY_END_HOUR: u32 = 20;
const SLOT_MINUTES: i64 = 30;

/// What the panel under the calendar shows.
#[derive(Debug, Clone, PartialEq)]
enum Panel {
    None,
    Visit(i64),
    Book {
        doctor_id: i64,
        date: NaiveDate,
        time: NaiveTime,
    },
}

/// One grid column: a doctor on a day.
#[derive(Debug, Clone, PartialEq)]
struct Column {
    label: String,
    doctor_id: i64,
    date: NaiveDate,
}

/// A cell of the grid.
#[derive(Debug, Clone, PartialEq)]
enum Cell {
    Free {
        doctor_id: i64,
        date: NaiveDate,
        time: NaiveTime,
    },
    Visit {
        visit: VisitSummary,
        rows: usize,
        more: usize,
    },
    Covered,
}

fn slots() -> Vec<NaiveTime> {
    let count = i64::from(DAY_END_HOUR - DAY_START_HOUR) * 60 / SLOT_MINUTES;
    (0..count)
        .filter_map(|i| {
            NaiveTime::from_hms_opt(DAY_START_HOUR, 0, 0)
                .map(|t| t + Duration::minutes(i * SLOT_MINUTES))
        })
        .collect()
}

/// Minutes since midnight of a clinic-local instant.
fn minute_of_day(at: &str) -> Option<(NaiveDate, i64)> {
    clinic::local(at).map(|t| (t.date(), i64::from(t.hour()) * 60 + i64::from(t.minute())))
}

/// Lays visits out on the grid: a visit fills the slots from its start to its end; a visit that
/// starts inside another's slots (an allowed overlap) is counted on the first one as "+N".
fn layout(columns: &[Column], visits: &[VisitSummary]) -> Vec<Vec<Cell>> {
    let times = slots();
    let first = i64::from(DAY_START_HOUR) * 60;
    let mut grid = vec![vec![Cell::Covered; columns.len()]; times.len()];
    for (c, col) in columns.iter().enumerate() {
        let mut mine: Vec<(i64, i64, &VisitSummary)> = visits
            .iter()
            .filter(|v| v.doctor.id == col.doctor_id && v.status != "cancelled")
            .filter_map(|v| {
                let (day, start) = minute_of_day(&v.starts_at)?;
                let (_, end) = minute_of_day(&v.ends_at)?;
                (day == col.date).then_some((start, end.max(start + 1), v))
            })
            .collect();
        mine.sort_by_key(|m| m.0);
        let mut r = 0;
        while r < times.len() {
            let slot_start = first + r as i64 * SLOT_MINUTES;
            let starting: Vec<_> = mine
                .iter()
                .filter(|m| m.0 < slot_start + SLOT_MINUTES && m.1 > slot_start)
                .collect();
            match starting.first() {
                Some((_, end, v)) => {
                    let rows =
                        usize::try_from((end - slot_start + SLOT_MINUTES - 1) / SLOT_MINUTES)
                            .unwrap_or(1)
                            .clamp(1, times.len() - r);
                    let span_end = slot_start + rows as i64 * SLOT_MINUTES;
                    let more = mine
                        .iter()
                        .filter(|m| m.0 < span_end && m.1 > slot_start)
                        .count()
                        - 1;
                    grid[r][c] = Cell::Visit {
                        visit: (*v).clone(),
                        rows,
                        more,
                    };
                    r += rows;
                }
                None => {
                    grid[r][c] = Cell::Free {
                        doctor_id: col.doctor_id,
                        date: col.date,
                        time: times[r],
                    };
                    r += 1;
                }
            }
        }
    }
    grid
}

/// `/crm`
#[component]
pub fn CrmPage() -> impl IntoView {
    let s = t();
    let date = RwSignal::new(clinic::today());
    let week = RwSignal::new(false);
    let week_doctor = RwSignal::new(None::<i64>);
    let panel = RwSignal::new(Panel::None);
    let reload = RwSignal::new(0u32);
    let may_book = session::can(Permission::VisitsWrite);
    let doctors = LocalResource::new(|| api::doctors(false));
    let range = move || {
        let d = date.get();
        if week.get() {
            let monday = d - Duration::days(i64::from(d.weekday().num_days_from_monday()));
            (monday, monday + Duration::days(6))
        } else {
            (d, d)
        }
    };
    let visits = LocalResource::new(move || {
        reload.track();
        let (from, to) = range();
        api::visits(VisitListQuery {
            from: Some(from.to_string()),
            to: Some(to.to_string()),
            limit: Some(200),
            ..VisitListQuery::default()
        })
    });
    let columns = move || -> Vec<Column> {
        let list: Vec<DoctorView> = doctors.get().and_then(Result::ok).unwrap_or_default();
        if week.get() {
            let Some(doc) = week_doctor
                .get()
                .and_then(|id| list.iter().find(|d| d.id == id))
                .or(list.first())
            else {
                return Vec::new();
            };
            let (monday, _) = range();
            (0..7)
                .map(|i| {
                    let day = monday + Duration::days(i);
                    Column {
                        label: day.format("%a %d.%m").to_string(),
                        doctor_id: doc.id,
                        date: day,
                    }
                })
                .collect()
        } else {
            list.iter()
                .map(|d| Column {
                    label: format!("{} {}", d.last_name, d.first_name),
                    doctor_id: d.id,
                    date: date.get(),
                })
                .collect()
        }
    };
    let shift = move |days: i64| {
        date.update(|d| *d += Duration::days(if week.get_untracked() { days * 7 } else { days }))
    };
    let changed = move || reload.update(|n| *n += 1);
    view! {
        <h1>{s.nav_crm}</h1>
        <div class="panel form-row calendar-bar">
            <button type="button" class="secondary" on:click=move |_| shift(-1) aria-label=s.prev_page>"‹"</button>
            <input type="date" name="day" prop:value=move || date.get().to_string()
                on:change=move |ev| if let Ok(d) = event_target_value(&ev).parse() { date.set(d) } />
            <button type="button" class="secondary" on:click=move |_| shift(1) aria-label=s.next_page>"›"</button>
            <button type="button" class="secondary" on:click=move |_| date.set(clinic::today())>{s.today}</button>
            <label class="inline">
                <input type="checkbox" name="week" prop:checked=week on:change=move |ev| week.set(event_target_checked(&ev)) />
                {s.week_view}
            </label>
            <Show when=move || week.get()>
                <select name="week_doctor" on:change=move |ev| week_doctor.set(event_target_value(&ev).parse().ok())>
                    {move || doctors.get().and_then(Result::ok).unwrap_or_default().into_iter().map(|d| {
                        view! { <option value=d.id.to_string()>{format!("{} {}", d.last_name, d.first_name)}</option> }
                    }).collect_view()}
                </select>
            </Show>
        </div>
        <div class="panel calendar-wrap">
            {move || match (doctors.get(), visits.get()) {
                (Some(Err(e)), _) | (_, Some(Err(e))) => view! { <p class="status-error" role="alert">{e.message()}</p> }.into_any(),
                (Some(Ok(d)), _) if d.is_empty() => view! { <p class="muted">{s.no_doctors}</p> }.into_any(),
                (Some(Ok(_)), Some(Ok(page))) => {
                    let cols = columns();
                    let grid = layout(&cols, &page.items);
                    view! { <CalendarGrid columns=cols grid=grid panel=panel may_book=may_book /> }.into_any()
                }
                _ => view! { <p class="muted">{s.loading}</p> }.into_any(),
            }}
        </div>
        {move || match panel.get() {
            Panel::None => ().into_any(),
            Panel::Visit(id) => view! { <VisitCard visit_id=id on_changed=changed on_close=move || panel.set(Panel::None) /> }.into_any(),
            Panel::Book { doctor_id, date, time } => view! {
                <BookingForm doctor_id=doctor_id date=date time=time
                    on_booked=move |id| { changed(); panel.set(Panel::Visit(id)); }
                    on_cancel=move || panel.set(Panel::None) />
            }.into_any(),
        }}
    }
}

#[component]
fn CalendarGrid(
    columns: Vec<Column>,
    grid: Vec<Vec<Cell>>,
    panel: RwSignal<Panel>,
    may_book: bool,
) -> impl IntoView {
    let s = t();
    let times = slots();
    view! {
        <table class="calendar" data-testid="calendar">
            <thead><tr><th></th>{columns.iter().map(|c| view! { <th>{c.label.clone()}</th> }).collect_view()}</tr></thead>
            <tbody>
                {grid.into_iter().zip(times).map(|(row, time)| view! {
                    <tr>
                        <th class="time">{time.format("%H:%M").to_string()}</th>
                        {row.into_iter().map(|cell| match cell {
                            Cell::Covered => ().into_any(),
                            Cell::Free { doctor_id, date, time } => {
                                let book = move || if may_book { panel.set(Panel::Book { doctor_id, date, time }) };
                                view! {
                                    <td class="slot" tabindex=if may_book { "0" } else { "-1" } data-time=time.format("%H:%M").to_string()
                                        aria-label=format!("{} {}", s.book_at, time.format("%H:%M"))
                                        on:click=move |_| book()
                                        on:keydown=move |ev| if ev.key() == "Enter" { book() }></td>
                                }.into_any()
                            }
                            Cell::Visit { visit, rows, more } => {
                                let id = visit.id;
                                view! {
                                    <td rowspan=rows.to_string() class=format!("visit pay-{} status-{}", visit.payment_status, visit.status)
                                        tabindex="0" data-testid="calendar-visit"
                                        on:click=move |_| panel.set(Panel::Visit(id))
                                        on:keydown=move |ev| if ev.key() == "Enter" { panel.set(Panel::Visit(id)) }>
                                        <strong>{visit.patient.name.clone()}</strong>
                                        <small>{format!("{}–{} · {}", clinic::hm(&visit.starts_at), clinic::hm(&visit.ends_at), visit.payment_status_label)}</small>
                                        {(more > 0).then(|| view! { <small>{format!(" +{more}")}</small> })}
                                    </td>
                                }.into_any()
                            }
                        }).collect_view()}
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
}

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

/// Booking: find or create the patient, pick services and source; time and doctor come from
/// the clicked slot and can be changed.
#[component]
fn BookingForm(
    doctor_id: i64,
    date: NaiveDate,
    time: NaiveTime,
    on_booked: impl Fn(i64) + Copy + Send + Sync + 'static,
    on_cancel: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let s = t();
    let doctor = RwSignal::new(doctor_id);
    let day = RwSignal::new(date.to_string());
    let at = RwSignal::new(time.format("%H:%M").to_string());
    let patient = RwSignal::new(None::<PatientView>);
    let query = RwSignal::new(String::new());
    let new_first = RwSignal::new(String::new());
    let new_phone = RwSignal::new(String::new());
    let chosen = RwSignal::new(Vec::<i64>::new());
    let source = RwSignal::new(String::new());
    let notes = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    let busy = RwSignal::new(false);
    let doctors = LocalResource::new(|| api::doctors(false));
    let services = LocalResource::new(|| api::services(false));
    let sources = LocalResource::new(|| api::lead_sources(false));
    let found = LocalResource::new(move || {
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
    let create_patient = move |_| {
        let body = PatientWrite {
            first_name: new_first.get_untracked(),
            phone: new_phone.get_untracked(),
            ..PatientWrite::default()
        };
        spawn_local(async move {
            match api::create_patient(body).await {
                Ok(p) => {
                    patient.set(Some(p));
                    error.set(None);
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let overlap_reason = RwSignal::new(String::new());
    let is_manager =
        session::user().with_untracked(|u| u.as_ref().is_some_and(|u| u.role.is_manager()));
    // A clash answer names the other visit; managers may book over it with a reason.
    let clashed = move || {
        is_manager
            && error.with(|e| matches!(e, Some(ApiError::Problem(p)) if p.conflicting_appointment_id.is_some()))
    };
    let send = move |overlap: Option<String>| {
        let starts_at = match (
            day.get_untracked().parse::<NaiveDate>(),
            NaiveTime::parse_from_str(&at.get_untracked(), "%H:%M"),
        ) {
            (Ok(d), Ok(t)) => clinic::to_api(d, t),
            _ => format!("{}T{}", day.get_untracked(), at.get_untracked()),
        };
        let body = VisitCreate {
            patient_id: patient.get_untracked().map_or(0, |p| p.id),
            doctor_id: doctor.get_untracked(),
            starts_at,
            service_ids: chosen.get_untracked(),
            source: Some(source.get_untracked()).filter(|s| !s.is_empty()),
            notes: Some(notes.get_untracked()).filter(|n| !n.trim().is_empty()),
            allow_overlap: overlap.is_some(),
            overlap_reason: overlap,
            ..VisitCreate::default()
        };
        busy.set(true);
        spawn_local(async move {
            let result = api::book_visit(body).await;
            busy.set(false);
            match result {
                Ok(v) => on_booked(v.summary.id),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        send(None);
    };
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
        <form class="panel" on:submit=submit data-testid="booking-form">
            <h2>{s.new_visit}</h2>
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
                <label>{s.date_label}
                    <input type="date" name="date" prop:value=day on:input=move |ev| day.set(event_target_value(&ev)) />
                </label>
                <label>{s.time_label}
                    <input type="time" name="time" step="300" prop:value=at on:input=move |ev| at.set(event_target_value(&ev)) />
                    <span class="field-error" data-field="starts_at">{field_error(error, "starts_at")}</span>
                </label>
            </div>
            <fieldset>
                <legend>{s.patient_label}</legend>
                {move || match patient.get() {
                    Some(p) => view! {
                        <p data-testid="chosen-patient">
                            {format!("{} {} · {}", p.first_name, p.last_name.clone().unwrap_or_default(), PhoneNumber::display(&p.phone))}
                            " "<button type="button" class="link" on:click=move |_| patient.set(None)>{s.change}</button>
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
                                let pick = p.clone();
                                view! {
                                    <li><button type="button" class="link" on:click=move |_| patient.set(Some(pick.clone()))>
                                        {format!("{} {} · {}", p.first_name, p.last_name.clone().unwrap_or_default(), PhoneNumber::display(&p.phone))}
                                    </button></li>
                                }
                            }).collect_view()}
                        </ul>
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
                    }.into_any(),
                }}
            </fieldset>
            <fieldset>
                <legend>{s.services_heading}</legend>
                <div class="checklist">
                    {move || services.get().and_then(Result::ok).unwrap_or_default().into_iter()
                        .filter(|sv: &ServiceView| sv.doctor_id.is_none_or(|d| d == doctor.get()))
                        .map(|sv| {
                            let id = sv.id;
                            view! {
                                <label class="inline">
                                    <input type="checkbox" name="service" prop:checked=move || chosen.with(|c| c.contains(&id)) on:change=move |_| toggle(id) />
                                    {format!("{} · {} · {} мин", sv.name, sv.base_price.format_ui(), sv.duration_minutes)}
                                </label>
                            }
                        }).collect_view()}
                </div>
                <span class="field-error" data-field="service_ids">{field_error(error, "service_ids")}</span>
                <span class="field-error" data-field="ends_at">{field_error(error, "ends_at")}</span>
            </fieldset>
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
            <FormError error=error fields=BOOKING_FIELDS />
            <Show when=clashed>
                <div class="form-row" data-testid="overlap">
                    <label class="grow">{s.overlap_reason}
                        <input name="overlap_reason" prop:value=overlap_reason on:input=move |ev| overlap_reason.set(event_target_value(&ev)) />
                        <span class="field-error" data-field="overlap_reason">{field_error(error, "overlap_reason")}</span>
                    </label>
                    <button type="button" class="danger" on:click=move |_| send(Some(overlap_reason.get_untracked()))>{s.book_anyway}</button>
                </div>
            </Show>
            <button type="submit" disabled=move || busy.get()>{s.book}</button>
            " "
            <button type="button" class="secondary" on:click=move |_| on_cancel()>{s.cancel}</button>
        </form>
    }
}
