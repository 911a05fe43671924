//! `update_config`: changes settings. What can hurt stakers — a higher protocol fee or
//! commission cap, a shorter veto window, another guardian — is proposed and takes effect
//! `ADMIN_TIMELOCK_SECS` later through `apply_config_update`, so stakers can leave first; the
//! rest (lower fee or cap, treasury, minimum pool delay) applies at once, and proposing the
//! current value withdraws a proposal. The slash veto window may only shrink, so it stays
//! shorter than the withdrawal delay of every pool created under an earlier minimum.
use crate::error::RestakingError;
use crate::events::{ConfigChangeProposedEvent, ConfigUpdatedEvent};
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
    let now = Clock::get()?.unix_timestamp;
    let config = &mut ctx.accounts.config;
    let proposed = config.update(&args, now)?;
    let updated = ConfigUpdatedEvent::of(config);
    let proposal = proposed.then(|| ConfigChangeProposedEvent::of(config));
    emit_cpi!(updated);
    if let Some(proposal) = proposal {
        emit_cpi!(proposal);
    }
    Ok(())
}
