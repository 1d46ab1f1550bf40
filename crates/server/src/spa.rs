//! Serves the built SPA (`dist/`, both bundles) at `/`. A client-side route such as `/crm` or
//! `/patients/42` gets the HTML of the bundle that has the page (`emhana_api_types::spa`), so a
//! reload or a shared link opens the right page. Files are sent precompressed when `dist/` has a
//! `.br` or `.gz` twin the browser accepts (brotli first: `cargo xtask spa` writes both); hashed
//! assets (Trunk's `name-<hash>.ext`) are cached
//! for a year as immutable, everything else is revalidated on each use.

use std::path::{Path, PathBuf};

use actix_files::{Files, NamedFile};
use actix_web::body::MessageBody;
use actix_web::dev::{fn_service, HttpServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::{from_fn, Next};
use actix_web::{web, HttpResponse};
use emhana_api_types::spa::{bundle_for, Bundle};

/// A year: hashed names change with their content, so a browser never needs to ask again.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// What to mount at `/`: the SPA when built, otherwise a page saying how to build it.
pub fn service(dir: &Path) -> impl HttpServiceFactory {
    let dir = dir.to_path_buf();
    let files = if dir.join(Bundle::Desk.html()).is_file() {
        Files::new("/", &dir)
            .index_file(Bundle::Desk.html())
            .try_compressed()
    } else {
        tracing::warn!(dir = %dir.display(), "SPA not built; serving the API only");
        // An empty mount that always falls through to the default handler below.
        Files::new("/", std::env::temp_dir().join("emhana-no-spa")).index_file("index.html")
    };
    let files = files.default_handler(fn_service(move |req: ServiceRequest| {
        let dir = dir.clone();
        async move { page(req, dir).await }
    }));
    web::scope("").wrap(from_fn(cache_control)).service(files)
}

/// A path that is not a file: the page of the bundle that has it.
async fn page(req: ServiceRequest, dir: PathBuf) -> Result<ServiceResponse, actix_web::Error> {
    let (req, _) = req.into_parts();
    // Never the desk page for another page's path: its router would send the browser back here.
    let html = dir.join(bundle_for(req.path()).html());
    let res = match NamedFile::open(&html) {
        Ok(file) => file.into_response(&req),
        Err(_) => HttpResponse::NotFound()
            .content_type("text/html; charset=utf-8")
            .body(
                "<!doctype html><meta charset=utf-8><title>Emhana</title>\
                 <p>Интерфейс не собран (нужны обе части: <code>cargo xtask spa</code>). \
                 Запустите <code>cargo xtask run</code>. \
                 API: <a href=\"/swagger-ui/\">/swagger-ui/</a></p>",
            ),
    };
    Ok(ServiceResponse::new(req, res))
}

/// Sets `Cache-Control` on the SPA's answers: immutable for hashed assets, `no-cache` (use only
/// after revalidating, which the ETag makes cheap) for pages and unhashed files.
async fn cache_control(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let hashed = is_hashed(req.path());
    let mut res = next.call(req).await?;
    let value = if hashed && res.status().is_success() {
        IMMUTABLE
    } else {
        "no-cache"
    };
    let h = res.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(value));
    // The same URL answers brotli, gzip or plain by the request's Accept-Encoding.
    h.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    Ok(res)
}

/// Whether a path names a file whose name carries Trunk's content hash: `name-<hex>.ext` or
/// `name-<hex>_bg.wasm` (Trunk writes 16 hex digits without leading zeros, so at least 8 here).
fn is_hashed(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or_default();
    let stem = name.split('.').next().unwrap_or_default();
    let stem = stem.strip_suffix("_bg").unwrap_or(stem);
    stem.rsplit_once('-').is_some_and(|(base, hash)| {
        !base.is_empty()
            && (8..=16).contains(&hash.len())
            && hash.bytes().all(|b| b.is_ascii_hexdigit())
    })
}

#[cfg(test)]
mod tests {
    use super::is_hashed;

    #[test]
    fn trunk_hashed_names_are_recognised_and_others_not() {
        assert!(is_hashed("/emhana-desk-1af9f085d051d4f6.js"));
        assert!(is_hashed("/emhana-desk-1af9f085d051d4f6_bg.wasm"));
        assert!(is_hashed("/main-49392d272132a5fa.css"));
        assert!(is_hashed("/main-49392d272132a5fa.css.gz"));
        assert!(is_hashed("/emhana-desk-1af9f085d051d4f6_bg.wasm.br"));
        assert!(is_hashed("/emhana-web-71bd751c9951e3_bg.wasm"));
        for path in [
            "/",
            "/crm",
            "/echarts.min.js",
            "/index.html",
            "/a-b.js",
            "/-1af9f085d051d4f6.js",
            "/x-deadbeefdeadbeef00.js",
        ] {
            assert!(!is_hashed(path), "{path}");
        }
    }
}
