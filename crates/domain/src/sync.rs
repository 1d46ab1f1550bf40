//! Incremental sync (`?updated_since=`): the rules that let an integrator mirror the clinic with
//! one cheap poll, whatever the order in which concurrent transactions commit.
//!
//! A row's `updated_at` is stamped when its write begins, but it becomes visible when that write
//! commits; two writers may commit in the other order than they stamped. A client that resumed
//! from the newest stamp it saw could therefore miss a row stamped earlier and committed later.
//! So the point to resume from is not the newest stamp seen but the *horizon*: the moment of the
//! first page minus the settle time ([`DEFAULT_SETTLE`]), before which every write has committed (Emhana's writes last
//! milliseconds; SQLite gives up on a lock after 10 s). Rows between the horizon and the newest
//! stamp come again on the next poll: a mirror applies them by id (and `version`), so a repeat
//! is harmless, while a miss would not be.

use chrono::{DateTime, Duration, Utc};

use crate::clinic_time::rfc3339;
use crate::error::{FieldViolation, Violations};
use crate::paging::{PageRequest, DEFAULT_PAGE_SIZE};

/// How long a write may take between stamping its rows and committing them, and still be seen
/// by every client that syncs: the overlap each poll re-reads (`EMHANA_SYNC_SETTLE_SECS`).
pub const DEFAULT_SETTLE: Duration = Duration::seconds(60);

/// The settle time this server uses (shared with the handlers as app data).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SyncSettle(pub Duration);

impl Default for SyncSettle {
    fn default() -> Self {
        Self(DEFAULT_SETTLE)
    }
}

/// The response header carrying the `updated_since` of the next poll (on a sync's last page).
pub const NEXT_HEADER: &str = "Emhana-Next-Updated-Since";

/// A validated changes request: rows stamped at or after `since`, in stamp order (then id),
/// after the cursor's row when paging.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SyncRequest {
    /// The client's `updated_since`.
    pub since: DateTime<Utc>,
    /// Rows after this `(updated_at, id)`: the previous page's last row (none: from `since`).
    pub after: Option<(DateTime<Utc>, i64)>,
    /// Before this, every write had committed when the first page was read (carried by the
    /// cursor so that every page of one sync shares it).
    pub horizon: DateTime<Utc>,
    /// Page size (1..=200; the lists without paging ignore it).
    pub limit: i64,
}

impl SyncRequest {
    /// Parses `updated_since`, `cursor` and `limit` of a sync, naming each bad one. A first
    /// page's horizon is `now` (the server's clock) less `settle`.
    pub fn parse(
        updated_since: &str,
        cursor: Option<&str>,
        limit: Option<i64>,
        (now, settle): (DateTime<Utc>, SyncSettle),
    ) -> Result<Self, Violations> {
        let mut v = Violations::default();
        let since = v.check(crate::validation::parse_instant(
            "updated_since",
            updated_since,
        ));
        let cursor = cursor.and_then(|c| v.check(parse_cursor(c)));
        // The page-size rule is the lists' own.
        let limit = match PageRequest::parse(limit, None) {
            Ok(page) => page.limit,
            Err(e) => {
                v.0.extend(e.0);
                DEFAULT_PAGE_SIZE
            }
        };
        v.into_result()?;
        let since = since.unwrap_or(now);
        Ok(match cursor {
            Some((at, id, horizon)) => Self {
                since,
                after: Some((at, id)),
                horizon,
                limit,
            },
            None => Self {
                since,
                after: None,
                horizon: now - settle.0,
                limit,
            },
        })
    }

    /// The first key to return: rows with `(updated_at, id)` strictly after it. Without a
    /// cursor it is `(since, 0)`, so rows stamped exactly at `since` are included.
    pub fn start(&self) -> (DateTime<Utc>, i64) {
        match self.after {
            Some((at, id)) if at >= self.since => (at, id),
            _ => (self.since, 0),
        }
    }

    /// How many rows a paged list reads: one more than the page, to learn whether one follows.
    pub fn fetch_limit(&self) -> i64 {
        self.limit + 1
    }

    /// The cursor after a page whose last row is `(at, id)`: opaque to clients.
    pub fn cursor_after(&self, at: DateTime<Utc>, id: i64) -> String {
        format!("{}~{id}~{}", rfc3339(at), rfc3339(self.horizon))
    }

    /// The `updated_since` of the next poll, once the last page is read: the horizon (never
    /// before the client's own `since`).
    pub fn next_since(&self) -> String {
        rfc3339(self.horizon.max(self.since))
    }

    /// Splits fetched rows (at most [`Self::fetch_limit`]) into this page and the next cursor.
    pub fn split<T>(
        &self,
        mut rows: Vec<T>,
        key: impl Fn(&T) -> (DateTime<Utc>, i64),
    ) -> (Vec<T>, Option<String>) {
        let limit = usize::try_from(self.limit).unwrap_or(usize::MAX);
        if rows.len() > limit {
            rows.truncate(limit);
            let next = rows.last().map(|r| {
                let (at, id) = key(r);
                self.cursor_after(at, id)
            });
            (rows, next)
        } else {
            (rows, None)
        }
    }
}

/// A refusal for a filter that a changes feed does not combine with (it would hide rows that
/// left the filter, and a mirror would keep them).
fn not_with_sync(field: &str) -> FieldViolation {
    FieldViolation::new(
        field,
        "not_with_updated_since",
        "Не сочетается с updated_since: синхронизация отдаёт все изменения",
    )
}

/// Refuses, each by name, the filters given (`(name, given)`) that a changes feed does not
/// combine with.
pub fn refuse_filters(filters: &[(&str, bool)]) -> Result<(), Violations> {
    Violations(
        filters
            .iter()
            .filter(|f| f.1)
            .map(|f| not_with_sync(f.0))
            .collect(),
    )
    .into_result()
}

fn parse_cursor(cursor: &str) -> Result<(DateTime<Utc>, i64, DateTime<Utc>), FieldViolation> {
    let bad = || FieldViolation::new("cursor", "invalid_cursor", "Некорректный курсор страницы");
    let mut parts = cursor.split('~');
    let (Some(at), Some(id), Some(horizon), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(bad());
    };
    let instant = |s: &str| {
        (s.len() == 27 && s.ends_with('Z'))
            .then(|| DateTime::parse_from_rfc3339(s).ok())
            .flatten()
            .map(|t| t.with_timezone(&Utc))
    };
    match (instant(at), id.parse::<i64>(), instant(horizon)) {
        (Some(at), Ok(id), Some(horizon)) if id >= 0 => Ok((at, id, horizon)),
        _ => Err(bad()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(h: u32, m: u32, s: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 29, h, m, s).unwrap()
    }

    fn now(h: u32, m: u32, s: u32) -> (DateTime<Utc>, SyncSettle) {
        (at(h, m, s), SyncSettle::default())
    }

    #[test]
    fn a_first_page_starts_at_since_inclusive_with_the_horizon_a_settle_before_now() {
        let r = SyncRequest::parse("2026-11-29T15:00:00+05:00", None, None, now(12, 0, 0)).unwrap();
        assert_eq!(r.since, at(10, 0, 0));
        assert_eq!(r.start(), (at(10, 0, 0), 0));
        assert_eq!(r.horizon, at(11, 59, 0));
        assert_eq!(r.limit, DEFAULT_PAGE_SIZE);
        assert_eq!(r.next_since(), "2026-11-29T11:59:00.000000Z");
    }

    #[test]
    fn the_settle_time_is_the_servers_setting() {
        let zero = (at(12, 0, 0), SyncSettle(Duration::zero()));
        let r = SyncRequest::parse("2026-11-29T10:00:00Z", None, None, zero).unwrap();
        assert_eq!(r.next_since(), "2026-11-29T12:00:00.000000Z");
    }

    #[test]
    fn the_next_since_never_goes_before_the_clients_own() {
        // A client polling again within the settle window keeps its since.
        let r = SyncRequest::parse("2026-11-29T11:59:30Z", None, None, now(12, 0, 0)).unwrap();
        assert_eq!(r.next_since(), "2026-11-29T11:59:30.000000Z");
    }

    #[test]
    fn pages_carry_the_first_pages_horizon_and_resume_after_the_tie() {
        let first =
            SyncRequest::parse("2026-11-29T10:00:00Z", None, Some(2), now(12, 0, 0)).unwrap();
        let rows = vec![(at(10, 0, 0), 7), (at(10, 0, 0), 9), (at(10, 5, 0), 3)];
        let (page, cursor) = first.split(rows, |r| *r);
        assert_eq!(page, vec![(at(10, 0, 0), 7), (at(10, 0, 0), 9)]);
        let cursor = cursor.expect("a page follows");
        assert_eq!(
            cursor,
            "2026-11-29T10:00:00.000000Z~9~2026-11-29T11:59:00.000000Z"
        );
        // Read ten minutes later, the second page keeps the first page's horizon.
        let second = SyncRequest::parse(
            "2026-11-29T10:00:00Z",
            Some(&cursor),
            Some(2),
            now(12, 10, 0),
        )
        .unwrap();
        assert_eq!(second.start(), (at(10, 0, 0), 9));
        assert_eq!(second.horizon, at(11, 59, 0));
        let (page, cursor) = second.split(vec![(at(10, 5, 0), 3)], |r| *r);
        assert_eq!(page.len(), 1);
        assert_eq!(cursor, None);
        assert_eq!(second.next_since(), "2026-11-29T11:59:00.000000Z");
    }

    #[test]
    fn a_cursor_from_before_since_restarts_at_since() {
        let r = SyncRequest::parse(
            "2026-11-29T10:00:00Z",
            Some("2026-11-29T09:00:00.000000Z~4~2026-11-29T11:00:00.000000Z"),
            None,
            now(12, 0, 0),
        )
        .unwrap();
        assert_eq!(r.start(), (at(10, 0, 0), 0));
    }

    #[test]
    fn filters_given_with_a_sync_are_refused_by_name() {
        assert!(refuse_filters(&[("from", false), ("q", false)]).is_ok());
        let e = refuse_filters(&[("from", true), ("to", false), ("status", true)]).unwrap_err();
        let got: Vec<_> = e.0.iter().map(|v| (v.field.as_str(), v.code)).collect();
        assert_eq!(
            got,
            vec![
                ("from", "not_with_updated_since"),
                ("status", "not_with_updated_since")
            ]
        );
    }

    #[test]
    fn every_bad_parameter_is_named() {
        let e = SyncRequest::parse("yesterday", Some("x~1"), Some(0), now(12, 0, 0)).unwrap_err();
        let fields: Vec<_> = e.0.iter().map(|v| (v.field.as_str(), v.code)).collect();
        assert_eq!(
            fields,
            vec![
                ("updated_since", "invalid_datetime"),
                ("cursor", "invalid_cursor"),
                ("limit", "out_of_range"),
            ]
        );
        for bad in [
            "",
            "2026-11-29T10:00:00.000000Z~1",
            "2026-11-29T10:00:00.000000Z~-1~2026-11-29T10:00:00.000000Z",
            "2026-11-29T10:00:00Z~1~2026-11-29T10:00:00.000000Z",
            "2026-11-29T10:00:00.000000Z~1~2026-11-29T10:00:00.000000Z~5",
        ] {
            assert!(
                SyncRequest::parse("2026-11-29T10:00:00Z", Some(bad), None, now(12, 0, 0)).is_err(),
                "{bad}"
            );
        }
    }
}
