//! The one textual format for instants in both databases.
//!
//! Fixed-width RFC 3339 in UTC with microseconds (`2026-11-25T07:30:00.000000Z`): it sorts
//! lexicographically in the same order as time, compares correctly in SQL on both backends, and
//! decodes through the Any driver as plain text.

use chrono::{DateTime, SecondsFormat, Utc};

use crate::StoreError;

/// Encodes an instant for storage.
pub fn encode(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Micros, true)
}

/// Decodes an instant written by [`encode`].
pub fn decode(text: &str) -> Result<DateTime<Utc>, StoreError> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| StoreError::Config(format!("stored instant {text:?} is not RFC 3339: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn instants_round_trip_with_fixed_width() {
        let at = Utc
            .with_ymd_and_hms(2026, 3, 1, 0, 5, 9)
            .single()
            .unwrap_or_default();
        let text = encode(at);
        assert_eq!(text, "2026-03-01T00:05:09.000000Z");
        assert_eq!(decode(&text).ok(), Some(at));
    }

    #[test]
    fn text_order_is_time_order() {
        let a = Utc
            .with_ymd_and_hms(2026, 1, 9, 23, 0, 0)
            .single()
            .unwrap_or_default();
        let b = Utc
            .with_ymd_and_hms(2026, 1, 10, 1, 0, 0)
            .single()
            .unwrap_or_default();
        assert!(encode(a) < encode(b));
    }
}
