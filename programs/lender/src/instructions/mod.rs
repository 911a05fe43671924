//! Instruction handlers, one per file: `<Ix>` accounts, `validate()` where declarative
//! constraints do not say it all, `handler()`.
//!
//! Accounts only passed through to the restaking program (its tickets, buckets, queues, rate
//! source, vault) are checked there, by the program that owns them; the lender checks what its
//! own logic depends on: its market, loan, authority and vaults, and that the position is the
//! loan's.
#![allow(ambiguous_glob_reexports)]
pub mod borrow;
pub mod close_loan;
pub mod collect;
pub mod fund_liquidity;
pub mod init_market;
pub mod liquidate;
pub mod open_loan;
pub mod repay;
pub mod value_position;

pub use borrow::*;
pub use close_loan::*;
pub use collect::*;
pub use fund_liquidity::*;
pub use init_market::*;
pub use liquidate::*;
pub use open_loan::*;
pub use repay::*;
pub use value_position::*;
