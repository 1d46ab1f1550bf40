//! Patients ("Клиенты"): search-as-you-type by name or any phone spelling, create and edit with
//! inline field errors, deactivate; an open card shows the patient's deposit.

use crate::erased::{effect, Loaded};
use crate::i18n::MoneyText;
use emhana_api_types::patients::{PatientView, PatientWrite};
use emhana_api_types::reminders::PatientRemindersView;
use leptos::prelude::*;

use emhana_domain::validation::PhoneNumber;

use emhana_api_types::queries::{PatientListQuery, VisitListQuery};

use crate::api::{self, ApiError};
use crate::clinic;
use crate::components::form::{deactivate_action, field_error, form_action, FormError};
use crate::components::keyset::KeysetList;
use crate::components::table::{sort_rows, ClickableRow, SortHeader, SortKey, SortOrder};
use crate::i18n::t;
use crate::pages::deposit::DepositPanel;

/// What the form is editing.
type Editing = crate::components::directory::Editing<PatientView>;

/// `/patients`
#[component]
pub fn PatientsPage() -> impl IntoView {
    let s = t();
    let query = RwSignal::new(String::new());
    let inactive = RwSignal::new(false);
    let reload = RwSignal::new(0u32);
    let editing = RwSignal::new(Editing::Closed);
    let list = KeysetList::<PatientView>::new();
    // Search-as-you-type sends a request per keystroke; only the newest one may fill the table.
    let load = move |append: bool| {
        list.load(append, move |after| {
            api::patients(PatientListQuery {
                q: Some(query.get_untracked()),
                include_inactive: inactive.get_untracked().then_some(true),
                limit: Some(50),
                cursor: after,
                ..PatientListQuery::default()
            })
        });
    };
    effect(move || {
        query.track();
        inactive.track();
        reload.track();
        load(false);
    });
    let saved = move || {
        editing.set(Editing::Closed);
        reload.update(|n| *n += 1);
    };
    view! {
        <h1>{s.nav_patients}</h1>
        <div class="panel form-row">
            <label class="grow">{s.search_label}
                <input name="search" type="search" placeholder=s.search_hint
                    prop:value=query on:input=move |ev| query.set(event_target_value(&ev)) />
            </label>
            <label class="inline"><input type="checkbox" name="show_inactive" prop:checked=inactive
                on:change=move |ev| inactive.set(event_target_checked(&ev)) />{s.show_inactive}</label>
            <button on:click=move |_| editing.set(Editing::New)>{s.new_patient}</button>
        </div>
        {move || editing.get().form().map(|p| {
            let deposit = p.as_ref().map(|p| view! { <PatientHistory patient_id=p.id /><DepositPanel patient_id=p.id /> });
            view! {
                <PatientForm patient=p on_saved=saved on_cancel=move || editing.set(Editing::Closed) />
                {deposit}
            }
        })}
        <div class="panel">
            {move || list.error.get().map(|e| view! { <p class="status-error" role="alert">{e}</p> })}
            {move || list.is_empty().then(|| view! { <p class="muted">{s.empty}</p> })}
            <PatientTable rows=list.rows editing=editing />
            {move || list.loading.get().then(|| view! { <p class="muted">{s.loading}</p> })}
            <Show when=move || list.has_more()>
                <button type="button" class="secondary" on:click=move |_| load(true)>{s.load_more}</button>
            </Show>
        </div>
    }
}

/// The loaded patients, sortable by column; a row opens the card.
#[component]
fn PatientTable(rows: RwSignal<Vec<PatientView>>, editing: RwSignal<Editing>) -> impl IntoView {
    let s = t();
    let order = RwSignal::new(SortOrder::SERVER);
    let sorted = move || {
        let mut list = rows.get();
        sort_rows(&mut list, order.get(), |p, column| match column {
            0 => SortKey::text(&format!(
                "{} {}",
                p.first_name,
                p.last_name.clone().unwrap_or_default()
            )),
            1 => SortKey::text(&p.phone),
            2 => SortKey::text(p.birth_date.as_deref().unwrap_or("")),
            _ => SortKey::text(p.email.as_deref().unwrap_or("")),
        });
        list
    };
    view! {
        <Show when=move || !rows.with(Vec::is_empty)>
            <table class="table" data-testid="patients-table">
                <thead><tr>
                    <SortHeader label=s.name_label column=0 order=order />
                    <SortHeader label=s.phone_label column=1 order=order />
                    <SortHeader label=s.patients().birth_date_label column=2 order=order />
                    <SortHeader label=s.email_label column=3 order=order />
                </tr></thead>
                <tbody>
                    <For each=sorted key=|p| (p.id, p.version) let:p>
                        <PatientRow patient=p editing=editing />
                    </For>
                </tbody>
            </table>
        </Show>
    }
}

#[component]
fn PatientRow(patient: PatientView, editing: RwSignal<Editing>) -> impl IntoView {
    let open = patient.clone();
    let edit = Callback::new(move |()| editing.set(Editing::Existing(open.clone())));
    view! {
        <ClickableRow on_open=edit>
            <td>
                {format!("{} {}", patient.first_name, patient.last_name.clone().unwrap_or_default())}
                {(!patient.is_active).then(|| view! { " " <span class="badge" data-testid="inactive-badge">{t().patients().inactive_badge}</span> })}
            </td>
            <td>{PhoneNumber::display(&patient.phone)}</td>
            <td>{patient.birth_date.clone().unwrap_or_default()}</td>
            <td>{patient.email.clone().unwrap_or_default()}</td>
        </ClickableRow>
    }
}

/// The card form's fields, from the patient being edited (or empty for a new one).
#[derive(Clone, Copy)]
struct CardFields {
    first: RwSignal<String>,
    last: RwSignal<String>,
    phone: RwSignal<String>,
    birth: RwSignal<String>,
    email: RwSignal<String>,
    notes: RwSignal<String>,
    whatsapp: RwSignal<bool>,
    sms: RwSignal<bool>,
    language: RwSignal<String>,
}

impl CardFields {
    fn of(p: Option<&PatientView>) -> Self {
        let text = |f: fn(&PatientView) -> Option<String>| {
            RwSignal::new(p.and_then(f).unwrap_or_default())
        };
        Self {
            first: text(|p| Some(p.first_name.clone())),
            last: text(|p| p.last_name.clone()),
            phone: text(|p| Some(p.phone.clone())),
            birth: text(|p| p.birth_date.clone()),
            email: text(|p| p.email.clone()),
            notes: text(|p| p.notes.clone()),
            whatsapp: RwSignal::new(p.is_some_and(|p| p.reminders.whatsapp)),
            sms: RwSignal::new(p.is_some_and(|p| p.reminders.sms)),
            language: RwSignal::new(
                p.map_or_else(|| "ru".to_owned(), |p| p.reminders.language.clone()),
            ),
        }
    }

    /// The request body (blank optional fields are absent).
    fn body(self, version: Option<i64>) -> PatientWrite {
        let opt = |v: String| (!v.trim().is_empty()).then_some(v);
        PatientWrite {
            first_name: self.first.get_untracked(),
            last_name: opt(self.last.get_untracked()),
            birth_date: opt(self.birth.get_untracked()),
            phone: self.phone.get_untracked(),
            email: opt(self.email.get_untracked()),
            notes: opt(self.notes.get_untracked()),
            reminders: Some(PatientRemindersView {
                whatsapp: self.whatsapp.get_untracked(),
                sms: self.sms.get_untracked(),
                language: self.language.get_untracked(),
            }),
            version,
        }
    }
}

#[component]
fn PatientForm(
    patient: Option<PatientView>,
    on_saved: impl Fn() + Copy + Send + Sync + 'static,
    on_cancel: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let s = t();
    let target = patient.as_ref().map(|e| (e.id, e.version));
    let inactive = patient.as_ref().is_some_and(|p| !p.is_active);
    let f = CardFields::of(patient.as_ref());
    let CardFields {
        first,
        last,
        phone,
        birth,
        email,
        notes,
        whatsapp,
        sms,
        language,
    } = f;
    let error = RwSignal::new(None::<ApiError>);
    let retire = deactivate_action("patients", error, on_saved);
    let revive = form_action(error, on_saved, |(id, version): (i64, i64)| async move {
        api::reactivate_patient(id, version).await.map(drop)
    });
    let save = form_action(error, on_saved, move |body: PatientWrite| async move {
        match target {
            Some((id, _)) => api::update_patient(id, body).await.map(drop),
            None => api::create_patient(body).await.map(drop),
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = f.body(target.map(|(_, v)| v));
        save.dispatch_local(body);
    };
    let deactivate = move |_| {
        if let Some((id, version)) = target {
            retire.dispatch_local((id, version));
        }
    };
    let field = move |name: &'static str| field_error(error, name);
    view! {
        <form class="panel form-row" on:submit=submit data-testid="patient-form">
            <h2>{if target.is_some() { s.patients().edit_patient } else { s.new_patient }}</h2>
            <label>{s.first_name_label}
                <input name="first_name" required prop:value=first on:input=move |ev| first.set(event_target_value(&ev)) />
                <span class="field-error" data-field="first_name">{field("first_name")}</span>
            </label>
            <label>{s.last_name_label}
                <input name="last_name" prop:value=last on:input=move |ev| last.set(event_target_value(&ev)) />
                <span class="field-error" data-field="last_name">{field("last_name")}</span>
            </label>
            <label>{s.phone_label}
                <input name="phone" type="tel" inputmode="tel" placeholder="+7 (7XX) XXX-XX-XX" required
                    prop:value=phone on:input=move |ev| phone.set(event_target_value(&ev))
                    on:change=move |ev| phone.set(PhoneNumber::mask_input(&event_target_value(&ev))) />
                <span class="field-error" data-field="phone">{field("phone")}</span>
            </label>
            <label>{s.patients().birth_date_label}
                <input name="birth_date" type="date" prop:value=birth on:input=move |ev| birth.set(event_target_value(&ev)) />
                <span class="field-error" data-field="birth_date">{field("birth_date")}</span>
            </label>
            <label>{s.email_label}
                <input name="email" type="email" prop:value=email on:input=move |ev| email.set(event_target_value(&ev)) />
                <span class="field-error" data-field="email">{field("email")}</span>
            </label>
            <label class="grow">{s.notes_label}
                <input name="notes" maxlength="2000" prop:value=notes on:input=move |ev| notes.set(event_target_value(&ev)) />
                <span class="field-error" data-field="notes">{field("notes")}</span>
            </label>
            <fieldset class="consent" data-testid="reminder-consent">
                <legend>{s.patients().consent_title}</legend>
                <label class="inline"><input type="checkbox" name="remind_whatsapp" prop:checked=whatsapp
                    on:change=move |ev| whatsapp.set(event_target_checked(&ev)) />"WhatsApp"</label>
                <label class="inline"><input type="checkbox" name="remind_sms" prop:checked=sms
                    on:change=move |ev| sms.set(event_target_checked(&ev)) />"SMS"</label>
                <label>{s.patients().consent_language}
                    <select name="remind_language" prop:value=language on:change=move |ev| language.set(event_target_value(&ev))>
                        {s.patients().reminder_language_labels.iter().map(|(code, name)| view! { <option value=*code>{*name}</option> }).collect_view()}
                    </select>
                </label>
                <span class="field-error" data-field="reminders.language">{field("reminders.language")}</span>
            </fieldset>
            <FormError error=error fields=&["first_name", "last_name", "phone", "birth_date", "email", "notes", "reminders.language"] />
            <button type="submit" disabled=move || save.pending().get() || retire.pending().get() || revive.pending().get()>{s.save}</button>
            <button type="button" class="secondary" on:click=move |_| on_cancel()>{s.cancel}</button>
            {target.map(|(id, version)| if inactive {
                view! { <button type="button" on:click=move |_| { revive.dispatch_local((id, version)); }>{s.patients().reactivate}</button> }.into_any()
            } else {
                view! { <button type="button" class="danger" on:click=deactivate>{s.deactivate}</button> }.into_any()
            })}
        </form>
    }
}

/// The card's history: the patient's visits in figures (the server sums them) and the latest
/// visits with their payments.
#[component]
fn PatientHistory(patient_id: i64) -> impl IntoView {
    let s = t();
    let history = Loaded::new(move || api::patient_history(patient_id));
    let visits = Loaded::new(move || {
        api::visits(VisitListQuery {
            patient_id: Some(patient_id),
            limit: Some(50),
            ..VisitListQuery::default()
        })
    });
    let when = |at: Option<String>| at.map_or_else(|| "—".to_owned(), |a| clinic::day_hm(&a));
    view! {
        <div class="panel" data-testid="patient-history">
            <h2>{s.patients().history_title}</h2>
            {move || history.get().map(|r| match r {
                Err(e) => view! { <p class="status-error" role="alert">{e.message()}</p> }.into_any(),
                Ok(h) => {
                    let figures = [
                        (s.patients().history_visits, h.visits.to_string()),
                        (s.patients().history_attended, h.attended.to_string()),
                        (s.patients().history_billed, h.billed.ui()),
                        (s.patients().history_paid, h.paid.ui()),
                        (s.patients().history_debt, h.debt.ui()),
                        (s.patients().history_first, when(h.first_visit)),
                        (s.patients().history_last, when(h.last_visit)),
                        (s.patients().history_next, when(h.next_visit)),
                        (s.patients().history_source, h.source.unwrap_or_else(|| "—".to_owned())),
                    ];
                    view! {
                        <div class="kpis">
                            {figures.into_iter().map(|(label, value)| view! {
                                <div class="kpi" data-testid="history-figure"><span class="muted">{label}</span><strong>{value}</strong></div>
                            }).collect_view()}
                        </div>
                    }.into_any()
                }
            })}
            {move || visits.get().map(|r| match r {
                Err(e) => view! { <p class="status-error" role="alert">{e.message()}</p> }.into_any(),
                Ok(page) if page.items.is_empty() => view! { <p class="muted">{s.patients().history_none}</p> }.into_any(),
                Ok(page) => view! {
                    <div class="table-wrap"><table class="table" data-testid="history-visits">
                        <thead><tr>
                            <th>{s.reminders_time}</th><th>{s.doctor_label}</th><th>{s.status_label}</th>
                            <th>{s.total_label}</th><th>{s.patients().history_paid}</th>
                        </tr></thead>
                        <tbody>
                            {page.items.into_iter().map(|v| view! {
                                <tr>
                                    <td>{clinic::day_hm(&v.starts_at)}</td>
                                    <td>{v.doctor.name}</td>
                                    <td>{crate::i18n::t().status_code(&v.status)}</td>
                                    <td>{v.total.ui()}</td>
                                    <td>{v.paid.ui()}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table></div>
                }.into_any(),
            })}
        </div>
    }
}
