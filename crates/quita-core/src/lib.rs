//! The collection domain: plain data and the rules over it.
//!
//! No I/O, no async, no database or web types. Values are built by `parse` /
//! `TryFrom` at the edges so an invalid one cannot exist inside the system.
#![forbid(unsafe_code)]

pub mod aging;
pub mod calendar;
pub mod charge_policy;
pub mod contact;
pub mod contract;
pub mod debt_update;
pub mod debtor;
pub mod email;
pub mod import_row;
pub mod index_table;
pub mod money;
pub mod org;
pub mod password;
pub mod rate;
pub mod receivable;
pub mod role;
pub mod rounding;
pub mod text;
