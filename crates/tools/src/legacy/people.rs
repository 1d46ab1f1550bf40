//! Staff, doctors, the price list, patients, the audit trail and settings of the old system.

use chrono::{DateTime, NaiveTime, Utc};
use emhana_domain::legacy::{
    parse_legacy_amount, read_legacy_stamp, salvage_person, LegacyPerson, LegacyStamp,
};
use emhana_domain::patient::search_key;
use emhana_domain::{ClinicZone, Role};
use emhana_store::legacy::{
    ImportedAudit, ImportedDoctor, ImportedPatient, ImportedService, ImportedUser,
};

use super::pipeline::{Import, Outcome, TableImport};
use super::report::ImportReport;
use emhana_store::legacy::{LegacyDb, LegacyTx, Rec};

/// A legacy `created_at`-like text as an instant: SQLite's `CURRENT_TIMESTAMP` wrote UTC; a bare
/// day is that day's clinic-local start.
pub(super) fn utc_stamp(text: Option<&str>, zone: ClinicZone) -> Option<DateTime<Utc>> {
    match read_legacy_stamp(text?)? {
        LegacyStamp::DateTime(dt) => Some(dt.and_utc()),
        LegacyStamp::Date(d) => Some(zone.day_start(d)),
        LegacyStamp::Time(_) => None,
    }
}

/// `users` → staff accounts. The bcrypt hash is kept (accepted once at login, then replaced by
/// argon2id); `crm` → receptionist; a login Emhana already has is linked, not duplicated.
pub(super) struct Users;

impl TableImport for Users {
    const TABLE: &'static str = "users";
    const COLS: &'static [&'static str] = &[
        "id",
        "username",
        "password_hash",
        "name",
        "access_level",
        "created_at",
        "last_login",
    ];

    async fn row(&mut self, cx: &mut Import<'_>, id: i64, r: Rec) -> anyhow::Result<Outcome> {
        const T: &str = Users::TABLE;
        let Some(login) = r.get("username") else {
            cx.note(T, Some(id), "нет логина: пропущен");
            return Ok(Outcome::Skipped);
        };
        if let Some(existing) = cx.tx.user_by_login(login).await? {
            cx.note(
                T,
                Some(id),
                format!("логин «{login}» уже есть в Emhana: связан с ним, пароль Emhana не тронут"),
            );
            return Ok(Outcome::Imported(existing));
        }
        let level = r.get("access_level").unwrap_or("");
        let role = Role::from_legacy(level).unwrap_or_else(|| {
            cx.note(T, Some(id), format!("уровень доступа «{level}» неизвестен: роль «администратор регистратуры» (receptionist)"));
            Role::Receptionist
        });
        let hash = r.get("password_hash").unwrap_or("").to_owned();
        if !hash.starts_with("$2") {
            cx.note(
                T,
                Some(id),
                "хеш пароля не bcrypt: войти со старым паролем не получится, задайте новый",
            );
        }
        let user = ImportedUser {
            login: login.to_owned(),
            display_name: r.get("name").unwrap_or(login).to_owned(),
            role,
            password_hash: hash,
            created_at: utc_stamp(r.get("created_at"), cx.zone).unwrap_or_else(Utc::now),
            last_login_at: utc_stamp(r.get("last_login"), cx.zone),
        };
        Ok(Outcome::Imported(cx.tx.insert_user(&user).await?))
    }
}

/// `doctors` → doctors (a placeholder phone shared by all of them is fine: not unique).
pub(super) struct Doctors;

impl TableImport for Doctors {
    const TABLE: &'static str = "doctors";
    const COLS: &'static [&'static str] = &[
        "id",
        "first_name",
        "last_name",
        "specialization",
        "phone",
        "email",
        "is_active",
        "created_at",
    ];

    async fn row(&mut self, cx: &mut Import<'_>, id: i64, r: Rec) -> anyhow::Result<Outcome> {
        let p = salvage_person(
            &LegacyPerson {
                first_name: r.get("first_name").unwrap_or(""),
                last_name: r.get("last_name").unwrap_or(""),
                phone: r.get("phone").unwrap_or(""),
                email: r.get("email").unwrap_or(""),
                specialization: r.get("specialization").unwrap_or(""),
                ..LegacyPerson::default()
            },
            cx.today,
        );
        for fix in &p.fixes {
            cx.note(Self::TABLE, Some(id), fix.clone());
        }
        let doctor = ImportedDoctor {
            first_name: p.first_name,
            last_name: p.last_name.unwrap_or_else(|| "—".into()),
            specialization: p.specialization,
            phone: p.phone.filter(|_| p.phone_valid),
            email: p.email,
            is_active: r.flag("is_active", true),
            created_at: utc_stamp(r.get("created_at"), cx.zone).unwrap_or_else(Utc::now),
        };
        Ok(Outcome::Imported(cx.tx.insert_doctor(&doctor).await?))
    }
}

/// `services` → the price list; prices read exactly (more than 2 decimals: rounded, reported).
pub(super) struct Services;

/// A legacy service price in tiyn (never negative); a bad or missing price is 0, reported.
fn service_price(cx: &mut Import<'_>, id: i64, text: Option<&str>) -> i64 {
    const T: &str = Services::TABLE;
    match text.map(parse_legacy_amount) {
        Some(Ok(a)) => {
            if a.rounded {
                let raw = text.unwrap_or("");
                cx.note(
                    T,
                    Some(id),
                    format!("цена «{raw}» точнее тиына: округлена до {}", a.money),
                );
            }
            a.money.tiyn().max(0)
        }
        Some(Err(e)) => {
            cx.note(T, Some(id), format!("цена: {e}; записано 0"));
            0
        }
        None => {
            cx.note(T, Some(id), "цены нет: записано 0");
            0
        }
    }
}

impl TableImport for Services {
    const TABLE: &'static str = "services";
    const COLS: &'static [&'static str] = &[
        "id",
        "name",
        "description",
        "price",
        "duration_minutes",
        "doctor_id",
        "is_active",
        "created_at",
    ];

    async fn row(&mut self, cx: &mut Import<'_>, id: i64, r: Rec) -> anyhow::Result<Outcome> {
        const T: &str = Services::TABLE;
        let price = service_price(cx, id, r.get("price"));
        let duration = match r.id("duration_minutes") {
            Some(m) if m > 0 && m <= 24 * 60 => m,
            other => {
                let was = other.map_or_else(|| "не указана".to_owned(), |m| format!("{m} мин"));
                cx.note(
                    T,
                    Some(id),
                    format!("длительность ({was}) недопустима: 30 мин"),
                );
                30
            }
        };
        let doctor_id = match r.id("doctor_id") {
            Some(d) => {
                let mapped = cx.tx.mapped("doctors", d).await?;
                if mapped.is_none() {
                    cx.note(
                        T,
                        Some(id),
                        format!("врач #{d} не найден: услуга без врача"),
                    );
                }
                mapped
            }
            None => None,
        };
        let service = ImportedService {
            name: r
                .get("name")
                .unwrap_or("Без названия")
                .chars()
                .take(200)
                .collect(),
            description: r.get("description").map(str::to_owned),
            base_price: price,
            duration_minutes: duration,
            doctor_id,
            is_active: r.flag("is_active", true),
            created_at: utc_stamp(r.get("created_at"), cx.zone).unwrap_or_else(Utc::now),
        };
        Ok(Outcome::Imported(cx.tx.insert_service(&service).await?))
    }
}

/// `clients` → patients. A phone an active patient already has: the same person (same name) is
/// linked to that card; someone else sharing it is imported inactive (staff decide).
pub(super) struct Clients;

impl TableImport for Clients {
    const TABLE: &'static str = "clients";
    const COLS: &'static [&'static str] = &[
        "id",
        "first_name",
        "last_name",
        "birth_date",
        "phone",
        "email",
        "is_active",
        "created_at",
    ];

    async fn row(&mut self, cx: &mut Import<'_>, id: i64, r: Rec) -> anyhow::Result<Outcome> {
        const T: &str = Clients::TABLE;
        let created_at = utc_stamp(r.get("created_at"), cx.zone);
        let p = salvage_person(
            &LegacyPerson {
                first_name: r.get("first_name").unwrap_or(""),
                last_name: r.get("last_name").unwrap_or(""),
                phone: r.get("phone").unwrap_or(""),
                email: r.get("email").unwrap_or(""),
                birth_date: r.get("birth_date").unwrap_or(""),
                registered: created_at.map(|at| cx.zone.local_date(at)),
                specialization: "",
            },
            cx.today,
        );
        for fix in &p.fixes {
            cx.note(T, Some(id), fix.clone());
        }
        let phone = p.phone.clone().unwrap_or_default();
        if phone.is_empty() {
            cx.note(T, Some(id), "телефона нет: добавьте в карточке");
        }
        let key = search_key(&p.first_name, p.last_name.as_deref(), &phone);
        let mut is_active = r.flag("is_active", true);
        if is_active && !phone.is_empty() {
            if let Some((existing, existing_key)) = cx.tx.active_patient_by_phone(&phone).await? {
                if existing_key == key {
                    cx.note(T, Some(id), format!("тот же пациент (имя и телефон), что и карточка Emhana #{existing}: объединены"));
                    return Ok(Outcome::Imported(existing));
                }
                is_active = false;
                cx.note(T, Some(id), format!("телефон {phone} уже у активного пациента Emhana #{existing}: импортирован неактивным, проверьте"));
            }
        }
        let patient = ImportedPatient {
            first_name: p.first_name,
            last_name: p.last_name,
            birth_date: p.birth_date,
            phone,
            email: p.email,
            notes: None,
            is_active,
            search_key: key,
            created_at: created_at.unwrap_or_else(Utc::now),
        };
        Ok(Outcome::Imported(cx.tx.insert_patient(&patient).await?))
    }
}

/// The legacy tables whose rows the import maps, with the Emhana entity each became (audit rows
/// about them point at the imported row).
const ENTITIES: [(&str, &str); 7] = [
    ("clients", "patient"),
    ("doctors", "doctor"),
    ("services", "service"),
    ("appointments", "appointment"),
    ("users", "user"),
    ("appointment_services", "appointment_service"),
    ("appointment_service_payments", "payment"),
];

/// Legacy JSON text kept as is; anything else becomes a JSON string (the viewer reads JSON).
fn as_json(text: Option<&str>) -> Option<String> {
    let t = text?;
    Some(match serde_json::from_str::<serde_json::Value>(t) {
        Ok(_) => t.to_owned(),
        Err(_) => serde_json::Value::String(t.to_owned()).to_string(),
    })
}

/// `audit_log` → audit rows marked `legacy:<action>`, pointing at the imported rows.
pub(super) struct AuditRows;

impl TableImport for AuditRows {
    const TABLE: &'static str = "audit_log";
    const COLS: &'static [&'static str] = &[
        "id",
        "user_id",
        "action",
        "table_name",
        "record_id",
        "old_values",
        "new_values",
        "timestamp",
    ];

    async fn row(&mut self, cx: &mut Import<'_>, _id: i64, r: Rec) -> anyhow::Result<Outcome> {
        let table = r.get("table_name").unwrap_or("").to_owned();
        let user_id = match r.id("user_id") {
            Some(u) => cx.tx.mapped("users", u).await?,
            None => None,
        };
        let mapped = ENTITIES.iter().find(|e| e.0 == table);
        let (entity, entity_id) = match (mapped, r.id("record_id")) {
            (Some((legacy_table, e)), Some(rec)) => {
                ((*e).to_owned(), cx.tx.mapped(legacy_table, rec).await?)
            }
            (_, rec) => (format!("legacy.{table}"), rec),
        };
        let entry = ImportedAudit {
            at: utc_stamp(r.get("timestamp"), cx.zone).unwrap_or_else(Utc::now),
            user_id,
            action: r.get("action").unwrap_or("unknown").to_owned(),
            entity,
            entity_id,
            old_json: as_json(r.get("old_values")),
            new_json: as_json(r.get("new_values")),
        };
        Ok(Outcome::Imported(cx.tx.insert_audit(&entry).await?))
    }
}

/// `settings` → kept under `legacy.<key>` (Emhana's own settings are never overwritten).
pub(super) async fn settings(
    legacy: &LegacyDb,
    tx: &mut LegacyTx,
    report: &mut ImportReport,
) -> anyhow::Result<()> {
    const T: &str = "settings";
    let mut rows = legacy.rows(T, &["key", "value"]).await?;
    while let Some(r) = rows.next().await? {
        report.table(T).read += 1;
        let Some(key) = r.get("key") else { continue };
        if tx.keep_setting(key, r.get("value").unwrap_or("")).await? {
            report.table(T).imported += 1;
        } else {
            report.table(T).already_imported += 1;
        }
    }
    Ok(())
}

/// The clinic-local time a visit starts at when the legacy row has none.
pub(super) const DEFAULT_START: NaiveTime = match NaiveTime::from_hms_opt(9, 0, 0) {
    Some(t) => t,
    None => NaiveTime::MIN,
};
