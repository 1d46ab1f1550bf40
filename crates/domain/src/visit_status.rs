//! The visit status machine (DESIGN §4).
//!
//! ```text
//! scheduled ──► in_progress ──► completed
//!     │
//!     ├──► no_show
//!     └──► cancelled
//! ```
//! Forward moves stamp a time; anything else is refused (HTTP 409). An owner or admin may revert a
//! mistaken move one step back (e.g. a wrong "не явился") with a reason; the revert clears the
//! stamps of the undone step.

use serde::{Deserialize, Serialize};

use crate::access::{allows, Permission, VisitAuthority};
use crate::role::Role;

/// Where a visit is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VisitStatus {
    /// Booked, patient not here yet.
    Scheduled,
    /// The patient arrived and is with the doctor.
    InProgress,
    /// The visit is over.
    Completed,
    /// The patient did not come.
    NoShow,
    /// The booking was cancelled (frees the doctor's slot).
    Cancelled,
}

/// A timestamp column a transition sets (or, on revert, clears).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Stamp {
    /// `arrived_at`: the patient came in.
    Arrived,
    /// `started_at`: the doctor started.
    Started,
    /// `finished_at`: the visit ended.
    Finished,
}

/// Why a status change is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    /// Not an allowed move from this status (HTTP 409).
    #[error("Нельзя перевести визит из статуса «{}» в «{}»", from.label_ru(), to.label_ru())]
    Illegal {
        /// Current status.
        from: VisitStatus,
        /// Requested status.
        to: VisitStatus,
    },
    /// Only an owner or admin may revert (HTTP 403).
    #[error("Вернуть предыдущий статус может только администратор или владелец")]
    RevertNotAllowed,
    /// A revert needs a reason for the history (HTTP 422).
    #[error("Укажите причину возврата статуса")]
    ReasonRequired,
}

impl VisitStatus {
    /// Every status.
    pub const ALL: [VisitStatus; 5] = [
        Self::Scheduled,
        Self::InProgress,
        Self::Completed,
        Self::NoShow,
        Self::Cancelled,
    ];

    /// Stable code (database and JSON).
    pub const fn code(self) -> &'static str {
        match self {
            Self::Scheduled => "scheduled",
            Self::InProgress => "in_progress",
            Self::Completed => "completed",
            Self::NoShow => "no_show",
            Self::Cancelled => "cancelled",
        }
    }

    /// Russian label.
    pub const fn label_ru(self) -> &'static str {
        match self {
            Self::Scheduled => "записан",
            Self::InProgress => "на приеме",
            Self::Completed => "прием завершен",
            Self::NoShow => "не явился",
            Self::Cancelled => "отменен",
        }
    }

    /// Parses a stable code.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    /// Maps the old system's Russian labels (any case, `ё` written or not: "приём завершён").
    pub fn from_legacy_label(label: &str) -> Option<Self> {
        let l = label.trim().to_lowercase().replace('ё', "е");
        Self::ALL.into_iter().find(|s| s.label_ru() == l)
    }

    /// Does this visit occupy the doctor's time? Cancelled visits do not clash with new bookings.
    pub fn blocks_schedule(self) -> bool {
        self != Self::Cancelled
    }

    /// Does the visit count as one of its patient's visits (their visit days, first visit,
    /// distinct patients of a range)? Every status but cancelled. A move that keeps this the
    /// same leaves the patient's analytics untouched, so the write need not refresh them.
    pub fn counts_as_visit(self) -> bool {
        self != Self::Cancelled
    }

    /// The forward moves a receptionist makes, each with the stamps it sets.
    pub fn transition(self, to: VisitStatus) -> Result<&'static [Stamp], TransitionError> {
        use VisitStatus::*;
        match (self, to) {
            (Scheduled, InProgress) => Ok(&[Stamp::Arrived, Stamp::Started]),
            (InProgress, Completed) => Ok(&[Stamp::Finished]),
            (Scheduled, NoShow) | (Scheduled, Cancelled) => Ok(&[]),
            _ => Err(TransitionError::Illegal { from: self, to }),
        }
    }

    /// The one-step-back corrections an owner or admin may make, each with the stamps it clears.
    pub fn revert(
        self,
        to: VisitStatus,
        by: VisitAuthority,
        reason: &str,
    ) -> Result<&'static [Stamp], TransitionError> {
        use VisitStatus::*;
        let cleared: &'static [Stamp] = match (self, to) {
            (InProgress, Scheduled) => &[Stamp::Arrived, Stamp::Started],
            (Completed, InProgress) => &[Stamp::Finished],
            (NoShow, Scheduled) | (Cancelled, Scheduled) => &[],
            _ => return Err(TransitionError::Illegal { from: self, to }),
        };
        if !by.is_manager() {
            return Err(TransitionError::RevertNotAllowed);
        }
        if reason.trim().is_empty() {
            return Err(TransitionError::ReasonRequired);
        }
        Ok(cleared)
    }

    /// The forward moves offered from this status (the buttons a receptionist sees), in order.
    pub fn next_moves(self) -> &'static [VisitStatus] {
        use VisitStatus::*;
        match self {
            Scheduled => &[InProgress, NoShow, Cancelled],
            InProgress => &[Completed],
            Completed | NoShow | Cancelled => &[],
        }
    }

    /// The status a manager's revert returns to (one step back), if any.
    pub fn revert_target(self) -> Option<VisitStatus> {
        use VisitStatus::*;
        match self {
            InProgress | NoShow | Cancelled => Some(Scheduled),
            Completed => Some(InProgress),
            Scheduled => None,
        }
    }

    /// May a caller with `authority` change the service lines (and their prices) of a visit in
    /// this status? Scheduled and in-progress visits: front desk and managers. Closed visits
    /// (completed, no-show, cancelled) are frozen except for owners and admins.
    pub fn lines_editable(self, authority: VisitAuthority) -> bool {
        authority.is_manager() || matches!(self, Self::Scheduled | Self::InProgress)
    }

    /// [`Self::lines_editable`] for a role, which must also write visits at all (doctors never
    /// edit): what the SPA asks before it offers the buttons.
    pub fn lines_editable_by(self, role: Role) -> bool {
        allows(role, Permission::VisitsWrite) && self.lines_editable(VisitAuthority::of(role))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use VisitStatus::*;

    #[test]
    fn only_cancelled_visits_do_not_count_as_a_patients_visits() {
        let counted: Vec<VisitStatus> = VisitStatus::ALL
            .into_iter()
            .filter(|s| s.counts_as_visit())
            .collect();
        assert_eq!(counted, [Scheduled, InProgress, Completed, NoShow]);
    }

    #[test]
    fn offered_moves_are_exactly_the_legal_ones() {
        for from in VisitStatus::ALL {
            for to in VisitStatus::ALL {
                assert_eq!(
                    from.next_moves().contains(&to),
                    from.transition(to).is_ok(),
                    "{from:?} → {to:?}"
                );
            }
        }
    }

    #[test]
    fn the_offered_revert_is_the_legal_one() {
        for from in VisitStatus::ALL {
            let legal: Vec<_> = VisitStatus::ALL
                .into_iter()
                .filter(|to| from.revert(*to, VisitAuthority::Manager, "x").is_ok())
                .collect();
            assert_eq!(
                from.revert_target().into_iter().collect::<Vec<_>>(),
                legal,
                "{from:?}"
            );
        }
    }

    #[test]
    fn legal_forward_moves_stamp_their_times() {
        assert_eq!(
            Scheduled.transition(InProgress),
            Ok(&[Stamp::Arrived, Stamp::Started][..])
        );
        assert_eq!(InProgress.transition(Completed), Ok(&[Stamp::Finished][..]));
        assert_eq!(Scheduled.transition(NoShow), Ok(&[][..]));
        assert_eq!(Scheduled.transition(Cancelled), Ok(&[][..]));
    }

    #[test]
    fn every_other_move_is_illegal() {
        let legal = [
            (Scheduled, InProgress),
            (InProgress, Completed),
            (Scheduled, NoShow),
            (Scheduled, Cancelled),
        ];
        for from in VisitStatus::ALL {
            for to in VisitStatus::ALL {
                let result = from.transition(to);
                if legal.contains(&(from, to)) {
                    assert!(result.is_ok(), "{from:?} -> {to:?}");
                } else {
                    assert_eq!(
                        result,
                        Err(TransitionError::Illegal { from, to }),
                        "{from:?} -> {to:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn illegal_move_message_is_russian_with_both_labels() {
        let e = Completed.transition(Scheduled).unwrap_err();
        assert_eq!(
            e.to_string(),
            "Нельзя перевести визит из статуса «прием завершен» в «записан»"
        );
    }

    #[test]
    fn managers_may_revert_one_step_with_a_reason() {
        assert_eq!(
            NoShow.revert(Scheduled, VisitAuthority::Manager, "пациент пришёл позже"),
            Ok(&[][..])
        );
        assert_eq!(
            Cancelled.revert(Scheduled, VisitAuthority::Manager, "ошибка"),
            Ok(&[][..])
        );
        assert_eq!(
            InProgress.revert(Scheduled, VisitAuthority::Manager, "не тот пациент"),
            Ok(&[Stamp::Arrived, Stamp::Started][..])
        );
        assert_eq!(
            Completed.revert(InProgress, VisitAuthority::Manager, "рано закрыли"),
            Ok(&[Stamp::Finished][..])
        );
    }

    #[test]
    fn reverts_need_a_manager_and_a_reason_and_a_known_step() {
        assert_eq!(
            NoShow.revert(Scheduled, VisitAuthority::FrontDesk, "x"),
            Err(TransitionError::RevertNotAllowed)
        );
        assert_eq!(
            NoShow.revert(Scheduled, VisitAuthority::FrontDesk, "x"),
            Err(TransitionError::RevertNotAllowed)
        );
        assert_eq!(
            NoShow.revert(Scheduled, VisitAuthority::Manager, "  "),
            Err(TransitionError::ReasonRequired)
        );
        assert_eq!(
            Completed.revert(Scheduled, VisitAuthority::Manager, "x"),
            Err(TransitionError::Illegal {
                from: Completed,
                to: Scheduled
            })
        );
        assert_eq!(
            Scheduled.revert(Scheduled, VisitAuthority::Manager, "x"),
            Err(TransitionError::Illegal {
                from: Scheduled,
                to: Scheduled
            })
        );
    }

    #[test]
    fn only_cancelled_visits_free_the_slot() {
        for s in VisitStatus::ALL {
            assert_eq!(s.blocks_schedule(), s != Cancelled);
        }
    }

    #[test]
    fn closed_visits_lines_are_frozen_except_for_managers() {
        for s in VisitStatus::ALL {
            assert!(s.lines_editable_by(Role::Owner) && s.lines_editable_by(Role::Admin));
            assert!(!s.lines_editable_by(Role::Doctor));
            assert_eq!(
                s.lines_editable_by(Role::Receptionist),
                matches!(s, Scheduled | InProgress)
            );
        }
    }

    #[test]
    fn codes_and_legacy_labels_round_trip() {
        for s in VisitStatus::ALL {
            assert_eq!(VisitStatus::from_code(s.code()), Some(s));
            assert_eq!(VisitStatus::from_legacy_label(s.label_ru()), Some(s));
        }
        assert_eq!(VisitStatus::from_legacy_label("Отменен"), Some(Cancelled));
        assert_eq!(VisitStatus::from_legacy_label("перенесен"), None);
        assert_eq!(
            VisitStatus::from_legacy_label("Приём завершён"),
            Some(Completed)
        );
    }
}
