//! Percentage rates: fines, interest per month, fees.
//!
//! A [`Percent`] is a non-negative exact decimal **in percent units**
//! (`2` means 2 %, i.e. the fraction 0.02). It never goes through a float.
//!
//! Database representation: `BIGINT` **millionths of a percent**
//! ([`Percent::to_db`] / [`Percent::from_db`]): 2 % → `2_000_000`,
//! 0.0333 % → `33_300`. Six decimal places of a percent cover the legal rate
//! published by the BCB (six decimal places) and every rate seen in contracts.

use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;

/// A non-negative percentage with at most six decimal places, at most
/// [`Percent::MAX`].
///
/// Invariant: `0 <= value <= 1_000_000` and `value * 10^6` is a whole number,
/// so [`Percent::to_db`] is exact and [`Percent::from_db`] round-trips.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Percent(Decimal);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RateError {
    #[error("rate is empty")]
    Empty,
    #[error("rate is not a number (use 2, 2,5, 0.0333 or 1%)")]
    Invalid,
    #[error("rate must not be negative")]
    Negative,
    #[error("rate has more than six decimal places")]
    TooPrecise,
    #[error("rate is too large")]
    TooLarge,
    /// `10.000`: ten in the English way, ten thousand in the Brazilian one.
    #[error(
        "rate is ambiguous: a point before three digits reads as thousands in pt-BR (use 10 or 2,5)"
    )]
    Ambiguous,
}

/// Millionths of a percent in one percent.
const DB_SCALE: i64 = 1_000_000;

impl Percent {
    pub const ZERO: Percent = Percent(Decimal::ZERO);
    /// The largest accepted rate, 1,000,000 %: far above any real rate, low
    /// enough that products with money stay well inside `Decimal`'s range.
    pub const MAX: Percent = Percent(Decimal::from_parts(1_000_000, 0, 0, false, 0));

    /// A whole number of percent (`whole(2)` = 2 %), usable in constants;
    /// values above [`Percent::MAX`] are clamped to it.
    pub const fn whole(n: u32) -> Percent {
        let n = if n > 1_000_000 { 1_000_000 } else { n };
        Percent(Decimal::from_parts(n, 0, 0, false, 0))
    }

    /// Reads `2`, `2,5`, `0.0333`, `1%`, `1,5 %` (decimal comma or point,
    /// no thousands separators, optional `%`). Never panics.
    pub fn parse(raw: &str) -> Result<Percent, RateError> {
        let d = parse_signed_decimal(raw)?;
        Percent::from_decimal(d)
    }

    /// [`Percent::parse`] for a rate a person typed in a pt-BR form:
    /// `10.000` or `2.500` (a point before exactly three digits, after a
    /// whole part other than 0) is thousands to a Brazilian and decimals to
    /// the rest, so it is refused as ambiguous; `0.333`, `2,500` and
    /// `1.5` are not in doubt. Stored and API values keep [`Percent::parse`].
    pub fn parse_typed(raw: &str) -> Result<Percent, RateError> {
        if thousands_point(raw) {
            return Err(RateError::Ambiguous);
        }
        Percent::parse(raw)
    }

    /// From a value in percent units (`Decimal 2` = 2 %).
    pub fn from_decimal(value: Decimal) -> Result<Percent, RateError> {
        if value.is_sign_negative() && !value.is_zero() {
            return Err(RateError::Negative);
        }
        if value > Self::MAX.0 {
            return Err(RateError::TooLarge);
        }
        let v = value.normalize();
        if v.scale() > 6 {
            return Err(RateError::TooPrecise);
        }
        Ok(Percent(v))
    }

    /// The value in percent units (2 % → `2`).
    pub fn as_decimal(self) -> Decimal {
        self.0
    }

    /// The value as a fraction (2 % → `0.02`), for multiplying money.
    pub fn fraction(self) -> Decimal {
        self.0 / Decimal::ONE_HUNDRED
    }

    pub fn is_zero(self) -> bool {
        self.0.is_zero()
    }

    /// Millionths of a percent, the `BIGINT` stored in the database.
    pub fn to_db(self) -> i64 {
        // Exact by the invariant (scale ≤ 6, value ≤ 10^6).
        let scaled = self.0 * Decimal::from(DB_SCALE);
        i64::try_from(scaled.trunc()).unwrap_or(i64::MAX)
    }

    /// The number as pt-BR text, decimal comma, no `%` sign: `2`, `2,5`.
    pub fn pt_br(self) -> String {
        self.0.normalize().to_string().replace('.', ",")
    }

    /// Inverse of [`Percent::to_db`]; rejects a negative or too large value.
    pub fn from_db(millionths: i64) -> Result<Percent, RateError> {
        Percent::from_decimal(Decimal::new(millionths, 6))
    }
}

/// Parses a signed decimal in percent units with decimal comma or point and an
/// optional `%` suffix. Shared with the index-table parser, where negative
/// monthly rates (deflation) are legitimate.
/// Whether a number is written `10.000` or `2.500` (a point before exactly
/// three digits, after a whole part other than 0, `%` allowed): thousands to
/// a Brazilian, decimals to the rest.
pub(crate) fn thousands_point(raw: &str) -> bool {
    let bare = raw.trim().trim_end_matches('%').trim_end();
    let bare = bare.strip_prefix(['-', '+']).unwrap_or(bare);
    bare.split_once('.').is_some_and(|(whole, decimals)| {
        decimals.len() == 3
            && decimals.bytes().all(|b| b.is_ascii_digit())
            && !whole.is_empty()
            && whole.bytes().all(|b| b.is_ascii_digit())
            && whole.bytes().any(|b| b != b'0')
    })
}

pub(crate) fn parse_signed_decimal(raw: &str) -> Result<Decimal, RateError> {
    let mut s = raw.trim();
    if let Some(rest) = s.strip_suffix('%') {
        s = rest.trim_end();
    }
    if s.is_empty() {
        return Err(RateError::Empty);
    }
    let (neg, body) = match s.as_bytes()[0] {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    let mut seps = 0;
    let mut digits = 0;
    for b in body.bytes() {
        match b {
            b'0'..=b'9' => digits += 1,
            b'.' | b',' => seps += 1,
            _ => return Err(RateError::Invalid),
        }
    }
    if digits == 0 || seps > 1 || body.starts_with(['.', ',']) || body.ends_with(['.', ',']) {
        return Err(RateError::Invalid);
    }
    if digits > 20 {
        return Err(RateError::TooLarge);
    }
    let (int, frac) = match body.find(['.', ',']) {
        Some(p) => (&body[..p], &body[p + 1..]),
        None => (body, ""),
    };
    if frac.len() > 12 {
        return Err(RateError::TooPrecise);
    }
    let mut mantissa: i128 = 0;
    for b in int.bytes().chain(frac.bytes()) {
        mantissa = mantissa * 10 + i128::from(b - b'0');
    }
    if neg {
        mantissa = -mantissa;
    }
    Decimal::try_from_i128_with_scale(mantissa, frac.len() as u32).map_err(|_| RateError::TooLarge)
}

/// Plain decimal in percent units, no `%` sign: `2`, `2.5`, `0.0333`.
impl fmt::Display for Percent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl fmt::Debug for Percent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}%", self.0)
    }
}

impl FromStr for Percent {
    type Err = RateError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Percent::parse(s)
    }
}

/// JSON: a decimal string in percent units, `"2.5"`.
impl serde::Serialize for Percent {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Percent {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        Percent::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn p(s: &str) -> Percent {
        Percent::parse(s).unwrap()
    }

    #[test]
    fn parses_forms() {
        assert_eq!(p("2").as_decimal(), Decimal::new(2, 0));
        assert_eq!(p("2,5").as_decimal(), Decimal::new(25, 1));
        assert_eq!(p("0.0333").as_decimal(), Decimal::new(333, 4));
        assert_eq!(p("1%").as_decimal(), Decimal::ONE);
        assert_eq!(p(" 1,50 % ").as_decimal(), Decimal::new(15, 1));
        assert_eq!(p("2").fraction(), Decimal::new(2, 2));
        assert_eq!(p("2.000").to_string(), "2");
        assert_eq!(p("2,50").pt_br(), "2,5");
        assert_eq!(p("2").pt_br(), "2");
    }

    #[test]
    fn typed_thousands_are_ambiguous() {
        for raw in ["10.000", "2.500", "1.000%", " 12.345 "] {
            assert_eq!(
                Percent::parse_typed(raw),
                Err(RateError::Ambiguous),
                "{raw}"
            );
            assert!(
                Percent::parse(raw).is_ok(),
                "stored and API values read: {raw}"
            );
        }
        for (raw, want) in [
            ("0.333", "0.333"),
            ("2,500", "2.5"),
            ("1.5", "1.5"),
            ("2", "2"),
        ] {
            assert_eq!(
                Percent::parse_typed(raw).unwrap().to_string(),
                want,
                "{raw}"
            );
        }
    }

    #[test]
    fn rejects() {
        for (raw, e) in [
            ("", RateError::Empty),
            ("%", RateError::Empty),
            ("-1", RateError::Negative),
            ("abc", RateError::Invalid),
            ("1.2.3", RateError::Invalid),
            ("1,", RateError::Invalid),
            (",5", RateError::Invalid),
            ("1.0000001", RateError::TooPrecise),
            ("1000001", RateError::TooLarge),
            ("1e3", RateError::Invalid),
        ] {
            assert_eq!(Percent::parse(raw), Err(e), "{raw}");
        }
    }

    #[test]
    fn db_representation() {
        assert_eq!(p("2").to_db(), 2_000_000);
        assert_eq!(p("0.0333").to_db(), 33_300);
        assert_eq!(Percent::from_db(33_300), Ok(p("0.0333")));
        assert_eq!(Percent::from_db(-1), Err(RateError::Negative));
        assert_eq!(Percent::MAX.to_db(), 1_000_000_000_000);
    }

    #[test]
    fn serde() {
        assert_eq!(serde_json::to_string(&p("2,5")).unwrap(), "\"2.5\"");
        assert_eq!(
            serde_json::from_str::<Percent>("\"2.5\"").unwrap(),
            p("2.5")
        );
    }

    proptest! {
        #[test]
        fn db_round_trips(v in 0i64..=1_000_000_000_000) {
            let r = Percent::from_db(v).unwrap();
            prop_assert_eq!(r.to_db(), v);
            prop_assert_eq!(Percent::parse(&r.to_string()), Ok(r));
        }

        #[test]
        fn never_panics(s in "\\PC{0,30}") {
            let _ = Percent::parse(&s);
        }
    }
}
