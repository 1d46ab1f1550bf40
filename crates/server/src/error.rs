//! `ApiError`: the only place that knows how failures become HTTP.
//!
//! Handlers return `Result<T, ApiError>`; `From` impls let `?` lift store and domain errors; the
//! single `ResponseError` impl below turns each variant into a problem+json body with a stable code
//! and the request id. 5xx causes are logged with their chain and answered generically.

use actix_web::http::header::{self, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse, ResponseError};
use emhana_api_types::error::PROBLEM_JSON;
use emhana_api_types::{ErrorCode, FieldError, ProblemDetails};
use emhana_domain::balance::BalanceRefusal;
use emhana_domain::cash_desk::ShiftRefusal;
use emhana_domain::refund::RefundRefusal;
use emhana_domain::{PaymentRefusal, TransitionError, VisitRefusal};
use emhana_store::visits::VisitError;
use emhana_store::StoreError;

use crate::request_id;

/// Every way a request can fail, as the API reports it.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// Malformed request (JSON, query, path).
    #[error("bad request: {0}")]
    BadRequest(String),
    /// Missing or invalid credentials.
    #[error("unauthorized: {0}")]
    Unauthorized(String),
    /// Authenticated, but not allowed.
    #[error("forbidden: {0}")]
    Forbidden(String),
    /// No such resource or route.
    #[error("not found: {0}")]
    NotFound(String),
    /// Method not allowed on an existing route.
    #[error("method not allowed")]
    MethodNotAllowed,
    /// Conflicts with current state.
    #[error("conflict: {0}")]
    Conflict(String),
    /// A clash with stored data, with the fields named (HTTP 409).
    #[error("conflict: {0:?}")]
    ConflictFields(Vec<FieldError>),
    /// Field validation failed.
    #[error("validation failed: {0:?}")]
    Validation(Vec<FieldError>),
    /// Too many attempts; retry after this many seconds.
    #[error("rate limited for {retry_after_secs}s")]
    RateLimited {
        /// Seconds until a retry may succeed (`Retry-After`).
        retry_after_secs: u64,
    },
    /// The database is not reachable.
    #[error("service unavailable: {0}")]
    Unavailable(String),
    /// A fully formed problem (with extension members such as `remaining`).
    #[error("{}", .0.detail)]
    Problem(Box<ProblemDetails>),
    /// Anything unexpected; logged, answered generically.
    #[error(transparent)]
    Internal(anyhow::Error),
}

impl From<anyhow::Error> for ApiError {
    fn from(e: anyhow::Error) -> Self {
        if e.is::<crate::auth::password::HashersBusy>() {
            return Self::Unavailable(e.to_string());
        }
        Self::Internal(e)
    }
}

impl ApiError {
    /// The stable code of this error.
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::BadRequest(_) => ErrorCode::BadRequest,
            Self::Unauthorized(_) => ErrorCode::Unauthorized,
            Self::Forbidden(_) => ErrorCode::Forbidden,
            Self::NotFound(_) => ErrorCode::NotFound,
            Self::MethodNotAllowed => ErrorCode::MethodNotAllowed,
            Self::Conflict(_) | Self::ConflictFields(_) => ErrorCode::Conflict,
            Self::Validation(_) => ErrorCode::Validation,
            Self::RateLimited { .. } => ErrorCode::RateLimited,
            Self::Unavailable(_) => ErrorCode::ServiceUnavailable,
            Self::Problem(p) => p.code,
            Self::Internal(_) => ErrorCode::Internal,
        }
    }

    /// The problem body for this error (request id filled in from the current request).
    pub fn problem(&self) -> ProblemDetails {
        if let Self::Problem(p) = self {
            let mut p = (**p).clone();
            p.request_id = request_id::current();
            return p;
        }
        let code = self.code();
        let detail = match self {
            Self::BadRequest(d)
            | Self::Unauthorized(d)
            | Self::Forbidden(d)
            | Self::NotFound(d)
            | Self::Conflict(d) => d.clone(),
            Self::ConflictFields(errors) => errors
                .first()
                .map(|e| e.message.clone())
                .unwrap_or_default(),
            Self::MethodNotAllowed => "Этот метод не поддерживается для данного адреса".to_owned(),
            Self::Validation(_) => "Проверьте выделенные поля".to_owned(),
            Self::RateLimited { retry_after_secs } => {
                format!("Повторите попытку через {retry_after_secs} с")
            }
            Self::Unavailable(_) => {
                "Сервер занят или база данных недоступна; повторите через секунду".to_owned()
            }
            Self::Internal(_) => {
                "Непредвиденная ошибка; сообщите администратору номер запроса".to_owned()
            }
            Self::Problem(p) => p.detail.clone(),
        };
        let mut problem = ProblemDetails::new(code, detail);
        if let Self::Validation(errors) | Self::ConflictFields(errors) = self {
            problem.errors.clone_from(errors);
        }
        problem.request_id = request_id::current();
        problem
    }
}

impl ApiError {
    /// The same field errors, reported as a 409 conflict (a value clashes with stored data).
    pub fn into_conflict(self) -> Self {
        match self {
            Self::Validation(errors) => Self::ConflictFields(errors),
            other => other,
        }
    }
}

impl From<emhana_domain::Violations> for ApiError {
    fn from(v: emhana_domain::Violations) -> Self {
        Self::Validation(v.0.into_iter().map(FieldError::from).collect())
    }
}

impl From<emhana_domain::FieldViolation> for ApiError {
    fn from(v: emhana_domain::FieldViolation) -> Self {
        Self::Validation(vec![v.into()])
    }
}

impl From<StoreError> for ApiError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::NotFound => Self::NotFound("Запись не найдена".into()),
            StoreError::Duplicate { field } => Self::ConflictFields(vec![FieldError {
                field: field.into(),
                code: "duplicate".into(),
                message: "Это значение уже занято".into(),
            }]),
            StoreError::PhoneTaken { patient_id, name } => Self::ConflictFields(vec![FieldError {
                field: "phone".into(),
                code: "duplicate_phone".into(),
                message: format!("Этот телефон уже у клиента «{name}» (№{patient_id})"),
            }]),
            StoreError::Refused(refusal) => Self::Conflict(refusal.to_string()),
            StoreError::StaleVersion { current } => Self::Conflict(format!(
                "Запись уже изменена другим пользователем (текущая версия {current}); обновите страницу"
            )),
            // Lock races that outlived their retries, an unreachable database: try again soon.
            e if e.is_unavailable() || e.is_transient() || matches!(e, StoreError::Busy { .. }) => {
                Self::Unavailable(e.to_string())
            }
            e => Self::Internal(anyhow::Error::new(e)),
        }
    }
}

impl From<VisitError> for ApiError {
    fn from(err: VisitError) -> Self {
        match err {
            VisitError::Store(e) => e.into(),
            VisitError::Refused(r) => r.into(),
        }
    }
}

/// One field error with the refusal's own message.
fn field_error(field: &str, code: &str, message: String) -> FieldError {
    FieldError {
        field: field.into(),
        code: code.into(),
        message,
    }
}

impl From<VisitRefusal> for ApiError {
    fn from(refusal: VisitRefusal) -> Self {
        let message = refusal.to_string();
        match refusal {
            VisitRefusal::Invalid(v) => v.into(),
            VisitRefusal::DoctorBusy(busy) => {
                let mut p = ProblemDetails::new(ErrorCode::Conflict, message.clone());
                p.errors = vec![field_error("starts_at", "doctor_busy", message)];
                p.conflicting_appointment_id = Some(busy.visit_id.0);
                Self::Problem(Box::new(p))
            }
            VisitRefusal::Payment(p) => p.into(),
            VisitRefusal::Shift(r) => r.into(),
            VisitRefusal::Refund(r) => r.into(),
            VisitRefusal::Deposit(r) => r.into(),
            VisitRefusal::Bonus(r) => {
                Self::Validation(vec![field_error("payments", "bonus", r.to_string())])
            }
            VisitRefusal::Transition(t) => match t {
                TransitionError::Illegal { .. } => Self::Conflict(message),
                TransitionError::RevertNotAllowed => Self::Forbidden(message),
                TransitionError::ReasonRequired => {
                    Self::Validation(vec![field_error("reason", "required", message)])
                }
            },
            VisitRefusal::LinesClosed | VisitRefusal::OverlapNotAllowed => Self::Forbidden(message),
            VisitRefusal::NotMovable
            | VisitRefusal::ServiceAlreadyOnVisit
            | VisitRefusal::LineHasPayments
            | VisitRefusal::AlreadyVoided
            | VisitRefusal::KeyReused
            | VisitRefusal::KeyInFlight => Self::Conflict(message),
        }
    }
}

impl From<ShiftRefusal> for ApiError {
    fn from(refusal: ShiftRefusal) -> Self {
        let message = refusal.to_string();
        match refusal {
            ShiftRefusal::DifferenceNeedsManager { .. } => Self::Forbidden(message),
            ShiftRefusal::NoteRequired => {
                Self::Validation(vec![field_error("note", "required", message)])
            }
            ShiftRefusal::NoOpenShift
            | ShiftRefusal::Counting
            | ShiftRefusal::Closed
            | ShiftRefusal::WrongState(_)
            | ShiftRefusal::AlreadyOpen(_)
            | ShiftRefusal::RegisterInactive
            | ShiftRefusal::VoidAfterShift
            | ShiftRefusal::VoidRefunded
            | ShiftRefusal::NotEnoughCash(_)
            | ShiftRefusal::BlindCount => Self::Conflict(message),
        }
    }
}

impl From<RefundRefusal> for ApiError {
    fn from(refusal: RefundRefusal) -> Self {
        let message = refusal.to_string();
        match refusal {
            RefundRefusal::TooMuch { refundable, .. } => {
                let mut p = ProblemDetails::new(ErrorCode::Validation, "Проверьте выделенные поля");
                p.errors = vec![field_error("amount", "too_much", message)];
                p.remaining = Some(refundable.to_string());
                Self::Problem(Box::new(p))
            }
            RefundRefusal::UnknownLine(i) => Self::Validation(vec![field_error(
                &format!("lines.{i}.line_id"),
                "unknown",
                message,
            )]),
            RefundRefusal::OtherTenderNeedsManager => Self::Forbidden(message),
        }
    }
}

impl From<BalanceRefusal> for ApiError {
    fn from(refusal: BalanceRefusal) -> Self {
        let message = refusal.to_string();
        match refusal {
            BalanceRefusal::Insufficient { available, .. } => {
                let mut p = ProblemDetails::new(ErrorCode::Validation, "Проверьте выделенные поля");
                p.errors = vec![field_error("amount", "insufficient_balance", message)];
                p.remaining = Some(available.to_string());
                Self::Problem(Box::new(p))
            }
            BalanceRefusal::MethodNeeded(_) => {
                Self::Validation(vec![field_error("method", "required", message)])
            }
            BalanceRefusal::Empty => Self::Conflict(message),
        }
    }
}

impl From<PaymentRefusal> for ApiError {
    fn from(refusal: PaymentRefusal) -> Self {
        let message = refusal.to_string();
        match refusal {
            PaymentRefusal::Overpayment { remaining, .. } => {
                let mut p = ProblemDetails::new(ErrorCode::Validation, "Проверьте выделенные поля");
                p.errors = vec![field_error("payments", "overpayment", message)];
                p.remaining = Some(remaining.to_string());
                Self::Problem(Box::new(p))
            }
            PaymentRefusal::NotPositive => {
                Self::Validation(vec![field_error("payments", "not_positive", message)])
            }
            PaymentRefusal::VisitCancelled
            | PaymentRefusal::TotalBelowPaid { .. }
            | PaymentRefusal::LineBelowPaid { .. } => Self::Conflict(message),
            PaymentRefusal::NegativeOutstanding => {
                Self::Internal(anyhow::Error::new(refusal).context("stored lines are inconsistent"))
            }
        }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(self.code().status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    fn error_response(&self) -> HttpResponse {
        let status = self.status_code();
        if status.is_server_error() {
            tracing::error!(error = ?anyhow_chain(self), "request failed");
        }
        let mut res = HttpResponse::build(status);
        res.insert_header((header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON)));
        match self {
            Self::RateLimited { retry_after_secs } => {
                res.insert_header((header::RETRY_AFTER, retry_after_secs.to_string()));
            }
            Self::Unavailable(_) => {
                res.insert_header((header::RETRY_AFTER, "1"));
            }
            _ => {}
        }
        res.body(serde_json::to_string(&self.problem()).unwrap_or_default())
    }
}

/// Renders the error and all its sources on one line for the log.
fn anyhow_chain(err: &ApiError) -> String {
    let mut out = err.to_string();
    let mut source = std::error::Error::source(err);
    while let Some(s) = source {
        out.push_str(": ");
        out.push_str(&s.to_string());
        source = s.source();
    }
    out
}

/// A JSON body extracted without failing the request, so handlers check the caller's role first
/// and an unauthorized caller always gets 401/403, never a parse error (actix extracts arguments
/// concurrently: a bad body would otherwise win the race against the token check).
pub type JsonBody<T> = Result<web::Json<T>, actix_web::Error>;

/// Unwraps a [`JsonBody`] after authorization, keeping the problem body of a parse failure.
pub fn json_body<T: serde::Serialize>(body: JsonBody<T>) -> Result<T, ApiError> {
    let body = body
        .map(web::Json::into_inner)
        .map_err(|e| match e.as_error::<ApiError>() {
            Some(ApiError::BadRequest(message)) => ApiError::BadRequest(message.clone()),
            _ => ApiError::BadRequest(format!("Некорректный JSON: {e}")),
        })?;
    // PostgreSQL text cannot hold U+0000 (SQLite would keep it and every export would carry
    // it): refused here, once, for every body.
    if serde_json::to_string(&body).is_ok_and(|text| text.contains("\\u0000")) {
        return Err(ApiError::BadRequest(
            "Текст не может содержать нулевой символ (\\u0000)".into(),
        ));
    }
    Ok(body)
}

/// Re-shapes actix's own extractor failures (bad JSON, query, path) into problem+json.
pub fn extractor_configs(cfg: &mut web::ServiceConfig) {
    cfg.app_data(
        web::JsonConfig::default()
            .limit(256 * 1024)
            .error_handler(|err, _req| {
                ApiError::BadRequest(format!("Некорректный JSON: {err}")).into()
            }),
    )
    .app_data(web::QueryConfig::default().error_handler(|err, _req| {
        ApiError::BadRequest(format!("Некорректные параметры запроса: {err}")).into()
    }))
    .app_data(web::PathConfig::default().error_handler(|err, _req| {
        ApiError::BadRequest(format!("Некорректный адрес: {err}")).into()
    }));
}

/// Fallback for `/api/...` paths that match no route.
pub async fn api_not_found(req: HttpRequest) -> HttpResponse {
    ApiError::NotFound(format!("Нет такого адреса API: {}", req.path())).error_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validation_errors_carry_fields_and_422() {
        let err = ApiError::Validation(vec![FieldError {
            field: "phone".into(),
            code: "invalid_phone".into(),
            message: "Неверный телефон".into(),
        }]);
        assert_eq!(err.status_code(), StatusCode::UNPROCESSABLE_ENTITY);
        let p = err.problem();
        assert_eq!(p.errors.len(), 1);
        assert_eq!(p.code, ErrorCode::Validation);
    }

    #[test]
    fn domain_violations_become_422_with_every_field() {
        let mut v = emhana_domain::Violations::default();
        v.check(emhana_domain::validation::PhoneNumber::parse(
            "phone", "123",
        ));
        v.check(emhana_domain::validation::PersonName::parse(
            "first_name",
            "",
        ));
        let err = ApiError::from(v);
        let fields: Vec<_> = err
            .problem()
            .errors
            .into_iter()
            .map(|e| (e.field, e.code))
            .collect();
        assert_eq!(
            fields,
            [
                ("phone".into(), "invalid_phone".into()),
                ("first_name".into(), "required".into())
            ]
        );
    }

    #[test]
    fn internal_errors_hide_their_cause() {
        let err = ApiError::Internal(anyhow::anyhow!("secret connection string"));
        assert!(!err.problem().detail.contains("secret"));
        assert_eq!(err.status_code(), StatusCode::INTERNAL_SERVER_ERROR);
    }

    #[test]
    fn rate_limit_sets_retry_after() {
        let res = ApiError::RateLimited {
            retry_after_secs: 900,
        }
        .error_response();
        assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(
            res.headers()
                .get(header::RETRY_AFTER)
                .and_then(|v| v.to_str().ok()),
            Some("900")
        );
    }
}
