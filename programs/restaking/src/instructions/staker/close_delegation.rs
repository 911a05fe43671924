//! `close_delegation`: closes an empty delegation record and returns its rent to the owner.
use crate::error::RestakingError;
use crate::events::DelegationClosedEvent;
use crate::math::SafeMath;
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
        constraint = delegation.is_empty() @ RestakingError::DelegationNotEmpty,
    )]
    pub delegation: Account<'info, Delegation>,
}

pub fn handler(ctx: Context<CloseDelegation>) -> Result<()> {
    let position = &mut ctx.accounts.position;
    position.open_delegations = position
        .open_delegations
        .checked_sub(1)
        .ok_or(RestakingError::MathOverflow)?;
    let bucket = &mut ctx.accounts.operator_pool;
    bucket.delegation_count = bucket.delegation_count.safe_sub(1)?;
    let event = DelegationClosedEvent {
        position: position.key(),
        operator_pool: bucket.key(),
        delegation: ctx.accounts.delegation.key(),
    };
    emit_cpi!(event);
    Ok(())
}
