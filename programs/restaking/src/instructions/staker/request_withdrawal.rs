//! `request_withdrawal(amount)`: moves idle LST into a `Withdraw` ticket that unlocks after the
//! pool's withdrawal delay. The ticket earns nothing while queued.
use crate::constants::{ACCOUNT_VERSION, MAX_OPEN_TICKETS};
use crate::error::RestakingError;
use crate::events::WithdrawalRequestedEvent;
use crate::math::SafeMath;
use crate::pda::init_account;
use crate::rate_source::refresh_rate;
use crate::state::{Pool, Position, TicketKind, WithdrawalTicket};
use anchor_lang::prelude::*;

#[event_cpi]
#[derive(Accounts)]
pub struct RequestWithdrawal<'info> {
    /// Position owner; pays the ticket's rent and gets it back when the ticket closes.
    #[account(mut)]
    pub owner: Signer<'info>,
    /// Must sign when the position has a lien (SPEC §6).
    pub lien_holder: Option<Signer<'info>>,
    #[account(mut)]
    pub pool: Box<Account<'info, Pool>>,
    #[account(
        mut,
        has_one = owner @ RestakingError::NotPositionOwner,
        has_one = pool @ RestakingError::WrongPool,
    )]
    pub position: Box<Account<'info, Position>>,
    /// CHECK: created by this instruction at its PDA (seeds checked here) with
    /// `pda::init_account`, robust to pre-funding.
    #[account(
        mut,
        seeds = [
            WithdrawalTicket::SEED,
            position.key().as_ref(),
            &position.ticket_nonce.to_le_bytes(),
        ],
        bump,
    )]
    pub ticket: UncheckedAccount<'info>,
    /// CHECK: the pool's rate source account (omit for manual pools); checked by `refresh_rate`.
    pub rate_source: Option<UncheckedAccount<'info>>,
    pub system_program: Program<'info, System>,
}

impl RequestWithdrawal<'_> {
    fn validate(&self, amount: u64) -> Result<()> {
        require!(amount > 0, RestakingError::ZeroAmount);
        require_lien_signature(&self.position, self.lien_holder.as_ref())?;
        require!(
            self.position.open_tickets < MAX_OPEN_TICKETS,
            RestakingError::TooManyTickets
        );
        Ok(())
    }
}

/// With a lien set, the holder named in the position must have signed.
pub fn require_lien_signature(position: &Position, lien_holder: Option<&Signer>) -> Result<()> {
    if position.has_lien() {
        let signed = lien_holder.is_some_and(|s| s.key() == position.lien_holder);
        require!(signed, RestakingError::LienHolderSignatureRequired);
    }
    Ok(())
}

#[access_control(ctx.accounts.validate(amount))]
pub fn handler(ctx: Context<RequestWithdrawal>, amount: u64) -> Result<()> {
    let clock = Clock::get()?;
    let accounts = &mut *ctx.accounts;
    let pool = &mut accounts.pool;
    let position = &mut accounts.position;

    let source = accounts.rate_source.as_ref().map(|a| a.to_account_info());
    let rate = refresh_rate(pool, source.as_ref(), &clock)?;
    pool.strip_idle(position, rate)?;

    let principal = position.remove_idle(amount)?;
    let nonce = position.ticket_nonce;
    position.ticket_nonce = nonce.safe_add(1)?;
    position.open_tickets = position
        .open_tickets
        .checked_add(1)
        .ok_or(RestakingError::MathOverflow)?;
    pool.total_idle_lst = pool.total_idle_lst.safe_sub(amount)?;
    pool.total_ticket_lst = pool.total_ticket_lst.safe_add(amount)?;

    let unlock_ts = clock
        .unix_timestamp
        .checked_add(pool.withdrawal_delay_secs)
        .ok_or(RestakingError::MathOverflow)?;
    let position_key = position.key();
    init_account(
        &accounts.owner.to_account_info(),
        &accounts.ticket.to_account_info(),
        &accounts.system_program.to_account_info(),
        WithdrawalTicket::SPACE,
        &[
            WithdrawalTicket::SEED,
            position_key.as_ref(),
            &nonce.to_le_bytes(),
            &[ctx.bumps.ticket],
        ],
        &WithdrawalTicket {
            position: position.key(),
            operator_pool: Pubkey::default(),
            kind: TicketKind::Withdraw,
            nonce,
            lst: amount,
            shares: 0,
            principal,
            requested_ts: clock.unix_timestamp,
            unlock_ts,
            bump: ctx.bumps.ticket,
            version: ACCOUNT_VERSION,
            reserved: [0; 16],
        },
    )?;

    let event = WithdrawalRequestedEvent {
        pool: pool.key(),
        position: position.key(),
        ticket: accounts.ticket.key(),
        nonce,
        lst: amount,
        principal,
        unlock_ts,
        position_idle_lst: position.idle_lst,
        pool_total_ticket_lst: pool.total_ticket_lst,
    };
    emit_cpi!(event);
    Ok(())
}
