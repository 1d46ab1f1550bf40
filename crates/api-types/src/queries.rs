//! Query parameters of the list and report endpoints, shared by the server (which extracts and
//! documents them) and the SPA (which builds its request URLs from them with
//! [`ToQuery::to_query`]), so a parameter's name cannot differ between the two.

use serde::{Deserialize, Serialize};

/// Renders a query as `?name=value&…` from its serde form (the names the server deserializes;
/// absent parameters left out, values percent-encoded, names in alphabetical order).
pub trait ToQuery: Serialize {
    /// `?a=1&b=x` or the empty string.
    fn to_query(&self) -> String {
        let Ok(serde_json::Value::Object(fields)) = serde_json::to_value(self) else {
            return String::new();
        };
        let joined: Vec<String> = fields
            .into_iter()
            .filter_map(|(k, v)| {
                let value = match v {
                    serde_json::Value::Null => return None,
                    serde_json::Value::String(s) => s,
                    other => other.to_string(),
                };
                Some(format!("{k}={}", percent_encode(&value)))
            })
            .collect();
        if joined.is_empty() {
            return String::new();
        }
        format!("?{}", joined.join("&"))
    }
}

/// RFC 3986 percent-encoding of everything but the unreserved characters (also the
/// `filename*` of a download's `Content-Disposition`, RFC 8187).
pub fn percent_encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The path of `GET /exports/{kind}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Path))]
pub struct ExportPath {
    /// `appointments` | `appointment-lines` | `payments` | `patients` | `services` |
    /// `audit-log`, optionally with `.csv` or `.xlsx`.
    #[cfg_attr(feature = "openapi", param(schema_with = crate::contract::export_target))]
    pub kind: String,
}

/// The filters of `GET /exports/{kind}`: each applies where it makes sense for the kind (a
/// period filters visits by their day, payments by theirs, the audit log by its moments;
/// patients and the price list are the clinic as of now).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct ExportQuery {
    /// `xlsx` (default) or `csv`; may also be given as the path's extension
    /// (`/exports/appointments.csv`).
    #[cfg_attr(feature = "openapi", param(schema_with = crate::contract::export_format))]
    pub format: Option<String>,
    /// First clinic-local day, `YYYY-MM-DD` (none: from the beginning).
    #[cfg_attr(feature = "openapi", param(format = Date))]
    pub from: Option<String>,
    /// Last clinic-local day, inclusive (none: up to now).
    #[cfg_attr(feature = "openapi", param(format = Date))]
    pub to: Option<String>,
    /// Only this doctor's visits, lines, payments (and services in the price list).
    #[cfg_attr(feature = "openapi", param(minimum = 1))]
    pub doctor_id: Option<i64>,
    /// The analytics workbook only: these doctors' figures (comma-separated ids, at most 32;
    /// not with `doctor_id`), as the analytics reports take them.
    #[cfg_attr(feature = "openapi", param(example = "3,7", max_length = 400))]
    pub doctor_ids: Option<String>,
    /// Only visits in this status.
    #[cfg_attr(feature = "openapi", param(schema_with = crate::contract::visit_status))]
    pub status: Option<String>,
    /// Only visits in this payment status.
    #[cfg_attr(feature = "openapi", param(schema_with = crate::contract::payment_status))]
    pub payment_status: Option<String>,
    /// Patients and services: `active` (default), `inactive` or `all`.
    #[cfg_attr(feature = "openapi", param(schema_with = crate::contract::activity))]
    pub active: Option<String>,
    /// Audit log: only this user's actions.
    #[cfg_attr(feature = "openapi", param(minimum = 1))]
    pub user_id: Option<i64>,
}

impl ToQuery for ExportQuery {}

/// `?from=&to=&doctor_id=` of every analytics report.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct RangeQuery {
    /// First clinic-local day, `YYYY-MM-DD`.
    #[cfg_attr(feature = "openapi", param(required = true, format = Date))]
    pub from: Option<String>,
    /// Last clinic-local day (inclusive).
    #[cfg_attr(feature = "openapi", param(required = true, format = Date))]
    pub to: Option<String>,
    /// Only this doctor's visits and the payments for them.
    #[cfg_attr(feature = "openapi", param(minimum = 1))]
    pub doctor_id: Option<i64>,
    /// Only these doctors' (comma-separated ids, at most 32; not with `doctor_id`): patients
    /// seen by two of them count once.
    #[cfg_attr(feature = "openapi", param(example = "3,7", max_length = 400))]
    pub doctor_ids: Option<String>,
}

impl ToQuery for RangeQuery {}

/// `?from=&to=&doctor_id=&doctor_ids=&period=` of the trends report.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct TrendQuery {
    /// First clinic-local day, `YYYY-MM-DD`.
    #[cfg_attr(feature = "openapi", param(required = true, format = Date))]
    pub from: Option<String>,
    /// Last clinic-local day (inclusive).
    #[cfg_attr(feature = "openapi", param(required = true, format = Date))]
    pub to: Option<String>,
    /// Only this doctor's visits and the payments for them.
    #[cfg_attr(feature = "openapi", param(minimum = 1))]
    pub doctor_id: Option<i64>,
    /// Only these doctors' (comma-separated ids, at most 32; not with `doctor_id`).
    #[cfg_attr(feature = "openapi", param(example = "3,7", max_length = 400))]
    pub doctor_ids: Option<String>,
    /// `week` (default) or `month`.
    #[cfg_attr(feature = "openapi", param(schema_with = crate::contract::trend_period))]
    pub period: Option<String>,
}

impl ToQuery for TrendQuery {}

/// `?from=&to=&doctor_id=&patient_id=&status=&payment_status=&limit=&cursor=` of the visit list.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct VisitListQuery {
    /// First clinic-local day, `YYYY-MM-DD`.
    #[cfg_attr(feature = "openapi", param(format = Date))]
    pub from: Option<String>,
    /// Last clinic-local day (inclusive).
    #[cfg_attr(feature = "openapi", param(format = Date))]
    pub to: Option<String>,
    /// One doctor.
    #[cfg_attr(feature = "openapi", param(minimum = 1))]
    pub doctor_id: Option<i64>,
    /// One patient.
    #[cfg_attr(feature = "openapi", param(minimum = 1))]
    pub patient_id: Option<i64>,
    /// `scheduled` | `in_progress` | `completed` | `no_show` | `cancelled`.
    #[cfg_attr(feature = "openapi", param(schema_with = crate::contract::visit_status))]
    pub status: Option<String>,
    /// `unpaid` | `partially_paid` | `paid`.
    #[cfg_attr(feature = "openapi", param(schema_with = crate::contract::payment_status))]
    pub payment_status: Option<String>,
    /// Changes feed: only records changed at or after this instant (RFC 3339), oldest change
    /// first, cancelled ones included; combines only with `doctor_id`; resume the next poll from the
    /// `Emhana-Next-Updated-Since` header of the last page.
    #[cfg_attr(feature = "openapi", param(format = DateTime))]
    pub updated_since: Option<String>,
    /// Page size 1..=200 (default 50).
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 200))]
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

impl ToQuery for VisitListQuery {}

/// Filters of `GET /audit-log`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct AuditQuery {
    /// Entity name (`user`, `patient`, ...).
    #[cfg_attr(feature = "openapi", param(max_length = 40))]
    pub entity: Option<String>,
    /// Entity id.
    pub entity_id: Option<i64>,
    /// Acting account.
    pub user_id: Option<i64>,
    /// Action (`create`, `update`, `login_failed`, ...).
    #[cfg_attr(feature = "openapi", param(max_length = 40))]
    pub action: Option<String>,
    /// From this instant (RFC 3339, inclusive).
    #[cfg_attr(feature = "openapi", param(format = DateTime))]
    pub from: Option<String>,
    /// Before this instant (RFC 3339, exclusive).
    #[cfg_attr(feature = "openapi", param(format = DateTime))]
    pub to: Option<String>,
    /// Page size, 1..=200 (default 50).
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 200))]
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

impl ToQuery for AuditQuery {}

/// `?from=&to=&updated_since=&limit=&cursor=` of the clinic-wide payment journal.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct PaymentListQuery {
    /// First clinic-local payment day, `YYYY-MM-DD`.
    #[cfg_attr(feature = "openapi", param(format = Date))]
    pub from: Option<String>,
    /// Last clinic-local payment day (inclusive).
    #[cfg_attr(feature = "openapi", param(format = Date))]
    pub to: Option<String>,
    /// Changes feed: only payments taken, voided or refunded from at or after this instant
    /// (RFC 3339), oldest change first, voided ones included; resume the next poll from the
    /// `Emhana-Next-Updated-Since` header of the last page. Not combined with `from`/`to`.
    #[cfg_attr(feature = "openapi", param(format = DateTime))]
    pub updated_since: Option<String>,
    /// Page size 1..=200 (default 50).
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 200))]
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

impl ToQuery for PaymentListQuery {}

/// `?status=&limit=&cursor=` of a webhook's delivery log.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct DeliveryQuery {
    /// `pending`, `delivered` or `failed`.
    #[cfg_attr(feature = "openapi", param(max_length = 20))]
    pub status: Option<String>,
    /// Page size, 1..=200 (default 50).
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 200))]
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

impl ToQuery for DeliveryQuery {}

/// `?q=&limit=&cursor=&include_inactive=` of the patient search.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct PatientListQuery {
    /// Name (any case, Kazakh letters included) or phone in any spelling (`8701`, `+7 701`).
    #[cfg_attr(feature = "openapi", param(max_length = 100))]
    pub q: Option<String>,
    /// Include deactivated patients (default false).
    pub include_inactive: Option<bool>,
    /// Changes feed: only records changed at or after this instant (RFC 3339), oldest change
    /// first, deactivated ones included; resume the next poll from the
    /// `Emhana-Next-Updated-Since` header of the last page.
    #[cfg_attr(feature = "openapi", param(format = DateTime))]
    pub updated_since: Option<String>,
    /// Page size 1..=200 (default 50).
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 200))]
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

impl ToQuery for PatientListQuery {}

/// `?include_inactive=` of the directory lists (doctors, services, lead sources).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct ListQuery {
    /// Include deactivated records (default false: what pickers show).
    pub include_inactive: Option<bool>,
    /// Changes feed: only records changed at or after this instant (RFC 3339), oldest change
    /// first, deactivated ones included; resume the next poll from the
    /// `Emhana-Next-Updated-Since` header of the last page.
    #[cfg_attr(feature = "openapi", param(format = DateTime))]
    pub updated_since: Option<String>,
}

impl ToQuery for ListQuery {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_leave_out_absent_parameters_and_encode_values() {
        assert_eq!(RangeQuery::default().to_query(), "");
        let q = VisitListQuery {
            from: Some("2026-11-01".into()),
            doctor_id: Some(3),
            cursor: Some("2026-11-25T04:00:00.000000Z~42".into()),
            ..VisitListQuery::default()
        };
        assert_eq!(
            q.to_query(),
            "?cursor=2026-11-25T04%3A00%3A00.000000Z~42&doctor_id=3&from=2026-11-01"
        );
        let audit = AuditQuery {
            entity: Some("пациент".into()),
            ..AuditQuery::default()
        };
        assert_eq!(
            audit.to_query(),
            "?entity=%D0%BF%D0%B0%D1%86%D0%B8%D0%B5%D0%BD%D1%82"
        );
    }
}

/// Filters of `GET /shifts`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct ShiftListQuery {
    /// Opened on or after this clinic-local day (`YYYY-MM-DD`).
    #[cfg_attr(feature = "openapi", param(format = Date))]
    pub from: Option<String>,
    /// One register's shifts.
    pub register_id: Option<i64>,
    /// Opened on or before this clinic-local day (`YYYY-MM-DD`).
    #[cfg_attr(feature = "openapi", param(format = Date))]
    pub to: Option<String>,
}

impl ToQuery for ShiftListQuery {}

/// `GET /cash-desk/outside-shifts`: one clinic-local day.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct DayQuery {
    /// The day (`YYYY-MM-DD`, clinic-local); today when absent.
    #[cfg_attr(feature = "openapi", param(format = Date))]
    pub date: Option<String>,
}

impl ToQuery for DayQuery {}
