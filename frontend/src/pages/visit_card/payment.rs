//! "💳 Управление оплатой": total / paid / remaining, a progress bar, one amount per method and,
//! when the patient has one, from the deposit (the domain's overpayment and deposit guards checked
//! live, saying why), and the payment history with void.

use crate::erased::Loaded;
use crate::i18n::MoneyText;
use emhana_api_types::visits::{PaymentCreate, PaymentPart, VisitView};
use emhana_domain::bonus::BonusProgramme;
use emhana_domain::payment::check_payment;
use emhana_domain::{Money, PaymentMethod};
use leptos::prelude::*;

use crate::components::form::{method_amounts, MethodAmountInputs};

use super::{VisitWrite, WriteAction};
use crate::clinic;
use crate::i18n::t;

/// "💳 Управление оплатой".
#[component]
pub fn PaymentPanel(visit: VisitView, write: WriteAction) -> impl IntoView {
    let s = t();
    let v = visit.summary.clone();
    let (total, paid, remaining) = (v.total, v.paid, v.remaining);
    let percent = if total.is_zero() {
        100
    } else {
        (paid.tiyn().saturating_mul(100) / total.tiyn()).clamp(0, 100)
    };
    // One amount per method; an empty field means "not this method".
    let amounts = method_amounts();
    // The patient's deposit and bonuses: their own fields, shown when they hold something.
    let from_deposit = RwSignal::new(String::new());
    let with_bonus = RwSignal::new(String::new());
    let patient = visit.summary.patient.id;
    let balances = Loaded::new(move || async move {
        crate::api::deposits::balance(patient)
            .await
            .map_or((Money::ZERO, Money::ZERO), |b| (b.deposit, b.bonus))
    });
    let available = move || balances.get().map_or(Money::ZERO, |b| b.0);
    let bonus_held = move || balances.get().map_or(Money::ZERO, |b| b.1);
    // The programme's cap on this visit: its share less what bonuses already paid.
    let programme = Loaded::new(move || async move {
        let share = crate::api::deposits::bonus_programme()
            .await
            .ok()
            .and_then(|p| Money::parse_user_input(&p.current.max_share_percent).ok())
            .map_or(0, Money::tiyn);
        BonusProgramme {
            max_share_bp: share,
            ..BonusProgramme::off()
        }
    });
    let bonus_paid = Money::from_tiyn(
        visit
            .payments
            .iter()
            .filter(|p| p.method == PaymentMethod::Bonus.code() && p.voided_at.is_none())
            .map(|p| p.amount.tiyn() - p.refunded.tiyn())
            .sum(),
    );
    let rules = move || programme.get().unwrap_or_else(BonusProgramme::off);
    let bonus_cap = move || rules().cap(total, bonus_paid).min(remaining);
    let note = RwSignal::new(String::new());
    let busy = write.pending();
    // A key per payment attempt: a retry of the same attempt (after an error) reuses it; a taken
    // payment changes the visit, which draws a new panel with a new key.
    let key = StoredValue::new(crate::api::new_key());
    // The domain's overpayment guard, live: the form says why before the server has to.
    let check = move || -> Result<Vec<(PaymentMethod, Money)>, String> {
        let mut fields = amounts.get_value();
        fields.push((PaymentMethod::Balance, from_deposit));
        fields.push((PaymentMethod::Bonus, with_bonus));
        let parts = checked_parts(&fields, (total, paid), available())?;
        if let Some(asked) = parts.iter().find(|p| p.0 == PaymentMethod::Bonus) {
            rules()
                .check_spend(asked.1, (total, bonus_paid), bonus_held())
                .map_err(|e| e.to_string())?;
        }
        Ok(parts)
    };
    let fill_with_bonus = move |_| {
        with_bonus.set(bonus_held().min(bonus_cap()).to_string());
    };
    let fill_from_deposit = move |_| {
        from_deposit.set(available().min(remaining).to_string());
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Ok(parts) = check() else { return };
        let body = PaymentCreate {
            payments: parts
                .into_iter()
                .map(|(m, a)| PaymentPart {
                    method: m.code().into(),
                    amount: a.to_string(),
                })
                .collect(),
            note: Some(note.get_untracked()).filter(|n| !n.trim().is_empty()),
            register_id: crate::pages::cash_desk::current_register(),
        };
        write.dispatch_local(VisitWrite::Pay(body, key.get_value()));
    };
    view! {
        <h3>"💳 "{s.desk.payment_heading}</h3>
        <div class="metrics">
            <div><small>{s.total_label}</small><strong data-testid="total">{total.ui()}</strong></div>
            <div><small>{s.desk.paid_label}</small><strong data-testid="paid">{paid.ui()}</strong></div>
            <div><small>{s.desk.remaining_label}</small><strong data-testid="remaining">{remaining.ui()}</strong></div>
        </div>
        <div class="progress" role="progressbar" aria-valuemin="0" aria-valuemax="100" aria-valuenow=percent>
            <div class=format!("bar pay-{}", v.payment_status) style=format!("width: {percent}%")></div>
        </div>
        {(!remaining.is_zero()).then(|| view! {
            <form class="form-row" on:submit=submit data-testid="payment-form">
                <MethodAmountInputs amounts=amounts prefix="amount" />
                {move || available().is_positive().then(|| view! {
                    <label>{format!("{} ({} {})", s.desk.pay_from_deposit, s.desk.deposit_available, available().ui())}
                        <input name="amount_balance" inputmode="decimal" placeholder="0"
                            prop:value=from_deposit on:input=move |ev| from_deposit.set(event_target_value(&ev)) />
                        <button type="button" class="link" data-testid="fill-from-deposit" on:click=fill_from_deposit>{s.desk.pay_from_deposit}</button>
                    </label>
                })}
                {move || (bonus_held().is_positive() && bonus_cap().is_positive()).then(|| view! {
                    <label>{format!("{} ({} {}, {} {})", s.desk.pay_with_bonus, s.desk.deposit_available, bonus_held().ui(), s.desk.bonus_cap, bonus_cap().ui())}
                        <input name="amount_bonus" inputmode="decimal" placeholder="0"
                            prop:value=with_bonus on:input=move |ev| with_bonus.set(event_target_value(&ev)) />
                        <button type="button" class="link" data-testid="fill-with-bonus" on:click=fill_with_bonus>{s.desk.pay_with_bonus}</button>
                    </label>
                })}
                <label class="grow">{s.notes_label}
                    <input name="payment_note" prop:value=note on:input=move |ev| note.set(event_target_value(&ev)) />
                </label>
                <button type="submit" disabled=move || busy.get() || check().is_err()>{s.desk.take_payment}</button>
                <p class="status-error" data-testid="payment-error">{move || check().err().unwrap_or_default()}</p>
            </form>
        })}
        <PaymentHistory visit=visit write=write />
    }
}

/// The typed amounts as `(method, amount)` parts (empty fields: not this method), checked with
/// the domain's overpayment guard; the reason (or an empty one for "nothing typed") otherwise.
fn checked_parts(
    amounts: &[(PaymentMethod, RwSignal<String>)],
    (total, paid): (Money, Money),
    deposit: Money,
) -> Result<Vec<(PaymentMethod, Money)>, String> {
    let mut parts = Vec::new();
    for (m, a) in amounts {
        let typed = a.get();
        if typed.trim().is_empty() {
            continue;
        }
        let money = Money::parse_user_input(&typed)
            .map_err(|e| format!("{}: {e}", crate::i18n::t().method(*m)))?;
        parts.push((*m, money));
    }
    if parts.is_empty() {
        return Err(String::new());
    }
    if let Some(asked) = parts.iter().find(|p| p.0 == PaymentMethod::Balance) {
        emhana_domain::balance::check_spend(deposit, asked.1).map_err(|e| e.to_string())?;
    }
    let sum = Money::checked_sum(parts.iter().map(|p| p.1)).map_err(|e| e.to_string())?;
    check_payment(total, paid, sum).map_err(|e| e.to_string())?;
    Ok(parts)
}

/// Payments with their method, amount, who and when; live ones can be voided with a reason.
#[component]
fn PaymentHistory(visit: VisitView, write: WriteAction) -> impl IntoView {
    let s = t();
    let reason = RwSignal::new(String::new());
    if visit.payments.is_empty() {
        return view! { <p class="muted">{s.desk.no_payments}</p> }.into_any();
    }
    view! {
        <table class="table" data-testid="payments-table">
            <thead><tr><th>{s.time_label}</th><th>{s.method_label}</th><th>{s.amount_label}</th><th>{s.user_label}</th><th></th></tr></thead>
            <tbody>
                {visit.payments.into_iter().map(|p| {
                    let pid = p.id;
                    let void = move |_| {
                        write.dispatch_local(VisitWrite::Void(pid, reason.get_untracked()));
                    };
                    view! {
                        <tr class:voided=p.voided_at.is_some()>
                            <td>{clinic::day_hm(&p.paid_at)}</td>
                            <td>{crate::i18n::t().method_code(&p.method)}</td>
                            <td class="num">{p.amount.ui()}</td>
                            <td>{p.received_by.as_ref().map(|r| r.name.clone()).unwrap_or_default()}</td>
                            <td>{match p.voided_at {
                                Some(_) => view! { <span class="muted">{format!("{}: {}", s.desk.voided, p.void_reason.clone().unwrap_or_default())}</span> }.into_any(),
                                None => view! { <button type="button" class="link" on:click=void>{s.desk.void_payment}</button> }.into_any(),
                            }}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
        <label>{s.desk.void_reason}
            <input name="void_reason" prop:value=reason on:input=move |ev| reason.set(event_target_value(&ev)) />
        </label>
    }.into_any()
}
