//! The one textual format for instants in both databases.
//!
//! Fixed-width RFC 3339 in UTC with microseconds (`2026-11-25T07:30:00.000000Z`): it sorts
//! lexicographically in the same order as time, compares correctly in SQL on both backends, and
//! decodes through the Any driver as plain text.

use chrono::{DateTime, NaiveDate, Utc};
use emhana_domain::Money;
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::StoreError;

/// Encodes an instant for storage.
pub fn encode(at: DateTime<Utc>) -> String {
    emhana_domain::clinic_time::rfc3339(at)
}

/// Decodes an instant written by [`encode`].
pub fn decode(text: &str) -> Result<DateTime<Utc>, StoreError> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| StoreError::Config(format!("stored instant {text:?} is not RFC 3339: {e}")))
}

/// Decodes a stored clinic-local day (`YYYY-MM-DD`).
pub fn decode_day(text: &str) -> Result<NaiveDate, StoreError> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|e| StoreError::Config(format!("stored day {text:?} is not YYYY-MM-DD: {e}")))
}

/// Encodes a clinic-local day for storage (`YYYY-MM-DD`, sorts as days do).
pub fn encode_day(day: NaiveDate) -> String {
    day.format("%Y-%m-%d").to_string()
}

/// A column that holds something other than what the schema promises: corrupt data, reported
/// as a decode error of that column.
fn corrupt(column: &str, what: String) -> sqlx::Error {
    sqlx::Error::ColumnDecode {
        index: column.to_owned(),
        source: what.into(),
    }
}

/// A 0/1 flag column (`is_active`, `is_default`): both backends store an integer; rows decode
/// it into a `bool` here (`#[sqlx(try_from = "Flag")]`), so nobody compares with `== 1`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Flag(pub bool);

impl From<Flag> for bool {
    fn from(f: Flag) -> bool {
        f.0
    }
}

impl sqlx::Type<sqlx::Any> for Flag {
    fn type_info() -> sqlx::any::AnyTypeInfo {
        <i64 as sqlx::Type<sqlx::Any>>::type_info()
    }

    fn compatible(ty: &sqlx::any::AnyTypeInfo) -> bool {
        <i64 as sqlx::Type<sqlx::Any>>::compatible(ty)
    }
}

impl<'r> sqlx::Decode<'r, sqlx::Any> for Flag {
    fn decode(value: sqlx::any::AnyValueRef<'r>) -> Result<Self, sqlx::error::BoxDynError> {
        Ok(Self(<i64 as sqlx::Decode<sqlx::Any>>::decode(value)? != 0))
    }
}

/// Row decoding at the store's boundary: columns become domain values here, once.
pub(crate) mod column {
    use super::*;

    /// An instant column written by [`encode`].
    pub fn instant(row: &AnyRow, column: &str) -> sqlx::Result<DateTime<Utc>> {
        let text: String = row.try_get(column)?;
        decode(&text).map_err(|e| corrupt(column, e.to_string()))
    }

    /// A nullable instant column.
    pub fn maybe_instant(row: &AnyRow, column: &str) -> sqlx::Result<Option<DateTime<Utc>>> {
        let text: Option<String> = row.try_get(column)?;
        text.map(|t| decode(&t).map_err(|e| corrupt(column, e.to_string())))
            .transpose()
    }

    /// A clinic-local day column (`YYYY-MM-DD`).
    pub fn day(row: &AnyRow, column: &str) -> sqlx::Result<NaiveDate> {
        let text: String = row.try_get(column)?;
        NaiveDate::parse_from_str(&text, "%Y-%m-%d")
            .map_err(|e| corrupt(column, format!("{text:?} is not a day: {e}")))
    }

    /// A money column (BIGINT tiyn).
    pub fn money(row: &AnyRow, column: &str) -> sqlx::Result<Money> {
        Ok(Money::from_tiyn(row.try_get(column)?))
    }

    /// A column holding a stable code (`status`, `method`), parsed by the domain's `from_code`.
    pub fn code<T>(row: &AnyRow, column: &str, parse: fn(&str) -> Option<T>) -> sqlx::Result<T> {
        let text: String = row.try_get(column)?;
        parse(&text).ok_or_else(|| corrupt(column, format!("unknown code {text:?}")))
    }

    /// A nullable code column.
    pub fn maybe_code<T>(
        row: &AnyRow,
        column: &str,
        parse: fn(&str) -> Option<T>,
    ) -> sqlx::Result<Option<T>> {
        let text: Option<String> = row.try_get(column)?;
        text.map(|t| parse(&t).ok_or_else(|| corrupt(column, format!("unknown code {t:?}"))))
            .transpose()
    }
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
