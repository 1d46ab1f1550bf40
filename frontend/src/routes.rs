//! The route table: every page's path and navigation label, in navigation order ("CRM" first).

use crate::i18n::Strings;

/// One navigable section of the SPA.
pub struct Section {
    /// URL path.
    pub path: &'static str,
    /// Label getter from the string table.
    pub label: fn(&Strings) -> &'static str,
}

/// Sidebar order; CRM is what a receptionist opens all day, so it comes first.
pub const SECTIONS: &[Section] = &[
    Section {
        path: "/crm",
        label: |s| s.nav_crm,
    },
    Section {
        path: "/visits",
        label: |s| s.nav_visits,
    },
    Section {
        path: "/patients",
        label: |s| s.nav_patients,
    },
    Section {
        path: "/doctors",
        label: |s| s.nav_doctors,
    },
    Section {
        path: "/services",
        label: |s| s.nav_services,
    },
    Section {
        path: "/sources",
        label: |s| s.nav_sources,
    },
    Section {
        path: "/analytics",
        label: |s| s.nav_analytics,
    },
    Section {
        path: "/audit",
        label: |s| s.nav_audit,
    },
    Section {
        path: "/staff",
        label: |s| s.nav_staff,
    },
    Section {
        path: "/exports",
        label: |s| s.nav_exports,
    },
    Section {
        path: "/demo/chart",
        label: |s| s.nav_chart_demo,
    },
];
