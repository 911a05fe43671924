//! `collect`: anyone settles a liquidating loan's enforcement tickets as they mature.
//!
//! - With `ticket`: completes it by CPI (`complete_withdrawal`, the authority signing). A
//!   `Withdraw` ticket pays its LST into the market's collateral vault; an `Undelegate` ticket
//!   returns its LST to the position's idle holding, as always (pass `operator_pool`,
//!   `delegation` and `queue`).
//! - With `next_ticket` and idle LST on the position: harvests the idle holding (its base
//!   yield stays the owner's) and requests the rest into a new enforcement ticket at the
//!   position's next nonce.
//! - Once no enforcement ticket is open and nothing is idle, the default ends: the lien is
//!   released, the debt written off against the LST collected, the loan marked `Defaulted`.
use crate::constants::{AUTHORITY_SEED, RESTAKING_EVENT_AUTHORITY};
use crate::cpi::{CompleteAccounts, RestakingCpi, WithdrawAccounts};
use crate::error::LenderError;
use crate::events::{CollectedEvent, LoanDefaultedEvent};
use crate::math::{add, sub};
use crate::restaking::accounts::{Pool, Position, WithdrawalTicket};
use crate::restaking::program::Restaking;
use crate::state::{Loan, LoanStatus, Market};
use anchor_lang::prelude::*;
use anchor_spl::token_interface::{Mint, TokenAccount, TokenInterface};

#[derive(Accounts)]
pub struct Collect<'info> {
    /// Anyone; pays a new ticket's rent through the authority.
    #[account(mut)]
    pub cranker: Signer<'info>,
    /// The market.
    #[account(
        mut,
        has_one = pool @ LenderError::WrongPool,
        has_one = lst_mint @ LenderError::WrongMint,
        has_one = lst_token_program @ LenderError::WrongTokenProgram,
        has_one = collateral_vault @ LenderError::WrongVault,
    )]
    pub market: Box<Account<'info, Market>>,
    /// The liquidating loan.
    /// Its seeds (`["loan", market, borrower]`, stored bump) prove it is this market's loan
    /// of that borrower.
    #[account(
        mut,
        seeds = [Loan::SEED, market.key().as_ref(), loan.borrower.as_ref()],
        bump = loan.bump,
        has_one = position @ LenderError::WrongPosition,
    )]
    pub loan: Box<Account<'info, Loan>>,
    /// The market's authority PDA: the tickets' beneficiary; gets their rent back.
    /// CHECK: seeds and stored bump checked here; a system account.
    #[account(mut, seeds = [AUTHORITY_SEED, market.key().as_ref()], bump = market.authority_bump)]
    pub market_authority: UncheckedAccount<'info>,
    /// The market's pool.
    #[account(mut)]
    pub pool: Box<Account<'info, Pool>>,
    /// The loan's position.
    #[account(mut)]
    pub position: Box<Account<'info, Position>>,
    /// A matured enforcement ticket of the position to settle.
    #[account(
        mut,
        constraint = ticket.position == position.key() @ LenderError::WrongTicket,
        constraint = ticket.enforcement @ LenderError::WrongTicket,
    )]
    pub ticket: Option<Box<Account<'info, WithdrawalTicket>>>,
    /// The pool's LST vault.
    /// CHECK: its address is the pool's; the restaking program pays from it.
    #[account(mut, address = pool.vault @ LenderError::WrongVault)]
    pub pool_vault: UncheckedAccount<'info>,
    /// The LST mint.
    pub lst_mint: Box<InterfaceAccount<'info, Mint>>,
    /// The market's collateral vault (`has_one` on the market): receives the LST.
    #[account(mut)]
    pub collateral_vault: Box<InterfaceAccount<'info, TokenAccount>>,
    /// Token program of the LST.
    pub lst_token_program: Interface<'info, TokenInterface>,
    /// The pool's rate source (omit for manual pools; needed to request idle LST).
    /// CHECK: checked by the restaking program against the pool.
    pub rate_source: Option<UncheckedAccount<'info>>,
    /// An `Undelegate` ticket's bucket.
    /// CHECK: checked by the restaking program against the ticket.
    #[account(mut)]
    pub operator_pool: Option<UncheckedAccount<'info>>,
    /// An `Undelegate` ticket's delegation.
    /// CHECK: checked by the restaking program against the ticket.
    #[account(mut)]
    pub delegation: Option<UncheckedAccount<'info>>,
    /// An `Undelegate` ticket's bucket queue.
    /// CHECK: checked by the restaking program against the bucket.
    #[account(mut)]
    pub queue: Option<UncheckedAccount<'info>>,
    /// The new `Withdraw` ticket for idle LST, at the position's next nonce.
    /// CHECK: created by the restaking program, which checks its seeds.
    #[account(mut)]
    pub next_ticket: Option<UncheckedAccount<'info>>,
    /// The restaking program's event authority.
    /// CHECK: its address (`constants::RESTAKING_EVENT_AUTHORITY`).
    #[account(address = RESTAKING_EVENT_AUTHORITY)]
    pub restaking_event_authority: UncheckedAccount<'info>,
    pub restaking_program: Program<'info, Restaking>,
    pub system_program: Program<'info, System>,
}

impl Collect<'_> {
    fn validate(&self) -> Result<()> {
        require!(
            self.loan.status == LoanStatus::Liquidating,
            LenderError::LoanNotLiquidating
        );
        Ok(())
    }
}

/// Ends a default: releases the lien (no enforcement ticket is open any more) and writes the
/// debt off against the LST collected.
pub fn end_default<'info>(
    restaking: &RestakingCpi<'_, 'info>,
    market: &mut Market,
    loan: (&mut Loan, Pubkey),
    position: &AccountInfo<'info>,
) -> Result<()> {
    let (loan, loan_key) = loan;
    restaking.release_lien(position)?;
    let debt = loan.debt;
    market.total_debt = sub(market.total_debt, debt)?;
    market.total_defaulted_debt = add(market.total_defaulted_debt, debt)?;
    loan.status = LoanStatus::Defaulted;
    emit!(LoanDefaultedEvent {
        market: restaking.market,
        loan: loan_key,
        position: loan.position,
        debt_written_off: debt,
        collected_lst: loan.collected_lst,
        market_total_collected_lst: market.total_collected_lst,
    });
    Ok(())
}

#[access_control(ctx.accounts.validate())]
pub fn handler(ctx: Context<Collect>) -> Result<()> {
    let a = &mut *ctx.accounts;
    let pool = a.pool.to_account_info();
    let position = a.position.to_account_info();
    let rate_source = a.rate_source.as_ref().map(|r| r.to_account_info());
    let system_program = a.system_program.to_account_info();
    let restaking = RestakingCpi {
        program: &a.restaking_program.to_account_info(),
        event_authority: &a.restaking_event_authority.to_account_info(),
        authority: &a.market_authority.to_account_info(),
        market: a.market.key(),
        authority_bump: a.market.authority_bump,
    };
    let before = a.collateral_vault.amount;
    let mut acted = false;

    let ticket_key = a.ticket.as_ref().map(|t| t.key());
    if let Some(ticket) = &a.ticket {
        let operator_pool = a.operator_pool.as_ref().map(|x| x.to_account_info());
        let delegation = a.delegation.as_ref().map(|x| x.to_account_info());
        let queue = a.queue.as_ref().map(|x| x.to_account_info());
        restaking.complete_withdrawal(&CompleteAccounts {
            pool: &pool,
            position: &position,
            ticket: &ticket.to_account_info(),
            lst_mint: &a.lst_mint.to_account_info(),
            pool_vault: &a.pool_vault.to_account_info(),
            destination: &a.collateral_vault.to_account_info(),
            token_program: &a.lst_token_program.to_account_info(),
            operator_pool: operator_pool.as_ref(),
            delegation: delegation.as_ref(),
            queue: queue.as_ref(),
        })?;
        acted = true;
    }

    let mut requested = 0;
    a.position.reload()?;
    if a.position.idle_lst > 0 {
        if let Some(next_ticket) = &a.next_ticket {
            restaking.harvest(&pool, &position, rate_source.as_ref())?;
            a.position.reload()?;
            requested = a.position.idle_lst;
            if requested > 0 {
                restaking.fund_ticket_rent(&a.cranker.to_account_info(), &system_program)?;
                restaking.request_withdrawal(
                    &WithdrawAccounts {
                        pool: &pool,
                        position: &position,
                        ticket: &next_ticket.to_account_info(),
                        rate_source: rate_source.as_ref(),
                        system_program: &system_program,
                    },
                    requested,
                )?;
                a.position.reload()?;
            }
            acted = true;
        }
    }
    require!(acted, LenderError::NothingToCollect);

    a.collateral_vault.reload()?;
    let collected = sub(a.collateral_vault.amount, before)?;
    a.loan.collected_lst = add(a.loan.collected_lst, collected)?;
    a.market.total_collected_lst = add(a.market.total_collected_lst, collected)?;
    emit!(CollectedEvent {
        market: a.market.key(),
        loan: a.loan.key(),
        ticket: ticket_key,
        lst: collected,
        requested_lst: requested,
        loan_collected_lst: a.loan.collected_lst,
        enforcement_tickets: a.position.enforcement_tickets,
    });

    if a.position.enforcement_tickets == 0 && a.position.idle_lst == 0 {
        let loan_key = a.loan.key();
        end_default(
            &restaking,
            &mut a.market,
            (&mut a.loan, loan_key),
            &position,
        )?;
    }
    Ok(())
}
