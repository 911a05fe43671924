//! The lender's accounts, one file each.
pub mod loan;
pub mod market;

pub use loan::*;
pub use market::*;
