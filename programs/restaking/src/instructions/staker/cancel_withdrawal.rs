//! `cancel_withdrawal`: returns a `Withdraw` ticket's LST to the idle holding, re-valued at the
//! fresh rate (the ticket earned nothing while queued), and closes the ticket.
use crate::error::RestakingError;
use crate::events::WithdrawalCancelledEvent;
use crate::math::{value_of_lst_floor, SafeMath};
use crate::rate_source::refresh_rate;
use crate::state::{Pool, Position, TicketKind, WithdrawalTicket};
use anchor_lang::prelude::*;

#[event_cpi]
#[derive(Accounts)]
pub struct CancelWithdrawal<'info> {
    #[account(mut)]
    pub owner: Signer<'info>,
    #[account(mut)]
    pub pool: Box<Account<'info, Pool>>,
    #[account(
        mut,
        has_one = owner @ RestakingError::NotPositionOwner,
        has_one = pool @ RestakingError::NotPositionOwner,
    )]
    pub position: Box<Account<'info, Position>>,
    #[account(
        mut,
        close = owner,
        has_one = position @ RestakingError::NotPositionOwner,
        constraint = ticket.kind == TicketKind::Withdraw @ RestakingError::WrongTicketKind,
    )]
    pub ticket: Box<Account<'info, WithdrawalTicket>>,
    /// CHECK: the pool's rate source account (omit for manual pools); checked by `refresh_rate`.
    pub rate_source: Option<UncheckedAccount<'info>>,
}

pub fn handler(ctx: Context<CancelWithdrawal>) -> Result<()> {
    let clock = Clock::get()?;
    let accounts = &mut *ctx.accounts;
    let ticket = &accounts.ticket;
    let pool = &mut accounts.pool;
    let position = &mut accounts.position;

    let source = accounts.rate_source.as_ref().map(|a| a.to_account_info());
    let rate = refresh_rate(pool, source.as_ref(), &clock)?;
    pool.strip_idle(position, rate)?;

    let principal = value_of_lst_floor(ticket.lst, rate)?;
    position.add_idle(ticket.lst, principal)?;
    position.open_tickets = position
        .open_tickets
        .checked_sub(1)
        .ok_or(RestakingError::MathOverflow)?;
    pool.total_ticket_lst = pool.total_ticket_lst.safe_sub(ticket.lst)?;
    pool.total_idle_lst = pool.total_idle_lst.safe_add(ticket.lst)?;
    pool.total_principal = pool
        .total_principal
        .safe_sub(ticket.principal)?
        .safe_add(principal)?;

    let event = WithdrawalCancelledEvent {
        pool: pool.key(),
        position: position.key(),
        ticket: ticket.key(),
        lst: ticket.lst,
        principal,
        position_idle_lst: position.idle_lst,
        pool_total_ticket_lst: pool.total_ticket_lst,
    };
    emit_cpi!(event);
    Ok(())
}
