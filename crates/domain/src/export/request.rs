//! An export request: parsed from the path and query (every problem under its field), named as
//! a file, and authorized for a role.

use chrono::NaiveDate;

use super::{Activity, ExportFormat, ExportKind};
use crate::access::{allows, Permission};
use crate::analytics::DoctorSet;
use crate::error::{FieldViolation, Violations};
use crate::role::Role;

/// A parsed export request: the kind, the format and the filters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportRequest {
    /// What to export.
    pub kind: ExportKind,
    /// In which format.
    pub format: ExportFormat,
    /// First clinic-local day (inclusive), if any.
    pub from: Option<NaiveDate>,
    /// Last clinic-local day (inclusive), if any.
    pub to: Option<NaiveDate>,
    /// Only this doctor's visits (and payments for them, and services of the price list).
    pub doctor_id: Option<i64>,
    /// The analytics workbook's doctors (`doctor_id` or `doctor_ids`; all when neither).
    pub doctors: DoctorSet,
    /// Only visits in this status (a [`crate::VisitStatus`] code).
    pub status: Option<String>,
    /// Only visits in this payment status (a [`crate::PaymentStatus`] code).
    pub payment_status: Option<String>,
    /// Which patients (and services) a directory export holds.
    pub activity: Activity,
    /// Only this user's audit rows.
    pub user_id: Option<i64>,
}

/// The raw query of an export, as the server received it.
#[derive(Debug, Clone, Default)]
pub struct ExportParams<'a> {
    /// The path segment: `appointments`, or `appointments.csv` (the DESIGN form).
    pub target: &'a str,
    /// `?format=`.
    pub format: Option<&'a str>,
    /// `?from=`.
    pub from: Option<&'a str>,
    /// `?to=`.
    pub to: Option<&'a str>,
    /// `?doctor_id=`.
    pub doctor_id: Option<i64>,
    /// `?doctor_ids=` (the analytics workbook only).
    pub doctor_ids: Option<&'a str>,
    /// `?status=`.
    pub status: Option<&'a str>,
    /// `?payment_status=`.
    pub payment_status: Option<&'a str>,
    /// `?active=`.
    pub active: Option<&'a str>,
    /// `?user_id=`.
    pub user_id: Option<i64>,
}

impl ExportRequest {
    /// Parses an export request; every problem is reported under its field (`kind` for the path).
    pub fn parse(p: &ExportParams<'_>) -> Result<Self, Violations> {
        let mut v = Violations::default();
        let (code, suffix) = match p.target.rsplit_once('.') {
            Some((code, ext)) => (code, Some(ext)),
            None => (p.target, None),
        };
        let kind = ExportKind::from_code(code);
        if kind.is_none() {
            v.0.push(FieldViolation::new(
                "kind",
                "unknown",
                "Нет такой выгрузки: appointments, appointment-lines, payments, patients, doctors, services, audit-log, analytics",
            ));
        }
        let format = match (suffix, p.format) {
            (Some(a), Some(b)) if a != b => {
                v.0.push(FieldViolation::new(
                    "format",
                    "conflict",
                    "Формат в адресе и в параметре format различаются",
                ));
                None
            }
            (Some(code), _) | (None, Some(code)) => {
                let f = ExportFormat::from_code(code);
                if f.is_none() {
                    v.0.push(FieldViolation::new(
                        "format",
                        "unknown",
                        "Формат — csv или xlsx",
                    ));
                }
                f
            }
            (None, None) => Some(ExportFormat::Xlsx),
        };
        let (from, to) = crate::validation::parse_optional_period(p.from, p.to, &mut v);
        if let Some(id) = p.doctor_id.filter(|id| *id < 1) {
            v.0.push(FieldViolation::new(
                "doctor_id",
                "range",
                format!("Нет врача №{id}"),
            ));
        }
        if let Some(s) = p
            .status
            .filter(|s| crate::VisitStatus::from_code(s).is_none())
        {
            v.0.push(FieldViolation::new(
                "status",
                "unknown",
                format!("Нет такого статуса визита: {s}"),
            ));
        }
        if let Some(s) = p
            .payment_status
            .filter(|s| crate::PaymentStatus::from_code(s).is_none())
        {
            v.0.push(FieldViolation::new(
                "payment_status",
                "unknown",
                format!("Нет такого статуса оплаты: {s}"),
            ));
        }
        let activity = match p.active {
            None => Activity::Active,
            Some(code) => Activity::from_code(code).unwrap_or_else(|| {
                v.0.push(FieldViolation::new(
                    "active",
                    "unknown",
                    "active — active, inactive или all",
                ));
                Activity::Active
            }),
        };
        let doctors = if kind == Some(ExportKind::Analytics) {
            // A non-positive doctor_id is already named above.
            v.check(DoctorSet::parse(
                p.doctor_id.filter(|id| *id >= 1),
                p.doctor_ids,
            ))
            .unwrap_or(DoctorSet::ALL)
        } else {
            if p.doctor_ids.is_some() {
                v.0.push(FieldViolation::new(
                    "doctor_ids",
                    "analytics_only",
                    "Несколько врачей — только для выгрузки аналитики; здесь укажите doctor_id",
                ));
            }
            DoctorSet::ALL
        };
        if kind == Some(ExportKind::Analytics) {
            if format == Some(ExportFormat::Csv) {
                v.0.push(FieldViolation::new(
                    "format",
                    "xlsx_only",
                    "Аналитика выгружается только в Excel: каждый отчёт — свой лист",
                ));
            }
            for (field, day) in [("from", from), ("to", to)] {
                if day.is_none() && !v.0.iter().any(|f| f.field == field) {
                    v.0.push(FieldViolation::new(field, "required", "Укажите дату"));
                }
            }
            if let (Some(f), Some(t)) = (from, to) {
                if (t - f).num_days() >= crate::analytics::MAX_REPORT_DAYS {
                    v.0.push(FieldViolation::new(
                        "to",
                        "too_long",
                        format!(
                            "Период — не длиннее {} дней",
                            crate::analytics::MAX_REPORT_DAYS
                        ),
                    ));
                }
            }
        }
        match (kind, format) {
            (Some(kind), Some(format)) if v.0.is_empty() => Ok(Self {
                kind,
                format,
                from,
                to,
                doctor_id: p.doctor_id,
                doctors,
                status: p.status.map(str::to_owned),
                payment_status: p.payment_status.map(str::to_owned),
                activity,
                user_id: p.user_id,
            }),
            _ => Err(v),
        }
    }

    /// The download's file name: an ASCII one (`vizity_2026-11-01_2026-11-30.xlsx`) and the
    /// Russian one (`Визиты 2026-11-01 — 2026-11-30.xlsx`) for `filename*`.
    pub fn file_names(&self, today: NaiveDate) -> (String, String) {
        let ext = self.format.code();
        let (period, russian_period) = match (self.kind.has_period(), self.from, self.to) {
            (false, _, _) => (today.to_string(), today.to_string()),
            (true, Some(f), Some(t)) if f == t => (f.to_string(), f.to_string()),
            (true, Some(f), Some(t)) => (format!("{f}_{t}"), format!("{f} — {t}")),
            (true, Some(f), None) => (format!("{f}_{today}"), format!("{f} — {today}")),
            (true, None, Some(t)) => (format!("do_{t}"), format!("до {t}")),
            (true, None, None) => (format!("vse_{today}"), format!("всё на {today}")),
        };
        let ascii = format!("emhana_{}_{period}.{ext}", self.kind.ascii_stem());
        let russian = format!("{} {russian_period}.{ext}", self.kind.title_ru());
        (ascii, russian)
    }
}

/// Why an export is refused to a role.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExportRefusal {
    /// The role may not export at all, or not this kind.
    #[error("Недостаточно прав для этой выгрузки")]
    Forbidden,
    /// A receptionist may export only today's payments.
    #[error("Администратор может выгрузить только оплаты за сегодня")]
    TodayOnly,
}

/// Whether a role may take any export at all (checked before the request is read, so a doctor
/// learns nothing about which requests would be valid).
pub fn may_export(role: Role) -> bool {
    allows(role, Permission::ExportsRead) || allows(role, Permission::PaymentsWrite)
}

/// Who may take an export: owners and admins anything; a receptionist the payments of today
/// (the period defaults to today for them, and must be today when given). Returns the request
/// as it will run (with the receptionist's period filled in).
pub fn authorize(
    role: Role,
    mut request: ExportRequest,
    today: NaiveDate,
) -> Result<ExportRequest, ExportRefusal> {
    if request.kind == ExportKind::Analytics {
        return if allows(role, Permission::AnalyticsRead) {
            Ok(request)
        } else {
            Err(ExportRefusal::Forbidden)
        };
    }
    if allows(role, Permission::ExportsRead) {
        return Ok(request);
    }
    if request.kind != ExportKind::Payments || !allows(role, Permission::PaymentsWrite) {
        return Err(ExportRefusal::Forbidden);
    }
    let from = request.from.unwrap_or(today);
    let to = request.to.unwrap_or(today);
    if from != today || to != today {
        return Err(ExportRefusal::TodayOnly);
    }
    request.from = Some(today);
    request.to = Some(today);
    Ok(request)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(target: &str) -> ExportParams<'_> {
        ExportParams {
            target,
            ..ExportParams::default()
        }
    }

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn several_doctors_are_for_the_analytics_workbook_only() {
        let r = ExportRequest::parse(&ExportParams {
            from: Some("2026-01-01"),
            to: Some("2026-01-31"),
            doctor_ids: Some("4,2"),
            ..params("analytics")
        })
        .unwrap();
        assert_eq!(r.doctors.ids(), &[2, 4]);
        let one = ExportRequest::parse(&ExportParams {
            from: Some("2026-01-01"),
            to: Some("2026-01-31"),
            doctor_id: Some(3),
            ..params("analytics")
        })
        .unwrap();
        assert_eq!(one.doctors.single().map(|d| d.0), Some(3));
        let v = ExportRequest::parse(&ExportParams {
            doctor_ids: Some("1,2"),
            ..params("appointments")
        })
        .unwrap_err();
        assert_eq!(
            (v.0[0].field.as_str(), v.0[0].code),
            ("doctor_ids", "analytics_only")
        );
        let v = ExportRequest::parse(&ExportParams {
            from: Some("2026-01-01"),
            to: Some("2026-01-31"),
            doctor_id: Some(1),
            doctor_ids: Some("2"),
            ..params("analytics")
        })
        .unwrap_err();
        assert_eq!(v.0[0].code, "conflict");
    }

    #[test]
    fn the_kind_and_format_come_from_the_path_or_the_parameter() {
        let r = ExportRequest::parse(&params("appointments.csv")).unwrap();
        assert_eq!(
            (r.kind, r.format),
            (ExportKind::Appointments, ExportFormat::Csv)
        );
        let r = ExportRequest::parse(&ExportParams {
            format: Some("csv"),
            ..params("audit-log")
        })
        .unwrap();
        assert_eq!(
            (r.kind, r.format),
            (ExportKind::AuditLog, ExportFormat::Csv)
        );
        let r = ExportRequest::parse(&params("services")).unwrap();
        assert_eq!(r.format, ExportFormat::Xlsx, "xlsx by default");
        assert_eq!(r.activity, Activity::Active);
    }

    #[test]
    fn every_bad_field_is_named() {
        let v = ExportRequest::parse(&ExportParams {
            format: Some("pdf"),
            from: Some("2026-13-01"),
            status: Some("lost"),
            payment_status: Some("free"),
            active: Some("maybe"),
            doctor_id: Some(0),
            ..params("visitz")
        })
        .unwrap_err();
        let fields: Vec<_> = v.0.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "kind",
                "format",
                "from",
                "doctor_id",
                "status",
                "payment_status",
                "active"
            ]
        );
        let v = ExportRequest::parse(&ExportParams {
            format: Some("xlsx"),
            ..params("payments.csv")
        })
        .unwrap_err();
        assert_eq!(v.0[0].field, "format");
        let v = ExportRequest::parse(&ExportParams {
            from: Some("2026-11-30"),
            to: Some("2026-11-01"),
            ..params("payments")
        })
        .unwrap_err();
        assert_eq!(v.0[0].field, "to");
    }

    #[test]
    fn file_names_are_ascii_with_a_russian_twin() {
        let today = day("2026-11-28");
        let mut r = ExportRequest::parse(&ExportParams {
            from: Some("2026-11-01"),
            to: Some("2026-11-30"),
            ..params("appointments.xlsx")
        })
        .unwrap();
        let (ascii, ru) = r.file_names(today);
        assert_eq!(ascii, "emhana_vizity_2026-11-01_2026-11-30.xlsx");
        assert_eq!(ru, "Визиты 2026-11-01 — 2026-11-30.xlsx");
        assert!(ascii.is_ascii());
        r.from = None;
        r.to = None;
        assert_eq!(r.file_names(today).0, "emhana_vizity_vse_2026-11-28.xlsx");
        assert_eq!(r.file_names(today).1, "Визиты всё на 2026-11-28.xlsx");
        let p = ExportRequest::parse(&params("patients.csv")).unwrap();
        assert_eq!(p.file_names(today).0, "emhana_pacienty_2026-11-28.csv");
        for kind in ExportKind::ALL {
            assert!(kind.ascii_stem().is_ascii());
            assert_eq!(ExportKind::from_code(kind.code()), Some(kind));
            assert_eq!(kind.columns().is_empty(), kind == ExportKind::Analytics);
        }
    }

    #[test]
    fn analytics_is_a_workbook_of_a_bounded_range() {
        let v = ExportRequest::parse(&ExportParams {
            format: Some("csv"),
            ..params("analytics")
        })
        .unwrap_err();
        let fields: Vec<_> = v.0.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(fields, ["format", "from", "to"]);
        let r = ExportRequest::parse(&ExportParams {
            from: Some("2026-01-01"),
            to: Some("2026-11-28"),
            ..params("analytics")
        })
        .unwrap();
        assert_eq!(r.format, ExportFormat::Xlsx);
        assert!(authorize(Role::Admin, r.clone(), day("2026-11-28")).is_ok());
        assert_eq!(
            authorize(Role::Receptionist, r, day("2026-11-28")),
            Err(ExportRefusal::Forbidden)
        );
    }

    #[test]
    fn receptionists_take_only_todays_payments() {
        let today = day("2026-11-28");
        let payments = ExportRequest::parse(&params("payments.csv")).unwrap();
        let r = authorize(Role::Receptionist, payments.clone(), today).unwrap();
        assert_eq!((r.from, r.to), (Some(today), Some(today)));
        let yesterday = ExportRequest {
            from: Some(day("2026-11-27")),
            ..payments.clone()
        };
        assert_eq!(
            authorize(Role::Receptionist, yesterday.clone(), today),
            Err(ExportRefusal::TodayOnly)
        );
        assert!(may_export(Role::Receptionist) && may_export(Role::Admin));
        assert!(!may_export(Role::Doctor));
        let visits = ExportRequest::parse(&params("appointments")).unwrap();
        assert_eq!(
            authorize(Role::Receptionist, visits.clone(), today),
            Err(ExportRefusal::Forbidden)
        );
        assert_eq!(
            authorize(Role::Doctor, payments.clone(), today),
            Err(ExportRefusal::Forbidden)
        );
        // Managers keep their period as asked (none = everything).
        assert_eq!(
            authorize(Role::Admin, yesterday.clone(), today),
            Ok(yesterday)
        );
        assert_eq!(authorize(Role::Owner, visits.clone(), today), Ok(visits));
    }
}
