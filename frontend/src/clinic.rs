//! The clinic's clock: visits are shown and entered in the clinic's time zone (from `/healthz`),
//! never the browser's, so a receptionist on a laptop set to another zone still books 10:00
//! clinic time.
//!
//! The conversion uses the browser's own tz database (`Intl.DateTimeFormat` with `timeZone`),
//! so the SPA does not ship one (chrono-tz would add ~450 KB gzip to the wasm).

use std::cell::RefCell;

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use js_sys::{Array, Date, Intl, Object, Reflect};
use wasm_bindgen::JsValue;

/// The server's default zone, until `/healthz` says otherwise.
const DEFAULT_ZONE: &str = "Asia/Almaty";

thread_local! {
    static FORMAT: RefCell<Option<Intl::DateTimeFormat>> = const { RefCell::new(None) };
}

fn formatter(zone: &str) -> Intl::DateTimeFormat {
    let options = Object::new();
    let set = |k: &str, v: &str| {
        let _ = Reflect::set(&options, &JsValue::from_str(k), &JsValue::from_str(v));
    };
    set("timeZone", zone);
    set("hourCycle", "h23");
    for part in ["year", "month", "day", "hour", "minute", "second"] {
        set(part, "numeric");
    }
    Intl::DateTimeFormat::new(&Array::of1(&JsValue::from_str("en-US")), &options)
}

/// Remembers the server's zone (called once the health answer arrives). An unknown zone keeps
/// the default.
pub fn set_zone(name: &str) {
    let f = formatter(name);
    let resolved = Reflect::get(&f.resolved_options(), &JsValue::from_str("timeZone"))
        .ok()
        .and_then(|v| v.as_string());
    if resolved.is_some() {
        FORMAT.with(|c| *c.borrow_mut() = Some(f));
    }
}

/// The clinic-local wall-clock time of an instant.
fn to_local(at: DateTime<Utc>) -> Option<NaiveDateTime> {
    let date = Date::new(&JsValue::from_f64(at.timestamp_millis() as f64));
    let parts = FORMAT.with(|c| {
        let mut c = c.borrow_mut();
        c.get_or_insert_with(|| formatter(DEFAULT_ZONE))
            .format_to_parts(&date)
    });
    let mut v = [0u32; 6];
    for part in parts.iter() {
        let kind = Reflect::get(&part, &JsValue::from_str("type"))
            .ok()?
            .as_string()?;
        let value = Reflect::get(&part, &JsValue::from_str("value"))
            .ok()?
            .as_string()?;
        let i = match kind.as_str() {
            "year" => 0,
            "month" => 1,
            "day" => 2,
            "hour" => 3,
            "minute" => 4,
            "second" => 5,
            _ => continue,
        };
        v[i] = value.parse().ok()?;
    }
    NaiveDate::from_ymd_opt(i32::try_from(v[0]).ok()?, v[1], v[2])?.and_hms_opt(v[3], v[4], v[5])
}

/// A stored instant (`2026-11-26T05:00:00.000000Z`) as clinic-local date and time.
pub fn local(at: &str) -> Option<NaiveDateTime> {
    DateTime::parse_from_rfc3339(at)
        .ok()
        .and_then(|t| to_local(t.with_timezone(&Utc)))
}

/// `10:00`.
pub fn hm(at: &str) -> String {
    local(at).map_or_else(String::new, |t| crate::dates::hm(t.time()))
}

/// `26.11.2026 10:00` (as the UI language writes a day).
pub fn day_hm(at: &str) -> String {
    local(at).map_or_else(String::new, |t| {
        crate::dates::stamp(crate::i18n::t().formats.date_time, t)
    })
}

/// Clinic-local date and time as the RFC 3339 instant the API takes: the zone's offset at that
/// moment, found by asking the browser twice (the second answer settles a DST change).
pub fn to_api(date: NaiveDate, time: NaiveTime) -> String {
    let wall = date.and_time(time);
    let offset =
        |utc: DateTime<Utc>| to_local(utc).map_or(Duration::zero(), |l| l - utc.naive_utc());
    let guess = wall.and_utc() - offset(wall.and_utc());
    (wall.and_utc() - offset(guess)).to_rfc3339()
}

/// Today in the clinic.
pub fn today() -> NaiveDate {
    to_local(Utc::now()).map_or_else(|| Utc::now().date_naive(), |t| t.date())
}
