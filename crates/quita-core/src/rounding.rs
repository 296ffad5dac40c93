//! The one place where an exact decimal becomes centavos.
//!
//! Every calculation that multiplies money by a rate (fine, interest,
//! correction, fee, discounts) works in [`Decimal`] and comes back to
//! [`Money`] only through [`round_to_centavos`]. Keeping one function makes the
//! rounding rule auditable and identical everywhere.

use rust_decimal::{Decimal, RoundingStrategy};

use crate::money::{Money, MoneyError};

/// Rounds an amount in reais to whole centavos, **half away from zero**
/// (`0.005` → `0.01`, `-0.005` → `-0.01`, `0.0049` → `0.00`), the rule of
/// NBR 5891 as applied to money and what a person checking the calculation
/// by hand expects.
///
/// Returns [`MoneyError::Overflow`] when the result does not fit in
/// [`Money`] (about ± 92 quadrillion reais): a `Decimal` can hold larger
/// values, and saturating silently would hide a wrong result.
pub fn round_to_centavos(value: Decimal) -> Result<Money, MoneyError> {
    let rounded = value.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
    let centavos = rounded
        .checked_mul(Decimal::ONE_HUNDRED)
        .ok_or(MoneyError::Overflow)?;
    i64::try_from(centavos)
        .map(Money::from_centavos)
        .map_err(|_| MoneyError::Overflow)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn half_away_from_zero() {
        for (v, c) in [
            ("0.005", 1),
            ("-0.005", -1),
            ("0.0049", 0),
            ("-0.0049", 0),
            ("1.015", 102),
            ("1.025", 103),
            ("20.00", 2000),
            ("1234.5649999", 123456),
            ("0", 0),
        ] {
            assert_eq!(round_to_centavos(d(v)), Ok(Money::from_centavos(c)), "{v}");
        }
    }

    #[test]
    fn overflow_is_an_error() {
        assert_eq!(round_to_centavos(Decimal::MAX), Err(MoneyError::Overflow));
        assert_eq!(
            round_to_centavos(d("92233720368547758.08")),
            Err(MoneyError::Overflow)
        );
        assert!(round_to_centavos(d("92233720368547758.07")).is_ok());
    }

    proptest! {
        #[test]
        fn exact_centavos_are_unchanged(c in any::<i64>()) {
            let m = Money::from_centavos(c);
            prop_assert_eq!(round_to_centavos(m.to_decimal()), Ok(m));
        }

        #[test]
        fn error_is_at_most_half_a_centavo(n in -1_000_000_000_000i64..1_000_000_000_000, scale in 0u32..8) {
            let v = Decimal::new(n, scale);
            let r = round_to_centavos(v).unwrap().to_decimal();
            prop_assert!((r - v).abs() <= Decimal::new(5, 3));
        }
    }
}
