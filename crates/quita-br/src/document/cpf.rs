//! CPF (Cadastro de Pessoas Físicas): 9 digits + 2 check digits.

use std::{fmt, str::FromStr};

use super::{DocumentError, normalize::canonical};
use crate::check_digit::mod11_receita;

/// A valid CPF: 11 ASCII digits whose two check digits match and which is not
/// a repeated-digit sequence. The only way to get one is [`Cpf::parse`] or
/// [`Cpf::from_base`], so holding a `Cpf` proves it is well formed.
///
/// `Debug` prints the masked form: a CPF is personal data and must never reach
/// a log. There is deliberately no `Display`; say which form you want with
/// [`Cpf::digits`], [`Cpf::formatted`] or [`Cpf::masked`].
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Cpf([u8; 11]);

impl Cpf {
    /// Parses a CPF with or without punctuation (`529.982.247-25`,
    /// `52998224725`; dots, hyphens, slashes and blanks are ignored).
    pub fn parse(input: &str) -> Result<Self, DocumentError> {
        let c = canonical(input)?;
        if let Some(i) = c.chars.iter().position(u8::is_ascii_uppercase) {
            return Err(DocumentError::LetterInCpf {
                ch: c.chars[i] as char,
                offset: c.offsets[i],
            });
        }
        if c.chars.len() != 11 {
            return Err(DocumentError::WrongLength {
                found: c.chars.len(),
                expected: "11",
            });
        }
        let mut digits = [0u8; 11];
        digits.copy_from_slice(&c.chars);
        if digits.iter().all(|&d| d == digits[0]) {
            return Err(DocumentError::RepeatedDigits);
        }
        let expected = check_digits(&digits[..9]);
        for (k, want) in expected.iter().enumerate() {
            if digits[9 + k] != *want {
                return Err(DocumentError::CheckDigit {
                    which: k as u8 + 1,
                    offset: c.offsets[9 + k],
                    expected: *want as char,
                });
            }
        }
        Ok(Self(digits))
    }

    /// Completes the 9 base digits with their check digits (for tests,
    /// fixtures and generators). Punctuation is ignored as in [`Cpf::parse`].
    pub fn from_base(base: &str) -> Result<Self, DocumentError> {
        let c = canonical(base)?;
        if let Some(i) = c.chars.iter().position(u8::is_ascii_uppercase) {
            return Err(DocumentError::LetterInCpf {
                ch: c.chars[i] as char,
                offset: c.offsets[i],
            });
        }
        if c.chars.len() != 9 {
            return Err(DocumentError::WrongLength {
                found: c.chars.len(),
                expected: "9",
            });
        }
        let mut digits = [0u8; 11];
        digits[..9].copy_from_slice(&c.chars);
        digits[9..].copy_from_slice(&check_digits(&c.chars));
        if digits.iter().all(|&d| d == digits[0]) {
            return Err(DocumentError::RepeatedDigits);
        }
        Ok(Self(digits))
    }

    /// The 11 digits, no punctuation: the form to store.
    pub fn digits(&self) -> &str {
        // Invariant: ASCII digits only, so this never fails.
        std::str::from_utf8(&self.0).unwrap_or_default()
    }

    /// `529.982.247-25`.
    pub fn formatted(&self) -> String {
        let d = self.digits();
        format!("{}.{}.{}-{}", &d[0..3], &d[3..6], &d[6..9], &d[9..11])
    }

    /// `***.982.247-**`: the first three digits and the check digits hidden,
    /// the form for screens and logs where the full number is not needed.
    pub fn masked(&self) -> String {
        let d = self.digits();
        format!("***.{}.{}-**", &d[3..6], &d[6..9])
    }
}

/// The two check digits (ASCII) of 9 ASCII digits: weights 10..2 then 11..2,
/// `r = sum mod 11`, DV = 0 if r < 2 else 11 − r.
fn check_digits(base: &[u8]) -> [u8; 2] {
    let mut values: Vec<u8> = base.iter().map(|b| b - b'0').collect();
    let dv1 = mod11_receita(&values, 11);
    values.push(dv1);
    let dv2 = mod11_receita(&values, 11);
    [b'0' + dv1, b'0' + dv2]
}

impl fmt::Debug for Cpf {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Cpf({})", self.masked())
    }
}

impl FromStr for Cpf {
    type Err = DocumentError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl serde::Serialize for Cpf {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.digits())
    }
}

impl<'de> serde::Deserialize<'de> for Cpf {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Self::parse(&s).map_err(serde::de::Error::custom)
    }
}
