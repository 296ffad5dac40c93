//! Why a boleto barcode, typed line or field was refused.

use jiff::civil::Date;

/// Why a boleto was refused. `offset` is the 0-based character offset of the
/// fault in the text that was given (punctuation included).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BoletoError {
    /// A character that is neither a digit nor accepted punctuation (blanks,
    /// `.`, `-`).
    #[error("invalid character {ch:?} at position {offset}")]
    InvalidCharacter { ch: char, offset: usize },
    /// Not 44 (barcode), 47 (bank slip line) or 48 (utility slip line) digits.
    #[error("wrong length: {found} digits, expected {expected}")]
    WrongLength {
        found: usize,
        expected: &'static str,
    },
    /// A mod-10 (or arrecadação mod-11) check digit of one field / block of
    /// the typed line does not match.
    #[error(
        "check digit of field {field} at position {offset} does not match (expected {expected})"
    )]
    FieldCheckDigit {
        field: u8,
        offset: usize,
        expected: u8,
    },
    /// The general check digit (DV geral) does not match.
    #[error("general check digit at position {offset} does not match (expected {expected})")]
    GeneralCheckDigit { offset: usize, expected: u8 },
    /// The currency code of a bank slip is `9` (Real) or `0` (other).
    #[error("currency code {found:?} at position {offset} is not 9 (Real) or 0")]
    Currency { found: char, offset: usize },
    /// A bank slip's bank code cannot start with `8`: a barcode starting with
    /// `8` is a utility slip (arrecadação), so such a slip could not be read
    /// back from its own barcode.
    #[error("a bank code cannot start with 8 (reserved for utility slips), at position {offset}")]
    ReservedBankCode { offset: usize },
    /// A utility slip (arrecadação) must start with `8`.
    #[error("a utility slip starts with 8, found {found:?} at position {offset}")]
    NotUtility { found: char, offset: usize },
    /// The third digit of a utility slip must be 6, 7, 8 or 9.
    #[error("value type {found:?} at position {offset} is not 6, 7, 8 or 9")]
    ValueType { found: char, offset: usize },
    /// The due date cannot be written as a factor (before 1997-10-08).
    #[error("due date {date} is before 1997-10-08 and has no due-date factor")]
    DueDateOutOfRange { date: Date },
    /// The amount does not fit the barcode's digits.
    #[error("amount of {centavos} centavos does not fit {digits} digits")]
    AmountTooLarge { centavos: u64, digits: usize },
    /// A field given to a builder is not made of up to `max` digits.
    #[error("{field} must be at most {max} digits, got {found:?}")]
    Field {
        field: &'static str,
        max: usize,
        found: String,
    },
    /// A builder input that is digits but not acceptable for this bank.
    #[error("{0}")]
    Unsupported(String),
}

impl BoletoError {
    /// The character offset of the fault in the given text, when there is one.
    pub fn offset(&self) -> Option<usize> {
        match self {
            Self::InvalidCharacter { offset, .. }
            | Self::FieldCheckDigit { offset, .. }
            | Self::GeneralCheckDigit { offset, .. }
            | Self::NotUtility { offset, .. }
            | Self::Currency { offset, .. }
            | Self::ValueType { offset, .. }
            | Self::ReservedBankCode { offset } => Some(*offset),
            _ => None,
        }
    }
}
