//! `init_market(args)`: a market lending `loan_mint` against positions of one restaking pool.
//! Creates the market, and its two token accounts owned by the market's authority PDA: the
//! liquidity vault (loan tokens) and the collateral vault (LST collected on default).
use crate::constants::{
    ACCOUNT_VERSION, AUTHORITY_SEED, COLLATERAL_VAULT_SEED, LIQUIDITY_VAULT_SEED,
};
use crate::error::LenderError;
use crate::events::MarketInitializedEvent;
use crate::restaking::accounts::Pool;
use crate::state::Market;
use anchor_lang::prelude::*;
use anchor_spl::token_interface::{Mint, TokenAccount, TokenInterface};

/// Risk parameters and price of a new market (see [`Market`]).
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Copy, Debug)]
pub struct InitMarketArgs {
    pub ltv_bps: u16,
    pub maintenance_bps: u16,
    pub price_num: u64,
    pub price_den: u64,
}

#[derive(Accounts)]
pub struct InitMarket<'info> {
    /// Becomes the market's admin; pays for the accounts.
    #[account(mut)]
    pub admin: Signer<'info>,
    /// The restaking pool whose positions the market accepts (owner: the restaking program).
    pub pool: Box<Account<'info, Pool>>,
    /// The pool's LST mint.
    #[account(
        address = pool.lst_mint @ LenderError::WrongMint,
        mint::token_program = lst_token_program,
    )]
    pub lst_mint: Box<InterfaceAccount<'info, Mint>>,
    /// Token program of the LST (the pool's).
    #[account(address = pool.token_program @ LenderError::WrongTokenProgram)]
    pub lst_token_program: Interface<'info, TokenInterface>,
    /// The mint to lend.
    #[account(mint::token_program = loan_token_program)]
    pub loan_mint: Box<InterfaceAccount<'info, Mint>>,
    /// Token program of the loan mint.
    pub loan_token_program: Interface<'info, TokenInterface>,
    /// The new market.
    #[account(
        init,
        payer = admin,
        space = Market::SPACE,
        seeds = [Market::SEED, admin.key().as_ref(), pool.key().as_ref(), loan_mint.key().as_ref()],
        bump,
    )]
    pub market: Box<Account<'info, Market>>,
    /// The market's authority PDA: holds liens, owns the vaults, signs CPIs.
    /// CHECK: a system account at `["authority", market]` (seeds checked here); never holds data.
    #[account(seeds = [AUTHORITY_SEED, market.key().as_ref()], bump)]
    pub market_authority: UncheckedAccount<'info>,
    /// Loan tokens to lend.
    #[account(
        init,
        payer = admin,
        seeds = [LIQUIDITY_VAULT_SEED, market.key().as_ref()],
        bump,
        token::mint = loan_mint,
        token::authority = market_authority,
        token::token_program = loan_token_program,
    )]
    pub liquidity_vault: Box<InterfaceAccount<'info, TokenAccount>>,
    /// LST collected on default.
    #[account(
        init,
        payer = admin,
        seeds = [COLLATERAL_VAULT_SEED, market.key().as_ref()],
        bump,
        token::mint = lst_mint,
        token::authority = market_authority,
        token::token_program = lst_token_program,
    )]
    pub collateral_vault: Box<InterfaceAccount<'info, TokenAccount>>,
    pub system_program: Program<'info, System>,
}

impl InitMarket<'_> {
    fn validate(&self, args: &InitMarketArgs) -> Result<()> {
        Market::validate_params(
            args.ltv_bps,
            args.maintenance_bps,
            args.price_num,
            args.price_den,
        )
    }
}

#[access_control(ctx.accounts.validate(&args))]
pub fn handler(ctx: Context<InitMarket>, args: InitMarketArgs) -> Result<()> {
    let a = &mut *ctx.accounts;
    a.market.set_inner(Market {
        admin: a.admin.key(),
        pool: a.pool.key(),
        lst_mint: a.lst_mint.key(),
        lst_token_program: a.lst_token_program.key(),
        loan_mint: a.loan_mint.key(),
        loan_token_program: a.loan_token_program.key(),
        liquidity_vault: a.liquidity_vault.key(),
        collateral_vault: a.collateral_vault.key(),
        ltv_bps: args.ltv_bps,
        maintenance_bps: args.maintenance_bps,
        price_num: args.price_num,
        price_den: args.price_den,
        total_debt: 0,
        total_defaulted_debt: 0,
        total_collected_lst: 0,
        open_loans: 0,
        bump: ctx.bumps.market,
        authority_bump: ctx.bumps.market_authority,
        liquidity_vault_bump: ctx.bumps.liquidity_vault,
        collateral_vault_bump: ctx.bumps.collateral_vault,
        version: ACCOUNT_VERSION,
        reserved: [0; 64],
    });
    let m = &a.market;
    emit!(MarketInitializedEvent {
        market: m.key(),
        admin: m.admin,
        pool: m.pool,
        lst_mint: m.lst_mint,
        loan_mint: m.loan_mint,
        liquidity_vault: m.liquidity_vault,
        collateral_vault: m.collateral_vault,
        ltv_bps: m.ltv_bps,
        maintenance_bps: m.maintenance_bps,
        price_num: m.price_num,
        price_den: m.price_den,
    });
    Ok(())
}
