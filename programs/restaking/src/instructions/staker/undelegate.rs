//! `undelegate(shares)`: takes `shares` out of the delegation into an `Undelegate` ticket. The
//! ticket's LST stays in the bucket's queue — in the cohort of its unlock day, earning nothing,
//! still slashable — until it matures; `complete_withdrawal` then returns it to the position's
//! idle holding. Never refused for a pending slash: the queue is cut with the bucket, so
//! leaving cannot escape it.
//!
//! Signed by the owner (and the lien holder while a lien is set), or by the lien holder alone
//! enforcing its lien: the ticket is then the holder's to complete or cancel (SPEC §6).
//!
//! Remaining accounts: every `RewardIndex` of the bucket, in slot order.
use crate::error::RestakingError;
use crate::events::{LienEnforcedEvent, UndelegationRequestedEvent};
use crate::instructions::staker::request_withdrawal::{co_signer, create_ticket, TicketAccounts};
use crate::math::{cohort_key, SafeMath};
use crate::rate_source::refresh_rate;
use crate::reward_streams::{load_indexes, settle_all};
use crate::state::{
    Actor, Delegation, Exit, OperatorPool, Pool, Position, TicketKind, UndelegationQueue,
    WithdrawalTicket,
};
use anchor_lang::prelude::*;

#[event_cpi]
#[derive(Accounts)]
pub struct Undelegate<'info> {
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
    /// The bucket undelegated from.
    #[account(mut, dup, has_one = pool @ RestakingError::WrongPool)]
    pub operator_pool: Box<Account<'info, OperatorPool>>,
    /// The position's delegation to the bucket.
    #[account(
        mut, dup,
        has_one = position @ RestakingError::WrongDelegation,
        has_one = operator_pool @ RestakingError::WrongDelegation,
    )]
    pub delegation: Box<Account<'info, Delegation>>,
    /// The bucket's undelegation queue.
    #[account(mut)]
    pub queue: AccountLoader<'info, UndelegationQueue>,
    /// The new `Undelegate` ticket, created by this instruction at the position's `ticket_nonce`.
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

impl Undelegate<'_> {
    fn validate(&self, shares: u64) -> Result<()> {
        require!(shares > 0, RestakingError::ZeroAmount);
        require!(
            shares <= self.delegation.shares,
            RestakingError::InsufficientShares
        );
        Ok(())
    }
}

#[access_control(ctx.accounts.validate(shares))]
pub fn handler(ctx: Context<Undelegate>, shares: u64) -> Result<()> {
    let clock = Clock::get()?;
    let accounts = &mut *ctx.accounts;
    let pool = &mut accounts.pool;
    let position = &mut accounts.position;
    let bucket = &mut accounts.operator_pool;
    let delegation = &mut accounts.delegation;
    let actor = position.actor(
        &accounts.authority.key(),
        co_signer(&accounts.lien_holder).as_ref(),
    )?;

    let source = accounts.rate_source.as_ref().map(|a| a.to_account_info());
    let rate = refresh_rate(pool, source.as_ref(), &clock)?;
    pool.harvest_bucket(bucket, rate)?;
    let indexes = load_indexes(
        bucket,
        &bucket.key(),
        ctx.remaining_accounts,
        clock.unix_timestamp,
    )?;
    settle_all(delegation, bucket, &indexes)?;

    let unlock_ts = clock
        .unix_timestamp
        .checked_add(pool.withdrawal_delay_secs)
        .ok_or(RestakingError::MathOverflow)?;
    let cohort = cohort_key(unlock_ts)?;
    let whole = shares == delegation.shares;
    let (out, queue_shares) = {
        let mut queue = accounts.queue.load_mut()?;
        require_keys_eq!(
            queue.operator_pool,
            bucket.key(),
            RestakingError::WrongQueue
        );
        let exit = Exit {
            cohort,
            shares,
            whole,
        };
        pool.move_bucket_to_queue(bucket, &mut queue, exit)?
    };
    delegation.shares = delegation.shares.safe_sub(shares)?;
    delegation.open_undelegations = delegation
        .open_undelegations
        .checked_add(1)
        .ok_or(RestakingError::MathOverflow)?;
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
            kind: TicketKind::Undelegate,
            operator_pool: bucket.key(),
            lst: out.lst,
            shares: queue_shares,
            principal: out.principal,
            cohort,
            enforcement: actor == Actor::LienHolder,
            ..WithdrawalTicket::default()
        },
    )?;

    let event = UndelegationRequestedEvent {
        pool: pool.key(),
        position: position.key(),
        operator_pool: bucket.key(),
        ticket: accounts.ticket.key(),
        shares,
        lst: out.lst,
        principal: out.principal,
        unlock_ts: ticket.unlock_ts,
        delegation_shares: delegation.shares,
        bucket_total_shares: bucket.total_shares,
        bucket_queued_lst: bucket.queued_lst,
    };
    let enforced = ticket.enforcement.then(|| LienEnforcedEvent {
        position: position.key(),
        lien_holder: position.lien_holder,
        ticket: accounts.ticket.key(),
        kind: TicketKind::Undelegate,
        lst: out.lst,
    });
    emit_cpi!(event);
    if let Some(enforced) = enforced {
        emit_cpi!(enforced);
    }
    Ok(())
}
