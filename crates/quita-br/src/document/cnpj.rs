//! CNPJ (Cadastro Nacional da Pessoa Jurídica), numeric and alphanumeric.
//!
//! IN RFB 2.229/2024: positions 1–8 (root) and 9–12 (establishment order) are
//! `0-9A-Z`, uppercase only; positions 13–14 are numeric check digits. Each
//! character's value is its ASCII code − 48 (`0`→0 … `9`→9, `A`→17 … `Z`→42),
//! so an all-digit CNPJ checks exactly as before 2024.

use std::{fmt, str::FromStr};

use super::{DocumentError, normalize::canonical};
use crate::check_digit::mod11_receita;

/// A valid CNPJ: 12 characters `0-9A-Z` + 2 numeric check digits that match,
/// not a repeated-digit sequence. Only [`Cnpj::parse`] and [`Cnpj::from_base`]
/// make one.
///
/// `Debug` prints the masked form (see [`Cnpj::masked`]); there is no
/// `Display`, so every use says which form it wants.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Cnpj([u8; 14]);

impl Cnpj {
    /// Parses a CNPJ with or without punctuation (`12.ABC.345/01DE-35`,
    /// `12ABC34501DE35`; dots, hyphens, slashes and blanks are ignored).
    /// Lowercase letters are refused, not upper-cased: the standard says
    /// uppercase only.
    pub fn parse(input: &str) -> Result<Self, DocumentError> {
        let c = canonical(input)?;
        if c.chars.len() != 14 {
            return Err(DocumentError::WrongLength {
                found: c.chars.len(),
                expected: "14",
            });
        }
        for i in 12..14 {
            if c.chars[i].is_ascii_uppercase() {
                return Err(DocumentError::LetterInCheckDigit {
                    ch: c.chars[i] as char,
                    offset: c.offsets[i],
                });
            }
        }
        let mut chars = [0u8; 14];
        chars.copy_from_slice(&c.chars);
        if chars.iter().all(|&d| d == chars[0]) {
            return Err(DocumentError::RepeatedDigits);
        }
        let expected = check_digits(&chars[..12]);
        for (k, want) in expected.iter().enumerate() {
            if chars[12 + k] != *want {
                return Err(DocumentError::CheckDigit {
                    which: k as u8 + 1,
                    offset: c.offsets[12 + k],
                    expected: *want as char,
                });
            }
        }
        Ok(Self(chars))
    }

    /// Completes 12 base characters (`0-9A-Z`) with their check digits.
    pub fn from_base(base: &str) -> Result<Self, DocumentError> {
        let c = canonical(base)?;
        if c.chars.len() != 12 {
            return Err(DocumentError::WrongLength {
                found: c.chars.len(),
                expected: "12",
            });
        }
        let mut chars = [0u8; 14];
        chars[..12].copy_from_slice(&c.chars);
        chars[12..].copy_from_slice(&check_digits(&c.chars));
        if chars.iter().all(|&d| d == chars[0]) {
            return Err(DocumentError::RepeatedDigits);
        }
        Ok(Self(chars))
    }

    /// The 14 characters, no punctuation: the form to store (as text, never
    /// as an integer).
    pub fn digits(&self) -> &str {
        // Invariant: ASCII `0-9A-Z` only, so this never fails.
        std::str::from_utf8(&self.0).unwrap_or_default()
    }

    /// Whether any of the first 12 characters is a letter (a CNPJ issued under
    /// IN RFB 2.229/2024).
    pub fn is_alphanumeric(&self) -> bool {
        self.0[..12].iter().any(u8::is_ascii_uppercase)
    }

    /// `12.ABC.345/01DE-35`.
    pub fn formatted(&self) -> String {
        let d = self.digits();
        format!(
            "{}.{}.{}/{}-{}",
            &d[0..2],
            &d[2..5],
            &d[5..8],
            &d[8..12],
            &d[12..14]
        )
    }

    /// `**.ABC.345/01DE-**`: by analogy with the CPF mask, the first group and
    /// the check digits are hidden, the middle of the root and the
    /// establishment order stay visible so an operator can tell records apart.
    pub fn masked(&self) -> String {
        let d = self.digits();
        format!("**.{}.{}/{}-**", &d[2..5], &d[5..8], &d[8..12])
    }
}

/// The two check digits (ASCII) of 12 base characters: values ASCII − 48,
/// weights 2..9 cyclic from the right (5,4,3,2,9,8,7,6,5,4,3,2 then
/// 6,5,4,3,2,9,8,7,6,5,4,3,2), `r = sum mod 11`, DV = 0 if r < 2 else 11 − r.
fn check_digits(base: &[u8]) -> [u8; 2] {
    let mut values: Vec<u8> = base.iter().map(|b| b - b'0').collect();
    let dv1 = mod11_receita(&values, 9);
    values.push(dv1);
    let dv2 = mod11_receita(&values, 9);
    [b'0' + dv1, b'0' + dv2]
}

impl fmt::Debug for Cnpj {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Cnpj({})", self.masked())
    }
}

impl FromStr for Cnpj {
    type Err = DocumentError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl serde::Serialize for Cnpj {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.digits())
    }
}

impl<'de> serde::Deserialize<'de> for Cnpj {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Self::parse(&s).map_err(serde::de::Error::custom)
    }
}
