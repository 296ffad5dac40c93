//! From free text to the digits of a barcode or typed line.

use super::BoletoError;

/// More digits than any boleto form has; we stop looking there.
const MAX_DIGITS: usize = 48;

/// Digits of an input, each with its character offset in the original text.
#[derive(Debug)]
pub(crate) struct Digits {
    pub digits: Vec<u8>,
    pub offsets: Vec<usize>,
}

impl Digits {
    /// The offset in the original text of the digit at `index`.
    pub fn offset(&self, index: usize) -> usize {
        self.offsets.get(index).copied().unwrap_or(0)
    }
}

/// Keeps the ASCII digits (as values 0–9), ignoring blanks, `.` and `-` (the
/// punctuation of printed typed lines); anything else is refused at its
/// position. Inputs with more than 48 digits are refused without looking at
/// the rest.
pub(crate) fn digits(input: &str) -> Result<Digits, BoletoError> {
    let mut d = Digits {
        digits: Vec::with_capacity(48),
        offsets: Vec::with_capacity(48),
    };
    for (offset, ch) in input.chars().enumerate() {
        match ch {
            '0'..='9' => {
                if d.digits.len() == MAX_DIGITS {
                    return Err(BoletoError::WrongLength {
                        found: MAX_DIGITS + 1,
                        expected: "44, 47 or 48 (more given)",
                    });
                }
                d.digits.push(ch as u8 - b'0');
                d.offsets.push(offset);
            }
            '.' | '-' => {}
            c if c.is_whitespace() => {}
            _ => return Err(BoletoError::InvalidCharacter { ch, offset }),
        }
    }
    Ok(d)
}

/// ASCII text of digit values.
pub(crate) fn ascii(values: &[u8]) -> String {
    values.iter().map(|v| char::from(b'0' + v)).collect()
}

/// `value` left-padded with zeros to `len` digits; refused when it is not
/// 1..=`len` ASCII digits.
pub(crate) fn padded(field: &'static str, value: &str, len: usize) -> Result<String, BoletoError> {
    let v = value.trim();
    if v.is_empty() || v.len() > len || !v.bytes().all(|b| b.is_ascii_digit()) {
        return Err(BoletoError::Field {
            field,
            max: len,
            found: value.chars().take(60).collect(),
        });
    }
    Ok(format!("{v:0>len$}"))
}
