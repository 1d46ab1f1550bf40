//! When a reminder rule sends (relative to the visit, in the clinic's zone) and what the
//! reminder says: the clinic's settings, the ru/kk templates and their placeholders.

use chrono::{DateTime, Days, Duration, NaiveTime, Utc};

use super::Language;
use crate::clinic_time::ClinicZone;
use crate::error::{FieldViolation, Violations};

/// When a rule sends, relative to the visit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum When {
    /// The clinic-local day before the visit, at this wall-clock time.
    DayBeforeAt(NaiveTime),
    /// This many hours before the visit starts (1..=72).
    HoursBefore(u32),
}

impl When {
    /// A stable key of the rule: one reminder per visit, rule and start time.
    pub fn key(self) -> String {
        match self {
            Self::DayBeforeAt(t) => format!("day_before@{}", t.format("%H:%M")),
            Self::HoursBefore(h) => format!("hours_before:{h}"),
        }
    }

    /// The instant the reminder of a visit starting at `starts_at` is due.
    pub fn due(self, starts_at: DateTime<Utc>, zone: ClinicZone) -> DateTime<Utc> {
        match self {
            Self::DayBeforeAt(at) => {
                let day = zone.local_date(starts_at);
                let before = day.checked_sub_days(Days::new(1)).unwrap_or(day);
                zone.to_utc(before, at)
            }
            Self::HoursBefore(h) => starts_at - Duration::hours(i64::from(h)),
        }
    }

    /// Parses one rule (`kind` = `day_before` with `at` = `HH:MM`, or `hours_before` with
    /// `hours`), naming the bad field under `prefix` (`rules.0`).
    pub fn parse(
        prefix: &str,
        kind: &str,
        at: Option<&str>,
        hours: Option<i64>,
    ) -> Result<Self, FieldViolation> {
        match kind {
            "day_before" => {
                let at = at.unwrap_or_default();
                NaiveTime::parse_from_str(at.trim(), "%H:%M")
                    .map(Self::DayBeforeAt)
                    .map_err(|_| {
                        FieldViolation::new(
                            format!("{prefix}.at"),
                            "invalid_time",
                            "Время в формате ЧЧ:ММ, например 10:00",
                        )
                    })
            }
            "hours_before" => match hours {
                Some(h @ 1..=72) => Ok(Self::HoursBefore(u32::try_from(h).unwrap_or(1))),
                _ => Err(FieldViolation::new(
                    format!("{prefix}.hours"),
                    "out_of_range",
                    "От 1 до 72 часов",
                )),
            },
            _ => Err(FieldViolation::new(
                format!("{prefix}.kind"),
                "unknown_rule",
                "Правило: day_before или hours_before",
            )),
        }
    }
}

/// The placeholders a template may use.
pub const PLACEHOLDERS: [&str; 5] = ["name", "doctor", "date", "time", "address"];
/// Longest template (a WhatsApp text allows 4096; SMS splits long texts into parts).
pub const TEMPLATE_MAX_CHARS: usize = 1000;
/// Most rules a clinic keeps.
pub const MAX_RULES: usize = 5;

/// The default Russian text.
pub const DEFAULT_RU: &str =
    "Здравствуйте, {name}! Напоминаем о приёме у врача {doctor} {date} в {time}. \
Адрес: {address}. Если планы изменились, пожалуйста, сообщите нам.";
/// The default Kazakh text.
pub const DEFAULT_KK: &str = "Сәлеметсіз бе, {name}! {date} күні сағат {time}-де {doctor} дәрігердің \
қабылдауына жазылғаныңызды еске саламыз. Мекенжай: {address}. Жоспарыңыз өзгерсе, бізге хабарлаңыз.";

/// Checks a template: not blank, not too long, braces closed, only known placeholders.
pub fn parse_template(field: &str, text: &str) -> Result<String, FieldViolation> {
    let text = text.trim();
    if text.is_empty() {
        return Err(FieldViolation::new(field, "required", "Введите текст"));
    }
    if text.chars().count() > TEMPLATE_MAX_CHARS {
        return Err(FieldViolation::new(
            field,
            "too_long",
            format!("Не длиннее {TEMPLATE_MAX_CHARS} символов"),
        ));
    }
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else {
            return Err(FieldViolation::new(
                field,
                "unclosed_placeholder",
                "Незакрытая фигурная скобка",
            ));
        };
        let name = &after[..close];
        if !PLACEHOLDERS.contains(&name) {
            return Err(FieldViolation::new(
                field,
                "unknown_placeholder",
                format!(
                    "Неизвестная подстановка {{{name}}}; можно: {}",
                    PLACEHOLDERS.map(|p| format!("{{{p}}}")).join(", ")
                ),
            ));
        }
        rest = &after[close + 1..];
    }
    Ok(text.to_owned())
}

/// The facts a reminder speaks of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Facts {
    /// The patient's first name.
    pub name: String,
    /// The doctor as the clinic names them.
    pub doctor: String,
    /// The visit's start.
    pub starts_at: DateTime<Utc>,
    /// The clinic's address.
    pub address: String,
}

/// The text of a reminder: the template with every placeholder filled (date `29.11.2026` and
/// time `10:00` in the clinic's zone).
pub fn render(template: &str, facts: &Facts, zone: ClinicZone) -> String {
    let local = zone.local_datetime(facts.starts_at);
    template
        .replace("{name}", &facts.name)
        .replace("{doctor}", &facts.doctor)
        .replace("{date}", &local.format("%d.%m.%Y").to_string())
        .replace("{time}", &local.format("%H:%M").to_string())
        .replace("{address}", &facts.address)
}

/// The clinic's reminder settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReminderSettings {
    /// Whether reminders are planned at all (off until the owner turns them on).
    pub enabled: bool,
    /// When they go (at most [`MAX_RULES`], no two alike).
    pub rules: Vec<When>,
    /// The Russian text.
    pub template_ru: String,
    /// The Kazakh text.
    pub template_kk: String,
}

impl Default for ReminderSettings {
    fn default() -> Self {
        Self {
            enabled: false,
            rules: vec![
                When::DayBeforeAt(NaiveTime::from_hms_opt(10, 0, 0).unwrap_or(NaiveTime::MIN)),
                When::HoursBefore(2),
            ],
            template_ru: DEFAULT_RU.to_owned(),
            template_kk: DEFAULT_KK.to_owned(),
        }
    }
}

/// One rule as the request carries it.
#[derive(Debug, Clone, Copy, Default)]
pub struct RuleInput<'a> {
    /// `day_before` | `hours_before`.
    pub kind: &'a str,
    /// `HH:MM` of `day_before`.
    pub at: Option<&'a str>,
    /// Hours of `hours_before`.
    pub hours: Option<i64>,
}

impl ReminderSettings {
    /// Parses the settings a clinic sends, naming every bad field.
    pub fn parse(
        enabled: bool,
        rules: &[RuleInput<'_>],
        template_ru: &str,
        template_kk: &str,
    ) -> Result<Self, Violations> {
        let mut v = Violations::default();
        if rules.len() > MAX_RULES {
            v.0.push(FieldViolation::new(
                "rules",
                "too_many",
                format!("Не больше {MAX_RULES} правил"),
            ));
        }
        let mut parsed: Vec<When> = Vec::new();
        for (i, r) in rules.iter().enumerate() {
            let prefix = format!("rules.{i}");
            if let Some(rule) = v.check(When::parse(&prefix, r.kind, r.at, r.hours)) {
                if parsed.contains(&rule) {
                    v.0.push(FieldViolation::new(
                        prefix,
                        "duplicate",
                        "Такое правило уже есть",
                    ));
                } else {
                    parsed.push(rule);
                }
            }
        }
        let ru = v.check(parse_template("template_ru", template_ru));
        let kk = v.check(parse_template("template_kk", template_kk));
        v.into_result()?;
        Ok(Self {
            enabled,
            rules: parsed,
            template_ru: ru.unwrap_or_default(),
            template_kk: kk.unwrap_or_default(),
        })
    }

    /// The template of a language.
    pub fn template(&self, language: Language) -> &str {
        match language {
            Language::Ru => &self.template_ru,
            Language::Kk => &self.template_kk,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn utc(d: u32, h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, d, h, m, 0).unwrap()
    }

    fn almaty() -> ClinicZone {
        ClinicZone::default()
    }

    #[test]
    fn the_day_before_is_the_clinics_day_before_at_its_wall_clock() {
        // 09:00 in Almaty (UTC+5) on 2 December is 04:00 UTC; the day before at 10:00 local is
        // 1 December 05:00 UTC.
        let rule = When::DayBeforeAt(NaiveTime::from_hms_opt(10, 0, 0).unwrap());
        assert_eq!(rule.due(utc(2, 4, 0), almaty()), utc(1, 5, 0));
        // A visit at 00:30 local on 3 December (19:30 UTC on the 2nd) is reminded on the 2nd.
        assert_eq!(rule.due(utc(2, 19, 30), almaty()), utc(2, 5, 0));
        assert_eq!(
            When::HoursBefore(2).due(utc(2, 4, 0), almaty()),
            utc(2, 2, 0)
        );
        assert_eq!(rule.key(), "day_before@10:00");
        assert_eq!(When::HoursBefore(2).key(), "hours_before:2");
    }

    #[test]
    fn rules_and_templates_name_every_bad_field() {
        let rules = [
            RuleInput {
                kind: "day_before",
                at: Some("25:00"),
                hours: None,
            },
            RuleInput {
                kind: "hours_before",
                at: None,
                hours: Some(0),
            },
            RuleInput {
                kind: "weekly",
                at: None,
                hours: None,
            },
            RuleInput {
                kind: "hours_before",
                at: None,
                hours: Some(2),
            },
            RuleInput {
                kind: "hours_before",
                at: None,
                hours: Some(2),
            },
        ];
        let e = ReminderSettings::parse(true, &rules, "Привет, {patient}", " ").unwrap_err();
        let got: Vec<_> = e.0.iter().map(|v| (v.field.as_str(), v.code)).collect();
        assert_eq!(
            got,
            vec![
                ("rules.0.at", "invalid_time"),
                ("rules.1.hours", "out_of_range"),
                ("rules.2.kind", "unknown_rule"),
                ("rules.4", "duplicate"),
                ("template_ru", "unknown_placeholder"),
                ("template_kk", "required"),
            ]
        );
        assert_eq!(
            parse_template("t", "Ждём {name").unwrap_err().code,
            "unclosed_placeholder"
        );
        assert_eq!(
            parse_template("t", &"я".repeat(1001)).unwrap_err().code,
            "too_long"
        );
        let ok = ReminderSettings::parse(true, &rules[3..4], DEFAULT_RU, DEFAULT_KK).unwrap();
        assert_eq!(ok.rules, vec![When::HoursBefore(2)]);
    }

    #[test]
    fn the_defaults_are_valid_and_off() {
        let d = ReminderSettings::default();
        assert!(!d.enabled);
        assert!(parse_template("ru", &d.template_ru).is_ok());
        assert!(parse_template("kk", &d.template_kk).is_ok());
    }

    #[test]
    fn a_reminder_speaks_the_clinics_local_time() {
        let facts = Facts {
            name: "Айгерим".into(),
            doctor: "Жұмабаев Е.".into(),
            starts_at: utc(2, 4, 0),
            address: "Алматы, Абая 10".into(),
        };
        assert_eq!(
            render(
                "{name}: {doctor}, {date} {time}, {address}",
                &facts,
                almaty()
            ),
            "Айгерим: Жұмабаев Е., 02.12.2026 09:00, Алматы, Абая 10"
        );
        let kk = render(DEFAULT_KK, &facts, almaty());
        assert!(kk.contains("02.12.2026") && kk.contains("09:00") && !kk.contains('{'));
    }
}
