//! `initialize_config`: creates the singleton `Config`; the signer becomes admin.
use crate::constants::ACCOUNT_VERSION;
use crate::events::ConfigInitializedEvent;
use crate::pda::init_account;
use crate::state::Config;
use anchor_lang::prelude::*;

/// Arguments of `initialize_config`: the config's roles and bounds.
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug)]
pub struct InitializeConfigArgs {
    /// May set pause flags (never lift them) and veto slashes.
    pub guardian: Pubkey,
    /// Owner of the token accounts protocol fees are paid to.
    pub treasury: Pubkey,
    /// Protocol fee on restaking rewards, in basis points (at most `MAX_PROTOCOL_FEE_BPS`).
    pub protocol_fee_bps: u16,
    /// Highest commission an operator may charge, in basis points.
    pub max_commission_bps: u16,
    /// Shortest withdrawal delay a pool may have, in seconds.
    pub min_withdrawal_delay_secs: i64,
    /// Window in which the guardian may veto a slash, in seconds; shorter than
    /// `min_withdrawal_delay_secs`.
    pub slash_veto_secs: i64,
}

#[event_cpi]
#[derive(Accounts)]
pub struct InitializeConfig<'info> {
    /// Becomes admin; pays the config's rent.
    #[account(mut)]
    pub admin: Signer<'info>,
    /// The config, created by this instruction.
    /// CHECK: seeds checked here; created with `pda::init_account` (robust to pre-funding).
    #[account(
        mut,
        seeds = [Config::SEED],
        bump,
    )]
    pub config: UncheckedAccount<'info>,
    /// The system program.
    pub system_program: Program<'info, System>,
}

pub fn handler(ctx: Context<InitializeConfig>, args: InitializeConfigArgs) -> Result<()> {
    let config = Config {
        admin: ctx.accounts.admin.key(),
        pending_admin: Pubkey::default(),
        guardian: args.guardian,
        treasury: args.treasury,
        protocol_fee_bps: args.protocol_fee_bps,
        max_commission_bps: args.max_commission_bps,
        min_withdrawal_delay_secs: args.min_withdrawal_delay_secs,
        slash_veto_secs: args.slash_veto_secs,
        pause_flags: 0,
        pool_count: 0,
        bump: ctx.bumps.config,
        version: ACCOUNT_VERSION,
        pending_mask: 0,
        pending_guardian: Pubkey::default(),
        pending_protocol_fee_bps: 0,
        pending_max_commission_bps: 0,
        pending_slash_veto_secs: 0,
        pending_effective_ts: 0,
        reserved: [0; 11],
    };
    config.validate_settings()?;
    init_account(
        &ctx.accounts.admin.to_account_info(),
        &ctx.accounts.config.to_account_info(),
        &ctx.accounts.system_program.to_account_info(),
        Config::SPACE,
        &[Config::SEED, &[ctx.bumps.config]],
        &config,
    )?;
    emit_cpi!(ConfigInitializedEvent {
        admin: config.admin,
        guardian: config.guardian,
        treasury: config.treasury,
        protocol_fee_bps: config.protocol_fee_bps,
        max_commission_bps: config.max_commission_bps,
        min_withdrawal_delay_secs: config.min_withdrawal_delay_secs,
        slash_veto_secs: config.slash_veto_secs,
    });
    Ok(())
}
