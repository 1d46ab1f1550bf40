//! The visit editor: who, when, status buttons, source picker, services with per-visit prices
//! (base price as the hint, a save button per line), and "💳 Управление оплатой" — total / paid
//! / remaining, a progress bar, several methods with an amount each (blocked above the remainder,
//! saying why), and the payment history with void.

use emhana_api_types::directories::{LeadSourceView, ServiceView};
use emhana_api_types::visits::{
    LineCreate, PaymentCreate, PaymentPart, StatusChange, VisitLineView, VisitUpdate, VisitView,
};
use emhana_domain::payment::check_payment;
use emhana_domain::{Money, PaymentMethod, Role, VisitStatus};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{self, ApiError};
use crate::clinic;
use crate::i18n::t;
use crate::session;

/// The caller's role (the server enforces the same rules).
fn role() -> Option<Role> {
    session::user().with_untracked(|u| u.as_ref().map(|u| u.role))
}

/// The visit card for `visit_id`; `on_changed` runs after every successful change (so the
/// calendar or list refreshes).
#[component]
pub fn VisitCard(
    /// Which visit.
    visit_id: i64,
    /// After every change.
    on_changed: impl Fn() + Copy + Send + Sync + 'static,
    /// The close button.
    on_close: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let s = t();
    let visit = RwSignal::new(None::<VisitView>);
    let error = RwSignal::new(None::<String>);
    spawn_local(async move {
        match api::visit(visit_id).await {
            Ok(v) => visit.set(Some(v)),
            Err(e) => error.set(Some(e.message())),
        }
    });
    // Every change answers with the whole visit: show it, tell the page.
    let apply = move |r: Result<VisitView, ApiError>| match r {
        Ok(v) => {
            visit.set(Some(v));
            error.set(None);
            on_changed();
        }
        Err(e) => error.set(Some(e.message())),
    };
    view! {
        <section class="panel visit-card" data-testid="visit-card">
            <button type="button" class="secondary close" on:click=move |_| on_close()>{s.close}</button>
            {move || error.get().map(|e| view! { <p class="status-error" role="alert">{e}</p> })}
            {move || match visit.get() {
                None => view! { <p class="muted">{s.loading}</p> }.into_any(),
                Some(v) => view! {
                    <VisitHeader visit=v.clone() apply=apply />
                    <LinesEditor visit=v.clone() apply=apply />
                    <PaymentPanel visit=v apply=apply />
                }.into_any(),
            }}
        </section>
    }
}

/// Patient, doctor, time, status with its buttons, source.
#[component]
fn VisitHeader(
    visit: VisitView,
    apply: impl Fn(Result<VisitView, ApiError>) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let s = t();
    let v = visit.summary.clone();
    let id = v.id;
    let version = v.version;
    let status = VisitStatus::from_code(&v.status).unwrap_or(VisitStatus::Scheduled);
    let move_to = move |to: VisitStatus, reason: Option<String>| {
        spawn_local(async move {
            let body = StatusChange {
                status: to.code().into(),
                reason,
                version: Some(version),
                allow_overlap: false,
                overlap_reason: None,
            };
            apply(api::change_status(id, body).await);
        });
    };
    let revert_reason = RwSignal::new(String::new());
    let revert = status
        .revert_target()
        .filter(|_| role().is_some_and(Role::is_manager));
    let sources = LocalResource::new(|| api::lead_sources(false));
    let source = v.source.clone();
    let change_source = move |code: String| {
        spawn_local(async move {
            let body = VisitUpdate {
                source: Some(code),
                version: Some(version),
                ..VisitUpdate::default()
            };
            apply(api::update_visit(id, body).await);
        });
    };
    // Moving a scheduled visit: another day, time or doctor (the server re-checks the clash).
    let local_start = clinic::local(&v.starts_at);
    let new_day = RwSignal::new(
        local_start
            .map(|t| t.date().to_string())
            .unwrap_or_default(),
    );
    let new_time = RwSignal::new(
        local_start
            .map(|t| t.format("%H:%M").to_string())
            .unwrap_or_default(),
    );
    let new_doctor = RwSignal::new(v.doctor.id);
    let doctors = LocalResource::new(|| api::doctors(false));
    let reschedule = move |_| {
        let (Ok(d), Ok(tm)) = (
            new_day.get_untracked().parse::<chrono::NaiveDate>(),
            chrono::NaiveTime::parse_from_str(&new_time.get_untracked(), "%H:%M"),
        ) else {
            return;
        };
        spawn_local(async move {
            let body = VisitUpdate {
                starts_at: Some(clinic::to_api(d, tm)),
                doctor_id: Some(new_doctor.get_untracked()),
                version: Some(version),
                ..VisitUpdate::default()
            };
            apply(api::update_visit(id, body).await);
        });
    };
    let movable = status == VisitStatus::Scheduled
        && session::can(emhana_domain::access::Permission::VisitsWrite);
    let current_doctor = v.doctor.id;
    view! {
        <h2>{format!("{} · {}", v.patient.name, emhana_domain::validation::PhoneNumber::display(&v.patient_phone))}</h2>
        <p>
            {format!("{} · {}–{} · ", v.doctor.name, clinic::day_hm(&v.starts_at), clinic::hm(&v.ends_at))}
            <span class=format!("badge status-{}", v.status) data-testid="visit-status">{v.status_label.clone()}</span>
            " "
            <span class=format!("badge pay-{}", v.payment_status) data-testid="payment-status">{v.payment_status_label.clone()}</span>
        </p>
        <div class="form-row">
            {status.next_moves().iter().map(|to| {
                let to = *to;
                let label = match to {
                    VisitStatus::InProgress => s.arrived,
                    VisitStatus::Completed => s.finish_visit,
                    VisitStatus::NoShow => s.no_show,
                    _ => s.cancel_visit,
                };
                let class = if to == VisitStatus::Cancelled || to == VisitStatus::NoShow { "secondary" } else { "" };
                view! { <button type="button" class=class on:click=move |_| move_to(to, None)>{label}</button> }
            }).collect_view()}
            {revert.map(|to| view! {
                <label>{s.revert_reason}
                    <input name="revert_reason" prop:value=revert_reason on:input=move |ev| revert_reason.set(event_target_value(&ev)) />
                </label>
                <button type="button" class="secondary" on:click=move |_| move_to(to, Some(revert_reason.get_untracked()))>
                    {format!("{} «{}»", s.revert_to, to.label_ru())}
                </button>
            })}
            {movable.then(|| view! {
                <fieldset class="form-row" data-testid="reschedule">
                    <legend>{s.reschedule}</legend>
                    <label>{s.date_label}<input type="date" name="move_date" prop:value=new_day on:input=move |ev| new_day.set(event_target_value(&ev)) /></label>
                    <label>{s.time_label}<input type="time" name="move_time" step="300" prop:value=new_time on:input=move |ev| new_time.set(event_target_value(&ev)) /></label>
                    <label>{s.doctor_label}
                        <select name="move_doctor" on:change=move |ev| if let Ok(d) = event_target_value(&ev).parse() { new_doctor.set(d) }>
                            {move || doctors.get().and_then(Result::ok).unwrap_or_default().into_iter().map(|d| {
                                view! { <option value=d.id.to_string() selected=d.id == current_doctor>{format!("{} {}", d.last_name, d.first_name)}</option> }
                            }).collect_view()}
                        </select>
                    </label>
                    <button type="button" class="secondary" on:click=reschedule>{s.reschedule}</button>
                </fieldset>
            })}
            <label>{s.source_label}
                <select name="source" on:change=move |ev| change_source(event_target_value(&ev))>
                    {move || sources.get().and_then(Result::ok).unwrap_or_default().into_iter().map(|src: LeadSourceView| {
                        let selected = src.code == source;
                        view! { <option value=src.code.clone() selected=selected>{src.label}</option> }
                    }).collect_view()}
                </select>
            </label>
        </div>
    }
}

/// The services of the visit with per-visit prices.
#[component]
fn LinesEditor(
    visit: VisitView,
    apply: impl Fn(Result<VisitView, ApiError>) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let s = t();
    let id = visit.summary.id;
    let status = VisitStatus::from_code(&visit.summary.status).unwrap_or(VisitStatus::Scheduled);
    let editable = role().is_some_and(|r| status.lines_editable_by(r));
    let services = LocalResource::new(|| api::services(false));
    let to_add = RwSignal::new(None::<i64>);
    let on_visit: Vec<i64> = visit.lines.iter().map(|l| l.service_id).collect();
    let add = move |_| {
        if let Some(service_id) = to_add.get_untracked() {
            spawn_local(async move {
                apply(
                    api::add_line(
                        id,
                        LineCreate {
                            service_id,
                            price: None,
                        },
                    )
                    .await,
                );
            });
        }
    };
    view! {
        <h3>{s.services_heading}</h3>
        <table class="table" data-testid="lines-table">
            <thead><tr><th>{s.service_name_label}</th><th>{s.price_label}</th><th></th><th>{s.paid_label}</th><th></th></tr></thead>
            <tbody>
                {visit.lines.into_iter().map(|l| view! { <LineRow visit_id=id line=l editable=editable apply=apply /> }).collect_view()}
            </tbody>
        </table>
        {editable.then(|| view! {
            <div class="form-row">
                <label>{s.add_service}
                    <select name="add_service" on:change=move |ev| to_add.set(event_target_value(&ev).parse().ok())>
                        <option value="">"—"</option>
                        {move || {
                            let on_visit = on_visit.clone();
                            services.get().and_then(Result::ok).unwrap_or_default().into_iter()
                                .filter(move |sv: &ServiceView| !on_visit.contains(&sv.id))
                                .map(|sv| view! { <option value=sv.id.to_string()>{format!("{} · {}", sv.name, sv.base_price.format_ui())}</option> })
                                .collect_view()
                        }}
                    </select>
                </label>
                <button type="button" class="secondary" on:click=add>{s.add}</button>
            </div>
        })}
    }
}

/// One line: the price input with the base price as its hint, and its own save button.
#[component]
fn LineRow(
    visit_id: i64,
    line: VisitLineView,
    editable: bool,
    apply: impl Fn(Result<VisitView, ApiError>) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let s = t();
    let price = RwSignal::new(line.price.to_string());
    let line_id = line.id;
    let save = move |_| {
        let typed = price.get_untracked();
        // "4 500" and "4500,50" are fine to type; what does not parse goes as typed (the server names it).
        let wire = Money::parse_user_input(&typed).map_or(typed, |m| m.to_string());
        spawn_local(async move { apply(api::set_line_price(visit_id, line_id, wire).await) });
    };
    let remove =
        move |_| spawn_local(async move { apply(api::remove_line(visit_id, line_id).await) });
    let removable = editable && line.paid.is_zero();
    view! {
        <tr data-testid="line">
            <td>{line.service_name.clone()}</td>
            <td>
                <input name="price" inputmode="decimal" class="price" disabled=!editable
                    prop:value=price on:input=move |ev| price.set(event_target_value(&ev))
                    on:keydown=move |ev| if ev.key() == "Enter" { save(()) } />
                <small class="muted hint">{format!("{} {}", s.base_price_hint, line.base_price.format_ui())}</small>
            </td>
            <td>{editable.then(|| view! { <button type="button" class="secondary" title=s.save on:click=move |_| save(())>"💾 "{s.save}</button> })}</td>
            <td class="num">{line.paid.format_ui()}</td>
            <td>{removable.then(|| view! { <button type="button" class="link" title=s.remove on:click=remove>"✕"</button> })}</td>
        </tr>
    }
}

/// "💳 Управление оплатой".
#[component]
fn PaymentPanel(
    visit: VisitView,
    apply: impl Fn(Result<VisitView, ApiError>) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let s = t();
    let v = visit.summary.clone();
    let id = v.id;
    let (total, paid, remaining) = (v.total, v.paid, v.remaining);
    let percent = if total.is_zero() {
        100
    } else {
        (paid.tiyn().saturating_mul(100) / total.tiyn()).clamp(0, 100)
    };
    // One amount per method; an empty field means "not this method".
    let amounts: Vec<(PaymentMethod, RwSignal<String>)> = PaymentMethod::ALL
        .into_iter()
        .map(|m| (m, RwSignal::new(String::new())))
        .collect();
    let amounts = StoredValue::new(amounts);
    let note = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    // A fresh key per payment attempt; a retry of the same attempt reuses it.
    let key = StoredValue::new(new_key());
    let parts = move || -> Result<Vec<(PaymentMethod, Money)>, String> {
        let mut out = Vec::new();
        for (m, a) in amounts.get_value() {
            let typed = a.get();
            if typed.trim().is_empty() {
                continue;
            }
            let money =
                Money::parse_user_input(&typed).map_err(|e| format!("{}: {e}", m.label_ru()))?;
            out.push((m, money));
        }
        Ok(out)
    };
    // The domain's overpayment guard, live: the form says why before the server has to.
    let check = move || -> Result<Vec<(PaymentMethod, Money)>, String> {
        let parts = parts()?;
        if parts.is_empty() {
            return Err(String::new());
        }
        let sum = Money::checked_sum(parts.iter().map(|p| p.1)).map_err(|e| e.to_string())?;
        check_payment(total, paid, sum).map_err(|e| e.to_string())?;
        Ok(parts)
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
        };
        busy.set(true);
        spawn_local(async move {
            let result = api::pay(id, body, key.get_value()).await;
            busy.set(false);
            if result.is_ok() {
                key.set_value(new_key());
            }
            apply(result);
        });
    };
    view! {
        <h3>"💳 "{s.payment_heading}</h3>
        <div class="metrics">
            <div><small>{s.total_label}</small><strong data-testid="total">{total.format_ui()}</strong></div>
            <div><small>{s.paid_label}</small><strong data-testid="paid">{paid.format_ui()}</strong></div>
            <div><small>{s.remaining_label}</small><strong data-testid="remaining">{remaining.format_ui()}</strong></div>
        </div>
        <div class="progress" role="progressbar" aria-valuemin="0" aria-valuemax="100" aria-valuenow=percent>
            <div class=format!("bar pay-{}", v.payment_status) style=format!("width: {percent}%")></div>
        </div>
        {(!remaining.is_zero()).then(|| view! {
            <form class="form-row" on:submit=submit data-testid="payment-form">
                {amounts.get_value().into_iter().map(|(m, a)| view! {
                    <label>{m.label_ru()}
                        <input name=format!("amount_{}", m.code()) inputmode="decimal" placeholder="0"
                            prop:value=a on:input=move |ev| a.set(event_target_value(&ev)) />
                    </label>
                }).collect_view()}
                <label class="grow">{s.notes_label}
                    <input name="payment_note" prop:value=note on:input=move |ev| note.set(event_target_value(&ev)) />
                </label>
                <button type="submit" disabled=move || busy.get() || check().is_err()>{s.take_payment}</button>
                <p class="status-error" data-testid="payment-error">{move || check().err().unwrap_or_default()}</p>
            </form>
        })}
        <PaymentHistory visit=visit apply=apply />
    }
}

fn new_key() -> String {
    web_sys::window()
        .and_then(|w| w.crypto().ok())
        .map(|c| c.random_uuid())
        .unwrap_or_else(|| format!("spa-{}", chrono::Utc::now().timestamp_micros()))
}

/// Payments with their method, amount, who and when; live ones can be voided with a reason.
#[component]
fn PaymentHistory(
    visit: VisitView,
    apply: impl Fn(Result<VisitView, ApiError>) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let s = t();
    let reason = RwSignal::new(String::new());
    if visit.payments.is_empty() {
        return view! { <p class="muted">{s.no_payments}</p> }.into_any();
    }
    view! {
        <table class="table" data-testid="payments-table">
            <thead><tr><th>{s.time_label}</th><th>{s.method_label}</th><th>{s.amount_label}</th><th>{s.user_label}</th><th></th></tr></thead>
            <tbody>
                {visit.payments.into_iter().map(|p| {
                    let pid = p.id;
                    let void = move |_| {
                        let r = reason.get_untracked();
                        spawn_local(async move { apply(api::void_payment(pid, r).await) });
                    };
                    view! {
                        <tr class:voided=p.voided_at.is_some()>
                            <td>{clinic::day_hm(&p.paid_at)}</td>
                            <td>{p.method_label.clone()}</td>
                            <td class="num">{p.amount.format_ui()}</td>
                            <td>{p.received_by.as_ref().map(|r| r.name.clone()).unwrap_or_default()}</td>
                            <td>{match p.voided_at {
                                Some(_) => view! { <span class="muted">{format!("{}: {}", s.voided, p.void_reason.clone().unwrap_or_default())}</span> }.into_any(),
                                None => view! { <button type="button" class="link" on:click=void>{s.void_payment}</button> }.into_any(),
                            }}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
        <label>{s.void_reason}
            <input name="void_reason" prop:value=reason on:input=move |ev| reason.set(event_target_value(&ev)) />
        </label>
    }.into_any()
}
