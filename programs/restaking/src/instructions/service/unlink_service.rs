//! `unlink_service`: the operator leaves a service. The link stays slashable for
//! [`ServiceLink::UNLINK_DELAY_SECS`], so an operator cannot escape a slash by unlinking.
use crate::error::RestakingError;
use crate::events::ServiceUnlinkRequestedEvent;
use crate::state::{Operator, ServiceLink};
use anchor_lang::prelude::*;

#[event_cpi]
#[derive(Accounts)]
pub struct UnlinkService<'info> {
    /// The operator's authority.
    pub authority: Signer<'info>,
    /// The operator opting out.
    #[account(has_one = authority @ RestakingError::NotOperatorAuthority)]
    pub operator: Account<'info, Operator>,
    /// The operator's link to the service.
    #[account(mut, dup, has_one = operator @ RestakingError::ServiceNotLinked)]
    pub service_link: Account<'info, ServiceLink>,
}

pub fn handler(ctx: Context<UnlinkService>) -> Result<()> {
    let now = Clock::get()?.unix_timestamp;
    let link = &mut ctx.accounts.service_link;
    require!(
        link.unlink_effective_ts == 0,
        RestakingError::ServiceNotLinked
    );
    link.unlink_effective_ts = now
        .checked_add(ServiceLink::UNLINK_DELAY_SECS)
        .ok_or(RestakingError::MathOverflow)?;
    let event = ServiceUnlinkRequestedEvent {
        service: link.service,
        operator: link.operator,
        unlink_effective_ts: link.unlink_effective_ts,
    };
    emit_cpi!(event);
    Ok(())
}
