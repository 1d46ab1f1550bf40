//! "Бонусная программа" (owner): accrual percent and the tenders that earn it, the share of a
//! visit payable by bonuses, expiry, the welcome bonus for a referral source, and the day the
//! new rules start. Versions scheduled for later are listed.

use emhana_api_types::deposits::{BonusProgrammeView, BonusProgrammeWrite};
use emhana_domain::PaymentMethod;
use leptos::prelude::*;

use crate::api::{self, ApiError};
use crate::components::form::{field_error, FormError};
use crate::erased::{effect, Loaded, Task};
use crate::i18n::t;

/// The form's fields.
#[derive(Clone, Copy)]
struct Fields {
    enabled: RwSignal<bool>,
    accrual: RwSignal<String>,
    earning: RwSignal<Vec<String>>,
    max_share: RwSignal<String>,
    expiry: RwSignal<String>,
    welcome: RwSignal<String>,
    source: RwSignal<String>,
    effective: RwSignal<String>,
}

impl Fields {
    fn new() -> Self {
        Self {
            enabled: RwSignal::new(false),
            accrual: RwSignal::new(String::new()),
            earning: RwSignal::new(Vec::new()),
            max_share: RwSignal::new(String::new()),
            expiry: RwSignal::new(String::new()),
            welcome: RwSignal::new(String::new()),
            source: RwSignal::new(String::new()),
            effective: RwSignal::new(String::new()),
        }
    }

    fn fill(self, p: &BonusProgrammeWrite) {
        self.enabled.set(p.enabled);
        self.accrual.set(p.accrual_percent.clone());
        self.earning.set(p.earning_methods.clone());
        self.max_share.set(p.max_share_percent.clone());
        self.expiry.set(p.expiry_days.to_string());
        self.welcome.set(p.welcome_amount.clone());
        self.source.set(
            p.welcome_source_id
                .map(|i| i.to_string())
                .unwrap_or_default(),
        );
    }

    fn body(self) -> BonusProgrammeWrite {
        let effective = self.effective.get_untracked();
        BonusProgrammeWrite {
            enabled: self.enabled.get_untracked(),
            accrual_percent: self.accrual.get_untracked(),
            earning_methods: self.earning.get_untracked(),
            max_share_percent: self.max_share.get_untracked(),
            // Not a number: -1, which the server names as out of range.
            expiry_days: self.expiry.get_untracked().trim().parse().unwrap_or(-1),
            welcome_amount: emhana_domain::Money::wire_from_user_input(
                &self.welcome.get_untracked(),
            ),
            welcome_source_id: self.source.get_untracked().parse().ok(),
            effective_from: (!effective.is_empty()).then_some(effective),
        }
    }
}

/// `/loyalty`
#[component]
pub fn LoyaltyPage() -> impl IntoView {
    let s = t();
    let f = Fields::new();
    let loaded = Loaded::new(api::deposits::bonus_programme);
    let view_now = RwSignal::new(None::<BonusProgrammeView>);
    effect(move || {
        if let Some(Ok(v)) = loaded.get() {
            f.fill(&v.current);
            view_now.set(Some(v));
        }
    });
    let sources = Loaded::new(|| api::lead_sources(false));
    let error = RwSignal::new(None::<ApiError>);
    let saved = RwSignal::new(false);
    let save =
        Task::new(|body: &BonusProgrammeWrite| api::deposits::save_bonus_programme(body.clone()));
    effect(move || match save.result() {
        Some(Ok(v)) => {
            error.set(None);
            saved.set(true);
            view_now.set(Some(v));
        }
        Some(Err(e)) => {
            saved.set(false);
            error.set(Some(e));
        }
        None => {}
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        save.dispatch_local(f.body());
    };
    let field = move |name: &'static str| field_error(error, name);
    let earning_box = move |m: PaymentMethod| {
        let code = m.code();
        view! {
            <label><input type="checkbox" name=format!("earning_{code}")
                prop:checked=move || f.earning.with(|e| e.iter().any(|c| c == code))
                on:change=move |ev| {
                    let on = event_target_checked(&ev);
                    f.earning.update(|e| {
                        e.retain(|c| c != code);
                        if on { e.push(code.to_owned()); }
                    });
                } />{crate::i18n::t().method(m)}</label>
        }
    };
    let earning_methods = [
        PaymentMethod::Card,
        PaymentMethod::Cash,
        PaymentMethod::Qr,
        PaymentMethod::Transfer,
        PaymentMethod::Balance,
    ];
    view! {
        <h1>{s.nav_loyalty}</h1>
        <form class="panel form-row" on:submit=submit data-testid="loyalty-form">
            <p class="muted grow">{s.patients().loyalty_hint}</p>
            <label><input type="checkbox" name="enabled" prop:checked=f.enabled
                on:change=move |ev| f.enabled.set(event_target_checked(&ev)) />{s.patients().loyalty_enabled}</label>
            <label>{s.patients().loyalty_accrual}
                <input name="accrual_percent" inputmode="decimal" prop:value=f.accrual on:input=move |ev| f.accrual.set(event_target_value(&ev)) />
                <span class="field-error" data-field="accrual_percent">{field("accrual_percent")}</span>
            </label>
            <fieldset class="grow"><legend>{s.patients().loyalty_earning}</legend>
                {earning_methods.into_iter().map(earning_box).collect_view()}
            </fieldset>
            <label>{s.patients().loyalty_max_share}
                <input name="max_share_percent" inputmode="decimal" prop:value=f.max_share on:input=move |ev| f.max_share.set(event_target_value(&ev)) />
                <span class="field-error" data-field="max_share_percent">{field("max_share_percent")}</span>
            </label>
            <label>{s.patients().loyalty_expiry}
                <input name="expiry_days" inputmode="numeric" prop:value=f.expiry on:input=move |ev| f.expiry.set(event_target_value(&ev)) />
                <span class="field-error" data-field="expiry_days">{field("expiry_days")}</span>
            </label>
            <label>{s.patients().loyalty_welcome}
                <input name="welcome_amount" inputmode="decimal" prop:value=f.welcome on:input=move |ev| f.welcome.set(event_target_value(&ev)) />
                <span class="field-error" data-field="welcome_amount">{field("welcome_amount")}</span>
            </label>
            <label>{s.patients().loyalty_welcome_source}
                <select name="welcome_source_id" prop:value=f.source on:change=move |ev| f.source.set(event_target_value(&ev))>
                    <option value="">{s.patients().loyalty_no_source}</option>
                    {move || sources.get().and_then(Result::ok).map(|list| list.into_iter().map(|src| {
                        view! { <option value=src.id.to_string()>{src.label}</option> }
                    }).collect_view())}
                </select>
                <span class="field-error" data-field="welcome_source_id">{field("welcome_source_id")}</span>
            </label>
            <label>{s.patients().loyalty_effective}
                <input type="date" name="effective_from" prop:value=f.effective on:input=move |ev| f.effective.set(event_target_value(&ev)) />
                <span class="field-error" data-field="effective_from">{field("effective_from")}</span>
            </label>
            <FormError error=error fields=&["accrual_percent", "max_share_percent", "expiry_days", "welcome_amount", "welcome_source_id", "effective_from"] />
            <button type="submit" disabled=move || save.pending().get()>{s.save}</button>
            {move || saved.get().then(|| view! { <p class="muted" data-testid="loyalty-saved">{s.desk_saved}</p> })}
        </form>
        {move || view_now.get().filter(|v| !v.scheduled.is_empty()).map(|v| view! {
            <section class="panel" data-testid="loyalty-scheduled">
                <h2>{s.patients().loyalty_scheduled}</h2>
                <ul>{v.scheduled.into_iter().map(|p| view! {
                    <li>{format!("{} {}: {} % · {} {} %", s.patients().loyalty_effective, p.effective_from.unwrap_or_default(),
                        p.accrual_percent, s.patients().loyalty_max_share, p.max_share_percent)}</li>
                }).collect_view()}</ul>
            </section>
        })}
    }
}
