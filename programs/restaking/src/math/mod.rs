//! Pure arithmetic: checked operations, rate conversions and base-yield stripping.
//! Nothing here touches accounts, so all of it is unit- and property-tested without a VM.
pub mod cohort;
pub mod rate;
pub mod safe_math;
pub mod shares;
pub mod stream;

pub use cohort::*;
pub use rate::*;
pub use safe_math::{to_u64, SafeMath};
pub use shares::*;
pub use stream::*;
