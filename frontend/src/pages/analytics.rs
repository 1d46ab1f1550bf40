//! The owner's dashboard ("Аналитика"): a date range with quick filters and a doctor filter; KPI
//! tiles; donuts with their tables for sources and payment methods; revenue per day; bars per
//! doctor and per service; discounts by staff member.

use charming::component::{Axis, Grid, Legend};
use charming::element::{AxisType, Tooltip, Trigger};
use charming::series::{Bar, Line, Pie};
use charming::Chart;
use chrono::{Datelike, Duration, NaiveDate};
use emhana_api_types::analytics::{
    DiscountsReport, MethodsReport, SourcesReport, SummaryReport, TrendSeries,
};
use leptos::prelude::*;

use emhana_api_types::queries::{RangeQuery, TrendQuery};

use crate::api;
use crate::clinic;
use crate::components::chart::EChart;
use crate::i18n::t;

/// The quick ranges: (label getter, first day, last day) from today.
fn quick_ranges(today: NaiveDate) -> Vec<(&'static str, NaiveDate, NaiveDate)> {
    let s = t();
    let month_start = today.with_day(1).unwrap_or(today);
    let last_month_end = month_start - Duration::days(1);
    let last_month_start = last_month_end.with_day(1).unwrap_or(last_month_end);
    let year_start = today.with_ordinal(1).unwrap_or(today);
    vec![
        (s.today, today, today),
        (s.last_7_days, today - Duration::days(6), today),
        (s.this_month, month_start, today),
        (s.last_month, last_month_start, last_month_end),
        (s.this_year, year_start, today),
    ]
}

/// `/analytics`
#[component]
pub fn AnalyticsPage() -> impl IntoView {
    let s = t();
    let today = clinic::today();
    let from = RwSignal::new(today.with_day(1).unwrap_or(today));
    let to = RwSignal::new(today);
    let doctor = RwSignal::new(None::<i64>);
    let query = move || RangeQuery {
        from: Some(from.get().to_string()),
        to: Some(to.get().to_string()),
        doctor_id: doctor.get(),
    };
    let summary = LocalResource::new(move || api::summary(query()));
    let sources = LocalResource::new(move || api::sources(query()));
    let methods = LocalResource::new(move || api::payment_methods(query()));
    let daily = LocalResource::new(move || api::revenue_daily(query()));
    let doctors = LocalResource::new(move || api::doctor_report(query()));
    let services = LocalResource::new(move || api::service_report(query()));
    let discounts = LocalResource::new(move || api::discounts(query()));
    let period = RwSignal::new("week".to_owned());
    let trends = LocalResource::new(move || {
        let range = query();
        api::trends(TrendQuery {
            from: range.from,
            to: range.to,
            doctor_id: range.doctor_id,
            period: Some(period.get()),
        })
    });
    let doctor_list = LocalResource::new(|| api::doctors(true));
    view! {
        <h1>{s.nav_analytics}</h1>
        <div class="panel form-row">
            <label>{s.period_from}<input type="date" name="from" prop:value=move || from.get().to_string()
                on:change=move |ev| if let Ok(d) = event_target_value(&ev).parse() { from.set(d) } /></label>
            <label>{s.period_to}<input type="date" name="to" prop:value=move || to.get().to_string()
                on:change=move |ev| if let Ok(d) = event_target_value(&ev).parse() { to.set(d) } /></label>
            {quick_ranges(today).into_iter().map(|(label, a, b)| view! {
                <button type="button" class="secondary" class:active=move || from.get() == a && to.get() == b
                    on:click=move |_| { from.set(a); to.set(b); }>{label}</button>
            }).collect_view()}
            <label>{s.doctor_label}
                <select name="doctor" on:change=move |ev| doctor.set(event_target_value(&ev).parse().ok())>
                    <option value="">{s.all_doctors}</option>
                    {move || doctor_list.get().and_then(Result::ok).unwrap_or_default().into_iter().map(|d| {
                        view! { <option value=d.id.to_string()>{format!("{} {}", d.last_name, d.first_name)}</option> }
                    }).collect_view()}
                </select>
            </label>
        </div>
        {move || summary.get().map(|r| match r {
            Ok(k) => view! { <Kpis k=k /> }.into_any(),
            Err(e) => view! { <p class="status-error" role="alert">{e.message()}</p> }.into_any(),
        })}
        <div class="grid-2">
            <section class="panel">
                <h2>{s.sources_heading}</h2>
                <EChart id="sources-donut" draw=move || donut(s.sources_heading,
                    sources.get().and_then(Result::ok).map(|r| r.items.into_iter().map(|i| (i.visits as f64, i.label)).collect()).unwrap_or_default()) />
                {move || sources.get().and_then(Result::ok).map(|r| view! { <SourcesTable r=r /> })}
            </section>
            <section class="panel">
                <h2>{s.methods_heading}</h2>
                <EChart id="methods-donut" draw=move || donut(s.methods_heading,
                    methods.get().and_then(Result::ok).map(|r| r.items.into_iter().map(|i| (money_f64(&i.amount), i.label)).collect()).unwrap_or_default()) />
                {move || methods.get().and_then(Result::ok).map(|r| view! { <MethodsTable r=r /> })}
            </section>
        </div>
        <section class="panel">
            <h2>{s.revenue_daily_heading}</h2>
            <EChart id="revenue-line" draw=move || {
                let items = daily.get().and_then(Result::ok).map(|r| r.items).unwrap_or_default();
                Chart::new().animation(false).tooltip(Tooltip::new().trigger(Trigger::Axis))
                    .grid(Grid::new().left("60").right("20"))
                    .x_axis(Axis::new().type_(AxisType::Category).data(items.iter().map(|d| d.date[5..].to_owned()).collect()))
                    .y_axis(Axis::new().type_(AxisType::Value))
                    .series(Line::new().name(s.revenue_label).data(items.iter().map(|d| money_f64(&d.revenue)).collect()))
            } />
        </section>
        <div class="grid-2">
            <section class="panel">
                <h2>{s.by_doctor_heading}</h2>
                <EChart id="doctors-bars" draw=move || bars(s.revenue_label,
                    doctors.get().and_then(Result::ok).map(|r| r.items.into_iter().map(|d| (d.name, money_f64(&d.revenue))).collect()).unwrap_or_default()) />
            </section>
            <section class="panel">
                <h2>{s.by_service_heading}</h2>
                <EChart id="services-bars" draw=move || bars(s.revenue_label,
                    services.get().and_then(Result::ok).map(|r| r.items.into_iter().map(|d| (d.name, money_f64(&d.revenue))).collect()).unwrap_or_default()) />
            </section>
        </div>
        <section class="panel">
            <h2>{s.trends_heading}</h2>
            <label class="inline">{s.trend_period}
                <select name="period" on:change=move |ev| period.set(event_target_value(&ev))>
                    <option value="week">{s.by_week}</option>
                    <option value="month">{s.by_month}</option>
                </select>
            </label>
            <div class="grid-2">
                <EChart id="sources-trend" draw=move || {
                    let r = trends.get().and_then(Result::ok);
                    trend(s.sources_heading, r.as_ref().map(|r| (r.buckets.clone(), r.sources.clone())))
                } />
                <EChart id="methods-trend" draw=move || {
                    let r = trends.get().and_then(Result::ok);
                    trend(s.methods_heading, r.as_ref().map(|r| (r.buckets.clone(), r.methods.clone())))
                } />
            </div>
        </section>
        <section class="panel">
            <h2>{s.discounts_heading}</h2>
            {move || discounts.get().and_then(Result::ok).map(|r| view! { <DiscountsTable r=r /> })}
        </section>
    }
}

/// Charts plot tenge as numbers (display only; the tables show exact money).
fn money_f64(m: &emhana_domain::Money) -> f64 {
    m.tiyn() as f64 / 100.0
}

fn donut(title: &str, data: Vec<(f64, String)>) -> Chart {
    Chart::new()
        .animation(false)
        .tooltip(Tooltip::new())
        .legend(Legend::new().bottom("0"))
        .series(Pie::new().name(title).radius(vec!["45%", "70%"]).data(data))
}

/// Stacked bars: one series per source or method, one bar per week or month.
fn trend(title: &str, data: Option<(Vec<String>, Vec<TrendSeries>)>) -> Chart {
    let (buckets, series) = data.unwrap_or_default();
    let mut chart = Chart::new()
        .animation(false)
        .title(charming::component::Title::new().text(title).left("center"))
        .tooltip(Tooltip::new().trigger(Trigger::Axis))
        .legend(Legend::new().bottom("0"))
        .grid(Grid::new().left("60").right("20").bottom("60"))
        .x_axis(
            Axis::new().type_(AxisType::Category).data(
                buckets
                    .iter()
                    .map(|b| b.get(5..).unwrap_or(b).to_owned())
                    .collect(),
            ),
        )
        .y_axis(Axis::new().type_(AxisType::Value));
    for s in series {
        let values: Vec<f64> = s.values.iter().map(|v| v.parse().unwrap_or(0.0)).collect();
        chart = chart.series(Bar::new().name(s.label).stack("total").data(values));
    }
    chart
}

fn bars(name: &str, items: Vec<(String, f64)>) -> Chart {
    Chart::new()
        .animation(false)
        .tooltip(Tooltip::new().trigger(Trigger::Axis))
        .grid(Grid::new().left("160").right("20"))
        .x_axis(Axis::new().type_(AxisType::Value))
        .y_axis(
            Axis::new()
                .type_(AxisType::Category)
                .data(items.iter().map(|i| i.0.clone()).collect()),
        )
        .series(
            Bar::new()
                .name(name)
                .data(items.into_iter().map(|i| i.1).collect()),
        )
}

#[component]
fn Kpis(k: SummaryReport) -> impl IntoView {
    let s = t();
    let tiles: Vec<(&str, String)> = vec![
        (s.revenue_label, k.revenue.format_ui()),
        (s.visits_label, k.visits.to_string()),
        (
            s.patients_label,
            format!(
                "{} ({} {} / {} {})",
                k.unique_patients,
                k.new_patients,
                s.new_short,
                k.returning_patients,
                s.returning_short
            ),
        ),
        (s.average_check_label, k.average_check.format_ui()),
        (s.debt_label, k.outstanding_debt.format_ui()),
        (s.no_show_label, format!("{:.2} %", k.no_show_rate_percent)),
        (
            s.cashless_label,
            format!("{:.2} %", k.cashless_share_percent),
        ),
    ];
    view! {
        <div class="kpis" data-testid="kpis">
            {tiles.into_iter().map(|(label, value)| view! {
                <div class="panel kpi"><small>{label}</small><strong>{value}</strong></div>
            }).collect_view()}
        </div>
    }
}

#[component]
fn SourcesTable(r: SourcesReport) -> impl IntoView {
    let s = t();
    if r.items.is_empty() {
        return view! { <p class="muted">{s.empty}</p> }.into_any();
    }
    let best = r.best_source.clone();
    view! {
        <table class="table" data-testid="sources-report">
            <thead><tr><th>{s.source_label}</th><th>{s.visits_label}</th><th>{s.patients_label}</th><th>{s.revenue_label}</th><th>"%"</th><th>{s.average_check_label}</th></tr></thead>
            <tbody>
                {r.items.into_iter().map(|i| view! {
                    <tr class:best=best.as_deref() == Some(i.source.as_str())>
                        <td>{i.label}</td><td class="num">{i.visits}</td><td class="num">{i.patients}</td>
                        <td class="num">{i.revenue.format_ui()}</td><td class="num">{format!("{:.2}", i.share_percent)}</td>
                        <td class="num">{i.average_check.format_ui()}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }.into_any()
}

#[component]
fn MethodsTable(r: MethodsReport) -> impl IntoView {
    let s = t();
    if r.items.is_empty() {
        return view! { <p class="muted">{s.empty}</p> }.into_any();
    }
    let popular = r.most_popular_method.clone();
    view! {
        <table class="table" data-testid="methods-report">
            <thead><tr><th>{s.method_label}</th><th>{s.amount_label}</th><th>"%"</th><th>{s.visits_label}</th><th>{s.average_payment_label}</th></tr></thead>
            <tbody>
                {r.items.into_iter().map(|i| view! {
                    <tr class:best=popular.as_deref() == Some(i.method.as_str())>
                        <td>{i.label}</td><td class="num">{i.amount.format_ui()}</td><td class="num">{format!("{:.2}", i.share_percent)}</td>
                        <td class="num">{i.visits}</td><td class="num">{i.average_payment.format_ui()}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }.into_any()
}

#[component]
fn DiscountsTable(r: DiscountsReport) -> impl IntoView {
    let s = t();
    view! {
        <p>{format!("{}: {} · {} · {} {}", s.discounts_heading, r.count, r.total.format_ui(), s.average_label, r.average.format_ui())}</p>
        <table class="table" data-testid="discounts-report">
            <thead><tr><th>{s.user_label}</th><th>{s.count_label}</th><th>{s.amount_label}</th><th>{s.average_label}</th></tr></thead>
            <tbody>
                {r.items.into_iter().map(|i| view! {
                    <tr><td>{i.name.unwrap_or_else(|| "—".into())}</td><td class="num">{i.count}</td>
                        <td class="num">{i.total.format_ui()}</td><td class="num">{i.average.format_ui()}</td></tr>
                }).collect_view()}
            </tbody>
        </table>
    }
}
