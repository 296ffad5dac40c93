//! Holiday rules: when a holiday falls in a given year.

use std::borrow::Cow;

use jiff::civil::Date;

/// When a holiday falls.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HolidayDate {
    /// Every year on this month and day (a 29 February rule only in leap
    /// years).
    Fixed { month: i8, day: i8 },
    /// Every year, this many days from Easter Sunday (Carnival Monday −48,
    /// Good Friday −2, Corpus Christi +60).
    Easter { offset: i16 },
    /// Once, on this date.
    Once(Date),
}

/// A named holiday rule, in force for the years `from_year..=to_year`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HolidayRule {
    pub(crate) when: HolidayDate,
    pub(crate) from_year: i16,
    pub(crate) to_year: i16,
    pub(crate) name: Cow<'static, str>,
}

impl HolidayRule {
    /// A rule for every year jiff can represent.
    pub fn new(when: HolidayDate, name: impl Into<Cow<'static, str>>) -> Self {
        Self {
            when,
            from_year: i16::MIN,
            to_year: i16::MAX,
            name: name.into(),
        }
    }

    /// The same rule, limited to the years `from..=to` (inclusive).
    pub fn years(mut self, from: i16, to: i16) -> Self {
        self.from_year = from;
        self.to_year = to;
        self
    }

    /// The holiday's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// When it falls.
    pub fn when(&self) -> &HolidayDate {
        &self.when
    }

    /// Its date in `year`, if it falls in that year. `easter` is that year's
    /// Easter Sunday (computed once by the caller for all rules).
    pub(crate) fn date_in(&self, year: i16, easter: Option<Date>) -> Option<Date> {
        if year < self.from_year || year > self.to_year {
            return None;
        }
        match self.when {
            HolidayDate::Fixed { month, day } => Date::new(year, month, day).ok(),
            HolidayDate::Easter { offset } => {
                let e = easter?;
                let n = super::days::day_number(e) + i64::from(offset);
                super::days::date_of(n).filter(|d| d.year() == year)
            }
            HolidayDate::Once(date) => (date.year() == year).then_some(date),
        }
    }
}

/// Days from Easter Sunday of the bank calendar's mobile holidays.
pub(crate) const CARNIVAL_MONDAY: i16 = -48;
pub(crate) const CARNIVAL_TUESDAY: i16 = -47;
pub(crate) const GOOD_FRIDAY: i16 = -2;
pub(crate) const CORPUS_CHRISTI: i16 = 60;

/// The national bank calendar (FEBRABAN / Resolução CMN 4.880/2020): the
/// fixed national holidays, 20 November from 2024 (Lei 14.759/2023), and the
/// Easter-based Carnival Monday and Tuesday, Good Friday and Corpus Christi,
/// which are not business days for the financial system.
///
/// Every rule except 20 November is applied to every year, as the bank
/// calendar does today; the historical dates when each was introduced (e.g.
/// 12 October by Lei 6.802/1980) are deliberately not modelled.
pub(crate) fn national_rules() -> Vec<HolidayRule> {
    use HolidayDate::{Easter, Fixed};
    let fixed = |month, day, name: &'static str| HolidayRule::new(Fixed { month, day }, name);
    let easter = |offset, name: &'static str| HolidayRule::new(Easter { offset }, name);
    vec![
        fixed(1, 1, "Confraternização Universal"),
        easter(CARNIVAL_MONDAY, "Carnaval"),
        easter(CARNIVAL_TUESDAY, "Carnaval"),
        easter(GOOD_FRIDAY, "Sexta-feira da Paixão"),
        fixed(4, 21, "Tiradentes"),
        fixed(5, 1, "Dia do Trabalho"),
        easter(CORPUS_CHRISTI, "Corpus Christi"),
        fixed(9, 7, "Independência do Brasil"),
        fixed(10, 12, "Nossa Senhora Aparecida"),
        fixed(11, 2, "Finados"),
        fixed(11, 15, "Proclamação da República"),
        fixed(11, 20, "Dia Nacional de Zumbi e da Consciência Negra").years(2024, i16::MAX),
        fixed(12, 25, "Natal"),
    ]
}
