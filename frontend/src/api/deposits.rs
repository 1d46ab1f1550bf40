//! A patient's deposit: balance, statement, top-up, withdrawal.

use emhana_api_types::deposits::{
    BalanceView, BonusProgrammeView, BonusProgrammeWrite, DepositChangeView, DepositsQuery,
    DepositsReportView, StatementQuery, StatementView, TopUpCreate, WithdrawalCreate,
};
use emhana_api_types::queries::ToQuery;
use gloo_net::http::Method;

use super::{call, json, post_with_key, ApiError};

/// `GET /api/v1/patients/{id}/balance`.
pub async fn balance(patient: i64) -> Result<BalanceView, ApiError> {
    call(
        Method::GET,
        &format!("/api/v1/patients/{patient}/balance"),
        None,
    )
    .await
}

/// `GET /api/v1/patients/{id}/statement?kind=` (all time up to today).
pub async fn statement(patient: i64, kind: &'static str) -> Result<StatementView, ApiError> {
    let q = StatementQuery {
        kind: Some(kind.to_owned()),
        ..StatementQuery::default()
    };
    call(
        Method::GET,
        &format!("/api/v1/patients/{patient}/statement{}", q.to_query()),
        None,
    )
    .await
}

/// `POST /api/v1/patients/{id}/deposits` under `key`.
pub async fn top_up(
    patient: i64,
    body: TopUpCreate,
    key: String,
) -> Result<DepositChangeView, ApiError> {
    let path = format!("/api/v1/patients/{patient}/deposits");
    post_with_key(&path, json(&body), &key).await
}

/// `POST /api/v1/patients/{id}/withdrawals` under `key`.
pub async fn withdraw(
    patient: i64,
    body: WithdrawalCreate,
    key: String,
) -> Result<DepositChangeView, ApiError> {
    let path = format!("/api/v1/patients/{patient}/withdrawals");
    post_with_key(&path, json(&body), &key).await
}

/// `GET /api/v1/analytics/deposits`.
pub async fn deposits_report(
    from: Option<String>,
    to: Option<String>,
) -> Result<DepositsReportView, ApiError> {
    let q = DepositsQuery { from, to };
    call(
        Method::GET,
        &format!("/api/v1/analytics/deposits{}", q.to_query()),
        None,
    )
    .await
}

/// `GET /api/v1/settings/bonus-programme`.
pub async fn bonus_programme() -> Result<BonusProgrammeView, ApiError> {
    call(Method::GET, "/api/v1/settings/bonus-programme", None).await
}

/// `PUT /api/v1/settings/bonus-programme`.
pub async fn save_bonus_programme(
    body: BonusProgrammeWrite,
) -> Result<BonusProgrammeView, ApiError> {
    call(Method::PUT, "/api/v1/settings/bonus-programme", json(&body)).await
}
