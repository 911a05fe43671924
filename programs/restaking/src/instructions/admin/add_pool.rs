//! `add_pool`: accepts an LST. Creates the `Pool` and its vault, applies the Token-2022
//! policy to the mint and reads the first rate from the source.
use crate::constants::ACCOUNT_VERSION;
use crate::error::RestakingError;
use crate::events::PoolAddedEvent;
use crate::math::validate_rate;
use crate::pda::{init_account, init_token_account};
use crate::rate_source::refresh_rate;
use crate::state::{Config, Pool, RateSource};
use crate::token::validate_mint_extensions;
use anchor_lang::prelude::*;
use anchor_spl::token_interface::{Mint, TokenInterface};

/// Arguments of `add_pool`.
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug)]
pub struct AddPoolArgs {
    /// Where the pool's rate comes from.
    pub rate_source: RateSource,
    /// First rate of a `Manual` source (numeraire units per LST unit × 10^18); ignored otherwise.
    pub initial_rate: u128,
    /// Most total principal value the pool accepts, in numeraire base units.
    pub deposit_cap_value: u64,
    /// Seconds between a withdrawal request and its completion (within the config's bounds).
    pub withdrawal_delay_secs: i64,
    /// The LST mint's freeze authority, named to accept it. A freeze authority could freeze
    /// the pool vault and trap every staker, so a mint with one is refused unless the admin
    /// names that exact key here (an issuer it trusts, logged in `PoolAddedEvent`). `None` for
    /// mints without one (jitoSOL, mSOL, bSOL: their programs refuse a freeze authority).
    pub accepted_freeze_authority: Option<Pubkey>,
}

#[event_cpi]
#[derive(Accounts)]
pub struct AddPool<'info> {
    /// The admin; pays the pool's and vault's rent.
    #[account(mut)]
    pub admin: Signer<'info>,
    /// The program config; counts the pool.
    #[account(mut, dup, has_one = admin @ RestakingError::Unauthorized)]
    pub config: Account<'info, Config>,
    /// Mint of the LST to accept (owned by `token_program`).
    #[account(
        constraint = *lst_mint.to_account_info().owner == token_program.key()
            @ RestakingError::InvalidTokenProgram,
    )]
    pub lst_mint: InterfaceAccount<'info, Mint>,
    /// The new pool, created by this instruction.
    /// CHECK: seeds checked here; created with `pda::init_account` (robust to pre-funding).
    #[account(
        mut,
        seeds = [Pool::SEED, lst_mint.key().as_ref()],
        bump,
    )]
    pub pool: UncheckedAccount<'info>,
    /// The pool's vault, created by this instruction: a token account of `lst_mint` owned by
    /// the pool.
    /// CHECK: seeds checked here; created with `pda::init_token_account`.
    #[account(
        mut,
        seeds = [Pool::VAULT_SEED, pool.key().as_ref()],
        bump,
    )]
    pub pool_vault: UncheckedAccount<'info>,
    /// The stake-pool or Marinade state account named by `args.rate_source`; omitted for
    /// manual sources.
    /// CHECK: key, owner program and layout are checked by `refresh_rate`.
    pub rate_source: Option<UncheckedAccount<'info>>,
    /// Owner program of `lst_mint` (SPL Token or Token-2022).
    pub token_program: Interface<'info, TokenInterface>,
    /// The system program.
    pub system_program: Program<'info, System>,
}

pub fn handler(ctx: Context<AddPool>, args: AddPoolArgs) -> Result<()> {
    validate_mint_extensions(&ctx.accounts.lst_mint.to_account_info())?;
    let freeze_authority: Option<Pubkey> = ctx.accounts.lst_mint.freeze_authority.into();
    require!(
        freeze_authority == args.accepted_freeze_authority,
        RestakingError::FreezeAuthorityNotAccepted
    );
    args.rate_source.validate()?;
    Pool::validate_withdrawal_delay(&ctx.accounts.config, args.withdrawal_delay_secs)?;

    let clock = Clock::get()?;
    let accounts = &mut *ctx.accounts;
    let lst_mint = accounts.lst_mint.key();
    let pool_key = accounts.pool.key();
    let mut pool = Pool {
        lst_mint,
        vault: accounts.pool_vault.key(),
        token_program: accounts.token_program.key(),
        rate_source: args.rate_source,
        rate: 0,
        rate_updated_ts: clock.unix_timestamp,
        deposit_cap_value: args.deposit_cap_value,
        withdrawal_delay_secs: args.withdrawal_delay_secs,
        total_idle_lst: 0,
        total_principal: 0,
        total_ticket_lst: 0,
        total_bucket_lst: 0,
        total_queued_lst: 0,
        total_unclaimed_yield: 0,
        total_deposited_lst: 0,
        total_withdrawn_lst: 0,
        total_yield_paid_lst: 0,
        position_count: 0,
        lst_decimals: accounts.lst_mint.decimals,
        bump: ctx.bumps.pool,
        vault_bump: ctx.bumps.pool_vault,
        version: ACCOUNT_VERSION,
        pending_mask: 0,
        pending_withdrawal_delay_secs: 0,
        pending_rate_source: args.rate_source,
        pending_effective_ts: 0,
        reserved: [0; 8],
    };
    if let RateSource::Manual { .. } = args.rate_source {
        pool.rate = validate_rate(args.initial_rate)?;
    } else {
        let source = accounts.rate_source.as_ref().map(|a| a.to_account_info());
        refresh_rate(&mut pool, source.as_ref(), &clock)?;
    }

    let admin = accounts.admin.to_account_info();
    let system_program = accounts.system_program.to_account_info();
    let pool_info = accounts.pool.to_account_info();
    init_account(
        &admin,
        &pool_info,
        &system_program,
        Pool::SPACE,
        &[Pool::SEED, lst_mint.as_ref(), &[ctx.bumps.pool]],
        &pool,
    )?;
    init_token_account(
        &admin,
        &accounts.pool_vault.to_account_info(),
        &accounts.lst_mint.to_account_info(),
        &pool_info,
        &accounts.token_program.to_account_info(),
        &system_program,
        &[Pool::VAULT_SEED, pool_key.as_ref(), &[ctx.bumps.pool_vault]],
    )?;

    let config = &mut accounts.config;
    config.pool_count = config
        .pool_count
        .checked_add(1)
        .ok_or(RestakingError::MathOverflow)?;

    emit_cpi!(PoolAddedEvent {
        pool: pool_key,
        lst_mint: pool.lst_mint,
        vault: pool.vault,
        token_program: pool.token_program,
        rate_source: pool.rate_source,
        rate: pool.rate,
        deposit_cap_value: pool.deposit_cap_value,
        withdrawal_delay_secs: pool.withdrawal_delay_secs,
        freeze_authority,
    });
    Ok(())
}
