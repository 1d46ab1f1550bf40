//! The OpenAPI 3.1 document: metadata here, paths and schemas collected from the routes by
//! utoipa-actix-web. `openapi/openapi.json` is a committed snapshot of [`document`]; the test below
//! fails when code and file drift (`cargo xtask openapi` rewrites the file).

use actix_web::App;
use emhana_api_types::{ErrorCode, FieldError, ProblemDetails};
use utoipa::OpenApi;
use utoipa_actix_web::AppExt;

use crate::routes;

/// Document metadata and shared schemas that no single route declares.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Emhana API",
        description = "REST API of Emhana, a clinic CRM: patients, doctors, price list, visits, \
                       payments and analytics. Money is a decimal string in tenge with two decimals \
                       (\"12500.00\"); instants are RFC 3339. Errors are RFC 9457 problem+json with a \
                       stable `code` and per-field `errors`. Every `/api/` answer carries the IETF \
                       `RateLimit-Policy` and `RateLimit` headers (per caller and per address, one-minute \
                       windows); over a quota the answer is 429 with `Retry-After`. The lists of patients, \
                       doctors, services, lead sources, visits and payments take `updated_since` for \
                       incremental sync: resume from the `Emhana-Next-Updated-Since` header of the last page.",
        license(name = "Proprietary", identifier = "LicenseRef-Proprietary")
    ),
    tags(
        (name = "health", description = "Liveness and readiness probes"),
        (name = "auth", description = "Sessions: login, refresh-token rotation, logout, own account"),
        (name = "users", description = "Staff accounts (owner, admin)"),
        (name = "audit", description = "Append-only audit log (owner, admin)"),
        (name = "backups", description = "Verified backups (owner): list, back up now, download; restore is the `emhana restore` command"),
        (name = "patients", description = "Patients (клиенты): search by name or any phone spelling, soft delete"),
        (name = "doctors", description = "Doctors (never deleted: deactivated)"),
        (name = "services", description = "The price list; base prices are decimal strings in tenge"),
        (name = "lead-sources", description = "Where patients come from (Откуда узнали о нас)"),
        (name = "appointments", description = "Visits: booking without double booking, the status machine with its history, service lines with per-visit prices"),
        (name = "payments", description = "Payments: several methods at once, never more than owed, split over the lines; Idempotency-Key; void with a reason"),
        (name = "deposits", description = "Patient deposits (аванс): balance, top-up and withdrawal at the desk, statement; spent as the payment method `balance`"),
        (name = "analytics", description = "The owner's dashboard for a range of clinic-local days: revenue, visits, sources, payment methods, doctors, services, discounts"),
        (name = "exports", description = "Streamed CSV/XLSX files of visits, visit lines, payments and refunds, patients, the price list and the audit log"),
        (name = "documents", description = "Receipts and acts of a visit as PDF (also under appointments), and the clinic requisites they print"),
        (name = "imports", description = "Patients and the price list from XLSX/CSV: a dry run shows each row (create, update, unchanged, duplicate, invalid with the cell named), an apply writes all or nothing"),
        (name = "integrations", description = "API keys (`Authorization: Bearer emh_…`, scoped, audited as the key) and webhooks: events queued in the changing transaction, posted with `Emhana-Signature: t=<unix>,v1=<hex HMAC-SHA256 of \"t.body\">`, retried with backoff for a day, in order per subscriber, logged and replayable"),
        (name = "reminders", description = "Reminders to patients before visits through WhatsApp or SMS: the clinic's rules (the day before at a time, hours before) and ru/kk texts, sent only with the patient's consent (on the card) and only for a visit still booked at that time; the outbox lists each reminder's fate")
    ),
    components(schemas(ProblemDetails, FieldError, ErrorCode)),
    modifiers(&BearerAuth)
)]
pub struct ApiDoc;

/// Declares the `bearer` scheme that protected operations reference.
struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .description(Some(
                        "Access token from POST /api/v1/auth/login (15 minutes), or an API key (`emh_…`) from POST /api/v1/api-keys",
                    ))
                    .build(),
            ),
        );
    }
}

/// The complete document, as served at `/api-docs/openapi.json`.
pub fn document() -> utoipa::openapi::OpenApi {
    let (_, api) = App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .configure(routes::all)
        .split_for_parts();
    api
}

/// The document as the pretty JSON committed in `openapi/openapi.json` (trailing newline).
pub fn document_json() -> String {
    let mut text = serde_json::to_string_pretty(&document()).unwrap_or_default();
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snapshot_path() -> std::path::PathBuf {
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../openapi/openapi.json")
    }

    /// Drift check. With `EMHANA_UPDATE_OPENAPI=1` (what `cargo xtask openapi` sets) it rewrites
    /// the snapshot instead of comparing.
    #[test]
    fn committed_openapi_matches_the_code() {
        let generated = document_json();
        let path = snapshot_path();
        if std::env::var_os("EMHANA_UPDATE_OPENAPI").is_some() {
            std::fs::write(&path, &generated).unwrap_or_else(|e| panic!("write {path:?}: {e}"));
            return;
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == generated,
            "openapi/openapi.json is out of date with the code: run `cargo xtask openapi` and commit it"
        );
    }

    #[test]
    fn document_is_openapi_3_1_with_probes() {
        let v: serde_json::Value = serde_json::from_str(&document_json()).unwrap_or_default();
        assert!(v["openapi"].as_str().unwrap_or_default().starts_with("3.1"));
        assert_eq!(v["info"]["title"], "Emhana API");
        assert!(v["paths"]["/healthz"]["get"].is_object());
        assert!(v["paths"]["/readyz"]["get"].is_object());
        assert!(v["components"]["schemas"]["ProblemDetails"].is_object());
    }
}
