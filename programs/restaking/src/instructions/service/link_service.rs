//! `link_service(max_slash_bps)`: the operator opts into a service, accepting slashes of up to
//! `max_slash_bps` per request on all its buckets. Linking again while linked may raise the
//! maximum (and cancels a pending unlink) but never lower it — that would be an instant
//! unlink; once an unlink has taken effect, linking starts afresh.
use crate::constants::{ACCOUNT_VERSION, BPS_DENOMINATOR};
use crate::error::RestakingError;
use crate::events::ServiceLinkedEvent;
use crate::state::{Operator, Service, ServiceLink};
use anchor_lang::prelude::*;

#[event_cpi]
#[derive(Accounts)]
pub struct LinkService<'info> {
    #[account(mut)]
    pub authority: Signer<'info>,
    #[account(has_one = authority @ RestakingError::NotOperatorAuthority)]
    pub operator: Account<'info, Operator>,
    pub service: Account<'info, Service>,
    #[account(
        init_if_needed,
        payer = authority,
        space = ServiceLink::SPACE,
        seeds = [ServiceLink::SEED, service.key().as_ref(), operator.key().as_ref()],
        bump,
    )]
    pub service_link: Account<'info, ServiceLink>,
    pub system_program: Program<'info, System>,
}

pub fn handler(ctx: Context<LinkService>, max_slash_bps: u16) -> Result<()> {
    require!(
        max_slash_bps > 0 && max_slash_bps <= BPS_DENOMINATOR,
        RestakingError::InvalidBps
    );
    let now = Clock::get()?.unix_timestamp;
    let link = &mut ctx.accounts.service_link;
    let existing = link.service != Pubkey::default();
    if existing && link.is_linked(now) {
        require!(
            max_slash_bps >= link.max_slash_bps,
            RestakingError::LinkCannotLoosen
        );
    }
    link.set_inner(ServiceLink {
        service: ctx.accounts.service.key(),
        operator: ctx.accounts.operator.key(),
        max_slash_bps,
        linked_ts: now,
        unlink_effective_ts: 0,
        bump: ctx.bumps.service_link,
        version: ACCOUNT_VERSION,
        reserved: [0; 16],
    });
    let event = ServiceLinkedEvent {
        service: link.service,
        operator: link.operator,
        service_link: link.key(),
        max_slash_bps,
    };
    emit_cpi!(event);
    Ok(())
}
