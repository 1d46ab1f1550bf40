//! `POST /api/v1/imports/{kind}` with the chosen file as the body, and the templates.

use emhana_api_types::imports::{ImportQuery, ImportReportView};
use emhana_api_types::queries::ToQuery;
use gloo_net::http::{RequestBuilder, Response};
use js_sys::Uint8Array;

use super::{problem, refresh, ApiError};
use crate::session;

async fn send(path: &str, file: &Uint8Array, name: &str) -> Result<Response, ApiError> {
    let mut rb = RequestBuilder::new(path)
        .method(gloo_net::http::Method::POST)
        .header("Content-Type", "application/octet-stream");
    // Header values are Latin-1: the file's name goes percent-encoded.
    rb = rb.header(
        "X-File-Name",
        &emhana_api_types::queries::percent_encode(name),
    );
    if let Some(token) = session::access_token() {
        rb = rb.header("Authorization", &format!("Bearer {token}"));
    }
    rb.body(file.clone())
        .map_err(|e| ApiError::Network(e.to_string()))?
        .send()
        .await
        .map_err(|e| ApiError::Network(e.to_string()))
}

/// Plans (`dry_run`) or applies an import of `file`.
pub async fn upload(
    kind: &str,
    dry_run: bool,
    file: &Uint8Array,
    name: &str,
) -> Result<ImportReportView, ApiError> {
    let q = ImportQuery {
        dry_run: Some(dry_run),
    };
    let path = format!("/api/v1/imports/{kind}{}", q.to_query());
    let mut response = send(&path, file, name).await?;
    if response.status() == 401 && refresh().await.is_ok() {
        response = send(&path, file, name).await?;
    }
    if !response.ok() {
        return Err(problem(response).await);
    }
    super::decode(&super::body_text(response).await?)
}
