//! Security that is configuration, not code paths: the headers every response carries, whether
//! the refresh cookie is `Secure`, and which peers may tell us the client's address.
//!
//! - Every response: `X-Content-Type-Options: nosniff`, `X-Frame-Options: DENY`,
//!   `Referrer-Policy: no-referrer` and a `Content-Security-Policy` with `frame-ancestors 'none'`
//!   (no page of Emhana can be framed). The policy is `default-src 'none'` for the API, `'self'`
//!   plus hashes of the SPA's inline bootstrap scripts (computed from both bundles' pages at start-up)
//!   for the SPA, and `'self'` with inline styles for Swagger UI.
//! - The refresh cookie is `Secure` exactly when `EMHANA_PUBLIC_URL` is `https://…`: a client
//!   header (`X-Forwarded-Proto`) never decides it.
//! - The client address (login limits, audit rows) is the TCP peer, unless that peer is listed
//!   in `EMHANA_TRUSTED_PROXIES`: then the nearest untrusted address of `X-Forwarded-For`.

use std::net::IpAddr;
use std::path::PathBuf;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{web, HttpRequest};
use base64::Engine;
use sha2::{Digest, Sha256};

use crate::Settings;
use emhana_api_types::spa::Bundle;

/// The API's policy: it serves JSON and files, never pages.
const API_CSP: &str = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'";
/// Swagger UI (local assets; it sets inline styles and shows data: icons).
const SWAGGER_CSP: &str =
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; \
     object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// What the server trusts, decided once from configuration.
#[derive(Debug, Clone)]
pub struct Security {
    spa_csp: HeaderValue,
    secure_cookies: bool,
    trusted_proxies: Vec<IpAddr>,
}

impl Security {
    /// Reads `EMHANA_PUBLIC_URL`, `EMHANA_TRUSTED_PROXIES` and the SPA's `index.html`.
    pub fn from_settings(settings: &Settings) -> anyhow::Result<Self> {
        let secure_cookies = match settings.public_url.as_deref().map(str::trim) {
            None | Some("") => false,
            Some(url) if url.starts_with("https://") => true,
            Some(url) if url.starts_with("http://") => false,
            Some(url) => {
                anyhow::bail!("EMHANA_PUBLIC_URL must start with http:// or https:// (got {url:?})")
            }
        };
        let trusted_proxies = settings
            .trusted_proxies
            .iter()
            .map(|p| p.trim())
            .filter(|p| !p.is_empty())
            .map(|p| {
                p.parse::<IpAddr>().map_err(|_| {
                    anyhow::anyhow!("EMHANA_TRUSTED_PROXIES: {p:?} is not an IP address")
                })
            })
            .collect::<anyhow::Result<_>>()?;
        let pages = [Bundle::Desk, Bundle::Full].map(|b| settings.static_dir.join(b.html()));
        let spa_csp = HeaderValue::from_str(&spa_policy(&pages))?;
        Ok(Self {
            spa_csp,
            secure_cookies,
            trusted_proxies,
        })
    }

    /// Whether cookies get the `Secure` flag (the public URL is HTTPS).
    pub fn secure_cookies(&self) -> bool {
        self.secure_cookies
    }

    /// The client's address: the peer, or — only when the peer is a trusted proxy — the
    /// right-most `X-Forwarded-For` entry that is not itself a trusted proxy.
    pub fn client_ip(&self, req: &HttpRequest) -> String {
        let Some(peer) = req.peer_addr().map(|a| a.ip()) else {
            return "unknown".into();
        };
        if !self.trusted_proxies.contains(&peer) {
            return peer.to_string();
        }
        let forwarded = req
            .headers()
            .get_all("x-forwarded-for")
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .filter_map(|a| a.trim().parse::<IpAddr>().ok())
            .collect::<Vec<_>>();
        forwarded
            .into_iter()
            .rev()
            .find(|a| !self.trusted_proxies.contains(a))
            .unwrap_or(peer)
            .to_string()
    }
}

/// The SPA's policy: its own origin only, WebAssembly allowed, and the inline bootstrap scripts
/// that Trunk writes into each bundle's page allowed by their hashes (no `'unsafe-inline'`).
fn spa_policy(pages: &[PathBuf]) -> String {
    let html: Vec<String> = pages
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap_or_default())
        .collect();
    let hashes: String = html
        .iter()
        .flat_map(|h| inline_scripts(h))
        .map(|body| {
            let digest = Sha256::digest(body.as_bytes());
            format!(
                " 'sha256-{}'",
                base64::engine::general_purpose::STANDARD.encode(digest)
            )
        })
        .collect();
    format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'{hashes}; \
         style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; \
         object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// The bodies of `<script>` elements written inline (not those with `src`).
fn inline_scripts(html: &str) -> impl Iterator<Item = &str> {
    html.split("<script").skip(1).filter_map(|rest| {
        let (attrs, after) = rest.split_once('>')?;
        if attrs.contains("src=") {
            return None;
        }
        let (body, _) = after.split_once("</script>")?;
        (!body.trim().is_empty()).then_some(body)
    })
}

/// actix `from_fn` middleware adding the security headers to every response.
pub async fn headers(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let path = req.path().to_owned();
    let spa_csp = req
        .app_data::<web::Data<Security>>()
        .map(|s| s.spa_csp.clone());
    let mut res = next.call(req).await?;
    let csp = if path.starts_with("/swagger-ui") {
        HeaderValue::from_static(SWAGGER_CSP)
    } else if path.starts_with("/api")
        || matches!(path.as_str(), "/healthz" | "/readyz" | "/metrics")
    {
        HeaderValue::from_static(API_CSP)
    } else {
        spa_csp.unwrap_or_else(|| HeaderValue::from_static(API_CSP))
    };
    let h = res.headers_mut();
    h.insert(header::CONTENT_SECURITY_POLICY, csp);
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        HeaderName::from_static("referrer-policy"),
        HeaderValue::from_static("no-referrer"),
    );
    Ok(res)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn security(trusted: &[&str]) -> Security {
        let mut settings = Settings::for_tests("sqlite://unused.db");
        settings.trusted_proxies = trusted.iter().map(|s| s.to_string()).collect();
        settings.static_dir = std::path::PathBuf::from("/nonexistent");
        Security::from_settings(&settings).unwrap()
    }

    fn request(peer: &str, forwarded: Option<&str>) -> HttpRequest {
        let mut req = actix_web::test::TestRequest::default().peer_addr(peer.parse().unwrap());
        if let Some(f) = forwarded {
            req = req.insert_header(("x-forwarded-for", f));
        }
        req.to_http_request()
    }

    #[test]
    fn forwarded_addresses_count_only_from_trusted_proxies() {
        let none = security(&[]);
        assert_eq!(
            none.client_ip(&request("10.0.0.5:4000", Some("198.51.100.9"))),
            "10.0.0.5"
        );
        let proxy = security(&["10.0.0.5"]);
        assert_eq!(
            proxy.client_ip(&request("10.0.0.5:4000", Some("198.51.100.9"))),
            "198.51.100.9"
        );
        // A client-supplied first hop is ignored: the nearest untrusted address wins.
        assert_eq!(
            proxy.client_ip(&request("10.0.0.5:4000", Some("1.2.3.4, 198.51.100.9"))),
            "198.51.100.9"
        );
        assert_eq!(proxy.client_ip(&request("10.0.0.5:4000", None)), "10.0.0.5");
        assert_eq!(
            proxy.client_ip(&request("10.0.0.6:4000", Some("198.51.100.9"))),
            "10.0.0.6"
        );
    }

    #[test]
    fn cookies_are_secure_exactly_behind_an_https_public_url() {
        let mut settings = Settings::for_tests("sqlite://unused.db");
        settings.static_dir = std::path::PathBuf::from("/nonexistent");
        assert!(!Security::from_settings(&settings).unwrap().secure_cookies());
        settings.public_url = Some("https://crm.clinic.kz".into());
        assert!(Security::from_settings(&settings).unwrap().secure_cookies());
        settings.public_url = Some("ftp://x".into());
        assert!(Security::from_settings(&settings).is_err());
    }

    #[test]
    fn inline_scripts_are_hashed_and_external_ones_are_not() {
        let html = r#"<head><script src="/echarts-1.js" integrity="x"></script>
<script type="module">
import init from '/app.js';
</script></head>"#;
        let bodies: Vec<_> = inline_scripts(html).collect();
        assert_eq!(bodies, ["\nimport init from '/app.js';\n"]);
        let dir = std::env::temp_dir().join(format!("emhana-csp-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("index.html"), html).unwrap();
        let full = html.replace("/app.js", "/full.js");
        std::fs::write(dir.join("full.html"), full).unwrap();
        let policy = spa_policy(&[dir.join("index.html"), dir.join("full.html")]);
        // One hash per bundle's bootstrap script.
        assert_eq!(policy.matches("'sha256-").count(), 2);
        assert!(policy.contains("frame-ancestors 'none'"));
        assert!(
            !policy.contains("unsafe-inline' 'wasm")
                && !policy.contains("script-src 'self' 'unsafe-inline'")
        );
        let _ = std::fs::remove_dir_all(dir);
    }
}
