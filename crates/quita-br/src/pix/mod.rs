//! Pix BR Code ("copia e cola"): the EMV QRCPS-MPM payload of the BCB's
//! *Manual de Padrões para Iniciação do Pix* (v2.8.0) — build static and
//! dynamic payloads, parse and verify any payload, render its QR code.
//!
//! ```
//! use quita_br::centavos::Centavos;
//! use quita_br::pix::{self, MerchantCity, MerchantName, PixKey, PixPayload};
//!
//! let payload = PixPayload::new_static(
//!     PixKey::new("123e4567-e12b-12d1-a456-426655440000").unwrap(),
//!     MerchantName::new("Fulano de Tal").unwrap(),
//!     MerchantCity::new("BRASÍLIA").unwrap(),
//! )
//! .payload()
//! .unwrap();
//! assert!(payload.ends_with("63041D3D"));
//! let code = pix::parse(&payload).unwrap();
//! assert_eq!(code.merchant_city(), "BRASILIA");
//! assert_eq!(code.amount(), None::<Centavos>);
//! ```

mod build;
mod code;
mod crc;
mod error;
mod png;
mod qr;
pub(crate) mod text;
mod tlv;

pub use build::{
    CITY_MAX, MerchantCity, MerchantName, NAME_MAX, PixKey, PixPayload, PixUrl, Receiver, Txid,
};
pub use code::{Initiation, PIX_GUI, PixCode, parse};
pub use crc::crc16;
pub use error::{PixBuildError, PixParseError};
pub use qr::{QrError, QrMatrix, png as qr_png, svg as qr_svg};

#[cfg(test)]
mod tests;
