//! Automatic backups from `emhana serve`: once a day at a clinic-local time
//! (`EMHANA_BACKUP_TIME`, default 02:00; `off` disables), then retention. A failure is logged,
//! kept in the status (`/readyz`, `/metrics`, the SPA) and tried again the next day; a backup
//! already running (another instance, the CLI) is simply skipped.

use std::sync::Arc;

use chrono::{DateTime, Days, NaiveTime, Utc};
use emhana_domain::ClinicZone;

use super::{Backups, Busy};

/// The first instant after `now` whose clinic-local time is `at`.
pub fn next_run(now: DateTime<Utc>, at: NaiveTime, zone: ClinicZone) -> DateTime<Utc> {
    let today = zone.local_date(now);
    let candidate = zone.to_utc(today, at);
    if candidate > now {
        return candidate;
    }
    let tomorrow = today.checked_add_days(Days::new(1)).unwrap_or(today);
    zone.to_utc(tomorrow, at)
}

/// Parses `EMHANA_BACKUP_TIME`: `HH:MM`, or `off`.
pub fn parse_time(value: &str) -> anyhow::Result<Option<NaiveTime>> {
    let v = value.trim();
    if v.eq_ignore_ascii_case("off") {
        return Ok(None);
    }
    NaiveTime::parse_from_str(v, "%H:%M")
        .map(Some)
        .map_err(|_| anyhow::anyhow!("EMHANA_BACKUP_TIME must be HH:MM or off (got {v:?})"))
}

/// Runs forever: sleeps until the next run, takes a backup, repeats.
pub async fn run(backups: Arc<Backups>, at: NaiveTime, zone: ClinicZone) {
    loop {
        let now = Utc::now();
        let wait = (next_run(now, at, zone) - now).to_std().unwrap_or_default();
        tokio::time::sleep(wait).await;
        match backups.create("daily").await {
            Err(e) if e.is::<Busy>() => {
                tracing::info!("daily backup skipped: another one is running")
            }
            // Logged and kept in the status by `create`.
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn the_next_run_is_today_or_tomorrow_at_the_local_time() {
        let z = ClinicZone::default();
        let two = NaiveTime::from_hms_opt(2, 0, 0).unwrap();
        // 2026-11-28 01:00 in Almaty (UTC+5) → today 02:00 local = 21:00Z the day before.
        assert_eq!(
            next_run(utc("2026-11-27T20:00:00Z"), two, z),
            utc("2026-11-27T21:00:00Z")
        );
        // Exactly at 02:00 → tomorrow.
        assert_eq!(
            next_run(utc("2026-11-27T21:00:00Z"), two, z),
            utc("2026-11-28T21:00:00Z")
        );
        assert_eq!(
            next_run(utc("2026-11-28T10:00:00Z"), two, z),
            utc("2026-11-28T21:00:00Z")
        );
    }

    #[test]
    fn times_parse_or_switch_off() {
        assert_eq!(
            parse_time("02:30").unwrap(),
            NaiveTime::from_hms_opt(2, 30, 0)
        );
        assert_eq!(parse_time("OFF").unwrap(), None);
        assert!(parse_time("25:00").is_err());
    }
}
