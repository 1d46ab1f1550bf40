//! Staff management (owner, admin): list accounts, create one, activate/deactivate.

use emhana_api_types::auth::{CreateUser, UpdateUser, UserView};
use emhana_domain::Role;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{self, ApiError};
use crate::i18n::t;

/// `/staff`
#[component]
pub fn StaffPage() -> impl IntoView {
    let s = t();
    let reload = RwSignal::new(0u32);
    let users = LocalResource::new(move || {
        reload.track();
        api::users()
    });
    view! {
        <h1>{s.nav_staff}</h1>
        <CreateUserForm on_created=move || reload.update(|n| *n += 1) />
        <div class="panel">
            <Transition fallback=move || view! { <p>{s.loading}</p> }>
                {move || users.get().map(|r| match r {
                    Ok(list) => view! { <UserTable users=list on_changed=move || reload.update(|n| *n += 1) /> }.into_any(),
                    Err(e) => view! { <p class="status-error" role="alert">{e.message()}</p> }.into_any(),
                })}
            </Transition>
        </div>
    }
}

#[component]
fn UserTable(
    users: Vec<UserView>,
    on_changed: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let s = t();
    let error = RwSignal::new(None::<String>);
    let toggle = move |u: UserView| {
        spawn_local(async move {
            let change = UpdateUser {
                is_active: Some(!u.is_active),
                version: u.version,
                ..UpdateUser::default()
            };
            match api::update_user(u.id, change).await {
                Ok(_) => on_changed(),
                Err(e) => error.set(Some(e.message())),
            }
        });
    };
    view! {
        {move || error.get().map(|e| view! { <p class="status-error" role="alert">{e}</p> })}
        <table class="table" data-testid="staff-table">
            <thead><tr><th>{s.login_label}</th><th>{s.name_label}</th><th>{s.role_label}</th><th>{s.status_label}</th><th></th></tr></thead>
            <tbody>
                {users.into_iter().map(|u| {
                    let row = u.clone();
                    view! {
                        <tr>
                            <td>{u.login.clone()}</td>
                            <td>{u.display_name.clone()}</td>
                            <td>{u.role.label_ru()}</td>
                            <td>{if u.is_active { s.active } else { s.inactive }}</td>
                            <td><button class="link" on:click=move |_| toggle(row.clone())>
                                {if u.is_active { s.deactivate } else { s.activate }}
                            </button></td>
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
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = CreateUser {
            login: login.get_untracked(),
            display_name: name.get_untracked(),
            role: role.get_untracked(),
            password: password.get_untracked(),
            doctor_id: None,
        };
        spawn_local(async move {
            match api::create_user(body).await {
                Ok(_) => {
                    error.set(None);
                    login.set(String::new());
                    name.set(String::new());
                    password.set(String::new());
                    on_created();
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let field_error =
        move |f: &'static str| move || error.with(|e| e.as_ref().and_then(|e| e.field(f)));
    view! {
        <form class="panel form-row" on:submit=submit data-testid="create-user">
            <h2>{s.new_user}</h2>
            <label>{s.login_label}
                <input name="new-login" prop:value=login on:input=move |ev| login.set(event_target_value(&ev)) />
                <span class="field-error">{field_error("login")}</span>
            </label>
            <label>{s.name_label}
                <input name="new-name" prop:value=name on:input=move |ev| name.set(event_target_value(&ev)) />
                <span class="field-error">{field_error("display_name")}</span>
            </label>
            <label>{s.role_label}
                <select name="new-role" on:change=move |ev| {
                    if let Some(r) = Role::from_code(&event_target_value(&ev)) { role.set(r) }
                }>
                    {Role::ALL.into_iter().map(|r| view! {
                        <option value=r.code() selected=move || role.get() == r>{r.label_ru()}</option>
                    }).collect_view()}
                </select>
            </label>
            <label>{s.password_label}
                <input name="new-password" type="password" autocomplete="new-password" prop:value=password on:input=move |ev| password.set(event_target_value(&ev)) />
                <span class="field-error">{field_error("password")}</span>
            </label>
            {move || error.with(|e| e.as_ref().filter(|e| matches!(e, ApiError::Problem(p) if p.errors.is_empty()) || matches!(e, ApiError::Network(_))).map(|e| view! { <p class="status-error" role="alert">{e.message()}</p> }))}
            <button type="submit">{s.create}</button>
        </form>
    }
}
