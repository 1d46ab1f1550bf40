//! The calendar grid: half-hour rows from 08:00 to 20:00, a column per doctor (day view) or per
//! day (week view); visits laid out over the slots they fill, coloured by payment status.

use chrono::{Duration, NaiveDate, NaiveTime, Timelike};
use emhana_api_types::visits::VisitSummary;
use leptos::prelude::*;

use crate::clinic;
use crate::i18n::t;

/// First and last bookable half hours of the grid.
const DAY_START_HOUR: u32 = 8;
const DAY_END_HOUR: u32 = 20;
const SLOT_MINUTES: i64 = 30;

/// What the panel under the calendar shows.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Panel {
    /// Nothing open.
    None,
    /// A visit's card.
    Visit(i64),
    /// The booking form for a free slot.
    Book {
        doctor_id: i64,
        date: NaiveDate,
        time: NaiveTime,
    },
}

/// One grid column: a doctor on a day, in the doctor's colour.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Column {
    pub label: String,
    pub doctor_id: i64,
    pub date: NaiveDate,
    pub color: &'static str,
}

/// Doctors' colours, by their place in the doctor list (the legend and the column headers).
const DOCTOR_COLORS: [&str; 10] = [
    "#1c7ed6", "#e8590c", "#2f9e44", "#ae3ec9", "#f08c00", "#0c8599", "#d6336c", "#5c940d",
    "#4263eb", "#862e9c",
];

/// The colour of the doctor at `index` of the clinic's doctor list.
pub(super) fn doctor_color(index: usize) -> &'static str {
    DOCTOR_COLORS[index % DOCTOR_COLORS.len()]
}

/// A cell of the grid.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Cell {
    Free {
        doctor_id: i64,
        date: NaiveDate,
        time: NaiveTime,
    },
    Visit {
        visit: Box<VisitSummary>,
        rows: usize,
        /// Other visits overlapping this block (an allowed overlap): (id, patient), each
        /// reachable from the block.
        others: Vec<(i64, String)>,
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
pub(super) fn layout(columns: &[Column], visits: &[VisitSummary]) -> Vec<Vec<Cell>> {
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
                    let others = mine
                        .iter()
                        .filter(|m| m.0 < span_end && m.1 > slot_start && m.2.id != v.id)
                        .map(|m| (m.2.id, m.2.patient.name.clone()))
                        .collect();
                    grid[r][c] = Cell::Visit {
                        visit: Box::new((*v).clone()),
                        rows,
                        others,
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

/// The calendar: a row per half hour, a column per doctor (or day); free slots book, visits
/// open their card.
#[component]
pub(super) fn CalendarGrid(
    columns: Vec<Column>,
    grid: Vec<Vec<Cell>>,
    panel: RwSignal<Panel>,
    may_book: bool,
) -> impl IntoView {
    let s = t();
    let times = slots();
    view! {
        <table class="calendar" data-testid="calendar">
            <thead><tr><th></th>{columns.iter().map(|c| view! {
                <th style=format!("border-top: 4px solid {}", c.color)>{c.label.clone()}</th>
            }).collect_view()}</tr></thead>
            <tbody>
                {grid.into_iter().zip(times).map(|(row, time)| view! {
                    <tr>
                        <th class="time">{crate::dates::hm(time)}</th>
                        {row.into_iter().map(|cell| match cell {
                            Cell::Covered => ().into_any(),
                            Cell::Free { doctor_id, date, time } => {
                                let book = move || if may_book { panel.set(Panel::Book { doctor_id, date, time }) };
                                view! {
                                    <td class="slot" tabindex=if may_book { "0" } else { "-1" } data-time=crate::dates::hm(time)
                                        aria-label=format!("{} {}", s.desk.book_at, crate::dates::hm(time))
                                        on:click=move |_| book()
                                        on:keydown=move |ev| if ev.key() == "Enter" { book() }></td>
                                }.into_any()
                            }
                            Cell::Visit { visit, rows, others } => {
                                let id = visit.id;
                                view! {
                                    <td rowspan=rows.to_string() class=format!("visit pay-{} status-{}", visit.payment_status, visit.status)
                                        tabindex="0" data-testid="calendar-visit"
                                        on:click=move |_| panel.set(Panel::Visit(id))
                                        on:keydown=move |ev| if ev.key() == "Enter" { panel.set(Panel::Visit(id)) }>
                                        <strong>{visit.patient.name.clone()}</strong>
                                        <small>{format!("{}–{} · {} · {}", clinic::hm(&visit.starts_at), clinic::hm(&visit.ends_at), crate::i18n::t().status_code(&visit.status), crate::i18n::label(crate::i18n::t().payment_status_labels, &visit.payment_status))}</small>
                                        {others.into_iter().map(|(other, name)| view! {
                                            <button type="button" class="link overlap" data-testid="overlapping-visit"
                                                on:click=move |ev| { ev.stop_propagation(); panel.set(Panel::Visit(other)); }>
                                                {format!("+ {name}")}
                                            </button>
                                        }).collect_view()}
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
