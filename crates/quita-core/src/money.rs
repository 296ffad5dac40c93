//! Money: an exact number of centavos.
//!
//! [`Money`] is the only money type in Quita. It wraps an `i64` count of
//! centavos (stored as `BIGINT` in both databases), so sums are exact and a
//! float never touches an amount. Arithmetic is checked: an overflow is an
//! error the caller must handle, never a wrap-around or a panic.
//!
//! Text forms:
//! - **API / JSON / `Display`**: `"1234.56"`, `"-0.50"` (point, no grouping,
//!   always two decimals). Serde uses this form.
//! - **pt-BR display**: [`Money::format_brl`] → `R$ 1.234,56`, `-R$ 1.234,56`.
//! - **User input**: [`Money::parse`] accepts both conventions; see there.
//!
//! ```
//! use quita_core::money::Money;
//! let m = Money::parse("R$ 1.234,56").unwrap();
//! assert_eq!(m, Money::parse("1234.56").unwrap());
//! assert_eq!(m.centavos(), 123_456);
//! assert_eq!(m.to_string(), "1234.56");
//! assert_eq!(m.format_brl(), "R$ 1.234,56");
//! assert!(Money::parse("1.234").is_err()); // ambiguous: 1234 or 1.234?
//! ```

use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;

/// An amount in Brazilian reais, held as a whole number of centavos.
///
/// Invariant: none beyond the `i64` range; negative amounts exist (credits,
/// payment lines in a calculation memory). Domain types that need a positive
/// amount (a receivable's value) check it at their own construction.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Money(i64);

/// Why a text could not be read as money, or an operation overflowed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("amount is empty")]
    Empty,
    #[error("amount has an invalid character or format")]
    Invalid,
    #[error("amount has more than two decimal places")]
    TooManyDecimals,
    #[error("amount is ambiguous: write 1234,56 / 1.234,56 (pt-BR) or 1234.56")]
    Ambiguous,
    #[error("amount has misplaced thousands separators")]
    BadGrouping,
    #[error("amount is too large")]
    Overflow,
}

impl Money {
    /// R$ 0,00.
    pub const ZERO: Money = Money(0);

    /// Builds an amount from a number of centavos (`from_centavos(123456)` is R$ 1.234,56).
    pub const fn from_centavos(centavos: i64) -> Self {
        Money(centavos)
    }

    /// The number of centavos; this is the database representation (`BIGINT`).
    pub const fn centavos(self) -> i64 {
        self.0
    }

    pub const fn is_zero(self) -> bool {
        self.0 == 0
    }

    pub const fn is_positive(self) -> bool {
        self.0 > 0
    }

    pub const fn is_negative(self) -> bool {
        self.0 < 0
    }

    pub fn checked_add(self, other: Money) -> Option<Money> {
        self.0.checked_add(other.0).map(Money)
    }

    pub fn checked_sub(self, other: Money) -> Option<Money> {
        self.0.checked_sub(other.0).map(Money)
    }

    pub fn checked_neg(self) -> Option<Money> {
        self.0.checked_neg().map(Money)
    }

    /// Sum of many amounts; `None` if any partial sum overflows.
    pub fn checked_sum<I: IntoIterator<Item = Money>>(items: I) -> Option<Money> {
        items
            .into_iter()
            .try_fold(Money::ZERO, |acc, m| acc.checked_add(m))
    }

    /// The exact value in reais as a decimal (`123456` centavos → `1234.56`).
    /// Use it to multiply by rates; come back with
    /// [`round_to_centavos`](crate::rounding::round_to_centavos).
    pub fn to_decimal(self) -> Decimal {
        Decimal::new(self.0, 2)
    }

    /// Reads an amount typed by a person or found in a spreadsheet.
    ///
    /// Accepted, with optional surrounding spaces, an optional `R$` prefix
    /// (with or without a space) and an optional leading `-` or `+`
    /// (before or after `R$`):
    /// - pt-BR: `1.234,56`, `1234,56`, `1234,5`, `1.234.567`, `10,00`;
    /// - point: `1234.56`, `1234.5`, `1,234.56`;
    /// - whole reais: `1234`.
    ///
    /// Rules that keep it unambiguous: at most two decimal places; when both
    /// `.` and `,` appear the last one is the decimal separator and the other
    /// must group thousands correctly (groups of three); a lone separator
    /// followed by exactly three digits (`1.234`, `1,234`) is rejected as
    /// ambiguous, because pt-BR and English readers disagree on it by a
    /// factor of 1000. Anything else (`1,234.56.7`, `12a`, `1.2.3`, empty) is
    /// an error. Never panics.
    pub fn parse(raw: &str) -> Result<Money, MoneyError> {
        let mut s = raw.trim();
        if s.is_empty() {
            return Err(MoneyError::Empty);
        }
        let mut negative = false;
        let mut take_sign = |s: &mut &str| {
            if let Some(rest) = s.strip_prefix('-') {
                negative = true;
                *s = rest.trim_start();
                true
            } else if let Some(rest) = s.strip_prefix('+') {
                *s = rest.trim_start();
                true
            } else {
                false
            }
        };
        let signed_before = take_sign(&mut s);
        if let Some(rest) = s.strip_prefix("R$") {
            s = rest.trim_start();
            if !signed_before {
                take_sign(&mut s);
            }
        }
        if s.is_empty() {
            return Err(MoneyError::Empty);
        }
        if !s
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b'.' || b == b',')
        {
            return Err(MoneyError::Invalid);
        }
        let last_dot = s.rfind('.');
        let last_comma = s.rfind(',');
        let (int_part, frac_part, group_sep) = match (last_dot, last_comma) {
            (None, None) => (s, "", None),
            (Some(d), Some(c)) => {
                let (dec, sep) = if d > c { (d, b',') } else { (c, b'.') };
                (&s[..dec], &s[dec + 1..], Some(sep))
            }
            (Some(p), None) | (None, Some(p)) => {
                let sep = s.as_bytes()[p];
                let count = s.bytes().filter(|&b| b == sep).count();
                if count > 1 {
                    // Only grouping makes sense: 1.234.567 (pt-BR). Commas
                    // repeated are English grouping, too easy to misread here.
                    if sep == b',' {
                        return Err(MoneyError::Ambiguous);
                    }
                    (s, "", Some(sep))
                } else {
                    let frac = &s[p + 1..];
                    if frac.len() == 3 {
                        return Err(MoneyError::Ambiguous);
                    }
                    (&s[..p], frac, None)
                }
            }
        };
        if frac_part.len() > 2 {
            return Err(MoneyError::TooManyDecimals);
        }
        if (last_dot.is_some() || last_comma.is_some())
            && frac_part.is_empty()
            && group_sep.is_none()
        {
            // "1234," or "1234."
            return Err(MoneyError::Invalid);
        }
        if !frac_part.bytes().all(|b| b.is_ascii_digit()) {
            return Err(MoneyError::Invalid);
        }
        if group_sep.is_some()
            && frac_part.is_empty()
            && (last_dot.is_some() && last_comma.is_some())
        {
            return Err(MoneyError::Invalid);
        }
        // Integer part, with or without thousands grouping.
        let mut reais: i64 = 0;
        let push = |acc: i64, b: u8| -> Result<i64, MoneyError> {
            acc.checked_mul(10)
                .and_then(|v| v.checked_add(i64::from(b - b'0')))
                .ok_or(MoneyError::Overflow)
        };
        if int_part.is_empty() {
            return Err(MoneyError::Invalid);
        }
        match group_sep {
            None => {
                for b in int_part.bytes() {
                    if !b.is_ascii_digit() {
                        return Err(MoneyError::Invalid);
                    }
                    reais = push(reais, b)?;
                }
            }
            Some(sep) => {
                let sep = sep as char;
                let other = if sep == '.' { ',' } else { '.' };
                if int_part.contains(other) {
                    return Err(MoneyError::Invalid);
                }
                for (i, group) in int_part.split(sep).enumerate() {
                    let ok_len = if i == 0 {
                        (1..=3).contains(&group.len())
                    } else {
                        group.len() == 3
                    };
                    if !ok_len {
                        return Err(MoneyError::BadGrouping);
                    }
                    for b in group.bytes() {
                        if !b.is_ascii_digit() {
                            return Err(MoneyError::Invalid);
                        }
                        reais = push(reais, b)?;
                    }
                }
            }
        }
        let mut cents: i64 = 0;
        for b in frac_part.bytes() {
            cents = cents * 10 + i64::from(b - b'0');
        }
        if frac_part.len() == 1 {
            cents *= 10;
        }
        let total = reais
            .checked_mul(100)
            .and_then(|v| v.checked_add(cents))
            .ok_or(MoneyError::Overflow)?;
        Ok(Money(if negative { -total } else { total }))
    }

    /// pt-BR presentation: `R$ 1.234,56`; negatives as `-R$ 1.234,56`.
    pub fn format_brl(self) -> String {
        self.format_pt_br("R$ ")
    }

    /// The same without the symbol, for a table whose heading says the
    /// amounts are in reais: `1.234,56`, `-0,05`.
    pub fn format_reais(self) -> String {
        self.format_pt_br("")
    }

    fn format_pt_br(self, symbol: &str) -> String {
        let abs = self.0.unsigned_abs();
        let reais = abs / 100;
        let cents = abs % 100;
        let digits = reais.to_string();
        let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 8);
        if self.0 < 0 {
            out.push('-');
        }
        out.push_str(symbol);
        for (i, ch) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push('.');
            }
            out.push(ch);
        }
        out.push(',');
        out.push(char::from(b'0' + (cents / 10) as u8));
        out.push(char::from(b'0' + (cents % 10) as u8));
        out
    }
}

/// API form: `1234.56`, `-0.50`.
impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let abs = self.0.unsigned_abs();
        let sign = if self.0 < 0 { "-" } else { "" };
        write!(f, "{sign}{}.{:02}", abs / 100, abs % 100)
    }
}

impl fmt::Debug for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Money({self})")
    }
}

impl FromStr for Money {
    type Err = MoneyError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Money::parse(s)
    }
}

impl serde::Serialize for Money {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// Accepts a decimal string (`"1234.56"`; any form [`Money::parse`] reads).
/// JSON numbers are refused on purpose: they would pass through a float.
impl<'de> serde::Deserialize<'de> for Money {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Money;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an amount as a decimal string, e.g. \"1234.56\"")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Money, E> {
                Money::parse(v).map_err(E::custom)
            }
        }
        deserializer.deserialize_str(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn m(c: i64) -> Money {
        Money::from_centavos(c)
    }

    #[test]
    fn parses_accepted_forms() {
        for (raw, c) in [
            ("1.234,56", 123456),
            ("1234,56", 123456),
            ("1234.56", 123456),
            ("1234.5", 123450),
            ("1234,5", 123450),
            ("R$ 1.234,56", 123456),
            ("R$1.234,56", 123456),
            ("R$\u{a0}1.234,56", 123456),
            ("-R$\u{a0}1.234,56", -123456),
            ("  R$  1.234,56 ", 123456),
            ("-10,00", -1000),
            ("-R$ 1.234,56", -123456),
            ("R$ -1.234,56", -123456),
            ("+5", 500),
            ("0,01", 1),
            ("1,234.56", 123456),
            ("1.234.567", 123456700),
            ("1.234.567,89", 123456789),
            ("1234", 123400),
            ("0", 0),
        ] {
            assert_eq!(Money::parse(raw), Ok(m(c)), "{raw}");
        }
    }

    #[test]
    fn rejects_bad_forms() {
        for (raw, err) in [
            ("", MoneyError::Empty),
            ("   ", MoneyError::Empty),
            ("R$", MoneyError::Empty),
            ("1,234.56.7", MoneyError::Invalid),
            ("1.234", MoneyError::Ambiguous),
            ("1,234", MoneyError::Ambiguous),
            ("1,234,567", MoneyError::Ambiguous),
            ("12,345", MoneyError::Ambiguous),
            ("1,2345", MoneyError::TooManyDecimals),
            ("1.2345", MoneyError::TooManyDecimals),
            ("12.34,567", MoneyError::TooManyDecimals),
            ("12a", MoneyError::Invalid),
            ("1 234,56", MoneyError::Invalid),
            ("1234,", MoneyError::Invalid),
            (",50", MoneyError::Invalid),
            ("--1", MoneyError::Invalid),
            ("12.34.5,00", MoneyError::BadGrouping),
            ("1234.567,00", MoneyError::BadGrouping),
            ("99999999999999999999", MoneyError::Overflow),
            ("1e5", MoneyError::Invalid),
        ] {
            assert_eq!(Money::parse(raw), Err(err), "{raw}");
        }
    }

    #[test]
    fn displays() {
        assert_eq!(m(123456).to_string(), "1234.56");
        assert_eq!(m(-50).to_string(), "-0.50");
        assert_eq!(m(0).to_string(), "0.00");
        assert_eq!(m(123456).format_brl(), "R$ 1.234,56");
        assert_eq!(m(-123456).format_brl(), "-R$ 1.234,56");
        assert_eq!(m(5).format_brl(), "R$ 0,05");
        assert_eq!(m(100_000_000).format_brl(), "R$ 1.000.000,00");
        assert_eq!(m(i64::MIN).format_brl(), "-R$ 92.233.720.368.547.758,08");
        assert_eq!(m(-123456).format_reais(), "-1.234,56");
        assert_eq!(m(5).format_reais(), "0,05");
    }

    #[test]
    fn checked_arithmetic() {
        assert_eq!(m(1).checked_add(m(2)), Some(m(3)));
        assert_eq!(m(i64::MAX).checked_add(m(1)), None);
        assert_eq!(m(i64::MIN).checked_sub(m(1)), None);
        assert_eq!(m(i64::MIN).checked_neg(), None);
        assert_eq!(Money::checked_sum([m(1), m(2), m(3)]), Some(m(6)));
        assert_eq!(Money::checked_sum([m(i64::MAX), m(1)]), None);
        assert_eq!(m(123456).to_decimal(), Decimal::new(123456, 2));
    }

    #[test]
    fn serde_is_a_decimal_string() {
        assert_eq!(serde_json::to_string(&m(123456)).unwrap(), "\"1234.56\"");
        assert_eq!(
            serde_json::from_str::<Money>("\"1234.56\"").unwrap(),
            m(123456)
        );
        assert!(serde_json::from_str::<Money>("1234.56").is_err());
    }

    proptest! {
        #[test]
        fn api_form_round_trips(c in any::<i64>()) {
            prop_assume!(c != i64::MIN);
            prop_assert_eq!(Money::parse(&m(c).to_string()), Ok(m(c)));
        }

        #[test]
        fn brl_form_round_trips(c in any::<i64>()) {
            prop_assume!(c != i64::MIN);
            prop_assert_eq!(Money::parse(&m(c).format_brl()), Ok(m(c)));
        }

        #[test]
        fn reais_form_is_the_brl_form_without_the_symbol(c in any::<i64>()) {
            prop_assert_eq!(m(c).format_reais(), m(c).format_brl().replacen("R$ ", "", 1));
        }

        #[test]
        fn parse_never_panics(s in "\\PC{0,30}") {
            let _ = Money::parse(&s);
        }

        #[test]
        fn parse_never_panics_on_numberish(s in "[-+R$ 0-9.,]{0,24}") {
            let _ = Money::parse(&s);
        }
    }
}
