//! From free text to the canonical characters of a document number.

use super::DocumentError;

/// Longest input we look at character by character; anything longer is
/// certainly the wrong length and is refused without further work.
const MAX_INPUT_CHARS: usize = 64;

/// The canonical characters (`0-9`, `A-Z`) of a document number, each with
/// its character offset in the original text.
#[derive(Debug)]
pub(crate) struct Canonical {
    pub chars: Vec<u8>,
    pub offsets: Vec<usize>,
}

/// Drops punctuation (`.`, `-`, `/`) and blanks anywhere, keeps digits and
/// uppercase letters, and refuses anything else (lowercase letters with their
/// own error, so the user learns why `12abc…` fails).
pub(crate) fn canonical(input: &str) -> Result<Canonical, DocumentError> {
    let mut chars = Vec::with_capacity(14);
    let mut offsets = Vec::with_capacity(14);
    for (offset, ch) in input.chars().enumerate() {
        if offset >= MAX_INPUT_CHARS {
            return Err(DocumentError::WrongLength {
                found: chars.len()
                    + input
                        .chars()
                        .skip(offset)
                        .filter(|c| c.is_ascii_alphanumeric())
                        .count(),
                expected: "11 (CPF) or 14 (CNPJ)",
            });
        }
        match ch {
            '0'..='9' | 'A'..='Z' => {
                chars.push(ch as u8);
                offsets.push(offset);
            }
            'a'..='z' => return Err(DocumentError::Lowercase { ch, offset }),
            '.' | '-' | '/' => {}
            c if c.is_whitespace() => {}
            _ => return Err(DocumentError::InvalidCharacter { ch, offset }),
        }
    }
    if chars.is_empty() {
        return Err(DocumentError::Empty);
    }
    Ok(Canonical { chars, offsets })
}
