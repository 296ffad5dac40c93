//! Boletos: bank slips (cobrança, 44-digit barcode / 47-digit typed line)
//! and utility slips (arrecadação, 44 / 48), with their check digits, the
//! due-date factor and its 2025 restart, bank free-field layouts and the ITF
//! barcode symbol. Sources: `reference/br-standards.md` §A (FEBRABAN layouts
//! as implemented by brcobranca and boleto-utils).
//!
//! Amounts are integer centavos (`u64`). Every parser takes any `&str` and
//! returns a [`BoletoError`] with the character offset of the fault; nothing
//! here panics.

mod bank;
mod error;
pub mod factor;
pub mod free_field;
mod input;
pub mod itf;
mod utility;

#[cfg(test)]
mod tests;

pub use bank::{BankSlip, MAX_AMOUNT};
pub use error::BoletoError;
pub use factor::{due_factor, factor_date};
pub use free_field::FreeField;
pub use utility::{MAX_VALUE, UtilitySlip, ValueType, segment_name};

/// Either kind of slip, as told apart by [`Slip::parse`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Slip {
    Bank(BankSlip),
    Utility(UtilitySlip),
}

impl Slip {
    /// Classifies and parses: 44 digits = barcode (first digit `8` → utility,
    /// otherwise bank); 47 = bank typed line; 48 = utility typed line.
    /// Blanks, `.` and `-` are ignored.
    pub fn parse(input: &str) -> Result<Self, BoletoError> {
        let d = input::digits(input)?;
        match d.digits.len() {
            44 if d.digits[0] == 8 => UtilitySlip::from_barcode_digits(&d).map(Self::Utility),
            44 => BankSlip::from_barcode_digits(&d).map(Self::Bank),
            47 => BankSlip::from_line_digits(&d).map(Self::Bank),
            48 => UtilitySlip::from_line_digits(&d).map(Self::Utility),
            found => Err(BoletoError::WrongLength {
                found,
                expected: "44 (barcode), 47 (bank slip line) or 48 (utility slip line)",
            }),
        }
    }

    /// The 44 barcode digits.
    pub fn barcode(&self) -> String {
        match self {
            Self::Bank(s) => s.barcode(),
            Self::Utility(s) => s.barcode(),
        }
    }

    /// The typed line digits (47 or 48), no punctuation.
    pub fn digitable_line(&self) -> String {
        match self {
            Self::Bank(s) => s.digitable_line(),
            Self::Utility(s) => s.digitable_line(),
        }
    }

    /// The typed line as printed.
    pub fn formatted_line(&self) -> String {
        match self {
            Self::Bank(s) => s.formatted_line(),
            Self::Utility(s) => s.formatted_line(),
        }
    }

    /// The ITF symbol of the barcode.
    pub fn itf(&self) -> Vec<itf::Element> {
        let values = match self {
            Self::Bank(s) => s.values(),
            Self::Utility(s) => s.values(),
        };
        // 44 digits always make a valid ITF input.
        itf::pattern(&input::ascii(values)).unwrap_or_default()
    }
}
