//! `apply_pool_update`: applies a pool's pending changes once `ADMIN_TIMELOCK_SECS` has
//! passed since they were proposed. Anyone may call it.
use crate::events::{PoolChangeAppliedEvent, PoolUpdatedEvent};
use crate::state::{Config, Pool};
use anchor_lang::prelude::*;

#[event_cpi]
#[derive(Accounts)]
pub struct ApplyPoolUpdate<'info> {
    /// The program config (the delay is checked against it again).
    pub config: Account<'info, Config>,
    /// The pool.
    #[account(mut)]
    pub pool: Account<'info, Pool>,
}

pub fn handler(ctx: Context<ApplyPoolUpdate>) -> Result<()> {
    let now = Clock::get()?.unix_timestamp;
    let pool = &mut ctx.accounts.pool;
    let applied = PoolChangeAppliedEvent {
        pool: pool.key(),
        pending_mask: pool.pending_mask,
    };
    pool.apply_pending(&ctx.accounts.config, now)?;
    let updated = PoolUpdatedEvent::of(pool);
    emit_cpi!(applied);
    emit_cpi!(updated);
    Ok(())
}
