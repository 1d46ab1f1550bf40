//! The front desk's «Сегодня» panel above the calendar: the day's visits by status and, for
//! those who take payments, what the open shifts have taken so far by tender (their X figures).

use crate::erased::Loaded;
use crate::i18n::MoneyText;
use emhana_api_types::visits::VisitSummary;
use emhana_domain::access::Permission;
use emhana_domain::visit_status::VisitStatus;
use emhana_domain::Money;
use leptos::prelude::*;

use crate::api;
use crate::i18n::t;
use crate::pages::cash_desk::report::label;
use crate::session;

/// Counts of `visits` per status, in the statuses' own order, with their names.
fn by_status(visits: &[VisitSummary]) -> Vec<(String, usize)> {
    let order = |code: &str| {
        VisitStatus::from_code(code).map_or(usize::MAX, |s| {
            VisitStatus::ALL
                .iter()
                .position(|x| *x == s)
                .unwrap_or(usize::MAX)
        })
    };
    let mut counts: Vec<(usize, String, usize)> = Vec::new();
    for v in visits {
        let name = crate::i18n::t().status_code(&v.status);
        match counts.iter_mut().find(|(_, l, _)| *l == name) {
            Some(c) => c.2 += 1,
            None => counts.push((order(&v.status), name, 1)),
        }
    }
    counts.sort_by_key(|c| c.0);
    counts.into_iter().map(|(_, l, n)| (l, n)).collect()
}

/// Net takings per tender over every open shift (payments less refunds), and their total.
async fn open_shift_takings() -> Result<Option<(Vec<(String, Money)>, Money)>, api::ApiError> {
    let open: Vec<i64> = api::registers()
        .await?
        .into_iter()
        .filter(|r| r.shift_status.as_deref() == Some("open"))
        .filter_map(|r| r.shift_id)
        .collect();
    if open.is_empty() {
        return Ok(None);
    }
    let mut tenders: Vec<(String, Money)> = Vec::new();
    for id in open {
        let used = api::x_report(id)
            .await?
            .tenders
            .into_iter()
            .filter(|t| t.payment_count > 0 || t.refund_count > 0);
        for t in used {
            match tenders.iter_mut().find(|(m, _)| *m == t.method) {
                Some(e) => e.1 = e.1.checked_add(t.net).unwrap_or(e.1),
                None => tenders.push((t.method, t.net)),
            }
        }
    }
    let total = tenders
        .iter()
        .fold(Money::ZERO, |a, (_, m)| a.checked_add(*m).unwrap_or(a));
    Ok(Some((tenders, total)))
}

/// The panel for the day on screen (`visits` are that day's).
#[component]
pub fn TodayPanel(visits: Vec<VisitSummary>) -> impl IntoView {
    let s = t();
    let counts = by_status(&visits);
    let total = visits.len();
    let takings = session::can(Permission::PaymentsWrite).then(|| Loaded::new(open_shift_takings));
    view! {
        <div class="panel today" data-testid="today-panel">
            <p>
                <strong>{s.desk.today_visits}": "{total}</strong>
                {counts.into_iter().map(|(label, n)| view! { <span class="today-item">{format!("{label}: {n}")}</span> }).collect_view()}
            </p>
            {takings.map(|r| view! {
                <p data-testid="today-takings">
                    <strong>{s.desk.today_takings}": "</strong>
                    {move || match r.get() {
                        None => view! { <span class="muted">{s.loading}</span> }.into_any(),
                        Some(Err(e)) => view! { <span class="status-error">{e.message()}</span> }.into_any(),
                        Some(Ok(None)) => view! { <span class="muted">{s.desk.today_no_shift}</span> }.into_any(),
                        Some(Ok(Some((tenders, total)))) => view! {
                            {tenders.into_iter().map(|(m, net)| view! { <span class="today-item">{format!("{}: {}", label(&m), net.ui())}</span> }).collect_view()}
                            <span class="today-item"><strong>{format!("{}: {}", s.total_label, total.ui())}</strong></span>
                        }.into_any(),
                    }}
                </p>
            })}
        </div>
    }
}
