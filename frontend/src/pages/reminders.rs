//! «Напоминания»: the patients of a day (tomorrow by default, as the old system's list) with
//! their phones and what each reminder did — sent, planned, or why not; below, for the owner,
//! the rules and the ru/kk texts.

use chrono::Days;
use emhana_api_types::queries::VisitListQuery;
use emhana_api_types::reminders::{
    ReminderListQuery, ReminderRuleBody, ReminderSettingsBody, ReminderView,
};
use emhana_api_types::visits::VisitSummary;
use emhana_domain::access::Permission;
use emhana_domain::validation::PhoneNumber;
use leptos::prelude::*;

use crate::api::reminders::{reminder_settings, reminders, save_reminder_settings};
use crate::api::{self, ApiError};
use crate::erased::{effect, Loaded, Task};
use crate::i18n::{label, t};
use crate::{clinic, session};

/// `/reminders`
#[component]
pub fn RemindersPage() -> impl IntoView {
    let s = t();
    let tomorrow = clinic::today()
        .checked_add_days(Days::new(1))
        .unwrap_or_else(clinic::today);
    let day = RwSignal::new(tomorrow.to_string());
    // Bumped by the owner's form on save, so the on/off line above follows it.
    let saved_times = RwSignal::new(0u32);
    let settings = Loaded::new(move || {
        saved_times.track();
        reminder_settings()
    });
    let data = Loaded::new(move || {
        let day = day.get();
        async move {
            let visits = api::visits(VisitListQuery {
                from: Some(day.clone()),
                to: Some(day.clone()),
                limit: Some(200),
                ..VisitListQuery::default()
            })
            .await?;
            let sent = reminders(ReminderListQuery {
                from: Some(day.clone()),
                to: Some(day),
                status: None,
            })
            .await?;
            Ok::<_, ApiError>((visits.items, sent))
        }
    });
    view! {
        <h1>{s.nav_reminders}</h1>
        <p class="muted">{s.settings().reminders_hint}</p>
        <div class="panel form-row">
            <label>{s.settings().reminders_day}
                <input type="date" name="day" prop:value=day on:change=move |ev| day.set(event_target_value(&ev)) />
            </label>
            {move || settings.get().and_then(Result::ok).map(|v| {
                let off = (!v.settings.enabled).then(|| view! { <p class="status-error" data-testid="reminders-off">{s.settings().reminders_off}</p> });
                let none = v.channels.is_empty().then(|| view! { <p class="muted">{s.settings().reminders_no_channels}</p> });
                view! { {off}{none} }
            })}
        </div>
        <div class="panel table-wrap">
            {move || match data.get() {
                None => view! { <p class="muted">{s.loading}</p> }.into_any(),
                Some(Err(e)) => view! { <p class="status-error" role="alert">{e.message()}</p> }.into_any(),
                Some(Ok((visits, sent))) if visits.is_empty() => {
                    let _ = sent;
                    view! { <p class="muted">{s.empty}</p> }.into_any()
                }
                Some(Ok((visits, sent))) => view! { <DayTable visits=visits sent=sent /> }.into_any(),
            }}
        </div>
        <Show when=move || session::can(Permission::ClinicManage)>
            <SettingsForm on_saved=move || saved_times.update(|n| *n += 1) />
        </Show>
    }
}

/// The day's visits by time, each with its reminders.
#[component]
fn DayTable(visits: Vec<VisitSummary>, sent: Vec<ReminderView>) -> impl IntoView {
    let s = t();
    let mut visits = visits;
    visits.sort_by(|a, b| a.starts_at.cmp(&b.starts_at));
    let rows = visits
        .into_iter()
        .map(|v| {
            let mine: Vec<ReminderView> = sent
                .iter()
                .filter(|r| r.appointment_id == v.id)
                .cloned()
                .collect();
            view! {
                <tr data-testid="reminder-row">
                    <td>{clinic::hm(&v.starts_at)}</td>
                    <td>{v.patient.name.clone()}</td>
                    <td>{PhoneNumber::display(&v.patient_phone)}</td>
                    <td>{v.doctor.name.clone()}</td>
                    <td>{crate::i18n::t().status_code(&v.status)}</td>
                    <td data-testid="reminder-state">{reminder_cell(&mine)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <table class="table" data-testid="reminders-table">
            <thead><tr>
                <th>{s.reminders_time}</th>
                <th>{s.name_label}</th>
                <th>{s.phone_label}</th>
                <th>{s.doctor_label}</th>
                <th>{s.status_label}</th>
                <th>{s.settings().reminders_reminder}</th>
            </tr></thead>
            <tbody>{rows}</tbody>
        </table>
    }
}

/// One line per reminder: its rule, status, when, through what, and why not.
fn reminder_cell(list: &[ReminderView]) -> AnyView {
    let s = t();
    if list.is_empty() {
        return view! { <span class="muted">{s.settings().reminders_none}</span> }.into_any();
    }
    list.iter()
        .map(|r| {
            let mut line = format!(
                "{}: {}",
                rule_label(&r.rule),
                label(s.settings().reminder_status_labels, &r.status)
            );
            let at = r.sent_at.as_deref().unwrap_or(&r.due_at);
            line.push_str(&format!(" {}", clinic::day_hm(at)));
            if let Some(c) = &r.channel {
                line.push_str(&format!(
                    " ({})",
                    if c == "whatsapp" { "WhatsApp" } else { "SMS" }
                ));
            }
            if let Some(reason) = &r.reason {
                line.push_str(&format!(
                    " — {}",
                    label(s.settings().reminder_reason_labels, reason)
                ));
            }
            view! { <div>{line}</div> }
        })
        .collect_view()
        .into_any()
}

/// `day_before@10:00` → «накануне в 10:00», `hours_before:2` → «за 2 ч».
fn rule_label(key: &str) -> String {
    let s = t();
    if let Some(at) = key.strip_prefix("day_before@") {
        format!("{} {at}", s.settings().reminders_day_before)
    } else if let Some(h) = key.strip_prefix("hours_before:") {
        s.settings().reminders_hours_short.replace("{n}", h)
    } else {
        key.to_owned()
    }
}

/// One rule as the form edits it.
#[derive(Clone, Copy)]
struct RuleFields {
    hours_before: RwSignal<bool>,
    at: RwSignal<String>,
    hours: RwSignal<String>,
}

impl RuleFields {
    fn of(r: &ReminderRuleBody) -> Self {
        Self {
            hours_before: RwSignal::new(r.kind == "hours_before"),
            at: RwSignal::new(r.at.clone().unwrap_or_else(|| "10:00".into())),
            hours: RwSignal::new(r.hours.unwrap_or(2).to_string()),
        }
    }

    fn body(self) -> ReminderRuleBody {
        if self.hours_before.get_untracked() {
            ReminderRuleBody {
                kind: "hours_before".into(),
                at: None,
                // A blank or bad number goes as 0 and the server names the field.
                hours: Some(self.hours.get_untracked().trim().parse().unwrap_or(0)),
            }
        } else {
            ReminderRuleBody {
                kind: "day_before".into(),
                at: Some(self.at.get_untracked()),
                hours: None,
            }
        }
    }
}

/// The owner's form: on/off, the rules, the two texts.
#[component]
fn SettingsForm(on_saved: impl Fn() + Copy + Send + Sync + 'static) -> impl IntoView {
    let s = t();
    let enabled = RwSignal::new(false);
    let rules = RwSignal::new(Vec::<RuleFields>::new());
    let ru = RwSignal::new(String::new());
    let kk = RwSignal::new(String::new());
    let channels = RwSignal::new(Vec::<String>::new());
    let fill = move |v: emhana_api_types::reminders::ReminderSettingsView| {
        enabled.set(v.settings.enabled);
        rules.set(v.settings.rules.iter().map(RuleFields::of).collect());
        ru.set(v.settings.template_ru);
        kk.set(v.settings.template_kk);
        channels.set(v.channels);
    };
    let loaded = Loaded::new(reminder_settings);
    effect(move || {
        if let Some(Ok(v)) = loaded.get() {
            fill(v);
        }
    });
    let error = RwSignal::new(None::<ApiError>);
    let saved = RwSignal::new(false);
    let save = Task::new(|body: &ReminderSettingsBody| save_reminder_settings(body.clone()));
    effect(move || match save.result() {
        Some(Ok(v)) => {
            fill(v);
            error.set(None);
            saved.set(true);
            on_saved();
        }
        Some(Err(e)) => {
            error.set(Some(e));
            saved.set(false);
        }
        None => {}
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        saved.set(false);
        save.dispatch_local(ReminderSettingsBody {
            enabled: enabled.get_untracked(),
            rules: rules
                .get_untracked()
                .into_iter()
                .map(RuleFields::body)
                .collect(),
            template_ru: ru.get_untracked(),
            template_kk: kk.get_untracked(),
        });
    };
    let field_error = move |f: String| {
        move || {
            error
                .get()
                .and_then(|e| e.field(&f))
                .map(|m| view! { <span class="status-error">{m}</span> })
        }
    };
    let add = move |_| {
        rules.update(|r| {
            r.push(RuleFields::of(&ReminderRuleBody {
                kind: "hours_before".into(),
                at: None,
                hours: Some(2),
            }))
        })
    };
    view! {
        <form class="panel" on:submit=submit data-testid="reminder-settings">
            <h2>{s.settings().reminders_settings}</h2>
            <label class="inline"><input type="checkbox" name="enabled" prop:checked=enabled
                on:change=move |ev| enabled.set(event_target_checked(&ev)) />{s.settings().reminders_enabled}</label>
            <p class="muted">{s.settings().reminders_channels}": "
                {move || {
                    let list = channels.get();
                    if list.is_empty() { s.settings().reminders_no_channels.to_owned() } else { list.join(", ") }
                }}
            </p>
            <fieldset>
                <legend>{s.settings().reminders_rules}</legend>
                {move || rules.get().into_iter().enumerate().map(|(i, r)| view! {
                    <div class="form-row" data-testid="reminder-rule">
                        <select name=format!("rules.{i}.kind") prop:value=move || if r.hours_before.get() { "hours_before" } else { "day_before" }
                            on:change=move |ev| r.hours_before.set(event_target_value(&ev) == "hours_before")>
                            <option value="day_before">{s.settings().reminders_day_before}</option>
                            <option value="hours_before">{s.settings().reminders_hours_before}</option>
                        </select>
                        <Show when=move || !r.hours_before.get()>
                            <label>{s.settings().reminders_at}<input type="time" name=format!("rules.{i}.at") prop:value=r.at
                                on:input=move |ev| r.at.set(event_target_value(&ev)) /></label>
                        </Show>
                        <Show when=move || r.hours_before.get()>
                            <label>{s.settings().reminders_hours}<input type="number" name=format!("rules.{i}.hours") prop:value=r.hours
                                on:input=move |ev| r.hours.set(event_target_value(&ev)) /></label>
                        </Show>
                        <button type="button" class="secondary" on:click=move |_| rules.update(|list| { list.remove(i); })>{s.settings().reminders_remove}</button>
                        {field_error(format!("rules.{i}"))}
                        {field_error(format!("rules.{i}.at"))}
                        {field_error(format!("rules.{i}.hours"))}
                    </div>
                }).collect_view()}
                <button type="button" class="secondary" on:click=add>{s.settings().reminders_add_rule}</button>
                {field_error("rules".into())}
            </fieldset>
            <label>{s.settings().reminders_template_ru}
                <textarea name="template_ru" rows="3" maxlength="1000" prop:value=ru on:input=move |ev| ru.set(event_target_value(&ev))></textarea>
                {field_error("template_ru".into())}
            </label>
            <label>{s.settings().reminders_template_kk}
                <textarea name="template_kk" rows="3" maxlength="1000" prop:value=kk on:input=move |ev| kk.set(event_target_value(&ev))></textarea>
                {field_error("template_kk".into())}
            </label>
            <p class="muted">{s.settings().reminders_placeholders}</p>
            <button type="submit" class="primary" disabled=move || save.pending().get()>{s.save}</button>
            {move || saved.get().then(|| view! { <p class="status-ok" role="status" data-testid="reminders-saved">{s.settings().reminders_saved}</p> })}
        </form>
    }
}
