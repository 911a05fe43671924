//! `open_operator_pool`: the operator opens its stake bucket in one pool, with the bucket's
//! undelegation queue.
use crate::constants::{ACCOUNT_VERSION, MAX_REWARD_MINTS};
use crate::error::RestakingError;
use crate::events::OperatorPoolOpenedEvent;
use crate::pda::{create_account, init_account, write_queue_header};
use crate::state::{Operator, OperatorPool, Pool, UndelegationQueue, PENDING_BYTES};
use anchor_lang::prelude::*;

#[event_cpi]
#[derive(Accounts)]
pub struct OpenOperatorPool<'info> {
    /// The operator's authority; pays the bucket's rent.
    #[account(mut)]
    pub authority: Signer<'info>,
    /// The operator opening the bucket.
    #[account(mut, dup, has_one = authority @ RestakingError::NotOperatorAuthority)]
    pub operator: Account<'info, Operator>,
    /// The pool the bucket holds LST of.
    pub pool: Account<'info, Pool>,
    /// The new bucket, created by this instruction.
    /// CHECK: seeds checked here; created with `pda::init_account` (robust to pre-funding).
    #[account(
        mut,
        seeds = [OperatorPool::SEED, operator.key().as_ref(), pool.key().as_ref()],
        bump,
    )]
    pub operator_pool: UncheckedAccount<'info>,
    /// The bucket's `UndelegationQueue` (its queue cohorts), created by this instruction.
    /// CHECK: seeds checked here; created with `pda::create_account` (robust to pre-funding).
    #[account(
        mut,
        seeds = [UndelegationQueue::SEED, operator_pool.key().as_ref()],
        bump,
    )]
    pub queue: UncheckedAccount<'info>,
    /// The system program.
    pub system_program: Program<'info, System>,
}

pub fn handler(ctx: Context<OpenOperatorPool>) -> Result<()> {
    let operator = &mut ctx.accounts.operator;
    operator.operator_pool_count = operator
        .operator_pool_count
        .checked_add(1)
        .ok_or(RestakingError::MathOverflow)?;
    let pool = ctx.accounts.pool.key();
    init_account(
        &ctx.accounts.authority.to_account_info(),
        &ctx.accounts.operator_pool.to_account_info(),
        &ctx.accounts.system_program.to_account_info(),
        OperatorPool::SPACE,
        &[
            OperatorPool::SEED,
            operator.key().as_ref(),
            pool.as_ref(),
            &[ctx.bumps.operator_pool],
        ],
        &OperatorPool {
            operator: operator.key(),
            pool: ctx.accounts.pool.key(),
            total_shares: 0,
            total_lst: 0,
            total_principal: 0,
            base_acc_per_share: 0,
            unclaimed_base_yield: 0,
            queued_shares: 0,
            queued_lst: 0,
            queued_principal: 0,
            reward_mints: [Pubkey::default(); MAX_REWARD_MINTS],
            reward_mint_count: 0,
            pending: [0; PENDING_BYTES],
            slash_nonce: 0,
            delegation_count: 0,
            bump: ctx.bumps.operator_pool,
            version: ACCOUNT_VERSION,
            reserved: [0; 64],
        },
    )?;
    let bucket = ctx.accounts.operator_pool.key();
    let queue = ctx.accounts.queue.to_account_info();
    create_account(
        &ctx.accounts.authority.to_account_info(),
        &queue,
        &ctx.accounts.system_program.to_account_info(),
        &crate::ID,
        UndelegationQueue::SPACE,
        &[UndelegationQueue::SEED, bucket.as_ref(), &[ctx.bumps.queue]],
    )?;
    write_queue_header(&queue, bucket, ctx.bumps.queue)?;
    let event = OperatorPoolOpenedEvent {
        operator_pool: ctx.accounts.operator_pool.key(),
        operator: operator.key(),
        pool: ctx.accounts.pool.key(),
    };
    emit_cpi!(event);
    Ok(())
}
