//! The due-date factor (fator de vencimento) and the FEBRABAN 2025 restart.
//!
//! The factor is the number of days from 1997-10-07 to the due date, so
//! 1000 = 2000-07-03 and 9999 = 2025-02-21. From 2025-02-22 it restarts at
//! 1000 and the cycle repeats every 9,000 days (9999 again on 2049-10-13,
//! 1000 on 2049-10-14, …). For days n ≥ 1000 after the base:
//! `factor = ((n − 1000) mod 9000) + 1000`. Days 1..=999 (dates up to
//! 2000-07-02) keep their plain count, which no later cycle reuses.
//!
//! Decoding is ambiguous, so a factor is read as the date of its cycle that
//! falls in the FEBRABAN window around a reference date (3,000 days back,
//! 5,500 forward); as that window (8,501 days) is shorter than a cycle, when
//! no cycle falls inside it the one nearest to the window is taken.

use jiff::civil::Date;

use super::BoletoError;
use crate::calendar::days;

/// 1997-10-07, day 0 of the factor.
pub const FACTOR_BASE: Date = Date::constant(1997, 10, 7);
/// Days in one factor cycle after the first (1000..=9999).
pub const CYCLE_DAYS: i64 = 9000;
/// The FEBRABAN acceptance window around the reference date, in days.
pub const WINDOW_BACK: i64 = 3000;
pub const WINDOW_FORWARD: i64 = 5500;

/// The factor of a due date. Refused before 1997-10-08 (factor 0 means
/// "no due date", and earlier dates have none).
pub fn due_factor(date: Date) -> Result<u16, BoletoError> {
    let n = days::day_number(date) - days::day_number(FACTOR_BASE);
    if n < 1 {
        return Err(BoletoError::DueDateOutOfRange { date });
    }
    let f = if n < 1000 {
        n
    } else {
        (n - 1000).rem_euclid(CYCLE_DAYS) + 1000
    };
    Ok(f as u16)
}

/// The due date a factor stands for, read in the cycle nearest `reference`
/// (see the module docs). `None` for factor 0 (no due date), a factor above
/// 9999, or a date beyond 9999-12-31.
pub fn factor_date(factor: u16, reference: Date) -> Option<Date> {
    let base = days::day_number(FACTOR_BASE);
    match factor {
        0 | 10000.. => None,
        1..=999 => days::date_of(base + i64::from(factor)),
        _ => {
            let first = base + i64::from(factor); // cycle 0: 2000-07-03 + (f − 1000)
            let r = days::day_number(reference);
            let (lo, hi) = (r - WINDOW_BACK, r + WINDOW_FORWARD);
            // Smallest cycle k ≥ 0 whose date is on or after the window start.
            let k = if first >= lo {
                0
            } else {
                (lo - first + CYCLE_DAYS - 1) / CYCLE_DAYS
            };
            let at = first + k * CYCLE_DAYS;
            let chosen = if at <= hi || k == 0 {
                at
            } else {
                // No cycle inside the window: take the nearer neighbour.
                let before = at - CYCLE_DAYS;
                if lo - before < at - hi { before } else { at }
            };
            // Past 9999-12-31, fall back to the previous cycle.
            days::date_of(chosen).or_else(|| days::date_of(chosen - CYCLE_DAYS))
        }
    }
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;

    use super::*;

    #[test]
    fn reference_points() {
        assert_eq!(due_factor(date(2000, 7, 3)), Ok(1000));
        assert_eq!(due_factor(date(2008, 2, 1)), Ok(3769));
        assert_eq!(due_factor(date(2010, 11, 17)), Ok(4789));
        assert_eq!(due_factor(date(2025, 2, 21)), Ok(9999));
        assert_eq!(due_factor(date(2025, 2, 22)), Ok(1000));
        assert_eq!(due_factor(date(2025, 2, 23)), Ok(1001));
        assert_eq!(due_factor(date(2049, 10, 13)), Ok(9999));
        assert_eq!(due_factor(date(2049, 10, 14)), Ok(1000));
        assert_eq!(due_factor(date(1997, 10, 8)), Ok(1));
        assert!(due_factor(date(1997, 10, 7)).is_err());
        assert!(due_factor(date(1900, 1, 1)).is_err());
        assert!(due_factor(Date::MAX).is_ok());
    }

    #[test]
    fn decoding_picks_the_cycle_of_the_reference() {
        // boleto-utils (JS): factor 8981 → 2022-05-10 (old) / 2046-12-30 (new).
        assert_eq!(factor_date(8981, date(2022, 1, 1)), Some(date(2022, 5, 10)));
        assert_eq!(
            factor_date(8981, date(2045, 1, 1)),
            Some(date(2046, 12, 30))
        );
        assert_eq!(
            factor_date(1000, date(2025, 2, 22)),
            Some(date(2025, 2, 22))
        );
        assert_eq!(
            factor_date(9999, date(2025, 2, 22)),
            Some(date(2025, 2, 21))
        );
        assert_eq!(factor_date(1000, date(2001, 1, 1)), Some(date(2000, 7, 3)));
        assert_eq!(
            factor_date(4789, date(2010, 11, 1)),
            Some(date(2010, 11, 17))
        );
        assert_eq!(factor_date(0, date(2025, 1, 1)), None);
        assert_eq!(factor_date(500, date(2025, 1, 1)), Some(date(1999, 2, 19)));
        assert!(factor_date(9999, Date::MAX).is_some());
        assert!(factor_date(9999, Date::MIN).is_some());
    }

    #[test]
    fn window_edges() {
        let r = date(2030, 6, 15);
        let rn = days::day_number(r);
        for offset in [-WINDOW_BACK, -1, 0, 1, WINDOW_FORWARD] {
            let d = days::date_of(rn + offset).unwrap();
            let f = due_factor(d).unwrap();
            assert_eq!(factor_date(f, r), Some(d), "offset {offset}");
        }
    }
}
