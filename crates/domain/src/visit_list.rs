//! The visit list's filters, parsed once from the query: typed ids, statuses, days and the page.

use chrono::{DateTime, NaiveDate, Utc};

use crate::error::{FieldViolation, Violations};
use crate::ids::{AppointmentId, DoctorId, PatientId};
use crate::paging::{parse_timeline_cursor, PageRequest};
use crate::payment::PaymentStatus;
use crate::validation::parse_optional_period;
use crate::visit_status::VisitStatus;

/// The list's query as the request carries it.
#[derive(Debug, Clone, Copy, Default)]
pub struct VisitListInput<'a> {
    /// First clinic-local day.
    pub from: Option<&'a str>,
    /// Last clinic-local day (inclusive).
    pub to: Option<&'a str>,
    /// One doctor.
    pub doctor_id: Option<i64>,
    /// One patient.
    pub patient_id: Option<i64>,
    /// Status code.
    pub status: Option<&'a str>,
    /// Payment status code.
    pub payment_status: Option<&'a str>,
    /// Page size.
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<&'a str>,
}

/// Valid filters of the visit list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VisitFilter {
    /// First clinic-local day.
    pub from: Option<NaiveDate>,
    /// Last clinic-local day (inclusive).
    pub to: Option<NaiveDate>,
    /// One doctor.
    pub doctor_id: Option<DoctorId>,
    /// One patient.
    pub patient_id: Option<PatientId>,
    /// One status.
    pub status: Option<VisitStatus>,
    /// One payment status.
    pub payment_status: Option<PaymentStatus>,
    /// Page size (1..=200); the store reads one row more to learn whether a page follows.
    pub limit: i64,
    /// Keyset cursor: rows after this (start, id).
    pub after: Option<(DateTime<Utc>, AppointmentId)>,
}

impl VisitFilter {
    /// Parses the query, naming every bad parameter.
    pub fn parse(q: &VisitListInput<'_>) -> Result<Self, Violations> {
        let mut v = Violations::default();
        let (from, to) = parse_optional_period(q.from, q.to, &mut v);
        let status = q.status.and_then(|s| {
            v.check(VisitStatus::from_code(s).ok_or_else(|| {
                FieldViolation::new("status", "unknown", format!("Нет статуса «{s}»"))
            }))
        });
        let payment_status = q.payment_status.and_then(|s| {
            v.check(PaymentStatus::from_code(s).ok_or_else(|| {
                FieldViolation::new(
                    "payment_status",
                    "unknown",
                    format!("Нет статуса оплаты «{s}»"),
                )
            }))
        });
        let after = q
            .cursor
            .and_then(|c| v.check(parse_timeline_cursor("cursor", c)));
        let page = PageRequest::parse(q.limit, None).unwrap_or_else(|e| {
            v.0.extend(e.0);
            PageRequest {
                limit: crate::paging::DEFAULT_PAGE_SIZE,
                before_id: None,
            }
        });
        v.into_result()?;
        Ok(Self {
            from,
            to,
            doctor_id: q.doctor_id.map(DoctorId),
            patient_id: q.patient_id.map(PatientId),
            status,
            payment_status,
            limit: page.limit,
            after,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_query_parses_into_typed_filters_or_names_every_bad_parameter() {
        let f = VisitFilter::parse(&VisitListInput {
            from: Some("2026-11-01"),
            status: Some("no_show"),
            doctor_id: Some(3),
            ..VisitListInput::default()
        })
        .unwrap();
        assert_eq!(f.status, Some(VisitStatus::NoShow));
        assert_eq!(f.doctor_id, Some(DoctorId(3)));
        assert_eq!(f.limit, 50);
        let e = VisitFilter::parse(&VisitListInput {
            status: Some("done"),
            payment_status: Some("free"),
            cursor: Some("x"),
            limit: Some(0),
            ..VisitListInput::default()
        })
        .unwrap_err();
        let fields: Vec<_> = e.0.iter().map(|v| v.field.as_str()).collect();
        assert_eq!(fields, ["status", "payment_status", "cursor", "limit"]);
    }
}
