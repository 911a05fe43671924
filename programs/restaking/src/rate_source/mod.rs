//! Rate sources (SPEC §3): read and validate the pool's rate in the instruction that uses it.
//!
//! A stale or malformed source is a named error, never a silent fallback to a cached rate.
/// Byte-exact builders of the source accounts, for tests (this crate's and integration tests'
/// through the `test-fixtures` feature); written independently of the readers' offsets.
#[cfg(any(test, feature = "test-fixtures"))]
#[allow(clippy::arithmetic_side_effects, clippy::cast_possible_truncation)]
pub mod fixtures;
pub mod marinade;
pub mod spl_stake_pool;

use crate::constants::{MARINADE_PROGRAM_ID, SPL_STAKE_POOL_PROGRAM_ID};
use crate::error::RestakingError;
use crate::math::{rate_from_ratio, validate_rate, SafeMath};
use crate::state::{Pool, RateSource};
use anchor_lang::prelude::*;

/// Reads the current rate of `pool` from its source, stores it in the pool and returns it.
///
/// `source` is the source account (`None` for manual pools, whose pushed rate is checked
/// against its maximum age instead).
pub fn refresh_rate(pool: &mut Pool, source: Option<&AccountInfo>, clock: &Clock) -> Result<u128> {
    let rate = match pool.rate_source {
        RateSource::SplStakePool { stake_pool } => {
            let info = expect_source(source, &stake_pool, &SPL_STAKE_POOL_PROGRAM_ID)?;
            let data = info.try_borrow_data()?;
            let sp = spl_stake_pool::parse_stake_pool(&data)?;
            require_keys_eq!(
                sp.pool_mint,
                pool.lst_mint,
                RestakingError::RateSourceMintMismatch
            );
            require!(
                sp.last_update_epoch == clock.epoch,
                RestakingError::StaleRate
            );
            rate_from_ratio(
                u128::from(sp.total_lamports),
                u128::from(sp.pool_token_supply),
            )?
        }
        RateSource::Marinade { state } => {
            let info = expect_source(source, &state, &MARINADE_PROGRAM_ID)?;
            let data = info.try_borrow_data()?;
            let m = marinade::parse_marinade_state(&data)?;
            require_keys_eq!(
                m.msol_mint,
                pool.lst_mint,
                RestakingError::RateSourceMintMismatch
            );
            rate_from_ratio(u128::from(m.msol_price), marinade::MSOL_PRICE_DENOMINATOR)?
        }
        RateSource::Manual { max_age_secs, .. } => {
            let age = clock.unix_timestamp.safe_sub(pool.rate_updated_ts)?;
            require!(age <= i64::from(max_age_secs), RestakingError::StaleRate);
            return validate_rate(pool.rate);
        }
    };
    pool.rate = rate;
    pool.rate_updated_ts = clock.unix_timestamp;
    Ok(rate)
}

/// The rate `claim` (and the position view, which predicts it) works with: the fresh rate, or
/// `None` when the pool's own source only has no usable rate now — stale, unreadable or
/// reporting an impossible rate (zero supply, zero or out-of-range price). Earned yield is
/// paid regardless; only new stripping waits. A wrong source account (address, owner, mint)
/// still fails: those are checked before its data is read.
pub fn refresh_rate_if_usable(
    pool: &mut Pool,
    source: Option<&AccountInfo>,
    clock: &Clock,
) -> Result<Option<u128>> {
    match refresh_rate(pool, source, clock) {
        Ok(rate) => Ok(Some(rate)),
        Err(e) if is_unusable_rate(&e) => Ok(None),
        Err(e) => Err(e),
    }
}

/// Errors of the pool's own source that only mean "no usable rate now".
fn is_unusable_rate(e: &Error) -> bool {
    [
        RestakingError::StaleRate,
        RestakingError::InvalidRate,
        RestakingError::MalformedRateSource,
    ]
    .into_iter()
    .any(|u| *e == u.into())
}

fn expect_source<'a, 'info>(
    source: Option<&'a AccountInfo<'info>>,
    expected: &Pubkey,
    owner: &Pubkey,
) -> Result<&'a AccountInfo<'info>> {
    let info = source.ok_or(RestakingError::RateSourceMissing)?;
    require_keys_eq!(*info.key, *expected, RestakingError::RateSourceMismatch);
    require_keys_eq!(*info.owner, *owner, RestakingError::InvalidRateSourceOwner);
    Ok(info)
}
