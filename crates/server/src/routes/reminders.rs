//! Reminders (напоминания): the clinic's rules and texts, and the outbox as a list — what was
//! sent, what is planned, and why something was not sent.

use actix_web::{get, put, web, HttpResponse};
use chrono::Utc;
use emhana_api_types::reminders::{
    ReminderListQuery, ReminderSettingsBody, ReminderSettingsView, ReminderView,
};
use emhana_api_types::ProblemDetails;
use emhana_domain::access::Permission;
use emhana_domain::reminder::{list_period, Channel, Status};
use emhana_domain::ClinicZone;
use emhana_store::reminders::ReminderRow;
use emhana_store::Store;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::Authenticated;
use crate::error::{json_body, JsonBody};
use crate::reminders::{parse_settings, settings_body, stored_settings};
use crate::ApiError;

/// The channels this server can send through (from its configuration).
#[derive(Debug, Clone, Default)]
pub struct ReminderChannels(pub Vec<Channel>);

/// Registers the reminder endpoints.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(get_settings)
        .service(put_settings)
        .service(list_reminders);
}

async fn settings_view(
    store: &Store,
    channels: &ReminderChannels,
) -> Result<ReminderSettingsView, ApiError> {
    let settings = stored_settings(store).await?;
    Ok(ReminderSettingsView {
        settings: settings_body(&settings),
        channels: channels.0.iter().map(|c| c.code().to_owned()).collect(),
        address: store.requisites().await?.address,
    })
}

/// The reminder rules and texts (off, with the default rules and texts, until an owner saves
/// them), the channels the server can send through and the address `{address}` prints.
#[utoipa::path(tag = "reminders", security(("bearer" = [])), responses(
    (status = 200, body = ReminderSettingsView),
    (status = 403, body = ProblemDetails, content_type = "application/problem+json")
))]
#[get("/settings/reminders")]
pub async fn get_settings(
    auth: Authenticated,
    store: web::Data<Store>,
    channels: web::Data<ReminderChannels>,
) -> Result<HttpResponse, ApiError> {
    auth.require(Permission::VisitsRead)?;
    Ok(HttpResponse::Ok().json(settings_view(&store, &channels).await?))
}

/// Sets the reminder rules and texts (owner; audited). Rules: at most 5, `day_before` at
/// `HH:MM` clinic time or `hours_before` 1..72; texts with `{name}`, `{doctor}`, `{date}`,
/// `{time}`, `{address}`. Changes apply to reminders not sent yet.
#[utoipa::path(tag = "reminders", security(("bearer" = [])), request_body = ReminderSettingsBody, responses(
    (status = 200, body = ReminderSettingsView),
    (status = 403, body = ProblemDetails, content_type = "application/problem+json"),
    (status = 422, body = ProblemDetails, content_type = "application/problem+json")
))]
#[put("/settings/reminders")]
pub async fn put_settings(
    auth: Authenticated,
    store: web::Data<Store>,
    channels: web::Data<ReminderChannels>,
    body: JsonBody<ReminderSettingsBody>,
) -> Result<HttpResponse, ApiError> {
    auth.require(Permission::ClinicManage)?;
    let body = json_body(body)?;
    let new = settings_body(&parse_settings(&body)?);
    let old = settings_body(&stored_settings(&store).await?);
    let json = |b: &ReminderSettingsBody| serde_json::to_value(b).unwrap_or_default();
    store
        .set_reminder_settings(&auth.actor, &json(&old), &json(&new))
        .await?;
    Ok(HttpResponse::Ok().json(settings_view(&store, &channels).await?))
}

fn view(r: ReminderRow) -> ReminderView {
    ReminderView {
        id: r.id,
        appointment_id: r.appointment_id,
        planned_start: r.planned_start,
        rule: r.rule_key,
        due_at: r.due_at,
        status: r.status,
        reason: r.reason,
        channel: r.channel,
        body: r.body,
        attempts: r.attempts,
        last_status_code: r.last_status_code,
        last_error: r.last_error,
        sent_at: r.sent_at,
        provider_message_id: r.provider_message_id,
        patient_id: r.patient_id,
        patient_name: format!("{} {}", r.last_name.unwrap_or_default(), r.first_name)
            .trim()
            .to_owned(),
        phone: r.phone,
        doctor_name: format!("{} {}", r.doctor_last_name, r.doctor_first_name),
        visit_status: r.visit_status,
    }
}

/// Reminders of the visits on clinic days `from..=to` (default: today and tomorrow; at most 31
/// days), by visit start: planned, sent, failed (with the provider's answer) and withdrawn
/// (with the reason: cancelled or moved visit, no consent, too late).
#[utoipa::path(tag = "reminders", security(("bearer" = [])), params(ReminderListQuery), responses(
    (status = 200, body = Vec<ReminderView>),
    (status = 422, body = ProblemDetails, content_type = "application/problem+json")
))]
#[get("/reminders")]
pub async fn list_reminders(
    auth: Authenticated,
    store: web::Data<Store>,
    zone: web::Data<ClinicZone>,
    q: web::Query<ReminderListQuery>,
) -> Result<HttpResponse, ApiError> {
    auth.require(Permission::VisitsRead)?;
    let (first, last) = list_period(
        zone.local_date(Utc::now()),
        q.from.as_deref(),
        q.to.as_deref(),
    )?;
    let status = q
        .status
        .as_deref()
        .map(|s| Status::parse("status", s))
        .transpose()?;
    let (start, end) = zone.date_range(first, last);
    let rows = store
        .reminders(start, end, status.map(Status::code))
        .await?;
    Ok(HttpResponse::Ok().json(rows.into_iter().map(view).collect::<Vec<_>>()))
}
