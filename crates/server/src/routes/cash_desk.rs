//! The cash desk: registers, shifts (open → counting → closed), cash in/out, the X report at any
//! moment, the blind count and the close with its immutable Z report, and the clinic's settings.

use actix_web::{get, patch, post, put, web, HttpResponse};
use chrono::{NaiveTime, Utc};
use emhana_api_types::cash_desk::{
    CashDeskSettingsView, CashMovementCreate, RegisterCreate, RegisterUpdate, RegisterView,
    ShiftClose, ShiftEntryView, ShiftOpen, ShiftView, XReportView,
};
use emhana_api_types::queries::{DayQuery, ShiftListQuery};
use emhana_api_types::ProblemDetails;
use emhana_domain::access::{Permission, VisitAuthority};
use emhana_domain::cash_desk::{
    is_stale, x_report_visible, CashDeskSettings, CashMovement, ShiftCount, ShiftRefusal,
    ShiftStatus,
};
use emhana_domain::clinic_time::rfc3339;
use emhana_domain::directories::parse_title;
use emhana_domain::ids::{RegisterId, ShiftId};
use emhana_domain::validation::parse_iso_date;
use emhana_domain::{ClinicZone, Money, Violations};
use emhana_store::cash_desk::{JournalLine, Register, Shift};
use emhana_store::Store;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::Authenticated;
use crate::error::{json_body, JsonBody};
use crate::ApiError;

/// Registers the cash-desk endpoints.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(registers)
        .service(create_register)
        .service(update_register)
        .service(open_shift)
        .service(shifts)
        .service(shift_by_id)
        .service(journal)
        .service(outside_shifts)
        .service(move_cash)
        .service(x_report)
        .service(start_count)
        .service(close)
        .service(z_report)
        .service(read_settings)
        .service(update_settings);
}

fn register_view(r: Register) -> RegisterView {
    RegisterView {
        id: r.id.0,
        name: r.name,
        is_active: r.is_active,
        shift_id: r.shift.map(|s| s.0 .0),
        shift_status: r.shift.map(|s| s.1.code().to_owned()),
    }
}

/// The wire form of a shift; `stale` from the clinic's day end and the clinic's clock now.
fn shift_view(s: Shift, day_end: NaiveTime, zone: ClinicZone) -> ShiftView {
    let stale = s.status != ShiftStatus::Closed
        && is_stale(s.opened_on, zone.local_datetime(Utc::now()), day_end);
    ShiftView {
        id: s.id.0,
        register_id: s.register_id.0,
        register_name: s.register_name,
        status: s.status.code().to_owned(),
        status_label: s.status.label_ru().to_owned(),
        opened_at: rfc3339(s.opened_at),
        opened_by: s.opened_by,
        suggested_opening: s.opening.suggested,
        counted_opening: s.opening.counted,
        opening_difference: s.opening.difference,
        counting_at: s.counting_at.map(rfc3339),
        closed_at: s.closed_at.map(rfc3339),
        closed_by: s.closed_by,
        close_note: s.close_note,
        z_number: s.z_number,
        difference: s.difference,
        stale,
    }
}

/// The shift views of `list`, with the day end read once.
async fn shift_views(
    store: &Store,
    zone: ClinicZone,
    list: Vec<Shift>,
) -> Result<Vec<ShiftView>, ApiError> {
    let day_end = store.cash_desk_settings().await?.day_end;
    Ok(list
        .into_iter()
        .map(|s| shift_view(s, day_end, zone))
        .collect())
}

async fn one_shift_view(store: &Store, zone: ClinicZone, s: Shift) -> Result<ShiftView, ApiError> {
    Ok(shift_views(store, zone, vec![s]).await?.remove(0))
}

/// A store error of a register operation; "not found" names the register.
fn register_error(e: impl Into<ApiError>) -> ApiError {
    match e.into() {
        ApiError::NotFound(_) => ApiError::NotFound("Касса не найдена".into()),
        other => other,
    }
}

fn not_found() -> ApiError {
    ApiError::NotFound("Смена не найдена".into())
}

/// Registers, active first, each with its live shift (front desk and managers).
#[utoipa::path(tag = "cash-desk", security(("bearer" = [])), responses((status = 200, body = Vec<RegisterView>)))]
#[get("/registers")]
pub async fn registers(
    auth: Authenticated,
    store: web::Data<Store>,
) -> Result<HttpResponse, ApiError> {
    auth.require(Permission::PaymentsWrite)?;
    let list = store.registers().await?;
    Ok(HttpResponse::Ok().json(list.into_iter().map(register_view).collect::<Vec<_>>()))
}

/// Add a register (owner, admin). A name in use → 409. Audited.
#[utoipa::path(tag = "cash-desk", security(("bearer" = [])), request_body = RegisterCreate, responses(
    (status = 201, body = RegisterView),
    (status = 409, body = ProblemDetails, content_type = "application/problem+json"),
    (status = 422, body = ProblemDetails, content_type = "application/problem+json")
))]
#[post("/registers")]
pub async fn create_register(
    auth: Authenticated,
    store: web::Data<Store>,
    body: JsonBody<RegisterCreate>,
) -> Result<HttpResponse, ApiError> {
    auth.require(Permission::CashDeskManage)?;
    let body = json_body(body)?;
    let name = parse_title("name", &body.name, 100)?;
    let register = store.create_register(&auth.actor, &name).await?;
    Ok(HttpResponse::Created().json(register_view(register)))
}

/// Rename a register or (de)activate it (owner, admin). A name in use → 409; deactivating a
/// register whose shift is not closed → 409. Audited.
#[utoipa::path(tag = "cash-desk", security(("bearer" = [])), params(("id" = i64, Path)), request_body = RegisterUpdate, responses(
    (status = 200, body = RegisterView),
    (status = 404, body = ProblemDetails, content_type = "application/problem+json"),
    (status = 409, body = ProblemDetails, content_type = "application/problem+json"),
    (status = 422, body = ProblemDetails, content_type = "application/problem+json")
))]
#[patch("/registers/{id}")]
pub async fn update_register(
    auth: Authenticated,
    store: web::Data<Store>,
    path: web::Path<i64>,
    body: JsonBody<RegisterUpdate>,
) -> Result<HttpResponse, ApiError> {
    auth.require(Permission::CashDeskManage)?;
    let body = json_body(body)?;
    let name = body
        .name
        .as_deref()
        .map(|n| parse_title("name", n, 100))
        .transpose()?;
    let register = store
        .update_register(
            &auth.actor,
            RegisterId(path.into_inner()),
            (name.as_deref(), body.is_active),
        )
        .await
        .map_err(register_error)?;
    Ok(HttpResponse::Ok().json(register_view(register)))
}

/// Open a shift on a register with the float counted (`counted_opening`); the answer shows the
/// suggestion (what the previous close counted) and the opening difference. A register with a
/// shift not yet closed → 409. Audited.
#[utoipa::path(tag = "cash-desk", security(("bearer" = [])), params(("id" = i64, Path)), request_body = ShiftOpen, responses(
    (status = 201, body = ShiftView),
    (status = 404, body = ProblemDetails, content_type = "application/problem+json"),
    (status = 409, description = "A shift is already open, or the register is inactive", body = ProblemDetails, content_type = "application/problem+json"),
    (status = 422, body = ProblemDetails, content_type = "application/problem+json")
))]
#[post("/registers/{id}/shifts")]
pub async fn open_shift(
    auth: Authenticated,
    store: web::Data<Store>,
    zone: web::Data<ClinicZone>,
    path: web::Path<i64>,
    body: JsonBody<ShiftOpen>,
) -> Result<HttpResponse, ApiError> {
    auth.require(Permission::PaymentsWrite)?;
    let body = json_body(body)?;
    let counted = Money::parse_price(&body.counted_opening)
        .map_err(|e| ApiError::from(e.on("counted_opening")))?;
    let shift = store
        .open_shift(
            &auth.actor,
            RegisterId(path.into_inner()),
            counted,
            (Utc::now(), **zone),
        )
        .await
        .map_err(register_error)?;
    Ok(HttpResponse::Created().json(one_shift_view(&store, **zone, shift).await?))
}

/// Shifts opened in a range of clinic-local days (newest first, at most 500).
#[utoipa::path(tag = "cash-desk", security(("bearer" = [])), params(ShiftListQuery), responses(
    (status = 200, body = Vec<ShiftView>),
    (status = 422, body = ProblemDetails, content_type = "application/problem+json")
))]
#[get("/shifts")]
pub async fn shifts(
    auth: Authenticated,
    store: web::Data<Store>,
    zone: web::Data<ClinicZone>,
    q: web::Query<ShiftListQuery>,
) -> Result<HttpResponse, ApiError> {
    auth.require(Permission::PaymentsWrite)?;
    let mut v = Violations::default();
    let from = q
        .from
        .as_deref()
        .and_then(|d| v.check(parse_iso_date("from", d)));
    let to =
        q.to.as_deref()
            .and_then(|d| v.check(parse_iso_date("to", d)));
    v.into_result()?;
    let list = store
        .shifts(q.register_id.map(RegisterId), (from, to))
        .await?;
    Ok(HttpResponse::Ok().json(shift_views(&store, **zone, list).await?))
}

/// One shift.
#[utoipa::path(tag = "cash-desk", security(("bearer" = [])), params(("id" = i64, Path)), responses(
    (status = 200, body = ShiftView),
    (status = 404, body = ProblemDetails, content_type = "application/problem+json")
))]
#[get("/shifts/{id}")]
pub async fn shift_by_id(
    auth: Authenticated,
    store: web::Data<Store>,
    zone: web::Data<ClinicZone>,
    path: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    auth.require(Permission::PaymentsWrite)?;
    let shift = store
        .shift(ShiftId(path.into_inner()))
        .await?
        .ok_or_else(not_found)?;
    Ok(HttpResponse::Ok().json(one_shift_view(&store, **zone, shift).await?))
}

fn journal_view(l: JournalLine) -> ShiftEntryView {
    ShiftEntryView {
        kind: l.kind.to_owned(),
        id: l.id,
        appointment_id: l.appointment_id,
        patient_name: l.patient_name,
        method: l.method.code().to_owned(),
        amount: l.amount,
        at: rfc3339(l.at),
        by: l.by,
        voided: l.voided,
        reason: l.reason,
    }
}

/// Everything posted into a shift, oldest first: payments (voided ones marked), refunds, cash
/// in and out — the front desk's day.
#[utoipa::path(tag = "cash-desk", security(("bearer" = [])), params(("id" = i64, Path)), responses(
    (status = 200, body = Vec<ShiftEntryView>),
    (status = 404, body = ProblemDetails, content_type = "application/problem+json")
))]
#[get("/shifts/{id}/entries")]
pub async fn journal(
    auth: Authenticated,
    store: web::Data<Store>,
    path: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    auth.require(Permission::PaymentsWrite)?;
    let id = ShiftId(path.into_inner());
    store.shift(id).await?.ok_or_else(not_found)?;
    let lines = store.shift_journal(id).await?;
    Ok(HttpResponse::Ok().json(lines.into_iter().map(journal_view).collect::<Vec<_>>()))
}

/// The day report's other half: payments and refunds of a clinic-local day (today by default)
/// that stand outside every shift — non-cash taken while no shift was open.
#[utoipa::path(tag = "cash-desk", security(("bearer" = [])), params(DayQuery), responses(
    (status = 200, body = Vec<ShiftEntryView>),
    (status = 422, body = ProblemDetails, content_type = "application/problem+json")
))]
#[get("/cash-desk/outside-shifts")]
pub async fn outside_shifts(
    auth: Authenticated,
    store: web::Data<Store>,
    zone: web::Data<ClinicZone>,
    q: web::Query<DayQuery>,
) -> Result<HttpResponse, ApiError> {
    auth.require(Permission::PaymentsWrite)?;
    let day = match q.date.as_deref() {
        Some(d) => parse_iso_date("date", d)?,
        None => zone.local_date(Utc::now()),
    };
    let lines = store.outside_shifts(day).await?;
    Ok(HttpResponse::Ok().json(lines.into_iter().map(journal_view).collect::<Vec<_>>()))
}

/// Cash in (`in`, внесение) or out (`out`, изъятие) of an open shift, with a reason. Audited.
/// Answers with the X report after it.
#[utoipa::path(tag = "cash-desk", security(("bearer" = [])), params(("id" = i64, Path)), request_body = CashMovementCreate, responses(
    (status = 201, body = XReportView),
    (status = 404, body = ProblemDetails, content_type = "application/problem+json"),
    (status = 409, description = "The shift is counting or closed", body = ProblemDetails, content_type = "application/problem+json"),
    (status = 422, body = ProblemDetails, content_type = "application/problem+json")
))]
#[post("/shifts/{id}/cash-movements")]
pub async fn move_cash(
    auth: Authenticated,
    store: web::Data<Store>,
    zone: web::Data<ClinicZone>,
    path: web::Path<i64>,
    body: JsonBody<CashMovementCreate>,
) -> Result<HttpResponse, ApiError> {
    auth.require(Permission::PaymentsWrite)?;
    let body = json_body(body)?;
    let movement = CashMovement::parse(&body.kind, &body.amount, Some(&body.reason))?;
    let id = ShiftId(path.into_inner());
    store
        .move_cash(&auth.actor, id, &movement, Utc::now())
        .await
        .map_err(shift_error)?;
    let report = x_view(&store, **zone, id, VisitAuthority::of(auth.role)).await?;
    Ok(HttpResponse::Created().json(report))
}

/// A store error of a shift operation; "not found" names the shift.
fn shift_error(e: impl Into<ApiError>) -> ApiError {
    match e.into() {
        ApiError::NotFound(_) => not_found(),
        other => other,
    }
}

/// The X report as `authority` may see it (blind for the front desk while counting).
async fn x_view(
    store: &Store,
    zone: ClinicZone,
    id: ShiftId,
    authority: VisitAuthority,
) -> Result<XReportView, ApiError> {
    let (shift, report) = store.x_report(id).await.map_err(shift_error)?;
    x_report_visible(shift.status, authority)?;
    let view: XReportView = serde_json::from_value(serde_json::json!({
        "shift": one_shift_view(store, zone, shift).await?,
        "tenders": report.tenders, "cash": report.cash, "from_deposits": report.from_deposits, "from_bonuses": report.from_bonuses,
        "payment_count": report.payment_count,
        "refund_count": report.refund_count, "void_count": report.void_count,
    }))
    .map_err(|e| ApiError::Internal(e.into()))?;
    Ok(view)
}

/// The X report: the shift's figures now, per tender, with expected cash (float + cash payments
/// − cash refunds + in − out). The same function makes the Z. While the shift is counting, the
/// front desk gets 409 (the count is blind); managers see it.
#[utoipa::path(tag = "cash-desk", security(("bearer" = [])), params(("id" = i64, Path)), responses(
    (status = 200, body = XReportView),
    (status = 404, body = ProblemDetails, content_type = "application/problem+json"),
    (status = 409, description = "Blind count in progress", body = ProblemDetails, content_type = "application/problem+json")
))]
#[get("/shifts/{id}/x-report")]
pub async fn x_report(
    auth: Authenticated,
    store: web::Data<Store>,
    zone: web::Data<ClinicZone>,
    path: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    auth.require(Permission::PaymentsWrite)?;
    let authority = VisitAuthority::of(auth.role);
    let view = x_view(&store, **zone, ShiftId(path.into_inner()), authority).await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Start the blind count: the shift stops taking payments, refunds and movements. Audited.
#[utoipa::path(tag = "cash-desk", security(("bearer" = [])), params(("id" = i64, Path)), responses(
    (status = 200, body = ShiftView),
    (status = 404, body = ProblemDetails, content_type = "application/problem+json"),
    (status = 409, description = "Not open", body = ProblemDetails, content_type = "application/problem+json")
))]
#[post("/shifts/{id}/count")]
pub async fn start_count(
    auth: Authenticated,
    store: web::Data<Store>,
    zone: web::Data<ClinicZone>,
    path: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    auth.require(Permission::PaymentsWrite)?;
    let shift = store
        .start_count(&auth.actor, ShiftId(path.into_inner()), Utc::now())
        .await
        .map_err(shift_error)?;
    Ok(HttpResponse::Ok().json(one_shift_view(&store, **zone, shift).await?))
}

/// Close a counting shift with what was counted per tender: stores the Z report (expected,
/// counted and difference per tender, the register's next Z number) and returns it. A
/// difference over the clinic's tolerance needs owner/admin (403) and a note (422). Audited.
#[utoipa::path(tag = "cash-desk", security(("bearer" = [])), params(("id" = i64, Path)), request_body = ShiftClose, responses(
    (status = 200, body = emhana_api_types::cash_desk::ZReportView),
    (status = 403, description = "Difference over the tolerance", body = ProblemDetails, content_type = "application/problem+json"),
    (status = 404, body = ProblemDetails, content_type = "application/problem+json"),
    (status = 409, description = "Not counting", body = ProblemDetails, content_type = "application/problem+json"),
    (status = 422, body = ProblemDetails, content_type = "application/problem+json")
))]
#[post("/shifts/{id}/close")]
pub async fn close(
    auth: Authenticated,
    store: web::Data<Store>,
    path: web::Path<i64>,
    body: JsonBody<ShiftClose>,
) -> Result<HttpResponse, ApiError> {
    auth.require(Permission::PaymentsWrite)?;
    let body = json_body(body)?;
    let items: Vec<(&str, &str)> = body
        .counted
        .iter()
        .map(|c| (c.method.as_str(), c.amount.as_str()))
        .collect();
    let count = ShiftCount::parse(&items, body.note.as_deref())?;
    let tolerance = store.cash_desk_settings().await?.tolerance;
    let authority = VisitAuthority::of(auth.role);
    let z = store
        .close_shift(
            &auth.actor,
            ShiftId(path.into_inner()),
            (&count, tolerance, authority),
            Utc::now(),
        )
        .await
        .map_err(shift_error)?;
    Ok(HttpResponse::Ok().content_type("application/json").body(z))
}

/// The Z report of a closed shift, byte for byte as stored at close.
#[utoipa::path(tag = "cash-desk", security(("bearer" = [])), params(("id" = i64, Path)), responses(
    (status = 200, body = emhana_api_types::cash_desk::ZReportView),
    (status = 404, body = ProblemDetails, content_type = "application/problem+json"),
    (status = 409, description = "Not closed yet", body = ProblemDetails, content_type = "application/problem+json")
))]
#[get("/shifts/{id}/z-report")]
pub async fn z_report(
    auth: Authenticated,
    store: web::Data<Store>,
    path: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    auth.require(Permission::PaymentsWrite)?;
    let id = ShiftId(path.into_inner());
    let z = store.z_report(id).await.map_err(shift_error)?;
    let Some(z) = z else {
        let status = store.shift(id).await?.ok_or_else(not_found)?.status;
        return Err(ShiftRefusal::WrongState(status).into());
    };
    Ok(HttpResponse::Ok().content_type("application/json").body(z))
}

fn settings_view(s: CashDeskSettings) -> CashDeskSettingsView {
    CashDeskSettingsView {
        require_open_shift: s.require_open_shift,
        tolerance: s.tolerance.to_string(),
        day_end: s.day_end.format("%H:%M").to_string(),
    }
}

/// The clinic's cash-desk settings.
#[utoipa::path(tag = "cash-desk", security(("bearer" = [])), responses((status = 200, body = CashDeskSettingsView)))]
#[get("/settings/cash-desk")]
pub async fn read_settings(
    auth: Authenticated,
    store: web::Data<Store>,
) -> Result<HttpResponse, ApiError> {
    auth.require(Permission::PaymentsWrite)?;
    Ok(HttpResponse::Ok().json(settings_view(store.cash_desk_settings().await?)))
}

/// Change the cash-desk settings (owner, admin). Audited with old → new.
#[utoipa::path(tag = "cash-desk", security(("bearer" = [])), request_body = CashDeskSettingsView, responses(
    (status = 200, body = CashDeskSettingsView),
    (status = 422, body = ProblemDetails, content_type = "application/problem+json")
))]
#[put("/settings/cash-desk")]
pub async fn update_settings(
    auth: Authenticated,
    store: web::Data<Store>,
    body: JsonBody<CashDeskSettingsView>,
) -> Result<HttpResponse, ApiError> {
    auth.require(Permission::CashDeskManage)?;
    let body = json_body(body)?;
    let new = CashDeskSettings::parse(body.require_open_shift, &body.tolerance, &body.day_end)?;
    let saved = store.set_cash_desk_settings(&auth.actor, new).await?;
    Ok(HttpResponse::Ok().json(settings_view(saved)))
}
