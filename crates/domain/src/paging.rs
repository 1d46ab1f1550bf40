//! Keyset paging of lists (newest first): the page-size rule and the cursor, in one place.

use chrono::{DateTime, Utc};

use crate::error::{FieldViolation, Violations};
use crate::ids::AppointmentId;

/// Page size when the client gives none.
pub const DEFAULT_PAGE_SIZE: i64 = 50;
/// Largest page a client may ask for.
pub const MAX_PAGE_SIZE: i64 = 200;

/// A validated `?limit=&cursor=`: rows with id below `before_id`, at most `limit` of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    /// Page size, 1..=200.
    pub limit: i64,
    /// The previous page's last id (its `next_cursor`).
    pub before_id: Option<i64>,
}

impl PageRequest {
    /// Parses both parameters, reporting each bad one under its own name.
    pub fn parse(limit: Option<i64>, cursor: Option<&str>) -> Result<Self, Violations> {
        let mut v = Violations::default();
        let limit = limit.unwrap_or(DEFAULT_PAGE_SIZE);
        if !(1..=MAX_PAGE_SIZE).contains(&limit) {
            v.0.push(FieldViolation::new(
                "limit",
                "out_of_range",
                format!("От 1 до {MAX_PAGE_SIZE}"),
            ));
        }
        let before_id = cursor.and_then(|c| match c.parse::<i64>() {
            Ok(id) if id > 0 => Some(id),
            _ => {
                v.0.push(FieldViolation::new(
                    "cursor",
                    "invalid_cursor",
                    "Неверный курсор",
                ));
                None
            }
        });
        v.into_result()?;
        Ok(Self { limit, before_id })
    }

    /// How many rows to fetch: one more than the page, to learn whether another page follows.
    pub fn fetch_limit(self) -> i64 {
        self.limit + 1
    }

    /// Splits fetched rows into this page and the cursor of the next one (if any).
    pub fn split<T>(self, mut rows: Vec<T>, id: impl Fn(&T) -> i64) -> (Vec<T>, Option<String>) {
        let limit = usize::try_from(self.limit).unwrap_or(usize::MAX);
        if rows.len() > limit {
            rows.truncate(limit);
            let next = rows.last().map(|r| id(r).to_string());
            (rows, next)
        } else {
            (rows, None)
        }
    }
}

/// The cursor of lists in time order (visits by start, then id): the last row's instant (in the
/// one fixed-width format, [`crate::clinic_time::rfc3339`]) and id, as `"<instant>~<id>"`.
/// Opaque to clients.
pub fn timeline_cursor(at: DateTime<Utc>, id: AppointmentId) -> String {
    format!("{}~{id}", crate::clinic_time::rfc3339(at))
}

/// Parses a [`timeline_cursor`].
pub fn parse_timeline_cursor(
    field: &str,
    cursor: &str,
) -> Result<(DateTime<Utc>, AppointmentId), FieldViolation> {
    cursor
        .rsplit_once('~')
        .filter(|(at, _)| at.len() == 27 && at.ends_with('Z'))
        .and_then(|(at, id)| {
            let at = DateTime::parse_from_rfc3339(at).ok()?.with_timezone(&Utc);
            Some((at, AppointmentId(id.parse::<i64>().ok()?)))
        })
        .ok_or_else(|| FieldViolation::new(field, "invalid_cursor", "Некорректный курсор страницы"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timeline_cursor_round_trips_and_refuses_garbage() {
        let at = chrono::TimeZone::with_ymd_and_hms(&Utc, 2026, 11, 25, 4, 0, 0).unwrap();
        let c = timeline_cursor(at, AppointmentId(42));
        assert_eq!(c, "2026-11-25T04:00:00.000000Z~42");
        assert_eq!(
            parse_timeline_cursor("cursor", &c).unwrap(),
            (at, AppointmentId(42))
        );
        for bad in [
            "",
            "42",
            "x~1",
            "2026-11-25T04:00:00.000000Z~",
            "2026-11-25T04:00:00.000000Z~z",
        ] {
            assert_eq!(
                parse_timeline_cursor("cursor", bad).unwrap_err().code,
                "invalid_cursor",
                "{bad}"
            );
        }
    }

    #[test]
    fn defaults_and_bounds() {
        assert_eq!(
            PageRequest::parse(None, None),
            Ok(PageRequest {
                limit: 50,
                before_id: None
            })
        );
        assert_eq!(
            PageRequest::parse(Some(200), Some("17")),
            Ok(PageRequest {
                limit: 200,
                before_id: Some(17)
            })
        );
        let e = PageRequest::parse(Some(0), Some("abc")).unwrap_err().0;
        assert_eq!(
            e.iter()
                .map(|v| (v.field.as_str(), v.code))
                .collect::<Vec<_>>(),
            [("limit", "out_of_range"), ("cursor", "invalid_cursor")]
        );
        assert!(PageRequest::parse(Some(201), None).is_err());
        assert!(PageRequest::parse(None, Some("-3")).is_err());
    }

    #[test]
    fn split_keeps_the_page_and_points_at_its_last_id() {
        let req = PageRequest {
            limit: 2,
            before_id: None,
        };
        assert_eq!(req.fetch_limit(), 3);
        assert_eq!(
            req.split(vec![9, 8, 7], |r| *r),
            (vec![9, 8], Some("8".to_owned()))
        );
        assert_eq!(req.split(vec![9, 8], |r| *r), (vec![9, 8], None));
        assert_eq!(req.split(Vec::<i64>::new(), |r| *r), (vec![], None));
    }
}
