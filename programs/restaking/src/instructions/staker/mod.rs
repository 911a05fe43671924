//! Instructions signed by a position's owner.
// Every file exports a `handler`; the program module calls them by path, and Anchor needs the
// accounts structs (and their generated client modules) re-exported at the crate root.
#![allow(ambiguous_glob_reexports)]
pub mod cancel_withdrawal;
pub mod claim;
pub mod close_delegation;
pub mod close_position;
pub mod complete_withdrawal;
pub mod delegate;
pub mod deposit;
pub mod get_position_value;
pub mod open_position;
pub mod request_withdrawal;
pub mod undelegate;

pub use cancel_withdrawal::*;
pub use claim::*;
pub use close_delegation::*;
pub use close_position::*;
pub use complete_withdrawal::*;
pub use delegate::*;
pub use deposit::*;
pub use get_position_value::*;
pub use open_position::*;
pub use request_withdrawal::*;
pub use undelegate::*;
