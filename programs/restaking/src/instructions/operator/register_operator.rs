//! `register_operator(commission_bps, metadata_uri)`: the signer becomes an operator.
use crate::constants::ACCOUNT_VERSION;
use crate::error::RestakingError;
use crate::events::OperatorRegisteredEvent;
use crate::pda::init_account;
use crate::state::{Config, Operator};
use anchor_lang::prelude::*;
// a plain string on the wire, its length checked before allocation (see `arg_string`)
#[cfg(not(feature = "idl-build"))]
use crate::arg_string::ArgString as String;

#[event_cpi]
#[derive(Accounts)]
pub struct RegisterOperator<'info> {
    /// Becomes the operator's authority; pays its rent.
    #[account(mut)]
    pub authority: Signer<'info>,
    /// The program config (commission cap).
    pub config: Account<'info, Config>,
    /// The new operator, created by this instruction.
    /// CHECK: seeds checked here; created with `pda::init_account` (robust to pre-funding).
    #[account(
        mut,
        seeds = [Operator::SEED, authority.key().as_ref()],
        bump,
    )]
    pub operator: UncheckedAccount<'info>,
    /// The system program.
    pub system_program: Program<'info, System>,
}

pub fn handler(
    ctx: Context<RegisterOperator>,
    commission_bps: u16,
    metadata_uri: String,
) -> Result<()> {
    require!(
        commission_bps <= ctx.accounts.config.max_commission_bps,
        RestakingError::CommissionTooHigh
    );
    Operator::validate_uri(&metadata_uri)?;
    let authority = ctx.accounts.authority.key();
    let operator = Operator {
        authority: ctx.accounts.authority.key(),
        commission_bps,
        pending_commission_bps: commission_bps,
        commission_effective_ts: 0,
        active: true,
        metadata_uri: metadata_uri.into(),
        operator_pool_count: 0,
        bump: ctx.bumps.operator,
        version: ACCOUNT_VERSION,
        reserved: [0; 32],
    };
    init_account(
        &ctx.accounts.authority.to_account_info(),
        &ctx.accounts.operator.to_account_info(),
        &ctx.accounts.system_program.to_account_info(),
        Operator::SPACE,
        &[Operator::SEED, authority.as_ref(), &[ctx.bumps.operator]],
        &operator,
    )?;
    let event = OperatorRegisteredEvent {
        operator: ctx.accounts.operator.key(),
        authority: operator.authority,
        commission_bps,
        metadata_uri: operator.metadata_uri.clone(),
    };
    emit_cpi!(event);
    Ok(())
}
