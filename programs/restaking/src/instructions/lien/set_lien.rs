//! `set_lien`: the owner and the holder together put a lien on the position. The holder is
//! usually a lending program signing with its PDA. Refused while a lien is set or a ticket is
//! open.
use crate::error::RestakingError;
use crate::events::LienSetEvent;
use crate::state::Position;
use anchor_lang::prelude::*;

#[event_cpi]
#[derive(Accounts)]
pub struct SetLien<'info> {
    /// The position's owner.
    pub owner: Signer<'info>,
    /// The lien holder (a program's PDA signing by `invoke_signed`, or any key).
    pub lien_holder: Signer<'info>,
    /// The position to put the lien on.
    #[account(mut, has_one = owner @ RestakingError::NotPositionOwner)]
    pub position: Account<'info, Position>,
}

pub fn handler(ctx: Context<SetLien>) -> Result<()> {
    let position = &mut ctx.accounts.position;
    position.set_lien(ctx.accounts.lien_holder.key())?;
    emit_cpi!(LienSetEvent {
        position: position.key(),
        owner: position.owner,
        lien_holder: position.lien_holder,
    });
    Ok(())
}
