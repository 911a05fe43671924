//! Restaking for liquid staking tokens: restake positions, withdrawal tickets and dual-yield
//! claims. See `SPEC.md` for the model; every instruction lives in its own file under
//! `instructions/`.
#![allow(unexpected_cfgs)]

pub mod constants;
pub mod error;
pub mod events;
pub mod instructions;
pub mod math;
pub mod rate_source;
pub mod state;
pub mod token;

use anchor_lang::prelude::*;
use instructions::*;

declare_id!("RSTKre5fcg7VzgKZBdQfDnp8o1V8AFHbBb9tJQ7ZFbq");

#[program]
pub mod restaking {
    use super::*;

    /// Creates the singleton config; the signer becomes admin.
    pub fn initialize_config(
        ctx: Context<InitializeConfig>,
        args: InitializeConfigArgs,
    ) -> Result<()> {
        initialize_config::handler(ctx, args)
    }

    /// Changes settings (admin).
    pub fn update_config(ctx: Context<UpdateConfig>, args: UpdateConfigArgs) -> Result<()> {
        update_config::handler(ctx, args)
    }

    /// Proposes a new admin (admin); the default key cancels a proposal.
    pub fn transfer_admin(ctx: Context<TransferAdmin>, new_admin: Pubkey) -> Result<()> {
        transfer_admin::handler(ctx, new_admin)
    }

    /// Makes the pending admin the admin (pending admin).
    pub fn accept_admin(ctx: Context<AcceptAdmin>) -> Result<()> {
        accept_admin::handler(ctx)
    }

    /// Sets pause flags (admin any; guardian may only add flags).
    pub fn set_pause(ctx: Context<SetPause>, pause_flags: u8) -> Result<()> {
        set_pause::handler(ctx, pause_flags)
    }

    /// Accepts an LST: creates its pool and vault and reads the first rate (admin).
    pub fn add_pool(ctx: Context<AddPool>, args: AddPoolArgs) -> Result<()> {
        add_pool::handler(ctx, args)
    }

    /// Changes a pool's cap, withdrawal delay or manual-source parameters (admin).
    pub fn update_pool(ctx: Context<UpdatePool>, args: UpdatePoolArgs) -> Result<()> {
        update_pool::handler(ctx, args)
    }

    /// Publishes a manual pool's rate (its updater).
    pub fn push_rate(ctx: Context<PushRate>, rate: u128) -> Result<()> {
        push_rate::handler(ctx, rate)
    }

    /// Opens the signer's position in a pool.
    pub fn open_position(ctx: Context<OpenPosition>) -> Result<()> {
        open_position::handler(ctx)
    }

    /// Deposits LST into the position's idle holding.
    pub fn deposit(ctx: Context<Deposit>, amount: u64, min_value: u64) -> Result<()> {
        deposit::handler(ctx, amount, min_value)
    }

    /// Queues idle LST for withdrawal after the pool's delay.
    pub fn request_withdrawal(ctx: Context<RequestWithdrawal>, amount: u64) -> Result<()> {
        request_withdrawal::handler(ctx, amount)
    }

    /// Pays a matured withdrawal ticket and closes it.
    pub fn complete_withdrawal(ctx: Context<CompleteWithdrawal>) -> Result<()> {
        complete_withdrawal::handler(ctx)
    }

    /// Returns a withdrawal ticket's LST to idle and closes it.
    pub fn cancel_withdrawal(ctx: Context<CancelWithdrawal>) -> Result<()> {
        cancel_withdrawal::handler(ctx)
    }

    /// Pays the position's base yield (and, with delegations, its restaking rewards).
    pub fn claim(ctx: Context<Claim>) -> Result<()> {
        claim::handler(ctx)
    }

    /// Strips a position's base yield at the fresh rate (anyone).
    pub fn harvest(ctx: Context<Harvest>) -> Result<()> {
        harvest::handler(ctx)
    }

    /// Closes an empty position.
    pub fn close_position(ctx: Context<ClosePosition>) -> Result<()> {
        close_position::handler(ctx)
    }
}
