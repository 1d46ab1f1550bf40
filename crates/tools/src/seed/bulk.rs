//! `emhana seed-bulk`: a large deterministic dataset for benchmarks, written with the store's
//! multi-row bulk path (no audit rows: not a user action).

use chrono::DateTime;
use emhana_domain::allocate_many;
use emhana_store::bulk::{BulkLine, BulkPayment, BulkVisit};

use super::data::*;
use super::*;

/// What `seed-bulk` generated.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BulkReport {
    /// Extra patients.
    pub patients: usize,
    /// Visits.
    pub visits: usize,
    /// Live payments.
    pub payments: usize,
}

/// Visits per bulk transaction.
const BULK_CHUNK: usize = 5_000;

/// What bulk visits are booked from: doctors, services `(id, base price, minutes, tied doctor)`,
/// weighted lead sources, and the patients.
struct Catalogue {
    doctors: Vec<i64>,
    services: Vec<(i64, i64, i64, Option<i64>)>,
    sources: Vec<(i64, u64)>,
    patients: Vec<i64>,
}

/// A large deterministic dataset for benchmarks: the demo clinic (if the database is empty),
/// one patient per 20 visits, and `visits` visits over the last year with lines, payments and
/// allocations decided by the domain's rules — written with multi-row INSERTs, no audit rows.
/// `password_hash` is the demo accounts' (see [`seed_demo`]). `shape` can ask for more patients
/// (a search benchmark over a million cards) and more doctors (a calendar of 50) than that.
pub async fn seed_bulk(
    store: &Store,
    zone: ClinicZone,
    (visits, seed): (usize, u64),
    shape: BulkShape,
    password_hash: &str,
) -> anyhow::Result<BulkReport> {
    // Doctors, services, lead sources and the demo accounts first (skipped when present).
    let _ = seed_demo(store, zone, 0, password_hash).await?;
    more_doctors(store, shape.doctors).await?;
    let today = zone.local_date(Utc::now());
    let mut rng = Lcg(seed);
    let mut report = BulkReport::default();
    let patients = shape.patients.unwrap_or(visits / 20).max(1);
    let catalogue = catalogue(store, today, patients, &mut rng).await?;
    report.patients = catalogue.patients.len();
    let days: i64 = 365;
    let per_day = visits.div_ceil(days as usize + 3).max(1);
    let mut batch = Vec::with_capacity(BULK_CHUNK);
    for n in 0..visits {
        let day = today - Duration::days(days - (n / per_day) as i64);
        let visit = bulk_visit(&catalogue, (zone, today, day), n % per_day, &mut rng)?;
        report.payments += visit.payments.len();
        batch.push(visit);
        if batch.len() == BULK_CHUNK {
            store.bulk_visits(&batch, None).await?;
            report.visits += batch.len();
            batch.clear();
        }
    }
    store.bulk_visits(&batch, None).await?;
    report.visits += batch.len();
    // The bulk path bypasses the per-visit write paths: aggregate everything once at the end.
    store.rebuild_stats().await?;
    Ok(report)
}

/// Reads the directories and writes `patient_count` generated patients.
/// How many patients and doctors [`seed_bulk`] makes beyond its defaults.
#[derive(Debug, Clone, Copy, Default)]
pub struct BulkShape {
    /// Patients (default: one per 20 visits).
    pub patients: Option<usize>,
    /// At least this many active doctors (the demo clinic has 6; more are added, with the
    /// services that belong to no doctor).
    pub doctors: usize,
}

/// Adds doctors until `at_least` are active.
async fn more_doctors(store: &Store, at_least: usize) -> anyhow::Result<()> {
    let have = store.doctors(false).await?.len();
    let actor = emhana_store::audit::Actor {
        user_id: None,
        request_id: "seed-bulk".into(),
        client_ip: "127.0.0.1".into(),
        api_key_id: None,
    };
    for n in have..at_least {
        let last = SURNAMES[n % SURNAMES.len()];
        let phone = format!("+7 727 260 {:02} {:02}", n / 100 % 100, n % 100);
        let card = emhana_domain::directories::DoctorCard::parse(
            "Врач",
            last,
            "Терапевт",
            Some(&phone),
            None,
        )
        .map_err(|v| anyhow::anyhow!("bulk doctor {n}: {v:?}"))?;
        store.save_doctor(&actor, None, &card).await?;
    }
    Ok(())
}

async fn catalogue(
    store: &Store,
    today: NaiveDate,
    patient_count: usize,
    rng: &mut Lcg,
) -> anyhow::Result<Catalogue> {
    let doctors: Vec<i64> = store.doctors(false).await?.iter().map(|d| d.id).collect();
    let services: Vec<(i64, i64, i64, Option<i64>)> = store
        .services(false, None)
        .await?
        .iter()
        .map(|s| (s.id, s.base_price, s.duration_minutes, s.doctor_id))
        .collect();
    let sources: Vec<(i64, u64)> = store
        .lead_sources(false)
        .await?
        .iter()
        .map(|s| {
            let weight = SOURCES.iter().find(|w| w.0 == s.code).map_or(5, |w| w.1);
            (s.id, weight)
        })
        .collect();
    anyhow::ensure!(
        !doctors.is_empty() && !services.is_empty(),
        "no doctors or services to book"
    );
    let mut cards = Vec::with_capacity(patient_count);
    for n in 0..patient_count {
        let (first, last) = rng.name();
        let phone = format!("+770{:08}", n);
        let input = PatientInput {
            first_name: first,
            last_name: Some(&last),
            phone: &phone,
            ..PatientInput::default()
        };
        cards.push(
            PatientCard::parse(&input, today)
                .map_err(|v| anyhow::anyhow!("bulk patient: {v:?}"))?,
        );
    }
    let patients = store.bulk_patients(&cards).await?;
    Ok(Catalogue {
        doctors,
        services,
        sources,
        patients,
    })
}

/// The `k`-th visit of `day`: its doctor, services (a 10% discount now and then), status, and
/// for completed visits payments split over the lines by the domain's allocation.
fn bulk_visit(
    c: &Catalogue,
    (zone, today, day): (ClinicZone, NaiveDate, NaiveDate),
    k: usize,
    rng: &mut Lcg,
) -> anyhow::Result<BulkVisit> {
    let doctor = c.doctors[k % c.doctors.len()];
    let slot = (k / c.doctors.len()) as u32;
    let start =
        NaiveTime::from_hms_opt(8 + (slot % 12), (slot / 12 % 6) * 10, 0).unwrap_or(NaiveTime::MIN);
    let starts_at = zone.to_utc(day, start);
    let offered: Vec<&(i64, i64, i64, Option<i64>)> = c
        .services
        .iter()
        .filter(|s| s.3.is_none_or(|d| d == doctor))
        .collect();
    let mut chosen = vec![offered[rng.next(offered.len() as u64) as usize]];
    if rng.next(3) == 0 {
        let second = offered[rng.next(offered.len() as u64) as usize];
        if second.0 != chosen[0].0 {
            chosen.push(second);
        }
    }
    let mut lines: Vec<BulkLine> = chosen
        .iter()
        .map(|s| BulkLine {
            service_id: s.0,
            base_price: s.1,
            price: if rng.next(10) == 0 {
                s.1 / 100 * 90
            } else {
                s.1
            },
            paid: 0,
        })
        .collect();
    let minutes: i64 = chosen.iter().map(|s| s.2).sum();
    let source_id = rng.weighted(&c.sources);
    let status = if day >= today {
        VisitStatus::Scheduled
    } else {
        match rng.next(100) {
            0..=4 => VisitStatus::Cancelled,
            5..=11 => VisitStatus::NoShow,
            _ => VisitStatus::Completed,
        }
    };
    let total: i64 = lines.iter().map(|l| l.price).sum();
    let to_pay = if status == VisitStatus::Completed {
        match rng.next(10) {
            0 => 0,
            1 | 2 => total / 2,
            _ => total,
        }
    } else {
        0
    };
    let paid_at = starts_at + Duration::minutes(45);
    let payments = pay(&mut lines, to_pay, (paid_at, zone.local_date(paid_at)), rng)?;
    Ok(BulkVisit {
        patient_id: c.patients[rng.next(c.patients.len() as u64) as usize],
        doctor_id: doctor,
        starts_at,
        ends_at: starts_at + Duration::minutes(minutes.max(10)),
        local_date: day,
        status,
        source_id,
        lines,
        payments,
        total,
        paid: to_pay,
        payment_status: PaymentStatus::derive(Money::from_tiyn(total), Money::from_tiyn(to_pay)),
    })
}

/// Pays `to_pay` tiyn on the lines (one method, or card + cash), split by the domain's
/// allocation; adds the parts to the lines' paid.
fn pay(
    lines: &mut [BulkLine],
    to_pay: i64,
    (paid_at, local_date): (DateTime<Utc>, NaiveDate),
    rng: &mut Lcg,
) -> anyhow::Result<Vec<BulkPayment>> {
    if to_pay <= 0 {
        return Ok(Vec::new());
    }
    let parts: Vec<(PaymentMethod, i64)> = if rng.next(5) == 0 && to_pay >= 200 {
        vec![
            (PaymentMethod::Card, to_pay / 2),
            (PaymentMethod::Cash, to_pay - to_pay / 2),
        ]
    } else {
        vec![(PaymentMethod::ALL[rng.next(4) as usize], to_pay)]
    };
    let amounts: Vec<Money> = parts.iter().map(|p| Money::from_tiyn(p.1)).collect();
    let owed: Vec<Money> = lines.iter().map(|l| Money::from_tiyn(l.price)).collect();
    let split =
        allocate_many(&amounts, &owed).map_err(|e| anyhow::anyhow!("bulk allocation: {e}"))?;
    let mut payments = Vec::with_capacity(parts.len());
    for ((method, amount), parts) in parts.into_iter().zip(split) {
        for (line, part) in lines.iter_mut().zip(&parts) {
            line.paid += part.tiyn();
        }
        payments.push(BulkPayment {
            method,
            amount,
            paid_at,
            local_date,
            allocations: parts
                .iter()
                .enumerate()
                .filter(|(_, p)| !p.is_zero())
                .map(|(i, p)| (i, p.tiyn()))
                .collect(),
        });
    }
    Ok(payments)
}
