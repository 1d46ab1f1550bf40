//! Importing patients and the price list from a spreadsheet (issue 18): the same columns as the
//! exports, read by header; every row planned before anything is written — create, update,
//! unchanged (an earlier import or the same person), duplicate of an earlier row, or invalid with
//! the cells named — so a dry run shows exactly what an apply would do, and an apply with any
//! invalid row writes nothing.

use std::collections::HashMap;

use chrono::NaiveDate;

use crate::directories::{DoctorCard, ServiceCard};
use crate::error::Violations;
use crate::export::ExportKind;
use crate::patient::{PatientCard, PatientInput};
use crate::validation::PhoneNumber;

/// What a file imports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportKind {
    /// Patients, matched by phone.
    Patients,
    /// Doctors, matched by "Фамилия Имя" (a clinic's doctors may share a phone).
    Doctors,
    /// The price list, matched by service name (case-insensitive).
    Services,
}

impl ImportKind {
    /// The path segment.
    pub fn code(self) -> &'static str {
        match self {
            Self::Patients => "patients",
            Self::Doctors => "doctors",
            Self::Services => "services",
        }
    }

    /// The kind a path segment names.
    pub fn from_code(code: &str) -> Option<Self> {
        [Self::Patients, Self::Doctors, Self::Services]
            .into_iter()
            .find(|k| k.code() == code)
    }

    /// The export with the same columns (its file is this import's template).
    pub fn export(self) -> ExportKind {
        match self {
            Self::Patients => ExportKind::Patients,
            Self::Doctors => ExportKind::Doctors,
            Self::Services => ExportKind::Services,
        }
    }

    /// The columns a file must have.
    pub fn required(self) -> &'static [&'static str] {
        match self {
            Self::Patients => &[FIRST_NAME, PHONE],
            Self::Doctors => &[LAST_NAME, FIRST_NAME, SPECIALIZATION],
            Self::Services => &[SERVICE, PRICE, DURATION],
        }
    }
}

const FIRST_NAME: &str = "Имя";
const LAST_NAME: &str = "Фамилия";
const PHONE: &str = "Телефон";
const BIRTH_DATE: &str = "Дата рождения";
const EMAIL: &str = "Email";
const NOTES: &str = "Примечание";
const SPECIALIZATION: &str = "Специализация";
const SERVICE: &str = "Услуга";
const PRICE: &str = "Цена";
const DURATION: &str = "Длительность, мин";
const DESCRIPTION: &str = "Описание";
const DOCTOR: &str = "Врач";

/// A file read as text cells: the header row and the data rows (spreadsheet row numbers start
/// at 2 for the first data row).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sheet {
    /// The first row.
    pub headers: Vec<String>,
    /// The rest.
    pub rows: Vec<Vec<String>>,
}

impl Sheet {
    fn column(&self, header: &str) -> Option<usize> {
        self.headers
            .iter()
            .position(|h| h.trim().eq_ignore_ascii_case(header))
    }
}

/// A problem in one cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CellError {
    /// The column's header.
    pub column: String,
    /// What is wrong (Russian).
    pub message: String,
}

/// What becomes of one row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RowAction<T> {
    /// A new record.
    Create(T),
    /// Record `id` gets these fields.
    Update {
        /// The existing record.
        id: i64,
        /// Its new fields.
        card: T,
    },
    /// Record `id` already has exactly these fields (importing the same file twice creates
    /// nothing).
    Unchanged {
        /// The existing record.
        id: i64,
    },
    /// The same key as an earlier row of the file (its spreadsheet row number).
    DuplicateOfRow(usize),
    /// The row cannot be imported.
    Invalid(Vec<CellError>),
}

/// One planned row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowPlan<T> {
    /// The spreadsheet row number (2 = the first data row).
    pub row: usize,
    /// What happens to it.
    pub action: RowAction<T>,
}

/// A plan is applicable when no row is invalid.
pub fn applicable<T>(plan: &[RowPlan<T>]) -> bool {
    !plan
        .iter()
        .any(|p| matches!(p.action, RowAction::Invalid(_)))
}

/// A file's structural problem (no such columns, no rows).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SheetRefusal {
    /// Required columns are missing.
    #[error("В файле нет столбцов: {0}")]
    MissingColumns(String),
    /// The file has a header but no rows.
    #[error("В файле нет строк с данными")]
    Empty,
}

fn check_columns(kind: ImportKind, sheet: &Sheet) -> Result<(), SheetRefusal> {
    let missing: Vec<&str> = kind
        .required()
        .iter()
        .copied()
        .filter(|h| sheet.column(h).is_none())
        .collect();
    if !missing.is_empty() {
        return Err(SheetRefusal::MissingColumns(missing.join(", ")));
    }
    if sheet
        .rows
        .iter()
        .all(|r| r.iter().all(|c| c.trim().is_empty()))
    {
        return Err(SheetRefusal::Empty);
    }
    Ok(())
}

/// A cell's text by header ("" when the column or the cell is absent).
fn cell<'a>(sheet: &Sheet, row: &'a [String], header: &str) -> &'a str {
    sheet
        .column(header)
        .and_then(|i| row.get(i))
        .map_or("", |s| s.trim())
}

fn blank(s: &str) -> Option<&str> {
    Some(s).filter(|s| !s.is_empty())
}

/// Violations of a card become cell errors under the columns the fields came from.
fn cells(v: Violations, column_of: fn(&str) -> &'static str) -> Vec<CellError> {
    v.0.into_iter()
        .map(|f| CellError {
            column: column_of(&f.field).to_owned(),
            message: f.message,
        })
        .collect()
}

/// The records a file is matched against, by key: id and value (`None` when the stored fields
/// are not a valid card, e.g. kept as an old system wrote them: then the file's row updates it).
pub type Existing<T> = HashMap<String, (i64, Option<T>)>;

/// The one skeleton of every plan: check the columns, skip blank rows, let `parse` turn a row
/// into its key and value (or its cell errors), then decide against the file's earlier rows and
/// the clinic's records.
fn plan_rows<T: PartialEq>(
    sheet: &Sheet,
    kind: ImportKind,
    existing: &Existing<T>,
    mut parse: impl FnMut(&[String]) -> Result<(String, T), Vec<CellError>>,
) -> Result<Vec<RowPlan<T>>, SheetRefusal> {
    check_columns(kind, sheet)?;
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut plan = Vec::with_capacity(sheet.rows.len());
    for (i, r) in sheet.rows.iter().enumerate() {
        if r.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let row = i + 2;
        let action = match parse(r) {
            Err(errors) => RowAction::Invalid(errors),
            Ok((key, value)) => {
                let known = existing.get(&key).map(|(id, old)| (*id, old.as_ref()));
                decide(row, key, value, &mut seen, known)
            }
        };
        plan.push(RowPlan { row, action });
    }
    Ok(plan)
}

/// What a valid row keyed by `key` does: repeats an earlier row of the file, or matches a
/// record (`known`: its id and, when comparable, its value) unchanged or changed, or creates one.
fn decide<T: PartialEq>(
    row: usize,
    key: String,
    value: T,
    seen: &mut HashMap<String, usize>,
    known: Option<(i64, Option<&T>)>,
) -> RowAction<T> {
    if let Some(first) = seen.get(&key) {
        return RowAction::DuplicateOfRow(*first);
    }
    seen.insert(key, row);
    match known {
        Some((id, Some(old))) if *old == value => RowAction::Unchanged { id },
        Some((id, _)) => RowAction::Update { id, card: value },
        None => RowAction::Create(value),
    }
}

/// The normalized phones of a patients file (the records to compare it with); unreadable ones
/// are left out (those rows are invalid anyway).
pub fn patient_phones(sheet: &Sheet) -> Vec<String> {
    sheet
        .rows
        .iter()
        .filter_map(|r| PhoneNumber::parse("phone", cell(sheet, r, PHONE)).ok())
        .map(|p| p.as_str().to_owned())
        .collect()
}

/// Plans a patients file against the active patients with the file's phones (by normalized
/// phone). `today` is the clinic's date (birth dates may not be later).
pub fn plan_patients(
    sheet: &Sheet,
    existing: &Existing<PatientCard>,
    today: NaiveDate,
) -> Result<Vec<RowPlan<PatientCard>>, SheetRefusal> {
    plan_rows(sheet, ImportKind::Patients, existing, |r| {
        let input = PatientInput {
            first_name: cell(sheet, r, FIRST_NAME),
            last_name: blank(cell(sheet, r, LAST_NAME)),
            birth_date: blank(cell(sheet, r, BIRTH_DATE)),
            phone: cell(sheet, r, PHONE),
            email: blank(cell(sheet, r, EMAIL)),
            notes: blank(cell(sheet, r, NOTES)),
        };
        let card = PatientCard::parse(&input, today).map_err(|v| cells(v, patient_column))?;
        Ok((card.phone.as_str().to_owned(), card))
    })
}

fn patient_column(field: &str) -> &'static str {
    match field {
        "first_name" => FIRST_NAME,
        "last_name" => LAST_NAME,
        "birth_date" => BIRTH_DATE,
        "phone" => PHONE,
        "email" => EMAIL,
        _ => NOTES,
    }
}

/// Plans a doctors file against the active doctors by normalized "Фамилия Имя".
pub fn plan_doctors(
    sheet: &Sheet,
    existing: &Existing<DoctorCard>,
) -> Result<Vec<RowPlan<DoctorCard>>, SheetRefusal> {
    plan_rows(sheet, ImportKind::Doctors, existing, |r| {
        let card = DoctorCard::parse(
            cell(sheet, r, FIRST_NAME),
            cell(sheet, r, LAST_NAME),
            cell(sheet, r, SPECIALIZATION),
            blank(cell(sheet, r, PHONE)),
            blank(cell(sheet, r, EMAIL)),
        )
        .map_err(|v| cells(v, doctor_column))?;
        Ok((
            doctor_key(card.last_name.as_str(), card.first_name.as_str()),
            card,
        ))
    })
}

/// How doctors are matched: "Фамилия Имя", normalized (the services file's doctor column too).
pub fn doctor_key(last_name: &str, first_name: &str) -> String {
    normalize(&format!("{last_name} {first_name}"))
}

fn doctor_column(field: &str) -> &'static str {
    match field {
        "first_name" => FIRST_NAME,
        "last_name" => LAST_NAME,
        "specialization" => SPECIALIZATION,
        "phone" => PHONE,
        _ => EMAIL,
    }
}

/// A service row: the card and its doctor (by id, resolved from the "Врач" column).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceRow {
    /// Name, price, duration, description.
    pub card: ServiceCard,
    /// The doctor who performs it, if any.
    pub doctor_id: Option<i64>,
}

/// Plans a price-list file against the existing services (by normalized name) and the doctors
/// (by [`doctor_key`], as the export writes them). Prices may be typed `10 000,50`.
pub fn plan_services(
    sheet: &Sheet,
    existing: &Existing<ServiceRow>,
    doctors: &HashMap<String, i64>,
) -> Result<Vec<RowPlan<ServiceRow>>, SheetRefusal> {
    plan_rows(sheet, ImportKind::Services, existing, |r| {
        let duration_text = cell(sheet, r, DURATION);
        let duration = duration_text
            .strip_suffix(".0")
            .unwrap_or(duration_text)
            .parse::<i64>()
            .unwrap_or(0);
        let price = cell(sheet, r, PRICE)
            .replace([' ', '\u{a0}'], "")
            .replace(',', ".");
        let card = ServiceCard::parse(
            cell(sheet, r, SERVICE),
            blank(cell(sheet, r, DESCRIPTION)),
            &price,
            duration,
        );
        let doctor = blank(cell(sheet, r, DOCTOR));
        let doctor_id = doctor.and_then(|d| doctors.get(&normalize(d)).copied());
        let mut errors = card
            .as_ref()
            .err()
            .cloned()
            .map_or_else(Vec::new, |v| cells(v, service_column));
        if let (Some(d), None) = (doctor, doctor_id) {
            errors.push(CellError {
                column: DOCTOR.into(),
                message: format!("Нет такого врача: {d}"),
            });
        }
        match card {
            Ok(card) if errors.is_empty() => {
                Ok((normalize(&card.name), ServiceRow { card, doctor_id }))
            }
            _ => Err(errors),
        }
    })
}

fn service_column(field: &str) -> &'static str {
    match field {
        "name" => SERVICE,
        "base_price" => PRICE,
        "duration_minutes" => DURATION,
        _ => DESCRIPTION,
    }
}

/// The key names and doctors are matched by: trimmed, single-spaced, lower-cased.
pub fn normalize(name: &str) -> String {
    name.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Money;

    fn sheet(headers: &[&str], rows: &[&[&str]]) -> Sheet {
        Sheet {
            headers: headers.iter().map(|s| s.to_string()).collect(),
            rows: rows
                .iter()
                .map(|r| r.iter().map(|s| s.to_string()).collect())
                .collect(),
        }
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 28).unwrap()
    }

    #[test]
    fn a_messy_patients_file_names_every_bad_cell() {
        let s = sheet(
            &["№", "Фамилия", "Имя", "Телефон", "Дата рождения"],
            &[
                &["", "Қасымова", "Әлия", "8 701 000-00-01", "1990-05-17"],
                &["", "", "", "87010000002", ""],
                &["", "Оспанов", "Ерлан", "12345", ""],
                &["", "", "Гүлнар", "+7 (701) 000-00-01", ""],
                &["", "", "Ұлан", "87010000003", "2099-01-01"],
                &["", "", "", "", ""],
            ],
        );
        let plan = plan_patients(&s, &HashMap::new(), today()).unwrap();
        let rows: Vec<usize> = plan.iter().map(|p| p.row).collect();
        assert_eq!(rows, [2, 3, 4, 5, 6], "the blank row is left out");
        let RowAction::Create(card) = &plan[0].action else {
            panic!("{:?}", plan[0].action)
        };
        assert_eq!(card.phone.as_str(), "+77010000001");
        assert_eq!(card.last_name.as_ref().unwrap().as_str(), "Қасымова");
        let columns = |i: usize| match &plan[i].action {
            RowAction::Invalid(e) => e.iter().map(|c| c.column.as_str()).collect::<Vec<_>>(),
            other => panic!("{other:?}"),
        };
        assert_eq!(columns(1), ["Имя"]);
        assert_eq!(columns(2), ["Телефон"]);
        assert_eq!(
            plan[3].action,
            RowAction::DuplicateOfRow(2),
            "the same phone spelled otherwise"
        );
        assert_eq!(columns(4), ["Дата рождения"]);
        assert!(!applicable(&plan));
    }

    #[test]
    fn importing_the_same_patients_again_changes_nothing() {
        let s = sheet(
            &["Имя", "Телефон"],
            &[&["Әлия", "87010000001"], &["Ерлан", "87010000002"]],
        );
        let first = plan_patients(&s, &HashMap::new(), today()).unwrap();
        let mut existing = HashMap::new();
        for (id, p) in first.iter().enumerate() {
            let RowAction::Create(card) = &p.action else {
                panic!()
            };
            existing.insert(
                card.phone.as_str().to_owned(),
                (id as i64 + 1, Some(card.clone())),
            );
        }
        let again = plan_patients(&s, &existing, today()).unwrap();
        assert_eq!(again[0].action, RowAction::Unchanged { id: 1 });
        assert_eq!(again[1].action, RowAction::Unchanged { id: 2 });
        let renamed = sheet(&["Имя", "Телефон"], &[&["Әлия-Мәрия", "87010000001"]]);
        let plan = plan_patients(&renamed, &existing, today()).unwrap();
        assert!(matches!(plan[0].action, RowAction::Update { id: 1, .. }));
        assert!(applicable(&plan));
    }

    #[test]
    fn structural_problems_refuse_the_file() {
        let s = sheet(&["Фамилия", "Имя"], &[&["А", "Б"]]);
        assert_eq!(
            plan_patients(&s, &HashMap::new(), today()),
            Err(SheetRefusal::MissingColumns("Телефон".into()))
        );
        let s = sheet(&["Имя", "Телефон"], &[]);
        assert_eq!(
            plan_patients(&s, &HashMap::new(), today()),
            Err(SheetRefusal::Empty)
        );
    }

    #[test]
    fn doctors_match_by_name_and_name_every_bad_cell() {
        let s = sheet(
            &["Фамилия", "Имя", "Специализация", "Телефон"],
            &[
                &["Қасымова", "Әлия", "Терапевт", "87010000001"],
                &["", "Ерлан", "Хирург", ""],
                &["Оспанов", "Ерлан", "Хирург", "123"],
                &["қасымова", " Әлия", "Терапевт", ""],
            ],
        );
        let existing = HashMap::from([(doctor_key("Оспанов", "Ерлан"), (9, None))]);
        let plan = plan_doctors(&s, &existing).unwrap();
        assert!(matches!(plan[0].action, RowAction::Create(_)));
        let RowAction::Invalid(e) = &plan[1].action else {
            panic!()
        };
        assert_eq!(e[0].column, "Фамилия");
        let RowAction::Invalid(e) = &plan[2].action else {
            panic!()
        };
        assert_eq!(e[0].column, "Телефон");
        assert_eq!(plan[3].action, RowAction::DuplicateOfRow(2));
        let fixed = sheet(
            &["Фамилия", "Имя", "Специализация"],
            &[&["Оспанов", "Ерлан", "Хирург"]],
        );
        assert!(matches!(
            plan_doctors(&fixed, &existing).unwrap()[0].action,
            RowAction::Update { id: 9, .. }
        ));
    }

    #[test]
    fn price_lists_match_by_name_and_doctor_and_keep_money_exact() {
        let doctors = HashMap::from([("қасымова әлия".to_owned(), 7)]);
        let s = sheet(
            &["Услуга", "Цена", "Длительность, мин", "Врач"],
            &[
                &["Приём", "10 000,50", "30", "Қасымова  Әлия"],
                &["УЗИ", "-5", "20", ""],
                &["ЭКГ", "3000", "0", "Иванов Иван"],
                &["приём", "9000", "30", ""],
                &["Анализ", "5000.5", "15.0", ""],
            ],
        );
        let plan = plan_services(&s, &HashMap::new(), &doctors).unwrap();
        let RowAction::Create(r) = &plan[0].action else {
            panic!("{:?}", plan[0])
        };
        assert_eq!(r.card.base_price, Money::from_tiyn(1_000_050));
        assert_eq!(r.doctor_id, Some(7));
        let RowAction::Invalid(e) = &plan[1].action else {
            panic!()
        };
        assert_eq!(e[0].column, "Цена");
        let RowAction::Invalid(e) = &plan[2].action else {
            panic!()
        };
        let cols: Vec<_> = e.iter().map(|c| c.column.as_str()).collect();
        assert_eq!(cols, ["Длительность, мин", "Врач"]);
        assert_eq!(plan[3].action, RowAction::DuplicateOfRow(2));
        let RowAction::Create(r) = &plan[4].action else {
            panic!()
        };
        assert_eq!(
            (r.card.base_price, r.card.duration_minutes),
            (Money::from_tiyn(500_050), 15)
        );
    }
}
