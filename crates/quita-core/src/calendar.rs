//! Business days as the domain needs them, and civil-date arithmetic.
//!
//! The domain only asks one question of a calendar: "if this date is not a
//! business day, which is the next one?" ([`BusinessDays`]). The real bank
//! calendar lives in `quita_br::calendar`; [`WeekendsOnly`] is a simple
//! calendar for tests and for callers with no holiday data.

use jiff::civil::{Date, Weekday};

/// A calendar of business days.
pub trait BusinessDays {
    /// `d` itself if it is a business day, otherwise the first business day
    /// after it.
    fn next_business_day(&self, d: Date) -> Date;
}

impl<T: BusinessDays + ?Sized> BusinessDays for &T {
    fn next_business_day(&self, d: Date) -> Date {
        (**self).next_business_day(d)
    }
}

/// The national bank calendar (and its state/municipal layers) from
/// `quita-br`: the calendar to use in production.
impl BusinessDays for quita_br::calendar::BusinessCalendar {
    fn next_business_day(&self, d: Date) -> Date {
        quita_br::calendar::BusinessCalendar::next_business_day(self, d)
    }
}

/// Saturdays and Sundays are not business days; there are no holidays.
#[derive(Debug, Clone, Copy, Default)]
pub struct WeekendsOnly;

impl BusinessDays for WeekendsOnly {
    fn next_business_day(&self, d: Date) -> Date {
        let skip = match d.weekday() {
            Weekday::Saturday => 2,
            Weekday::Sunday => 1,
            _ => 0,
        };
        add_days(d, skip)
    }
}

/// Days from 1970-01-01 to `d` (negative before). Exact for every `Date`.
pub fn epoch_days(d: Date) -> i64 {
    // Howard Hinnant's days_from_civil.
    let (mut y, m, dd) = (
        i64::from(d.year()),
        i64::from(d.month()),
        i64::from(d.day()),
    );
    if m <= 2 {
        y -= 1;
    }
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + dd - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Calendar days from `from` to `to`: positive when `to` is later.
pub fn days_between(from: Date, to: Date) -> i64 {
    epoch_days(to) - epoch_days(from)
}

/// `d` plus `n` days, saturating at the ends of jiff's date range
/// (years -9999..=9999), which no real due date approaches.
pub fn add_days(d: Date, n: i64) -> Date {
    d.saturating_add(jiff::Span::new().days(n.clamp(-7_304_484, 7_304_484)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;
    use proptest::prelude::*;

    #[test]
    fn epoch() {
        assert_eq!(epoch_days(date(1970, 1, 1)), 0);
        assert_eq!(epoch_days(date(2000, 3, 1)), 11_017);
        assert_eq!(days_between(date(2026, 1, 10), date(2026, 3, 15)), 64);
        assert_eq!(days_between(date(2024, 2, 28), date(2024, 3, 1)), 2);
    }

    #[test]
    fn weekends() {
        // 2026-01-10 is a Saturday.
        assert_eq!(
            WeekendsOnly.next_business_day(date(2026, 1, 10)),
            date(2026, 1, 12)
        );
        assert_eq!(
            WeekendsOnly.next_business_day(date(2026, 1, 11)),
            date(2026, 1, 12)
        );
        assert_eq!(
            WeekendsOnly.next_business_day(date(2026, 1, 12)),
            date(2026, 1, 12)
        );
    }

    #[test]
    fn bank_calendar_skips_carnival() {
        let cal = quita_br::calendar::BusinessCalendar::national();
        // Saturday 2026-02-14 → Carnival Mon 16 and Tue 17 are bank holidays
        // → Ash Wednesday 18 is the next business day.
        assert_eq!(
            BusinessDays::next_business_day(&cal, date(2026, 2, 14)),
            date(2026, 2, 18)
        );
        // Consciência Negra (20 Nov, national from 2024), a Friday in 2026.
        assert_eq!(
            BusinessDays::next_business_day(&cal, date(2026, 11, 20)),
            date(2026, 11, 23)
        );
        assert_eq!(
            BusinessDays::next_business_day(&cal, date(2026, 3, 2)),
            date(2026, 3, 2)
        );
    }

    #[test]
    fn debt_update_with_the_bank_calendar() {
        use crate::charge_policy::ChargePolicy;
        use crate::contract::effective_policy;
        use crate::debt_update::{DebtUpdateRequest, debt_update};
        use crate::money::Money;
        use crate::rate::Percent;
        let cal = quita_br::calendar::BusinessCalendar::national();
        let c = ChargePolicy {
            late_fine: Percent::whole(2),
            default_interest_monthly: Percent::whole(1),
            ..ChargePolicy::default()
        };
        let p = effective_policy(&c, None);
        let req = |on| DebtUpdateRequest {
            principal: Money::from_centavos(100_000),
            due_date: date(2026, 2, 14),
            on,
            payments: Money::ZERO,
            policy: &p,
            index: None,
        };
        // Paid on Ash Wednesday: nothing added.
        assert_eq!(
            debt_update(&req(date(2026, 2, 18)), &cal).unwrap().total(),
            Money::from_centavos(100_000)
        );
        // Paid Thursday: 5 days late, from the original Saturday.
        let u = debt_update(&req(date(2026, 2, 19)), &cal).unwrap();
        assert_eq!(u.days_late(), 5);
        assert_eq!(u.late_fine(), Money::from_centavos(2_000));
        assert_eq!(u.default_interest(), Money::from_centavos(167));
    }

    proptest! {
        #[test]
        fn add_and_between_agree(y in 1900i16..2200, m in 1i8..=12, d in 1i8..=28, n in -20_000i64..20_000) {
            let a = date(y, m, d);
            prop_assert_eq!(days_between(a, add_days(a, n)), n);
        }
    }
}
