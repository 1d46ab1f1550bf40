//! Integrations (owner): API keys for machines (created with scopes, the token shown once,
//! revoked at once) and webhooks (subscribe a URL to events, the secret shown once, pause,
//! delete, and each subscription's delivery log with replay).

use emhana_api_types::integrations::{
    ApiKeyView, DeliveryView, NewApiKey, NewWebhook, WebhookPatch, WebhookView,
};
use leptos::prelude::*;

use crate::api::integrations as api;
use crate::api::ApiError;
use crate::erased::{effect, Loaded, Task};
use crate::i18n::{label, t, Strings};

/// `/integrations`
#[component]
pub fn IntegrationsPage() -> impl IntoView {
    let s = t();
    view! {
        <h1>{s.nav_integrations}</h1>
        <p class="muted">{s.settings().integrations_hint}</p>
        <KeysPanel />
        <WebhooksPanel />
    }
}

/// A stored instant as clinic-local `dd.mm.yyyy hh:mm`.
fn when(at: &str) -> String {
    crate::clinic::local(at).map_or_else(
        || at.to_owned(),
        |t| crate::dates::stamp(crate::i18n::t().formats.date_time, t),
    )
}

/// Checkboxes over a (code, label) table, bound to the chosen codes.
#[component]
fn CodeChoice(
    table: &'static [(&'static str, &'static str)],
    chosen: RwSignal<Vec<String>>,
    name: &'static str,
) -> impl IntoView {
    let toggle = move |code: &'static str| {
        chosen.update(|c| {
            if let Some(i) = c.iter().position(|x| x == code) {
                c.remove(i);
            } else {
                c.push(code.to_owned());
            }
        })
    };
    view! {
        <div class="checks">
            {table.iter().map(|(code, text)| {
                let code: &'static str = code;
                view! {
                    <label class="check"><input type="checkbox" name=name value=code
                        prop:checked=move || chosen.with(|c| c.iter().any(|x| x == code))
                        on:change=move |_| toggle(code) />{*text}</label>
                }
            }).collect_view()}
        </div>
    }
}

fn field_error(error: RwSignal<Option<ApiError>>, f: &'static str) -> impl Fn() -> Option<AnyView> {
    move || {
        error
            .get()
            .and_then(|e| e.field(f))
            .map(|m| view! { <span class="status-error">{m}</span> }.into_any())
    }
}

/// The secret or token just made, with the warning that it is shown once.
#[component]
fn ShownOnce(value: RwSignal<Option<String>>, testid: &'static str) -> impl IntoView {
    let s = t();
    move || {
        value.get().map(|v| {
            view! {
                <div class="panel notice" role="status">
                    <p>{s.settings().integrations_shown_once}</p>
                    <code data-testid=testid>{v}</code>
                </div>
            }
        })
    }
}

#[component]
fn KeysPanel() -> impl IntoView {
    let s = t();
    let reload = RwSignal::new(0u32);
    let keys = Loaded::new(move || {
        reload.track();
        api::api_keys()
    });
    let name = RwSignal::new(String::new());
    let scopes = RwSignal::new(Vec::<String>::new());
    let expires = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    let token = RwSignal::new(None::<String>);
    let create = Task::new(|body: &NewApiKey| api::create_api_key(body.clone()));
    effect(move || match create.result() {
        Some(Ok(created)) => {
            token.set(Some(created.token));
            error.set(None);
            name.set(String::new());
            scopes.set(Vec::new());
            expires.set(String::new());
            reload.update(|n| *n += 1);
        }
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        token.set(None);
        let day = expires.get_untracked();
        create.dispatch_local(NewApiKey {
            name: name.get_untracked(),
            scopes: scopes.get_untracked(),
            expires_at: (!day.is_empty()).then(|| format!("{day}T23:59:59+05:00")),
        });
    };
    view! {
        <section class="panel" data-testid="api-keys">
            <h2>{s.settings().integrations_keys}</h2>
            <form on:submit=submit data-testid="api-key-form">
                <label>{s.settings().integrations_key_name}<input name="key_name" prop:value=name on:input=move |ev| name.set(event_target_value(&ev)) />{field_error(error, "name")}</label>
                <fieldset><legend>{s.settings().integrations_scopes}</legend>
                    <CodeChoice table=s.settings().scope_labels chosen=scopes name="scope" />
                    {field_error(error, "scopes")}
                </fieldset>
                <label>{s.settings().integrations_expires}<input type="date" name="expires" prop:value=expires on:input=move |ev| expires.set(event_target_value(&ev)) />{field_error(error, "expires_at")}</label>
                <button type="submit" class="primary" disabled=move || create.pending().get()>{s.settings().integrations_create_key}</button>
                {move || error.get().filter(|e| e.field_messages().is_empty()).map(|e| view! { <p class="status-error" role="alert">{e.message()}</p> })}
            </form>
            <ShownOnce value=token testid="new-token" />
            <Transition fallback=move || view! { <p>{s.loading}</p> }>
                {move || keys.get().map(|r| match r {
                    Ok(list) if list.is_empty() => view! { <p class="muted">{s.settings().integrations_no_keys}</p> }.into_any(),
                    Ok(list) => view! { <KeyTable keys=list reload=reload /> }.into_any(),
                    Err(e) => view! { <p class="status-error" role="alert">{e.message()}</p> }.into_any(),
                })}
            </Transition>
        </section>
    }
}

#[component]
fn KeyTable(keys: Vec<ApiKeyView>, reload: RwSignal<u32>) -> impl IntoView {
    let s = t();
    let revoke = Task::new(|id: &i64| api::revoke_api_key(*id));
    effect(move || {
        if revoke.result().is_some() {
            reload.update(|n| *n += 1);
        }
    });
    view! {
        <table class="table" data-testid="api-key-table">
            <thead><tr>
                <th>{s.settings().integrations_key_name}</th><th>{s.settings().integrations_key}</th><th>{s.settings().integrations_scopes}</th>
                <th>{s.settings().integrations_state}</th><th>{s.settings().integrations_expires}</th><th>{s.settings().integrations_last_used}</th><th></th>
            </tr></thead>
            <tbody>{keys.into_iter().map(|k| {
                let id = k.id;
                let active = k.state == "active";
                let state = label(s.settings().key_state_labels, &k.state);
                let scopes = k.scopes.iter().map(|c| label(s.settings().scope_labels, c)).collect::<Vec<_>>().join(", ");
                view! {
                    <tr data-key=k.token_prefix.clone()>
                        <td>{k.name}</td><td><code>{format!("{}…", k.token_prefix)}</code></td><td>{scopes}</td>
                        <td>{state}</td>
                        <td>{k.expires_at.as_deref().map(when).unwrap_or_default()}</td>
                        <td>{k.last_used_at.as_deref().map(when).unwrap_or_default()}</td>
                        <td>{active.then(|| view! {
                            <button on:click=move |_| { revoke.dispatch_local(id); }>{s.settings().integrations_revoke}</button>
                        })}</td>
                    </tr>
                }
            }).collect_view()}</tbody>
        </table>
    }
}

#[component]
fn WebhooksPanel() -> impl IntoView {
    let s = t();
    let reload = RwSignal::new(0u32);
    let hooks = Loaded::new(move || {
        reload.track();
        api::webhooks()
    });
    let url = RwSignal::new(String::new());
    let events = RwSignal::new(Vec::<String>::new());
    let description = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    let secret = RwSignal::new(None::<String>);
    let open_log = RwSignal::new(None::<i64>);
    let create = Task::new(|body: &NewWebhook| api::create_webhook(body.clone()));
    effect(move || match create.result() {
        Some(Ok(hook)) => {
            secret.set(hook.secret);
            error.set(None);
            url.set(String::new());
            events.set(Vec::new());
            description.set(String::new());
            reload.update(|n| *n += 1);
        }
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        secret.set(None);
        let d = description.get_untracked();
        create.dispatch_local(NewWebhook {
            url: url.get_untracked(),
            events: events.get_untracked(),
            description: (!d.trim().is_empty()).then_some(d),
        });
    };
    view! {
        <section class="panel" data-testid="webhooks">
            <h2>{s.settings().integrations_webhooks}</h2>
            <form on:submit=submit data-testid="webhook-form">
                <label>{s.settings().integrations_url}<input name="url" type="url" placeholder="https://" prop:value=url on:input=move |ev| url.set(event_target_value(&ev)) />{field_error(error, "url")}</label>
                <fieldset><legend>{s.settings().integrations_events}</legend>
                    <CodeChoice table=s.settings().event_labels chosen=events name="event" />
                    {field_error(error, "events")}
                </fieldset>
                <label>{s.settings().integrations_description}<input name="description" prop:value=description on:input=move |ev| description.set(event_target_value(&ev)) /></label>
                <button type="submit" class="primary" disabled=move || create.pending().get()>{s.settings().integrations_subscribe}</button>
                {move || error.get().filter(|e| e.field_messages().is_empty()).map(|e| view! { <p class="status-error" role="alert">{e.message()}</p> })}
            </form>
            <ShownOnce value=secret testid="new-secret" />
            <p class="muted">{s.settings().integrations_signature_hint}</p>
            <Transition fallback=move || view! { <p>{s.loading}</p> }>
                {move || hooks.get().map(|r| match r {
                    Ok(list) if list.is_empty() => view! { <p class="muted">{s.settings().integrations_no_webhooks}</p> }.into_any(),
                    Ok(list) => view! { <WebhookTable hooks=list reload=reload open_log=open_log /> }.into_any(),
                    Err(e) => view! { <p class="status-error" role="alert">{e.message()}</p> }.into_any(),
                })}
            </Transition>
            {move || open_log.get().map(|id| view! { <DeliveryLog id=id /> })}
        </section>
    }
}

#[component]
fn WebhookTable(
    hooks: Vec<WebhookView>,
    reload: RwSignal<u32>,
    open_log: RwSignal<Option<i64>>,
) -> impl IntoView {
    let s = t();
    let error = RwSignal::new(None::<ApiError>);
    let pause = Task::new(|(id, active): &(i64, bool)| {
        let body = WebhookPatch {
            active: Some(*active),
            ..WebhookPatch::default()
        };
        api::update_webhook(*id, body)
    });
    let remove = Task::new(|id: &i64| api::delete_webhook(*id));
    effect(move || match pause.result() {
        Some(Err(e)) => error.set(Some(e)),
        Some(Ok(_)) => reload.update(|n| *n += 1),
        None => {}
    });
    effect(move || match remove.result() {
        Some(Err(e)) => error.set(Some(e)),
        Some(Ok(())) => {
            open_log.set(None);
            reload.update(|n| *n += 1)
        }
        None => {}
    });
    view! {
        {move || error.get().map(|e| view! { <p class="status-error" role="alert">{e.message()}</p> })}
        <table class="table" data-testid="webhook-table">
            <thead><tr>
                <th>{s.settings().integrations_url}</th><th>{s.settings().integrations_events}</th><th>{s.settings().integrations_state}</th><th></th>
            </tr></thead>
            <tbody>{hooks.into_iter().map(|h| webhook_row(s, h, pause, remove, open_log)).collect_view()}</tbody>
        </table>
    }
}

type PauseAction = Task<(i64, bool), Result<WebhookView, ApiError>>;

fn webhook_row(
    s: &'static Strings,
    h: WebhookView,
    pause: PauseAction,
    remove: Task<i64, Result<(), ApiError>>,
    open_log: RwSignal<Option<i64>>,
) -> impl IntoView {
    let id = h.id;
    let active = h.active;
    let events = h
        .events
        .iter()
        .map(|c| label(s.settings().event_labels, c))
        .collect::<Vec<_>>()
        .join(", ");
    view! {
        <tr data-webhook=id>
            <td><code>{h.url}</code>{h.description.map(|d| view! { <div class="muted">{d}</div> })}</td>
            <td>{events}</td>
            <td>{if active { s.settings().integrations_active } else { s.settings().integrations_paused }}</td>
            <td>
                <button data-testid="open-log" on:click=move |_| open_log.set(Some(id))>{s.settings().integrations_log}</button>
                <button on:click=move |_| { pause.dispatch_local((id, !active)); }>
                    {if active { s.settings().integrations_pause } else { s.settings().integrations_resume }}
                </button>
                <button class="danger" on:click=move |_| {
                    if window().confirm_with_message(s.settings().integrations_delete_confirm).unwrap_or(false) {
                        remove.dispatch_local(id);
                    }
                }>{s.settings().integrations_delete}</button>
            </td>
        </tr>
    }
}

/// One subscription's deliveries, newest first, page by page, each failed or delivered one
/// replayable.
#[component]
fn DeliveryLog(id: i64) -> impl IntoView {
    let s = t();
    let rows = RwSignal::new(Vec::<DeliveryView>::new());
    let next = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<ApiError>);
    let load = Task::new(move |cursor: &Option<String>| api::deliveries(id, cursor.clone()));
    effect(move || match load.result() {
        Some(Ok(page)) => {
            rows.update(|r| r.extend(page.items));
            next.set(page.next_cursor);
        }
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    let refresh = move || {
        rows.set(Vec::new());
        load.dispatch_local(None);
    };
    refresh();
    let replay = Task::new(|d: &i64| api::replay(*d));
    effect(move || match replay.result() {
        Some(Ok(_)) => refresh(),
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    view! {
        <div class="panel" data-testid="delivery-log">
            <h3>{s.settings().integrations_log}</h3>
            <button on:click=move |_| refresh()>{s.settings().integrations_refresh}</button>
            {move || error.get().map(|e| view! { <p class="status-error" role="alert">{e.message()}</p> })}
            <table class="table">
                <thead><tr>
                    <th>{s.settings().integrations_queued}</th><th>{s.settings().integrations_event}</th><th>{s.settings().integrations_state}</th>
                    <th>{s.settings().integrations_attempts}</th><th>{s.settings().integrations_answer}</th><th></th>
                </tr></thead>
                <tbody>{move || rows.get().into_iter().map(|d| {
                    let delivery = d.id;
                    let answer = match (d.last_status_code, d.last_latency_ms, d.last_error.clone()) {
                        (Some(code), Some(ms), _) => format!("HTTP {code}, {ms} {}", s.settings().milliseconds_short),
                        (None, _, Some(why)) => why,
                        _ => String::new(),
                    };
                    view! {
                        <tr data-status=d.status.clone()>
                            <td>{when(&d.created_at)}</td>
                            <td>{label(s.settings().event_labels, &d.event_type)}</td>
                            <td>{label(s.settings().delivery_state_labels, &d.status)}</td>
                            <td>{d.attempts}</td>
                            <td>{answer}</td>
                            <td>{(d.status != "pending").then(|| view! {
                                <button on:click=move |_| { replay.dispatch_local(delivery); }>{s.settings().integrations_replay}</button>
                            })}</td>
                        </tr>
                    }
                }).collect_view()}</tbody>
            </table>
            {move || next.get().map(|cursor| view! {
                <button on:click=move |_| { load.dispatch_local(Some(cursor.clone())); }>{s.load_more}</button>
            })}
        </div>
    }
}
