//! `accept_admin`: the pending admin takes over.
use crate::error::RestakingError;
use crate::events::AdminTransferredEvent;
use crate::state::Config;
use anchor_lang::prelude::*;

#[event_cpi]
#[derive(Accounts)]
pub struct AcceptAdmin<'info> {
    /// The pending admin; becomes admin.
    pub pending_admin: Signer<'info>,
    /// The program config; its `pending_admin` must sign.
    #[account(mut, dup, has_one = pending_admin @ RestakingError::NotPendingAdmin)]
    pub config: Account<'info, Config>,
}

pub fn handler(ctx: Context<AcceptAdmin>) -> Result<()> {
    let config = &mut ctx.accounts.config;
    let previous_admin = config.admin;
    config.admin = config.pending_admin;
    config.pending_admin = Pubkey::default();
    emit_cpi!(AdminTransferredEvent {
        previous_admin,
        admin: config.admin,
    });
    Ok(())
}
