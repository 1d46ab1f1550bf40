//! The route table: every page's path, navigation label and the permission that shows it, in
//! navigation order ("CRM" first).

use emhana_domain::access::Permission;

use crate::i18n::Strings;

/// One navigable section of the SPA.
pub struct Section {
    /// URL path.
    pub path: &'static str,
    /// Label getter from the string table.
    pub label: fn(&Strings) -> &'static str,
    /// Shown only to roles with this permission (the server enforces the same table).
    pub permission: Permission,
}

/// Sidebar order; CRM is what a receptionist opens all day, so it comes first.
pub const SECTIONS: &[Section] = &[
    Section {
        path: "/crm",
        label: |s| s.nav_crm,
        permission: Permission::OwnSchedule,
    },
    Section {
        path: "/visits",
        label: |s| s.nav_visits,
        permission: Permission::VisitsRead,
    },
    Section {
        path: "/patients",
        label: |s| s.nav_patients,
        permission: Permission::PatientsRead,
    },
    Section {
        path: "/reminders",
        label: |s| s.nav_reminders,
        permission: Permission::VisitsRead,
    },
    Section {
        path: "/cash-desk",
        label: |s| s.nav_cash_desk,
        permission: Permission::PaymentsWrite,
    },
    Section {
        path: "/doctors",
        label: |s| s.nav_doctors,
        permission: Permission::DirectoriesRead,
    },
    Section {
        path: "/services",
        label: |s| s.nav_services,
        permission: Permission::DirectoriesRead,
    },
    Section {
        path: "/sources",
        label: |s| s.nav_sources,
        permission: Permission::DirectoriesWrite,
    },
    Section {
        path: "/analytics",
        label: |s| s.nav_analytics,
        permission: Permission::AnalyticsRead,
    },
    Section {
        path: "/exports",
        label: |s| s.nav_exports,
        permission: Permission::PaymentsWrite,
    },
    Section {
        path: "/loyalty",
        label: |s| s.nav_loyalty,
        permission: Permission::LoyaltyManage,
    },
    Section {
        path: "/audit",
        label: |s| s.nav_audit,
        permission: Permission::AuditRead,
    },
    Section {
        path: "/staff",
        label: |s| s.nav_staff,
        permission: Permission::UsersRead,
    },
    Section {
        path: "/clinic",
        label: |s| s.nav_clinic,
        permission: Permission::ClinicManage,
    },
    Section {
        path: "/integrations",
        label: |s| s.nav_integrations,
        permission: Permission::IntegrationsManage,
    },
    Section {
        path: "/backups",
        label: |s| s.nav_backups,
        permission: Permission::Backups,
    },
];
