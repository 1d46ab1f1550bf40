//! The dashboard's KPI tiles and the exact-money tables under its charts.

use crate::i18n::MoneyText;
use emhana_api_types::analytics::{DiscountsReport, MethodsReport, SourcesReport, SummaryReport};
use emhana_domain::kpi_change::{count_change, money_change, points_change, Change};
use leptos::prelude::*;

use crate::i18n::{date, percent, share, t};

/// The KPI tiles, each with its change against `previous` (the period of equal length before;
/// absent while it loads or when it failed).
#[component]
pub(super) fn Kpis(k: SummaryReport, previous: Option<SummaryReport>) -> impl IntoView {
    let s = t();
    let p = previous.as_ref();
    // (label, value, change, whether a rise is good news).
    let mut tiles: Vec<(&str, String, Option<Change>, bool)> = vec![
        (
            s.analytics().revenue_label,
            k.revenue.ui(),
            p.map(|p| money_change(k.revenue, p.revenue)),
            true,
        ),
        (
            s.visits_label,
            k.visits.to_string(),
            p.map(|p| count_change(k.visits, p.visits)),
            true,
        ),
        (
            s.patients_label,
            format!(
                "{} ({} {} / {} {})",
                k.unique_patients,
                k.new_patients,
                s.analytics().new_short,
                k.returning_patients,
                s.analytics().returning_short
            ),
            p.map(|p| count_change(k.unique_patients, p.unique_patients)),
            true,
        ),
        (
            s.analytics().average_check_label,
            k.average_check.ui(),
            p.map(|p| money_change(k.average_check, p.average_check)),
            true,
        ),
        (
            s.analytics().debt_label,
            k.outstanding_debt.ui(),
            p.map(|p| money_change(k.outstanding_debt, p.outstanding_debt)),
            false,
        ),
        (
            s.analytics().no_show_label,
            percent(k.no_show_rate_percent),
            p.map(|p| points_change(k.no_show_rate_percent, p.no_show_rate_percent)),
            false,
        ),
        (
            s.analytics().cashless_label,
            percent(k.cashless_share_percent),
            p.map(|p| points_change(k.cashless_share_percent, p.cashless_share_percent)),
            true,
        ),
    ];
    // Bonuses are a discount: beside revenue, only when the clinic runs a programme.
    if k.bonus_paid.is_positive() {
        tiles.push((
            s.analytics().analytics_bonus_paid,
            k.bonus_paid.ui(),
            p.map(|p| money_change(k.bonus_paid, p.bonus_paid)),
            true,
        ));
    }
    let compared = p.map(|p| {
        format!(
            "{} {} – {}",
            s.analytics().kpi_compared_to,
            date(&p.from),
            date(&p.to)
        )
    });
    view! {
        <p class="muted" data-testid="kpi-previous">{compared}</p>
        <div class="kpis" data-testid="kpis">
            {tiles.into_iter().map(|(label, value, change, rise_is_good)| view! {
                <div class="panel kpi">
                    <small>{label}</small>
                    <strong>{value}</strong>
                    {change.map(|c| view! { <ChangeLine change=c rise_is_good=rise_is_good /> })}
                </div>
            }).collect_view()}
        </div>
    }
}

/// One KPI's change: an arrow and the figure, green when it is good news, red when bad.
#[component]
fn ChangeLine(change: Change, rise_is_good: bool) -> impl IntoView {
    let s = t();
    let arrow = match change.signum() {
        1 => "▲",
        -1 => "▼",
        _ => "=",
    };
    let text = match change {
        Change::Percent(v) => format!("{arrow} {}", percent(v.abs())),
        Change::Points(v) => format!("{arrow} {} {}", share(v.abs()), s.analytics().kpi_points),
        Change::NoBase => s.analytics().kpi_no_base.to_owned(),
    };
    let tone = match (change.signum(), rise_is_good) {
        (0, _) => "delta",
        (1, true) | (-1, false) => "delta good",
        _ => "delta bad",
    };
    view! { <small class=tone data-testid="kpi-change">{text}</small> }
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
            <thead><tr><th>{s.source_label}</th><th>{s.visits_label}</th><th>{s.patients_label}</th><th>{s.analytics().revenue_label}</th><th>"%"</th><th>{s.analytics().average_check_label}</th></tr></thead>
            <tbody>
                {r.items.into_iter().map(|i| view! {
                    <tr class:best=best.as_deref() == Some(i.source.as_str())>
                        <td>{i.label}</td><td class="num">{i.visits}</td><td class="num">{i.patients}</td>
                        <td class="num">{i.revenue.ui()}</td><td class="num">{share(i.share_percent)}</td>
                        <td class="num">{i.average_check.ui()}</td>
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
            <thead><tr><th>{s.method_label}</th><th>{s.amount_label}</th><th>"%"</th><th>{s.visits_label}</th><th>{s.analytics().average_payment_label}</th></tr></thead>
            <tbody>
                {r.items.into_iter().map(|i| view! {
                    <tr class:best=popular.as_deref() == Some(i.method.as_str())>
                        <td>{crate::i18n::t().method_code(&i.method)}</td><td class="num">{i.amount.ui()}</td><td class="num">{share(i.share_percent)}</td>
                        <td class="num">{i.visits}</td><td class="num">{i.average_payment.ui()}</td>
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
        <p>{format!("{}: {} · {} · {} {}", s.analytics().discounts_heading, r.count, r.total.ui(), s.analytics().average_label, r.average.ui())}</p>
        <table class="table" data-testid="discounts-report">
            <thead><tr><th>{s.user_label}</th><th>{s.analytics().count_label}</th><th>{s.amount_label}</th><th>{s.analytics().average_label}</th></tr></thead>
            <tbody>
                {r.items.into_iter().map(|i| view! {
                    <tr><td>{i.name.unwrap_or_else(|| "—".into())}</td><td class="num">{i.count}</td>
                        <td class="num">{i.total.ui()}</td><td class="num">{i.average.ui()}</td></tr>
                }).collect_view()}
            </tbody>
        </table>
    }
}
