//! The dashboard's KPI tiles and the exact-money tables under its charts.

use emhana_api_types::analytics::{DiscountsReport, MethodsReport, SourcesReport, SummaryReport};
use leptos::prelude::*;

use crate::i18n::{percent, share, t};

#[component]
pub(super) fn Kpis(k: SummaryReport) -> impl IntoView {
    let s = t();
    let mut tiles: Vec<(&str, String)> = vec![
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
        (s.no_show_label, percent(k.no_show_rate_percent)),
        (s.cashless_label, percent(k.cashless_share_percent)),
    ];
    // Bonuses are a discount: beside revenue, only when the clinic runs a programme.
    if k.bonus_paid.is_positive() {
        tiles.push((s.analytics_bonus_paid, k.bonus_paid.format_ui()));
    }
    view! {
        <div class="kpis" data-testid="kpis">
            {tiles.into_iter().map(|(label, value)| view! {
                <div class="panel kpi"><small>{label}</small><strong>{value}</strong></div>
            }).collect_view()}
        </div>
    }
}

#[component]
pub(super) fn SourcesTable(r: SourcesReport) -> impl IntoView {
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
                        <td class="num">{i.revenue.format_ui()}</td><td class="num">{share(i.share_percent)}</td>
                        <td class="num">{i.average_check.format_ui()}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }.into_any()
}

#[component]
pub(super) fn MethodsTable(r: MethodsReport) -> impl IntoView {
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
                        <td>{i.label}</td><td class="num">{i.amount.format_ui()}</td><td class="num">{share(i.share_percent)}</td>
                        <td class="num">{i.visits}</td><td class="num">{i.average_payment.format_ui()}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }.into_any()
}

#[component]
pub(super) fn DiscountsTable(r: DiscountsReport) -> impl IntoView {
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
