//! `set_pause`: sets the pause flags. The guardian may only add flags; the admin may set any.
//! Exits (`complete_withdrawal`, `claim`) have no flag: they cannot be paused.
use crate::events::PauseSetEvent;
use crate::state::Config;
use anchor_lang::prelude::*;

#[event_cpi]
#[derive(Accounts)]
pub struct SetPause<'info> {
    /// The admin or the guardian (checked in `Config::set_pause`).
    pub signer: Signer<'info>,
    /// The program config; its pause flags change.
    #[account(mut, dup)]
    pub config: Account<'info, Config>,
}

pub fn handler(ctx: Context<SetPause>, pause_flags: u8) -> Result<()> {
    let config = &mut ctx.accounts.config;
    let previous_flags = config.pause_flags;
    config.set_pause(ctx.accounts.signer.key, pause_flags)?;
    emit_cpi!(PauseSetEvent {
        signer: ctx.accounts.signer.key(),
        previous_flags,
        pause_flags,
    });
    Ok(())
}
