//! Permissionless instructions.
// Every file exports a `handler`; the program module calls them by path, and Anchor needs the
// accounts structs (and their generated client modules) re-exported at the crate root.
#![allow(ambiguous_glob_reexports)]
pub mod claim_protocol_fees;
pub mod fund_rewards;
pub mod harvest;
pub mod settle_undelegation;

pub use claim_protocol_fees::*;
pub use fund_rewards::*;
pub use harvest::*;
pub use settle_undelegation::*;
