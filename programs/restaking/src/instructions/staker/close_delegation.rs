//! `close_delegation(forfeit_rewards)`: closes an empty delegation record and returns its rent
//! to the owner. A record still owed rewards by a stream that cannot pay them (its reward vault
//! frozen by the mint's freeze authority) would otherwise stay open forever: with
//! `forfeit_rewards`, the rewards owed by the streams passed as remaining accounts (their
//! `RewardIndex`, writable, any order) go back to those streams' delegators and the record
//! closes. Claim first what can be paid: forfeiting is final.
use crate::error::RestakingError;
use crate::events::{DelegationClosedEvent, RewardPaid};
use crate::math::SafeMath;
use crate::reward_streams::forfeit_streams;
use crate::state::{Delegation, OperatorPool, Position};
use anchor_lang::prelude::*;

#[event_cpi]
#[derive(Accounts)]
pub struct CloseDelegation<'info> {
    /// The position's owner; gets the delegation's rent back.
    #[account(mut)]
    pub owner: Signer<'info>,
    /// The staker's position (`["position", pool, owner]`).
    #[account(mut, dup, has_one = owner @ RestakingError::NotPositionOwner)]
    pub position: Account<'info, Position>,
    /// The delegation's bucket.
    #[account(mut, dup)]
    pub operator_pool: Account<'info, OperatorPool>,
    /// The empty delegation to close.
    #[account(
        mut, dup,
        close = owner,
        has_one = position @ RestakingError::WrongDelegation,
        has_one = operator_pool @ RestakingError::WrongDelegation,
    )]
    pub delegation: Account<'info, Delegation>,
}

pub fn handler(ctx: Context<CloseDelegation>, forfeit_rewards: bool) -> Result<()> {
    let accounts = &mut *ctx.accounts;
    let bucket = &mut accounts.operator_pool;
    let delegation = &mut accounts.delegation;
    let forfeited = if forfeit_rewards {
        forfeit_streams(
            delegation,
            bucket,
            &bucket.key(),
            ctx.remaining_accounts,
            Clock::get()?.unix_timestamp,
        )?
    } else {
        Vec::new()
    };
    require!(delegation.is_empty(), RestakingError::DelegationNotEmpty);

    let position = &mut accounts.position;
    position.open_delegations = position
        .open_delegations
        .checked_sub(1)
        .ok_or(RestakingError::MathOverflow)?;
    bucket.delegation_count = bucket.delegation_count.safe_sub(1)?;
    let event = DelegationClosedEvent {
        position: position.key(),
        operator_pool: bucket.key(),
        delegation: delegation.key(),
        forfeited_rewards: forfeited
            .into_iter()
            .map(|(reward_mint, amount)| RewardPaid {
                reward_mint,
                amount,
            })
            .collect(),
    };
    emit_cpi!(event);
    Ok(())
}
