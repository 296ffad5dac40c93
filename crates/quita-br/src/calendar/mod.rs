//! The Brazilian bank business-day calendar.
//!
//! A **business day** is a Monday–Friday that is not a holiday. The national
//! bank calendar ([`BusinessCalendar::national`]) holds the fixed national
//! holidays, 20 November from 2024, and Carnival Monday and Tuesday, Good
//! Friday and Corpus Christi (Easter −48, −47, −2, +60), which are not
//! business days for the financial system (Resolução CMN 4.880/2020; FEBRABAN
//! counts 13 bank holidays in 2025). State and municipal holidays are layered
//! on top from data ([`HolidayTable`], [`regional`]).
//!
//! The rules are verified for the years 1900–2199 and applied unchanged to
//! every year `jiff` can represent (-9999..=9999).
//!
//! **Range edges saturate**: no method panics or fails. A result that would
//! fall outside jiff's range is clamped to [`Date::MIN`] / [`Date::MAX`]
//! (documented on each method).

mod data;
pub(crate) mod days;
mod easter;
pub mod regional;
mod rules;

#[cfg(test)]
mod bdays_oracle;
#[cfg(test)]
mod tests;

use jiff::civil::Date;

pub use data::{HolidayDataError, HolidayTable, MAX_TABLE_BYTES};
use days::{DayNumber, date_of, date_saturating, day_number, is_weekend, max_day, min_day};
pub use rules::{HolidayDate, HolidayRule};

/// A holiday on a date, with its (pt-BR) name.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Holiday {
    pub date: Date,
    pub name: String,
}

/// A set of holiday rules over the Monday–Friday week.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BusinessCalendar {
    /// National rules first, then extras in the order added: the first rule
    /// that falls on a date names it.
    rules: Vec<HolidayRule>,
}

impl Default for BusinessCalendar {
    fn default() -> Self {
        Self::national()
    }
}

impl BusinessCalendar {
    /// The national bank calendar (see the module documentation).
    pub fn national() -> Self {
        Self {
            rules: rules::national_rules(),
        }
    }

    /// Weekends only, no holidays (a base for fully custom calendars).
    pub fn weekends_only() -> Self {
        Self { rules: Vec::new() }
    }

    /// This calendar plus the rules of `extra` (state, municipal, one-off).
    pub fn with_extra(mut self, extra: &HolidayTable) -> Self {
        self.rules.extend(extra.rules.iter().cloned());
        self
    }

    /// All rules, national first.
    pub fn rules(&self) -> &[HolidayRule] {
        &self.rules
    }

    /// Whether `date` is a Monday–Friday that is not a holiday.
    pub fn is_business_day(&self, date: Date) -> bool {
        !is_weekend(day_number(date)) && self.holiday_name(date).is_none()
    }

    /// The name of the holiday on `date` (weekend or not), if any. When two
    /// holidays share a date, the first rule wins: national before extras.
    pub fn holiday_name(&self, date: Date) -> Option<&str> {
        let easter = easter::easter_sunday(date.year());
        self.rules
            .iter()
            .find(|r| r.date_in(date.year(), easter) == Some(date))
            .map(HolidayRule::name)
    }

    /// `date` if it is a business day, otherwise the next one. Saturates at
    /// [`Date::MAX`] if there is no business day up to it.
    pub fn next_business_day(&self, date: Date) -> Date {
        self.roll(day_number(date), 1)
    }

    /// `date` if it is a business day, otherwise the previous one. Saturates
    /// at [`Date::MIN`].
    pub fn previous_business_day(&self, date: Date) -> Date {
        self.roll(day_number(date), -1)
    }

    /// Moves `n` business days from `date` (backwards when `n` < 0).
    ///
    /// Convention (the one of BusinessDays.jl / the `bdays` crate, and of the
    /// CPC's counting of *prazos*): a `date` that is not a business day is
    /// first moved to the next business day, then `n` business days are
    /// stepped. So `n = 0` gives [`Self::next_business_day`], Saturday + 1 is
    /// Tuesday (in a week without holidays), and for every `date` and `n`,
    /// `business_days_between(date, add_business_days(date, n)) == n` (away
    /// from the range edges).
    ///
    /// Saturates at [`Date::MIN`] / [`Date::MAX`] when the result would leave
    /// jiff's range.
    pub fn add_business_days(&self, date: Date, n: i32) -> Date {
        let mut d = day_number(self.next_business_day(date));
        let mut left = i64::from(n).abs();
        let forward = n > 0;
        while left > 0 {
            // Skip whole years while the rest of the year holds fewer business
            // days than we still need, so a huge `n` stays cheap; then walk.
            // The year of the next day to look at, in the walking direction.
            let Some(here) = date_of(if forward { d + 1 } else { d - 1 }) else {
                break;
            };
            let (edge, in_rest) = if forward {
                let end = year_end(here.year());
                (end, self.count(d + 1, end + 1))
            } else {
                let start = year_start(here.year());
                (start, self.count(start, d))
            };
            if in_rest < left {
                left -= in_rest;
                if edge <= min_day() || edge >= max_day() {
                    return date_saturating(edge);
                }
                d = edge;
                continue;
            }
            while left > 0 {
                d += if forward { 1 } else { -1 };
                if self.is_business_day_n(d) {
                    left -= 1;
                }
            }
        }
        date_saturating(d)
    }

    /// The number of business days in `[from, to)`: `from` counted, `to` not.
    /// Negative (−count of `[to, from)`) when `to` is before `from`.
    pub fn business_days_between(&self, from: Date, to: Date) -> i64 {
        let (a, b) = (day_number(from), day_number(to));
        if a <= b {
            self.count(a, b)
        } else {
            -self.count(b, a)
        }
    }

    /// Every holiday in `[from, to]` (both inclusive), weekends included,
    /// one per date (the name of the first rule, as [`Self::holiday_name`]),
    /// in date order. Empty when `to < from`.
    pub fn holidays(&self, from: Date, to: Date) -> Vec<Holiday> {
        let (a, b) = (day_number(from), day_number(to));
        let mut out = Vec::new();
        if b < a {
            return out;
        }
        for year in from.year()..=to.year() {
            for (n, name) in self.holidays_in_year(year) {
                if (a..=b).contains(&n)
                    && let Some(date) = date_of(n)
                {
                    out.push(Holiday {
                        date,
                        name: name.to_owned(),
                    });
                }
            }
        }
        out
    }

    /// The holidays that fall on Monday–Friday in `[from, to]`: exactly the
    /// weekdays that are not business days.
    pub fn weekday_holidays(&self, from: Date, to: Date) -> Vec<Holiday> {
        let mut all = self.holidays(from, to);
        all.retain(|h| !is_weekend(day_number(h.date)));
        all
    }

    fn is_business_day_n(&self, n: DayNumber) -> bool {
        date_of(n).is_some_and(|d| self.is_business_day(d))
    }

    /// Steps from `n` in direction `step` to the first business day, `n`
    /// itself included; saturates at the range edge.
    fn roll(&self, mut n: DayNumber, step: i64) -> Date {
        // A business day is never more than a few weeks away under any
        // realistic table, but user data may declare long closures; this
        // loop is still bounded by the range edge.
        loop {
            if self.is_business_day_n(n) {
                return date_saturating(n);
            }
            n += step;
            if n < min_day() || n > max_day() {
                return date_saturating(n);
            }
        }
    }

    /// Business days in `[a, b)` (day numbers); 0 when `b <= a`.
    fn count(&self, a: DayNumber, b: DayNumber) -> i64 {
        if b <= a {
            return 0;
        }
        let (Some(first), Some(last)) = (date_of(a), date_of(b - 1)) else {
            return 0;
        };
        let mut holidays = 0;
        for year in first.year()..=last.year() {
            holidays += self
                .holidays_in_year(year)
                .iter()
                .filter(|(n, _)| (a..b).contains(n) && !is_weekend(*n))
                .count() as i64;
        }
        days::weekdays_between(a, b) - holidays
    }

    /// The holiday dates of one year, sorted, one per date (first rule wins).
    fn holidays_in_year(&self, year: i16) -> Vec<(DayNumber, &str)> {
        let easter = easter::easter_sunday(year);
        let mut v: Vec<(DayNumber, usize, &str)> = self
            .rules
            .iter()
            .enumerate()
            .filter_map(|(i, r)| {
                r.date_in(year, easter)
                    .map(|d| (day_number(d), i, r.name()))
            })
            .collect();
        v.sort_unstable();
        v.dedup_by_key(|(n, _, _)| *n);
        v.into_iter().map(|(n, _, name)| (n, name)).collect()
    }
}

/// Day number of 31 December of `year`.
fn year_end(year: i16) -> DayNumber {
    Date::new(year, 12, 31)
        .map(day_number)
        .unwrap_or_else(|_| max_day())
}

/// Day number of 1 January of `year`.
fn year_start(year: i16) -> DayNumber {
    Date::new(year, 1, 1)
        .map(day_number)
        .unwrap_or_else(|_| min_day())
}
