//! Staff roles. The permission table itself lives with the server's role guard; the facts about
//! roles that other rules need (who may revert a status, who may edit a completed visit) live here.

use serde::{Deserialize, Serialize};

/// A staff member's role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// The clinic owner: everything.
    Owner,
    /// Administrator: everything but managing owners.
    Admin,
    /// Front desk: patients, visits, payments.
    Receptionist,
    /// A doctor: own schedule, read-only.
    Doctor,
}

impl Role {
    /// Every role, most powerful first.
    pub const ALL: [Role; 4] = [Self::Owner, Self::Admin, Self::Receptionist, Self::Doctor];

    /// Stable code (database, JSON, tokens).
    pub const fn code(self) -> &'static str {
        match self {
            Self::Owner => "owner",
            Self::Admin => "admin",
            Self::Receptionist => "receptionist",
            Self::Doctor => "doctor",
        }
    }

    /// Russian label.
    pub const fn label_ru(self) -> &'static str {
        match self {
            Self::Owner => "Владелец",
            Self::Admin => "Администратор",
            Self::Receptionist => "Регистратор",
            Self::Doctor => "Врач",
        }
    }

    /// Parses a stable code.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.code() == code)
    }

    /// Maps the old system's access levels (`crm` was the front desk).
    pub fn from_legacy(level: &str) -> Option<Self> {
        match level.trim() {
            "owner" => Some(Self::Owner),
            "admin" => Some(Self::Admin),
            "crm" | "receptionist" => Some(Self::Receptionist),
            "doctor" => Some(Self::Doctor),
            _ => None,
        }
    }

    /// Owners and admins: may correct history (revert statuses, edit completed visits).
    pub fn is_manager(self) -> bool {
        matches!(self, Self::Owner | Self::Admin)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_legacy_crm_is_receptionist() {
        for r in Role::ALL {
            assert_eq!(Role::from_code(r.code()), Some(r));
        }
        assert_eq!(Role::from_legacy("crm"), Some(Role::Receptionist));
        assert_eq!(Role::from_legacy("root"), None);
        assert!(Role::Admin.is_manager() && Role::Owner.is_manager());
        assert!(!Role::Receptionist.is_manager() && !Role::Doctor.is_manager());
    }
}
