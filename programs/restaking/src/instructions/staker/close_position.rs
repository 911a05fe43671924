//! `close_position`: closes an empty position and returns its rent to the owner.
use crate::error::RestakingError;
use crate::events::PositionClosedEvent;
use crate::math::SafeMath;
use crate::state::{Pool, Position};
use anchor_lang::prelude::*;

#[event_cpi]
#[derive(Accounts)]
pub struct ClosePosition<'info> {
    /// The position's owner; gets its rent back.
    #[account(mut)]
    pub owner: Signer<'info>,
    /// The pool (`["pool", lst_mint]`).
    #[account(mut, dup)]
    pub pool: Account<'info, Pool>,
    /// The empty position to close.
    #[account(
        mut, dup,
        close = owner,
        has_one = owner @ RestakingError::NotPositionOwner,
        has_one = pool @ RestakingError::WrongPool,
        constraint = position.is_empty() @ RestakingError::PositionNotEmpty,
    )]
    pub position: Account<'info, Position>,
}

pub fn handler(ctx: Context<ClosePosition>) -> Result<()> {
    let pool = &mut ctx.accounts.pool;
    pool.position_count = pool.position_count.safe_sub(1)?;
    emit_cpi!(PositionClosedEvent {
        pool: pool.key(),
        position: ctx.accounts.position.key(),
        owner: ctx.accounts.owner.key(),
    });
    Ok(())
}
