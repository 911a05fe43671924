//! `settle_undelegation`: permissionless completion of a matured `Undelegate` ticket. Its LST —
//! cut by any slash since it was opened — returns from the bucket's queue to the position's
//! idle holding, exactly as the owner's `complete_withdrawal` would return it, and the ticket
//! closes with its rent going to its beneficiary (the lien holder for an enforcement ticket,
//! else the owner). Nothing leaves the vault and no one but the position gains or loses.
//!
//! Why anyone may do it: a bucket's queue has one slot per unlock day, reused 128 days later
//! only once its tickets are settled. An owner who never completes its tickets would otherwise
//! hold its slots forever, and dust undelegations on 128 consecutive days would refuse every
//! later undelegation from the bucket (`CohortSlotBusy`). A ticket in a slot needed again has
//! matured long before (delays are at most 60 days), so whoever meets a busy slot settles the
//! ticket holding it and undelegates.
use crate::error::RestakingError;
use crate::events::WithdrawalCompletedEvent;
use crate::instructions::staker::complete_withdrawal::settle_undelegate_ticket;
use crate::state::{
    Delegation, OperatorPool, Pool, Position, TicketKind, UndelegationQueue, WithdrawalTicket,
};
use anchor_lang::prelude::*;

#[event_cpi]
#[derive(Accounts)]
pub struct SettleUndelegation<'info> {
    /// Whoever settles the ticket (pays only the fee).
    pub cranker: Signer<'info>,
    /// The ticket's pool.
    #[account(mut, dup)]
    pub pool: Box<Account<'info, Pool>>,
    /// The ticket's position.
    #[account(mut, dup, has_one = pool @ RestakingError::WrongPool)]
    pub position: Box<Account<'info, Position>>,
    /// The matured `Undelegate` ticket; closed.
    #[account(
        mut, dup,
        close = beneficiary,
        has_one = position @ RestakingError::WrongTicket,
        constraint = ticket.kind == TicketKind::Undelegate @ RestakingError::WrongTicket,
    )]
    pub ticket: Box<Account<'info, WithdrawalTicket>>,
    /// The ticket's beneficiary, who gets its rent back: the position's lien holder for an
    /// enforcement ticket, else its owner.
    /// CHECK: its key is checked against the position (`NotTicketBeneficiary`).
    #[account(mut, dup)]
    pub beneficiary: UncheckedAccount<'info>,
    /// The ticket's bucket.
    #[account(
        mut, dup,
        address = ticket.operator_pool @ RestakingError::WrongDelegation,
    )]
    pub operator_pool: Box<Account<'info, OperatorPool>>,
    /// The position's delegation to that bucket.
    #[account(
        mut, dup,
        constraint = delegation.operator_pool == ticket.operator_pool
            @ RestakingError::WrongDelegation,
        constraint = delegation.position == ticket.position @ RestakingError::WrongDelegation,
    )]
    pub delegation: Box<Account<'info, Delegation>>,
    /// The bucket's undelegation queue.
    #[account(mut)]
    pub queue: AccountLoader<'info, UndelegationQueue>,
}

pub fn handler(ctx: Context<SettleUndelegation>) -> Result<()> {
    let now = Clock::get()?.unix_timestamp;
    let accounts = &mut *ctx.accounts;
    let ticket = &accounts.ticket;
    let position = &mut accounts.position;
    position.require_ticket_beneficiary(ticket.enforcement, &accounts.beneficiary.key())?;
    require!(ticket.is_matured(now), RestakingError::TicketNotMatured);
    position.close_ticket(ticket.enforcement)?;
    let pool = &mut accounts.pool;
    let lst = settle_undelegate_ticket(
        pool,
        position,
        ticket,
        &mut accounts.operator_pool,
        &mut accounts.delegation,
        &accounts.queue,
        now,
    )?;

    let event = WithdrawalCompletedEvent {
        pool: pool.key(),
        position: position.key(),
        ticket: ticket.key(),
        destination: position.key(),
        lst,
        pool_total_ticket_lst: pool.total_ticket_lst,
    };
    emit_cpi!(event);
    Ok(())
}
