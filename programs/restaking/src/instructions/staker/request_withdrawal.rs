//! `request_withdrawal(amount)`: moves idle LST into a `Withdraw` ticket that unlocks after the
//! pool's withdrawal delay. The ticket earns nothing while queued.
//!
//! Signed by the owner (and the lien holder while a lien is set), or by the lien holder alone
//! enforcing its lien: the ticket is then the holder's to complete or cancel (SPEC §6).
use crate::constants::ACCOUNT_VERSION;
use crate::error::RestakingError;
use crate::events::{LienEnforcedEvent, WithdrawalRequestedEvent};
use crate::math::SafeMath;
use crate::pda::init_account;
use crate::rate_source::refresh_rate;
use crate::state::{Actor, Pool, Position, TicketKind, WithdrawalTicket};
use anchor_lang::prelude::*;

#[event_cpi]
#[derive(Accounts)]
pub struct RequestWithdrawal<'info> {
    /// The position's owner, or its lien holder alone enforcing the lien; pays the ticket's
    /// rent and gets it back when the ticket closes.
    #[account(mut)]
    pub authority: Signer<'info>,
    /// The lien holder's co-signature, when the owner acts on a position with a lien.
    pub lien_holder: Option<Signer<'info>>,
    /// The pool (`["pool", lst_mint]`).
    #[account(mut, dup)]
    pub pool: Box<Account<'info, Pool>>,
    /// The staker's position (`["position", pool, owner]`).
    #[account(mut, dup, has_one = pool @ RestakingError::WrongPool)]
    pub position: Box<Account<'info, Position>>,
    /// The new `Withdraw` ticket, created by this instruction at the position's `ticket_nonce`.
    /// CHECK: seeds checked here; created with `pda::init_account` (robust to pre-funding).
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
    /// The pool's rate-source account (omit for manual pools).
    /// CHECK: key, owner program and layout are checked by `refresh_rate`.
    pub rate_source: Option<UncheckedAccount<'info>>,
    /// The system program.
    pub system_program: Program<'info, System>,
}

impl RequestWithdrawal<'_> {
    fn validate(&self, amount: u64) -> Result<()> {
        require!(amount > 0, RestakingError::ZeroAmount);
        Ok(())
    }
}

/// The accounts that create a ticket.
pub struct TicketAccounts<'a, 'info> {
    pub payer: &'a AccountInfo<'info>,
    pub ticket: &'a AccountInfo<'info>,
    pub system_program: &'a AccountInfo<'info>,
    pub bump: u8,
}

/// Opens ticket number `position.ticket_nonce` for `ticket` (its kind, bucket and amounts; the
/// nonce, times and bump are filled in here), unlocking `delay_secs` after `now`. Returns it.
pub fn create_ticket(
    accounts: TicketAccounts,
    position: &mut Account<Position>,
    now: i64,
    delay_secs: i64,
    mut ticket: WithdrawalTicket,
) -> Result<WithdrawalTicket> {
    let nonce = position.open_ticket(ticket.enforcement)?;
    let position_key = position.key();
    ticket.position = position_key;
    ticket.nonce = nonce;
    ticket.requested_ts = now;
    ticket.unlock_ts = now
        .checked_add(delay_secs)
        .ok_or(RestakingError::MathOverflow)?;
    ticket.bump = accounts.bump;
    ticket.version = ACCOUNT_VERSION;
    init_account(
        accounts.payer,
        accounts.ticket,
        accounts.system_program,
        WithdrawalTicket::SPACE,
        &[
            WithdrawalTicket::SEED,
            position_key.as_ref(),
            &nonce.to_le_bytes(),
            &[accounts.bump],
        ],
        &ticket,
    )?;
    Ok(ticket)
}

/// The lien holder's key if it signed.
pub fn co_signer(lien_holder: &Option<Signer>) -> Option<Pubkey> {
    lien_holder.as_ref().map(|s| s.key())
}

#[access_control(ctx.accounts.validate(amount))]
pub fn handler(ctx: Context<RequestWithdrawal>, amount: u64) -> Result<()> {
    let clock = Clock::get()?;
    let accounts = &mut *ctx.accounts;
    let pool = &mut accounts.pool;
    let position = &mut accounts.position;
    let actor = position.actor(
        &accounts.authority.key(),
        co_signer(&accounts.lien_holder).as_ref(),
    )?;

    let source = accounts.rate_source.as_ref().map(|a| a.to_account_info());
    let rate = refresh_rate(pool, source.as_ref(), &clock)?;
    pool.strip_idle(position, rate)?;

    let principal = position.remove_idle(amount)?;
    pool.total_idle_lst = pool.total_idle_lst.safe_sub(amount)?;
    pool.total_ticket_lst = pool.total_ticket_lst.safe_add(amount)?;

    let ticket = create_ticket(
        TicketAccounts {
            payer: &accounts.authority.to_account_info(),
            ticket: &accounts.ticket.to_account_info(),
            system_program: &accounts.system_program.to_account_info(),
            bump: ctx.bumps.ticket,
        },
        position,
        clock.unix_timestamp,
        pool.withdrawal_delay_secs,
        WithdrawalTicket {
            kind: TicketKind::Withdraw,
            lst: amount,
            principal,
            enforcement: actor == Actor::LienHolder,
            ..WithdrawalTicket::default()
        },
    )?;

    let event = WithdrawalRequestedEvent {
        pool: pool.key(),
        position: position.key(),
        ticket: accounts.ticket.key(),
        nonce: ticket.nonce,
        lst: amount,
        principal,
        unlock_ts: ticket.unlock_ts,
        position_idle_lst: position.idle_lst,
        pool_total_ticket_lst: pool.total_ticket_lst,
    };
    let enforced = ticket.enforcement.then(|| LienEnforcedEvent {
        position: position.key(),
        lien_holder: position.lien_holder,
        ticket: accounts.ticket.key(),
        kind: TicketKind::Withdraw,
        lst: amount,
    });
    emit_cpi!(event);
    if let Some(enforced) = enforced {
        emit_cpi!(enforced);
    }
    Ok(())
}
