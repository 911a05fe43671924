//! `update_operator`: changes commission (increases wait [`Operator::COMMISSION_INCREASE_DELAY_SECS`]
//! so stakers can leave first; decreases apply at once), metadata, or active status.
use crate::error::RestakingError;
use crate::events::OperatorUpdatedEvent;
use crate::state::{Config, Operator};
use anchor_lang::prelude::*;
// a plain string on the wire, its length checked before allocation (see `arg_string`)
#[cfg(not(feature = "idl-build"))]
use crate::arg_string::ArgString as String;

/// Each `Some` field replaces the current setting.
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug, Default)]
pub struct UpdateOperatorArgs {
    /// New commission, in basis points: an increase takes effect after a delay, a decrease at
    /// once; `None` keeps it.
    pub commission_bps: Option<u16>,
    /// New metadata URI (at most 96 bytes); `None` keeps it.
    pub metadata_uri: Option<String>,
    /// Whether the operator takes new delegations; `None` keeps it.
    pub active: Option<bool>,
}

#[event_cpi]
#[derive(Accounts)]
pub struct UpdateOperator<'info> {
    /// The operator's authority.
    pub authority: Signer<'info>,
    /// The program config (commission cap).
    pub config: Account<'info, Config>,
    /// The operator to change.
    #[account(mut, dup, has_one = authority @ RestakingError::NotOperatorAuthority)]
    pub operator: Account<'info, Operator>,
}

pub fn handler(ctx: Context<UpdateOperator>, args: UpdateOperatorArgs) -> Result<()> {
    let now = Clock::get()?.unix_timestamp;
    let max = ctx.accounts.config.max_commission_bps;
    let operator = &mut ctx.accounts.operator;
    if let Some(bps) = args.commission_bps {
        operator.set_commission(bps, max, now)?;
    }
    if let Some(uri) = args.metadata_uri {
        Operator::validate_uri(&uri)?;
        operator.metadata_uri = uri.into();
    }
    if let Some(active) = args.active {
        operator.active = active;
    }
    let event = OperatorUpdatedEvent {
        operator: operator.key(),
        commission_bps: operator.commission_bps,
        pending_commission_bps: operator.pending_commission_bps,
        commission_effective_ts: operator.commission_effective_ts,
        active: operator.active,
        metadata_uri: operator.metadata_uri.clone(),
    };
    emit_cpi!(event);
    Ok(())
}
