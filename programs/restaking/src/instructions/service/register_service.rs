//! `register_service(slasher, destination, metadata_uri)`: the signer registers a service.
use crate::constants::ACCOUNT_VERSION;
use crate::error::RestakingError;
use crate::events::ServiceRegisteredEvent;
use crate::pda::init_account;
use crate::state::{Operator, Service};
use anchor_lang::prelude::*;
// a plain string on the wire, its length checked before allocation (see `arg_string`)
#[cfg(not(feature = "idl-build"))]
use crate::arg_string::ArgString as String;

#[event_cpi]
#[derive(Accounts)]
pub struct RegisterService<'info> {
    /// Becomes the service's authority; pays its rent.
    #[account(mut)]
    pub authority: Signer<'info>,
    /// The new service, created by this instruction.
    /// CHECK: seeds checked here; created with `pda::init_account` (robust to pre-funding).
    #[account(
        mut,
        seeds = [Service::SEED, authority.key().as_ref()],
        bump,
    )]
    pub service: UncheckedAccount<'info>,
    /// The system program.
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
    let authority = ctx.accounts.authority.key();
    let service = Service {
        authority: ctx.accounts.authority.key(),
        slasher,
        destination,
        metadata_uri: metadata_uri.into(),
        bump: ctx.bumps.service,
        version: ACCOUNT_VERSION,
        reserved: [0; 32],
    };
    init_account(
        &ctx.accounts.authority.to_account_info(),
        &ctx.accounts.service.to_account_info(),
        &ctx.accounts.system_program.to_account_info(),
        Service::SPACE,
        &[Service::SEED, authority.as_ref(), &[ctx.bumps.service]],
        &service,
    )?;
    let event = ServiceRegisteredEvent {
        service: ctx.accounts.service.key(),
        authority: service.authority,
        slasher,
        destination,
    };
    emit_cpi!(event);
    Ok(())
}
