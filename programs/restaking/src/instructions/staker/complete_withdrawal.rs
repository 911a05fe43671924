//! `complete_withdrawal`: pays a matured `Withdraw` ticket to the owner's token account and
//! closes the ticket (rent back to the owner). Never paused: exits cannot be trapped.
use crate::error::RestakingError;
use crate::events::WithdrawalCompletedEvent;
use crate::math::SafeMath;
use crate::state::{Pool, Position, TicketKind, WithdrawalTicket};
use crate::token::transfer_from_vault;
use anchor_lang::prelude::*;
use anchor_spl::token_interface::{Mint, TokenAccount, TokenInterface};

#[event_cpi]
#[derive(Accounts)]
pub struct CompleteWithdrawal<'info> {
    #[account(mut)]
    pub owner: Signer<'info>,
    #[account(
        mut,
        has_one = lst_mint @ RestakingError::InvalidMint,
        constraint = pool.vault == pool_vault.key() @ RestakingError::InvalidVault,
        constraint = pool.token_program == token_program.key() @ RestakingError::InvalidTokenProgram,
    )]
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
    )]
    pub ticket: Box<Account<'info, WithdrawalTicket>>,
    pub lst_mint: Box<InterfaceAccount<'info, Mint>>,
    #[account(mut)]
    pub pool_vault: Box<InterfaceAccount<'info, TokenAccount>>,
    /// Any token account of the LST mint; receives the LST.
    #[account(
        mut,
        constraint = owner_lst_account.mint == lst_mint.key() @ RestakingError::InvalidMint,
        constraint = owner_lst_account.key() != pool.vault @ RestakingError::InvalidVault,
    )]
    pub owner_lst_account: Box<InterfaceAccount<'info, TokenAccount>>,
    pub token_program: Interface<'info, TokenInterface>,
}

impl CompleteWithdrawal<'_> {
    fn validate(&self) -> Result<()> {
        require!(
            self.ticket.kind == TicketKind::Withdraw,
            RestakingError::WrongTicketKind
        );
        require!(
            self.ticket.is_matured(Clock::get()?.unix_timestamp),
            RestakingError::TicketNotMatured
        );
        Ok(())
    }
}

#[access_control(ctx.accounts.validate())]
pub fn handler(ctx: Context<CompleteWithdrawal>) -> Result<()> {
    let accounts = &mut *ctx.accounts;
    let ticket = &accounts.ticket;
    let pool = &mut accounts.pool;
    let position = &mut accounts.position;

    pool.total_ticket_lst = pool.total_ticket_lst.safe_sub(ticket.lst)?;
    pool.total_principal = pool.total_principal.safe_sub(ticket.principal)?;
    pool.total_withdrawn_lst = pool.total_withdrawn_lst.safe_add(ticket.lst)?;
    position.open_tickets = position
        .open_tickets
        .checked_sub(1)
        .ok_or(RestakingError::MathOverflow)?;

    transfer_from_vault(
        &accounts.token_program.to_account_info(),
        &accounts.pool_vault,
        &accounts.owner_lst_account.to_account_info(),
        &accounts.lst_mint,
        &pool.to_account_info(),
        &pool.signer_seeds(),
        ticket.lst,
    )?;

    let event = WithdrawalCompletedEvent {
        pool: pool.key(),
        position: position.key(),
        ticket: ticket.key(),
        destination: accounts.owner_lst_account.key(),
        lst: ticket.lst,
        pool_total_ticket_lst: pool.total_ticket_lst,
    };
    emit_cpi!(event);
    Ok(())
}
