//! `execute_slash`: after the veto window and before the request expires (`SLASH_GRACE_SECS`
//! later), anyone executes a pending slash. The bucket is harvested first (yield already earned
//! is not slashed), then its active LST and principal and the cohorts of its undelegation queue
//! that had not started to mature when the request was made are cut by the same factor, and the
//! seized LST goes to the service's destination. Tickets matured before the request are never
//! cut, completed or not. No iteration over delegators or tickets: the loop is over the queue's
//! live cohorts, at most `(withdrawal delay + veto + grace) / COHORT_SECS + 2` (10 for a 7-day
//! pool, 68 at the 60-day maximum).
use crate::error::RestakingError;
use crate::events::SlashExecutedEvent;
use crate::math::SafeMath;
use crate::rate_source::refresh_rate;
use crate::state::{OperatorPool, Pool, Service, SlashRequest, SlashStatus, UndelegationQueue};
use crate::token::transfer_from_vault;
use anchor_lang::prelude::*;
use anchor_spl::token_interface::{TokenAccount, TokenInterface};

#[event_cpi]
#[derive(Accounts)]
pub struct ExecuteSlash<'info> {
    /// The bucket's pool; its totals shrink by the seized LST.
    #[account(
        mut, dup,
        has_one = lst_mint @ RestakingError::InvalidMint,
        constraint = pool.vault == pool_vault.key() @ RestakingError::InvalidVault,
        constraint = pool.token_program == token_program.key() @ RestakingError::InvalidTokenProgram,
    )]
    pub pool: Box<Account<'info, Pool>>,
    /// The slashed bucket.
    #[account(mut, dup, has_one = pool @ RestakingError::WrongPool)]
    pub operator_pool: Box<Account<'info, OperatorPool>>,
    /// The pending request, past its veto window.
    #[account(
        mut, dup,
        has_one = operator_pool @ RestakingError::WrongDelegation,
        has_one = service @ RestakingError::ServiceNotLinked,
        constraint = slash_request.status == SlashStatus::Pending @ RestakingError::SlashNotPending,
    )]
    pub slash_request: Box<Account<'info, SlashRequest>>,
    /// The requesting service (names the destination owner).
    pub service: Box<Account<'info, Service>>,
    /// The bucket's undelegation queue.
    #[account(mut)]
    pub queue: AccountLoader<'info, UndelegationQueue>,
    /// The pool's LST mint (`has_one` on `pool`).
    /// CHECK: `transfer_checked` checks it and `lst_decimals` against both token accounts.
    pub lst_mint: UncheckedAccount<'info>,
    /// The pool's LST vault (`["pool_vault", pool]`); pays the seized LST.
    #[account(mut, dup)]
    pub pool_vault: Box<InterfaceAccount<'info, TokenAccount>>,
    /// The service's token account of this LST.
    #[account(
        mut, dup,
        constraint = destination.mint == lst_mint.key() @ RestakingError::InvalidMint,
        constraint = destination.owner == service.destination @ RestakingError::InvalidSlashDestination,
        constraint = destination.key() != pool_vault.key() @ RestakingError::InvalidSlashDestination,
    )]
    pub destination: Box<InterfaceAccount<'info, TokenAccount>>,
    /// The pool's rate-source account (omit for manual pools).
    /// CHECK: key, owner program and layout are checked by `refresh_rate`.
    pub rate_source: Option<UncheckedAccount<'info>>,
    /// Token program of the mint (SPL Token or Token-2022).
    pub token_program: Interface<'info, TokenInterface>,
}

pub fn handler(ctx: Context<ExecuteSlash>) -> Result<()> {
    let clock = Clock::get()?;
    let accounts = &mut *ctx.accounts;
    require!(
        clock.unix_timestamp >= accounts.slash_request.executable_ts,
        RestakingError::VetoWindowOpen
    );
    require!(
        clock.unix_timestamp < accounts.slash_request.expires_ts,
        RestakingError::SlashExpired
    );
    let pool = &mut accounts.pool;
    let bucket = &mut accounts.operator_pool;
    let request = &mut accounts.slash_request;

    let source = accounts.rate_source.as_ref().map(|a| a.to_account_info());
    let rate = refresh_rate(pool, source.as_ref(), &clock)?;
    pool.harvest_bucket(bucket, rate)?;

    let cut_key = request.cut_key()?;
    let active = pool.slash_active(bucket, request.bps)?;
    // An empty queue has nothing to cut: it is not even loaded.
    let queued = if bucket.queued_lst > 0 {
        let mut queue = accounts.queue.load_mut()?;
        require_keys_eq!(
            queue.operator_pool,
            bucket.key(),
            RestakingError::WrongQueue
        );
        pool.slash_queue(bucket, &mut queue, cut_key, request.bps)?
    } else {
        0
    };
    bucket.close_slash(cut_key)?;
    request.status = SlashStatus::Executed;
    request.seized_active_lst = active;
    request.seized_queued_lst = queued;

    let seized = active.safe_add(queued)?;
    if seized > 0 {
        transfer_from_vault(
            &accounts.token_program.to_account_info(),
            &accounts.pool_vault,
            &accounts.destination.to_account_info(),
            &accounts.lst_mint,
            pool,
            seized,
        )?;
    }

    let event = SlashExecutedEvent {
        slash_request: request.key(),
        operator_pool: bucket.key(),
        service: request.service,
        destination: accounts.destination.key(),
        bps: request.bps,
        seized_active_lst: active,
        seized_queued_lst: queued,
        bucket_total_lst: bucket.total_lst,
        bucket_queued_lst: bucket.queued_lst,
    };
    emit_cpi!(event);
    Ok(())
}
