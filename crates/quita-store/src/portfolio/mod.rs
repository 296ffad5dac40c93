//! The portfolio: creditors, debtors and their contacts, contracts and
//! receivables, the batch writer the importer uses, and the LGPD access log
//! of the debtor 360° view.

pub mod access;
pub mod aging;
pub mod bucket_lines;
mod bulk_mode;
pub mod contacts;
pub mod contracts;
mod copy;
pub mod creditors;
pub mod debtor_aging;
pub mod debtors;
mod entry_search;
pub mod import;
mod keyset;
pub use keyset::Keyset;
mod new_rows;
pub use new_rows::PreparedWrite;
pub mod receivables;
