//! `value_position`: the position as this lender sees it, by CPI to the restaking view — what
//! `borrow` and `liquidate` decide on. Returns the [`Valuation`] (return data) and emits it.
//! Read-only; anyone may call it, by simulation or CPI.
//!
//! Remaining accounts: the view's groups (see the restaking program's `get_position_value`).
use crate::error::LenderError;
use crate::events::PositionValuedEvent;
use crate::restaking::accounts::{Pool, Position};
use crate::restaking::program::Restaking;
use crate::state::Market;
use crate::valuation::{valuation, view_position, Valuation, ViewAccounts};
use anchor_lang::prelude::*;

#[derive(Accounts)]
pub struct ValuePosition<'info> {
    /// The market whose price and terms apply.
    #[account(has_one = pool @ LenderError::WrongPool)]
    pub market: Box<Account<'info, Market>>,
    /// The market's pool.
    pub pool: Box<Account<'info, Pool>>,
    /// A position in that pool.
    #[account(constraint = position.pool == market.pool @ LenderError::WrongPool)]
    pub position: Box<Account<'info, Position>>,
    /// The pool's rate source (omit for manual pools).
    /// CHECK: checked by the restaking view against the pool.
    pub rate_source: Option<UncheckedAccount<'info>>,
    pub restaking_program: Program<'info, Restaking>,
}

pub fn handler<'info>(ctx: Context<'info, ValuePosition<'info>>) -> Result<Valuation> {
    let a = &ctx.accounts;
    let view = view_position(&ViewAccounts {
        restaking_program: &a.restaking_program.to_account_info(),
        position: &a.position.to_account_info(),
        pool: &a.pool.to_account_info(),
        rate_source: a.rate_source.as_ref().map(|r| r.as_ref()),
        groups: ctx.remaining_accounts,
    })?;
    let v = valuation(&a.market, a.position.key(), &view)?;
    emit!(PositionValuedEvent {
        market: a.market.key(),
        valuation: v.clone(),
    });
    Ok(v)
}
