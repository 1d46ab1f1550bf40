//! Which of the SPA's two bundles serves a page. The front desk's pages (sign-in, the calendar with
//! the visit card and payments, the visit list, the own account) are a small bundle of their own,
//! so a receptionist's first load does not carry the owner's screens; every page is in the full
//! bundle. The server picks the HTML by this table and the desk bundle reloads into the full one
//! for any other page, so both sides must read the same table: it lives here, in the contract.

/// One of the two builds of the SPA.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bundle {
    /// Sign-in, CRM, visits, account: what the front desk opens all day.
    Desk,
    /// Every page (the owner's, the directories, the cash desk…).
    Full,
}

/// The desk bundle's pages, exact paths.
pub const DESK_PATHS: &[&str] = &["/", "/login", "/crm", "/visits", "/account"];

/// The HTML file (in `dist/`) that boots each bundle.
impl Bundle {
    /// `index.html` for the desk, `full.html` for the rest.
    pub fn html(self) -> &'static str {
        match self {
            Bundle::Desk => "index.html",
            Bundle::Full => "full.html",
        }
    }
}

/// The bundle that boots on `path` (a trailing slash is ignored; anything not a desk page — an
/// unknown one too — gets the full bundle, whose router shows "not found").
pub fn bundle_for(path: &str) -> Bundle {
    let trimmed = path.trim_end_matches('/');
    let path = if trimmed.is_empty() { "/" } else { trimmed };
    if DESK_PATHS.contains(&path) {
        Bundle::Desk
    } else {
        Bundle::Full
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_front_desk_pages_boot_the_desk_bundle() {
        for path in ["/", "/login", "/crm", "/crm/", "/visits", "/account"] {
            assert_eq!(bundle_for(path), Bundle::Desk, "{path}");
        }
    }

    #[test]
    fn every_other_page_and_unknown_paths_boot_the_full_bundle() {
        for path in [
            "/analytics",
            "/patients",
            "/crm/extra",
            "/no/such",
            "/cash-desk",
        ] {
            assert_eq!(bundle_for(path), Bundle::Full, "{path}");
        }
        assert_eq!(Bundle::Full.html(), "full.html");
        assert_eq!(Bundle::Desk.html(), "index.html");
    }
}
