//! Reading a Pix BR Code: TLV structure, CRC, then the Pix fields.

use super::crc::{crc_hex, crc16};
use super::error::PixParseError;
use super::tlv::{self, Field};
use crate::centavos::Centavos;

/// The GUI that marks the Pix merchant-account template (compared
/// case-insensitively: BCB examples use lowercase, some issuers uppercase).
pub const PIX_GUI: &str = "br.gov.bcb.pix";

/// Point of initiation method (field 01).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Initiation {
    /// `11`: the code may be paid many times.
    Reusable,
    /// `12`: the code may be paid only once.
    SingleUse,
}

/// A Pix BR Code that passed every check: TLV structure, field 00 first, the
/// CRC last and matching, and the Pix fields present and within their limits.
/// Fields are kept as the payload has them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PixCode {
    payload: String,
    crc: u16,
    initiation: Option<Initiation>,
    key: Option<String>,
    url: Option<String>,
    description: Option<String>,
    mcc: String,
    amount: Option<Centavos>,
    merchant_name: String,
    merchant_city: String,
    postal_code: Option<String>,
    txid: String,
}

impl PixCode {
    /// The payload as given.
    pub fn payload(&self) -> &str {
        &self.payload
    }
    /// The CRC (field 63).
    pub fn crc(&self) -> u16 {
        self.crc
    }
    /// The CRC as 4 uppercase hex digits.
    pub fn crc_hex(&self) -> String {
        String::from_utf8_lossy(&crc_hex(self.crc)).into_owned()
    }
    /// Field 01, when present.
    pub fn initiation(&self) -> Option<Initiation> {
        self.initiation
    }
    /// The Pix key (26-01) of a static code.
    pub fn key(&self) -> Option<&str> {
        self.key.as_deref()
    }
    /// The location (26-25, no scheme) of a dynamic code.
    pub fn url(&self) -> Option<&str> {
        self.url.as_deref()
    }
    /// True for a dynamic code (one with a location URL).
    pub fn is_dynamic(&self) -> bool {
        self.url.is_some()
    }
    /// infoAdicional (26-02).
    pub fn description(&self) -> Option<&str> {
        self.description.as_deref()
    }
    /// Merchant category code (52).
    pub fn mcc(&self) -> &str {
        &self.mcc
    }
    /// Field 54; `None` = the payer types the amount.
    pub fn amount(&self) -> Option<Centavos> {
        self.amount
    }
    pub fn merchant_name(&self) -> &str {
        &self.merchant_name
    }
    pub fn merchant_city(&self) -> &str {
        &self.merchant_city
    }
    /// Field 61.
    pub fn postal_code(&self) -> Option<&str> {
        self.postal_code.as_deref()
    }
    /// The reference label (62-05): `***` or the txid.
    pub fn txid(&self) -> &str {
        &self.txid
    }
}

fn invalid(
    field: &Field<'_>,
    id: &'static str,
    name: &'static str,
    reason: &'static str,
) -> PixParseError {
    PixParseError::Invalid {
        id,
        name,
        offset: field.value_offset,
        reason,
    }
}

fn find<'a, 'f>(fields: &'f [Field<'a>], id: u8) -> Option<&'f Field<'a>> {
    fields.iter().find(|f| f.id == id)
}

fn required<'a, 'f>(
    fields: &'f [Field<'a>],
    id: u8,
    code: &'static str,
    name: &'static str,
    end: usize,
) -> Result<&'f Field<'a>, PixParseError> {
    find(fields, id).ok_or(PixParseError::Missing {
        id: code,
        name,
        offset: end,
    })
}

fn chars_within(value: &str, min: usize, max: usize) -> bool {
    let n = value.chars().count();
    (min..=max).contains(&n)
}

/// IDs whose value is itself a TLV chain (EMV MPM): merchant account
/// information 26–51, additional data 62, language template 64, unreserved
/// templates 80–99. Their content is checked too.
fn is_template(id: u8) -> bool {
    matches!(id, 26..=51 | 62 | 64 | 80..=99)
}

/// Parses and verifies a Pix BR Code.
pub fn parse(payload: &str) -> Result<PixCode, PixParseError> {
    if payload.is_empty() {
        return Err(PixParseError::Empty { offset: 0 });
    }
    let fields = tlv::split(payload, 0)?;
    let first = &fields[0];
    if first.id != 0 || first.value != "01" {
        return Err(PixParseError::FormatIndicator { offset: 0 });
    }
    let last = fields.last().unwrap_or(first);
    if last.id != 63 || last.value.len() != 4 {
        return Err(PixParseError::CrcField {
            offset: last.offset,
        });
    }
    if !last.value.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(PixParseError::CrcNotHex {
            offset: last.value_offset,
        });
    }
    // The CRC covers every byte up to and including "6304"; the value is the
    // last 4 bytes (ASCII hex), so this slice is on a char boundary.
    let covered = &payload.as_bytes()[..payload.len() - 4];
    let expected = crc16(covered);
    let found = u16::from_str_radix(last.value, 16).map_err(|_| PixParseError::CrcNotHex {
        offset: last.value_offset,
    })?;
    if found != expected {
        return Err(PixParseError::CrcMismatch {
            offset: last.value_offset,
            found: last.value.to_owned(),
            expected: String::from_utf8_lossy(&crc_hex(expected)).into_owned(),
        });
    }
    let mut sub: Vec<(u8, Vec<Field<'_>>)> = Vec::new();
    for f in &fields {
        if is_template(f.id) {
            sub.push((f.id, tlv::split(f.value, f.value_offset)?));
        }
    }
    let end = last.offset;

    let initiation = match find(&fields, 1) {
        None => None,
        Some(f) => Some(match f.value {
            "11" => Initiation::Reusable,
            "12" => Initiation::SingleUse,
            _ => {
                return Err(invalid(
                    f,
                    "01",
                    "point of initiation method",
                    "must be 11 or 12",
                ));
            }
        }),
    };

    let account = sub
        .iter()
        .filter(|(id, _)| (26..=51).contains(id))
        .find(|(_, chain)| {
            find(chain, 0).is_some_and(|gui| gui.value.eq_ignore_ascii_case(PIX_GUI))
        })
        .map(|(_, chain)| chain)
        .ok_or(PixParseError::Missing {
            id: "26",
            name: "merchant account information with GUI br.gov.bcb.pix",
            offset: end,
        })?;
    let key = find(account, 1);
    let url = find(account, 25);
    let key = match (key, url) {
        (Some(k), Some(_)) => {
            return Err(invalid(
                k,
                "26-01",
                "Pix key",
                "a code has a key or a location URL, not both",
            ));
        }
        (None, None) => {
            return Err(PixParseError::Missing {
                id: "26-01",
                name: "Pix key or location URL",
                offset: end,
            });
        }
        (Some(k), None) => {
            if !chars_within(k.value, 1, 77) {
                return Err(invalid(
                    k,
                    "26-01",
                    "Pix key",
                    "must have 1 to 77 characters",
                ));
            }
            Some(k.value.to_owned())
        }
        (None, Some(u)) => {
            if !chars_within(u.value, 1, 77) {
                return Err(invalid(
                    u,
                    "26-25",
                    "location URL",
                    "must have 1 to 77 characters",
                ));
            }
            None
        }
    };
    let url = url.map(|u| u.value.to_owned());
    let description = find(account, 2).map(|d| d.value.to_owned());

    let mcc = required(&fields, 52, "52", "merchant category code", end)?;
    if mcc.value.len() != 4 || !mcc.value.bytes().all(|b| b.is_ascii_digit()) {
        return Err(invalid(
            mcc,
            "52",
            "merchant category code",
            "must be 4 digits",
        ));
    }
    let currency = required(&fields, 53, "53", "transaction currency", end)?;
    if currency.value != "986" {
        return Err(invalid(
            currency,
            "53",
            "transaction currency",
            "must be 986 (BRL)",
        ));
    }
    let amount = match find(&fields, 54) {
        None => None,
        Some(a) => {
            let parsed = (a.value.len() <= 13)
                .then(|| Centavos::parse_decimal(a.value))
                .flatten()
                .ok_or_else(|| {
                    invalid(
                        a,
                        "54",
                        "transaction amount",
                        "must be digits with '.' and up to 2 decimals, at most 13 characters",
                    )
                })?;
            Some(parsed)
        }
    };
    let country = required(&fields, 58, "58", "country code", end)?;
    if country.value != "BR" {
        return Err(invalid(country, "58", "country code", "must be BR"));
    }
    let name = required(&fields, 59, "59", "merchant name", end)?;
    if !chars_within(name.value, 1, 25) {
        return Err(invalid(
            name,
            "59",
            "merchant name",
            "must have 1 to 25 characters",
        ));
    }
    let city = required(&fields, 60, "60", "merchant city", end)?;
    if !chars_within(city.value, 1, 15) {
        return Err(invalid(
            city,
            "60",
            "merchant city",
            "must have 1 to 15 characters",
        ));
    }
    let postal_code = find(&fields, 61).map(|p| p.value.to_owned());
    let additional = sub
        .iter()
        .find(|(id, _)| *id == 62)
        .map(|(_, chain)| chain)
        .ok_or(PixParseError::Missing {
            id: "62",
            name: "additional data field template",
            offset: end,
        })?;
    let txid = find(additional, 5).ok_or(PixParseError::Missing {
        id: "62-05",
        name: "reference label (txid)",
        offset: required(&fields, 62, "62", "additional data field template", end)?.value_offset,
    })?;
    if !chars_within(txid.value, 1, 25) {
        return Err(invalid(
            txid,
            "62-05",
            "reference label (txid)",
            "must have 1 to 25 characters",
        ));
    }

    Ok(PixCode {
        payload: payload.to_owned(),
        crc: found,
        initiation,
        key,
        url,
        description,
        mcc: mcc.value.to_owned(),
        amount,
        merchant_name: name.value.to_owned(),
        merchant_city: city.value.to_owned(),
        postal_code,
        txid: txid.value.to_owned(),
    })
}
