//! The tender table both reports share, and the Z report with its print button (the print
//! stylesheet leaves only the report on paper).

use crate::i18n::MoneyText;
use emhana_api_types::cash_desk::{
    BalanceSpendsView, TenderCountView, TenderTotalsView, ZReportView,
};
use leptos::prelude::*;

use crate::clinic;
use crate::i18n::t;

/// A tender's Russian label (`cash` → «Наличные»).
pub(crate) fn label(code: &str) -> String {
    crate::i18n::t().method_code(code)
}

/// Per tender: payments, refunds, net, expected; with `counts` (a Z) also counted and the
/// difference, highlighted when not zero.
#[component]
pub fn Tenders(tenders: Vec<TenderTotalsView>, counts: Vec<TenderCountView>) -> impl IntoView {
    let s = t();
    let z = !counts.is_empty();
    view! {
        <table class="table" data-testid="tenders">
            <thead><tr>
                <th>{s.cash_desk().desk_tender}</th><th>{s.cash_desk().desk_payments}</th><th>{s.cash_desk().desk_refunds}</th>
                <th>{s.cash_desk().desk_net}</th><th>{s.cash_desk().desk_deposits}</th><th>{s.cash_desk().desk_expected}</th>
                {z.then(|| view! { <th>{s.cash_desk().desk_counted}</th><th>{s.cash_desk().desk_difference}</th> })}
            </tr></thead>
            <tbody>
                {tenders.into_iter().map(|row| {
                    let count = counts.iter().find(|c| c.method == row.method).cloned();
                    view! {
                        <tr data-method=row.method.clone()>
                            <td>{label(&row.method)}</td>
                            <td class="num">{format!("{} ({})", row.payments.ui(), row.payment_count)}</td>
                            <td class="num">{format!("{} ({})", row.refunds.ui(), row.refund_count)}</td>
                            <td class="num">{row.net.ui()}</td>
                            <td class="num">{format!("+{} / −{}", row.deposits_in.ui(), row.deposits_out.ui())}</td>
                            <td class="num">{row.expected.ui()}</td>
                            {count.map(|c| view! {
                                <td class="num">{c.counted.ui()}</td>
                                <td class="num" class:difference=!c.difference.is_zero() data-testid=format!("difference-{}", c.method)>
                                    {c.difference.ui()}
                                </td>
                            })}
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}

/// Visits paid from deposits in the shift (revenue with no money at the desk), when any.
#[component]
pub fn BalanceSpends(spends: BalanceSpendsView) -> impl IntoView {
    let s = t();
    (spends.payments.is_positive() || spends.refunds.is_positive()).then(|| {
        view! {
            <p data-testid="deposit-spends">{format!("{}: {} · {}: {}",
                s.cash_desk().desk_from_deposits, spends.payments.ui(),
                s.cash_desk().desk_back_to_deposits, spends.refunds.ui())}</p>
        }
    })
}

/// A closed shift's Z report, printable.
#[component]
pub fn ZReport(report: ZReportView) -> impl IntoView {
    let s = t();
    let print = move |_| {
        let _ = window().print();
    };
    view! {
        <section class="panel z-report print-only-this" data-testid="z-report">
            <h2>{format!("{} № {} · {}", s.cash_desk().desk_z_heading, report.z_number, report.register_name)}</h2>
            <p>{format!("{}: {} {}", s.cash_desk().desk_opened, clinic::day_hm(&report.opened_at), report.opened_by.clone().unwrap_or_default())}</p>
            <p>{format!("{}: {} {}", s.cash_desk().desk_closed, clinic::day_hm(&report.closed_at), report.closed_by.clone().unwrap_or_default())}</p>
            <p>{format!("{}: {} · {}: {}", s.cash_desk().desk_float, report.opening.counted.ui(), s.cash_desk().desk_opening_difference, report.opening.difference.ui())}</p>
            <Tenders tenders=report.tenders.clone() counts=report.counts.clone() />
            <p>{format!("{}: {} · {}: {} · {}: {}", s.cash_desk().desk_cash_in, report.cash.cash_in.ui(), s.cash_desk().desk_cash_out, report.cash.cash_out.ui(), s.cash_desk().desk_voids, report.void_count)}</p>
            <BalanceSpends spends=report.from_deposits.clone() />
            {report.note.clone().map(|n| view! { <p>{format!("{}: {n}", s.notes_label)}</p> })}
            <button class="no-print" data-testid="print-z" on:click=print>{s.cash_desk().desk_print}</button>
        </section>
    }
}
