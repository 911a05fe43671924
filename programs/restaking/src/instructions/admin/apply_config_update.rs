//! `apply_config_update`: applies the config's pending changes once `ADMIN_TIMELOCK_SECS` has
//! passed since they were proposed. Anyone may call it.
use crate::events::{ConfigChangeAppliedEvent, ConfigUpdatedEvent};
use crate::state::Config;
use anchor_lang::prelude::*;

#[event_cpi]
#[derive(Accounts)]
pub struct ApplyConfigUpdate<'info> {
    /// The program config.
    #[account(mut)]
    pub config: Account<'info, Config>,
}

pub fn handler(ctx: Context<ApplyConfigUpdate>) -> Result<()> {
    let now = Clock::get()?.unix_timestamp;
    let config = &mut ctx.accounts.config;
    let applied = ConfigChangeAppliedEvent {
        pending_mask: config.pending_mask,
    };
    config.apply_pending(now)?;
    let updated = ConfigUpdatedEvent::of(config);
    emit_cpi!(applied);
    emit_cpi!(updated);
    Ok(())
}
