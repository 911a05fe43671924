//! Cohort keys of the undelegation queue and the bps cut of a slash.
//!
//! An `Undelegate` ticket unlocking at `u` belongs to cohort `k = ceil(u / COHORT_SECS)`: the
//! cohort holds the tickets unlocking in `((k − 1)·W, k·W]` (`W = COHORT_SECS`) and starts at
//! `(k − 1)·W`. A request made at `R` cuts cohort `k` only when the cohort starts at or after
//! `R` — every ticket in it was still unmatured at `R` — i.e. `k ≥ cut_key(R) = ceil(R / W) + 1`.
//! So a ticket matured at `R` (`u ≤ R`) is never cut, and a ticket unmatured at `R` escapes
//! only if `u ≤ ceil(R / W)·W < R + W`: it matured less than one cohort width after `R`.
use crate::constants::{BPS_DENOMINATOR, COHORT_SECS};
use crate::error::RestakingError;
use crate::math::{to_u64, SafeMath};
use anchor_lang::prelude::*;

/// `ceil(ts / COHORT_SECS)` as a cohort key (timestamps before 1970 are refused).
fn ceil_day(ts: i64) -> Result<u32> {
    require!(ts >= 0, RestakingError::MathOverflow);
    let day = ts
        .safe_add(COHORT_SECS.safe_sub(1)?)?
        .safe_div(COHORT_SECS)?;
    u32::try_from(day).map_err(|_| RestakingError::MathOverflow.into())
}

/// The cohort of a ticket unlocking at `unlock_ts`.
pub fn cohort_key(unlock_ts: i64) -> Result<u32> {
    ceil_day(unlock_ts)
}

/// The first cohort a request made at `requested_ts` cuts (every later cohort too).
pub fn cut_key(requested_ts: i64) -> Result<u32> {
    ceil_day(requested_ts)?
        .checked_add(1)
        .ok_or_else(|| RestakingError::MathOverflow.into())
}

/// `v × bps / 10_000`, rounded down: what a slash of `bps` takes from `v`.
pub fn bps_cut(v: u64, bps: u16) -> Result<u64> {
    to_u64(
        u128::from(v)
            .safe_mul(u128::from(bps))?
            .safe_div(u128::from(BPS_DENOMINATOR))?,
    )
}

#[cfg(test)]
#[allow(clippy::arithmetic_side_effects)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const W: i64 = COHORT_SECS;

    #[test]
    fn keys_at_boundaries() {
        assert_eq!(cohort_key(10 * W).unwrap(), 10);
        assert_eq!(cohort_key(10 * W + 1).unwrap(), 11);
        assert_eq!(cut_key(10 * W).unwrap(), 11);
        assert_eq!(cut_key(10 * W - 1).unwrap(), 11);
        assert_eq!(cut_key(10 * W + 1).unwrap(), 12);
        assert_eq!(bps_cut(50, 1_000).unwrap(), 5);
        assert_eq!(bps_cut(9, 1_000).unwrap(), 0);
    }

    proptest! {
        /// A ticket is cut by a request iff it had not matured when the request came, except
        /// that one maturing less than one cohort width after the request escapes it.
        #[test]
        fn matured_never_cut_unmatured_escape_bounded(r in 0i64..1 << 40, u in 0i64..1 << 40) {
            let cut = cohort_key(u).unwrap() >= cut_key(r).unwrap();
            if u <= r {
                prop_assert!(!cut, "matured ticket cut");
            }
            if u >= r + W {
                prop_assert!(cut, "ticket unmatured for a cohort width escaped");
            }
        }
    }
}
