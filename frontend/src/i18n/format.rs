//! Language-aware formatting of values the pages show: amounts, percentages, dates and coded
//! labels, each by the current language's [`Formats`]. The `*_in` forms take the formats
//! explicitly (unit tests; a page always means the current language).

use emhana_domain::Money;

use super::strings::Formats;
use super::t;

/// An amount as the UI writes it: `12 500 ₸`, `12 500,50 ₸` (ru, kk), `12,500.50 ₸` (en).
pub fn money(amount: Money) -> String {
    money_in(&t().formats, amount)
}

/// [`money`] in the given formats.
pub fn money_in(f: &Formats, amount: Money) -> String {
    amount.format_with(f.decimal_separator, f.group_separator)
}

/// `amount.ui()`: [`money`] as a method, for the many places that format a field.
pub trait MoneyText {
    /// The amount as the UI writes it in the current language.
    fn ui(&self) -> String;
}

impl MoneyText for Money {
    fn ui(&self) -> String {
        money(*self)
    }
}

/// A percentage as the UI writes it: two decimals (`3,79 %`; `3.79%` in English).
pub fn percent(value: f64) -> String {
    percent_in(&t().formats, value)
}

/// [`percent`] in the given formats.
pub fn percent_in(f: &Formats, value: f64) -> String {
    format!("{}{}%", share_in(f, value), f.percent_gap)
}

/// A share without the sign, for a column headed «%» (`12,50`).
pub fn share(value: f64) -> String {
    share_in(&t().formats, value)
}

/// [`share`] in the given formats.
pub fn share_in(f: &Formats, value: f64) -> String {
    let text = format!("{value:.2}");
    match f.decimal_separator {
        '.' => text,
        sep => text.replace('.', &sep.to_string()),
    }
}

/// The label of a code from a (code, label) table (the code itself when the table lacks it).
pub fn label(table: &[(&'static str, &'static str)], code: &str) -> String {
    table
        .iter()
        .find(|(c, _)| *c == code)
        .map_or_else(|| code.to_owned(), |(_, l)| (*l).to_owned())
}

/// A day as the UI writes it: `2026-10-02` → `02.10.2026` (anything else as given).
pub fn date(iso: &str) -> String {
    date_in(&t().formats, iso)
}

/// [`date`] in the given formats.
pub fn date_in(f: &Formats, iso: &str) -> String {
    crate::dates::parse_day(iso).map_or_else(|| iso.to_owned(), |d| crate::dates::day(f.date, d))
}

/// A day of the week calendar's head: `Пн 30.11` (`Mon 30/11`).
pub fn weekday_day(day: chrono::NaiveDate) -> String {
    use chrono::Datelike;
    let s = t();
    let weekday = s.weekdays_short[day.weekday().num_days_from_monday() as usize];
    format!("{weekday} {}", crate::dates::day(s.formats.day_month, day))
}
