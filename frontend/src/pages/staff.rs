//! Staff management (owner, admin): accounts with their last sign-in and counts per role,
//! create one (with a generated password to hand over), rename, change the role, reset the
//! password, activate/deactivate.

use emhana_api_types::auth::{CreateUser, UpdateUser, UserView};
use emhana_domain::Role;
use leptos::prelude::*;

use crate::api::{self, ApiError};
use crate::clinic::day_hm;
use crate::components::form::{field_error, FormError};
use crate::erased::{effect, Loaded, Task};
use crate::i18n::t;

/// `/staff`
#[component]
pub fn StaffPage() -> impl IntoView {
    let s = t();
    let reload = RwSignal::new(0u32);
    let users = Loaded::new(move || {
        reload.track();
        api::users()
    });
    view! {
        <h1>{s.nav_staff}</h1>
        <CreateUserForm on_created=move || reload.update(|n| *n += 1) />
        <div class="panel table-wrap">
            <Transition fallback=move || view! { <p>{s.loading}</p> }>
                {move || users.get().map(|r| match r {
                    Ok(list) => view! {
                        <p class="muted" data-testid="staff-counts">{counts(&list)}</p>
                        <UserTable users=list on_changed=move || reload.update(|n| *n += 1) />
                    }.into_any(),
                    Err(e) => view! { <p class="status-error" role="alert">{e.message()}</p> }.into_any(),
                })}
            </Transition>
        </div>
    }
}

/// `Владелец: 1 · Администратор: 2 · …` over active accounts, then how many are deactivated.
fn counts(users: &[UserView]) -> String {
    let s = t();
    let mut parts: Vec<String> = Role::ALL
        .into_iter()
        .map(|r| {
            let n = users.iter().filter(|u| u.is_active && u.role == r).count();
            format!("{}: {n}", crate::i18n::t().role(r))
        })
        .collect();
    let inactive = users.iter().filter(|u| !u.is_active).count();
    parts.push(format!("{}: {inactive}", s.staff.staff_inactive_count));
    parts.join(" · ")
}

#[component]
fn UserTable(
    users: Vec<UserView>,
    on_changed: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let s = t();
    let error = RwSignal::new(None::<String>);
    // One change per call: activation, role or a new password (the server checks who may).
    let update =
        Task::new(|(id, change): &(i64, UpdateUser)| api::update_user(*id, change.clone()));
    effect(move || match update.result() {
        Some(Ok(_)) => {
            error.set(None);
            on_changed();
        }
        Some(Err(e)) => error.set(Some(e.message())),
        None => {}
    });
    let change = move |id: i64, change: UpdateUser| {
        update.dispatch_local((id, change));
    };
    view! {
        {move || error.get().map(|e| view! { <p class="status-error" role="alert">{e}</p> })}
        <table class="table" data-testid="staff-table">
            <thead><tr><th>{s.login_label}</th><th>{s.name_label}</th><th>{s.staff.role_label}</th><th>{s.status_label}</th><th>{s.staff.staff_last_login}</th><th>{s.staff.new_password}</th><th></th></tr></thead>
            <tbody>
                {users.into_iter().map(|u| {
                    let (id, version, active) = (u.id, u.version, u.is_active);
                    let current = u.role;
                    let password = RwSignal::new(String::new());
                    let last_login = u.last_login_at.as_deref().map_or_else(|| s.staff.staff_never.to_owned(), day_hm);
                    view! {
                        <tr data-login=u.login.clone() data-version=version.to_string()>
                            <td>{u.login.clone()}</td>
                            <td>
                                <input name="display-name" prop:value=u.display_name.clone() aria-label=s.name_label
                                    on:change=move |ev| {
                                        change(id, UpdateUser { display_name: Some(event_target_value(&ev)), version, ..UpdateUser::default() });
                                    } />
                            </td>
                            <td>
                                <select name="role" on:change=move |ev| {
                                    if let Some(r) = Role::from_code(&event_target_value(&ev)) {
                                        change(id, UpdateUser { role: Some(r), version, ..UpdateUser::default() });
                                    }
                                }>
                                    {Role::ALL.into_iter().map(|r| view! {
                                        <option value=r.code() selected=r == current>{crate::i18n::t().role(r)}</option>
                                    }).collect_view()}
                                </select>
                            </td>
                            <td>{if active { s.active } else { s.inactive }}</td>
                            <td class="muted">{last_login}</td>
                            <td class="form-row">
                                <input name="reset-password" type="password" autocomplete="new-password" prop:value=password
                                    on:input=move |ev| password.set(event_target_value(&ev)) />
                                <button type="button" class="secondary" on:click=move |_| {
                                    change(id, UpdateUser { password: Some(password.get_untracked()), version, ..UpdateUser::default() });
                                }>{s.staff.set_password}</button>
                            </td>
                            <td><button class="link" on:click=move |_| {
                                change(id, UpdateUser { is_active: Some(!active), version, ..UpdateUser::default() });
                            }>{if active { s.deactivate } else { s.staff.activate }}</button></td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}

#[component]
fn CreateUserForm(on_created: impl Fn() + Copy + Send + Sync + 'static) -> impl IntoView {
    let s = t();
    let login = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let role = RwSignal::new(Role::Receptionist);
    let doctor = RwSignal::new(None::<i64>);
    let password = RwSignal::new(String::new());
    // A generated password is shown in clear, to be handed to the new colleague.
    let shown = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let doctors = Loaded::new(|| api::doctors(false));
    let create = Task::new(|body: &CreateUser| api::create_user(body.clone()));
    effect(move || match create.result() {
        Some(Ok(_)) => {
            error.set(None);
            login.set(String::new());
            name.set(String::new());
            password.set(String::new());
            shown.set(false);
            on_created();
        }
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = CreateUser {
            login: login.get_untracked(),
            display_name: name.get_untracked(),
            role: role.get_untracked(),
            password: password.get_untracked(),
            // A doctor account sees its doctor's schedule.
            doctor_id: doctor
                .get_untracked()
                .filter(|_| role.get_untracked() == Role::Doctor),
        };
        create.dispatch_local(body);
    };
    view! {
        <form class="panel form-row" on:submit=submit data-testid="create-user">
            <h2>{s.staff.new_user}</h2>
            <label>{s.login_label}
                <input name="new-login" prop:value=login on:input=move |ev| login.set(event_target_value(&ev)) />
                <span class="field-error" data-field="login">{field_error(error, "login")}</span>
            </label>
            <label>{s.name_label}
                <input name="new-name" prop:value=name on:input=move |ev| name.set(event_target_value(&ev)) />
                <span class="field-error" data-field="display_name">{field_error(error, "display_name")}</span>
            </label>
            <label>{s.staff.role_label}
                <select name="new-role" on:change=move |ev| {
                    if let Some(r) = Role::from_code(&event_target_value(&ev)) { role.set(r) }
                }>
                    {Role::ALL.into_iter().map(|r| view! {
                        <option value=r.code() selected=move || role.get() == r>{crate::i18n::t().role(r)}</option>
                    }).collect_view()}
                </select>
            </label>
            <Show when=move || role.get() == Role::Doctor>
                <label>{s.doctor_label}
                    <select name="new-doctor" on:change=move |ev| doctor.set(event_target_value(&ev).parse().ok())>
                        <option value="">"—"</option>
                        {move || doctors.get().and_then(Result::ok).unwrap_or_default().into_iter().map(|d| {
                            view! { <option value=d.id.to_string()>{format!("{} {}", d.last_name, d.first_name)}</option> }
                        }).collect_view()}
                    </select>
                    <span class="field-error" data-field="doctor_id">{field_error(error, "doctor_id")}</span>
                </label>
            </Show>
            <label>{s.password_label}
                <input name="new-password" type=move || if shown.get() { "text" } else { "password" } autocomplete="new-password"
                    prop:value=password on:input=move |ev| password.set(event_target_value(&ev)) />
                <span class="field-error" data-field="password">{field_error(error, "password")}</span>
            </label>
            <button type="button" class="secondary" on:click=move |_| {
                password.set(api::generated_password());
                shown.set(true);
            }>{s.staff.staff_generate}</button>
            <FormError error=error fields=&["login", "display_name", "role", "doctor_id", "password"] />
            <button type="submit">{s.staff.create}</button>
        </form>
    }
}
