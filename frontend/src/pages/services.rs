//! The price list ("Прайс-лист"): services with price, duration and the doctor they are tied to;
//! admins add, edit (price changes are audited with old and new) and deactivate.

use std::collections::HashMap;

use emhana_api_types::directories::{DoctorView, ServiceView, ServiceWrite};
use emhana_domain::access::Permission;
use emhana_domain::Money;
use leptos::prelude::*;

use crate::api::{self, ApiError};
use crate::components::form::{field_error, spawn_save, FormError};
use crate::components::table::{sorted_page, ClickableRow, Pager, SortHeader, SortKey, SortOrder};
use crate::i18n::t;
use crate::session;

/// Doctor names by id, for the table and the picker.
type DoctorNames = HashMap<i64, String>;

fn doctor_name(d: &DoctorView) -> String {
    format!("{} {}", d.last_name, d.first_name)
}

/// `/services`
#[component]
pub fn ServicesPage() -> impl IntoView {
    let s = t();
    let may_write = session::can(Permission::DirectoriesWrite);
    let include_inactive = RwSignal::new(false);
    let reload = RwSignal::new(0u32);
    let editing = RwSignal::new(None::<Option<ServiceView>>);
    let list = LocalResource::new(move || {
        reload.track();
        api::services(include_inactive.get())
    });
    // All doctors (inactive ones too: an old service may still name one).
    let doctors = LocalResource::new(|| api::doctors(true));
    let doctor_list =
        Signal::derive(move || doctors.get().and_then(Result::ok).unwrap_or_default());
    let names = Signal::derive(move || {
        doctor_list
            .get()
            .iter()
            .map(|d| (d.id, doctor_name(d)))
            .collect::<DoctorNames>()
    });
    let order = RwSignal::new(SortOrder::by(0));
    let page = RwSignal::new(0usize);
    let total = Signal::derive(move || list.get().and_then(Result::ok).map_or(0, |r| r.len()));
    let saved = move || {
        editing.set(None);
        reload.update(|n| *n += 1);
    };
    view! {
        <h1>{s.nav_services}</h1>
        <div class="panel form-row">
            <label class="inline">
                <input type="checkbox" name="include_inactive" prop:checked=include_inactive
                    on:change=move |ev| include_inactive.set(event_target_checked(&ev)) />
                {s.show_inactive}
            </label>
            {may_write.then(|| view! { <button on:click=move |_| editing.set(Some(None))>{s.new_service}</button> })}
        </div>
        {move || editing.get().map(|svc| view! {
            <ServiceForm service=svc doctors=doctor_list.get() on_saved=saved on_cancel=move || editing.set(None) />
        })}
        <div class="panel">
            <Transition fallback=move || view! { <p>{s.loading}</p> }>
                {move || list.get().map(|r| match r {
                    Ok(rows) if rows.is_empty() => view! { <p class="muted">{s.empty}</p> }.into_any(),
                    Ok(rows) => view! {
                        <table class="table" data-testid="services-table">
                            <thead><tr>
                                <SortHeader label=s.service_name_label column=0 order=order />
                                <SortHeader label=s.price_label column=1 order=order />
                                <SortHeader label=s.duration_label column=2 order=order />
                                <SortHeader label=s.doctor_label column=3 order=order />
                                <SortHeader label=s.status_label column=4 order=order />
                            </tr></thead>
                            <tbody>
                                {move || {
                                    let names = names.get();
                                    let doctor = move |id: Option<i64>| id.and_then(|id| names.get(&id).cloned()).unwrap_or_default();
                                    let key = |v: &ServiceView, column: usize| match column {
                                        0 => SortKey::text(&v.name),
                                        1 => SortKey::Num(v.base_price.tiyn()),
                                        2 => SortKey::Num(v.duration_minutes),
                                        3 => SortKey::text(&doctor(v.doctor_id)),
                                        _ => SortKey::Num(i64::from(v.is_active)),
                                    };
                                    sorted_page(&rows, order.get(), page.get(), key).into_iter().map(|v| {
                                        let open = v.clone();
                                        let edit = Callback::new(move |()| if may_write { editing.set(Some(Some(open.clone()))) });
                                        let doctor_name = doctor(v.doctor_id);
                                        view! {
                                            <ClickableRow on_open=edit inactive=!v.is_active>
                                                <td>{v.name.clone()}</td>
                                                <td class="num">{v.base_price.format_ui()}</td>
                                                <td class="num">{v.duration_minutes}</td>
                                                <td>{doctor_name}</td>
                                                <td>{if v.is_active { s.active } else { s.inactive }}</td>
                                            </ClickableRow>
                                        }
                                    }).collect_view()
                                }}
                            </tbody>
                        </table>
                    }.into_any(),
                    Err(e) => view! { <p class="status-error" role="alert">{e.message()}</p> }.into_any(),
                })}
            </Transition>
            <Pager page=page total=total />
        </div>
    }
}

const FIELDS: &[&str] = &[
    "name",
    "description",
    "base_price",
    "duration_minutes",
    "doctor_id",
];

#[component]
fn ServiceForm(
    service: Option<ServiceView>,
    doctors: Vec<DoctorView>,
    on_saved: impl Fn() + Copy + Send + Sync + 'static,
    on_cancel: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let s = t();
    let target = service.as_ref().map(|v| (v.id, v.version, v.is_active));
    let name = RwSignal::new(service.as_ref().map(|v| v.name.clone()).unwrap_or_default());
    let description = RwSignal::new(
        service
            .as_ref()
            .and_then(|v| v.description.clone())
            .unwrap_or_default(),
    );
    let price = RwSignal::new(
        service
            .as_ref()
            .map(|v| v.base_price.to_string())
            .unwrap_or_default(),
    );
    let duration = RwSignal::new(
        service
            .as_ref()
            .map_or_else(|| "30".to_owned(), |v| v.duration_minutes.to_string()),
    );
    let doctor_id = RwSignal::new(service.as_ref().and_then(|v| v.doctor_id));
    let error = RwSignal::new(None::<ApiError>);
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let typed = price.get_untracked();
        // "12 500" and "12500,50" are fine to type; the wire wants "12500.50". What does not
        // parse goes as typed, so the server names the field.
        let base_price = Money::parse_user_input(&typed).map_or(typed, |m| m.to_string());
        let description = description.get_untracked();
        let body = ServiceWrite {
            name: name.get_untracked(),
            description: (!description.trim().is_empty()).then_some(description),
            base_price,
            duration_minutes: duration.get_untracked().trim().parse().unwrap_or(0),
            doctor_id: doctor_id.get_untracked(),
            version: target.map(|(_, v, _)| v),
        };
        spawn_save(busy, error, on_saved, async move {
            api::save_service(target.map(|(id, _, _)| id), body).await
        });
    };
    let deactivate = move |_| {
        if let Some((id, version, _)) = target {
            spawn_save(
                busy,
                error,
                on_saved,
                api::deactivate("services", id, version),
            );
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
            <h2>{if target.is_some() { s.edit_service } else { s.new_service }}</h2>
            <label class="grow">{s.service_name_label}
                <input name="name" required prop:value=name on:input=move |ev| name.set(event_target_value(&ev)) />
                <span class="field-error" data-field="name">{field_error(error, "name")}</span>
            </label>
            <label>{s.price_label}
                <input name="base_price" inputmode="decimal" required prop:value=price on:input=move |ev| price.set(event_target_value(&ev)) />
                <span class="field-error" data-field="base_price">{field_error(error, "base_price")}</span>
            </label>
            <label>{s.duration_label}
                <input name="duration_minutes" type="number" min="1" max="720" prop:value=duration on:input=move |ev| duration.set(event_target_value(&ev)) />
                <span class="field-error" data-field="duration_minutes">{field_error(error, "duration_minutes")}</span>
            </label>
            <label>{s.doctor_label}
                <select name="doctor_id" on:change=move |ev| doctor_id.set(event_target_value(&ev).parse().ok())>
                    <option value="" selected=current.is_none()>{s.any_doctor}</option>
                    {options.into_iter().map(|d| view! {
                        <option value=d.id.to_string() selected=Some(d.id) == current>{doctor_name(&d)}</option>
                    }).collect_view()}
                </select>
                <span class="field-error" data-field="doctor_id">{field_error(error, "doctor_id")}</span>
            </label>
            <label class="grow">{s.description_label}
                <input name="description" maxlength="2000" prop:value=description on:input=move |ev| description.set(event_target_value(&ev)) />
                <span class="field-error" data-field="description">{field_error(error, "description")}</span>
            </label>
            <FormError error=error fields=FIELDS />
            <button type="submit" disabled=move || busy.get()>{s.save}</button>
            <button type="button" class="secondary" on:click=move |_| on_cancel()>{s.cancel}</button>
            {target.filter(|t| t.2).map(|_| view! { <button type="button" class="danger" on:click=deactivate>{s.deactivate}</button> })}
        </form>
    }
}
