//! Agreement with the oracle named in `reference/br-standards.md` §F: the
//! `bdays` crate (felipenoris/bdays, `BRSettlement`), whose `HolidayCalendar`
//! trait defines
//!
//! - `advance_bdays(date, n)`: first `to_bday(date, true)` — a non-business
//!   date moves **forward** to the next business day, whatever the sign of
//!   `n` — then `|n|` business days are stepped in the direction of `n`;
//!   `n = 0` returns the adjusted date.
//! - `bdays(d0, d1)`: both dates are moved forward to business days, then
//!   the business days in `[d0', d1')` are counted, negated when
//!   `d1' < d0'`.
//!
//! The two functions below transcribe that algorithm (read from
//! `src/lib.rs`, commits 0e95bf0 and f01706d) day by day over our holiday
//! rules, and the tests hold [`BusinessCalendar::add_business_days`] and
//! [`BusinessCalendar::business_days_between`] to them: a table of cases
//! derived by hand from the source (including a negative `n` from a
//! weekend and from a holiday) and properties over random dates.

use jiff::civil::{Date, date};
use proptest::prelude::*;

use super::*;

fn cal() -> BusinessCalendar {
    BusinessCalendar::national()
}

/// `to_bday(date, adjust_next = true)`.
fn to_bday(c: &BusinessCalendar, mut d: Date) -> Date {
    while !c.is_business_day(d) {
        d = d.tomorrow().unwrap();
    }
    d
}

/// `advance_bdays(date, bdays_count)`.
fn advance_bdays(c: &BusinessCalendar, d: Date, n: i32) -> Date {
    let mut d = to_bday(c, d);
    if n == 0 {
        return d;
    }
    let forward = n > 0;
    for _ in 0..n.unsigned_abs() {
        loop {
            d = if forward {
                d.tomorrow().unwrap()
            } else {
                d.yesterday().unwrap()
            };
            if c.is_business_day(d) {
                break;
            }
        }
    }
    d
}

/// `bdays(d0, d1)`.
fn bdays(c: &BusinessCalendar, d0: Date, d1: Date) -> i64 {
    let (d0, d1) = (to_bday(c, d0), to_bday(c, d1));
    let (mut from, to, inc) = if d0 <= d1 { (d0, d1, 1) } else { (d1, d0, -1) };
    let mut count = 0;
    while from < to {
        from = advance_bdays(c, from, 1);
        count += inc;
    }
    count
}

#[test]
fn table_derived_from_the_bdays_source() {
    let c = cal();
    // (start, n, expected): BRSettlement 2025 — Carnaval 3–4 Mar, Good
    // Friday 18 Apr, Tiradentes Mon 21 Apr, Consciência Negra Thu 20 Nov.
    let cases = [
        // Business-day start.
        (date(2025, 3, 5), 0, date(2025, 3, 5)),
        (date(2025, 3, 5), 1, date(2025, 3, 6)),
        (date(2025, 3, 5), -1, date(2025, 2, 28)),
        (date(2025, 2, 28), 1, date(2025, 3, 5)),
        (date(2025, 11, 19), 1, date(2025, 11, 21)),
        (date(2025, 11, 21), -1, date(2025, 11, 19)),
        // Weekend start: forward to Wednesday 5 March first, even for n < 0.
        (date(2025, 3, 1), 0, date(2025, 3, 5)),
        (date(2025, 3, 2), 1, date(2025, 3, 6)),
        (date(2025, 3, 2), -1, date(2025, 2, 28)),
        (date(2025, 3, 2), -2, date(2025, 2, 27)),
        // Saturday after the 20 November holiday: Monday 24, then back to
        // Friday 21 (not Wednesday 19).
        (date(2025, 11, 22), 0, date(2025, 11, 24)),
        (date(2025, 11, 22), -1, date(2025, 11, 21)),
        (date(2025, 11, 22), -2, date(2025, 11, 19)),
        // Holiday start: Good Friday moves to Tuesday 22 April (Monday is
        // Tiradentes), then one back is Thursday 17.
        (date(2025, 4, 18), 0, date(2025, 4, 22)),
        (date(2025, 4, 18), -1, date(2025, 4, 17)),
        (date(2025, 4, 18), 1, date(2025, 4, 23)),
        // Year boundary: 1 Jan 2026 is a holiday (Thursday).
        (date(2026, 1, 1), -1, date(2025, 12, 31)),
        (date(2025, 12, 31), 1, date(2026, 1, 2)),
    ];
    for (start, n, expected) in cases {
        assert_eq!(advance_bdays(&c, start, n), expected, "oracle {start} {n}");
        assert_eq!(c.add_business_days(start, n), expected, "ours {start} {n}");
    }
    // bdays(d0, d1), sign included: both ends adjusted forward first.
    let between = [
        (date(2025, 3, 5), date(2025, 2, 28), -1),
        (date(2025, 2, 28), date(2025, 3, 5), 1),
        (date(2025, 3, 1), date(2025, 2, 28), -1),
        (date(2025, 3, 1), date(2025, 3, 4), 0),
        (date(2025, 4, 18), date(2025, 4, 22), 0),
        (date(2025, 11, 22), date(2025, 11, 19), -2),
        (date(2025, 1, 1), date(2026, 1, 1), 252),
    ];
    for (d0, d1, expected) in between {
        assert_eq!(bdays(&c, d0, d1), expected, "oracle {d0} {d1}");
        assert_eq!(c.business_days_between(d0, d1), expected, "ours {d0} {d1}");
    }
}

fn any_date() -> impl Strategy<Value = Date> {
    (1950i16..2150, 1i8..=12, 1i8..=28).prop_map(|(y, m, d)| date(y, m, d))
}

proptest! {
    #[test]
    fn add_business_days_agrees_with_bdays(d in any_date(), n in -80i32..80) {
        let c = cal();
        prop_assert_eq!(c.add_business_days(d, n), advance_bdays(&c, d, n));
    }

    #[test]
    fn business_days_between_agrees_with_bdays(d0 in any_date(), len in -400i64..400) {
        let c = cal();
        let d1 = date_saturating(day_number(d0) + len);
        prop_assert_eq!(c.business_days_between(d0, d1), bdays(&c, d0, d1));
    }
}
