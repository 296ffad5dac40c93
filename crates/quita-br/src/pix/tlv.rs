//! The EMV TLV chain: `ID(2 digits) LEN(2 decimal digits) VALUE(LEN chars)`.
//!
//! Lengths count characters, not bytes: a payload with `6008BRASÍLIA` is a
//! valid 8-character city (the CRC is still over UTF-8 bytes). Offsets in
//! errors are 0-based character offsets in the whole payload.

use super::error::PixParseError;

/// One data object of a TLV chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field<'a> {
    /// 0..=99.
    pub id: u8,
    pub value: &'a str,
    /// Character offset of the ID in the whole payload.
    pub offset: usize,
    /// Character offset of the value in the whole payload.
    pub value_offset: usize,
}

fn two_digits(bytes: &[u8]) -> Option<u8> {
    match bytes {
        [a @ b'0'..=b'9', b @ b'0'..=b'9'] => Some((a - b'0') * 10 + (b - b'0')),
        _ => None,
    }
}

/// Splits `text` into its data objects; `base` is the character offset of
/// `text` in the payload. Refuses a repeated ID within the same chain.
pub fn split(text: &str, base: usize) -> Result<Vec<Field<'_>>, PixParseError> {
    let mut fields: Vec<Field<'_>> = Vec::with_capacity(12);
    let mut rest = text;
    let mut at = base; // character offset of `rest`
    while !rest.is_empty() {
        let head = rest.as_bytes();
        let id = head
            .get(..2)
            .and_then(two_digits)
            .ok_or(PixParseError::BadId { offset: at })?;
        let id_text = format_id(id);
        let len = head
            .get(2..4)
            .and_then(two_digits)
            .ok_or_else(|| PixParseError::BadLength {
                id: id_text.clone(),
                offset: at + 2,
            })?;
        // ID and length are ASCII, so 4 bytes = 4 characters.
        let body = &rest[4..];
        let len = usize::from(len);
        let end = byte_index_of_char(body, len).ok_or_else(|| PixParseError::Truncated {
            id: id_text.clone(),
            offset: at,
            declared: len,
            available: body.chars().count(),
        })?;
        if fields.iter().any(|f| f.id == id) {
            return Err(PixParseError::Duplicate {
                id: id_text,
                offset: at,
            });
        }
        fields.push(Field {
            id,
            value: &body[..end],
            offset: at,
            value_offset: at + 4,
        });
        rest = &body[end..];
        at += 4 + len;
    }
    Ok(fields)
}

/// The byte index where the `n`th character starts (`len` when `n` = count).
fn byte_index_of_char(text: &str, n: usize) -> Option<usize> {
    if text.is_ascii() {
        return (n <= text.len()).then_some(n);
    }
    let mut count = 0;
    for (i, _) in text.char_indices() {
        if count == n {
            return Some(i);
        }
        count += 1;
    }
    (count == n).then_some(text.len())
}

/// `7` → `"07"`.
pub fn format_id(id: u8) -> String {
    format!("{id:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_and_reports_offsets() {
        let f = split("000201010212", 0).unwrap();
        assert_eq!(f.len(), 2);
        assert_eq!((f[1].id, f[1].value, f[1].offset), (1, "12", 6));
        assert_eq!(
            split("0002", 3).unwrap_err(),
            PixParseError::Truncated {
                id: "00".into(),
                offset: 3,
                declared: 2,
                available: 0
            }
        );
        assert_eq!(split("0x02", 0).unwrap_err().offset(), 0);
        assert_eq!(split("0002010a", 0).unwrap_err().offset(), 6);
        assert_eq!(split("0001a0001b", 0).unwrap_err().offset(), 5);
        let accented = split("6008BRASÍLIA63041D3D", 0).unwrap();
        assert_eq!(accented[0].value, "BRASÍLIA");
        assert_eq!(accented[1].offset, 12);
    }
}
