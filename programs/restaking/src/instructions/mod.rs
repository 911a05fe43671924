//! Instruction handlers, one per file, grouped by who calls them.
//!
//! Every writable `Account`/`InterfaceAccount` field is marked `dup`. Anchor 1.2's own
//! duplicate-mutable-account check puts each writable key into a `std` `HashSet` (SipHash and
//! a heap table): ~840 CU per account on SBF, a fifth of a deposit. Distinctness is proven
//! here instead, for free or by one key comparison:
//! - accounts of different types cannot alias: each of ours is owned by this program and
//!   starts with its own discriminator, and token accounts are owned by a token program;
//! - two token accounts in one instruction (a vault and a user's account, a reward vault and a
//!   funder's, treasury's or operator's account, the pool vault and a slash destination) are
//!   told apart by an explicit `key() !=` constraint naming a `RestakingError`;
//! - no instruction takes two writable accounts of one program-owned type.
//!
//! `attack_duplicate_mutable_accounts` passes every such pair and expects the named error.
// Every file exports a `handler`; the program module calls them by path, and Anchor needs the
// accounts structs (and their generated client modules) re-exported at the crate root.
#![allow(ambiguous_glob_reexports)]
pub mod admin;
pub mod crank;
pub mod lien;
pub mod operator;
pub mod service;
pub mod staker;

pub use admin::*;
pub use crank::*;
pub use lien::*;
pub use operator::*;
pub use service::*;
pub use staker::*;
