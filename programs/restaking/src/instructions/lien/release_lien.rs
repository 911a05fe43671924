//! `release_lien`: the holder alone releases its lien (a repaid loan). Refused while its
//! enforcement tickets are open: it completes or cancels them first.
use crate::events::LienReleasedEvent;
use crate::state::Position;
use anchor_lang::prelude::*;

#[event_cpi]
#[derive(Accounts)]
pub struct ReleaseLien<'info> {
    /// The lien holder.
    pub lien_holder: Signer<'info>,
    /// The position under the lien.
    #[account(mut)]
    pub position: Account<'info, Position>,
}

pub fn handler(ctx: Context<ReleaseLien>) -> Result<()> {
    let position = &mut ctx.accounts.position;
    let holder = ctx.accounts.lien_holder.key();
    position.release_lien(&holder)?;
    emit_cpi!(LienReleasedEvent {
        position: position.key(),
        lien_holder: holder,
    });
    Ok(())
}
