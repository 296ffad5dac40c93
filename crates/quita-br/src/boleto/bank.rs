//! Bank slips (boleto de cobrança): the 44-digit barcode and the 47-digit
//! typed line (linha digitável), FEBRABAN layout.
//!
//! Barcode: bank(3) currency(1) DV(1) factor(4) amount(10) free field(25).
//! Typed line: field 1 = barcode 1–4 + 20–24 + mod-10 DV; field 2 = 25–34 +
//! DV; field 3 = 35–44 + DV; field 4 = the DV geral; field 5 = factor +
//! amount.
//!
//! What the check digits guarantee: a single-digit change inside fields 1–3
//! of a typed line is always caught by that field's mod-10 DV (the DV itself
//! included). The DV geral (mod 11 with 0/10/11 → 1) catches most but not
//! all changes to the barcode: the collapse of 0, 10 and 11 into 1 lets some
//! single-digit changes through, and nothing protects field 5 of a typed line
//! except the DV geral.

use std::fmt;

use jiff::civil::Date;

use super::{
    BoletoError, FreeField,
    factor::{due_factor, factor_date},
    input::{Digits, ascii, digits},
};
use crate::check_digit::{mod10, mod11_boleto};

/// Largest amount the 10 amount digits can hold, in centavos.
pub const MAX_AMOUNT: u64 = 9_999_999_999;

/// A bank slip whose general check digit is right: the barcode digits
/// (values 0–9). Built by [`BankSlip::build`] or one of the parsers.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct BankSlip([u8; 44]);

impl BankSlip {
    /// Builds the barcode: `bank_code` (3 digits), currency `9` (Real), the
    /// due-date factor of `due` (`None` → `0000`, no due date), `amount` in
    /// centavos (`None` or 0 → all zeros, amount not fixed), the free field,
    /// and the DV geral.
    pub fn build(
        bank_code: &str,
        due: Option<Date>,
        amount: Option<u64>,
        free_field: &FreeField,
    ) -> Result<Self, BoletoError> {
        let bank = super::input::padded("bank code", bank_code, 3)?;
        if bank_code.trim().len() != 3 {
            return Err(BoletoError::Field {
                field: "bank code",
                max: 3,
                found: bank_code.into(),
            });
        }
        if bank.starts_with('8') {
            return Err(BoletoError::ReservedBankCode { offset: 0 });
        }
        let factor = match due {
            Some(d) => due_factor(d)?,
            None => 0,
        };
        let amount = amount.unwrap_or(0);
        if amount > MAX_AMOUNT {
            return Err(BoletoError::AmountTooLarge {
                centavos: amount,
                digits: 10,
            });
        }
        let text = format!("{bank}9{factor:04}{amount:010}{}", free_field.as_str());
        let mut b = [0u8; 44];
        for (i, c) in text.bytes().enumerate().take(43) {
            let at = if i < 4 { i } else { i + 1 };
            b[at] = c - b'0';
        }
        b[4] = general_dv(&b);
        Ok(Self(b))
    }

    /// Parses a 44-digit barcode or a 47-digit typed line (punctuation and
    /// blanks ignored), checking every check digit.
    pub fn parse(input: &str) -> Result<Self, BoletoError> {
        let d = digits(input)?;
        match d.digits.len() {
            44 => Self::from_barcode_digits(&d),
            47 => Self::from_line_digits(&d),
            found => Err(BoletoError::WrongLength {
                found,
                expected: "44 (barcode) or 47 (typed line)",
            }),
        }
    }

    pub(crate) fn from_barcode_digits(d: &Digits) -> Result<Self, BoletoError> {
        check_bank_code(d)?;
        check_currency(d, 3)?;
        let mut b = [0u8; 44];
        b.copy_from_slice(&d.digits);
        let expected = general_dv(&b);
        if b[4] != expected {
            return Err(BoletoError::GeneralCheckDigit {
                offset: d.offset(4),
                expected,
            });
        }
        Ok(Self(b))
    }

    pub(crate) fn from_line_digits(d: &Digits) -> Result<Self, BoletoError> {
        check_bank_code(d)?;
        check_currency(d, 3)?;
        let l = &d.digits;
        for (field, range, dv_at) in [(1u8, 0..9, 9), (2, 10..20, 20), (3, 21..31, 31)] {
            let expected = mod10(&l[range]);
            if l[dv_at] != expected {
                return Err(BoletoError::FieldCheckDigit {
                    field,
                    offset: d.offset(dv_at),
                    expected,
                });
            }
        }
        // 47 → 44: L[0..4] + L[32] + L[33..47] + L[4..9] + L[10..20] + L[21..31].
        let mut b = [0u8; 44];
        let parts: [&[u8]; 6] = [
            &l[0..4],
            &l[32..33],
            &l[33..47],
            &l[4..9],
            &l[10..20],
            &l[21..31],
        ];
        let mut at = 0;
        for p in parts {
            b[at..at + p.len()].copy_from_slice(p);
            at += p.len();
        }
        let expected = general_dv(&b);
        if b[4] != expected {
            return Err(BoletoError::GeneralCheckDigit {
                offset: d.offset(32),
                expected,
            });
        }
        Ok(Self(b))
    }

    /// The 44 barcode digits.
    pub fn barcode(&self) -> String {
        ascii(&self.0)
    }

    /// The 47 digits of the typed line, no punctuation.
    pub fn digitable_line(&self) -> String {
        let b = &self.0;
        let mut l = Vec::with_capacity(47);
        l.extend_from_slice(&b[0..4]);
        l.extend_from_slice(&b[19..24]);
        l.push(mod10(&l[0..9]));
        l.extend_from_slice(&b[24..34]);
        l.push(mod10(&b[24..34]));
        l.extend_from_slice(&b[34..44]);
        l.push(mod10(&b[34..44]));
        l.push(b[4]);
        l.extend_from_slice(&b[5..19]);
        ascii(&l)
    }

    /// The typed line as printed: `AAAAA.AAAAA BBBBB.BBBBBB CCCCC.CCCCCC D EEEEEEEEEEEEEE`.
    pub fn formatted_line(&self) -> String {
        let l = self.digitable_line();
        format!(
            "{}.{} {}.{} {}.{} {} {}",
            &l[0..5],
            &l[5..10],
            &l[10..15],
            &l[15..21],
            &l[21..26],
            &l[26..32],
            &l[32..33],
            &l[33..47]
        )
    }

    /// Bank code (compensação), e.g. `"341"`.
    pub fn bank_code(&self) -> String {
        ascii(&self.0[0..3])
    }

    /// Currency code: `9` = Real.
    pub fn currency(&self) -> u8 {
        self.0[3]
    }

    /// The general check digit (position 5), always 1–9.
    pub fn check_digit(&self) -> u8 {
        self.0[4]
    }

    /// The due-date factor; 0 = no due date.
    pub fn factor(&self) -> u16 {
        self.0[5..9]
            .iter()
            .fold(0, |acc, &d| acc * 10 + u16::from(d))
    }

    /// The due date, read in the factor cycle nearest `reference` (usually
    /// today); `None` when the factor is 0000.
    pub fn due_date(&self, reference: Date) -> Option<Date> {
        factor_date(self.factor(), reference)
    }

    /// The amount in centavos; `None` when all zeros (amount not fixed).
    pub fn amount(&self) -> Option<u64> {
        let a = self.0[9..19]
            .iter()
            .fold(0u64, |acc, &d| acc * 10 + u64::from(d));
        (a != 0).then_some(a)
    }

    /// The 25-digit free field (campo livre).
    pub fn free_field(&self) -> FreeField {
        FreeField::from_values(&self.0[19..44])
    }

    pub(crate) fn values(&self) -> &[u8; 44] {
        &self.0
    }
}

/// Position 4 (index 3 in both the barcode and the typed line) must be the
/// currency code `9` (Real) or `0` (other currencies).
/// A bank code starting with 8 would make the barcode a utility slip's.
fn check_bank_code(d: &Digits) -> Result<(), BoletoError> {
    match d.digits.first() {
        Some(8) => Err(BoletoError::ReservedBankCode {
            offset: d.offset(0),
        }),
        _ => Ok(()),
    }
}

fn check_currency(d: &Digits, index: usize) -> Result<(), BoletoError> {
    match d.digits.get(index) {
        Some(9 | 0) | None => Ok(()),
        Some(&c) => Err(BoletoError::Currency {
            found: char::from(b'0' + c),
            offset: d.offset(index),
        }),
    }
}

/// DV geral over positions 1–4 and 6–44.
fn general_dv(b: &[u8; 44]) -> u8 {
    let mut v = [0u8; 43];
    v[..4].copy_from_slice(&b[..4]);
    v[4..].copy_from_slice(&b[5..]);
    mod11_boleto(&v)
}

impl fmt::Debug for BankSlip {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "BankSlip({})", self.barcode())
    }
}
