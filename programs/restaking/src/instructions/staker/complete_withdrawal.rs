//! `complete_withdrawal`: settles a matured ticket and closes it (rent back to its beneficiary,
//! who signs: the lien holder for its enforcement tickets, the owner for the others).
//! A `Withdraw` ticket pays its LST to the owner's token account; an `Undelegate` ticket
//! returns its LST — cut by any slash since it was opened — from the bucket's queue to the
//! position's idle holding (pass `operator_pool`, `delegation` and `queue` for it; the token
//! accounts are then unused). Never paused: exits cannot be trapped. An `Undelegate` ticket
//! waits only for a live slash request that will cut its cohort — one made before the cohort
//! started to mature — so a pending slash cannot be escaped, tickets matured before a request
//! leave freely, and no ticket waits more than `slash_veto_secs + SLASH_GRACE_SECS` past its
//! maturity, whatever a slasher does.
use crate::error::RestakingError;
use crate::events::WithdrawalCompletedEvent;
use crate::math::SafeMath;
use crate::state::{
    Delegation, OperatorPool, Pool, Position, TicketKind, UndelegationQueue, WithdrawalTicket,
};
use crate::token::transfer_from_vault;
use anchor_lang::prelude::*;
use anchor_spl::token_interface::{TokenAccount, TokenInterface};

#[event_cpi]
#[derive(Accounts)]
pub struct CompleteWithdrawal<'info> {
    /// The ticket's beneficiary: the lien holder for an enforcement ticket, else the position's
    /// owner; gets the ticket's rent back.
    #[account(mut)]
    pub authority: Signer<'info>,
    /// The pool (`["pool", lst_mint]`).
    #[account(
        mut, dup,
        has_one = lst_mint @ RestakingError::InvalidMint,
        constraint = pool.vault == pool_vault.key() @ RestakingError::InvalidVault,
        constraint = pool.token_program == token_program.key() @ RestakingError::InvalidTokenProgram,
    )]
    pub pool: Box<Account<'info, Pool>>,
    /// The staker's position (`["position", pool, owner]`).
    #[account(mut, dup, has_one = pool @ RestakingError::WrongPool)]
    pub position: Box<Account<'info, Position>>,
    /// The matured ticket; closed.
    #[account(
        mut, dup,
        close = authority,
        has_one = position @ RestakingError::WrongTicket,
    )]
    pub ticket: Box<Account<'info, WithdrawalTicket>>,
    /// The pool's LST mint (`has_one` on `pool`).
    /// CHECK: `transfer_checked` checks it and `lst_decimals` against both token accounts.
    pub lst_mint: UncheckedAccount<'info>,
    /// The pool's LST vault (`["pool_vault", pool]`); pays the LST.
    #[account(mut, dup)]
    pub pool_vault: Box<InterfaceAccount<'info, TokenAccount>>,
    /// Any token account of the LST mint, the beneficiary's choice; receives the LST.
    #[account(
        mut, dup,
        constraint = owner_lst_account.mint == lst_mint.key() @ RestakingError::InvalidMint,
        constraint = owner_lst_account.key() != pool.vault @ RestakingError::InvalidVault,
    )]
    pub owner_lst_account: Box<InterfaceAccount<'info, TokenAccount>>,
    /// Token program of the mint (SPL Token or Token-2022).
    pub token_program: Interface<'info, TokenInterface>,
    /// The ticket's bucket (`Undelegate` tickets only).
    #[account(mut, dup)]
    pub operator_pool: Option<Box<Account<'info, OperatorPool>>>,
    /// The position's delegation to that bucket (`Undelegate` tickets only).
    #[account(mut, dup)]
    pub delegation: Option<Box<Account<'info, Delegation>>>,
    /// The bucket's undelegation queue (`Undelegate` tickets only).
    #[account(mut)]
    pub queue: Option<AccountLoader<'info, UndelegationQueue>>,
}

pub fn handler(ctx: Context<CompleteWithdrawal>) -> Result<()> {
    let now = Clock::get()?.unix_timestamp;
    let accounts = &mut *ctx.accounts;
    let ticket = &accounts.ticket;
    let pool = &mut accounts.pool;
    let position = &mut accounts.position;
    position.require_ticket_beneficiary(ticket.enforcement, &accounts.authority.key())?;
    require!(ticket.is_matured(now), RestakingError::TicketNotMatured);
    position.close_ticket(ticket.enforcement)?;

    let (lst, destination) = match ticket.kind {
        TicketKind::Withdraw => {
            pool.total_ticket_lst = pool.total_ticket_lst.safe_sub(ticket.lst)?;
            pool.total_principal = pool.total_principal.safe_sub(ticket.principal)?;
            pool.total_withdrawn_lst = pool.total_withdrawn_lst.safe_add(ticket.lst)?;
            transfer_from_vault(
                &accounts.token_program.to_account_info(),
                &accounts.pool_vault,
                &accounts.owner_lst_account.to_account_info(),
                &accounts.lst_mint,
                pool,
                ticket.lst,
            )?;
            (ticket.lst, accounts.owner_lst_account.key())
        }
        TicketKind::Undelegate => {
            let (bucket, delegation) = undelegation_accounts(
                ticket,
                &mut accounts.operator_pool,
                &mut accounts.delegation,
            )?;
            let queue = accounts.queue.as_ref().ok_or(RestakingError::WrongQueue)?;
            let lst =
                settle_undelegate_ticket(pool, position, ticket, bucket, delegation, queue, now)?;
            (lst, position.key())
        }
    };

    let event = WithdrawalCompletedEvent {
        pool: pool.key(),
        position: position.key(),
        ticket: ticket.key(),
        destination,
        lst,
        pool_total_ticket_lst: pool.total_ticket_lst,
    };
    emit_cpi!(event);
    Ok(())
}

/// Returns a matured `Undelegate` ticket's LST — cut by any slash since it was opened — from its
/// bucket's queue to the position's idle holding; returns that LST. The ticket waits while a
/// live slash request will cut its cohort (`SlashPending`). The caller checks maturity, closes
/// the ticket and counts it out of the position.
pub fn settle_undelegate_ticket(
    pool: &mut Pool,
    position: &mut Position,
    ticket: &WithdrawalTicket,
    bucket: &mut OperatorPool,
    delegation: &mut Delegation,
    queue: &AccountLoader<UndelegationQueue>,
    now: i64,
) -> Result<u64> {
    require!(
        bucket.ticket_may_leave(ticket.cohort, now),
        RestakingError::SlashPending
    );
    let mut queue = load_queue(queue, &ticket.operator_pool)?;
    let back = pool.take_from_queue(bucket, &mut queue, ticket.cohort, ticket.shares)?;
    pool.queue_to_idle(position, back)?;
    delegation.open_undelegations = delegation
        .open_undelegations
        .checked_sub(1)
        .ok_or(RestakingError::MathOverflow)?;
    Ok(back.lst)
}

/// The bucket's queue, loaded for writing and checked against the bucket.
pub fn load_queue<'a>(
    queue: &'a AccountLoader<UndelegationQueue>,
    bucket: &Pubkey,
) -> Result<core::cell::RefMut<'a, UndelegationQueue>> {
    let queue = queue.load_mut()?;
    require_keys_eq!(queue.operator_pool, *bucket, RestakingError::WrongQueue);
    Ok(queue)
}

/// The bucket and delegation an `Undelegate` ticket belongs to, checked against it.
pub fn undelegation_accounts<'a, 'info>(
    ticket: &WithdrawalTicket,
    operator_pool: &'a mut Option<Box<Account<'info, OperatorPool>>>,
    delegation: &'a mut Option<Box<Account<'info, Delegation>>>,
) -> Result<(&'a mut OperatorPool, &'a mut Delegation)> {
    let bucket = operator_pool
        .as_deref_mut()
        .ok_or(RestakingError::WrongDelegation)?;
    let delegation = delegation
        .as_deref_mut()
        .ok_or(RestakingError::WrongDelegation)?;
    require_keys_eq!(
        bucket.key(),
        ticket.operator_pool,
        RestakingError::WrongDelegation
    );
    require_keys_eq!(
        delegation.operator_pool,
        ticket.operator_pool,
        RestakingError::WrongDelegation
    );
    require_keys_eq!(
        delegation.position,
        ticket.position,
        RestakingError::WrongDelegation
    );
    Ok((&mut **bucket, &mut **delegation))
}
