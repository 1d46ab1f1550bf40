//! OpenAPI schemas of coded strings, so generated clients and fuzzers see the real contract:
//! the codes the domain accepts, listed from the domain's own enums (never a second list).
//! Used by `#[schema(schema_with = ...)]` and `#[param(schema_with = ...)]` on wire fields.

use emhana_domain::analytics::Period;
use emhana_domain::export::ExportKind;
use emhana_domain::{PaymentMethod, PaymentStatus, VisitStatus};
use utoipa::openapi::schema::{Object, ObjectBuilder, Type};

fn codes(description: &str, codes: impl IntoIterator<Item = &'static str>) -> Object {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(codes))
        .description(Some(description))
        .build()
}

/// A payment method code: `card` | `cash` | `qr` | `transfer` | `balance` (the deposit).
pub fn payment_method() -> Object {
    codes(
        "Payment method code",
        PaymentMethod::ALL.iter().map(|m| m.code()),
    )
}

/// A real tender (money moves at the desk): `card` | `cash` | `qr` | `transfer`.
pub fn tender() -> Object {
    codes(
        "Tender code (card, cash, QR, transfer)",
        PaymentMethod::TENDERS.iter().map(|m| m.code()),
    )
}

/// A visit status code: `scheduled` | `in_progress` | `completed` | `no_show` | `cancelled`.
pub fn visit_status() -> Object {
    codes(
        "Visit status code",
        VisitStatus::ALL.iter().map(|s| s.code()),
    )
}

/// A payment status code: `unpaid` | `partially_paid` | `paid`.
pub fn payment_status() -> Object {
    codes(
        "Payment status code",
        PaymentStatus::ALL.iter().map(|s| s.code()),
    )
}

/// An export file format: `xlsx` | `csv`.
pub fn export_format() -> Object {
    codes("Export file format", ["xlsx", "csv"])
}

/// Which directory rows an export holds: `active` | `inactive` | `all`.
pub fn activity() -> Object {
    codes(
        "Active, inactive or all rows",
        ["active", "inactive", "all"],
    )
}

/// An export's path segment: a kind (`appointments`, `payments`, …), optionally with the
/// format as an extension (`appointments.csv`, the DESIGN form).
pub fn export_target() -> Object {
    let targets: Vec<String> = ExportKind::ALL
        .iter()
        .flat_map(|k| ["", ".xlsx", ".csv"].map(|ext| format!("{}{ext}", k.code())))
        .collect();
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(targets))
        .description(Some(
            "Export kind, optionally with the format as an extension",
        ))
        .build()
}

/// A trend bucket: `week` | `month`.
pub fn trend_period() -> Object {
    codes("Trend bucket", Period::ALL.iter().map(|p| p.code()))
}

/// A SPA language code: `ru` | `kk` | `en`.
pub fn ui_language() -> Object {
    codes(
        "SPA language (ISO 639-1)",
        emhana_domain::UiLanguage::ALL.iter().map(|l| l.code()),
    )
}

/// A staff role code: `owner` | `admin` | `receptionist` | `doctor`.
pub fn role() -> Object {
    codes(
        "Staff role",
        emhana_domain::Role::ALL.iter().map(|r| r.code()),
    )
}
