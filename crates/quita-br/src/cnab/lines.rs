//! Turning file bytes into fixed-width records: UTF-8 or Latin-1, CR LF or
//! LF, right-trimmed lines padded back with spaces.
//!
//! Every line becomes one byte per character (Latin-1; characters outside
//! Latin-1 in a UTF-8 file become `?`), so positions are character positions
//! whatever the encoding was.

use jiff::civil::Date;

use super::error::CnabError;
use crate::centavos::Centavos;

/// One record: its 1-based line number and exactly `width` bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub number: usize,
    pub bytes: Vec<u8>,
}

/// Decodes the file and splits it into lines of at most `width` characters
/// (padded to `width`). Blank lines and a DOS end-of-file mark (0x1A) at the
/// very end are ignored; a blank line anywhere else is a fault.
pub fn split(input: &[u8], width: usize) -> Result<Vec<Line>, CnabError> {
    let text = decode(input);
    let mut raw: Vec<&[u8]> = text.split(|&b| b == b'\n').collect();
    while raw
        .last()
        .is_some_and(|l| l.iter().all(|&b| matches!(b, b'\r' | b' ' | 0x1A)))
    {
        raw.pop();
    }
    if raw.is_empty() {
        return Err(CnabError::new(1, 1, "the file is empty"));
    }
    let mut lines = Vec::with_capacity(raw.len());
    for (i, line) in raw.into_iter().enumerate() {
        let number = i + 1;
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if let Some(pos) = line.iter().position(|&b| b < 0x20 || b == 0x7F) {
            return Err(CnabError::new(
                number,
                pos + 1,
                "control character in the line",
            ));
        }
        let mut len = line.len();
        while len > width && line[len - 1] == b' ' {
            len -= 1;
        }
        if len > width {
            return Err(CnabError::new(
                number,
                width + 1,
                format!("the line has {len} characters, more than {width}"),
            ));
        }
        if line.iter().all(|&b| b == b' ') {
            return Err(CnabError::new(number, 1, "blank line"));
        }
        let mut bytes = Vec::with_capacity(width);
        bytes.extend_from_slice(&line[..len]);
        bytes.resize(width, b' ');
        lines.push(Line { number, bytes });
    }
    Ok(lines)
}

/// UTF-8 when the bytes are valid UTF-8, Latin-1 otherwise; one byte per
/// character out.
fn decode(input: &[u8]) -> Vec<u8> {
    match std::str::from_utf8(input) {
        Ok(text) if !text.is_ascii() => text
            .chars()
            .map(|c| u8::try_from(u32::from(c)).unwrap_or(b'?'))
            .collect(),
        _ => input.to_vec(),
    }
}

impl Line {
    /// Characters `from..=to` (1-based, inclusive).
    pub fn raw(&self, from: usize, to: usize) -> &[u8] {
        &self.bytes[from - 1..to]
    }

    /// The byte at 1-based `pos`.
    pub fn at(&self, pos: usize) -> u8 {
        self.bytes[pos - 1]
    }

    pub fn fault(&self, column: usize, reason: impl Into<String>) -> CnabError {
        CnabError::new(self.number, column, reason)
    }

    /// Text of `from..=to`, spaces trimmed on both sides.
    pub fn text(&self, from: usize, to: usize) -> String {
        self.raw(from, to)
            .iter()
            .map(|&b| char::from(b))
            .collect::<String>()
            .trim()
            .to_owned()
    }

    /// Digits of `from..=to` as a number. All spaces counts as zero (banks
    /// leave unused numeric fields blank and lines are right-trimmed).
    pub fn number(&self, from: usize, to: usize, what: &str) -> Result<u64, CnabError> {
        let raw = self.raw(from, to);
        if raw.iter().all(|&b| b == b' ') {
            return Ok(0);
        }
        let mut value: u64 = 0;
        for (i, &b) in raw.iter().enumerate() {
            if !b.is_ascii_digit() {
                return Err(self.fault(
                    from + i,
                    format!("{what} (columns {from}-{to}) must be digits"),
                ));
            }
            value = value * 10 + u64::from(b - b'0');
        }
        Ok(value)
    }

    /// An amount with 2 implied decimals in `from..=to`.
    pub fn amount(&self, from: usize, to: usize, what: &str) -> Result<Centavos, CnabError> {
        let n = self.number(from, to, what)?;
        i64::try_from(n)
            .ok()
            .and_then(Centavos::new)
            .ok_or_else(|| self.fault(from, format!("{what} is too large")))
    }

    /// `DDMMAAAA` (8 characters) or `DDMMAA` (6; years 00–69 are 20xx,
    /// 70–99 are 19xx). All zeros or all spaces = no date.
    pub fn date(&self, from: usize, to: usize, what: &str) -> Result<Option<Date>, CnabError> {
        let raw = self.raw(from, to);
        if raw.iter().all(|&b| b == b'0') || raw.iter().all(|&b| b == b' ') {
            return Ok(None);
        }
        let n = self.number(from, to, what)?;
        let (day, month, year) = if to - from + 1 == 8 {
            (n / 1_000_000, n / 10_000 % 100, n % 10_000)
        } else {
            let yy = n % 100;
            (
                n / 10_000,
                n / 100 % 100,
                if yy < 70 { 2000 + yy } else { 1900 + yy },
            )
        };
        let bad = || {
            self.fault(
                from,
                format!("{what} (columns {from}-{to}) is not a valid date"),
            )
        };
        let (y, m, d) = (
            i16::try_from(year).map_err(|_| bad())?,
            i8::try_from(month).map_err(|_| bad())?,
            i8::try_from(day).map_err(|_| bad())?,
        );
        if y < 1900 {
            return Err(bad());
        }
        Date::new(y, m, d).map(Some).map_err(|_| bad())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pads_trims_and_decodes() {
        let lines = split(b"0abc\r\n1\xC7\n\n", 6).unwrap();
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0].bytes, b"0abc  ");
        assert_eq!(lines[1].bytes, b"1\xC7    ");
        let utf8 = split("1Ç\n".as_bytes(), 4).unwrap();
        assert_eq!(utf8[0].bytes, b"1\xC7  ");
        assert_eq!(split(b"0\n\n1\n", 4).unwrap_err().line(), 2);
        let long = split(b"012345\n", 4).unwrap_err();
        assert_eq!((long.line(), long.column()), (1, 5));
        assert!(split(b"0123    \n", 4).is_ok());
        assert_eq!(split(b"01\t3\n", 4).unwrap_err().column(), 3);
    }

    #[test]
    fn fields() {
        let line = Line {
            number: 7,
            bytes: b"000123420051329022013 x1".to_vec(),
        };
        assert_eq!(line.amount(1, 7, "v").unwrap().get(), 1234);
        assert_eq!(
            line.date(8, 13, "d").unwrap().unwrap().to_string(),
            "2013-05-20"
        );
        let err = line.date(14, 21, "d").unwrap_err();
        assert_eq!((err.line(), err.column()), (7, 14));
        assert_eq!(line.number(22, 24, "n").unwrap_err().column(), 22);
    }
}
