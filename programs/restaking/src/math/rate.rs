//! Rate conversions and base-yield stripping (SPEC §1, §3).
//!
//! A rate is numeraire base units per LST base unit × [`RATE_SCALE`] (10^18). Every conversion
//! rounds in the protocol's favour: value credited to a user and LST paid to a user round down;
//! LST that must stay locked to back a principal rounds up.
//!
//! Rates are bounded by [`MAX_RATE`] (< 2^64), so `lst (u64) × rate` and
//! `value (u64) × RATE_SCALE` both fit in u128 and no wider intermediate is needed.
use super::safe_math::{to_u64, SafeMath};
use crate::constants::{BPS_DENOMINATOR, MAX_RATE, RATE_SCALE};
use crate::error::RestakingError;
use anchor_lang::prelude::*;

/// Checks a rate is usable: non-zero and at most [`MAX_RATE`].
pub fn validate_rate(rate: u128) -> Result<u128> {
    require!(rate > 0 && rate <= MAX_RATE, RestakingError::InvalidRate);
    Ok(rate)
}

/// `floor(numerator × RATE_SCALE / denominator)`: a rate from a ratio read from a source account
/// (SPL stake pool `total_lamports / pool_token_supply`, Marinade `msol_price / 2^32`).
pub fn rate_from_ratio(numerator: u128, denominator: u128) -> Result<u128> {
    require!(
        numerator > 0 && denominator > 0,
        RestakingError::InvalidRate
    );
    validate_rate(numerator.safe_mul(RATE_SCALE)?.safe_div(denominator)?)
}

/// Value of `lst` at `rate`, rounded down: what a deposit is credited with.
pub fn value_of_lst_floor(lst: u64, rate: u128) -> Result<u64> {
    to_u64(u128::from(lst).safe_mul(rate)?.safe_div(RATE_SCALE)?)
}

/// LST that backs `value` at `rate`, rounded up: what must stay locked for a principal.
pub fn lst_for_value_ceil(value: u64, rate: u128) -> Result<u64> {
    to_u64(
        u128::from(value)
            .safe_mul(RATE_SCALE)?
            .safe_div_ceil(rate)?,
    )
}

/// Base yield of a holding: `max(0, lst − ceil(principal / rate))`.
/// When the rate has fallen below the principal's, nothing is strippable.
pub fn strippable_yield(lst: u64, principal: u64, rate: u128) -> Result<u64> {
    let locked = lst_for_value_ceil(principal, rate)?;
    Ok(lst.saturating_sub(locked))
}

/// `floor(amount × part / whole)`: the share of a quantity that moves with `part` of `whole`,
/// rounded down. `part ≤ whole` is the caller's precondition; `whole == 0` yields 0.
pub fn pro_rata_floor(amount: u64, part: u64, whole: u64) -> Result<u64> {
    if whole == 0 {
        return Ok(0);
    }
    to_u64(
        u128::from(amount)
            .safe_mul(u128::from(part))?
            .safe_div(u128::from(whole))?,
    )
}

/// Whether moving from `old` to `new` changes the rate by at most `max_change_bps` of `old`.
pub fn rate_change_within(old: u128, new: u128, max_change_bps: u16) -> Result<bool> {
    let diff = old.abs_diff(new);
    // diff / old ≤ bps / 10_000  ⇔  diff × 10_000 ≤ bps × old
    let lhs = diff.safe_mul(u128::from(BPS_DENOMINATOR))?;
    let rhs = old.safe_mul(u128::from(max_change_bps))?;
    Ok(lhs <= rhs)
}

#[cfg(test)]
#[allow(clippy::arithmetic_side_effects)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const ONE: u64 = 1_000_000_000;
    fn rate(num: u128, den: u128) -> u128 {
        num * RATE_SCALE / den
    }

    #[test]
    fn spec_s1_numbers() {
        let r = rate(11, 10);
        // Alice: 100 LST with principal 100 at rate 1.10
        assert_eq!(
            strippable_yield(100 * ONE, 100 * ONE, r).unwrap(),
            9_090_909_090
        );
        assert_eq!(lst_for_value_ceil(100 * ONE, r).unwrap(), 90_909_090_910);
        // Bob: 300 LST
        assert_eq!(
            strippable_yield(300 * ONE, 300 * ONE, r).unwrap(),
            27_272_727_272
        );
    }

    #[test]
    fn falling_rate_strips_nothing() {
        assert_eq!(strippable_yield(100, 100, rate(9, 10)).unwrap(), 0);
    }

    #[test]
    fn rate_bounds() {
        assert!(validate_rate(0).is_err());
        assert!(validate_rate(MAX_RATE + 1).is_err());
        assert_eq!(rate_from_ratio(11, 10).unwrap(), rate(11, 10));
        assert!(rate_from_ratio(0, 10).is_err());
        assert!(rate_from_ratio(10, 0).is_err());
        assert!(rate_from_ratio(u128::from(u64::MAX), 1).is_err());
    }

    #[test]
    fn rate_change_limits() {
        let one = RATE_SCALE;
        assert!(rate_change_within(one, one + one / 100, 100).unwrap());
        assert!(!rate_change_within(one, one + one / 100 + 1, 100).unwrap());
        assert!(rate_change_within(one, one - one / 100, 100).unwrap());
        assert!(!rate_change_within(one, one - one / 100 - 1, 100).unwrap());
    }

    proptest! {
        /// Value credited for LST, converted back, never needs less LST than was deposited:
        /// round-trips never create LST.
        #[test]
        fn round_trip_never_creates_lst(lst in 0u64..u64::MAX / 32, r in 1u128..=16 * RATE_SCALE) {
            let value = value_of_lst_floor(lst, r).unwrap();
            let back = lst_for_value_ceil(value, r).unwrap();
            prop_assert!(back <= lst);
            prop_assert_eq!(strippable_yield(lst, value, r).unwrap(), lst - back);
        }

        /// After stripping at a higher rate, what remains is worth at least the principal,
        /// and by less than one LST unit's worth.
        #[test]
        fn strip_keeps_principal_backed(
            lst in 1u64..u64::MAX / 32,
            r0 in RATE_SCALE / 2..=2 * RATE_SCALE,
            up_bps in 0u128..5_000,
        ) {
            let principal = value_of_lst_floor(lst, r0).unwrap();
            let r1 = r0 + r0 * up_bps / 10_000;
            let y = strippable_yield(lst, principal, r1).unwrap();
            let remaining = lst - y;
            let remaining_value = u128::from(remaining) * r1 / RATE_SCALE;
            prop_assert!(remaining_value >= u128::from(principal));
            prop_assert!(u128::from(remaining) * r1 < (u128::from(principal) + 1) * RATE_SCALE + r1);
        }

        #[test]
        fn pro_rata_never_exceeds_amount(amount: u64, part: u64, whole: u64) {
            let (part, whole) = if part > whole { (whole, part) } else { (part, whole) };
            let got = pro_rata_floor(amount, part, whole).unwrap();
            prop_assert!(got <= amount);
            if part == whole && whole > 0 { prop_assert_eq!(got, amount); }
        }
    }
}
