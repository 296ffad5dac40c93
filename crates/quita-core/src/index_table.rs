//! Monetary-correction index tables (IPCA or any other monthly index).
//!
//! An [`IndexTable`] holds one rate per calendar month: the change of the
//! index **during** that month (IPCA of January 2026 applies to the days of
//! January 2026). It is parsed from CSV text by [`IndexTable::parse_csv`] (no
//! I/O here: the caller reads the file) and answers
//! [`IndexTable::correction_factor`] between two dates.
//!
//! # Accepted CSV text
//! - UTF-8, an optional BOM; blank lines and lines starting with `#` are skipped.
//! - One month per line: `MONTH<sep>VALUE`, where `<sep>` is the first `;`,
//!   tab or `,` on the line (so `2026-01,0,42` reads as month `2026-01`,
//!   value `0,42`). Extra columns are an error.
//! - `MONTH`: `2026-01`, `2026/01`, `01/2026`, `01-2026`, or a full date
//!   `2026-01-01` / `01/01/2026` (the day is ignored).
//! - `VALUE`: a percent with decimal comma or point and an optional `%`
//!   (`0,42`, `0.42%`, `-0.68`: deflation is allowed).
//! - An optional header line (first non-comment line whose first column is
//!   not a month). If its second column's name contains `fator` or `factor`,
//!   every value is a **factor** (`1.0042`) instead of a percent.
//! - A month may appear only once; months need not be in order or
//!   contiguous, but a calculation over a month that is missing fails.
//!
//! Errors name the 1-based line number.

use std::collections::BTreeMap;
use std::fmt;

use jiff::civil::Date;
use rust_decimal::Decimal;

use crate::calendar::days_between;
use crate::rate::parse_signed_decimal;

/// A calendar month (`2026-01`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct YearMonth {
    year: i16,
    month: i8,
}

impl YearMonth {
    /// `None` unless `1 <= month <= 12` and `1900 <= year <= 9999`.
    pub fn new(year: i16, month: i8) -> Option<Self> {
        ((1..=12).contains(&month) && (1900..=9999).contains(&year)).then_some(Self { year, month })
    }

    pub fn of(d: Date) -> Self {
        Self {
            year: d.year(),
            month: d.month(),
        }
    }

    pub fn year(self) -> i16 {
        self.year
    }

    pub fn month(self) -> i8 {
        self.month
    }

    pub fn first_day(self) -> Date {
        // Valid by construction: month 1..=12, year inside jiff's range.
        Date::new(self.year, self.month, 1).unwrap_or(Date::MIN)
    }

    /// `05/2026`, as the pt-BR pages and documents write a month.
    pub fn pt_br(self) -> String {
        format!("{:02}/{}", self.month, self.year)
    }

    /// How many months from `self` to `later` (0 for the same month,
    /// negative when `later` is earlier).
    pub fn months_until(self, later: Self) -> i32 {
        (i32::from(later.year) - i32::from(self.year)) * 12
            + (i32::from(later.month) - i32::from(self.month))
    }

    fn next(self) -> Self {
        if self.month == 12 {
            Self {
                year: self.year + 1,
                month: 1,
            }
        } else {
            Self {
                year: self.year,
                month: self.month + 1,
            }
        }
    }

    /// Reads `2026-01`, `2026/01`, `01/2026`, `01-2026`, `2026-01-15`, `15/01/2026`.
    pub fn parse(raw: &str) -> Option<Self> {
        let s = raw.trim();
        let parts: Vec<&str> = s.split(['-', '/']).collect();
        let num = |p: &str, len: std::ops::RangeInclusive<usize>| -> Option<i32> {
            (len.contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit()))
                .then(|| p.parse().ok())
                .flatten()
        };
        let (y, m) = match parts.as_slice() {
            [a, b] if a.len() == 4 => (num(a, 4..=4)?, num(b, 1..=2)?),
            [a, b] => (num(b, 4..=4)?, num(a, 1..=2)?),
            [a, b, c] if a.len() == 4 => {
                num(c, 1..=2)?;
                (num(a, 4..=4)?, num(b, 1..=2)?)
            }
            [a, b, c] => {
                num(a, 1..=2)?;
                (num(c, 4..=4)?, num(b, 1..=2)?)
            }
            _ => return None,
        };
        Self::new(i16::try_from(y).ok()?, i8::try_from(m).ok()?)
    }
}

impl fmt::Display for YearMonth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

/// A named table of monthly index changes.
///
/// Invariant: every stored monthly factor is `> 0` (a rate above −100 %).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexTable {
    name: String,
    /// Monthly factor `1 + rate`, e.g. `1.0042` for 0.42 %.
    factors: BTreeMap<YearMonth, Decimal>,
}

/// A problem in index CSV text, with its 1-based line number.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IndexParseError {
    #[error("line {line}: expected MONTH;VALUE")]
    Columns { line: usize },
    /// A control character (NUL, …) other than a tab: not a text file.
    #[error("line {line}: a control character; is this a text file?")]
    Control { line: usize },
    #[error("line {line}: invalid month {value:?} (use 2026-01 or 01/2026)")]
    Month { line: usize, value: String },
    #[error("line {line}: invalid value {value:?} (use 0,42 or 0.42%)")]
    Value { line: usize, value: String },
    #[error("line {line}: month {month} appears twice")]
    Duplicate { line: usize, month: YearMonth },
    #[error("line {line}: a monthly change of -100% or less is impossible")]
    OutOfRange { line: usize },
    /// Brazil's worst month (March 1990) was about 80 %: a change above
    /// 1,000 % is a typing or column mistake, and its factors would overflow
    /// a later calculation.
    #[error("line {line}: a monthly change above 1000% is no index value")]
    TooLarge { line: usize },
    /// `1.000`: one in the English way, a thousand in the Brazilian one.
    #[error(
        "line {line}: {value:?} is ambiguous (a point before three digits is thousands in pt-BR): write 1,000 or 1"
    )]
    Ambiguous { line: usize, value: String },
    #[error("the index table has no months")]
    Empty,
}

/// What [`IndexTable::correction_to_latest`] found for a period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Correction {
    /// The accumulated factor, floored at 1 (see
    /// [`IndexTable::correction_factor`]).
    pub factor: Decimal,
    /// The last month of the table the period used (`None` if none).
    pub used_until: Option<YearMonth>,
    /// The first and last month of the period **after the table's last
    /// month**, which counted as 0 % (`None` when the table reaches the end
    /// of the period).
    pub unpublished: Option<(YearMonth, YearMonth)>,
    /// The accumulated factor was below 1 (deflation over the period) and
    /// `factor` was raised to 1.
    pub deflation_floored: bool,
}

/// The largest monthly factor a table may hold: a change of 1,000 %.
const MAX_MONTHLY_FACTOR: Decimal = Decimal::from_parts(11, 0, 0, false, 0);

/// Why a correction factor could not be computed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IndexError {
    #[error("index {index} has no value for {month}")]
    MissingMonth { index: String, month: YearMonth },
    #[error("index {index}: the accumulated factor is too large")]
    Overflow { index: String },
}

impl IndexTable {
    /// Builds a table from monthly rates in percent (`0.42` = 0.42 %).
    pub fn from_monthly_percent(
        name: impl Into<String>,
        months: impl IntoIterator<Item = (YearMonth, Decimal)>,
    ) -> Result<Self, IndexParseError> {
        let mut factors = BTreeMap::new();
        for (i, (ym, pct)) in months.into_iter().enumerate() {
            let f = Decimal::ONE + pct / Decimal::ONE_HUNDRED;
            if f <= Decimal::ZERO {
                return Err(IndexParseError::OutOfRange { line: i + 1 });
            }
            if f > MAX_MONTHLY_FACTOR {
                return Err(IndexParseError::TooLarge { line: i + 1 });
            }
            if factors.insert(ym, f).is_some() {
                return Err(IndexParseError::Duplicate {
                    line: i + 1,
                    month: ym,
                });
            }
        }
        if factors.is_empty() {
            return Err(IndexParseError::Empty);
        }
        Ok(Self {
            name: name.into(),
            factors,
        })
    }

    /// Parses CSV text in the forms described in the [module docs](self).
    pub fn parse_csv(name: impl Into<String>, text: &str) -> Result<Self, IndexParseError> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut factors = BTreeMap::new();
        let mut values_are_factors = false;
        let mut seen_data_or_header = false;
        for (i, raw_line) in text.lines().enumerate() {
            let line_no = i + 1;
            if raw_line
                .chars()
                .any(|c| c.is_control() && c != '\t' && c != '\r')
            {
                return Err(IndexParseError::Control { line: line_no });
            }
            let line = raw_line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let Some(p) = line.find([';', '\t', ',']) else {
                return Err(IndexParseError::Columns { line: line_no });
            };
            let (month_txt, rest) = (&line[..p], &line[p + 1..]);
            let value_txt = if line.as_bytes()[p] == b',' {
                rest
            } else {
                if rest.contains(line.as_bytes()[p] as char) {
                    return Err(IndexParseError::Columns { line: line_no });
                }
                rest
            };
            let month = YearMonth::parse(month_txt);
            if !seen_data_or_header {
                seen_data_or_header = true;
                if month.is_none()
                    && month_txt.bytes().any(|b| b.is_ascii_alphabetic())
                    && !month_txt.bytes().any(|b| b.is_ascii_digit())
                {
                    let col = value_txt.to_ascii_lowercase();
                    values_are_factors = col.contains("fator") || col.contains("factor");
                    continue;
                }
            }
            let month = month.ok_or_else(|| IndexParseError::Month {
                line: line_no,
                value: crate::text::excerpt(month_txt.trim(), 40),
            })?;
            if !values_are_factors && crate::rate::thousands_point(value_txt) {
                return Err(IndexParseError::Ambiguous {
                    line: line_no,
                    value: crate::text::excerpt(value_txt.trim(), 40),
                });
            }
            let value = parse_signed_decimal(value_txt).map_err(|_| IndexParseError::Value {
                line: line_no,
                value: crate::text::excerpt(value_txt.trim(), 40),
            })?;
            let factor = if values_are_factors {
                value
            } else {
                Decimal::ONE + value / Decimal::ONE_HUNDRED
            };
            if factor <= Decimal::ZERO {
                return Err(IndexParseError::OutOfRange { line: line_no });
            }
            if factor > MAX_MONTHLY_FACTOR {
                return Err(IndexParseError::TooLarge { line: line_no });
            }
            if factors.insert(month, factor).is_some() {
                return Err(IndexParseError::Duplicate {
                    line: line_no,
                    month,
                });
            }
        }
        if factors.is_empty() {
            return Err(IndexParseError::Empty);
        }
        Ok(Self {
            name: name.into(),
            factors,
        })
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// The monthly factor (`1 + rate`) of a month, if present.
    pub fn monthly_factor(&self, month: YearMonth) -> Option<Decimal> {
        self.factors.get(&month).copied()
    }

    /// The month's change in percent (`0.42` for a factor of `1.0042`),
    /// if present.
    pub fn monthly_percent(&self, month: YearMonth) -> Option<Decimal> {
        self.monthly_factor(month)
            .map(|f| (f - Decimal::ONE) * Decimal::ONE_HUNDRED)
    }

    /// The change accumulated over the months `from..=to`, in percent
    /// (compounded: the product of their factors, less one); `None` if any
    /// of them is missing or `to` is before `from`.
    pub fn accumulated_percent(&self, from: YearMonth, to: YearMonth) -> Option<Decimal> {
        if to < from {
            return None;
        }
        let mut factor = Decimal::ONE;
        let mut m = from;
        loop {
            factor = factor.checked_mul(self.monthly_factor(m)?)?;
            if m == to {
                break;
            }
            m = m.next();
        }
        factor
            .checked_sub(Decimal::ONE)?
            .checked_mul(Decimal::ONE_HUNDRED)
    }

    /// How many months the table holds (at least one).
    pub fn month_count(&self) -> usize {
        self.factors.len()
    }

    /// First and last month in the table (`None` never happens: a table is
    /// never empty, but the type does not promise it to the compiler).
    pub fn range(&self) -> Option<(YearMonth, YearMonth)> {
        let first = self.factors.keys().next().copied()?;
        let last = self.factors.keys().next_back().copied()?;
        Some((first, last))
    }

    /// The correction factor from `from` to `to`.
    ///
    /// Convention (pro rata die, linear within a month):
    /// - the period is the days `from` (inclusive) to `to` (exclusive), so
    ///   the number of days is `to − from`; when `to <= from` the factor is 1;
    /// - for each calendar month M touched, with `n` days of the period in M
    ///   and `D` days in M, the month contributes `1 + r_M × n / D`; a whole
    ///   month contributes exactly `1 + r_M`;
    /// - the factor is the product of the contributions, in exact decimal
    ///   arithmetic (28 significant digits, no intermediate rounding);
    /// - the result is floored at 1: accumulated deflation never reduces a
    ///   debt below its nominal value (STJ, REsp 1.265.580/RS, repetitive), while
    ///   deflation months still offset inflation inside the period.
    ///
    /// Example: from 2026-01-10 to 2026-03-15 = 22/31 of January, all of
    /// February and 14/31 of March.
    pub fn correction_factor(&self, from: Date, to: Date) -> Result<Decimal, IndexError> {
        Ok(self.factor(from, to, false)?.max(Decimal::ONE))
    }

    /// Like [`IndexTable::correction_factor`], but months **after the last
    /// month in the table** count as 0 % (the index is published only after
    /// the month ends, so "today" is never in the table). A gap inside the
    /// table, or a month before its first one, is still an error. Returns the
    /// factor and the last month actually used (`None` if none was needed).
    pub fn correction_factor_to_latest(
        &self,
        from: Date,
        to: Date,
    ) -> Result<(Decimal, Option<YearMonth>), IndexError> {
        let c = self.correction_to_latest(from, to)?;
        Ok((c.factor, c.used_until))
    }

    /// [`IndexTable::correction_factor_to_latest`] with what a calculation
    /// memory must say about it: which months of the period came after the
    /// table's last month (and so counted as 0 %), and whether deflation
    /// was floored. Errors as `correction_factor_to_latest` does.
    pub fn correction_to_latest(&self, from: Date, to: Date) -> Result<Correction, IndexError> {
        let raw = self.factor(from, to, true)?;
        let latest = self.factors.keys().next_back().copied();
        let (used_until, unpublished) = match latest {
            Some(l) if to > from => {
                let first_needed = YearMonth::of(from);
                let last_needed = YearMonth::of(crate::calendar::add_days(to, -1));
                let used = Some(l.min(last_needed)).filter(|m| *m >= first_needed);
                let unpublished =
                    (last_needed > l).then(|| (l.next().max(first_needed), last_needed));
                (used, unpublished)
            }
            _ => (None, None),
        };
        Ok(Correction {
            factor: raw.max(Decimal::ONE),
            used_until,
            unpublished,
            deflation_floored: raw < Decimal::ONE,
        })
    }

    /// The accumulated factor, **not** floored at 1 (callers floor it).
    fn factor(&self, from: Date, to: Date, zero_after_latest: bool) -> Result<Decimal, IndexError> {
        let latest = self.factors.keys().next_back().copied();
        if to <= from {
            return Ok(Decimal::ONE);
        }
        let mut factor = Decimal::ONE;
        let mut month = YearMonth::of(from);
        let mut start = from;
        let last = YearMonth::of(to);
        loop {
            let month_start = month.first_day();
            let days_in_month = i64::from(month_start.days_in_month());
            let next_start = month.next().first_day();
            let end = if month == last { to } else { next_start };
            let days = days_between(start, end);
            if days > 0 {
                let f = match self.factors.get(&month) {
                    Some(f) => f,
                    None if zero_after_latest && latest.is_some_and(|l| month > l) => &Decimal::ONE,
                    None => {
                        return Err(IndexError::MissingMonth {
                            index: self.name.clone(),
                            month,
                        });
                    }
                };
                let contribution = if days == days_in_month {
                    Some(*f)
                } else {
                    (*f - Decimal::ONE)
                        .checked_mul(Decimal::from(days))
                        .and_then(|v| v.checked_div(Decimal::from(days_in_month)))
                        .and_then(|v| v.checked_add(Decimal::ONE))
                };
                factor = contribution
                    .and_then(|c| factor.checked_mul(c))
                    .ok_or_else(|| IndexError::Overflow {
                        index: self.name.clone(),
                    })?;
            }
            if month == last {
                break;
            }
            month = month.next();
            start = next_start;
        }
        Ok(factor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;
    use proptest::prelude::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    fn ym(y: i16, m: i8) -> YearMonth {
        YearMonth::new(y, m).unwrap()
    }

    #[test]
    fn control_characters_name_their_line() {
        assert_eq!(
            IndexTable::parse_csv("ipca", "mes;ipca\n2024-01;0,42\0\n"),
            Err(IndexParseError::Control { line: 2 })
        );
        assert!(IndexTable::parse_csv("ipca", "mes\tipca\r\n2024-01\t0,42\r\n").is_ok());
    }

    #[test]
    fn month_forms() {
        for s in [
            "2026-01",
            "2026/01",
            "01/2026",
            "1/2026",
            "01-2026",
            "2026-01-15",
            "15/01/2026",
        ] {
            assert_eq!(YearMonth::parse(s), Some(ym(2026, 1)), "{s}");
        }
        for s in [
            "2026-13",
            "13/2026",
            "26-01",
            "",
            "jan/2026",
            "2026-01-01-01",
        ] {
            assert_eq!(YearMonth::parse(s), None, "{s}");
        }
    }

    #[test]
    fn parses_csv_forms() {
        let t = IndexTable::parse_csv(
            "IPCA",
            "\u{feff}mes;ipca\n# comment\n2026-01;0,42\n\n02/2026;0.50%\n2026-03,0,30\n2026-04\t-0,10\n",
        )
        .unwrap();
        assert_eq!(t.monthly_factor(ym(2026, 1)), Some(d("1.0042")));
        assert_eq!(t.monthly_factor(ym(2026, 2)), Some(d("1.005")));
        assert_eq!(t.monthly_factor(ym(2026, 3)), Some(d("1.003")));
        assert_eq!(t.monthly_factor(ym(2026, 4)), Some(d("0.999")));
        assert_eq!(t.range(), Some((ym(2026, 1), ym(2026, 4))));
        assert_eq!(t.month_count(), 4);
    }

    #[test]
    fn parses_factor_column() {
        let t = IndexTable::parse_csv("x", "month;factor\n2026-01;1.0042\n").unwrap();
        assert_eq!(t.monthly_factor(ym(2026, 1)), Some(d("1.0042")));
    }

    #[test]
    fn csv_errors_name_the_line() {
        assert_eq!(
            IndexTable::parse_csv("x", "2026-01;0,42\n2026-13;0,1"),
            Err(IndexParseError::Month {
                line: 2,
                value: "2026-13".into()
            })
        );
        assert_eq!(
            IndexTable::parse_csv("x", "2026-01;abc"),
            Err(IndexParseError::Value {
                line: 1,
                value: "abc".into()
            })
        );
        assert_eq!(
            IndexTable::parse_csv("x", "2026-01;1\n01/2026;2"),
            Err(IndexParseError::Duplicate {
                line: 2,
                month: ym(2026, 1)
            })
        );
        assert_eq!(
            IndexTable::parse_csv("x", "2026-01;1;2"),
            Err(IndexParseError::Columns { line: 1 })
        );
        assert_eq!(
            IndexTable::parse_csv("x", "2026-01;-100"),
            Err(IndexParseError::OutOfRange { line: 1 })
        );
        assert_eq!(
            IndexTable::parse_csv("x", "2026-01;0,5\n2026-02;999999999999"),
            Err(IndexParseError::TooLarge { line: 2 })
        );
        assert!(
            IndexTable::parse_csv("x", "2026-01;1000").is_ok(),
            "1,000 % still reads"
        );
        assert!(matches!(
            IndexTable::parse_csv("x", "2026-01;1.000"),
            Err(IndexParseError::Ambiguous { line: 1, .. })
        ));
        assert!(IndexTable::parse_csv("x", "2026-01;0.420").is_ok());
        assert!(
            IndexTable::parse_csv("x", "mes;fator\n2026-01;1.004").is_ok(),
            "a factor"
        );
        assert_eq!(
            IndexTable::parse_csv("x", "mes;taxa\n"),
            Err(IndexParseError::Empty)
        );
        assert_eq!(IndexTable::parse_csv("x", ""), Err(IndexParseError::Empty));
    }

    #[test]
    fn pro_rata_die() {
        let t = IndexTable::parse_csv("IPCA", "2026-01;0,31\n2026-02;0,28\n2026-03;0,62").unwrap();
        // 22/31 of Jan (0.22%), all of Feb (0.28%), 14/31 of Mar (0.28%).
        let f = t
            .correction_factor(date(2026, 1, 10), date(2026, 3, 15))
            .unwrap();
        let expected = d("1.0022") * d("1.0028") * d("1.0028");
        assert_eq!(f, expected);
        // Whole month exactly.
        assert_eq!(
            t.correction_factor(date(2026, 2, 1), date(2026, 3, 1))
                .unwrap(),
            d("1.0028")
        );
        // Same day / backwards.
        assert_eq!(
            t.correction_factor(date(2026, 2, 1), date(2026, 2, 1))
                .unwrap(),
            Decimal::ONE
        );
        assert_eq!(
            t.correction_factor(date(2026, 3, 1), date(2026, 2, 1))
                .unwrap(),
            Decimal::ONE
        );
        // Missing month.
        assert_eq!(
            t.correction_factor(date(2026, 1, 10), date(2026, 4, 2)),
            Err(IndexError::MissingMonth {
                index: "IPCA".into(),
                month: ym(2026, 4)
            })
        );
        // Ending on the first of a month does not need that month.
        assert!(
            t.correction_factor(date(2026, 1, 10), date(2026, 4, 1))
                .is_ok()
        );
    }

    #[test]
    fn huge_factors_are_an_error_not_a_panic() {
        // The largest change a table takes (1,000 % a month), for three
        // years: 11³⁶ is beyond any decimal.
        let text: String = (2024..=2026)
            .flat_map(|y| (1..=12).map(move |m| format!("{y}-{m:02};1000\n")))
            .collect();
        let t = IndexTable::parse_csv("x", &text).unwrap();
        assert_eq!(
            t.correction_factor(date(2024, 1, 1), date(2026, 12, 31)),
            Err(IndexError::Overflow { index: "x".into() })
        );
    }

    #[test]
    fn to_latest_treats_unpublished_months_as_zero() {
        let t = IndexTable::parse_csv("IPCA", "2026-01;0,31\n2026-02;0,28").unwrap();
        let (f, used) = t
            .correction_factor_to_latest(date(2026, 1, 10), date(2026, 3, 15))
            .unwrap();
        assert_eq!(f, d("1.0022") * d("1.0028"));
        assert_eq!(used, Some(ym(2026, 2)));
        let (_, used) = t
            .correction_factor_to_latest(date(2026, 1, 10), date(2026, 2, 1))
            .unwrap();
        assert_eq!(used, Some(ym(2026, 1)));
        // Before the table: still an error.
        assert!(
            t.correction_factor_to_latest(date(2025, 12, 10), date(2026, 2, 1))
                .is_err()
        );
        // Entirely after the table: factor 1, nothing used.
        assert_eq!(
            t.correction_factor_to_latest(date(2026, 5, 1), date(2026, 6, 1))
                .unwrap(),
            (Decimal::ONE, None)
        );
        // A gap inside the table is an error.
        let gap = IndexTable::parse_csv("x", "2026-01;1\n2026-03;1").unwrap();
        assert!(
            gap.correction_factor_to_latest(date(2026, 1, 1), date(2026, 4, 1))
                .is_err()
        );
    }

    #[test]
    fn deflation_never_reduces_below_nominal() {
        let t = IndexTable::parse_csv("x", "2026-01;-0,5\n2026-02;0,2").unwrap();
        assert_eq!(
            t.correction_factor(date(2026, 1, 1), date(2026, 3, 1))
                .unwrap(),
            Decimal::ONE
        );
        let c = t
            .correction_to_latest(date(2026, 1, 1), date(2026, 3, 1))
            .unwrap();
        assert_eq!(c.factor, Decimal::ONE);
        assert!(c.deflation_floored);
        // Deflation offset by inflation inside the period is not floored.
        let t = IndexTable::parse_csv("x", "2026-01;-0,1\n2026-02;0,2").unwrap();
        let c = t
            .correction_to_latest(date(2026, 1, 1), date(2026, 3, 1))
            .unwrap();
        assert!(c.factor > Decimal::ONE);
        assert!(!c.deflation_floored);
    }

    #[test]
    fn month_helpers() {
        assert_eq!(ym(2026, 5).pt_br(), "05/2026");
        assert_eq!(ym(2025, 11).months_until(ym(2026, 2)), 3);
        assert_eq!(ym(2026, 2).months_until(ym(2026, 2)), 0);
        assert_eq!(ym(2026, 2).months_until(ym(2025, 2)), -12);
    }

    #[test]
    fn correction_to_latest_names_the_unpublished_months() {
        let t = IndexTable::parse_csv("IPCA", "2026-01;0,31\n2026-02;0,28").unwrap();
        // Covered to the end of the period.
        let c = t
            .correction_to_latest(date(2026, 1, 10), date(2026, 3, 1))
            .unwrap();
        assert_eq!(c.unpublished, None);
        assert_eq!(c.used_until, Some(ym(2026, 2)));
        assert!(!c.deflation_floored);
        // March and April after the table's last month.
        let c = t
            .correction_to_latest(date(2026, 1, 10), date(2026, 4, 15))
            .unwrap();
        assert_eq!(c.unpublished, Some((ym(2026, 3), ym(2026, 4))));
        assert_eq!(c.factor, d("1.0022") * d("1.0028"));
        // The table ends before the due date: only the period's months.
        let c = t
            .correction_to_latest(date(2026, 6, 10), date(2026, 9, 1))
            .unwrap();
        assert_eq!(c.unpublished, Some((ym(2026, 6), ym(2026, 8))));
        assert_eq!((c.factor, c.used_until), (Decimal::ONE, None));
        // No period, nothing to say.
        let c = t
            .correction_to_latest(date(2026, 6, 10), date(2026, 6, 10))
            .unwrap();
        assert_eq!((c.unpublished, c.used_until), (None, None));
    }

    proptest! {
        #[test]
        fn csv_parse_never_panics(s in "\\PC{0,60}") {
            let _ = IndexTable::parse_csv("x", &s);
        }

        #[test]
        fn factor_is_monotone_for_positive_rates(a in 0i64..700, b in 0i64..700, rate in 0u32..300) {
            let months = (0..30).map(|i| (ym(2025 + (i / 12) as i16, (i % 12 + 1) as i8), Decimal::new(i64::from(rate), 2)));
            let t = IndexTable::from_monthly_percent("x", months).unwrap();
            let start = date(2025, 1, 5);
            let (a, b) = (a.min(b), a.max(b));
            let fa = t.correction_factor(start, crate::calendar::add_days(start, a)).unwrap();
            let fb = t.correction_factor(start, crate::calendar::add_days(start, b)).unwrap();
            prop_assert!(fa <= fb);
            prop_assert!(fa >= Decimal::ONE);
        }

        /// A table with every month of the period has nothing unpublished;
        /// one ending `k` months early leaves exactly the period's last `k`
        /// months unpublished; one missing a month inside the period fails
        /// naming that month.
        #[test]
        fn coverage_of_a_period(
            due_off in 0i64..900,
            len in 1i64..900,
            cut in 0i32..40,
            hole in 0i32..40,
        ) {
            let first = ym(2024, 1);
            let months: Vec<YearMonth> = std::iter::successors(Some(first), |m| Some(m.next()))
                .take(72)
                .collect();
            let from = crate::calendar::add_days(date(2024, 1, 1), due_off);
            let to = crate::calendar::add_days(from, len);
            let first_needed = YearMonth::of(from);
            let last_needed = YearMonth::of(crate::calendar::add_days(to, -1));
            let full = IndexTable::from_monthly_percent("x", months.iter().map(|m| (*m, Decimal::new(3, 1)))).unwrap();
            let c = full.correction_to_latest(from, to).unwrap();
            prop_assert_eq!(c.unpublished, None);
            prop_assert_eq!(c.used_until, Some(last_needed));

            // The table ends `cut` months before the period's last month.
            let end = months.iter().position(|m| *m == last_needed).unwrap() as i32 - cut;
            if end >= 0 {
                let short = IndexTable::from_monthly_percent(
                    "x",
                    months[..=end as usize].iter().map(|m| (*m, Decimal::new(3, 1))),
                ).unwrap();
                let c = short.correction_to_latest(from, to).unwrap();
                let latest = months[end as usize];
                if cut == 0 {
                    prop_assert_eq!(c.unpublished, None);
                } else {
                    let (a, b) = c.unpublished.unwrap();
                    prop_assert_eq!(b, last_needed);
                    prop_assert_eq!(a, latest.next().max(first_needed));
                }
            }

            // A hole inside the period (not its last month): an error naming it.
            let span = first_needed.months_until(last_needed);
            if span >= 1 {
                let missing = months[(months.iter().position(|m| *m == first_needed).unwrap() as i32 + hole % span) as usize];
                let holed = IndexTable::from_monthly_percent(
                    "x",
                    months.iter().filter(|m| **m != missing).map(|m| (*m, Decimal::new(3, 1))),
                ).unwrap();
                prop_assert_eq!(
                    holed.correction_to_latest(from, to),
                    Err(IndexError::MissingMonth { index: "x".into(), month: missing })
                );
            }
        }
    }

    #[test]
    fn monthly_and_accumulated_percent() {
        let t = IndexTable::parse_csv("ipca", "2024-01;0,42\n2024-02;0,83\n2024-04;0,38").unwrap();
        let m = |y, mo| YearMonth::new(y, mo).unwrap();
        assert_eq!(t.monthly_percent(m(2024, 2)), Some(Decimal::new(83, 2)));
        assert_eq!(t.monthly_percent(m(2024, 3)), None);
        // 1.0042 × 1.0083 = 1.01253486.
        assert_eq!(
            t.accumulated_percent(m(2024, 1), m(2024, 2)),
            Some(Decimal::new(1_253_486, 6))
        );
        assert_eq!(
            t.accumulated_percent(m(2024, 1), m(2024, 4)),
            None,
            "March is missing"
        );
        assert_eq!(t.accumulated_percent(m(2024, 2), m(2024, 1)), None);
        assert_eq!(
            t.accumulated_percent(m(2024, 4), m(2024, 4)),
            Some(Decimal::new(38, 2))
        );
    }
}
