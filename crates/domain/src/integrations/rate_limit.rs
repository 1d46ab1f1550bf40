//! Rate limits: how many API requests a caller (an API key or a staff account) and a client
//! address may make per fixed one-minute window, and the IETF `RateLimit-Policy` / `RateLimit`
//! header values (draft-ietf-httpapi-ratelimit-headers) that tell a client where it stands.
//!
//! Fixed windows aligned on the minute (not per instance's start) are what several instances
//! can share: each adds its count of the window to one row per bucket and window.

/// The window's length.
pub const WINDOW_SECS: i64 = 60;

/// One limit: a name clients see in the headers and the requests allowed per window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quota {
    /// `caller` or `ip`.
    pub name: &'static str,
    /// Requests per window.
    pub limit: u64,
}

/// A quota and the requests counted against it in this window (this request included).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Usage {
    /// The quota.
    pub quota: Quota,
    /// Requests in the window so far.
    pub used: u64,
}

impl Usage {
    /// Requests left in the window.
    pub fn remaining(self) -> u64 {
        self.quota.limit.saturating_sub(self.used)
    }

    /// This request went over the quota.
    pub fn exceeded(self) -> bool {
        self.used > self.quota.limit
    }
}

/// The window an instant (Unix seconds) falls in.
pub fn window_of(unix: i64) -> i64 {
    unix.div_euclid(WINDOW_SECS)
}

/// Seconds until the window of `unix` ends (1..=60): the `t` of the header and the 429's
/// `Retry-After`.
pub fn reset_in(unix: i64) -> i64 {
    WINDOW_SECS - unix.rem_euclid(WINDOW_SECS)
}

/// `RateLimit-Policy`: every quota that applies, e.g. `"caller";q=1200;w=60, "ip";q=3000;w=60`.
pub fn policy_header(usages: &[Usage]) -> String {
    usages
        .iter()
        .map(|u| format!("\"{}\";q={};w={WINDOW_SECS}", u.quota.name, u.quota.limit))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `RateLimit`: what is left of each quota and when it resets, e.g. `"caller";r=1190;t=42`.
pub fn limit_header(usages: &[Usage], reset_in: i64) -> String {
    usages
        .iter()
        .map(|u| format!("\"{}\";r={};t={reset_in}", u.quota.name, u.remaining()))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    const CALLER: Quota = Quota {
        name: "caller",
        limit: 3,
    };
    const IP: Quota = Quota {
        name: "ip",
        limit: 10,
    };

    #[test]
    fn windows_are_whole_minutes_and_reset_counts_down_to_their_end() {
        assert_eq!(window_of(0), 0);
        assert_eq!(window_of(59), 0);
        assert_eq!(window_of(60), 1);
        assert_eq!(window_of(-1), -1);
        assert_eq!(reset_in(0), 60);
        assert_eq!(reset_in(59), 1);
        assert_eq!(reset_in(61), 59);
    }

    #[test]
    fn the_request_over_the_limit_is_the_one_refused() {
        let at = |used| Usage {
            quota: CALLER,
            used,
        };
        assert!(!at(3).exceeded());
        assert_eq!(at(3).remaining(), 0);
        assert!(at(4).exceeded());
        assert_eq!(at(4).remaining(), 0);
        assert_eq!(at(1).remaining(), 2);
    }

    #[test]
    fn headers_list_every_quota() {
        let usages = [
            Usage {
                quota: CALLER,
                used: 1,
            },
            Usage { quota: IP, used: 7 },
        ];
        assert_eq!(
            policy_header(&usages),
            "\"caller\";q=3;w=60, \"ip\";q=10;w=60"
        );
        assert_eq!(
            limit_header(&usages, 42),
            "\"caller\";r=2;t=42, \"ip\";r=3;t=42"
        );
    }
}
