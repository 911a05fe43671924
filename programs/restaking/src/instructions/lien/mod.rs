//! The lien (SPEC §6): a position as collateral without custody. Set by the owner and the
//! holder together, released by the holder. While it is set, `delegate`, `undelegate`,
//! `request_withdrawal`, `cancel_withdrawal` and `close_position` need the holder's
//! co-signature, and the holder alone may enforce it through `undelegate` and
//! `request_withdrawal` (see [`crate::state::Position::actor`]).
// Every file exports a `handler`; the program module calls them by path, and Anchor needs the
// accounts structs (and their generated client modules) re-exported at the crate root.
#![allow(ambiguous_glob_reexports)]
pub mod release_lien;
pub mod set_lien;

pub use release_lien::*;
pub use set_lien::*;
