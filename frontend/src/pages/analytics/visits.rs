//! The dashboard's visits section: visits per day (with no-shows), the status pie with its exact
//! table (cancelled visits included), and visits per doctor.

use emhana_api_types::analytics::StatusItem;
use emhana_api_types::queries::RangeQuery;
use leptos::prelude::*;

use super::charts::{bars, donut, lines};
use super::DoctorsReport;
use crate::api;
use crate::components::chart::EChart;
use crate::erased::Loaded;
use crate::i18n::{share, t};

/// Visits per day, by status and per doctor for the range.
#[component]
pub(super) fn Visits(query: Signal<RangeQuery>, doctors: Loaded<DoctorsReport>) -> impl IntoView {
    let s = t();
    let report = Loaded::new(move || api::visit_report(query.get()));
    let ok = move || report.get().and_then(Result::ok);
    view! {
        <section class="panel">
            <h2>{s.analytics().visits_daily_heading}</h2>
            <EChart id="visits-line" draw=move || {
                let days = ok().map(|r| r.days).unwrap_or_default();
                let dates: Vec<String> = days.iter().map(|d| d.date.clone()).collect();
                lines(&dates, vec![
                    (s.visits_label, days.iter().map(|d| d.visits as f64).collect()),
                    (s.analytics().no_show_label, days.iter().map(|d| d.no_shows as f64).collect()),
                ])
            } />
        </section>
        <div class="grid-2">
            <section class="panel">
                <h2>{s.analytics().by_status_heading}</h2>
                <EChart id="status-donut" draw=move || donut(s.analytics().by_status_heading,
                    ok().map(|r| r.statuses.into_iter().filter(|i| i.visits > 0).map(|i| (i.visits as f64, crate::i18n::t().status_code(&i.status))).collect()).unwrap_or_default()) />
                {move || ok().map(|r| view! { <StatusTable items=r.statuses /> })}
            </section>
            <section class="panel">
                <h2>{s.analytics().visits_by_doctor_heading}</h2>
                <EChart id="doctor-visits-bars" draw=move || bars(s.visits_label,
                    doctors.get().and_then(Result::ok).map(|r| r.items.into_iter().map(|d| (d.name, d.visits as f64)).collect()).unwrap_or_default()) />
            </section>
        </div>
    }
}

/// Every status with its visits and share (the pie's exact numbers).
#[component]
fn StatusTable(items: Vec<StatusItem>) -> impl IntoView {
    let s = t();
    view! {
        <table class="table" data-testid="status-report">
            <thead><tr><th>{s.status_label}</th><th>{s.visits_label}</th><th>"%"</th></tr></thead>
            <tbody>
                {items.into_iter().map(|i| view! {
                    <tr><td>{crate::i18n::t().status_code(&i.status)}</td><td class="num">{i.visits}</td><td class="num">{share(i.share_percent)}</td></tr>
                }).collect_view()}
            </tbody>
        </table>
    }
}
