//! An open shift: who opened it and with what, the live X report, cash in/out, the journal, and
//! the button that starts the blind count.

use crate::erased::{effect, Loaded, Task};
use crate::i18n::MoneyText;
use emhana_api_types::cash_desk::{CashMovementCreate, ShiftEntryView, XReportView};
use emhana_domain::Money;
use leptos::prelude::*;

use super::report::{BalanceSpends, Tenders};
use crate::api::{self, ApiError};
use crate::clinic;
use crate::i18n::t;

/// The open shift `shift_id`; `on_counting` after the count has started.
#[component]
pub fn OpenShift(
    shift_id: i64,
    on_counting: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let s = t();
    let reload = RwSignal::new(0u32);
    let x = Loaded::new(move || {
        reload.track();
        api::x_report(shift_id)
    });
    let error = RwSignal::new(None::<ApiError>);
    let count = Task::new(move |(): &()| api::start_count(shift_id));
    effect(move || match count.result() {
        Some(Ok(_)) => on_counting(),
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    view! {
        <Transition fallback=move || view! { <p>{s.loading}</p> }>
            {move || x.get().map(|r| match r {
                Ok(report) => view! { <XReport report=report /> }.into_any(),
                Err(e) => view! { <p class="status-error" role="alert">{e.message()}</p> }.into_any(),
            })}
        </Transition>
        <Movements shift_id=shift_id on_moved=move || reload.update(|n| *n += 1) />
        <div class="panel form-row">
            <button class="primary" data-testid="start-count" on:click=move |_| { count.dispatch_local(()); }
                disabled=move || count.pending().get()>{s.cash_desk().desk_start_count}</button>
            {move || error.get().map(|e| view! { <p class="status-error" role="alert">{e.message()}</p> })}
        </div>
        {move || {
            reload.track();
            view! { <Journal shift_id=shift_id /> }
        }}
    }
}

/// The live X report with the shift's header.
#[component]
fn XReport(report: XReportView) -> impl IntoView {
    let s = t();
    let shift = report.shift.clone();
    view! {
        <section class="panel" data-testid="x-report">
            <h3>{format!("{} № {} · {}", s.cash_desk().desk_shift, shift.id, shift.register_name)}</h3>
            {shift.stale.then(|| view! { <p class="status-error" role="alert" data-testid="stale">{s.cash_desk().desk_stale}</p> })}
            <p class="muted">{format!("{}: {} {}", s.cash_desk().desk_opened, clinic::day_hm(&shift.opened_at), shift.opened_by.clone().unwrap_or_default())}</p>
            <p>{format!("{}: {} · {}: {}", s.cash_desk().desk_float, shift.counted_opening.ui(), s.cash_desk().desk_opening_difference, shift.opening_difference.ui())}</p>
            <h3>{s.cash_desk().desk_x_heading}</h3>
            <Tenders tenders=report.tenders.clone() counts=Vec::new() />
            <p data-testid="expected-cash">{format!("{}: {} ({} {}, {} {}, {} {})",
                s.cash_desk().desk_cash_expected, report.cash.expected.ui(),
                s.cash_desk().desk_float, report.cash.float.ui(),
                s.cash_desk().desk_cash_in, report.cash.cash_in.ui(),
                s.cash_desk().desk_cash_out, report.cash.cash_out.ui())}</p>
            <BalanceSpends spends=report.from_deposits.clone() />
            <p class="muted">{format!("{}: {}", s.cash_desk().desk_voids, report.void_count)}</p>
        </section>
    }
}

/// "Внесение / изъятие" with a reason.
#[component]
fn Movements(shift_id: i64, on_moved: impl Fn() + Copy + Send + Sync + 'static) -> impl IntoView {
    let s = t();
    let kind = RwSignal::new("in".to_owned());
    let amount = RwSignal::new(String::new());
    let reason = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    let save = Task::new(move |body: &CashMovementCreate| api::move_cash(shift_id, body.clone()));
    effect(move || match save.result() {
        Some(Ok(_)) => {
            amount.set(String::new());
            reason.set(String::new());
            error.set(None);
            on_moved();
        }
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let typed = amount.get_untracked();
        let amount = Money::wire_from_user_input(&typed);
        save.dispatch_local(CashMovementCreate {
            kind: kind.get_untracked(),
            amount,
            reason: reason.get_untracked(),
        });
    };
    view! {
        <section class="panel no-print">
            <h3>{s.cash_desk().desk_movement_heading}</h3>
            <form class="form-row" on:submit=submit data-testid="movement-form">
                <select name="kind" on:change=move |ev| kind.set(event_target_value(&ev))>
                    <option value="in">{s.cash_desk().desk_cash_in}</option>
                    <option value="out">{s.cash_desk().desk_cash_out}</option>
                </select>
                <input name="movement_amount" inputmode="decimal" placeholder="0"
                    prop:value=amount on:input=move |ev| amount.set(event_target_value(&ev)) />
                <input name="movement_reason" placeholder=s.cash_desk().desk_reason class="grow"
                    prop:value=reason on:input=move |ev| reason.set(event_target_value(&ev)) />
                <button type="submit" disabled=move || save.pending().get()>{s.cash_desk().desk_movement_submit}</button>
            </form>
            {move || error.get().map(|e| view! { <p class="status-error" role="alert">{e.message()}</p> })}
        </section>
    }
}

/// Everything posted into the shift, oldest first.
#[component]
fn Journal(shift_id: i64) -> impl IntoView {
    let s = t();
    let entries = Loaded::new(move || api::shift_entries(shift_id));
    view! {
        <section class="panel">
            <h3>{s.cash_desk().desk_journal_heading}</h3>
            <Transition fallback=move || view! { <p>{s.loading}</p> }>
                {move || entries.get().map(|r| match r {
                    Ok(list) => view! { <JournalTable entries=list /> }.into_any(),
                    Err(e) => view! { <p class="status-error">{e.message()}</p> }.into_any(),
                })}
            </Transition>
        </section>
    }
}

/// Journal lines as a table (also the day's payments outside shifts).
#[component]
pub fn JournalTable(entries: Vec<ShiftEntryView>) -> impl IntoView {
    let s = t();
    let kind = move |k: &str| match k {
        "payment" => s.cash_desk().desk_kind_payment,
        "refund" => s.cash_desk().desk_kind_refund,
        "cash_in" => s.cash_desk().desk_cash_in,
        "deposit_in" => s.cash_desk().desk_kind_deposit_in,
        "deposit_out" => s.cash_desk().desk_kind_deposit_out,
        _ => s.cash_desk().desk_cash_out,
    };
    view! {
        <table class="table" data-testid="shift-journal">
            <thead><tr><th>{s.time_label}</th><th>{s.cash_desk().desk_status}</th><th>{s.cash_desk().desk_tender}</th><th>{s.amount_label}</th><th>{s.patients_label}</th><th>{s.cash_desk().desk_by}</th><th>{s.cash_desk().desk_reason}</th></tr></thead>
            <tbody>
                {entries.into_iter().map(|e| {
                    let method = crate::i18n::t().method_code(&e.method);
                    let sign = if matches!(e.kind.as_str(), "refund" | "cash_out" | "deposit_out") { "−" } else { "" };
                    view! {
                        <tr class:voided=e.voided class:refund=e.kind == "refund">
                            <td>{clinic::hm(&e.at)}</td>
                            <td>{kind(&e.kind)}{e.voided.then(|| format!(" ({})", s.cash_desk().desk_voided))}</td>
                            <td>{method}</td>
                            <td class="num">{format!("{sign}{}", e.amount.ui())}</td>
                            <td>{e.patient_name.clone().unwrap_or_default()}</td>
                            <td>{e.by.clone().unwrap_or_default()}</td>
                            <td>{e.reason.clone().unwrap_or_default()}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}
