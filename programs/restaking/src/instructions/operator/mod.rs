//! Instructions signed by an operator's authority.
// Every file exports a `handler`; the program module calls them by path, and Anchor needs the
// accounts structs (and their generated client modules) re-exported at the crate root.
#![allow(ambiguous_glob_reexports)]
pub mod add_reward_mint;
pub mod claim_commission;
pub mod open_operator_pool;
pub mod register_operator;
pub mod update_operator;

pub use add_reward_mint::*;
pub use claim_commission::*;
pub use open_operator_pool::*;
pub use register_operator::*;
pub use update_operator::*;
