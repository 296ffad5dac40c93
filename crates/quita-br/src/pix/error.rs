//! Why a Pix payload was refused (with the character offset of the fault) or
//! could not be built.

/// A payload that is not a valid Pix BR Code. Every variant carries `offset`,
/// the 0-based character offset in the payload where the fault was found.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PixParseError {
    #[error("the payload is empty")]
    Empty { offset: usize },
    #[error("field ID at character {offset} is not two digits")]
    BadId { offset: usize },
    #[error("field {id} at character {offset}: the length is not two decimal digits")]
    BadLength { id: String, offset: usize },
    #[error(
        "field {id} at character {offset} declares {declared} characters but only {available} remain"
    )]
    Truncated {
        id: String,
        offset: usize,
        declared: usize,
        available: usize,
    },
    #[error("field {id} at character {offset} appears more than once")]
    Duplicate { id: String, offset: usize },
    #[error("the payload must start with field 00 (payload format indicator) = \"01\"")]
    FormatIndicator { offset: usize },
    #[error("the payload must end with the CRC field 63 of length 04")]
    CrcField { offset: usize },
    #[error("the CRC at character {offset} is not 4 hexadecimal digits")]
    CrcNotHex { offset: usize },
    #[error(
        "CRC mismatch at character {offset}: the payload says {found}, its content gives {expected}"
    )]
    CrcMismatch {
        offset: usize,
        found: String,
        expected: String,
    },
    #[error("required field {id} ({name}) is missing")]
    Missing {
        id: &'static str,
        name: &'static str,
        offset: usize,
    },
    #[error("field {id} ({name}) at character {offset}: {reason}")]
    Invalid {
        id: &'static str,
        name: &'static str,
        offset: usize,
        reason: &'static str,
    },
}

impl PixParseError {
    /// The 0-based character offset of the fault.
    pub fn offset(&self) -> usize {
        match self {
            Self::Empty { offset }
            | Self::BadId { offset }
            | Self::BadLength { offset, .. }
            | Self::Truncated { offset, .. }
            | Self::Duplicate { offset, .. }
            | Self::FormatIndicator { offset }
            | Self::CrcField { offset }
            | Self::CrcNotHex { offset }
            | Self::CrcMismatch { offset, .. }
            | Self::Missing { offset, .. }
            | Self::Invalid { offset, .. } => *offset,
        }
    }
}

/// A value that cannot go into a Pix payload.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PixBuildError {
    #[error("the Pix key must have 1 to 77 printable ASCII characters")]
    Key,
    #[error("the merchant name is empty once reduced to ASCII")]
    EmptyName,
    #[error("the merchant city is empty once reduced to ASCII")]
    EmptyCity,
    #[error("the txid must be \"***\" or 1 to 25 characters of [A-Za-z0-9]")]
    Txid,
    #[error("the location URL must have 1 to 77 printable ASCII characters, without spaces")]
    Url,
    #[error("the postal code (CEP) must be 8 digits")]
    PostalCode,
    #[error("the amount must be greater than zero and at most 13 characters (9999999999.99)")]
    Amount,
    #[error("the key and the description do not fit in the 99 characters of field 26 ({0} needed)")]
    AccountTemplateTooLong(usize),
}
