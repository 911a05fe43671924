//! `transfer_admin`: first step of a two-step admin handover; the default key cancels it.
use crate::error::RestakingError;
use crate::events::AdminTransferStartedEvent;
use crate::state::Config;
use anchor_lang::prelude::*;

#[event_cpi]
#[derive(Accounts)]
pub struct TransferAdmin<'info> {
    /// The current admin.
    pub admin: Signer<'info>,
    /// The program config; its `pending_admin` changes.
    #[account(mut, dup, has_one = admin @ RestakingError::Unauthorized)]
    pub config: Account<'info, Config>,
}

pub fn handler(ctx: Context<TransferAdmin>, new_admin: Pubkey) -> Result<()> {
    let config = &mut ctx.accounts.config;
    config.pending_admin = new_admin;
    emit_cpi!(AdminTransferStartedEvent {
        admin: config.admin,
        pending_admin: new_admin,
    });
    Ok(())
}
