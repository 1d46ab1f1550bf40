//! CRM: the day calendar (a column per doctor) and the week calendar (a column per day for one
//! doctor). Click an empty slot to book, click a visit to open its card. Visits are coloured by
//! payment status (green paid, yellow partial, red unpaid).

mod booking;
mod grid;
mod today;

use chrono::{Datelike, Duration};
use emhana_api_types::directories::DoctorView;
use emhana_api_types::queries::VisitListQuery;
use emhana_domain::access::Permission;
use leptos::prelude::*;

use crate::api;
use crate::clinic;
use crate::erased::Loaded;
use crate::i18n::t;
use crate::pages::visit_card::VisitCard;
use crate::session;
use grid::{layout, CalendarGrid, Column, Panel};

/// `/crm`
#[component]
pub fn CrmPage() -> impl IntoView {
    let s = t();
    let date = RwSignal::new(clinic::today());
    let week = RwSignal::new(false);
    let week_doctor = RwSignal::new(None::<i64>);
    // The doctors shown in the day view (none chosen: all of them).
    let chosen = RwSignal::new(Vec::<i64>::new());
    let panel = RwSignal::new(Panel::None);
    let reload = RwSignal::new(0u32);
    let may_book = session::can(Permission::VisitsWrite);
    let doctors = Loaded::new(|| api::doctors(false));
    let range = move || {
        let d = date.get();
        if week.get() {
            let monday = d - Duration::days(i64::from(d.weekday().num_days_from_monday()));
            (monday, monday + Duration::days(6))
        } else {
            (d, d)
        }
    };
    let visits = Loaded::new(move || {
        reload.track();
        let (from, to) = range();
        api::visits(VisitListQuery {
            from: Some(from.to_string()),
            to: Some(to.to_string()),
            limit: Some(200),
            ..VisitListQuery::default()
        })
    });
    let columns = move || {
        let list: Vec<DoctorView> = doctors.get().and_then(Result::ok).unwrap_or_default();
        let week_of = week.get().then(|| (range().0, week_doctor.get()));
        calendar_columns(&list, date.get(), week_of, &chosen.get())
    };
    let changed = move || reload.update(|n| *n += 1);
    view! {
        <h1>{s.nav_crm}</h1>
        <CalendarBar date=date week=week week_doctor=week_doctor doctors=doctors />
        <DoctorLegend doctors=doctors chosen=chosen week=week />
        {move || (!week.get()).then(|| visits.get().and_then(Result::ok).map(|page| view! { <today::TodayPanel visits=page.items /> }))}
        <div class="panel calendar-wrap">
            {move || match (doctors.get(), visits.get()) {
                (Some(Err(e)), _) | (_, Some(Err(e))) => view! { <p class="status-error" role="alert">{e.message()}</p> }.into_any(),
                (Some(Ok(d)), _) if d.is_empty() => view! { <p class="muted">{s.desk.no_doctors}</p> }.into_any(),
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
                <booking::BookingForm doctor_id=doctor_id date=date time=time
                    on_booked=move |id| { changed(); panel.set(Panel::Visit(id)); }
                    on_cancel=move || panel.set(Panel::None) />
            }.into_any(),
        }}
    }
}

/// Day navigation, today, the week switch and the week view's doctor.
#[component]
fn CalendarBar(
    date: RwSignal<chrono::NaiveDate>,
    week: RwSignal<bool>,
    week_doctor: RwSignal<Option<i64>>,
    doctors: Loaded<Result<Vec<DoctorView>, api::ApiError>>,
) -> impl IntoView {
    let s = t();
    let shift = move |days: i64| {
        date.update(|d| *d += Duration::days(if week.get_untracked() { days * 7 } else { days }))
    };
    view! {
        <div class="panel form-row calendar-bar">
            <button type="button" class="secondary" on:click=move |_| shift(-1) aria-label=s.prev_page>"‹"</button>
            <input type="date" name="day" prop:value=move || date.get().to_string()
                on:change=move |ev| if let Some(d) = crate::dates::parse_day(&event_target_value(&ev)) { date.set(d) } />
            <button type="button" class="secondary" on:click=move |_| shift(1) aria-label=s.next_page>"›"</button>
            <button type="button" class="secondary" on:click=move |_| date.set(clinic::today())>{s.today}</button>
            <label class="inline">
                <input type="checkbox" name="week" prop:checked=week on:change=move |ev| week.set(event_target_checked(&ev)) />
                {s.desk.week_view}
            </label>
            <Show when=move || week.get()>
                <select name="week_doctor" on:change=move |ev| week_doctor.set(event_target_value(&ev).parse().ok())>
                    {move || doctors.get().and_then(Result::ok).unwrap_or_default().into_iter().map(|d| {
                        view! { <option value=d.id.to_string()>{format!("{} {}", d.last_name, d.first_name)}</option> }
                    }).collect_view()}
                </select>
            </Show>
        </div>
    }
}

/// The doctors' colours and, in the day view, which doctors' columns to show (several at once;
/// none ticked: everyone).
#[component]
fn DoctorLegend(
    doctors: Loaded<Result<Vec<DoctorView>, api::ApiError>>,
    chosen: RwSignal<Vec<i64>>,
    week: RwSignal<bool>,
) -> impl IntoView {
    let s = t();
    view! {
        <div class="panel doctor-legend" data-testid="doctor-legend">
            <span class="muted">{move || if week.get() { s.desk.legend_doctors } else { s.desk.filter_doctors }}</span>
            {move || doctors.get().and_then(Result::ok).unwrap_or_default().into_iter().enumerate().map(|(i, d)| {
                let id = d.id;
                let toggle = move |ev| {
                    let on = event_target_checked(&ev);
                    chosen.update(|c| {
                        c.retain(|x| *x != id);
                        if on { c.push(id); }
                    });
                };
                view! {
                    <label class="inline doctor-chip">
                        <Show when=move || !week.get()>
                            <input type="checkbox" name="doctor_filter" value=id.to_string()
                                prop:checked=move || chosen.get().contains(&id) on:change=toggle />
                        </Show>
                        <span class="swatch" style=format!("background: {}", grid::doctor_color(i))></span>
                        {format!("{} {}", d.last_name, d.first_name)}
                    </label>
                }
            }).collect_view()}
        </div>
    }
}

/// The grid's columns: the doctors on `date` (only the `chosen` ones when some are), or with
/// `week` = (Monday, doctor) that doctor (the first one by default) on each day of the week.
/// Each column has its doctor's colour.
fn calendar_columns(
    doctors: &[DoctorView],
    date: chrono::NaiveDate,
    week: Option<(chrono::NaiveDate, Option<i64>)>,
    chosen: &[i64],
) -> Vec<Column> {
    let Some((monday, week_doctor)) = week else {
        return doctors
            .iter()
            .enumerate()
            .filter(|(_, d)| chosen.is_empty() || chosen.contains(&d.id))
            .map(|(i, d)| Column {
                label: format!("{} {}", d.last_name, d.first_name),
                doctor_id: d.id,
                date,
                color: grid::doctor_color(i),
            })
            .collect();
    };
    let Some((index, doc)) = week_doctor
        .and_then(|id| doctors.iter().enumerate().find(|(_, d)| d.id == id))
        .or(doctors.iter().enumerate().next())
    else {
        return Vec::new();
    };
    (0..7)
        .map(|i| {
            let day = monday + Duration::days(i);
            Column {
                label: crate::i18n::weekday_day(day),
                doctor_id: doc.id,
                date: day,
                color: grid::doctor_color(index),
            }
        })
        .collect()
}
