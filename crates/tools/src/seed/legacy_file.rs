//! `emhana seed-legacy FILE --visits N`: a database in the old Streamlit system's v2.7 schema
//! (clients, doctors, services, appointments with source and payment status, per-line prices,
//! per-line payments) for benchmarks of what `import-legacy` makes — a clinic's shape the bulk
//! generator does not have: one to three lines per visit, 10 % of lines below the list price,
//! 20 % of paid visits paid by two methods, old status and source labels. Deterministic (the
//! same seed gives the same file); written with multi-row INSERTs in one transaction.

use chrono::{Duration, NaiveDate, Utc};
use emhana_domain::ClinicZone;
use sqlx::{Connection, Executor};

use super::data::{Lcg, SURNAMES, WOMEN};

/// What was written.
#[derive(Debug, Default, Clone, Copy)]
pub struct LegacyFileReport {
    /// Visits (appointments).
    pub visits: usize,
    /// Lines (appointment_services).
    pub lines: usize,
    /// Payments (appointment_service_payments).
    pub payments: usize,
    /// Clients.
    pub clients: usize,
}

/// The v2.7 schema, as the old system created it.
const SCHEMA: [&str; 8] = [
    "CREATE TABLE users (id INTEGER PRIMARY KEY, username TEXT UNIQUE, password_hash TEXT, name TEXT, access_level TEXT, created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP, last_login TIMESTAMP)",
    "CREATE TABLE clients (id INTEGER PRIMARY KEY, first_name TEXT, last_name TEXT, birth_date DATE, phone TEXT, email TEXT, is_active BOOLEAN DEFAULT 1, created_at TIMESTAMP, updated_at TIMESTAMP)",
    "CREATE TABLE doctors (id INTEGER PRIMARY KEY, first_name TEXT, last_name TEXT, specialization TEXT, phone TEXT, email TEXT, is_active BOOLEAN DEFAULT 1, created_at TIMESTAMP, updated_at TIMESTAMP)",
    "CREATE TABLE services (id INTEGER PRIMARY KEY, name TEXT, description TEXT, price DECIMAL(10,2), duration_minutes INTEGER, doctor_id INTEGER, is_active BOOLEAN DEFAULT 1, created_at TIMESTAMP)",
    "CREATE TABLE appointments (id INTEGER PRIMARY KEY, client_id INTEGER, doctor_id INTEGER, service_id INTEGER, appointment_date DATE, appointment_time TIME, status TEXT, notes TEXT, start_time TIMESTAMP, end_time TIMESTAMP, actual_duration_minutes INTEGER, source VARCHAR(100) DEFAULT 'Повторное посещение', payment_status VARCHAR(50) DEFAULT 'не оплачено', created_at TIMESTAMP, updated_at TIMESTAMP)",
    "CREATE TABLE appointment_services (id INTEGER PRIMARY KEY, appointment_id INTEGER, service_id INTEGER, price DECIMAL(10,2), created_at TIMESTAMP)",
    "CREATE TABLE appointment_service_payments (id INTEGER PRIMARY KEY, appointment_service_id INTEGER NOT NULL, payment_method VARCHAR(50) NOT NULL, amount DECIMAL(10,2) NOT NULL, created_at TIMESTAMP, notes TEXT)",
    "CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT)",
];

/// Doctors of the generated clinic.
const DOCTOR_COUNT: usize = 20;
const SPECIALIZATIONS: [&str; 5] = ["Терапевт", "Стоматолог", "Кардиолог", "Невролог", "Педиатр"];
/// Services: (name, price in tenge).
const PRICE_LIST: [(&str, i64); 12] = [
    ("Консультация", 10_000),
    ("Повторная консультация", 7_000),
    ("Анализ крови", 2_899),
    ("УЗИ", 15_000),
    ("ЭКГ", 6_500),
    ("Пломба", 18_000),
    ("Чистка", 12_000),
    ("Рентген", 8_000),
    ("Массаж", 9_000),
    ("Капельница", 11_500),
    ("Прививка", 5_000),
    ("Справка", 3_000),
];
const LEGACY_SOURCES: [(&str, u64); 7] = [
    ("Повторное посещение", 40),
    ("Instagram", 15),
    ("2ГИС", 15),
    ("Рекомендация", 12),
    ("Интернет реклама", 8),
    ("Facebook", 5),
    ("Другое", 5),
];
const METHODS: [(&str, u64); 4] = [
    ("Карта", 45),
    ("Наличные", 30),
    ("QR-код", 20),
    ("Перевод", 5),
];

/// Rows per INSERT statement.
const CHUNK: usize = 400;

/// Writes the file at `path` (which must not exist): `visits` visits over the year before today
/// (clinic zone `zone`), one client per 20 visits.
pub async fn write_legacy_file(
    path: &std::path::Path,
    visits: usize,
    seed: u64,
    zone: ClinicZone,
) -> anyhow::Result<LegacyFileReport> {
    anyhow::ensure!(!path.exists(), "{} exists already", path.display());
    let url = format!("sqlite://{}?mode=rwc", path.display());
    let mut conn = sqlx::SqliteConnection::connect(&url).await?;
    conn.execute("PRAGMA journal_mode = OFF").await?;
    conn.execute("PRAGMA synchronous = OFF").await?;
    let mut tx = conn.begin().await?;
    for sql in SCHEMA {
        (&mut *tx).execute(sql).await?;
    }
    let mut rng = Lcg(seed);
    let mut report = LegacyFileReport {
        clients: (visits / 20).max(1),
        ..LegacyFileReport::default()
    };
    // No staff accounts: the server creates its owner on first start, as for a new clinic.
    let mut rows = Vec::new();
    for c in 1..=report.clients {
        let first = WOMEN[rng.next(WOMEN.len() as u64) as usize];
        let last = SURNAMES[rng.next(SURNAMES.len() as u64) as usize];
        rows.push(format!(
            "({c}, '{first}', '{last}', '7701{:07}', 1, '2024-06-01 09:00:00')",
            c % 10_000_000
        ));
    }
    insert(
        &mut tx,
        "clients (id, first_name, last_name, phone, is_active, created_at)",
        &mut rows,
    )
    .await?;
    for d in 1..=DOCTOR_COUNT {
        let first = WOMEN[(d * 7) % WOMEN.len()];
        let last = SURNAMES[(d * 3) % SURNAMES.len()];
        let spec = SPECIALIZATIONS[d % SPECIALIZATIONS.len()];
        rows.push(format!("({d}, '{first}', '{last}', '{spec}', 1)"));
    }
    insert(
        &mut tx,
        "doctors (id, first_name, last_name, specialization, is_active)",
        &mut rows,
    )
    .await?;
    for (s, (name, price)) in PRICE_LIST.iter().enumerate() {
        rows.push(format!("({}, '{name}', {price}.0, 30, 1)", s + 1));
    }
    insert(
        &mut tx,
        "services (id, name, price, duration_minutes, is_active)",
        &mut rows,
    )
    .await?;

    let today = zone.local_date(Utc::now());
    let per_day = visits.div_ceil(365).max(1);
    let (mut lines, mut payments) = (Vec::new(), Vec::new());
    let (mut line_id, mut payment_id) = (0usize, 0usize);
    for v in 1..=visits {
        let day: NaiveDate = today - Duration::days(365 - ((v - 1) / per_day) as i64);
        let slot = (v - 1) % per_day;
        let time = format!("{:02}:{:02}", 8 + (slot / 4) % 12, (slot % 4) * 15);
        let doctor = 1 + rng.next(DOCTOR_COUNT as u64) as usize;
        let client = 1 + rng.next(report.clients as u64) as usize;
        let roll = rng.next(100);
        let status = match roll {
            0..=4 => "отменен",
            5..=9 => "не явился",
            _ => "прием завершен",
        };
        let source = rng.weighted(&LEGACY_SOURCES);
        let count = 1 + rng.next(3) as usize;
        let mut billed = Vec::with_capacity(count);
        // Distinct services (the old system merged repeats; the importer reports them).
        let first = rng.next(PRICE_LIST.len() as u64) as usize;
        let first_service = first + 1;
        let offsets = [0, 1 + rng.next(4) as usize, 5 + rng.next(4) as usize];
        for offset in offsets.into_iter().take(count) {
            let service = (first + offset) % PRICE_LIST.len();
            let list = PRICE_LIST[service].1;
            // One line in ten is priced below the list (a discount of 10–30 %).
            let price = if rng.next(10) == 0 {
                list * (70 + rng.next(21) as i64) / 100
            } else {
                list
            };
            line_id += 1;
            lines.push(format!(
                "({line_id}, {v}, {}, {price}.0, '{day} 07:00:00')",
                service + 1
            ));
            billed.push((line_id, price));
        }
        let paid = status == "прием завершен";
        let two_methods = paid && rng.next(5) == 0;
        if paid {
            for (n, (line, price)) in billed.iter().enumerate() {
                let method = rng.weighted(&METHODS);
                let at = format!("{day} {time}:00");
                if two_methods && n == 0 && *price > 1 {
                    let first = price / 2;
                    let other = if method == "Карта" {
                        "Наличные"
                    } else {
                        "Карта"
                    };
                    payment_id += 1;
                    payments.push(format!(
                        "({payment_id}, {line}, '{method}', {first}.0, '{at}')"
                    ));
                    payment_id += 1;
                    payments.push(format!(
                        "({payment_id}, {line}, '{other}', {}.0, '{at}')",
                        price - first
                    ));
                } else {
                    payment_id += 1;
                    payments.push(format!(
                        "({payment_id}, {line}, '{method}', {price}.0, '{at}')"
                    ));
                }
            }
        }
        rows.push(format!(
            "({v}, {client}, {doctor}, {first_service}, '{day}', '{time}', '{status}', '{source}', '{}', '{day} 07:00:00')",
            if paid { "оплачено" } else { "не оплачено" }
        ));
        if rows.len() >= CHUNK {
            insert(&mut tx, APPOINTMENTS, &mut rows).await?;
            insert(&mut tx, LINES, &mut lines).await?;
            insert(&mut tx, PAYMENTS, &mut payments).await?;
        }
    }
    insert(&mut tx, APPOINTMENTS, &mut rows).await?;
    insert(&mut tx, LINES, &mut lines).await?;
    insert(&mut tx, PAYMENTS, &mut payments).await?;
    (&mut *tx)
        .execute("INSERT INTO settings VALUES ('clinic_name', 'Емхана (сгенерировано)')")
        .await?;
    tx.commit().await?;
    report.visits = visits;
    report.lines = line_id;
    report.payments = payment_id;
    Ok(report)
}

const APPOINTMENTS: &str = "appointments (id, client_id, doctor_id, service_id, appointment_date, appointment_time, status, source, payment_status, created_at)";
const LINES: &str = "appointment_services (id, appointment_id, service_id, price, created_at)";
const PAYMENTS: &str =
    "appointment_service_payments (id, appointment_service_id, payment_method, amount, created_at)";

/// Inserts `rows` (value tuples) into `target` in chunks and empties `rows`.
async fn insert(
    conn: &mut sqlx::SqliteConnection,
    target: &str,
    rows: &mut Vec<String>,
) -> anyhow::Result<()> {
    for chunk in rows.chunks(CHUNK) {
        let sql = format!("INSERT INTO {target} VALUES {}", chunk.join(", "));
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .execute(&mut *conn)
            .await?;
    }
    rows.clear();
    Ok(())
}
