//! Utility and tax slips (arrecadação / convênio, FEBRABAN "Layout Padrão de
//! Arrecadação/Recebimento com Utilização do Código de Barras"): a 44-digit
//! barcode starting with `8` and a 48-digit typed line of 4 blocks of
//! 11 digits + 1 check digit.
//!
//! Barcode: product `8`(1) segment(1) value type(1) DV geral(1) value(11)
//! company/agency id(4) free field(25) — for segment 6 positions 16–23 hold
//! the first 8 digits of the CNPJ instead.
//!
//! The value type (third digit) chooses the modulus of every check digit:
//! 6/7 → mod 10; 8/9 → mod 11 with remainder 0 or 1 → DV 0 (not the
//! cobrança rule). 6/8 = the value is an amount in R$, 7/9 = a reference
//! quantity.

use std::fmt;

use super::{
    BoletoError,
    input::{Digits, ascii, digits, padded},
};
use crate::check_digit::{mod10, mod11_arrecadacao};

/// What the 11 value digits mean, and which modulus the check digits use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ValueType {
    /// `6`: amount in R$, mod 10.
    AmountMod10,
    /// `7`: reference quantity, mod 10.
    QuantityMod10,
    /// `8`: amount in R$, mod 11.
    AmountMod11,
    /// `9`: reference quantity, mod 11.
    QuantityMod11,
}

impl ValueType {
    /// From the third barcode digit.
    pub fn from_digit(d: u8) -> Option<Self> {
        match d {
            6 => Some(Self::AmountMod10),
            7 => Some(Self::QuantityMod10),
            8 => Some(Self::AmountMod11),
            9 => Some(Self::QuantityMod11),
            _ => None,
        }
    }

    /// The third barcode digit.
    pub fn digit(self) -> u8 {
        match self {
            Self::AmountMod10 => 6,
            Self::QuantityMod10 => 7,
            Self::AmountMod11 => 8,
            Self::QuantityMod11 => 9,
        }
    }

    /// Whether the value is an amount in R$ (rather than a reference quantity).
    pub fn is_amount(self) -> bool {
        matches!(self, Self::AmountMod10 | Self::AmountMod11)
    }

    fn check_digit(self, values: &[u8]) -> u8 {
        match self {
            Self::AmountMod10 | Self::QuantityMod10 => mod10(values),
            Self::AmountMod11 | Self::QuantityMod11 => mod11_arrecadacao(values),
        }
    }
}

/// The segment names of position 2.
pub fn segment_name(segment: u8) -> Option<&'static str> {
    Some(match segment {
        1 => "Prefeituras",
        2 => "Saneamento",
        3 => "Energia elétrica e gás",
        4 => "Telecomunicações",
        5 => "Órgãos governamentais",
        6 => "Carnês e assemelhados ou demais empresas identificadas pelo CNPJ",
        7 => "Multas de trânsito",
        9 => "Uso exclusivo do banco",
        _ => return None,
    })
}

/// A utility slip whose general check digit is right (barcode digit values).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct UtilitySlip([u8; 44]);

/// Largest value the 11 value digits hold.
pub const MAX_VALUE: u64 = 99_999_999_999;

impl UtilitySlip {
    /// Builds the barcode from the segment (1–9), the value type, the value
    /// (centavos or reference quantity, up to 11 digits) and the 29 digits of
    /// positions 16–44 (company id + free field, or CNPJ root + free field).
    pub fn build(
        segment: u8,
        value_type: ValueType,
        value: u64,
        company_and_free_field: &str,
    ) -> Result<Self, BoletoError> {
        if !(1..=9).contains(&segment) {
            return Err(BoletoError::Unsupported(format!(
                "segment must be 1–9, got {segment}"
            )));
        }
        if value > MAX_VALUE {
            return Err(BoletoError::AmountTooLarge {
                centavos: value,
                digits: 11,
            });
        }
        let rest = company_and_free_field.trim();
        if rest.len() != 29 || !rest.bytes().all(|b| b.is_ascii_digit()) {
            return Err(BoletoError::Field {
                field: "company id + free field",
                max: 29,
                found: rest.chars().take(60).collect(),
            });
        }
        let rest = padded("company id + free field", rest, 29)?;
        let text = format!("8{segment}{}0{value:011}{rest}", value_type.digit());
        let mut b = [0u8; 44];
        for (slot, c) in b.iter_mut().zip(text.bytes()) {
            *slot = c - b'0';
        }
        b[3] = general_dv(&b, value_type);
        Ok(Self(b))
    }

    /// Parses a 44-digit barcode or a 48-digit typed line (punctuation and
    /// blanks ignored), checking every check digit.
    pub fn parse(input: &str) -> Result<Self, BoletoError> {
        let d = digits(input)?;
        match d.digits.len() {
            44 => Self::from_barcode_digits(&d),
            48 => Self::from_line_digits(&d),
            found => Err(BoletoError::WrongLength {
                found,
                expected: "44 (barcode) or 48 (typed line)",
            }),
        }
    }

    /// Product and value type checks shared by both forms; `at3` is the index
    /// of the value-type digit in the given digits (2 in both forms).
    fn header(d: &Digits) -> Result<ValueType, BoletoError> {
        if d.digits[0] != 8 {
            return Err(BoletoError::NotUtility {
                found: char::from(b'0' + d.digits[0]),
                offset: d.offset(0),
            });
        }
        ValueType::from_digit(d.digits[2]).ok_or(BoletoError::ValueType {
            found: char::from(b'0' + d.digits[2]),
            offset: d.offset(2),
        })
    }

    pub(crate) fn from_barcode_digits(d: &Digits) -> Result<Self, BoletoError> {
        let vt = Self::header(d)?;
        let mut b = [0u8; 44];
        b.copy_from_slice(&d.digits);
        let expected = general_dv(&b, vt);
        if b[3] != expected {
            return Err(BoletoError::GeneralCheckDigit {
                offset: d.offset(3),
                expected,
            });
        }
        Ok(Self(b))
    }

    pub(crate) fn from_line_digits(d: &Digits) -> Result<Self, BoletoError> {
        let vt = Self::header(d)?;
        let l = &d.digits;
        let mut b = [0u8; 44];
        for block in 0..4 {
            let body = &l[block * 12..block * 12 + 11];
            let dv_at = block * 12 + 11;
            let expected = vt.check_digit(body);
            if l[dv_at] != expected {
                return Err(BoletoError::FieldCheckDigit {
                    field: block as u8 + 1,
                    offset: d.offset(dv_at),
                    expected,
                });
            }
            b[block * 11..block * 11 + 11].copy_from_slice(body);
        }
        let expected = general_dv(&b, vt);
        if b[3] != expected {
            return Err(BoletoError::GeneralCheckDigit {
                offset: d.offset(3),
                expected,
            });
        }
        Ok(Self(b))
    }

    /// The 44 barcode digits.
    pub fn barcode(&self) -> String {
        ascii(&self.0)
    }

    /// The 48 digits of the typed line, no punctuation.
    pub fn digitable_line(&self) -> String {
        let vt = self.value_type();
        let mut l = Vec::with_capacity(48);
        for block in self.0.chunks(11) {
            l.extend_from_slice(block);
            l.push(vt.check_digit(block));
        }
        ascii(&l)
    }

    /// The typed line as printed: `XXXXXXXXXXX-X XXXXXXXXXXX-X XXXXXXXXXXX-X XXXXXXXXXXX-X`.
    pub fn formatted_line(&self) -> String {
        let l = self.digitable_line();
        (0..4)
            .map(|k| {
                format!(
                    "{}-{}",
                    &l[k * 12..k * 12 + 11],
                    &l[k * 12 + 11..k * 12 + 12]
                )
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// Segment (position 2), see [`segment_name`].
    pub fn segment(&self) -> u8 {
        self.0[1]
    }

    /// Value type (position 3).
    pub fn value_type(&self) -> ValueType {
        // Invariant: checked at construction.
        ValueType::from_digit(self.0[2]).unwrap_or(ValueType::AmountMod10)
    }

    /// The general check digit (position 4).
    pub fn check_digit(&self) -> u8 {
        self.0[3]
    }

    /// The 11 value digits as a number (centavos or reference quantity).
    pub fn value(&self) -> u64 {
        self.0[4..15]
            .iter()
            .fold(0u64, |acc, &d| acc * 10 + u64::from(d))
    }

    /// The amount in centavos: `None` when the value is a reference quantity
    /// (value type 7 or 9) or zero.
    pub fn amount(&self) -> Option<u64> {
        let v = self.value();
        (self.value_type().is_amount() && v != 0).then_some(v)
    }

    /// Positions 16–19: the company/agency id (FEBRABAN code).
    pub fn company_id(&self) -> String {
        ascii(&self.0[15..19])
    }

    /// Positions 16–23, the CNPJ root, meaningful for segment 6.
    pub fn cnpj_root(&self) -> String {
        ascii(&self.0[15..23])
    }

    /// Positions 20–44: the company's free field.
    pub fn free_field(&self) -> String {
        ascii(&self.0[19..44])
    }

    pub(crate) fn values(&self) -> &[u8; 44] {
        &self.0
    }
}

/// DV geral over positions 1–3 and 5–44 with the modulus of the value type.
fn general_dv(b: &[u8; 44], vt: ValueType) -> u8 {
    let mut v = [0u8; 43];
    v[..3].copy_from_slice(&b[..3]);
    v[3..].copy_from_slice(&b[4..]);
    vt.check_digit(&v)
}

impl fmt::Debug for UtilitySlip {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "UtilitySlip({})", self.barcode())
    }
}
