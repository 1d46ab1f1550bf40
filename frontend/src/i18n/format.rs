//! Language-aware formatting of values the pages show: percentages, dates and coded labels.

/// A percentage as the UI writes it: two decimals with a decimal comma (`3,79 %`).
pub fn percent(value: f64) -> String {
    format!("{} %", share(value))
}

/// A share without the sign, for a column headed «%» (`12,50`).
pub fn share(value: f64) -> String {
    format!("{value:.2}").replace('.', ",")
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
    iso.parse::<chrono::NaiveDate>()
        .map_or_else(|_| iso.to_owned(), |d| d.format("%d.%m.%Y").to_string())
}
