//! `open_position`: creates the owner's position in a pool.
use crate::constants::ACCOUNT_VERSION;
use crate::events::PositionOpenedEvent;
use crate::math::SafeMath;
use crate::pda::init_account;
use crate::state::{Pool, Position};
use anchor_lang::prelude::*;

#[event_cpi]
#[derive(Accounts)]
pub struct OpenPosition<'info> {
    /// Owner of the new position; pays its rent and gets it back on `close_position`.
    #[account(mut)]
    pub owner: Signer<'info>,
    /// The pool to open a position in.
    #[account(mut, dup)]
    pub pool: Account<'info, Pool>,
    /// The new position, created by this instruction.
    /// CHECK: seeds checked here; created with `pda::init_account` (robust to pre-funding).
    #[account(
        mut,
        seeds = [Position::SEED, pool.key().as_ref(), owner.key().as_ref()],
        bump,
    )]
    pub position: UncheckedAccount<'info>,
    /// The system program.
    pub system_program: Program<'info, System>,
}

pub fn handler(ctx: Context<OpenPosition>) -> Result<()> {
    let pool = &mut ctx.accounts.pool;
    pool.position_count = pool.position_count.safe_add(1)?;
    let owner = ctx.accounts.owner.key();
    init_account(
        &ctx.accounts.owner.to_account_info(),
        &ctx.accounts.position.to_account_info(),
        &ctx.accounts.system_program.to_account_info(),
        Position::SPACE,
        &[
            Position::SEED,
            pool.key().as_ref(),
            owner.as_ref(),
            &[ctx.bumps.position],
        ],
        &Position {
            pool: pool.key(),
            owner: ctx.accounts.owner.key(),
            lien_holder: Pubkey::default(),
            idle_lst: 0,
            idle_principal: 0,
            unclaimed_yield: 0,
            ticket_nonce: 0,
            open_tickets: 0,
            open_delegations: 0,
            bump: ctx.bumps.position,
            version: ACCOUNT_VERSION,
            enforcement_tickets: 0,
            reserved: [0; 30],
        },
    )?;
    emit_cpi!(PositionOpenedEvent {
        pool: pool.key(),
        position: ctx.accounts.position.key(),
        owner: ctx.accounts.owner.key(),
    });
    Ok(())
}
