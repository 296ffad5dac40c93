//! Gregorian Easter Sunday (the anonymous "Meeus/Jones/Butcher" computus).

use jiff::civil::Date;

/// Easter Sunday of a Gregorian year, or `None` only if the date cannot be
/// represented (never for jiff's years -9999..=9999, where the computus
/// always lands between 22 March and 25 April). Floor division keeps the
/// formula proleptic for years ≤ 0.
pub(crate) fn easter_sunday(year: i16) -> Option<Date> {
    let y = i32::from(year);
    let a = y.rem_euclid(19);
    let b = y.div_euclid(100);
    let c = y.rem_euclid(100);
    let d = b.div_euclid(4);
    let e = b.rem_euclid(4);
    let f = (b + 8).div_euclid(25);
    let g = (b - f + 1).div_euclid(3);
    let h = (19 * a + b - d - g + 15).rem_euclid(30);
    let i = c.div_euclid(4);
    let k = c.rem_euclid(4);
    let l = (32 + 2 * e + 2 * i - h - k).rem_euclid(7);
    let m = (a + 11 * h + 22 * l).div_euclid(451);
    let month = (h + l - 7 * m + 114).div_euclid(31);
    let day = (h + l - 7 * m + 114).rem_euclid(31) + 1;
    Date::new(year, month as i8, day as i8).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Easter Sundays from published tables (not from this formula).
    #[test]
    fn known_easter_dates() {
        let table = [
            (1900, 4, 15),
            (1913, 3, 23),
            (1943, 4, 25),
            (1954, 4, 18),
            (1961, 4, 2),
            (2000, 4, 23),
            (2008, 3, 23),
            (2011, 4, 24),
            (2019, 4, 21),
            (2024, 3, 31),
            (2025, 4, 20),
            (2026, 4, 5),
            (2027, 3, 28),
            (2028, 4, 16),
            (2038, 4, 25),
            (2049, 4, 18),
            (2100, 3, 28),
            (2199, 4, 14),
        ];
        for (y, m, d) in table {
            assert_eq!(easter_sunday(y), Some(Date::constant(y, m, d)), "{y}");
        }
    }

    #[test]
    fn always_in_the_window_over_jiff_range() {
        for y in -9999..=9999_i16 {
            let e = easter_sunday(y).expect("representable");
            let (m, d) = (e.month(), e.day());
            assert!((m == 3 && d >= 22) || (m == 4 && d <= 25), "{y}: {e}");
            assert_eq!(e.weekday(), jiff::civil::Weekday::Sunday, "{y}");
        }
    }
}
