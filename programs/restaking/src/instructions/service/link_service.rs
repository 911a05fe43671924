//! `link_service(max_slash_bps)`: the operator opts into a service, accepting slashes of up to
//! `max_slash_bps` per request and per window (`ServiceLink::SLASH_WINDOW_SECS`, requests
//! summed) on all its buckets. Linking again while linked may raise the
//! maximum (and cancels a pending unlink) but never lower it — that would be an instant
//! unlink; once an unlink has taken effect, linking starts afresh.
use crate::constants::{ACCOUNT_VERSION, BPS_DENOMINATOR};
use crate::error::RestakingError;
use crate::events::ServiceLinkedEvent;
use crate::pda::{init_account, load, store};
use crate::state::{Operator, Service, ServiceLink};
use anchor_lang::prelude::*;

#[event_cpi]
#[derive(Accounts)]
pub struct LinkService<'info> {
    /// The operator's authority; pays the link's rent.
    #[account(mut)]
    pub authority: Signer<'info>,
    /// The operator opting in.
    #[account(has_one = authority @ RestakingError::NotOperatorAuthority)]
    pub operator: Account<'info, Operator>,
    /// The service opted in to.
    pub service: Account<'info, Service>,
    /// The operator's link to this service: created on first use, otherwise loaded as a
    /// `ServiceLink` (owner and discriminator checked) and rewritten.
    /// CHECK: seeds checked here; created or loaded as described above.
    #[account(
        mut,
        seeds = [ServiceLink::SEED, service.key().as_ref(), operator.key().as_ref()],
        bump,
    )]
    pub service_link: UncheckedAccount<'info>,
    /// The system program.
    pub system_program: Program<'info, System>,
}

pub fn handler(ctx: Context<LinkService>, max_slash_bps: u16) -> Result<()> {
    require!(
        max_slash_bps > 0 && max_slash_bps <= BPS_DENOMINATOR,
        RestakingError::InvalidBps
    );
    let now = Clock::get()?.unix_timestamp;
    let info = ctx.accounts.service_link.to_account_info();
    let service = ctx.accounts.service.key();
    let operator = ctx.accounts.operator.key();
    let mut link = ServiceLink {
        service,
        operator,
        max_slash_bps,
        linked_ts: now,
        unlink_effective_ts: 0,
        bump: ctx.bumps.service_link,
        version: ACCOUNT_VERSION,
        window_start_ts: 0,
        window_bps: 0,
        reserved: [0; 16],
    };
    if *info.owner == crate::ID {
        let existing: ServiceLink = load(&info)?;
        if existing.is_linked(now) {
            require!(
                max_slash_bps >= existing.max_slash_bps,
                RestakingError::LinkCannotLoosen
            );
        }
        // Linking again keeps the slash window: what the service took still counts.
        link.window_start_ts = existing.window_start_ts;
        link.window_bps = existing.window_bps;
        store(&info, &link)?;
    } else {
        init_account(
            &ctx.accounts.authority.to_account_info(),
            &info,
            &ctx.accounts.system_program.to_account_info(),
            ServiceLink::SPACE,
            &[
                ServiceLink::SEED,
                service.as_ref(),
                operator.as_ref(),
                &[ctx.bumps.service_link],
            ],
            &link,
        )?;
    }
    let event = ServiceLinkedEvent {
        service,
        operator,
        service_link: info.key(),
        max_slash_bps,
    };
    emit_cpi!(event);
    Ok(())
}
