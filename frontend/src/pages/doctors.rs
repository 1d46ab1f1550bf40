//! Doctors ("Врачи"): the sortable, paged list; admins add, edit and deactivate.

use emhana_api_types::directories::{DoctorView, DoctorWrite};
use emhana_domain::access::Permission;
use emhana_domain::validation::PhoneNumber;
use leptos::prelude::*;

use crate::api::{self, ApiError};
use crate::components::directory::{Column, DirectoryTable, DirectoryToolbar, Editing, Record};
use crate::components::form::{deactivate_action, field_error, form_action, FormError};
use crate::components::table::{SortKey, SortOrder};
use crate::erased::Loaded;
use crate::i18n::t;
use crate::session;

impl Record for DoctorView {
    fn is_active(&self) -> bool {
        self.is_active
    }
}

/// `/doctors`
#[component]
pub fn DoctorsPage() -> impl IntoView {
    let s = t();
    let may_write = session::can(Permission::DirectoriesWrite);
    let include_inactive = RwSignal::new(false);
    let search = RwSignal::new(String::new());
    let reload = RwSignal::new(0u32);
    let editing = RwSignal::new(Editing::<DoctorView>::Closed);
    let list = Loaded::new(move || {
        reload.track();
        api::doctors(include_inactive.get())
    });
    // The clinic's own specializations first, then the usual ones: one spelling for each.
    let specializations = Signal::derive(move || {
        let mut known: Vec<String> = list
            .get()
            .and_then(Result::ok)
            .unwrap_or_default()
            .into_iter()
            .map(|d| d.specialization)
            .collect();
        known.extend(
            s.directories()
                .specializations
                .iter()
                .map(|x| (*x).to_owned()),
        );
        let mut seen = std::collections::HashSet::new();
        known.retain(|x| seen.insert(x.to_lowercase()));
        known
    });
    let saved = move || {
        editing.set(Editing::Closed);
        reload.update(|n| *n += 1);
    };
    let columns = vec![
        Column::text(s.name_label, |d: &DoctorView| {
            format!("{} {}", d.last_name, d.first_name)
        }),
        Column::text(s.directories().specialization_label, |d: &DoctorView| {
            d.specialization.clone()
        }),
        Column::new(
            s.phone_label,
            |d: &DoctorView| SortKey::text(d.phone.as_deref().unwrap_or("")),
            |d: &DoctorView| {
                d.phone
                    .as_deref()
                    .map(PhoneNumber::display)
                    .unwrap_or_default()
            },
        ),
        Column::new(
            s.status_label,
            |d: &DoctorView| SortKey::Num(i64::from(d.is_active)),
            move |d: &DoctorView| (if d.is_active { s.active } else { s.inactive }).to_owned(),
        ),
    ];
    view! {
        <h1>{s.nav_doctors}</h1>
        <DirectoryToolbar search=search include_inactive=include_inactive editing=editing new_label=s.directories().new_doctor may_write=may_write />
        {move || editing.get().form().map(|d| view! {
            <DoctorForm doctor=d known=specializations.get() on_saved=saved on_cancel=move || editing.set(Editing::Closed) />
        })}
        <DirectoryTable list=list columns=columns testid="doctors-table" initial=SortOrder::by(0)
            editing=editing may_write=may_write search=search />
    }
}

const FIELDS: &[&str] = &[
    "first_name",
    "last_name",
    "specialization",
    "phone",
    "email",
];

#[component]
fn DoctorForm(
    doctor: Option<DoctorView>,
    /// Specializations to suggest.
    known: Vec<String>,
    on_saved: impl Fn() + Copy + Send + Sync + 'static,
    on_cancel: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let s = t();
    let target = doctor.as_ref().map(|d| (d.id, d.version, d.is_active));
    let text = |f: fn(&DoctorView) -> Option<String>| {
        RwSignal::new(doctor.as_ref().and_then(f).unwrap_or_default())
    };
    let first = text(|d| Some(d.first_name.clone()));
    let last = text(|d| Some(d.last_name.clone()));
    let specialization = text(|d| Some(d.specialization.clone()));
    let phone = text(|d| d.phone.as_deref().map(PhoneNumber::display));
    let email = text(|d| d.email.clone());
    let error = RwSignal::new(None::<ApiError>);
    let retire = deactivate_action("doctors", error, on_saved);
    let save = form_action(error, on_saved, move |body: DoctorWrite| async move {
        api::save_doctor(target.map(|(id, _, _)| id), body)
            .await
            .map(drop)
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let opt = |v: String| (!v.trim().is_empty()).then_some(v);
        let body = DoctorWrite {
            first_name: first.get_untracked(),
            last_name: last.get_untracked(),
            specialization: specialization.get_untracked(),
            phone: opt(phone.get_untracked()),
            email: opt(email.get_untracked()),
            version: target.map(|(_, v, _)| v),
        };
        save.dispatch_local(body);
    };
    let deactivate = move |_| {
        if let Some((id, version, _)) = target {
            retire.dispatch_local((id, version));
        }
    };
    let input = |name: &'static str, label: &'static str, value: RwSignal<String>| {
        view! {
            <label>{label}
                <input name=name prop:value=value on:input=move |ev| value.set(event_target_value(&ev)) />
                <span class="field-error" data-field=name>{field_error(error, name)}</span>
            </label>
        }
    };
    view! {
        <form class="panel form-row" on:submit=submit data-testid="doctor-form">
            <h2>{if target.is_some() { s.directories().edit_doctor } else { s.directories().new_doctor }}</h2>
            {input("last_name", s.last_name_label, last)}
            {input("first_name", s.first_name_label, first)}
            <label>{s.directories().specialization_label}
                <input name="specialization" list="specializations" prop:value=specialization
                    on:input=move |ev| specialization.set(event_target_value(&ev)) />
                <datalist id="specializations">
                    {known.into_iter().map(|x| view! { <option value=x></option> }).collect_view()}
                </datalist>
                <span class="field-error" data-field="specialization">{field_error(error, "specialization")}</span>
            </label>
            <label>{s.phone_label}
                <input name="phone" type="tel" inputmode="tel" placeholder="+7 (7XX) XXX-XX-XX"
                    prop:value=phone on:input=move |ev| phone.set(event_target_value(&ev))
                    on:change=move |ev| phone.set(PhoneNumber::mask_input(&event_target_value(&ev))) />
                <span class="field-error" data-field="phone">{field_error(error, "phone")}</span>
            </label>
            {input("email", s.email_label, email)}
            <FormError error=error fields=FIELDS />
            <button type="submit" disabled=move || save.pending().get() || retire.pending().get()>{s.save}</button>
            <button type="button" class="secondary" on:click=move |_| on_cancel()>{s.cancel}</button>
            {target.filter(|t| t.2).map(|_| view! { <button type="button" class="danger" on:click=deactivate>{s.deactivate}</button> })}
        </form>
    }
}
