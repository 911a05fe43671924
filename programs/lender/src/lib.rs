//! A collateral lender on restake positions: the reference integration of the restaking
//! program (SPEC §6), and a worked example of integrating with it by CPI.
//!
//! - The restaking program's interface comes from its committed IDL through
//!   `declare_program!(restaking)` — no dependency on its crate.
//! - A borrower opens a loan on their position; the market's authority PDA takes a lien on it
//!   (`set_lien`, signed with `invoke_signed`). The position stays the borrower's: deposits and
//!   claims are theirs alone, everything else needs the lender's co-signature, which this
//!   program never gives.
//! - `borrow` values the position by CPI to `get_position_value` (read back with
//!   `get_return_data`) and lends loan tokens from the market's liquidity vault up to the
//!   loan-to-value limit; `repay` and `close_loan` end it and release the lien.
//! - When the collateral's value falls below the maintenance threshold (a slash, a rate fall),
//!   anyone may `liquidate`: the authority PDA enforces its lien alone (`undelegate` of every
//!   delegation, `request_withdrawal` of the idle LST), and `collect` settles the enforcement
//!   tickets as they mature until every LST unit is in the market's collateral vault.
//!
//! See `README.md` beside this crate for the trust model and the integration recipe.
#![allow(unexpected_cfgs)]

pub mod constants;
pub mod cpi;
pub mod error;
pub mod events;
pub mod instructions;
pub mod math;
pub mod pda;
pub mod state;
pub mod valuation;

use anchor_lang::prelude::*;
use instructions::*;
pub use valuation::Valuation;

// The restaking program's accounts, types, errors, events, CPI helpers and client builders,
// generated from `idls/restaking.json` (a link to the committed `idl/restaking.json`).
declare_program!(restaking);

declare_id!("LNDvUmQL5hpkivYCkvwBcUDDdH7vBhY7SrazQV67eT3");

/// Keeps rustc (hence cargo) aware of the IDL file the `declare_program!` above reads, so a
/// regenerated IDL rebuilds this crate. Never emitted into the binary.
const _RESTAKING_IDL: &[u8] = include_bytes!("../../../idl/restaking.json");

#[program]
pub mod restaking_lender {
    use super::*;

    /// Creates a market lending `loan_mint` against positions of one restaking pool, with its
    /// liquidity vault and collateral vault (the signer becomes its admin).
    pub fn init_market(ctx: Context<InitMarket>, args: InitMarketArgs) -> Result<()> {
        init_market::handler(ctx, args)
    }

    /// Deposits loan tokens into the market's liquidity vault (admin).
    pub fn fund_liquidity(ctx: Context<FundLiquidity>, amount: u64) -> Result<()> {
        fund_liquidity::handler(ctx, amount)
    }

    /// Opens the borrower's loan: the market authority takes a lien on their position by CPI.
    pub fn open_loan(ctx: Context<OpenLoan>) -> Result<()> {
        open_loan::handler(ctx)
    }

    /// Values the position by CPI and lends `amount` more if the debt stays within the
    /// loan-to-value limit (borrower).
    pub fn borrow<'info>(ctx: Context<'info, Borrow<'info>>, amount: u64) -> Result<()> {
        borrow::handler(ctx, amount)
    }

    /// Pays back `amount` of an active loan's debt (anyone).
    pub fn repay(ctx: Context<Repay>, amount: u64) -> Result<()> {
        repay::handler(ctx, amount)
    }

    /// Closes a repaid loan and releases the lien, or closes the record of a defaulted loan
    /// (borrower).
    pub fn close_loan(ctx: Context<CloseLoan>) -> Result<()> {
        close_loan::handler(ctx)
    }

    /// Enforces the lien of a loan whose collateral is worth less than the maintenance
    /// threshold: undelegates every delegation and requests the idle LST (anyone).
    pub fn liquidate<'info>(ctx: Context<'info, Liquidate<'info>>) -> Result<()> {
        liquidate::handler(ctx)
    }

    /// Settles a matured enforcement ticket into the collateral vault, requests what came back
    /// to idle, and ends the default once nothing is left (anyone).
    pub fn collect(ctx: Context<Collect>) -> Result<()> {
        collect::handler(ctx)
    }

    /// Values a position as this lender sees it, by CPI to the restaking view; returns and
    /// emits the valuation (anyone).
    pub fn value_position<'info>(ctx: Context<'info, ValuePosition<'info>>) -> Result<Valuation> {
        value_position::handler(ctx)
    }
}
