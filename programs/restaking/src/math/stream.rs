//! Linear reward streams (the staking-rewards pattern): what a stream releases over time, and
//! how a new funding blends into what is still streaming. Amounts are reward base units ×
//! `REWARD_ACC_SCALE`, so a release keeps the index's exact-remainder accounting.
use crate::math::SafeMath;
use anchor_lang::prelude::*;

/// What a stream holding `streaming` (scaled) with `remaining_secs` of active time left releases
/// over `elapsed_secs`: `floor(streaming × min(elapsed, remaining) / remaining)`, and everything
/// once the whole remaining time has passed. Never more than `streaming`.
///
/// Computed as `q × dt + floor(r × dt / remaining)` with `streaming = q × remaining + r`, so no
/// intermediate exceeds u128 whatever the amount.
pub fn stream_release(streaming: u128, remaining_secs: u64, elapsed_secs: u64) -> Result<u128> {
    if remaining_secs == 0 || elapsed_secs >= remaining_secs {
        return Ok(streaming);
    }
    let remaining = u128::from(remaining_secs);
    let dt = u128::from(elapsed_secs);
    let q = streaming.safe_div(remaining)?;
    let r = streaming.safe_sub(q.safe_mul(remaining)?)?;
    q.safe_mul(dt)?
        .safe_add(r.safe_mul(dt)?.safe_div(remaining)?)
}

/// Active time left after a funding of `added` (whole units, any scale common to both) over
/// `duration_secs` joins `streaming` units with `remaining_secs` left: the amount-weighted mean
/// of the two, rounded up. A small funding barely moves a large stream's end, so nobody can
/// cheaply stretch or compress what others funded; the total released is unchanged.
pub fn blended_remaining(
    streaming: u64,
    remaining_secs: u64,
    added: u64,
    duration_secs: u64,
) -> Result<u64> {
    let weight = u128::from(streaming).safe_add(u128::from(added))?;
    if weight == 0 {
        return Ok(remaining_secs.max(duration_secs));
    }
    let weighted = u128::from(streaming)
        .safe_mul(u128::from(remaining_secs))?
        .safe_add(u128::from(added).safe_mul(u128::from(duration_secs))?)?;
    crate::math::to_u64(weighted.safe_div_ceil(weight)?)
}

#[cfg(test)]
#[allow(clippy::arithmetic_side_effects)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn releases_linearly_and_everything_at_the_end() {
        assert_eq!(stream_release(604_800, 604_800, 1).unwrap(), 1);
        assert_eq!(stream_release(1_000, 10, 3).unwrap(), 300);
        assert_eq!(stream_release(1_000, 10, 10).unwrap(), 1_000);
        assert_eq!(stream_release(1_000, 10, 99).unwrap(), 1_000);
        assert_eq!(stream_release(7, 0, 0).unwrap(), 7);
        assert_eq!(stream_release(u128::MAX, 3, 2).unwrap(), u128::MAX / 3 * 2);
    }

    #[test]
    fn blending_weights_by_amount() {
        assert_eq!(blended_remaining(0, 0, 100, 50).unwrap(), 50);
        assert_eq!(blended_remaining(100, 10, 100, 30).unwrap(), 20);
        // a dust funding over a year barely moves a large stream
        assert_eq!(
            blended_remaining(1_000_000, 100, 1, 31_536_000).unwrap(),
            132
        );
        assert_eq!(blended_remaining(0, 0, 0, 7).unwrap(), 7);
    }

    proptest! {
        /// Releasing in any number of steps releases exactly what one step would, never more
        /// than the stream holds, and everything by its end.
        #[test]
        fn stepwise_release_is_exact(streaming: u128, remaining in 1u64..100_000_000,
                                     steps in proptest::collection::vec(0u64..10_000_000, 1..20)) {
            let (mut left, mut rem, mut out) = (streaming, remaining, 0u128);
            for dt in steps {
                let r = stream_release(left, rem, dt).unwrap();
                prop_assert!(r <= left);
                left -= r;
                out += r;
                rem = rem.saturating_sub(dt);
                if rem == 0 { prop_assert_eq!(left, 0); }
            }
            prop_assert_eq!(out + left, streaming);
        }

        #[test]
        fn blended_lies_between(s in 0u64..u64::MAX, rs in 1u64..1u64 << 32,
                                a in 0u64..u64::MAX, d in 1u64..1u64 << 32) {
            let b = blended_remaining(s, rs, a, d).unwrap();
            prop_assert!(b >= rs.min(d) && b <= rs.max(d));
        }
    }
}
