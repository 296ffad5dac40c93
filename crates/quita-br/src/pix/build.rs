//! Building Pix BR Code payloads, static and dynamic, with the fields in the
//! order of the BCB manual (00, 01, 26, 52, 53, 54, 58, 59, 60, 61, 62, 63).

use super::crc::{crc_hex, crc16};
use super::error::PixBuildError;
use super::text::to_ascii;
use crate::centavos::Centavos;

/// Merchant name (59): at most 25 characters.
pub const NAME_MAX: usize = 25;
/// Merchant city (60): at most 15 characters.
pub const CITY_MAX: usize = 15;

fn printable_ascii(s: &str) -> bool {
    s.bytes().all(|b| b.is_ascii_graphic() || b == b' ')
}

/// A Pix key (26-01): 1 to 77 printable ASCII characters. The key types (CPF,
/// CNPJ, e-mail, `+55…` phone, random UUID) are the PSP's to resolve; the
/// payload only carries the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PixKey(String);

impl PixKey {
    pub fn new(key: &str) -> Result<Self, PixBuildError> {
        let key = key.trim();
        if key.is_empty() || key.len() > 77 || !printable_ascii(key) {
            return Err(PixBuildError::Key);
        }
        Ok(Self(key.to_owned()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Merchant name (59): accents removed, other non-ASCII dropped, cut to 25
/// characters; never empty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MerchantName(String);

impl MerchantName {
    pub fn new(name: &str) -> Result<Self, PixBuildError> {
        let ascii = to_ascii(name.trim(), NAME_MAX);
        if ascii.trim().is_empty() {
            return Err(PixBuildError::EmptyName);
        }
        Ok(Self(ascii))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Merchant city (60): accents removed, other non-ASCII dropped, cut to 15
/// characters; never empty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MerchantCity(String);

impl MerchantCity {
    pub fn new(city: &str) -> Result<Self, PixBuildError> {
        let ascii = to_ascii(city.trim(), CITY_MAX);
        if ascii.trim().is_empty() {
            return Err(PixBuildError::EmptyCity);
        }
        Ok(Self(ascii))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Reference label (62-05) of a static code: `***` (no identifier) or 1 to
/// 25 characters of `[A-Za-z0-9]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Txid(String);

impl Txid {
    /// `***`: no identifier (and the only value a dynamic code carries).
    pub fn none() -> Self {
        Self("***".to_owned())
    }
    pub fn new(txid: &str) -> Result<Self, PixBuildError> {
        if txid == "***" {
            return Ok(Self::none());
        }
        if txid.is_empty() || txid.len() > 25 || !txid.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(PixBuildError::Txid);
        }
        Ok(Self(txid.to_owned()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Location of a dynamic code (26-25), without scheme: a leading `https://`
/// (or `http://`) is removed. 1 to 77 printable ASCII characters, no spaces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PixUrl(String);

impl PixUrl {
    pub fn new(url: &str) -> Result<Self, PixBuildError> {
        let url = url.trim();
        let lower = url
            .get(..8)
            .map(str::to_ascii_lowercase)
            .unwrap_or_default();
        let url = if lower.starts_with("https://") {
            &url[8..]
        } else if lower.starts_with("http://") {
            &url[7..]
        } else {
            url
        };
        if url.is_empty() || url.len() > 77 || !url.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(PixBuildError::Url);
        }
        Ok(Self(url.to_owned()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// What identifies the receiver: a key (static code) or a location (dynamic).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Receiver {
    /// Static: the key and an optional description (26-02), ASCII only.
    Key {
        key: PixKey,
        description: Option<String>,
    },
    /// Dynamic: the PSP's location; the txid is always `***`.
    Location(PixUrl),
}

/// Everything a payload is built from. Build with [`PixPayload::new_static`]
/// or [`PixPayload::new_dynamic`], then the `with_*` methods.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PixPayload {
    receiver: Receiver,
    name: MerchantName,
    city: MerchantCity,
    amount: Option<Centavos>,
    txid: Txid,
    single_use: bool,
    postal_code: Option<String>,
}

impl PixPayload {
    /// A static code paying `key`.
    pub fn new_static(key: PixKey, name: MerchantName, city: MerchantCity) -> Self {
        Self::with_receiver(
            Receiver::Key {
                key,
                description: None,
            },
            name,
            city,
        )
    }

    /// A dynamic code whose charge lives at `url`.
    pub fn new_dynamic(url: PixUrl, name: MerchantName, city: MerchantCity) -> Self {
        Self::with_receiver(Receiver::Location(url), name, city)
    }

    fn with_receiver(receiver: Receiver, name: MerchantName, city: MerchantCity) -> Self {
        Self {
            receiver,
            name,
            city,
            amount: None,
            txid: Txid::none(),
            single_use: false,
            postal_code: None,
        }
    }

    /// Fixes the amount (field 54). Zero is refused: leave the amount out to
    /// let the payer type it. At most `9999999999.99` (13 characters).
    pub fn with_amount(mut self, amount: Centavos) -> Result<Self, PixBuildError> {
        if amount.get() == 0 || amount.get() > 999_999_999_999 {
            return Err(PixBuildError::Amount);
        }
        self.amount = Some(amount);
        Ok(self)
    }

    /// Sets the txid of a static code (a dynamic code keeps `***`).
    pub fn with_txid(mut self, txid: Txid) -> Self {
        if matches!(self.receiver, Receiver::Key { .. }) {
            self.txid = txid;
        }
        self
    }

    /// Sets the description (26-02) of a static code, reduced to ASCII; a
    /// dynamic code has none (its description lives at the location).
    pub fn with_description(mut self, text: &str) -> Self {
        if let Receiver::Key { description, .. } = &mut self.receiver {
            let ascii = to_ascii(text.trim(), 99);
            *description = (!ascii.is_empty()).then_some(ascii);
        }
        self
    }

    /// Marks the code as payable only once (field 01 = `12`).
    pub fn single_use(mut self, yes: bool) -> Self {
        self.single_use = yes;
        self
    }

    /// Sets the postal code (field 61, CEP): 8 digits, punctuation ignored.
    pub fn with_postal_code(mut self, cep: &str) -> Result<Self, PixBuildError> {
        let digits: String = cep
            .chars()
            .filter(|c| !matches!(c, '.' | '-' | ' '))
            .collect();
        if digits.len() != 8 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(PixBuildError::PostalCode);
        }
        self.postal_code = Some(digits);
        Ok(self)
    }

    /// The payload ("copia e cola"), CRC included.
    pub fn payload(&self) -> Result<String, PixBuildError> {
        let mut account_len = 4 + 14; // 00 14 br.gov.bcb.pix
        match &self.receiver {
            Receiver::Key { key, description } => {
                account_len += 4 + key.0.len();
                if let Some(d) = description {
                    account_len += 4 + d.len();
                }
            }
            Receiver::Location(url) => account_len += 4 + url.0.len(),
        }
        if account_len > 99 {
            return Err(PixBuildError::AccountTemplateTooLong(account_len));
        }
        let mut out = String::with_capacity(96 + account_len + 48);
        push(&mut out, "00", "01");
        if self.single_use {
            push(&mut out, "01", "12");
        }
        push_len(&mut out, "26", account_len);
        push(&mut out, "00", "br.gov.bcb.pix");
        match &self.receiver {
            Receiver::Key { key, description } => {
                push(&mut out, "01", &key.0);
                if let Some(d) = description {
                    push(&mut out, "02", d);
                }
            }
            Receiver::Location(url) => push(&mut out, "25", &url.0),
        }
        out.push_str("52040000");
        out.push_str("5303986");
        if let Some(amount) = self.amount {
            push_amount(&mut out, amount);
        }
        out.push_str("5802BR");
        push(&mut out, "59", &self.name.0);
        push(&mut out, "60", &self.city.0);
        if let Some(cep) = &self.postal_code {
            push(&mut out, "61", cep);
        }
        push_len(&mut out, "62", 4 + self.txid.0.len());
        push(&mut out, "05", &self.txid.0);
        out.push_str("6304");
        let crc = crc_hex(crc16(out.as_bytes()));
        for b in crc {
            out.push(char::from(b));
        }
        Ok(out)
    }
}

/// Appends ID, 2-digit length and value. Values here are ASCII (the newtypes
/// guarantee it), so byte length = character length.
fn push(out: &mut String, id: &str, value: &str) {
    push_len(out, id, value.len());
    out.push_str(value);
}

/// Appends field 54 (`123.45`) without going through the formatter.
fn push_amount(out: &mut String, amount: Centavos) {
    let mut digits = [0u8; 20];
    let mut n = amount.get().unsigned_abs();
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 && digits.len() - i >= 3 {
            break;
        }
    }
    let int = &digits[i..digits.len() - 2];
    let len = int.len() + 3;
    push_len(out, "54", len);
    for &d in int {
        out.push(char::from(d));
    }
    out.push('.');
    out.push(char::from(digits[digits.len() - 2]));
    out.push(char::from(digits[digits.len() - 1]));
}

fn push_len(out: &mut String, id: &str, len: usize) {
    debug_assert!(len <= 99);
    out.push_str(id);
    out.push(char::from(b'0' + (len / 10) as u8));
    out.push(char::from(b'0' + (len % 10) as u8));
}
