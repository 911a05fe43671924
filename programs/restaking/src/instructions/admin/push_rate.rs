//! `push_rate`: the updater of a manual pool publishes a new rate, moving it by at most
//! `max_change_bps` of the current one.
use crate::error::RestakingError;
use crate::events::RatePushedEvent;
use crate::math::{rate_change_within, validate_rate};
use crate::state::{Pool, RateSource};
use anchor_lang::prelude::*;

#[event_cpi]
#[derive(Accounts)]
pub struct PushRate<'info> {
    /// The pool's manual-source updater.
    pub updater: Signer<'info>,
    /// The manual pool whose rate is pushed.
    #[account(mut, dup)]
    pub pool: Account<'info, Pool>,
}

pub fn handler(ctx: Context<PushRate>, rate: u128) -> Result<()> {
    let pool = &mut ctx.accounts.pool;
    let RateSource::Manual {
        updater,
        max_change_bps,
        ..
    } = pool.rate_source
    else {
        return err!(RestakingError::RateSourceImmutable);
    };
    require_keys_eq!(
        ctx.accounts.updater.key(),
        updater,
        RestakingError::NotRateUpdater
    );
    validate_rate(rate)?;
    require!(
        rate_change_within(pool.rate, rate, max_change_bps)?,
        RestakingError::RateChangeTooLarge
    );
    let previous_rate = pool.rate;
    pool.rate = rate;
    pool.rate_updated_ts = Clock::get()?.unix_timestamp;
    emit_cpi!(RatePushedEvent {
        pool: pool.key(),
        updater,
        previous_rate,
        rate,
    });
    Ok(())
}
