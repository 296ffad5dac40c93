//! CNAB return files ("arquivo retorno de cobrança") and CNAB 240
//! remittances ("remessa").
//!
//! [`parse_return`] reads a whole return file — CNAB 240 (FEBRABAN layout,
//! with Santander's own segment T) or CNAB 400 (Itaú, Bradesco, Banco do
//! Brasil, Santander, Caixa) — and either returns every occurrence or refuses
//! the file as a whole, with the line and column of the first fault. Input is
//! bytes: UTF-8 or Latin-1, CR LF or LF, lines possibly right-trimmed.

mod bank;
mod cnab240;
mod cnab400;
mod error;
mod format;
mod lines;
mod occurrence;
mod record;
mod remessa;

pub use bank::Bank;
pub use error::CnabError;
pub use format::CnabFormat;
pub use occurrence::{Occurrence, OccurrenceKind};
pub use record::{ReturnFile, ReturnRecord};
pub use remessa::{Company, Payer, Remittance, RemittanceBoleto, RemittanceError, remittance_240};

/// Which format a file is, from its header: a CNAB 240 header has lote
/// `0000` and record type `0` in columns 4–8; a CNAB 400 header starts with
/// `0`. A first line longer than 240 characters is CNAB 400.
pub fn detect(input: &[u8]) -> Result<CnabFormat, CnabError> {
    let first = input.split(|&b| b == b'\n').next().unwrap_or_default();
    let first = first.strip_suffix(b"\r").unwrap_or(first);
    let trimmed = first.trim_ascii_end();
    if trimmed.is_empty() {
        return Err(CnabError::new(
            1,
            1,
            "the file is empty or starts with a blank line",
        ));
    }
    let chars = std::str::from_utf8(trimmed).map_or(trimmed.len(), |t| t.chars().count());
    if chars > 240 {
        return Ok(CnabFormat::Cnab400);
    }
    if first.get(3..8) == Some(b"00000") {
        return Ok(CnabFormat::Cnab240);
    }
    if first[0] == b'0' {
        return Ok(CnabFormat::Cnab400);
    }
    Err(CnabError::new(
        1,
        1,
        "not a CNAB file header (neither CNAB 240 nor CNAB 400)",
    ))
}

/// Parses and checks a whole return file.
pub fn parse_return(input: &[u8]) -> Result<ReturnFile, CnabError> {
    let format = detect(input)?;
    let lines = lines::split(input, format.width())?;
    match format {
        CnabFormat::Cnab240 => cnab240::parse(&lines),
        CnabFormat::Cnab400 => cnab400::parse(&lines),
    }
}

#[cfg(test)]
mod cnab400_tests;
#[cfg(test)]
mod remessa_tests;
#[cfg(test)]
mod tests;
