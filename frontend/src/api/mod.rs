//! The one typed client of the Emhana API. Every call goes through [`send`], which decodes
//! non-2xx answers into the shared [`ProblemDetails`] body (auth and refresh join here later).

use emhana_api_types::{ErrorCode, Health, ProblemDetails};
use gloo_net::http::{Request, RequestBuilder};
use serde::de::DeserializeOwned;

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
            Self::Problem(p) => format!("{}: {}", p.title, p.detail),
            Self::Network(e) => format!("Нет связи с сервером ({e})"),
        }
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message())
    }
}

impl std::error::Error for ApiError {}

/// Sends a request and decodes a JSON success body or the problem body.
async fn send<T: DeserializeOwned>(request: RequestBuilder) -> Result<T, ApiError> {
    let response = request
        .send()
        .await
        .map_err(|e| ApiError::Network(e.to_string()))?;
    if response.ok() {
        return response
            .json::<T>()
            .await
            .map_err(|e| ApiError::Network(e.to_string()));
    }
    let status = response.status();
    match response.json::<ProblemDetails>().await {
        Ok(problem) => Err(ApiError::Problem(problem)),
        Err(_) => Err(ApiError::Problem(ProblemDetails::new(
            if status >= 500 {
                ErrorCode::Internal
            } else {
                ErrorCode::Unknown
            },
            format!("HTTP {status}"),
        ))),
    }
}

/// `GET /healthz`.
pub async fn health() -> Result<Health, ApiError> {
    send(Request::get("/healthz")).await
}
