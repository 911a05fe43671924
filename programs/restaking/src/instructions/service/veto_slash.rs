//! `veto_slash`: the guardian cancels a pending slash request; nothing moves.
use crate::error::RestakingError;
use crate::events::SlashVetoedEvent;
use crate::state::{Config, OperatorPool, SlashRequest, SlashStatus};
use anchor_lang::prelude::*;

#[event_cpi]
#[derive(Accounts)]
pub struct VetoSlash<'info> {
    /// The config's guardian.
    pub guardian: Signer<'info>,
    /// The program config (names the guardian).
    #[account(has_one = guardian @ RestakingError::NotGuardian)]
    pub config: Account<'info, Config>,
    /// The bucket of the request; unfrozen by the veto.
    #[account(mut, dup)]
    pub operator_pool: Account<'info, OperatorPool>,
    /// The pending request to veto.
    #[account(
        mut, dup,
        has_one = operator_pool @ RestakingError::WrongDelegation,
        constraint = slash_request.status == SlashStatus::Pending @ RestakingError::SlashNotPending,
    )]
    pub slash_request: Account<'info, SlashRequest>,
}

pub fn handler(ctx: Context<VetoSlash>) -> Result<()> {
    ctx.accounts.slash_request.status = SlashStatus::Vetoed;
    let bucket = &mut ctx.accounts.operator_pool;
    bucket.close_slash()?;
    let event = SlashVetoedEvent {
        slash_request: ctx.accounts.slash_request.key(),
        operator_pool: bucket.key(),
        guardian: ctx.accounts.guardian.key(),
    };
    emit_cpi!(event);
    Ok(())
}
