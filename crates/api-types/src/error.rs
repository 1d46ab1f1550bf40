//! The one error body every endpoint answers with: RFC 9457 problem+json plus stable codes.

use serde::{Deserialize, Serialize};

/// Media type of every error response.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// Stable, machine-readable error codes. Clients branch on these, never on message text,
/// so a code is never renamed once released.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The request could not be parsed (malformed JSON, bad query string, bad path).
    BadRequest,
    /// No valid credentials were presented.
    Unauthorized,
    /// The caller is authenticated but their role may not do this.
    Forbidden,
    /// No such resource (or no such route).
    NotFound,
    /// The method is not allowed on this resource.
    MethodNotAllowed,
    /// The request conflicts with the current state (stale version, clash, illegal transition).
    Conflict,
    /// One or more fields failed validation; see `errors`.
    Validation,
    /// The request body (an uploaded file) is larger than the endpoint accepts.
    PayloadTooLarge,
    /// Too many attempts; retry after the `Retry-After` header.
    RateLimited,
    /// A dependency (the database) is not available right now.
    ServiceUnavailable,
    /// An unexpected server fault; details are in the server log under the request id.
    Internal,
    /// A code this client version does not know yet (forward compatibility for the SPA).
    #[serde(other)]
    Unknown,
}

impl ErrorCode {
    /// The HTTP status that always goes with this code.
    pub fn status(self) -> u16 {
        match self {
            Self::BadRequest => 400,
            Self::Unauthorized => 401,
            Self::Forbidden => 403,
            Self::NotFound => 404,
            Self::MethodNotAllowed => 405,
            Self::Conflict => 409,
            Self::PayloadTooLarge => 413,
            Self::Validation => 422,
            Self::RateLimited => 429,
            Self::ServiceUnavailable => 503,
            Self::Internal | Self::Unknown => 500,
        }
    }

    /// The short Russian title shown to staff for this kind of error.
    pub fn title_ru(self) -> &'static str {
        match self {
            Self::BadRequest => "Некорректный запрос",
            Self::Unauthorized => "Требуется вход в систему",
            Self::Forbidden => "Недостаточно прав",
            Self::NotFound => "Не найдено",
            Self::MethodNotAllowed => "Метод не поддерживается",
            Self::Conflict => "Конфликт с текущим состоянием",
            Self::Validation => "Ошибка в данных",
            Self::PayloadTooLarge => "Файл слишком большой",
            Self::RateLimited => "Слишком много попыток",
            Self::ServiceUnavailable => "Сервис временно недоступен",
            Self::Internal | Self::Unknown => "Внутренняя ошибка сервера",
        }
    }
}

/// One invalid field: which one, a stable code, and a Russian message for the form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "field": "phone", "code": "invalid_phone", "message": "Телефон должен быть в формате +7XXXXXXXXXX"
})))]
pub struct FieldError {
    /// The JSON field (dotted path for nested fields, e.g. `payments.0.amount`).
    pub field: String,
    /// Stable snake_case code of the rule that failed.
    pub code: String,
    /// Russian message for the person filling the form.
    pub message: String,
}

impl From<emhana_domain::FieldViolation> for FieldError {
    fn from(v: emhana_domain::FieldViolation) -> Self {
        Self {
            field: v.field,
            code: v.code.to_owned(),
            message: v.message,
        }
    }
}

/// RFC 9457 problem details, as returned by every failing endpoint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "type": "about:blank", "title": "Ошибка в данных", "status": 422,
    "detail": "Проверьте выделенные поля", "code": "validation",
    "errors": [{"field": "phone", "code": "invalid_phone", "message": "Телефон должен быть в формате +7XXXXXXXXXX"}],
    "request_id": "5f0c6c1e-3b8e-4f55-9d3c-0d5c1f8a9b10"
})))]
pub struct ProblemDetails {
    /// A URI naming the problem type; `about:blank` when the status says it all.
    #[serde(rename = "type")]
    pub type_uri: String,
    /// Short Russian summary of the problem type.
    pub title: String,
    /// The HTTP status code, repeated for clients that only see the body.
    pub status: u16,
    /// Human-readable explanation of this occurrence (Russian).
    pub detail: String,
    /// Stable machine-readable code.
    pub code: ErrorCode,
    /// Per-field validation errors; empty unless `code` is `validation`.
    #[serde(default)]
    pub errors: Vec<FieldError>,
    /// The request id (also in the `X-Request-Id` header) to find the server log lines.
    #[serde(default)]
    pub request_id: String,
    /// Overpayment only: what the visit still owes, as a decimal string (the most that can be paid).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remaining: Option<String>,
    /// Double booking only: the id of the visit this one clashes with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conflicting_appointment_id: Option<i64>,
}

impl ProblemDetails {
    /// A problem of the given code with a detail message and no field errors.
    pub fn new(code: ErrorCode, detail: impl Into<String>) -> Self {
        Self {
            type_uri: "about:blank".to_owned(),
            title: code.title_ru().to_owned(),
            status: code.status(),
            detail: detail.into(),
            code,
            errors: Vec::new(),
            request_id: String::new(),
            remaining: None,
            conflicting_appointment_id: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problem_serializes_type_field_and_codes_in_snake_case() {
        let p = ProblemDetails::new(ErrorCode::RateLimited, "x");
        let v = serde_json::to_value(&p).unwrap_or_default();
        assert_eq!(v["type"], "about:blank");
        assert_eq!(v["code"], "rate_limited");
        assert_eq!(v["status"], 429);
    }

    #[test]
    fn unknown_codes_decode_as_unknown() {
        let c: ErrorCode =
            serde_json::from_str("\"brand_new_code\"").unwrap_or(ErrorCode::Internal);
        assert_eq!(c, ErrorCode::Unknown);
    }
}
