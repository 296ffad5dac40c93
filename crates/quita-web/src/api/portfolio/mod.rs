//! The portfolio API: creditors, import, aging, debtors (search and 360°)
//! and the debt update of a receivable.

mod aging;
mod creditors;
mod debtor_360;
mod debtor_aging;
mod debtors;
mod import;
mod receivables;

pub use aging::*;
pub use creditors::*;
pub use debtor_360::*;
pub use debtor_aging::*;
pub use debtors::*;
pub use import::*;
pub use receivables::*;
