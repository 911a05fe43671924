//! `fund_liquidity(amount)`: the admin deposits loan tokens into the liquidity vault.
use crate::error::LenderError;
use crate::events::LiquidityFundedEvent;
use crate::state::Market;
use anchor_lang::prelude::*;
use anchor_spl::token_interface::{self, Mint, TokenAccount, TokenInterface, TransferChecked};

#[derive(Accounts)]
pub struct FundLiquidity<'info> {
    /// The market's admin.
    pub admin: Signer<'info>,
    /// The market.
    #[account(
        has_one = admin @ LenderError::NotMarketAdmin,
        has_one = liquidity_vault @ LenderError::WrongVault,
        has_one = loan_mint @ LenderError::WrongMint,
        has_one = loan_token_program @ LenderError::WrongTokenProgram,
    )]
    pub market: Box<Account<'info, Market>>,
    /// The admin's loan tokens (any account of the loan mint the admin may spend).
    #[account(mut, token::mint = loan_mint, token::token_program = loan_token_program)]
    pub admin_loan_account: Box<InterfaceAccount<'info, TokenAccount>>,
    /// The market's liquidity vault.
    #[account(mut)]
    pub liquidity_vault: Box<InterfaceAccount<'info, TokenAccount>>,
    /// The loan mint.
    pub loan_mint: Box<InterfaceAccount<'info, Mint>>,
    /// Its token program.
    pub loan_token_program: Interface<'info, TokenInterface>,
}

pub fn handler(ctx: Context<FundLiquidity>, amount: u64) -> Result<()> {
    require!(amount > 0, LenderError::ZeroAmount);
    let a = &mut *ctx.accounts;
    token_interface::transfer_checked(
        CpiContext::new(
            a.loan_token_program.key(),
            TransferChecked {
                from: a.admin_loan_account.to_account_info(),
                mint: a.loan_mint.to_account_info(),
                to: a.liquidity_vault.to_account_info(),
                authority: a.admin.to_account_info(),
            },
        ),
        amount,
        a.loan_mint.decimals,
    )?;
    a.liquidity_vault.reload()?;
    emit!(LiquidityFundedEvent {
        market: a.market.key(),
        admin: a.admin.key(),
        amount,
        liquidity: a.liquidity_vault.amount,
    });
    Ok(())
}
