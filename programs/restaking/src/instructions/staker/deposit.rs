//! `deposit(amount, min_value)`: moves LST from the owner into the pool vault and credits the
//! position's idle holding with what the vault received, valued at the fresh rate.
use crate::constants::PAUSE_DEPOSITS;
use crate::error::RestakingError;
use crate::events::DepositEvent;
use crate::math::{value_of_lst_floor, SafeMath};
use crate::rate_source::refresh_rate;
use crate::state::{Config, Pool, Position};
use crate::token::transfer_to_vault;
use anchor_lang::prelude::*;
use anchor_spl::token_interface::{TokenAccount, TokenInterface};

#[event_cpi]
#[derive(Accounts)]
pub struct Deposit<'info> {
    /// The position's owner; sends the LST.
    pub owner: Signer<'info>,
    /// The program config (pause flags).
    pub config: Account<'info, Config>,
    /// The pool (`["pool", lst_mint]`).
    #[account(
        mut, dup,
        has_one = lst_mint @ RestakingError::InvalidMint,
        constraint = pool.vault == pool_vault.key() @ RestakingError::InvalidVault,
        constraint = pool.token_program == token_program.key() @ RestakingError::InvalidTokenProgram,
    )]
    pub pool: Box<Account<'info, Pool>>,
    /// The staker's position (`["position", pool, owner]`).
    #[account(
        mut, dup,
        has_one = owner @ RestakingError::NotPositionOwner,
        has_one = pool @ RestakingError::WrongPool,
    )]
    pub position: Box<Account<'info, Position>>,
    /// The pool's LST mint (`has_one` on `pool`).
    /// CHECK: `transfer_checked` checks it and `lst_decimals` against both token accounts.
    pub lst_mint: UncheckedAccount<'info>,
    /// The owner's token account of the LST; sends `amount`.
    #[account(
        mut, dup,
        constraint = owner_lst_account.mint == lst_mint.key() @ RestakingError::InvalidMint,
        constraint = owner_lst_account.key() != pool.vault @ RestakingError::InvalidVault,
    )]
    pub owner_lst_account: Box<InterfaceAccount<'info, TokenAccount>>,
    /// The pool's LST vault (`["pool_vault", pool]`); receives the LST.
    #[account(mut, dup)]
    pub pool_vault: Box<InterfaceAccount<'info, TokenAccount>>,
    /// The pool's rate-source account (omit for manual pools).
    /// CHECK: key, owner program and layout are checked by `refresh_rate`.
    pub rate_source: Option<UncheckedAccount<'info>>,
    /// Token program of the mint (SPL Token or Token-2022).
    pub token_program: Interface<'info, TokenInterface>,
}

impl Deposit<'_> {
    fn validate(&self, amount: u64) -> Result<()> {
        require!(amount > 0, RestakingError::ZeroAmount);
        require!(
            !self.config.is_paused(PAUSE_DEPOSITS),
            RestakingError::DepositsPaused
        );
        require!(
            self.owner_lst_account.amount >= amount,
            RestakingError::InsufficientFunds
        );
        Ok(())
    }
}

#[access_control(ctx.accounts.validate(amount))]
pub fn handler(ctx: Context<Deposit>, amount: u64, min_value: u64) -> Result<()> {
    let clock = Clock::get()?;
    let accounts = &mut *ctx.accounts;
    let pool = &mut accounts.pool;
    let position = &mut accounts.position;

    let source = accounts.rate_source.as_ref().map(|a| a.to_account_info());
    let rate = refresh_rate(pool, source.as_ref(), &clock)?;
    pool.strip_idle(position, rate)?;

    let received = transfer_to_vault(
        &accounts.token_program.to_account_info(),
        &accounts.owner_lst_account.to_account_info(),
        &accounts.pool_vault,
        &accounts.lst_mint,
        pool.lst_decimals,
        &accounts.owner.to_account_info(),
        amount,
    )?;
    let value = value_of_lst_floor(received, rate)?;
    require!(value >= min_value, RestakingError::SlippageExceeded);
    let total_principal = pool.total_principal.safe_add(value)?;
    require!(
        total_principal <= pool.deposit_cap_value,
        RestakingError::DepositCapExceeded
    );

    position.add_idle(received, value)?;
    pool.total_principal = total_principal;
    pool.total_idle_lst = pool.total_idle_lst.safe_add(received)?;
    pool.total_deposited_lst = pool.total_deposited_lst.safe_add(received)?;

    let event = DepositEvent {
        pool: pool.key(),
        position: position.key(),
        owner: position.owner,
        amount,
        received_lst: received,
        value,
        rate,
        position_idle_lst: position.idle_lst,
        position_idle_principal: position.idle_principal,
        pool_total_idle_lst: pool.total_idle_lst,
        pool_total_principal: pool.total_principal,
    };
    emit_cpi!(event);
    Ok(())
}
