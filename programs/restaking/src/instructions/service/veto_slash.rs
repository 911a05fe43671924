//! `veto_slash`: the guardian cancels a pending slash request; nothing moves. The request
//! stops holding tickets and releases its reservation of the link's slash window (an expired
//! request already holds nothing; vetoing it releases its reservation too).
use crate::error::RestakingError;
use crate::events::SlashVetoedEvent;
use crate::state::{Config, OperatorPool, ServiceLink, SlashRequest, SlashStatus};
use anchor_lang::prelude::*;

#[event_cpi]
#[derive(Accounts)]
pub struct VetoSlash<'info> {
    /// The config's guardian.
    pub guardian: Signer<'info>,
    /// The program config (names the guardian).
    #[account(has_one = guardian @ RestakingError::NotGuardian)]
    pub config: Box<Account<'info, Config>>,
    /// The bucket of the request; unfrozen by the veto.
    #[account(mut, dup)]
    pub operator_pool: Box<Account<'info, OperatorPool>>,
    /// The pending request to veto.
    #[account(
        mut, dup,
        has_one = operator_pool @ RestakingError::WrongDelegation,
        constraint = slash_request.status == SlashStatus::Pending @ RestakingError::SlashNotPending,
    )]
    pub slash_request: Box<Account<'info, SlashRequest>>,
    /// The operator's link to the request's service: the veto releases its reservation.
    #[account(
        mut,
        constraint = service_link.service == slash_request.service @ RestakingError::ServiceNotLinked,
        constraint = service_link.operator == operator_pool.operator @ RestakingError::ServiceNotLinked,
    )]
    pub service_link: Box<Account<'info, ServiceLink>>,
}

pub fn handler(ctx: Context<VetoSlash>) -> Result<()> {
    let request = &mut ctx.accounts.slash_request;
    request.status = SlashStatus::Vetoed;
    let bucket = &mut ctx.accounts.operator_pool;
    bucket.close_slash(request.cut_key()?)?;
    ctx.accounts
        .service_link
        .release(request.bps, request.requested_ts);
    let event = SlashVetoedEvent {
        slash_request: ctx.accounts.slash_request.key(),
        operator_pool: bucket.key(),
        guardian: ctx.accounts.guardian.key(),
    };
    emit_cpi!(event);
    Ok(())
}
