//! Doctors ("Врачи"): the sortable, paged list; admins add, edit and deactivate.

use emhana_api_types::directories::{DoctorView, DoctorWrite};
use emhana_domain::access::Permission;
use emhana_domain::validation::PhoneNumber;
use leptos::prelude::*;

use crate::api::{self, ApiError};
use crate::components::form::{field_error, spawn_save, FormError};
use crate::components::table::{sorted_page, ClickableRow, Pager, SortHeader, SortKey, SortOrder};
use crate::i18n::t;
use crate::session;

/// `/doctors`
#[component]
pub fn DoctorsPage() -> impl IntoView {
    let s = t();
    let may_write = session::can(Permission::DirectoriesWrite);
    let include_inactive = RwSignal::new(false);
    let reload = RwSignal::new(0u32);
    // The form: closed (None), a new doctor (Some(None)), or this one.
    let editing = RwSignal::new(None::<Option<DoctorView>>);
    let list = LocalResource::new(move || {
        reload.track();
        api::doctors(include_inactive.get())
    });
    let order = RwSignal::new(SortOrder::by(0));
    let page = RwSignal::new(0usize);
    let total = Signal::derive(move || {
        list.get()
            .and_then(Result::ok)
            .map_or(0, |rows: Vec<DoctorView>| rows.len())
    });
    let saved = move || {
        editing.set(None);
        reload.update(|n| *n += 1);
    };
    let key = |d: &DoctorView, column: usize| match column {
        0 => SortKey::text(&format!("{} {}", d.last_name, d.first_name)),
        1 => SortKey::text(&d.specialization),
        2 => SortKey::text(d.phone.as_deref().unwrap_or("")),
        _ => SortKey::Num(i64::from(d.is_active)),
    };
    view! {
        <h1>{s.nav_doctors}</h1>
        <div class="panel form-row">
            <label class="inline">
                <input type="checkbox" name="include_inactive" prop:checked=include_inactive
                    on:change=move |ev| include_inactive.set(event_target_checked(&ev)) />
                {s.show_inactive}
            </label>
            {may_write.then(|| view! { <button on:click=move |_| editing.set(Some(None))>{s.new_doctor}</button> })}
        </div>
        {move || editing.get().map(|d: Option<DoctorView>| view! {
            <DoctorForm doctor=d on_saved=saved on_cancel=move || editing.set(None) />
        })}
        <div class="panel">
            <Transition fallback=move || view! { <p>{s.loading}</p> }>
                {move || list.get().map(|r| match r {
                    Ok(rows) if rows.is_empty() => view! { <p class="muted">{s.empty}</p> }.into_any(),
                    Ok(rows) => view! {
                        <table class="table" data-testid="doctors-table">
                            <thead><tr>
                                <SortHeader label=s.name_label column=0 order=order />
                                <SortHeader label=s.specialization_label column=1 order=order />
                                <SortHeader label=s.phone_label column=2 order=order />
                                <SortHeader label=s.status_label column=3 order=order />
                            </tr></thead>
                            <tbody>
                                {move || sorted_page(&rows, order.get(), page.get(), key).into_iter().map(|d| {
                                    let open = d.clone();
                                    let edit = Callback::new(move |()| if may_write { editing.set(Some(Some(open.clone()))) });
                                    view! {
                                        <ClickableRow on_open=edit inactive=!d.is_active>
                                            <td>{format!("{} {}", d.last_name, d.first_name)}</td>
                                            <td>{d.specialization.clone()}</td>
                                            <td>{d.phone.as_deref().map(PhoneNumber::display).unwrap_or_default()}</td>
                                            <td>{if d.is_active { s.active } else { s.inactive }}</td>
                                        </ClickableRow>
                                    }
                                }).collect_view()}
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
    "first_name",
    "last_name",
    "specialization",
    "phone",
    "email",
];

#[component]
fn DoctorForm(
    doctor: Option<DoctorView>,
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
    let busy = RwSignal::new(false);
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
        spawn_save(busy, error, on_saved, async move {
            api::save_doctor(target.map(|(id, _, _)| id), body).await
        });
    };
    let deactivate = move |_| {
        if let Some((id, version, _)) = target {
            spawn_save(
                busy,
                error,
                on_saved,
                api::deactivate("doctors", id, version),
            );
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
            <h2>{if target.is_some() { s.edit_doctor } else { s.new_doctor }}</h2>
            {input("last_name", s.last_name_label, last)}
            {input("first_name", s.first_name_label, first)}
            {input("specialization", s.specialization_label, specialization)}
            <label>{s.phone_label}
                <input name="phone" type="tel" inputmode="tel" placeholder="+7 (7XX) XXX-XX-XX"
                    prop:value=phone on:input=move |ev| phone.set(event_target_value(&ev))
                    on:change=move |ev| phone.set(PhoneNumber::mask_input(&event_target_value(&ev))) />
                <span class="field-error" data-field="phone">{field_error(error, "phone")}</span>
            </label>
            {input("email", s.email_label, email)}
            <FormError error=error fields=FIELDS />
            <button type="submit" disabled=move || busy.get()>{s.save}</button>
            <button type="button" class="secondary" on:click=move |_| on_cancel()>{s.cancel}</button>
            {target.filter(|t| t.2).map(|_| view! { <button type="button" class="danger" on:click=deactivate>{s.deactivate}</button> })}
        </form>
    }
}
