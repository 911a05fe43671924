//! Services (AVSs), operators' opt-ins to them, and slashing with a guardian veto window.
// Every file exports a `handler`; the program module calls them by path, and Anchor needs the
// accounts structs (and their generated client modules) re-exported at the crate root.
#![allow(ambiguous_glob_reexports)]
pub mod execute_slash;
pub mod link_service;
pub mod register_service;
pub mod request_slash;
pub mod unlink_service;
pub mod veto_slash;

pub use execute_slash::*;
pub use link_service::*;
pub use register_service::*;
pub use request_slash::*;
pub use unlink_service::*;
pub use veto_slash::*;
