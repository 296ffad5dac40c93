//! The portfolio: creditors, debtors and their contacts, contracts and
//! receivables, and the batch writer the importer uses.

pub mod aging;
pub mod contacts;
mod copy;
pub mod creditors;
pub mod debtors;
pub mod import;
pub mod receivables;
