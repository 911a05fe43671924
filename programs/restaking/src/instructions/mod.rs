//! Instruction handlers, one per file, grouped by who calls them.
// Every file exports a `handler`; the program module calls them by path, and Anchor needs the
// accounts structs (and their generated client modules) re-exported at the crate root.
#![allow(ambiguous_glob_reexports)]
pub mod admin;
pub mod crank;
pub mod operator;
pub mod service;
pub mod staker;

pub use admin::*;
pub use crank::*;
pub use operator::*;
pub use service::*;
pub use staker::*;
