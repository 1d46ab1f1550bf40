//! The price list ("Прайс-лист"): services with price, duration and the doctor they are tied to;
//! admins add, edit (price changes are audited with old and new) and deactivate.

use crate::erased::Loaded;
use crate::i18n::MoneyText;
use std::collections::HashMap;

use emhana_api_types::directories::{DoctorView, ServiceView, ServiceWrite};
use emhana_domain::access::Permission;
use emhana_domain::Money;
use leptos::prelude::*;

use crate::api::{self, ApiError};
use crate::components::directory::{
    CellStyle, Column, DirectoryTable, DirectoryToolbar, Editing, Record,
};
use crate::components::form::{deactivate_action, field_error, form_action, FormError};
use crate::components::table::{SortKey, SortOrder};
use crate::i18n::t;
use crate::session;

/// Doctor names by id, for the table and the picker.
type DoctorNames = HashMap<i64, String>;

fn doctor_name(d: &DoctorView) -> String {
    format!("{} {}", d.last_name, d.first_name)
}

impl Record for ServiceView {
    fn is_active(&self) -> bool {
        self.is_active
    }
}

/// `/services`
#[component]
pub fn ServicesPage() -> impl IntoView {
    let s = t();
    let may_write = session::can(Permission::DirectoriesWrite);
    let include_inactive = RwSignal::new(false);
    let search = RwSignal::new(String::new());
    let reload = RwSignal::new(0u32);
    let editing = RwSignal::new(Editing::<ServiceView>::Closed);
    // Only the services tied to one doctor (the server's `doctor_id`), or all.
    let only_doctor = RwSignal::new(None::<i64>);
    let list = Loaded::new(move || {
        reload.track();
        api::services_of(include_inactive.get(), only_doctor.get())
    });
    // All doctors (inactive ones too: an old service may still name one).
    let doctors = Loaded::new(|| api::doctors(true));
    let doctor_list =
        Signal::derive(move || doctors.get().and_then(Result::ok).unwrap_or_default());
    let names = Signal::derive(move || {
        doctor_list
            .get()
            .iter()
            .map(|d| (d.id, doctor_name(d)))
            .collect::<DoctorNames>()
    });
    let doctor = move |v: &ServiceView| {
        v.doctor_id
            .and_then(|id| names.with(|n| n.get(&id).cloned()))
            .unwrap_or_default()
    };
    let saved = move || {
        editing.set(Editing::Closed);
        reload.update(|n| *n += 1);
    };
    let columns = vec![
        Column::text(s.service_name_label, |v: &ServiceView| v.name.clone()),
        Column::new(
            s.price_label,
            |v: &ServiceView| SortKey::Num(v.base_price.tiyn()),
            |v: &ServiceView| v.base_price.ui(),
        )
        .styled(CellStyle::Number),
        Column::new(
            s.directories().duration_label,
            |v: &ServiceView| SortKey::Num(v.duration_minutes),
            |v: &ServiceView| v.duration_minutes.to_string(),
        )
        .styled(CellStyle::Number),
        Column::text(s.doctor_label, doctor),
        Column::new(
            s.status_label,
            |v: &ServiceView| SortKey::Num(i64::from(v.is_active)),
            move |v: &ServiceView| (if v.is_active { s.active } else { s.inactive }).to_owned(),
        ),
    ];
    view! {
        <h1>{s.nav_services}</h1>
        <DirectoryToolbar search=search include_inactive=include_inactive editing=editing new_label=s.directories().new_service may_write=may_write>
            <label>{s.doctor_label}
                <select name="only_doctor" on:change=move |ev| only_doctor.set(event_target_value(&ev).parse().ok())>
                    <option value="">{s.all}</option>
                    {move || doctor_list.get().into_iter().map(|d| view! {
                        <option value=d.id.to_string()>{doctor_name(&d)}</option>
                    }).collect_view()}
                </select>
            </label>
        </DirectoryToolbar>
        {move || editing.get().form().map(|svc| view! {
            <ServiceForm service=svc doctors=doctor_list.get() on_saved=saved on_cancel=move || editing.set(Editing::Closed) />
        })}
        <DirectoryTable list=list columns=columns testid="services-table" initial=SortOrder::by(0)
            editing=editing may_write=may_write search=search />
    }
}

const FIELDS: &[&str] = &[
    "name",
    "description",
    "base_price",
    "duration_minutes",
    "doctor_id",
];

/// The service form's fields, from the service being edited (or a new one's defaults).
#[derive(Clone, Copy)]
struct Fields {
    name: RwSignal<String>,
    description: RwSignal<String>,
    price: RwSignal<String>,
    duration: RwSignal<String>,
    doctor_id: RwSignal<Option<i64>>,
}

impl Fields {
    fn of(service: Option<&ServiceView>) -> Self {
        let text = |f: fn(&ServiceView) -> Option<String>| {
            RwSignal::new(service.and_then(f).unwrap_or_default())
        };
        Self {
            name: text(|v| Some(v.name.clone())),
            description: text(|v| v.description.clone()),
            price: text(|v| Some(v.base_price.to_string())),
            duration: RwSignal::new(
                service.map_or_else(|| "30".to_owned(), |v| v.duration_minutes.to_string()),
            ),
            doctor_id: RwSignal::new(service.and_then(|v| v.doctor_id)),
        }
    }

    /// The request body. "12 500" and "12500,50" are fine to type; the wire wants "12500.50".
    /// What does not parse goes as typed, so the server names the field.
    fn body(self, version: Option<i64>) -> ServiceWrite {
        let typed = self.price.get_untracked();
        let base_price = Money::wire_from_user_input(&typed);
        let description = self.description.get_untracked();
        ServiceWrite {
            name: self.name.get_untracked(),
            description: (!description.trim().is_empty()).then_some(description),
            base_price,
            duration_minutes: self.duration.get_untracked().trim().parse().unwrap_or(0),
            doctor_id: self.doctor_id.get_untracked(),
            version,
        }
    }
}

#[component]
fn ServiceForm(
    service: Option<ServiceView>,
    doctors: Vec<DoctorView>,
    on_saved: impl Fn() + Copy + Send + Sync + 'static,
    on_cancel: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let s = t();
    let target = service.as_ref().map(|v| (v.id, v.version, v.is_active));
    let f = Fields::of(service.as_ref());
    let Fields {
        name,
        description,
        price,
        duration,
        doctor_id,
    } = f;
    let error = RwSignal::new(None::<ApiError>);
    let retire = deactivate_action("services", error, on_saved);
    let save = form_action(error, on_saved, move |body: ServiceWrite| async move {
        api::save_service(target.map(|(id, _, _)| id), body)
            .await
            .map(drop)
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = f.body(target.map(|(_, v, _)| v));
        save.dispatch_local(body);
    };
    let deactivate = move |_| {
        if let Some((id, version, _)) = target {
            retire.dispatch_local((id, version));
        }
    };
    let current = doctor_id.get_untracked();
    // The picker offers active doctors, plus the tied one if it has since been deactivated.
    let options: Vec<DoctorView> = doctors
        .into_iter()
        .filter(|d| d.is_active || Some(d.id) == current)
        .collect();
    view! {
        <form class="panel form-row" on:submit=submit data-testid="service-form">
            <h2>{if target.is_some() { s.directories().edit_service } else { s.directories().new_service }}</h2>
            <label class="grow">{s.service_name_label}
                <input name="name" required prop:value=name on:input=move |ev| name.set(event_target_value(&ev)) />
                <span class="field-error" data-field="name">{field_error(error, "name")}</span>
            </label>
            <label>{s.price_label}
                <input name="base_price" inputmode="decimal" required prop:value=price on:input=move |ev| price.set(event_target_value(&ev)) />
                <span class="field-error" data-field="base_price">{field_error(error, "base_price")}</span>
            </label>
            <label>{s.directories().duration_label}
                <input name="duration_minutes" type="number" min="1" max="720" prop:value=duration on:input=move |ev| duration.set(event_target_value(&ev)) />
                <span class="field-error" data-field="duration_minutes">{field_error(error, "duration_minutes")}</span>
            </label>
            <label>{s.doctor_label}
                <select name="doctor_id" on:change=move |ev| doctor_id.set(event_target_value(&ev).parse().ok())>
                    <option value="" selected=current.is_none()>{s.directories().any_doctor}</option>
                    {options.into_iter().map(|d| view! {
                        <option value=d.id.to_string() selected=Some(d.id) == current>{doctor_name(&d)}</option>
                    }).collect_view()}
                </select>
                <span class="field-error" data-field="doctor_id">{field_error(error, "doctor_id")}</span>
            </label>
            <label class="grow">{s.directories().description_label}
                <input name="description" maxlength="2000" prop:value=description on:input=move |ev| description.set(event_target_value(&ev)) />
                <span class="field-error" data-field="description">{field_error(error, "description")}</span>
            </label>
            <FormError error=error fields=FIELDS />
            <button type="submit" disabled=move || save.pending().get() || retire.pending().get()>{s.save}</button>
            <button type="button" class="secondary" on:click=move |_| on_cancel()>{s.cancel}</button>
            {target.filter(|t| t.2).map(|_| view! { <button type="button" class="danger" on:click=deactivate>{s.deactivate}</button> })}
        </form>
    }
}
