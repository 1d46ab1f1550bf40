//! The clinic's clock: visits are shown and entered in the clinic's time zone (from `/healthz`),
//! never the browser's, so a receptionist on a laptop set to another zone still books 10:00
//! clinic time.

use std::cell::Cell;

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use emhana_domain::ClinicZone;

thread_local! {
    static ZONE: Cell<Option<ClinicZone>> = const { Cell::new(None) };
}

/// Remembers the server's zone (called once the health answer arrives).
pub fn set_zone(name: &str) {
    if let Ok(z) = ClinicZone::parse("timezone", name) {
        ZONE.with(|c| c.set(Some(z)));
    }
}

/// The clinic's zone (the server default `Asia/Almaty` until the server said otherwise).
pub fn zone() -> ClinicZone {
    ZONE.with(Cell::get).unwrap_or_default()
}

/// A stored instant (`2026-11-26T05:00:00.000000Z`) as clinic-local date and time.
pub fn local(at: &str) -> Option<NaiveDateTime> {
    DateTime::parse_from_rfc3339(at)
        .ok()
        .map(|t| zone().local_datetime(t.with_timezone(&Utc)))
}

/// `10:00`.
pub fn hm(at: &str) -> String {
    local(at).map_or_else(String::new, |t| t.format("%H:%M").to_string())
}

/// `26.11.2026 10:00`.
pub fn day_hm(at: &str) -> String {
    local(at).map_or_else(String::new, |t| t.format("%d.%m.%Y %H:%M").to_string())
}

/// Clinic-local date and time as the RFC 3339 instant the API takes.
pub fn to_api(date: NaiveDate, time: NaiveTime) -> String {
    zone().to_utc(date, time).to_rfc3339()
}

/// Today in the clinic.
pub fn today() -> NaiveDate {
    zone().local_date(Utc::now())
}
