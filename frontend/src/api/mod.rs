//! The one typed client of the Emhana API. Every call goes through [`call`], which adds the
//! access token, refreshes the session once on a 401 (the refresh token lives in an HttpOnly
//! cookie the browser sends to `/api/v1/auth`), and decodes non-2xx answers into the shared
//! [`ProblemDetails`] body.

mod cash_desk;
pub mod deposits;
mod directories;
pub mod exports;
pub mod imports;
pub mod integrations;
pub mod reminders;

pub use cash_desk::*;
pub use deposits::deposits_report;
pub use directories::*;

use emhana_api_types::analytics::{
    DayItem, DiscountsReport, DoctorItem, ItemsReport, MethodsReport, ServiceItem, SourcesReport,
    SummaryReport, TrendsReport, VisitsReport,
};
use emhana_api_types::auth::{
    AuditEntryView, ChangePassword, CreateUser, LoginRequest, Page, Session, SetLanguage,
    UpdateUser, UserView,
};
use emhana_api_types::backups::{BackupList, BackupView, DownloadLink};
use emhana_api_types::patients::{PatientHistoryView, PatientView, PatientWrite};
use emhana_api_types::queries::{
    AuditQuery, PatientListQuery, RangeQuery, ToQuery, TrendQuery, VisitListQuery,
};
use emhana_api_types::visits::{
    LineCreate, LinePriceUpdate, PaymentCreate, StatusChange, VisitCreate, VisitSummary,
    VisitUpdate, VisitView, VoidRequest,
};
use emhana_api_types::{ErrorCode, Health, ProblemDetails};
use gloo_net::http::{Method, RequestBuilder, Response};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::session;

/// Why a call failed, as the UI shows it.
#[derive(Debug, Clone)]
pub enum ApiError {
    /// The server answered with a problem body.
    Problem(ProblemDetails),
    /// The server could not be reached or answered garbage.
    Network(String),
}

impl ApiError {
    /// A one-line Russian message for error states.
    pub fn message(&self) -> String {
        match self {
            Self::Problem(p) if p.errors.is_empty() => p.detail.clone(),
            Self::Problem(p) => p
                .errors
                .iter()
                .map(|e| e.message.clone())
                .collect::<Vec<_>>()
                .join("; "),
            Self::Network(e) => format!("{} ({e})", crate::i18n::t().network_error),
        }
    }

    /// The message for one form field, if the server named it.
    /// Every field message of a validation problem (an import refused cell by cell).
    pub fn field_messages(&self) -> Vec<String> {
        match self {
            Self::Problem(p) => p.errors.iter().map(|e| e.message.clone()).collect(),
            Self::Network(_) => Vec::new(),
        }
    }

    /// The message of a field's error, if the problem names it.
    pub fn field(&self, name: &str) -> Option<String> {
        match self {
            Self::Problem(p) => p
                .errors
                .iter()
                .find(|e| e.field == name)
                .map(|e| e.message.clone()),
            Self::Network(_) => None,
        }
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message())
    }
}

impl std::error::Error for ApiError {}

fn build(
    method: &Method,
    path: &str,
    body: Option<&str>,
    idempotency_key: Option<&str>,
) -> Result<gloo_net::http::Request, ApiError> {
    let mut rb = RequestBuilder::new(path).method(method.clone());
    if let Some(key) = idempotency_key {
        rb = rb.header("Idempotency-Key", key);
    }
    if let Some(token) = session::access_token() {
        rb = rb.header("Authorization", &format!("Bearer {token}"));
    }
    match body {
        Some(b) => rb
            .header("Content-Type", "application/json")
            .body(b.to_owned()),
        None => rb.build(),
    }
    .map_err(|e| ApiError::Network(e.to_string()))
}

pub(crate) async fn problem(response: Response) -> ApiError {
    let status = response.status();
    let body = response.text().await.unwrap_or_default();
    match serde_json::from_str::<ProblemDetails>(&body) {
        Ok(p) => ApiError::Problem(p),
        Err(_) => ApiError::Problem(ProblemDetails::new(
            if status >= 500 {
                ErrorCode::Internal
            } else {
                ErrorCode::Unknown
            },
            format!("HTTP {status}"),
        )),
    }
}

/// Sends a request; on 401 with a session, refreshes once and retries.
pub(crate) async fn raw(
    method: Method,
    path: &str,
    body: Option<String>,
) -> Result<Response, ApiError> {
    raw_with_key(method, path, body, None).await
}

/// [`raw`] with an `Idempotency-Key` (the retry after a refresh carries the same key).
async fn raw_with_key(
    method: Method,
    path: &str,
    body: Option<String>,
    key: Option<&str>,
) -> Result<Response, ApiError> {
    let net = |e: gloo_net::Error| ApiError::Network(e.to_string());
    let had_token = session::access_token().is_some();
    let response = build(&method, path, body.as_deref(), key)?
        .send()
        .await
        .map_err(net)?;
    if response.status() == 401 && had_token && !path.starts_with("/api/v1/auth/") {
        if refresh().await.is_ok() {
            let retry = build(&method, path, body.as_deref(), key)?
                .send()
                .await
                .map_err(net)?;
            return if retry.ok() {
                Ok(retry)
            } else {
                Err(problem(retry).await)
            };
        }
        session::clear();
    }
    if response.ok() {
        Ok(response)
    } else {
        Err(problem(response).await)
    }
}

/// Sends a request and decodes the JSON answer. The network part is one boxed, non-generic
/// future ([`answer_text`]): each answer type adds only its `serde_json` decoding to the wasm,
/// not another copy of the request, refresh and error state machine.
async fn call<T: DeserializeOwned>(
    method: Method,
    path: &str,
    body: Option<String>,
) -> Result<T, ApiError> {
    decode(&answer_text(method, path.to_owned(), body, None).await?)
}

/// The text of a successful answer ([`raw_with_key`], then the body).
fn answer_text(
    method: Method,
    path: String,
    body: Option<String>,
    key: Option<String>,
) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<String, ApiError>>>> {
    Box::pin(
        async move { body_text(raw_with_key(method, &path, body, key.as_deref()).await?).await },
    )
}

/// A response's body as text (a body that cannot be read is a network-class failure).
pub(crate) async fn body_text(response: Response) -> Result<String, ApiError> {
    response
        .text()
        .await
        .map_err(|e| ApiError::Network(e.to_string()))
}

/// Decodes an answer's JSON text (a body that is not the expected shape is a network-class
/// failure: the server and the SPA disagree, nothing the user typed is wrong).
pub(crate) fn decode<T: DeserializeOwned>(text: &str) -> Result<T, ApiError> {
    serde_json::from_str(text).map_err(|e| ApiError::Network(e.to_string()))
}

fn json<B: Serialize>(body: &B) -> Option<String> {
    serde_json::to_string(body).ok()
}

/// `GET /healthz`.
pub async fn health() -> Result<Health, ApiError> {
    call(Method::GET, "/healthz", None).await
}

/// Signs in and stores the session.
pub async fn login(login: String, password: String) -> Result<UserView, ApiError> {
    let s: Session = call(
        Method::POST,
        "/api/v1/auth/login",
        json(&LoginRequest { login, password }),
    )
    .await?;
    session::set(s.access_token, s.user.clone());
    Ok(s.user)
}

/// Renews the session from the HttpOnly refresh cookie (also restores it after a page reload).
pub async fn refresh() -> Result<UserView, ApiError> {
    // Sent directly (no retry path): a failing refresh must not trigger another refresh.
    let response = build(&Method::POST, "/api/v1/auth/refresh", Some("{}"), None)?
        .send()
        .await
        .map_err(|e| ApiError::Network(e.to_string()))?;
    if !response.ok() {
        return Err(problem(response).await);
    }
    let s: Session = decode(&body_text(response).await?)?;
    session::set(s.access_token, s.user.clone());
    Ok(s.user)
}

/// Signs out on the server (revokes the refresh cookie's session) and forgets the session here.
pub async fn logout() {
    let _ = raw(Method::POST, "/api/v1/auth/logout", Some("{}".into())).await;
    session::clear();
}

/// `POST /api/v1/me/password`: the server ends every session of the account on success.
pub async fn change_password(body: ChangePassword) -> Result<(), ApiError> {
    raw(Method::POST, "/api/v1/me/password", json(&body))
        .await
        .map(|_| ())
}

/// `PUT /api/v1/me/language`: the account's SPA language.
pub async fn set_language(language: emhana_domain::UiLanguage) -> Result<UserView, ApiError> {
    let body = SetLanguage {
        language: language.code().to_owned(),
    };
    call(Method::PUT, "/api/v1/me/language", json(&body)).await
}

/// `GET /api/v1/users`.
pub async fn users() -> Result<Vec<UserView>, ApiError> {
    call(Method::GET, "/api/v1/users", None).await
}

/// `POST /api/v1/users`.
pub async fn create_user(body: CreateUser) -> Result<UserView, ApiError> {
    call(Method::POST, "/api/v1/users", json(&body)).await
}

/// `PATCH /api/v1/users/{id}`.
pub async fn update_user(id: i64, body: UpdateUser) -> Result<UserView, ApiError> {
    call(Method::PATCH, &format!("/api/v1/users/{id}"), json(&body)).await
}

/// `GET /api/v1/audit-log`.
pub async fn audit_log(q: AuditQuery) -> Result<Page<AuditEntryView>, ApiError> {
    call(
        Method::GET,
        &format!("/api/v1/audit-log{}", q.to_query()),
        None,
    )
    .await
}

/// `GET /api/v1/backups` (owner).
pub async fn backups() -> Result<BackupList, ApiError> {
    call(Method::GET, "/api/v1/backups", None).await
}

/// `POST /api/v1/backups`: a verified backup now (owner).
pub async fn create_backup() -> Result<BackupView, ApiError> {
    call(Method::POST, "/api/v1/backups", Some("{}".into())).await
}

/// `POST /api/v1/backups/{file}/link`: a one-minute link the browser downloads directly.
pub async fn backup_link(file: &str) -> Result<DownloadLink, ApiError> {
    let path = format!("/api/v1/backups/{}/link", encode(file));
    call(Method::POST, &path, Some("{}".into())).await
}

/// Percent-encodes a path segment (backup file names).
fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// `GET /api/v1/patients` (newest first; `cursor` from the previous page).
pub async fn patients(q: PatientListQuery) -> Result<Page<PatientView>, ApiError> {
    call(
        Method::GET,
        &format!("/api/v1/patients{}", q.to_query()),
        None,
    )
    .await
}

/// `POST /api/v1/patients`.
pub async fn create_patient(body: PatientWrite) -> Result<PatientView, ApiError> {
    call(Method::POST, "/api/v1/patients", json(&body)).await
}

/// `PATCH /api/v1/patients/{id}` (body carries `version`).
pub async fn update_patient(id: i64, body: PatientWrite) -> Result<PatientView, ApiError> {
    call(
        Method::PATCH,
        &format!("/api/v1/patients/{id}"),
        json(&body),
    )
    .await
}

/// `GET /api/v1/patients/{id}/history`.
pub async fn patient_history(id: i64) -> Result<PatientHistoryView, ApiError> {
    call(Method::GET, &format!("/api/v1/patients/{id}/history"), None).await
}

/// `POST /api/v1/patients/{id}/reactivate?version=`.
pub async fn reactivate_patient(id: i64, version: i64) -> Result<PatientView, ApiError> {
    call(
        Method::POST,
        &format!("/api/v1/patients/{id}/reactivate?version={version}"),
        None,
    )
    .await
}

/// `GET /api/v1/appointments`.
pub async fn visits(q: VisitListQuery) -> Result<Page<VisitSummary>, ApiError> {
    call(
        Method::GET,
        &format!("/api/v1/appointments{}", q.to_query()),
        None,
    )
    .await
}

/// `GET /api/v1/appointments/{id}`.
pub async fn visit(id: i64) -> Result<VisitView, ApiError> {
    call(Method::GET, &format!("/api/v1/appointments/{id}"), None).await
}

/// `POST /api/v1/appointments`.
pub async fn book_visit(body: VisitCreate) -> Result<VisitView, ApiError> {
    call(Method::POST, "/api/v1/appointments", json(&body)).await
}

/// `PATCH /api/v1/appointments/{id}`.
pub async fn update_visit(id: i64, body: VisitUpdate) -> Result<VisitView, ApiError> {
    call(
        Method::PATCH,
        &format!("/api/v1/appointments/{id}"),
        json(&body),
    )
    .await
}

/// `POST /api/v1/appointments/{id}/status`.
pub async fn change_status(id: i64, body: StatusChange) -> Result<VisitView, ApiError> {
    call(
        Method::POST,
        &format!("/api/v1/appointments/{id}/status"),
        json(&body),
    )
    .await
}

/// `POST /api/v1/appointments/{id}/lines`.
pub async fn add_line(id: i64, body: LineCreate) -> Result<VisitView, ApiError> {
    call(
        Method::POST,
        &format!("/api/v1/appointments/{id}/lines"),
        json(&body),
    )
    .await
}

/// `PATCH /api/v1/appointments/{id}/lines/{line_id}`.
pub async fn set_line_price(id: i64, line_id: i64, price: String) -> Result<VisitView, ApiError> {
    call(
        Method::PATCH,
        &format!("/api/v1/appointments/{id}/lines/{line_id}"),
        json(&LinePriceUpdate { price }),
    )
    .await
}

/// `DELETE /api/v1/appointments/{id}/lines/{line_id}`.
pub async fn remove_line(id: i64, line_id: i64) -> Result<VisitView, ApiError> {
    call(
        Method::DELETE,
        &format!("/api/v1/appointments/{id}/lines/{line_id}"),
        None,
    )
    .await
}

/// `POST /api/v1/appointments/{id}/payments` with an `Idempotency-Key`: a click whose answer
/// was lost can be sent again with the same key without paying twice.
pub async fn pay(id: i64, body: PaymentCreate, key: String) -> Result<VisitView, ApiError> {
    let path = format!("/api/v1/appointments/{id}/payments");
    post_with_key(&path, json(&body), &key).await
}

/// A POST with an `Idempotency-Key`: a retry of the same attempt is answered, never repeated.
/// A fresh `Idempotency-Key` for one attempt of a money write (a retry of the same attempt
/// reuses it).
pub fn new_key() -> String {
    web_sys::window()
        .and_then(|w| w.crypto().ok())
        .map(|c| c.random_uuid())
        .unwrap_or_else(|| format!("spa-{}", chrono::Utc::now().timestamp_micros()))
}

/// A password for a new colleague ([`emhana_domain::validation::generated_password`]) from the
/// browser's cryptographic random source; empty (refused by the server as too short) if the
/// browser has none.
pub fn generated_password() -> String {
    let mut random = [0u8; 16];
    let drawn = web_sys::window()
        .and_then(|w| w.crypto().ok())
        .is_some_and(|c| c.get_random_values_with_u8_array(&mut random).is_ok());
    if drawn {
        emhana_domain::validation::generated_password(&random)
    } else {
        String::new()
    }
}

async fn post_with_key<T: DeserializeOwned>(
    path: &str,
    body: Option<String>,
    key: &str,
) -> Result<T, ApiError> {
    decode(&answer_text(Method::POST, path.to_owned(), body, Some(key.to_owned())).await?)
}

/// `POST /api/v1/payments/{id}/void`.
pub async fn void_payment(id: i64, reason: String) -> Result<VisitView, ApiError> {
    call(
        Method::POST,
        &format!("/api/v1/payments/{id}/void"),
        json(&VoidRequest { reason }),
    )
    .await
}

/// `GET /api/v1/analytics/{report}` of a range.
async fn report<T: DeserializeOwned>(report: &str, q: &RangeQuery) -> Result<T, ApiError> {
    let path = format!("/api/v1/analytics/{report}{}", q.to_query());
    call(Method::GET, &path, None).await
}

/// `GET /api/v1/analytics/summary`.
pub async fn summary(q: RangeQuery) -> Result<SummaryReport, ApiError> {
    report("summary", &q).await
}

/// `GET /api/v1/analytics/sources`.
pub async fn sources(q: RangeQuery) -> Result<SourcesReport, ApiError> {
    report("sources", &q).await
}

/// `GET /api/v1/analytics/payment-methods`.
pub async fn payment_methods(q: RangeQuery) -> Result<MethodsReport, ApiError> {
    report("payment-methods", &q).await
}

/// `GET /api/v1/analytics/revenue-daily`.
pub async fn revenue_daily(q: RangeQuery) -> Result<ItemsReport<DayItem>, ApiError> {
    report("revenue-daily", &q).await
}

/// `GET /api/v1/analytics/doctors`.
pub async fn doctor_report(q: RangeQuery) -> Result<ItemsReport<DoctorItem>, ApiError> {
    report("doctors", &q).await
}

/// `GET /api/v1/analytics/visits`.
pub async fn visit_report(q: RangeQuery) -> Result<VisitsReport, ApiError> {
    report("visits", &q).await
}

/// `GET /api/v1/analytics/services`.
pub async fn service_report(q: RangeQuery) -> Result<ItemsReport<ServiceItem>, ApiError> {
    report("services", &q).await
}

/// `GET /api/v1/analytics/discounts`.
pub async fn discounts(q: RangeQuery) -> Result<DiscountsReport, ApiError> {
    report("discounts", &q).await
}

/// `GET /api/v1/analytics/trends`.
pub async fn trends(q: TrendQuery) -> Result<TrendsReport, ApiError> {
    call(
        Method::GET,
        &format!("/api/v1/analytics/trends{}", q.to_query()),
        None,
    )
    .await
}

/// `GET /api/v1/settings/clinic`.
pub async fn requisites() -> Result<emhana_api_types::clinic::Requisites, ApiError> {
    call(Method::GET, "/api/v1/settings/clinic", None).await
}

/// `PUT /api/v1/settings/clinic`.
pub async fn save_requisites(
    body: emhana_api_types::clinic::Requisites,
) -> Result<emhana_api_types::clinic::Requisites, ApiError> {
    call(Method::PUT, "/api/v1/settings/clinic", json(&body)).await
}
