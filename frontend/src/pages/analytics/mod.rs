//! The owner's dashboard ("Аналитика"): a date range with quick filters and a filter of any
//! number of doctors; KPI
//! tiles with their change against the period of equal length before; visits per day, by status
//! and per doctor (`visits`); donuts with their tables for sources and payment methods; revenue per day; bars per
//! doctor and per service; trends; discounts by staff member. Each section reads its own report
//! for the one range.

mod charts;
mod tables;
mod visits;

use crate::erased::Loaded;
use crate::i18n::MoneyText;
use chrono::{Datelike, Duration, NaiveDate};
use emhana_api_types::analytics::{DoctorItem, ItemsReport};
use emhana_api_types::queries::{RangeQuery, TrendQuery};
use leptos::prelude::*;

use crate::api::{self, ApiError};
use crate::clinic;
use crate::components::chart::EChart;
use crate::i18n::t;
use charts::{bars, donut, lines, money_f64, trend};
use emhana_domain::clinic_time::{previous_quarter, quarter_start};
use emhana_domain::kpi_change::previous_period;
use tables::{DiscountsTable, Kpis, MethodsTable, SourcesTable};

/// The quick ranges: (label getter, first day, last day) from today.
fn quick_ranges(today: NaiveDate) -> Vec<(&'static str, NaiveDate, NaiveDate)> {
    let s = t();
    let month_start = today.with_day(1).unwrap_or(today);
    let last_month_end = month_start - Duration::days(1);
    let last_month_start = last_month_end.with_day(1).unwrap_or(last_month_end);
    let year_start = today.with_ordinal(1).unwrap_or(today);
    let (last_quarter_start, last_quarter_end) = previous_quarter(today);
    vec![
        (s.today, today, today),
        (s.analytics().last_7_days, today - Duration::days(6), today),
        (s.analytics().this_month, month_start, today),
        (s.analytics().last_month, last_month_start, last_month_end),
        (s.analytics().this_quarter, quarter_start(today), today),
        (
            s.analytics().last_quarter,
            last_quarter_start,
            last_quarter_end,
        ),
        (s.analytics().this_year, year_start, today),
    ]
}

/// The per-doctor report as a resource (shared by two sections).
type DoctorsReport = Result<ItemsReport<DoctorItem>, ApiError>;

/// `/analytics`
#[component]
pub fn AnalyticsPage() -> impl IntoView {
    let s = t();
    let today = clinic::today();
    let from = RwSignal::new(today.with_day(1).unwrap_or(today));
    let to = RwSignal::new(today);
    let doctors_chosen = RwSignal::new(Vec::<i64>::new());
    let query = Signal::derive(move || RangeQuery {
        from: Some(from.get().to_string()),
        to: Some(to.get().to_string()),
        doctor_id: None,
        doctor_ids: doctor_ids(&doctors_chosen.get()),
    });
    let summary = Loaded::new(move || api::summary(query.get()));
    // Read by the revenue and the visits sections.
    let doctors = Loaded::new(move || api::doctor_report(query.get()));
    // The same figures for the period of equal length before, for each KPI's change.
    let previous = Loaded::new(move || {
        let (a, b) = previous_period(from.get(), to.get());
        api::summary(RangeQuery {
            from: Some(a.to_string()),
            to: Some(b.to_string()),
            doctor_id: None,
            doctor_ids: doctor_ids(&doctors_chosen.get()),
        })
    });
    view! {
        <h1>{s.nav_analytics}</h1>
        <RangeBar from=from to=to chosen=doctors_chosen today=today />
        {move || summary.get().map(|r| match r {
            Ok(k) => view! { <Kpis k=k previous=previous.get().and_then(Result::ok) /> }.into_any(),
            Err(e) => view! { <p class="status-error" role="alert">{e.message()}</p> }.into_any(),
        })}
        <Shares query=query />
        <Revenue query=query doctors=doctors />
        <visits::Visits query=query doctors=doctors />
        <Trends query=query />
        <section class="panel">
            <h2>{s.analytics().discounts_heading}</h2>
            <Discounts query=query />
        </section>
        <Deposits query=query />
    }
}

/// Patients' deposits over the range: held at its end (owed to patients, not revenue), top-ups,
/// spends (revenue on their days), withdrawals. Clinic-wide: the doctor filter does not apply.
#[component]
fn Deposits(query: Signal<RangeQuery>) -> impl IntoView {
    let s = t();
    let report = Loaded::new(move || {
        let q = query.get();
        api::deposits_report(q.from, q.to)
    });
    move || {
        report.get().and_then(Result::ok).map(|r| {
            view! {
                <section class="panel" data-testid="deposits-report">
                    <h2>{s.analytics().analytics_deposits}</h2>
                    <div class="metrics">
                        <div><small>{s.analytics().analytics_deposits_held}</small><strong data-testid="deposits-held">{r.held_at_end.ui()}</strong></div>
                        <div><small>{s.analytics().analytics_deposits_topups}</small><strong>{r.topups.ui()}</strong></div>
                        <div><small>{s.analytics().analytics_deposits_spends}</small><strong>{emhana_domain::Money::from_tiyn(r.spends.tiyn() - r.reversals.tiyn()).ui()}</strong></div>
                        <div><small>{s.analytics().analytics_deposits_withdrawals}</small><strong>{r.withdrawals.ui()}</strong></div>
                        <div><small>{s.analytics().analytics_bonuses_held}</small><strong data-testid="bonuses-held">{r.bonuses_held.ui()}</strong></div>
                    </div>
                </section>
            }
        })
    }
}

/// The `doctor_ids` parameter of the ticked doctors (none: every doctor).
fn doctor_ids(chosen: &[i64]) -> Option<String> {
    (!chosen.is_empty()).then(|| {
        chosen
            .iter()
            .map(i64::to_string)
            .collect::<Vec<_>>()
            .join(",")
    })
}

/// The range (two dates and the quick ranges) and the doctor filter: any number of doctors at
/// once (their patients counted once), none ticked for the whole clinic.
#[component]
fn RangeBar(
    from: RwSignal<NaiveDate>,
    to: RwSignal<NaiveDate>,
    chosen: RwSignal<Vec<i64>>,
    today: NaiveDate,
) -> impl IntoView {
    let s = t();
    let doctor_list = Loaded::new(|| api::doctors(true));
    view! {
        <div class="panel form-row">
            <label>{s.period_from}<input type="date" name="from" prop:value=move || from.get().to_string()
                on:change=move |ev| if let Some(d) = crate::dates::parse_day(&event_target_value(&ev)) { from.set(d) } /></label>
            <label>{s.period_to}<input type="date" name="to" prop:value=move || to.get().to_string()
                on:change=move |ev| if let Some(d) = crate::dates::parse_day(&event_target_value(&ev)) { to.set(d) } /></label>
            {quick_ranges(today).into_iter().map(|(label, a, b)| view! {
                <button type="button" class="secondary" class:active=move || from.get() == a && to.get() == b
                    on:click=move |_| { from.set(a); to.set(b); }>{label}</button>
            }).collect_view()}
        </div>
        <div class="panel doctor-legend" data-testid="analytics-doctors">
            <span class="muted">{s.analytics().all_doctors}</span>
            {move || doctor_list.get().and_then(Result::ok).unwrap_or_default().into_iter().map(|d| {
                let id = d.id;
                let toggle = move |ev| {
                    let on = event_target_checked(&ev);
                    chosen.update(|c| {
                        c.retain(|x| *x != id);
                        if on {
                            c.push(id);
                        }
                    });
                };
                view! {
                    <label class="inline doctor-chip">
                        <input type="checkbox" name="doctor" value=id.to_string()
                            prop:checked=move || chosen.get().contains(&id) on:change=toggle />
                        {format!("{} {}", d.last_name, d.first_name)}
                    </label>
                }
            }).collect_view()}
        </div>
    }
}

/// Where patients come from and how they pay: a donut and a table each.
#[component]
fn Shares(query: Signal<RangeQuery>) -> impl IntoView {
    let s = t();
    let sources = Loaded::new(move || api::sources(query.get()));
    let methods = Loaded::new(move || api::payment_methods(query.get()));
    view! {
        <div class="grid-2">
            <section class="panel">
                <h2>{s.analytics().sources_heading}</h2>
                <EChart id="sources-donut" draw=move || donut(s.analytics().sources_heading,
                    sources.get().and_then(Result::ok).map(|r| r.items.into_iter().map(|i| (i.visits as f64, i.label)).collect()).unwrap_or_default()) />
                {move || sources.get().and_then(Result::ok).map(|r| view! { <SourcesTable r=r /> })}
            </section>
            <section class="panel">
                <h2>{s.analytics().methods_heading}</h2>
                <EChart id="methods-donut" draw=move || donut(s.analytics().methods_heading,
                    methods.get().and_then(Result::ok).map(|r| r.items.into_iter().map(|i| (money_f64(&i.amount), crate::i18n::t().method_code(&i.method))).collect()).unwrap_or_default()) />
                {move || methods.get().and_then(Result::ok).map(|r| view! { <MethodsTable r=r /> })}
            </section>
        </div>
    }
}

/// Revenue per day (a line), per doctor and per service (bars).
#[component]
fn Revenue(query: Signal<RangeQuery>, doctors: Loaded<DoctorsReport>) -> impl IntoView {
    let s = t();
    let daily = Loaded::new(move || api::revenue_daily(query.get()));
    let services = Loaded::new(move || api::service_report(query.get()));
    view! {
        <section class="panel">
            <h2>{s.analytics().revenue_daily_heading}</h2>
            <EChart id="revenue-line" draw=move || {
                let items = daily.get().and_then(Result::ok).map(|r| r.items).unwrap_or_default();
                let days: Vec<String> = items.iter().map(|d| d.date.clone()).collect();
                lines(&days, vec![(s.analytics().revenue_label, items.iter().map(|d| money_f64(&d.revenue)).collect())])
            } />
        </section>
        <div class="grid-2">
            <section class="panel">
                <h2>{s.analytics().by_doctor_heading}</h2>
                <EChart id="doctors-bars" draw=move || bars(s.analytics().revenue_label,
                    doctors.get().and_then(Result::ok).map(|r| r.items.into_iter().map(|d| (d.name, money_f64(&d.revenue))).collect()).unwrap_or_default()) />
            </section>
            <section class="panel">
                <h2>{s.analytics().by_service_heading}</h2>
                <EChart id="services-bars" draw=move || bars(s.analytics().revenue_label,
                    services.get().and_then(Result::ok).map(|r| r.items.into_iter().map(|d| (d.name, money_f64(&d.revenue))).collect()).unwrap_or_default()) />
            </section>
        </div>
    }
}

/// Visits per source and amounts per method, by week or month.
#[component]
fn Trends(query: Signal<RangeQuery>) -> impl IntoView {
    let s = t();
    let period = RwSignal::new("week".to_owned());
    let trends = Loaded::new(move || {
        let range = query.get();
        api::trends(TrendQuery {
            from: range.from,
            to: range.to,
            doctor_id: None,
            doctor_ids: range.doctor_ids,
            period: Some(period.get()),
        })
    });
    view! {
        <section class="panel">
            <h2>{s.analytics().trends_heading}</h2>
            <label class="inline">{s.analytics().trend_period}
                <select name="period" on:change=move |ev| period.set(event_target_value(&ev))>
                    <option value="week">{s.analytics().by_week}</option>
                    <option value="month">{s.analytics().by_month}</option>
                </select>
            </label>
            <div class="grid-2">
                <EChart id="sources-trend" draw=move || {
                    let r = trends.get().and_then(Result::ok);
                    trend(s.analytics().sources_heading, r.as_ref().map(|r| (r.buckets.clone(), r.sources.clone())))
                } />
                <EChart id="methods-trend" draw=move || {
                    let r = trends.get().and_then(Result::ok);
                    trend(s.analytics().methods_heading, r.as_ref().map(|r| (r.buckets.clone(), r.methods.clone())))
                } />
            </div>
        </section>
    }
}

/// Discounts by staff member.
#[component]
fn Discounts(query: Signal<RangeQuery>) -> impl IntoView {
    let discounts = Loaded::new(move || api::discounts(query.get()));
    move || {
        discounts
            .get()
            .and_then(Result::ok)
            .map(|r| view! { <DiscountsTable r=r /> })
    }
}
