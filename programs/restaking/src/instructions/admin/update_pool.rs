//! `update_pool`: changes a pool's deposit cap, withdrawal delay (for tickets opened from now
//! on) or the parameters of its manual rate source. The kind of rate source never changes.
use crate::error::RestakingError;
use crate::events::PoolUpdatedEvent;
use crate::state::{Config, Pool, RateSource};
use anchor_lang::prelude::*;

/// Each `Some` field replaces the current setting.
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug, Default)]
pub struct UpdatePoolArgs {
    /// New cap on the pool's total principal value, in numeraire base units; `None` keeps it.
    pub deposit_cap_value: Option<u64>,
    /// New withdrawal delay, in seconds (within the config's bounds); `None` keeps it.
    pub withdrawal_delay_secs: Option<i64>,
    /// New parameters of a `Manual` source; must be `Manual` too.
    pub rate_source: Option<RateSource>,
}

#[event_cpi]
#[derive(Accounts)]
pub struct UpdatePool<'info> {
    /// The admin.
    pub admin: Signer<'info>,
    /// The program config (names the admin).
    #[account(has_one = admin @ RestakingError::Unauthorized)]
    pub config: Account<'info, Config>,
    /// The pool to change.
    #[account(mut, dup)]
    pub pool: Account<'info, Pool>,
}

pub fn handler(ctx: Context<UpdatePool>, args: UpdatePoolArgs) -> Result<()> {
    let pool = &mut ctx.accounts.pool;
    if let Some(cap) = args.deposit_cap_value {
        pool.deposit_cap_value = cap;
    }
    if let Some(delay) = args.withdrawal_delay_secs {
        Pool::validate_withdrawal_delay(&ctx.accounts.config, delay)?;
        pool.withdrawal_delay_secs = delay;
    }
    if let Some(source) = args.rate_source {
        let both_manual = matches!(
            (pool.rate_source, source),
            (RateSource::Manual { .. }, RateSource::Manual { .. })
        );
        require!(both_manual, RestakingError::RateSourceImmutable);
        source.validate()?;
        pool.rate_source = source;
    }
    emit_cpi!(PoolUpdatedEvent {
        pool: pool.key(),
        rate_source: pool.rate_source,
        deposit_cap_value: pool.deposit_cap_value,
        withdrawal_delay_secs: pool.withdrawal_delay_secs,
    });
    Ok(())
}
