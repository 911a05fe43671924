//! `harvest`: permissionless base-yield strip of one position at the fresh rate. The yield
//! stays in the vault, reserved for the position's owner, until `claim`.
use crate::error::RestakingError;
use crate::events::BaseYieldStrippedEvent;
use crate::rate_source::refresh_rate;
use crate::state::{Pool, Position};
use anchor_lang::prelude::*;

#[event_cpi]
#[derive(Accounts)]
pub struct Harvest<'info> {
    #[account(mut)]
    pub pool: Account<'info, Pool>,
    #[account(mut, has_one = pool @ RestakingError::NotPositionOwner)]
    pub position: Account<'info, Position>,
    /// CHECK: the pool's rate source account (omit for manual pools); checked by `refresh_rate`.
    pub rate_source: Option<UncheckedAccount<'info>>,
}

pub fn handler(ctx: Context<Harvest>) -> Result<()> {
    let clock = Clock::get()?;
    let accounts = &mut *ctx.accounts;
    let pool = &mut accounts.pool;
    let position = &mut accounts.position;

    let source = accounts.rate_source.as_ref().map(|a| a.to_account_info());
    let rate = refresh_rate(pool, source.as_ref(), &clock)?;
    let stripped = pool.strip_idle(position, rate)?;

    let event = BaseYieldStrippedEvent {
        pool: pool.key(),
        position: position.key(),
        rate,
        stripped_lst: stripped,
        position_idle_lst: position.idle_lst,
        position_unclaimed_yield: position.unclaimed_yield,
    };
    emit_cpi!(event);
    Ok(())
}
