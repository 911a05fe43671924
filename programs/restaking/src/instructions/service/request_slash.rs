//! `request_slash(bps, evidence_hash)`: a linked service's slasher asks to slash an operator's
//! bucket. What one service may take from the operator — this request plus its other requests
//! of the current window (`ServiceLink::SLASH_WINDOW_SECS`, the longest withdrawal delay) not
//! vetoed — is bounded by the link's `max_slash_bps` (additively). Until the request is executed, vetoed or expired, the bucket
//! takes no delegations (nor cancelled undelegations), and the `Undelegate` tickets it will cut
//! — those of cohorts starting at or after now — wait; undelegating stays open (the queue is
//! cut with the bucket), and tickets matured before now leave freely.
use crate::constants::{ACCOUNT_VERSION, SLASH_GRACE_SECS};
use crate::error::RestakingError;
use crate::events::SlashRequestedEvent;
use crate::math::{cut_key, SafeMath};
use crate::pda::init_account;
use crate::state::{Config, OperatorPool, Service, ServiceLink, SlashRequest, SlashStatus};
use anchor_lang::prelude::*;

#[event_cpi]
#[derive(Accounts)]
pub struct RequestSlash<'info> {
    /// The service's slasher; pays the request's rent.
    #[account(mut)]
    pub slasher: Signer<'info>,
    /// The program config (veto window).
    pub config: Box<Account<'info, Config>>,
    /// The requesting service; names the slasher.
    #[account(has_one = slasher @ RestakingError::NotSlasher)]
    pub service: Box<Account<'info, Service>>,
    /// The link of the bucket's operator to the service (caps the slash).
    #[account(
        mut,
        has_one = service @ RestakingError::ServiceNotLinked,
        constraint = service_link.operator == operator_pool.operator @ RestakingError::ServiceNotLinked,
    )]
    pub service_link: Box<Account<'info, ServiceLink>>,
    /// The bucket to slash; frozen while the request is pending.
    #[account(mut, dup)]
    pub operator_pool: Box<Account<'info, OperatorPool>>,
    /// The new slash request, created by this instruction at the bucket's `slash_nonce`.
    /// CHECK: seeds checked here; created with `pda::init_account` (robust to pre-funding).
    #[account(
        mut,
        seeds = [
            SlashRequest::SEED,
            operator_pool.key().as_ref(),
            service.key().as_ref(),
            &operator_pool.slash_nonce.to_le_bytes(),
        ],
        bump,
    )]
    pub slash_request: UncheckedAccount<'info>,
    /// The system program.
    pub system_program: Program<'info, System>,
}

pub fn handler(ctx: Context<RequestSlash>, bps: u16, evidence_hash: [u8; 32]) -> Result<()> {
    let now = Clock::get()?.unix_timestamp;
    let link = &mut ctx.accounts.service_link;
    require!(link.is_linked(now), RestakingError::ServiceNotLinked);
    require!(
        bps > 0 && bps <= link.max_slash_bps,
        RestakingError::SlashTooLarge
    );
    let executable_ts = now
        .checked_add(ctx.accounts.config.slash_veto_secs)
        .ok_or(RestakingError::MathOverflow)?;
    let expires_ts = executable_ts
        .checked_add(SLASH_GRACE_SECS)
        .ok_or(RestakingError::MathOverflow)?;
    link.reserve(bps, now)?;
    let bucket = &mut ctx.accounts.operator_pool;
    let nonce = bucket.slash_nonce;
    bucket.slash_nonce = nonce.safe_add(1)?;
    bucket.open_slash(cut_key(now)?, expires_ts, now)?;
    let service = ctx.accounts.service.key();
    let bucket_key = bucket.key();
    init_account(
        &ctx.accounts.slasher.to_account_info(),
        &ctx.accounts.slash_request.to_account_info(),
        &ctx.accounts.system_program.to_account_info(),
        SlashRequest::SPACE,
        &[
            SlashRequest::SEED,
            bucket_key.as_ref(),
            service.as_ref(),
            &nonce.to_le_bytes(),
            &[ctx.bumps.slash_request],
        ],
        &SlashRequest {
            operator_pool: bucket.key(),
            service: ctx.accounts.service.key(),
            nonce,
            bps,
            evidence_hash,
            requested_ts: now,
            executable_ts,
            status: SlashStatus::Pending,
            seized_active_lst: 0,
            seized_queued_lst: 0,
            bump: ctx.bumps.slash_request,
            version: ACCOUNT_VERSION,
            expires_ts,
            reserved: [0; 8],
        },
    )?;
    let event = SlashRequestedEvent {
        slash_request: ctx.accounts.slash_request.key(),
        operator_pool: bucket.key(),
        service: ctx.accounts.service.key(),
        bps,
        evidence_hash,
        executable_ts,
        expires_ts,
        window_bps: ctx.accounts.service_link.window_bps,
    };
    emit_cpi!(event);
    Ok(())
}
