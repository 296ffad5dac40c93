//! Why a CPF or CNPJ was refused.

/// Why a CPF or CNPJ was refused. Positions (`offset`) are 0-based character
/// offsets into the text that was given, punctuation included, so a caller can
/// point at the fault.
///
/// The messages never contain the document number itself (it is personal data).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DocumentError {
    /// Nothing but blanks and punctuation.
    #[error("empty document number")]
    Empty,
    /// A character that is neither a digit, an uppercase letter nor accepted
    /// punctuation (`.`, `-`, `/`, blanks).
    #[error("invalid character {ch:?} at position {offset}")]
    InvalidCharacter { ch: char, offset: usize },
    /// A lowercase letter: the alphanumeric CNPJ only uses `A`–`Z`.
    #[error("lowercase letter {ch:?} at position {offset}: CNPJ letters must be uppercase")]
    Lowercase { ch: char, offset: usize },
    /// A letter in a CPF, which is digits only.
    #[error("letter {ch:?} at position {offset}: a CPF has digits only")]
    LetterInCpf { ch: char, offset: usize },
    /// A letter in one of the two check-digit positions, which are numeric.
    #[error("letter {ch:?} at position {offset}: check digits are always numeric")]
    LetterInCheckDigit { ch: char, offset: usize },
    /// Not 11 (CPF) or 14 (CNPJ) characters once punctuation is removed.
    #[error("wrong length: {found} characters, expected {expected}")]
    WrongLength {
        found: usize,
        expected: &'static str,
    },
    /// All characters equal (000.000.000-00, 111…): formally valid check
    /// digits, but never issued.
    #[error("repeated-digit sequence is not a valid document number")]
    RepeatedDigits,
    /// A check digit does not match the one computed from the characters
    /// before it.
    #[error("check digit {which} at position {offset} does not match (expected {expected})")]
    CheckDigit {
        which: u8,
        offset: usize,
        expected: char,
    },
}

impl DocumentError {
    /// The character offset of the fault in the given text, when there is one.
    pub fn offset(&self) -> Option<usize> {
        match self {
            Self::InvalidCharacter { offset, .. }
            | Self::Lowercase { offset, .. }
            | Self::LetterInCpf { offset, .. }
            | Self::LetterInCheckDigit { offset, .. }
            | Self::CheckDigit { offset, .. } => Some(*offset),
            Self::Empty | Self::WrongLength { .. } | Self::RepeatedDigits => None,
        }
    }
}
