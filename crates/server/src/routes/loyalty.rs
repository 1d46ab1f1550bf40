//! The bonus programme's settings: the rules in force and the versions scheduled; the owner sets
//! a new version from its effective day (accruals already made keep their rule). The accruals,
//! spends and expiries themselves happen with payments (`emhana_store::payment_ledgers`).

use actix_web::{get, put, web, HttpResponse};
use chrono::Utc;
use emhana_api_types::deposits::{BonusProgrammeView, BonusProgrammeWrite};
use emhana_api_types::ProblemDetails;
use emhana_domain::access::Permission;
use emhana_domain::bonus::{in_force, BonusProgramme, ProgrammeInput};
use emhana_domain::{ClinicZone, Money};
use emhana_store::Store;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::Authenticated;
use crate::error::{json_body, JsonBody};
use crate::ApiError;

/// Registers the programme's settings endpoints.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(read_programme).service(update_programme);
}

fn percent(bp: i64) -> String {
    Money::from_tiyn(bp).to_string()
}

fn write_view(p: &BonusProgramme) -> BonusProgrammeWrite {
    BonusProgrammeWrite {
        enabled: p.enabled,
        accrual_percent: percent(p.accrual_bp),
        earning_methods: p.earning.iter().map(|m| m.code().to_owned()).collect(),
        max_share_percent: percent(p.max_share_bp),
        expiry_days: p.expiry_days,
        welcome_amount: p.welcome.to_string(),
        welcome_source_id: p.welcome_source.map(|s| s.0),
        effective_from: Some(p.effective_from.to_string()),
    }
}

async fn view(store: &Store, zone: ClinicZone) -> Result<BonusProgrammeView, ApiError> {
    let today = zone.local_date(Utc::now());
    let versions = store.bonus_programmes().await?;
    let mut current = write_view(&in_force(&versions, today));
    if versions.iter().all(|v| v.effective_from > today) {
        current.effective_from = None;
    }
    Ok(BonusProgrammeView {
        current,
        scheduled: versions
            .iter()
            .filter(|v| v.effective_from > today)
            .map(write_view)
            .collect(),
    })
}

/// The bonus programme: the rules in force today and versions scheduled later. The front desk
/// reads it for the payment form's cap.
#[utoipa::path(tag = "deposits", security(("bearer" = [])), responses((status = 200, body = BonusProgrammeView)))]
#[get("/settings/bonus-programme")]
pub async fn read_programme(
    auth: Authenticated,
    store: web::Data<Store>,
    zone: web::Data<ClinicZone>,
) -> Result<HttpResponse, ApiError> {
    auth.require(Permission::PaymentsWrite)?;
    Ok(HttpResponse::Ok().json(view(&store, **zone).await?))
}

/// Set the bonus programme (owner): accrual percent per earning tender, the cap on a visit's
/// share payable by bonuses, expiry in days, a welcome bonus for a referral source. Applies from
/// `effective_from` (today by default, never in the past); a version starting the same day is
/// replaced. Audited.
#[utoipa::path(tag = "deposits", security(("bearer" = [])), request_body = BonusProgrammeWrite, responses(
    (status = 200, body = BonusProgrammeView),
    (status = 422, body = ProblemDetails, content_type = "application/problem+json")
))]
#[put("/settings/bonus-programme")]
pub async fn update_programme(
    auth: Authenticated,
    store: web::Data<Store>,
    zone: web::Data<ClinicZone>,
    body: JsonBody<BonusProgrammeWrite>,
) -> Result<HttpResponse, ApiError> {
    auth.require(Permission::LoyaltyManage)?;
    let body = json_body(body)?;
    let earning: Vec<&str> = body.earning_methods.iter().map(String::as_str).collect();
    let input = ProgrammeInput {
        enabled: body.enabled,
        accrual_percent: &body.accrual_percent,
        earning: &earning,
        max_share_percent: &body.max_share_percent,
        expiry_days: body.expiry_days,
        welcome_amount: &body.welcome_amount,
        welcome_source_id: body.welcome_source_id,
        effective_from: body.effective_from.as_deref(),
    };
    let now = Utc::now();
    let programme = BonusProgramme::parse(&input, zone.local_date(now))?;
    store
        .save_bonus_programme(&auth.actor, &programme, now)
        .await?;
    Ok(HttpResponse::Ok().json(view(&store, **zone).await?))
}
