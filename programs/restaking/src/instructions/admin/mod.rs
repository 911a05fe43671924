//! Instructions signed by the admin (or, for pauses, the guardian; for rates, the updater).
// Every file exports a `handler`; the program module calls them by path, and Anchor needs the
// accounts structs (and their generated client modules) re-exported at the crate root.
#![allow(ambiguous_glob_reexports)]
pub mod accept_admin;
pub mod add_pool;
pub mod apply_config_update;
pub mod apply_pool_update;
pub mod initialize_config;
pub mod push_rate;
pub mod set_pause;
pub mod transfer_admin;
pub mod update_config;
pub mod update_pool;

pub use accept_admin::*;
pub use add_pool::*;
pub use apply_config_update::*;
pub use apply_pool_update::*;
pub use initialize_config::*;
pub use push_rate::*;
pub use set_pause::*;
pub use transfer_admin::*;
pub use update_config::*;
pub use update_pool::*;
