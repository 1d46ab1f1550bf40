//! Patient balances: the deposit (аванс) and bonuses — both balances, a statement of either,
//! top-ups and withdrawals of the deposit at the desk, the clinic's deposits report. The rules are the domain's (`balance`); the ledger and its
//! locks are the store's (`deposits`).

use actix_web::{get, post, web, HttpRequest, HttpResponse};
use chrono::Utc;
use emhana_api_types::deposits::{
    BalanceView, DepositChangeView, DepositEntryView, DepositsQuery, DepositsReportView,
    StatementQuery, StatementView, TopUpCreate, WithdrawalCreate,
};
use emhana_api_types::ProblemDetails;
use emhana_domain::access::Permission;
use emhana_domain::balance::{BalanceKind, TopUp, Withdrawal};
use emhana_domain::ids::{PatientId, RegisterId};
use emhana_domain::validation::{parse_date_range, parse_optional_period, EARLIEST_DATE};
use emhana_domain::{ClinicZone, FieldViolation, Violations};
use emhana_store::deposits::DepositOutcome;
use emhana_store::ledger::DepositEntry;
use emhana_store::payments::Idempotency;
use emhana_store::refunds::Till;
use emhana_store::Store;
use utoipa_actix_web::service_config::ServiceConfig;

use super::payments::idempotency_key;
use crate::auth::Authenticated;
use crate::error::{json_body, JsonBody};
use crate::ApiError;

/// Registers the deposit endpoints.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(patient_balance)
        .service(statement)
        .service(top_up)
        .service(withdraw)
        .service(deposits_report);
}

fn patient_error(e: impl Into<ApiError>) -> ApiError {
    match e.into() {
        ApiError::NotFound(_) => ApiError::NotFound("Клиент не найден".into()),
        other => other,
    }
}

fn entry_view(e: DepositEntry) -> DepositEntryView {
    DepositEntryView {
        id: e.id,
        kind: e.kind.code().to_owned(),
        kind_label: e.kind.label_ru().to_owned(),
        amount: e.amount,
        method: e.method.map(|m| m.code().to_owned()),
        appointment_id: e.appointment_id,
        payment_id: e.payment_id,
        refund_id: e.refund_id,
        shift_id: e.shift_id,
        at: e.at,
        date: e.date.to_string(),
        by: e.user_name,
        note: e.note,
        expires_on: e.expires_on.map(|d| d.to_string()),
    }
}

/// The `Idempotency-Key` of a request and what makes two requests the same (patient and body).
fn idempotency(
    req: &HttpRequest,
    what: &str,
    patient: PatientId,
    body: &impl serde::Serialize,
) -> Result<Option<Idempotency>, ApiError> {
    Ok(idempotency_key(req)?.map(|key| Idempotency {
        key,
        fingerprint: serde_json::json!({ what: patient, "body": body }).to_string(),
    }))
}

/// 201 with the entries and the balance; a replay under the same key says so.
fn change_answer(outcome: DepositOutcome) -> HttpResponse {
    let mut res = HttpResponse::Created();
    let (change, replayed) = match outcome {
        DepositOutcome::Created(c) => (c, false),
        DepositOutcome::Replayed(c) => (c, true),
    };
    if replayed {
        res.insert_header(("Idempotent-Replayed", "true"));
    }
    let (entries, balance) = change;
    res.json(DepositChangeView {
        entries: entries.into_iter().map(entry_view).collect(),
        balance,
    })
}

fn till(register_id: Option<i64>, zone: ClinicZone) -> Till {
    Till {
        register: register_id.map(RegisterId),
        at: Utc::now(),
        zone,
    }
}

/// A patient's balances: what their deposit holds and their bonuses (expired bonuses are
/// written off first).
#[utoipa::path(tag = "deposits", security(("bearer" = [])), params(("id" = i64, Path)), responses(
    (status = 200, body = BalanceView),
    (status = 404, body = ProblemDetails, content_type = "application/problem+json")
))]
#[get("/patients/{id}/balance")]
pub async fn patient_balance(
    auth: Authenticated,
    store: web::Data<Store>,
    zone: web::Data<ClinicZone>,
    path: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    auth.require(Permission::PatientsRead)?;
    let patient = PatientId(path.into_inner());
    let today = zone.local_date(Utc::now());
    let (deposit, bonus) = store
        .balances(patient, today)
        .await
        .map_err(patient_error)?;
    Ok(HttpResponse::Ok().json(BalanceView {
        patient_id: patient.0,
        deposit,
        bonus,
    }))
}

/// A statement of the deposit (`kind=deposit`, the default) or bonuses (`kind=bonus`) for a
/// period of clinic-local days: the opening balance, every entry, the closing balance (opening +
/// credits − debits = closing, read in one snapshot).
#[utoipa::path(tag = "deposits", security(("bearer" = [])), params(("id" = i64, Path), StatementQuery), responses(
    (status = 200, body = StatementView),
    (status = 404, body = ProblemDetails, content_type = "application/problem+json"),
    (status = 422, body = ProblemDetails, content_type = "application/problem+json")
))]
#[get("/patients/{id}/statement")]
pub async fn statement(
    auth: Authenticated,
    store: web::Data<Store>,
    zone: web::Data<ClinicZone>,
    path: web::Path<i64>,
    q: web::Query<StatementQuery>,
) -> Result<HttpResponse, ApiError> {
    auth.require(Permission::PatientsRead)?;
    let mut v = Violations::default();
    let kind = match q.kind.as_deref() {
        None => Some(BalanceKind::Deposit),
        Some(code) => BalanceKind::from_code(code),
    };
    if kind.is_none() {
        v.0.push(FieldViolation::new(
            "kind",
            "unknown",
            "Выписка: deposit или bonus",
        ));
    }
    let (from, to) = parse_optional_period(q.from.as_deref(), q.to.as_deref(), &mut v);
    v.into_result()?;
    let kind = kind.unwrap_or(BalanceKind::Deposit);
    let today = zone.local_date(Utc::now());
    let to = to.unwrap_or(today);
    let from = from.unwrap_or(EARLIEST_DATE).min(to);
    let s = store
        .statement((PatientId(path.into_inner()), kind), (from, to), today)
        .await
        .map_err(patient_error)?;
    Ok(HttpResponse::Ok().json(StatementView {
        kind: kind.code().into(),
        from: from.to_string(),
        to: to.to_string(),
        opening: s.figures.opening,
        credits: s.figures.credits,
        debits: s.figures.debits,
        closing: s.figures.closing,
        entries: s.entries.into_iter().map(entry_view).collect(),
    }))
}

/// Top up a patient's deposit: money received by a real tender, posted into the register's open
/// shift (cash needs one: 409 «Откройте смену»). It is in the drawer's expected figures but is
/// not revenue: revenue comes when the deposit pays a visit (method `balance`). With an
/// `Idempotency-Key`, a retry returns the first answer (`Idempotent-Replayed: true`). Audited.
#[utoipa::path(tag = "deposits", security(("bearer" = [])),
    params(("id" = i64, Path), ("Idempotency-Key" = Option<String>, Header, description = "Makes retries safe")),
    request_body = TopUpCreate, responses(
    (status = 201, body = DepositChangeView),
    (status = 404, body = ProblemDetails, content_type = "application/problem+json"),
    (status = 409, description = "No open shift for cash, the shift is counting, or the key was used for another request", body = ProblemDetails, content_type = "application/problem+json"),
    (status = 422, body = ProblemDetails, content_type = "application/problem+json")
))]
#[post("/patients/{id}/deposits")]
pub async fn top_up(
    req: HttpRequest,
    auth: Authenticated,
    store: web::Data<Store>,
    zone: web::Data<ClinicZone>,
    path: web::Path<i64>,
    body: JsonBody<TopUpCreate>,
) -> Result<HttpResponse, ApiError> {
    auth.require(Permission::PaymentsWrite)?;
    let body = json_body(body)?;
    let request = TopUp::parse(&body.method, &body.amount, body.note.as_deref())?;
    let patient = PatientId(path.into_inner());
    let key = idempotency(&req, "top_up", patient, &body)?;
    let outcome = store
        .top_up(
            &auth.actor,
            patient,
            &request,
            (till(body.register_id, **zone), key.as_ref()),
        )
        .await
        .map_err(patient_error)?;
    Ok(change_answer(outcome))
}

/// Give unused deposit back (default: all of it), through the top-ups' own tenders, oldest
/// top-up first; a part that came by refunds onto the deposit goes by `method`. More than the
/// deposit holds → 422 with `remaining`; cash needs an open shift. With an `Idempotency-Key`, a
/// retry returns the first answer. Audited.
#[utoipa::path(tag = "deposits", security(("bearer" = [])),
    params(("id" = i64, Path), ("Idempotency-Key" = Option<String>, Header, description = "Makes retries safe")),
    request_body = WithdrawalCreate, responses(
    (status = 201, body = DepositChangeView),
    (status = 404, body = ProblemDetails, content_type = "application/problem+json"),
    (status = 409, description = "Empty deposit, no open shift for cash, the shift is counting, or the key was used for another request", body = ProblemDetails, content_type = "application/problem+json"),
    (status = 422, description = "More than the deposit holds (with `remaining`), a tender needed, or bad input", body = ProblemDetails, content_type = "application/problem+json")
))]
#[post("/patients/{id}/withdrawals")]
pub async fn withdraw(
    req: HttpRequest,
    auth: Authenticated,
    store: web::Data<Store>,
    zone: web::Data<ClinicZone>,
    path: web::Path<i64>,
    body: JsonBody<WithdrawalCreate>,
) -> Result<HttpResponse, ApiError> {
    auth.require(Permission::PaymentsWrite)?;
    let body = json_body(body)?;
    let request = Withdrawal::parse(
        body.amount.as_deref(),
        body.method.as_deref(),
        Some(&body.reason),
    )?;
    let patient = PatientId(path.into_inner());
    let key = idempotency(&req, "withdrawal", patient, &body)?;
    let outcome = store
        .withdraw(
            &auth.actor,
            patient,
            &request,
            (till(body.register_id, **zone), key.as_ref()),
        )
        .await
        .map_err(patient_error)?;
    Ok(change_answer(outcome))
}

/// The clinic's deposits over a period: held at its start and end (money owed to patients,
/// not revenue), top-ups, spends on visits (revenue on those days), reversals, withdrawals; and
/// the bonuses patients hold at its end (expired ones written off first).
#[utoipa::path(tag = "analytics", security(("bearer" = [])), params(DepositsQuery), responses(
    (status = 200, body = DepositsReportView),
    (status = 422, body = ProblemDetails, content_type = "application/problem+json")
))]
#[get("/analytics/deposits")]
pub async fn deposits_report(
    auth: Authenticated,
    store: web::Data<Store>,
    zone: web::Data<ClinicZone>,
    q: web::Query<DepositsQuery>,
) -> Result<HttpResponse, ApiError> {
    auth.require(Permission::AnalyticsRead)?;
    let (from, to) = parse_date_range(q.from.as_deref(), q.to.as_deref(), 3660)?;
    let r = store
        .deposits_report((from, to), zone.local_date(Utc::now()))
        .await?;
    Ok(HttpResponse::Ok().json(DepositsReportView {
        from: from.to_string(),
        to: to.to_string(),
        held_at_start: r.held_at_start,
        held_at_end: r.held_at_end,
        topups: r.topups,
        spends: r.spends,
        reversals: r.reversals,
        withdrawals: r.withdrawals,
        patients: r.patients,
        bonuses_held: r.bonuses_held,
    }))
}
