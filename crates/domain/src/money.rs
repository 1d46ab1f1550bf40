//! Money in whole tiyn (1 ₸ = 100 tiyn). Never a float: parsed from and written as decimal strings
//! (`"12500.00"`), converted exactly to `rust_decimal::Decimal`, added with overflow checks, and
//! formatted for people in one place (`12 500 ₸`).

use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::FieldViolation;

/// An amount of tenge held as integer tiyn. May be negative (a difference, a debt); prices and
/// payments are checked with [`Money::parse_price`] and [`Money::parse_payment`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Money(i64);

/// The largest amount accepted from input: 1 trillion tenge, far above any clinic bill and far
/// below `i64` overflow even when millions of amounts are summed.
pub const MAX_INPUT_TIYN: i64 = 100_000_000_000_000;

/// Why a money string was refused. Each reason has a Russian message for the form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    /// Nothing was given.
    #[error("Укажите сумму")]
    Empty,
    /// Not a plain decimal number (letters, exponent, several points, spaces).
    #[error("Сумма должна быть числом, например 12500 или 12500.50")]
    NotANumber,
    /// More than two digits after the point: tiyn are the smallest unit.
    #[error("Не больше двух знаков после запятой")]
    TooManyDecimals,
    /// Beyond [`MAX_INPUT_TIYN`] or `i64`.
    #[error("Слишком большая сумма")]
    TooLarge,
    /// Negative where only zero or more is allowed (a price).
    #[error("Сумма не может быть отрицательной")]
    Negative,
    /// Zero or negative where a positive amount is required (a payment).
    #[error("Сумма должна быть больше нуля")]
    NotPositive,
    /// A sum or difference left the `i64` range.
    #[error("Переполнение суммы")]
    Overflow,
}

impl MoneyError {
    /// Stable snake_case code for API error bodies.
    pub fn code(self) -> &'static str {
        match self {
            Self::Empty => "required",
            Self::NotANumber => "invalid_money",
            Self::TooManyDecimals => "too_many_decimals",
            Self::TooLarge | Self::Overflow => "too_large",
            Self::Negative => "negative",
            Self::NotPositive => "not_positive",
        }
    }

    /// This error as a violation of `field`.
    pub fn on(self, field: impl Into<String>) -> FieldViolation {
        FieldViolation::new(field, self.code(), self.to_string())
    }
}

impl Money {
    /// Zero tenge.
    pub const ZERO: Money = Money(0);

    /// From integer tiyn (the database representation).
    pub const fn from_tiyn(tiyn: i64) -> Self {
        Self(tiyn)
    }

    /// From whole tenge; `None` on overflow.
    pub fn from_tenge(tenge: i64) -> Option<Self> {
        tenge.checked_mul(100).map(Self)
    }

    /// The amount in tiyn (for storage and arithmetic in SQL).
    pub const fn tiyn(self) -> i64 {
        self.0
    }

    /// True for exactly zero.
    pub const fn is_zero(self) -> bool {
        self.0 == 0
    }

    /// True for amounts above zero.
    pub const fn is_positive(self) -> bool {
        self.0 > 0
    }

    /// True for amounts below zero.
    pub const fn is_negative(self) -> bool {
        self.0 < 0
    }

    /// `self + other`, refusing overflow instead of wrapping.
    pub fn checked_add(self, other: Money) -> Result<Money, MoneyError> {
        self.0
            .checked_add(other.0)
            .map(Money)
            .ok_or(MoneyError::Overflow)
    }

    /// `self - other`, refusing overflow instead of wrapping.
    pub fn checked_sub(self, other: Money) -> Result<Money, MoneyError> {
        self.0
            .checked_sub(other.0)
            .map(Money)
            .ok_or(MoneyError::Overflow)
    }

    /// Sums amounts, refusing overflow.
    pub fn checked_sum<I: IntoIterator<Item = Money>>(items: I) -> Result<Money, MoneyError> {
        items.into_iter().try_fold(Money::ZERO, Money::checked_add)
    }

    /// The smaller of two amounts.
    pub fn min(self, other: Money) -> Money {
        Money(self.0.min(other.0))
    }

    /// Exact conversion to a `Decimal` with scale 2.
    pub fn to_decimal(self) -> Decimal {
        Decimal::new(self.0, 2)
    }

    /// Exact conversion from a `Decimal`; refuses fractions of a tiyn and out-of-range values.
    pub fn from_decimal(d: Decimal) -> Result<Money, MoneyError> {
        let normalized = d.normalize();
        if normalized.scale() > 2 {
            return Err(MoneyError::TooManyDecimals);
        }
        let tiyn = normalized
            .checked_mul(Decimal::ONE_HUNDRED)
            .ok_or(MoneyError::TooLarge)?;
        i64::try_from(tiyn.mantissa() / 10i128.pow(tiyn.scale()))
            .map(Money)
            .map_err(|_| MoneyError::TooLarge)
    }

    /// Parses a price: zero or more (a free service is allowed).
    pub fn parse_price(s: &str) -> Result<Money, MoneyError> {
        let m = Money::from_str(s)?;
        if m.is_negative() {
            return Err(MoneyError::Negative);
        }
        Ok(m)
    }

    /// Parses a payment amount: strictly more than zero.
    pub fn parse_payment(s: &str) -> Result<Money, MoneyError> {
        let m = Money::from_str(s)?;
        if !m.is_positive() {
            return Err(MoneyError::NotPositive);
        }
        Ok(m)
    }

    /// Parses what a person typed in a form: tolerates group spaces (`12 500`), a decimal comma
    /// (`12500,50`) and a trailing `₸`, then applies the strict wire rules.
    pub fn parse_user_input(s: &str) -> Result<Money, MoneyError> {
        let cleaned: String = s
            .trim()
            .trim_end_matches('₸')
            .chars()
            .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}'))
            .map(|c| if c == ',' { '.' } else { c })
            .collect();
        Money::from_str(&cleaned)
    }

    /// What a form sends for what a person typed: the wire form (`12500.00`) when it parses,
    /// otherwise the text itself, so the server names the problem in its answer.
    pub fn wire_from_user_input(typed: &str) -> String {
        Money::parse_user_input(typed).map_or_else(|_| typed.to_owned(), |m| m.to_string())
    }

    /// Formats for people: groups of three by a no-break space, a decimal comma only when there
    /// are tiyn, and the tenge sign: `12 500 ₸`, `12 500,50 ₸`, `-300 ₸`. All spaces are U+00A0,
    /// so an amount never wraps across lines.
    pub fn format_ui(self) -> String {
        self.format_with(',', '\u{a0}')
    }

    /// [`Money::format_ui`] with a language's separators (`12,500.50 ₸` with `.` and `,`): the
    /// SPA's Kazakh and English tables name theirs.
    pub fn format_with(self, decimal_separator: char, group_separator: char) -> String {
        let negative = self.0 < 0;
        let abs = self.0.unsigned_abs();
        let (tenge, tiyn) = (abs / 100, abs % 100);
        let mut grouped = String::with_capacity(24);
        if negative {
            grouped.push('-');
        }
        grouped.push_str(&group_digits_with(tenge, group_separator));
        if tiyn != 0 {
            grouped.push(decimal_separator);
            grouped.push_str(&format!("{tiyn:02}"));
        }
        grouped.push_str("\u{a0}₸");
        grouped
    }
}

/// Groups of three digits by a no-break space (`12 000`), as people read counts and amounts.
pub fn group_digits(n: u64) -> String {
    group_digits_with(n, '\u{a0}')
}

/// Groups of three digits by `separator` (`12,000` with `,`).
pub fn group_digits_with(n: u64, separator: char) -> String {
    let digits = n.to_string();
    let mut grouped = String::with_capacity(digits.len() * 2);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(separator);
        }
        grouped.push(ch);
    }
    grouped
}

/// The strict wire format: optional `-`, digits, optionally `.` and one or two digits.
/// No exponent, no spaces, no `+`, no leading `.`: `"12500"`, `"12500.5"`, `"12500.50"`.
impl FromStr for Money {
    type Err = MoneyError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.is_empty() {
            return Err(MoneyError::Empty);
        }
        let (negative, body) = match s.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, s),
        };
        let (whole, frac) = match body.split_once('.') {
            Some((w, f)) => (w, Some(f)),
            None => (body, None),
        };
        if whole.is_empty() || !whole.bytes().all(|b| b.is_ascii_digit()) {
            return Err(MoneyError::NotANumber);
        }
        let frac_tiyn = match frac {
            None => 0,
            Some(f) if f.is_empty() || !f.bytes().all(|b| b.is_ascii_digit()) => {
                return Err(MoneyError::NotANumber)
            }
            Some(f) if f.len() > 2 => return Err(MoneyError::TooManyDecimals),
            Some(f) => {
                let v: i64 = f.parse().map_err(|_| MoneyError::NotANumber)?;
                if f.len() == 1 {
                    v * 10
                } else {
                    v
                }
            }
        };
        let whole: i64 = whole
            .trim_start_matches('0')
            .parse::<i64>()
            .or_else(|e| {
                if whole.bytes().all(|b| b == b'0') {
                    Ok(0)
                } else {
                    Err(e)
                }
            })
            .map_err(|_| MoneyError::TooLarge)?;
        let tiyn = whole
            .checked_mul(100)
            .and_then(|t| t.checked_add(frac_tiyn))
            .filter(|t| *t <= MAX_INPUT_TIYN)
            .ok_or(MoneyError::TooLarge)?;
        Ok(Money(if negative { -tiyn } else { tiyn }))
    }
}

/// The wire format: always two decimals, `"12500.00"`, `"-0.05"`.
impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        write!(f, "{sign}{}.{:02}", abs / 100, abs % 100)
    }
}

impl Serialize for Money {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Money {
    /// Accepts only decimal strings; a JSON number is refused so no float ever carries money.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        Money::from_str(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_form_sends_the_wire_form_or_the_text_as_typed() {
        assert_eq!(Money::wire_from_user_input("12 500,5 ₸"), "12500.50");
        assert_eq!(Money::wire_from_user_input("много"), "много");
    }

    fn m(s: &str) -> Money {
        Money::from_str(s).unwrap_or(Money(i64::MIN))
    }

    #[test]
    fn accepts_whole_one_and_two_decimal_forms() {
        assert_eq!(m("12500"), Money(1_250_000));
        assert_eq!(m("12500.5"), Money(1_250_050));
        assert_eq!(m("12500.50"), Money(1_250_050));
        assert_eq!(m("0.01"), Money(1));
        assert_eq!(m("0"), Money(0));
        assert_eq!(m("000"), Money(0));
        assert_eq!(m("007.10"), Money(710));
        assert_eq!(m("-0.05"), Money(-5));
    }

    #[test]
    fn refuses_malformed_strings_with_a_reason() {
        assert_eq!(Money::from_str(""), Err(MoneyError::Empty));
        assert_eq!(
            Money::from_str("12500.555"),
            Err(MoneyError::TooManyDecimals)
        );
        assert_eq!(Money::from_str("1e3"), Err(MoneyError::NotANumber));
        assert_eq!(Money::from_str("12 500"), Err(MoneyError::NotANumber));
        assert_eq!(Money::from_str("+5"), Err(MoneyError::NotANumber));
        assert_eq!(Money::from_str(".5"), Err(MoneyError::NotANumber));
        assert_eq!(Money::from_str("5."), Err(MoneyError::NotANumber));
        assert_eq!(Money::from_str("1.2.3"), Err(MoneyError::NotANumber));
        assert_eq!(Money::from_str("NaN"), Err(MoneyError::NotANumber));
        assert_eq!(Money::from_str("-"), Err(MoneyError::NotANumber));
        assert_eq!(
            Money::from_str("99999999999999999999"),
            Err(MoneyError::TooLarge)
        );
        assert_eq!(
            Money::from_str("1000000000000.01"),
            Err(MoneyError::TooLarge)
        );
        assert_eq!(
            Money::from_str("1000000000000").map(Money::tiyn),
            Ok(MAX_INPUT_TIYN)
        );
    }

    #[test]
    fn prices_may_be_zero_but_not_negative() {
        assert_eq!(Money::parse_price("0"), Ok(Money::ZERO));
        assert_eq!(Money::parse_price("-1"), Err(MoneyError::Negative));
        assert_eq!(Money::parse_price("abc"), Err(MoneyError::NotANumber));
    }

    #[test]
    fn payments_must_be_positive() {
        assert_eq!(Money::parse_payment("0.01"), Ok(Money(1)));
        assert_eq!(Money::parse_payment("0"), Err(MoneyError::NotPositive));
        assert_eq!(Money::parse_payment("0.00"), Err(MoneyError::NotPositive));
        assert_eq!(Money::parse_payment("-5"), Err(MoneyError::NotPositive));
    }

    #[test]
    fn user_input_tolerates_spaces_comma_and_sign() {
        assert_eq!(
            Money::parse_user_input(" 12 500,50 ₸ "),
            Ok(Money(1_250_050))
        );
        assert_eq!(Money::parse_user_input("12\u{a0}500"), Ok(Money(1_250_000)));
        assert_eq!(
            Money::parse_user_input("1,234"),
            Err(MoneyError::TooManyDecimals)
        );
    }

    #[test]
    fn wire_format_always_has_two_decimals() {
        assert_eq!(Money(1_250_000).to_string(), "12500.00");
        assert_eq!(Money(5).to_string(), "0.05");
        assert_eq!(Money(-5).to_string(), "-0.05");
        assert_eq!(Money(-123_456).to_string(), "-1234.56");
    }

    #[test]
    fn ui_format_groups_thousands_and_shows_tiyn_only_when_present() {
        assert_eq!(Money(1_250_000).format_ui(), "12\u{a0}500\u{a0}₸");
        assert_eq!(Money(1_250_050).format_ui(), "12\u{a0}500,50\u{a0}₸");
        assert_eq!(Money(0).format_ui(), "0\u{a0}₸");
        assert_eq!(Money(99_900).format_ui(), "999\u{a0}₸");
        assert_eq!(Money(100_000_000).format_ui(), "1\u{a0}000\u{a0}000\u{a0}₸");
        assert_eq!(Money(-30_000).format_ui(), "-300\u{a0}₸");
        assert_eq!(Money(-5).format_ui(), "-0,05\u{a0}₸");
        assert_eq!(
            Money(123_456_705).format_with('.', ','),
            "1,234,567.05\u{a0}₸"
        );
        assert_eq!(Money(-99_950).format_with('.', ','), "-999.50\u{a0}₸");
        assert_eq!(super::group_digits_with(12_000, ','), "12,000");
    }

    #[test]
    fn decimal_conversion_is_exact_both_ways() {
        assert_eq!(Money(1_250_050).to_decimal(), Decimal::new(1_250_050, 2));
        assert_eq!(
            Money::from_decimal(Decimal::new(289_900, 1)),
            Ok(Money(2_899_000))
        );
        assert_eq!(
            Money::from_decimal(Decimal::new(12_345, 3)),
            Err(MoneyError::TooManyDecimals)
        );
        assert_eq!(Money::from_decimal(Decimal::new(-15, 1)), Ok(Money(-150)));
        assert_eq!(Money::from_decimal(Decimal::new(1_000, 3)), Ok(Money(100)));
        assert_eq!(Money::from_decimal(Decimal::MAX), Err(MoneyError::TooLarge));
    }

    #[test]
    fn arithmetic_refuses_overflow() {
        assert_eq!(Money(1).checked_add(Money(2)), Ok(Money(3)));
        assert_eq!(
            Money(i64::MAX).checked_add(Money(1)),
            Err(MoneyError::Overflow)
        );
        assert_eq!(
            Money(i64::MIN).checked_sub(Money(1)),
            Err(MoneyError::Overflow)
        );
        assert_eq!(
            Money::checked_sum([Money(1), Money(2), Money(3)]),
            Ok(Money(6))
        );
        assert_eq!(
            Money::checked_sum([Money(i64::MAX), Money(1)]),
            Err(MoneyError::Overflow)
        );
    }

    #[test]
    fn serde_uses_decimal_strings_and_refuses_json_numbers() {
        assert_eq!(
            serde_json::to_string(&Money(1_250_000)).ok().as_deref(),
            Some("\"12500.00\"")
        );
        assert_eq!(
            serde_json::from_str::<Money>("\"12500.5\"").ok(),
            Some(Money(1_250_050))
        );
        assert!(serde_json::from_str::<Money>("12500.5").is_err());
        assert!(serde_json::from_str::<Money>("\"1e3\"").is_err());
    }

    #[test]
    fn errors_have_codes_and_russian_messages() {
        let v = MoneyError::TooManyDecimals.on("price");
        assert_eq!(v.field, "price");
        assert_eq!(v.code, "too_many_decimals");
        assert_eq!(v.message, "Не больше двух знаков после запятой");
    }
}
