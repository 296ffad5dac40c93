//! Dates as day numbers: plain integer arithmetic that cannot fail, with the
//! conversions to and from `jiff::civil::Date` kept in one place.

use jiff::civil::Date;

/// Days since 1970-01-01 (proleptic Gregorian), negative before it.
pub(crate) type DayNumber = i64;

/// Day number of a date (Howard Hinnant's `days_from_civil`).
pub(crate) fn day_number(date: Date) -> DayNumber {
    let (y, m, d) = (
        i64::from(date.year()),
        i64::from(date.month()),
        i64::from(date.day()),
    );
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day number, or `None` outside jiff's range (-9999..=9999).
pub(crate) fn date_of(n: DayNumber) -> Option<Date> {
    let z = n + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    Date::new(i16::try_from(y).ok()?, m as i8, d as i8).ok()
}

/// The first and last day numbers jiff can represent.
pub(crate) fn min_day() -> DayNumber {
    day_number(Date::MIN)
}
pub(crate) fn max_day() -> DayNumber {
    day_number(Date::MAX)
}

/// The date of a day number, clamped into jiff's range.
pub(crate) fn date_saturating(n: DayNumber) -> Date {
    date_of(n.clamp(min_day(), max_day())).unwrap_or(if n < 0 { Date::MIN } else { Date::MAX })
}

/// Saturday or Sunday. 1970-01-01 was a Thursday.
pub(crate) fn is_weekend(n: DayNumber) -> bool {
    // 0 = Monday … 6 = Sunday.
    (n + 3).rem_euclid(7) >= 5
}

/// Monday–Friday days in `[from, to)`; 0 when `to <= from`.
pub(crate) fn weekdays_between(from: DayNumber, to: DayNumber) -> i64 {
    if to <= from {
        return 0;
    }
    let len = to - from;
    let mut count = len / 7 * 5;
    let mut d = from + len / 7 * 7;
    while d < to {
        if !is_weekend(d) {
            count += 1;
        }
        d += 1;
    }
    count
}

#[cfg(test)]
mod tests {
    use jiff::civil::Weekday;

    use super::*;

    #[test]
    fn round_trip_and_weekday_agree_with_jiff() {
        for n in (-4_371_000_i64..2_933_000)
            .step_by(997)
            .chain([min_day(), max_day(), 0, -1])
        {
            let Some(date) = date_of(n) else { continue };
            assert_eq!(day_number(date), n);
            let weekend = matches!(date.weekday(), Weekday::Saturday | Weekday::Sunday);
            assert_eq!(is_weekend(n), weekend, "{date}");
        }
        assert!(date_of(max_day() + 1).is_none());
        assert!(date_of(min_day() - 1).is_none());
        assert_eq!(date_saturating(i64::MAX / 2), Date::MAX);
        assert_eq!(date_saturating(i64::MIN / 2), Date::MIN);
    }

    #[test]
    fn weekday_counting() {
        let mon = day_number(Date::constant(2025, 3, 3));
        assert_eq!(weekdays_between(mon, mon + 7), 5);
        assert_eq!(weekdays_between(mon, mon + 5), 5);
        assert_eq!(weekdays_between(mon + 5, mon + 7), 0);
        assert_eq!(weekdays_between(mon, mon + 700), 500);
        for a in 0..14 {
            for b in a..30 {
                let brute = (mon + a..mon + b).filter(|&d| !is_weekend(d)).count() as i64;
                assert_eq!(weekdays_between(mon + a, mon + b), brute);
            }
        }
    }
}
