//! The demo clinic's fixed data (names, doctors, the price list, source weights) and the
//! deterministic generator both seeders draw from.

use emhana_domain::Role;

/// (login, display name, role). The doctor account is linked to the first doctor.
pub(super) const DEMO_USERS: &[(&str, &str, Role)] = &[
    ("admin", "Администратор Демо", Role::Admin),
    ("reception", "Регистратор Демо", Role::Receptionist),
    ("doctor", "Ерлан Жұмабаев", Role::Doctor),
];

/// (first name, last name, specialization).
pub(super) const DOCTORS: &[(&str, &str, &str)] = &[
    ("Ерлан", "Жұмабаев", "Стоматолог-терапевт"),
    ("Әлия", "Сейтқалиева", "Ортодонт"),
    ("Гүлнар", "Омарова", "Гинеколог"),
    ("Бауыржан", "Ахметов", "Терапевт"),
    ("Динара", "Касымова", "УЗИ-диагност"),
    ("Асель", "Нурланова", "Педиатр"),
];

/// (name, price in tenge, minutes, index into DOCTORS or none).
pub(super) const SERVICES: &[(&str, i64, i64, Option<usize>)] = &[
    ("Консультация стоматолога", 5_000, 30, Some(0)),
    ("Лечение кариеса (пломба)", 25_000, 60, Some(0)),
    ("Профессиональная чистка зубов", 18_000, 60, Some(0)),
    ("Удаление зуба", 15_000, 45, Some(0)),
    ("Консультация ортодонта", 7_000, 30, Some(1)),
    ("Установка брекет-системы", 350_000, 120, Some(1)),
    ("Консультация гинеколога", 9_000, 30, Some(2)),
    ("УЗИ органов малого таза", 12_000, 30, Some(4)),
    ("Консультация терапевта", 8_000, 30, Some(3)),
    ("ЭКГ с расшифровкой", 5_000, 20, Some(3)),
    ("УЗИ брюшной полости", 12_500, 30, Some(4)),
    ("УЗИ щитовидной железы", 9_500, 20, Some(4)),
    ("Консультация педиатра", 8_000, 30, Some(5)),
    ("Общий анализ крови", 3_500, 10, None),
    ("Биохимический анализ крови", 9_800, 10, None),
    ("Справка 086/у", 6_000, 20, None),
];

/// Masculine first names, feminine first names, surname stems (masculine + "ов"/"ев" forms are
/// written out so the feminine is stem + "а").
pub(super) const MEN: &[&str] = &[
    "Нурлан",
    "Даурен",
    "Арман",
    "Ерлан",
    "Айдос",
    "Канат",
    "Тимур",
    "Ержан",
    "Бауыржан",
    "Серик",
];
pub(super) const WOMEN: &[&str] = &[
    "Айгерим",
    "Асель",
    "Жанар",
    "Мадина",
    "Динара",
    "Гульнара",
    "Сауле",
    "Алия",
    "Самал",
    "Акмарал",
];
pub(super) const SURNAMES: &[&str] = &[
    "Ахметов",
    "Сериков",
    "Нурланов",
    "Касымов",
    "Омаров",
    "Жумабаев",
    "Абенов",
    "Тулегенов",
    "Искаков",
    "Мухамедов",
    "Сулейменов",
    "Бекмуханов",
];

/// How many demo patients.
pub(super) const PATIENTS: u32 = 60;

/// Lead sources with demo weights (repeat visits and Instagram lead, as in the old system's data).
pub(super) const SOURCES: &[(&str, u64)] = &[
    ("repeat_visit", 30),
    ("instagram", 20),
    ("2gis", 15),
    ("referral", 15),
    ("internet_ads", 10),
    ("facebook", 5),
    ("other", 5),
];

/// A tiny deterministic generator (no `rand` dependency for demo data).
pub(super) struct Lcg(pub(super) u64);

impl Lcg {
    pub(super) fn next(&mut self, below: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % below
    }

    /// One of `items` with probability proportional to its weight (the first when all are 0).
    pub(super) fn weighted<T: Copy>(&mut self, items: &[(T, u64)]) -> T {
        let total: u64 = items.iter().map(|i| i.1).sum();
        let mut roll = self.next(total.max(1));
        for (item, weight) in items {
            if roll < *weight {
                return *item;
            }
            roll -= weight;
        }
        items[0].0
    }

    pub(super) fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
        from[self.next(from.len() as u64) as usize]
    }

    /// A Kazakh first name and a surname of the same gender ("Ахметов" / "Ахметова").
    pub(super) fn name(&mut self) -> (&'static str, String) {
        let woman = self.next(2) == 0;
        let first = if woman {
            self.pick(WOMEN)
        } else {
            self.pick(MEN)
        };
        let stem = self.pick(SURNAMES);
        let last = if woman {
            format!("{stem}а")
        } else {
            stem.to_owned()
        };
        (first, last)
    }
}
