//! The cash desk's endpoints: registers, shifts, X and Z reports, cash in/out, refunds.

use emhana_api_types::cash_desk::{
    CashDeskSettingsView, CashMovementCreate, RegisterView, ShiftClose, ShiftEntryView, ShiftOpen,
    ShiftView, XReportView, ZReportView,
};
use emhana_api_types::queries::{ShiftListQuery, ToQuery};
use emhana_api_types::visits::{RefundCreate, VisitView};
use gloo_net::http::Method;

use super::{call, json, post_with_key, ApiError};

/// `GET /api/v1/registers`.
pub async fn registers() -> Result<Vec<RegisterView>, ApiError> {
    call(Method::GET, "/api/v1/registers", None).await
}

/// `POST /api/v1/registers/{id}/shifts`.
pub async fn open_shift(register: i64, counted_opening: String) -> Result<ShiftView, ApiError> {
    let body = ShiftOpen { counted_opening };
    call(
        Method::POST,
        &format!("/api/v1/registers/{register}/shifts"),
        json(&body),
    )
    .await
}

/// `GET /api/v1/shifts`.
pub async fn shifts(q: ShiftListQuery) -> Result<Vec<ShiftView>, ApiError> {
    call(
        Method::GET,
        &format!("/api/v1/shifts{}", q.to_query()),
        None,
    )
    .await
}

/// `GET /api/v1/shifts/{id}/x-report`.
pub async fn x_report(id: i64) -> Result<XReportView, ApiError> {
    call(Method::GET, &format!("/api/v1/shifts/{id}/x-report"), None).await
}

/// `GET /api/v1/shifts/{id}/entries`.
pub async fn shift_entries(id: i64) -> Result<Vec<ShiftEntryView>, ApiError> {
    call(Method::GET, &format!("/api/v1/shifts/{id}/entries"), None).await
}

/// `POST /api/v1/shifts/{id}/cash-movements`.
pub async fn move_cash(id: i64, body: CashMovementCreate) -> Result<XReportView, ApiError> {
    call(
        Method::POST,
        &format!("/api/v1/shifts/{id}/cash-movements"),
        json(&body),
    )
    .await
}

/// `POST /api/v1/shifts/{id}/count`.
pub async fn start_count(id: i64) -> Result<ShiftView, ApiError> {
    call(
        Method::POST,
        &format!("/api/v1/shifts/{id}/count"),
        Some("{}".into()),
    )
    .await
}

/// `POST /api/v1/shifts/{id}/close`.
pub async fn close_shift(id: i64, body: ShiftClose) -> Result<ZReportView, ApiError> {
    call(
        Method::POST,
        &format!("/api/v1/shifts/{id}/close"),
        json(&body),
    )
    .await
}

/// `GET /api/v1/shifts/{id}/z-report`.
pub async fn z_report(id: i64) -> Result<ZReportView, ApiError> {
    call(Method::GET, &format!("/api/v1/shifts/{id}/z-report"), None).await
}

/// `POST /api/v1/appointments/{id}/refunds` with an `Idempotency-Key`.
pub async fn refund(id: i64, body: RefundCreate, key: String) -> Result<VisitView, ApiError> {
    let path = format!("/api/v1/appointments/{id}/refunds");
    post_with_key(&path, json(&body), &key).await
}

/// `POST /api/v1/registers`.
pub async fn create_register(name: String) -> Result<RegisterView, ApiError> {
    let body = emhana_api_types::cash_desk::RegisterCreate { name };
    call(Method::POST, "/api/v1/registers", json(&body)).await
}

/// `GET /api/v1/settings/cash-desk`.
pub async fn cash_desk_settings() -> Result<CashDeskSettingsView, ApiError> {
    call(Method::GET, "/api/v1/settings/cash-desk", None).await
}

/// `PUT /api/v1/settings/cash-desk`.
pub async fn save_cash_desk_settings(
    body: CashDeskSettingsView,
) -> Result<CashDeskSettingsView, ApiError> {
    call(Method::PUT, "/api/v1/settings/cash-desk", json(&body)).await
}

/// `GET /api/v1/cash-desk/outside-shifts` (today).
pub async fn outside_shifts() -> Result<Vec<ShiftEntryView>, ApiError> {
    call(Method::GET, "/api/v1/cash-desk/outside-shifts", None).await
}
