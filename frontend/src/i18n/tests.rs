//! The tables agree: every language fills every key (the compiler sees to the fields; these
//! tests see to what the compiler cannot: empty strings, untranslated sentences, placeholders,
//! code lists), and the formats write what each language's readers expect.

use std::collections::BTreeMap;

use emhana_domain::{Money, UiLanguage};
use serde_json::Value;

use super::format::{date_in, money_in, percent_in};
use super::{table, EN, KK, RU};

/// Every leaf of a table by its path (`desk.close`, `roles.2`, `settings.scope_labels.3.1`).
fn leaves(language: UiLanguage) -> BTreeMap<String, String> {
    fn walk(prefix: &str, v: &Value, out: &mut BTreeMap<String, String>) {
        let key = |k: &str| {
            if prefix.is_empty() {
                k.to_owned()
            } else {
                format!("{prefix}.{k}")
            }
        };
        match v {
            Value::Object(m) => m.iter().for_each(|(k, v)| walk(&key(k), v, out)),
            Value::Array(a) => a
                .iter()
                .enumerate()
                .for_each(|(i, v)| walk(&key(&i.to_string()), v, out)),
            Value::String(s) => {
                out.insert(prefix.to_owned(), s.clone());
            }
            other => {
                out.insert(prefix.to_owned(), other.to_string());
            }
        }
    }
    let strings = table(language);
    let mut value = serde_json::to_value(strings).unwrap();
    for (area, table) in strings.detached_areas() {
        value[area] = table;
    }
    let mut out = BTreeMap::new();
    walk("", &value, &mut out);
    out
}

fn placeholders(text: &str) -> Vec<&str> {
    text.match_indices('{')
        .filter_map(|(i, _)| text[i..].find('}').map(|j| &text[i..=i + j]))
        .collect()
}

fn has_cyrillic(text: &str) -> bool {
    text.chars().any(|c| ('\u{400}'..='\u{4ff}').contains(&c))
}

#[test]
fn every_language_has_every_key_and_list_entry() {
    let ru = leaves(UiLanguage::Ru);
    assert!(ru.len() > 400, "{} leaves", ru.len());
    for language in [UiLanguage::Kk, UiLanguage::En] {
        let other = leaves(language);
        let missing: Vec<_> = ru.keys().filter(|k| !other.contains_key(*k)).collect();
        let extra: Vec<_> = other.keys().filter(|k| !ru.contains_key(*k)).collect();
        assert!(
            missing.is_empty() && extra.is_empty(),
            "{language:?}: missing {missing:?}, extra {extra:?}"
        );
        for (key, text) in other.iter().filter(|(k, _)| !k.starts_with("formats.")) {
            assert!(!text.trim().is_empty(), "{language:?} {key} is empty");
        }
    }
}

#[test]
fn codes_and_placeholders_are_the_same_in_every_language() {
    let ru = leaves(UiLanguage::Ru);
    for language in [UiLanguage::Kk, UiLanguage::En] {
        let other = leaves(language);
        for (key, text) in &ru {
            // (code, label) pairs: the code (`.0`) is data, never translated.
            if key.ends_with(".0") && key.contains("_labels.") {
                assert_eq!(&other[key], text, "{language:?} {key}: a code changed");
            }
            assert_eq!(
                placeholders(&other[key]),
                placeholders(text),
                "{language:?} {key}"
            );
        }
    }
}

#[test]
fn english_has_no_cyrillic_and_kazakh_translates_every_phrase() {
    for (key, text) in leaves(UiLanguage::En) {
        assert!(!has_cyrillic(&text), "en {key} = {text:?}");
    }
    let ru = leaves(UiLanguage::Ru);
    let kk = leaves(UiLanguage::Kk);
    // A single word may be the same (Касса, Депозит, Терапевт); a phrase the same as Russian
    // was not translated.
    let untranslated: Vec<_> = kk
        .iter()
        .filter(|(key, text)| {
            has_cyrillic(text) && text.contains(' ') && ru.get(*key) == Some(*text)
        })
        .collect();
    assert!(untranslated.is_empty(), "{untranslated:?}");
    let kazakh_letters = |t: &String| t.chars().any(|c| "әғқңөұүһіӘҒҚҢӨҰҮҺІ".contains(c));
    let kazakh = kk.values().filter(|t| kazakh_letters(t)).count();
    assert!(
        kazakh * 2 > kk.len(),
        "{kazakh} of {} kk strings use Kazakh letters",
        kk.len()
    );
}

#[test]
fn amounts_follow_the_language() {
    let m = |text: &str| Money::parse_user_input(text).unwrap();
    assert_eq!(money_in(&RU.formats, m("12500")), "12\u{a0}500\u{a0}₸");
    assert_eq!(
        money_in(&KK.formats, m("23210.39")),
        "23\u{a0}210,39\u{a0}₸"
    );
    assert_eq!(
        money_in(&EN.formats, m("1234567.05")),
        "1,234,567.05\u{a0}₸"
    );
    assert_eq!(money_in(&EN.formats, m("-999.5")), "-999.50\u{a0}₸");
    assert_eq!(money_in(&RU.formats, m("0")), "0\u{a0}₸");
    assert_eq!(money_in(&RU.formats, m("1000")), "1\u{a0}000\u{a0}₸");
}

#[test]
fn percentages_and_days_follow_the_language() {
    assert_eq!(percent_in(&RU.formats, 3.789), "3,79 %");
    assert_eq!(percent_in(&KK.formats, 12.5), "12,50 %");
    assert_eq!(percent_in(&EN.formats, 3.789), "3.79%");
    assert_eq!(date_in(&RU.formats, "2026-10-02"), "02.10.2026");
    assert_eq!(date_in(&KK.formats, "2026-10-02"), "02.10.2026");
    assert_eq!(date_in(&EN.formats, "2026-10-02"), "02/10/2026");
    assert_eq!(date_in(&EN.formats, "not a day"), "not a day");
}

#[test]
fn the_russian_table_formats_as_the_domain_does() {
    for text in [
        "0",
        "1",
        "999.99",
        "1000",
        "12500.5",
        "-45000",
        "1000000000.01",
    ] {
        let m = Money::parse_user_input(text).unwrap();
        assert_eq!(money_in(&RU.formats, m), m.format_ui(), "{text}");
    }
}
