//! Serves the built SPA (Trunk's `dist/`) at `/`, falling back to `index.html` for client-side
//! routes such as `/crm` or `/patients/42`, so a reload or a shared link opens the right page.

use std::path::{Path, PathBuf};

use actix_files::{Files, NamedFile};
use actix_web::dev::{fn_service, HttpServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::HttpResponse;

/// What to mount at `/`: the SPA when built, otherwise a page saying how to build it.
pub fn service(dir: &Path) -> impl HttpServiceFactory {
    let index = dir.join("index.html");
    let files = if index.is_file() {
        Files::new("/", dir).index_file("index.html")
    } else {
        tracing::warn!(dir = %dir.display(), "SPA not built; serving the API only");
        // An empty mount that always falls through to the default handler below.
        Files::new("/", std::env::temp_dir().join("emhana-no-spa")).index_file("index.html")
    };
    files.default_handler(fn_service(move |req: ServiceRequest| {
        let index = index.clone();
        async move { fallback(req, index).await }
    }))
}

async fn fallback(
    req: ServiceRequest,
    index: PathBuf,
) -> Result<ServiceResponse, actix_web::Error> {
    let (req, _) = req.into_parts();
    let res = match NamedFile::open(&index) {
        Ok(file) => {
            let mut res = file.into_response(&req);
            res.headers_mut().insert(
                header::CACHE_CONTROL,
                header::HeaderValue::from_static("no-cache"),
            );
            res
        }
        Err(_) => HttpResponse::NotFound()
            .content_type("text/html; charset=utf-8")
            .body(
                "<!doctype html><meta charset=utf-8><title>Emhana</title>\
                 <p>Интерфейс не собран. Запустите <code>cargo xtask run</code>. \
                 API: <a href=\"/swagger-ui/\">/swagger-ui/</a></p>",
            ),
    };
    Ok(ServiceResponse::new(req, res))
}
