//! The patient card's balances: the deposit (top-up and withdrawal at the desk) and bonuses,
//! each with its statement (opening, every entry, closing). The server decides everything; the
//! panel reloads after each write.

use crate::erased::Loaded;
use crate::i18n::MoneyText;
use emhana_api_types::deposits::{StatementView, TopUpCreate, WithdrawalCreate};
use emhana_domain::{Money, PaymentMethod};
use leptos::prelude::*;

use crate::api::{self, ApiError};
use crate::clinic;
use crate::components::form::{field_error, form_action, FormError};
use crate::i18n::t;

/// The deposit and bonuses of patient `patient_id`.
#[component]
pub fn DepositPanel(patient_id: i64) -> impl IntoView {
    let s = t();
    let reload = RwSignal::new(0u32);
    let kind = RwSignal::new("deposit");
    let balances = Loaded::new(move || {
        reload.track();
        api::deposits::balance(patient_id)
    });
    let statement = Loaded::new(move || {
        reload.track();
        api::deposits::statement(patient_id, kind.get())
    });
    let saved = move || reload.update(|n| *n += 1);
    let tab = move |code: &'static str, label: &'static str| {
        view! {
            <button type="button" class="secondary" class:active=move || kind.get() == code
                data-testid=format!("statement-{code}") on:click=move |_| kind.set(code)>{label}</button>
        }
    };
    view! {
        <section class="panel" data-testid="deposit-panel">
            <h2>{s.patients().deposit_heading}</h2>
            {move || balances.get().map(|r| match r {
                Ok(b) => view! {
                    <div class="metrics">
                        <div><small>{s.patients().deposit_balance}</small><strong data-testid="deposit-balance">{b.deposit.ui()}</strong></div>
                        <div><small>{s.patients().bonus_balance}</small><strong data-testid="bonus-balance">{b.bonus.ui()}</strong></div>
                    </div>
                }.into_any(),
                Err(e) => view! { <p class="status-error" role="alert">{e.message()}</p> }.into_any(),
            })}
            <div class="form-row">{tab("deposit", s.patients().deposit_statement)}{tab("bonus", s.patients().bonus_statement)}</div>
            {move || statement.get().and_then(Result::ok).map(|st| view! { <StatementTable statement=st /> })}
            <TopUpForm patient_id=patient_id on_saved=saved />
            <WithdrawalForm patient_id=patient_id on_saved=saved />
        </section>
    }
}

fn method_label(code: Option<&str>) -> &'static str {
    code.and_then(PaymentMethod::from_code)
        .map_or("", |m| crate::i18n::t().method(m))
}

#[component]
fn StatementTable(statement: StatementView) -> impl IntoView {
    let s = t();
    if statement.entries.is_empty() {
        return view! { <p class="muted">{s.patients().deposit_empty}</p> }.into_any();
    }
    view! {
        <table class="table" data-testid="deposit-statement">
            <thead><tr>
                <th>{s.time_label}</th><th>{s.patients().deposit_operation}</th><th>{s.method_label}</th>
                <th>{s.amount_label}</th><th>{s.user_label}</th><th>{s.notes_label}</th>
            </tr></thead>
            <tbody>
                <tr><td></td><td>{s.patients().deposit_opening}</td><td></td>
                    <td class="num">{statement.opening.ui()}</td><td></td><td></td></tr>
                {statement.entries.into_iter().map(|e| view! {
                    <tr data-kind=e.kind.clone()>
                        <td>{clinic::day_hm(&e.at)}</td>
                        <td>{crate::i18n::label(crate::i18n::t().entry_kind_labels, &e.kind)}{e.appointment_id.map(|v| format!(" · {} №{v}", s.patients().visit_word))}</td>
                        <td>{method_label(e.method.as_deref())}</td>
                        <td class="num">{e.amount.ui()}</td>
                        <td>{e.by.clone().unwrap_or_default()}</td>
                        <td>{e.note.clone().unwrap_or_default()}{e.expires_on.map(|d| format!(" ({} {d})", s.patients().bonus_until))}</td>
                    </tr>
                }).collect_view()}
                <tr><td></td><td><strong>{s.patients().deposit_closing}</strong></td><td></td>
                    <td class="num" data-testid="statement-closing"><strong>{statement.closing.ui()}</strong></td><td></td><td></td></tr>
            </tbody>
        </table>
    }
    .into_any()
}

/// The real tenders as `<option>`s (the first one empty when `blank` names it).
fn tender_options(blank: Option<&'static str>) -> impl IntoView {
    let blank = blank.map(|b| view! { <option value="">{b}</option> });
    let tenders = PaymentMethod::TENDERS
        .into_iter()
        .map(|m| view! { <option value=m.code()>{crate::i18n::t().method(m)}</option> })
        .collect_view();
    view! { {blank}{tenders} }
}

#[component]
fn TopUpForm(patient_id: i64, on_saved: impl Fn() + Copy + Send + Sync + 'static) -> impl IntoView {
    let s = t();
    let method = RwSignal::new(PaymentMethod::Cash.code().to_owned());
    let amount = RwSignal::new(String::new());
    let note = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    // One key per top-up attempt: a retry after an error reuses it, a done one starts anew.
    let key = StoredValue::new(api::new_key());
    let done = move || {
        error.set(None);
        amount.set(String::new());
        note.set(String::new());
        key.set_value(api::new_key());
        on_saved();
    };
    let save = form_action(error, done, move |body: TopUpCreate| async move {
        api::deposits::top_up(patient_id, body, key.get_value())
            .await
            .map(drop)
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        save.dispatch_local(TopUpCreate {
            method: method.get_untracked(),
            amount: Money::wire_from_user_input(&amount.get_untracked()),
            note: Some(note.get_untracked()).filter(|n| !n.trim().is_empty()),
            register_id: crate::pages::cash_desk::current_register(),
        });
    };
    let field = move |name: &'static str| field_error(error, name);
    view! {
        <form class="form-row" on:submit=submit data-testid="topup-form">
            <h3>{s.patients().deposit_topup}</h3>
            <label>{s.method_label}
                <select name="topup_method" prop:value=method on:change=move |ev| method.set(event_target_value(&ev))>
                    {tender_options(None)}
                </select>
                <span class="field-error" data-field="method">{field("method")}</span>
            </label>
            <label>{s.amount_label}
                <input name="topup_amount" inputmode="decimal" placeholder="0" required
                    prop:value=amount on:input=move |ev| amount.set(event_target_value(&ev)) />
                <span class="field-error" data-field="amount">{field("amount")}</span>
            </label>
            <label class="grow">{s.notes_label}
                <input name="topup_note" prop:value=note on:input=move |ev| note.set(event_target_value(&ev)) />
            </label>
            <FormError error=error fields=&["method", "amount"] />
            <button type="submit" disabled=move || save.pending().get()>{s.patients().deposit_topup}</button>
        </form>
    }
}

#[component]
fn WithdrawalForm(
    patient_id: i64,
    on_saved: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let s = t();
    let amount = RwSignal::new(String::new());
    let method = RwSignal::new(String::new());
    let reason = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    let key = StoredValue::new(api::new_key());
    let done = move || {
        error.set(None);
        amount.set(String::new());
        reason.set(String::new());
        key.set_value(api::new_key());
        on_saved();
    };
    let save = form_action(error, done, move |body: WithdrawalCreate| async move {
        api::deposits::withdraw(patient_id, body, key.get_value())
            .await
            .map(drop)
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let typed = amount.get_untracked();
        save.dispatch_local(WithdrawalCreate {
            amount: (!typed.trim().is_empty()).then(|| Money::wire_from_user_input(&typed)),
            method: Some(method.get_untracked()).filter(|m| !m.is_empty()),
            reason: reason.get_untracked(),
            register_id: crate::pages::cash_desk::current_register(),
        });
    };
    let field = move |name: &'static str| field_error(error, name);
    view! {
        <form class="form-row" on:submit=submit data-testid="withdrawal-form">
            <h3>{s.patients().deposit_withdraw}</h3>
            <p class="muted">{s.patients().deposit_withdraw_hint}</p>
            <label>{s.amount_label}
                <input name="withdraw_amount" inputmode="decimal" placeholder=s.patients().deposit_all
                    prop:value=amount on:input=move |ev| amount.set(event_target_value(&ev)) />
                <span class="field-error" data-field="amount">{field("amount")}</span>
            </label>
            <label>{s.patients().deposit_withdraw_method}
                <select name="withdraw_method" prop:value=method on:change=move |ev| method.set(event_target_value(&ev))>
                    {tender_options(Some(s.refund_method_original))}
                </select>
                <span class="field-error" data-field="method">{field("method")}</span>
            </label>
            <label class="grow">{s.refund_reason}
                <input name="withdraw_reason" required prop:value=reason on:input=move |ev| reason.set(event_target_value(&ev)) />
                <span class="field-error" data-field="reason">{field("reason")}</span>
            </label>
            <FormError error=error fields=&["amount", "method", "reason"] />
            <button type="submit" class="secondary" disabled=move || save.pending().get()>{s.patients().deposit_withdraw}</button>
        </form>
    }
}
