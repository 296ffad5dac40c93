//! Extra (state, municipal, one-off) holidays as text, parsed purely.
//!
//! One holiday per line, fields separated by `;`, blanks around fields
//! ignored, `#` starts a comment, empty lines skipped:
//!
//! ```text
//! # when        ; name                                   ; years (optional)
//! 07-09         ; Revolução Constitucionalista de 1932   ; 1997..
//! 01-25         ; Aniversário de São Paulo
//! 2025-12-24    ; Véspera de Natal (ponto facultativo)
//! easter+60     ; Corpus Christi
//! 11-20         ; Consciência Negra                      ; 2004..2023
//! ```
//!
//! *when* is `MM-DD` (every year), `YYYY-MM-DD` (that date only) or
//! `easter+N` / `easter-N` (days from Easter Sunday). *years* limits a yearly
//! rule: `1997..` (from), `..2023` (until), `2004..2023` (both inclusive) or
//! `2010` (that year only).

use jiff::civil::Date;

use super::rules::{HolidayDate, HolidayRule};

/// Longest holiday table accepted, in bytes: far beyond any real list, and a
/// bound on the work one call can do.
pub const MAX_TABLE_BYTES: usize = 1 << 20;

/// Why a holiday table was refused: 1-based line and column of the fault.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("holiday data line {line}, column {column}: {message}")]
pub struct HolidayDataError {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// A list of extra holiday rules, to add to a calendar with
/// [`super::BusinessCalendar::with_extra`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HolidayTable {
    pub(crate) rules: Vec<HolidayRule>,
}

impl HolidayTable {
    /// An empty table.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds one rule.
    pub fn push(&mut self, rule: HolidayRule) {
        self.rules.push(rule);
    }

    /// The rules, in the order given.
    pub fn rules(&self) -> &[HolidayRule] {
        &self.rules
    }

    /// Parses the text format described in this module's documentation. The
    /// whole table is refused at the first bad line.
    pub fn parse(text: &str) -> Result<Self, HolidayDataError> {
        if text.len() > MAX_TABLE_BYTES {
            return Err(HolidayDataError {
                line: 1,
                column: 1,
                message: format!("table larger than {MAX_TABLE_BYTES} bytes"),
            });
        }
        // A UTF-8 byte-order mark, as spreadsheet exports write, is not data.
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut table = Self::new();
        for (i, raw) in text.lines().enumerate() {
            let line = i + 1;
            let content = raw.split('#').next().unwrap_or("");
            if content.trim().is_empty() {
                continue;
            }
            table.rules.push(parse_line(content, line)?);
        }
        Ok(table)
    }
}

/// One field of a line with its 1-based starting column (in characters).
struct Field<'a> {
    text: &'a str,
    column: usize,
}

fn fields(line: &str) -> Vec<Field<'_>> {
    let mut out = Vec::new();
    let mut start_byte = 0;
    let mut start_col = 1;
    for (col, (byte, ch)) in (1..).zip(line.char_indices()) {
        if ch == ';' {
            out.push(trimmed(&line[start_byte..byte], start_col));
            start_byte = byte + 1;
            start_col = col + 1;
        }
    }
    out.push(trimmed(&line[start_byte..], start_col));
    out
}

fn trimmed(text: &str, column: usize) -> Field<'_> {
    // An all-blank field is reported at its start.
    let lead = if text.trim().is_empty() {
        0
    } else {
        text.chars().take_while(|c| c.is_whitespace()).count()
    };
    Field {
        text: text.trim(),
        column: column + lead,
    }
}

fn parse_line(content: &str, line: usize) -> Result<HolidayRule, HolidayDataError> {
    let err = |column: usize, message: String| HolidayDataError {
        line,
        column,
        message,
    };
    let f = fields(content);
    if f.len() < 2 || f.len() > 3 {
        return Err(err(
            1,
            format!("expected 2 or 3 fields separated by ';', found {}", f.len()),
        ));
    }
    let when = parse_when(f[0].text).map_err(|m| err(f[0].column, m))?;
    let name = f[1].text;
    if name.is_empty() {
        return Err(err(f[1].column, "empty holiday name".into()));
    }
    if name.chars().count() > 200 {
        return Err(err(
            f[1].column,
            "holiday name longer than 200 characters".into(),
        ));
    }
    let mut rule = HolidayRule::new(when.clone(), name.to_owned());
    if let Some(years) = f.get(2) {
        if matches!(when, HolidayDate::Once(_)) {
            return Err(err(
                years.column,
                "a one-off date takes no year range".into(),
            ));
        }
        let (from, to) = parse_years(years.text).map_err(|m| err(years.column, m))?;
        rule = rule.years(from, to);
    }
    Ok(rule)
}

fn parse_when(text: &str) -> Result<HolidayDate, String> {
    if let Some(rest) = text.strip_prefix("easter") {
        let (sign, digits) = match rest.as_bytes().first() {
            Some(b'+') => (1, &rest[1..]),
            Some(b'-') => (-1, &rest[1..]),
            _ => return Err("expected easter+N or easter-N".into()),
        };
        let n = parse_number(digits, 3).ok_or("expected 1 to 3 digits after easter±")?;
        return Ok(HolidayDate::Easter {
            offset: sign * n as i16,
        });
    }
    let parts: Vec<&str> = text.split('-').collect();
    match parts.as_slice() {
        [m, d] if m.len() == 2 && d.len() == 2 => {
            let (month, day) = month_day(m, d)?;
            // Validate against a leap year so 02-29 is accepted.
            Date::new(2000, month, day).map_err(|_| format!("no such day: {text}"))?;
            Ok(HolidayDate::Fixed { month, day })
        }
        [y, m, d] if y.len() == 4 && m.len() == 2 && d.len() == 2 => {
            let year = parse_number(y, 4).ok_or("year must be 4 digits")?;
            let (month, day) = month_day(m, d)?;
            Date::new(year as i16, month, day)
                .map(HolidayDate::Once)
                .map_err(|_| format!("no such date: {text}"))
        }
        _ => Err(format!(
            "expected MM-DD, YYYY-MM-DD or easter±N, found {text:?}"
        )),
    }
}

fn month_day(m: &str, d: &str) -> Result<(i8, i8), String> {
    let month = parse_number(m, 2).ok_or("month must be 2 digits")?;
    let day = parse_number(d, 2).ok_or("day must be 2 digits")?;
    Ok((month as i8, day as i8))
}

fn parse_years(text: &str) -> Result<(i16, i16), String> {
    let year = |s: &str, default: i16| -> Result<i16, String> {
        if s.is_empty() {
            return Ok(default);
        }
        parse_number(s, 4)
            .map(|n| n as i16)
            .ok_or_else(|| format!("bad year {s:?}"))
    };
    let (from, to) = match text.split_once("..") {
        Some((a, b)) => (year(a, i16::MIN)?, year(b, i16::MAX)?),
        None if text.is_empty() => return Err("empty year range".into()),
        None => {
            let y = year(text, 0)?;
            (y, y)
        }
    };
    if from > to {
        return Err(format!("year range {text:?} ends before it starts"));
    }
    Ok((from, to))
}

/// An unsigned decimal of 1..=`max_len` ASCII digits.
fn parse_number(s: &str, max_len: usize) -> Option<u16> {
    if s.is_empty() || s.len() > max_len || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}
