//! What the visit and payment endpoints share: store rows → wire views, the store's refusals →
//! HTTP problems, and the doctor's "own schedule only" read rule.

use emhana_api_types::visits::{
    AllocationView, NamedRef, PaymentView, StatusChangeView, VisitLineView, VisitSummary, VisitView,
};
use emhana_api_types::{ErrorCode, FieldError, ProblemDetails};
use emhana_domain::access::Permission;
use emhana_domain::payment::{remaining, PaymentRefusal};
use emhana_domain::{
    ClinicZone, Money, PaymentMethod, PaymentStatus, TransitionError, VisitStatus,
};
use emhana_store::visits::{AppointmentRow, Visit, VisitError};

use crate::auth::Authenticated;
use crate::ApiError;

fn status_label(code: &str) -> String {
    VisitStatus::from_code(code).map_or_else(|| code.to_owned(), |s| s.label_ru().to_owned())
}

fn payment_status_label(code: &str) -> String {
    PaymentStatus::from_code(code).map_or_else(|| code.to_owned(), |s| s.label_ru().to_owned())
}

/// The list/calendar fields of a visit.
pub fn summary(a: AppointmentRow) -> VisitSummary {
    let (total, paid) = (Money::from_tiyn(a.total), Money::from_tiyn(a.paid));
    VisitSummary {
        id: a.id,
        patient: NamedRef {
            id: a.patient_id,
            name: a.patient_name,
        },
        patient_phone: a.patient_phone,
        doctor: NamedRef {
            id: a.doctor_id,
            name: a.doctor_name,
        },
        starts_at: a.starts_at,
        ends_at: a.ends_at,
        status_label: status_label(&a.status),
        status: a.status,
        source: a.source_code,
        source_label: a.source_label,
        total,
        paid,
        remaining: remaining(total, paid),
        payment_status_label: payment_status_label(&a.payment_status),
        payment_status: a.payment_status,
        version: a.version,
    }
}

/// The whole visit.
pub fn visit_view(v: Visit) -> VisitView {
    let a = &v.appointment;
    let (notes, arrived_at, started_at, finished_at, overlap_reason, created_at) = (
        a.notes.clone(),
        a.arrived_at.clone(),
        a.started_at.clone(),
        a.finished_at.clone(),
        a.overlap_reason.clone(),
        a.created_at.clone(),
    );
    let lines = v
        .lines
        .into_iter()
        .map(|l| VisitLineView {
            id: l.id,
            service_id: l.service_id,
            service_name: l.service_name,
            base_price: Money::from_tiyn(l.base_price),
            price: Money::from_tiyn(l.price),
            paid: Money::from_tiyn(l.paid),
        })
        .collect();
    let allocations = v.allocations;
    let payments = v
        .payments
        .into_iter()
        .map(|p| PaymentView {
            method_label: PaymentMethod::from_code(&p.method)
                .map_or_else(|| p.method.clone(), |m| m.label_ru().to_owned()),
            allocations: allocations
                .iter()
                .filter(|x| x.payment_id == p.id)
                .map(|x| AllocationView {
                    line_id: x.line_id,
                    amount: Money::from_tiyn(x.amount),
                })
                .collect(),
            id: p.id,
            method: p.method,
            amount: Money::from_tiyn(p.amount),
            paid_at: p.paid_at,
            received_by: p.received_by.map(|id| NamedRef {
                id,
                name: p.received_by_name.unwrap_or_default(),
            }),
            note: p.note,
            voided_at: p.voided_at,
            void_reason: p.void_reason,
        })
        .collect();
    let status_history = v
        .history
        .into_iter()
        .map(|h| StatusChangeView {
            from: h.from_status,
            to: h.to_status,
            at: h.at,
            by: h.user_id.map(|id| NamedRef {
                id,
                name: h.user_name.unwrap_or_default(),
            }),
            reason: h.reason,
        })
        .collect();
    VisitView {
        summary: summary(v.appointment),
        notes,
        arrived_at,
        started_at,
        finished_at,
        overlap_reason,
        lines,
        payments,
        status_history,
        created_at,
    }
}

/// A store refusal as the API answers it.
pub fn visit_error(e: VisitError, zone: ClinicZone) -> ApiError {
    match e {
        VisitError::Store(e) => e.into(),
        VisitError::Invalid(v) => v.into(),
        VisitError::Clash(c) => {
            let local = |t: &str| {
                emhana_store::time::decode(t)
                    .map(|t| zone.local_datetime(t).format("%d.%m.%Y %H:%M").to_string())
                    .unwrap_or_else(|_| t.to_owned())
            };
            let message = format!(
                "Врач занят: визит №{} ({}) с {} до {}",
                c.id,
                c.patient_name,
                local(&c.starts_at),
                local(&c.ends_at)
            );
            let mut p = ProblemDetails::new(ErrorCode::Conflict, message.clone());
            p.errors = vec![FieldError {
                field: "starts_at".into(),
                code: "doctor_busy".into(),
                message,
            }];
            p.conflicting_appointment_id = Some(c.id);
            ApiError::Problem(Box::new(p))
        }
        VisitError::Payment(refusal) => {
            let message = refusal.to_string();
            match refusal {
                PaymentRefusal::Overpayment { remaining, .. } => {
                    let mut p =
                        ProblemDetails::new(ErrorCode::Validation, "Проверьте выделенные поля");
                    p.errors = vec![FieldError {
                        field: "payments".into(),
                        code: "overpayment".into(),
                        message,
                    }];
                    p.remaining = Some(remaining.to_string());
                    ApiError::Problem(Box::new(p))
                }
                PaymentRefusal::NotPositive => ApiError::Validation(vec![FieldError {
                    field: "payments".into(),
                    code: "not_positive".into(),
                    message,
                }]),
                PaymentRefusal::TotalBelowPaid { .. } | PaymentRefusal::LineBelowPaid { .. } => {
                    ApiError::Conflict(message)
                }
            }
        }
        VisitError::Transition(t) => match t {
            TransitionError::Illegal { .. } => ApiError::Conflict(t.to_string()),
            TransitionError::RevertNotAllowed => ApiError::Forbidden(t.to_string()),
            TransitionError::ReasonRequired => ApiError::Validation(vec![FieldError {
                field: "reason".into(),
                code: "required".into(),
                message: t.to_string(),
            }]),
        },
        VisitError::Conflict(m) => ApiError::Conflict(m.into()),
        VisitError::Forbidden(m) => ApiError::Forbidden(m.into()),
    }
}

/// Whose visits the caller may read: `None` = everyone's (front desk, managers);
/// `Some(doctor)` = a doctor's own schedule; 403 for anyone else.
pub fn readable_doctor(auth: &Authenticated) -> Result<Option<i64>, ApiError> {
    if auth.require(Permission::VisitsRead).is_ok() {
        return Ok(None);
    }
    auth.require(Permission::OwnSchedule)?;
    // A doctor account not linked to a doctor sees nothing (id 0 matches no visit).
    Ok(Some(auth.doctor_id.unwrap_or(0)))
}
