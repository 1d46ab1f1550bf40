//! `GET /api/v1/exports/{kind}`: the file is read piece by piece (so the page can show how much
//! has arrived), kept as browser-side blob parts (never copied into wasm memory) and handed to
//! the browser as a download under the server's file name.

use emhana_api_types::queries::{ExportQuery, ToQuery};
use gloo_net::http::Method;
use js_sys::{Array, Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, BlobPropertyBag, HtmlAnchorElement, ReadableStreamDefaultReader, Url};

use super::{raw, ApiError};

/// A finished download.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Downloaded {
    /// The file name the browser saved it under.
    pub file_name: String,
    /// Rows in the file (the server's `X-Row-Count`).
    pub rows: i64,
    /// Bytes received.
    pub bytes: u64,
}

fn js_error(e: JsValue) -> ApiError {
    ApiError::Network(e.as_string().unwrap_or_else(|| format!("{e:?}")))
}

/// Downloads an export; `on_start(rows)` is called once the server has counted the rows,
/// `on_progress(bytes)` after every piece.
pub async fn download(
    kind: &str,
    q: &ExportQuery,
    on_start: impl Fn(i64),
    on_progress: impl Fn(u64),
) -> Result<Downloaded, ApiError> {
    let path = format!("/api/v1/exports/{kind}{}", q.to_query());
    let response = raw(Method::GET, &path, None).await?;
    let headers = response.headers();
    let rows = headers
        .get("x-row-count")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    on_start(rows);
    let file_name = headers
        .get("content-disposition")
        .and_then(|d| file_name(&d))
        .unwrap_or_else(|| format!("emhana-{kind}"));
    let media = headers.get("content-type").unwrap_or_default();
    let body = response
        .body()
        .ok_or_else(|| ApiError::Network("empty response".into()))?;
    let reader: ReadableStreamDefaultReader = body.get_reader().unchecked_into();
    let parts = Array::new();
    let mut bytes = 0u64;
    loop {
        let chunk = JsFuture::from(reader.read()).await.map_err(js_error)?;
        let done = Reflect::get(&chunk, &"done".into())
            .ok()
            .and_then(|d| d.as_bool())
            .unwrap_or(true);
        if done {
            break;
        }
        let piece: Uint8Array = Reflect::get(&chunk, &"value".into())
            .map_err(js_error)?
            .unchecked_into();
        bytes += u64::from(piece.length());
        parts.push(&piece);
        on_progress(bytes);
    }
    save(&parts, &media, &file_name).map_err(js_error)?;
    Ok(Downloaded {
        file_name,
        rows,
        bytes,
    })
}

/// Downloads any authorized file (an import template) straight to the browser.
pub async fn download_path(path: &str) -> Result<(), ApiError> {
    let response = raw(Method::GET, path, None).await?;
    let headers = response.headers();
    let name = headers
        .get("content-disposition")
        .and_then(|d| file_name(&d))
        .unwrap_or_else(|| "emhana.xlsx".into());
    let media = headers.get("content-type").unwrap_or_default();
    let bytes = response
        .binary()
        .await
        .map_err(|e| ApiError::Network(e.to_string()))?;
    let parts = Array::new();
    parts.push(&Uint8Array::from(bytes.as_slice()));
    save(&parts, &media, &name).map_err(js_error)
}

/// Hands the parts to the browser as a file (a temporary link with `download`, clicked).
fn save(parts: &Array, media: &str, file_name: &str) -> Result<(), JsValue> {
    let bag = BlobPropertyBag::new();
    bag.set_type(media);
    let blob = Blob::new_with_u8_array_sequence_and_options(parts, &bag)?;
    let url = Url::create_object_url_with_blob(&blob)?;
    let document = leptos::prelude::document();
    let link: HtmlAnchorElement = document.create_element("a")?.unchecked_into();
    link.set_href(&url);
    link.set_download(file_name);
    if let Some(body) = document.body() {
        body.append_child(&link)?;
        link.click();
        link.remove();
    }
    // The browser has taken the file once the click is handled; free the blob a minute later.
    leptos::prelude::set_timeout(
        move || {
            let _ = Url::revoke_object_url(&url);
        },
        std::time::Duration::from_secs(60),
    );
    Ok(())
}

/// The file name of a `Content-Disposition`: the Russian `filename*=UTF-8''…` when present,
/// else the ASCII `filename="…"`.
pub fn file_name(disposition: &str) -> Option<String> {
    let param = |name: &str| {
        disposition
            .split(';')
            .map(str::trim)
            .find_map(|p| p.strip_prefix(name))
    };
    if let Some(encoded) = param("filename*=UTF-8''") {
        if let Some(decoded) = percent_decode(encoded) {
            return Some(decoded);
        }
    }
    param("filename=").map(|n| n.trim_matches('"').to_owned())
}

fn percent_decode(s: &str) -> Option<String> {
    let mut out = Vec::with_capacity(s.len());
    let mut bytes = s.bytes();
    while let Some(b) = bytes.next() {
        if b == b'%' {
            let hex = [bytes.next()?, bytes.next()?];
            out.push(u8::from_str_radix(std::str::from_utf8(&hex).ok()?, 16).ok()?);
        } else {
            out.push(b);
        }
    }
    String::from_utf8(out).ok()
}
