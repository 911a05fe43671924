//! `close_position`: closes a position that holds no LST and returns its rent to the owner.
//! Principal left without LST (a slash cut the LST it was booked against to nothing) does not
//! block it: it is dropped from the pool's total principal.
use crate::error::RestakingError;
use crate::events::PositionClosedEvent;
use crate::instructions::staker::request_withdrawal::co_signer;
use crate::math::SafeMath;
use crate::state::{Pool, Position};
use anchor_lang::prelude::*;

#[event_cpi]
#[derive(Accounts)]
pub struct ClosePosition<'info> {
    /// The position's owner; gets its rent back.
    #[account(mut)]
    pub owner: Signer<'info>,
    /// The lien holder's co-signature, required while the position has a lien (SPEC §6).
    pub lien_holder: Option<Signer<'info>>,
    /// The pool (`["pool", lst_mint]`).
    #[account(mut, dup)]
    pub pool: Account<'info, Pool>,
    /// The empty position to close.
    #[account(
        mut, dup,
        close = owner,
        has_one = owner @ RestakingError::NotPositionOwner,
        has_one = pool @ RestakingError::WrongPool,
        constraint = position.require_lien_consent(co_signer(&lien_holder).as_ref()).is_ok()
            @ RestakingError::LienHolderSignatureRequired,
        constraint = position.is_empty() @ RestakingError::PositionNotEmpty,
    )]
    pub position: Account<'info, Position>,
}

pub fn handler(ctx: Context<ClosePosition>) -> Result<()> {
    let pool = &mut ctx.accounts.pool;
    pool.position_count = pool.position_count.safe_sub(1)?;
    pool.total_principal = pool
        .total_principal
        .safe_sub(ctx.accounts.position.idle_principal)?;
    emit_cpi!(PositionClosedEvent {
        pool: pool.key(),
        position: ctx.accounts.position.key(),
        owner: ctx.accounts.owner.key(),
    });
    Ok(())
}
