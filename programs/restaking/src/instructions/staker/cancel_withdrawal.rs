//! `cancel_withdrawal`: undoes a ticket and closes it. A `Withdraw` ticket's LST returns to
//! the idle holding, re-valued at the fresh rate (it earned nothing while queued); an
//! `Undelegate` ticket's LST returns from the bucket's queue to its active shares (pass
//! `operator_pool`, `delegation`, `queue` and `operator`, and as remaining accounts every
//! `RewardIndex` of the bucket in slot order). That is a delegation, under a delegation's
//! rules: not while delegations are paused, the operator is inactive, a slash is pending on
//! the bucket or the bucket is depleted — the ticket then stays queued, unchanged, and can
//! still complete when it matures.
//!
//! Signed by the ticket's beneficiary: the lien holder for its enforcement tickets; else the
//! owner, with the lien holder's co-signature while a lien is set.
use crate::constants::PAUSE_DELEGATIONS;
use crate::error::RestakingError;
use crate::events::WithdrawalCancelledEvent;
use crate::instructions::staker::complete_withdrawal::load_queue;
use crate::instructions::staker::complete_withdrawal::undelegation_accounts;
use crate::instructions::staker::request_withdrawal::co_signer;
use crate::math::{value_of_lst_floor, SafeMath};
use crate::rate_source::refresh_rate;
use crate::reward_streams::{load_indexes, settle_all};
use crate::state::{
    Config, Delegation, Operator, OperatorPool, Pool, Position, TicketKind, UndelegationQueue,
    WithdrawalTicket,
};
use anchor_lang::prelude::*;

#[event_cpi]
#[derive(Accounts)]
pub struct CancelWithdrawal<'info> {
    /// The ticket's beneficiary: the lien holder for an enforcement ticket, else the position's
    /// owner; gets the ticket's rent back.
    #[account(mut)]
    pub authority: Signer<'info>,
    /// The lien holder's co-signature, when the owner cancels on a position with a lien.
    pub lien_holder: Option<Signer<'info>>,
    /// The pool (`["pool", lst_mint]`).
    #[account(mut, dup)]
    pub pool: Box<Account<'info, Pool>>,
    /// The staker's position (`["position", pool, owner]`).
    #[account(mut, dup, has_one = pool @ RestakingError::WrongPool)]
    pub position: Box<Account<'info, Position>>,
    /// The ticket to cancel; closed.
    #[account(
        mut, dup,
        close = authority,
        has_one = position @ RestakingError::WrongTicket,
    )]
    pub ticket: Box<Account<'info, WithdrawalTicket>>,
    /// The pool's rate-source account (omit for manual pools).
    /// CHECK: key, owner program and layout are checked by `refresh_rate`.
    pub rate_source: Option<UncheckedAccount<'info>>,
    /// The ticket's bucket (`Undelegate` tickets only).
    #[account(mut, dup)]
    pub operator_pool: Option<Box<Account<'info, OperatorPool>>>,
    /// The position's delegation to that bucket (`Undelegate` tickets only).
    #[account(mut, dup)]
    pub delegation: Option<Box<Account<'info, Delegation>>>,
    /// The bucket's undelegation queue (`Undelegate` tickets only).
    #[account(mut)]
    pub queue: Option<AccountLoader<'info, UndelegationQueue>>,
    /// The config, for its pause flags (`Undelegate` tickets only).
    pub config: Option<Box<Account<'info, Config>>>,
    /// The bucket's operator, for its status (`Undelegate` tickets only).
    pub operator: Option<Box<Account<'info, Operator>>>,
}

pub fn handler(ctx: Context<CancelWithdrawal>) -> Result<()> {
    let clock = Clock::get()?;
    let accounts = &mut *ctx.accounts;
    let ticket = &accounts.ticket;
    let pool = &mut accounts.pool;
    let position = &mut accounts.position;

    let source = accounts.rate_source.as_ref().map(|a| a.to_account_info());
    position.require_ticket_beneficiary(ticket.enforcement, &accounts.authority.key())?;
    if !ticket.enforcement {
        position.require_lien_consent(co_signer(&accounts.lien_holder).as_ref())?;
    }
    let rate = refresh_rate(pool, source.as_ref(), &clock)?;
    position.close_ticket(ticket.enforcement)?;

    let (lst, principal) = match ticket.kind {
        TicketKind::Withdraw => {
            pool.strip_idle(position, rate)?;
            let principal = value_of_lst_floor(ticket.lst, rate)?;
            position.add_idle(ticket.lst, principal)?;
            pool.total_ticket_lst = pool.total_ticket_lst.safe_sub(ticket.lst)?;
            pool.total_idle_lst = pool.total_idle_lst.safe_add(ticket.lst)?;
            pool.total_principal = pool
                .total_principal
                .safe_sub(ticket.principal)?
                .safe_add(principal)?;
            (ticket.lst, principal)
        }
        TicketKind::Undelegate => {
            let (bucket, delegation) = undelegation_accounts(
                ticket,
                &mut accounts.operator_pool,
                &mut accounts.delegation,
            )?;
            // Re-entering the bucket is a delegation: the same rules as `delegate`.
            let config = accounts
                .config
                .as_deref()
                .ok_or(RestakingError::WrongDelegation)?;
            let operator = accounts
                .operator
                .as_deref()
                .ok_or(RestakingError::WrongDelegation)?;
            require_keys_eq!(
                operator.key(),
                bucket.operator,
                RestakingError::WrongDelegation
            );
            require!(
                !config.is_paused(PAUSE_DELEGATIONS),
                RestakingError::DelegationsPaused
            );
            require!(operator.active, RestakingError::OperatorInactive);
            require!(
                !bucket.has_pending_slash(clock.unix_timestamp),
                RestakingError::SlashPending
            );
            pool.harvest_bucket(bucket, rate)?;
            let indexes = load_indexes(
                bucket,
                &ticket.operator_pool,
                ctx.remaining_accounts,
                clock.unix_timestamp,
            )?;
            settle_all(delegation, bucket, &indexes)?;
            let queue = accounts.queue.as_ref().ok_or(RestakingError::WrongQueue)?;
            let mut queue = load_queue(queue, &ticket.operator_pool)?;
            let back = pool.take_from_queue(bucket, &mut queue, ticket.cohort, ticket.shares)?;
            let moved = pool.queue_to_bucket(bucket, back, rate)?;
            delegation.shares = delegation.shares.safe_add(moved.shares)?;
            delegation.open_undelegations = delegation
                .open_undelegations
                .checked_sub(1)
                .ok_or(RestakingError::MathOverflow)?;
            (moved.lst, moved.principal)
        }
    };

    let event = WithdrawalCancelledEvent {
        pool: pool.key(),
        position: position.key(),
        ticket: ticket.key(),
        lst,
        principal,
        position_idle_lst: position.idle_lst,
        pool_total_ticket_lst: pool.total_ticket_lst,
    };
    emit_cpi!(event);
    Ok(())
}
