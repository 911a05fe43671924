//! `claim`: settles the position's yield in one instruction (SPEC §3 "Claim"). Never paused,
//! and never blocked by the pool's own rate source being stale or unusable (e.g. a stake pool
//! reporting a supply of 0): earned yield and rewards are paid; only new stripping waits for a
//! usable rate. A wrong source account (address, owner, mint) still fails.
//!
//! Base-yield leg, paid in the LST with one transfer: the idle holding is stripped at the fresh
//! rate, and — when `operator_pool` and `delegation` are passed — the bucket is harvested and
//! the delegation's share of its base-yield index settled.
//!
//! Restaking leg, in each reward mint: remaining accounts hold one group per stream to pay,
//! `[reward_index (w), reward_vault (w), reward_mint, owner_reward_account (w), token_program]`
//! (see [`crate::reward_streams`]); pass every stream of the bucket to claim everything. It is
//! O(streams), independent of how many stakers exist.
use crate::error::RestakingError;
use crate::events::{ClaimEvent, RewardPaid};
use crate::math::SafeMath;
use crate::rate_source::refresh_rate_if_usable;
use crate::reward_streams::pay_streams;
use crate::state::{Delegation, OperatorPool, Pool, Position};
use crate::token::transfer_from_vault;
use anchor_lang::prelude::*;
use anchor_spl::token_interface::{TokenAccount, TokenInterface};

#[event_cpi]
#[derive(Accounts)]
pub struct Claim<'info> {
    /// The position's owner.
    pub owner: Signer<'info>,
    /// The pool (`["pool", lst_mint]`).
    #[account(
        mut, dup,
        has_one = lst_mint @ RestakingError::InvalidMint,
        constraint = pool.vault == pool_vault.key() @ RestakingError::InvalidVault,
        constraint = pool.token_program == token_program.key() @ RestakingError::InvalidTokenProgram,
    )]
    pub pool: Box<Account<'info, Pool>>,
    /// The staker's position (`["position", pool, owner]`).
    #[account(
        mut, dup,
        has_one = owner @ RestakingError::NotPositionOwner,
        has_one = pool @ RestakingError::WrongPool,
    )]
    pub position: Box<Account<'info, Position>>,
    /// The pool's LST mint (`has_one` on `pool`).
    /// CHECK: `transfer_checked` checks it and `lst_decimals` against both token accounts.
    pub lst_mint: UncheckedAccount<'info>,
    /// The pool's LST vault (`["pool_vault", pool]`); pays the base yield.
    #[account(mut, dup)]
    pub pool_vault: Box<InterfaceAccount<'info, TokenAccount>>,
    /// Any token account of the LST mint; receives the base yield.
    #[account(
        mut, dup,
        constraint = owner_lst_account.mint == lst_mint.key() @ RestakingError::InvalidMint,
        constraint = owner_lst_account.key() != pool.vault @ RestakingError::InvalidVault,
    )]
    pub owner_lst_account: Box<InterfaceAccount<'info, TokenAccount>>,
    /// The pool's rate-source account (omit for manual pools).
    /// CHECK: key, owner program and layout are checked by `refresh_rate`.
    pub rate_source: Option<UncheckedAccount<'info>>,
    /// Token program of the mint (SPL Token or Token-2022).
    pub token_program: Interface<'info, TokenInterface>,
    /// A bucket the position delegates to (optional: claims its delegation leg too).
    #[account(mut, dup, has_one = pool @ RestakingError::WrongPool)]
    pub operator_pool: Option<Box<Account<'info, OperatorPool>>>,
    /// The position's delegation to `operator_pool`.
    #[account(
        mut, dup,
        has_one = position @ RestakingError::WrongDelegation,
    )]
    pub delegation: Option<Box<Account<'info, Delegation>>>,
}

pub fn handler(ctx: Context<Claim>) -> Result<()> {
    let clock = Clock::get()?;
    let accounts = &mut *ctx.accounts;
    let pool = &mut accounts.pool;
    let position = &mut accounts.position;

    // A stale or unusable rate only stops new stripping: yield already stripped (and every
    // reward) is earned and is paid regardless. A wrong source account still fails: its
    // address, owner and mint are checked before its data is read.
    let source = accounts.rate_source.as_ref().map(|a| a.to_account_info());
    let fresh_rate = refresh_rate_if_usable(pool, source.as_ref(), &clock)?;
    if let Some(rate) = fresh_rate {
        pool.strip_idle(position, rate)?;
    }
    let mut base_yield = position.take_yield();
    let mut rewards = Vec::new();

    match (
        accounts.operator_pool.as_deref_mut(),
        accounts.delegation.as_deref_mut(),
    ) {
        (Some(bucket), Some(delegation)) => {
            require_keys_eq!(
                delegation.operator_pool,
                bucket.key(),
                RestakingError::WrongDelegation
            );
            if let Some(rate) = fresh_rate {
                pool.harvest_bucket(bucket, rate)?;
            }
            delegation.settle_base(bucket)?;
            let owed = core::mem::take(&mut delegation.unclaimed_base_yield);
            bucket.unclaimed_base_yield = bucket.unclaimed_base_yield.safe_sub(owed)?;
            base_yield = base_yield.safe_add(owed)?;
            let paid = pay_streams(
                delegation,
                bucket,
                &bucket.key(),
                ctx.remaining_accounts,
                clock.unix_timestamp,
            )?;
            rewards = paid
                .into_iter()
                .map(|(reward_mint, amount)| RewardPaid {
                    reward_mint,
                    amount,
                })
                .collect();
        }
        (None, None) => require!(
            ctx.remaining_accounts.is_empty(),
            RestakingError::WrongDelegation
        ),
        _ => return err!(RestakingError::WrongDelegation),
    }

    if base_yield > 0 {
        pool.total_unclaimed_yield = pool.total_unclaimed_yield.safe_sub(base_yield)?;
        pool.total_yield_paid_lst = pool.total_yield_paid_lst.safe_add(base_yield)?;
        transfer_from_vault(
            &accounts.token_program.to_account_info(),
            &accounts.pool_vault,
            &accounts.owner_lst_account.to_account_info(),
            &accounts.lst_mint,
            pool,
            base_yield,
        )?;
    }

    let event = ClaimEvent {
        pool: pool.key(),
        position: position.key(),
        owner: position.owner,
        destination: accounts.owner_lst_account.key(),
        base_yield_lst: base_yield,
        rewards,
        rate: pool.rate,
        pool_total_unclaimed_yield: pool.total_unclaimed_yield,
    };
    emit_cpi!(event);
    Ok(())
}
