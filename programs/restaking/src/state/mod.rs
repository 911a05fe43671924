//! Account types, one per file, each with its seed and its pure state transitions.
pub mod config;
pub mod pool;
pub mod position;
pub mod withdrawal_ticket;

pub use config::*;
pub use pool::*;
pub use position::*;
pub use withdrawal_ticket::*;
