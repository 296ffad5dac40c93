//! CPF and CNPJ: parse (with or without punctuation), check, format and mask.
//!
//! Rules from the Receita Federal (CPF; CNPJ including the alphanumeric CNPJ
//! of IN RFB 2.229/2024), summarised in `reference/br-standards.md` §D:
//!
//! * CPF: 11 digits; DV1 with weights 10..2, DV2 with weights 11..2 over the
//!   9 digits + DV1; `r = sum mod 11`, DV = 0 if r < 2 else 11 − r.
//! * CNPJ: 12 characters `0-9A-Z` (uppercase only) + 2 numeric DVs; value =
//!   ASCII − 48; weights 2..9 cyclic from the right; same remainder rule.
//! * Repeated-digit sequences (`000…`, `111…`) are refused although their
//!   check digits compute.
//!
//! What the check digits guarantee: any change of a single **check digit** is
//! caught. A change in the body is caught unless the changed DV1 hits the
//! `r < 2 → 0` collapse (r = 0 and r = 1 both give 0), so single-character
//! changes are *usually* but not *always* detected; we claim no more.

mod cnpj;
mod cpf;
mod error;
mod normalize;

#[cfg(test)]
mod tests;

use std::{fmt, str::FromStr};

pub use cnpj::Cnpj;
pub use cpf::Cpf;
pub use error::DocumentError;

/// Which kind of document a [`Document`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DocumentKind {
    /// Pessoa física.
    Cpf,
    /// Pessoa jurídica.
    Cnpj,
}

impl DocumentKind {
    /// `"cpf"` or `"cnpj"`, the spelling used in JSON and in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Cpf => "cpf",
            Self::Cnpj => "cnpj",
        }
    }
}

impl fmt::Display for DocumentKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A CPF or a CNPJ, told apart by length once punctuation is removed
/// (11 → CPF, 14 → CNPJ).
///
/// `Debug` prints the masked form; there is no `Display`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Document {
    Cpf(Cpf),
    Cnpj(Cnpj),
}

impl Document {
    /// Parses a CPF (11 digits) or a CNPJ (14 characters), punctuation
    /// optional.
    pub fn parse(input: &str) -> Result<Self, DocumentError> {
        let c = normalize::canonical(input)?;
        match c.chars.len() {
            11 => Cpf::parse(input).map(Self::Cpf),
            14 => Cnpj::parse(input).map(Self::Cnpj),
            found => Err(DocumentError::WrongLength {
                found,
                expected: "11 (CPF) or 14 (CNPJ)",
            }),
        }
    }

    /// CPF or CNPJ.
    pub fn kind(&self) -> DocumentKind {
        match self {
            Self::Cpf(_) => DocumentKind::Cpf,
            Self::Cnpj(_) => DocumentKind::Cnpj,
        }
    }

    /// The 11 or 14 canonical characters, no punctuation.
    pub fn digits(&self) -> &str {
        match self {
            Self::Cpf(d) => d.digits(),
            Self::Cnpj(d) => d.digits(),
        }
    }

    /// `529.982.247-25` or `12.ABC.345/01DE-35`.
    pub fn formatted(&self) -> String {
        match self {
            Self::Cpf(d) => d.formatted(),
            Self::Cnpj(d) => d.formatted(),
        }
    }

    /// `***.982.247-**` or `**.ABC.345/01DE-**`.
    pub fn masked(&self) -> String {
        match self {
            Self::Cpf(d) => d.masked(),
            Self::Cnpj(d) => d.masked(),
        }
    }
}

impl From<Cpf> for Document {
    fn from(d: Cpf) -> Self {
        Self::Cpf(d)
    }
}

impl From<Cnpj> for Document {
    fn from(d: Cnpj) -> Self {
        Self::Cnpj(d)
    }
}

impl fmt::Debug for Document {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Cpf(d) => fmt::Debug::fmt(d, f),
            Self::Cnpj(d) => fmt::Debug::fmt(d, f),
        }
    }
}

impl FromStr for Document {
    type Err = DocumentError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl serde::Serialize for Document {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.digits())
    }
}

impl<'de> serde::Deserialize<'de> for Document {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Self::parse(&s).map_err(serde::de::Error::custom)
    }
}
