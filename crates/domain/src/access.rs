//! Who may do what (DESIGN §5), as one table, and the login lockout rule.
//!
//! The server's role guard asks [`allows`] for every endpoint; the SPA asks the same function to
//! decide what to show, so the two can never disagree.

use chrono::{DateTime, Duration, Utc};

use crate::error::{FieldViolation, Violations};
use crate::role::Role;

/// An action an endpoint performs. Each endpoint names exactly one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Permission {
    /// Read one's own profile, change one's own password.
    OwnAccount,
    /// List and read staff accounts.
    UsersRead,
    /// Create and change staff accounts (owners only for owner accounts: see [`may_manage`]).
    UsersManage,
    /// Read the audit log.
    AuditRead,
    /// Read patients.
    PatientsRead,
    /// Create, change, deactivate patients.
    PatientsWrite,
    /// Read doctors, services and lead sources (pickers, price list).
    DirectoriesRead,
    /// Change doctors, services and lead sources.
    DirectoriesWrite,
    /// Read any visit and its payments.
    VisitsRead,
    /// Book, change, move visits through statuses; edit lines and prices.
    VisitsWrite,
    /// Take and void payments, give refunds, run the cash desk (shifts, cash in/out, reports).
    PaymentsWrite,
    /// Add registers and change the cash-desk settings.
    CashDeskManage,
    /// Read analytics dashboards.
    AnalyticsRead,
    /// Download exports.
    ExportsRead,
    /// A doctor's own schedule.
    OwnSchedule,
    /// List, create and download backups: a backup is the whole clinic, password hashes
    /// included, so only owners.
    Backups,
    /// Set the bonus programme: it gives away the clinic's money, so only owners.
    LoyaltyManage,
    /// Set the clinic's requisites printed on receipts and acts (its legal identity): owners.
    ClinicManage,
    /// Create and revoke API keys, subscribe webhooks: a key acts for the clinic without a
    /// person behind it, so only owners.
    IntegrationsManage,
}

impl Permission {
    /// Every permission, in the table's order.
    pub const ALL: [Permission; 19] = [
        Self::OwnAccount,
        Self::UsersRead,
        Self::UsersManage,
        Self::AuditRead,
        Self::PatientsRead,
        Self::PatientsWrite,
        Self::DirectoriesRead,
        Self::DirectoriesWrite,
        Self::VisitsRead,
        Self::VisitsWrite,
        Self::PaymentsWrite,
        Self::CashDeskManage,
        Self::AnalyticsRead,
        Self::ExportsRead,
        Self::OwnSchedule,
        Self::Backups,
        Self::LoyaltyManage,
        Self::ClinicManage,
        Self::IntegrationsManage,
    ];

    /// What an API key may be granted: the clinic's data, never accounts, backups, settings or
    /// other keys (a key must not be able to mint a stronger key or read password hashes).
    pub const KEY_SCOPES: [Permission; 10] = [
        Self::PatientsRead,
        Self::PatientsWrite,
        Self::DirectoriesRead,
        Self::DirectoriesWrite,
        Self::VisitsRead,
        Self::VisitsWrite,
        Self::PaymentsWrite,
        Self::AnalyticsRead,
        Self::ExportsRead,
        Self::AuditRead,
    ];

    /// Stable snake_case code (API key scopes in JSON and the database).
    pub fn code(self) -> &'static str {
        match self {
            Self::OwnAccount => "own_account",
            Self::UsersRead => "users_read",
            Self::UsersManage => "users_manage",
            Self::AuditRead => "audit_read",
            Self::PatientsRead => "patients_read",
            Self::PatientsWrite => "patients_write",
            Self::DirectoriesRead => "directories_read",
            Self::DirectoriesWrite => "directories_write",
            Self::VisitsRead => "visits_read",
            Self::VisitsWrite => "visits_write",
            Self::PaymentsWrite => "payments_write",
            Self::CashDeskManage => "cash_desk_manage",
            Self::AnalyticsRead => "analytics_read",
            Self::ExportsRead => "exports_read",
            Self::OwnSchedule => "own_schedule",
            Self::Backups => "backups",
            Self::LoyaltyManage => "loyalty_manage",
            Self::ClinicManage => "clinic_manage",
            Self::IntegrationsManage => "integrations_manage",
        }
    }

    /// Parses a stable code.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.code() == code)
    }
}

/// The permission table (DESIGN §5): owner = all; admin = all but backups and the bonus
/// programme (and owner accounts,
/// see [`may_manage`]); receptionist = patients, visits, payments, reading directories; doctor = own
/// schedule, read-only.
pub fn allows(role: Role, permission: Permission) -> bool {
    use Permission::*;
    match role {
        Role::Owner => true,
        Role::Admin => !matches!(
            permission,
            Backups | LoyaltyManage | ClinicManage | IntegrationsManage
        ),
        Role::Receptionist => matches!(
            permission,
            OwnAccount
                | PatientsRead
                | PatientsWrite
                | DirectoriesRead
                | VisitsRead
                | VisitsWrite
                | PaymentsWrite
                | OwnSchedule
        ),
        Role::Doctor => matches!(permission, OwnAccount | OwnSchedule | DirectoriesRead),
    }
}

/// What a caller may do to visits beyond the front desk's everyday moves, decided here from the
/// role and carried into a use case as a value: reverts, booking over a clash and editing closed
/// visits need a manager. The store passes it to the domain's rules and never reads a role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VisitAuthority {
    /// Receptionists (and anyone else with `VisitsWrite` who is not a manager).
    FrontDesk,
    /// Owners and admins.
    Manager,
}

impl VisitAuthority {
    /// The authority `role` carries.
    pub fn of(role: Role) -> Self {
        if role.is_manager() {
            Self::Manager
        } else {
            Self::FrontDesk
        }
    }

    /// True for owners and admins.
    pub fn is_manager(self) -> bool {
        self == Self::Manager
    }
}

/// May `actor` create or change an account whose role is (or becomes) `target`? Admins manage
/// everyone but owners; only owners create or change owners.
pub fn may_manage(actor: Role, target: Role) -> bool {
    match actor {
        Role::Owner => true,
        Role::Admin => target != Role::Owner,
        Role::Receptionist | Role::Doctor => false,
    }
}

/// Failed logins allowed per login name in [`LOCKOUT_WINDOW_MINUTES`].
pub const MAX_FAILURES_PER_LOGIN: usize = 5;
/// Failed logins allowed per client IP in [`LOCKOUT_WINDOW_MINUTES`].
pub const MAX_FAILURES_PER_IP: usize = 20;
/// The sliding window, and the lock's length.
pub const LOCKOUT_WINDOW_MINUTES: i64 = 15;

/// Sliding-window lockout. `recent_failures` are the failure instants within the window (since
/// the last successful login), newest first; once `limit` of them are in the window the key is
/// locked until the `limit`-th newest leaves it. Returns how long the lock still lasts.
pub fn lockout_remaining(
    recent_failures: &[DateTime<Utc>],
    limit: usize,
    now: DateTime<Utc>,
) -> Option<Duration> {
    let window = Duration::minutes(LOCKOUT_WINDOW_MINUTES);
    let in_window: Vec<_> = recent_failures
        .iter()
        .filter(|at| **at > now - window)
        .collect();
    if in_window.len() < limit {
        return None;
    }
    let mut sorted = in_window;
    sorted.sort_by(|a, b| b.cmp(a));
    let unlock_at = *sorted[limit - 1] + window;
    (unlock_at > now).then(|| unlock_at - now)
}

/// Longest login name a sign-in attempt may carry (accounts have at most 50 characters; the
/// slack admits imported logins). Checked before anything is written, so an attempt cannot grow
/// the database by the size of its input.
pub const LOGIN_ATTEMPT_MAX_CHARS: usize = 100;
/// Longest password a sign-in attempt may carry (new passwords are at most 200 characters).
pub const PASSWORD_ATTEMPT_MAX_CHARS: usize = 256;

/// A sign-in attempt's login and password, length-checked before any write or hashing.
pub fn check_login_attempt(login: &str, password: &str) -> Result<(), Violations> {
    let mut v = Violations::default();
    if login.trim().is_empty() {
        v.0.push(FieldViolation::new("login", "required", "Укажите логин"));
    } else if login.chars().count() > LOGIN_ATTEMPT_MAX_CHARS {
        v.0.push(FieldViolation::new(
            "login",
            "too_long",
            format!("Логин не длиннее {LOGIN_ATTEMPT_MAX_CHARS} символов"),
        ));
    }
    if password.is_empty() {
        v.0.push(FieldViolation::new(
            "password",
            "required",
            "Укажите пароль",
        ));
    } else if password.chars().count() > PASSWORD_ATTEMPT_MAX_CHARS {
        v.0.push(FieldViolation::new(
            "password",
            "too_long",
            format!("Пароль не длиннее {PASSWORD_ATTEMPT_MAX_CHARS} символов"),
        ));
    }
    v.into_result()
}

/// Attempts refused by a lock are counted, not logged one by one: an audit row is written for
/// the first refusal of a window (reporting how many were refused since the previous row) and
/// none for the rest of that window, so knocking on a locked door cannot grow the audit log.
pub fn lockout_refusal_is_audited(last_audited: Option<DateTime<Utc>>, now: DateTime<Utc>) -> bool {
    last_audited.is_none_or(|at| now - at >= Duration::minutes(LOCKOUT_WINDOW_MINUTES))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use Permission::*;

    const ALL: [Permission; 19] = Permission::ALL;

    #[test]
    fn owner_may_do_everything_and_admin_all_but_backups() {
        for p in ALL {
            assert!(allows(Role::Owner, p), "{p:?}");
            assert_eq!(
                allows(Role::Admin, p),
                !matches!(
                    p,
                    Backups | LoyaltyManage | ClinicManage | IntegrationsManage
                ),
                "{p:?}"
            );
        }
    }

    #[test]
    fn receptionist_works_the_front_desk_only() {
        let yes = [
            OwnAccount,
            PatientsRead,
            PatientsWrite,
            DirectoriesRead,
            VisitsRead,
            VisitsWrite,
            PaymentsWrite,
            OwnSchedule,
        ];
        for p in ALL {
            assert_eq!(allows(Role::Receptionist, p), yes.contains(&p), "{p:?}");
        }
    }

    #[test]
    fn doctor_is_read_only_on_own_schedule() {
        let yes = [OwnAccount, OwnSchedule, DirectoriesRead];
        for p in ALL {
            assert_eq!(allows(Role::Doctor, p), yes.contains(&p), "{p:?}");
        }
    }

    #[test]
    fn codes_round_trip_and_key_scopes_never_reach_accounts_or_keys() {
        for p in ALL {
            assert_eq!(Permission::from_code(p.code()), Some(p));
        }
        assert_eq!(Permission::from_code("root"), None);
        for p in [
            OwnAccount,
            UsersManage,
            UsersRead,
            Backups,
            IntegrationsManage,
            ClinicManage,
        ] {
            assert!(!Permission::KEY_SCOPES.contains(&p), "{p:?}");
        }
    }

    #[test]
    fn only_owners_manage_owners() {
        assert!(may_manage(Role::Owner, Role::Owner));
        assert!(may_manage(Role::Admin, Role::Admin));
        assert!(may_manage(Role::Admin, Role::Receptionist));
        assert!(!may_manage(Role::Admin, Role::Owner));
        assert!(!may_manage(Role::Receptionist, Role::Doctor));
        assert!(!may_manage(Role::Doctor, Role::Doctor));
    }

    fn at(min: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 25, 10, 0, 0)
            .single()
            .unwrap()
            + Duration::minutes(min)
    }

    #[test]
    fn four_failures_do_not_lock_the_fifth_does() {
        let four = [at(4), at(3), at(2), at(1)];
        assert_eq!(
            lockout_remaining(&four, MAX_FAILURES_PER_LOGIN, at(5)),
            None
        );
        let five = [at(5), at(4), at(3), at(2), at(1)];
        // Locked until the 5th newest (at 1) leaves the 15-minute window: 11 minutes from 5.
        assert_eq!(
            lockout_remaining(&five, MAX_FAILURES_PER_LOGIN, at(5)),
            Some(Duration::minutes(11))
        );
    }

    #[test]
    fn attempts_are_length_checked_before_anything_else() {
        assert!(check_login_attempt("owner", "secret").is_ok());
        let e = check_login_attempt(&"x".repeat(101), &"p".repeat(257)).unwrap_err();
        let fields: Vec<_> = e.0.iter().map(|f| (f.field.as_str(), f.code)).collect();
        assert_eq!(fields, [("login", "too_long"), ("password", "too_long")]);
        assert!(check_login_attempt(&"қ".repeat(100), &"п".repeat(256)).is_ok());
        let e = check_login_attempt(" ", "").unwrap_err();
        assert_eq!(e.0.len(), 2);
    }

    #[test]
    fn one_audit_row_per_lock_window() {
        assert!(lockout_refusal_is_audited(None, at(0)));
        assert!(!lockout_refusal_is_audited(Some(at(0)), at(14)));
        assert!(lockout_refusal_is_audited(Some(at(0)), at(15)));
    }

    #[test]
    fn the_lock_expires_when_the_window_slides_past() {
        let five = [at(4), at(3), at(2), at(1), at(0)];
        assert!(lockout_remaining(&five, 5, at(14)).is_some());
        assert_eq!(
            lockout_remaining(&five, 5, at(15)),
            None,
            "boundary: the oldest is exactly 15 min old"
        );
        assert_eq!(lockout_remaining(&five, 5, at(30)), None);
    }

    #[test]
    fn ip_limit_is_twenty() {
        let many: Vec<_> = (0..20).map(|i| at(i / 2)).collect();
        assert!(lockout_remaining(&many[..19], MAX_FAILURES_PER_IP, at(10)).is_none());
        assert!(lockout_remaining(&many, MAX_FAILURES_PER_IP, at(10)).is_some());
    }
}
