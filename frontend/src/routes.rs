//! The route tables: every page's path, navigation label and the permission that shows it, in
//! navigation order ("CRM" first), and each bundle's router (`emhana_api_types::spa` says which
//! pages the desk bundle has).

use emhana_api_types::spa::{bundle_for, Bundle};
use emhana_domain::access::Permission;
use leptos::prelude::*;
use leptos_router::components::{Route, Routes};
use leptos_router::hooks::use_location;
use leptos_router::path;

use crate::i18n::{t, Strings};
use crate::pages::{
    account::AccountPage, analytics::AnalyticsPage, audit::AuditPage, backups::BackupsPage,
    cash_desk::CashDeskPage, clinic::ClinicPage, crm::CrmPage, doctors::DoctorsPage,
    exports::ExportsPage, home::Home, integrations::IntegrationsPage, loyalty::LoyaltyPage,
    patients::PatientsPage, reminders::RemindersPage, services::ServicesPage, sources::SourcesPage,
    staff::StaffPage, visits::VisitsPage,
};

/// The desk bundle's router: its pages, and for any other page a real navigation there, which
/// the server answers with the full bundle.
pub fn desk_routes() -> AnyView {
    view! {
        <Routes fallback=ElsewhereOrNotFound>
            <Route path=path!("/") view=Home />
            <Route path=path!("/login") view=Home />
            <Route path=path!("/crm") view=CrmPage />
            <Route path=path!("/visits") view=VisitsPage />
            <Route path=path!("/account") view=AccountPage />
        </Routes>
    }
    .into_any()
}

/// The full bundle's router: every page.
pub fn full_routes() -> AnyView {
    view! {
        <Routes fallback=NotFound>
            <Route path=path!("/") view=Home />
            <Route path=path!("/login") view=Home />
            <Route path=path!("/crm") view=CrmPage />
            <Route path=path!("/visits") view=VisitsPage />
            <Route path=path!("/patients") view=PatientsPage />
            <Route path=path!("/reminders") view=RemindersPage />
            <Route path=path!("/cash-desk") view=CashDeskPage />
            <Route path=path!("/doctors") view=DoctorsPage />
            <Route path=path!("/services") view=ServicesPage />
            <Route path=path!("/sources") view=SourcesPage />
            <Route path=path!("/analytics") view=AnalyticsPage />
            <Route path=path!("/exports") view=ExportsPage />
            <Route path=path!("/loyalty") view=LoyaltyPage />
            <Route path=path!("/audit") view=AuditPage />
            <Route path=path!("/staff") view=StaffPage />
            <Route path=path!("/clinic") view=ClinicPage />
            <Route path=path!("/integrations") view=IntegrationsPage />
            <Route path=path!("/backups") view=BackupsPage />
            <Route path=path!("/account") view=AccountPage />
        </Routes>
    }
    .into_any()
}

/// A page the router does not know.
#[component]
fn NotFound() -> impl IntoView {
    view! { <h1>{t().not_found}</h1> }
}

thread_local! {
    /// The path this document was loaded at.
    static BOOT_PATH: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
}

/// Notes the path the page was loaded at (called once, before mounting).
pub fn remember_boot_path() {
    let path = web_sys::window()
        .and_then(|w| w.location().pathname().ok())
        .unwrap_or_default();
    BOOT_PATH.with(|p| *p.borrow_mut() = path);
}

/// In the desk bundle: a page of the full bundle is loaded by navigating to it for real (the
/// server boots the full bundle there, and the session comes back from its cookie). A desk path
/// that matched no route is simply not found, and so is a full-bundle page this document was
/// itself loaded at (the server had no full bundle to give): the bundles never bounce.
#[component]
fn ElsewhereOrNotFound() -> impl IntoView {
    let location = use_location();
    let path = location.pathname.get_untracked();
    let booted_here = BOOT_PATH.with(|p| *p.borrow() == path);
    if bundle_for(&path) == Bundle::Desk || booted_here {
        return view! { <NotFound /> }.into_any();
    }
    let target = format!(
        "{path}{}{}",
        location.search.get_untracked(),
        location.hash.get_untracked()
    );
    // After the router's own history entry (it writes the address after rendering): then the
    // load replaces that entry, and Back still returns to the page the click came from.
    set_timeout(
        move || {
            if let Some(window) = web_sys::window() {
                let loc = window.location();
                let pushed = loc.pathname().is_ok_and(|p| p == path);
                let _ = if pushed {
                    loc.replace(&target)
                } else {
                    loc.assign(&target)
                };
            }
        },
        std::time::Duration::ZERO,
    );
    view! { <p class="muted centered">{t().loading}</p> }.into_any()
}

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
