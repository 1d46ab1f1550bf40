//! A patient's history in figures, for the card: how many visits, what was billed and paid,
//! what is owed, when they first and last came, how they found the clinic, and the next visit.

use chrono::{DateTime, Utc};

use crate::money::{Money, MoneyError};
use crate::visit_status::VisitStatus;

/// One of the patient's visits as the history counts it.
#[derive(Debug, Clone, Copy)]
pub struct HistoryVisit<'a> {
    /// Its status now.
    pub status: VisitStatus,
    /// What it is worth.
    pub total: Money,
    /// What was paid for it (net of refunds).
    pub paid: Money,
    /// When it starts.
    pub starts_at: DateTime<Utc>,
    /// The lead source's label.
    pub source: &'a str,
}

/// A patient's totals.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct History {
    /// Visits that count (every status but cancelled).
    pub visits: u32,
    /// Visits that took place (in progress or completed).
    pub attended: u32,
    /// Σ total of the visits that took place: services rendered.
    pub billed: Money,
    /// Σ paid over every visit: what the patient brought the clinic (lifetime value).
    pub paid: Money,
    /// Σ of what remains unpaid on visits that took place.
    pub debt: Money,
    /// First visit that took place.
    pub first_visit: Option<DateTime<Utc>>,
    /// Latest visit that took place.
    pub last_visit: Option<DateTime<Utc>>,
    /// The next booked visit after `now`.
    pub next_visit: Option<DateTime<Utc>>,
    /// The source of the patient's first counting visit: how they found the clinic.
    pub source: Option<String>,
}

impl History {
    /// Sums `visits` (any order) as of `now`.
    pub fn of<'a>(
        visits: impl IntoIterator<Item = HistoryVisit<'a>>,
        now: DateTime<Utc>,
    ) -> Result<Self, MoneyError> {
        let mut h = Self::default();
        let mut first_counting: Option<(DateTime<Utc>, &str)> = None;
        for v in visits {
            h.paid = h.paid.checked_add(v.paid)?;
            if !v.status.counts_as_visit() {
                continue;
            }
            h.visits += 1;
            if first_counting.is_none_or(|(at, _)| v.starts_at < at) {
                first_counting = Some((v.starts_at, v.source));
            }
            match v.status {
                VisitStatus::InProgress | VisitStatus::Completed => {
                    h.attended += 1;
                    h.billed = h.billed.checked_add(v.total)?;
                    if v.total > v.paid {
                        h.debt = h.debt.checked_add(v.total.checked_sub(v.paid)?)?;
                    }
                    h.first_visit = Some(h.first_visit.map_or(v.starts_at, |f| f.min(v.starts_at)));
                    h.last_visit = Some(h.last_visit.map_or(v.starts_at, |l| l.max(v.starts_at)));
                }
                VisitStatus::Scheduled if v.starts_at > now => {
                    h.next_visit = Some(h.next_visit.map_or(v.starts_at, |n| n.min(v.starts_at)));
                }
                _ => {}
            }
        }
        h.source = first_counting.map(|(_, s)| s.to_owned());
        Ok(h)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(d: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, d, 5, 0, 0).unwrap()
    }

    fn visit(
        status: VisitStatus,
        total: i64,
        paid: i64,
        day: u32,
        source: &str,
    ) -> HistoryVisit<'_> {
        HistoryVisit {
            status,
            total: Money::from_tiyn(total * 100),
            paid: Money::from_tiyn(paid * 100),
            starts_at: at(day),
            source,
        }
    }

    #[test]
    fn totals_count_what_took_place_and_what_was_paid() {
        use VisitStatus::*;
        let h = History::of(
            [
                visit(Completed, 10_000, 10_000, 10, "Instagram"),
                visit(Cancelled, 5_000, 0, 3, "2GIS"),
                visit(Completed, 8_000, 5_000, 12, "Рекомендация"),
                visit(NoShow, 4_000, 0, 14, "Рекомендация"),
                visit(Scheduled, 7_000, 2_000, 30, "Рекомендация"),
                visit(Scheduled, 7_000, 0, 28, "Рекомендация"),
                visit(InProgress, 3_000, 0, 20, "Рекомендация"),
            ],
            at(21),
        )
        .unwrap();
        assert_eq!((h.visits, h.attended), (6, 3), "cancelled never counts");
        assert_eq!(h.billed, Money::from_tiyn(2_100_000));
        assert_eq!(
            h.paid,
            Money::from_tiyn(1_700_000),
            "a prepayment counts as paid"
        );
        assert_eq!(
            h.debt,
            Money::from_tiyn(600_000),
            "3 000 + 3 000; future and no-show owe nothing"
        );
        assert_eq!((h.first_visit, h.last_visit), (Some(at(10)), Some(at(20))));
        assert_eq!(h.next_visit, Some(at(28)));
        assert_eq!(
            h.source.as_deref(),
            Some("Instagram"),
            "the first counting visit's, not the cancelled one's"
        );
    }

    #[test]
    fn a_new_patient_has_an_empty_history() {
        let h = History::of([], at(1)).unwrap();
        assert_eq!(h, History::default());
        let overpaid =
            History::of([visit(VisitStatus::Completed, 100, 150, 1, "x")], at(2)).unwrap();
        assert_eq!(
            overpaid.debt,
            Money::ZERO,
            "an overpayment is not a negative debt"
        );
    }
}
