//! `emhana seed-demo`: a believable demo clinic (Kazakh names, the old system's kind of services
//! and tenge prices) so a first `cargo xtask run` shows a working CRM, not empty tables.
//!
//! Everything goes through the same store calls the API uses (validated cards, audit rows with
//! the request id `seed-demo`). Data is deterministic: the same run gives the same clinic.

use chrono::{Duration, NaiveDate, NaiveTime, Utc};
use emhana_domain::access::VisitAuthority;
use emhana_domain::balance::TopUp;
use emhana_domain::bonus::BonusProgramme;
use emhana_domain::booking::{NewVisit, StatusMove};
use emhana_domain::cash_desk::{CashMovement, CashMovementKind, ShiftCount};
use emhana_domain::directories::{DoctorCard, ServiceCard};
use emhana_domain::ids::{DoctorId, LeadSourceId, PatientId, RegisterId, ServiceId, ShiftId};
use emhana_domain::patient::{PatientCard, PatientInput};
use emhana_domain::validation::PersonName;
use emhana_domain::{
    ClinicZone, Money, PaymentMethod, PaymentRequest, PaymentStatus, Role, VisitStatus,
};
use emhana_store::audit::Actor;
use emhana_store::refunds::Till;
use emhana_store::users::NewUser;
use emhana_store::visits::Visit;
use emhana_store::Store;

mod bulk;
mod data;
mod legacy_file;

pub use bulk::{seed_bulk, BulkReport, BulkShape};
use data::*;
pub use legacy_file::{write_legacy_file, LegacyFileReport};

/// Settings key written when the demo clinic has been seeded (so `--if-empty` seeds once).
const SEEDED_KEY: &str = "demo_seeded_at";

/// The demo staff accounts and their password (printed by `cargo xtask run`).
pub const DEMO_PASSWORD: &str = "emhana-demo-2026";

/// What was seeded.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct SeedReport {
    /// Doctors created.
    pub doctors: usize,
    /// Services created.
    pub services: usize,
    /// Patients created.
    pub patients: usize,
    /// Staff accounts created.
    pub users: usize,
    /// Visits booked.
    pub visits: usize,
}

/// Why nothing was seeded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Skipped {
    /// The demo clinic was seeded before.
    AlreadySeeded,
    /// The database already holds a real clinic's doctors or patients.
    NotEmpty,
}

impl std::fmt::Display for Skipped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::AlreadySeeded => "the demo clinic was seeded before",
            Self::NotEmpty => "the database already holds doctors or patients",
        })
    }
}

fn actor() -> Actor {
    Actor {
        user_id: None,
        request_id: "seed-demo".into(),
        client_ip: "local".into(),
        api_key_id: None,
    }
}

/// Seeds the demo clinic into an empty database, once, with `visits` visits spread over the
/// last four weeks and the next three days (past ones completed and mostly paid). The staff
/// accounts get `password_hash` (the caller hashes [`DEMO_PASSWORD`] with the server's hasher).
pub async fn seed_demo(
    store: &Store,
    zone: ClinicZone,
    visits: usize,
    password_hash: &str,
) -> anyhow::Result<Result<SeedReport, Skipped>> {
    let today = zone.local_date(Utc::now());
    if store.setting(SEEDED_KEY).await?.is_some() {
        return Ok(Err(Skipped::AlreadySeeded));
    }
    if !store.doctors(true).await?.is_empty() || store.count_patients().await? > 0 {
        return Ok(Err(Skipped::NotEmpty));
    }
    let actor = actor();
    let mut report = SeedReport::default();
    let mut rng = Lcg(2026);
    let (doctor_ids, service_ids) = seed_directories(store, &actor, &mut report).await?;
    let patient_ids = seed_patients(store, &actor, today, &mut rng, &mut report).await?;
    seed_users(store, &actor, doctor_ids[0], password_hash, &mut report).await?;
    let plan = VisitPlan {
        zone,
        today,
        doctors: &doctor_ids,
        services: &service_ids,
        patients: &patient_ids,
    };
    seed_bonus_programme(store, &actor, today).await?;
    report.visits = seed_visits(store, &actor, &plan, visits, &mut rng).await?;
    store
        .setting_or_insert(SEEDED_KEY, &chrono::Utc::now().to_rfc3339())
        .await?;
    Ok(Ok(report))
}

/// The demo doctors and price list; returns the doctors' ids and the services' (id, tied doctor).
async fn seed_directories(
    store: &Store,
    actor: &Actor,
    report: &mut SeedReport,
) -> anyhow::Result<(Vec<i64>, Vec<(i64, Option<i64>)>)> {
    let mut doctor_ids = Vec::new();
    let mut service_ids = Vec::new();
    for (i, (first, last, spec)) in DOCTORS.iter().enumerate() {
        let phone = format!("+7 727 250 00 {:02}", 10 + i);
        let card = DoctorCard::parse(first, last, spec, Some(&phone), None)
            .map_err(|v| anyhow::anyhow!("demo doctor {first}: {v:?}"))?;
        doctor_ids.push(store.save_doctor(actor, None, &card).await?.id);
        report.doctors += 1;
    }
    for (name, tenge, minutes, doctor) in SERVICES {
        let card = ServiceCard::parse(name, None, &tenge.to_string(), *minutes)
            .map_err(|v| anyhow::anyhow!("demo service {name}: {v:?}"))?;
        let doctor_id = doctor.map(|i| doctor_ids[i]);
        let row = store.save_service(actor, None, &card, doctor_id).await?;
        service_ids.push((row.id, doctor_id));
        report.services += 1;
    }
    Ok((doctor_ids, service_ids))
}

/// The demo patients (Kazakh and Russian names, phones in the usual spellings); their ids.
async fn seed_patients(
    store: &Store,
    actor: &Actor,
    today: NaiveDate,
    rng: &mut Lcg,
    report: &mut SeedReport,
) -> anyhow::Result<Vec<i64>> {
    let mut patient_ids = Vec::new();
    for n in 0..PATIENTS {
        let (first, last) = rng.name();
        let operator = ["701", "702", "705", "707", "747", "777", "778"][rng.next(7) as usize];
        let phone = format!(
            "8 {operator} {:03} {:02} {:02}",
            100 + n,
            rng.next(100),
            rng.next(100)
        );
        let birth = NaiveDate::from_ymd_opt(
            1955 + rng.next(60) as i32,
            1 + rng.next(12) as u32,
            1 + rng.next(28) as u32,
        )
        .filter(|d| *d <= today);
        let email = (rng.next(3) == 0).then(|| format!("patient{n}@example.kz"));
        let birth = birth.map(|d| d.format("%Y-%m-%d").to_string());
        let input = PatientInput {
            first_name: first,
            last_name: Some(&last),
            birth_date: birth.as_deref(),
            phone: &phone,
            email: email.as_deref(),
            notes: None,
        };
        let card = PatientCard::parse(&input, today)
            .map_err(|v| anyhow::anyhow!("demo patient {first} {last}: {v:?}"))?;
        patient_ids.push(store.create_patient(actor, &card, None).await?.id);
        report.patients += 1;
    }
    Ok(patient_ids)
}

/// The demo staff accounts (skipping logins that exist); the doctor account is `doctor`'s.
async fn seed_users(
    store: &Store,
    actor: &Actor,
    doctor: i64,
    password_hash: &str,
    report: &mut SeedReport,
) -> anyhow::Result<()> {
    for (login, name, role) in DEMO_USERS {
        if store.user_by_login(login).await?.is_some() {
            continue;
        }
        let new = NewUser {
            login: (*login).to_owned(),
            display_name: PersonName::parse("name", name)?.as_str().to_owned(),
            role: *role,
            password_hash: password_hash.to_owned(),
            doctor_id: (*role == Role::Doctor).then_some(doctor),
        };
        store.create_user(actor, new).await?;
        report.users += 1;
    }
    Ok(())
}

/// The demo clinic's loyalty programme, in force from the first demo day: 5 % back on every
/// tender, up to 30 % of a visit payable by bonuses, bonuses last 180 days, 2 000 ₸ welcome for
/// a patient who came by recommendation.
async fn seed_bonus_programme(
    store: &Store,
    actor: &Actor,
    today: NaiveDate,
) -> anyhow::Result<()> {
    let referral = store
        .lead_sources(false)
        .await?
        .into_iter()
        .find(|s| s.code == "referral")
        .map(|s| LeadSourceId(s.id));
    let programme = BonusProgramme {
        enabled: true,
        accrual_bp: 500,
        earning: PaymentMethod::TENDERS
            .into_iter()
            .chain([PaymentMethod::Balance])
            .collect(),
        max_share_bp: 3_000,
        expiry_days: 180,
        welcome: Money::from_tiyn(200_000),
        welcome_source: referral,
        effective_from: today - Duration::days(DEMO_DAYS_BACK),
    };
    store
        .save_bonus_programme(actor, &programme, Utc::now())
        .await
        .map_err(|e| anyhow::anyhow!("demo bonus programme: {e}"))
}

/// A demo deposit: on every seventh day one patient prepays a course, 50 000 ₸ in cash, into
/// that day's shift (not revenue; the day's close counts it).
async fn seed_deposit(
    store: &Store,
    actor: &Actor,
    plan: &VisitPlan<'_>,
    day: NaiveDate,
    rng: &mut Lcg,
) -> anyhow::Result<()> {
    let patient = PatientId(plan.patients[rng.next(plan.patients.len() as u64) as usize]);
    let request = TopUp {
        method: PaymentMethod::Cash,
        amount: Money::from_tiyn(5_000_000),
        note: Some("Предоплата курса лечения".to_owned()),
    };
    let till = Till {
        register: Some(RegisterId(1)),
        at: plan
            .zone
            .to_utc(day, NaiveTime::from_hms_opt(8, 45, 0).unwrap_or_default()),
        zone: plan.zone,
    };
    store
        .top_up(actor, patient, &request, (till, None))
        .await
        .map_err(|e| anyhow::anyhow!("demo deposit: {e}"))?;
    Ok(())
}

/// How far back the demo clinic's history starts.
const DEMO_DAYS_BACK: i64 = 28;

/// What the demo visits are made of.
struct VisitPlan<'a> {
    zone: ClinicZone,
    today: NaiveDate,
    doctors: &'a [i64],
    /// (service, tied doctor).
    services: &'a [(i64, Option<i64>)],
    patients: &'a [i64],
}

/// Books `count` visits: day by day from four weeks ago, each doctor's hours filled from 09:00
/// in order (so nothing clashes), then moves past ones through their statuses and pays them.
async fn seed_visits(
    store: &Store,
    actor: &Actor,
    plan: &VisitPlan<'_>,
    count: usize,
    rng: &mut Lcg,
) -> anyhow::Result<usize> {
    const DAYS_BACK: i64 = DEMO_DAYS_BACK;
    const DAYS: i64 = DAYS_BACK + 3;
    let per_day = count.div_ceil(DAYS as usize).max(1);
    let mut booked = 0;
    for d in 0..DAYS {
        let day = plan.today - Duration::days(DAYS_BACK - d);
        if booked == count && day > plan.today {
            break;
        }
        // The front desk's day: a shift opens before the first visit; past days close with an
        // exact count (the Z history), today's stays open.
        let shift = if day <= plan.today {
            let opens = plan
                .zone
                .to_utc(day, NaiveTime::from_hms_opt(8, 30, 0).unwrap_or_default());
            Some(
                store
                    .open_shift(
                        actor,
                        RegisterId(1),
                        float(store).await?,
                        (opens, plan.zone),
                    )
                    .await
                    .map_err(|e| anyhow::anyhow!("demo shift: {e}"))?,
            )
        } else {
            None
        };
        if shift.is_some() && d % 7 == 3 {
            seed_deposit(store, actor, plan, day, rng).await?;
        }
        for k in 0..per_day {
            if booked == count {
                break;
            }
            let doctor = plan.doctors[k % plan.doctors.len()];
            // Each doctor's k-th visit of the day: 09:00, 10:00, ... (wraps onto minutes past).
            let slot = k / plan.doctors.len();
            let start =
                NaiveTime::from_hms_opt(9 + (slot % 10) as u32, ((slot / 10) % 6) as u32 * 10, 0)
                    .unwrap_or(NaiveTime::MIN);
            let offered: Vec<i64> = plan
                .services
                .iter()
                .filter(|(_, tied)| tied.is_none_or(|t| t == doctor))
                .map(|(id, _)| *id)
                .collect();
            let first = offered[rng.next(offered.len() as u64) as usize];
            let mut service_ids = vec![first];
            if rng.next(3) == 0 {
                let second = offered[rng.next(offered.len() as u64) as usize];
                if second != first {
                    service_ids.push(second);
                }
            }
            let source = rng.weighted(SOURCES);
            let new = NewVisit {
                patient_id: PatientId(plan.patients[rng.next(plan.patients.len() as u64) as usize]),
                doctor_id: DoctorId(doctor),
                starts_at: plan.zone.to_utc(day, start),
                ends_at: Some(plan.zone.to_utc(day, start) + Duration::minutes(50)),
                service_ids: service_ids.into_iter().map(ServiceId).collect(),
                source: Some(source.to_owned()),
                notes: None,
                // Ten-minute steps past 18:50 could touch an earlier slot: never block the seed.
                overlap_reason: Some("демо-данные".to_owned()).filter(|_| slot >= 10),
            };
            let zone = plan.zone;
            let visit = store
                .book_visit(actor, &new, zone)
                .await
                .map_err(|e| anyhow::anyhow!("demo visit: {e}"))?;
            booked += 1;
            if day < plan.today {
                finish_and_pay(store, actor, &visit, zone, rng).await?;
            }
        }
        if let Some(shift) = shift.filter(|_| day < plan.today) {
            close_exactly(
                store,
                actor,
                shift.id,
                plan.zone
                    .to_utc(day, NaiveTime::from_hms_opt(20, 0, 0).unwrap_or_default()),
            )
            .await?;
        }
    }
    Ok(booked)
}

/// The float a demo shift opens with: 20 000 ₸, kept from day to day (each close hands the
/// rest over).
async fn float(store: &Store) -> anyhow::Result<Money> {
    let last = store.shifts(Some(RegisterId(1)), (None, None)).await?;
    Ok(last
        .first()
        .map_or(Money::from_tiyn(2_000_000), |s| s.opening.counted))
}

/// Counts and closes a demo shift with exactly what is expected (cash handed over to the safe
/// is left out: the next day opens with the same float).
async fn close_exactly(
    store: &Store,
    actor: &Actor,
    id: ShiftId,
    at: chrono::DateTime<Utc>,
) -> anyhow::Result<()> {
    let fail = |e: emhana_store::visits::VisitError| anyhow::anyhow!("demo shift {id}: {e}");
    let (_, report) = store.x_report(id).await?;
    let cash_out = report.cash.expected.tiyn() - report.cash.float.tiyn();
    if cash_out > 0 {
        let movement = CashMovement {
            kind: CashMovementKind::Out,
            amount: Money::from_tiyn(cash_out),
            reason: "Инкассация".to_owned(),
        };
        store
            .move_cash(actor, id, &movement, at)
            .await
            .map_err(fail)?;
    }
    let (_, report) = store.x_report(id).await?;
    store.start_count(actor, id, at).await.map_err(fail)?;
    let count = ShiftCount {
        counted: report
            .tenders
            .iter()
            .map(|t| (t.method, t.expected))
            .collect(),
        note: None,
    };
    store
        .close_shift(
            actor,
            id,
            (&count, Money::ZERO, VisitAuthority::Manager),
            at,
        )
        .await
        .map_err(fail)?;
    Ok(())
}

/// A past visit: mostly completed (a discount now and then) and paid in full or in part; some
/// no-shows and cancellations.
async fn finish_and_pay(
    store: &Store,
    actor: &Actor,
    visit: &Visit,
    zone: ClinicZone,
    rng: &mut Lcg,
) -> anyhow::Result<()> {
    let id = visit.appointment.id;
    let fail = |e: emhana_store::visits::VisitError| anyhow::anyhow!("demo visit {id}: {e}");
    match rng.next(20) {
        0 => {
            store
                .change_visit_status(actor, id, &StatusMove::to(VisitStatus::NoShow), zone)
                .await
                .map_err(fail)?;
            return Ok(());
        }
        1 => {
            store
                .change_visit_status(actor, id, &StatusMove::to(VisitStatus::Cancelled), zone)
                .await
                .map_err(fail)?;
            return Ok(());
        }
        _ => {}
    }
    if rng.next(8) == 0 {
        let line = &visit.lines[0];
        let discounted = Money::from_tiyn(line.price.tiyn() / 100 * 90);
        store
            .set_line_price(actor, VisitAuthority::Manager, id, (line.id, discounted))
            .await
            .map_err(fail)?;
    }
    for to in [VisitStatus::InProgress, VisitStatus::Completed] {
        store
            .change_visit_status(actor, id, &StatusMove::to(to), zone)
            .await
            .map_err(fail)?;
    }
    let fresh = store
        .visit(id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("demo visit {id} vanished"))?;
    let total = fresh.appointment.total.tiyn();
    let amount = match rng.next(10) {
        0 => 0,
        1 | 2 => total / 2,
        _ => total,
    };
    if amount <= 0 {
        return Ok(());
    }
    let method = PaymentMethod::ALL[rng.next(4) as usize];
    let parts = if rng.next(5) == 0 && amount >= 200 {
        let card = amount / 2;
        vec![
            (PaymentMethod::Card, Money::from_tiyn(card)),
            (PaymentMethod::Cash, Money::from_tiyn(amount - card)),
        ]
    } else {
        vec![(method, Money::from_tiyn(amount))]
    };
    let at = fresh.appointment.starts_at + Duration::minutes(45);
    let request = PaymentRequest {
        total: Money::from_tiyn(amount),
        parts,
        note: None,
        register: None,
    };
    store
        .pay(actor, id, &request, None, (at, zone))
        .await
        .map_err(fail)?;
    Ok(())
}
