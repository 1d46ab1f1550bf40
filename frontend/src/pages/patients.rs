//! Patients ("Клиенты"): search-as-you-type by name or any phone spelling, create and edit with
//! inline field errors, deactivate.

use emhana_api_types::patients::{PatientView, PatientWrite};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{self, ApiError};
use crate::i18n::t;

/// What the form is editing.
#[derive(Debug, Clone, PartialEq)]
enum Editing {
    None,
    New,
    Existing(PatientView),
}

/// `/patients`
#[component]
pub fn PatientsPage() -> impl IntoView {
    let s = t();
    let query = RwSignal::new(String::new());
    let reload = RwSignal::new(0u32);
    let editing = RwSignal::new(Editing::None);
    let list = LocalResource::new(move || {
        reload.track();
        api::patients(query.get())
    });
    let saved = move || {
        editing.set(Editing::None);
        reload.update(|n| *n += 1);
    };
    view! {
        <h1>{s.nav_patients}</h1>
        <div class="panel form-row">
            <label class="grow">{s.search_label}
                <input name="search" type="search" placeholder=s.search_hint
                    prop:value=query on:input=move |ev| query.set(event_target_value(&ev)) />
            </label>
            <button on:click=move |_| editing.set(Editing::New)>{s.new_patient}</button>
        </div>
        {move || match editing.get() {
            Editing::None => ().into_any(),
            Editing::New => view! { <PatientForm patient=None on_saved=saved on_cancel=move || editing.set(Editing::None) /> }.into_any(),
            Editing::Existing(p) => view! { <PatientForm patient=Some(p) on_saved=saved on_cancel=move || editing.set(Editing::None) /> }.into_any(),
        }}
        <div class="panel">
            <Transition fallback=move || view! { <p>{s.loading}</p> }>
                {move || list.get().map(|r| match r {
                    Ok(page) if page.items.is_empty() => view! { <p class="muted">{s.empty}</p> }.into_any(),
                    Ok(page) => view! {
                        <table class="table" data-testid="patients-table">
                            <thead><tr><th>{s.name_label}</th><th>{s.phone_label}</th><th>{s.birth_date_label}</th><th>{s.email_label}</th></tr></thead>
                            <tbody>
                                {page.items.into_iter().map(|p| {
                                    let open = p.clone();
                                    let open_key = p.clone();
                                    view! {
                                        <tr class="clickable" tabindex="0"
                                            on:click=move |_| editing.set(Editing::Existing(open.clone()))
                                            on:keydown=move |ev| if ev.key() == "Enter" { editing.set(Editing::Existing(open_key.clone())) }>
                                            <td>{format!("{} {}", p.first_name, p.last_name.clone().unwrap_or_default())}</td>
                                            <td>{format_phone(&p.phone)}</td>
                                            <td>{p.birth_date.clone().unwrap_or_default()}</td>
                                            <td>{p.email.clone().unwrap_or_default()}</td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any(),
                    Err(e) => view! { <p class="status-error" role="alert">{e.message()}</p> }.into_any(),
                })}
            </Transition>
        </div>
    }
}

/// `+77011234567` → `+7 (701) 123-45-67`.
fn format_phone(p: &str) -> String {
    let d: Vec<char> = p.chars().filter(char::is_ascii_digit).collect();
    if d.len() != 11 {
        return p.to_owned();
    }
    let s = |a: usize, b: usize| d[a..b].iter().collect::<String>();
    format!("+7 ({}) {}-{}-{}", s(1, 4), s(4, 7), s(7, 9), s(9, 11))
}

#[component]
fn PatientForm(
    patient: Option<PatientView>,
    on_saved: impl Fn() + Copy + Send + Sync + 'static,
    on_cancel: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let s = t();
    let existing = patient.clone();
    let p = patient.unwrap_or(PatientView {
        id: 0,
        first_name: String::new(),
        last_name: None,
        birth_date: None,
        phone: String::new(),
        email: None,
        notes: None,
        is_active: true,
        version: 0,
        created_at: String::new(),
        updated_at: String::new(),
    });
    let first = RwSignal::new(p.first_name.clone());
    let last = RwSignal::new(p.last_name.clone().unwrap_or_default());
    let phone = RwSignal::new(p.phone.clone());
    let birth = RwSignal::new(p.birth_date.clone().unwrap_or_default());
    let email = RwSignal::new(p.email.clone().unwrap_or_default());
    let notes = RwSignal::new(p.notes.clone().unwrap_or_default());
    let error = RwSignal::new(None::<ApiError>);
    let busy = RwSignal::new(false);
    let target = existing.as_ref().map(|e| (e.id, e.version));
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let opt = |v: String| (!v.trim().is_empty()).then_some(v);
        let body = PatientWrite {
            first_name: first.get_untracked(),
            last_name: opt(last.get_untracked()),
            birth_date: opt(birth.get_untracked()),
            phone: phone.get_untracked(),
            email: opt(email.get_untracked()),
            notes: opt(notes.get_untracked()),
            version: target.map(|(_, v)| v),
        };
        busy.set(true);
        spawn_local(async move {
            let result = match target {
                Some((id, _)) => api::update_patient(id, body).await,
                None => api::create_patient(body).await,
            };
            busy.set(false);
            match result {
                Ok(_) => on_saved(),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let deactivate = move |_| {
        if let Some((id, version)) = target {
            spawn_local(async move {
                match api::deactivate_patient(id, version).await {
                    Ok(_) => on_saved(),
                    Err(e) => error.set(Some(e)),
                }
            });
        }
    };
    let field =
        move |name: &'static str| move || error.with(|e| e.as_ref().and_then(|e| e.field(name)));
    let general = move || {
        error.with(|e| {
            e.as_ref()
                .filter(|e| match e {
                    ApiError::Problem(p) => p.errors.iter().all(|f| {
                        ![
                            "first_name",
                            "last_name",
                            "phone",
                            "birth_date",
                            "email",
                            "notes",
                        ]
                        .contains(&f.field.as_str())
                    }),
                    ApiError::Network(_) => true,
                })
                .map(|e| view! { <p class="status-error" role="alert">{e.message()}</p> })
        })
    };
    view! {
        <form class="panel form-row" on:submit=submit data-testid="patient-form">
            <h2>{if target.is_some() { s.edit_patient } else { s.new_patient }}</h2>
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
                    prop:value=phone on:input=move |ev| phone.set(event_target_value(&ev)) />
                <span class="field-error" data-field="phone">{field("phone")}</span>
            </label>
            <label>{s.birth_date_label}
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
            {general}
            <button type="submit" disabled=move || busy.get()>{s.save}</button>
            <button type="button" class="secondary" on:click=move |_| on_cancel()>{s.cancel}</button>
            {target.map(|_| view! { <button type="button" class="danger" on:click=deactivate>{s.deactivate}</button> })}
        </form>
    }
}
