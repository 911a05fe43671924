//! Share and index arithmetic for operator buckets (SPEC §3, STYLE "Math").
//!
//! Shares mint `floor(lst × shares / assets)` and redeem `floor(shares × assets / shares)`, so
//! rounding always stays in the bucket. Indices (`acc_per_share`) are u128 scaled by their own
//! named constant and only ever grow; an accrual is `floor(shares × Δacc / SCALE)`.
use super::safe_math::{to_u64, SafeMath};
use crate::error::RestakingError;
use anchor_lang::prelude::*;

/// Scale of the base-yield index: LST base units per bucket share × 10^18. A bucket holds at
/// most about one LST unit per share, so one harvest adds at most ~10^18 and a u128 index
/// cannot overflow in any realistic life; `y (u64) × 10^18` fits u128 too.
pub const BASE_ACC_SCALE: u128 = 1_000_000_000_000_000_000;

/// Shares minted for `lst` entering a bucket holding `assets` LST against `shares` shares.
/// An empty bucket mints one share per LST unit. A bucket whose shares are backed by no LST at
/// all (wiped out by slashing) takes no new LST: the newcomer would be diluted into nothing.
pub fn shares_for_lst(lst: u64, total_shares: u64, total_lst: u64) -> Result<u64> {
    if total_shares == 0 {
        return Ok(lst);
    }
    require!(total_lst > 0, RestakingError::BucketDepleted);
    to_u64(
        u128::from(lst)
            .safe_mul(u128::from(total_shares))?
            .safe_div(u128::from(total_lst))?,
    )
}

/// What `lst` entering a pot of `total_assets` against `total_shares` mints and keeps:
/// `(shares, taken)`, the shares rounded down and the LST they stand for at the pot's ratio,
/// rounded down. The rest of `lst` (`lst - taken`, at most about one unit per unit of the
/// ratio) is dust owed to nobody: the holders already there never gain a fraction of a
/// newcomer's unit, so rounding favours the protocol (SPEC §1) rather than them. An empty pot
/// takes everything, one share per unit.
pub fn assets_entering(lst: u64, total_shares: u64, total_assets: u64) -> Result<(u64, u64)> {
    let shares = shares_for_lst(lst, total_shares, total_assets)?;
    if total_shares == 0 {
        return Ok((shares, lst));
    }
    let taken = to_u64(
        u128::from(shares)
            .safe_mul(u128::from(total_assets))?
            .safe_div(u128::from(total_shares))?,
    )?;
    Ok((shares, taken))
}

/// Assets (LST or principal) that `shares` of `total_shares` stand for, rounded down; all of
/// them when `shares == total_shares`.
pub fn assets_for_shares(shares: u64, total_shares: u64, total_assets: u64) -> Result<u64> {
    require!(shares <= total_shares, RestakingError::InsufficientShares);
    if shares == 0 {
        return Ok(0);
    }
    if shares == total_shares {
        return Ok(total_assets);
    }
    to_u64(
        u128::from(shares)
            .safe_mul(u128::from(total_assets))?
            .safe_div(u128::from(total_shares))?,
    )
}

/// What `shares` of `total_shares` take out of `total_assets` when they leave, and what they
/// are paid: `(taken, paid)` = `(ceil, floor)` of their part; all of it when they are all the
/// shares. The unit their fraction started (`taken - paid`, 0 or 1) is dust owed to nobody: the
/// holders who stay never gain a fraction of a leaver's unit, so rounding favours the protocol
/// (SPEC §1) rather than the other holders.
pub fn assets_leaving(shares: u64, total_shares: u64, total_assets: u64) -> Result<(u64, u64)> {
    let paid = assets_for_shares(shares, total_shares, total_assets)?;
    if shares == 0 || shares == total_shares {
        return Ok((paid, paid));
    }
    let taken = to_u64(
        u128::from(shares)
            .safe_mul(u128::from(total_assets))?
            .safe_div_ceil(u128::from(total_shares))?,
    )?;
    Ok((taken, paid))
}

/// `floor(amount × scale / shares)`: the index increment for `amount` spread over `shares`.
pub fn index_increment(amount: u64, total_shares: u64, scale: u128) -> Result<u128> {
    u128::from(amount)
        .safe_mul(scale)?
        .safe_div(u128::from(total_shares))
}

/// `floor(shares × delta / scale)` without overflowing on large deltas: with
/// `delta = q·scale + r`, the product is `shares·q·scale + shares·r`, so the quotient is
/// `shares·q + floor(shares·r / scale)` exactly.
pub fn accrued(shares: u64, delta: u128, scale: u128) -> Result<u64> {
    let q = delta.safe_div(scale)?;
    let r = delta.safe_sub(q.safe_mul(scale)?)?;
    let whole = u128::from(shares).safe_mul(q)?;
    let part = u128::from(shares).safe_mul(r)?.safe_div(scale)?;
    to_u64(whole.safe_add(part)?)
}

#[cfg(test)]
#[allow(clippy::arithmetic_side_effects)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_newcomer_s_fraction_stays_out_as_dust() {
        // 10 LST into 3 shares of 4 LST: 7 shares (7.5 rounded down) worth 9.33 → 9 kept
        assert_eq!(assets_entering(10, 3, 4).unwrap(), (7, 9));
        assert_eq!(assets_entering(10, 0, 0).unwrap(), (10, 10), "an empty pot");
        assert_eq!(assets_entering(10, 5, 5).unwrap(), (10, 10), "exact");
    }

    proptest! {
        #[test]
        fn entering_never_lifts_the_ratio(
            lst in 1u64..1_000_000_000_000,
            total_shares in 1u64..1_000_000_000_000,
            total_assets in 1u64..1_000_000_000_000,
        ) {
            let (shares, taken) = assets_entering(lst, total_shares, total_assets).unwrap();
            prop_assert!(taken <= lst);
            // (A + taken) / (S + shares) <= A / S
            let after = u128::from(total_assets + taken) * u128::from(total_shares);
            let before = u128::from(total_assets) * u128::from(total_shares + shares);
            prop_assert!(after <= before);
        }
    }

    #[test]
    fn a_leaver_takes_its_fraction_s_unit_out_as_dust() {
        // 30 of 360 shares of 327,272,727,273: 27,272,727,272.75
        assert_eq!(
            assets_leaving(30, 360, 327_272_727_273).unwrap(),
            (27_272_727_273, 27_272_727_272)
        );
        assert_eq!(assets_leaving(30, 360, 360).unwrap(), (30, 30), "exact");
        assert_eq!(assets_leaving(360, 360, 7).unwrap(), (7, 7), "all of it");
        assert_eq!(assets_leaving(0, 360, 7).unwrap(), (0, 0));
        assert_eq!(assets_leaving(1, 3, 1).unwrap(), (1, 0), "a dust share");
    }

    #[test]
    fn empty_bucket_mints_one_to_one() {
        assert_eq!(shares_for_lst(100, 0, 0).unwrap(), 100);
        assert_eq!(shares_for_lst(100, 0, 7).unwrap(), 100);
    }

    #[test]
    fn depleted_bucket_takes_nothing() {
        assert_eq!(
            shares_for_lst(100, 10, 0).unwrap_err(),
            RestakingError::BucketDepleted.into()
        );
    }

    #[test]
    fn redeem_all_takes_everything() {
        assert_eq!(assets_for_shares(3, 3, 10).unwrap(), 10);
        assert_eq!(assets_for_shares(1, 3, 10).unwrap(), 3);
        assert!(assets_for_shares(4, 3, 10).is_err());
    }

    #[test]
    fn accrued_matches_naive_and_survives_large_deltas() {
        assert_eq!(
            accrued(100, 5 * BASE_ACC_SCALE + 7, BASE_ACC_SCALE).unwrap(),
            500
        );
        let big = u128::MAX / 2;
        assert!(
            accrued(1, big, BASE_ACC_SCALE).is_ok() || big / BASE_ACC_SCALE > u128::from(u64::MAX)
        );
    }

    proptest! {
        /// Minting then redeeming never returns more LST than went in.
        #[test]
        fn mint_then_redeem_never_gains(
            lst in 1u64..1 << 50,
            total_lst in 1u64..1 << 50,
            shares_per_lst_milli in 1_000u64..4_000,
        ) {
            // buckets hold at most one LST per share (it only falls, by stripping and slashing)
            let total_shares = total_lst * shares_per_lst_milli / 1_000;
            let s = shares_for_lst(lst, total_shares, total_lst).unwrap();
            let back = assets_for_shares(s, total_shares + s, total_lst + lst).unwrap();
            prop_assert!(back <= lst);
        }

        /// Σ of accruals of a split never exceeds the accrual of the whole.
        #[test]
        fn accruals_sum_below_total(
            a in 0u64..u64::MAX / 4, b in 0u64..u64::MAX / 4, amount in 0u64..u64::MAX / 4,
        ) {
            prop_assume!(a + b > 0);
            let inc = index_increment(amount, a + b, BASE_ACC_SCALE).unwrap();
            let ya = accrued(a, inc, BASE_ACC_SCALE).unwrap();
            let yb = accrued(b, inc, BASE_ACC_SCALE).unwrap();
            prop_assert!(ya + yb <= amount);
            // naive formula agrees where it does not overflow
            if let Some(p) = u128::from(a).checked_mul(inc) {
                prop_assert_eq!(u128::from(ya), p / BASE_ACC_SCALE);
            }
        }
    }
}
