//! What the visit and payment endpoints share: the store's typed visit → the wire view (after
//! the transaction), and the doctor's "own schedule only" read rule.

use chrono::{DateTime, Utc};
use emhana_api_types::visits::{
    AllocationView, NamedRef, PaymentView, RefundView, StatusChangeView, VisitLineView,
    VisitSummary, VisitView,
};
use emhana_domain::access::Permission;
use emhana_domain::clinic_time::rfc3339;
use emhana_domain::ids::{AppointmentId, DoctorId};
use emhana_domain::payment::remaining;
use emhana_domain::Money;
use emhana_store::visits::{
    Allocation, Appointment, Payment, Refund, RefundPart, StatusChange, Visit,
};
use emhana_store::Store;

use crate::auth::Authenticated;
use crate::ApiError;

fn instant(at: Option<DateTime<Utc>>) -> Option<String> {
    at.map(rfc3339)
}

/// The list/calendar fields of a visit.
pub fn summary(a: Appointment) -> VisitSummary {
    VisitSummary {
        id: a.id.0,
        patient: NamedRef {
            id: a.patient_id.0,
            name: a.patient_name,
        },
        patient_phone: a.patient_phone,
        doctor: NamedRef {
            id: a.doctor_id.0,
            name: a.doctor_name,
        },
        starts_at: rfc3339(a.starts_at),
        ends_at: rfc3339(a.ends_at),
        status: a.status.code().to_owned(),
        status_label: a.status.label_ru().to_owned(),
        source: a.source_code,
        source_label: a.source_label,
        total: a.total,
        paid: a.paid,
        remaining: remaining(a.total, a.paid),
        payment_status: a.payment_status.code().to_owned(),
        payment_status_label: a.payment_status.label_ru().to_owned(),
        version: a.version,
        updated_at: rfc3339(a.updated_at),
    }
}

/// A payment of visit `appointment_id` with its allocations and refunds (picked from the lists
/// given, which may hold other payments' too).
pub fn payment_view(
    appointment_id: AppointmentId,
    p: Payment,
    (allocations, refunds): (&[Allocation], &[Refund]),
) -> PaymentView {
    let refunded = refunds
        .iter()
        .filter(|r| r.payment_id == p.id)
        .map(|r| r.amount.tiyn())
        .sum();
    PaymentView {
        refunded: Money::from_tiyn(refunded),
        shift_id: p.shift_id.map(|s| s.0),
        allocations: allocations
            .iter()
            .filter(|x| x.payment_id == p.id)
            .map(|x| AllocationView {
                line_id: x.line_id.0,
                amount: x.amount,
            })
            .collect(),
        id: p.id.0,
        method: p.method.code().to_owned(),
        method_label: p.method.label_ru().to_owned(),
        amount: p.amount,
        paid_at: rfc3339(p.paid_at),
        received_by: p.received_by.map(|id| NamedRef {
            id: id.0,
            name: p.received_by_name.unwrap_or_default(),
        }),
        note: p.note,
        voided_at: instant(p.voided_at),
        void_reason: p.void_reason,
        appointment_id: appointment_id.0,
        updated_at: instant(p.updated_at).unwrap_or_default(),
    }
}

fn refund_view(r: Refund, parts: &[RefundPart]) -> RefundView {
    RefundView {
        allocations: parts
            .iter()
            .filter(|x| x.refund_id == r.id)
            .map(|x| AllocationView {
                line_id: x.line_id.0,
                amount: x.amount,
            })
            .collect(),
        id: r.id.0,
        payment_id: r.payment_id.0,
        method: r.method.code().to_owned(),
        method_label: r.method.label_ru().to_owned(),
        amount: r.amount,
        refunded_at: rfc3339(r.refunded_at),
        refunded_by: r.refunded_by.map(|id| NamedRef {
            id: id.0,
            name: r.refunded_by_name.unwrap_or_default(),
        }),
        reason: r.reason,
        shift_id: r.shift_id.map(|s| s.0),
    }
}

fn status_change_view(h: StatusChange) -> StatusChangeView {
    StatusChangeView {
        from: h.from.map(|s| s.code().to_owned()),
        to: h.to.code().to_owned(),
        at: rfc3339(h.at),
        by: h.user_id.map(|id| NamedRef {
            id: id.0,
            name: h.user_name.unwrap_or_default(),
        }),
        reason: h.reason,
    }
}

/// The whole visit.
pub fn visit_view(v: Visit) -> VisitView {
    let a = &v.appointment;
    let (notes, overlap_reason) = (a.notes.clone(), a.overlap_reason.clone());
    let (arrived_at, started_at, finished_at) = (
        instant(a.arrived_at),
        instant(a.started_at),
        instant(a.finished_at),
    );
    let created_at = rfc3339(a.created_at);
    let lines = v
        .lines
        .into_iter()
        .map(|l| VisitLineView {
            id: l.id.0,
            service_id: l.service_id.0,
            service_name: l.service_name,
            base_price: l.base_price,
            price: l.price,
            paid: l.paid,
        })
        .collect();
    let visit_id = v.appointment.id;
    let payments = v
        .payments
        .into_iter()
        .map(|p| payment_view(visit_id, p, (&v.allocations, &v.refunds)))
        .collect();
    let refunds = v
        .refunds
        .into_iter()
        .map(|r| refund_view(r, &v.refund_parts))
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
        refunds,
        status_history: v.history.into_iter().map(status_change_view).collect(),
        created_at,
    }
}

/// Whose visits the caller may read: `None` = everyone's (front desk, managers);
/// `Some(doctor)` = a doctor's own schedule; 403 for anyone else.
pub fn readable_doctor(auth: &Authenticated) -> Result<Option<DoctorId>, ApiError> {
    if auth.require(Permission::VisitsRead).is_ok() {
        return Ok(None);
    }
    auth.require(Permission::OwnSchedule)?;
    // A doctor account not linked to a doctor sees nothing (id 0 matches no visit).
    Ok(Some(DoctorId(auth.doctor_id.unwrap_or(0))))
}

/// One visit the caller may read (a doctor: only their own), or 404.
pub async fn readable_visit(
    auth: &Authenticated,
    store: &Store,
    id: AppointmentId,
) -> Result<Visit, ApiError> {
    let own = readable_doctor(auth)?;
    store
        .visit(id)
        .await?
        .filter(|v| own.is_none_or(|d| v.appointment.doctor_id == d))
        .ok_or_else(|| ApiError::NotFound("Визит не найден".into()))
}
