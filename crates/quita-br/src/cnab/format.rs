//! The two CNAB record widths.

/// CNAB 240 (FEBRABAN, 240-character records) or CNAB 400 (bank-specific,
/// 400-character records).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CnabFormat {
    Cnab240,
    Cnab400,
}

impl CnabFormat {
    /// Characters per record.
    pub fn width(self) -> usize {
        match self {
            CnabFormat::Cnab240 => 240,
            CnabFormat::Cnab400 => 400,
        }
    }
    /// `"cnab240"` / `"cnab400"`.
    pub fn as_str(self) -> &'static str {
        match self {
            CnabFormat::Cnab240 => "cnab240",
            CnabFormat::Cnab400 => "cnab400",
        }
    }
}
