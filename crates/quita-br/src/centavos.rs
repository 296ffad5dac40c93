//! A non-negative amount of money in centavos, as it appears in Pix payloads
//! and CNAB files.
//!
//! Both standards write amounts as unsigned decimals (Pix: `123.45`; CNAB:
//! zero-padded integers with two implied decimals), so the type holds a
//! non-negative `i64` (the workspace's money representation) and never a float.

use std::fmt;

/// Centavos ≥ 0. Invariant: the inner value is never negative.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Centavos(i64);

impl Centavos {
    /// Zero centavos.
    pub const ZERO: Self = Self(0);

    /// The amount, or `None` when `value` is negative.
    pub const fn new(value: i64) -> Option<Self> {
        if value < 0 { None } else { Some(Self(value)) }
    }

    /// The number of centavos.
    pub const fn get(self) -> i64 {
        self.0
    }

    /// Sum, or `None` on overflow.
    pub fn checked_add(self, other: Self) -> Option<Self> {
        self.0.checked_add(other.0).map(Self)
    }

    /// Parses a decimal with `.` as separator and at most two decimals
    /// (`10`, `10.5`, `10.50`); no sign, no thousands separators.
    pub fn parse_decimal(text: &str) -> Option<Self> {
        let (int, frac) = match text.split_once('.') {
            Some((i, f)) => (i, Some(f)),
            None => (text, None),
        };
        if int.is_empty() || int.len() > 16 || !int.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let mut value: i64 = int.parse().ok()?;
        value = value.checked_mul(100)?;
        match frac {
            None => {}
            Some(f) if f.is_empty() || f.len() > 2 || !f.bytes().all(|b| b.is_ascii_digit()) => {
                return None;
            }
            Some(f) => {
                let cents: i64 = f.parse().ok()?;
                value = value.checked_add(if f.len() == 1 { cents * 10 } else { cents })?;
            }
        }
        Some(Self(value))
    }
}

/// `1234.50`: integer part, `.`, two decimals.
impl fmt::Display for Centavos {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{:02}", self.0 / 100, self.0 % 100)
    }
}

impl serde::Serialize for Centavos {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// Reads `"123.45"`: a decimal string, the JSON convention for money.
impl<'de> serde::Deserialize<'de> for Centavos {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Centavos;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an amount as a decimal string such as \"123.45\"")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Centavos, E> {
                Centavos::parse_decimal(v).ok_or_else(|| E::custom(format!("invalid amount {v:?}")))
            }
        }
        d.deserialize_str(Visitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints() {
        for (text, cents, shown) in [
            ("10", 1000, "10.00"),
            ("10.5", 1050, "10.50"),
            ("0.01", 1, "0.01"),
            ("123.45", 12345, "123.45"),
        ] {
            let c = Centavos::parse_decimal(text).unwrap();
            assert_eq!(c.get(), cents);
            assert_eq!(c.to_string(), shown);
        }
        for bad in ["", ".5", "1.", "1.234", "-1", "1,00", "1e3", " 1", "１"] {
            assert_eq!(Centavos::parse_decimal(bad), None, "{bad}");
        }
        assert_eq!(Centavos::new(-1), None);
    }
}
