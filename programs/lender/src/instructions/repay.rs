//! `repay(amount)`: pays back up to the debt of an active loan. Anyone may repay a loan; the
//! tokens go into the liquidity vault.
use crate::error::LenderError;
use crate::events::RepaidEvent;
use crate::math::sub;
use crate::state::{Loan, LoanStatus, Market};
use anchor_lang::prelude::*;
use anchor_spl::token_interface::{self, Mint, TokenAccount, TokenInterface, TransferChecked};

#[derive(Accounts)]
pub struct Repay<'info> {
    /// Pays the loan tokens (usually the borrower).
    pub payer: Signer<'info>,
    /// The market.
    #[account(
        mut,
        has_one = liquidity_vault @ LenderError::WrongVault,
        has_one = loan_mint @ LenderError::WrongMint,
        has_one = loan_token_program @ LenderError::WrongTokenProgram,
    )]
    pub market: Box<Account<'info, Market>>,
    /// The loan repaid.
    /// Its seeds (`["loan", market, borrower]`, stored bump) prove it is this market's loan
    /// of that borrower.
    #[account(
        mut,
        seeds = [Loan::SEED, market.key().as_ref(), loan.borrower.as_ref()],
        bump = loan.bump,
    )]
    pub loan: Box<Account<'info, Loan>>,
    /// The payer's loan tokens.
    #[account(mut, token::mint = loan_mint, token::token_program = loan_token_program)]
    pub payer_loan_account: Box<InterfaceAccount<'info, TokenAccount>>,
    /// The market's liquidity vault (`has_one` on the market).
    #[account(mut)]
    pub liquidity_vault: Box<InterfaceAccount<'info, TokenAccount>>,
    /// The loan mint.
    pub loan_mint: Box<InterfaceAccount<'info, Mint>>,
    /// Its token program.
    pub loan_token_program: Interface<'info, TokenInterface>,
}

impl Repay<'_> {
    fn validate(&self, amount: u64) -> Result<()> {
        require!(amount > 0, LenderError::ZeroAmount);
        require!(
            self.loan.status == LoanStatus::Active,
            LenderError::LoanNotActive
        );
        require!(amount <= self.loan.debt, LenderError::RepayExceedsDebt);
        Ok(())
    }
}

#[access_control(ctx.accounts.validate(amount))]
pub fn handler(ctx: Context<Repay>, amount: u64) -> Result<()> {
    let a = &mut *ctx.accounts;
    token_interface::transfer_checked(
        CpiContext::new(
            a.loan_token_program.key(),
            TransferChecked {
                from: a.payer_loan_account.to_account_info(),
                mint: a.loan_mint.to_account_info(),
                to: a.liquidity_vault.to_account_info(),
                authority: a.payer.to_account_info(),
            },
        ),
        amount,
        a.loan_mint.decimals,
    )?;
    a.loan.debt = sub(a.loan.debt, amount)?;
    a.market.total_debt = sub(a.market.total_debt, amount)?;
    emit!(RepaidEvent {
        market: a.market.key(),
        loan: a.loan.key(),
        payer: a.payer.key(),
        amount,
        debt: a.loan.debt,
        market_total_debt: a.market.total_debt,
    });
    Ok(())
}
