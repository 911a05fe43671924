//! `register_service(slasher, destination, metadata_uri)`: the signer registers a service.
use crate::constants::ACCOUNT_VERSION;
use crate::error::RestakingError;
use crate::events::ServiceRegisteredEvent;
use crate::state::{Operator, Service};
use anchor_lang::prelude::*;

#[event_cpi]
#[derive(Accounts)]
pub struct RegisterService<'info> {
    #[account(mut)]
    pub authority: Signer<'info>,
    #[account(
        init,
        payer = authority,
        space = Service::SPACE,
        seeds = [Service::SEED, authority.key().as_ref()],
        bump,
    )]
    pub service: Account<'info, Service>,
    pub system_program: Program<'info, System>,
}

pub fn handler(
    ctx: Context<RegisterService>,
    slasher: Pubkey,
    destination: Pubkey,
    metadata_uri: String,
) -> Result<()> {
    require_keys_neq!(slasher, Pubkey::default(), RestakingError::InvalidAddress);
    require_keys_neq!(
        destination,
        Pubkey::default(),
        RestakingError::InvalidAddress
    );
    Operator::validate_uri(&metadata_uri)?;
    let service = &mut ctx.accounts.service;
    service.set_inner(Service {
        authority: ctx.accounts.authority.key(),
        slasher,
        destination,
        metadata_uri,
        bump: ctx.bumps.service,
        version: ACCOUNT_VERSION,
        reserved: [0; 32],
    });
    let event = ServiceRegisteredEvent {
        service: service.key(),
        authority: service.authority,
        slasher,
        destination,
    };
    emit_cpi!(event);
    Ok(())
}
