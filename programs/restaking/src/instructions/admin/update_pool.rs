//! `update_pool`: changes a pool's deposit cap, withdrawal delay (for tickets opened from now
//! on) or the parameters of its manual rate source. The kind of rate source never changes.
//! A longer delay or new rate-source parameters are proposed and take effect
//! `ADMIN_TIMELOCK_SECS` later through `apply_pool_update`; the cap and a shorter delay apply
//! at once, and proposing the current value withdraws a proposal.
use crate::error::RestakingError;
use crate::events::{PoolChangeProposedEvent, PoolUpdatedEvent};
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
    let now = Clock::get()?.unix_timestamp;
    let pool = &mut ctx.accounts.pool;
    let proposed = pool.update(&ctx.accounts.config, &args, now)?;
    let updated = PoolUpdatedEvent::of(pool);
    let proposal = proposed.then(|| PoolChangeProposedEvent::of(pool));
    emit_cpi!(updated);
    if let Some(proposal) = proposal {
        emit_cpi!(proposal);
    }
    Ok(())
}
