//! Visit commands, parsed once: a booking, a change of slot or details, a status move. Each
//! `parse` turns the request's raw fields into typed values (ids, instants, codes) and refuses
//! with every bad field named; the store trusts what comes out. The decisions that need the
//! stored visit (clash, status plan) are functions here too, which the store calls under its lock.

use chrono::{DateTime, Utc};

use crate::access::VisitAuthority;
use crate::error::{FieldViolation, Violations};
use crate::ids::{DoctorId, PatientId, ServiceId};
use crate::refusal::{BusyWith, VisitRefusal};
use crate::validation::{parse_instant, parse_notes, required_version};
use crate::visit::{check_service_ids, parse_reason, Slot};
use crate::visit_status::{Stamp, TransitionError, VisitStatus};

/// A booking's fields as the request carries them.
#[derive(Debug, Clone, Copy, Default)]
pub struct BookingInput<'a> {
    /// Patient.
    pub patient_id: i64,
    /// Doctor.
    pub doctor_id: i64,
    /// RFC 3339.
    pub starts_at: &'a str,
    /// RFC 3339; from the services' durations when absent.
    pub ends_at: Option<&'a str>,
    /// Price-list services.
    pub service_ids: &'a [i64],
    /// Lead source code; blank means the default.
    pub source: Option<&'a str>,
    /// Notes.
    pub notes: Option<&'a str>,
    /// Book over a clash…
    pub allow_overlap: bool,
    /// …with this reason.
    pub overlap_reason: Option<&'a str>,
}

/// A valid booking; the store resolves the references (active patient, doctor, services, source)
/// and plans the slot from the services' durations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewVisit {
    /// Patient (must be active).
    pub patient_id: PatientId,
    /// Doctor (must be active).
    pub doctor_id: DoctorId,
    /// Start.
    pub starts_at: DateTime<Utc>,
    /// End; from the services' durations when absent.
    pub ends_at: Option<DateTime<Utc>>,
    /// Price-list services, each once.
    pub service_ids: Vec<ServiceId>,
    /// Lead source code; the default when absent.
    pub source: Option<String>,
    /// Notes.
    pub notes: Option<String>,
    /// Book over a clash with this reason (a manager's; recorded on the visit).
    pub overlap_reason: Option<String>,
}

/// `allow_overlap` is for owners and admins (403 before any field is looked at), with a reason.
fn overlap_reason(
    allow: bool,
    reason: Option<&str>,
    authority: VisitAuthority,
    v: &mut Violations,
) -> Result<Option<String>, VisitRefusal> {
    if !allow {
        return Ok(None);
    }
    if !authority.is_manager() {
        return Err(VisitRefusal::OverlapNotAllowed);
    }
    Ok(v.check(parse_reason("overlap_reason", reason)))
}

fn blank_to_none(s: Option<&str>) -> Option<String> {
    s.filter(|s| !s.trim().is_empty()).map(str::to_owned)
}

impl NewVisit {
    /// Parses a booking, collecting every bad field.
    pub fn parse(
        input: &BookingInput<'_>,
        authority: VisitAuthority,
    ) -> Result<Self, VisitRefusal> {
        let mut v = Violations::default();
        let overlap_reason =
            overlap_reason(input.allow_overlap, input.overlap_reason, authority, &mut v)?;
        let starts_at = v.check(parse_instant("starts_at", input.starts_at));
        let ends_at = input
            .ends_at
            .and_then(|e| v.check(parse_instant("ends_at", e)));
        v.check(check_service_ids(input.service_ids));
        let notes = v
            .check(parse_notes("notes", input.notes.unwrap_or_default()))
            .flatten();
        v.into_result()?;
        let Some(starts_at) = starts_at else {
            return Err(
                FieldViolation::new("starts_at", "required", "Укажите время начала").into(),
            );
        };
        Ok(Self {
            patient_id: PatientId(input.patient_id),
            doctor_id: DoctorId(input.doctor_id),
            starts_at,
            ends_at,
            service_ids: input.service_ids.iter().copied().map(ServiceId).collect(),
            source: blank_to_none(input.source),
            notes,
            overlap_reason,
        })
    }
}

/// A change's fields as the request carries them (`PATCH`).
#[derive(Debug, Clone, Copy, Default)]
pub struct ChangeInput<'a> {
    /// Another doctor.
    pub doctor_id: Option<i64>,
    /// New start, RFC 3339.
    pub starts_at: Option<&'a str>,
    /// New end, RFC 3339.
    pub ends_at: Option<&'a str>,
    /// Another lead source code.
    pub source: Option<&'a str>,
    /// New notes (blank clears).
    pub notes: Option<&'a str>,
    /// Move over a clash…
    pub allow_overlap: bool,
    /// …with this reason.
    pub overlap_reason: Option<&'a str>,
    /// The version read (required).
    pub version: Option<i64>,
}

/// A valid change of a visit's slot or details.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VisitChange {
    /// Another doctor.
    pub doctor_id: Option<DoctorId>,
    /// New start (the length is kept unless `ends_at` is given).
    pub starts_at: Option<DateTime<Utc>>,
    /// New end.
    pub ends_at: Option<DateTime<Utc>>,
    /// Another lead source code.
    pub source: Option<String>,
    /// New notes (`Some("")` clears).
    pub notes: Option<String>,
    /// Move over a clash with this reason.
    pub overlap_reason: Option<String>,
    /// The version the client read.
    pub version: i64,
}

impl VisitChange {
    /// Parses a change, collecting every bad field; `version` is required.
    pub fn parse(input: &ChangeInput<'_>, authority: VisitAuthority) -> Result<Self, VisitRefusal> {
        let version = required_version(input.version)?;
        let mut v = Violations::default();
        let starts_at = input
            .starts_at
            .and_then(|t| v.check(parse_instant("starts_at", t)));
        let ends_at = input
            .ends_at
            .and_then(|t| v.check(parse_instant("ends_at", t)));
        let notes = input.notes.map(|n| {
            v.check(parse_notes("notes", n))
                .flatten()
                .unwrap_or_default()
        });
        let overlap_reason =
            overlap_reason(input.allow_overlap, input.overlap_reason, authority, &mut v)?;
        v.into_result()?;
        Ok(Self {
            doctor_id: input.doctor_id.map(DoctorId),
            starts_at,
            ends_at,
            source: blank_to_none(input.source),
            notes,
            overlap_reason,
            version,
        })
    }

    /// Does the change move the visit in time or to another doctor (only scheduled visits may)?
    pub fn moves(&self) -> bool {
        self.doctor_id.is_some() || self.starts_at.is_some() || self.ends_at.is_some()
    }

    /// The slot after the change, from the current one: a new start keeps the length unless a
    /// new end is given. Refuses a move of a visit that is not scheduled.
    pub fn slot(&self, status: VisitStatus, current: Slot) -> Result<Slot, VisitRefusal> {
        if self.moves() && status != VisitStatus::Scheduled {
            return Err(VisitRefusal::NotMovable);
        }
        let starts_at = self.starts_at.unwrap_or(current.starts_at);
        let ends_at = self
            .ends_at
            .unwrap_or(starts_at + (current.ends_at - current.starts_at));
        Ok(Slot::plan(starts_at, Some(ends_at), &[])?)
    }
}

/// The clash rule: a slot overlapping another visit of the doctor is refused unless a manager
/// gave a reason to book over it.
pub fn admit(busy: Option<BusyWith>, overlap_reason: Option<&str>) -> Result<(), VisitRefusal> {
    match busy {
        Some(other) if overlap_reason.is_none() => Err(VisitRefusal::DoctorBusy(Box::new(other))),
        _ => Ok(()),
    }
}

/// A requested status change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusMove {
    /// The status to move to.
    pub to: VisitStatus,
    /// The version the client read; `None` skips the check (internal callers).
    pub version: Option<i64>,
    /// Why (required for reverts), trimmed; `None` when blank.
    pub reason: Option<String>,
    /// Put a cancelled visit back over a clash with this reason (managers).
    pub overlap_reason: Option<String>,
    /// The caller's authority (reverts are a manager's).
    pub authority: VisitAuthority,
}

/// What a status move does to the stored visit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatusPlan {
    /// Stamps set to now (forward moves).
    pub set: &'static [Stamp],
    /// Stamps cleared (reverts).
    pub clear: &'static [Stamp],
    /// A move back (audited as `revert_status`).
    pub reverted: bool,
    /// A cancelled visit returns to the calendar: the clash rule applies again.
    pub back_on_calendar: bool,
}

impl StatusMove {
    /// A plain move to `to` by a manager with no version check: internal callers (the demo).
    pub fn to(to: VisitStatus) -> Self {
        Self {
            to,
            version: None,
            reason: None,
            overlap_reason: None,
            authority: VisitAuthority::Manager,
        }
    }

    /// Parses a status change request.
    pub fn parse(
        status: &str,
        reason: Option<&str>,
        version: Option<i64>,
        overlap: (bool, Option<&str>),
        authority: VisitAuthority,
    ) -> Result<Self, VisitRefusal> {
        let to = VisitStatus::from_code(status).ok_or_else(|| {
            FieldViolation::new("status", "unknown", format!("Нет статуса «{status}»"))
        })?;
        let mut v = Violations::default();
        let overlap_reason = overlap_reason(overlap.0, overlap.1, authority, &mut v)?;
        v.into_result()?;
        Ok(Self {
            to,
            version,
            reason: blank_to_none(reason.map(str::trim)),
            overlap_reason,
            authority,
        })
    }

    /// The plan from `from`: a forward move stamps times; otherwise a one-step revert (manager,
    /// with a reason) clears them; anything else reports the forward refusal (illegal move).
    pub fn plan(&self, from: VisitStatus) -> Result<StatusPlan, VisitRefusal> {
        match from.transition(self.to) {
            Ok(set) => Ok(StatusPlan {
                set,
                clear: &[],
                reverted: false,
                back_on_calendar: false,
            }),
            Err(forward) => {
                match from.revert(
                    self.to,
                    self.authority,
                    self.reason.as_deref().unwrap_or(""),
                ) {
                    Ok(clear) => Ok(StatusPlan {
                        set: &[],
                        clear,
                        reverted: true,
                        back_on_calendar: from == VisitStatus::Cancelled,
                    }),
                    Err(TransitionError::Illegal { .. }) => Err(forward.into()),
                    Err(e) => Err(e.into()),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::AppointmentId;
    use chrono::TimeZone;

    fn booking<'a>() -> BookingInput<'a> {
        BookingInput {
            patient_id: 1,
            doctor_id: 2,
            starts_at: "2026-11-25T05:00:00Z",
            service_ids: &[3, 4],
            source: Some("  "),
            ..BookingInput::default()
        }
    }

    #[test]
    fn a_booking_parses_into_typed_values() {
        let new = NewVisit::parse(&booking(), VisitAuthority::FrontDesk).unwrap();
        assert_eq!(new.patient_id, PatientId(1));
        assert_eq!(new.service_ids, [ServiceId(3), ServiceId(4)]);
        assert_eq!(new.source, None);
        assert_eq!(
            new.starts_at,
            Utc.with_ymd_and_hms(2026, 11, 25, 5, 0, 0).unwrap()
        );
    }

    #[test]
    fn a_booking_names_every_bad_field_and_overlap_is_a_managers_call() {
        let bad = BookingInput {
            starts_at: "вчера",
            ends_at: Some("2026-13-01T00:00:00Z"),
            service_ids: &[3, 3],
            ..booking()
        };
        let Err(VisitRefusal::Invalid(v)) = NewVisit::parse(&bad, VisitAuthority::Manager) else {
            panic!("expected field errors");
        };
        let fields: Vec<_> = v.0.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(fields, ["starts_at", "ends_at", "service_ids.1"]);
        let over = BookingInput {
            allow_overlap: true,
            ..bad
        };
        assert_eq!(
            NewVisit::parse(&over, VisitAuthority::FrontDesk),
            Err(VisitRefusal::OverlapNotAllowed)
        );
        let Err(VisitRefusal::Invalid(v)) = NewVisit::parse(
            &BookingInput {
                allow_overlap: true,
                ..booking()
            },
            VisitAuthority::Manager,
        ) else {
            panic!("a reason is required");
        };
        assert_eq!(v.0[0].field, "overlap_reason");
    }

    #[test]
    fn a_change_needs_a_version_and_only_scheduled_visits_move() {
        let Err(VisitRefusal::Invalid(v)) =
            VisitChange::parse(&ChangeInput::default(), VisitAuthority::FrontDesk)
        else {
            panic!("version is required");
        };
        assert_eq!(v.0[0].field, "version");
        let at = |h| Utc.with_ymd_and_hms(2026, 11, 25, h, 0, 0).unwrap();
        let current = Slot {
            starts_at: at(5),
            ends_at: at(6),
        };
        let change = VisitChange {
            starts_at: Some(at(8)),
            version: 1,
            ..VisitChange::default()
        };
        assert_eq!(
            change.slot(VisitStatus::Scheduled, current),
            Ok(Slot {
                starts_at: at(8),
                ends_at: at(9)
            })
        );
        assert_eq!(
            change.slot(VisitStatus::Completed, current),
            Err(VisitRefusal::NotMovable)
        );
        let notes_only = VisitChange {
            notes: Some(String::new()),
            ..VisitChange::default()
        };
        assert_eq!(
            notes_only.slot(VisitStatus::Completed, current),
            Ok(current)
        );
    }

    #[test]
    fn a_clash_is_refused_unless_a_reason_was_given() {
        let day = chrono::NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
        let busy = BusyWith {
            visit_id: AppointmentId(1),
            patient_name: "A".into(),
            starts: day.and_hms_opt(10, 0, 0).unwrap(),
            ends: day.and_hms_opt(11, 0, 0).unwrap(),
        };
        assert!(matches!(
            admit(Some(busy.clone()), None),
            Err(VisitRefusal::DoctorBusy(_))
        ));
        assert_eq!(admit(Some(busy), Some("срочно")), Ok(()));
        assert_eq!(admit(None, None), Ok(()));
    }

    #[test]
    fn status_moves_plan_forward_moves_reverts_and_refusals() {
        use VisitStatus::*;
        let forward = StatusMove::parse(
            "in_progress",
            None,
            Some(1),
            (false, None),
            VisitAuthority::FrontDesk,
        )
        .unwrap();
        let plan = forward.plan(Scheduled).unwrap();
        assert_eq!((plan.set.len(), plan.reverted), (2, false));
        let back = StatusMove::parse(
            "scheduled",
            Some(" ошибка "),
            None,
            (false, None),
            VisitAuthority::Manager,
        )
        .unwrap();
        assert_eq!(back.reason.as_deref(), Some("ошибка"));
        let plan = back.plan(Cancelled).unwrap();
        assert!(plan.reverted && plan.back_on_calendar);
        let front_desk = StatusMove {
            authority: VisitAuthority::FrontDesk,
            ..back.clone()
        };
        assert_eq!(
            front_desk.plan(NoShow),
            Err(VisitRefusal::Transition(TransitionError::RevertNotAllowed))
        );
        assert!(matches!(
            back.plan(Completed),
            Err(VisitRefusal::Transition(TransitionError::Illegal {
                from: Completed,
                to: Scheduled
            }))
        ));
        assert!(matches!(
            StatusMove::parse("done", None, None, (false, None), VisitAuthority::Manager),
            Err(VisitRefusal::Invalid(_))
        ));
    }
}
