//! `update_config`: changes settings. The slash veto window may only shrink, so it stays
//! shorter than the withdrawal delay of every pool created under an earlier minimum.
use crate::error::RestakingError;
use crate::events::ConfigUpdatedEvent;
use crate::state::Config;
use anchor_lang::prelude::*;

/// Each `Some` field replaces the current setting.
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug, Default)]
pub struct UpdateConfigArgs {
    /// New guardian; `None` keeps it.
    pub guardian: Option<Pubkey>,
    /// New treasury (owner of the fee token accounts); `None` keeps it.
    pub treasury: Option<Pubkey>,
    /// New protocol fee, in basis points (at most `MAX_PROTOCOL_FEE_BPS`); `None` keeps it.
    pub protocol_fee_bps: Option<u16>,
    /// New commission cap for operators, in basis points; `None` keeps it.
    pub max_commission_bps: Option<u16>,
    /// New shortest pool withdrawal delay, in seconds; `None` keeps it.
    pub min_withdrawal_delay_secs: Option<i64>,
    /// New slash veto window, in seconds; `None` keeps it.
    pub slash_veto_secs: Option<i64>,
}

#[event_cpi]
#[derive(Accounts)]
pub struct UpdateConfig<'info> {
    /// The admin.
    pub admin: Signer<'info>,
    /// The program config to change.
    #[account(mut, dup, has_one = admin @ RestakingError::Unauthorized)]
    pub config: Account<'info, Config>,
}

pub fn handler(ctx: Context<UpdateConfig>, args: UpdateConfigArgs) -> Result<()> {
    let config = &mut ctx.accounts.config;
    if let Some(v) = args.guardian {
        config.guardian = v;
    }
    if let Some(v) = args.treasury {
        config.treasury = v;
    }
    if let Some(v) = args.protocol_fee_bps {
        config.protocol_fee_bps = v;
    }
    if let Some(v) = args.max_commission_bps {
        config.max_commission_bps = v;
    }
    if let Some(v) = args.min_withdrawal_delay_secs {
        config.min_withdrawal_delay_secs = v;
    }
    if let Some(v) = args.slash_veto_secs {
        require!(
            v <= config.slash_veto_secs,
            RestakingError::VetoWindowTooLong
        );
        config.slash_veto_secs = v;
    }
    config.validate_settings()?;
    emit_cpi!(ConfigUpdatedEvent {
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
