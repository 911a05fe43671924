//! `borrow(amount)`: lends `amount` more loan tokens from the liquidity vault if the debt stays
//! within the loan-to-value limit of the position's value — read by CPI to the restaking view
//! at a fresh rate, every delegation counted (remaining accounts: the view's delegation groups,
//! `[delegation, operator_pool, reward_index × n]` per delegation).
use crate::constants::AUTHORITY_SEED;
use crate::error::LenderError;
use crate::events::BorrowedEvent;
use crate::math::add;
use crate::restaking::accounts::{Pool, Position};
use crate::restaking::program::Restaking;
use crate::state::{Loan, LoanStatus, Market};
use crate::valuation::{require_complete, valuation, view_position, ViewAccounts};
use anchor_lang::prelude::*;
use anchor_spl::token_interface::{self, Mint, TokenAccount, TokenInterface, TransferChecked};

#[derive(Accounts)]
pub struct Borrow<'info> {
    /// The borrower.
    pub borrower: Signer<'info>,
    /// The market.
    #[account(
        mut,
        has_one = pool @ LenderError::WrongPool,
        has_one = liquidity_vault @ LenderError::WrongVault,
        has_one = loan_mint @ LenderError::WrongMint,
        has_one = loan_token_program @ LenderError::WrongTokenProgram,
    )]
    pub market: Box<Account<'info, Market>>,
    /// The borrower's loan.
    /// Its seeds (`["loan", market, borrower]`, stored bump) prove it is this market's loan
    /// of that borrower.
    #[account(
        mut,
        seeds = [Loan::SEED, market.key().as_ref(), borrower.key().as_ref()],
        bump = loan.bump,
        has_one = position @ LenderError::WrongPosition,
    )]
    pub loan: Box<Account<'info, Loan>>,
    /// The market's authority PDA: owns the liquidity vault.
    /// CHECK: seeds and stored bump checked here.
    #[account(seeds = [AUTHORITY_SEED, market.key().as_ref()], bump = market.authority_bump)]
    pub market_authority: UncheckedAccount<'info>,
    /// The market's pool.
    pub pool: Box<Account<'info, Pool>>,
    /// The loan's position.
    pub position: Box<Account<'info, Position>>,
    /// The pool's rate source (omit for manual pools).
    /// CHECK: checked by the restaking view against the pool.
    pub rate_source: Option<UncheckedAccount<'info>>,
    /// The market's liquidity vault (`has_one` on the market).
    #[account(mut)]
    pub liquidity_vault: Box<InterfaceAccount<'info, TokenAccount>>,
    /// Receives the loan tokens (any account of the loan mint).
    #[account(mut, token::mint = loan_mint, token::token_program = loan_token_program)]
    pub borrower_loan_account: Box<InterfaceAccount<'info, TokenAccount>>,
    /// The loan mint.
    pub loan_mint: Box<InterfaceAccount<'info, Mint>>,
    /// Its token program.
    pub loan_token_program: Interface<'info, TokenInterface>,
    pub restaking_program: Program<'info, Restaking>,
}

impl Borrow<'_> {
    fn validate(&self, amount: u64) -> Result<()> {
        require!(amount > 0, LenderError::ZeroAmount);
        require!(
            self.loan.status == LoanStatus::Active,
            LenderError::LoanNotActive
        );
        Ok(())
    }
}

#[access_control(ctx.accounts.validate(amount))]
pub fn handler<'info>(ctx: Context<'info, Borrow<'info>>, amount: u64) -> Result<()> {
    let a = &mut *ctx.accounts;
    let view = view_position(&ViewAccounts {
        restaking_program: &a.restaking_program.to_account_info(),
        position: &a.position.to_account_info(),
        pool: &a.pool.to_account_info(),
        rate_source: a.rate_source.as_ref().map(|r| r.as_ref()),
        groups: ctx.remaining_accounts,
    })?;
    let v = valuation(&a.market, a.position.key(), &view)?;
    require_complete(&v, &a.position, &a.market_authority.key())?;
    require!(v.rate_fresh, LenderError::StaleRate);

    let debt = add(a.loan.debt, amount)?;
    let max_debt = a.market.max_debt(v.collateral_loan_value)?;
    require!(debt <= max_debt, LenderError::ExceedsLoanToValue);

    let market_key = a.market.key();
    let bump = [a.market.authority_bump];
    let seeds: [&[u8]; 3] = [AUTHORITY_SEED, market_key.as_ref(), &bump];
    token_interface::transfer_checked(
        CpiContext::new_with_signer(
            a.loan_token_program.key(),
            TransferChecked {
                from: a.liquidity_vault.to_account_info(),
                mint: a.loan_mint.to_account_info(),
                to: a.borrower_loan_account.to_account_info(),
                authority: a.market_authority.to_account_info(),
            },
            &[&seeds],
        ),
        amount,
        a.loan_mint.decimals,
    )?;
    a.loan.debt = debt;
    a.market.total_debt = add(a.market.total_debt, amount)?;

    emit!(BorrowedEvent {
        market: market_key,
        loan: a.loan.key(),
        amount,
        debt,
        collateral_loan_value: v.collateral_loan_value,
        max_debt,
        market_total_debt: a.market.total_debt,
    });
    Ok(())
}
