//! Brazilian payment and identity standards: CPF/CNPJ, the bank business-day
//! calendar, boleto (cobrança and arrecadação), Pix BR Code and CNAB 240/400.
//!
//! Pure functions over bytes and strings: no I/O, no async, and no panics on
//! any input. Every parser returns a typed error saying what is wrong and where.
#![forbid(unsafe_code)]

pub mod boleto;
pub mod calendar;
pub mod centavos;
mod check_digit;
pub mod cnab;
pub mod document;
pub mod pix;
